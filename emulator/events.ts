import { hex64 } from './cpu/u64.js';

/**
 * The event stream: one typed record per architecturally interesting thing the
 * machine does. The CLI trace, and later the debugger and views, all read it.
 * Producers call the typed methods below; they build nothing unless someone
 * listens. `icount` is the number of instructions executed before the event,
 * which makes the stream deterministic.
 */
export type NvEvent =
  | {
      type: 'exception';
      icount: number;
      fromEl: number;
      toEl: number;
      ec: number;
      esr: string;
      elr: string;
      far?: string;
    }
  | { type: 'eret'; icount: number; fromEl: number; toEl: number; illegal: boolean; elr: string; spsr: string }
  | { type: 'psci'; icount: number; function: string; fid: string; result?: string }
  | { type: 'semihosting'; icount: number; op: string; opNumber: number }
  | { type: 'reset'; icount: number; cause: string }
  | {
      /**
       * A stage-2 fault. Direct mode: the image's own stage 2 faulted. Nested
       * mode (with vcpu): one the L0 host resolved, in its canonical stage 2
       * of the guest hypervisor or in the shadow stage 2 of a guest (walking
       * the guest hypervisor's stage 2).
       */
      type: 's2-fault';
      icount: number;
      pc: string;
      /** The VA being accessed (the PC for an instruction fetch). */
      va: string;
      ipa: string;
      /** The fault; when forwarded, the guest hypervisor's stage-2 fault. */
      fault: string;
      access: 'read' | 'write' | 'fetch';
      vcpu?: number;
      stage?: 'canonical' | 'shadow';
      /** Lookup level of the fault (forwarded faults: the guest hypervisor's walk). */
      level?: number;
      /** mapped: installed, the access is retried; forwarded: injected into vEL2; unmodelled: the run stops. */
      resolution?: 'mapped' | 'forwarded' | 'unmodelled';
      /** The machine PA now mapped (or the unmodelled one). */
      pa?: string;
    }
  | { type: 'tlbi'; icount: number; pc: string; op: string; regime: string; operand: string; removed: number }
  | {
      type: 'stale-tlb';
      icount: number;
      /** The instruction whose access used the stale entry. */
      pc: string;
      va: string;
      regime: string;
      /** The cached translation: output address and permissions. */
      cached: string;
      /** What the tables say now. */
      current: string;
      /** What changed the tables since the entry was cached, when known. */
      cause?: string;
    }
  | { type: 'stop'; icount: number; reason: string; status?: number }
  // ---- the nested L0 host (--mode nested): one vCPU, numbered 0 ----
  | {
      /** An exit to the L0 host: what the guest hypervisor (context 'hyp') or its guest ('guest') did. */
      type: 'trap';
      icount: number;
      vcpu: number;
      pc: string;
      /** The EL that trapped as the guest hypervisor sees it (2 for its own code). */
      el: number;
      context: 'hyp' | 'guest';
      ec: number;
      esr: string;
      what: string;
    }
  | {
      /** A guest's trap handed to the guest hypervisor; `entry` is the trap-table item that decided (file:line), `via` its control. */
      type: 'forward';
      icount: number;
      vcpu: number;
      pc: string;
      ec: number;
      what: string;
      entry?: string;
      via?: string;
    }
  | {
      /** A trap the L0 host handled itself; `reason` says why it was not forwarded. */
      type: 'local';
      icount: number;
      vcpu: number;
      pc: string;
      ec: number;
      what: string;
      reason: string;
    }
  | {
      /** An exception delivered to the guest hypervisor's virtual EL2. */
      type: 'inject';
      icount: number;
      vcpu: number;
      fromEl: number;
      ec: number;
      esr: string;
      elr: string;
      far?: string;
      hpfar?: string;
      vector: string;
    }
  | {
      /** A shadow stage-2 context loaded for a guest: found (hit), taken free (miss) or recycled from `victim`. */
      type: 'mmu-switch';
      icount: number;
      vcpu: number;
      outcome: 'hit' | 'miss' | 'recycle';
      context: number;
      vmid: number;
      vttbr: string;
      victim?: string;
    };

