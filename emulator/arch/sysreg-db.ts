// The AArch64 system registers and system instructions of Arm's
// machine-readable specification, as generated into
// generated/sysregs.ts (npm run gen:arch): names, encodings, field
// layouts, VNCR_EL2 offsets and the access rules at EL1 and EL0.
//
// This is a reference database for tools (the CLI's `nvlab sysreg`, the
// language server, trap-table checks), not the CPU's register file: the
// generated rows are turned into objects once, on first use, and every
// lookup after that is a Map access.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import {
  SYSREG_ACCESSOR_KINDS,
  SYSREG_FIELD_KINDS,
  SYSREG_ROLES,
  SYSREG_SOURCE,
  sysregTables,
  type SysregTables,
} from './generated/sysregs.js';

export { SYSREG_SOURCE };

/**
 * Kind of a field row: '' for an ordinary named field, the reserved types
 * (RES0, RES1, RAZ/WI, RAO/WI, RAZ, RAO, WI, UNKNOWN), IMPDEF for an
 * IMPLEMENTATION DEFINED field, CONST for a read-only constant (its bits in
 * `value` when the architecture fixes them), DYNAMIC for a field whose
 * layout depends on another field (ESR_ELx.ISS on EC; the variants are
 * rows with a `view`).
 */
export type SysregFieldKind = '' | 'RES0' | 'RES1' | 'RAZ/WI' | 'RAO/WI' | 'RAZ' | 'RAO' | 'WI' | 'UNKNOWN' | 'IMPDEF' | 'CONST' | 'DYNAMIC';

/** How an encoding is used: MRS/MSR, MSR (immediate), MRRS/MSRR, or a SYS-family instruction (TLBI, AT, DC, ...). */
export type SysregAccessorKind = string;

/**
 * own: the assembler name is the register's name. alias: a name that is no
 * register of its own (SCTLR_EL12, TLBI VAE1NXS, DAIFSet). shared: another
 * register's encoding through which this one is also reached (SCTLR_EL2 via
 * SCTLR_EL1 when HCR_EL2.E2H is 1, ICV_PMR_EL1 via ICC_PMR_EL1).
 */
export type SysregRole = 'own' | 'alias' | 'shared';

/** One row of a register layout. Conditions use the language described at {@link parseCondition}. */
export interface SysregField {
  /** Field name; '' for reserved space. Fields split over several ranges (SPSR.IT) have one row per part. */
  readonly name: string;
  readonly msb: number;
  readonly lsb: number;
  readonly kind: SysregFieldKind;
  /** When this row describes the bits ('' = always). */
  readonly condition: string;
  /** '' for the base layout, else the variant of a DYNAMIC field this row belongs to ("ISS: an exception from a Data Abort"). */
  readonly view: string;
  /** Fixed value of a CONST field, MSB first ('0001'), when the architecture fixes it. */
  readonly value?: string;
}

export interface SysregLayout {
  /** When this layout applies; a register's layouts are tried in order and the first whose condition holds applies. */
  readonly condition: string;
  readonly width: number;
  readonly fields: readonly SysregField[];
}

/** What an access does when its rule's condition holds. */
export type SysregRuleOutcome =
  | { readonly type: 'undefined' }
  | { readonly type: 'trap'; readonly el: number; readonly ec: number }
  | { readonly type: 'no-effect' }
  /** Anything else, as ASL: "Xt = SCTLR_EL1", "NVMem[0x110] = Xt", "AArch64_TLBI_VMALL(...)". */
  | { readonly type: 'statement'; readonly text: string };

export interface SysregRule {
  /** The rule applies when this holds and no earlier rule of the list applied ('' = always). */
  readonly condition: string;
  readonly outcome: SysregRuleOutcome;
  /** The outcome as text: "UNDEFINED", "trap to EL2, EC 0x18", "no effect", or the statement. */
  readonly text: string;
}

