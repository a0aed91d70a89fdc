import type { Cpu } from './cpu.js';
import { packPstate, setNzcv } from './pstate.js';
import { SP } from './regs.js';
import {
  HCR_E2H_HI,
  HCR_NV_HI,
  HCR_NV1_HI,
  HCR_NV2_HI,
  HCR_TGE,
  SCTLR_DSSBS_HI,
  SCTLR_SPAN,
  TCR_EL2_TBI,
  TCR_TBI0_HI,
  TCR_TBI1_HI,
} from './sysreg-bits.js';
import { SR } from './sysreg-storage.js';

const ELR = [0, SR.ELR_EL1, SR.ELR_EL2] as const;
const SPSR = [0, SR.SPSR_EL1, SR.SPSR_EL2] as const;
const ESR_SLOT = [0, SR.ESR_EL1, SR.ESR_EL2] as const;
const FAR_SLOT = [0, SR.FAR_EL1, SR.FAR_EL2] as const;
const VBAR = [0, SR.VBAR_EL1, SR.VBAR_EL2] as const;
const SCTLR = [SR.SCTLR_EL1, SR.SCTLR_EL1, SR.SCTLR_EL2] as const;
const SP_BANK = [SR.SP_EL0, SR.SP_EL1, SR.SP_EL2] as const;

/** Stack-pointer bank of the current EL and PSTATE.SP. */
function spBank(cpu: Cpu): SR {
  return cpu.spsel ? SP_BANK[cpu.el]! : SR.SP_EL0;
}

/** Copies the live SP slot back to its bank (before PSTATE.EL or PSTATE.SP change). */
export function saveSp(cpu: Cpu): void {
  const b = spBank(cpu);
  cpu.sr.lo[b] = cpu.xlo[SP]!;
  cpu.sr.hi[b] = cpu.xhi[SP]!;
}

/** Loads the live SP slot from the bank selected by PSTATE (after a change). */
export function loadSp(cpu: Cpu): void {
  const b = spBank(cpu);
  cpu.xlo[SP] = cpu.sr.lo[b]!;
  cpu.xhi[SP] = cpu.sr.hi[b]!;
}

export function e2h(cpu: Cpu): boolean {
  return (cpu.sr.hi[SR.HCR_EL2]! & HCR_E2H_HI) !== 0;
}

export function tge(cpu: Cpu): boolean {
  return (cpu.sr.lo[SR.HCR_EL2]! & HCR_TGE) !== 0;
}

/** EL2&0 translation regime: VHE host (E2H and TGE), for EL0 and EL2. */
export function inHost(cpu: Cpu): boolean {
  return e2h(cpu) && tge(cpu) && cpu.el !== 1;
}

/** Target EL for a synchronous exception that the Arm ARM routes "to EL1, or EL2 if TGE". */
export function defaultTargetEl(cpu: Cpu): number {
  if (cpu.el === 2) return 2;
  if (cpu.el === 0 && tge(cpu)) return 2;
  return 1;
}

/** SCTLR that governs the current EL (SCTLR_EL2 in the VHE host at EL0). */
export function currentSctlr(cpu: Cpu): SR {
  if (cpu.el === 0 && inHost(cpu)) return SR.SCTLR_EL2;
  return SCTLR[cpu.el]!;
}

/** HCR_EL2.{NV,NV1,NV2} make an exception taken from EL1 to EL1 report EL2 in SPSR_EL1.M. */
function reportsEl2(cpu: Cpu): boolean {
  const hi = cpu.sr.hi[SR.HCR_EL2]!;
  if (!cpu.profileFlags.FEAT_NV || (hi & HCR_NV_HI) === 0) return false;
  const nv1 = (hi & HCR_NV1_HI) !== 0;
  const nv2 = cpu.profileFlags.FEAT_NV2 === true && (hi & HCR_NV2_HI) !== 0;
  return nv2 || !nv1;
}

/**
 * Performs exception entry (AArch64.TakeException): saves state to the
 * target EL's ELR/SPSR/ESR/FAR, updates PSTATE and branches to the vector.
 * `far` is written only when `farValid`; the Arm ARM leaves FAR UNKNOWN for
 * exceptions that do not report an address, and QEMU leaves it unchanged.
 */
