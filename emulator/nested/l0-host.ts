/**
 * The L0 host: the software that owns the real EL2 in nested mode, shaped
 * after KVM/arm64's NV code. The guest hypervisor (L1) runs at EL1 with
 * HCR_EL2.NV and believes it is at EL2; its guests (L2) run at EL1/EL0
 * under the shadow of its stage 2. Every exception the PE takes to EL2
 * lands here (Cpu.el2Host): the host saves the context that ran, decides,
 * and enters the next context with an exception return.
 *
 * The virtual PE (VirtualEl2) is the architectural truth while the host
 * works: its PSTATE and PC are where the vCPU is as L1 sees it, its
 * registers are the virtual EL2 file with the L2 EL1 registers.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { allSysregs, findSysreg } from '../arch/sysreg-db.js';
import type { Cpu, El2Host } from '../cpu/cpu.js';
import { HCR_E2H_HI, HCR_HCD, HCR_PTW, HCR_RW, HCR_TGE, HCR_VM } from '../cpu/sysreg-bits.js';
import { HOOK_WATCH } from '../cpu/sysreg-hooks.js';
import { exceptionReturn, loadSp, saveSp, takeException } from '../cpu/exceptions.js';
import type { CpuIdentity } from '../cpu/identity.js';
import { hex64 } from '../cpu/u64.js';
import type { EventBus, NvEvent } from '../events.js';
import { faultStatus } from '../arch/esr-decode.js';
import { FaultKind, Fault } from '../mmu/fault.js';
import { S2_R, S2_W, S2_X0, S2_X1 } from '../mmu/permissions.js';
import { TlbKind } from '../mmu/tlb.js';
import { executeTlbi } from '../mmu/tlbi.js';
import { EmulationStop, type PhysicalBus } from '../platform/bus.js';
import { Ram } from '../platform/ram.js';
import type { CompiledTraps } from '../traps/compiler.js';
import { CANONICAL_VMID, CanonicalStage2 } from './canonical-s2.js';
import { describeExit } from './exit-describe.js';
import { FaultClass, ISS_S1PTW, ISS_WNR, faultClass, faultIpa, sysregIsRead, sysregKeyOfIss, sysregRtOfIss } from './exit-syndrome.js';
import { HostMemory } from './host-memory.js';
import { ShadowOutcome, type ShadowMmu, ShadowPool } from './shadow-s2.js';
import { levelSize } from './stage2-tables.js';
import { type VirtualException, VirtualEl2, setPstate } from './virtual-el2.js';
import { FINE_GRAINED, configureGuest, configureHyp, loadGuest, loadHyp, saveGuest, saveHyp, vhe } from './world-switch.js';

const TWO32 = 4294967296;

/** Counts the host keeps for `--stats`. */
export class HostStats {
  /** Exits by exception class name and context. */
  readonly exits = new Map<string, number>();
  /** Forwarded traps by deciding table entry (file:line via) or reason. */
  readonly forwards = new Map<string, number>();
  /** Traps handled by the host by reason. */
  readonly locals = new Map<string, number>();
  injections = 0;
  /** Exception returns of the guest hypervisor (trapped ERETs). */
  erets = 0;
  /** Entries into an L2 guest and returns to the guest hypervisor. */
  worldSwitches = 0;
  readonly mmuSwitches = { hit: 0, miss: 0, recycle: 0 };
  readonly s2Faults = { canonical: 0, shadowMapped: 0, forwarded: 0 };
  tlbis = 0;

  static bump(m: Map<string, number>, k: string): void {
    m.set(k, (m.get(k) ?? 0) + 1);
  }
}

type Context = 'hyp' | 'guest';

/** Fine-grained trap registers with every bit at its no-trap value (names starting with 'n' trap when 0). */
function noTrapValue(slot: SR): [number, number] {
  const name = SR[slot];
  const reg = name ? findSysreg(name)?.register : undefined;
  let lo = 0;
  let hi = 0;
  for (const layout of reg?.layouts ?? []) {
    for (const f of layout.fields) {
      if (f.msb !== f.lsb || !/^n[A-Z]/.test(f.name)) continue;
      if (f.lsb < 32) lo |= 1 << f.lsb;
      else hi |= 1 << (f.lsb - 32);
    }
  }
  return [lo, hi];
}

/** Registers with a VNCR_EL2 page offset that have storage here: [offset, slot] pairs. */
let vncrLayout: Int32Array | undefined;
function vncrRegisters(): Int32Array {
  if (!vncrLayout) {
    const slots = SR as unknown as Record<string, number>;
    const pairs: number[] = [];
    for (const r of allSysregs()) if (r.vncr !== undefined && slots[r.name] !== undefined) pairs.push(r.vncr, slots[r.name]!);
    vncrLayout = Int32Array.from(pairs);
  }
  return vncrLayout;
}

/** The EL2 controls the host clears to execute an access on the guest's behalf. */
const LOCAL_CONTROLS: readonly SR[] = [SR.HCR_EL2, SR.CPTR_EL2, SR.MDCR_EL2, SR.HSTR_EL2, SR.CNTHCTL_EL2, SR.HCRX_EL2, ...FINE_GRAINED];

