/**
 * Which physical registers hold what, in each of the two contexts the L0
 * host runs the vCPU in, and the copies between them and the virtual
 * register file at every exit and entry (KVM's vcpu put/load):
 *
 * - hyp context (the guest hypervisor at virtual EL2, or at EL0 in its VHE
 *   host): the PE runs at EL1 (EL0) with HCR_EL2.NV, and the EL1 registers
 *   hold the virtual EL2 state (translated to EL1 formats for a non-VHE
 *   guest hypervisor). Its accesses to EL1 registers that belong to its
 *   guests trap and are emulated on the virtual file;
 * - guest context (an L2 guest at EL1/EL0): the EL1 registers are the
 *   guest's, and the EL2 controls merge what the guest hypervisor asked for
 *   with what the host needs.
 *
 * On an exit the live copies go back to the virtual file, which is then the
 * whole truth while the host works; on entry they are loaded again.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import type { Cpu } from '../cpu/cpu.js';
import { HCR_AT_HI, HCR_E2H_HI, HCR_NV1_HI, HCR_NV2_HI, HCR_NV_HI, HCR_RW, HCR_TRVM, HCR_TTLB, HCR_TVM, HCR_VM } from '../cpu/sysreg-bits.js';
import { cptrEl2ToCpacr, sctlrEl2ToEl1, tcrEl2ToEl1, ttbrEl2ToEl1 } from './el2-to-el1.js';

export type RegFile = { readonly lo: Int32Array; readonly hi: Int32Array };

/** EL1 and EL0 registers of the vCPU's guests, switched with the guest context. */
export const GUEST_EL1: readonly SR[] = [
  SR.SCTLR_EL1,
  SR.CPACR_EL1,
  SR.TTBR0_EL1,
  SR.TTBR1_EL1,
  SR.TCR_EL1,
  SR.MAIR_EL1,
  SR.AMAIR_EL1,
  SR.VBAR_EL1,
  SR.CONTEXTIDR_EL1,
  SR.ESR_EL1,
  SR.FAR_EL1,
  SR.AFSR0_EL1,
  SR.AFSR1_EL1,
  SR.ELR_EL1,
  SR.SPSR_EL1,
  SR.SP_EL1,
  SR.CNTKCTL_EL1,
  SR.PAR_EL1,
  SR.TPIDR_EL1,
  SR.ACTLR_EL1,
  SR.CSSELR_EL1,
  SR.MDSCR_EL1,
  SR.TPIDR_EL0,
  SR.TPIDRRO_EL0,
  SR.SP_EL0,
  SR.CNTP_CTL_EL0,
  SR.CNTP_CVAL_EL0,
  SR.CNTV_CTL_EL0,
  SR.CNTV_CVAL_EL0,
];

/** A VHE guest hypervisor's EL2 registers and the EL1 (EL0) registers that hold them at EL1: same formats. */
const VHE_SWAP: readonly (readonly [SR, SR])[] = [
  [SR.SCTLR_EL1, SR.SCTLR_EL2],
  [SR.TTBR0_EL1, SR.TTBR0_EL2],
  [SR.TTBR1_EL1, SR.TTBR1_EL2],
  [SR.TCR_EL1, SR.TCR_EL2],
  [SR.MAIR_EL1, SR.MAIR_EL2],
  [SR.AMAIR_EL1, SR.AMAIR_EL2],
  [SR.VBAR_EL1, SR.VBAR_EL2],
  [SR.CONTEXTIDR_EL1, SR.CONTEXTIDR_EL2],
  [SR.ESR_EL1, SR.ESR_EL2],
  [SR.FAR_EL1, SR.FAR_EL2],
  [SR.AFSR0_EL1, SR.AFSR0_EL2],
  [SR.AFSR1_EL1, SR.AFSR1_EL2],
  [SR.ELR_EL1, SR.ELR_EL2],
  [SR.SPSR_EL1, SR.SPSR_EL2],
  [SR.SP_EL1, SR.SP_EL2],
  // At EL2 with E2H = 1 the EL0 timer names are the EL2 timers.
  [SR.CNTP_CTL_EL0, SR.CNTHP_CTL_EL2],
  [SR.CNTP_CVAL_EL0, SR.CNTHP_CVAL_EL2],
  [SR.CNTV_CTL_EL0, SR.CNTHV_CTL_EL2],
  [SR.CNTV_CVAL_EL0, SR.CNTHV_CVAL_EL2],
];

