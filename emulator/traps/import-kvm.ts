/**
 * Importer of KVM/arm64's nested-virtualization trap tables: reads a C file
 * in the format of Linux's arch/arm64/kvm/emulate-nested.c and writes the
 * same tables as a `.traps` file (docs/trap-language.md, "Importing KVM's
 * tables").
 *
 * The C is not compiled: comments, line continuations and preprocessor
 * lines are blanked out (keeping every offset, so positions stay those of
 * the file), the rest is cut into tokens, and the tables are found by name:
 *
 *   enum cgt_group_id           the ids, for a cross-check only
 *   coarse_trap_bits[]          [CGT_X] = { .index, .value, .mask, .behaviour }  ->  control
 *   coarse_control_combo[]      MCB(id, ids...)                                  ->  combine
 *   ccc[]                       CCC(id, check_fn)                                ->  control ... builtin
 *   encoding_to_cgt[]           SR_TRAP / SR_RANGE_TRAP                          ->  trap
 *   encoding_to_fgt[]           SR_FGT / SR_FGF / SR_FGT_RANGE / SR_FGF_RANGE    ->  finetrap
 *
 * Items keep the kernel's order, each after a comment naming its kernel
 * line; comments inside the tables are carried over. Whatever cannot be
 * translated is left out with a comment at its place and a warning, so the
 * output never silently loses an entry. Runs in the language server too: no
 * Node-only APIs here.
 */
import { findSysreg, sysregFields, suggestSysregNames, type Sysreg, type SysregField } from '../arch/sysreg-db.js';
import { BUILTINS } from './builtins.js';
import { LineMap } from './source.js';

export interface ImportWarning {
  readonly file: string;
  /** One-based. */
  readonly line: number;
  readonly message: string;
}

export interface ImportResult {
  /** The `.traps` text. */
  readonly text: string;
  readonly warnings: readonly ImportWarning[];
  /** Items written (controls, combinations, traps, fine-grained traps). */
  readonly imported: number;
  /** Table entries left out. */
  readonly leftOut: number;
}

/** `file:line: warning: message`, as compilers print them. */
export function formatImportWarning(w: ImportWarning): string {
  return `${w.file}:${w.line}: warning: ${w.message}`;
}

// ---------------------------------------------------------------------------
// Reading C: blanking, tokens, brackets.

interface CComment {
  readonly start: number;
  readonly end: number;
  /** The comment's lines without the comment markers and leading asterisks. */
  readonly lines: readonly string[];
}

interface Directive {
  readonly start: number;
  readonly text: string;
}

/**
 * Blanks comments, preprocessor lines and line continuations with spaces
 * (newlines stay), so that offsets in the result are offsets in `src`.
 */
function blank(src: string): { code: string; comments: CComment[]; directives: Directive[] } {
  const out = src.split('');
  const comments: CComment[] = [];
  const directives: Directive[] = [];
  const wipe = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  let lineStart = true;
  let directive = -1;
  const endDirective = (at: number): void => {
    if (directive < 0) return;
    directives.push({ start: directive, text: src.slice(directive, at).replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim() });
    wipe(directive, at);
    directive = -1;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      out[i] = ' ';
      i += src[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '\n') {
      endDirective(i);
      lineStart = true;
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      const end = close < 0 ? src.length : close + 2;
      const body = src.slice(i + 2, close < 0 ? src.length : close);
      const lines = body
        .split('\n')
        .map((l) => l.replace(/^\s*\*+(?!\/)\s?/, '').trimEnd())
        .map((l) => l.trim());
      while (lines.length && lines[0] === '') lines.shift();
      while (lines.length && lines[lines.length - 1] === '') lines.pop();
      if (directive < 0) comments.push({ start: i, end, lines });
      wipe(i, end);
      i = end;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      let end = i;
      while (end < src.length && src[end] !== '\n') end++;
      if (directive < 0) comments.push({ start: i, end, lines: [src.slice(i + 2, end).trim()] });
      wipe(i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      i = Math.min(j + 1, src.length);
      lineStart = false;
      continue;
    }
    if (c === '#' && lineStart && directive < 0) directive = i;
    if (c !== ' ' && c !== '\t' && c !== '\r') lineStart = false;
    i++;
  }
  endDirective(src.length);
  return { code: out.join(''), comments, directives };
}

type TokKind = 'id' | 'num' | 'punct' | 'str';

interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = ['<<', '>>', '->', '==', '!=', '&&', '||', '##', '<=', '>=', '|=', '&=', '+=', '-=', '++', '--'];

function tokenize(code: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < code.length && /\w/.test(code[i]!)) i++;
      toks.push({ kind: 'id', text: code.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < code.length && /[\w.]/.test(code[i]!)) i++;
      toks.push({ kind: 'num', text: code.slice(start, i), start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      i = Math.min(j + 1, code.length);
      toks.push({ kind: 'str', text: code.slice(start, i), start, end: i });
      continue;
    }
    const p = PUNCT3.find((x) => code.startsWith(x, i)) ?? PUNCT2.find((x) => code.startsWith(x, i)) ?? c;
    i += p.length;
    toks.push({ kind: 'punct', text: p, start, end: i });
  }
  return toks;
}

const OPEN: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket closing the one at `i`, or -1. */
function closing(toks: readonly Tok[], i: number): number {
  const stack: string[] = [];
  for (let k = i; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind !== 'punct') continue;
    if (OPEN[t.text]) stack.push(OPEN[t.text]!);
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      if (stack.pop() !== t.text) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** Splits tokens at the commas outside brackets; empty parts (a trailing comma) are dropped. */
function splitTop(toks: readonly Tok[]): Tok[][] {
  const parts: Tok[][] = [];
  let cur: Tok[] = [];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === 'punct') {
      if (OPEN[t.text]) depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
      else if (t.text === ',' && depth === 0) {
        if (cur.length) parts.push(cur);
        cur = [];
        continue;
      }
    }
    cur.push(t);
  }
  if (cur.length) parts.push(cur);
  return parts;
}

