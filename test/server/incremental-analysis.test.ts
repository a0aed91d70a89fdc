/**
 * The server's analysis of a document edited many times (re-parsed
 * incrementally, work kept per item between analyses) against a fresh
 * analysis of the same text: the same diagnostics, the same index of names,
 * the same answers to hover, completion and references at random places,
 * and lookups that agree with plain scans of the whole index.
 */
import { describe, expect, it } from 'vitest';
import { Reparser } from '../../emulator/traps/reparse.js';
import type { Range } from '../../emulator/traps/source.js';
import { type Analysis, type AnalysisOptions, type Entry, analyse, entryAt, occurrences } from '../../server/src/analysis.js';
import { complete, hover } from '../../server/src/traps-features.js';
import { TrapsGen } from '../traps/fuzz-gen.js';
import { Rng } from '../util/rng.js';

const FILE = '/tmp/nvlab-lsp/incremental.traps';
const OPTS = { readFile: (): null => null, resolve: (_from: string, p: string): string => p };
const PIECES = [' ', '\n', 'trap ', 'control ', 'combine ', 'with ', 'TID3', 'HCR_EL2', '.', 'TVM', '==', '1', '(', ')', ',', ' to ', '#', 'when ', 'forwards ', 'reads', '+', '=', 'C1', 'K2'];

const r4 = (r: Range): number[] => [r.start.offset, r.start.line, r.start.col, r.end.offset, r.end.line, r.end.col];

function sameAnswers(got: Analysis, want: Analysis, text: string, rng: Rng): void {
  expect(got.result.diagnostics.map((d) => [d.code, d.message, r4(d.range)])).toEqual(want.result.diagnostics.map((d) => [d.code, d.message, r4(d.range)]));
  expect(got.entries.map((e) => [e.kind, r4(e.range)])).toEqual(want.entries.map((e) => [e.kind, r4(e.range)]));
  expect([...got.defs.keys()]).toEqual([...want.defs.keys()]);
  for (let k = 0; k < 8; k++) {
    const offset = rng.int(text.length + 1);
    // Lookups against the plain scans of the whole index they stand for.
    const e = scanEntryAt(want.entries, offset);
    expect(entryAt(want, offset)).toBe(e);
    expect(entryAt(got, offset)?.range && r4(entryAt(got, offset)!.range)).toEqual(e?.range && r4(e.range));
    expect(hover(got, offset)).toEqual(hover(want, offset));
    expect(complete(got, text, offset)).toEqual(complete(want, text, offset));
    if (e && (e.kind === 'control-def' || e.kind === 'control-ref')) {
      const all = want.entries.filter((o) => (o.kind === 'control-def' || o.kind === 'control-ref') && o.name === e.name).map((o) => r4(o.range));
      expect(occurrences(want, e.name).map((o) => r4(o.range))).toEqual(all);
      expect(occurrences(got, e.name).map((o) => r4(o.range))).toEqual(all);
    }
  }
}

/** The innermost entry at `offset`, by a scan of every entry. */
function scanEntryAt(entries: readonly Entry[], offset: number): Entry | undefined {
  let best: Entry | undefined;
  for (const e of entries) {
    if (e.range.start.offset > offset) break;
    if (offset > e.range.end.offset) continue;
    if (!best || e.range.end.offset - e.range.start.offset < best.range.end.offset - best.range.start.offset) best = e;
  }
  return best;
}

describe('incremental analysis', () => {
  it('answers as a fresh analysis after each of 800 random edits', () => {
    const rng = new Rng(0xa1a1);
    const gen = new TrapsGen(rng);
    let text = gen.table(60);
    const reparser = new Reparser(FILE);
    const memo: AnalysisOptions['memo'] = { check: reparser.memo(), entries: reparser.memo() };
    for (let i = 0; i < 800; i++) {
      const n = rng.bool(0.2) ? 3 : 1;
      for (let k = 0; k < n; k++) {
        if (rng.bool(0.85)) {
          const at = rng.int(text.length + 1);
          const del = rng.bool(0.4) ? rng.int(Math.min(10, text.length - at) + 1) : 0;
          text = text.slice(0, at) + (rng.bool(0.2) ? '' : rng.pick(PIECES)) + text.slice(at + del);
        } else text = gen.mutate(text);
      }
      if (text.length > 6000) text = text.slice(0, 3000);
      const got = analyse(text, reparser.file, i, { ...OPTS, parsed: reparser.parse(text), memo });
      // Sometimes only part of the check is asked for before the next edit, as a hover does.
      if (rng.bool(0.3)) {
        void (rng.bool() ? got.controls : got.table);
        continue;
      }
      sameAnswers(got, analyse(text, FILE, i, OPTS), text, rng);
    }
  });
});
