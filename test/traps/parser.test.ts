/**
 * The trap-table parser (emulator/traps/parser.ts): the syntax tree of valid
 * items, and every kind of syntax error with its exact message and range,
 * error recovery at the next item keyword that starts a line, and the
 * ranges of names (multi-word instruction names included).
 */
import { describe, expect, it } from 'vitest';
import type { ControlItem, FineTrapItem, IncludeItem, TrapItem } from '../../emulator/traps/ast.js';
import { parseTraps, type ParseResult } from '../../emulator/traps/parser.js';
import { after, at, brief, type Brief, r4, rangeProblems } from './helpers.js';

const parse = (text: string): ParseResult => parseTraps(text, 't.traps');
const syntax = (message: string, range: Brief['range']): Brief => ({ code: 'syntax', severity: 'error', message, range });
/** The diagnostics of `text`, which must all be sound ranges. */
function diags(text: string): Brief[] {
  const p = parse(text);
  for (const d of p.diagnostics) expect(rangeProblems(text, d.range)).toEqual([]);
  for (const d of p.diagnostics) expect(d.file).toBe('t.traps');
  return p.diagnostics.map((d) => brief(d));
}
const kinds = (text: string): string[] => parse(text).items.map((i) => `${i.kind}@${i.range.start.line}`);

