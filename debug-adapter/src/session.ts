/**
 * The nvlab debug session: one emulated machine in the adapter's own
 * process, run in slices of a couple of milliseconds so that requests
 * (pause above all) are answered while the guest runs. Stops come from
 * address breakpoints (instruction and function), from the event stream
 * through the exception filters, from stepping and from pausing.
 */
import { type WriteStream, createWriteStream } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import {
  DebugSession,
  Event,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  Response,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { SR } from '../../emulator/arch/generated/sysreg-rules.js';
import { findSysreg, sysregFields, sysregNameForKey } from '../../emulator/arch/sysreg-db.js';
import { decodeEsr, faultStatus } from '../../emulator/arch/esr-decode.js';
import { Access } from '../../emulator/mmu/permissions.js';
import { Fault } from '../../emulator/mmu/fault.js';
import { regimeForEl, stage1Enabled, stage2Enabled } from '../../emulator/mmu/regime.js';
import { Regime } from '../../emulator/mmu/walk-params.js';
import { Breakpoints } from '../../emulator/cpu/cpu.js';
import { type Symbolizer, disassemble, objdumpSymbolizer } from '../../emulator/cpu/disassemble.js';
import { debugTranslate, peekVirtual, pokeVirtual } from '../../emulator/cpu/memory-access.js';
import { type MemoryWatch, MemoryWatches, WATCH_READ, WATCH_WRITE } from '../../emulator/cpu/memory-watch.js';
import { SP } from '../../emulator/cpu/regs.js';
import { hex64 } from '../../emulator/cpu/u64.js';
import type { NvEvent } from '../../emulator/events.js';
import { VirtMachine } from '../../emulator/platform/virt-machine.js';
import type { Snapshot } from '../../emulator/snapshot.js';
import { type LaunchArguments, type LaunchSettings, checkLaunch } from './launch-config.js';
import { FILTERS, StopFilters, describeStop } from './stop-filters.js';
import { checkRequestArgs } from './request-args.js';
import { describeStage2Mapping } from './stage2-describe.js';
import { type Checkpoint, Checkpoints } from './checkpoints.js';
import { DwarfError, LineIndex, readLineTable } from './dwarf-line.js';

const THREAD = 1;
/** Event kinds the client's views show; at most VIEW_BATCH_MAX per slice are sent (the rest counted). */
const VIEW_EVENTS: ReadonlySet<string> = new Set(['trap', 'forward', 'local', 'inject', 'mmu-switch', 's2-fault', 'tlbi', 'stale-tlb']);
const VIEW_BATCH_MAX = 2000;

type Condition = (value: (expr: string) => bigint) => boolean;

/** `5`, `>= 5`, `== 5`, `> 5`, `% 5`: when the n-th hit stops. */
export function parseHitCondition(text: string): ((n: number) => boolean) | string {
  const m = /^\s*(==|>=|>|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return `cannot read the hit count "${text}": write N (from the N-th hit on), == N, > N, >= N or % N`;
  const n = Number(m[2]);
  switch (m[1]) {
    case '==':
      return (h) => h === n;
    case '>':
      return (h) => h > n;
    case '%':
      return (h) => n !== 0 && h % n === 0;
    default:
      return (h) => h >= n;
  }
}

/** `x0 == 0x10 && HCR_EL2.TID3 != 0`: comparisons of evaluate expressions with numbers. */
export function parseBreakCondition(text: string): Condition | string {
  const parts = text.split('&&').map((p) => /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(0x[0-9a-fA-F]+|\d+)\s*$/.exec(p));
  if (parts.some((p) => p === null)) return `cannot read the condition "${text}": write EXPRESSION == NUMBER (x0, pc, HCR_EL2.TID3, v.VTTBR_EL2, *(u64*)0x...; == != < <= > >=), joined by &&`;
  return (value) =>
    parts.every((p) => {
      const l = value(p![1]!);
      const r = BigInt(p![3]!);
      switch (p![2]) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '<':
          return l < r;
        case '<=':
          return l <= r;
        case '>':
          return l > r;
        default:
          return l >= r;
      }
    });
}
/** Instructions per slice: about 2 ms of guest, so a pause is answered well within 100 ms. */
const SLICE = 200_000;
const SYSREGS = ['HCR_EL2', 'SCTLR_EL2', 'TCR_EL2', 'TTBR0_EL2', 'VBAR_EL2', 'ESR_EL2', 'ELR_EL2', 'SPSR_EL2', 'FAR_EL2', 'HPFAR_EL2', 'VTTBR_EL2', 'VTCR_EL2', 'CPTR_EL2', 'MDCR_EL2', 'CNTHCTL_EL2', 'SCTLR_EL1', 'TCR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'VBAR_EL1', 'ESR_EL1', 'ELR_EL1', 'SPSR_EL1', 'FAR_EL1'];
const SLOTS = SR as unknown as Record<string, number>;

/** Every stored system register, by group: the scope shows the common ones first, then these. */
const SYSREG_GROUPS: readonly { label: string; names: readonly string[] }[] = (() => {
  const all = Object.keys(SLOTS)
    .filter((n) => Number.isNaN(Number(n)))
    .sort();
  const id = /^(ID_|MIDR_|MPIDR_|REVIDR_|AIDR_|CTR_EL0|DCZID_|CLIDR_|CCSIDR2?_|GMID_|SMIDR_|VPIDR_|VMPIDR_)/;
  return [
    { label: 'EL2 registers', names: all.filter((n) => n.endsWith('_EL2')) },
    { label: 'EL1 registers', names: all.filter((n) => n.endsWith('_EL1') && !id.test(n)) },
    { label: 'EL0 registers', names: all.filter((n) => n.endsWith('_EL0') && !id.test(n)) },
    { label: 'Identification registers', names: all.filter((n) => id.test(n)) },
    { label: 'Special-purpose registers', names: all.filter((n) => !/_EL\d$/.test(n) && !n.startsWith('TRC')) },
  ];
})();

const enum Ref {
  REGISTERS = 1,
  PSTATE,
  SYSREGS,
  VIRTUAL,
  EVENT,
  SHADOW,
  ESR,
  TLB,
  /** + context index: the mappings of a shadow stage 2. */
  SHADOW_MAPPINGS = 40_000,
  /** + 2 × group (+ 1 for the virtual EL2's): a group of system registers (SYSREG_GROUPS). */
  GROUPS = 100,
  /** + slot: the fields of a physical system register; VIRTUAL_FIELDS + slot: of a virtual one. */
  FIELDS = 10_000,
  VIRTUAL_FIELDS = 20_000,
}

const ARCH = { features: (): boolean => true };

/** A register's named fields (each name once, first layout that has it). */
function fieldsOf(name: string): { name: string; msb: number; lsb: number }[] {
  const reg = findSysreg(name);
  if (!reg) return [];
  const seen = new Set<string>();
  const out: { name: string; msb: number; lsb: number }[] = [];
  for (const f of sysregFields(reg.register, ARCH)) {
    if (!f.name || f.kind === 'RES0' || f.kind === 'RES1' || seen.has(f.name)) continue;
    seen.add(f.name);
    out.push({ name: f.name, msb: f.msb, lsb: f.lsb });
  }
  return out.sort((a, b) => b.msb - a.msb);
}

const big = (file: { lo: Int32Array; hi: Int32Array }, slot: number): bigint => (BigInt(file.hi[slot]! >>> 0) << 32n) | BigInt(file.lo[slot]! >>> 0);

type StopKind = 'entry' | 'step' | 'pause' | 'breakpoint' | 'exception' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint';

export class NvlabSession extends DebugSession {
  private m: VirtMachine | null = null;
  private settings: LaunchSettings | null = null;
  private readonly filters = new StopFilters();
  private readonly bps = new Breakpoints();
  private readonly instructionBps: [number, number][] = [];
  private readonly functionBps: [number, number][] = [];
  /** Source-line breakpoints by file: their addresses. */
  private readonly sourceBps = new Map<string, [number, number][]>();
  private lines: LineIndex | null = null;
  /** Names branch targets in the disassembly as objdump does. */
  private targetNames: Symbolizer | null = null;
  /** Conditions and hit counts of address breakpoints, by "hi:lo". */
  private readonly bpOptions = new Map<string, { hit: ((n: number) => boolean) | null; cond: Condition | null; hits: number; log?: string }>();
  private running = false;
  private pauseRequested = false;
  private finished = false;
  private lastEvent: NvEvent | null = null;
  private stopDescription = '';
  private trace: WriteStream | null = null;
  private uart: number[] = [];
  /** Events for the client's views (trap log, shadow MMUs), sent in batches. */
  private viewBatch: NvEvent[] = [];
  private viewDropped = 0;
  /** Register and memory edits the user made, in order, for replays; `seq` orders them against checkpoints. */
  private readonly edits: { seq: number; icount: number; apply: () => void }[] = [];
  private editSeq = 0;
  /** Snapshots along the timeline that replays start from (checkpoints.ts); set at launch. */
  private checkpoints: Checkpoints<Snapshot> | null = null;
  /** A replay runs: events, watches and output are not the user's. */
  private replaying = false;
  /** What a 'requested' stop is: an exception filter's or a data breakpoint's. */
  private requestedKind: StopKind = 'exception';

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Every request's arguments are checked before its handler runs (request-args.ts). */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = checkRequestArgs(request.command, request.arguments);
    if (problem) {
      this.sendErrorResponse(new Response(request), 1020, `${request.command}: ${problem}`);
      return;
    }
    super.dispatchRequest(request);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsSteppingGranularity: true,
      supportsReadMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsEvaluateForHovers: true,
      supportsExceptionFilterOptions: true,
      supportsTerminateRequest: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsWriteMemoryRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsRestartRequest: true,
      supportsSetVariable: true,
      supportsStepBack: true,
      exceptionBreakpointFilters: FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, supportsCondition: f.supportsCondition, conditionDescription: f.conditionDescription, default: false })),
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    let s: LaunchSettings | string;
    try {
      s = checkLaunch((args ?? {}) as LaunchArguments & Record<string, unknown>);
    } catch (e) {
      s = `internal error checking the launch configuration: ${(e as Error).message}`;
    }
    if (typeof s === 'string') {
      this.sendErrorResponse(response, 1001, s);
      return;
    }
    this.settings = s;
    if (s.stopAt.length > 0) this.filters.set(s.stopAt, []);
    let m: VirtMachine;
    try {
      m = new VirtMachine(
        { mode: s.mode, nv2: s.nv2, checkTlb: s.staleTlbCheck, ...(s.traps ? { traps: s.traps } : {}), ...(s.memory !== undefined ? { memory: s.memory } : {}), ...(s.identity ? { identity: s.identity } : {}) },
        {
          uart: (b) => {
            if (!this.replaying) this.uart.push(b);
          },
          stdout: (bytes) => {
            if (!this.replaying) this.uart.push(...bytes);
          },
          stderr: (bytes) => this.sendEvent(new OutputEvent(Buffer.from(bytes).toString('utf8'), 'stderr')),
        },
      );
    } catch (e) {
      this.sendErrorResponse(response, 1002, (e as Error).message);
      return;
    }
    m.load(s.image);
    m.cpu.breakpoints = this.bps;
    this.targetNames = objdumpSymbolizer(s.image.symbols);
    try {
      this.lines = new LineIndex(readLineTable(s.elf), dirname(s.program));
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      this.lines = new LineIndex([], dirname(s.program));
      this.sendEvent(new OutputEvent(`nvlab: ${s.program}: cannot read its line information (${e.message}); source breakpoints and line stepping are off\n`, 'stderr'));
    }
    if (s.trace) this.trace = createWriteStream(s.trace);
    m.events.subscribe((e) => this.onEvent(e));
    this.m = m;
    this.checkpoints = new Checkpoints(m.snapshot());
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  private onEvent(e: NvEvent): void {
    if (this.replaying) return;
    this.trace?.write(JSON.stringify(e) + '\n');
    if (VIEW_EVENTS.has(e.type)) {
      if (this.viewBatch.length < VIEW_BATCH_MAX) this.viewBatch.push(e);
      else this.viewDropped++;
    }
    const f = this.filters.matches(e);
    if (f) {
      this.lastEvent = e;
      this.stopDescription = describeStop(e);
      this.requestedKind = 'exception';
      this.m!.cpu.stopSoon(this.stopDescription);
    }
  }

  /**
   * Conditions and hit counts: a breakpoint whose condition does not hold
   * lets the run go on; the hit count counts the hits whose condition held.
   */
  private shouldStopAtBreakpoint(lo: number, hi: number): boolean {
    const o = this.bpOptions.get(`${hi}:${lo}`);
    if (!o) return true;
    if (o.cond) {
      try {
        if (!o.cond((expr) => BigInt(this.evaluate(expr)))) return false;
      } catch (e) {
        // A condition that cannot be evaluated here stops, and says why.
        this.sendEvent(new OutputEvent(`nvlab: breakpoint condition: ${(e as Error).message}\n`, 'stderr'));
        return true;
      }
    }
    o.hits++;
    if (o.hit && !o.hit(o.hits)) return false;
    if (o.log !== undefined) {
      // A logpoint prints and goes on: {expression} parts are evaluated.
      const text = o.log.replace(/\{([^}]+)\}/g, (_, e: string) => {
        try {
          return this.evaluate(e);
        } catch (err) {
          return `<${(err as Error).message}>`;
        }
      });
      this.sendEvent(new OutputEvent(text + '\n', 'console'));
      return false;
    }
    return true;
  }

  // ---- data breakpoints: writes to system registers ---------------------------------------

  /** The PE whose registers the image sees: the virtual PE in nested mode. */
  private imagePe(): VirtMachine['cpu'] | null {
    if (!this.m) return null;
    return this.m.host ? this.m.host.vpe.pe : this.m.cpu;
  }

  /**
   * What `name` asks to watch: a system register by name, or memory as
   * `*(u64*)VA`, an address with `asAddress` (and `bytes`), or `pa:0x...`.
   * Virtual addresses are translated now, in the current regime, and the
   * physical bytes are watched (see emulator/cpu/memory-watch.ts).
   */
  private dataTarget(args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
    const text = args.name.trim();
    const name = text.toUpperCase().replace(/^V\./, '');
    if (SLOTS[name] !== undefined) return { dataId: `sysreg:${name}`, description: `writes to ${name}${this.m?.host ? " (the guest hypervisor's)" : ''}`, accessTypes: ['write'], canPersist: true };
    const typed = /^\*\s*\(\s*u(8|16|32|64)\s*\*\s*\)\s*(pa:)?\s*(0x[0-9a-fA-F]+|\d+)$/i.exec(text);
    const plain = /^(pa:)?\s*(0x[0-9a-fA-F]+|\d+)$/i.exec(text);
    const nope = (why: string): DebugProtocol.DataBreakpointInfoResponse['body'] => ({ dataId: null, description: why });
    if (!typed && !(plain && (args.asAddress || plain[1]))) {
      return nope(`cannot watch '${args.name}': watch a system register by name (HCR_EL2), or memory as *(u64*)ADDRESS, pa:ADDRESS (physical) or an address`);
    }
    const bytes = typed ? Number(typed[1]) / 8 : (args.bytes ?? 8);
    const physical = typed ? typed[2] !== undefined : plain![1] !== undefined;
    const addr = Number(typed ? typed[3] : plain![2]);
    if (!Number.isSafeInteger(addr) || addr >= 2 ** 64 || !(bytes >= 1 && bytes <= 4096)) return nope(`cannot watch ${bytes} bytes at ${args.name}`);
    let pa = addr;
    if (!physical) {
      if (!this.m) return nope('nothing is running: virtual addresses are translated when the watch is set');
      pa = debugTranslate(this.m.cpu, addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32) | 0);
      if (pa < 0) return nope(`0x${addr.toString(16)} does not translate in the current regime; watch it by physical address (pa:0x...)`);
    }
    const where = physical ? `PA 0x${pa.toString(16)}` : `VA 0x${addr.toString(16)} (PA 0x${pa.toString(16)})`;
    return { dataId: `mem:0x${pa.toString(16)}:${bytes}`, description: `${bytes} byte${bytes === 1 ? '' : 's'} at ${where}`, accessTypes: ['write', 'read', 'readWrite'], canPersist: false };
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    response.body = this.dataTarget(args);
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const slots: number[] = [];
    const watches: MemoryWatch[] = [];
    const out = args.breakpoints.map((b): DebugProtocol.Breakpoint => {
      const mem = /^mem:(0x[0-9a-f]+):(\d+)$/.exec(b.dataId);
      if (mem) {
        const len = Number(mem[2]);
        if (!(len >= 1 && len <= 4096)) return { verified: false, message: `cannot watch ${mem[2]} bytes: 1 to 4096` };
        const kinds = b.accessType === 'read' ? WATCH_READ : b.accessType === 'readWrite' ? WATCH_READ | WATCH_WRITE : WATCH_WRITE;
        watches.push({ pa: Number(mem[1]), len, kinds });
        return { verified: true };
      }
      const m = /^sysreg:([A-Z0-9_]+)$/.exec(b.dataId);
      const slot = m ? SLOTS[m[1]!] : undefined;
      if (slot === undefined) return { verified: false, message: `cannot watch '${b.dataId}': watch system registers (sysreg:NAME) or memory (mem:PA:BYTES, from dataBreakpointInfo)` };
      if (b.accessType && b.accessType !== 'write') return { verified: false, message: `${m![1]} can be watched for writes only` };
      slots.push(slot);
      return { verified: true };
    });
    const pe = this.imagePe();
    if (pe) {
      pe.watchWrites(slots);
      pe.watchHook = (slot) => {
        if (this.replaying) return;
        const name = SR[slot] ?? `slot ${slot}`;
        this.stopDescription = `${name} written: 0x${hex64(pe.sr.lo[slot]!, pe.sr.hi[slot]!)}`;
        this.requestedKind = 'data breakpoint';
        this.m!.cpu.stopSoon(this.stopDescription);
      };
    }
    const cpu = this.m?.cpu;
    if (cpu) cpu.setMemoryWatches(watches.length === 0 ? null : new MemoryWatches(watches, (_w, pa, bytes, write, vlo, vhi) => this.memoryHit(pa, bytes, write, vlo, vhi)));
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  /** A watched access is about to be made: stop after the instruction, saying who touched what. */
  private memoryHit(pa: number, bytes: number, write: boolean, vlo: number, vhi: number): void {
    if (this.replaying) return;
    const cpu = this.m!.cpu;
    const ram = cpu.bus.ram;
    const hexOf = (lo: number, hi: number): string => '0x' + (bytes === 8 ? hex64(lo, hi) : ((bytes === 4 ? lo : lo & ((1 << (8 * bytes)) - 1)) >>> 0).toString(16).padStart(bytes * 2, '0'));
    let before = '';
    if (ram.contains(pa, bytes)) {
      const b = ram.readBytes(pa, bytes);
      const dv = new DataView(b.buffer);
      before = hexOf(bytes >= 4 ? dv.getInt32(0, true) : bytes === 2 ? dv.getUint16(0, true) : dv.getUint8(0), bytes === 8 ? dv.getInt32(4, true) : 0);
    }
    const pc = this.symbolize(cpu.pcHi * 2 ** 32 + (cpu.pcLo >>> 0));
    this.stopDescription = write
      ? `Memory write: ${bytes} byte${bytes === 1 ? '' : 's'} at PA 0x${pa.toString(16)} by ${pc}: ${hexOf(vlo, vhi)}${before ? ` (was ${before})` : ''}`
      : `Memory read: ${bytes} byte${bytes === 1 ? '' : 's'} at PA 0x${pa.toString(16)} by ${pc}${before ? `: ${before}` : ''}`;
    this.requestedKind = 'data breakpoint';
    cpu.stopSoon(this.stopDescription);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (!this.m) return;
    if (this.settings!.stopOnEntry) this.stopped('entry', 'Stopped at the entry point');
    else this.resume();
  }

  // ---- breakpoints -----------------------------------------------------------------------

  private symbolAddress(name: string): number | undefined {
    const s = this.settings?.image.symbols.find((x) => x.name === name);
    return s ? Number(s.value) : undefined;
  }

  private symbolize(addr: number): string {
    let best: { name: string; value: number } | undefined;
    for (const s of this.settings?.image.symbols ?? []) {
      const v = Number(s.value);
      // Mapping symbols ($x, $d) and constants (SHN_ABS: GUEST_IPA = 0x40000000) name no code.
      if (s.name && !s.name.startsWith('$') && s.shndx !== 0 && s.shndx !== 0xfff1 && v <= addr && (!best || v > best.value)) best = { name: s.name, value: v };
    }
    return best ? (addr === best.value ? best.name : `${best.name}+0x${(addr - best.value).toString(16)}`) : `0x${addr.toString(16)}`;
  }

  /**
   * Resolves each requested breakpoint to an address (or the message saying
   * why it has none), keeps the addresses in `into`, and answers.
   */
  private answerBreakpoints<T extends { condition?: string; hitCondition?: string }>(response: DebugProtocol.Response, requested: readonly T[], resolve: (b: T) => number | string, into: [number, number][]): void {
    for (const [lo, hi] of into) this.bpOptions.delete(`${hi}:${lo}`);
    into.length = 0;
    const out: DebugProtocol.Breakpoint[] = requested.map((b) => {
      const addr = resolve(b);
      if (typeof addr === 'string') return { verified: false, message: addr };
      const hit = b.hitCondition?.trim() ? parseHitCondition(b.hitCondition) : null;
      if (typeof hit === 'string') return { verified: false, message: hit };
      const cond = b.condition?.trim() ? parseBreakCondition(b.condition) : null;
      if (typeof cond === 'string') return { verified: false, message: cond };
      const pair: [number, number] = [addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32) | 0];
      into.push(pair);
      if (hit || cond) this.bpOptions.set(`${pair[1]}:${pair[0]}`, { hit, cond, hits: 0 });
      return { verified: true, instructionReference: '0x' + addr.toString(16) };
    });
    this.applyBreakpoints();
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  private applyBreakpoints(): void {
    this.bps.set([...this.instructionBps, ...this.functionBps, ...[...this.sourceBps.values()].flat()]);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.answerBreakpoints(response, args.breakpoints, (b) => {
      const base = Number(b.instructionReference);
      const addr = base + (b.offset ?? 0);
      return Number.isFinite(base) && addr % 4 === 0 && addr >= 0 && addr < 2 ** 64 ? addr : `not an instruction address: ${b.instructionReference}${b.offset ? ` + ${b.offset}` : ''}`;
    }, this.instructionBps);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.answerBreakpoints(response, args.breakpoints, (b) => this.symbolAddress(b.name) ?? `no symbol '${b.name}' in ${this.settings?.program ?? 'the image'}`, this.functionBps);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path ? resolvePath(args.source.path) : undefined;
    const requested = args.breakpoints ?? [];
    const lines = this.lines;
    if (!path || !lines || lines.size === 0) {
      response.body = { breakpoints: requested.map(() => ({ verified: false, message: this.lines === null ? 'start the session to place source breakpoints' : 'the image has no DWARF line information (assemble with -g): use a function or instruction breakpoint' })) };
      this.sendResponse(response);
      return;
    }
    const pairs: [number, number][] = [];
    const out = requested.map((b): DebugProtocol.Breakpoint => {
      const r = lines.addressesFor(path, b.line);
      if (!r) return { verified: false, line: b.line, message: `no code at or after line ${b.line} of ${basename(path)} in the image` };
      for (const a of r.addresses) pairs.push([a % 2 ** 32 | 0, Math.floor(a / 2 ** 32) | 0]);
      const opts = b.condition?.trim() || b.hitCondition?.trim() || b.logMessage ? { condition: b.condition, hitCondition: b.hitCondition } : null;
      if (opts) {
        const hit = opts.hitCondition?.trim() ? parseHitCondition(opts.hitCondition) : null;
        const cond = opts.condition?.trim() ? parseBreakCondition(opts.condition) : null;
        if (typeof hit === 'string') return { verified: false, line: b.line, message: hit };
        if (typeof cond === 'string') return { verified: false, line: b.line, message: cond };
        for (const a of r.addresses) this.bpOptions.set(`${Math.floor(a / 2 ** 32) | 0}:${a % 2 ** 32 | 0}`, { hit, cond, hits: 0, ...(b.logMessage ? { log: b.logMessage } : {}) });
      }
      return { verified: true, line: r.line, source: { path, name: basename(path) } };
    });
    this.sourceBps.set(path, pairs);
    this.applyBreakpoints();
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const options = args.filterOptions ?? [];
    const known = new Set(FILTERS.map((f) => f.filter));
    const launchOn = (this.settings?.stopAt ?? []).filter((f) => !args.filters.includes(f) && !options.some((o) => o.filterId === f));
    const errors = this.filters.set([...args.filters.filter((f) => known.has(f)), ...launchOn], options.filter((o) => known.has(o.filterId)));
    const ids = [...args.filters, ...options.map((o) => o.filterId)];
    response.body = {
      breakpoints: ids.map((id) => (!known.has(id) ? { verified: false, message: `unknown filter '${id}'` } : errors.has(id) ? { verified: false, message: errors.get(id)! } : { verified: true })),
    };
    this.sendResponse(response);
  }

  // ---- running -----------------------------------------------------------------------------

  /** The views' events of the last slice, as one custom `nvlabEvents` event. */
  private flushViewEvents(): void {
    if (this.viewBatch.length === 0 && this.viewDropped === 0) return;
    this.sendEvent(new Event('nvlabEvents', { events: this.viewBatch, dropped: this.viewDropped }));
    this.viewBatch = [];
    this.viewDropped = 0;
  }

  private flushOutput(): void {
    this.flushViewEvents();
    if (this.uart.length === 0) return;
    this.sendEvent(new OutputEvent(Buffer.from(this.uart).toString('latin1'), 'stdout'));
    this.uart = [];
  }

  private stopped(kind: StopKind, description: string): void {
    this.running = false;
    this.flushOutput();
    const ev = new StoppedEvent(kind, THREAD) as DebugProtocol.StoppedEvent;
    ev.body.description = description;
    ev.body.text = description;
    ev.body.allThreadsStopped = true;
    this.sendEvent(ev);
  }

  private finish(status: number | null, message?: string): void {
    this.running = false;
    this.finished = true;
    this.flushOutput();
    if (message) this.sendEvent(new OutputEvent(`nvlab: ${message}\n`, 'stderr'));
    if (status !== null) this.sendEvent(new ExitedEvent(status));
    this.trace?.end();
    this.trace = null;
    this.sendEvent(new TerminatedEvent());
  }

  /** Runs slice after slice until something stops the run. */
  private resume(): void {
    if (!this.m || this.finished) return;
    const cpu = this.m.cpu;
    // Continuing from a breakpoint executes its instruction first.
    this.bps.skipLo = cpu.pcLo;
    this.bps.skipHi = cpu.pcHi;
    this.running = true;
    this.pauseRequested = false;
    const step = (): void => {
      if (!this.running || !this.m) return;
      const r = this.m.run(SLICE);
      this.flushOutput();
      this.maybeCheckpoint();
      switch (r.kind) {
        case 'limit':
          if (this.pauseRequested) this.stopped('pause', 'Paused');
          else setImmediate(step);
          return;
        case 'breakpoint': {
          const pc = cpu.pcHi * 2 ** 32 + (cpu.pcLo >>> 0);
          if (!this.shouldStopAtBreakpoint(cpu.pcLo, cpu.pcHi)) {
            this.bps.skipLo = cpu.pcLo;
            this.bps.skipHi = cpu.pcHi;
            setImmediate(step);
            return;
          }
          const here = ([lo, hi]: [number, number]): boolean => lo === cpu.pcLo && hi === cpu.pcHi;
          const kind: StopKind = [...this.sourceBps.values()].some((l) => l.some(here)) ? 'breakpoint' : this.functionBps.some(here) ? 'function breakpoint' : 'instruction breakpoint';
          const line = this.lines?.lineAt(pc);
          this.stopped(kind, `Breakpoint at ${this.symbolize(pc)}${line && kind === 'breakpoint' ? ` (${basename(line.path)}:${line.line})` : ''}`);
          return;
        }
        case 'requested':
          this.stopped(this.requestedKind, r.why);
          return;
        case 'exit':
          this.finish(r.status);
          return;
        case 'halted':
          this.finish(null, `guest halted: ${r.message}`);
          return;
        case 'stopped':
          if (this.filters.has('unimplemented')) {
            this.finished = true;
            this.stopped('exception', `nvlab cannot continue: ${r.error.message}`);
          } else this.finish(125, r.error.message);
          return;
      }
    };
    setImmediate(step);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    if (this.finished) this.finish(null);
    else this.resume();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    if (this.running) this.pauseRequested = true;
    else this.stopped('pause', 'Paused');
  }

  private stepInstruction(response: DebugProtocol.Response): void {
    this.sendResponse(response);
    if (!this.m || this.finished) return;
    const cpu = this.m.cpu;
    this.bps.skipLo = cpu.pcLo;
    this.bps.skipHi = cpu.pcHi;
    const r = this.m.run(1);
    if (r.kind === 'exit') return this.finish(r.status);
    if (r.kind === 'stopped') return this.finish(125, r.error.message);
    if (r.kind === 'halted') return this.finish(null, `guest halted: ${r.message}`);
    if (r.kind === 'requested') return this.stopped(this.requestedKind, r.why);
    this.stopped('step', 'Stepped one instruction');
  }

  /**
   * Steps by source line: instruction by instruction until the PC is on
   * another line that has code; `over` runs a call (BL/BLR) to its return.
   * Falls back to one instruction where the PC has no line.
   */
  private stepLine(response: DebugProtocol.Response, over: boolean): void {
    const m = this.m;
    const lines = this.lines;
    const cpu = m?.cpu;
    const pcOf = (): number => cpu!.pcHi * 2 ** 32 + (cpu!.pcLo >>> 0);
    const start = m && lines ? lines.lineAt(pcOf()) : undefined;
    if (!m || !cpu || !lines || !start || this.finished) {
      this.stepInstruction(response);
      return;
    }
    this.sendResponse(response);
    for (let i = 0; i < 1_000_000; i++) {
      const pc = pcOf();
      const word = peekVirtual(cpu, cpu.pcLo, cpu.pcHi, 4);
      const w = word ? (word[0]! | (word[1]! << 8) | (word[2]! << 16) | (word[3]! << 24)) >>> 0 : 0;
      // BL, BLR (unsigned compares: the masks have bit 31 set).
      const isCall = (w & 0xfc000000) >>> 0 === 0x94000000 || (w & 0xfffffc1f) >>> 0 === 0xd63f0000;
      this.bps.skipLo = cpu.pcLo;
      this.bps.skipHi = cpu.pcHi;
      let r: ReturnType<VirtMachine['run']>;
      if (over && isCall) {
        // Run the call to its return address (a temporary breakpoint), other stops still count.
        const ret = pc + 4;
        const saved = this.functionBps.slice();
        this.functionBps.push([ret % 2 ** 32 | 0, Math.floor(ret / 2 ** 32) | 0]);
        this.applyBreakpoints();
        r = m.run(50_000_000);
        this.functionBps.length = 0;
        this.functionBps.push(...saved);
        this.applyBreakpoints();
        if (r.kind === 'breakpoint' && pcOf() !== ret) return this.stopped('breakpoint', `Breakpoint at ${this.symbolize(pcOf())}`);
      } else r = m.run(1);
      if (r.kind === 'exit') return this.finish(r.status);
      if (r.kind === 'stopped') return this.finish(125, r.error.message);
      if (r.kind === 'halted') return this.finish(null, `guest halted: ${r.message}`);
      if (r.kind === 'requested') return this.stopped(this.requestedKind, r.why);
      const now = lines.lineAt(pcOf());
      if (now && (now.line !== start.line || now.path !== start.path)) return this.stopped('step', `Stepped to line ${now.line}`);
    }
    this.stopped('step', 'Stepped: the line did not end within a million instructions');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    if (args.granularity === 'instruction') this.stepInstruction(response);
    else this.stepLine(response, true);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    if (args.granularity === 'instruction') this.stepInstruction(response);
    else this.stepLine(response, false);
  }

  /** Runs to the return address in x30 (the caller of a function that has not pushed it yet, or has restored it). */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    const m = this.m;
    if (!m || this.finished) {
      this.stepInstruction(response);
      return;
    }
    this.sendResponse(response);
    const cpu = m.cpu;
    const ret: [number, number] = [cpu.xlo[30]!, cpu.xhi[30]!];
    this.bps.skipLo = cpu.pcLo;
    this.bps.skipHi = cpu.pcHi;
    this.functionBps.push(ret);
    this.applyBreakpoints();
    const r = m.run(50_000_000);
    this.functionBps.pop();
    this.applyBreakpoints();
    if (r.kind === 'exit') return this.finish(r.status);
    if (r.kind === 'stopped') return this.finish(125, r.error.message);
    if (r.kind === 'halted') return this.finish(null, `guest halted: ${r.message}`);
    if (r.kind === 'requested') return this.stopped(this.requestedKind, r.why);
    if (r.kind === 'limit') return this.stopped('pause', 'Step out: no return within 50 million instructions');
    const pc = cpu.pcHi * 2 ** 32 + (cpu.pcLo >>> 0);
    this.stopped(cpu.pcLo === ret[0] && cpu.pcHi === ret[1] ? 'step' : 'breakpoint', `${cpu.pcLo === ret[0] && cpu.pcHi === ret[1] ? 'Returned to' : 'Breakpoint at'} ${this.symbolize(pc)}`);
  }

  /** Restart: the image reloaded into a machine reset as at launch, breakpoints and filters kept. */
  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    const s = this.settings;
    if (!this.m || !s) {
      this.sendErrorResponse(response, 1003, 'nothing to restart: launch first');
      return;
    }
    this.running = false;
    this.finished = false;
    this.lastEvent = null;
    // A new timeline from the launch state: earlier edits and later checkpoints are gone.
    this.m.restore(this.checkpoints!.launch.snap);
    this.checkpoints!.reset();
    this.edits.length = 0;
    this.sendResponse(response);
    if (s.stopOnEntry) this.stopped('entry', 'Restarted: stopped at the entry point');
    else this.resume();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.finish(null);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.running = false;
    this.trace?.end();
    this.trace = null;
    this.sendResponse(response);
  }

  // ---- state -------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'vCPU 0')] };
    this.sendResponse(response);
  }

  /** Where the vCPU is, as the image sees it: at EL2 its own code, below its guests'. */
  private location(): string {
    const m = this.m!;
    const host = m.host;
    if (!host) return `EL${m.cpu.el}`;
    return host.context === 'hyp' ? (m.cpu.el === 0 ? 'vEL2 host EL0' : 'vEL2 (guest hypervisor)') : `L2 EL${m.cpu.el}`;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    if (!this.m) {
      response.body = { stackFrames: [], totalFrames: 0 };
      this.sendResponse(response);
      return;
    }
    const cpu = this.m.cpu;
    const pc = cpu.pcHi * 2 ** 32 + (cpu.pcLo >>> 0);
    const at = this.lines?.lineAt(pc);
    const frame = (at ? new StackFrame(1, `${this.symbolize(pc)} [${this.location()}]`, new Source(basename(at.path), at.path), at.line, 1) : new StackFrame(1, `${this.symbolize(pc)} [${this.location()}]`)) as DebugProtocol.StackFrame;
    frame.instructionPointerReference = '0x' + hex64(cpu.pcLo, cpu.pcHi);
    const frames = [frame];
    const host = this.m.host;
    if (host && host.context === 'guest') {
      // The guest hypervisor's own state: where it returned to its guest from (ELR_EL2).
      const v = host.vpe.regs;
      const elr = v.hi[SR.ELR_EL2]! * 2 ** 32 + (v.lo[SR.ELR_EL2]! >>> 0);
      const f2 = new StackFrame(2, `guest hypervisor (vEL2): VBAR_EL2 0x${hex64(v.lo[SR.VBAR_EL2]!, v.hi[SR.VBAR_EL2]!)}, last ELR_EL2 ${this.symbolize(elr)}`) as DebugProtocol.StackFrame;
      f2.presentationHint = 'subtle';
      frames.push(f2);
    }
    const inEl2 = host ? host.context === 'hyp' && cpu.el !== 0 : cpu.el === 2;
    if (inEl2) {
      // The hypervisor's last exception entry, when it came from below: the guest's frame it trapped from.
      const file = host ? host.vpe.regs : cpu.sr;
      const spsr = file.lo[SR.SPSR_EL2]!;
      const from = (spsr >>> 2) & 3;
      // ESR_EL2 resets to 0 here and every exception writes a non-zero EC into it: none yet, no frame.
      const taken = file.lo[SR.ESR_EL2]! !== 0 || file.hi[SR.ESR_EL2]! !== 0;
      if (taken && (spsr & 0x10) === 0 && from < 2) {
        const elr = file.hi[SR.ELR_EL2]! * 2 ** 32 + (file.lo[SR.ELR_EL2]! >>> 0);
        const esr = decodeEsr(big(file, SR.ESR_EL2), { sysregName: sysregNameForKey });
        const f = new StackFrame(2, `${this.symbolize(elr)} [${host ? 'L2 ' : ''}EL${from}, last exception entry to ${host ? 'vEL2' : 'EL2'}: ${esr.summary}]`) as DebugProtocol.StackFrame;
        f.instructionPointerReference = '0x' + elr.toString(16);
        f.presentationHint = 'subtle';
        frames.push(f);
      }
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    const scopes = [new Scope('Registers', Ref.REGISTERS, false), new Scope('PSTATE', Ref.PSTATE, false), new Scope('System registers', Ref.SYSREGS, true)];
    if (this.m?.host) scopes.push(new Scope('Virtual EL2 (guest hypervisor)', Ref.VIRTUAL, true), new Scope('Shadow stage-2 MMUs', Ref.SHADOW, true));
    scopes.push(new Scope(this.m?.host ? 'Last ESR_EL2 (virtual EL2), decoded' : 'Last ESR_EL2, decoded', Ref.ESR, true));
    scopes.push(new Scope(`TLB (${this.m?.cpu.mmu.tlb.size ?? 0} entries)`, Ref.TLB, true));
    if (this.lastEvent) scopes.push(new Scope('Last event', Ref.EVENT, false));
    response.body = { scopes };
    this.sendResponse(response);
  }

  private sysregVariables(file: { lo: Int32Array; hi: Int32Array }, virtual: boolean, names: readonly string[] = SYSREGS): DebugProtocol.Variable[] {
    return names.map((name) => ({
      name,
      value: '0x' + hex64(file.lo[SLOTS[name]!]!, file.hi[SLOTS[name]!]!),
      variablesReference: (virtual ? Ref.VIRTUAL_FIELDS : Ref.FIELDS) + SLOTS[name]!,
      evaluateName: virtual ? `v.${name}` : name,
    }));
  }

  /** The ranges a shadow stage 2 maps, described (at most 1000, then a line saying so). */
  private shadowMappings(index: number): { range: string; target: string }[] {
    const c = this.m?.host?.pool.contexts[index];
    if (!c?.valid) return [];
    const { ranges, more } = c.tables.mappings(1000);
    const out = ranges.map(describeStage2Mapping);
    if (more) out.push({ range: '…', target: 'more mappings than the 1000 shown' });
    return out;
  }

  /** The group nodes under the common registers. */
  private groupVariables(virtual: boolean): DebugProtocol.Variable[] {
    return SYSREG_GROUPS.map((g, i) => ({ name: g.label, value: `${g.names.length} registers`, variablesReference: Ref.GROUPS + 2 * i + (virtual ? 1 : 0), namedVariables: g.names.length }));
  }

  /**
   * The architectural TLB's entries, by regime, VMID, ASID and address: what
   * translation a guest gets before any walk (and keeps until a TLBI).
   */
  private tlbVariables(): DebugProtocol.Variable[] {
    const kinds = ['EL1&0', 'EL2', 'EL2&0', 'stage 2'];
    const rows: { key: number[]; v: DebugProtocol.Variable }[] = [];
    for (const e of this.m!.cpu.mmu.tlb.entries()) {
      const size = 2 ** e.shift;
      const base = e.vpn * size;
      const sizeText = size >= 2 ** 30 ? `${size / 2 ** 30}G` : size >= 2 ** 20 ? `${size / 2 ** 20}M` : `${size / 1024}K`;
      const input = e.kind === 3 ? `IPA 0x${base.toString(16)}` : `VA 0x${base.toString(16)}`;
      // Stage 2 and EL1&0 are tagged by VMID; stage-1 entries by ASID unless global.
      const tags = e.kind === 3 ? [`VMID ${e.vmid}`] : [...(e.kind === 0 ? [`VMID ${e.vmid}`] : []), e.asid >= 0 ? `ASID ${e.asid}` : 'global'];
      rows.push({
        key: [e.kind, e.vmid, e.asid, base],
        v: {
          name: `${kinds[e.kind]} ${input}`,
          value: `→ PA 0x${e.pa.toString(16)}, ${sizeText}${e.ipa >= 0 && e.kind !== 3 ? ` (IPA 0x${e.ipa.toString(16)})` : ''}, ${tags.join(', ')}, level ${e.level}, attr 0x${e.attr.toString(16).padStart(2, '0')}${e.device ? ' Device' : ''}`,
          variablesReference: 0,
        },
      });
    }
    rows.sort((a, b) => {
      for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
      return 0;
    });
    return rows.map((r) => r.v);
  }

  private fieldVariables(file: { lo: Int32Array; hi: Int32Array }, slot: number, virtual: boolean): DebugProtocol.Variable[] {
    const name = SR[slot];
    // A reference the client made up names no register.
    if (name === undefined) return [];
    const v = big(file, slot);
    return fieldsOf(name).map((f) => ({
      name: `${f.name} [${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]`,
      value: '0x' + ((v >> BigInt(f.lsb)) & ((1n << BigInt(f.msb - f.lsb + 1)) - 1n)).toString(16),
      variablesReference: 0,
      evaluateName: `${virtual ? 'v.' : ''}${name}.${f.name}`,
    }));
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const m = this.m;
    let vars: DebugProtocol.Variable[] = [];
    if (m) {
      const cpu = m.cpu;
      switch (args.variablesReference) {
        case Ref.REGISTERS:
          for (let i = 0; i < 31; i++) vars.push({ name: `x${i}`, value: '0x' + hex64(cpu.xlo[i]!, cpu.xhi[i]!), variablesReference: 0, evaluateName: `x${i}` });
          vars.push({ name: 'sp', value: '0x' + hex64(cpu.xlo[SP]!, cpu.xhi[SP]!), variablesReference: 0, evaluateName: 'sp' });
          vars.push({ name: 'pc', value: '0x' + hex64(cpu.pcLo, cpu.pcHi), variablesReference: 0, evaluateName: 'pc' });
          break;
        case Ref.PSTATE:
          vars = [
            ['EL', `${cpu.el} (${this.location()})`],
            ['SPSel', String(cpu.spsel)],
            ['NZCV', ['N', 'Z', 'C', 'V'].map((f, i) => ((cpu.nzcv >> (3 - i)) & 1 ? f : '-')).join('')],
            ['DAIF', ['D', 'A', 'I', 'F'].map((f, i) => ((cpu.daif >> (3 - i)) & 1 ? f : '-')).join('')],
            ['PAN', String(cpu.pan)],
            ['IL', String(cpu.il)],
          ].map(([name, value]) => ({ name: name!, value: value!, variablesReference: 0 }));
          break;
        case Ref.SYSREGS:
          vars = [...this.sysregVariables(cpu.sr, false), ...this.groupVariables(false)];
          break;
        case Ref.VIRTUAL:
          if (m.host) vars = [...this.sysregVariables(m.host.vpe.regs, true), ...this.groupVariables(true)];
          break;
        case Ref.TLB:
          vars = this.tlbVariables();
          break;
        case Ref.SHADOW:
          if (m.host) {
            vars = m.host.pool.contexts.map((c) => ({
              name: `context ${c.index}${m.host!.current === c ? ' (loaded)' : ''}`,
              value: c.valid ? `VMID ${c.vmid}${c.byVmid ? ' (stage 2 off)' : `, VTTBR 0x${hex64(c.vttbrLo, c.vttbrHi)}, VTCR 0x${(c.vtcr >>> 0).toString(16)}`}, refs ${c.refs}, ${c.tables.leaves} mapping${c.tables.leaves === 1 ? '' : 's'}, physical VMID ${c.physVmid}` : `free (physical VMID ${c.physVmid})`,
              variablesReference: c.valid && c.tables.leaves > 0 ? Ref.SHADOW_MAPPINGS + c.index : 0,
            }));
          }
          break;
        case Ref.ESR: {
          const file = m.host ? m.host.vpe.regs : cpu.sr;
          const d = decodeEsr(big(file, SR.ESR_EL2), { sysregName: sysregNameForKey });
          vars = [{ name: 'summary', value: d.summary, variablesReference: 0 }, ...d.fields.filter((f) => f.name !== 'RES0').map((f) => ({ name: `${f.name} [${f.bits[0] === f.bits[1] ? f.bits[0] : `${f.bits[0]}:${f.bits[1]}`}]`, value: `0x${f.value.toString(16)}${f.meaning ? `: ${f.meaning}` : ''}`, variablesReference: 0 }))];
          break;
        }
        default:
          if (args.variablesReference >= Ref.SHADOW_MAPPINGS && m.host) {
            vars = this.shadowMappings(args.variablesReference - Ref.SHADOW_MAPPINGS).map((d) => ({ name: d.range, value: d.target, variablesReference: 0 }));
          } else if (args.variablesReference >= Ref.GROUPS && args.variablesReference < Ref.FIELDS) {
            const g = args.variablesReference - Ref.GROUPS;
            const virtual = (g & 1) === 1;
            const file = virtual ? m.host?.vpe.regs : cpu.sr;
            if (file) vars = this.sysregVariables(file, virtual, SYSREG_GROUPS[g >> 1]?.names ?? []);
          } else if (args.variablesReference >= Ref.VIRTUAL_FIELDS && m.host) vars = this.fieldVariables(m.host.vpe.regs, args.variablesReference - Ref.VIRTUAL_FIELDS, true);
          else if (args.variablesReference >= Ref.FIELDS) vars = this.fieldVariables(cpu.sr, args.variablesReference - Ref.FIELDS, false);
          break;
        case Ref.EVENT:
          if (this.lastEvent) vars = Object.entries(this.lastEvent).map(([name, v]) => ({ name, value: typeof v === 'string' ? v : JSON.stringify(v), variablesReference: 0 }));
          break;
      }
    }
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  /** `x0`, `pc`, `HCR_EL2`, `HCR_EL2.TID3`, `*(u64*)0x40001000`; the virtual EL2's with a `v.` prefix. */
  private evaluate(expr: string): string {
    const m = this.m;
    if (!m) throw new Error('nothing is running');
    const cpu = m.cpu;
    const e = expr.trim();
    const mem = /^\*\s*\(\s*u(8|16|32|64)\s*\*\s*\)\s*(0x[0-9a-fA-F]+|\d+)$/.exec(e);
    if (mem) {
      const bytes = Number(mem[1]) / 8;
      const addr = Number(mem[2]);
      const data = peekVirtual(cpu, addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32) | 0, bytes);
      if (!data) throw new Error(`0x${addr.toString(16)} is not readable RAM in the current translation regime`);
      let v = 0n;
      for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
      return '0x' + v.toString(16).padStart(bytes * 2, '0');
    }
    const at = /^at\s+s(1|12)e([012])([rw])\s+(0x[0-9a-fA-F]+|\d+)$/i.exec(e);
    if (at) return this.translate(at[1] === '12', Number(at[2]), at[3]!.toLowerCase() === 'w', BigInt(at[4]!));
    const xr = /^[xX](\d+)$/.exec(e);
    if (xr && Number(xr[1]) < 31) return '0x' + hex64(cpu.xlo[Number(xr[1])]!, cpu.xhi[Number(xr[1])]!);
    if (/^pc$/i.test(e)) return '0x' + hex64(cpu.pcLo, cpu.pcHi);
    if (/^sp$/i.test(e)) return '0x' + hex64(cpu.xlo[SP]!, cpu.xhi[SP]!);
    const virtual = /^v\./i.test(e);
    const file = virtual ? m.host?.vpe.regs : cpu.sr;
    if (!file) throw new Error('the virtual EL2 registers exist in nested mode only');
    const [regName, field] = e.replace(/^v\./i, '').toUpperCase().split('.');
    const slot = SLOTS[regName!];
    if (slot === undefined) throw new Error(`cannot evaluate '${expr}': not a register (x0-x30, pc, a system register name, REG.FIELD, v.REG for the virtual EL2), *(u64*)ADDRESS or at s1e2r|s12e1r|... ADDRESS`);
    const value = (BigInt(file.hi[slot]! >>> 0) << 32n) | BigInt(file.lo[slot]! >>> 0);
    if (!field) return '0x' + value.toString(16).padStart(16, '0');
    const reg = findSysreg(regName!);
    const f = reg ? sysregFields(reg.register, { features: () => true }).find((x) => x.name.toUpperCase() === field) : undefined;
    if (!f) throw new Error(`${regName} has no field ${field}`);
    const width = BigInt(f.msb - f.lsb + 1);
    return '0x' + ((value >> BigInt(f.lsb)) & ((1n << width) - 1n)).toString(16);
  }

  /**
   * `at s12e1r 0x8000`: an address translation as the AT instruction would do
   * it, in the image's view (the virtual EL2's registers in nested mode),
   * without writing PAR_EL1: the PAR it would produce, decoded.
   */
  private translate(stage12: boolean, el: number, write: boolean, va: bigint): string {
    const pe = this.imagePe()!;
    if (stage12 && el === 2) throw new Error('there is no AT S12E2: stage 1+2 translations are for EL1 and EL0');
    const r = pe.mmu.at(Number(va & 0xffffffffn) | 0, Number((va >> 32n) & 0xffffffffn) | 0, stage12, el, write ? Access.WRITE : Access.READ, false, 2);
    const par = (BigInt(r.hi >>> 0) << 32n) | BigInt(r.lo >>> 0);
    if (r.abort) return `the translation table walk takes a stage-2 fault (AT would take a Data Abort): PAR 0x${par.toString(16)}`;
    if (par & 1n) {
      const fst = Number((par >> 1n) & 0x3fn);
      return `fault: ${faultStatus(fst, 'data').name}${par & (1n << 9n) ? ', stage 2' : ''}${par & (1n << 8n) ? ' on the stage-1 walk' : ''} (PAR 0x${par.toString(16)})`;
    }
    const pa = (par & 0x000ffffffffff000n) | (va & 0xfffn);
    return `PA 0x${pa.toString(16)} (MAIR attribute 0x${((par >> 56n) & 0xffn).toString(16).padStart(2, '0')}, SH ${(par >> 7n) & 3n}; PAR 0x${par.toString(16)})`;
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    try {
      response.body = { result: this.evaluate(args.expression), variablesReference: 0 };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 2001, (e as Error).message);
    }
  }

  /**
   * Writes x0-x30, sp, pc, a system register (with its write masks) or one
   * of its fields; returns what to show. Throws with the reason it cannot.
   */
  private applyEdit(ref: number, name: string, value: bigint): string {
    const m = this.m!;
    const cpu = m.cpu;
    const lo = Number(value & 0xffffffffn) | 0;
    const hi = Number(value >> 32n) | 0;
    if (ref === Ref.REGISTERS) {
      const x = /^x(\d+)$/.exec(name);
      if (x && Number(x[1]) < 31) {
        cpu.xlo[Number(x[1])] = lo;
        cpu.xhi[Number(x[1])] = hi;
      } else if (name === 'sp') {
        cpu.xlo[SP] = lo;
        cpu.xhi[SP] = hi;
      } else if (name === 'pc') {
        if (lo & 3) throw new Error('the PC must be a multiple of 4');
        cpu.pcLo = lo;
        cpu.pcHi = hi;
        cpu.contextChanged();
      } else throw new Error(`cannot set ${name}`);
      return '0x' + hex64(lo, hi);
    }
    if (ref === Ref.SYSREGS || ref === Ref.VIRTUAL || ref >= Ref.FIELDS) {
      const virtual = ref === Ref.VIRTUAL || ref >= Ref.VIRTUAL_FIELDS;
      const pe = virtual ? m.host?.vpe.pe : cpu;
      if (!pe) throw new Error('no virtual EL2 in direct mode');
      const slot = ref >= Ref.FIELDS ? ref - (virtual ? Ref.VIRTUAL_FIELDS : Ref.FIELDS) : SLOTS[name];
      if (slot === undefined || SR[slot] === undefined) throw new Error(`cannot set ${name}: no such register`);
      let v = value;
      if (ref >= Ref.FIELDS) {
        const f = fieldsOf(SR[slot]!).find((x) => x.name === name);
        if (!f) throw new Error(`${SR[slot]} has no field ${name}`);
        const width = BigInt(f.msb - f.lsb + 1);
        if (value >= 1n << width) throw new Error(`${name} is ${width} bits wide`);
        const mask = ((1n << width) - 1n) << BigInt(f.lsb);
        v = (big(pe.sr, slot) & ~mask) | (value << BigInt(f.lsb));
      }
      // As an MSR would write it: RES0 bits stay 0, RES1 bits 1.
      const w = pe.srMask;
      pe.sr.lo[slot] = (Number(v & 0xffffffffn) & w.keepLo[slot]!) | w.setLo[slot]!;
      pe.sr.hi[slot] = (Number(v >> 32n) & w.keepHi[slot]!) | w.setHi[slot]!;
      pe.contextChanged();
      cpu.contextChanged();
      return ref >= Ref.FIELDS ? '0x' + value.toString(16) : '0x' + hex64(pe.sr.lo[slot]!, pe.sr.hi[slot]!);
    }
    throw new Error(`${name} cannot be set here`);
  }

  /** Sets a register or field; the edit is recorded so that replays (step back) repeat it. */
  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    try {
      if (!/^\s*(0x[0-9a-fA-F]+|\d+)\s*$/.test(args.value)) throw new Error(`'${args.value}' is not a number (decimal or 0x...)`);
      const value = BigInt(args.value.trim());
      if (value < 0n || value >= 1n << 64n) throw new Error(`${args.value} does not fit in 64 bits`);
      if (!this.m) throw new Error('nothing is running');
      const name = args.name.replace(/\s*\[.*$/, '');
      const shown = this.applyEdit(args.variablesReference, name, value);
      const ref = args.variablesReference;
      this.recordEdit(() => this.applyEdit(ref, name, value));
      response.body = { value: shown };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 2003, (e as Error).message);
    }
  }

  // ---- reverse execution: replay from the nearest checkpoint ------------------------------

  /** An edit made now: later checkpoints describe a future without it. */
  private recordEdit(apply: () => void): void {
    const icount = this.m!.cpu.icount;
    this.edits.push({ seq: ++this.editSeq, icount, apply });
    this.checkpoints!.dropAfter(icount);
  }

  /** After a slice of a forward run: a checkpoint when the last one is far enough behind. */
  private maybeCheckpoint(): void {
    const m = this.m!;
    this.checkpoints!.maybeTake(m.cpu.icount, this.editSeq, (previous) => m.snapshot(previous));
  }

  /**
   * Puts the machine back at instruction `target`: restores the nearest
   * checkpoint at or before it (or `from`) and runs on, repeating the user's
   * edits where they were made. The machine is deterministic, so this is the
   * state it had then. `onBreakpoint` sees every breakpoint hit on the way
   * (breakpoints are armed only when it is given).
   */
  private replay(target: number, onBreakpoint?: (icount: number) => void, from: Checkpoint<Snapshot> | 'here' = this.checkpoints!.before(target)): void {
    const m = this.m!;
    const cpu = m.cpu;
    this.replaying = true;
    const saved = cpu.breakpoints;
    // From a checkpoint, the edits it does not hold; from here, those still ahead.
    const pending = from === 'here' ? (e: { seq: number; icount: number }): boolean => e.icount > cpu.icount : (e: { seq: number }): boolean => e.seq > from.seq;
    const todo = this.edits.filter((e) => pending(e) && e.icount <= target);
    try {
      if (from !== 'here') m.restore(from.snap);
      cpu.breakpoints = onBreakpoint ? saved : null;
      // A breakpoint at the checkpoint's own PC is a hit: nothing is stepped over.
      this.bps.skipLo = -1;
      this.bps.skipHi = -1;
      const runTo = (n: number): void => {
        while (cpu.icount < n) {
          const r = m.run(n - cpu.icount);
          if (r.kind === 'breakpoint') {
            onBreakpoint?.(cpu.icount);
            this.bps.skipLo = cpu.pcLo;
            this.bps.skipHi = cpu.pcHi;
            continue;
          }
          if (r.kind !== 'limit' && r.kind !== 'requested') break;
        }
      };
      for (const e of todo) {
        runTo(e.icount);
        e.apply();
      }
      runTo(target);
    } finally {
      cpu.breakpoints = saved;
      // The fetch window was built without breakpoints: rebuild it with them.
      cpu.contextChanged();
      this.replaying = false;
      this.uart = [];
      this.finished = false;
    }
  }

  /**
   * Going back to `target` abandons the future: edits made after it are
   * dropped (a later replay must not repeat them), and so are the
   * checkpoints that hold them.
   */
  private rewindTo(target: number): void {
    const dropped = this.edits.filter((e) => e.icount > target);
    if (dropped.length > 0) {
      const first = Math.min(...dropped.map((e) => e.seq));
      this.edits.splice(0, this.edits.length, ...this.edits.filter((e) => e.icount <= target));
      this.checkpoints!.dropHolding(first);
    }
    this.replay(target);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    if (!this.m) return;
    const now = this.m.cpu.icount;
    if (now === 0) return this.stopped('entry', 'At the entry point: nothing before it');
    this.rewindTo(now - 1);
    this.stopped('step', `Stepped back to instruction ${now - 1}`);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    if (!this.m) return;
    const now = this.m.cpu.icount;
    // Search backwards in growing windows: get to the window's start without breakpoints (from the
    // nearest checkpoint), then run to here with them. A breakpoint hit every few instructions
    // costs only the hits in the last window, not those of the whole run.
    let last = -1;
    for (let window = 4096; last < 0; window *= 8) {
      const start = Math.max(0, now - window);
      this.replay(start);
      this.replay(
        now,
        (icount) => {
          if (icount < now) last = Math.max(last, icount);
        },
        'here',
      );
      if (start === 0) break;
    }
    if (last < 0) {
      this.rewindTo(0);
      return this.stopped('entry', 'Ran back to the entry point: no breakpoint before');
    }
    this.rewindTo(last);
    const pc = this.m.cpu.pcHi * 2 ** 32 + (this.m.cpu.pcLo >>> 0);
    this.stopped('breakpoint', `Breakpoint at ${this.symbolize(pc)} (running backwards)`);
  }

  /**
   * `nvlabWalk`: a translation table walk of `address` in the image's view
   * (the regime of `el`, default the current EL; `stage12` adds stage 2),
   * every descriptor read with its fields, and the result.
   */
  private walk(args: { address?: unknown; el?: unknown; stage12?: unknown }): unknown {
    const pe = this.imagePe();
    if (!pe) throw new Error('nothing is running');
    const addr = typeof args.address === 'string' || typeof args.address === 'number' ? BigInt(args.address) : null;
    if (addr === null || addr < 0n || addr >= 1n << 64n) throw new Error('"address" must be a 64-bit virtual address');
    const el = typeof args.el === 'number' ? args.el : pe.el;
    if (el < 0 || el > 2) throw new Error('"el" is 0, 1 or 2');
    const fault = new Fault();
    const lo = Number(addr & 0xffffffffn) | 0;
    const hi = Number(addr >> 32n) | 0;
    const stage12 = args.stage12 !== false;
    const { entry, steps } = pe.mmu.debugWalk(lo, hi, el, stage12, fault);
    const hx = (n: number): string => '0x' + n.toString(16);
    // The steps are stage 1's, then stage 2's of the output (its levels start again); stage 2's alone when stage 1 is off.
    const regime = regimeForEl(pe.sr, el);
    let stage = stage1Enabled(pe.sr, regime) ? 1 : 2;
    let prev = -2;
    return {
      address: '0x' + addr.toString(16),
      el,
      regime: `${['EL1&0', 'EL2', 'EL2&0'][regime as number]}${regime === Regime.EL10 ? (stage12 && stage2Enabled(pe.sr, regime) ? ', stage 1 + stage 2' : ', stage 1') : ''}`,
      steps: steps.map((st) => {
        if (stage === 1 && st.level <= prev) stage = 2;
        prev = st.level;
        const type = (st.lo & 1) === 0 ? 'invalid' : st.level < 3 && (st.lo & 2) !== 0 ? 'table' : st.level === 3 && (st.lo & 2) === 0 ? 'reserved' : st.level === 3 ? 'page' : 'block';
        return {
          stage,
          level: st.level,
          address: hx(st.addr),
          pa: hx(st.pa),
          descriptor: '0x' + hex64(st.lo, st.hi),
          type,
          output: hx((st.hi & 0xffff) * 2 ** 32 + ((st.lo >>> 12) << 12 >>> 0)),
          fields: type === 'block' || type === 'page' ? { 'AttrIndx/MemAttr [5:2]': (st.lo >>> 2) & 0xf, 'AP/S2AP [7:6]': (st.lo >>> 6) & 3, 'SH [9:8]': (st.lo >>> 8) & 3, 'AF [10]': (st.lo >>> 10) & 1, 'nG [11]': (st.lo >>> 11) & 1, 'PXN/XN[0] [53]': (st.hi >>> 21) & 1, 'UXN/XN[1] [54]': (st.hi >>> 22) & 1 } : {},
        };
      }),
      result: entry ? { pa: hx(entry.pa + (Number(addr % (1n << BigInt(entry.shift))))), size: 2 ** entry.shift } : { fault: fault.describe() },
    };
  }

  /**
   * Custom requests of the client's views: `nvlabShadowMmus` (the L0 host's
   * shadow stage-2 pool), `nvlabWalk`, and `nvlabLocate` (the symbol and
   * source line of a guest address, for the trap log's "go to the guest PC").
   */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === 'nvlabLocate') {
      const address = Number((args as { address: string }).address);
      const line = Number.isSafeInteger(address) ? this.lines?.lineAt(address) : undefined;
      response.body = { symbol: Number.isSafeInteger(address) ? this.symbolize(address) : null, ...(line ? { path: line.path, line: line.line } : {}) };
      this.sendResponse(response);
      return;
    }
    if (command === 'nvlabShadowMappings') {
      response.body = { mappings: this.shadowMappings((args as { index: number }).index) };
      this.sendResponse(response);
      return;
    }
    if (command === 'nvlabWalk') {
      try {
        response.body = this.walk(args as { address?: unknown; el?: unknown; stage12?: unknown });
        this.sendResponse(response);
      } catch (e) {
        this.sendErrorResponse(response, 1015, (e as Error).message);
      }
      return;
    }
    if (command !== 'nvlabShadowMmus') {
      this.sendErrorResponse(response, 1014, `unrecognised request '${command}'`);
      return;
    }
    const host = this.m?.host;
    response.body = {
      contexts: (host?.pool.contexts ?? []).map((c) => ({
        index: c.index,
        valid: c.valid,
        loaded: host!.current === c,
        vmid: c.vmid,
        vttbr: '0x' + hex64(c.vttbrLo, c.vttbrHi),
        vtcr: '0x' + (c.vtcr >>> 0).toString(16),
        byVmid: c.byVmid,
        refs: c.refs,
        mappings: c.tables.leaves,
        physVmid: c.physVmid,
      })),
    };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const base = Number(args.memoryReference) + (args.offset ?? 0);
    if (!this.m || !Number.isFinite(base) || args.count < 0 || args.count > 1 << 20) {
      this.sendErrorResponse(response, 2002, `cannot read ${args.count} bytes at ${args.memoryReference}`);
      return;
    }
    const data = peekVirtual(this.m.cpu, base % 2 ** 32 | 0, Math.floor(base / 2 ** 32) | 0, args.count);
    response.body = data ? { address: '0x' + base.toString(16), data: Buffer.from(data).toString('base64') } : { address: '0x' + base.toString(16), unreadableBytes: args.count };
    this.sendResponse(response);
  }

  /** Writes guest RAM at a virtual address of the current regime; recorded so that replays repeat it. */
  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const base = Number(args.memoryReference) + (args.offset ?? 0);
    const data = Buffer.from(args.data ?? '', 'base64');
    const m = this.m;
    if (!m || !Number.isSafeInteger(base) || base < 0 || base >= 2 ** 64 || data.length > 1 << 20) {
      this.sendErrorResponse(response, 2004, `cannot write ${data.length} bytes at ${args.memoryReference}${m ? '' : ': nothing is running'}`);
      return;
    }
    const bytes = new Uint8Array(data);
    const poke = (): boolean => pokeVirtual(m.cpu, base % 2 ** 32 | 0, Math.floor(base / 2 ** 32) | 0, bytes);
    if (!poke()) {
      this.sendErrorResponse(response, 2005, `0x${base.toString(16)}..0x${(base + bytes.length - 1).toString(16)} is not all RAM in the current translation regime: nothing written`);
      return;
    }
    // Nothing to invalidate: fetch reads RAM words directly and the decode cache is keyed by the word.
    this.recordEdit(poke);
    response.body = { bytesWritten: bytes.length };
    this.sendResponse(response);
    this.sendEvent(new Event('memory', { memoryReference: args.memoryReference, offset: args.offset ?? 0, count: bytes.length }));
  }

  /**
   * The disassembly view: instructions around an address, read in the
   * current translation regime, in objdump's syntax with symbols and, where
   * the image has line information, their source lines.
   */
  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const m = this.m;
    const base = Number(args.memoryReference) + (args.offset ?? 0);
    const count = args.instructionCount;
    if (!m || !Number.isSafeInteger(base) || !Number.isInteger(count) || count < 0 || count > 100_000) {
      this.sendErrorResponse(response, 2006, `cannot disassemble ${count} instructions at ${args.memoryReference}${m ? '' : ': nothing is running'}`);
      return;
    }
    const start = base - (base % 4) + (args.instructionOffset ?? 0) * 4;
    const instructions: DebugProtocol.DisassembledInstruction[] = [];
    for (let i = 0; i < count; i++) {
      const addr = start + 4 * i;
      const address = '0x' + (addr < 0 ? 0 : addr).toString(16).padStart(16, '0');
      const lo = addr % 2 ** 32 | 0;
      const hi = Math.floor(addr / 2 ** 32) | 0;
      const bytes = addr >= 0 && addr < 2 ** 64 ? peekVirtual(m.cpu, lo, hi, 4) : null;
      if (!bytes) {
        // Outside the address space or not RAM in this regime: the view shows the gap.
        instructions.push({ address, instruction: '??', presentationHint: 'invalid' });
        continue;
      }
      const word = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
      const d = disassemble(word, { pcLo: lo, pcHi: hi, ...(this.targetNames ? { symbolize: this.targetNames } : {}) });
      const ins: DebugProtocol.DisassembledInstruction = {
        address,
        instructionBytes: (word >>> 0).toString(16).padStart(8, '0'),
        // objdump aligns comments with tabs and spaces; one space reads better in the view.
        instruction: d.text.replace(/\s*\t/g, ' '),
      };
      const sym = this.symbolize(addr);
      if (!sym.startsWith('0x')) ins.symbol = sym.replace(/\+0x[0-9a-f]+$/, '');
      const at = this.lines?.lineAt(addr);
      if (at) {
        ins.location = new Source(basename(at.path), at.path);
        ins.line = at.line;
      }
      instructions.push(ins);
    }
    response.body = { instructions };
    this.sendResponse(response);
  }
}