export class L0Host implements El2Host {
  readonly vpe: VirtualEl2;
  readonly stats = new HostStats();
  readonly memory = new HostMemory();
  canonical!: CanonicalStage2;
  pool!: ShadowPool;
  /** Where the vCPU runs: the guest hypervisor's context or its guest's. */
  context: Context = 'hyp';
  /** The shadow stage 2 loaded while the guest context runs. */
  current: ShadowMmu | null = null;
  private readonly ipaBits: number;
  private readonly paBits: number;
  private lastEl1Exceptions = 0;
  private readonly fault = new Fault();
  private readonly noTrap = new Map<SR, [number, number]>();
  /** Consecutive resolutions of the same stage-2 fault: a fault that keeps coming back is a host bug, not a guest loop. */
  private repeat = { ipa: -1, icount: -1, count: 0 };
  /** An ERET of the guest hypervisor happened in this exit (the local exclusive monitor is cleared). */
  private virtualEret = false;
  /**
   * FEAT_NV2: while the guest hypervisor runs, the registers with VNCR_EL2
   * offsets live in this host page (its accesses to them are loads and
   * stores, not traps); `vncrSnap` is what the host put there on entry.
   */
  readonly nv2: boolean;
  private vncrPage = 0;
  private vncrDv: DataView = new DataView(new ArrayBuffer(8));
  private vncrBase = 0;
  private readonly vncr = vncrRegisters();
  private readonly vncrSnap: Int32Array;

  constructor(
    private readonly cpu: Cpu,
    bus: PhysicalBus,
    identity: CpuIdentity,
    /** The compiled trap table: which of a guest's traps go to the guest hypervisor. */
    readonly traps: CompiledTraps,
    private readonly events: EventBus,
    /** Use FEAT_NV2 when the PE has it (default); false makes every EL2 register access trap. */
    useNv2 = true,
  ) {
    this.nv2 = useNv2 && identity.features.has('FEAT_NV2');
    this.vncrSnap = new Int32Array(this.vncr.length);
    if (identity.paBits < 40) throw new Error(`nested mode needs a PA size of at least 40 bits for the L0 host's memory (the CPU profile has ${identity.paBits})`);
    this.paBits = identity.paBits;
    // The host's stage 2s cover the PA space: past 48 bits in the LPA2 format.
    this.ipaBits = identity.features.has('FEAT_LPA2') ? identity.paBits : Math.min(identity.paBits, 48);
    this.vpe = new VirtualEl2(bus, identity, events);
    this.vpe.pe.onTlbi = (name, args) => this.guestHypervisorTlbi(name, args);
    bus.hostRam = this.memory.ram;
    for (const s of FINE_GRAINED) this.noTrap.set(s, noTrapValue(s));
    this.rebuild();
  }

  private rebuild(): void {
    this.memory.reset();
    this.canonical = new CanonicalStage2(this.memory, this.ipaBits);
    this.pool = new ShadowPool(this.memory, this.ipaBits, (vmid) => this.flushPhysVmid(vmid));
    this.pool.grow(1);
    this.current = null;
    this.vncrPage = this.memory.allocPage();
    this.vncrDv = this.memory.ram.chunk(this.vncrPage).dv;
    this.vncrBase = Ram.offset(this.vncrPage);
  }

  /**
   * Starts the guest hypervisor at virtual EL2h at (lo, hi), as the machine
   * starts an image in direct mode; `mapRam` is the RAM range the canonical
   * stage 2 maps up front (the rest fills on demand).
   */
  boot(lo: number, hi: number, ramBase: number, ramSize: number): void {
    const cpu = this.cpu;
    this.rebuild();
    this.vpe.reset(lo, hi);
    for (let a = 0; a < ramBase + ramSize; a += levelSize(1)) this.canonical.fault(a);
    this.context = 'hyp';
    this.lastEl1Exceptions = cpu.el1Exceptions;
    this.repeat = { ipa: -1, icount: -1, count: 0 };
    // The PE starts at EL2 like the host after its own boot; enter the guest hypervisor.
    cpu.el = 2;
    this.enter();
  }

  // ---- exits ------------------------------------------------------------------------------

  exit(cpu: Cpu): void {
    const p = cpu.sr;
    const v = this.vpe.regs;
    const esr = p.lo[SR.ESR_EL2]! >>> 0;
    const spsr = p.lo[SR.SPSR_EL2]!;
    const elrLo = p.lo[SR.ELR_EL2]!;
    const elrHi = p.hi[SR.ELR_EL2]!;
    const ec = esr >>> 26;
    const fromEl = (spsr >>> 2) & 3;
    const from = this.context;
    const excl = cpu.exclValid;
    this.virtualEret = false;
    // Save the context that ran; from here the virtual PE holds the vCPU.
    if (from === 'hyp') {
      saveHyp(cpu, v, cpu.el1Exceptions !== this.lastEl1Exceptions, this.nv2);
      if (this.nv2) this.saveVncr();
    } else {
      saveGuest(cpu, v);
      this.pool.put(this.current!);
      this.current = null;
    }
    const pe = this.vpe.pe;
    this.vpe.setClock(cpu.instructionCount());
    setPstate(pe, spsr, from === 'hyp' && fromEl === 1 ? 2 : fromEl);
    pe.pcLo = elrLo;
    pe.pcHi = elrHi;
    const key = from + ':' + ec.toString(16);
    HostStats.bump(this.stats.exits, key);
    this.events.lazy(() => ({
      type: 'trap',
      icount: cpu.instructionCount(),
      vcpu: 0,
      pc: '0x' + hex64(elrLo, elrHi),
      el: pe.el,
      context: from,
      ec,
      esr: '0x' + esr.toString(16).padStart(8, '0'),
      what: describeExit(esr, ec === 0x20 || ec === 0x24 ? faultIpa(p.lo[SR.HPFAR_EL2]!, p.hi[SR.HPFAR_EL2]!, p.lo[SR.FAR_EL2]!) : undefined),
    }));
    if (from === 'hyp') this.hypExit(esr, ec);
    else this.guestExit(esr, ec, fromEl);
    this.enter();
    if (!this.virtualEret) cpu.exclValid = excl;
  }

