/**
 * The memory management unit of one PE: translates addresses for the
 * EL1&0, EL2 and EL2&0 regimes through stage 1 and stage 2, caches the
 * translations in the architectural TLB, checks permissions and reports
 * faults the way the Arm ARM's AArch64.FullTranslate does. It knows the CPU
 * only through its system registers and a way to read physical memory, so
 * the debugger and the nested L0 model can use it too.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { combineAttrs, combineShareability, effectiveShareability, isDeviceAttr, isDeviceS2 } from './attributes.js';
import { DH_CONTIG, D_NG, OaFormat } from './descriptor.js';
import { Fault, FaultKind } from './fault.js';
import { POW2, contiguousBits } from './granule.js';
import {
  Access,
  P_EL0_ACCESSIBLE,
  S1_ALL,
  S2_ALL,
  S2_R,
  stage1Need,
  stage1Permissions,
  stage2Need,
  stage2Permissions,
} from './permissions.js';
import {
  type SysregFile,
  addressTop,
  defaultCacheable,
  protectedTableWalk,
  regimeForEl,
  stage1Enabled,
  stage2CacheDisable,
  stage2Enabled,
} from './regime.js';
import { type TableMemory, type WalkStep, WalkResult, walkTables } from './table-walk.js';
import { Tlb, TlbEntry, TlbKind, offsetIn, pageNumber } from './tlb.js';
import { Regime, type TranslationFeatures, WalkParams, inputAddress, stage1Params, stage2Params, vaInRange } from './walk-params.js';

/** Reads translation tables from physical memory. */
export interface PhysicalMemory {
  /** The 64-bit little-endian value at `pa` into `out.lo`/`out.hi`; false when nothing answers there (external abort). */
  readDescriptor(pa: number, out: { lo: number; hi: number }): boolean;
}

/** translate() flags. */
export const enum TF {
  /** Check permissions as EL0 (LDTR/STTR at EL1, or at EL2 in the host, with PSTATE.UAO = 0). */
  UNPRIV = 1,
  /** PSTATE.PAN applies (privileged data access with PAN set, or AT S1E1RP/WP). */
  PAN = 2,
  /** The access is unaligned: Device memory makes it an alignment fault. */
  UNALIGNED = 4,
  /** Look only, change nothing: no TLB fill and no stale-TLB report (debugger reads). */
  PROBE = 8,
}

const TWO32 = POW2[32]!;
/** HCR_EL2.NV (bit 42) and NV1 (bit 43) in the high half. */
const HCR_NV_NV1_HI = 3 << (42 - 32);

/** An AT result: PAR_EL1, or `abort` when the fault in Mmu.fault must be taken as a Data Abort. */
export interface AtResult {
  lo: number;
  hi: number;
  abort: boolean;
}

/** The parts of a stale-TLB report the MMU knows; the CPU adds where and when. */
export interface StaleTranslation {
  readonly entry: TlbEntry;
  readonly regime: Regime;
  readonly lo: number;
  readonly hi: number;
  /** The translation the tables give now, or the fault they give. */
  readonly currentPa: number | null;
  readonly currentPerm: number;
  readonly currentFault: string | null;
  /** The first descriptor that differs: its address as the walk used it, and whether it moved (a TTBR/TCR change) or changed (a store). */
  readonly changedAt: { readonly level: number; readonly pa: number; readonly moved: boolean } | null;
}

export class Mmu {
  readonly tlb = new Tlb();
  readonly fault = new Fault();
  /** After a successful translate(): the PA, the TLB entry used and its memory type. */
  pa = 0;
  entry: TlbEntry | null = null;
  device = false;
  /** Report cached translations that no longer match the tables. */
  checkStale = false;
  onStale: ((s: StaleTranslation) => void) | null = null;
  /** With checkStale: the PAs (8-byte aligned) of every descriptor a cached translation was built from. */
  private readonly watched = new Set<number>();

