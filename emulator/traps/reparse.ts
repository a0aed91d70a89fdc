/**
 * Incremental re-parsing of one document, for the language server: a
 * 20,000-line table takes tens of milliseconds to parse and leaves a tree
 * the garbage collector has to copy, while an edit touches a line or two.
 *
 * The text is cut into chunks at the lines whose first token is an item
 * keyword (and at the start of the text). What a chunk parses to depends on
 * its own text only (parser.ts parseRegion), so after an edit only the chunks
 * whose lines it touched are parsed again; the others keep their items,
 * diagnostics and comments, moved to their new offsets and lines. The result
 * is the ParseResult parseTraps would give for the new text, with the same
 * objects for unchanged items: what the work kept per item between checks
 * keys on (Reparser.memo).
 */
import type { Item } from './ast.js';
import { type Comment, lineStartsItem } from './lexer.js';
import { type ItemLine, type ParseResult, parseRegion } from './parser.js';
import { type Diagnostic, LineMap, type Position } from './source.js';

interface Chunk {
  /** Offset and line of the chunk's first line. */
  start: number;
  line: number;
  readonly items: readonly Item[];
  readonly diagnostics: readonly Diagnostic[];
  readonly comments: readonly Comment[];
  /** Every Position made for the chunk's items, diagnostics and comments, each once. */
  readonly positions: readonly Position[];
}

/**
 * Position is read-only for everybody else. Chunks that an edit moves have
 * their positions updated in place, which is what lets unchanged items keep
 * their identity (and the checker's cached work on them) across edits.
 */
type MovablePosition = { offset: number; line: number; col: number };

const BLOCK = 2048;
/** Appended to the key of a chunk that ends the text: it parses differently (an item cut short meets the end of the file). */
const EOF_MARK = '\0eof';