const textOf = (toks: readonly Tok[]): string => toks.map((t) => t.text).join(' ').replace(/ ?([(),\[\]]) ?/g, '$1').replace(/,/g, ', ');

/** `NAME ( args )` as a whole part: the name and the arguments, or null. */
function macroCall(part: readonly Tok[]): { name: string; args: Tok[][] } | null {
  if (part.length < 3 || part[0]!.kind !== 'id' || part[1]!.text !== '(') return null;
  const close = closing(part, 1);
  if (close !== part.length - 1) return null;
  return { name: part[0]!.text, args: splitTop(part.slice(2, close)) };
}

function cNumber(text: string): bigint | null {
  const t = text.replace(/[uUlL]+$/, '');
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^[1-9][0-9]*$/.test(t) || t === '0') return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
  } catch {
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------
// The system-register database: names, fields.

const ARCH = { features: (): boolean => true };
const M64 = (1n << 64n) - 1n;

const nameKey = (s: string): string => s.trim().toUpperCase().replace(/[\s_]+/g, '_');

/** The database's spelling of a register or instruction name ("TLBI_VAE1IS" -> "TLBI VAE1IS"), or null. */
function canonicalName(name: string): string | null {
  const m = findSysreg(name);
  if (!m) return null;
  if (nameKey(m.register.name) === nameKey(name)) return m.register.name;
  return m.encodings.find((e) => nameKey(e.asm) === nameKey(name))?.asm ?? null;
}

/** Kernel field macros whose names differ from Arm's: register -> kernel spelling -> Arm field. */
const FIELD_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // HCR_EL2.TPCP is HCR_TPC in the kernel ("also called TCPC when FEAT_DPB is implemented").
  HCR_EL2: { TPC: 'TPCP', TCPC: 'TPCP' },
};

interface FieldRef {
  readonly name: string;
  readonly msb: number;
  readonly lsb: number;
}

/** The named fields of a register in all its layouts. */
function namedFields(reg: Sysreg): readonly SysregField[] {
  return sysregFields(reg, ARCH, false).filter((f) => f.name !== '' && f.kind !== 'RES0' && f.kind !== 'RES1');
}

function findField(reg: Sysreg, kernelName: string): FieldRef | null {
  const alias = FIELD_ALIASES[reg.name]?.[kernelName.toUpperCase()];
  const wanted = (alias ?? kernelName).toUpperCase();
  const row = namedFields(reg).find((f) => f.name.toUpperCase() === wanted);
  return row ? { name: row.name, msb: row.msb, lsb: row.lsb } : null;
}

/** The field at bit `b` when every layout that names that bit gives it the same field. */
function fieldAt(reg: Sysreg, b: number): FieldRef | null {
  const rows = namedFields(reg).filter((f) => f.lsb <= b && b <= f.msb);
  if (rows.length === 0) return null;
  const first = rows[0]!;
  return rows.every((r) => r.name === first.name && r.msb === first.msb && r.lsb === first.lsb) ? { name: first.name, msb: first.msb, lsb: first.lsb } : null;
}

// ---------------------------------------------------------------------------
// .value and .mask: C constant expressions over field macros.

class ExprError extends Error {}

/**
 * Evaluates a constant expression to 64 bits. Field macros of `reg`
 * (HCR_TID1, MDCR_EL2_E2PB_SHIFT, HCRX_EL2_EnFPM...) take their positions
 * from the database and are recorded in `mentioned`, in order.
 */