  private readonly s1p: WalkParams[] = Array.from({ length: 6 }, () => new WalkParams());
  private readonly s2p = new WalkParams();
  /** Bit i: s1p[i] is current; bit 6: s2p is current. */
  private paramsValid = 0;
  private readonly w1 = new WalkResult();
  private readonly w2 = new WalkResult();
  /** Scratch for fresh walks (AT, stale checks) so they do not disturb a walk in progress. */
  private readonly probeW1 = new WalkResult();
  private readonly probeW2 = new WalkResult();
  private readonly probeFault = new Fault();
  private readonly desc = { lo: 0, hi: 0 };

  /** Tables read at PAs: the stage-2 tables and stage 1 without stage 2. */
  private readonly physTables: TableMemory;
  /** Stage-1 tables under stage 2: each descriptor address is an IPA. */
  private readonly s1ViaS2Tables: TableMemory;
  /** Fresh-walk flavour of the above (AT, stale checks): no TLB use at all. */
  private readonly s1ViaS2Fresh: TableMemory;

  constructor(
    private readonly sr: SysregFile,
    readonly features: TranslationFeatures,
    mem: PhysicalMemory,
  ) {
    const readDescriptor = (pa: number, w: WalkResult): boolean => {
      if (!mem.readDescriptor(pa, this.desc)) return false;
      w.lo = this.desc.lo;
      w.hi = this.desc.hi;
      return true;
    };
    this.physTables = { tablePa: (a) => a, readDescriptor };
    this.s1ViaS2Tables = { tablePa: (ipa, fault) => this.s2ForWalk(ipa, fault, true), readDescriptor };
    this.s1ViaS2Fresh = { tablePa: (ipa, fault) => this.s2ForWalk(ipa, fault, false), readDescriptor };
  }

  /** Translation controls may have changed (any TCR/TTBR/SCTLR/HCR/VTCR/VTTBR write, EL change). */
  invalidateParams(): void {
    this.paramsValid = 0;
  }

  // ---- parameters ---------------------------------------------------------------------

  private s1Params(regime: Regime, select: number): WalkParams {
    const i = regime * 2 + select;
    const p = this.s1p[i]!;
    if (this.paramsValid & (1 << i)) return p;
    const sr = this.sr;
    const tcr = regime === Regime.EL10 ? SR.TCR_EL1 : SR.TCR_EL2;
    let ttbr: SR;
    if (regime === Regime.EL10) ttbr = select ? SR.TTBR1_EL1 : SR.TTBR0_EL1;
    else ttbr = select ? SR.TTBR1_EL2 : SR.TTBR0_EL2;
    stage1Params(p, regime, sr.lo[tcr]!, sr.hi[tcr]!, sr.lo[ttbr]!, sr.hi[ttbr]!, select, this.features);
    this.paramsValid |= 1 << i;
    return p;
  }

  private s2Params(): WalkParams {
    const p = this.s2p;
    if (this.paramsValid & 64) return p;
    const sr = this.sr;
    stage2Params(p, sr.lo[SR.VTCR_EL2]!, sr.hi[SR.VTCR_EL2]!, sr.lo[SR.VTTBR_EL2]!, sr.hi[SR.VTTBR_EL2]!, this.features);
    this.paramsValid |= 64;
    return p;
  }

  /** The current VMID: VTTBR_EL2[63:48], or [55:48] with 8-bit VMIDs (VTCR_EL2.VS = 0). */
  vmid(): number {
    const v = (this.sr.hi[SR.VTTBR_EL2]! >>> 16) & 0xffff;
    return this.features.vmid16 && this.sr.lo[SR.VTCR_EL2]! & (1 << 19) ? v : v & 0xff;
  }

  /** The current ASID of a two-range regime: TTBR0/1 per TCR.A1, 8 or 16 bits per TCR.AS. */
  asid(regime: Regime): number {
    if (regime === Regime.EL2) return -1;
    const sr = this.sr;
    const tcr = regime === Regime.EL10 ? SR.TCR_EL1 : SR.TCR_EL2;
    const a1 = (sr.lo[tcr]! >>> 22) & 1;
    const ttbr = regime === Regime.EL10 ? (a1 ? SR.TTBR1_EL1 : SR.TTBR0_EL1) : a1 ? SR.TTBR1_EL2 : SR.TTBR0_EL2;
    const asid = (sr.hi[ttbr]! >>> 16) & 0xffff;
    return sr.hi[tcr]! & (1 << (36 - 32)) ? asid : asid & 0xff;
  }

