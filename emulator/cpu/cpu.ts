import type { EventBus, EventClock } from '../events.js';
import type { PhysicalBus } from '../platform/bus.js';
import { addc32, addc64, condHolds, logicFlags } from './alu.js';
import { decodeInto } from './decode.js';
import { EC, esr } from './esr.js';
import {
  branchAddrHi,
  currentSctlr,
  defaultTargetEl,
  eretTrapsToEl2,
  svcTrapsToEl2,
  exceptionReturn,
  takeException,
  tge,
} from './exceptions.js';
import { execCold } from './exec-cold.js';
import type { CpuFeatures } from './features.js';
import { decoderFeatures, translationFeatures, type CpuIdentity } from './identity.js';
import { Mmu } from '../mmu/mmu.js';
import { loadStoreSyndrome } from './load-store-syndrome.js';
import type { StaleTlbTracker } from './stale-tlb-tracker.js';
import { DataTlb, TLB_MASK, busTableReader, load, refillFetch, store } from './memory-access.js';
import { Op } from './ops.js';
import { H, lsl64, lsr64, mul64, ror64, shift32, shift64 } from './pair.js';
import { REG_SLOTS, SP } from './regs.js';
import { HCR_HCD, HCR_TSC, SCTLR_SA, SCTLR_SA0 } from './sysreg-bits.js';
import { SR } from './sysreg-storage.js';
import { HOOK_WATCH, hookedSlots, writeMasksFor, type WriteMasks } from './sysreg-hooks.js';
import { resetSystemRegisters } from './sysreg-reset.js';
import type { MemoryWatches } from './memory-watch.js';

/** Thrown (never constructed per use) to unwind to the run loop when a synchronous exception is pending. */
export const GUEST_EXCEPTION: unique symbol = Symbol('guest-exception');
/** Thrown to unwind to the run loop when the machine must stop (exit, power-off, halt). */
export const STOP: unique symbol = Symbol('stop');

export type StopReason =
  | { kind: 'exit'; status: number; source: 'semihosting' | 'psci' }
  | { kind: 'reset' }
  | { kind: 'halted'; message: string }
  /** The PC reached an address breakpoint; the instruction there has not executed. */
  | { kind: 'breakpoint' }
  /** Something watching the run (an event listener, the debugger) asked it to stop after the current instruction. */
  | { kind: 'requested'; why: string };

/**
 * Software at EL2 modelled outside the guest (the nested L0 host): every
 * exception routed to EL2 is taken as usual (ESR_EL2, ELR_EL2, SPSR_EL2,
 * FAR_EL2, HPFAR_EL2 written) and then handed to `exit`, which must leave
 * the PE at EL1 or EL0, as an exception return from EL2 would. It may stop
 * the run with cpu.requestStop().
 */
export interface El2Host {
  exit(cpu: Cpu): void;
  /**
   * Makes stage 2 translate `ipa` if the host would on a fault (debug and
   * semihosting accesses, which take no exceptions); true when it now does.
   */
  fillStage2(cpu: Cpu, ipa: number): boolean;
  /** The EL software sees for a physical EL (events report exceptions in the guest's terms). */
  guestEl(physEl: number): number;
}

/** Stops taken at a fetch, before the instruction at the PC: it has not executed. */
function stopsBeforeInstruction(r: StopReason | null): boolean {
  return r !== null && (r.kind === 'breakpoint' || r.kind === 'requested');
}

/** Address breakpoints by VA page, for the fetch path. */
export class Breakpoints {
  /** VA page number (VA >> 12 as a safe integer) → sorted word offsets in the page. */
  private readonly pages = new Map<number, number[]>();
  /** A breakpoint the run starts on is stepped over once (continuing from it). */
  skipLo = -1;
  skipHi = -1;

  static page(lo: number, hi: number): number {
    return (hi >>> 0) * 1048576 + (lo >>> 12);
  }

  set(addresses: readonly (readonly [number, number])[]): void {
    this.pages.clear();
    for (const [lo, hi] of addresses) {
      const k = Breakpoints.page(lo, hi);
      const list = this.pages.get(k) ?? [];
      const w = (lo & 0xfff) >>> 2;
      if (!list.includes(w)) list.push(w);
      list.sort((a, b) => a - b);
      this.pages.set(k, list);
    }
  }

  get size(): number {
    let n = 0;
    for (const l of this.pages.values()) n += l.length;
    return n;
  }

  /** Sorted word offsets of the breakpoints in the PC's page, or null. */
  pageWords(lo: number, hi: number): readonly number[] | null {
    return this.pages.get(Breakpoints.page(lo, hi)) ?? null;
  }

  /** The first breakpoint word offset at or after the PC's in its page, or -1. */
  nextInPage(lo: number, hi: number): number {
    const list = this.pages.get(Breakpoints.page(lo, hi));
    if (!list) return -1;
    const w = (lo & 0xfff) >>> 2;
    for (const b of list) if (b >= w) return b;
    return -1;
  }
}

/** Services the platform provides to the CPU. */
export interface CpuHooks {
  /** HLT #0xF000 at EL1/EL2: an Arm semihosting call. */
  semihosting(cpu: Cpu): void;
  /** SMC that reaches firmware: returns true if handled (PSCI), false for UNDEFINED. */
  firmwareCall(cpu: Cpu): boolean;
}

const DC_BITS = 14;
const DC_SHIFT = 32 - DC_BITS;
const EMPTY_WORDS = new Int32Array(0);
const PAGE_MASK = -4096;

/**
 * One AArch64 PE (EL0-EL2, no EL3). Registers live in typed arrays as int32
 * halves; see regs.ts for the slot layout and ops.ts for the decode cache.
 */
