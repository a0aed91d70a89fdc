/**
 * Helpers for 64-bit values held as (lo, hi) int32 halves. These are for the
 * cold paths (formatting, parsing, devices, tests); the executor does its
 * pair arithmetic inline.
 */

/** Unsigned 64-bit value as a hex string without prefix, zero-padded to 16 digits. */
export function hex64(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** `0x`-prefixed, shortest hex. */
export function fmtAddr(lo: number, hi: number): string {
  if (hi === 0) return '0x' + (lo >>> 0).toString(16);
  return '0x' + (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
}

export function toBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fromBigInt(v: bigint): [number, number] {
  const m = BigInt.asUintN(64, v);
  return [Number(m & 0xffffffffn) | 0, Number(m >> 32n) | 0];
}

/** Count leading zeros of a 64-bit pair. */
export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** Reverse the bits of a 32-bit value. */
export function rbit32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) | 0;
}

/** Byte-reverse a 32-bit value. */
export function rev32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) | 0;
}

/** Swap the bytes within each 16-bit half. */
export function rev16(x: number): number {
  return (((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff)) | 0;
}
