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
      type: 's2-fault';
      icount: number;
      pc: string;
      /** The VA being accessed (the PC for an instruction fetch). */
      va: string;
      ipa: string;
      fault: string;
      access: 'read' | 'write' | 'fetch';
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
  | { type: 'stop'; icount: number; reason: string; status?: number };

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

  stop(c: EventClock, reason: string, status?: number): void {
    if (this.listeners.length === 0) return;
    const e: NvEvent = { type: 'stop', icount: c.instructionCount(), reason };
    if (status !== undefined) e.status = status;
    this.emit(e);
  }
}
