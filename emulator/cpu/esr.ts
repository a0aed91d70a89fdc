/**
 * ESR_ELx encoding: exception classes and the ISS layouts the core raises.
 * Field positions follow the Arm ARM (ESR_ELx, "ISS encoding for ..." sections).
 * Everything we run is A64, so IL is always 1.
 */

export const enum EC {
  UNKNOWN = 0x00,
  WFX = 0x01,
  FP_ASIMD = 0x07,
  ILLEGAL_STATE = 0x0e,
  SVC64 = 0x15,
  HVC64 = 0x16,
  SMC64 = 0x17,
  SYS64 = 0x18,
  SVE = 0x19,
  ERET = 0x1a,
  IABT_LOW = 0x20,
  IABT_CUR = 0x21,
  PC_ALIGN = 0x22,
  DABT_LOW = 0x24,
  DABT_CUR = 0x25,
  SP_ALIGN = 0x26,
  SERROR = 0x2f,
  BRK64 = 0x3c,
}

export const IL = 1 << 25;

/** Fault status codes (DFSC/IFSC) used by the core. */
export const enum FSC {
  ADDR_SIZE_L0 = 0x00,
  TRANSLATION_L0 = 0x04,
  SYNC_EXTERNAL = 0x10,
  ALIGNMENT = 0x21,
}

/** Full 32-bit ESR (bits [31:0]; ISS2 is zero for everything the core raises). */
export function esr(ec: number, iss: number): number {
  return ((ec << 26) | IL | (iss & 0x1ffffff)) >>> 0;
}

/** EC 0x01: trapped WFI/WFE. `ti`: 0 WFI, 1 WFE, 2 WFIT, 3 WFET. CV=1, COND=0b1110 for A64. */
export function issWfx(ti: number): number {
  return (1 << 24) | (0xe << 20) | (ti & 3);
}

/** EC 0x07: SIMD/FP access trap; CV=1, COND=0b1110 for A64. */
export function issFpAccess(): number {
  return (1 << 24) | (0xe << 20);
}

/**
 * EC 0x18: trapped MSR/MRS/SYS. `key` is the 16-bit op0:op1:CRn:CRm:op2 value as
 * it appears in instruction bits [20:5].
 */
export function issSysReg(key: number, rt: number, isRead: boolean): number {
  const op0 = (key >>> 14) & 3;
  const op1 = (key >>> 11) & 7;
  const crn = (key >>> 7) & 0xf;
  const crm = (key >>> 3) & 0xf;
  const op2 = key & 7;
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((rt & 31) << 5) | (crm << 1) | (isRead ? 1 : 0);
}

/** Instruction-specific part of a data-abort ISS, valid when ISV=1. */
export interface LoadStoreSyndrome {
  /** log2 of the access size in bytes. */
  sas: number;
  /** Sign-extending load. */
  sse: boolean;
  srt: number;
  /** 64-bit destination register. */
  sf: boolean;
  /** Acquire/release semantics. */
  ar: boolean;
}

export interface AbortInfo {
  fsc: number;
  wnr: boolean;
  /** External abort type bit (EA); QEMU reports 0 for decode errors on unmapped space. */
  ea: boolean;
  /** Cache maintenance or address-translation instruction. */
  cm: boolean;
  s1ptw: boolean;
  /** FAR not valid. */
  fnv: boolean;
  /** Instruction syndrome, only for the stage-2 aborts where the Arm ARM sets ISV. */
  syndrome: LoadStoreSyndrome | null;
}

export function issDataAbort(a: AbortInfo): number {
  let iss = a.fsc & 0x3f;
  if (a.wnr) iss |= 1 << 6;
  if (a.s1ptw) iss |= 1 << 7;
  if (a.cm) iss |= 1 << 8;
  if (a.ea) iss |= 1 << 9;
  if (a.fnv) iss |= 1 << 10;
  const s = a.syndrome;
  if (s) {
    iss |= 1 << 24;
    iss |= (s.sas & 3) << 22;
    if (s.sse) iss |= 1 << 21;
    iss |= (s.srt & 31) << 16;
    if (s.sf) iss |= 1 << 15;
    if (s.ar) iss |= 1 << 14;
  }
  return iss;
}

export function issInstructionAbort(fsc: number, ea: boolean, s1ptw: boolean): number {
  return (fsc & 0x3f) | (ea ? 1 << 9 : 0) | (s1ptw ? 1 << 7 : 0);
}
