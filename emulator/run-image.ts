import type { NvEvent } from './events.js';
import type { HostStats } from './nested/l0-host.js';
import { ElfError, parseElf } from './platform/elf.js';
import { VIRT, VirtMachine, type MachineConfig, type RunOutcome } from './platform/virt-machine.js';

export interface RunImageOptions extends MachineConfig {
  maxInstructions?: number;
  onEvent?: (e: NvEvent) => void;
  /** Streams guest output as it is produced (otherwise it is only collected). */
  onStdout?: (bytes: Uint8Array) => void;
  onStderr?: (bytes: Uint8Array) => void;
}

export interface RunImageResult {
  /** UART output followed by semihosting stdout writes, in order. */
  stdout: Uint8Array;
  /** Semihosting console output. */
  stderr: Uint8Array;
  outcome: RunOutcome;
  /** Process exit status as `nvlab run` reports it. */
  exitStatus: number;
  instructions: number;
  /** The L0 host's counts (nested mode). */
  hostStats?: HostStats;
}

/** Exit statuses of `nvlab run` other than the guest's own. */
export const EXIT = {
  BAD_INPUT: 2,
  LIMIT: 124,
  STOPPED: 125,
} as const;

export const DEFAULT_MAX_INSTRUCTIONS = 10_000_000_000;

class ByteSink {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(4096);
  private len = 0;

  push(b: number): void {
    if (this.len === this.cur.length) this.flushChunk();
    this.cur[this.len++] = b;
  }

  pushAll(bytes: Uint8Array): void {
    this.flushChunk();
    this.chunks.push(bytes.slice());
  }

  private flushChunk(): void {
    if (this.len === 0) return;
    this.chunks.push(this.cur.slice(0, this.len));
    this.len = 0;
  }

  /** Returns what was added since the last take. */
  take(): Uint8Array {
    this.flushChunk();
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    this.chunks = [];
    return out;
  }
}

function exitStatusOf(o: RunOutcome): number {
  switch (o.kind) {
    case 'exit':
      return o.status;
    case 'limit':
      return EXIT.LIMIT;
    default:
      return EXIT.STOPPED;
  }
}

/** Loads an ELF image into a fresh virt machine and runs it (direct mode unless opts.mode). Throws ElfError for bad images. */
export function runImage(elf: Uint8Array, opts: RunImageOptions = {}): RunImageResult {
  const out = new ByteSink();
  const err = new ByteSink();
  const all = { out: [] as Uint8Array[], err: [] as Uint8Array[] };
  const m = new VirtMachine(opts, {
    uart: (b) => out.push(b),
    stdout: (bytes) => out.pushAll(bytes),
    stderr: (bytes) => err.pushAll(bytes),
  });
  const image = parseElf(elf, { base: VIRT.RAM_BASE, size: m.ram.size });
  m.load(image);
  if (opts.onEvent) m.events.subscribe(opts.onEvent);
  const drain = (): void => {
    const o = out.take();
    const e = err.take();
    if (o.length) {
      all.out.push(o);
      opts.onStdout?.(o);
    }
    if (e.length) {
      all.err.push(e);
      opts.onStderr?.(e);
    }
  };
  const max = opts.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  const start = m.cpu.icount;
  let outcome: RunOutcome;
  for (;;) {
    // Run in bounded slices so streamed output appears while a long guest runs.
    const done = m.cpu.icount - start;
    outcome = m.run(Math.min(max - done, 50_000_000));
    drain();
    if (outcome.kind !== 'limit' || m.cpu.icount - start >= max) break;
  }
  const concat = (parts: Uint8Array[]): Uint8Array => {
    const r = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      r.set(p, o);
      o += p.length;
    }
    return r;
  };
  return {
    stdout: concat(all.out),
    stderr: concat(all.err),
    outcome,
    exitStatus: exitStatusOf(outcome),
    instructions: m.cpu.icount - start,
    ...(m.host ? { hostStats: m.host.stats } : {}),
  };
}

export { ElfError };
