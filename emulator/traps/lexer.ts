/**
 * Tokens of the trap-table language. Words (names, keywords, register and
 * field names), numbers (decimal, 0x, 0b), strings, and the punctuation
 * `. , ( ) [ ] : == != && + =`. `#` comments are kept aside for the formatter.
 * Anything else becomes an `invalid` token so that the parser can report
 * it in place and carry on.
 */
import type { Position, Range } from './source.js';

export type TokenKind = 'word' | 'number' | 'string' | 'punct' | 'invalid' | 'eof';

export interface Token {
  /** Position in the token stream: tokens are made on demand, so compare these, not objects. */
  readonly index: number;
  readonly kind: TokenKind;
  readonly text: string;
  readonly range: Range;
  /** The first token on its line (items start there; error recovery looks for them). */
  readonly lineStart: boolean;
  /** Numbers: the value; NaN when the literal is malformed (e.g. `0b102`). */
  readonly value?: number;
  /** Numbers: the exact value, which may exceed 2^53 (`0xffffffffffffffff`); absent when malformed. */
  readonly big?: bigint;
}

export interface Comment {
  readonly text: string;
  readonly range: Range;
}

const PUNCT1 = '.,()+=[]:';

/** Plain decimal literals that fit in 2^53 (encodings, bit numbers: most of a table) skip the general path. */
const SMALL_BIGINTS: bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));

