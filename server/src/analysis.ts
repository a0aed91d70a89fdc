/**
 * One checked `.traps` document and an index of what is where in it: the
 * definitions of controls and combinations, every use of their names, the
 * register and field names, fine-grained trap bits, encodings and ranges.
 * Every feature of the server (hover, completion, go to definition,
 * references, rename, symbols) answers from this index.
 */
import type { CombineItem, ControlItem, EncodingLit, FieldTest, Item, Name, Target } from '../../emulator/traps/ast.js';
import { type CheckResult, type CheckedTable, type ItemCheckWork, TrapCheck } from '../../emulator/traps/checker.js';
import type { ParseResult } from '../../emulator/traps/parser.js';
import type { Range } from '../../emulator/traps/source.js';

export type Entry =
  | { readonly kind: 'control-def'; readonly name: string; readonly range: Range; readonly item: ControlItem | CombineItem }
  | { readonly kind: 'control-ref'; readonly name: string; readonly range: Range }
  | { readonly kind: 'register'; readonly name: string; readonly range: Range }
  | { readonly kind: 'field'; readonly register: string; readonly name: string; readonly range: Range }
  | { readonly kind: 'fgt-bit'; readonly register: string; readonly name: string; readonly range: Range }
  | { readonly kind: 'encoding'; readonly encoding: EncodingLit; readonly range: Range }
  | { readonly kind: 'range'; readonly target: Extract<Target, { kind: 'range' }>; readonly range: Range }
  | { readonly kind: 'builtin'; readonly name: string; readonly range: Range }
  | { readonly kind: 'number'; readonly value: bigint; readonly range: Range };

/**
 * The checker's passes run when first asked for: navigation right after an
 * edit needs the controls or the table, not the whole-table passes that only
 * diagnostics need.
 */
export interface Analysis {
  readonly version: number;
  readonly file: string;
  /** Every pass, every diagnostic. */
  readonly result: CheckResult;
  /** The mappings resolved, without the whole-table passes. */
  readonly table: CheckedTable;
  /** Controls and combinations by name: the definitions only. */
  readonly controls: CheckedTable['controls'];
  readonly root: ParseResult;
  /** Sorted by start offset; names before the ranges that contain them. */
  readonly entries: readonly Entry[];
  readonly defs: ReadonlyMap<string, Extract<Entry, { kind: 'control-def' }>>;
  /** One item's entries, sorted. */
  readonly entriesOf: (item: Item) => readonly Entry[];
}

export interface AnalysisOptions {
  readonly readFile: (path: string) => string | null;
  readonly resolve: (from: string, path: string) => string;
  /** The document already parsed (incrementally, by the server). */
  readonly parsed?: ParseResult;
  /** Work kept per item of `parsed` between analyses of the document (Reparser.memo). */
  readonly memo?: { readonly check: Map<Item, ItemCheckWork>; readonly entries: Map<Item, readonly Entry[]> };
}

function testEntries(t: FieldTest, out: Entry[]): void {
  out.push({ kind: 'register', name: t.register.text, range: t.register.range });
  if (t.field) out.push({ kind: 'field', register: t.register.text, name: t.field.text, range: t.field.range });
  out.push({ kind: 'number', value: t.value.big, range: t.value.range });
}

function targetEntries(t: Target, out: Entry[]): void {
  const side = (s: EncodingLit | Name): void => {
    if ('text' in s) out.push({ kind: 'register', name: s.text, range: s.range });
    else out.push({ kind: 'encoding', encoding: s, range: s.range });
  };
  if (t.kind === 'name') out.push({ kind: 'register', name: t.name.text, range: t.name.range });
  else if (t.kind === 'encoding') out.push({ kind: 'encoding', encoding: t.encoding, range: t.encoding.range });
  else {
    side(t.from);
    side(t.to);
    out.push({ kind: 'range', target: t, range: t.range });
  }
}