function evaluate(toks: readonly Tok[], reg: Sysreg, mentioned: FieldRef[]): bigint {
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const next = (): Tok => {
    const t = toks[pos++];
    if (!t) throw new ExprError('the expression ends too early');
    return t;
  };
  const expect = (p: string): void => {
    const t = next();
    if (t.text !== p) throw new ExprError(`expected '${p}', found '${t.text}'`);
  };
  const BINARY: Readonly<Record<string, number>> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6 };

  const prefixes = [...new Set([`${reg.name}_`, `${reg.name.replace(/_EL\d$/, '')}_`, reg.name.replace(/_EL\d$/, '')])];
  const macro = (id: string): bigint => {
    // HCR_TID1, HCR_EL2_TID1, CNTHCTL_EL1TVT, MDCR_EL2_E2PB_SHIFT, MDCR_EL2_HPMN_MASK: the first reading that names a field.
    const readings = prefixes
      .filter((p) => id.startsWith(p) && id.length > p.length)
      .map((p) => {
        const rest = id.slice(p.length);
        const suffix = /_(SHIFT|MASK|WIDTH)$/.exec(rest);
        const fieldName = suffix ? rest.slice(0, suffix.index) : rest;
        return { fieldName, suffix: suffix?.[1], field: findField(reg, fieldName) };
      });
    if (readings.length === 0) throw new ExprError(`'${id}' is not a field macro of ${reg.name}`);
    const reading = readings.find((r) => r.field) ?? readings[0]!;
    const f = reading.field;
    if (!f) throw new ExprError(`'${id}' names no field of ${reg.name} in Arm's specification (no ${reg.name}.${reading.fieldName})`);
    if (!mentioned.some((m) => m.name === f.name)) mentioned.push(f);
    const width = BigInt(f.msb - f.lsb + 1);
    const mask = ((1n << width) - 1n) << BigInt(f.lsb);
    switch (reading.suffix) {
      case 'SHIFT':
        return BigInt(f.lsb);
      case 'WIDTH':
        return width;
      default:
        return mask;
    }
  };

  const args = (): bigint[] => {
    expect('(');
    const vals = [expr(0)];
    while (peek()?.text === ',') {
      next();
      vals.push(expr(0));
    }
    expect(')');
    return vals;
  };

  const primary = (): bigint => {
    const t = next();
    if (t.kind === 'num') {
      const v = cNumber(t.text);
      if (v === null) throw new ExprError(`'${t.text}' is not a number`);
      return v;
    }
    if (t.text === '(') {
      const v = expr(0);
      expect(')');
      return v;
    }
    if (t.text === '~') return ~primary() & M64;
    if (t.text === '-') return -primary() & M64;
    if (t.kind === 'id') {
      switch (t.text) {
        case 'BIT':
        case 'BIT_ULL':
        case '_BITUL':
        case '_BITULL': {
          const vals = args();
          if (vals.length !== 1 || vals[0]! > 63n) throw new ExprError(`${t.text}() takes one bit number, 0 to 63`);
          return 1n << vals[0]!;
        }
        case 'GENMASK':
        case 'GENMASK_ULL': {
          const [h, l] = args();
          if (h === undefined || l === undefined || l > h || h > 63n) throw new ExprError(`${t.text}() needs two bit numbers, high >= low`);
          return ((1n << (h - l + 1n)) - 1n) << l;
        }
        case 'UL':
        case 'ULL':
        case '_UL':
        case '_ULL': {
          const vals = args();
          if (vals.length !== 1) throw new ExprError(`${t.text}() takes one value`);
          return vals[0]!;
        }
        default:
          return macro(t.text);
      }
    }
    throw new ExprError(`unexpected '${t.text}'`);
  };

  const expr = (min: number): bigint => {
    let left = primary();
    for (;;) {
      const op = peek();
      const prec = op && op.kind === 'punct' ? BINARY[op.text] : undefined;
      if (prec === undefined || prec < min) break;
      next();
      const right = expr(prec + 1);
      switch (op!.text) {
        case '|':
          left |= right;
          break;
        case '^':
          left ^= right;
          break;
        case '&':
          left &= right;
          break;
        case '<<':
          left = (left << right) & M64;
          break;
        case '>>':
          left >>= right;
          break;
        case '+':
          left = (left + right) & M64;
          break;
        case '-':
          left = (left - right) & M64;
          break;
        default:
          left = (left * right) & M64;
      }
    }
    return left;
  };

  if (toks.length === 0) throw new ExprError('the expression is empty');
  const v = expr(0);
  if (pos < toks.length) throw new ExprError(`unexpected '${toks[pos]!.text}'`);
  return v & M64;
}

