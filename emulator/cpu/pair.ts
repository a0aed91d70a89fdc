/**
 * 64-bit arithmetic on (lo, hi) int32 halves for the executor. Functions
 * return the low half and leave the high half in `H`, so nothing allocates.
 */

export let H = 0;

const TWO32 = 4294967296;

export function lsl64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    H = hi;
    return lo;
  }
  if (n < 32) {
    H = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  H = lo << (n - 32);
  return 0;
}

export function lsr64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    H = hi;
    return lo;
  }
  if (n < 32) {
    H = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  H = 0;
  return hi >>> (n - 32);
}

export function asr64(lo: number, hi: number, n: number): number {
  if (n === 0) {
    H = hi;
    return lo;
  }
  if (n < 32) {
    H = hi >> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  H = hi >> 31;
  return hi >> (n - 32);
}

export function ror64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) {
    H = hi;
    return lo;
  }
  if (n === 32) {
    H = lo;
    return hi;
  }
  if (n < 32) {
    H = (hi >>> n) | (lo << (32 - n));
    return (lo >>> n) | (hi << (32 - n));
  }
  const m = n - 32;
  H = (lo >>> m) | (hi << (32 - m));
  return (hi >>> m) | (lo << (32 - m));
}

/** Shift by an encoded type: 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
export function shift64(type: number, lo: number, hi: number, n: number): number {
  switch (type) {
    case 0:
      return lsl64(lo, hi, n);
    case 1:
      return lsr64(lo, hi, n);
    case 2:
      return asr64(lo, hi, n);
    default:
      return ror64(lo, hi, n);
  }
}

export function shift32(type: number, x: number, n: number): number {
  if (n === 0) return x;
  switch (type) {
    case 0:
      return x << n;
    case 1:
      return x >>> n;
    case 2:
      return x >> n;
    default:
      return (x >>> n) | (x << (32 - n));
  }
}

/** High 32 bits of the unsigned product of two 32-bit values. */
export function umulh32(a: number, b: number): number {
  const ua = a >>> 0;
  const ub = b >>> 0;
  const t1 = ua * (ub & 0xffff); // < 2^48, exact
  const t2 = ua * (ub >>> 16); // < 2^48, exact
  return Math.floor((Math.floor(t1 / 65536) + t2) / 65536) | 0;
}

/** Low 64 bits of a 64x64 product. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): number {
  H = (umulh32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return Math.imul(alo, blo);
}

/** High 64 bits of the unsigned 128-bit product. */
export function umulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  const h00 = umulh32(alo, blo) >>> 0;
  const l01 = Math.imul(alo, bhi) >>> 0;
  const h01 = umulh32(alo, bhi) >>> 0;
  const l10 = Math.imul(ahi, blo) >>> 0;
  const h10 = umulh32(ahi, blo) >>> 0;
  const l11 = Math.imul(ahi, bhi) >>> 0;
  const h11 = umulh32(ahi, bhi) >>> 0;
  const s1 = h00 + l01 + l10;
  const c1 = Math.floor(s1 / TWO32);
  const s2 = h01 + h10 + l11 + c1;
  const c2 = Math.floor(s2 / TWO32);
  H = (h11 + c2) | 0;
  return s2 % TWO32 | 0;
}

/** High 64 bits of the signed 128-bit product. */
export function smulh64(alo: number, ahi: number, blo: number, bhi: number): number {
  let lo = umulh64(alo, ahi, blo, bhi);
  let hi = H;
  // Signed correction: subtract b<<64 if a<0 and a<<64 if b<0 (mod 2^128, high half only).
  if (ahi < 0) {
    const s = (lo >>> 0) - (blo >>> 0);
    lo = s | 0;
    hi = (hi - bhi - (s < 0 ? 1 : 0)) | 0;
  }
  if (bhi < 0) {
    const s = (lo >>> 0) - (alo >>> 0);
    lo = s | 0;
    hi = (hi - ahi - (s < 0 ? 1 : 0)) | 0;
  }
  H = hi;
  return lo;
}

/** Unsigned 64-bit division; divide by zero gives zero, as on Arm. */
export function udiv64(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) {
    H = 0;
    return 0;
  }
  const ua = (ahi >>> 0) * TWO32 + (alo >>> 0);
  const ub = (bhi >>> 0) * TWO32 + (blo >>> 0);
  if (ahi >>> 0 < 0x200000) {
    // Both operands exact as doubles (b <= a or the quotient is 0).
    const q = Math.floor(ua / ub);
    H = Math.floor(q / TWO32) | 0;
    return q % TWO32 | 0;
  }
  const q = ((BigInt(ahi >>> 0) << 32n) | BigInt(alo >>> 0)) / ((BigInt(bhi >>> 0) << 32n) | BigInt(blo >>> 0));
  H = Number(q >> 32n) | 0;
  return Number(q & 0xffffffffn) | 0;
}

/** Signed 64-bit division, rounding toward zero; INT64_MIN / -1 wraps. */
export function sdiv64(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) {
    H = 0;
    return 0;
  }
  const negA = ahi < 0;
  const negB = bhi < 0;
  let alo2 = alo,
    ahi2 = ahi,
    blo2 = blo,
    bhi2 = bhi;
  if (negA) {
    alo2 = -alo | 0;
    ahi2 = (~ahi + (alo === 0 ? 1 : 0)) | 0;
  }
  if (negB) {
    blo2 = -blo | 0;
    bhi2 = (~bhi + (blo === 0 ? 1 : 0)) | 0;
  }
  let lo = udiv64(alo2, ahi2, blo2, bhi2);
  let hi = H;
  if (negA !== negB) {
    const nlo = -lo | 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
    lo = nlo;
  }
  H = hi;
  return lo;
}

/** Unsigned 32-bit division (values as int32). */
export function udiv32(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

/** Signed 32-bit division; INT32_MIN / -1 wraps. */
export function sdiv32(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.trunc(a / b) | 0;
}
