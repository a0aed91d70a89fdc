import { Op } from './ops.js';

/**
 * The decoder writes into one decode-cache entry at a time. These module
 * variables hold the target so the per-class decoders can call `put` without
 * threading the array through every function.
 */
let D: Int32Array = new Int32Array(8);
let B = 0;

export function target(dc: Int32Array, base: number): void {
  D = dc;
  B = base;
}

export function put(op: Op, regs = 0, misc = 0, i = 0, j = 0, k = 0, l = 0): void {
  const d = D;
  const b = B;
  d[b + 1] = op;
  d[b + 2] = regs;
  d[b + 3] = misc;
  d[b + 4] = i;
  d[b + 5] = j;
  d[b + 6] = k;
  d[b + 7] = l;
}

export function undef(): void {
  put(Op.UNDEF);
}

/** Packs register slots into the entry's register word. */
export function regs(d: number, n = 0, m = 0, a = 0): number {
  return d | (n << 6) | (m << 12) | (a << 18);
}

/** Sign-extends the low `bits` bits of x. */
export function sext(x: number, bits: number): number {
  const s = 32 - bits;
  return (x << s) >> s;
}