/** `(val & mask) == value` as `.traps` field tests, or a reason why not. */
function conditionTests(reg: Sysreg, mask: bigint, value: bigint, mentioned: readonly FieldRef[]): string[] | string {
  if (mask === 0n) return 'the mask is 0, so the control holds whatever the register says; a .traps condition cannot say "always"';
  if ((value & ~mask) !== 0n) return `the value 0x${value.toString(16)} has bits outside the mask 0x${mask.toString(16)}, so the control never holds`;
  interface Group {
    field: FieldRef | null;
    bits: number[];
    order: number;
  }
  const groups = new Map<string, Group>();
  for (let b = 63; b >= 0; b--) {
    if (((mask >> BigInt(b)) & 1n) === 0n) continue;
    const named = mentioned.findIndex((f) => f.lsb <= b && b <= f.msb);
    const field = named >= 0 ? mentioned[named]! : fieldAt(reg, b);
    const key = field ? field.name : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { field, bits: [], order: named >= 0 ? named : mentioned.length + (63 - b) }));
    g.bits.push(b);
  }
  /** Runs of consecutive bits, high first. */
  const runs = (bits: readonly number[]): [number, number][] => {
    const out: [number, number][] = [];
    for (const b of bits) {
      const last = out[out.length - 1];
      if (last && last[1] === b + 1) last[1] = b;
      else out.push([b, b]);
    }
    return out;
  };
  const bitsValue = (hi: number, lo: number): bigint => (value >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
  const sliceText = (hi: number, lo: number): string => (hi === lo ? `[${hi}]` : `[${hi}:${lo}]`);
  const tests: string[] = [];
  for (const g of [...groups.values()].sort((a, b) => a.order - b.order)) {
    const f = g.field;
    if (f && g.bits.length === f.msb - f.lsb + 1) {
      tests.push(`${reg.name}.${f.name} == ${bitsValue(f.msb, f.lsb)}`);
      continue;
    }
    for (const [hi, lo] of runs(g.bits)) {
      if (f) tests.push(`${reg.name}.${f.name}${sliceText(hi - f.lsb, lo - f.lsb)} == ${bitsValue(hi, lo)}`);
      else tests.push(`${reg.name}${sliceText(hi, lo)} == ${bitsValue(hi, lo)}`);
    }
  }
  return tests;
}

// ---------------------------------------------------------------------------
// Names.

/** CGT_HCR_TVM_TRVM -> HCR_TVM_TRVM. */
const controlName = (id: string): string => id.replace(/^CGT_/, '');

const FGT_GROUPS: Readonly<Record<string, string>> = {
  // Before Linux 6.16 HFGRTR_EL2/HFGWTR_EL2 were one group, HFGxTR; then HFGRTR and HFGWTR, still one group.
  HFGxTR: 'HFGxTR_EL2',
  HFGRTR: 'HFGxTR_EL2',
  HFGWTR: 'HFGxTR_EL2',
  HFGxTR2: 'HFGxTR2_EL2',
  HFGRTR2: 'HFGxTR2_EL2',
  HFGWTR2: 'HFGxTR2_EL2',
  // HDFGWTR_GROUP is HDFGRTR_GROUP: the read register for reads, the write register for writes.
  HDFGRTR: 'HDFGxTR_EL2',
  HDFGWTR: 'HDFGxTR_EL2',
  HDFGRTR2: 'HDFGxTR2_EL2',
  HDFGWTR2: 'HDFGxTR2_EL2',
  HFGITR: 'HFGITR_EL2',
  HFGITR2: 'HFGITR2_EL2',
  HAFGRTR: 'HAFGRTR_EL2',
};

/** Fine-grained filters: the `unless` condition that turns the fine-grained trap off. */
const FG_FILTERS: Readonly<Record<string, string | null>> = {
  __NO_FGF__: null,
  HCRX_FGTnXS: 'HCRX_EL2.FGTnXS == 1',
};

const BEHAVIOURS: Readonly<Record<string, { read?: true; write?: true; hostEl0?: true }>> = {
  BEHAVE_HANDLE_LOCALLY: {},
  BEHAVE_FORWARD_READ: { read: true },
  BEHAVE_FORWARD_WRITE: { write: true },
  BEHAVE_FORWARD_RW: { read: true, write: true },
  BEHAVE_FORWARD_ANY: { read: true, write: true },
  BEHAVE_FORWARD_IN_HOST_EL0: { hostEl0: true },
};

/** What a complex-condition check forwards when its body is not in the file. */
const CCC_DEFAULTS: Readonly<Record<string, { read?: true; write?: true; hostEl0?: true }>> = {
  mdcr_hpmn: { read: true, write: true, hostEl0: true },
};

function forwardsText(b: { read?: true; write?: true; hostEl0?: true }): string {
  const access = b.read && b.write ? 'all' : b.read ? 'reads' : 'writes';
  return `forwards ${access}${b.hostEl0 ? ' even in host EL0' : ''}`;
}

// ---------------------------------------------------------------------------
// The importer.

const TABLES = ['coarse_trap_bits', 'coarse_control_combo', 'ccc', 'encoding_to_cgt', 'encoding_to_fgt'] as const;
type TableName = (typeof TABLES)[number];

const TABLE_TITLES: Readonly<Record<TableName, string>> = {
  coarse_trap_bits: 'coarse-grained trap controls',
  coarse_control_combo: 'combinations of controls',
  ccc: 'complex conditions, as built-in evaluators',
  encoding_to_cgt: 'encodings and the controls that decide them',
  encoding_to_fgt: 'fine-grained traps',
};

class LeftOut extends Error {}