export function takeException(
  cpu: Cpu,
  targetEl: number,
  syndrome: number,
  retLo: number,
  retHi: number,
  farValid: boolean,
  farLo: number,
  farHi: number,
  vectorOffset = 0,
): void {
  const fromEl = cpu.el;
  let spsr = packPstate(cpu);
  // FEAT_NV: a guest hypervisor at EL1 sees itself at EL2 in SPSR_EL1.M when NV1 is 0
  // (I_ZJRNN) or, with FEAT_NV2, whenever NV2 is 1 (I_DBTLM).
  if (fromEl === 1 && targetEl === 1 && reportsEl2(cpu)) spsr = (spsr & ~0xc) | 0x8;
  const oldSpsel = cpu.spsel;
  saveSp(cpu);
  const sr = cpu.sr;
  sr.lo[ELR[targetEl]!] = retLo;
  sr.hi[ELR[targetEl]!] = retHi;
  sr.lo[SPSR[targetEl]!] = spsr;
  sr.hi[SPSR[targetEl]!] = 0;
  sr.lo[ESR_SLOT[targetEl]!] = syndrome | 0;
  sr.hi[ESR_SLOT[targetEl]!] = 0;
  if (farValid) {
    sr.lo[FAR_SLOT[targetEl]!] = farLo;
    sr.hi[FAR_SLOT[targetEl]!] = farHi;
  }
  cpu.el = targetEl;
  cpu.spsel = 1;
  cpu.daif = 0xf;
  cpu.il = 0;
  cpu.ss = 0;
  cpu.btype = 0;
  cpu.uao = 0;
  const sctlr = SCTLR[targetEl]!;
  // PAN is set on entry unless SCTLR_ELx.SPAN; for EL2 only in the VHE host.
  if (cpu.features.pan && (targetEl === 1 || (targetEl === 2 && e2h(cpu) && tge(cpu)))) {
    if ((sr.lo[sctlr]! & SCTLR_SPAN) === 0) cpu.pan = 1;
  }
  if (cpu.features.ssbs) cpu.ssbs = sr.hi[sctlr]! & SCTLR_DSSBS_HI ? 1 : 0;
  loadSp(cpu);
  let offset = vectorOffset;
  if (fromEl === targetEl) offset += oldSpsel ? 0x200 : 0;
  else offset += 0x400;
  const vlo = sr.lo[VBAR[targetEl]!]! & ~0x7ff;
  cpu.pcLo = vlo | offset;
  cpu.pcHi = sr.hi[VBAR[targetEl]!]!;
  cpu.contextChanged();
  if (targetEl === 1) cpu.el1Exceptions++;
  // An exit to the L0 host is reported by the host, in the guest's terms.
  const host = cpu.el2Host;
  if (host === null) cpu.events.exception(cpu, fromEl, targetEl, syndrome, retLo, retHi, farValid, farLo, farHi);
  else if (targetEl !== 2 && cpu.events.active) cpu.events.exception(cpu, host.guestEl(fromEl), host.guestEl(targetEl), syndrome, retLo, retHi, farValid, farLo, farHi);
}

/**
 * Bit that holds the top of the address for tagging purposes (AddrTop):
 * 55 when top-byte-ignore applies to this address, else 63.
 */
export function addrTop(cpu: Cpu, hi: number, el: number): number {
  const sr = cpu.sr;
  if (el === 2 && !e2h(cpu)) return sr.lo[SR.TCR_EL2]! & TCR_EL2_TBI ? 55 : 63;
  const tcr = el === 2 || (el === 0 && inHost(cpu)) ? SR.TCR_EL2 : SR.TCR_EL1;
  const upper = (hi >>> 23) & 1; // VA bit 55
  const tbi = upper ? sr.hi[tcr]! & TCR_TBI1_HI : sr.hi[tcr]! & TCR_TBI0_HI;
  return tbi ? 55 : 63;
}

/**
 * The PC value a branch to (lo, hi) produces (AArch64.BranchAddr): with top-byte
 * ignore, bits [63:56] become a copy of bit 55 in regimes with two VA ranges and
 * zero in single-range regimes.
 */
export function branchAddrHi(cpu: Cpu, hi: number): number {
  if (addrTop(cpu, hi, cpu.el) === 63) return hi;
  const twoRanges = cpu.el !== 2 || e2h(cpu);
  if (twoRanges && (hi >>> 23) & 1) return hi | 0xff000000;
  return hi & 0x00ffffff;
}

