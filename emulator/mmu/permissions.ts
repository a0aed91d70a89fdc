/**
 * Access permissions of a translation, as one bitmask computed when the
 * translation is made (AArch64.S1ComputePermissions, S2ComputePermissions in
 * the Arm ARM's pseudocode), so that checking an access is a mask test.
 */
import { DH_PXN, DH_XN, TA_AP0, TA_AP1, TA_PXN, TA_XN } from './descriptor.js';

/** Stage 1: read, write, execute at the privileged EL of the regime (EL1 or EL2). */
export const P1_R = 1;
export const P1_W = 2;
export const P1_X = 4;
/** Stage 1: read, write, execute at EL0. */
export const P0_R = 8;
export const P0_W = 16;
export const P0_X = 32;
/** AP[1] = 1: accessible from EL0, which is what PSTATE.PAN forbids to privileged data accesses. */
export const P_EL0_ACCESSIBLE = 64;
/** Stage 2: read, write, execute for an EL1 access, execute for an EL0 access. */
export const S2_R = 128;
export const S2_W = 256;
export const S2_X1 = 512;
export const S2_X0 = 1024;

export const S1_ALL = P1_R | P1_W | P1_X | P0_R | P0_W | P0_X;
export const S2_ALL = S2_R | S2_W | S2_X1 | S2_X0;

/**
 * Stage-1 permissions of a leaf descriptor with the table attributes
 * gathered above it. `twoRanges`: the regime has EL0 (EL1&0, EL2&0); in the
 * EL2 regime AP[1], PXN and PXNTable have no meaning. `wxn`: SCTLR_ELx.WXN.
 * `nvNv1`: the EL1&0 regime with HCR_EL2.{NV,NV1} = {1,1}, where a guest
 * hypervisor's EL2-format tables are used at EL1: bit 54 (and bit 60 in
 * tables) is PXN, bit 53 (59) is RES0, UXN is 0, and AP[1] and APTable[0]
 * count as 0 (FEAT_NV).
 */
export function stage1Permissions(lo: number, hi: number, tableAttrs: number, twoRanges: boolean, wxn: boolean, nvNv1 = false): number {
  const readOnly = (lo & 0x80) !== 0 || (tableAttrs & TA_AP1) !== 0;
  const w1 = !readOnly;
  let p = P1_R | (w1 ? P1_W : 0);
  if (nvNv1) {
    const pxn = (hi & DH_XN) !== 0 || (tableAttrs & TA_XN) !== 0 || (wxn && w1);
    if (!pxn) p |= P1_X;
    return p | P0_X;
  }
  if (!twoRanges) {
    const xn = (hi & DH_XN) !== 0 || (tableAttrs & TA_XN) !== 0;
    if (!xn && !(wxn && w1)) p |= P1_X;
    return p;
  }
  const el0 = (lo & 0x40) !== 0 && (tableAttrs & TA_AP0) === 0;
  const w0 = el0 && !readOnly;
  if (el0) p |= P0_R | P_EL0_ACCESSIBLE;
  if (w0) p |= P0_W;
  const uxn = (hi & DH_XN) !== 0 || (tableAttrs & TA_XN) !== 0 || (wxn && w0);
  // Memory EL0 can write is never executable at EL1 (PXN is implied).
  const pxn = (hi & DH_PXN) !== 0 || (tableAttrs & TA_PXN) !== 0 || w0 || (wxn && w1);
  if (!uxn) p |= P0_X;
  if (!pxn) p |= P1_X;
  return p;
}

/**
 * Stage-2 permissions: S2AP[1:0] (bits [7:6]) give read and write; XN[1:0]
 * (bits [54:53]) with FEAT_XNX give execute per EL of the stage-1 access
 * (0b00 both, 0b01 EL0 only, 0b10 neither, 0b11 EL1 only); without it only
 * XN[1] counts.
 */
export function stage2Permissions(lo: number, hi: number, xnx: boolean): number {
  let p = 0;
  if (lo & 0x40) p |= S2_R;
  if (lo & 0x80) p |= S2_W;
  const xn1 = (hi & DH_XN) !== 0;
  const xn0 = xnx && (hi & DH_PXN) !== 0;
  if (!xn1 && !xn0) p |= S2_X1 | S2_X0;
  else if (!xn1 && xn0) p |= S2_X0;
  else if (xn1 && xn0) p |= S2_X1;
  return p;
}

export const enum Access {
  READ = 0,
  WRITE = 1,
  EXEC = 2,
}

/** The stage-1 bit an access needs: `user` for EL0 (or unprivileged) accesses. */
export function stage1Need(access: Access, user: boolean): number {
  if (access === Access.EXEC) return user ? P0_X : P1_X;
  if (access === Access.WRITE) return user ? P0_W : P1_W;
  return user ? P0_R : P1_R;
}

/** The stage-2 bit an access needs (execute depends on the EL the access came from). */
export function stage2Need(access: Access, user: boolean): number {
  if (access === Access.EXEC) return user ? S2_X0 : S2_X1;
  return access === Access.WRITE ? S2_W : S2_R;
}

/** "EL1 rw- EL0 r--, stage 2 rw-" for people; `privEl` names the regime's privileged EL. */
export function describePermissions(p: number, twoRanges: boolean, privEl: number, stage2: boolean): string {
  const f = (r: number, w: number, x: number): string => `${p & r ? 'r' : '-'}${p & w ? 'w' : '-'}${p & x ? 'x' : '-'}`;
  let s = `EL${privEl} ${f(P1_R, P1_W, P1_X)}`;
  if (twoRanges) s += ` EL0 ${f(P0_R, P0_W, P0_X)}`;
  if (stage2) s += `, stage 2 ${f(S2_R, S2_W, S2_X1)}${p & S2_X0 && !(p & S2_X1) ? ' (x at EL0)' : ''}`;
  return s;
}