export type EventListener = (e: NvEvent) => void;

/** What producers need to know about the CPU to stamp an event. */
export interface EventClock {
  instructionCount(): number;
}

/** The PC of the instruction an event belongs to. */
export interface PcSource {
  readonly pcLo: number;
  readonly pcHi: number;
}

const hex32 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
const hex = (lo: number, hi: number): string => '0x' + hex64(lo, hi);

export class EventBus {
  private listeners: EventListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  subscribe(l: EventListener): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  emit(e: NvEvent): void {
    for (const l of this.listeners) l(e);
  }

  exception(
    c: EventClock,
    fromEl: number,
    toEl: number,
    syndrome: number,
    elrLo: number,
    elrHi: number,
    farValid: boolean,
    farLo: number,
    farHi: number,
  ): void {
    if (this.listeners.length === 0) return;
    const e: NvEvent = {
      type: 'exception',
      icount: c.instructionCount(),
      fromEl,
      toEl,
      ec: (syndrome >>> 26) & 0x3f,
      esr: hex32(syndrome),
      elr: hex(elrLo, elrHi),
    };
    if (farValid) e.far = hex(farLo, farHi);
    this.emit(e);
  }

  eret(c: EventClock, fromEl: number, toEl: number, illegal: boolean, elrLo: number, elrHi: number, spsr: number): void {
    if (this.listeners.length === 0) return;
    this.emit({ type: 'eret', icount: c.instructionCount(), fromEl, toEl, illegal, elr: hex(elrLo, elrHi), spsr: hex32(spsr) });
  }

  psci(c: EventClock, name: string, fid: number, result?: number): void {
    if (this.listeners.length === 0) return;
    const e: NvEvent = { type: 'psci', icount: c.instructionCount(), function: name, fid: hex32(fid) };
    if (result !== undefined) e.result = hex32(result);
    this.emit(e);
  }

  semihosting(c: EventClock, op: string, opNumber: number): void {
    if (this.listeners.length === 0) return;
    this.emit({ type: 'semihosting', icount: c.instructionCount(), op, opNumber });
  }

  stage2Fault(c: EventClock & PcSource, vaLo: number, vaHi: number, ipa: number, fault: string, fetch: boolean, write: boolean): void {
    if (this.listeners.length === 0) return;
    this.emit({
      type: 's2-fault',
      icount: c.instructionCount(),
      pc: hex(c.pcLo, c.pcHi),
      va: hex(vaLo, vaHi),
      ipa: '0x' + ipa.toString(16).padStart(12, '0'),
      fault,
      access: fetch ? 'fetch' : write ? 'write' : 'read',
    });
  }

  tlbi(c: EventClock & PcSource, op: string, regime: string, operand: bigint, removed: number): void {
    if (this.listeners.length === 0) return;
    this.emit({ type: 'tlbi', icount: c.instructionCount(), pc: hex(c.pcLo, c.pcHi), op, regime, operand: '0x' + operand.toString(16).padStart(16, '0'), removed });
  }

  staleTlb(c: EventClock & PcSource, va: string, regime: string, cached: string, current: string, cause: string | undefined): void {
    if (this.listeners.length === 0) return;
    const e: NvEvent = { type: 'stale-tlb', icount: c.instructionCount(), pc: hex(c.pcLo, c.pcHi), va, regime, cached, current };
    if (cause !== undefined) e.cause = cause;
    this.emit(e);
  }

  reset(c: EventClock, cause: string): void {
    if (this.listeners.length === 0) return;
    this.emit({ type: 'reset', icount: c.instructionCount(), cause });
  }

  /** Emits what `build` makes, building it only when someone listens (the nested host's events). */
  lazy(build: () => NvEvent): void {
    if (this.listeners.length === 0) return;
    this.emit(build());
  }

  stop(c: EventClock, reason: string, status?: number): void {
    if (this.listeners.length === 0) return;
    const e: NvEvent = { type: 'stop', icount: c.instructionCount(), reason };
    if (status !== undefined) e.status = status;
    this.emit(e);
  }
}