/** Result of ERET decoding of SPSR.M: target EL or -1 for an illegal return. */
function eretTarget(cpu: Cpu, spsr: number): number {
  if (spsr & 0x10) return -1; // AArch32: no EL supports it
  if (spsr & 0x2) return -1; // M[1] is reserved
  const target = (spsr >>> 2) & 3;
  if (target === 3) return -1; // EL3 not implemented
  if (target === 0 && spsr & 1) return -1; // EL0 has only SP_EL0
  if (target > cpu.el) return -1;
  if (target === 1 && tge(cpu)) return -1;
  return target;
}

/**
 * ERET from EL1 or EL2 (the caller handles UNDEFINED at EL0 and the NV trap).
 * An illegal return keeps EL and SP, sets PSTATE.IL, and still restores the
 * flags, PAN and DAIF and branches to ELR (AArch64.ExceptionReturn).
 */
export function exceptionReturn(cpu: Cpu): void {
  const sr = cpu.sr;
  const fromEl = cpu.el;
  const spsr = sr.lo[SPSR[fromEl]!]!;
  const elrLo = sr.lo[ELR[fromEl]!]!;
  const elrHi = sr.hi[ELR[fromEl]!]!;
  const target = eretTarget(cpu, spsr);
  saveSp(cpu);
  if (target < 0) {
    cpu.il = 1;
  } else {
    cpu.il = (spsr >>> 20) & 1;
    cpu.el = target;
    cpu.spsel = spsr & 1;
    cpu.ss = (spsr >>> 21) & 1;
    if (cpu.features.uao) cpu.uao = (spsr >>> 23) & 1;
    if (cpu.features.dit) cpu.dit = (spsr >>> 24) & 1;
    if (cpu.features.ssbs) cpu.ssbs = (spsr >>> 12) & 1;
  }
  setNzcv(cpu, spsr);
  if (cpu.features.pan) cpu.pan = (spsr >>> 22) & 1;
  cpu.daif = (spsr >>> 6) & 0xf;
  loadSp(cpu);
  // The local exclusive monitor is cleared by an exception return.
  cpu.exclValid = false;
  cpu.pcLo = elrLo;
  cpu.pcHi = branchAddrHi(cpu, elrHi);
  cpu.contextChanged();
  if (fromEl !== 2 || cpu.el2Host === null) cpu.events.eret(cpu, fromEl, target < 0 ? fromEl : target, target < 0, elrLo, elrHi, spsr);
}

/** ERET at EL1 with HCR_EL2.NV set traps to EL2 (FEAT_NV). */
export function eretTrapsToEl2(cpu: Cpu): boolean {
  if (cpu.el !== 1) return false;
  const hi = cpu.sr.hi[SR.HCR_EL2]!;
  // HFGITR_EL2.ERET (bit 51) traps ERET, ERETAA and ERETAB at EL1 too (FEAT_FGT; no EL3, so SCR_EL3.FGTEn is 1).
  return (hi & HCR_NV_HI) !== 0 || (cpu.profileFlags.FEAT_FGT === true && (cpu.sr.hi[SR.HFGITR_EL2]! & HFGITR_ERET_HI) !== 0);
}

const HFGITR_ERET_HI = 1 << (51 - 32);
const HFGITR_SVC_EL0_HI = 1 << (52 - 32);
const HFGITR_SVC_EL1_HI = 1 << (53 - 32);

/**
 * AArch64.CheckSVCTrap: HFGITR_EL2.SVC_EL1 and SVC_EL0 trap SVC to EL2 (EL0
 * not in the host), as a trap: ELR_EL2 is the SVC itself, ESR_EL2 the SVC
 * syndrome.
 */
export function svcTrapsToEl2(cpu: Cpu): boolean {
  if (cpu.profileFlags.FEAT_FGT !== true) return false;
  const f = cpu.sr.hi[SR.HFGITR_EL2]!;
  if (cpu.el === 1) return (f & HFGITR_SVC_EL1_HI) !== 0;
  return cpu.el === 0 && (f & HFGITR_SVC_EL0_HI) !== 0 && !(e2h(cpu) && tge(cpu));
}