describe('valid items', () => {
  const DOC = `# HCR_EL2.TVM and TRVM: the virtual memory controls.
control TVM  forwards writes when HCR_EL2.TVM == 1
control TRVM forwards reads  when HCR_EL2.TRVM == 1
combine TVM_TRVM = TVM + TRVM

trap SCTLR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1 with TVM_TRVM
trap (3, 0, 11, 0, 0) to (3, 0, 11, 15, 7) with TIDCP

finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1
finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0
finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1
`;

  it('parses the example of docs/trap-language.md without a diagnostic', () => {
    const p = parse(DOC);
    expect(p.diagnostics).toEqual([]);
    expect(p.items.map((i) => i.kind)).toEqual(['control', 'control', 'combine', 'trap', 'trap', 'finetrap', 'finetrap', 'finetrap']);
    expect(p.comments.map((c) => [c.text, r4(c.range)])).toEqual([['# HCR_EL2.TVM and TRVM: the virtual memory controls.', at(DOC, '# HCR_EL2.TVM and TRVM: the virtual memory controls.')]]);
    expect(p.file).toBe('t.traps');
    expect(p.lines.lineCount).toBe(12);
  });

  it('keeps every part of a control', () => {
    const text = 'control NVx forwards reads and writes even in host EL0 when HCR_EL2.NV == 1 && HCR_EL2.NV1 != 0 && MDCR_EL2.E2PB[1:0] == 0b10 && HCR_EL2[39] == 0x1';
    const [c] = parse(text).items as [ControlItem];
    expect(c.kind).toBe('control');
    expect(c.name.text).toBe('NVx');
    expect(r4(c.name.range)).toEqual(at(text, 'NVx'));
    expect(c.access).toBe('both');
    expect(c.hostEl0).toBe(true);
    expect(r4(c.range)).toEqual([0, 0, 0, text.length]);
    if (c.condition.kind !== 'tests') throw new Error('expected tests');
    const t = c.condition.tests.map((x) => ({
      reg: x.register.text,
      field: x.field?.text ?? null,
      slice: x.slice ? [x.slice.msb, x.slice.lsb] : null,
      op: x.op,
      value: x.value.value,
      text: x.value.text,
    }));
    expect(t).toEqual([
      { reg: 'HCR_EL2', field: 'NV', slice: null, op: '==', value: 1, text: '1' },
      { reg: 'HCR_EL2', field: 'NV1', slice: null, op: '!=', value: 0, text: '0' },
      { reg: 'MDCR_EL2', field: 'E2PB', slice: [1, 0], op: '==', value: 2, text: '0b10' },
      { reg: 'HCR_EL2', field: null, slice: [39, 39], op: '==', value: 1, text: '0x1' },
    ]);
    expect(r4(c.condition.tests[0]!.range)).toEqual(at(text, 'HCR_EL2.NV == 1'));
    expect(r4(c.condition.tests[2]!.slice!.range)).toEqual(at(text, '[1:0]'));
    expect(r4(c.condition.tests[3]!.range)).toEqual(at(text, 'HCR_EL2[39] == 0x1'));
  });

  it('reads every access word', () => {
    const access = (w: string): string => (parse(`control A forwards ${w} when HCR_EL2.TVM == 1`).items[0] as ControlItem).access;
    expect(access('reads')).toBe('read');
    expect(access('writes')).toBe('write');
    expect(access('reads and writes')).toBe('both');
    expect(access('writes and reads')).toBe('both');
    expect(access('all')).toBe('both');
  });

  it('reads a built-in condition', () => {
    const text = 'control EL1PCTEN forwards all when builtin cnthctl_el1pcten';
    const [c] = parse(text).items as [ControlItem];
    expect(c.hostEl0).toBe(false);
    expect(c.condition.kind).toBe('builtin');
    if (c.condition.kind === 'builtin') expect([c.condition.name.text, r4(c.condition.name.range)]).toEqual(['cnthctl_el1pcten', at(text, 'cnthctl_el1pcten')]);
    expect(r4(c.range)).toEqual([0, 0, 0, text.length]);
  });

  it('keeps the targets of a trap: names, encodings and ranges', () => {
    const text = 'trap SCTLR_EL1, (3, 0, 0x1, 0b0, 1), S3_0_C11_C0_0 to (3, 0, 11, 15, 7), TLBI VAE1IS to TLBI VALE1IS with TVM';
    const p = parse(text);
    expect(p.diagnostics).toEqual([]);
    const [t] = p.items as [TrapItem];
    expect(t.targets.map((x) => x.kind)).toEqual(['name', 'encoding', 'range', 'range']);
    const [a, b, c, d] = t.targets;
    if (a!.kind !== 'name' || b!.kind !== 'encoding' || c!.kind !== 'range' || d!.kind !== 'range') throw new Error('kinds');
    expect(r4(a.name.range)).toEqual(at(text, 'SCTLR_EL1'));
    expect(b.encoding.fields.map((f) => f.value)).toEqual([3, 0, 1, 0, 1]);
    expect(r4(b.encoding.range)).toEqual(at(text, '(3, 0, 0x1, 0b0, 1)'));
    expect(r4(c.range)).toEqual(at(text, 'S3_0_C11_C0_0 to (3, 0, 11, 15, 7)'));
    expect('text' in c.from && c.from.text).toBe('S3_0_C11_C0_0');
    expect('fields' in c.to && c.to.fields.map((f) => f.value)).toEqual([3, 0, 11, 15, 7]);
    expect(r4(d.range)).toEqual(at(text, 'TLBI VAE1IS to TLBI VALE1IS'));
    expect(t.control.text).toBe('TVM');
    expect(r4(t.control.range)).toEqual(at(text, 'TVM'));
  });

  it('keeps the polarity and the unless of a finetrap', () => {
    const text = 'finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 == 0 unless HCRX_EL2.FGTnXS == 1\nfinetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1';
    const [f, g] = parse(text).items as [FineTrapItem, FineTrapItem];
    expect([f.register.text, f.bit.text, f.polarity]).toEqual(['HFGITR_EL2', 'TLBIVAE1', 0]);
    expect(r4(f.polarityRange!)).toEqual([0, 50, 0, 51]);
    expect(f.unless?.register.text).toBe('HCRX_EL2');
    expect(r4(f.unless!.range)).toEqual(at(text, 'HCRX_EL2.FGTnXS == 1'));
    expect(r4(f.range)).toEqual([0, 0, 0, 79]);
    expect([g.polarity, g.polarityRange, g.unless]).toEqual([1, null, null]);
    expect(r4(g.range)).toEqual([1, 0, 1, 44]);
  });

  it('keeps the path of an include', () => {
    const text = 'include "sub/other.traps"';
    const [i] = parse(text).items as [IncludeItem];
    expect(i.path).toBe('sub/other.traps');
    expect(r4(i.pathRange)).toEqual([0, 8, 0, 25]);
    expect(r4(i.range)).toEqual([0, 0, 0, 25]);
  });

  it('lets an item span lines and keeps comments aside', () => {
    const text = 'control A forwards all when   # the condition follows\n    HCR_EL2.TVM == 1\n  && HCR_EL2.TRVM == 1\ntrap SCTLR_EL1\n  with A # end\n';
    const p = parse(text);
    expect(p.diagnostics).toEqual([]);
    expect(p.items.map((i) => r4(i.range))).toEqual([
      [0, 0, 2, 22],
      [3, 0, 4, 8],
    ]);
    expect(p.comments.map((c) => c.text)).toEqual(['# the condition follows', '# end']);
  });

  it('takes CRLF line ends, tabs and blank lines as white space', () => {
    const p = parse('trap SCTLR_EL1 with A\r\n\r\n\ttrap TTBR0_EL1\twith A\r\n   \n');
    expect(p.diagnostics).toEqual([]);
    expect(p.items.map((i) => r4(i.range))).toEqual([
      [0, 0, 0, 21],
      [2, 1, 2, 22],
    ]);
  });

  it('parses an empty file, white space and comments only', () => {
    for (const t of ['', '   \n\n\t', '# only a comment', '#\n#\n']) {
      const p = parse(t);
      expect(p.items).toEqual([]);
      expect(p.diagnostics).toEqual([]);
    }
  });
});