function parseNumber(text: string): bigint | null {
  if (text.length <= 15) {
    let v = 0;
    let k = 0;
    for (; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    if (k === text.length) return v < 256 ? SMALL_BIGINTS[v]! : BigInt(v);
  }
  let digits: string;
  let base: number;
  if (/^0[xX]/.test(text)) {
    digits = text.slice(2);
    base = 16;
    if (!/^[0-9a-fA-F_]+$/.test(digits)) return null;
  } else if (/^0[bB]/.test(text)) {
    digits = text.slice(2);
    base = 2;
    if (!/^[01_]+$/.test(digits)) return null;
  } else {
    digits = text;
    base = 10;
    if (!/^[0-9_]+$/.test(digits)) return null;
  }
  digits = digits.replace(/_/g, '');
  if (digits === '') return null;
  // BigInt keeps 64-bit values exact; Number would round them beyond 2^53.
  return BigInt(base === 16 ? `0x${digits}` : base === 2 ? `0b${digits}` : digits);
}

/**
 * A token with its position as plain numbers; its Range is made only when
 * asked for (most tokens, punctuation above all, never end up in a range).
 * Tokens never span lines.
 */
class LexedToken implements Token {
  constructor(
    readonly index: number,
    readonly kind: TokenKind,
    readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly line: number,
    private readonly col: number,
    readonly lineStart: boolean,
    readonly value: number,
    readonly big: bigint | undefined,
    private readonly positions: Position[] | null,
  ) {}

  get range(): Range {
    const start = { offset: this.start, line: this.line, col: this.col };
    const end = { offset: this.end, line: this.line, col: this.col + (this.end - this.start) };
    this.positions?.push(start, end);
    return { start, end };
  }
}

/** The parser's item keywords (parser.ts ITEM_KEYWORDS, which is built from this). */
export const ITEM_WORDS: ReadonlySet<string> = new Set(['control', 'combine', 'trap', 'finetrap', 'include']);

const KINDS: readonly TokenKind[] = ['word', 'number', 'string', 'punct', 'invalid', 'eof'];

/**
 * The tokens of a text, stored as numbers in typed arrays; `at` makes the
 * Token object. A 20,000-line table has a quarter of a million tokens: as
 * objects alive for the whole parse they cost more in garbage collection
 * than the parse itself, made on demand they die young.
 */
export class TokenStream {
  length = 0;
  private kind = new Uint8Array(1024);
  private start = new Int32Array(1024);
  private end = new Int32Array(1024);
  private line = new Int32Array(1024);
  private col = new Int32Array(1024);
  private lineStart = new Uint8Array(1024);

  /**
   * `positions`: where every Position made for these tokens is also put, so
   * that an incremental re-parse can move the syntax tree of unchanged items
   * when text before them changes (emulator/traps/reparse.ts).
   */
  constructor(
    private readonly text: string,
    private readonly positions: Position[] | null = null,
  ) {}

  push(kind: number, start: number, end: number, line: number, col: number, lineStart: boolean): void {
    if (this.length === this.kind.length) this.grow();
    const i = this.length++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    this.line[i] = line;
    this.col[i] = col;
    this.lineStart[i] = lineStart ? 1 : 0;
  }

  private grow(): void {
    const n = this.kind.length * 2;
    const g = <T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.lineStart = g(this.lineStart, (k) => new Uint8Array(k));
    this.start = g(this.start, (k) => new Int32Array(k));
    this.end = g(this.end, (k) => new Int32Array(k));
    this.line = g(this.line, (k) => new Int32Array(k));
    this.col = g(this.col, (k) => new Int32Array(k));
  }

  at(i: number): Token {
    const kind = KINDS[this.kind[i]!]!;
    const start = this.start[i]!;
    const end = this.end[i]!;
    const text = kind === 'eof' ? '' : this.text.slice(start, end);
    let value = NaN;
    let big: bigint | undefined;
    if (kind === 'number') {
      const b = parseNumber(text);
      if (b !== null) {
        big = b;
        value = Number(b);
      }
    }
    return new LexedToken(i, kind, text, start, end, this.line[i]!, this.col[i]!, this.lineStart[i] === 1, value, big, this.positions);
  }

  /** The offset where token `i` starts, without making the token. */
  startOf(i: number): number {
    return this.start[i]!;
  }

  /** Token `i`'s line, and the offset where that line starts. */
  lineOf(i: number): number {
    return this.line[i]!;
  }

  lineOffsetOf(i: number): number {
    return this.start[i]! - this.col[i]!;
  }

  /** Whether token `i` is an item keyword that starts its line. */
  startsItemLine(i: number): boolean {
    if (this.lineStart[i] !== 1 || KINDS[this.kind[i]!] !== 'word') return false;
    const len = this.end[i]! - this.start[i]!;
    // Cheap length test first: only words of an item keyword's length are sliced.
    return len >= 4 && len <= 8 && ITEM_WORDS.has(this.text.slice(this.start[i]!, this.end[i]!));
  }

  *[Symbol.iterator](): IterableIterator<Token> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

const isWordStartCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordCode = (c: number): boolean => isWordStartCode(c) || (c >= 48 && c <= 57) || c === 60 || c === 62;
const isAlnumCode = (c: number): boolean => isWordStartCode(c) || (c >= 48 && c <= 57);

/**
 * Whether the line starting at `offset` begins (after blanks) with an item
 * keyword: the test TokenStream.startsItemLine makes on tokens, on the text
 * alone, for finding chunk boundaries without lexing (reparse.ts).
 */
export function lineStartsItem(text: string, offset: number): boolean {
  let i = offset;
  let c = text.charCodeAt(i);
  while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++i);
  if (!isWordStartCode(c)) return false;
  let j = i + 1;
  while (j < text.length && isWordCode(text.charCodeAt(j))) j++;
  return j - i >= 4 && j - i <= 8 && ITEM_WORDS.has(text.slice(i, j));
}

/**
 * Splits `text` into tokens. Positions are tracked as it scans, so no token
 * costs a line lookup. `from` (a line start, on line `line`) and `to` lex a
 * part of the text, as an incremental re-parse does; tokens never span lines,
 * so a part that starts at a line start lexes as it would in the whole text.
 * `positions` collects every Position made (see TokenStream).
 */
export function tokenize(text: string, from = 0, to = text.length, line = 0, positions: Position[] | null = null): { tokens: TokenStream; comments: Comment[] } {
  const tokens = new TokenStream(text, positions);
  const comments: Comment[] = [];
  const n = to;
  let i = from;
  let lineOffset = from;
  let lastLine = -1;
  const pos = (offset: number): Position => {
    const p = { offset, line, col: offset - lineOffset };
    positions?.push(p);
    return p;
  };
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push(KINDS.indexOf(kind), start, end, line, start - lineOffset, line !== lastLine);
    lastLine = line;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      i++;
      line++;
      lineOffset = i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (c === 35) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      comments.push({ text: text.slice(start, i), range: { start: pos(start), end: pos(i) } });
      continue;
    }
    if (isWordStartCode(c)) {
      while (i < n && isWordCode(text.charCodeAt(i))) i++;
      push('word', start, i);
      continue;
    }
    if (c >= 48 && c <= 57) {
      while (i < n && isAlnumCode(text.charCodeAt(i))) i++;
      push('number', start, i);
      continue;
    }
    if (c === 34) {
      i++;
      while (i < n && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 10) i++;
      if (text.charCodeAt(i) === 34) {
        i++;
        push('string', start, i);
      } else {
        push('invalid', start, i);
      }
      continue;
    }
    const d = text.charCodeAt(i + 1);
    // '==', '!=', '&&'
    if ((d === 61 && (c === 61 || c === 33)) || (c === 38 && d === 38)) {
      i += 2;
      push('punct', start, i);
      continue;
    }
    if (PUNCT1.includes(text[i]!)) {
      i++;
      push('punct', start, i);
      continue;
    }
    // One invalid token per run of characters the language does not use.
    while (i < n && !/[\s#"A-Za-z0-9_.,()+=[\]:]/.test(text[i]!) && text.slice(i, i + 2) !== '==' && text.slice(i, i + 2) !== '!=' && text.slice(i, i + 2) !== '&&') i++;
    if (i === start) i++;
    push('invalid', start, i);
  }
  tokens.push(KINDS.indexOf('eof'), n, n, line, n - lineOffset, true);
  return { tokens, comments };
}
