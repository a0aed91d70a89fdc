/**
 * Field positions the core consults directly (Arm ARM register descriptions).
 * `_HI` constants are bit masks within the upper 32-bit half.
 */

// HCR_EL2
export const HCR_VM = 1 << 0;
export const HCR_PTW = 1 << 2;
export const HCR_DC = 1 << 12;
export const HCR_TWI = 1 << 13;
export const HCR_TWE = 1 << 14;
export const HCR_TSC = 1 << 19;
export const HCR_TTLB = 1 << 25;
export const HCR_TVM = 1 << 26;
export const HCR_TGE = 1 << 27;
export const HCR_HCD = 1 << 29;
export const HCR_TRVM = 1 << 30;
export const HCR_RW = 1 << 31;
export const HCR_E2H_HI = 1 << (34 - 32);
export const HCR_NV_HI = 1 << (42 - 32);
export const HCR_NV1_HI = 1 << (43 - 32);
export const HCR_AT_HI = 1 << (44 - 32);
export const HCR_NV2_HI = 1 << (45 - 32);

// SCTLR_ELx
export const SCTLR_M = 1 << 0;
export const SCTLR_A = 1 << 1;
export const SCTLR_SA = 1 << 3;
export const SCTLR_SA0 = 1 << 4;
export const SCTLR_nTWI = 1 << 16;
export const SCTLR_nTWE = 1 << 18;
export const SCTLR_SPAN = 1 << 23;
export const SCTLR_DSSBS_HI = 1 << (44 - 32);

// CPACR_EL1 / CPTR_EL2 (E2H=1 layout) FPEN, CPTR_EL2 (E2H=0) TFP
export const FPEN_SHIFT = 20;
export const CPTR_TFP = 1 << 10;

// TCR_ELx top-byte-ignore bits
export const TCR_EL2_TBI = 1 << 20;
export const TCR_TBI0_HI = 1 << (37 - 32);
export const TCR_TBI1_HI = 1 << (38 - 32);