export class Cpu implements EventClock {
  readonly xlo = new Int32Array(REG_SLOTS);
  readonly xhi = new Int32Array(REG_SLOTS);
  pcLo = 0;
  pcHi = 0;

  // PSTATE
  /** N, Z, C, V as bits 3..0 (SPSR bits 31..28), one field so a flag update is one store. */
  nzcv = 0;
  el = 2;
  spsel = 1;
  /** D, A, I, F as bits 3..0 (SPSR bits 9..6). */
  daif = 0xf;
  pan = 0;
  uao = 0;
  dit = 0;
  ssbs = 0;
  il = 0;
  ss = 0;
  btype = 0;

  eventRegister = 0;
  /** Local exclusive monitor. */
  exclValid = false;
  exclLo = 0;
  exclHi = 0;
  exclSize = 0;
  exclV0lo = 0;
  exclV0hi = 0;
  exclV1lo = 0;
  exclV1hi = 0;

  readonly sr = { lo: new Int32Array(SR.COUNT), hi: new Int32Array(SR.COUNT) };
  /** Writable-bit masks applied to every MSR (RES0/RES1, read-only fields). */
  readonly srMask: WriteMasks;
  /** Slots with read or write side effects (sysreg-hooks.ts). */
  readonly hooked: Uint8Array = hookedSlots();
  /** The MRS/MSR/SYS being executed, for the trap syndrome and encoding-dependent rules. */
  sysKey = 0;
  sysRt = 0;
  sysRead = false;

  readonly features: CpuFeatures;
  /** FEAT_* name -> implemented, for IsFeatureImplemented in the access rules. */
  readonly profileFlags: Readonly<Record<string, boolean>>;
  readonly profileImpDef: Readonly<Record<string, boolean>>;
  readonly profileParams: Readonly<Record<string, number>>;

  /** High halves returned by helpers (sysreg reads, 64-bit loads, ALU). */
  sysHi = 0;
  ldHi = 0;
  aluHi = 0;

  /** Address translation: stages 1 and 2, the architectural TLB. */
  readonly mmu: Mmu;
  /** Set when the stale-TLB checker is on: stores and control-register writes are tracked. */
  staleTracker: StaleTlbTracker | null = null;
  readonly rtlb = new DataTlb();
  readonly wtlb = new DataTlb();
  /** Watchpoints on physical memory (set with setMemoryWatches), or null. */
  memWatch: MemoryWatches | null = null;

  /** Sets the memory watchpoints; pages with one leave the data TLBs (see memory-watch.ts). */
  setMemoryWatches(w: MemoryWatches | null): void {
    this.memWatch = w;
    this.rtlb.flush();
    this.wtlb.flush();
  }
  /** Fetch window: words of the RAM chunk holding the current code page. */
  fmem: Int32Array = EMPTY_WORDS;
  fidx = 0;
  fstart = 0;
  fend = 0;

  /** Decode cache: direct-mapped by a hash of the instruction word, 8 int32 per entry. */
  readonly dc = new Int32Array((1 << DC_BITS) * 8);

  /** Instructions executed (including those that took an exception) before the current run() call. */
  icount = 0;
  private runBudget = 0;
  /** Budget left in the current run() call, refreshed before calls that read the clock. */
  runLeft = 0;

  stopReason: StopReason | null = null;
  /** Set in nested mode: the L0 host that owns EL2. */
  el2Host: El2Host | null = null;
  /**
   * Called for every TLBI this PE executes, after its own TLB is updated:
   * the L0 host's virtual EL2 passes a guest hypervisor's TLB maintenance on
   * to the physical TLB and the shadow stage 2s.
   */
  onTlbi: ((name: string, args: readonly unknown[]) => void) | null = null;
  /** Exceptions taken to EL1 so far: tells the L0 host that SPSR_EL1, ELR_EL1, ESR_EL1 and FAR_EL1 were written. */
  el1Exceptions = 0;
  /**
   * Address breakpoints (virtual addresses, any regime), or null. Checked
   * when the fetch window is refilled, which a window ending at the next
   * breakpoint in its page makes happen exactly there: no per-instruction cost.
   */
  breakpoints: Breakpoints | null = null;
  /**
   * The fetch window's page has breakpoints (their word offsets in `fbpWords`):
   * a branch within the page ends the window at the next one after its target.
   */
  fbp = false;
  fbpWords: readonly number[] = [];

  /** The fetch window's end for a branch to `fidx` in a page with breakpoints: the next breakpoint, where the refill stops. */
  windowEndFor(fidx: number, fstart: number): number {
    for (const w of this.fbpWords) if (fstart + w >= fidx) return fstart + w;
    return fstart + 1024;
  }
  /**
   * A stop asked for from outside the instruction being executed (an event
   * listener: the debugger's exception filters). Taken at the next fetch
   * window refill, an instruction boundary, so that nothing half done is
   * interrupted (an exit the L0 host is handling, a page walk).
   */
  pendingStop: string | null = null;

  /** Called after a write (MSR, or a rule's write) to a register whose writes are watched. */
  watchHook: ((slot: number) => void) | null = null;

  /** Watches writes to these register slots (the debugger's data breakpoints on system registers). */
  watchWrites(slots: Iterable<number>): void {
    for (let i = 0; i < this.hooked.length; i++) this.hooked[i]! &= ~HOOK_WATCH;
    for (const s of slots) this.hooked[s]! |= HOOK_WATCH;
  }

