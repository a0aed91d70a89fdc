/**
 * Architectural features the emulated CPU implements. Decode and execution
 * consult these so that an instruction belonging to an absent feature is
 * UNDEFINED, as on hardware without it. Derived from the CPU identity's
 * profile (identity.ts, decoderFeatures) so that decode and the ID registers
 * always agree.
 */
export interface CpuFeatures {
  /** FEAT_LSE: CAS/CASP, LD<op>, SWP. */
  lse: boolean;
  /** FEAT_CRC32. */
  crc32: boolean;
  /** FEAT_FlagM: CFINV, RMIF, SETF8/16. */
  flagm: boolean;
  /** FEAT_FlagM2: AXFLAG, XAFLAG. */
  flagm2: boolean;
  /** FEAT_LRCPC: LDAPR. */
  lrcpc: boolean;
  /** FEAT_LRCPC2: LDAPUR/STLUR. */
  lrcpc2: boolean;
  /** FEAT_LOR: LDLAR/STLLR. */
  lor: boolean;
  pan: boolean;
  uao: boolean;
  dit: boolean;
  ssbs: boolean;
  /** FEAT_SB: speculation barrier. */
  sb: boolean;
  vhe: boolean;
  /** Physical address size in bits (ID_AA64MMFR0_EL1.PARange). */
  paBits: number;
}

/**
 * Default profile: what the core implements today. Features QEMU's `-cpu max`
 * has and nvlab does not yet (PAuth, MTE, BTI, SVE, SME, FEAT_WFxT, ...) are
 * absent, so their encodings are UNDEFINED or, for SIMD/FP and SVE, stop the
 * run as unimplemented.
 */
export const DEFAULT_FEATURES: Readonly<CpuFeatures> = Object.freeze({
  lse: true,
  crc32: true,
  flagm: true,
  flagm2: true,
  lrcpc: true,
  lrcpc2: true,
  lor: true,
  pan: true,
  uao: true,
  dit: true,
  ssbs: true,
  sb: true,
  vhe: true,
  paBits: 48,
});