function move(c: Chunk, delta: number, lineDelta: number): void {
  if (delta === 0 && lineDelta === 0) return;
  c.start += delta;
  c.line += lineDelta;
  for (const p of c.positions as MovablePosition[]) {
    p.offset += delta;
    p.line += lineDelta;
  }
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The index of the last chunk starting at or before `offset` (the first chunk starts at 0). */
function chunkAt(chunks: readonly Chunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Parses `text[from, to)` and cuts the result into chunks (from: a chunk start on `line`). */
function parseChunks(text: string, file: string, from: number, to: number, line: number): Chunk[] {
  const positions: Position[] = [];
  const starts: ItemLine[] = [];
  const region = parseRegion(text, file, from, to, line, positions, starts);
  if (starts.length === 0 || starts[0]!.offset !== from) starts.unshift({ offset: from, line });
  const n = starts.length;
  const items: Item[][] = Array.from({ length: n }, () => []);
  const diagnostics: Diagnostic[][] = [];
  const comments: Comment[][] = [];
  const held: Position[][] = Array.from({ length: n }, () => []);
  // The chunk holding `offset`, from the last one found: what is placed comes nearly in order.
  let k = 0;
  const at = (offset: number): number => {
    if (offset < starts[k]!.offset) k = 0;
    while (k + 1 < n && starts[k + 1]!.offset <= offset) k++;
    return k;
  };
  for (const item of region.items) items[at(item.range.start.offset)]!.push(item);
  for (const d of region.diagnostics) (diagnostics[at(d.range.start.offset)] ??= []).push(d);
  for (const c of region.comments) (comments[at(c.range.start.offset)] ??= []).push(c);
  for (const p of positions) {
    // Tokens of the keyword line at `to` belong to the next chunk, which has its own.
    if (p.offset >= to && to < text.length) continue;
    held[at(p.offset)]!.push(p);
  }
  // Chunks live as long as their text: copies without the room arrays keep for growing (a third
  // of a 20,000-line table's chunks' memory), and one shared empty list for most chunks'
  // diagnostics and comments.
  return starts.map((s, i) => ({
    start: s.offset,
    line: s.line,
    items: items[i]!.slice(),
    diagnostics: diagnostics[i]?.slice() ?? NONE,
    comments: comments[i]?.slice() ?? NONE,
    positions: held[i]!.slice(),
  }));
}

const NONE: readonly never[] = Object.freeze([]);

export class Reparser {
  private text = '';
  private chunks: Chunk[] = [];
  private last: ParseResult | null = null;
  private readonly memos: Map<Item, unknown>[] = [];

  constructor(readonly file: string) {}

  /**
   * A map from this document's items to what was worked out about them
   * (the checker's and the server's work per item): the re-parser deletes
   * the items an edit replaces, so it holds the current items only.
   */
  memo<V>(): Map<Item, V> {
    const m = new Map<Item, V>();
    this.memos.push(m);
    return m;
  }

  private forget(chunks: Iterable<Chunk>): void {
    if (this.memos.length === 0) return;
    for (const c of chunks) for (const item of c.items) for (const m of this.memos) m.delete(item);
  }

  /** The parse of `text`, reusing what the previous call parsed where the text is unchanged. */
  parse(text: string): ParseResult {
    if (this.last && text === this.text) return this.last;
    try {
      if (this.last) this.update(text);
      else {
        for (const m of this.memos) m.clear();
        this.chunks = parseChunks(text, this.file, 0, text.length, 0);
      }
    } catch (e) {
      // The chunks may be half moved: start again from nothing next time.
      this.last = null;
      this.chunks = [];
      for (const m of this.memos) m.clear();
      throw e;
    }
    this.text = text;
    const items: Item[] = [];
    const diagnostics: Diagnostic[] = [];
    const comments: Comment[] = [];
    for (const c of this.chunks) {
      for (const x of c.items) items.push(x);
      for (const x of c.diagnostics) diagnostics.push(x);
      for (const x of c.comments) comments.push(x);
    }
    return (this.last = { file: this.file, text, lines: new LineMap(text), items, diagnostics, comments });
  }

  private update(text: string): void {
    const old = this.text;
    // The edit: old[a, bOld) became text[a, bNew).
    const shorter = Math.min(old.length, text.length);
    // Blocks compared natively first: a character loop over a 20,000-line table takes milliseconds.
    let a = 0;
    while (a + BLOCK <= shorter && old.slice(a, a + BLOCK) === text.slice(a, a + BLOCK)) a += BLOCK;
    while (a < shorter && old.charCodeAt(a) === text.charCodeAt(a)) a++;
    let suffix = 0;
    while (suffix + BLOCK <= shorter - a && old.slice(old.length - suffix - BLOCK, old.length - suffix) === text.slice(text.length - suffix - BLOCK, text.length - suffix)) suffix += BLOCK;
    while (suffix < shorter - a && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    const bOld = old.length - suffix;
    const bNew = text.length - suffix;
    const delta = bNew - bOld;
    // From the chunk holding the line before the edit's first line: if that first line no
    // longer starts an item, the chunk before it grows.
    const lineA = a === 0 ? 0 : old.lastIndexOf('\n', a - 1) + 1;
    const first = chunkAt(this.chunks, Math.max(0, lineA - 1));
    // To the first chunk that starts after the edit: its line, and the newline before it, are unchanged.
    let end = chunkAt(this.chunks, bOld);
    if (this.chunks[end]!.start <= bOld) end++;
    const from = this.chunks[first]!.start;
    const line = this.chunks[first]!.line;
    const oldTo = end < this.chunks.length ? this.chunks[end]!.start : old.length;
    const lineDelta = countLines(text, a, bNew) - countLines(old, a, bOld);
    const fresh = this.reuseOrParse(text, first, end, from, oldTo + delta, line);
    const moved = this.chunks.slice(end);
    if (delta !== 0 || lineDelta !== 0) for (const c of moved) move(c, delta, lineDelta);
    this.chunks = [...this.chunks.slice(0, first), ...fresh, ...moved];
  }

  /**
   * The chunks of text[from, to) (from: a chunk start on `line`; to: one,
   * or the end). Between the first and the last place it changed, a text
   * may be unchanged in long stretches (two edits in one change, a line
   * moved): a chunk whose text is that of an old chunk of chunks[first, end),
   * with the same kind of end (another chunk or the end of the text), parses
   * as that one did, and is that one moved. The rest is parsed.
   */
  private reuseOrParse(text: string, first: number, end: number, from: number, to: number, line: number): Chunk[] {
    const old = this.text;
    const oldChunks = new Map<string, Chunk[]>();
    for (let k = first; k < end; k++) {
      const c = this.chunks[k]!;
      const key = old.slice(c.start, k + 1 < this.chunks.length ? this.chunks[k + 1]!.start : old.length) + (k + 1 < this.chunks.length ? '' : EOF_MARK);
      const list = oldChunks.get(key);
      if (list) list.push(c);
      else oldChunks.set(key, [c]);
    }
    const out: Chunk[] = [];
    let pending = -1;
    let pendingLine = 0;
    let s = from;
    let sLine = line;
    while (s < to) {
      // The next chunk start: a line starting with an item keyword, or `to`.
      let e = s;
      let eLine = sLine;
      for (;;) {
        const nl = text.indexOf('\n', e);
        if (nl < 0 || nl + 1 >= to) {
          e = to;
          break;
        }
        e = nl + 1;
        eLine++;
        if (lineStartsItem(text, e)) break;
      }
      const key = text.slice(s, e) + (e === text.length ? EOF_MARK : '');
      const reused = oldChunks.get(key)?.shift();
      if (reused) {
        if (pending >= 0) out.push(...parseChunks(text, this.file, pending, s, pendingLine));
        pending = -1;
        move(reused, s - reused.start, sLine - reused.line);
        out.push(reused);
      } else if (pending < 0) {
        pending = s;
        pendingLine = sLine;
      }
      s = e;
      sLine = eLine;
    }
    // (An empty text is one empty chunk.)
    if (pending >= 0 || out.length === 0) out.push(...parseChunks(text, this.file, pending >= 0 ? pending : from, to, pending >= 0 ? pendingLine : line));
    // The old chunks not taken are gone, and so are their items.
    for (const left of oldChunks.values()) this.forget(left);
    return out;
  }
}
