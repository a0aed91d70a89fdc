/**
 * Hover, completion, symbols and folding for `.traps` documents, answered
 * from an Analysis. Protocol types only; the server wires them to requests.
 */
import {
  CompletionItemKind,
  type CompletionItem,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  MarkupKind,
  SymbolKind,
} from 'vscode-languageserver';
import { allSysregs, findSysreg, sysregEncodingsByKey, sysregFields, sysregGenericName } from '../../emulator/arch/sysreg-db.js';
import type { EncodingLit, Item } from '../../emulator/traps/ast.js';
import { BUILTINS } from '../../emulator/traps/builtins.js';
import { encodingLabel } from '../../emulator/traps/checker.js';
import type { Range } from '../../emulator/traps/source.js';
import { type Analysis, type Entry, entryAt, occurrences } from './analysis.js';
import { type DocsLookup, docNames, findRegister, registerCard } from './register-card.js';

const ARCH = { features: (): boolean => true };

export function lspRange(r: Range): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

const md = (value: string, range: Range): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: lspRange(range) });

function encodingKey(e: EncodingLit): number | undefined {
  const [op0, op1, crn, crm, op2] = e.fields.map((f) => f.value);
  if ([op0, op1, crn, crm, op2].some((v) => v === undefined)) return undefined;
  return (op0! << 14) | (op1! << 11) | (crn! << 7) | (crm! << 3) | op2!;
}

/** Lines of what this table maps to the encodings of a register. */
function tableLines(a: Analysis, keys: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const m of a.table.traps) {
    for (const k of keys) {
      if (k >= m.from && k <= m.to) {
        out.push(`- ${encodingLabel(k)} forwarded by \`${m.def.name}\` (${m.file === a.file ? '' : m.file + ':'}line ${m.item.range.start.line + 1})`);
        break;
      }
    }
  }
  for (const f of a.table.fineTraps) {
    for (const k of keys) {
      if (k >= f.from && k <= f.to) {
        out.push(`- ${encodingLabel(k)} forwarded by fine-grained bit \`${f.item.register.text}.${f.bitName}\` == ${f.polarity} (line ${f.item.range.start.line + 1})`);
        break;
      }
    }
  }
  return out.length > 0 ? ['**In this table**', ...out] : ['**In this table**: not mapped'];
}

function controlHover(a: Analysis, name: string, range: Range): Hover | null {
  const def = a.controls.get(name);
  const uses = occurrences(a, name).filter((e) => e.kind === 'control-ref');
  const where = uses.length === 0 ? 'not used in this file' : `used ${uses.length} time${uses.length === 1 ? '' : 's'} (line${uses.length === 1 ? '' : 's'} ${uses.map((u) => u.range.start.line + 1).join(', ')})`;
  if (!def) {
    const local = a.defs.get(name);
    if (!local) return md(`\`${name}\`: no such control or combination in this table`, range);
    return md(`\`${name}\` — defined at line ${local.range.start.line + 1} (with errors)  \n${where}`, range);
  }
  if (def.kind === 'combine') {
    return md([`**combine ${name}** = ${def.members.map((m) => `\`${m.name}\``).join(' + ')}`, '', 'Forwards what any member forwards; the behaviours are ORed (KVM).', '', where].join('\n'), range);
  }
  const behaviour = `forwards ${def.access === 'both' ? 'reads and writes' : def.access + 's'}${def.hostEl0 ? ', even from host EL0' : ''}`;
  const lines = [`**control ${name}** — ${behaviour}`, ''];
  if (def.builtin) lines.push(`when built-in \`${def.builtin.name}\`: ${def.builtin.description}`);
  else {
    lines.push('| register | mask | value |', '| --- | --- | --- |');
    for (const t of def.tests) {
      const h = (lo: number, hi: number): string => `0x${(hi >>> 0).toString(16).padStart(8, '0')}_${(lo >>> 0).toString(16).padStart(8, '0')}`;
      lines.push(`| ${t.register} | ${h(t.maskLo, t.maskHi)} | ${h(t.valueLo, t.valueHi)} |`);
    }
  }
  lines.push('', where);
  return md(lines.join('\n'), range);
}

function fieldHover(register: string, field: string, range: Range, docs?: DocsLookup): Hover | null {
  const m = findSysreg(register.toUpperCase());
  if (!m) return null;
  const rows = sysregFields(m.register, ARCH).filter((f) => f.name === field);
  if (rows.length === 0) return md(`\`${register}\` has no field \`${field}\``, range);
  const bits = rows.map((f) => `[${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]${f.kind ? ' ' + f.kind : ''}${f.condition ? ` when ${f.condition}` : ''}`);
  const prose = docs?.(docNames(m.register))?.fields.get(field);
  return md(`**${m.register.name}.${field}** ${bits.join('; ')}${prose ? '\n\n' + prose : ''}`, range);
}