describe('names of more than one word', () => {
  it('gives TLBI VAE1IS, AT S1E1R and DC CIVAC a range over both words', () => {
    const text = 'trap TLBI VAE1IS, AT  S1E1R, DC CIVAC with X';
    const [t] = parse(text).items as [TrapItem];
    const names = t.targets.map((x) => (x.kind === 'name' ? [x.name.text, r4(x.name.range)] : null));
    expect(names).toEqual([
      ['TLBI VAE1IS', at(text, 'TLBI VAE1IS')],
      ['AT S1E1R', at(text, 'AT  S1E1R')],
      ['DC CIVAC', at(text, 'DC CIVAC')],
    ]);
  });

  it('does not join a word of the next line, nor a stop word, nor after a name with an underscore', () => {
    expect(diags('trap TLBI\nVAE1IS with X\n')).toEqual([syntax("expected 'with' after the trapped registers (trap ... with CONTROL), found the end of the line", [0, 9, 0, 9])]);
    const t = parse('trap TLBI with X').items[0] as TrapItem;
    expect(t.targets[0]!.kind === 'name' && t.targets[0]!.name.text).toBe('TLBI');
    expect(diags('trap SCTLR_EL1 FOO with X')).toEqual([syntax("expected 'with' after the trapped registers (trap ... with CONTROL), found 'FOO'", [0, 15, 0, 18])]);
    const u = parse('finetrap TLBI VAE1NXS to TLBI VALE1NXS unless').items;
    expect(u).toEqual([]);
  });
});