  // ---- translation --------------------------------------------------------------------

  /**
   * Translates an access to VA (lo, hi) made at `el`. Returns true with
   * `pa`, `entry` and `device` set, or false with `fault` set. Call only
   * when stage 1 or stage 2 is enabled for the regime (see enabledFor).
   */
  translate(lo: number, hi: number, el: number, access: Access, flags: number): boolean {
    const sr = this.sr;
    const regime = regimeForEl(sr, el);
    const user = el === 0 || (flags & TF.UNPRIV) !== 0;
    const s2on = stage2Enabled(sr, regime);
    let e: TlbEntry | undefined;
    if (stage1Enabled(sr, regime)) {
      const select = regime === Regime.EL2 ? 0 : (hi >>> 23) & 1;
      const p = this.s1Params(regime, select);
      const f = this.fault;
      if (p.setupFault === FaultKind.TRANSLATION || !vaInRange(lo, hi, p.inputBits, addressTop(sr, regime, hi), p.select)) {
        f.set(FaultKind.TRANSLATION, 0, false);
        return false;
      }
      // FEAT_E0PD: EL0 may not use this half at all.
      if (user && regime !== Regime.EL2 && this.features.e0pd) {
        const tcrHi = sr.hi[regime === Regime.EL10 ? SR.TCR_EL1 : SR.TCR_EL2]!;
        if ((tcrHi >>> (select ? 56 - 32 : 55 - 32)) & 1) {
          f.set(FaultKind.TRANSLATION, 0, false);
          return false;
        }
      }
      const kind = regime as number as TlbKind;
      const vmid = regime === Regime.EL10 ? this.vmid() : 0;
      const asid = this.asid(regime);
      e = this.tlb.lookup(kind, vmid, asid, lo, hi);
      if (e) {
        if (this.checkStale && !(flags & TF.PROBE)) this.recheck(e, regime, lo, hi, s2on);
      } else {
        e = this.fillStage1(p, regime, lo, hi, s2on, (flags & TF.PROBE) !== 0, access, user, flags);
        if (!e) return false;
      }
    } else {
      // Stage 1 off: IPA = VA, which must fit the PA size (AArch64.S1DisabledOutput).
      const top = addressTop(sr, regime, hi);
      const upper = (top === 55 ? hi & 0x00ffffff : hi) >>> 0;
      if (upper >= POW2[this.features.paBits - 32]!) {
        this.fault.set(FaultKind.ADDRESS_SIZE, 0, false);
        return false;
      }
      if (!s2on) throw new Error('Mmu.translate with both stages disabled');
      const ipa = upper * TWO32 + (lo >>> 0);
      e = this.s2Entry(ipa, this.fault, false, (flags & TF.PROBE) === 0);
      if (!e) {
        this.fault.ipa = ipa;
        return false;
      }
      if (this.checkStale && !(flags & TF.PROBE)) this.recheckStage2(e, ipa);
    }
    return this.check(e, lo, hi, el, access, user, flags, s2on);
  }

  /** Whether any translation stage applies to accesses at `el` (otherwise addresses are flat). */
  enabledFor(el: number): boolean {
    const regime = regimeForEl(this.sr, el);
    return stage1Enabled(this.sr, regime) || stage2Enabled(this.sr, regime);
  }

  /**
   * Permission and memory-type checks on a translation, in the Arm ARM's
   * order (AArch64.FullTranslate): stage 1's alignment and permission
   * checks, then stage 2's.
   */
  private check(e: TlbEntry, lo: number, hi: number, el: number, access: Access, user: boolean, flags: number, s2on: boolean): boolean {
    if (!this.checkStage1(e, access, user, flags)) return false;
    if (s2on && !this.checkStage2(e, lo, hi, el, access, flags)) return false;
    this.pa = e.pa + offsetIn(lo, hi, e.shift);
    this.entry = e;
    this.device = (access !== Access.EXEC && this.stage1Device(e)) || e.s2device;
    return true;
  }