function rangeKeys(a: Analysis, target: Extract<Entry, { kind: 'range' }>): { from: number; to: number } | undefined {
  const r = target.range;
  for (const m of [...a.table.traps, ...a.table.fineTraps]) {
    if (m.range.start.offset === r.start.offset && m.range.end.offset === r.end.offset) return { from: m.from, to: m.to };
  }
  return undefined;
}

export function hover(a: Analysis, offset: number, docs?: DocsLookup): Hover | null {
  const e = entryAt(a, offset);
  if (!e) return null;
  switch (e.kind) {
    case 'control-def':
    case 'control-ref':
      return controlHover(a, e.name, e.range);
    case 'register': {
      const m = findRegister(e.name);
      if (!m) return md(`\`${e.name}\`: not a system register or instruction name`, e.range);
      return md(registerCard(m, tableLines(a, new Set(m.encodings.map((x) => x.key))), docs), e.range);
    }
    case 'field':
      return fieldHover(e.register, e.name, e.range, docs);
    case 'fgt-bit': {
      const reg = e.register.toUpperCase().replace('XTR', 'RTR');
      return fieldHover(reg, e.name, e.range, docs);
    }
    case 'builtin': {
      const b = BUILTINS.get(e.name);
      return md(b ? `**builtin ${b.name}**: ${b.description}` : `\`${e.name}\`: no such built-in condition`, e.range);
    }
    case 'encoding': {
      const key = encodingKey(e.encoding);
      if (key === undefined) return null;
      const names = [...new Set(sysregEncodingsByKey(key).map((x) => `\`${x.kind} ${x.asm}\``))];
      return md(`**${sysregGenericName(key)}** (key 0x${key.toString(16).padStart(4, '0')}): ${names.length > 0 ? names.join(', ') : 'no register or instruction is encoded here'}`, e.range);
    }
    case 'number':
      return md(`${e.value} = 0x${e.value.toString(16)} = 0b${e.value.toString(2)}`, e.range);
    case 'range': {
      const k = rangeKeys(a, e);
      if (!k) return null;
      const names: string[] = [];
      for (let key = k.from; key <= k.to; key++) for (const x of sysregEncodingsByKey(key)) if (!names.includes(x.asm)) names.push(x.asm);
      const shown = names.slice(0, 40).map((n) => `\`${n}\``).join(', ');
      const more = names.length > 40 ? `, … ${names.length - 40} more` : '';
      return md(`**${sysregGenericName(k.from)} to ${sysregGenericName(k.to)}**: ${k.to - k.from + 1} encodings, ${names.length} named register${names.length === 1 ? '' : 's'} or instruction${names.length === 1 ? '' : 's'}${names.length > 0 ? ': ' + shown + more : ''}`, e.range);
    }
  }
}

// ---- completion --------------------------------------------------------------------------------

const KEYWORDS = ['control', 'combine', 'trap', 'finetrap', 'include', 'forwards', 'reads', 'writes', 'all', 'even', 'in', 'host', 'EL0', 'when', 'builtin', 'with', 'unless', 'to'];
const FGT_REGISTERS = ['HFGxTR_EL2', 'HFGRTR_EL2', 'HFGWTR_EL2', 'HFGITR_EL2', 'HDFGxTR_EL2', 'HDFGRTR_EL2', 'HDFGWTR_EL2', 'HAFGRTR_EL2', 'HFGxTR2_EL2', 'HFGRTR2_EL2', 'HFGWTR2_EL2', 'HFGITR2_EL2', 'HDFGxTR2_EL2', 'HDFGRTR2_EL2', 'HDFGWTR2_EL2'];

let registerItems: CompletionItem[] | undefined;
function registerCompletions(): CompletionItem[] {
  if (!registerItems) {
    const names = new Set<string>();
    for (const r of allSysregs()) {
      names.add(r.name);
      for (const e of r.encodings) if (/^[A-Z0-9_]+$/.test(e.asm)) names.add(e.asm);
    }
    registerItems = [...names].sort().map((n) => ({ label: n, kind: CompletionItemKind.Variable, data: { register: n } }));
  }
  return registerItems;
}

function fieldCompletions(register: string): CompletionItem[] {
  const name = register.toUpperCase().replace(/^(H(?:D)?FG)XTR(2?)_EL2$/, '$1RTR$2_EL2');
  const m = findSysreg(name);
  if (!m) return [];
  const out = new Map<string, CompletionItem>();
  for (const f of sysregFields(m.register, ARCH)) {
    if (!f.name || out.has(f.name)) continue;
    out.set(f.name, { label: f.name, kind: CompletionItemKind.Field, detail: `${m.register.name}[${f.msb === f.lsb ? f.msb : `${f.msb}:${f.lsb}`}]${f.condition ? ' when ' + f.condition : ''}` });
  }
  return [...out.values()];
}

const ITEM_AT_LINE_START = /^(control|combine|trap|finetrap|include)\b/;