describe('syntax errors', () => {
  it('missing keyword: forwards, when, with', () => {
    expect(diags('control TVM writes when HCR_EL2.TVM == 1\n')).toEqual([
      syntax("expected 'forwards' after 'control TVM' (control NAME forwards reads|writes|reads and writes|all when ...), found 'writes'", [0, 12, 0, 18]),
    ]);
    expect(diags('control TVM forwards writes HCR_EL2.TVM == 1\n')).toEqual([syntax("expected 'when' before the condition of control TVM, found 'HCR_EL2'", [0, 28, 0, 35])]);
    expect(diags('trap SCTLR_EL1 using TVM\n')).toEqual([syntax("expected 'with' after the trapped registers (trap ... with CONTROL), found 'using'", [0, 15, 0, 20])]);
    const f = 'finetrap SCTLR_EL1 HFGxTR_EL2.SCTLR_EL1\n';
    expect(diags(f)).toEqual([syntax("expected 'with' after the trapped registers (finetrap ... with FGTREG.BIT), found 'HFGxTR_EL2'", at(f, 'HFGxTR_EL2'))]);
    expect(diags('combine A B + C\n')).toEqual([syntax("expected '=' after 'combine A', found 'B'", [0, 10, 0, 11])]);
  });

  it('bad access word', () => {
    expect(diags('control TVM forwards sometimes when HCR_EL2.TVM == 1\n')).toEqual([
      syntax('expected what the control forwards (reads, writes, reads and writes, all), found \'sometimes\'', [0, 21, 0, 30]),
    ]);
    expect(diags('control TVM forwards reads and reads when HCR_EL2.TVM == 1\n')).toEqual([syntax("expected 'writes' after 'reads and', found 'reads'", [0, 31, 0, 36])]);
    expect(diags('control TVM forwards writes and all when HCR_EL2.TVM == 1\n')).toEqual([syntax("expected 'reads' after 'writes and', found 'all'", [0, 32, 0, 35])]);
    expect(diags('control TVM forwards writes even in host EL1 when HCR_EL2.TVM == 1\n')).toEqual([syntax("expected 'EL0' in 'even in host EL0', found 'EL1'", [0, 41, 0, 44])]);
    expect(diags('control TVM forwards writes even host EL0 when HCR_EL2.TVM == 1\n')).toEqual([syntax("expected 'in' in 'even in host EL0', found 'host'", [0, 33, 0, 37])]);
  });

  it('bad numbers: 0b102, 0x, 1e3', () => {
    const t = 'control TVM forwards writes when HCR_EL2.TVM == 0b102\n';
    expect(diags(t)).toEqual([syntax("'0b102' is not a number (use decimal, 0x... or 0b...)", at(t, '0b102'))]);
    expect(diags('control A forwards all when HCR_EL2.TVM == 0x\n')).toEqual([syntax("'0x' is not a number (use decimal, 0x... or 0b...)", [0, 43, 0, 45])]);
    expect(diags('control A forwards all when HCR_EL2.TVM == 1e3\n')).toEqual([syntax("'1e3' is not a number (use decimal, 0x... or 0b...)", [0, 43, 0, 46])]);
    expect(diags('trap (3, 0, 0b2, 0, 0) with A\n')).toEqual([syntax("'0b2' is not a number (use decimal, 0x... or 0b...)", [0, 12, 0, 15])]);
  });

  it('64-bit values are exact; beyond 64 bits is an error at the number', () => {
    const t = 'control A forwards all when HCR_EL2[63:0] == 0xffffffffffffffff\n';
    const p = parseTraps(t);
    expect(p.diagnostics).toEqual([]);
    const c = p.items[0] as ControlItem;
    expect(c.condition.kind === 'tests' && c.condition.tests[0]!.value.big).toBe(0xffffffffffffffffn);
    const u = 'control A forwards all when HCR_EL2[63:0] == 0x1_0000_0000_0000_0000\n';
    expect(diags(u)).toEqual([syntax('0x1_0000_0000_0000_0000 does not fit in 64 bits', at(u, '0x1_0000_0000_0000_0000'))]);
  });

  it('a stop word where a target should be is reported there', () => {
    for (const t of ['trap SCTLR_EL1, with A\n', 'trap (3, 0, 1, 0, 0) to with A\n', 'trap with A\n', 'finetrap unless A\n']) {
      const word = t.includes('unless') ? 'unless' : 'with';
      expect(diags(t), t).toEqual([syntax(`expected a register, an instruction or an encoding, found '${word}'`, at(t, word))]);
    }
  });

  it('accepts underscores and both letter cases in numbers', () => {
    const [c] = parse('control A forwards all when HCR_EL2.TWEDEL == 0X0_F').items as [ControlItem];
    expect(c.condition.kind === 'tests' && c.condition.tests[0]!.value.value).toBe(15);
    const [d] = parse('control A forwards all when HCR_EL2.BSU == 0B1_1').items as [ControlItem];
    expect(d.condition.kind === 'tests' && d.condition.tests[0]!.value.value).toBe(3);
  });

  it('invalid characters: after an item, inside an item, at the start', () => {
    expect(diags('control TVM forwards writes when HCR_EL2.TVM == 1 $\n')).toEqual([syntax("unexpected '$', which is not part of the language after the control item", [0, 50, 0, 51])]);
    expect(diags('control TVM forwards writes when HCR_EL2.TVM == @@ 1\n')).toEqual([syntax("expected a value for HCR_EL2.TVM, found '@@', which is not part of the language", [0, 48, 0, 50])]);
    expect(diags('control A forwards all when HCR_EL2.TVM == 1 & HCR_EL2.TRVM == 1\n')).toEqual([
      syntax("unexpected '&', which is not part of the language after the control item", [0, 45, 0, 46]),
    ]);
    expect(diags('§§ trap\n')).toEqual([syntax("expected an item (control, combine, trap, finetrap or include), found '§§', which is not part of the language", [0, 0, 0, 2])]);
  });

  it('unterminated string', () => {
    const t = 'include "foo.traps\ntrap SCTLR_EL1 with X\n';
    expect(diags(t)).toEqual([syntax("expected a file name in double quotes after 'include', found '\"foo.traps', which is not part of the language", [0, 8, 0, 18])]);
    expect(kinds(t)).toEqual(['trap@1']);
    expect(diags('"abc\n')).toEqual([syntax("expected an item (control, combine, trap, finetrap or include), found '\"abc', which is not part of the language", [0, 0, 0, 4])]);
  });

  it("include without a quoted path, or with two", () => {
    expect(diags('include foo\n')).toEqual([syntax("expected a file name in double quotes after 'include', found 'foo'", [0, 8, 0, 11])]);
    expect(diags('include "a.traps" "b.traps"\n')).toEqual([syntax('unexpected \'"b.traps"\' after the include item', [0, 18, 0, 27])]);
  });

  it("missing ')' in an encoding, four fields, six fields, no comma, empty", () => {
    expect(diags('trap (3, 0, 1, 0, 0 with X\n')).toEqual([
      syntax("expected ')' after op2: an encoding has five fields (op0, op1, CRn, CRm, op2), found 'with'", [0, 20, 0, 24]),
    ]);
    expect(diags('trap (3, 0, 1, 0) with X\n')).toEqual([syntax("expected ',' between CRm and op2, found ')'", [0, 16, 0, 17])]);
    expect(diags('trap (3, 0, 1, 0, 0, 1) with X\n')).toEqual([
      syntax("expected ')' after op2: an encoding has five fields (op0, op1, CRn, CRm, op2), found ','", [0, 19, 0, 20]),
    ]);
    expect(diags('trap (3 0 1 0 0) with A\n')).toEqual([syntax("expected ',' between op0 and op1, found '0'", [0, 8, 0, 9])]);
    expect(diags('trap () with A\n')).toEqual([syntax("expected op0, found ')'", [0, 6, 0, 7])]);
    expect(diags('trap (3, x, 1, 0, 0) with A\n')).toEqual([syntax("expected op1, found 'x'", [0, 9, 0, 10])]);
  });

  it('wrong start of an item', () => {
    const t = 'frobnicate SCTLR_EL1 with X\ntrap SCTLR_EL1 with X\n';
    expect(diags(t)).toEqual([syntax("expected an item (control, combine, trap, finetrap or include), found 'frobnicate'", [0, 0, 0, 10])]);
    expect(kinds(t)).toEqual(['trap@1']);
    expect(diags('42 trap\n')).toEqual([syntax("expected an item (control, combine, trap, finetrap or include), found '42'", [0, 0, 0, 2])]);
    expect(diags(', trap SCTLR_EL1 with A\n')).toEqual([syntax("expected an item (control, combine, trap, finetrap or include), found ','", [0, 0, 0, 1])]);
  });

  it('garbage after an item on its line', () => {
    expect(diags('trap SCTLR_EL1 with X Y\n')).toEqual([syntax("unexpected 'Y' after the trap item", [0, 22, 0, 23])]);
    expect(diags('trap SCTLR_EL1 with X,\n')).toEqual([syntax("unexpected ',' after the trap item", [0, 21, 0, 22])]);
    expect(diags('combine A = B + C D\n')).toEqual([syntax("unexpected 'D' after the combine item", [0, 18, 0, 19])]);
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 1 == 1\n')).toEqual([syntax("unexpected '==' after the finetrap item", [0, 50, 0, 52])]);
  });

  it('an item cut off at the end of its line: reported at the line end, and the next item parses', () => {
    const a = 'control TVM forwards writes when\ntrap SCTLR_EL1 with TVM\n';
    expect(diags(a)).toEqual([syntax('expected a register name, found the end of the line', after(a, 'when'))]);
    expect(kinds(a)).toEqual(['trap@1']);
    const b = 'trap SCTLR_EL1 with\ncontrol X forwards all when HCR_EL2.TVM == 1\n';
    expect(diags(b)).toEqual([syntax('expected a control or combination name, found the end of the line', [0, 19, 0, 19])]);
    expect(kinds(b)).toEqual(['control@1']);
    const c = 'trap (3, 0, 1, 0, 0\ntrap SCTLR_EL1 with A\n';
    expect(diags(c)).toEqual([syntax("expected ')' after op2: an encoding has five fields (op0, op1, CRn, CRm, op2), found the end of the line", [0, 19, 0, 19])]);
    expect(kinds(c)).toEqual(['trap@1']);
    const d = 'trap SCTLR_EL1,\ncontrol A forwards all when HCR_EL2.TVM == 1\n';
    expect(diags(d)).toEqual([syntax('expected a register, an instruction or an encoding, found the end of the line', [0, 15, 0, 15])]);
    const e = 'trap (3, 0, 1, 0, 0) to\ntrap SCTLR_EL1 with A\n';
    expect(diags(e)).toEqual([syntax('expected a register, an instruction or an encoding, found the end of the line', [0, 23, 0, 23])]);
    expect(kinds(e)).toEqual(['trap@1']);
    // Blank lines and comments between the cut and the next item: still at the end of the cut line.
    const f = 'trap SCTLR_EL1 with\n\n# comment\n\ncontrol A forwards all when HCR_EL2.TVM == 1\n';
    expect(diags(f)).toEqual([syntax('expected a control or combination name, found the end of the line', [0, 19, 0, 19])]);
    expect(kinds(f)).toEqual(['control@4']);
  });

  it('an item cut off at the end of the file', () => {
    expect(diags('control TVM forwards writes when HCR_EL2.TVM ==\n')).toEqual([syntax('expected a value for HCR_EL2.TVM, found the end of the file', [0, 47, 0, 47])]);
    expect(diags('control TVM forwards writes when HCR_EL2.TVM')).toEqual([syntax("expected '==' or '!=' after HCR_EL2.TVM, found the end of the file", [0, 44, 0, 44])]);
    expect(diags('control A forwards all when HCR_EL2.TVM == 1 &&\n')).toEqual([syntax('expected a register name, found the end of the file', [0, 47, 0, 47])]);
    expect(diags('control A forwards reads and\n')).toEqual([syntax("expected 'writes' after 'reads and', found the end of the file", [0, 28, 0, 28])]);
    expect(diags('control A forwards all when builtin\n')).toEqual([syntax('expected the name of a built-in evaluator, found the end of the file', [0, 35, 0, 35])]);
    expect(diags('include\n')).toEqual([syntax("expected a file name in double quotes after 'include', found the end of the file", [0, 7, 0, 7])]);
    expect(diags('trap SCTLR_EL1 with TVM\ntrap\n')).toEqual([syntax('expected a register, an instruction or an encoding, found the end of the file', [1, 4, 1, 4])]);
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == \n')).toEqual([syntax('expected 0 or 1, found the end of the file', [0, 47, 0, 47])]);
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 unless HCRX_EL2.FGTnXS\n')).toEqual([
      syntax("expected '==' or '!=' after HCRX_EL2.FGTnXS, found the end of the file", [0, 67, 0, 67]),
    ]);
    expect(diags('combine A = B\n')).toEqual([syntax("a combination needs at least two controls joined with '+', found the end of the file", [0, 13, 0, 13])]);
  });

  it('field tests: missing operator, missing dot, bad slices', () => {
    expect(diags('control A forwards all when HCR_EL2.TVM = 1\n')).toEqual([syntax("expected '==' or '!=' after HCR_EL2.TVM, found '='", [0, 40, 0, 41])]);
    expect(diags('control A forwards all when HCR_EL2 == 1\n')).toEqual([
      syntax("expected '.' after the register name HCR_EL2 (REGISTER.FIELD or REGISTER[bits]), found '=='", [0, 36, 0, 38]),
    ]);
    expect(diags('control A forwards all when HCR_EL2[1:] == 1\n')).toEqual([syntax("expected a bit number, found ']'", [0, 38, 0, 39])]);
    expect(diags('control A forwards all when HCR_EL2[1 == 1\n')).toEqual([syntax("expected ']' to close the bit range of HCR_EL2, found '=='", [0, 38, 0, 40])]);
    expect(diags('control X forwards all when HCR_EL2[70] == 1\n')).toEqual([syntax('a bit range is [msb:lsb] or [bit] with 63 >= msb >= lsb, not [70]', [0, 35, 0, 39])]);
    expect(diags('control X forwards all when HCR_EL2[3:5] == 1\n')).toEqual([syntax('a bit range is [msb:lsb] or [bit] with 63 >= msb >= lsb, not [3:5]', [0, 35, 0, 40])]);
    expect(diags('control X forwards all when MDCR_EL2.E2PB[64] == 1\n')).toEqual([syntax('a bit range is [msb:lsb] or [bit] with 63 >= msb >= lsb, not [64]', [0, 41, 0, 45])]);
  });

  it('names: a keyword where a name is expected, a number for a built-in', () => {
    expect(diags('trap SCTLR_EL1 with trap\n')).toEqual([syntax("expected a control or combination name, found 'trap'", [0, 20, 0, 24])]);
    expect(diags('control trap forwards all when HCR_EL2.TVM == 1\n')).toEqual([syntax("expected a control name, found 'trap'", [0, 8, 0, 12])]);
    expect(diags('control A forwards all when builtin 3\n')).toEqual([syntax("expected the name of a built-in evaluator, found '3'", [0, 36, 0, 37])]);
    expect(diags('combine A = B + 7\n')).toEqual([syntax("expected a control name, found '7'", [0, 16, 0, 17])]);
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2 SCTLR_EL1\n')).toEqual([syntax("expected '.' after HFGxTR_EL2, found 'SCTLR_EL1'", [0, 35, 0, 44])]);
  });

  it('a fine-grained polarity other than 0 or 1', () => {
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 2\n')).toEqual([syntax('a fine-grained trap bit is 0 or 1, not 2', [0, 48, 0, 49])]);
    expect(diags('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 0x10\n')).toEqual([syntax('a fine-grained trap bit is 0 or 1, not 0x10', [0, 48, 0, 52])]);
  });
});

