/**
 * Parser of the trap-table language (docs/trap-language.md): recursive
 * descent over the tokens, one item at a time. A syntax error ends the item
 * it occurs in and is reported at the offending token; parsing resumes at the
 * next item keyword that starts a line, so one bad line never hides the rest.
 */
import type { Access, BitSlice, CombineItem, ControlItem, EncodingLit, FieldTest, FineTrapItem, IncludeItem, Item, Name, NumberLit, Target, TrapItem } from './ast.js';
import { type Comment, ITEM_WORDS, type Token, tokenize } from './lexer.js';
import { type Diagnostic, LineMap, type Position, type Range, span } from './source.js';

export const ITEM_KEYWORDS: ReadonlySet<string> = ITEM_WORDS;
const FIELD_LABELS = ['op0', 'op1', 'CRn', 'CRm', 'op2'] as const;
/** Words that end a target name rather than continue it ("TLBI VAE1IS with ..."). */
const STOP_WORDS: ReadonlySet<string> = new Set(['with', 'to', 'unless', ...ITEM_KEYWORDS]);

export interface ParseResult {
  readonly file: string;
  readonly text: string;
  readonly lines: LineMap;
  readonly items: readonly Item[];
  readonly comments: readonly Comment[];
  readonly diagnostics: readonly Diagnostic[];
}

class SyntaxError_ extends Error {
  constructor(
    readonly token: Token,
    message: string,
    /** Where to report, when not at the token itself (a whole bit range). */
    readonly range?: Range,
  ) {
    super(message);
  }
}

function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'the end of the file';
  if (t.kind === 'invalid') return `'${t.text}', which is not part of the language`;
  return `'${t.text}'`;
}

export function parseTraps(text: string, file = '<input>'): ParseResult {
  return { file, text, lines: new LineMap(text), ...parseRegion(text, file, 0, text.length, 0, null, null) };
}

/** The start of a line whose first token is an item keyword: where a re-parse may begin or end. */
export interface ItemLine {
  readonly offset: number;
  readonly line: number;
}

/** What a part of a file parses to. */
export interface ParsedRegion {
  readonly items: Item[];
  readonly diagnostics: Diagnostic[];
  readonly comments: Comment[];
}

/**
 * Parses `text` from `from`, a line start on line `line`, up to `to`: the end
 * of the text, or the start of a line whose first token is an item keyword.
 * No item ever takes an item keyword that starts a line (a failed item gives
 * it back, recovery stops at it), so what the lines before such a keyword
 * parse to does not depend on what follows it: an incremental re-parse
 * (reparse.ts) parses only the lines an edit touched, and gets what
 * parseTraps would. `positions` collects every Position made, `itemLines`
 * the lines in [from, to) that start with an item keyword.
 */
