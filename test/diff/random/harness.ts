/**
 * Shared by the vitest test and the tool: which images exist, running QEMU,
 * splitting a run's output into per-sequence dumps, hashing them for the
 * goldens, and describing a mismatch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sequence } from './generate.js';

/** Image seeds and sequences per image: 40 x 100 = 4000 sequences. */
export const IMAGE_SEEDS: readonly number[] = Array.from({ length: 40 }, (_, i) => 1001 + i);
export const SEQUENCES_PER_IMAGE = 100;
/** Far above what an image needs (about 0.6 M instructions): a runaway guest is cut off. */
export const MAX_INSTRUCTIONS = 50_000_000;
export const QEMU_TIMEOUT_MS = 60_000;

export const QEMU = 'qemu-system-aarch64';
export const QEMU_ARGS = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'max', '-m', '1G', '-nographic', '-semihosting'];

/** This directory; the tool's launcher sets it, as the bundled tool runs from a temporary copy. */
let here = dirname(fileURLToPath(import.meta.url));
export function setRandomDir(dir: string): void {
  here = dir;
}
export function randomDir(): string {
  return here;
}
export function goldensPath(): string {
  return join(here, 'goldens.json');
}

// ---------------------------------------------------------------- goldens

export interface GoldenImage {
  /** First 16 hex digits of the SHA-256 of the ELF: detects a generator change. */
  elf: string;
  exit: number | null;
  /** Whether the run printed DONE. */
  done: boolean;
  /** Per sequence: `<hash>:<line signatures>`, see `sequenceDigest`. */
  seqs: string[];
}

export interface Goldens {
  format: 1;
  qemu: string;
  images: Record<string, GoldenImage>;
}

export function loadGoldens(): Goldens | null {
  try {
    return JSON.parse(readFileSync(goldensPath(), 'utf8')) as Goldens;
  } catch {
    return null;
  }
}

/** Serialises goldens with one sequence digest per line, so re-recording gives readable diffs. */
export function formatGoldens(g: Goldens): string {
  const imgs = Object.entries(g.images).map(([seed, im]) => {
    const head = `"elf": ${JSON.stringify(im.elf)}, "exit": ${JSON.stringify(im.exit)}, "done": ${im.done}`;
    return `${JSON.stringify(seed)}: { ${head}, "seqs": [\n${im.seqs.map((s) => `  ${JSON.stringify(s)}`).join(',\n')}\n] }`;
  });
  return `{ "format": 1, "qemu": ${JSON.stringify(g.qemu)}, "images": {\n${imgs.join(',\n')}\n} }\n`;
}

export function sha16(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * Digest of one sequence's dump: a 64-bit hash of all its lines (what pass or
 * fail is decided on), then 4 bits of hash per line. A line whose 4 bits
 * differ certainly differs, so without QEMU at hand they still point at a
 * differing line (the first one, unless its bits collide: 1 in 16).
 */
export function sequenceDigest(lines: readonly string[]): string {
  const sig = lines.map((l) => createHash('sha256').update(l).digest('hex')[0]).join('');
  return `${sha16(lines.join('\n'))}:${sig}`;
}

// ---------------------------------------------------------------- output parsing

export interface ParsedRun {
  /** Lines of each sequence's dump, from its "S xxxx" header on, by sequence index. */
  seqs: Map<number, string[]>;
  /** Lines before the first header. */
  preamble: string[];
  done: boolean;
}

export function parseRun(out: Uint8Array | string): ParsedRun {
  const text = typeof out === 'string' ? out : Buffer.from(out).toString('latin1');
  const seqs = new Map<number, string[]>();
  const preamble: string[] = [];
  let cur: string[] = preamble;
  let done = false;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    const m = /^S ([0-9a-f]{4})$/.exec(line);
    if (m) {
      cur = [line];
      seqs.set(parseInt(m[1]!, 16), cur);
    } else if (line === 'DONE') {
      done = true;
      cur = preamble;
    } else {
      cur.push(line);
    }
  }
  return { seqs, preamble, done };
}

// ---------------------------------------------------------------- QEMU

export interface QemuResult {
  stdout: Buffer;
  stderr: string;
  status: number | null;
  timedOut: boolean;
}

let qemuVersionCache: string | null | undefined;

/** QEMU's version line, or null when qemu-system-aarch64 is not on PATH (or RANDOM_NO_QEMU=1 says to act so). */
export function qemuVersion(): string | null {
  if (process.env.RANDOM_NO_QEMU === '1') return null;
  if (qemuVersionCache === undefined) {
    const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
    qemuVersionCache = r.status === 0 ? r.stdout.split('\n')[0]!.trim() : null;
  }
  return qemuVersionCache;
}

export function runQemu(elfPath: string, timeoutMs = QEMU_TIMEOUT_MS): Promise<QemuResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(QEMU, [...QEMU_ARGS, '-kernel', elfPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ stdout: Buffer.concat(out), stderr: err, status: code, timedOut });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time; results in job order. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

// ---------------------------------------------------------------- reporting

const hex8 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

/** The sequence's instruction words (with the generator's own description of each). */
export function describeSequence(seq: Sequence, seqAddr: number): string {
  return seq.insns
    .map((insn, i) => `  +${(i * 4).toString(16).padStart(3, '0')}  ${hex8(insn.w)}   (${seq.templates[i]}: ${insn.asm})`)
    .join('\n') + `\n  sequence at 0x${seqAddr.toString(16)}`;
}

/** Key of a dump line: register name, "nzcv", "m <offset>", or the whole line. */
function lineKey(line: string): string {
  const sp = line.lastIndexOf(' ');
  return /^(x\d\d|nzcv|m [0-9a-f]{3}) /.test(line) ? line.slice(0, sp) : line;
}

/** The first line where two dumps differ, described with both values. */
export function firstDifference(a: readonly string[], b: readonly string[], aName: string, bName: string): string {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x !== undefined && y !== undefined && lineKey(x) === lineKey(y) && lineKey(x) !== x) {
      const key = lineKey(x);
      return `${key}: ${aName} ${x.slice(key.length + 1)}, ${bName} ${y.slice(key.length + 1)}`;
    }
    return `line ${i}: ${aName} ${x === undefined ? '(none)' : JSON.stringify(x)}, ${bName} ${y === undefined ? '(none)' : JSON.stringify(y)}`;
  }
  return '(no difference)';
}

/** The first line whose recorded signature differs from `lines` (goldens only). */
export function firstDifferenceFromDigest(lines: readonly string[], digest: string, name: string): string {
  const sigs = digest.split(':')[1] ?? '';
  const mine = sequenceDigest(lines).split(':')[1]!;
  for (let i = 0; i < Math.max(mine.length, sigs.length); i++) {
    if (mine[i] !== sigs[i]) {
      if (i >= lines.length) return `line ${i}: ${name} (none), QEMU has a line here (not recorded)`;
      const key = lineKey(lines[i]!);
      const val = key === lines[i] ? JSON.stringify(lines[i]) : lines[i]!.slice(key.length + 1);
      return `${key === lines[i] ? `line ${i}` : key}: ${name} ${val}, QEMU differs (value not recorded in the goldens; run with ${QEMU} on PATH to see it)`;
    }
  }
  return `the dump hash differs but no line signature does (${lines.length} lines)`;
}