describe('recovery', () => {
  it('parses every item after bad lines, with one diagnostic per bad item', () => {
    const text = [
      'frobnicate', // 0: not an item
      'more garbage ( ) $ "', // 1: skipped
      'control A forwards all when HCR_EL2.TVM == 0b2', // 2: bad number
      'trap SCTLR_EL1 with A', // 3: good
      'control B forwards sometimes when HCR_EL2.TRVM == 1', // 4: bad access word
      '  and a continuation of the bad line', // 5: skipped
      'combine C = A + B', // 6: good
      'finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 2', // 7: bad polarity
      'include "x.traps"', // 8: good
      'trap (3, 0, 1, 0) with B', // 9: four fields
      'trap TTBR0_EL1 with C', // 10: good
      'control D forwards reads when HCR_EL2.TID3 == 1', // 11: good
      'finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0', // 12: good
    ].join('\n');
    expect(diags(text)).toEqual([
      syntax("expected an item (control, combine, trap, finetrap or include), found 'frobnicate'", [0, 0, 0, 10]),
      syntax("'0b2' is not a number (use decimal, 0x... or 0b...)", [2, 43, 2, 46]),
      syntax("expected what the control forwards (reads, writes, reads and writes, all), found 'sometimes'", [4, 19, 4, 28]),
      syntax('a fine-grained trap bit is 0 or 1, not 2', [7, 48, 7, 49]),
      syntax("expected ',' between CRm and op2, found ')'", [9, 16, 9, 17]),
    ]);
    expect(kinds(text)).toEqual(['trap@3', 'combine@6', 'include@8', 'trap@10', 'control@11', 'finetrap@12']);
  });

  it('an item keyword that starts a line ends a broken item, even where the item wanted a name', () => {
    const text = 'trap SCTLR_EL1, \ntrap TTBR0_EL1 with A\ncontrol\ncontrol B forwards all when HCR_EL2.TVM == 1\n';
    expect(diags(text)).toEqual([
      syntax('expected a register, an instruction or an encoding, found the end of the line', [0, 15, 0, 15]),
      syntax('expected a control name, found the end of the line', [2, 7, 2, 7]),
    ]);
    expect(kinds(text)).toEqual(['trap@1', 'control@3']);
  });

  it('a keyword inside a line does not restart parsing', () => {
    const text = 'trap SCTLR_EL1, control X with A\ntrap TTBR0_EL1 with A\n';
    expect(diags(text)).toEqual([syntax("expected a register, an instruction or an encoding, found 'control'", [0, 16, 0, 23])]);
    expect(kinds(text)).toEqual(['trap@1']);
  });

  it('two items on one line', () => {
    const text = 'trap SCTLR_EL1 with A trap TTBR0_EL1 with B';
    expect(diags(text)).toEqual([]);
    expect(parse(text).items.map((i) => r4(i.range))).toEqual([
      [0, 0, 0, 21],
      [0, 22, 0, 43],
    ]);
  });

  it('a stray line after a complete item: the item is kept, the error is at the stray token', () => {
    for (const stray of ['frobnicate', '  B', '$', '"abc']) {
      const text = `trap SCTLR_EL1 with A\n${stray}\ntrap TTBR0_EL1 with A\n`;
      const p = parseTraps(text, 't.traps');
      expect(p.items.map((i) => i.range.start.line), stray).toEqual([0, 2]);
      expect(p.diagnostics.map((x) => [x.message, r4(x.range)]), stray).toEqual([
        [`expected an item (control, combine, trap, finetrap or include), found '${stray.trim()}'${stray === '$' || stray === '"abc' ? ', which is not part of the language' : ''}`, at(text, stray.trim())],
      ]);
    }
  });

  it('many bad lines in a row produce one diagnostic each and the last good item', () => {
    const bad = Array.from({ length: 50 }, (_, i) => `trap (${i}, with`).join('\n');
    const p = parse(`${bad}\ntrap SCTLR_EL1 with A\n`);
    expect(p.diagnostics).toHaveLength(50);
    expect(p.diagnostics.every((d, i) => d.range.start.line === i)).toBe(true);
    expect(p.items.map((i) => i.range.start.line)).toEqual([50]);
  });
});

