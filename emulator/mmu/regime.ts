/**
 * Which translation regime an access uses, and the controls that select its
 * stages, from HCR_EL2 and the SCTLRs (ELIsInHost, the effective HCR_EL2 of
 * the Arm ARM: with {E2H, TGE} = {1, 1} stage 2 and HCR_EL2.DC do not apply).
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { Regime } from './walk-params.js';

export interface SysregFile {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

const HCR_VM = 1 << 0;
const HCR_PTW = 1 << 2;
const HCR_DC = 1 << 12;
const HCR_TGE = 1 << 27;
const HCR_CD_HI = 1 << (32 - 32);
const HCR_E2H_HI = 1 << (34 - 32);
const SCTLR_M = 1 << 0;

export function e2h(sr: SysregFile): boolean {
  return (sr.hi[SR.HCR_EL2]! & HCR_E2H_HI) !== 0;
}

export function tge(sr: SysregFile): boolean {
  return (sr.lo[SR.HCR_EL2]! & HCR_TGE) !== 0;
}

/** The regime of an access made at (or as if at) `el`. */
export function regimeForEl(sr: SysregFile, el: number): Regime {
  if (el === 2) return e2h(sr) ? Regime.EL20 : Regime.EL2;
  if (el === 1) return Regime.EL10;
  return e2h(sr) && tge(sr) ? Regime.EL20 : Regime.EL10;
}

/** Stage 2 applies to the EL1&0 regime: HCR_EL2.VM, or DC which implies it, unless {E2H, TGE} = {1, 1}. */
export function stage2Enabled(sr: SysregFile, regime: Regime): boolean {
  if (regime !== Regime.EL10) return false;
  const hcr = sr.lo[SR.HCR_EL2]!;
  if (hcr & HCR_TGE && e2h(sr)) return false;
  return (hcr & (HCR_VM | HCR_DC)) !== 0;
}

/** Stage 1 of the regime: SCTLR_ELx.M, with HCR_EL2.DC and TGE turning EL1&0's off. */
export function stage1Enabled(sr: SysregFile, regime: Regime): boolean {
  if (regime !== Regime.EL10) return (sr.lo[SR.SCTLR_EL2]! & SCTLR_M) !== 0;
  const hcr = sr.lo[SR.HCR_EL2]!;
  if (hcr & (HCR_DC | HCR_TGE)) return false;
  return (sr.lo[SR.SCTLR_EL1]! & SCTLR_M) !== 0;
}

/** HCR_EL2.DC: Normal write-back memory for EL1&0 while its stage 1 is off. */
export function defaultCacheable(sr: SysregFile): boolean {
  return (sr.lo[SR.HCR_EL2]! & HCR_DC) !== 0 && !(tge(sr) && e2h(sr));
}

/** HCR_EL2.PTW: a stage-1 walk that reaches Device memory at stage 2 takes a permission fault. */
export function protectedTableWalk(sr: SysregFile): boolean {
  return (sr.lo[SR.HCR_EL2]! & HCR_PTW) !== 0 && !tge(sr);
}

/** HCR_EL2.CD: stage-2 Normal memory is treated as non-cacheable. */
export function stage2CacheDisable(sr: SysregFile): boolean {
  return (sr.hi[SR.HCR_EL2]! & HCR_CD_HI) !== 0 && !(tge(sr) && e2h(sr));
}

/**
 * The top bit of the address proper (AddrTop): 55 when top-byte-ignore
 * applies to this address in `regime`, else 63. `hi` is VA[63:32].
 */
export function addressTop(sr: SysregFile, regime: Regime, hi: number): number {
  if (regime === Regime.EL2) return sr.lo[SR.TCR_EL2]! & (1 << 20) ? 55 : 63;
  const tcr = regime === Regime.EL20 ? SR.TCR_EL2 : SR.TCR_EL1;
  const bit = (hi >>> 23) & 1 ? 1 << (38 - 32) : 1 << (37 - 32);
  return sr.hi[tcr]! & bit ? 55 : 63;
}