  /** Stage-1 Device memory; with stage 1 off (a stage-2-only entry) data is Device-nGnRnE unless HCR_EL2.DC. */
  private stage1Device(e: TlbEntry): boolean {
    return e.kind === TlbKind.S2 ? !defaultCacheable(this.sr) : e.device;
  }

  private checkStage1(e: TlbEntry, access: Access, user: boolean, flags: number): boolean {
    const f = this.fault;
    const unaligned = (flags & TF.UNALIGNED) !== 0 && access !== Access.EXEC;
    if (unaligned && this.stage1Device(e)) {
      f.set(FaultKind.ALIGNMENT, e.kind === TlbKind.S2 ? 0 : e.level, false);
      return false;
    }
    if (e.kind === TlbKind.S2) return true;
    const perm = e.perm;
    const panBlocks = (flags & TF.PAN) !== 0 && !user && access !== Access.EXEC && (perm & P_EL0_ACCESSIBLE) !== 0;
    if (panBlocks || (perm & stage1Need(access, user)) === 0) {
      f.set(FaultKind.PERMISSION, e.level, false);
      return false;
    }
    return true;
  }

  private checkStage2(e: TlbEntry, lo: number, hi: number, el: number, access: Access, flags: number): boolean {
    const f = this.fault;
    const unaligned = (flags & TF.UNALIGNED) !== 0 && access !== Access.EXEC;
    const ipa = e.ipa + offsetIn(lo, hi, e.shift);
    if (unaligned && e.s2device) {
      f.set(FaultKind.ALIGNMENT, e.s2level, true);
      f.ipa = ipa;
      return false;
    }
    if ((e.perm & stage2Need(access, el === 0)) === 0) {
      f.set(FaultKind.PERMISSION, e.s2level, true);
      f.ipa = ipa;
      return false;
    }
    return true;
  }

  /**
   * A TLB miss: walk stage 1, check its permissions (a stage-1 fault ranks
   * above anything stage 2 could say about the output), then translate the
   * output through stage 2 and cache the combination, unless probing.
   */
  private fillStage1(
    p: WalkParams,
    regime: Regime,
    lo: number,
    hi: number,
    s2on: boolean,
    probe: boolean,
    access: Access,
    user: boolean,
    flags: number,
  ): TlbEntry | undefined {
    const e = this.walkStage1(p, regime, lo, hi, s2on, false, probe, this.fault);
    if (!e || !this.checkStage1(e, access, user, flags)) return undefined;
    if (s2on && !this.addStage2(e, lo, hi, probe, this.fault)) return undefined;
    if (!probe) {
      this.tlb.insert(e);
      if (e.steps) this.watch(e);
    }
    return e;
  }

  /** Translates a stage-1 entry's output through stage 2 and merges the result into it. */
  private addStage2(e: TlbEntry, lo: number, hi: number, fresh: boolean, fault: Fault): boolean {
    const ipa = e.pa + offsetIn(lo, hi, e.shift);
    const s2 = this.s2Entry(ipa, fault, fresh, !fresh);
    if (!s2) {
      fault.ipa = ipa;
      return false;
    }
    this.combine(e, s2, ipa, lo, hi);
    if (e.steps && s2.steps) e.steps = e.steps.concat(s2.steps);
    return true;
  }

  /**
   * A stage-1 walk of VA (lo, hi), with stage 2 for the table addresses when
   * `s2on` and for the output when `withS2`: the entry it makes, or
   * undefined with `fault` set. `fresh` walks use no TLB entry at all.
   */
  private walkStage1(
    p: WalkParams,
    regime: Regime,
    lo: number,
    hi: number,
    s2on: boolean,
    withS2: boolean,
    fresh: boolean,
    fault: Fault,
  ): TlbEntry | undefined {
    if (p.epd) {
      fault.set(FaultKind.TRANSLATION, 0, false);
      return undefined;
    }
    if (p.setupFault === FaultKind.ADDRESS_SIZE) {
      fault.set(FaultKind.ADDRESS_SIZE, 0, false);
      return undefined;
    }
    const w = fresh ? this.probeW1 : this.w1;
    w.steps = this.checkStale ? [] : null;
    const tables = s2on ? (fresh ? this.s1ViaS2Fresh : this.s1ViaS2Tables) : this.physTables;
    if (!walkTables(p, inputAddress(lo, hi, p.inputBits), false, tables, w, fault)) return undefined;
    const kind = regime as number as TlbKind;
    const e = this.stage1Entry(p, regime, w, lo, hi, kind, regime === Regime.EL10 ? this.vmid() : 0);
    if (withS2 && !this.addStage2(e, lo, hi, fresh, fault)) return undefined;
    return e;
  }