/**
 * CNTHCTL_EL2 (E2H = 1) fields that CNTKCTL_EL1 holds: a VHE guest hypervisor
 * writes CNTHCTL_EL2 through CNTKCTL_EL1 at EL1. EL1PCTEN..EL1NVVCT [16:10]
 * exist in CNTKCTL_EL1 with FEAT_NV2p1 (with FEAT_NV only they would be lost,
 * which is why the architecture added them), EVNTIS [17] with FEAT_ECV.
 */
const CNTKCTL_FIELDS = 0x3ffff;

/** Non-VHE: the registers the PE itself writes at EL1 (exception entry, SP), copied back on exit. */
const NVHE_LIVE: readonly (readonly [SR, SR])[] = [
  [SR.ESR_EL1, SR.ESR_EL2],
  [SR.FAR_EL1, SR.FAR_EL2],
  [SR.ELR_EL1, SR.ELR_EL2],
  [SR.SPSR_EL1, SR.SPSR_EL2],
  [SR.SP_EL1, SR.SP_EL2],
];
/** Non-VHE: copied in only (the guest hypervisor's accesses to them trap). */
const NVHE_IN: readonly (readonly [SR, SR])[] = [
  [SR.MAIR_EL1, SR.MAIR_EL2],
  [SR.AMAIR_EL1, SR.AMAIR_EL2],
  [SR.VBAR_EL1, SR.VBAR_EL2],
  [SR.CONTEXTIDR_EL1, SR.CONTEXTIDR_EL2],
  [SR.AFSR0_EL1, SR.AFSR0_EL2],
  [SR.AFSR1_EL1, SR.AFSR1_EL2],
];

function copy(from: RegFile, fs: number, to: RegFile, ts: number): void {
  to.lo[ts] = from.lo[fs]!;
  to.hi[ts] = from.hi[fs]!;
}

function setMasked(cpu: Cpu, slot: number, lo: number, hi: number): void {
  const m = cpu.srMask;
  cpu.sr.lo[slot] = (lo & m.keepLo[slot]!) | m.setLo[slot]!;
  cpu.sr.hi[slot] = (hi & m.keepHi[slot]!) | m.setHi[slot]!;
}

function inSwap(list: readonly (readonly [SR, SR])[], slot: SR): boolean {
  return list.some(([p]) => p === slot);
}

/** SPSR M[3:2] = EL1 -> EL2: an exception from virtual EL2 recorded by the PE, which ran it at EL1. */
function spsrEl1ToEl2(lo: number): number {
  const m = lo & 0x1f;
  return m === 0b00100 || m === 0b00101 ? (lo & ~0xc) | 0x8 : lo;
}

/** Whether the guest hypervisor runs with E2H (its virtual HCR_EL2.E2H). */
export function vhe(v: RegFile): boolean {
  return (v.hi[SR.HCR_EL2]! & (1 << (34 - 32))) !== 0;
}

/**
 * Copies the hyp context's live registers to the virtual file after an exit.
 * `nv2`: the guest hypervisor's SPSR_EL2 accesses went to SPSR_EL1 without
 * trapping, and exceptions it took recorded M as EL2 (I_DBTLM).
 */
export function saveHyp(cpu: Cpu, v: RegFile, el1ExceptionsTaken: boolean, nv2 = false): void {
  const p = cpu.sr;
  if (vhe(v)) {
    for (const [ps, vs] of VHE_SWAP) copy(p, ps, v, vs);
    v.lo[SR.CNTHCTL_EL2] = (v.lo[SR.CNTHCTL_EL2]! & ~CNTKCTL_FIELDS) | (p.lo[SR.CNTKCTL_EL1]! & CNTKCTL_FIELDS);
    for (const s of GUEST_EL1) if (!inSwap(VHE_SWAP, s) && s !== SR.CPACR_EL1 && s !== SR.CNTKCTL_EL1) copy(p, s, v, s);
  } else {
    for (const [ps, vs] of NVHE_LIVE) {
      if (ps === SR.SPSR_EL1 && !nv2) {
        // Without NV2 its SPSR_EL2 writes trap: only an exception taken at EL1
        // writes SPSR_EL1, with M saying EL1 where it means virtual EL2.
        if (el1ExceptionsTaken) {
          v.lo[vs] = spsrEl1ToEl2(p.lo[ps]!);
          v.hi[vs] = p.hi[ps]!;
        }
        continue;
      }
      copy(p, ps, v, vs);
    }
    for (const s of GUEST_EL1) if (!inSwap(NVHE_LIVE, s) && !inSwap(NVHE_IN, s) && !TRANSLATED_NVHE.has(s)) copy(p, s, v, s);
  }
}

