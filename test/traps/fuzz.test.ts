/**
 * Fuzzing the trap-table front end: generated, mutated and random inputs
 * (test/traps/fuzz-gen.ts) must parse, check and compile without throwing,
 * within a time bound, with every diagnostic range inside its file and the
 * parser's items in order.
 *
 * CI runs a few thousand seeded cases. The long run:
 *   NVLAB_FUZZ_CASES=100000 npx vitest run test/traps/fuzz.test.ts
 * (NVLAB_FUZZ_SEED picks another seed; each case i uses its own generator
 * seeded from SEED and i, so a failure names the case that reproduces it.)
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../emulator/arch/cpu-profile.js';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { checkTraps, type CheckResult } from '../../emulator/traps/checker.js';
import { compileTraps } from '../../emulator/traps/compiler.js';
import { parseTraps } from '../../emulator/traps/parser.js';
import { LineMap } from '../../emulator/traps/source.js';
import { Rng } from '../util/rng.js';
import { BIG_KINDS, TrapsGen } from './fuzz-gen.js';
import { rangeProblems } from './helpers.js';

const CASES = Number(process.env.NVLAB_FUZZ_CASES ?? 2000);
const SEED = Number(process.env.NVLAB_FUZZ_SEED ?? 20240611);
/** Generous per-case bound (the slowest CI case takes a few hundred milliseconds). */
const CASE_MS = Number(process.env.NVLAB_FUZZ_CASE_MS ?? 5000);
const LONG = CASES > 10000;
const features = (f: string): boolean => DEFAULT_PROFILE.features.has(f);

/** Everything that must hold of one input; returns the problems found. */
function runCase(text: string, rng: Rng, include: string): { problems: string[]; ms: number; diagnostics: number; codes: string[] } {
  const problems: string[] = [];
  const t0 = performance.now();
  // The parser alone: sound ranges, items in source order.
  const p = parseTraps(text, 'fuzz.traps');
  const lines = new LineMap(text);
  let prevEnd = 0;
  for (const item of p.items) {
    const rp = rangeProblems(text, item.range, lines);
    if (rp.length) problems.push(`item ${item.kind}: ${rp.join('; ')}`);
    if (item.range.start.offset < prevEnd) problems.push(`item ${item.kind} at ${item.range.start.offset} starts before the previous item ends (${prevEnd})`);
    prevEnd = item.range.end.offset;
  }
  for (const c of p.comments) {
    const rp = rangeProblems(text, c.range, lines);
    if (rp.length) problems.push(`comment: ${rp.join('; ')}`);
  }
  let prevDiag = -1;
  for (const d of p.diagnostics) {
    const rp = rangeProblems(text, d.range, lines);
    if (rp.length) problems.push(`syntax diagnostic '${d.message}': ${rp.join('; ')}`);
    if (d.range.start.offset < prevDiag) problems.push(`syntax diagnostics out of order at ${d.range.start.offset}`);
    prevDiag = d.range.start.offset;
    if (d.code !== 'syntax' || d.severity !== 'error') problems.push(`parser diagnostic ${d.code}/${d.severity}`);
  }
  // The checker, with includes (one of them a loop back to this file) and the architecture pass.
  const r: CheckResult = checkTraps(text, 'fuzz.traps', {
    architecture: rng.bool(0.7),
    features: rng.bool() ? features : undefined,
    readFile: (path) => (path === 'fuzz.traps' ? text : path === 'b.traps' ? include : path === 'a.traps' ? 'include "b.traps"\n' : null),
  });
  const byFile = new Map(r.files.map((f) => [f.file, f]));
  for (const d of r.diagnostics) {
    const f = byFile.get(d.file);
    if (!f) {
      problems.push(`diagnostic '${d.message}' names a file that was not read: ${d.file}`);
      continue;
    }
    const rp = rangeProblems(f.text, d.range, f.lines);
    if (rp.length) problems.push(`${d.code} '${d.message}': ${rp.join('; ')}`);
    for (const rel of d.related ?? []) {
      const g = byFile.get(rel.file);
      if (!g) problems.push(`related location of ${d.code} names a file that was not read: ${rel.file}`);
      else if (rangeProblems(g.text, rel.range, g.lines).length) problems.push(`related location of ${d.code}: ${rangeProblems(g.text, rel.range, g.lines).join('; ')}`);
    }
    if (!d.code || !d.message) problems.push(`diagnostic without code or message: ${JSON.stringify(d)}`);
  }
  // The compiler, and a few decisions on random registers.
  const c = compileTraps(r.table);
  const regs = { lo: new Int32Array(SR.COUNT), hi: new Int32Array(SR.COUNT) };
  for (let i = 0; i < 64; i++) {
    const s = rng.int(SR.COUNT);
    regs.lo[s] = rng.u32() | 0;
    regs.hi[s] = rng.u32() | 0;
  }
  const keys = [...r.table.traps, ...r.table.fineTraps].map((m) => m.from + rng.int(m.to - m.from + 1));
  for (let i = 0; i < 8; i++) keys.push(rng.int(65536));
  for (const k of keys.slice(0, 40)) {
    for (const isRead of [true, false]) {
      for (const host of [false, true]) {
        const e = c.decide(k, isRead, host, regs);
        if (e < -1 || e >= c.entries.length || !Number.isInteger(e)) problems.push(`decide(${k}) = ${e}`);
        if (e >= 0 && c.entries[e]!.kind === 'trap' && c.lastControlName() === undefined) problems.push(`decide(${k}) forwarded by a trap entry without a control name`);
      }
    }
  }
  return { problems, ms: performance.now() - t0, diagnostics: r.diagnostics.length, codes: r.diagnostics.map((d) => d.code) };
}

