/**
 * VMSAv8-64 descriptor fields, read from the two 32-bit halves of a 64-bit
 * descriptor. Addresses are returned as doubles: every output address fits in
 * 52 bits, so they are exact.
 */
import { POW2 } from './granule.js';

/** Where the top output-address bits live. */
export const enum OaFormat {
  /** OA[47:n] only (4KB/16KB without DS, 64KB with less than a 52-bit OA). */
  PLAIN = 0,
  /** FEAT_LPA2 with TCR.DS/VTCR.DS = 1: OA[49:48] in bits[49:48], OA[51:50] in bits[9:8]. */
  DS = 1,
  /** FEAT_LPA, 64KB granule, 52-bit OA: OA[51:48] in bits[15:12]. */
  LPA64K = 2,
}

/**
 * The output address (or next-level table address) a descriptor holds, with
 * bits below `shift` clear.
 */
export function descriptorAddress(lo: number, hi: number, shift: number, fmt: OaFormat): number {
  // Bits [47:32] always hold OA[47:32]; with DS bits [49:48] hold OA[49:48] too.
  const hiBits = fmt === OaFormat.DS ? hi & 0x3ffff : hi & 0xffff;
  let oa = hiBits * POW2[32]! + (lo >>> 0) - (lo >>> 0) % POW2[Math.min(shift, 32)]!;
  if (shift > 32) oa -= oa % POW2[shift]!;
  if (fmt === OaFormat.DS) oa += ((lo >>> 8) & 3) * POW2[50]!;
  else if (fmt === OaFormat.LPA64K) oa += ((lo >>> 12) & 0xf) * POW2[48]!;
  return oa;
}

/** Table-descriptor attribute bits [63:59] (NSTable, APTable[1:0], XNTable/UXNTable, PXNTable), as bits [4:0]. */
export function tableAttributes(hi: number): number {
  return (hi >>> 27) & 0x1f;
}

export const TA_PXN = 1;
export const TA_XN = 2;
/** APTable[0]: no EL0 access at lower levels. */
export const TA_AP0 = 4;
/** APTable[1]: no write access at lower levels. */
export const TA_AP1 = 8;

/** Descriptor bit fields used by the permission and attribute decoders. */
export const D_AF = 1 << 10;
export const D_NG = 1 << 11;
/** Contiguous hint, bit 52 (bit 20 of the high half). */
export const DH_CONTIG = 1 << 20;
/** PXN (stage 1) / XN[0] (stage 2 with FEAT_XNX), bit 53. */
export const DH_PXN = 1 << 21;
/** UXN/XN (stage 1) / XN[1] (stage 2), bit 54. */
export const DH_XN = 1 << 22;
