/**
 * DWARF line tables of the examples (version 5 in mini-hyp, 4 in hyp-init),
 * compared with what binutils' readelf decodes from the same files, and
 * malformed tables refused with a message.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DwarfError, LineIndex, elfSections, readLineTable } from '../../debug-adapter/src/dwarf-line.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const elfOf = (p: string): Uint8Array => readFileSync(join(ROOT, p));

describe('readLineTable', () => {
  it('reads the DWARF 5 table of mini-hyp: every instruction of its text with its source line', () => {
    const rows = readLineTable(elfOf('examples/mini-hyp/mini-hyp.elf'));
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(['mini-hyp.S']));
    const src = readFileSync(join(ROOT, 'examples/mini-hyp/mini-hyp.S'), 'utf8').split('\n');
    const index = new LineIndex(rows, join(ROOT, 'examples/mini-hyp'));
    // _start (0x40080000) is the first instruction: `adr x0, stack_top`.
    const at = index.lineAt(0x40080000)!;
    expect(at.path).toBe(join(ROOT, 'examples/mini-hyp/mini-hyp.S'));
    expect(src[at.line - 1]!.trim()).toBe('adr     x0, stack_top');
    // Each row's line holds an instruction (not a comment or a label alone).
    for (const r of rows.filter((x) => !x.endSequence)) expect(src[r.line - 1]!.trim()).toMatch(/^(?:\d+:\s*)?[a-z]/);
  });

  it('reads the DWARF 4 table of hyp-init', () => {
    const rows = readLineTable(elfOf('examples/hyp-init/hyp-init.elf'));
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.file))).toEqual(new Set(['hyp-init.S']));
  });

  it('maps a source line to the addresses of its code, moving to the next line with code', () => {
    const path = join(ROOT, 'examples/mini-hyp/mini-hyp.S');
    const src = readFileSync(path, 'utf8').split('\n');
    const index = new LineIndex(readLineTable(elfOf('examples/mini-hyp/mini-hyp.elf')), dirname(path));
    const label = src.findIndex((l) => l.startsWith('run_guest:')) + 1;
    const r = index.addressesFor(path, label)!;
    expect(r.line).toBe(label + 1);
    expect(r.addresses).toHaveLength(1);
    expect(index.lineAt(r.addresses[0]!)).toEqual({ path, line: label + 1 });
  });

  it('gives nothing for an image without line tables, and refuses a broken one', () => {
    expect(readLineTable(elfOf('test/guest/bin/alu.elf'))).toEqual([]);
    const elf = Uint8Array.from(elfOf('examples/mini-hyp/mini-hyp.elf'));
    expect(readLineTable(elf).length).toBeGreaterThan(0);
    // The version field follows the unit length of the first unit.
    const text = Buffer.from(elf);
    const at = elfSections(elf).get('.debug_line')!.offset;
    expect(text.readUInt16LE(at + 4)).toBe(5);
    text.writeUInt16LE(9, at + 4);
    expect(() => readLineTable(new Uint8Array(text))).toThrow(DwarfError);
    expect(() => readLineTable(new Uint8Array(text))).toThrow(/version 9 is not supported/);
  });
});
