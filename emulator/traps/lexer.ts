/**
 * Tokens of the trap-table language. Words (names, keywords, register and
 * field names), numbers (decimal, 0x, 0b), strings, and the punctuation
 * `. , ( ) [ ] : == != && + =`. `#` comments are kept aside for the formatter.
 * Anything else becomes an `invalid` token so that the parser can report
 * it in place and carry on.
 */
import { type LineMap, type Range } from './source.js';

export type TokenKind = 'word' | 'number' | 'string' | 'punct' | 'invalid' | 'eof';

export interface Token {
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

const PUNCT2 = ['==', '!=', '&&'];
const PUNCT1 = '.,()+=[]:';

function isWordStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}

function isWordChar(c: string): boolean {
  return isWordStart(c) || (c >= '0' && c <= '9') || c === '<' || c === '>';
}

function parseNumber(text: string): bigint | null {
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

export function tokenize(text: string, lines: LineMap): { tokens: Token[]; comments: Comment[] } {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let lastLine = -1;
  const push = (kind: TokenKind, start: number, end: number, big?: bigint | null): void => {
    const range = { start: lines.position(start), end: lines.position(end) };
    const lineStart = range.start.line !== lastLine;
    lastLine = range.start.line;
    const number = big === undefined ? {} : big === null ? { value: NaN } : { value: Number(big), big };
    const t: Token = { kind, text: text.slice(start, end), range, lineStart, ...number };
    tokens.push(t);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '#') {
      const start = i;
      while (i < text.length && text[i] !== '\n') i++;
      comments.push({ text: text.slice(start, i), range: { start: lines.position(start), end: lines.position(i) } });
      continue;
    }
    const start = i;
    if (isWordStart(c)) {
      while (i < text.length && isWordChar(text[i]!)) i++;
      push('word', start, i);
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < text.length && /[0-9a-zA-Z_]/.test(text[i]!)) i++;
      push('number', start, i, parseNumber(text.slice(start, i)));
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i++;
      if (text[i] === '"') {
        i++;
        push('string', start, i);
      } else {
        push('invalid', start, i);
      }
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      i += 2;
      push('punct', start, i);
      continue;
    }
    if (PUNCT1.includes(c)) {
      i++;
      push('punct', start, i);
      continue;
    }
    // One invalid token per run of characters the language does not use.
    while (i < text.length && !/[\s#"A-Za-z0-9_.,()+=[\]:]/.test(text[i]!) && text.slice(i, i + 2) !== '==' && text.slice(i, i + 2) !== '!=' && text.slice(i, i + 2) !== '&&') i++;
    if (i === start) i++;
    push('invalid', start, i);
  }
  const end = lines.position(text.length);
  tokens.push({ kind: 'eof', text: '', range: { start: end, end }, lineStart: true });
  return { tokens, comments };
}