  private watch(e: TlbEntry): void {
    for (const st of e.steps!) this.watched.add(st.pa);
  }

  /** Whether a cached translation was built from the descriptor at PA `pa8` (8-byte aligned; checkStale only). */
  watches(pa8: number): boolean {
    return this.watched.has(pa8);
  }

  /** A TLB entry for a stage-1 walk result (without stage 2). */
  private stage1Entry(p: WalkParams, regime: Regime, w: WalkResult, lo: number, hi: number, kind: TlbKind, vmid: number): TlbEntry {
    const sr = this.sr;
    const e = new TlbEntry();
    e.kind = kind;
    e.vmid = vmid;
    const twoRanges = regime !== Regime.EL2;
    e.asid = twoRanges && w.lo & D_NG ? this.asid(regime) : -1;
    e.shift = leafSize(w, p);
    e.vpn = pageNumber(lo, hi, e.shift);
    e.pa = w.oa - (w.oa % POW2[e.shift]!);
    e.ipa = -1;
    const sctlr = regime === Regime.EL10 ? SR.SCTLR_EL1 : SR.SCTLR_EL2;
    const wxn = (sr.lo[sctlr]! & (1 << 19)) !== 0;
    const nvNv1 = regime === Regime.EL10 && this.features.nv && (sr.hi[SR.HCR_EL2]! & HCR_NV_NV1_HI) === HCR_NV_NV1_HI;
    e.perm = stage1Permissions(w.lo, w.hi, w.tableAttrs, twoRanges, wxn, nvNv1) | S2_ALL;
    e.level = w.level;
    e.granule = p.granule;
    const mair = regime === Regime.EL10 ? SR.MAIR_EL1 : SR.MAIR_EL2;
    const idx = (w.lo >>> 2) & 7;
    e.attr = ((idx < 4 ? sr.lo[mair]! >>> (idx * 8) : sr.hi[mair]! >>> ((idx - 4) * 8)) & 0xff) >>> 0;
    e.sh = p.fmt === OaFormat.DS ? this.tcrShareability(regime, p.select) : (w.lo >>> 8) & 3;
    e.device = isDeviceAttr(e.attr);
    e.steps = w.steps;
    return e;
  }

  /** TCR_ELx.SH0/SH1: the shareability of every stage-1 translation when DS = 1. */
  private tcrShareability(regime: Regime, select: number): number {
    const tcr = this.sr.lo[regime === Regime.EL10 ? SR.TCR_EL1 : SR.TCR_EL2]!;
    return select ? (tcr >>> 28) & 3 : (tcr >>> 12) & 3;
  }

  /** Merges a stage-2 result into a stage-1 entry: the smaller size, both permissions, combined attributes. */
  private combine(e: TlbEntry, s2: TlbEntry, ipa: number, lo: number, hi: number): void {
    const shift = Math.min(e.shift, s2.shift);
    const off = offsetIn(lo, hi, shift);
    const pa = s2.pa + (ipa % POW2[s2.shift]!);
    e.shift = shift;
    e.vpn = pageNumber(lo, hi, shift);
    e.ipa = ipa - off;
    e.pa = pa - off;
    e.perm = (e.perm & S1_ALL) | (e.perm & P_EL0_ACCESSIBLE) | (s2.perm & S2_ALL);
    e.s2level = s2.level;
    e.s2granule = s2.granule;
    const cd = stage2CacheDisable(this.sr);
    e.s2device = isDeviceS2(s2.attr);
    e.attr = combineAttrs(e.attr, s2.attr, cd);
    e.sh = effectiveShareability(e.attr, combineShareability(e.sh, s2.sh));
  }

