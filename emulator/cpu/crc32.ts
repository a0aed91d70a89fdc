/**
 * CRC32/CRC32C instruction semantics: a reflected CRC over the low 1, 2, 4 or
 * 8 bytes of the data operand, with no initial or final inversion (software
 * applies those itself).
 */

function makeTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}

/** Reflected forms of 0x04C11DB7 (CRC-32) and 0x1EDC6F41 (CRC-32C). */
const CRC32_TABLE = makeTable(0xedb88320);
const CRC32C_TABLE = makeTable(0x82f63b78);

function update(t: Int32Array, acc: number, data: number, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    acc = t[(acc ^ data) & 0xff]! ^ (acc >>> 8);
    data >>>= 8;
  }
  return acc;
}

/** `bytes` is 1, 2, 4 or 8; for 8 the data is the pair (lo, hi). */
export function crc32(castagnoli: boolean, acc: number, lo: number, hi: number, bytes: number): number {
  const t = castagnoli ? CRC32C_TABLE : CRC32_TABLE;
  if (bytes === 8) return update(t, update(t, acc, lo, 4), hi, 4) | 0;
  return update(t, acc, lo, bytes) | 0;
}