  /** The guest hypervisor trapped: emulate what it did at virtual EL2. */
  private hypExit(esr: number, ec: number): void {
    const cpu = this.cpu;
    const pe = this.vpe.pe;
    const iss = esr & 0x1ffffff;
    switch (ec) {
      case 0x18: {
        const vx = this.vpe.systemAccess(sysregKeyOfIss(iss), sysregRtOfIss(iss), sysregIsRead(iss), cpu.xlo, cpu.xhi, cpu.instructionCount());
        if (vx) this.deliver(vx);
        else this.advance(4);
        return;
      }
      case 0x1a:
        this.virtualEret = true;
        this.stats.erets++;
        this.vpe.exceptionReturn();
        return;
      case 0x16: {
        // An HVC at virtual EL2 is taken at virtual EL2, unless HCR_EL2.HCD makes it UNDEFINED.
        if (this.vpe.regs.lo[SR.HCR_EL2]! & HCR_HCD) {
          this.retreat(4);
          this.injectEsr(0x2000000, pe.pcLo, pe.pcHi, false, 0, 0);
        } else this.injectEsr(esr, pe.pcLo, pe.pcHi, false, 0, 0);
        return;
      }
      case 0x20:
      case 0x24: {
        const p = cpu.sr;
        const ipa = faultIpa(p.lo[SR.HPFAR_EL2]!, p.hi[SR.HPFAR_EL2]!, p.lo[SR.FAR_EL2]!);
        const write = ec === 0x24 && (iss & ISS_WNR) !== 0 && (iss & ISS_S1PTW) === 0;
        const access = ec === 0x20 ? 'fetch' : write ? 'write' : 'read';
        if (faultClass(iss & 0x3f) === FaultClass.TRANSLATION && this.canonical.fault(ipa)) {
          this.stats.s2Faults.canonical++;
          this.checkRepeat(ipa);
          this.s2Event('canonical', ipa, access, 'mapped', iss, ipa);
          return;
        }
        this.s2Event('canonical', ipa, access, 'unmodelled', iss, ipa);
        if (ipa < cpu.bus.paLimit) cpu.bus.unmodelledAccess(ipa, write);
        throw new EmulationStop(`the guest hypervisor accessed IPA 0x${ipa.toString(16)}, beyond the L0 host's ${this.ipaBits}-bit stage 2`, 'unimplemented');
      }
      default:
        throw new EmulationStop(
          `internal error: the L0 host does not expect an exit with ESR_EL2 0x${esr.toString(16)} (${describeExit(esr)}) from the guest hypervisor at 0x${hex64(pe.pcLo, pe.pcHi)}`,
          'internal',
        );
    }
  }

  /** A guest of the guest hypervisor trapped: forward it, or handle it here. */
  private guestExit(esr: number, ec: number, fromEl: number): void {
    const cpu = this.cpu;
    const pe = this.vpe.pe;
    const v = this.vpe.regs;
    const iss = esr & 0x1ffffff;
    if (ec === 0x18) {
      const key = sysregKeyOfIss(iss);
      const isRead = sysregIsRead(iss);
      const entry = this.traps.decide(key, isRead, false, v);
      if (entry >= 0) {
        const e = this.traps.entries[entry]!;
        const label = `${e.file}:${e.line}`;
        const via = e.kind === 'finetrap' ? e.via : (this.traps.lastControlName() ?? e.via);
        HostStats.bump(this.stats.forwards, `${label} ${via}`);
        this.events.lazy(() => ({ type: 'forward', icount: cpu.instructionCount(), vcpu: 0, pc: '0x' + hex64(pe.pcLo, pe.pcHi), ec: esr >>> 26, what: describeExit(esr), entry: label, via }));
        this.forward(esr);
        return;
      }
      const vx = this.emulateLocally(key, sysregRtOfIss(iss), isRead);
      if (vx && vx.el === 2) {
        // Not one of the trap controls the table covers: HCR_EL2.TGE routes the guest's EL1 exception to EL2.
        HostStats.bump(this.stats.forwards, 'HCR_EL2.TGE');
        this.events.lazy(() => ({ type: 'forward', icount: cpu.instructionCount(), vcpu: 0, pc: '0x' + hex64(pe.pcLo, pe.pcHi), ec: esr >>> 26, what: describeExit(esr), via: 'HCR_EL2.TGE' }));
        this.deliver(vx);
        return;
      }
      HostStats.bump(this.stats.locals, 'not forwarded by the trap table');
      this.events.lazy(() => ({ type: 'local', icount: cpu.instructionCount(), vcpu: 0, pc: '0x' + hex64(pe.pcLo, pe.pcHi), ec: esr >>> 26, what: describeExit(esr), reason: "no trap-table entry forwards it under the guest hypervisor's controls" }));
      if (vx) this.deliver(vx);
      else this.advance(4);
      return;
    }
    if ((ec === 0x20 || ec === 0x24) && cpu.mmu.fault.stage2) {
      this.shadowFault(esr, ec, fromEl);
      return;
    }
    const reason = forwardReason(ec, v);
    HostStats.bump(this.stats.forwards, reason);
    this.events.lazy(() => ({ type: 'forward', icount: cpu.instructionCount(), vcpu: 0, pc: '0x' + hex64(pe.pcLo, pe.pcHi), ec: esr >>> 26, what: describeExit(esr), via: reason }));
    this.forward(esr);
  }