class Importer {
  private readonly lines: LineMap;
  private readonly toks: Tok[];
  private readonly comments: CComment[];
  private readonly directives: Directive[];
  private readonly base: string;
  private readonly out: string[] = [];
  readonly warnings: ImportWarning[] = [];
  imported = 0;
  leftOut = 0;
  /** CGT ids defined by coarse_trap_bits, MCB or CCC. */
  private readonly defined = new Set<string>();

  constructor(
    src: string,
    private readonly file: string,
  ) {
    this.lines = new LineMap(src);
    const b = blank(src);
    this.comments = b.comments;
    this.directives = b.directives;
    this.toks = tokenize(b.code);
    this.base = file.replace(/^.*[\\/]/, '');
  }

  private line(offset: number): number {
    return this.lines.position(offset).line + 1;
  }

  private warn(offset: number, message: string): void {
    this.warnings.push({ file: this.file, line: this.line(offset), message });
  }

  private where(offset: number): string {
    return `# ${this.base}:${this.line(offset)}`;
  }

  /** Writes one item after its kernel line. */
  private emit(part: readonly Tok[], item: string, notes: readonly string[] = []): void {
    this.out.push(...notes.map((n) => `# ${n}`), this.where(part[0]!.start), item);
    this.imported++;
  }

  /** Leaves an entry out: a comment at its place and a warning. */
  private leave(part: readonly Tok[], reason: string): void {
    const start = part[0]!.start;
    const what = part[0]!.text === '[' && part[1] ? `[${part[1].text}] = { ... }` : textOf(part);
    this.warn(start, `${what}: ${reason}; left out`);
    this.out.push(this.where(start), `# left out: ${what}`, `#   ${reason}`);
    this.leftOut++;
  }

  run(): string {
    const tables: { name: TableName; open: number; close: number; nameTok: Tok }[] = [];
    let cgtEnum: { open: number; close: number } | null = null;
    for (let i = 0; i < this.toks.length; i++) {
      const t = this.toks[i]!;
      if (t.kind !== 'id') continue;
      if (t.text === 'enum' && this.toks[i + 1]?.text === 'cgt_group_id' && this.toks[i + 2]?.text === '{') {
        const close = closing(this.toks, i + 2);
        if (close > 0) cgtEnum = { open: i + 2, close };
        continue;
      }
      if (!(TABLES as readonly string[]).includes(t.text) || this.toks[i + 1]?.text !== '[' || this.toks[i + 2]?.text !== ']') continue;
      // NAME[] [attributes] = { ... }
      let k = i + 3;
      while (k < this.toks.length && this.toks[k]!.text !== '=' && this.toks[k]!.text !== ';') k++;
      if (this.toks[k]?.text !== '=' || this.toks[k + 1]?.text !== '{') continue;
      const close = closing(this.toks, k + 1);
      if (close < 0) {
        this.warn(t.start, `the initializer of ${t.text}[] has no closing brace; table not imported`);
        continue;
      }
      tables.push({ name: t.text as TableName, open: k + 1, close, nameTok: t });
      i = close;
    }

    this.header();
    if (tables.length === 0) {
      this.warn(0, `found none of KVM's trap tables (${TABLES.map((n) => `${n}[]`).join(', ')})`);
      return this.finish();
    }
    for (const table of tables) this.table(table.name, table.nameTok, table.open, table.close);
    if (cgtEnum) this.crossCheck(cgtEnum.open, cgtEnum.close);
    return this.finish();
  }

  private header(): void {
    this.out.push(
      `# Trap tables imported by \`nvlab import-kvm\` from ${this.file},`,
      "# a file in the format of Linux's arch/arm64/kvm/emulate-nested.c.",
      `# Each item follows a "# ${this.base}:LINE" comment naming the line it comes from;`,
      '# entries that could not be translated are left out with a "# left out:" comment',
      '# at their place (and a warning on stderr).',
    );
  }

  private finish(): string {
    this.out.splice(5, 0, `# ${this.imported} item${this.imported === 1 ? '' : 's'} imported, ${this.leftOut} entr${this.leftOut === 1 ? 'y' : 'ies'} left out.`);
    return this.out.join('\n') + '\n';
  }

  private table(name: TableName, nameTok: Tok, open: number, close: number): void {
    const body = this.toks.slice(open + 1, close);
    const parts = splitTop(body);
    const bodyStart = this.toks[open]!.end;
    const bodyEnd = this.toks[close]!.start;
    this.out.push('', `# ---- ${name}[] (${this.base}:${this.line(nameTok.start)}): ${TABLE_TITLES[name]} ----`);
    for (const d of this.directives) {
      if (d.start > bodyStart && d.start < bodyEnd && /^#\s*(if|ifdef|ifndef|elif|else|endif)\b/.test(d.text)) {
        this.warn(d.start, `'${d.text}' inside ${name}[]: conditional compilation is not evaluated, every entry is imported`);
      }
    }
    let prevEnd = bodyStart;
    /** The line of the previous entry's end, and the output line that says what became of it. */
    let prevLine = -1;
    let prevOut = -1;
    const carryUpTo = (limit: number): void => {
      for (const c of this.comments) {
        if (c.start < prevEnd || c.start >= limit) continue;
        // A one-line comment after the previous entry, on its line, stays on that entry's line.
        if (prevOut >= 0 && c.lines.length === 1 && this.lines.position(c.start).line === prevLine) this.out[prevOut] += `  # ${c.lines[0]}`;
        else this.carry(c);
      }
    };
    for (const part of parts) {
      const end = part[part.length - 1]!.end;
      // Comments since the previous entry, and those inside this one, precede it.
      carryUpTo(end);
      try {
        this.entry(name, part);
      } catch (e) {
        if (!(e instanceof LeftOut)) throw e;
      }
      prevEnd = end;
      prevLine = this.lines.position(end).line;
      prevOut = this.out.length - 1;
    }
    carryUpTo(bodyEnd);
  }

