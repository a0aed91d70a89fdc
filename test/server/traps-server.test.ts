/**
 * The language server over its real protocol: the bundled server started
 * over stdio, JSON-RPC requests, and assertions on the responses with
 * exact ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraps } from '../../emulator/traps/checker.js';
import { LspClient } from './lsp-client.js';

const TABLE = `# A table for the tests
control TID3 forwards reads when HCR_EL2.TID3 == 1
control TVM forwards writes when HCR_EL2.TVM == 1
combine BOTH = TID3 + TVM

trap ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1 with TID3
trap SCTLR_EL1 with BOTH
trap (3, 0, 0, 4, 1) with TID3
trap ID_AA64PFR9_EL1 with TID3
finetrap TPIDR_EL1 with HFGxTR_EL2.TPIDR_EL1
trap (3, 0, 0, 4, 0) to (3, 0, 0, 4, 7),
     (3, 0, 0, 7, 0) to ID_AA64MMFR2_EL1 with TID3
`;
const URI = 'file:///tmp/nvlab-lsp/table.traps';

type Pos = { line: number; character: number };
type Rng = { start: Pos; end: Pos };
type MarkupHover = { contents: { kind: string; value: string }; range: Rng } | null;
const at = (line: number, character: number): Pos => ({ line, character });
const rng = (l1: number, c1: number, l2: number, c2: number): Rng => ({ start: at(l1, c1), end: at(l2, c2) });

let c: LspClient;

beforeAll(async () => {
  c = new LspClient();
  await c.initialize();
  await c.open(URI, TABLE);
});
afterAll(async () => {
  await c.close();
});

describe('.traps diagnostics', () => {
  it('publishes the checker diagnostics with exact ranges, codes and the document version', async () => {
    const d = await c.diagnostics(URI, 1);
    const unknown = d.diagnostics.find((x) => x.message.includes("'ID_AA64PFR9_EL1'"));
    expect(unknown).toMatchObject({ range: rng(8, 5, 8, 20), severity: 1, code: 'unknown-register' });
    expect(unknown!.message).toContain('did you mean ID_AA64PFR0_EL1');
    const fresh = checkTraps(TABLE, '/tmp/nvlab-lsp/table.traps').diagnostics;
    expect(d.diagnostics.map((x) => x.message).sort()).toEqual(fresh.map((x) => x.message).sort());
  });

  it('never publishes stale results: after a burst of edits the last version is what is checked', async () => {
    let v = 0;
    let text = TABLE;
    for (let i = 0; i < 6; i++) {
      text = TABLE.replace('ID_AA64PFR9_EL1', i % 2 === 0 ? 'ID_AA64PFR1_EL1' : `NOPE${i}_EL1`);
      v = await c.change(URI, text);
    }
    const d = await c.diagnostics(URI, v);
    const fresh = checkTraps(text, '/tmp/nvlab-lsp/table.traps').diagnostics;
    expect(d.diagnostics.map((x) => `${x.range.start.line}:${x.range.start.character} ${x.message}`).sort()).toEqual(
      fresh.map((x) => `${x.range.start.line}:${x.range.start.col} ${x.message}`).sort(),
    );
    // Every publication names the version it checked, and a version is published at most once.
    const versions = c.published.filter((p) => p.uri === URI).map((p) => p.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(d.diagnostics.some((x) => x.message.includes('NOPE5_EL1'))).toBe(true);
    await c.change(URI, TABLE);
  });
});

describe('.traps hover', () => {
  const hover = (line: number, character: number): Promise<MarkupHover> => c.request('textDocument/hover', { textDocument: { uri: URI }, position: at(line, character) });

  it('shows the register card: encodings in every notation, fields, VNCR offset, traps per Arm and per this table', async () => {
    const h = (await hover(1, 36))!; // HCR_EL2 in control TID3
    expect(h.range).toEqual(rng(1, 33, 1, 40));
    const v = h.contents.value;
    expect(h.contents.kind).toBe('markdown');
    expect(v).toContain('**HCR_EL2** — 64-bit register');
    expect(v).toContain('VNCR_EL2 page offset 0x078');
    expect(v).toContain('| `MRS HCR_EL2` | 3, 4, 1, 1, 0 | `S3_4_C1_C1_0` | 0xe088 |');
    expect(v).toContain('| 18 | TID3 |');
    const id = (await hover(5, 8))!.contents.value; // ID_AA64PFR0_EL1
    expect(id).toContain('EL1: HCR_EL2.TID3 == 1');
    expect(id).toContain('forwarded by `TID3` (line 6)');
  });

  it('shows a control: behaviour, mask and value, where it is used', async () => {
    const v = (await hover(1, 9))!.contents.value;
    expect(v).toContain('**control TID3** — forwards reads');
    expect(v).toContain('| HCR_EL2 | 0x00000000_00040000 | 0x00000000_00040000 |');
    expect(v).toContain('used 5 times (lines 4, 6, 8, 9, 12)');
    expect((await hover(3, 9))!.contents.value).toContain('**combine BOTH** = `TID3` + `TVM`');
  });

  it('shows fields, fine-grained bits, encodings and ranges', async () => {
    expect((await hover(1, 42))!.contents.value).toContain('**HCR_EL2.TID3** [18]');
    expect((await hover(1, 49))!.contents.value).toBe('1 = 0x1 = 0b1');
    expect((await hover(9, 40))!.contents.value).toContain('**HFGRTR_EL2.TPIDR_EL1** [33]');
    const enc = (await hover(7, 8))!;
    expect(enc.range).toEqual(rng(7, 5, 7, 20));
    expect(enc.contents.value).toContain('**S3_0_C0_C4_1** (key 0xc021): `MRS ID_AA64PFR1_EL1`');
    const range = (await hover(10, 22))!.contents.value;
    expect(range).toContain('**S3_0_C0_C4_0 to S3_0_C0_C4_7**: 8 encodings');
    expect(range).toContain('`ID_AA64PFR0_EL1`');
  });
});

describe('.traps completion', () => {
  type Item = { label: string; kind?: number; detail?: string; documentation?: { value: string }; data?: unknown };
  const complete = async (line: number, character: number): Promise<Item[]> =>
    (await c.request<{ items: Item[] }>('textDocument/completion', { textDocument: { uri: URI }, position: at(line, character) })).items;

  it('offers the fields of a register after the dot, with their bits', async () => {
    const items = await complete(1, 41); // just after "HCR_EL2."
    const tid3 = items.find((i) => i.label === 'TID3');
    expect(tid3?.detail).toBe('HCR_EL2[18]');
    expect(items.some((i) => i.label === 'TVM')).toBe(true);
  });

  it('offers controls after `with`, and keywords and registers elsewhere, with register cards on resolve', async () => {
    const controls = (await complete(5, 44)).map((i) => i.label);
    expect(controls).toEqual(['TID3', 'TVM', 'BOTH']);
    const all = await complete(12, 0);
    expect(all.some((i) => i.label === 'finetrap' && i.kind === 14)).toBe(true);
    const reg = all.find((i) => i.label === 'VTTBR_EL2')!;
    expect(reg).toBeDefined();
    const resolved = await c.request<Item>('completionItem/resolve', reg);
    expect(resolved.documentation!.value).toContain('**VTTBR_EL2**');
  });
});

describe('.traps navigation', () => {
  it('goes from a use of a control to its definition', async () => {
    const loc = await c.request<{ uri: string; range: Rng }>('textDocument/definition', { textDocument: { uri: URI }, position: at(5, 45) });
    expect(loc).toEqual({ uri: URI, range: rng(1, 8, 1, 12) });
  });

  it('finds every reference', async () => {
    const refs = await c.request<{ range: Rng }[]>('textDocument/references', { textDocument: { uri: URI }, position: at(2, 9), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range)).toEqual([rng(2, 8, 2, 11), rng(3, 22, 3, 25)]);
  });

  it('renames a control everywhere, and refuses keywords and clashes', async () => {
    const prep = await c.request<{ range: Rng; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: URI }, position: at(3, 16) });
    expect(prep).toEqual({ range: rng(3, 15, 3, 19), placeholder: 'TID3' });
    const edit = await c.request<{ changes: Record<string, { range: Rng; newText: string }[]> }>('textDocument/rename', { textDocument: { uri: URI }, position: at(1, 9), newName: 'ID_TRAPS' });
    expect(edit.changes[URI]!.map((e) => [e.range.start.line, e.range.start.character, e.newText])).toEqual([
      [1, 8, 'ID_TRAPS'],
      [3, 15, 'ID_TRAPS'],
      [5, 44, 'ID_TRAPS'],
      [7, 26, 'ID_TRAPS'],
      [8, 26, 'ID_TRAPS'],
      [11, 46, 'ID_TRAPS'],
    ]);
    await expect(c.request('textDocument/rename', { textDocument: { uri: URI }, position: at(1, 9), newName: 'trap' })).rejects.toThrow(/not a valid control name/);
    await expect(c.request('textDocument/rename', { textDocument: { uri: URI }, position: at(1, 9), newName: 'TVM' })).rejects.toThrow(/exists already \(line 3\)/);
  });

  it('lists the document symbols and folds multi-line items and comments', async () => {
    const syms = await c.request<{ name: string; detail: string }[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    expect(syms.map((s) => `${s.name}: ${s.detail}`)).toEqual([
      'TID3: control',
      'TVM: control',
      'BOTH: combine TID3 + TVM',
      'ID_AA64PFR0_EL1 +1: trap with TID3',
      'SCTLR_EL1: trap with BOTH',
      '(3, 0, 0, 4, 1): trap with TID3',
      'ID_AA64PFR9_EL1: trap with TID3',
      'TPIDR_EL1: finetrap with HFGxTR_EL2.TPIDR_EL1',
      '(3, 0, 0, 4, 0) to (3, 0, 0, 4, 7) +1: trap with TID3',
    ]);
    const folds = await c.request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', { textDocument: { uri: URI } });
    expect(folds).toContainEqual({ startLine: 10, endLine: 11 });
  });
});

describe('register cards in assembly and C', () => {
  const hoverIn = async (uri: string, text: string, languageId: string, needle: string): Promise<string | undefined> => {
    await c.open(uri, text, languageId);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    const h = await c.request<MarkupHover>('textDocument/hover', { textDocument: { uri }, position: at(line, lines[line]!.indexOf(needle) + 1) });
    return h?.contents.value;
  };

  it('knows lower-case names in assembly, Linux sysreg.h names and generic encodings in C', async () => {
    expect(await hoverIn('file:///tmp/nvlab-lsp/a.S', '    mrs x0, hcr_el2\n    msr vttbr_el2, x1\n', 'arm', 'vttbr_el2')).toContain('**VTTBR_EL2**');
    const cText = 'u64 v = read_sysreg_s(SYS_ID_AA64PFR0_EL1);\nwrite_sysreg_s(x, S3_4_C1_C1_0);\nint plain_word = 3;\n';
    expect(await hoverIn('file:///tmp/nvlab-lsp/b.c', cText, 'c', 'SYS_ID_AA64PFR0_EL1')).toContain('**ID_AA64PFR0_EL1**');
    expect(await hoverIn('file:///tmp/nvlab-lsp/b2.c', cText, 'c', 'S3_4_C1_C1_0')).toContain('**HCR_EL2**');
    expect(await hoverIn('file:///tmp/nvlab-lsp/b3.c', cText, 'c', 'plain_word')).toBeUndefined();
    // No diagnostics for them.
    await new Promise((r) => setTimeout(r, 200));
    expect(c.published.filter((p) => !p.uri.endsWith('.traps'))).toEqual([]);
  });
});

describe('.traps editing aids', () => {
  it('offers quick fixes: the suggested names for a misspelling, and the missing mappings', async () => {
    const d = await c.diagnostics(URI, 1);
    const unknown = d.diagnostics.find((x) => x.message.includes("'ID_AA64PFR9_EL1'"))!;
    const unmapped = d.diagnostics.find((x) => x.message.includes('also traps ID_PFR0_EL1'))!;
    type Action = { title: string; edit: { changes: Record<string, { range: Rng; newText: string }[]> } };
    const actions = await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri: URI }, range: unknown.range, context: { diagnostics: [unknown, unmapped] } });
    expect(actions.map((x) => x.title).slice(0, 3)).toEqual(["Change to 'ID_AA64PFR0_EL1'", "Change to 'ID_AA64PFR1_EL1'", "Change to 'ID_AA64PFR2_EL1'"]);
    expect(actions[0]!.edit.changes[URI]).toEqual([{ range: rng(8, 5, 8, 20), newText: 'ID_AA64PFR0_EL1' }]);
    const add = actions.find((x) => x.title.startsWith('Map the'))!;
    expect(add.title).toMatch(/^Map the \d+ registers to TID3$/);
    const insert = add.edit.changes[URI]![0]!;
    expect(insert.range).toEqual(rng(12, 0, 12, 0));
    expect(insert.newText).toMatch(/^trap ID_PFR0_EL1, ID_PFR1_EL1, .* with TID3\n$/);
    // Applying it removes the warning.
    const fixed = TABLE + insert.newText;
    expect(checkTraps(fixed, '/x.traps').diagnostics.some((x) => x.code === 'arch-unmapped' && x.message.includes("'TID3'"))).toBe(false);
  });

  it('splits a range around the range it overlaps', async () => {
    const uri = 'file:///tmp/nvlab-lsp/overlap.traps';
    await c.open(uri, 'control A forwards reads when HCR_EL2.TID3 == 1\ncontrol B forwards reads when HCR_EL2.TID1 == 1\ntrap (3, 0, 0, 4, 0) to (3, 0, 0, 4, 7) with A\ntrap (3, 0, 0, 4, 2) to (3, 0, 0, 5, 3) with B\n');
    const d = (await c.diagnostics(uri, 1)).diagnostics.filter((x) => x.code === 'overlapping-ranges').sort((x, y) => x.range.start.line - y.range.start.line);
    expect(d.map((x) => x.range.start.line)).toEqual([2, 3]);
    type Action = { title: string; edit: { changes: Record<string, { range: Rng; newText: string }[]> } };
    const split = async (x: (typeof d)[number]): Promise<string | undefined> =>
      (await c.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: x.range, context: { diagnostics: [x] } })).find((a) => a.title.startsWith('Split'))?.edit.changes[uri]![0]!.newText;
    expect(await split(d[0]!)).toBe('(3, 0, 0, 4, 0) to (3, 0, 0, 4, 1)');
    expect(await split(d[1]!)).toBe('(3, 0, 0, 5, 0) to (3, 0, 0, 5, 3)');
  });

  it('shows inlay hints: encodings after register names, mask and value after conditions', async () => {
    const hints = await c.request<{ position: Pos; label: string }[]>('textDocument/inlayHint', { textDocument: { uri: URI }, range: rng(0, 0, 12, 0) });
    expect(hints).toContainEqual(expect.objectContaining({ position: at(5, 20), label: '(3, 0, 0, 4, 0)' }));
    expect(hints).toContainEqual(expect.objectContaining({ position: at(1, 50), label: 'HCR_EL2 & 0x40000 == 0x40000' }));
  });

  it('shows code lenses: how many registers each control traps, how many a multi-target item maps', async () => {
    const lenses = await c.request<{ range: Rng; command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    const at1 = (line: number): string[] => lenses.filter((l) => l.range.start.line === line).map((l) => l.command.title);
    // TID3: ID_AA64PFR0/MMFR0 (line 6), ID_AA64PFR1 (line 8), the range items (more ID registers); BOTH: SCTLR_EL1.
    expect(at1(3)).toEqual(['traps 1 register']);
    expect(at1(5)).toEqual(['maps 2 registers']);
    expect(at1(1)[0]).toMatch(/^traps \d+ registers$/);
  });

  it('classifies tokens semantically: controls, registers, fields, keywords, numbers, comments', async () => {
    const r = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: URI } });
    const types = ['keyword', 'function', 'variable', 'property', 'enumMember', 'number', 'comment', 'operator', 'string'];
    let line = 0;
    let col = 0;
    const lines = TABLE.split('\n');
    const decoded: string[] = [];
    for (let i = 0; i < r.data.length; i += 5) {
      line += r.data[i]!;
      col = r.data[i]! === 0 ? col + r.data[i + 1]! : r.data[i + 1]!;
      decoded.push(`${lines[line]!.slice(col, col + r.data[i + 2]!)}:${types[r.data[i + 3]!]}${r.data[i + 4] ? '+' + r.data[i + 4] : ''}`);
    }
    expect(decoded.slice(0, 12)).toEqual(['# A table for the tests:comment', 'control:keyword', 'TID3:function+1', 'forwards:keyword', 'reads:keyword', 'when:keyword', 'HCR_EL2:variable+2', 'TID3:property', '==:operator', '1:number', 'control:keyword', 'TVM:function+1']);
    expect(decoded).toContain('HFGxTR_EL2:variable+2');
    expect(decoded).toContain('TPIDR_EL1:enumMember');
    expect(decoded).not.toContain('ID_AA64PFR9_EL1:variable+2');
  });

  it('formats a document over the protocol, and leaves one that does not parse alone', async () => {
    const uri = 'file:///tmp/nvlab-lsp/messy.traps';
    await c.open(uri, 'control  A forwards reads when HCR_EL2.TID3==1\ncontrol LONGER forwards all when HCR_EL2.TVM == 1\ntrap ID_AA64PFR0_EL1 ,ID_AA64PFR1_EL1 with A');
    const edits = await c.request<{ range: Rng; newText: string }[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    expect(edits).toEqual([
      {
        range: rng(0, 0, 2, 44),
        newText: 'control A      forwards reads  when HCR_EL2.TID3 == 1\ncontrol LONGER forwards all    when HCR_EL2.TVM == 1\ntrap ID_AA64PFR0_EL1, ID_AA64PFR1_EL1 with A\n',
      },
    ]);
    const bad = 'file:///tmp/nvlab-lsp/bad.traps';
    await c.open(bad, 'control A forwards sideways when HCR_EL2.TID3 == 1\n');
    expect(await c.request('textDocument/formatting', { textDocument: { uri: bad }, options: { tabSize: 4, insertSpaces: true } })).toEqual([]);
  });

  it('finds controls across open tables by workspace symbol', async () => {
    const syms = await c.request<{ name: string; location: { uri: string } }[]>('workspace/symbol', { query: 'tv' });
    expect(syms.map((s) => `${s.name} ${s.location.uri.split('/').pop()}`)).toEqual(['TVM table.traps']);
    expect((await c.request<{ name: string }[]>('workspace/symbol', { query: 'long' })).map((s) => s.name)).toEqual(['LONGER']);
  });
});
