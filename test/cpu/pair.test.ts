import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { H, asr64, lsl64, lsr64, mul64, ror64, sdiv32, sdiv64, smulh64, udiv32, udiv64, umulh32, umulh64 } from '../../emulator/cpu/pair.js';
import { fromBigInt, toBigInt } from '../../emulator/cpu/u64.js';

/** Seeded, so failures reproduce. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.u32();
}

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Interesting 64-bit values: edges plus random ones of every magnitude. */
function values(count: number, seed: number): bigint[] {
  const r = rng(seed);
  const out = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, 1n << 63n, M64, M64 - 1n];
  for (let i = 0; i < count; i++) {
    const v = (BigInt(r()) << 32n) | BigInt(r());
    const bits = BigInt(r() % 65);
    out.push(bits === 64n ? v : v & ((1n << bits) - 1n));
  }
  return out;
}

function pairResult(lo: number): bigint {
  return toBigInt(lo, H);
}

describe('64-bit pair arithmetic', () => {
  const vs = values(300, 7);

  it('shifts and rotates agree with BigInt for every amount', () => {
    for (const v of vs.slice(0, 60)) {
      const [lo, hi] = fromBigInt(v);
      for (let n = 0; n < 64; n++) {
        const sh = BigInt(n);
        expect(pairResult(lsl64(lo, hi, n))).toBe((v << sh) & M64);
        expect(pairResult(lsr64(lo, hi, n))).toBe(v >> sh);
        expect(pairResult(asr64(lo, hi, n))).toBe(BigInt.asUintN(64, s64(v) >> sh));
        expect(pairResult(ror64(lo, hi, n))).toBe(((v >> sh) | (v << ((64n - sh) % 64n))) & M64);
      }
    }
  });

  it('multiplies: low 64 bits, unsigned and signed high 64 bits', () => {
    for (let i = 0; i < vs.length; i++) {
      const a = vs[i]!;
      const b = vs[(i * 7 + 3) % vs.length]!;
      const [al, ah] = fromBigInt(a);
      const [bl, bh] = fromBigInt(b);
      expect(pairResult(mul64(al, ah, bl, bh))).toBe((a * b) & M64);
      expect(pairResult(umulh64(al, ah, bl, bh))).toBe((a * b) >> 64n);
      expect(pairResult(smulh64(al, ah, bl, bh))).toBe(BigInt.asUintN(64, (s64(a) * s64(b)) >> 64n));
    }
  });

  it('umulh32 is the high word of a 32x32 product', () => {
    const r = rng(11);
    for (let i = 0; i < 2000; i++) {
      const a = r();
      const b = r();
      expect(umulh32(a, b) >>> 0).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });

  it('divides like UDIV/SDIV: round toward zero, x/0 = 0, INT64_MIN/-1 wraps', () => {
    for (let i = 0; i < vs.length; i++) {
      const a = vs[i]!;
      const b = vs[(i * 5 + 1) % vs.length]!;
      const [al, ah] = fromBigInt(a);
      const [bl, bh] = fromBigInt(b);
      expect(pairResult(udiv64(al, ah, bl, bh))).toBe(b === 0n ? 0n : a / b);
      const sa = s64(a);
      const sb = s64(b);
      const q = sb === 0n ? 0n : BigInt.asUintN(64, sa / sb);
      expect(pairResult(sdiv64(al, ah, bl, bh))).toBe(q);
    }
    const [ml, mh] = fromBigInt(1n << 63n);
    const [nl, nh] = fromBigInt(M64);
    expect(pairResult(sdiv64(ml, mh, nl, nh))).toBe(1n << 63n);
    expect(udiv32(7, 0)).toBe(0);
    expect(sdiv32(-2147483648, -1)).toBe(-2147483648);
    expect(sdiv32(-7, 2)).toBe(-3);
    expect(udiv32(-1, 2) >>> 0).toBe(0x7fffffff);
  });
});