export function parseRegion(text: string, file: string, from: number, to: number, line: number, positions: Position[] | null, itemLines: ItemLine[] | null): ParsedRegion {
  // The keyword line at `to` is lexed too: items before it see that it starts a new item.
  let lexEnd = text.length;
  if (to < text.length) {
    const nl = text.indexOf('\n', to);
    if (nl >= 0) lexEnd = nl + 1;
  }
  const { tokens, comments: lexed } = tokenize(text, from, lexEnd, line, positions);
  const comments = lexEnd === to ? lexed : lexed.filter((c) => c.range.start.offset < to);
  if (itemLines) {
    for (let i = 0; i < tokens.length && tokens.startOf(i) < to; i++) {
      if (tokens.startsItemLine(i)) itemLines.push({ offset: tokens.lineOffsetOf(i), line: tokens.lineOf(i) });
    }
  }
  const diagnostics: Diagnostic[] = [];
  const items: Item[] = [];
  let pos = 0;
  /** The keyword of the item being parsed. */
  let current: Token | null = null;
  /** A token on a later line than the item so far ends it: say so, rather than name the next line's word. */
  const describe = (t: Token): string => (t.lineStart && t.index !== current?.index && t.kind !== 'eof' ? 'the end of the line' : describeToken(t));

  const peek = (k = 0): Token => tokens.at(Math.min(pos + k, tokens.length - 1));
  const next = (): Token => tokens.at(Math.min(pos++, tokens.length - 1));
  const fail = (t: Token, message: string, range?: Range): never => {
    throw new SyntaxError_(t, message, range);
  };
  const isWord = (t: Token, w: string): boolean => t.kind === 'word' && t.text === w;
  const isPunct = (t: Token, p: string): boolean => t.kind === 'punct' && t.text === p;

  const expectWord = (w: string, what: string): Token => {
    const t = next();
    if (!isWord(t, w)) fail(t, `expected '${w}' ${what}, found ${describe(t)}`);
    return t;
  };
  const expectPunct = (p: string, what: string): Token => {
    const t = next();
    if (!isPunct(t, p)) fail(t, `expected '${p}' ${what}, found ${describe(t)}`);
    return t;
  };
  const name = (what: string): Name => {
    const t = next();
    if (t.kind !== 'word' || ITEM_KEYWORDS.has(t.text)) fail(t, `expected ${what}, found ${describe(t)}`);
    return { text: t.text, range: t.range };
  };
  const number = (what: string): NumberLit => {
    const t = next();
    if (t.kind !== 'number') fail(t, `expected ${what}, found ${describe(t)}`);
    if (t.big === undefined) fail(t, `'${t.text}' is not a number (use decimal, 0x... or 0b...)`);
    if (t.big! >= 1n << 64n) fail(t, `${t.text} does not fit in 64 bits`);
    return { value: t.value!, big: t.big!, text: t.text, range: t.range };
  };

  const slice = (what: string): BitSlice => {
    const open = expectPunct('[', what);
    const msb = number('a bit number');
    let lsb = msb;
    if (isPunct(peek(), ':')) {
      next();
      lsb = number('a bit number');
    }
    const close = expectPunct(']', `to close the bit range of ${what}`);
    const written = msb === lsb ? msb.text : `${msb.text}:${lsb.text}`;
    if (msb.value > 63 || lsb.value > msb.value) fail(close, `a bit range is [msb:lsb] or [bit] with 63 >= msb >= lsb, not [${written}]`, span(open.range, close.range));
    return { msb: msb.value, lsb: lsb.value, range: span(open.range, close.range) };
  };

  const fieldTest = (): FieldTest => {
    const register = name('a register name');
    let field: Name | null = null;
    let sl: BitSlice | null = null;
    if (isPunct(peek(), '[')) {
      sl = slice(register.text);
    } else {
      expectPunct('.', `after the register name ${register.text} (REGISTER.FIELD or REGISTER[bits])`);
      field = name(`a field of ${register.text}`);
      if (isPunct(peek(), '[')) sl = slice(`${register.text}.${field.text}`);
    }
    const what = field ? `${register.text}.${field.text}` : register.text;
    const opTok = next();
    if (!isPunct(opTok, '==') && !isPunct(opTok, '!=')) fail(opTok, `expected '==' or '!=' after ${what}, found ${describe(opTok)}`);
    const value = number(`a value for ${what}`);
    return { kind: 'test', register, field, slice: sl, op: opTok.text as '==' | '!=', value, range: span(register.range, value.range) };
  };

  const encoding = (): EncodingLit => {
    const open = expectPunct('(', 'to start an encoding');
    const fields = new Array<NumberLit>(5);
    for (let i = 0; i < 5; i++) {
      if (i > 0) expectPunct(',', `between ${FIELD_LABELS[i - 1]} and ${FIELD_LABELS[i]}`);
      // Filled in place: an array grown by push keeps room for more (a big table has thousands).
      fields[i] = number(FIELD_LABELS[i]!);
    }
    const close = expectPunct(')', 'after op2: an encoding has five fields (op0, op1, CRn, CRm, op2)');
    return { fields, range: span(open.range, close.range) };
  };

  /** A register or instruction name; "TLBI VAE1IS" and friends take two words. */
  const targetName = (): Name => {
    const what = 'a register, an instruction or an encoding';
    if (STOP_WORDS.has(peek().text) && peek().kind === 'word') fail(peek(), `expected ${what}, found ${describe(peek())}`);
    const first = name(what);
    const t = peek();
    if (t.kind === 'word' && !t.lineStart && !STOP_WORDS.has(t.text) && /^[A-Z]+$/.test(first.text)) {
      next();
      return { text: `${first.text} ${t.text}`, range: span(first.range, t.range) };
    }
    return first;
  };

  const target = (): Target => {
    const from = isPunct(peek(), '(') ? encoding() : targetName();
    if (isWord(peek(), 'to')) {
      next();
      const to = isPunct(peek(), '(') ? encoding() : targetName();
      return { kind: 'range', from, to, range: span(from.range, to.range) };
    }
    return 'fields' in from ? { kind: 'encoding', encoding: from } : { kind: 'name', name: from };
  };

  const targets = (): Target[] => {
    const list = [target()];
    while (isPunct(peek(), ',')) {
      next();
      list.push(target());
    }
    return list;
  };

  const control = (kw: Token): ControlItem => {
    const n = name('a control name');
    expectWord('forwards', `after 'control ${n.text}' (control NAME forwards reads|writes|reads and writes|all when ...)`);
    const a = next();
    let access: Access;
    if (isWord(a, 'all')) access = 'both';
    else if (isWord(a, 'reads') || isWord(a, 'writes')) {
      access = a.text === 'reads' ? 'read' : 'write';
      if (isWord(peek(), 'and')) {
        next();
        const b = next();
        if (!isWord(b, access === 'read' ? 'writes' : 'reads')) fail(b, `expected '${access === 'read' ? 'writes' : 'reads'}' after '${a.text} and', found ${describe(b)}`);
        access = 'both';
      }
    } else {
      return fail(a, `expected what the control forwards (reads, writes, reads and writes, all), found ${describe(a)}`);
    }
    let hostEl0 = false;
    if (isWord(peek(), 'even')) {
      next();
      expectWord('in', "in 'even in host EL0'");
      expectWord('host', "in 'even in host EL0'");
      expectWord('EL0', "in 'even in host EL0'");
      hostEl0 = true;
    }
    expectWord('when', `before the condition of control ${n.text}`);
    let condition: ControlItem['condition'];
    let end: Range;
    if (isWord(peek(), 'builtin')) {
      next();
      const b = name('the name of a built-in evaluator');
      condition = { kind: 'builtin', name: b };
      end = b.range;
    } else {
      const tests = [fieldTest()];
      while (isPunct(peek(), '&&')) {
        next();
        tests.push(fieldTest());
      }
      condition = { kind: 'tests', tests };
      end = tests[tests.length - 1]!.range;
    }
    return { kind: 'control', name: n, access, hostEl0, condition, range: span(kw.range, end) };
  };

  const combine = (kw: Token): CombineItem => {
    const n = name('a combination name');
    expectPunct('=', `after 'combine ${n.text}'`);
    const members = [name('a control name')];
    while (isPunct(peek(), '+')) {
      next();
      members.push(name('a control name'));
    }
    if (members.length < 2) fail(peek(), `a combination needs at least two controls joined with '+', found ${describe(peek())}`);
    return { kind: 'combine', name: n, members, range: span(kw.range, members[members.length - 1]!.range) };
  };

  const trap = (kw: Token): TrapItem => {
    const t = targets();
    expectWord('with', 'after the trapped registers (trap ... with CONTROL)');
    const c = name('a control or combination name');
    return { kind: 'trap', targets: t, control: c, range: span(kw.range, c.range) };
  };

  const finetrap = (kw: Token): FineTrapItem => {
    const t = targets();
    expectWord('with', 'after the trapped registers (finetrap ... with FGTREG.BIT)');
    const register = name('a fine-grained trap register');
    expectPunct('.', `after ${register.text}`);
    const bit = name(`a bit of ${register.text}`);
    let end = bit.range;
    let polarity: 0 | 1 = 1;
    let polarityRange: Range | null = null;
    if (isPunct(peek(), '==')) {
      next();
      const v = number('0 or 1');
      if (v.value !== 0 && v.value !== 1) fail(tokens.at(pos - 1), `a fine-grained trap bit is 0 or 1, not ${v.text}`);
      polarity = v.value as 0 | 1;
      polarityRange = v.range;
      end = v.range;
    }
    let unless: FieldTest | null = null;
    if (isWord(peek(), 'unless')) {
      next();
      unless = fieldTest();
      end = unless.range;
    }
    return { kind: 'finetrap', targets: t, register, bit, polarity, polarityRange, unless, range: span(kw.range, end) };
  };

  const include = (kw: Token): IncludeItem => {
    const t = next();
    if (t.kind !== 'string') fail(t, `expected a file name in double quotes after 'include', found ${describe(t)}`);
    return { kind: 'include', path: t.text.slice(1, -1), pathRange: t.range, range: span(kw.range, t.range) };
  };

  const sync = (): void => {
    // Skip to the next item keyword that starts a line.
    while (peek().kind !== 'eof' && !(peek().lineStart && peek().kind === 'word' && ITEM_KEYWORDS.has(peek().text))) next();
  };

  while (peek().kind !== 'eof' && tokens.startOf(Math.min(pos, tokens.length - 1)) < to) {
    const kw = next();
    current = kw;
    try {
      if (kw.kind !== 'word' || !ITEM_KEYWORDS.has(kw.text)) {
        fail(kw, `expected an item (control, combine, trap, finetrap or include), found ${describe(kw)}`);
      }
      let item: Item;
      switch (kw.text) {
        case 'control':
          item = control(kw);
          break;
        case 'combine':
          item = combine(kw);
          break;
        case 'trap':
          item = trap(kw);
          break;
        case 'finetrap':
          item = finetrap(kw);
          break;
        default:
          item = include(kw);
      }
      // Whatever starts a new line after a complete item is taken as the next item's keyword,
      // so a stray line is reported there and does not cost the item before it.
      const after = peek();
      if (after.kind !== 'eof' && !after.lineStart && !(after.kind === 'word' && ITEM_KEYWORDS.has(after.text))) {
        fail(after, `unexpected ${describe(after)} after the ${kw.text} item`);
      }
      items.push(item);
    } catch (e) {
      if (!(e instanceof SyntaxError_)) throw e;
      const i = e.token.index;
      // An error at a token on a later line is reported where the item's line ended.
      const range = e.range ?? (e.token.lineStart && i !== kw.index && i > 0 ? { start: tokens.at(i - 1).range.end, end: tokens.at(i - 1).range.end } : e.token.range);
      diagnostics.push({ file, range, severity: 'error', code: 'syntax', message: e.message });
      // An item keyword that starts a line begins the next item even if this one wanted the token.
      if (e.token.lineStart && e.token.kind === 'word' && ITEM_KEYWORDS.has(e.token.text) && i !== kw.index) pos = i;
      sync();
    }
  }
  return { items, comments, diagnostics };
}
