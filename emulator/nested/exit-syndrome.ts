/**
 * Reading the syndrome of an exit to the L0 host: which instruction trapped,
 * which address faulted and at which stage and level, in the fields the
 * Arm ARM gives ESR_EL2 and HPFAR_EL2.
 */

/** The 16-bit op0:op1:CRn:CRm:op2 key of a trapped MSR/MRS/SYS (EC 0x18). */
export function sysregKeyOfIss(iss: number): number {
  const op0 = (iss >>> 20) & 3;
  const op2 = (iss >>> 17) & 7;
  const op1 = (iss >>> 14) & 7;
  const crn = (iss >>> 10) & 15;
  const crm = (iss >>> 1) & 15;
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

export function sysregRtOfIss(iss: number): number {
  return (iss >>> 5) & 31;
}

export function sysregIsRead(iss: number): boolean {
  return (iss & 1) !== 0;
}

/** Fault status code classes (DFSC/IFSC). */
export const enum FaultClass {
  ADDRESS_SIZE,
  TRANSLATION,
  ACCESS_FLAG,
  PERMISSION,
  OTHER,
}

export function faultClass(fsc: number): FaultClass {
  if (fsc <= 0x03 || fsc === 0x29) return FaultClass.ADDRESS_SIZE;
  if ((fsc >= 0x04 && fsc <= 0x07) || fsc === 0x2b) return FaultClass.TRANSLATION;
  if (fsc >= 0x08 && fsc <= 0x0b) return FaultClass.ACCESS_FLAG;
  if (fsc >= 0x0c && fsc <= 0x0f) return FaultClass.PERMISSION;
  return FaultClass.OTHER;
}

/** The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA (bits [43:4] = IPA[51:12]) and the page offset from FAR_EL2. */
export function faultIpa(hpfarLo: number, hpfarHi: number, farLo: number): number {
  const page = ((hpfarLo >>> 4) >>> 0) + (hpfarHi & 0xfff) * 2 ** 28;
  return page * 4096 + (farLo & 0xfff);
}

export const ISS_WNR = 1 << 6;
export const ISS_S1PTW = 1 << 7;