describe('robustness', () => {
  const odd = [
    '(',
    ')',
    '[[[[',
    '"',
    '""',
    '#',
    'control',
    'control control control',
    'trap trap trap',
    'include ""',
    '== != && + = . , ( ) [ ] :',
    '\u0000\u0001\u0002',
    '\uD83D\uDE00 trap',
    '\uD83D',
    'trap \u2028 SCTLR_EL1 with A',
    '\uFEFFtrap SCTLR_EL1 with A',
    'trap SCTLR_EL1 with A\r',
    '\r\r\r',
    'control A forwards all when HCR_EL2[' + '9'.repeat(400) + '] == 1',
    'trap (' + '1,'.repeat(1000),
    'combine A = ' + 'B + '.repeat(5000),
    'control A forwards all when ' + 'HCR_EL2.TVM == 1 && '.repeat(3000),
    'x'.repeat(100000),
  ];
  it('never throws, and every range is sound', () => {
    for (const t of odd) {
      let p: ParseResult | undefined;
      expect(() => (p = parse(t)), JSON.stringify(t.slice(0, 60))).not.toThrow();
      for (const d of p!.diagnostics) expect(rangeProblems(t, d.range)).toEqual([]);
      for (const i of p!.items) expect(rangeProblems(t, i.range)).toEqual([]);
    }
  });
});
