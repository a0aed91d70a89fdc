/**
 * The stale-TLB checker's CPU side: with it on, the MMU compares every TLB
 * hit with a fresh walk (mmu.ts, checkStale), and this tracker remembers who
 * last wrote each descriptor a cached translation came from and each
 * translation control register, so that a report can name the instruction
 * that made the entry stale: "TTBR0_EL2 was written by the instruction at
 * ..., and no TLBI removed the entry since".
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import type { StaleTranslation } from '../mmu/mmu.js';
import { describePermissions } from '../mmu/permissions.js';
import { TlbKind, offsetIn } from '../mmu/tlb.js';
import { REGIME_NAMES, Regime } from '../mmu/walk-params.js';
import type { Cpu } from './cpu.js';
import { hex64 } from './u64.js';

interface Writer {
  readonly pcLo: number;
  readonly pcHi: number;
  readonly icount: number;
}

/** The registers a walk starts from, by regime (stage 1) and for stage 2. */
const CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [SR.TTBR0_EL1, 'TTBR0_EL1'],
  [SR.TTBR1_EL1, 'TTBR1_EL1'],
  [SR.TCR_EL1, 'TCR_EL1'],
  [SR.TTBR0_EL2, 'TTBR0_EL2'],
  [SR.TTBR1_EL2, 'TTBR1_EL2'],
  [SR.TCR_EL2, 'TCR_EL2'],
  [SR.VTTBR_EL2, 'VTTBR_EL2'],
  [SR.VTCR_EL2, 'VTCR_EL2'],
]);
const REGIME_CONTROLS: Readonly<Record<Regime, readonly number[]>> = {
  [Regime.EL10]: [SR.TTBR0_EL1, SR.TTBR1_EL1, SR.TCR_EL1, SR.VTTBR_EL2, SR.VTCR_EL2],
  [Regime.EL2]: [SR.TTBR0_EL2, SR.TCR_EL2],
  [Regime.EL20]: [SR.TTBR0_EL2, SR.TTBR1_EL2, SR.TCR_EL2],
};

const pa = (n: number): string => '0x' + n.toString(16).padStart(12, '0');

export class StaleTlbTracker {
  private readonly descriptorWriters = new Map<number, Writer>();
  private readonly controlWriters = new Map<number, Writer>();

  constructor(private readonly cpu: Cpu) {
    cpu.mmu.checkStale = true;
    cpu.mmu.onStale = (s) => this.report(s);
    // Translations cached before now were not recorded; start from an empty TLB.
    cpu.mmu.tlb.clear();
    cpu.contextChanged();
  }

  private writer(): Writer {
    const c = this.cpu;
    return { pcLo: c.pcLo, pcHi: c.pcHi, icount: c.instructionCount() };
  }

  /** A store of `size` bytes at PA `addr`: remember it if it hit a descriptor in use. */
  noteStore(addr: number, size: number): void {
    const mmu = this.cpu.mmu;
    for (let a = addr - (addr % 8); a < addr + size; a += 8) {
      if (mmu.watches(a)) this.descriptorWriters.set(a, this.writer());
    }
  }

  noteControlWrite(slot: number): void {
    if (CONTROL_NAMES.has(slot)) this.controlWriters.set(slot, this.writer());
  }

  private static where(w: Writer): string {
    return `the instruction at 0x${hex64(w.pcLo, w.pcHi)} (#${w.icount})`;
  }

  private cause(s: StaleTranslation): string | undefined {
    const d = s.changedAt;
    if (!d) return undefined;
    if (!d.moved) {
      const w = this.descriptorWriters.get(d.pa);
      const what = `the level ${d.level} descriptor at PA ${pa(d.pa)}`;
      return w ? `${what} was written by ${StaleTlbTracker.where(w)}` : `${what} changed`;
    }
    // The walk now starts elsewhere: the latest write to a register the walk starts from.
    let best: [number, Writer] | undefined;
    for (const slot of REGIME_CONTROLS[s.regime]) {
      const w = this.controlWriters.get(slot);
      if (w && (!best || w.icount > best[1].icount)) best = [slot, w];
    }
    if (!best) return `the tables now start at a different address`;
    return `${CONTROL_NAMES.get(best[0])} was written by ${StaleTlbTracker.where(best[1])}`;
  }

  private report(s: StaleTranslation): void {
    const c = this.cpu;
    const e = s.entry;
    const regime = REGIME_NAMES[s.regime];
    const privEl = s.regime === Regime.EL10 ? 1 : 2;
    const twoRanges = s.regime !== Regime.EL2;
    const stage2 = e.kind === TlbKind.S2 || e.ipa >= 0;
    let tag = regime;
    if (e.asid >= 0) tag += ` ASID ${e.asid}`;
    if (s.regime === Regime.EL10) tag += ` VMID ${e.vmid}`;
    const cached = `PA ${pa(e.pa + offsetIn(s.lo, s.hi, e.shift))} (${describePermissions(e.perm, twoRanges, privEl, stage2)})`;
    const current =
      s.currentPa === null ? s.currentFault! : `PA ${pa(s.currentPa)} (${describePermissions(s.currentPerm, twoRanges, privEl, stage2)})`;
    const cause = this.cause(s);
    c.events.staleTlb(c, '0x' + hex64(s.lo, s.hi), tag, cached, current, cause === undefined ? undefined : `${cause}, and no TLB maintenance removed the entry since`);
  }
}
