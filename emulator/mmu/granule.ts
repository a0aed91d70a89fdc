/**
 * Translation granule geometry (VMSAv8-64): how many input-address bits each
 * level resolves, where walks start, and which levels may hold blocks.
 */

/** log2 of the granule size: 12 (4KB), 14 (16KB), 16 (64KB). */
export type GranuleShift = 12 | 14 | 16;

/** Bits resolved per level: a table holds 2^stride descriptors. */
export function stride(g: GranuleShift): number {
  return g - 3;
}

/** Lowest input-address bit resolved at `level` (the size of a block or page there). */
export function levelShift(g: GranuleShift, level: number): number {
  return g + (3 - level) * (g - 3);
}

/**
 * The start level of a stage-1 walk for `inputBits` of input address
 * (AArch64.S1StartLevel): as many levels as it takes to resolve the bits above
 * the page offset.
 */
export function s1StartLevel(g: GranuleShift, inputBits: number): number {
  const s = g - 3;
  return 4 - Math.ceil((inputBits - g) / s);
}

/**
 * Whether a block descriptor is allowed at `level` (AArch64.BlockDescSupported):
 * 4KB at levels 1 and 2, and 0 with DS; 16KB at level 2, and 1 with DS;
 * 64KB at level 2, and 1 with FEAT_LPA. Elsewhere bit[1] = 0 is a translation fault.
 */
export function blockAllowed(g: GranuleShift, level: number, ds: boolean, lpa: boolean): boolean {
  if (g === 12) return level === 1 || level === 2 || (level === 0 && ds);
  if (g === 14) return level === 2 || (level === 1 && ds);
  return level === 2 || (level === 1 && lpa);
}

/**
 * log2 of the number of descriptors a Contiguous bit groups at `level`
 * (16 with 4KB; 32 at level 2 and 128 at level 3 with 16KB; 32 with 64KB),
 * or 0 where the bit is RES0 (4KB level 0, 16KB and 64KB level 1).
 */
export function contiguousBits(g: GranuleShift, level: number): number {
  if (level < (g === 12 ? 1 : 2)) return 0;
  if (g === 12) return 4;
  if (g === 14) return level === 2 ? 5 : 7;
  return 5;
}

/** TCR_ELx.TG0 / VTCR_EL2.TG0 → granule (0b00 4KB, 0b01 64KB, 0b10 16KB). */
export function granuleFromTg0(tg0: number): GranuleShift | undefined {
  return tg0 === 0 ? 12 : tg0 === 1 ? 16 : tg0 === 2 ? 14 : undefined;
}

/** TCR_ELx.TG1 → granule (0b01 16KB, 0b10 4KB, 0b11 64KB). */
export function granuleFromTg1(tg1: number): GranuleShift | undefined {
  return tg1 === 1 ? 14 : tg1 === 2 ? 12 : tg1 === 3 ? 16 : undefined;
}

/** TCR.{I}PS / VTCR.PS encodings → address size in bits (0b111 is reserved). */
export function physicalAddressBits(ps: number): number | undefined {
  return [32, 36, 40, 42, 44, 48, 52][ps];
}

/** 2^n for n up to 63, as exact doubles (no BigInt on the walk path). */
export const POW2: readonly number[] = Array.from({ length: 64 }, (_, i) => 2 ** i);