  /** Hands the guest's exception to virtual EL2 as the PE took it (ESR, FAR, HPFAR as recorded). */
  private forward(esr: number): void {
    const p = this.cpu.sr;
    const v = this.vpe.regs;
    const ec = esr >>> 26;
    const abort = ec === 0x20 || ec === 0x24 || ec === 0x22 || ec === 0x26;
    if (ec === 0x20 || ec === 0x24) {
      v.lo[SR.HPFAR_EL2] = p.lo[SR.HPFAR_EL2]!;
      v.hi[SR.HPFAR_EL2] = p.hi[SR.HPFAR_EL2]!;
    }
    const pe = this.vpe.pe;
    this.injectEsr(esr, pe.pcLo, pe.pcHi, abort, p.lo[SR.FAR_EL2]!, p.hi[SR.FAR_EL2]!);
  }

  /** Takes an exception to virtual EL2 from the virtual PSTATE, returning to (retLo, retHi). */
  private injectEsr(esr: number, retLo: number, retHi: number, farValid: boolean, farLo: number, farHi: number): void {
    const pe = this.vpe.pe;
    const fromEl = pe.el;
    this.vpe.takeException(esr, retLo, retHi, farValid, farLo, farHi);
    this.stats.injections++;
    const v = this.vpe.regs;
    this.events.lazy(() => {
      const ec = esr >>> 26;
      const e: Extract<NvEvent, { type: 'inject' }> = {
        type: 'inject',
        icount: this.cpu.instructionCount(),
        vcpu: 0,
        fromEl,
        ec,
        esr: '0x' + (esr >>> 0).toString(16).padStart(8, '0'),
        elr: '0x' + hex64(retLo, retHi),
        vector: '0x' + hex64(pe.pcLo, pe.pcHi),
      };
      if (farValid) e.far = '0x' + hex64(farLo, farHi);
      if (ec === 0x20 || ec === 0x24) e.hpfar = '0x' + hex64(v.lo[SR.HPFAR_EL2]!, v.hi[SR.HPFAR_EL2]!);
      return e;
    });
  }

  /** Delivers an exception the virtual PE raised while emulating an instruction at its PC. */
  private deliver(vx: VirtualException): void {
    const pe = this.vpe.pe;
    const s = (pe.pcLo >>> 0) + vx.retOffset;
    const retLo = s | 0;
    const retHi = (pe.pcHi + (s >= TWO32 ? 1 : 0)) | 0;
    if (vx.el === 2) {
      this.injectEsr(vx.syndrome, retLo, retHi, vx.farValid, vx.farLo, vx.farHi);
      return;
    }
    // An exception the guest takes to its own EL1 (an UNDEFINED access the host emulated).
    loadSp(pe);
    takeException(pe, vx.el, vx.syndrome, retLo, retHi, vx.farValid, vx.farLo, vx.farHi);
    saveSp(pe);
  }

  private advance(bytes: number): void {
    const pe = this.vpe.pe;
    const s = (pe.pcLo >>> 0) + bytes;
    pe.pcLo = s | 0;
    if (s >= TWO32) pe.pcHi = (pe.pcHi + 1) | 0;
  }

  private retreat(bytes: number): void {
    const pe = this.vpe.pe;
    const s = (pe.pcLo >>> 0) - bytes;
    pe.pcLo = s | 0;
    if (s < 0) pe.pcHi = (pe.pcHi - 1) | 0;
  }

  /**
   * Executes a guest's trapped access as the hardware would with none of
   * the guest hypervisor's controls set: what a host that does not forward
   * it makes the guest see.
   */
  private emulateLocally(key: number, rt: number, isRead: boolean): VirtualException | null {
    const v = this.vpe.regs;
    const savedLo = LOCAL_CONTROLS.map((s) => v.lo[s]!);
    const savedHi = LOCAL_CONTROLS.map((s) => v.hi[s]!);
    const e2h = vhe(v);
    // TGE stays: it routes rather than traps, and a guest at EL0 under it belongs to the guest hypervisor.
    v.lo[SR.HCR_EL2] = HCR_VM | HCR_RW | (savedLo[0]! & HCR_TGE);
    v.hi[SR.HCR_EL2] = e2h ? HCR_E2H_HI : 0;
    v.lo[SR.CPTR_EL2] = e2h ? (3 << 20) | (3 << 16) | (3 << 24) : 0;
    v.hi[SR.CPTR_EL2] = 0;
    v.lo[SR.CNTHCTL_EL2] = e2h ? 0xf03 : 3;
    for (const s of [SR.MDCR_EL2, SR.HSTR_EL2, SR.HCRX_EL2]) v.lo[s] = v.hi[s] = 0;
    for (const s of FINE_GRAINED) [v.lo[s], v.hi[s]] = this.noTrap.get(s)!;
    try {
      return this.vpe.systemAccess(key, rt, isRead, this.cpu.xlo, this.cpu.xhi, this.cpu.instructionCount());
    } finally {
      LOCAL_CONTROLS.forEach((s, i) => {
        v.lo[s] = savedLo[i]!;
        v.hi[s] = savedHi[i]!;
      });
    }
  }