  /**
   * Stage-2 translation of an IPA through stage-2-only TLB entries (or a
   * fresh walk): the entry, or undefined with `fault` set (stage 2).
   */
  private s2Entry(ipa: number, fault: Fault, fresh: boolean, fill: boolean): TlbEntry | undefined {
    const p = this.s2Params();
    const vmid = this.vmid();
    if (p.setupFault !== FaultKind.NONE || ipa >= POW2[p.inputBits]!) {
      fault.set(p.setupFault === FaultKind.ADDRESS_SIZE ? FaultKind.ADDRESS_SIZE : FaultKind.TRANSLATION, 0, true);
      fault.ipa = ipa;
      return undefined;
    }
    const lo = ipa % TWO32 | 0;
    const hi = Math.floor(ipa / TWO32) | 0;
    let s2 = fresh ? undefined : this.tlb.lookup(TlbKind.S2, vmid, -1, lo, hi);
    if (!s2) {
      const w = fresh ? this.probeW2 : this.w2;
      w.steps = this.checkStale ? [] : null;
      if (!walkTables(p, ipa, true, this.physTables, w, fault)) {
        fault.ipa = ipa;
        return undefined;
      }
      s2 = new TlbEntry();
      s2.kind = TlbKind.S2;
      s2.vmid = vmid;
      s2.asid = -1;
      s2.shift = leafSize(w, p);
      s2.vpn = pageNumber(lo, hi, s2.shift);
      s2.pa = w.oa - (w.oa % POW2[s2.shift]!);
      s2.ipa = ipa - (ipa % POW2[s2.shift]!);
      s2.perm = stage2Permissions(w.lo, w.hi, this.features.xnx) | S1_ALL;
      s2.level = w.level;
      s2.s2level = w.level;
      s2.granule = p.granule;
      s2.s2granule = p.granule;
      s2.attr = (w.lo >>> 2) & 15;
      s2.sh = p.fmt === OaFormat.DS ? (this.sr.lo[SR.VTCR_EL2]! >>> 12) & 3 : (w.lo >>> 8) & 3;
      s2.s2device = isDeviceS2(s2.attr);
      s2.steps = w.steps;
      if (fill) {
        this.tlb.insert(s2);
        if (s2.steps) this.watch(s2);
      }
    }
    return s2;
  }

  /**
   * A fresh stage-2 walk of `ipa` with the current VTTBR_EL2/VTCR_EL2 (no
   * TLB use): the entry (output, level, permissions, MemAttr), or undefined
   * with `fault` set. The L0 host walks its guest hypervisor's stage 2 this way.
   */
  walkStage2(ipa: number, fault: Fault): TlbEntry | undefined {
    return this.s2Entry(ipa, fault, true, false);
  }

  /** Stage 2 for a stage-1 descriptor read (S1PTW): the PA, or -1 with the stage-2 fault recorded. */
  private s2ForWalk(ipa: number, fault: Fault, useTlb: boolean): number {
    const e = this.s2Entry(ipa, fault, !useTlb, useTlb);
    if (e && (e.perm & S2_R) === 0) {
      fault.set(FaultKind.PERMISSION, e.level, true);
      fault.ipa = ipa;
    } else if (e && e.s2device && protectedTableWalk(this.sr)) {
      fault.set(FaultKind.PERMISSION, e.level, true);
      fault.ipa = ipa;
    } else if (e) {
      return e.pa + (ipa % POW2[e.shift]!);
    }
    fault.s1ptw = true;
    return -1;
  }

  // ---- address translation instructions -------------------------------------------------