  private carry(c: CComment): void {
    for (const l of c.lines) this.out.push(l === '' ? '#' : `# ${l}`);
  }

  private entry(table: TableName, part: readonly Tok[]): void {
    switch (table) {
      case 'coarse_trap_bits':
        return this.trapBits(part);
      case 'coarse_control_combo':
        return this.combo(part);
      case 'ccc':
        return this.complex(part);
      case 'encoding_to_cgt':
        return this.cgt(part);
      case 'encoding_to_fgt':
        return this.fgt(part);
    }
  }

  private fail(part: readonly Tok[], reason: string): never {
    this.leave(part, reason);
    throw new LeftOut(reason);
  }

  // ---- coarse_trap_bits: [CGT_X] = { .index = R, .value = V, .mask = M, .behaviour = B } ----

  private trapBits(part: readonly Tok[]): void {
    if (part[0]!.text !== '[' || part[1]?.kind !== 'id' || part[2]?.text !== ']' || part[3]?.text !== '=' || part[4]?.text !== '{' || closing(part, 4) !== part.length - 1) {
      this.fail(part, 'not a designated initializer [CGT_ID] = { .index = ..., .value = ..., .mask = ..., .behaviour = ... }');
    }
    const id = part[1]!.text;
    const fields = new Map<string, Tok[]>();
    for (const f of splitTop(part.slice(5, part.length - 1))) {
      if (f[0]!.text !== '.' || f[1]?.kind !== 'id' || f[2]?.text !== '=') this.fail(part, `'${textOf(f)}' is not a member initializer .name = value`);
      const member = f[1]!.text;
      if (!['index', 'value', 'mask', 'behaviour'].includes(member)) this.fail(part, `unknown member .${member} (a trap_bits entry has .index, .value, .mask and .behaviour)`);
      fields.set(member, f.slice(3));
    }
    this.defined.add(id);
    const index = fields.get('index');
    if (!index) this.fail(part, `${id} has no .index: the register its mask and value apply to`);
    if (index.length !== 1 || index[0]!.kind !== 'id') this.fail(part, `.index = ${textOf(index)} is not a register name`);
    const regName = index[0]!.text;
    const match = findSysreg(regName);
    if (!match || nameKey(match.register.name) !== nameKey(regName)) {
      const near = suggestSysregNames(regName, 3);
      this.fail(part, `.index = ${regName} is a register nvlab does not know${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    }
    const reg = match.register;
    const mentioned: FieldRef[] = [];
    const value = (member: 'mask' | 'value'): bigint => {
      const t = fields.get(member);
      if (!t) return 0n;
      try {
        return evaluate(t, reg, mentioned);
      } catch (e) {
        if (e instanceof ExprError) this.fail(part, `.${member} = ${textOf(t)}: ${e.message}`);
        throw e;
      }
    };
    const mask = value('mask');
    const val = value('value');
    const behaviour = fields.get('behaviour');
    if (!behaviour) this.fail(part, `${id} has no .behaviour, so it never forwards`);
    const b: { read?: true; write?: true; hostEl0?: true } = {};
    for (const t of behaviour) {
      if (t.text === '|' || t.text === '(' || t.text === ')') continue;
      const known = BEHAVIOURS[t.text];
      if (!known) this.fail(part, `.behaviour: '${t.text}' is not a BEHAVE_* value`);
      Object.assign(b, known);
    }
    if (!b.read && !b.write) this.fail(part, `.behaviour = ${textOf(behaviour)} forwards nothing`);
    const tests = conditionTests(reg, mask, val, mentioned);
    if (typeof tests === 'string') this.fail(part, tests);
    this.emit(part, `control ${controlName(id)} ${forwardsText(b)} when ${tests.join(' && ')}`);
  }

  // ---- MCB(id, ids...) ----

  private combo(part: readonly Tok[]): void {
    const call = macroCall(part);
    if (!call || call.name !== 'MCB') this.fail(part, 'not an MCB(id, ids...) entry');
    const ids = call.args.map((a) => (a.length === 1 && a[0]!.kind === 'id' ? a[0]!.text : null));
    if (ids.some((x) => x === null)) this.fail(part, 'MCB arguments must be CGT ids');
    const [id, ...members] = ids as string[];
    this.defined.add(id!);
    const list = members.filter((m) => m !== '__RESERVED__');
    if (list.length < 2) this.fail(part, `${id} combines ${list.length === 0 ? 'no controls' : 'one control only'}; a .traps combination needs two or more`);
    this.emit(part, `combine ${controlName(id!)} = ${list.map(controlName).join(' + ')}`);
  }

  // ---- CCC(id, check_fn) ----

  private complex(part: readonly Tok[]): void {
    const call = macroCall(part);
    if (!call || call.name !== 'CCC' || call.args.length !== 2 || call.args.some((a) => a.length !== 1 || a[0]!.kind !== 'id')) {
      this.fail(part, 'not a CCC(id, check_function) entry');
    }
    const id = call.args[0]![0]!.text;
    const fn = call.args[1]![0]!.text;
    this.defined.add(id);
    const builtin = fn.replace(/^check_/, '');
    const b = this.behaviourOf(fn) ?? CCC_DEFAULTS[builtin] ?? { read: true, write: true };
    const item = `control ${controlName(id)} ${forwardsText(b)} when builtin ${builtin}`;
    if (BUILTINS.has(builtin)) {
      this.emit(part, item);
      return;
    }
    this.warn(part[0]!.start, `${fn}() has no nvlab built-in evaluator (emulator/traps/builtins.ts has ${[...BUILTINS.keys()].join(', ')}); control ${controlName(id)} names 'builtin ${builtin}', which \`nvlab check\` reports as unknown`);
    this.emit(part, item, [`${fn}() has no nvlab built-in evaluator: \`nvlab check\` reports 'builtin ${builtin}' as unknown`, 'until one is added to emulator/traps/builtins.ts.']);
  }

  /** What a check function in this file returns: the BEHAVE_* values in its body, or null without a body. */
  private behaviourOf(fn: string): { read?: true; write?: true; hostEl0?: true } | null {
    for (let i = 0; i < this.toks.length; i++) {
      const t = this.toks[i]!;
      if (t.kind !== 'id' || t.text !== fn || this.toks[i + 1]?.text !== '(') continue;
      const params = closing(this.toks, i + 1);
      if (params < 0 || this.toks[params + 1]?.text !== '{') continue;
      const end = closing(this.toks, params + 1);
      const b: { read?: true; write?: true; hostEl0?: true } = {};
      for (let k = params + 1; k < end; k++) {
        const known = BEHAVIOURS[this.toks[k]!.text];
        if (known) Object.assign(b, known);
      }
      return b.read || b.write ? b : null;
    }
    return null;
  }

  // ---- SR_TRAP(sr, id), SR_RANGE_TRAP(from, to, id) ----

  private cgt(part: readonly Tok[]): void {
    const call = macroCall(part);
    if (!call || !['SR_TRAP', 'SR_RANGE_TRAP'].includes(call.name)) this.fail(part, `'${part[0]!.text}' is not SR_TRAP or SR_RANGE_TRAP`);
    const n = call.name === 'SR_TRAP' ? 2 : 3;
    if (call.args.length !== n) this.fail(part, `${call.name} takes ${n} arguments, not ${call.args.length}`);
    const idArg = call.args[n - 1]!;
    if (idArg.length !== 1 || idArg[0]!.kind !== 'id') this.fail(part, `the trap id ${textOf(idArg)} is not a CGT id`);
    const target = n === 2 ? this.target(part, call.args[0]!) : this.range(part, call.args[0]!, call.args[1]!);
    this.emit(part, `trap ${target} with ${controlName(idArg[0]!.text)}`);
  }

  // ---- SR_FGT(sr, group, bit, pol), SR_FGF(sr, group, bit, pol, filter), and the _RANGE forms ----

  private fgt(part: readonly Tok[]): void {
    const call = macroCall(part);
    const forms: Readonly<Record<string, { range: boolean; filter: boolean }>> = {
      SR_FGT: { range: false, filter: false },
      SR_FGF: { range: false, filter: true },
      SR_FGT_RANGE: { range: true, filter: false },
      SR_FGF_RANGE: { range: true, filter: true },
    };
    const form = call ? forms[call.name] : undefined;
    if (!call || !form) this.fail(part, `'${part[0]!.text}' is not SR_FGT, SR_FGF, SR_FGT_RANGE or SR_FGF_RANGE`);
    const n = 4 + (form.range ? 1 : 0) + (form.filter ? 1 : 0);
    if (call.args.length !== n) this.fail(part, `${call.name} takes ${n} arguments, not ${call.args.length}`);
    const a = call.args;
    const at = form.range ? 2 : 1;
    const word = (t: readonly Tok[], what: string): string => {
      if (t.length !== 1 || t[0]!.kind !== 'id') this.fail(part, `${what} ${textOf(t)} is not a name`);
      return t[0]!.text;
    };
    const group = word(a[at]!, 'the fine-grained trap group');
    const bit = word(a[at + 1]!, 'the bit');
    const polTok = a[at + 2]!;
    const pol = polTok.length === 1 ? cNumber(polTok[0]!.text) : null;
    if (pol !== 0n && pol !== 1n) this.fail(part, `the polarity ${textOf(polTok)} is not 0 or 1`);
    const register = FGT_GROUPS[group];
    if (!register) this.fail(part, `${group} is not a fine-grained trap group nvlab knows (${Object.keys(FGT_GROUPS).join(', ')})`);
    let unless: string | null = null;
    if (form.filter) {
      const f = word(a[at + 3]!, 'the fine-grained filter');
      const known = FG_FILTERS[f];
      if (known === undefined) this.fail(part, `${f} is not a fine-grained filter nvlab knows (${Object.keys(FG_FILTERS).join(', ')})`);
      unless = known;
    }
    const target = form.range ? this.range(part, a[0]!, a[1]!) : this.target(part, a[0]!);
    this.emit(part, `finetrap ${target} with ${register}.${bit}${pol === 0n ? ' == 0' : ''}${unless ? ` unless ${unless}` : ''}`);
  }

  // ---- registers and encodings ----

  private range(part: readonly Tok[], from: readonly Tok[], to: readonly Tok[]): string {
    const a = this.target(part, from);
    const b = this.target(part, to);
    return a === b ? a : `${a} to ${b}`;
  }

  /** SYS_X, OP_TLBI_X, SYS_Xn_EL0(k), sys_reg(a, b, c, d, e) -> a .traps target. */
  private target(part: readonly Tok[], arg: readonly Tok[]): string {
    const call = macroCall(arg);
    if (call && (call.name === 'sys_reg' || call.name === 'sys_insn')) {
      const nums = call.args.map((x) => (x.length === 1 ? cNumber(x[0]!.text) : null));
      if (nums.length !== 5 || nums.some((x) => x === null)) this.fail(part, `${textOf(arg)}: ${call.name}() takes five numbers`);
      const limits = [3n, 7n, 15n, 15n, 7n];
      const labels = ['op0', 'op1', 'CRn', 'CRm', 'op2'];
      nums.forEach((v, i) => {
        if (v! > limits[i]!) this.fail(part, `${textOf(arg)}: ${labels[i]} is at most ${limits[i]}, not ${v}`);
      });
      return `(${nums.join(', ')})`;
    }
    let macro: string;
    let name: string;
    if (call) {
      // SYS_PMEVCNTRn_EL0(3) -> PMEVCNTR3_EL0, SYS_AMEVCNTR0_EL0(2) -> AMEVCNTR02_EL0, SYS_TRCSSCSR(1) -> TRCSSCSR1.
      const k = call.args.length === 1 && call.args[0]!.length === 1 ? cNumber(call.args[0]![0]!.text) : null;
      if (k === null || !/^(SYS|OP)_/.test(call.name)) this.fail(part, `${textOf(arg)} is not a register macro with a number`);
      macro = textOf(arg);
      const base = call.name.replace(/^(SYS|OP)_/, '');
      if (/n_EL\d+$/.test(base)) name = base.replace(/n(_EL\d+)$/, `${k}$1`);
      else if (/_EL\d+$/.test(base)) name = base.replace(/_?(_EL\d+)$/, `${k}$1`);
      else name = `${base}${k}`;
    } else {
      if (arg.length !== 1 || arg[0]!.kind !== 'id') this.fail(part, `${textOf(arg)} is not a register, an instruction or sys_reg()`);
      macro = arg[0]!.text;
      if (!/^(SYS|OP)_/.test(macro)) this.fail(part, `${macro} is not a SYS_* or OP_* register macro`);
      name = macro.replace(/^(SYS|OP)_/, '');
    }
    const canonical = canonicalName(name);
    if (!canonical) {
      const spelled = name.replace(/^(TLBI|AT|DC|IC|BRB|CPP|DVP|CFP|COSP)_/, '$1 ');
      const near = suggestSysregNames(spelled, 3);
      this.fail(part, `${macro} names ${spelled}, which is not a register or instruction nvlab knows${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    }
    return canonical;
  }

  // ---- enum cgt_group_id ----

  private crossCheck(open: number, close: number): void {
    for (const part of splitTop(this.toks.slice(open + 1, close))) {
      const id = part[0]!;
      if (id.kind !== 'id' || id.text.startsWith('__')) continue;
      if (!this.defined.has(id.text)) {
        this.warn(id.start, `${id.text} is declared in enum cgt_group_id but has no entry in coarse_trap_bits[], coarse_control_combo[] or ccc[]; the .traps file has no control ${controlName(id.text)}`);
      }
    }
  }
}

/** Converts the text of an emulate-nested.c-style file; `file` names it in the output and the warnings. */
export function importKvm(src: string, file: string): ImportResult {
  const imp = new Importer(src, file);
  const text = imp.run();
  const warnings = [...imp.warnings].sort((a, b) => a.line - b.line);
  return { text, warnings, imported: imp.imported, leftOut: imp.leftOut };
}