export interface SysregEncoding {
  /** The register or instruction this encoding accesses. */
  readonly register: Sysreg;
  /** Assembler name: "SCTLR_EL1", "SCTLR_EL12", "TLBI VAE2IS", "DAIFSet". */
  readonly asm: string;
  readonly kind: SysregAccessorKind;
  readonly role: SysregRole;
  /** op0:op1:CRn:CRm:op2 as in instruction bits [20:5] (see {@link sysregKey}). */
  readonly key: number;
  /** Key bits that are fixed: 0xffff, except for generic spaces and MSR (immediate), whose CRm holds the value. */
  readonly mask: number;
  /** When the encoding exists (features; '' = always). */
  readonly condition: string;
  /** VNCR_EL2 page offset this encoding reads or writes with FEAT_NV2 (NVMem[offset]), if any. */
  readonly vncr?: number;
  /**
   * Ordered access rules at EL2, EL1 and EL0 for a PE without EL3: the
   * first whose condition holds applies, and the last one always holds.
   * Empty for the MSR (immediate) forms, which the specification gives no
   * rules for.
   */
  readonly el2: readonly SysregRule[];
  readonly el1: readonly SysregRule[];
  readonly el0: readonly SysregRule[];
}

export interface Sysreg {
  /** "SCTLR_EL1", "DBGBVR5_EL1", "TLBI VAE2IS". */
  readonly name: string;
  /** For an instance of a register array: the array name (DBGBVR<n>_EL1), this index and the array's full index range. */
  readonly array?: { readonly name: string; readonly index: number; readonly first: number; readonly last: number };
  /** When the register exists ('' = always). */
  readonly condition: string;
  readonly layouts: readonly SysregLayout[];
  readonly encodings: readonly SysregEncoding[];
  /** VNCR_EL2 page offset of the register itself (from its own and alias encodings), if it has one. */
  readonly vncr?: number;
}

/** A name or encoding lookup result: the register and the encodings the query named. */
export interface SysregMatch {
  readonly register: Sysreg;
  /** For a register's own name, all its encodings; for an alias or a key, the ones that matched. */
  readonly encodings: readonly SysregEncoding[];
}

// ---------------------------------------------------------------------------
// Keys.

/** The 16-bit key op0:op1:CRn:CRm:op2, as in MRS/MSR/SYS instruction bits [20:5]. */
export function sysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

export interface SysregKeyFields {
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
}

export function sysregKeyFields(key: number): SysregKeyFields {
  return { op0: (key >>> 14) & 3, op1: (key >>> 11) & 7, crn: (key >>> 7) & 15, crm: (key >>> 3) & 15, op2: key & 7 };
}

/** S3_0_C1_C0_0 */
export function sysregGenericName(key: number): string {
  const f = sysregKeyFields(key);
  return `S${f.op0}_${f.op1}_C${f.crn}_C${f.crm}_${f.op2}`;
}

/** op0=3 op1=0 CRn=1 CRm=0 op2=0 */
export function sysregFieldsText(key: number): string {
  const f = sysregKeyFields(key);
  return `op0=${f.op0} op1=${f.op1} CRn=${f.crn} CRm=${f.crm} op2=${f.op2}`;
}

/**
 * The fields of an encoding pattern, free bits shown: op0..op2 as
 * `['3', '*', '0b1x11', '*', '*']` for the IMPLEMENTATION DEFINED space
 * (`x` a free bit, `*` a wholly free field).
 */
export function sysregPatternFields(key: number, mask: number): [string, string, string, string, string] {
  const part = (shift: number, width: number): string => {
    const m = (mask >>> shift) & ((1 << width) - 1);
    const v = (key >>> shift) & ((1 << width) - 1);
    if (m === (1 << width) - 1) return String(v);
    if (m === 0) return '*';
    let b = '';
    for (let i = width - 1; i >= 0; i--) b += (m >> i) & 1 ? (v >> i) & 1 : 'x';
    return `0b${b}`;
  };
  return [part(14, 2), part(11, 3), part(7, 4), part(3, 4), part(0, 3)];
}

