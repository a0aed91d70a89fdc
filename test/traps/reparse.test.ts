/**
 * The incremental re-parse against a parse from scratch: after every one of
 * thousands of random edits (single characters, tokens, keywords at line
 * starts, line joins and splits, the fuzz mutations), the items with every
 * range, the syntax diagnostics and the comments must equal what parseTraps
 * gives for the same text, and so must the checker's diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { type ItemCheckWork, checkTraps } from '../../emulator/traps/checker.js';
import { parseTraps, type ParseResult } from '../../emulator/traps/parser.js';
import { Reparser } from '../../emulator/traps/reparse.js';
import { Rng } from '../util/rng.js';
import { TrapsGen } from './fuzz-gen.js';

const PIECES = [' ', '\n', '\n\n', 'trap ', 'control ', 'combine ', 'finetrap ', 'include "a.traps"', 'with ', 'TID3', 'HCR_EL2', '.', 'TVM', '==', '1', '0x', '(', ')', ',', ' to ', '#', '# c\n', 'when ', 'forwards ', 'reads', '&&', '+', '=', '[3:1]', '"', 'é', '\t', '\r\n', 'trap X with Y\n', '\ntrap (3, 0, 1, 0, 0) with C1'];

function same(got: ParseResult, text: string): void {
  const want = parseTraps(text, 'r.traps');
  expect(got.text).toBe(text);
  expect(got.items).toEqual(want.items);
  expect(got.diagnostics).toEqual(want.diagnostics);
  expect(got.comments).toEqual(want.comments);
}

/** A small edit somewhere: what typing does. */
function typing(rng: Rng, text: string): string {
  const at = rng.int(text.length + 1);
  // Often at a line start, where item keywords decide the chunks.
  const start = rng.bool(0.3) ? text.lastIndexOf('\n', at - 1) + 1 : at;
  const del = rng.bool(0.4) ? rng.int(Math.min(12, text.length - start) + 1) : 0;
  const insert = rng.bool(0.25) ? '' : rng.pick(PIECES) + (rng.bool(0.3) ? rng.pick(PIECES) : '');
  return text.slice(0, start) + insert + text.slice(start + del);
}

describe('incremental re-parse', () => {
  it('equals a parse from scratch after each of 6000 random edits', () => {
    const rng = new Rng(0x7e9a);
    const gen = new TrapsGen(rng);
    let edits = 0;
    for (let round = 0; round < 60; round++) {
      let text = round % 3 === 0 ? gen.table(rng.range(50, 200)) : gen.any().text;
      const r = new Reparser('r.traps');
      same(r.parse(text), text);
      for (let i = 0; i < 100; i++, edits++) {
        // Sometimes several edits in one change, far apart (a multi-cursor edit, a replace-all).
        const n = rng.bool(0.25) ? rng.range(2, 4) : 1;
        for (let k = 0; k < n; k++) text = rng.bool(0.8) ? typing(rng, text) : gen.mutate(text);
        if (text.length > 20000) text = text.slice(0, 10000);
        same(r.parse(text), text);
      }
    }
    expect(edits).toBe(6000);
  });

  it('keeps unchanged items (same objects) and moves their ranges', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `trap (3, 0, 1, 0, ${i % 8}) with C${i}`);
    const text = lines.join('\n') + '\n';
    const r = new Reparser('r.traps');
    const before = r.parse(text).items;
    const edited = 'control C0 forwards reads when HCR_EL2.TVM == 1\n' + text.replace('with C10', 'with C10 # x');
    const after = r.parse(edited);
    same(after, edited);
    expect(after.items.length).toBe(51);
    // One edit from the start to line 10 (a common prefix and suffix tell what changed):
    // the lines after it are kept.
    expect(after.items[12]).toBe(before[11]);
    expect(after.items[40]).toBe(before[39]);
    expect(after.items[40]!.range.start.line).toBe(40);
  });

  it('reuses what lies between two edits of one change, and moved lines', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `trap (3, 0, 1, 0, ${i % 8}) with C${i}`);
    const text = lines.join('\n') + '\n';
    const r = new Reparser('r.traps');
    const before = r.parse(text).items;
    const two = text.replace('with C5\n', 'with C5 # a\n').replace('with C50\n', 'with C50 # b\n');
    const after = r.parse(two);
    same(after, two);
    expect(after.items[20]).toBe(before[20]);
    // Line 10 moved before the last line: it is kept too (not to the very end, where an item cut
    // short would meet the end of the file instead of the next item).
    const moved = [...lines.slice(0, 10), ...lines.slice(11, 59), lines[10], lines[59]].join('\n') + '\n';
    const again = r.parse(moved);
    same(again, moved);
    expect(again.items[30]).toBe(before[31]);
    expect(again.items[58]).toBe(before[10]);
    expect(again.items[58]!.range.start.line).toBe(58);
  });

  it('parses again a kept chunk that comes to end the text (an unfinished item meets the end of the file)', () => {
    const r = new Reparser('r.traps');
    r.parse('control C forwards all when HCR_EL2.TVM == 1\ntrap SCTLR_EL1 with\ntrap TCR_EL1 with C\n');
    const swapped = 'control C forwards all when HCR_EL2.TVM == 1\ntrap TCR_EL1 with C\ntrap SCTLR_EL1 with\n';
    const p = r.parse(swapped);
    same(p, swapped);
    expect(p.diagnostics[0]!.message).toContain('the end of the file');
  });

  it('judges a kept mapping again when its control changes', () => {
    const r = new Reparser('r.traps');
    const memo = r.memo<ItemCheckWork>();
    const check = (text: string): string[] => checkTraps(text, 'r.traps', { parsed: r.parse(text), memo }).diagnostics.map((d) => d.code);
    const table = (field: string): string => `control C forwards writes when HCR_EL2.${field} == 1\ntrap SCTLR_EL1 with C\n`;
    expect(check(table('TVM'))).not.toContain('arch-no-trap');
    expect(check(table('TID3'))).toContain('arch-no-trap');
    expect(check(table('TVM'))).not.toContain('arch-no-trap');
  });

  it('gives the checker the diagnostics and the table of a fresh check', () => {
    const rng = new Rng(0xc4ec);
    const gen = new TrapsGen(rng);
    let text = gen.table(80);
    const r = new Reparser('r.traps');
    const memo = r.memo<ItemCheckWork>();
    for (let i = 0; i < 600; i++) {
      const n = rng.bool(0.2) ? 3 : 1;
      for (let k = 0; k < n; k++) text = rng.bool(0.85) ? typing(rng, text) : gen.mutate(text);
      if (text.length > 8000) text = text.slice(0, 4000);
      const parsed = r.parse(text);
      const got = checkTraps(text, 'r.traps', { parsed, memo });
      // The memo holds work for the current items only: the re-parser forgets replaced ones.
      const current = new Set(parsed.items);
      for (const item of memo.keys()) expect(current.has(item)).toBe(true);
      const want = checkTraps(text, 'r.traps');
      expect(got.diagnostics).toEqual(want.diagnostics);
      // The table too: the checker keeps per-item work across checks of re-parsed items.
      const mappings = (r: typeof got): unknown[] => [
        ...r.table.traps.map((m) => [m.from, m.to, m.def.name, m.def.kind === 'control' ? m.def.tests : m.def.members.map((x) => x.name), m.range]),
        ...r.table.fineTraps.map((m) => [m.from, m.to, m.read, m.write, m.polarity, m.unless, m.range]),
      ];
      expect(mappings(got)).toEqual(mappings(want));
      expect([...got.table.controls.keys()]).toEqual([...want.table.controls.keys()]);
    }
  });
});