  /**
   * AT S1E0R/W, S1E1R/W(P), S1E2R/W, S12E0R/W, S12E1R/W (AArch64.AT): a fresh
   * walk for `el`'s regime, the permission check for `access` (none when
   * `access` is undefined), and the result in PAR_EL1 format. Faults that
   * the Arm ARM turns into exceptions instead (a stage-2 fault on the
   * stage-1 walk of an AT S1E0x or S1E1x at EL1; external aborts on the walk)
   * come back in `abort`.
   */
  at(lo: number, hi: number, stage12: boolean, el: number, access: Access | undefined, pan: boolean, currentEl: number): AtResult {
    const r = this.atResult;
    r.abort = false;
    const regime = regimeForEl(this.sr, el);
    const f = this.fault;
    const s2on = stage12 && stage2Enabled(this.sr, regime);
    // Stage 1 first, with its permission check, then stage 2 of the output.
    const e = this.freshTranslation(lo, hi, regime, false, f);
    // Only AT S1E1RP/WP honour PSTATE.PAN; AT at EL0's regime checks EL0 permissions.
    const flags = pan ? TF.PAN : 0;
    let ok = e !== undefined && (access === undefined || this.checkStage1(e, access, el === 0, flags));
    if (ok && s2on) ok = this.addStage2(e!, lo, hi, true, f) && (access === undefined || this.checkStage2(e!, lo, hi, el, access, flags));
    if (ok) {
      const pa = e!.pa + offsetIn(lo, hi, e!.shift);
      const page = pa - (pa % 4096);
      // Device and Normal Non-cacheable memory is reported Outer Shareable.
      const sh = effectiveShareability(e!.attr, e!.sh);
      r.lo = ((page % TWO32) | (sh << 7) | (1 << 9) | (1 << 11)) | 0;
      r.hi = (Math.floor(page / TWO32) | (e!.attr << 24)) | 0;
      return r;
    }
    if ((f.s1ptw && currentEl === 1 && !stage12) || f.kind === FaultKind.WALK_EXTERNAL) {
      r.abort = true;
      return r;
    }
    r.lo = (1 | (f.fsc() << 1) | (f.s1ptw ? 1 << 8 : 0) | (f.stage2 ? 1 << 9 : 0) | (1 << 11)) | 0;
    r.hi = 0;
    return r;
  }

  private readonly atResult: AtResult = { lo: 0, hi: 0, abort: false };

  // ---- fresh walks: AT and the stale-TLB checker ----------------------------------------

  /**
   * A fresh translation of (lo, hi) for the regime of `el` with every
   * descriptor read recorded, stage 1 then stage 2 (the debugger's walk
   * view). Changes nothing: no TLB entry, no watch.
   */
  debugWalk(lo: number, hi: number, el: number, stage12: boolean, fault: Fault): { entry: TlbEntry | undefined; steps: readonly WalkStep[] } {
    const was = this.checkStale;
    this.checkStale = true;
    try {
      this.probeW1.steps = null;
      this.probeW2.steps = null;
      const entry = this.freshTranslation(lo, hi, regimeForEl(this.sr, el), stage12, fault);
      const steps = entry?.steps ?? [...(this.probeW1.steps ?? []), ...(this.probeW2.steps ?? [])];
      return { entry, steps };
    } finally {
      this.checkStale = was;
    }
  }

  /**
   * A translation made from the tables as they are now, using no TLB entry
   * and adding none (AT; the stale-TLB checker). Returns the entry it would
   * cache, or undefined with `fault` set. `stage12`: include stage 2 of the
   * output when it is enabled.
   */
  freshTranslation(lo: number, hi: number, regime: Regime, stage12: boolean, fault: Fault): TlbEntry | undefined {
    const sr = this.sr;
    const s2on = stage2Enabled(sr, regime);
    if (!stage1Enabled(sr, regime)) {
      const top = addressTop(sr, regime, hi);
      const upper = (top === 55 ? hi & 0x00ffffff : hi) >>> 0;
      if (upper >= POW2[this.features.paBits - 32]!) {
        fault.set(FaultKind.ADDRESS_SIZE, 0, false);
        return undefined;
      }
      const e = new TlbEntry();
      e.kind = regime as number as TlbKind;
      e.shift = 12;
      e.vpn = pageNumber(lo, hi, 12);
      e.pa = upper * TWO32 + (lo >>> 0) - ((lo >>> 0) % 4096);
      e.ipa = -1;
      e.perm = S1_ALL | S2_ALL;
      const cacheable = regime === Regime.EL10 && defaultCacheable(sr);
      e.attr = cacheable ? 0xff : 0x00;
      e.sh = 0;
      e.device = !cacheable;
      if (stage12 && s2on) {
        const ipa = e.pa;
        const s2 = this.s2Entry(ipa, fault, true, false);
        if (!s2) return undefined;
        this.combine(e, s2, ipa + offsetIn(lo, hi, 12), lo, hi);
      }
      return e;
    }
    const select = regime === Regime.EL2 ? 0 : (hi >>> 23) & 1;
    const p = this.s1Params(regime, select);
    if (p.setupFault === FaultKind.TRANSLATION || !vaInRange(lo, hi, p.inputBits, addressTop(sr, regime, hi), p.select)) {
      fault.set(FaultKind.TRANSLATION, 0, false);
      return undefined;
    }
    return this.walkStage1(p, regime, lo, hi, s2on, stage12 && s2on, true, fault);
  }

