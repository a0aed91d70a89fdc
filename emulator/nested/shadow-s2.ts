/**
 * Shadow stage-2 MMUs: for each stage 2 the guest hypervisor gives its
 * guests, a stage 2 of the L0 host that maps the guest's IPAs straight to
 * machine PAs (the guest hypervisor's stage 2 followed by the canonical
 * one), filled on demand from stage-2 faults. The semantics follow what
 * KVM/arm64 settled on: a pool of 2 x vCPUs contexts; a context is found by
 * VTTBR_EL2 (CnP ignored) and VTCR_EL2 while the guest hypervisor's stage 2
 * is on (HCR_EL2.VM), by VMID alone while it is off; contexts in use are
 * reference-counted; a miss takes a free context or recycles an unused one
 * round-robin, emptying its tables and flushing its TLB entries first.
 */
import type { HostMemory } from './host-memory.js';
import { Stage2Tables } from './stage2-tables.js';

export const enum ShadowOutcome {
  HIT = 0,
  MISS = 1,
  RECYCLE = 2,
}

export class ShadowMmu {
  readonly tables: Stage2Tables;
  /** What the context shadows; `valid` false for a context never used or emptied. */
  valid = false;
  /** The guest hypervisor's VTTBR_EL2 (CnP clear) and VTCR_EL2, or only its VMID when `byVmid`. */
  vttbrLo = 0;
  vttbrHi = 0;
  vtcr = 0;
  byVmid = false;
  vmid = 0;
  refs = 0;

  constructor(
    mem: HostMemory,
    ipaBits: number,
    /** The physical VMID its translations are tagged with. */
    readonly physVmid: number,
    readonly index: number,
  ) {
    this.tables = new Stage2Tables(mem, ipaBits);
  }
}

/** The guest hypervisor's stage-2 controls a lookup is keyed on. */
export interface Stage2Key {
  readonly vm: boolean;
  readonly vttbrLo: number;
  readonly vttbrHi: number;
  readonly vtcr: number;
  readonly vmid: number;
}

export interface LookupResult {
  readonly mmu: ShadowMmu;
  readonly outcome: ShadowOutcome;
  /** For RECYCLE: what the context shadowed before. */
  readonly victim?: { readonly vmid: number; readonly vttbrLo: number; readonly vttbrHi: number };
}

export class ShadowPool {
  readonly contexts: ShadowMmu[] = [];
  private next = 0;

  constructor(
    private readonly mem: HostMemory,
    private readonly ipaBits: number,
    /** Called when a recycled context's translations must leave the TLB. */
    private readonly flushVmid: (physVmid: number) => void,
    private readonly firstVmid = 2,
  ) {}

  /**
   * Grows the pool to 2 contexts per vCPU. Allocation failures leave the
   * pool as it was (every context made here is given back).
   */
  grow(vcpus: number): void {
    const want = 2 * vcpus;
    const made: ShadowMmu[] = [];
    try {
      for (let i = this.contexts.length; i < want; i++) made.push(new ShadowMmu(this.mem, this.ipaBits, this.firstVmid + i, i));
    } catch (e) {
      for (const m of made) m.tables.destroy();
      throw e;
    }
    this.contexts.push(...made);
  }

  private matches(m: ShadowMmu, k: Stage2Key): boolean {
    if (!m.valid) return false;
    if (!k.vm) return m.byVmid && m.vmid === k.vmid;
    return !m.byVmid && m.vttbrLo === (k.vttbrLo & ~1) && m.vttbrHi === k.vttbrHi && m.vtcr === k.vtcr;
  }

  /** Finds or makes the context for `k` and takes a reference on it. */
  get(k: Stage2Key): LookupResult {
    for (const m of this.contexts) {
      if (this.matches(m, k)) {
        m.refs++;
        return { mmu: m, outcome: ShadowOutcome.HIT };
      }
    }
    let m = this.contexts.find((c) => !c.valid);
    let outcome = ShadowOutcome.MISS;
    let victim: LookupResult['victim'];
    if (!m) {
      const n = this.contexts.length;
      for (let i = 0; i < n && !m; i++) {
        const c = this.contexts[(this.next + i) % n]!;
        if (c.refs === 0) {
          m = c;
          this.next = (c.index + 1) % n;
        }
      }
      if (!m) throw new Error('internal error: every shadow stage-2 context is in use');
      outcome = ShadowOutcome.RECYCLE;
      victim = { vmid: m.vmid, vttbrLo: m.vttbrLo, vttbrHi: m.vttbrHi };
      this.empty(m);
    }
    m.valid = true;
    m.byVmid = !k.vm;
    m.vmid = k.vmid;
    m.vttbrLo = k.vm ? k.vttbrLo & ~1 : 0;
    m.vttbrHi = k.vm ? k.vttbrHi : 0;
    m.vtcr = k.vm ? k.vtcr : 0;
    m.refs++;
    return victim ? { mmu: m, outcome, victim } : { mmu: m, outcome };
  }

  /** Drops a reference (the guest stopped running on it). */
  put(m: ShadowMmu): void {
    if (m.refs <= 0) throw new Error(`internal error: shadow stage-2 context ${m.index} released more often than taken`);
    m.refs--;
  }

  /** Unmaps and forgets a context's translations. */
  empty(m: ShadowMmu): void {
    m.tables.clear();
    this.flushVmid(m.physVmid);
    m.valid = false;
  }

  /** Contexts shadowing a stage 2 with VMID `vmid` (the guest hypervisor's TLBIs name VMIDs). */
  withVmid(vmid: number): ShadowMmu[] {
    return this.contexts.filter((m) => m.valid && m.vmid === vmid);
  }

  /** Every context in use or not: a machine reset. */
  reset(): void {
    for (const m of this.contexts) {
      m.tables.clear();
      m.valid = false;
      m.refs = 0;
    }
    this.next = 0;
  }
}