/**
 * The item keyword the cursor is inside of (items run until the next line
 * starting with one): the nearest line above that starts with one, looked
 * for line by line backwards (the keyword must lie before the cursor).
 */
function currentItem(text: string, offset: number): string | undefined {
  for (let end = offset; end >= 0; ) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
    // Nine characters hold the longest keyword and the one after it.
    const m = ITEM_AT_LINE_START.exec(text.slice(start, Math.min(end, start + 9)));
    if (m) return m[1];
    if (start === 0) return undefined;
    end = start - 1;
  }
  return undefined;
}

export function complete(a: Analysis, text: string, offset: number): { items: CompletionItem[]; isIncomplete: boolean } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  if (/#/.test(line)) return { items: [], isIncomplete: false };
  const dotted = /([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(line);
  if (dotted) return { items: fieldCompletions(dotted[1]!), isIncomplete: false };
  const item = currentItem(text, offset);
  const controls = (): CompletionItem[] =>
    [...a.defs.values()].map((d) => ({ label: d.name, kind: d.item.kind === 'combine' ? CompletionItemKind.Module : CompletionItemKind.Function, detail: d.item.kind === 'combine' ? 'combination' : 'control' }));
  if (/\bbuiltin\s+[A-Za-z0-9_]*$/.test(line)) return { items: [...BUILTINS.values()].map((b) => ({ label: b.name, kind: CompletionItemKind.Function, documentation: b.description })), isIncomplete: false };
  if (/\bwith\s+[A-Za-z0-9_]*$/.test(line) || (item === 'combine' && /[=+]\s*[A-Za-z0-9_]*$/.test(line))) {
    if (item === 'finetrap') return { items: FGT_REGISTERS.map((r) => ({ label: r, kind: CompletionItemKind.Variable })), isIncomplete: false };
    return { items: controls(), isIncomplete: false };
  }
  const keywords = KEYWORDS.map((k) => ({ label: k, kind: CompletionItemKind.Keyword }));
  return { items: [...keywords, ...controls(), ...registerCompletions()], isIncomplete: false };
}

/** Documentation for a completion item the client asks to resolve (register cards are built lazily). */
export function resolveCompletion(item: CompletionItem, docs?: DocsLookup): CompletionItem {
  const reg = (item.data as { register?: string } | undefined)?.register;
  if (reg) {
    const m = findRegister(reg);
    if (m) return { ...item, documentation: { kind: MarkupKind.Markdown, value: registerCard(m, [], docs) } };
  }
  return item;
}

// ---- symbols and folding --------------------------------------------------------------------

function itemSymbol(item: Item, text: string): DocumentSymbol | null {
  const range = lspRange(item.range);
  switch (item.kind) {
    case 'control':
      return { name: item.name.text, kind: SymbolKind.Function, detail: 'control', range, selectionRange: lspRange(item.name.range) };
    case 'combine':
      return { name: item.name.text, kind: SymbolKind.Module, detail: `combine ${item.members.map((m) => m.text).join(' + ')}`, range, selectionRange: lspRange(item.name.range) };
    case 'trap':
    case 'finetrap': {
      const first = item.targets[0];
      const label = first ? text.slice(first.kind === 'name' ? first.name.range.start.offset : first.kind === 'encoding' ? first.encoding.range.start.offset : first.range.start.offset, first.kind === 'name' ? first.name.range.end.offset : first.kind === 'encoding' ? first.encoding.range.end.offset : first.range.end.offset) : '?';
      const more = item.targets.length > 1 ? ` +${item.targets.length - 1}` : '';
      const by = item.kind === 'trap' ? item.control.text : `${item.register.text}.${item.bit.text}`;
      return { name: `${label}${more}`, kind: SymbolKind.Event, detail: `${item.kind} with ${by}`, range, selectionRange: lspRange(first ? (first.kind === 'name' ? first.name.range : first.kind === 'encoding' ? first.encoding.range : first.range) : item.range) };
    }
    case 'include':
      return { name: item.path, kind: SymbolKind.File, detail: 'include', range, selectionRange: lspRange(item.pathRange) };
  }
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  return a.root.items.map((i) => itemSymbol(i, a.root.text)).filter((s): s is DocumentSymbol => s !== null);
}

export function foldingRanges(a: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const i of a.root.items) if (i.range.end.line > i.range.start.line) out.push({ startLine: i.range.start.line, endLine: i.range.end.line });
  // Runs of comment lines.
  let start = -1;
  let prev = -2;
  for (const c of a.root.comments) {
    const line = c.range.start.line;
    if (line !== prev + 1) {
      if (start >= 0 && prev > start) out.push({ startLine: start, endLine: prev, kind: 'comment' });
      start = line;
    }
    prev = line;
  }
  if (start >= 0 && prev > start) out.push({ startLine: start, endLine: prev, kind: 'comment' });
  return out.sort((x, y) => x.startLine - y.startLine);
}