  /** Compares a cached stage-1 translation with the tables and reports a difference once per entry. */
  private recheck(e: TlbEntry, regime: Regime, lo: number, hi: number, s2on: boolean): void {
    if (e.reported || !this.onStale) return;
    const f = this.probeFault;
    const now = this.freshTranslation(lo, hi, regime, s2on, f);
    this.compare(e, now, now?.steps ?? this.probeW1.steps, f, regime, lo, hi);
  }

  private recheckStage2(e: TlbEntry, ipa: number): void {
    if (e.reported || !this.onStale) return;
    const f = this.probeFault;
    const lo = ipa % TWO32 | 0;
    const hi = Math.floor(ipa / TWO32) | 0;
    const now = this.s2Entry(ipa, f, true, false);
    this.compare(e, now, now?.steps ?? this.probeW2.steps, f, Regime.EL10, lo, hi);
  }

  /** Reports `e` if the fresh translation `now` (or its fault) differs; `nowSteps` is the fresh walk. */
  private compare(e: TlbEntry, now: TlbEntry | undefined, nowSteps: WalkStep[] | null, f: Fault, regime: Regime, lo: number, hi: number): void {
    const cachedPa = e.pa + offsetIn(lo, hi, e.shift);
    const permMask = S1_ALL | S2_ALL;
    if (now) {
      const pa = now.pa + offsetIn(lo, hi, now.shift);
      if (pa === cachedPa && (now.perm & permMask) === (e.perm & permMask) && now.attr === e.attr) return;
    }
    e.reported = true;
    this.onStale!({
      entry: e,
      regime,
      lo,
      hi,
      currentPa: now ? now.pa + offsetIn(lo, hi, now.shift) : null,
      currentPerm: now ? now.perm : 0,
      currentFault: now ? null : f.describe(),
      changedAt: firstDifference(e.steps, nowSteps),
    });
  }
}

/**
 * The size a leaf translates as one TLB entry: the block or page, or the
 * whole run of descriptors its Contiguous bit (bit 52) declares. The output
 * address then comes from this descriptor, aligned to the run
 * (AArch64.StageOA), so a misprogrammed run translates through whichever
 * descriptor was walked first, one of the outcomes the Arm ARM permits.
 */
function leafSize(w: WalkResult, p: WalkParams): number {
  if ((w.hi & DH_CONTIG) === 0) return w.shift;
  return w.shift + contiguousBits(p.granule, w.level);
}

/**
 * Where the walk that made a cached entry and the walk of the tables now
 * part ways: the first descriptor read from a different address (the walk
 * moved: a TTBR or TCR changed) or holding a different value (a store).
 */
function firstDifference(
  cached: readonly WalkStep[] | null,
  now: readonly WalkStep[] | null,
): { level: number; pa: number; moved: boolean } | null {
  if (!cached || !now) return null;
  for (let i = 0; i < cached.length; i++) {
    const x = cached[i]!;
    const y = now[i];
    if (!y) return null;
    if (y.pa !== x.pa) return { level: x.level, pa: x.pa, moved: true };
    if (y.lo !== x.lo || y.hi !== x.hi) return { level: x.level, pa: x.pa, moved: false };
  }
  return null;
}