/** S3_*_C0b1x11_C*_* for a pattern; the plain generic name for one encoding. */
export function sysregPatternName(key: number, mask: number): string {
  const [op0, op1, crn, crm, op2] = sysregPatternFields(key, mask);
  return `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
}

/** Thrown for a query that looks like an encoding but is not a valid one. */
export class SysregQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SysregQueryError';
  }
}

const FIELD_LIMITS: readonly [string, number][] = [
  ['op0', 3],
  ['op1', 7],
  ['CRn', 15],
  ['CRm', 15],
  ['op2', 7],
];

function keyFromNumbers(parts: readonly string[], text: string): number {
  const nums = parts.map((p, i) => {
    if (!/^\d+$/.test(p)) throw new SysregQueryError(`'${text}': ${FIELD_LIMITS[i]![0]} must be a number, not '${p}'`);
    const n = Number(p);
    if (n > FIELD_LIMITS[i]![1]) throw new SysregQueryError(`'${text}': ${FIELD_LIMITS[i]![0]} must be 0..${FIELD_LIMITS[i]![1]}, not ${n}`);
    return n;
  });
  return sysregKey(nums[0]!, nums[1]!, nums[2]!, nums[3]!, nums[4]!);
}

/**
 * Reads a query: "op0,op1,CRn,CRm,op2" (decimal, spaces allowed) or the
 * generic name "S3_0_C1_C0_0" give a key; anything else is a name.
 * Throws SysregQueryError for a malformed encoding.
 */
export function parseSysregQuery(text: string): { readonly key: number } | { readonly name: string } {
  const t = text.trim();
  if (/^[\d\s,]+$/.test(t) && t.includes(',')) {
    const parts = t.split(',').map((p) => p.trim());
    if (parts.length !== 5) throw new SysregQueryError(`'${text}': an encoding is five numbers op0,op1,CRn,CRm,op2`);
    return { key: keyFromNumbers(parts, text) };
  }
  const g = /^S(\d+)_(\d+)_C(\d+)_C(\d+)_(\d+)$/i.exec(t);
  if (g) return { key: keyFromNumbers(g.slice(1), text) };
  return { name: t };
}

// ---------------------------------------------------------------------------
// Conditions.
//
// The condition language of the database:
//   FEAT_X, v8Ap1        true when the feature is implemented
//   `text`               a test of PE state or of another register's field
//                        ("HCR_EL2.TVM == 1", "ELIsInHost(EL0)"), kept as text
//   !e   e && e   e || e   (e)     with the usual precedence
// The empty string means "always".

export type SysregCond =
  | { readonly t: 'true' }
  | { readonly t: 'feat'; readonly name: string }
  | { readonly t: 'atom'; readonly text: string }
  | { readonly t: 'not'; readonly x: SysregCond }
  | { readonly t: 'and' | 'or'; readonly xs: readonly SysregCond[] };

/** Feature predicate: is the feature (FEAT_X or an architecture version such as v9Ap2) implemented? */
export type FeaturePredicate = (feat: string) => boolean;
/** Answers for state atoms; undefined = unknown. */
export type StatePredicate = (atom: string) => boolean | undefined;

const parsedConds = new Map<string, SysregCond>();

/** Parses a condition of the database (cached). Throws on malformed text, which would be a generator bug. */
export function parseCondition(text: string): SysregCond {
  const hit = parsedConds.get(text);
  if (hit) return hit;
  let pos = 0;
  const ws = (): void => {
    while (text[pos] === ' ') pos++;
  };
  const bad = (what: string): never => {
    throw new Error(`sysreg-db: bad condition at ${pos} (${what}): ${text}`);
  };
  const primary = (): SysregCond => {
    ws();
    const c = text[pos];
    if (c === '!') {
      pos++;
      return { t: 'not', x: primary() };
    }
    if (c === '(') {
      pos++;
      const e = orExpr();
      ws();
      if (text[pos] !== ')') bad('expected )');
      pos++;
      return e;
    }
    if (c === '`') {
      const end = text.indexOf('`', pos + 1);
      if (end < 0) bad('unterminated `');
      const atom = text.slice(pos + 1, end);
      pos = end + 1;
      return { t: 'atom', text: atom };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!m) return bad('expected a feature, `text`, ! or (');
    pos += m[0].length;
    return { t: 'feat', name: m[0] };
  };
  const chain = (op: '&&' | '||', next: () => SysregCond): SysregCond => {
    const xs = [next()];
    for (;;) {
      ws();
      if (text.startsWith(op, pos)) {
        pos += 2;
        xs.push(next());
      } else break;
    }
    return xs.length === 1 ? xs[0]! : { t: op === '&&' ? 'and' : 'or', xs };
  };
  const andExpr = (): SysregCond => chain('&&', primary);
  const orExpr = (): SysregCond => chain('||', andExpr);
  let result: SysregCond;
  if (text.trim() === '') result = { t: 'true' };
  else {
    result = orExpr();
    ws();
    if (pos !== text.length) bad('trailing text');
  }
  parsedConds.set(text, result);
  return result;
}