  // ---- stage 2 ----------------------------------------------------------------------------

  /** The guest hypervisor's VMID for its guests (VTTBR_EL2.VMID, 8 bits unless VTCR_EL2.VS). */
  private guestVmid(): number {
    const v = this.vpe.regs;
    const vmid = (v.hi[SR.VTTBR_EL2]! >>> 16) & 0xffff;
    return v.lo[SR.VTCR_EL2]! & (1 << 19) ? vmid : vmid & 0xff;
  }

  /**
   * What the guest hypervisor's stage 2 says about `ipa` for `access`: the
   * output and attributes, or the fault it would take (null when it maps).
   */
  private l1Stage2(ipa: number, access: 'read' | 'write' | 'fetch', el0: boolean): { pa: number; size: number; perm: number; attr: number; sh: number } | { fault: Fault } {
    const v = this.vpe.regs;
    if (!(v.lo[SR.HCR_EL2]! & HCR_VM)) return { pa: ipa - (ipa % levelSize(1)), size: levelSize(1), perm: S2_R | S2_W | S2_X0 | S2_X1, attr: 0b1111, sh: 3 };
    const mmu = this.vpe.pe.mmu;
    mmu.invalidateParams();
    const f = this.fault;
    f.kind = FaultKind.NONE;
    const e = mmu.walkStage2(ipa, f);
    if (!e) return { fault: f };
    const need = access === 'read' ? S2_R : access === 'write' ? S2_W : el0 ? S2_X0 : S2_X1;
    if ((e.perm & need) === 0 || (access === 'read' && v.lo[SR.HCR_EL2]! & HCR_PTW && e.s2device && this.pendingS1ptw)) {
      f.set(FaultKind.PERMISSION, e.s2level, true);
      f.ipa = ipa;
      return { fault: f };
    }
    return { pa: e.pa, size: 2 ** e.shift, perm: e.perm, attr: e.attr, sh: e.sh };
  }

  private pendingS1ptw = false;

  /** A stage-2 fault while a guest ran: fill the shadow from the guest hypervisor's stage 2, or forward its fault. */
  private shadowFault(esr: number, ec: number, fromEl: number): void {
    const cpu = this.cpu;
    const p = cpu.sr;
    const pe = this.vpe.pe;
    const iss = esr & 0x1ffffff;
    const ipa = faultIpa(p.lo[SR.HPFAR_EL2]!, p.hi[SR.HPFAR_EL2]!, p.lo[SR.FAR_EL2]!);
    const s1ptw = (iss & ISS_S1PTW) !== 0;
    const write = ec === 0x24 && (iss & ISS_WNR) !== 0 && !s1ptw;
    const access: 'read' | 'write' | 'fetch' = ec === 0x20 && !s1ptw ? 'fetch' : write ? 'write' : 'read';
    const cls = faultClass(iss & 0x3f);
    if (cls !== FaultClass.TRANSLATION && cls !== FaultClass.PERMISSION && cls !== FaultClass.ACCESS_FLAG && cls !== FaultClass.ADDRESS_SIZE) {
      // Alignment on stage-2 Device memory, external aborts: the guest hypervisor's own.
      this.stats.s2Faults.forwarded++;
      this.s2Event('shadow', ipa, access, 'forwarded', iss);
      this.forward(esr);
      return;
    }
    this.pendingS1ptw = s1ptw;
    const r = this.l1Stage2(ipa, access, fromEl === 0);
    if ('fault' in r) {
      const f = r.fault;
      const fsc = f.fsc();
      const vesr = ((esr & ~0x3f) | fsc) >>> 0;
      this.vpe.setHpfar(ipa);
      this.stats.s2Faults.forwarded++;
      this.s2Event('shadow', ipa, access, 'forwarded', iss, undefined, f);
      this.injectEsr(vesr, pe.pcLo, pe.pcHi, true, p.lo[SR.FAR_EL2]!, p.hi[SR.FAR_EL2]!);
      return;
    }
    const pa = r.pa + (ipa % r.size);
    if (ipa >= 2 ** this.ipaBits) throw new EmulationStop(`a guest of the guest hypervisor accessed IPA 0x${ipa.toString(16)}; the L0 host's shadow stage 2s cover ${this.ipaBits} bits`, 'unimplemented');
    if (!this.canonical.backs(pa)) {
      this.s2Event('shadow', ipa, access, 'unmodelled', iss, pa);
      if (pa < cpu.bus.paLimit) cpu.bus.unmodelledAccess(pa, write);
      throw new EmulationStop(`the guest hypervisor's stage 2 maps IPA 0x${ipa.toString(16)} of its guest to 0x${pa.toString(16)}, beyond the L0 host's ${this.ipaBits}-bit stage 2`, 'unimplemented');
    }
    this.install(this.shadowFor(), ipa, pa, r);
    this.stats.s2Faults.shadowMapped++;
    this.checkRepeat(ipa);
    this.s2Event('shadow', ipa, access, 'mapped', iss, pa);
  }

