import type { Cpu } from './cpu.js';

/**
 * Flag-setting arithmetic (AddWithCarry) and condition evaluation. Results
 * return the low half; 64-bit variants leave the high half in `cpu.aluHi`.
 * Flags live packed in `cpu.nzcv` (N=8, Z=4, C=2, V=1).
 */

export const N = 8;
export const Z = 4;
export const C = 2;
export const V = 1;

/** ConditionHolds for every (cond, NZCV) pair: index cond << 4 | nzcv. */
const COND_TABLE = (() => {
  const t = new Uint8Array(256);
  for (let cond = 0; cond < 16; cond++) {
    for (let f = 0; f < 16; f++) {
      const n = (f & N) !== 0;
      const z = (f & Z) !== 0;
      const c = (f & C) !== 0;
      const v = (f & V) !== 0;
      const base = [z, c, n, v, c && !z, n === v, n === v && !z, true][cond >>> 1]!;
      // AL (1110) and NV (1111) both mean "always" in A64.
      t[(cond << 4) | f] = (cond & 1 && cond !== 15 ? !base : base) ? 1 : 0;
    }
  }
  return t;
})();

export function addc64(cpu: Cpu, alo: number, ahi: number, blo: number, bhi: number, cin: number): number {
  const sl = (alo >>> 0) + (blo >>> 0) + cin;
  const c1 = sl > 0xffffffff ? 1 : 0;
  const sh = (ahi >>> 0) + (bhi >>> 0) + c1;
  const rlo = sl | 0;
  const rhi = sh | 0;
  cpu.nzcv =
    ((rhi >>> 28) & N) | ((rlo | rhi) === 0 ? Z : 0) | (sh > 0xffffffff ? C : 0) | (((ahi ^ rhi) & (bhi ^ rhi)) >>> 31);
  cpu.aluHi = rhi;
  return rlo;
}

export function addc32(cpu: Cpu, a: number, b: number, cin: number): number {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const r = s | 0;
  cpu.nzcv = ((r >>> 28) & N) | (r === 0 ? Z : 0) | (s > 0xffffffff ? C : 0) | (((a ^ r) & (b ^ r)) >>> 31);
  return r;
}

/** N and Z from a result, C and V cleared (logical operations with S). */
export function logicFlags(cpu: Cpu, lo: number, hi: number): void {
  cpu.nzcv = ((hi >>> 28) & N) | ((lo | hi) === 0 ? Z : 0);
}

/** ConditionHolds(cond) for the A64 condition codes. */
export function condHolds(cpu: Cpu, cond: number): boolean {
  return COND_TABLE[(cond << 4) | cpu.nzcv] === 1;
}

/** ExtendReg: extend the low bits of (lo, hi) per `option` then shift left by `amount` (0..4). */
export function extendReg(cpu: Cpu, lo: number, hi: number, option: number, amount: number): number {
  let l = lo;
  let h = hi;
  switch (option) {
    case 0:
      l = lo & 0xff;
      h = 0;
      break;
    case 1:
      l = lo & 0xffff;
      h = 0;
      break;
    case 2:
      h = 0;
      break;
    case 3:
      break;
    case 4:
      l = (lo << 24) >> 24;
      h = l >> 31;
      break;
    case 5:
      l = (lo << 16) >> 16;
      h = l >> 31;
      break;
    case 6:
      h = lo >> 31;
      break;
    default:
      break;
  }
  if (amount !== 0) {
    h = (h << amount) | (l >>> (32 - amount));
    l <<= amount;
  }
  cpu.aluHi = h;
  return l;
}