function evalParsed(c: SysregCond, feat: FeaturePredicate, state?: StatePredicate): boolean | undefined {
  switch (c.t) {
    case 'true':
      return true;
    case 'feat':
      return feat(c.name);
    case 'atom':
      return state ? state(c.text) : undefined;
    case 'not': {
      const v = evalParsed(c.x, feat, state);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      // Kleene logic: false wins over unknown.
      let unknown = false;
      for (const x of c.xs) {
        const v = evalParsed(x, feat, state);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const x of c.xs) {
        const v = evalParsed(x, feat, state);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
  }
}

/**
 * Evaluates a condition for a feature profile. State atoms are answered by
 * `state` when given; anything unanswered makes the result undefined
 * (unknown) unless the rest decides it.
 */
export function evalCondition(text: string, feat: FeaturePredicate, state?: StatePredicate): boolean | undefined {
  return evalParsed(parseCondition(text), feat, state);
}

function renderCond(c: SysregCond, top: boolean): string {
  switch (c.t) {
    case 'true':
      return '';
    case 'feat':
      return c.name;
    case 'atom':
      return c.text;
    case 'not':
      // !ELIsInHost(EL0), but !(MDCR_EL2.{TDE,TDA} == 0b00)
      if (c.x.t === 'feat' || (c.x.t === 'atom' && /^[\w.]+(\([\w, ]*\))?$/.test(c.x.text))) return `!${renderCond(c.x, false)}`;
      return `!(${renderCond(c.x, true)})`;
    case 'and':
      return c.xs.map((x) => (x.t === 'or' ? `(${renderCond(x, true)})` : renderCond(x, false))).join(' && ');
    case 'or': {
      const s = c.xs.map((x) => renderCond(x, false)).join(' || ');
      return top ? s : `(${s})`;
    }
  }
}

function featureOnly(c: SysregCond): boolean {
  switch (c.t) {
    case 'true':
    case 'feat':
      return true;
    case 'atom':
      return false;
    case 'not':
      return featureOnly(c.x);
    default:
      return c.xs.every(featureOnly);
  }
}

/**
 * A condition for people: the state part and the feature part, e.g.
 * { state: 'HFGRTR_EL2.SCTLR_EL1 == 1', features: 'FEAT_FGT' } ('' when
 * a part is absent). Top-level conjuncts that only test features go to
 * `features`; anything mixing the two stays in `state`.
 */
export function describeCondition(text: string): { readonly state: string; readonly features: string } {
  const c = parseCondition(text);
  const parts = c.t === 'and' ? c.xs : [c];
  const feats = parts.filter(featureOnly);
  const rest = parts.filter((p) => !featureOnly(p));
  const join = (xs: readonly SysregCond[]): string =>
    xs.length === 0 ? '' : xs.length === 1 ? renderCond(xs[0]!, true) : renderCond({ t: 'and', xs }, true);
  return { state: join(rest), features: join(feats) };
}

/** The condition as one readable line ('' = always): "HFGRTR_EL2.SCTLR_EL1 == 1 (FEAT_FGT)". */
export function conditionText(text: string): string {
  const d = describeCondition(text);
  if (d.state && d.features) return `${d.state} (${d.features})`;
  return d.state || d.features;
}

// ---------------------------------------------------------------------------
// Materialising the generated rows (once).

interface Db {
  readonly all: readonly Sysreg[];
  readonly byName: Map<string, SysregMatch>;
  readonly byKey: Map<number, SysregEncoding[]>;
  readonly names: readonly string[];
}

let db: Db | undefined;

function outcomeOf(text: string): SysregRuleOutcome {
  if (text === 'UNDEFINED') return { type: 'undefined' };
  if (text === 'no effect') return { type: 'no-effect' };
  const m = /^trap to EL(\d), EC 0x([0-9a-f]+)$/.exec(text);
  if (m) return { type: 'trap', el: Number(m[1]), ec: parseInt(m[2]!, 16) };
  return { type: 'statement', text };
}

/** Rule lists and layouts are shared between registers (array instances, aliases); one object each. */
function materialiser(t: SysregTables): { rules(index: number): readonly SysregRule[]; layout(index: number): SysregLayout } {
  const ruleCache = new Map<number, readonly SysregRule[]>();
  const layoutCache = new Map<number, SysregLayout>();
  return {
    rules(index) {
      let r = ruleCache.get(index);
      if (!r) {
        const flat = t.rulesets[index]!;
        const out: SysregRule[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          const text = t.outcomes[flat[i + 1]!]!;
          out.push({ condition: t.conds[flat[i]!]!, outcome: outcomeOf(text), text });
        }
        r = Object.freeze(out);
        ruleCache.set(index, r);
      }
      return r;
    },
    layout(index) {
      let l = layoutCache.get(index);
      if (!l) {
        const [cond, width, rows] = t.layouts[index]!;
        const fields = rows.map(([name, msb, lsb, kind, fcond, view, value]): SysregField => {
          const f: SysregField = {
            name,
            msb,
            lsb,
            kind: SYSREG_FIELD_KINDS[kind] as SysregFieldKind,
            condition: t.conds[fcond]!,
            view: t.views[view ?? 0]!,
          };
          return value === undefined ? f : { ...f, value };
        });
        l = { condition: t.conds[cond]!, width, fields };
        layoutCache.set(index, l);
      }
      return l;
    },
  };
}

/** Lookup key for names: case-insensitive, and "TLBI VAE2IS" may be written TLBI_VAE2IS. */
function nameKey(name: string): string {
  return name.trim().toUpperCase().replace(/[\s_]+/g, '_');
}

function build(): Db {
  const t = sysregTables();
  const { rules, layout } = materialiser(t);
  const all: Sysreg[] = [];
  const byName = new Map<string, SysregMatch>();
  const byKey = new Map<number, SysregEncoding[]>();
  for (const row of t.sysregs) {
    const [name, cond, layoutIds, encRows, arrayName, index, first, last] = row;
    const encodings: SysregEncoding[] = [];
    const reg: Sysreg = {
      name,
      condition: t.conds[cond]!,
      layouts: layoutIds.map(layout),
      encodings,
      ...(arrayName !== undefined ? { array: { name: arrayName, index: index!, first: first!, last: last! } } : {}),
    };
    let vncr: number | undefined;
    for (const [asm, kind, key, mask, econd, role, evncr, el2, el1, el0] of encRows) {
      const enc: SysregEncoding = {
        register: reg,
        asm,
        kind: SYSREG_ACCESSOR_KINDS[kind]!,
        role: SYSREG_ROLES[role] as SysregRole,
        key,
        mask,
        condition: t.conds[econd]!,
        ...(evncr >= 0 ? { vncr: evncr } : {}),
        el2: rules(el2),
        el1: rules(el1),
        el0: rules(el0),
      };
      encodings.push(enc);
      if (evncr >= 0 && enc.role !== 'shared') vncr ??= evncr;
    }
    const full: Sysreg = vncr === undefined ? reg : Object.assign(reg, { vncr });
    all.push(full);
  }
  // Names: registers first, so a register's own name always finds it;
  // then assembler names that are no register (aliases).
  for (const r of all) byName.set(nameKey(r.name), { register: r, encodings: r.encodings });
  for (const r of all) {
    const groups = new Map<string, SysregEncoding[]>();
    for (const e of r.encodings) {
      if (e.role !== 'alias') continue;
      const k = nameKey(e.asm);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(e);
    }
    for (const [k, encs] of groups) if (!byName.has(k)) byName.set(k, { register: r, encodings: encs });
  }
  // Keys: every key a (possibly partly free) encoding covers, so lookups
  // stay O(1) for the generic S3_<op1>_C<n>_C<m>_<op2> space and MSR
  // immediates too. Exact encodings sort before generic ones, own/alias
  // before shared.
  const rank = (e: SysregEncoding): number => (e.mask === 0xffff ? 0 : 4) + (e.role === 'shared' ? 1 : 0);
  for (const r of all) {
    for (const e of r.encodings) {
      const free = ~e.mask & 0xffff;
      let s = 0;
      do {
        const k = (e.key & e.mask) | s;
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        list.push(e);
        s = (s - free) & free; // next subset of the free bits
      } while (s !== 0);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => rank(a) - rank(b));
  const names = [...new Set([...all.map((r) => r.name), ...all.flatMap((r) => r.encodings.filter((e) => e.role === 'alias').map((e) => e.asm))])];
  return { all, byName, byKey, names };
}

function theDb(): Db {
  return (db ??= build());
}

// ---------------------------------------------------------------------------
// Lookups.

/** Every register and system instruction (array instances expanded), sorted by name. */
export function allSysregs(): readonly Sysreg[] {
  return theDb().all;
}

/**
 * By name, case-insensitively: a register ("sctlr_el1", "TLBI VAE2IS",
 * "tlbi_vae2is") or an alias ("SCTLR_EL12" finds SCTLR_EL1 with the
 * SCTLR_EL12 encodings).
 */
export function findSysreg(name: string): SysregMatch | undefined {
  return theDb().byName.get(nameKey(name));
}

/** Every encoding covering a 16-bit key (exact ones first, own/alias before shared). */
export function sysregEncodingsByKey(key: number): readonly SysregEncoding[] {
  return theDb().byKey.get(key & 0xffff) ?? [];
}

/** As sysregEncodingsByKey, from the five fields. */
export function sysregEncodingsByFields(op0: number, op1: number, crn: number, crm: number, op2: number): readonly SysregEncoding[] {
  return sysregEncodingsByKey(sysregKey(op0, op1, crn, crm, op2));
}

/** Accessor kinds that read (MRS-like) and write (MSR-like), for keys whose two directions have different names. */
const READ_KINDS = new Set(['MRS', 'MRRS', 'SYSL', 'GCSPOPM', 'GCSSS2']);
const WRITE_KINDS = new Set(['MSR', 'MSRR', 'MSRimm']);

/**
 * Name of the System register or instruction with 16-bit key
 * op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, for an access in the given direction
 * (DBGDTRRX_EL0 and DBGDTRTX_EL0 share a key).
 */
export function sysregNameForKey(key: number, access?: 'read' | 'write'): string | undefined {
  // Generic spaces (IMPLEMENTATION DEFINED registers) have templates such as S3_<op1>_C<Cn>_C<Cm>_<op2>, not names.
  const named = sysregEncodingsByKey(key).filter((e) => !e.asm.includes('<'));
  const kinds = access === 'read' ? READ_KINDS : access === 'write' ? WRITE_KINDS : undefined;
  return (named.find((e) => kinds?.has(e.kind)) ?? named[0])?.asm;
}

/** The encodings of a key grouped by register, in the order of sysregEncodingsByKey. */
export function sysregMatchesByKey(key: number): readonly SysregMatch[] {
  const groups = new Map<Sysreg, SysregEncoding[]>();
  for (const e of sysregEncodingsByKey(key)) {
    if (!groups.has(e.register)) groups.set(e.register, []);
    groups.get(e.register)!.push(e);
  }
  return [...groups].map(([register, encodings]) => ({ register, encodings }));
}

/**
 * Any query form: a name, "op0,op1,CRn,CRm,op2" or "S3_0_C1_C0_0". Returns
 * the key when the query was an encoding and the matches (empty when
 * nothing has that name or encoding). Throws SysregQueryError for a
 * malformed encoding.
 */
export function lookupSysreg(query: string): { readonly key?: number; readonly matches: readonly SysregMatch[] } {
  const q = parseSysregQuery(query);
  if ('key' in q) {
    // A generic name that is also an alias spelling resolves as the encoding.
    return { key: q.key, matches: sysregMatchesByKey(q.key) };
  }
  const m = findSysreg(q.name);
  return { matches: m ? [m] : [] };
}

/**
 * Edit distance with adjacent transpositions counting as one edit (optimal
 * string alignment): SCTRL_EL1 is one edit from SCTLR_EL1. Gives up above
 * `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Up to `max` known names closest to `name` by edit distance (case-insensitive), nearest first. */
export function suggestSysregNames(name: string, max = 5): readonly string[] {
  return closestNames(name, theDb().names, max);
}

/** Up to `max` of `names` closest to `name` by edit distance (case-insensitive), nearest first. */
export function closestNames(name: string, names: Iterable<string>, max = 5): readonly string[] {
  const k = nameKey(name);
  const limit = Math.max(2, Math.floor(k.length / 3));
  const scored: [number, string][] = [];
  for (const n of names) {
    const d = editDistance(k, nameKey(n), limit);
    if (d <= limit) scored.push([d, n]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return scored.slice(0, max).map(([, n]) => n);
}

// ---------------------------------------------------------------------------
// Fields for a profile.

export interface SysregProfile {
  /** Which features are implemented. */
  readonly features: FeaturePredicate;
  /** Answers for state atoms (`HCR_EL2.E2H == 1`, ...); unanswered ones are unknown. */
  readonly state?: StatePredicate;
}

/** The layouts that may apply (condition true or unknown), in order, stopping after one that surely applies. */
export function possibleLayouts(reg: Sysreg, profile: SysregProfile): readonly SysregLayout[] {
  const out: SysregLayout[] = [];
  for (const l of reg.layouts) {
    const v = evalCondition(l.condition, profile.features, profile.state);
    if (v === false) continue;
    out.push(l);
    if (v === true) break;
  }
  return out;
}

/**
 * The field rows of a register that may describe it under a profile: rows
 * of the possible layouts whose condition is not false. Variant rows of
 * DYNAMIC fields are left out unless `views` is set.
 */
export function sysregFields(reg: Sysreg, profile: SysregProfile, views = false): readonly SysregField[] {
  const out: SysregField[] = [];
  for (const l of possibleLayouts(reg, profile)) {
    for (const f of l.fields) {
      if (f.view !== '' && !views) continue;
      if (evalCondition(f.condition, profile.features, profile.state) !== false) out.push(f);
    }
  }
  return out;
}

/**
 * RES0 and RES1 bits under a profile, as masks over the register's width:
 * a bit is in a mask when every row that may describe it (in every layout
 * that may apply) is of that kind. Bits whose meaning depends on unknown
 * state are in neither.
 */
export function sysregResMasks(reg: Sysreg, profile: SysregProfile): { readonly width: number; readonly res0: bigint; readonly res1: bigint } {
  const layouts = possibleLayouts(reg, profile);
  const width = Math.max(0, ...layouts.map((l) => l.width));
  // Per bit: 1 = only RES0 seen, 2 = only RES1 seen, 3 = something else
  // (or both) seen, 0 = nothing describes it.
  const seen = new Uint8Array(width);
  for (const l of layouts) {
    for (const f of l.fields) {
      if (f.view !== '' || evalCondition(f.condition, profile.features, profile.state) === false) continue;
      // Bits that read as a fixed value: RES0 and RAZ(/WI) read 0, RES1 and RAO(/WI) read 1.
      const k = f.kind === 'RES0' || f.kind === 'RAZ/WI' || f.kind === 'RAZ' ? 1 : f.kind === 'RES1' || f.kind === 'RAO/WI' || f.kind === 'RAO' ? 2 : 3;
      for (let b = f.lsb; b <= f.msb; b++) seen[b]! |= k;
    }
  }
  let res0 = 0n;
  let res1 = 0n;
  for (let b = 0; b < width; b++) {
    if (seen[b] === 1) res0 |= 1n << BigInt(b);
    if (seen[b] === 2) res1 |= 1n << BigInt(b);
  }
  return { width, res0, res1 };
}

/** A mask's 32-bit halves (bits [31:0] and [63:32], or higher words with `word`), as unsigned numbers. */
export function maskHalves(mask: bigint, word = 0): { readonly lo: number; readonly hi: number } {
  const m = mask >> BigInt(64 * word);
  return { lo: Number(m & 0xffffffffn), hi: Number((m >> 32n) & 0xffffffffn) };
}