  /** An s2-fault event: the physical fault (from its ISS) or, when forwarded, the guest hypervisor's. */
  private s2Event(stage: 'canonical' | 'shadow', ipa: number, access: 'read' | 'write' | 'fetch', resolution: 'mapped' | 'forwarded' | 'unmodelled', iss: number, pa?: number, l1Fault?: Fault): void {
    const cpu = this.cpu;
    const pe = this.vpe.pe;
    this.events.lazy(() => {
      const fsc = iss & 0x3f;
      const phys = faultStatus(fsc, access === 'fetch' ? 'instruction' : 'data');
      const e: Extract<NvEvent, { type: 's2-fault' }> = {
        type: 's2-fault',
        icount: cpu.instructionCount(),
        pc: '0x' + hex64(pe.pcLo, pe.pcHi),
        va: '0x' + hex64(cpu.sr.lo[SR.FAR_EL2]!, cpu.sr.hi[SR.FAR_EL2]!),
        ipa: '0x' + ipa.toString(16).padStart(12, '0'),
        fault: (l1Fault ? faultStatus(l1Fault.fsc(), access === 'fetch' ? 'instruction' : 'data').name : phys.name) + (iss & ISS_S1PTW ? ', on the stage-1 walk' : ''),
        access,
        vcpu: 0,
        stage,
        level: l1Fault ? l1Fault.level : (phys.level ?? 0),
        resolution,
      };
      if (pa !== undefined) e.pa = '0x' + pa.toString(16);
      return e;
    });
  }

  /** The shadow context the guest will run on (looked up now: the exit put the last one). */
  private shadowFor(): ShadowMmu {
    const r = this.pool.get(this.stage2Key());
    this.pool.put(r.mmu);
    return r.mmu;
  }

  private stage2Key(): { vm: boolean; vttbrLo: number; vttbrHi: number; vtcr: number; vmid: number } {
    const v = this.vpe.regs;
    return { vm: (v.lo[SR.HCR_EL2]! & HCR_VM) !== 0, vttbrLo: v.lo[SR.VTTBR_EL2]!, vttbrHi: v.hi[SR.VTTBR_EL2]!, vtcr: v.lo[SR.VTCR_EL2]!, vmid: this.guestVmid() };
  }

  /**
   * A stage-2 fault the host resolved that comes straight back (the retried
   * instruction faults on the same IPA; each exception counts as one
   * instruction) is a host bug, not a guest loop: stop instead of spinning.
   */
  private checkRepeat(ipa: number): void {
    const now = this.cpu.instructionCount();
    const r = this.repeat;
    if (r.ipa === ipa && now - r.icount <= 1) {
      if (++r.count > 4) throw new EmulationStop(`internal error: the L0 host resolved the stage-2 fault on IPA 0x${ipa.toString(16)} ${r.count} times without progress`, 'internal');
    } else {
      r.ipa = ipa;
      r.count = 1;
    }
    r.icount = now;
  }

  /** The EL the guest hypervisor sees for a physical EL (its own code runs at EL1 in the hyp context). */
  guestEl(physEl: number): number {
    return this.context === 'hyp' && physEl === 1 ? 2 : physEl;
  }

  fillStage2(_cpu: Cpu, ipa: number): boolean {
    if (this.context === 'hyp') return this.canonical.fault(ipa);
    if (this.current === null || ipa >= 2 ** this.ipaBits) return false;
    this.pendingS1ptw = false;
    const r = this.l1Stage2(ipa, 'read', false);
    if ('fault' in r) return false;
    const pa = r.pa + (ipa % r.size);
    if (!this.canonical.backs(pa)) return false;
    this.install(this.current, ipa, pa, r);
    return true;
  }

  /**
   * Maps `ipa` to `pa` in a shadow stage 2 with the guest hypervisor's
   * permissions and attributes, as the largest 4K-granule block inside its
   * leaf (the canonical stage 2 is the identity with Normal memory, so the
   * combination is the guest hypervisor's own).
   */
  private install(shadow: ShadowMmu, ipa: number, pa: number, r: { size: number; perm: number; attr: number; sh: number }): void {
    let level = 3;
    while (level > 1 && levelSize(level - 1) <= r.size) level--;
    const size = levelSize(level);
    const base = ipa - (ipa % size);
    const xn1 = (r.perm & S2_X1) === 0;
    const xn0 = (r.perm & S2_X0) === 0;
    // XN[1:0] with FEAT_XNX: 00 both execute, 01 EL0 only, 10 neither, 11 EL1 only.
    const xn = !xn1 && !xn0 ? 0 : xn1 && !xn0 ? 1 : xn1 && xn0 ? 2 : 3;
    const s2ap = ((r.perm & S2_R) !== 0 ? 1 : 0) | ((r.perm & S2_W) !== 0 ? 2 : 0);
    // Replacing an entry (a permission or access-flag fault, a finer mapping
    // merged into a block): drop what the TLB kept of it. A translation fault
    // left nothing there, and the TLB caches no faults.
    const replaced = shadow.tables.leavesWithin(base, size);
    shadow.tables.map(base, pa - (pa % size), level, { memAttr: r.attr, s2ap, sh: r.sh, xn });
    if (replaced) this.flushPhysRange(shadow.physVmid, base, size);
  }