/** EL1 registers a non-VHE guest hypervisor's EL2 registers are translated into. */
const TRANSLATED_NVHE: ReadonlySet<SR> = new Set([SR.SCTLR_EL1, SR.CPACR_EL1, SR.TTBR0_EL1, SR.TCR_EL1]);

/** Loads the hyp context: virtual EL2 state into the EL1 registers, the guests' other EL1 registers as they are. */
export function loadHyp(cpu: Cpu, v: RegFile): void {
  const p = cpu.sr;
  for (const s of GUEST_EL1) copy(v, s, p, s);
  if (vhe(v)) {
    for (const [ps, vs] of VHE_SWAP) copy(v, vs, p, ps);
    setMasked(cpu, SR.CPACR_EL1, v.lo[SR.CPTR_EL2]!, v.hi[SR.CPTR_EL2]!);
    setMasked(cpu, SR.CNTKCTL_EL1, v.lo[SR.CNTHCTL_EL2]! & CNTKCTL_FIELDS, 0);
  } else {
    for (const [ps, vs] of NVHE_LIVE) copy(v, vs, p, ps);
    for (const [ps, vs] of NVHE_IN) copy(v, vs, p, ps);
    setMasked(cpu, SR.SCTLR_EL1, ...sctlrEl2ToEl1(v.lo[SR.SCTLR_EL2]!, v.hi[SR.SCTLR_EL2]!));
    setMasked(cpu, SR.TCR_EL1, ...tcrEl2ToEl1(v.lo[SR.TCR_EL2]!, v.hi[SR.TCR_EL2]!));
    setMasked(cpu, SR.TTBR0_EL1, ...ttbrEl2ToEl1(v.lo[SR.TTBR0_EL2]!, v.hi[SR.TTBR0_EL2]!));
    setMasked(cpu, SR.CPACR_EL1, cptrEl2ToCpacr(v.lo[SR.CPTR_EL2]!), 0);
  }
}

/** Copies the guest context's registers to the virtual file after an exit. */
export function saveGuest(cpu: Cpu, v: RegFile): void {
  for (const s of GUEST_EL1) copy(cpu.sr, s, v, s);
}

export function loadGuest(cpu: Cpu, v: RegFile): void {
  for (const s of GUEST_EL1) copy(v, s, cpu.sr, s);
}

// ---- the physical EL2 controls ---------------------------------------------------------------

/** Trap and behaviour controls of the guest hypervisor's HCR_EL2 that apply to its guests as they are: PTW, FB, BSU, DC, TWI..TRVM (TGE included). */
const GUEST_HCR_LO = 0x7ffffe04;
/** CD, ID, TLOR, TERR, TEA, APK, API, NV, NV1, AT, FWB, FIEN, TID4, TICAB, TOCU, EnSCXT, TTLBIS, TTLBOS, ATA, TID5. */
const GUEST_HCR_HI =
  (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 14) | (1 << 15) | (1 << 17) | (1 << 18) | (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23) | (1 << 24) | (1 << 26);
const CPTR_TCPAC = 1 << 31;
/** CNTHCTL_EL2 with E2H = 1: EL0PCTEN, EL0VCTEN, EL0VTEN, EL0PTEN, EL1PCTEN, EL1PTEN: no timer or counter traps. */
const CNTHCTL_OPEN_E2H = (1 << 0) | (1 << 1) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11);

/** Registers the host sets while either context runs: the trap controls it owns. */
export const FINE_GRAINED: readonly SR[] = [SR.HFGRTR_EL2, SR.HFGWTR_EL2, SR.HFGITR_EL2, SR.HDFGRTR_EL2, SR.HDFGWTR_EL2, SR.HAFGRTR_EL2, SR.HFGRTR2_EL2, SR.HFGWTR2_EL2, SR.HFGITR2_EL2, SR.HDFGRTR2_EL2, SR.HDFGWTR2_EL2];

