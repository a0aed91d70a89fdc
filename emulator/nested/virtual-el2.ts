/**
 * The guest hypervisor's virtual EL2, as a second architectural PE: its
 * system registers are the virtual EL2 register file (with the EL1 registers
 * of the guests it runs), its PSTATE is the guest hypervisor's view of
 * PSTATE, and the L0 host makes it execute what the real PE trapped: the
 * same generated access rules, ERET and exception entry that run EL2 code in
 * direct mode, so an emulated EL2 access behaves as the architecture says,
 * RES0/RES1 bits and UNDEFINED cases included.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { Cpu, GUEST_EXCEPTION } from '../cpu/cpu.js';
import { exceptionReturn, loadSp, saveSp, takeException } from '../cpu/exceptions.js';
import type { CpuIdentity } from '../cpu/identity.js';
import { packPstate } from '../cpu/pstate.js';
import { MRS_TABLE, MSR_TABLE, SYSL_TABLE, SYS_TABLE } from '../cpu/sysreg-dispatch.js';
import type { EventBus } from '../events.js';
import type { PhysicalBus } from '../platform/bus.js';

/** An exception the virtual PE takes instead of completing an operation. */
export interface VirtualException {
  readonly el: number;
  readonly syndrome: number;
  readonly retOffset: number;
  readonly farValid: boolean;
  readonly farLo: number;
  readonly farHi: number;
}

const noHooks = {
  semihosting(): void {
    throw new Error('internal error: semihosting call on the virtual EL2');
  },
  firmwareCall(): boolean {
    throw new Error('internal error: firmware call on the virtual EL2');
  },
};

/** Sets PSTATE from an SPSR value with PSTATE.EL = `el` (the SPSR's own M[3:2] is ignored). */
export function setPstate(pe: Cpu, spsr: number, el: number): void {
  pe.nzcv = (spsr >>> 28) & 0xf;
  pe.dit = (spsr >>> 24) & 1;
  pe.uao = (spsr >>> 23) & 1;
  pe.pan = (spsr >>> 22) & 1;
  pe.ss = (spsr >>> 21) & 1;
  pe.il = (spsr >>> 20) & 1;
  pe.ssbs = (spsr >>> 12) & 1;
  pe.btype = (spsr >>> 10) & 3;
  pe.daif = (spsr >>> 6) & 0xf;
  pe.el = el;
  pe.spsel = spsr & 1;
}

export class VirtualEl2 {
  readonly pe: Cpu;

  /**
   * `events`: the run's stream. What the virtual PE does is what the guest
   * hypervisor sees happen at EL2: exceptions taken to virtual EL2, its
   * ERETs and TLBIs appear there as in a direct run (stamped with the clock
   * the host sets before each operation).
   */
  constructor(bus: PhysicalBus, identity: CpuIdentity, events: EventBus) {
    this.pe = new Cpu(bus, identity, noHooks, events);
  }

  /** Stamps what the virtual PE reports with the run's instruction count. */
  setClock(icount: number): void {
    this.pe.icount = icount;
  }

  /** The virtual register file (SR slots, like the real PE's). */
  get regs(): { readonly lo: Int32Array; readonly hi: Int32Array } {
    return this.pe.sr;
  }

  /** Cold reset: the guest hypervisor starts at EL2h at (lo, hi), every register at its reset value. */
  reset(lo: number, hi: number): void {
    this.pe.reset(lo, hi);
  }

  /** PSTATE as an SPSR value (M[3:2] is the virtual EL). */
  pstate(): number {
    return packPstate(this.pe);
  }

  /**
   * Executes the MRS, MSR, SYS or SYSL with encoding `key` and register `rt`
   * at virtual EL2, reading and writing the general registers in `xlo`/`xhi`.
   * Returns null when it completed, or the exception it takes instead.
   */
  systemAccess(key: number, rt: number, isRead: boolean, xlo: Int32Array, xhi: Int32Array, clock: number): VirtualException | null {
    const pe = this.pe;
    const sysSpace = (key >>> 14) === 1;
    const table = sysSpace ? (isRead ? SYSL_TABLE : SYS_TABLE) : isRead ? MRS_TABLE : MSR_TABLE;
    for (let i = 0; i < 31; i++) {
      pe.xlo[i] = xlo[i]!;
      pe.xhi[i] = xhi[i]!;
    }
    pe.icount = clock;
    pe.sysKey = key;
    pe.sysRt = rt;
    pe.sysRead = isRead;
    loadSp(pe);
    try {
      const rule = table.fn[key];
      if (rule === undefined) pe.undefinedInstruction();
      else rule(pe, rt, table.index[key]!);
    } catch (e) {
      if (e !== GUEST_EXCEPTION) throw e;
      saveSp(pe);
      return pe.pendingException();
    }
    saveSp(pe);
    if (isRead && rt !== 31) {
      xlo[rt] = pe.xlo[rt]!;
      xhi[rt] = pe.xhi[rt]!;
    }
    return null;
  }

  /** ERET at virtual EL2 from ELR_EL2/SPSR_EL2, with the Arm ARM's illegal-return rules. */
  exceptionReturn(): void {
    loadSp(this.pe);
    exceptionReturn(this.pe);
    saveSp(this.pe);
  }

  /** Takes an exception to virtual EL2 from the virtual PSTATE, returning to (retLo, retHi). */
  takeException(syndrome: number, retLo: number, retHi: number, farValid: boolean, farLo: number, farHi: number): void {
    loadSp(this.pe);
    takeException(this.pe, 2, syndrome, retLo, retHi, farValid, farLo, farHi);
    saveSp(this.pe);
  }

  /** HPFAR_EL2 for a stage-2 fault on `ipa` (IPA[51:12] in bits [43:4]). */
  setHpfar(ipa: number): void {
    const page = Math.floor(ipa / 4096);
    this.pe.sr.lo[SR.HPFAR_EL2] = (page % 0x10000000) << 4;
    this.pe.sr.hi[SR.HPFAR_EL2] = Math.floor(page / 0x10000000);
  }
}
