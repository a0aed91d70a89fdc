/**
 * Formatting `.traps` files the way the default table is written: one space
 * between tokens (none inside parentheses and brackets, before commas or
 * around the dot of REGISTER.FIELD), continuation lines indented five
 * columns, and runs of one-line `control` items aligned in columns (name,
 * access). Comments and blank lines stay where they are (at most one blank
 * line in a row). A document that does not parse is left alone: formatting
 * must never change what a table means.
 */
import type { Item } from '../../emulator/traps/ast.js';
import { type Token, tokenize } from '../../emulator/traps/lexer.js';
import type { ParseResult } from '../../emulator/traps/parser.js';

const INDENT = '     ';
const NO_SPACE_BEFORE = new Set([',', ')', ']', ':', '.', '[']);
const NO_SPACE_AFTER = new Set(['(', '[', '.', ':']);

function joinTokens(tokens: readonly Token[]): string {
  let out = '';
  let prev: Token | null = null;
  for (const t of tokens) {
    if (prev) {
      const tight = (t.kind === 'punct' && NO_SPACE_BEFORE.has(t.text)) || (prev.kind === 'punct' && NO_SPACE_AFTER.has(prev.text));
      if (!tight) out += ' ';
    }
    out += t.text;
    prev = t;
  }
  return out;
}

interface Line {
  /** Formatted code of this line, without indentation and comment. */
  code: string;
  comment: string | null;
  indent: string;
}

/** The formatted text, or null when the document has syntax errors. */
export function formatTraps(parse: ParseResult): string | null {
  if (parse.diagnostics.some((d) => d.severity === 'error')) return null;
  const text = parse.text;
  const lexed = tokenize(text);
  const tokens = [...lexed.tokens];
  const comments = lexed.comments;
  const lineCount = text.split('\n').length;
  const commentAt = new Map<number, string>();
  for (const c of comments) commentAt.set(c.range.start.line, c.text);
  // Per source line: the code the items put there.
  const lines: (Line | null)[] = new Array<Line | null>(lineCount).fill(null);
  const items = [...parse.items].sort((a, b) => a.range.start.offset - b.range.start.offset);
  let ti = 0;
  let consumed = 0;
  const itemLines = new Map<Item, number[]>();
  for (const item of items) {
    while (ti < tokens.length && tokens[ti]!.range.start.offset < item.range.start.offset) ti++;
    const mine: Token[] = [];
    while (ti < tokens.length && tokens[ti]!.kind !== 'eof' && tokens[ti]!.range.end.offset <= item.range.end.offset) mine.push(tokens[ti++]!);
    consumed += mine.length;
    const byLine = new Map<number, Token[]>();
    for (const t of mine) {
      const l = t.range.start.line;
      if (!byLine.has(l)) byLine.set(l, []);
      byLine.get(l)!.push(t);
    }
    const used: number[] = [];
    let first = true;
    for (const [l, ts] of byLine) {
      lines[l] = { code: joinTokens(ts), comment: commentAt.get(l) ?? null, indent: first ? '' : INDENT };
      used.push(l);
      first = false;
    }
    itemLines.set(item, used);
  }
  // Every token must belong to an item, or the parse dropped something.
  if (consumed !== tokens.length - 1) return null;

  // Align blocks of controls: consecutive control items with nothing but comment lines between them.
  const onlyComments = (from: number, to: number): boolean => {
    for (let l = from; l < to; l++) if (!commentAt.has(l) || lines[l] !== null) return false;
    return true;
  };
  let run: Item[] = [];
  const flush = (): void => {
    const parts = run.map((i) => /^control (\S+) forwards (reads and writes|reads|writes|all)(?: (.*))?$/.exec(lines[itemLines.get(i)![0]!]!.code));
    if (run.length > 0 && parts.every((p) => p !== null)) {
      const nameW = Math.max(...parts.map((p) => p![1]!.length));
      // 'writes' is the longest one-word access: the default table's column.
      const accW = Math.max(6, ...parts.map((p) => p![2]!.length));
      run.forEach((i, k) => {
        const p = parts[k]!;
        lines[itemLines.get(i)![0]!]!.code = `control ${p[1]!.padEnd(nameW)} forwards ${p[3] === undefined ? p[2] : `${p[2]!.padEnd(accW)} ${p[3]}`}`;
      });
    }
    run = [];
  };
  for (const item of items) {
    if (item.kind !== 'control') {
      flush();
      continue;
    }
    const first = itemLines.get(item)![0]!;
    const prev = run.length ? itemLines.get(run[run.length - 1]!)! : null;
    if (prev && !onlyComments(prev[prev.length - 1]! + 1, first)) flush();
    run.push(item);
  }
  flush();
  // Continuation lines: a control's condition two columns in, other items' targets under the first target.
  for (const item of items) for (const l of itemLines.get(item)!.slice(1)) lines[l]!.indent = item.kind === 'control' ? '  ' : ' '.repeat(item.kind.length + 1);

  const src = text.split('\n');
  const out: string[] = [];
  let blanks = 0;
  for (let l = 0; l < lineCount; l++) {
    const code = lines[l];
    const comment = commentAt.get(l);
    if (code) {
      blanks = 0;
      out.push(code.indent + code.code + (code.comment ? ' ' + code.comment : ''));
    } else if (comment !== undefined) {
      blanks = 0;
      const indent = /^\s*/.exec(src[l]!)![0];
      out.push((indent.length > 0 ? INDENT : '') + comment);
    } else {
      if (++blanks > 1 && l < lineCount - 1) continue;
      out.push('');
    }
  }
  let result = out.join('\n');
  // Exactly one newline at the end.
  result = result.replace(/\n+$/, '') + '\n';
  return result;
}
