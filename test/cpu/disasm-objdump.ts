// GNU objdump as the reference for the disassembler: running it, reading its
// listing, and the committed goldens recorded from it (so that the test runs
// where binutils is not installed). `node test/cpu/record-disasm-golden.mjs`
// re-records them; the test compares against live objdump too when it is on PATH.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { RANDOM_BASE, RANDOM_COUNT, RANDOM_SEED, randomWords } from './disasm-words.js';

export const OBJDUMP = 'aarch64-linux-gnu-objdump';

export function objdumpVersion(): string | undefined {
  try {
    return execFileSync(OBJDUMP, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return undefined;
  }
}

export interface ListedInstruction {
  addr: bigint;
  word: number;
  text: string;
}

/**
 * The instruction lines of an objdump -d listing. Data that objdump shows
 * because mapping symbols ($d) mark it as data (.word, .short, .byte) is not
 * an instruction and is left out; runs of zero words objdump elides ("...")
 * are simply absent.
 */
export function parseListing(listing: string): ListedInstruction[] {
  const out: ListedInstruction[] = [];
  for (const line of listing.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(line);
    if (!m || /^\.(word|short|byte)\t/.test(m[3]!)) continue;
    out.push({ addr: BigInt('0x' + m[1]), word: parseInt(m[2]!, 16), text: m[3]! });
  }
  return out;
}

export function objdumpElf(path: string): ListedInstruction[] {
  return parseListing(execFileSync(OBJDUMP, ['-d', path], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/** objdump on raw words placed at `base` (no symbols, so targets print as 0x...). */
export function objdumpWords(words: readonly number[], base: bigint): ListedInstruction[] {
  const dir = mkdtempSync(join(tmpdir(), 'nvlab-disasm-'));
  try {
    const file = join(dir, 'words.bin');
    const buf = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => buf.writeUInt32LE(w >>> 0, i * 4));
    writeFileSync(file, buf);
    const args = ['-b', 'binary', '-m', 'aarch64', '-D', '-z', `--adjust-vma=0x${base.toString(16)}`, file];
    return parseListing(execFileSync(OBJDUMP, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every committed guest ELF, relative to the repository root with '/' separators, sorted. */
export function guestElfs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.elf')) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------
// Goldens.

export interface GuestGolden {
  objdump: string;
  command: string;
  /** Text of every word whose listing does not depend on its address, by 8-digit hex word. */
  text: Record<string, string>;
  /**
   * Texts that depend on the address (branch and literal targets with their
   * <symbol>), by "hex address word": the test guests share their runtime
   * at the same addresses, so most of these are common to many images.
   */
  at: Record<string, string>;
  images: Record<
    string,
    {
      sha256: string;
      /** Runs of consecutive instructions objdump lists: [hex start address, count]. */
      runs: [string, number][];
      /** This image's address-dependent texts that differ from the shared `at` (other symbol names). */
      at: Record<string, string>;
    }
  >;
}

export interface RandomGolden {
  objdump: string;
  command: string;
  seed: number;
  base: string;
  /** "word\ttext" in drawing order; the word at index i is at base + 4i. */
  lines: string[];
}

export const hex8 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

/** Text that depends on the address: PC-relative branches, ADR/ADRP and literal loads (no `[`), anything with a <symbol>. */
export const dependsOnAddress = (text: string): boolean =>
  text.includes('<') || /^(b|bl|b\.\w+|cbn?z|tbn?z|adrp?)\t/.test(text) || /^(ldr|ldrsw|prfm)\t[^[]*$/.test(text);

export function recordGuestGolden(root: string, version: string): GuestGolden {
  const text: Record<string, string> = {};
  const shared: Record<string, string> = {};
  const images: GuestGolden['images'] = {};
  for (const path of guestElfs(root)) {
    const listed = objdumpElf(join(root, path));
    const runs: [string, number][] = [];
    const at: Record<string, string> = {};
    let prev = -1n;
    for (const ins of listed) {
      if (ins.addr === prev + 4n) runs[runs.length - 1]![1]++;
      else runs.push([ins.addr.toString(16), 1]);
      prev = ins.addr;
      const key = hex8(ins.word);
      if (dependsOnAddress(ins.text)) {
        const k = `${ins.addr.toString(16)} ${key}`;
        shared[k] ??= ins.text;
        if (shared[k] !== ins.text) at[k] = ins.text;
      } else if (text[key] === undefined) text[key] = ins.text;
      else if (text[key] !== ins.text) throw new Error(`${path}: word ${key} reads '${ins.text}' here and '${text[key]}' elsewhere`);
    }
    images[path] = { sha256: sha256(readFileSync(join(root, path))), runs, at };
  }
  const sortedKeys = (r: Record<string, string>): Record<string, string> => {
    const o: Record<string, string> = {};
    for (const k of Object.keys(r).sort()) o[k] = r[k]!;
    return o;
  };
  return { objdump: version, command: `${OBJDUMP} -d IMAGE.elf`, text: sortedKeys(text), at: sortedKeys(shared), images };
}

export function recordRandomGolden(version: string): RandomGolden {
  const words = randomWords();
  const listed = objdumpWords(words, RANDOM_BASE);
  if (listed.length !== words.length) throw new Error(`objdump listed ${listed.length} of ${words.length} words`);
  return {
    objdump: version,
    command: `${OBJDUMP} -b binary -m aarch64 -D -z --adjust-vma=0x${RANDOM_BASE.toString(16)} WORDS.bin`,
    seed: RANDOM_SEED,
    base: '0x' + RANDOM_BASE.toString(16),
    lines: listed.map((l) => `${hex8(l.word)}\t${l.text}`),
  };
}

export const GOLDEN_DIR = 'test/cpu/disasm-golden';

/** Entry point of record-disasm-golden.mjs. */
export function main(root: string): number {
  const version = objdumpVersion();
  if (!version) {
    console.error(`${OBJDUMP} is not on PATH (Debian/Ubuntu: apt-get install binutils-aarch64-linux-gnu)`);
    return 1;
  }
  const guests = recordGuestGolden(root, version);
  const random = recordRandomGolden(version);
  if (random.lines.length !== RANDOM_COUNT) throw new Error('random golden has the wrong length');
  writeFileSync(join(root, GOLDEN_DIR, 'guests.json'), stableJson(guests));
  writeFileSync(join(root, GOLDEN_DIR, 'random.json'), stableJson(random));
  const n = Object.values(guests.images).reduce((s, i) => s + i.runs.reduce((t, r) => t + r[1], 0), 0);
  console.log(`recorded ${n} instructions of ${Object.keys(guests.images).length} images and ${random.lines.length} random words with ${version}`);
  return 0;
}

/** JSON with one entry per line inside objects and arrays of strings, so that re-recording gives small diffs. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, null, 1).replace(/\[\n\s*("[0-9a-f]+"),\n\s*(\d+)\n\s*\]/g, '[$1, $2]') + '\n';
}