describe('fuzz', () => {
  it(`${CASES} seeded cases: no throw, bounded time, sound ranges`, () => {
    const failures: string[] = [];
    const stats = { cases: 0, ms: 0, maxMs: 0, maxKind: '', diagnostics: 0, byKind: {} as Record<string, { n: number; ms: number }>, codes: {} as Record<string, number> };
    const start = performance.now();
    for (let i = 0; i < CASES; i++) {
      const rng = new Rng((SEED ^ Math.imul(i, 0x9e3779b1)) >>> 0);
      const gen = new TrapsGen(rng);
      const { kind, text } = gen.any();
      const include = gen.mutated();
      let res: ReturnType<typeof runCase>;
      try {
        res = runCase(text, rng, include);
      } catch (e) {
        failures.push(`case ${i} (${kind}) threw ${(e as Error).stack ?? e}\ninput: ${JSON.stringify(text.slice(0, 500))}`);
        continue;
      }
      if (res.ms > CASE_MS) res.problems.push(`took ${res.ms.toFixed(0)} ms (bound ${CASE_MS} ms)`);
      if (res.problems.length) failures.push(`case ${i} (${kind}): ${res.problems.slice(0, 5).join('\n  ')}\ninput: ${JSON.stringify(text.slice(0, 500))}`);
      stats.cases++;
      stats.ms += res.ms;
      stats.diagnostics += res.diagnostics;
      const k = (stats.byKind[kind] ??= { n: 0, ms: 0 });
      k.n++;
      k.ms += res.ms;
      for (const c of res.codes) stats.codes[c] = (stats.codes[c] ?? 0) + 1;
      if (res.ms > stats.maxMs) {
        stats.maxMs = res.ms;
        stats.maxKind = `${kind} (case ${i})`;
      }
      if (failures.length >= 20) break;
    }
    const wall = performance.now() - start;
    if (LONG || process.env.NVLAB_FUZZ_STATS) {
      console.log(
        `fuzz: seed ${SEED}, ${stats.cases} cases in ${(wall / 1000).toFixed(1)} s (${(stats.ms / stats.cases).toFixed(2)} ms mean, slowest ${stats.maxMs.toFixed(0)} ms: ${stats.maxKind}), ${stats.diagnostics} diagnostics, ${failures.length} failures`,
      );
      console.log(`fuzz: by kind ${JSON.stringify(Object.fromEntries(Object.entries(stats.byKind).map(([k, v]) => [k, `${v.n} cases, ${(v.ms / v.n).toFixed(2)} ms mean`])))}`);
      console.log(`fuzz: diagnostic codes ${JSON.stringify(stats.codes)}`);
    }
    expect(failures).toEqual([]);
    // Every diagnostic code shows up in a run of this size (the generator reaches every check).
    if (CASES >= 2000) {
      for (const code of ['syntax', 'unknown-register', 'unknown-field', 'unknown-control', 'duplicate-name', 'duplicate-mapping', 'overlapping-ranges', 'range-reversed', 'arch-no-trap', 'include-loop', 'include-unreadable', 'fgt-both-polarities'])
        expect(stats.codes[code] ?? 0, code).toBeGreaterThan(0);
    }
  }, Math.max(120_000, CASES * 20));

  it('huge and deep inputs finish quickly', () => {
    const gen = new TrapsGen(new Rng(SEED));
    for (let i = 0; i < BIG_KINDS; i++) {
      const text = gen.big(i);
      const t0 = performance.now();
      const r = runCase(text, new Rng(i), '');
      const ms = performance.now() - t0;
      expect(r.problems, `big case ${i}`).toEqual([]);
      expect(ms, `big case ${i}: ${text.length} characters`).toBeLessThan(CASE_MS);
    }
  });
});