function set(cpu: Cpu, slot: SR, lo: number, hi: number): void {
  cpu.sr.lo[slot] = lo | 0;
  cpu.sr.hi[slot] = hi | 0;
}

/**
 * The EL2 controls while the guest hypervisor runs: its EL2 and EL1 register
 * accesses, ERET, AT and TLBI trap (HCR_EL2.NV, AT, TTLB; for a non-VHE one
 * also NV1 and, without NV2, TVM/TRVM, and CPACR_EL1 accesses through
 * CPTR_EL2.TCPAC), stage 2 is the canonical one, timers and counters are
 * open, and MIDR/MPIDR read as the PE's own. With `vncr` (a PA), FEAT_NV2:
 * the accesses the architecture redirects to the VNCR_EL2 page go there
 * instead of trapping.
 */
export function configureHyp(cpu: Cpu, v: RegFile, vttbr: readonly [number, number], vtcr: readonly [number, number], vncr: number | null): void {
  const nvhe = !vhe(v);
  const nv2 = vncr !== null;
  set(cpu, SR.HCR_EL2, HCR_VM | HCR_RW | HCR_TTLB | (nvhe && !nv2 ? HCR_TVM | HCR_TRVM : 0), HCR_E2H_HI | HCR_NV_HI | HCR_AT_HI | (nvhe ? HCR_NV1_HI : 0) | (nv2 ? HCR_NV2_HI : 0));
  if (nv2) set(cpu, SR.VNCR_EL2, vncr % 4294967296, Math.floor(vncr / 4294967296));
  set(cpu, SR.CPTR_EL2, (3 << 20) | (3 << 16) | (3 << 24) | CPTR_TCPAC, 0);
  set(cpu, SR.CNTHCTL_EL2, CNTHCTL_OPEN_E2H, 0);
  copy(v, SR.CNTVOFF_EL2, cpu.sr, SR.CNTVOFF_EL2);
  set(cpu, SR.MDCR_EL2, v.lo[SR.MDCR_EL2]! & 0x1f, 0);
  set(cpu, SR.HSTR_EL2, 0, 0);
  set(cpu, SR.HCRX_EL2, 0, 0);
  for (const s of FINE_GRAINED) set(cpu, s, 0, 0);
  set(cpu, SR.VTTBR_EL2, vttbr[0], vttbr[1]);
  set(cpu, SR.VTCR_EL2, vtcr[0], vtcr[1]);
  copy(cpu.sr, SR.MIDR_EL1, cpu.sr, SR.VPIDR_EL2);
  copy(cpu.sr, SR.MPIDR_EL1, cpu.sr, SR.VMPIDR_EL2);
}

/**
 * The EL2 controls while a guest runs: the guest hypervisor's trap controls
 * (HCR_EL2 bits that apply to EL1/EL0, CPTR_EL2, MDCR_EL2, CNTHCTL_EL2, the
 * fine-grained traps, HCRX_EL2) as it wrote them, with E2H as it chose so
 * that the layouts agree; stage 2 is the shadow of its stage 2.
 */
export function configureGuest(cpu: Cpu, v: RegFile, vttbr: readonly [number, number], vtcr: readonly [number, number]): void {
  const vhcrLo = v.lo[SR.HCR_EL2]!;
  const vhcrHi = v.hi[SR.HCR_EL2]!;
  set(cpu, SR.HCR_EL2, HCR_VM | HCR_RW | (vhcrLo & GUEST_HCR_LO), (vhcrHi & (GUEST_HCR_HI | HCR_E2H_HI)));
  for (const s of [SR.CPTR_EL2, SR.CNTHCTL_EL2, SR.CNTVOFF_EL2, SR.MDCR_EL2, SR.HSTR_EL2, SR.HCRX_EL2, SR.VPIDR_EL2, SR.VMPIDR_EL2, ...FINE_GRAINED]) copy(v, s, cpu.sr, s);
  set(cpu, SR.VTTBR_EL2, vttbr[0], vttbr[1]);
  set(cpu, SR.VTCR_EL2, vtcr[0], vtcr[1]);
}
