// The random words of the disassembler's objdump comparison: seeded,
// deterministic, drawn from the encoding classes the executor implements and
// kept only when the executor's decoder accepts them (so every word is one
// the emulator can run, and the disassembler must show it as objdump does).
// Shared by the test and by record-disasm-golden.mjs, which bundles it.

import { decodeInto } from '../../emulator/cpu/decode.js';
import { DEFAULT_FEATURES } from '../../emulator/cpu/features.js';
import { Op } from '../../emulator/cpu/ops.js';
import { Rng } from '../util/rng.js';

export const RANDOM_SEED = 0x0d15a5;
export const RANDOM_COUNT = 4000;
/** Where the random words are placed: above 4 GiB and near a 4 GiB boundary, so targets carry into and borrow from the high half. */
export const RANDOM_BASE = 0xffff800000000000n + 0x100000000n - 0x8000n;

/** Encoding classes: fixed bits (mask, value) and a weight. */
const CLASSES: readonly { name: string; mask: number; value: number; weight: number }[] = [
  { name: 'dp-immediate', mask: 0x1c000000, value: 0x10000000, weight: 12 },
  { name: 'dp-register', mask: 0x0e000000, value: 0x0a000000, weight: 16 },
  { name: 'load-store', mask: 0x0e000000 | 0x04000000, value: 0x08000000, weight: 20 },
  { name: 'b-bl', mask: 0x7c000000, value: 0x14000000, weight: 2 },
  { name: 'cbz-tbz', mask: 0x7c000000, value: 0x34000000, weight: 3 },
  { name: 'b-cond', mask: 0xff000010, value: 0x54000000, weight: 2 },
  { name: 'exception', mask: 0xff00001c, value: 0xd4000000, weight: 1 },
  { name: 'branch-register', mask: 0xfe1ffc1f, value: 0xd61f0000, weight: 1 },
  { name: 'hint', mask: 0xfffff01f, value: 0xd503201f, weight: 2 },
  { name: 'barrier', mask: 0xfffff01f, value: 0xd503301f, weight: 2 },
  { name: 'pstate', mask: 0xfff8f01f, value: 0xd500401f, weight: 2 },
  { name: 'sys', mask: 0xffd80000, value: 0xd5080000, weight: 3 },
  { name: 'mrs-msr', mask: 0xffd00000, value: 0xd5100000, weight: 4 },
];

/** The ops that mean "not executed here": such words are not drawn. */
const NOT_IMPLEMENTED = new Set<number>([Op.EMPTY, Op.UNDEF, Op.FPSIMD, Op.SVE, Op.SME]);

export function randomWords(seed = RANDOM_SEED, count = RANDOM_COUNT): number[] {
  const rng = new Rng(seed);
  const weights: Record<string, number> = {};
  for (const c of CLASSES) weights[c.name] = c.weight;
  const dc = new Int32Array(8);
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const name = rng.weighted(weights);
    const c = CLASSES.find((k) => k.name === name)!;
    const w = ((rng.u32() & ~c.mask) | c.value) >>> 0;
    if (seen.has(w)) continue;
    decodeInto(w | 0, dc, 0, DEFAULT_FEATURES);
    if (NOT_IMPLEMENTED.has(dc[1]!)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}