  /** The register slots whose writes are watched (see watchWrites). */
  watchedSlots(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.hooked.length; i++) if (this.hooked[i]! & HOOK_WATCH) out.push(i);
    return out;
  }

  /** Asks the run to stop at the next instruction boundary it can (see pendingStop). */
  stopSoon(why: string): void {
    this.pendingStop = why;
    this.fend = 0;
  }

  // Pending synchronous exception, set by raise()
  private pEl = 0;
  private pSyndrome = 0;
  private pRetOffset = 0;
  private pFarValid = false;
  private pFarLo = 0;
  private pFarHi = 0;
  /** The pending exception is a stage-2 data abort whose ISS needs the instruction syndrome. */
  pendingIss = false;

  constructor(
    readonly bus: PhysicalBus,
    readonly identity: CpuIdentity,
    readonly hooks: CpuHooks,
    readonly events: EventBus,
  ) {
    this.features = decoderFeatures(identity);
    this.mmu = new Mmu(this.sr, translationFeatures(identity), busTableReader(bus));
    this.srMask = writeMasksFor(identity);
    this.profileFlags = Object.fromEntries([...identity.features].map((f) => [f, true]));
    this.profileImpDef = identity.impdef;
    this.profileParams = identity.params;
    this.reset(0, 0);
  }

  /** Cold reset into EL2h at (lo, hi) with the MMU off and all interrupts masked. */
  reset(pcLo: number, pcHi: number): void {
    this.xlo.fill(0);
    this.xhi.fill(0);
    this.nzcv = 0;
    this.el = 2;
    this.spsel = 1;
    this.daif = 0xf;
    this.pan = this.uao = this.dit = this.ssbs = this.il = this.ss = this.btype = 0;
    this.eventRegister = 0;
    this.exclValid = false;
    this.mmu.tlb.clear();
    resetSystemRegisters(this);
    this.pcLo = pcLo;
    this.pcHi = pcHi;
    // Every entry starts as the decoding of word 0 (UDF), so a key match alone proves an entry valid.
    this.dc.fill(0);
    for (let b = 0; b < this.dc.length; b += 8) this.dc[b + 1] = Op.UNDEF;
    this.contextChanged();
  }

  instructionCount(): number {
    return this.icount + (this.runBudget - this.runLeft);
  }

  /** Cached translations and fetch state are stale: EL, regime or MMU controls changed. */
  contextChanged(): void {
    this.rtlb.flush();
    this.wtlb.flush();
    this.fend = 0;
    this.mmu.invalidateParams();
  }

  /** Records a synchronous exception and unwinds to the run loop, which takes it. */
  raise(targetEl: number, syndrome: number, retOffset: number, farValid: boolean, farLo: number, farHi: number): never {
    this.pEl = targetEl;
    this.pSyndrome = syndrome;
    this.pRetOffset = retOffset;
    this.pFarValid = farValid;
    this.pFarLo = farLo;
    this.pFarHi = farHi;
    throw GUEST_EXCEPTION;
  }

  undefinedInstruction(): never {
    return this.raise(defaultTargetEl(this), esr(EC.UNKNOWN, 0), 0, false, 0, 0);
  }

  /** Stops the run after the current instruction. */
  requestStop(reason: StopReason): never {
    this.stopReason = reason;
    throw STOP;
  }

  private takePending(): void {
    const retLo = (this.pcLo + this.pRetOffset) | 0;
    const retHi = (this.pcHi + (this.pRetOffset !== 0 && retLo >>> 0 < this.pRetOffset ? 1 : 0)) | 0;
    takeException(this, this.pEl, this.pSyndrome, retLo, retHi, this.pFarValid, this.pFarLo, this.pFarHi);
    if (this.pEl === 2 && this.el2Host !== null) this.el2Host.exit(this);
  }

  /**
   * The synchronous exception raise() recorded, for a caller that ran an
   * operation outside the run loop (the L0 host emulating an access for a
   * guest hypervisor) and caught GUEST_EXCEPTION.
   */
  pendingException(): { el: number; syndrome: number; retOffset: number; farValid: boolean; farLo: number; farHi: number } {
    return { el: this.pEl, syndrome: this.pSyndrome, retOffset: this.pRetOffset, farValid: this.pFarValid, farLo: this.pFarLo, farHi: this.pFarHi };
  }

  /** SP alignment check for an access with SP as the base register (SP known misaligned). */
  checkSpAlignment(): void {
    const bit = this.el === 0 ? SCTLR_SA0 : SCTLR_SA;
    if (this.sr.lo[currentSctlr(this)]! & bit) {
      this.raise(defaultTargetEl(this), esr(EC.SP_ALIGN, 0), 0, false, 0, 0);
    }
  }

  /**
   * Executes up to `budget` instructions. Returns the stop reason, or null when
   * the budget ran out. Throws EmulationStop for conditions nvlab cannot model.
   */
  run(budget: number): StopReason | null {
    this.stopReason = null;
    this.runBudget = budget;
    const xl = this.xlo;
    const xh = this.xhi;
    const dc = this.dc;
    const feat = this.features;
    const rtag = this.rtlb.tagLo;
    const rtagh = this.rtlb.tagHi;
    const rmem = this.rtlb.mem;
    const roff = this.rtlb.off;
    const wtag = this.wtlb.tagLo;
    const wtagh = this.wtlb.tagHi;
    const wmem = this.wtlb.mem;
    const woff = this.wtlb.off;
    let pcLo = this.pcLo;
    let pcHi = this.pcHi;
    let fmem = this.fmem;
    let fidx = 0;
    let fstart = 0;
    let fend = 0;
    let left = budget;
    for (;;) {
      try {
        while (left > 0) {
          if (fidx >= fend) {
            this.pcLo = pcLo;
            this.pcHi = pcHi;
            refillFetch(this);
            fmem = this.fmem;
            fidx = this.fidx;
            fstart = this.fstart;
            fend = this.fend;
          }
          const w = fmem[fidx]!;
          const b = (Math.imul(w, -1640531535) >>> DC_SHIFT) << 3;
          if (dc[b] !== w) decodeInto(w, dc, b, feat);
          const r = dc[b + 2]!;
          switch (dc[b + 1]) {
            // ---------------- data processing, immediate ----------------
            case Op.ADD64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const s = (xl[n]! >>> 0) + (dc[b + 4]! >>> 0);
              xh[d] = (xh[n]! + dc[b + 5]! + (s > 0xffffffff ? 1 : 0)) | 0;
              xl[d] = s | 0;
              break;
            }
            case Op.ADD32I: {
              const d = r & 63;
              xl[d] = (xl[(r >>> 6) & 63]! + dc[b + 4]!) | 0;
              xh[d] = 0;
              break;
            }
            case Op.ADDS64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = addc64(this, xl[n]!, xh[n]!, dc[b + 4]!, 0, 0);
              xl[d] = lo;
              xh[d] = this.aluHi;
              break;
            }
            case Op.SUBS64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = addc64(this, xl[n]!, xh[n]!, ~dc[b + 4]!, -1, 1);
              xl[d] = lo;
              xh[d] = this.aluHi;
              break;
            }
            case Op.ADDS32I: {
              const d = r & 63;
              xl[d] = addc32(this, xl[(r >>> 6) & 63]!, dc[b + 4]!, 0);
              xh[d] = 0;
              break;
            }
            case Op.SUBS32I: {
              const d = r & 63;
              xl[d] = addc32(this, xl[(r >>> 6) & 63]!, ~dc[b + 4]!, 1);
              xh[d] = 0;
              break;
            }
            case Op.AND64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              xl[d] = xl[n]! & dc[b + 4]!;
              xh[d] = xh[n]! & dc[b + 5]!;
              break;
            }
            case Op.ORR64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              xl[d] = xl[n]! | dc[b + 4]!;
              xh[d] = xh[n]! | dc[b + 5]!;
              break;
            }
            case Op.EOR64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              xl[d] = xl[n]! ^ dc[b + 4]!;
              xh[d] = xh[n]! ^ dc[b + 5]!;
              break;
            }
            case Op.ANDS64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = xl[n]! & dc[b + 4]!;
              const hi = xh[n]! & dc[b + 5]!;
              logicFlags(this, lo, hi);
              xl[d] = lo;
              xh[d] = hi;
              break;
            }
            case Op.AND32I: {
              const d = r & 63;
              xl[d] = xl[(r >>> 6) & 63]! & dc[b + 4]!;
              xh[d] = 0;
              break;
            }
            case Op.ORR32I: {
              const d = r & 63;
              xl[d] = xl[(r >>> 6) & 63]! | dc[b + 4]!;
              xh[d] = 0;
              break;
            }
            case Op.EOR32I: {
              const d = r & 63;
              xl[d] = xl[(r >>> 6) & 63]! ^ dc[b + 4]!;
              xh[d] = 0;
              break;
            }
            case Op.ANDS32I: {
              const d = r & 63;
              const v = xl[(r >>> 6) & 63]! & dc[b + 4]!;
              logicFlags(this, v, v);
              xl[d] = v;
              xh[d] = 0;
              break;
            }
            case Op.MOVI: {
              const d = r & 63;
              xl[d] = dc[b + 4]!;
              xh[d] = dc[b + 5]!;
              break;
            }
            case Op.MOVK64: {
              const d = r & 63;
              const src = (r >>> 12) & 63;
              const pos = dc[b + 3]!;
              const imm = dc[b + 4]!;
              let lo = xl[src]!;
              let hi = xh[src]!;
              if (pos < 32) lo = (lo & ~(0xffff << pos)) | (imm << pos);
              else hi = (hi & ~(0xffff << (pos - 32))) | (imm << (pos - 32));
              xl[d] = lo;
              xh[d] = hi;
              break;
            }
            case Op.MOVK32: {
              const d = r & 63;
              const pos = dc[b + 3]!;
              xl[d] = (xl[(r >>> 12) & 63]! & ~(0xffff << pos)) | (dc[b + 4]! << pos);
              xh[d] = 0;
              break;
            }
            case Op.LSL64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = lsl64(xl[n]!, xh[n]!, dc[b + 3]!);
              xl[d] = lo;
              xh[d] = H;
              break;
            }
            case Op.LSR64I: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = lsr64(xl[n]!, xh[n]!, dc[b + 3]!);
              xl[d] = lo;
              xh[d] = H;
              break;
            }
            case Op.LSL32I: {
              const d = r & 63;
              xl[d] = xl[(r >>> 6) & 63]! << dc[b + 3]!;
              xh[d] = 0;
              break;
            }
            case Op.LSR32I: {
              const d = r & 63;
              xl[d] = xl[(r >>> 6) & 63]! >>> dc[b + 3]!;
              xh[d] = 0;
              break;
            }
            case Op.UBFM64: {
              const n = (r >>> 6) & 63;
              const d = r & 63;
              const lo = ror64(xl[n]!, xh[n]!, dc[b + 3]! & 63);
              xl[d] = lo & dc[b + 4]! & dc[b + 6]!;
              xh[d] = H & dc[b + 5]! & dc[b + 7]!;
              break;
            }
            case Op.UBFM32: {
              const d = r & 63;
              const rot = dc[b + 3]! & 31;
              const x = xl[(r >>> 6) & 63]!;
              xl[d] = (rot === 0 ? x : (x >>> rot) | (x << (32 - rot))) & dc[b + 4]! & dc[b + 6]!;
              xh[d] = 0;
              break;
            }
            case Op.ADR: {
              const s = (pcLo >>> 0) + dc[b + 4]!;
              const d = r & 63;
              xl[d] = s | 0;
              xh[d] = (pcHi + Math.floor(s / 4294967296)) | 0;
              break;
            }
            case Op.ADRP: {
              const s = ((pcLo & PAGE_MASK) >>> 0) + (dc[b + 4]! >>> 0);
              const d = r & 63;
              xl[d] = s | 0;
              xh[d] = (pcHi + dc[b + 5]! + (s > 0xffffffff ? 1 : 0)) | 0;
              break;
            }

            // ---------------- data processing, register ----------------
            case Op.MOV64R: {
              const m = (r >>> 12) & 63;
              const d = r & 63;
              xl[d] = xl[m]!;
              xh[d] = xh[m]!;
              break;
            }
            case Op.MOV32R: {
              const d = r & 63;
              xl[d] = xl[(r >>> 12) & 63]!;
              xh[d] = 0;
              break;
            }
            case Op.ADD64R:
            case Op.SUB64R:
            case Op.ADDS64R:
            case Op.SUBS64R: {
              const op = dc[b + 1]!;
              const n = (r >>> 6) & 63;
              const m = (r >>> 12) & 63;
              const d = r & 63;
              const misc = dc[b + 3]!;
              let ml: number;
              let mh: number;
              // Most register operands are unshifted: skip the shifter call.
              if (misc >>> 2 === 0) {
                ml = xl[m]!;
                mh = xh[m]!;
              } else {
                ml = shift64(misc & 3, xl[m]!, xh[m]!, misc >>> 2);
                mh = H;
              }
              if (op === Op.ADD64R) {
                const s = (xl[n]! >>> 0) + (ml >>> 0);
                xh[d] = (xh[n]! + mh + (s > 0xffffffff ? 1 : 0)) | 0;
                xl[d] = s | 0;
              } else if (op === Op.SUB64R) {
                const s = (xl[n]! >>> 0) - (ml >>> 0);
                xh[d] = (xh[n]! - mh - (s < 0 ? 1 : 0)) | 0;
                xl[d] = s | 0;
              } else {
                const lo = op === Op.SUBS64R ? addc64(this, xl[n]!, xh[n]!, ~ml, ~mh, 1) : addc64(this, xl[n]!, xh[n]!, ml, mh, 0);
                xl[d] = lo;
                xh[d] = this.aluHi;
              }
              break;
            }
            case Op.ADD32R:
            case Op.SUB32R:
            case Op.ADDS32R:
            case Op.SUBS32R: {
              const op = dc[b + 1]!;
              const misc = dc[b + 3]!;
              const d = r & 63;
              const a = xl[(r >>> 6) & 63]!;
              const m = shift32(misc & 3, xl[(r >>> 12) & 63]!, misc >>> 2);
              let v: number;
              if (op === Op.ADD32R) v = (a + m) | 0;
              else if (op === Op.SUB32R) v = (a - m) | 0;
              else if (op === Op.ADDS32R) v = addc32(this, a, m, 0);
              else v = addc32(this, a, ~m, 1);
              xl[d] = v;
              xh[d] = 0;
              break;
            }
            case Op.AND64R:
            case Op.ORR64R:
            case Op.EOR64R:
            case Op.ANDS64R: {
              const op = dc[b + 1]!;
              const n = (r >>> 6) & 63;
              const m = (r >>> 12) & 63;
              const d = r & 63;
              const misc = dc[b + 3]!;
              let ml: number;
              let mh: number;
              if ((misc & 0xfc) === 0) {
                ml = xl[m]!;
                mh = xh[m]!;
              } else {
                ml = shift64(misc & 3, xl[m]!, xh[m]!, (misc >>> 2) & 63);
                mh = H;
              }
              if (misc & 0x100) {
                ml = ~ml;
                mh = ~mh;
              }
              let lo: number;
              let hi: number;
              if (op === Op.ORR64R) {
                lo = xl[n]! | ml;
                hi = xh[n]! | mh;
              } else if (op === Op.EOR64R) {
                lo = xl[n]! ^ ml;
                hi = xh[n]! ^ mh;
              } else {
                lo = xl[n]! & ml;
                hi = xh[n]! & mh;
                if (op === Op.ANDS64R) logicFlags(this, lo, hi);
              }
              xl[d] = lo;
              xh[d] = hi;
              break;
            }
            case Op.AND32R:
            case Op.ORR32R:
            case Op.EOR32R:
            case Op.ANDS32R: {
              const op = dc[b + 1]!;
              const misc = dc[b + 3]!;
              const d = r & 63;
              let m = shift32(misc & 3, xl[(r >>> 12) & 63]!, (misc >>> 2) & 63);
              if (misc & 0x100) m = ~m;
              const a = xl[(r >>> 6) & 63]!;
              let v: number;
              if (op === Op.ORR32R) v = a | m;
              else if (op === Op.EOR32R) v = a ^ m;
              else {
                v = a & m;
                if (op === Op.ANDS32R) logicFlags(this, v, v);
              }
              xl[d] = v;
              xh[d] = 0;
              break;
            }
            case Op.CSEL: {
              const misc = dc[b + 3]!;
              const d = r & 63;
              const sf = (misc >>> 4) & 1;
              if (condHolds(this, misc & 15)) {
                const n = (r >>> 6) & 63;
                xl[d] = xl[n]!;
                xh[d] = sf ? xh[n]! : 0;
              } else {
                const m = (r >>> 12) & 63;
                let lo = xl[m]!;
                let hi = sf ? xh[m]! : 0;
                switch (misc >>> 5) {
                  case 1: {
                    const s = (lo >>> 0) + 1;
                    lo = s | 0;
                    hi = (hi + (s > 0xffffffff ? 1 : 0)) | 0;
                    break;
                  }
                  case 2:
                    lo = ~lo;
                    hi = ~hi;
                    break;
                  case 3:
                    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
                    lo = -lo | 0;
                    break;
                  default:
                    break;
                }
                xl[d] = lo;
                xh[d] = sf ? hi : 0;
              }
              break;
            }
            case Op.MADD64:
            case Op.MSUB64: {
              const n = (r >>> 6) & 63;
              const m = (r >>> 12) & 63;
              const a = (r >>> 18) & 63;
              const d = r & 63;
              let pl = mul64(xl[n]!, xh[n]!, xl[m]!, xh[m]!);
              let ph = H;
              if (dc[b + 1] === Op.MSUB64) {
                ph = (~ph + (pl === 0 ? 1 : 0)) | 0;
                pl = -pl | 0;
              }
              const s = (xl[a]! >>> 0) + (pl >>> 0);
              xh[d] = (xh[a]! + ph + (s > 0xffffffff ? 1 : 0)) | 0;
              xl[d] = s | 0;
              break;
            }

            // ---------------- loads and stores (fast paths) ----------------
            case Op.LDRX_I: {
              const n = (r >>> 6) & 63;
              if (n === SP && xl[SP]! & 15) this.checkSpAlignment();
              const s = (xl[n]! >>> 0) + dc[b + 4]!;
              const alo = s | 0;
              const ahi = (xh[n]! + (s > 0xffffffff ? 1 : 0)) | 0;
              const t = (alo >>> 12) & TLB_MASK;
              const d = r & 63;
              if (rtag[t] === (alo & PAGE_MASK) && rtagh[t] === ahi && (alo & 7) === 0) {
                const mem = rmem[t]!;
                const o = roff[t]! + (alo & 4095);
                xl[d] = mem.getInt32(o, true);
                xh[d] = mem.getInt32(o + 4, true);
              } else {
                this.pcLo = pcLo;
                this.pcHi = pcHi;
                this.runLeft = left;
                const lo = load(this, alo, ahi, 3, 0);
                xl[d] = lo;
                xh[d] = this.ldHi;
              }
              break;
            }
            case Op.LDRW_I:
            case Op.LDRB_I: {
              const n = (r >>> 6) & 63;
              if (n === SP && xl[SP]! & 15) this.checkSpAlignment();
              const s = (xl[n]! >>> 0) + dc[b + 4]!;
              const alo = s | 0;
              const ahi = (xh[n]! + (s > 0xffffffff ? 1 : 0)) | 0;
              const t = (alo >>> 12) & TLB_MASK;
              const d = r & 63;
              const word = dc[b + 1] === Op.LDRW_I;
              if (rtag[t] === (alo & PAGE_MASK) && rtagh[t] === ahi && (!word || (alo & 3) === 0)) {
                const mem = rmem[t]!;
                const o = roff[t]! + (alo & 4095);
                xl[d] = word ? mem.getInt32(o, true) : mem.getUint8(o);
              } else {
                this.pcLo = pcLo;
                this.pcHi = pcHi;
                this.runLeft = left;
                xl[d] = load(this, alo, ahi, word ? 2 : 0, 0);
              }
              xh[d] = 0;
              break;
            }
            case Op.STRX_I: {
              const n = (r >>> 6) & 63;
              if (n === SP && xl[SP]! & 15) this.checkSpAlignment();
              const s = (xl[n]! >>> 0) + dc[b + 4]!;
              const alo = s | 0;
              const ahi = (xh[n]! + (s > 0xffffffff ? 1 : 0)) | 0;
              const t = (alo >>> 12) & TLB_MASK;
              const d = r & 63;
              if (wtag[t] === (alo & PAGE_MASK) && wtagh[t] === ahi && (alo & 7) === 0) {
                const mem = wmem[t]!;
                const o = woff[t]! + (alo & 4095);
                mem.setInt32(o, xl[d]!, true);
                mem.setInt32(o + 4, xh[d]!, true);
              } else {
                this.pcLo = pcLo;
                this.pcHi = pcHi;
                this.runLeft = left;
                store(this, alo, ahi, 3, xl[d]!, xh[d]!, 0);
              }
              break;
            }
            case Op.STRW_I:
            case Op.STRB_I: {
              const n = (r >>> 6) & 63;
              if (n === SP && xl[SP]! & 15) this.checkSpAlignment();
              const s = (xl[n]! >>> 0) + dc[b + 4]!;
              const alo = s | 0;
              const ahi = (xh[n]! + (s > 0xffffffff ? 1 : 0)) | 0;
              const t = (alo >>> 12) & TLB_MASK;
              const v = xl[r & 63]!;
              const word = dc[b + 1] === Op.STRW_I;
              if (wtag[t] === (alo & PAGE_MASK) && wtagh[t] === ahi && (!word || (alo & 3) === 0)) {
                const mem = wmem[t]!;
                const o = woff[t]! + (alo & 4095);
                if (word) mem.setInt32(o, v, true);
                else mem.setUint8(o, v & 0xff);
              } else {
                this.pcLo = pcLo;
                this.pcHi = pcHi;
                this.runLeft = left;
                store(this, alo, ahi, word ? 2 : 0, v, 0, 0);
              }
              break;
            }
            case Op.LDP:
            case Op.STP: {
              const misc = dc[b + 3]!;
              const n = (r >>> 6) & 63;
              if (n === SP && xl[SP]! & 15) this.checkSpAlignment();
              const mode = misc >>> 3;
              const off = mode === 2 ? 0 : dc[b + 4]!;
              const s = (xl[n]! >>> 0) + off;
              const alo = s | 0;
              const ahi = (xh[n]! + Math.floor(s / 4294967296)) | 0;
              const t = (alo >>> 12) & TLB_MASK;
              const d = r & 63;
              const a = (r >>> 18) & 63;
              if ((misc & 7) === 3 && (alo & 4095) <= 4080 && (alo & 7) === 0) {
                if (dc[b + 1] === Op.LDP && rtag[t] === (alo & PAGE_MASK) && rtagh[t] === ahi) {
                  const mem = rmem[t]!;
                  const o = roff[t]! + (alo & 4095);
                  const l0 = mem.getInt32(o, true);
                  const h0 = mem.getInt32(o + 4, true);
                  const l1 = mem.getInt32(o + 8, true);
                  const h1 = mem.getInt32(o + 12, true);
                  if (mode !== 0) this.writeback(n, dc[b + 4]!);
                  xl[d] = l0;
                  xh[d] = h0;
                  xl[a] = l1;
                  xh[a] = h1;
                  break;
                }
                if (dc[b + 1] === Op.STP && wtag[t] === (alo & PAGE_MASK) && wtagh[t] === ahi) {
                  const mem = wmem[t]!;
                  const o = woff[t]! + (alo & 4095);
                  mem.setInt32(o, xl[d]!, true);
                  mem.setInt32(o + 4, xh[d]!, true);
                  mem.setInt32(o + 8, xl[a]!, true);
                  mem.setInt32(o + 12, xh[a]!, true);
                  if (mode !== 0) this.writeback(n, dc[b + 4]!);
                  break;
                }
              }
              this.pcLo = pcLo;
              this.pcHi = pcHi;
              this.runLeft = left;
              this.pairSlow(dc[b + 1] === Op.LDP, misc, n, d, a, alo, ahi, dc[b + 4]!);
              break;
            }
            case Op.LDR_LIT: {
              const s = (pcLo >>> 0) + dc[b + 4]!;
              const alo = s | 0;
              const ahi = (pcHi + Math.floor(s / 4294967296)) | 0;
              const misc = dc[b + 3]!;
              const size = misc & 3;
              const d = r & 63;
              this.pcLo = pcLo;
              this.pcHi = pcHi;
              this.runLeft = left;
              const lo = load(this, alo, ahi, size, 0);
              if (size === 3) {
                xl[d] = lo;
                xh[d] = this.ldHi;
              } else {
                xl[d] = lo;
                xh[d] = misc & 4 ? lo >> 31 : 0;
              }
              break;
            }

            // ---------------- branches ----------------
            case Op.B:
            case Op.BL:
            case Op.BCOND:
            case Op.CBZ64:
            case Op.CBNZ64:
            case Op.CBZ32:
            case Op.CBNZ32:
            case Op.TBZ:
            case Op.TBNZ: {
              const op = dc[b + 1]!;
              let taken: boolean;
              switch (op) {
                case Op.B:
                  taken = true;
                  break;
                case Op.BL: {
                  const s = (pcLo >>> 0) + 4;
                  xl[30] = s | 0;
                  xh[30] = (pcHi + (s > 0xffffffff ? 1 : 0)) | 0;
                  taken = true;
                  break;
                }
                case Op.BCOND:
                  taken = condHolds(this, dc[b + 3]!);
                  break;
                case Op.CBZ64:
                  taken = (xl[r & 63]! | xh[r & 63]!) === 0;
                  break;
                case Op.CBNZ64:
                  taken = (xl[r & 63]! | xh[r & 63]!) !== 0;
                  break;
                case Op.CBZ32:
                  taken = xl[r & 63] === 0;
                  break;
                case Op.CBNZ32:
                  taken = xl[r & 63] !== 0;
                  break;
                default: {
                  const bit = dc[b + 3]!;
                  const v = bit < 32 ? (xl[r & 63]! >>> bit) & 1 : (xh[r & 63]! >>> (bit - 32)) & 1;
                  taken = (v === 0) === (op === Op.TBZ);
                }
              }
              if (taken) {
                const off = dc[b + 4]!;
                const s = (pcLo >>> 0) + off;
                const nlo = s | 0;
                const nhi = (pcHi + Math.floor(s / 4294967296)) | 0;
                if (nhi === pcHi && ((nlo ^ pcLo) & PAGE_MASK) === 0) {
                  fidx += off >> 2;
                  if (this.fbp) fend = this.windowEndFor(fidx, fstart);
                } else fend = 0;
                pcLo = nlo;
                pcHi = nhi;
                left--;
                continue;
              }
              break;
            }
            case Op.BR:
            case Op.BLR:
            case Op.RET: {
              const n = (r >>> 6) & 63;
              const tlo = xl[n]!;
              const thi = branchAddrHi(this, xh[n]!);
              if (dc[b + 1] === Op.BLR) {
                const s = (pcLo >>> 0) + 4;
                xl[30] = s | 0;
                xh[30] = (pcHi + (s > 0xffffffff ? 1 : 0)) | 0;
              }
              if (thi === pcHi && ((tlo ^ pcLo) & PAGE_MASK) === 0 && (tlo & 3) === 0) {
                fidx = fstart + ((tlo & 4095) >> 2);
                if (this.fbp) fend = this.windowEndFor(fidx, fstart);
              }
              else fend = 0;
              pcLo = tlo;
              pcHi = thi;
              left--;
              continue;
            }
            case Op.NOP:
              break;

            // ---------------- exceptions and system ----------------
            case Op.ERET: {
              this.pcLo = pcLo;
              this.pcHi = pcHi;
              if (this.el === 0) this.undefinedInstruction();
              if (eretTrapsToEl2(this)) this.raise(2, esr(EC.ERET, 0), 0, false, 0, 0);
              this.runLeft = left;
              exceptionReturn(this);
              this.eventRegister = 1;
              pcLo = this.pcLo;
              pcHi = this.pcHi;
              fend = 0;
              left--;
              continue;
            }
            case Op.SVC:
            case Op.HVC:
            case Op.SMC:
            case Op.BRK:
            case Op.HLT: {
              this.pcLo = pcLo;
              this.pcHi = pcHi;
              this.runLeft = left;
              this.exceptionGenerating(dc[b + 1]!, dc[b + 4]!);
              break;
            }
            default:
              this.pcLo = pcLo;
              this.pcHi = pcHi;
              this.runLeft = left;
              execCold(this, dc[b + 1]!, dc, b, fmem[fidx]!);
              if (this.fend === 0) fend = 0;
              break;
          }
          pcLo = (pcLo + 4) | 0;
          if (++fidx >= fend && pcLo === 0) pcHi = (pcHi + 1) | 0;
          left--;
        }
        this.pcLo = pcLo;
        this.pcHi = pcHi;
        this.icount += budget - left;
        this.runLeft = this.runBudget = 0;
        return null;
      } catch (e) {
        this.pcLo = pcLo;
        this.pcHi = pcHi;
        this.runLeft = left;
        if (e === GUEST_EXCEPTION) {
          if (this.pendingIss) {
            // A stage-2 data abort: the syndrome of the instruction being executed.
            this.pendingIss = false;
            this.pSyndrome = (this.pSyndrome | loadStoreSyndrome(fmem[fidx]!)) >>> 0;
          }
          try {
            this.takePending();
          } catch (e2) {
            // The L0 host stopped the run while handling an exit.
            if (e2 !== STOP) {
              this.icount += budget - left;
              this.runLeft = this.runBudget = 0;
              throw e2;
            }
            this.icount += budget - left + 1;
            this.runLeft = this.runBudget = 0;
            return this.stopReason;
          }
          pcLo = this.pcLo;
          pcHi = this.pcHi;
          fend = 0;
          left--;
          continue;
        }
        if (e === STOP) {
          // The stopping instruction completed: PC moves past it unless it redirected.
          // A breakpoint stops before its instruction.
          this.icount += budget - left + (stopsBeforeInstruction(this.stopReason) ? 0 : 1);
          this.runLeft = this.runBudget = 0;
          return this.stopReason;
        }
        this.icount += budget - left;
        this.runLeft = this.runBudget = 0;
        throw e;
      }
    }
  }

  /** Base-register writeback after a pre/post-indexed access. */
  writeback(n: number, off: number): void {
    const s = (this.xlo[n]! >>> 0) + off;
    this.xhi[n] = (this.xhi[n]! + Math.floor(s / 4294967296)) | 0;
    this.xlo[n] = s | 0;
  }

  /** LDP/STP/LDPSW outside the fast path: every size, page crossings, faults. */
  private pairSlow(isLoad: boolean, misc: number, n: number, d: number, a: number, alo: number, ahi: number, off: number): void {
    const size = misc & 3;
    const mode = misc >>> 3;
    const bytes = 1 << size;
    const s = (alo >>> 0) + bytes;
    const blo = s | 0;
    const bhi = (ahi + (s > 0xffffffff ? 1 : 0)) | 0;
    const xl = this.xlo;
    const xh = this.xhi;
    if (isLoad) {
      const l0 = load(this, alo, ahi, size, 0);
      const h0 = this.ldHi;
      const l1 = load(this, blo, bhi, size, 0);
      const h1 = this.ldHi;
      if (mode !== 0) this.writeback(n, off);
      if (size === 3) {
        xl[d] = l0;
        xh[d] = h0;
        xl[a] = l1;
        xh[a] = h1;
      } else {
        const sx = (misc >>> 2) & 1;
        xl[d] = l0;
        xh[d] = sx ? l0 >> 31 : 0;
        xl[a] = l1;
        xh[a] = sx ? l1 >> 31 : 0;
      }
    } else {
      // Read the sources before writeback so that STP Xn, .., [Xn, #i]! stores the old base.
      const l0 = xl[d]!;
      const h0 = xh[d]!;
      const l1 = xl[a]!;
      const h1 = xh[a]!;
      store(this, alo, ahi, size, l0, h0, 0);
      store(this, blo, bhi, size, l1, h1, 0);
      if (mode !== 0) this.writeback(n, off);
    }
  }

  /** SVC, HVC, SMC, BRK, HLT: routing per the Arm ARM (no EL3). */
  private exceptionGenerating(op: Op, imm16: number): void {
    const hcr = this.sr.lo[SR.HCR_EL2]!;
    switch (op) {
      case Op.SVC: {
        if (this.el < 2 && svcTrapsToEl2(this)) this.raise(2, esr(EC.SVC64, imm16), 0, false, 0, 0);
        const target = this.el === 0 && tge(this) ? 2 : Math.max(this.el, 1);
        this.raise(target, esr(EC.SVC64, imm16), 4, false, 0, 0);
        break;
      }
      case Op.HVC:
        if (this.el === 0 || hcr & HCR_HCD) this.undefinedInstruction();
        this.raise(2, esr(EC.HVC64, imm16), 4, false, 0, 0);
        break;
      case Op.SMC:
        if (this.el === 0) this.undefinedInstruction();
        // HCR_EL2.TSC traps EL1's SMC to EL2 with ELR pointing at the SMC itself.
        if (this.el === 1 && hcr & HCR_TSC) this.raise(2, esr(EC.SMC64, imm16), 0, false, 0, 0);
        // No EL3: the platform's firmware model (PSCI) answers, or the instruction is UNDEFINED.
        if (!this.hooks.firmwareCall(this)) this.undefinedInstruction();
        break;
      case Op.BRK: {
        const mdcrTde = (this.sr.lo[SR.MDCR_EL2]! & (1 << 8)) !== 0;
        const target = this.el === 2 || tge(this) || mdcrTde ? 2 : 1;
        this.raise(target, esr(EC.BRK64, imm16), 0, false, 0, 0);
        break;
      }
      default:
        // HLT: semihosting at EL1/EL2; halting debug is not implemented, so otherwise UNDEFINED.
        if (imm16 === 0xf000 && this.el > 0) this.hooks.semihosting(this);
        else this.undefinedInstruction();
        break;
    }
  }
}