  private flushPhysVmid(vmid: number): void {
    const tlb = this.cpu.mmu.tlb;
    tlb.invalidate(TlbKind.EL10, vmid);
    tlb.invalidate(TlbKind.S2, vmid);
    this.cpu.contextChanged();
  }

  private flushPhysRange(vmid: number, ipa: number, size: number): void {
    const tlb = this.cpu.mmu.tlb;
    const end = ipa + size;
    const overlaps = (e: { ipa: number; shift: number; vpn: number }, kindS2: boolean): boolean => {
      const start = kindS2 ? e.vpn * 2 ** e.shift : e.ipa;
      return start >= 0 && start < end && start + 2 ** e.shift > ipa;
    };
    tlb.invalidate(TlbKind.S2, vmid, (e) => overlaps(e, true));
    tlb.invalidate(TlbKind.EL10, vmid, (e) => overlaps(e, false));
    this.cpu.contextChanged();
  }

  // ---- the guest hypervisor's TLB maintenance -------------------------------------------

  /**
   * A TLBI the guest hypervisor executed (on the virtual PE, whose own TLB
   * is already updated): its regimes live elsewhere on the real PE. EL2 and
   * EL2&0 entries are the hyp context's, under the canonical VMID; EL1&0
   * entries of a VMID are those of every shadow context with that VMID; a
   * stage-2 invalidation unmaps the matching shadow ranges.
   */
  private guestHypervisorTlbi(name: string, args: readonly unknown[]): void {
    const cpu = this.cpu;
    const v = this.vpe.regs;
    const op = name.slice('AArch64_TLBI_'.length);
    const regime = String(args[1]);
    this.stats.tlbis++;
    if (regime !== 'Regime_EL10') {
      executeTlbi(cpu.mmu, v, name, args, { kind: TlbKind.EL10, vmid: CANONICAL_VMID });
      cpu.contextChanged();
      return;
    }
    if (op === 'ALL') {
      for (const m of this.pool.contexts) if (m.valid) this.pool.empty(m);
      return;
    }
    const targets = this.pool.withVmid(this.guestVmid());
    for (const m of targets) {
      switch (op) {
        case 'VMALLS12':
        case 'VMALLWS2':
          if (m.refs === 0) this.pool.empty(m);
          else {
            m.tables.clear();
            this.flushPhysVmid(m.physVmid);
          }
          break;
        case 'IPAS2':
        case 'RIPAS2': {
          const [start, end] = this.ipaRange(op, args[args.length - 1] as bigint);
          m.tables.unmap(start, end - start);
          cpu.mmu.tlb.invalidate(TlbKind.S2, m.physVmid, (e) => e.vpn * 2 ** e.shift < end && (e.vpn + 1) * 2 ** e.shift > start);
          cpu.contextChanged();
          break;
        }
        default:
          executeTlbi(cpu.mmu, v, name, args, { kind: TlbKind.EL10, vmid: m.physVmid });
          cpu.contextChanged();
      }
    }
  }

  /**
   * The IPA range a stage-2 TLBI covers, widened to whole leaves of the
   * guest hypervisor's stage 2 (the TTL level, or its largest block when
   * the operation gives no hint): shadow entries never span two leaves.
   */
  private ipaRange(op: string, xt: bigint): [number, number] {
    const v = this.vpe.regs;
    const tg0 = (v.lo[SR.VTCR_EL2]! >>> 14) & 3;
    const granule = tg0 === 0 ? 12 : tg0 === 2 ? 14 : 16;
    const ds = (v.hi[SR.VTCR_EL2]! & 1) !== 0;
    const maxBlock = granule === 12 ? (ds ? 39 : 30) : granule === 14 ? (ds ? 36 : 25) : 42;
    if (op === 'IPAS2') {
      const ipa = Number(xt & ((1n << 40n) - 1n)) * 4096;
      const ttl = Number((xt >> 44n) & 0xfn);
      const level = ttl & 3;
      const shift = ttl >>> 2 !== 0 && level !== 0 ? granule + (granule - 3) * (3 - level) : maxBlock;
      const size = 2 ** Math.max(shift, 12);
      const start = ipa - (ipa % size);
      return [start, start + size];
    }
    // RIPAS2: BaseADDR in units of the granule (64K with LPA2/16-bit units), NUM, SCALE.
    const tg = Number((xt >> 46n) & 3n);
    const g = tg === 1 ? 12 : tg === 2 ? 14 : 16;
    const unit = ds || g === 16 ? 16 : g;
    const base = Number(xt & ((1n << 37n) - 1n)) * 2 ** unit;
    const num = Number((xt >> 39n) & 31n);
    const scale = Number((xt >> 44n) & 3n);
    const len = (num + 1) * 2 ** (5 * scale + 1) * 2 ** g;
    const size = 2 ** maxBlock;
    return [base - (base % size), Math.ceil((base + len) / size) * size];
  }

  // ---- the VNCR_EL2 page ----------------------------------------------------------------