function itemEntries(item: Item, out: Entry[]): void {
  switch (item.kind) {
    case 'control':
      out.push({ kind: 'control-def', name: item.name.text, range: item.name.range, item });
      if (item.condition.kind === 'builtin') out.push({ kind: 'builtin', name: item.condition.name.text, range: item.condition.name.range });
      else for (const t of item.condition.tests) testEntries(t, out);
      break;
    case 'combine':
      out.push({ kind: 'control-def', name: item.name.text, range: item.name.range, item });
      for (const m of item.members) out.push({ kind: 'control-ref', name: m.text, range: m.range });
      break;
    case 'trap':
      for (const t of item.targets) targetEntries(t, out);
      out.push({ kind: 'control-ref', name: item.control.text, range: item.control.range });
      break;
    case 'finetrap':
      for (const t of item.targets) targetEntries(t, out);
      out.push({ kind: 'register', name: item.register.text, range: item.register.range });
      out.push({ kind: 'fgt-bit', register: item.register.text, name: item.bit.text, range: item.bit.range });
      if (item.unless) testEntries(item.unless, out);
      break;
    case 'include':
      break;
  }
}

function sortedEntries(item: Item): readonly Entry[] {
  const out: Entry[] = [];
  itemEntries(item, out);
  // Narrow entries first at equal starts, so that lookups find the innermost.
  out.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  return out;
}

export function analyse(text: string, file: string, version: number, opts: AnalysisOptions): Analysis {
  const check = new TrapCheck(text, file, { readFile: opts.readFile, resolve: opts.resolve, ...(opts.parsed ? { parsed: opts.parsed, ...(opts.memo ? { memo: opts.memo.check } : {}) } : {}) });
  const root = check.files.find((f) => f.file === file) ?? check.files[0]!;
  // Items an incremental re-parse kept are the same objects (their ranges moved in place): their
  // entries are made once. Without a re-parser, for this analysis only.
  const kept = opts.parsed && opts.memo ? opts.memo.entries : new Map<Item, readonly Entry[]>();
  const entriesOf = (item: Item): readonly Entry[] => {
    let e = kept.get(item);
    if (!e) kept.set(item, (e = sortedEntries(item)));
    return e;
  };
  let entries: Entry[] | undefined;
  let defs: Map<string, Extract<Entry, { kind: 'control-def' }>> | undefined;
  return {
    version,
    file,
    root,
    entriesOf,
    // Made when first asked: a hover finds its item by binary search and needs neither.
    get entries() {
      if (!entries) {
        // Items do not overlap and come in order, and each item's entries lie inside it: sorted per item is sorted.
        entries = [];
        for (const item of root.items) for (const e of entriesOf(item)) entries.push(e);
      }
      return entries;
    },
    get defs() {
      if (!defs) {
        defs = new Map();
        for (const item of root.items) {
          if (item.kind !== 'control' && item.kind !== 'combine') continue;
          for (const e of entriesOf(item)) if (e.kind === 'control-def' && !defs.has(e.name)) defs.set(e.name, e);
        }
      }
      return defs;
    },
    get result() {
      return check.result;
    },
    get table() {
      return check.table;
    },
    get controls() {
      return check.controls;
    },
  };
}

/** The innermost entry at `offset` (a name touching the cursor at either end counts). */
export function entryAt(a: Analysis, offset: number): Entry | undefined {
  // The last item starting at or before `offset`, and the one before it (which may end just there).
  const items = a.root.items;
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.range.start.offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  let best: Entry | undefined;
  for (let i = Math.max(0, lo - 2); i < lo; i++) {
    for (const e of a.entriesOf(items[i]!)) {
      if (e.range.start.offset > offset) break;
      if (offset > e.range.end.offset) continue;
      if (!best || e.range.end.offset - e.range.start.offset < best.range.end.offset - best.range.start.offset) best = e;
    }
  }
  return best;
}

/** Whether an item names a control or combination (defines it or uses it). */
function mentions(item: Item, name: string): boolean {
  switch (item.kind) {
    case 'control':
      return item.name.text === name;
    case 'combine':
      return item.name.text === name || item.members.some((m) => m.text === name);
    case 'trap':
      return item.control.text === name;
    default:
      return false;
  }
}

/** Every occurrence of a control or combination name: its definition and its uses. */
export function occurrences(a: Analysis, name: string): Entry[] {
  // From the items that mention it: a hover on a name does not need the index of every entry.
  const out: Entry[] = [];
  for (const item of a.root.items) {
    if (!mentions(item, name)) continue;
    for (const e of a.entriesOf(item)) if ((e.kind === 'control-def' || e.kind === 'control-ref') && e.name === name) out.push(e);
  }
  return out;
}