  private loadVncr(): void {
    const v = this.vpe.regs;
    const l = this.vncr;
    const snap = this.vncrSnap;
    const dv = this.vncrDv;
    for (let i = 0; i < l.length; i += 2) {
      const slot = l[i + 1]!;
      const o = this.vncrBase + l[i]!;
      const lo = v.lo[slot]!;
      const hi = v.hi[slot]!;
      dv.setInt32(o, lo, true);
      dv.setInt32(o + 4, hi, true);
      snap[i] = lo;
      snap[i + 1] = hi;
    }
  }

  /**
   * What the guest hypervisor stored in the page goes to the virtual file,
   * with the write masks an MSR would apply (the page itself holds what it
   * stored, as memory does). Entries it did not store stay as saved from the
   * PE: some of those registers are live in the PE while it runs.
   */
  private saveVncr(): void {
    const v = this.vpe.regs;
    const m = this.vpe.pe.srMask;
    const l = this.vncr;
    const snap = this.vncrSnap;
    const dv = this.vncrDv;
    for (let i = 0; i < l.length; i += 2) {
      const o = this.vncrBase + l[i]!;
      const lo = dv.getInt32(o, true);
      const hi = dv.getInt32(o + 4, true);
      if (lo === snap[i] && hi === snap[i + 1]) continue;
      const slot = l[i + 1]!;
      v.lo[slot] = (lo & m.keepLo[slot]!) | m.setLo[slot]!;
      v.hi[slot] = (hi & m.keepHi[slot]!) | m.setHi[slot]!;
      // A store to the page is the guest hypervisor's MSR: a debugger watching the register sees it.
      if (this.vpe.pe.hooked[slot]! & HOOK_WATCH) this.vpe.pe.watchHook?.(slot);
    }
  }

  // ---- entry ------------------------------------------------------------------------------

  /** Enters the context the virtual PE is in, by an exception return from EL2. */
  private enter(): void {
    const cpu = this.cpu;
    const pe = this.vpe.pe;
    const v = this.vpe.regs;
    const hostEl0 = pe.el === 0 && vhe(v) && (v.lo[SR.HCR_EL2]! & HCR_TGE) !== 0;
    const next: Context = pe.el === 2 || hostEl0 ? 'hyp' : 'guest';
    if (next !== this.context) this.stats.worldSwitches++;
    if (next === 'hyp') {
      loadHyp(cpu, v);
      configureHyp(cpu, v, this.canonical.vttbr(), this.canonical.vtcr(this.paBits), this.nv2 ? this.vncrPage : null);
      if (this.nv2) this.loadVncr();
    } else {
      const r = this.pool.get(this.stage2Key());
      this.current = r.mmu;
      const m = r.mmu;
      if (r.outcome === ShadowOutcome.HIT) this.stats.mmuSwitches.hit++;
      else if (r.outcome === ShadowOutcome.MISS) this.stats.mmuSwitches.miss++;
      else this.stats.mmuSwitches.recycle++;
      this.events.lazy(() => {
        const e: Extract<NvEvent, { type: 'mmu-switch' }> = {
          type: 'mmu-switch',
          icount: cpu.instructionCount(),
          vcpu: 0,
          outcome: r.outcome === ShadowOutcome.HIT ? 'hit' : r.outcome === ShadowOutcome.MISS ? 'miss' : 'recycle',
          context: m.index,
          vmid: m.vmid,
          vttbr: '0x' + hex64(m.vttbrLo, m.vttbrHi),
        };
        if (r.victim) e.victim = `VMID ${r.victim.vmid}, VTTBR 0x${hex64(r.victim.vttbrLo, r.victim.vttbrHi)}`;
        return e;
      });
      loadGuest(cpu, v);
      configureGuest(cpu, v, m.tables.vttbr(m.physVmid), [m.tables.vtcr(this.paBits), m.tables.vtcrHi()]);
    }
    this.context = next;
    // The return from EL2 into the vCPU's state; a virtual EL2 runs at EL1.
    const spsr = this.vpe.pstate();
    const el = pe.el === 2 ? 1 : pe.el;
    cpu.sr.lo[SR.SPSR_EL2] = (spsr & ~0xc) | (el << 2);
    cpu.sr.hi[SR.SPSR_EL2] = 0;
    cpu.sr.lo[SR.ELR_EL2] = pe.pcLo;
    cpu.sr.hi[SR.ELR_EL2] = pe.pcHi;
    cpu.contextChanged();
    exceptionReturn(cpu);
    this.lastEl1Exceptions = cpu.el1Exceptions;
  }
}

/** Why a guest's exception other than a system-register trap goes to the guest hypervisor: the control of its that routed it. */
function forwardReason(ec: number, v: { readonly lo: Int32Array; readonly hi: Int32Array }): string {
  switch (ec) {
    case 0x16:
      return 'HVC from a guest always goes to the guest hypervisor';
    case 0x17:
      return 'HCR_EL2.TSC';
    case 0x01:
      return 'HCR_EL2.TWI/TWE';
    case 0x1a:
      return 'HFGITR_EL2.ERET';
    case 0x15:
      return 'HFGITR_EL2.SVC_EL1/SVC_EL0';
    case 0x07:
      return 'CPTR_EL2';
    case 0x30:
    case 0x32:
    case 0x34:
    case 0x38:
    case 0x3c:
      return 'MDCR_EL2.TDE';
    default:
      return v.lo[SR.HCR_EL2]! & HCR_TGE ? 'HCR_EL2.TGE' : `EC 0x${ec.toString(16)} taken to EL2`;
  }
}
