/**
 * CPU profiles: the emulated PE's identity as data.
 *
 * A profile is a set of architectural features (FEAT_* names and the
 * architecture versions v8Ap0.. it claims). From it, buildProfile():
 *  - checks the set against Arm's Features.json: every dependency must be
 *    listed explicitly (nothing is added behind the caller's back, so a
 *    profile reads as exactly what the emulator implements);
 *  - derives the value of every ID register whose fields encode features
 *    (ID_AA64PFR0_EL1, ID_AA64MMFR1_EL1, ..., CTR_EL0 and the AArch32 ID
 *    registers' AArch64 views): for each field, the smallest value for which
 *    exactly the profile's features hold, using the encodings in
 *    Features.json (generated/features.ts);
 *  - applies explicit field overrides (IMPLEMENTATION DEFINED fields such
 *    as cache line sizes, or a smaller PARange) and checks the result again.
 *
 * The CPU uses a profile for ID register reads and for
 * IsFeatureImplemented(FEAT_X) in the system-register access rules.
 * No Node-only APIs: this runs in the extension host and the browser too.
 */

import {
  evaluate,
  exprFields,
  exprNames,
  parseExpr,
  printExpr,
  type Expr,
  type ExprEnv,
} from './feature-expr.js';
import {
  FEATURES,
  GLOBAL_CONSTRAINTS,
  ID_REGISTER_LAYOUTS,
  SUPPLEMENTARY_CONSTRAINTS,
} from './generated/features.js';

export interface CpuProfile {
  readonly name: string;
  /** Every feature and architecture version the profile implements. */
  readonly features: ReadonlySet<string>;
  /**
   * IsFeatureImplemented(feat). Throws for a name Features.json (or
   * Registers.json) does not know: a misspelt feature must not read as
   * "not implemented".
   */
  has(feat: string): boolean;
  /** Value of an ID register, undefined if the register does not exist in this profile. */
  idRegister(name: string): bigint | undefined;
  /** All ID registers that exist in this profile, by name. */
  readonly idRegisters: ReadonlyMap<string, bigint>;
  /** One field of an ID register (raw bits), undefined if the register or field does not exist. */
  idField(register: string, field: string): number | undefined;
  /** Features implemented ahead of the architecture version the profile claims (see ProfileSpec). */
  readonly aheadOfVersion: ReadonlySet<string>;
}

export interface ProfileSpec {
  readonly name: string;
  /** Features and architecture versions (v8Ap0, v8Ap1, ...), all of them: dependencies are not added. */
  readonly features: readonly string[];
  /**
   * Field values that replace the derived ones, by register then field,
   * e.g. { ID_AA64MMFR0_EL1: { PARange: 5 } }. Signed fields accept
   * negative numbers. Applied last; the result must still encode exactly
   * the profile's features.
   */
  readonly idOverrides?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Features Features.json permits only from a later architecture version
   * than the profile claims (FEAT_HCX --> v8Ap6). Listing one waives that
   * one constraint, deliberately: such a PE is not an architecturally
   * compliant Armv8.x, but software detects features from the ID registers,
   * not from version claims. A listed feature whose version is claimed is
   * an error, so the list cannot go stale silently.
   */
  readonly aheadOfVersion?: readonly string[];
}

/** buildProfile's error: every problem found, each a complete sentence fragment. */
export class ProfileError extends Error {
  readonly problems: readonly string[];
  constructor(profile: string, problems: readonly string[]) {
    super(`CPU profile "${profile}": ${problems.join('; ')}`);
    this.name = 'ProfileError';
    this.problems = problems;
  }
}

// ---------------------------------------------------------------------------
// The generated data, parsed once.

const VERSION_RE = /^v(\d+)Ap(\d+)$/;

interface Constraint {
  /** The feature Features.json lists it under ('(global)' for top-level ones). */
  readonly owner: string;
  readonly text: string;
  readonly expr: Expr;
  /** gate: FEAT_X --> vNApM; dep: features only; id: reads ID-register fields. */
  readonly kind: 'gate' | 'dep' | 'id';
}

interface FieldInfo {
  readonly key: string; // "REG.Field"
  readonly reg: string;
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly signed: boolean;
  readonly when: Expr | null;
  readonly values: readonly (readonly [lo: number, hi: number, when: Expr | null])[] | null;
  /** Position in the solver's lexicographic order (see orderKey). */
  readonly order: number;
}

interface FieldsetInfo {
  readonly when: Expr | null;
  readonly res1: bigint;
  readonly fields: readonly FieldInfo[];
}

interface RegisterInfo {
  readonly name: string;
  readonly exists: Expr | null;
  readonly fieldsets: readonly FieldsetInfo[];
}

interface Model {
  readonly known: ReadonlySet<string>;
  readonly constraints: readonly Constraint[];
  readonly registers: ReadonlyMap<string, RegisterInfo>;
  readonly fields: ReadonlyMap<string, FieldInfo>;
}

let model: Model | undefined;

function getModel(): Model {
  if (model) return model;
  const known = new Set(Object.keys(FEATURES));
  const constraints: Constraint[] = [];
  const seen = new Set<string>();
  const add = (owner: string, text: string, kind: Constraint['kind']): void => {
    // Features.json repeats a few constraints under two features; evaluate once.
    if (seen.has(text)) return;
    seen.add(text);
    constraints.push({ owner, text, expr: parseExpr(text), kind });
  };
  for (const [name, f] of Object.entries(FEATURES)) {
    if (f.since) add(name, `${name} --> ${f.since}`, 'gate');
    for (const t of f.deps) add(name, t, 'dep');
    for (const t of f.id) add(name, t, 'id');
  }
  for (const s of SUPPLEMENTARY_CONSTRAINTS) add(s.owner, s.text, 'id');
  for (const t of GLOBAL_CONSTRAINTS) add('(global)', t, exprFields(parseExpr(t)).size ? 'id' : 'dep');

  const registers = new Map<string, RegisterInfo>();
  const fields = new Map<string, FieldInfo>();
  let index = 0;
  const cond = (t: string | null | undefined): Expr | null => (t ? parseExpr(t) : null);
  for (const l of ID_REGISTER_LAYOUTS) {
    const fieldsets: FieldsetInfo[] = l.fieldsets.map((fs) => ({
      when: cond(fs.when),
      res1: fs.res1,
      fields: fs.fields.map((f) => {
        const key = `${l.name}.${f.name}`;
        const prev = fields.get(key);
        if (prev) return prev; // the same field in another fieldset: same position (checked by the generator)
        // `_frac` fields are minimised first: they refine a main field for PEs
        // that implement part of what the next main value means (NV_frac,
        // CSV2_frac, RAS_frac, MPAM_frac). Software that predates them reads
        // the main field only, so a feature should be shown there when a
        // value exists that says exactly the profile's features: FEAT_NV2
        // becomes ID_AA64MMFR2_EL1.NV = 2, not NV = 0 with NV_frac = 1 (which
        // also means FEAT_NV2, but without HCR_EL2.NV1 support).
        const order = (f.name.endsWith('_frac') ? 0 : 1_000_000) + index++;
        const info: FieldInfo = {
          key,
          reg: l.name,
          name: f.name,
          lsb: f.lsb,
          width: f.width,
          signed: f.signed,
          when: cond(f.when),
          values: f.values ? f.values.map(([lo, hi, w]) => [lo, hi, cond(w)] as const) : null,
          order,
        };
        fields.set(key, info);
        return info;
      }),
    }));
    registers.set(l.name, { name: l.name, exists: cond(l.exists), fieldsets });
  }
  for (const c of constraints) {
    for (const n of exprNames(c.expr)) if (!known.has(n)) throw new Error(`features.ts: ${c.text} names unknown ${n}`);
    for (const k of exprFields(c.expr)) if (!fields.has(k)) throw new Error(`features.ts: ${c.text} reads unknown field ${k}`);
  }
  model = { known, constraints, registers, fields };
  return model;
}

/** Every name a profile may list: Features.json parameters plus the GIC names Registers.json uses. */
export function knownFeatures(): ReadonlySet<string> {
  return getModel().known;
}

/** The architecture versions in a feature set, in order (v8Ap0 < v8Ap1 < ... < v9Ap0 < ...). */
export function architectureVersions(features: Iterable<string>): string[] {
  const out = [...features].filter((f) => VERSION_RE.test(f));
  const key = (v: string): number => {
    const m = VERSION_RE.exec(v)!;
    return Number(m[1]) * 100 + Number(m[2]);
  };
  return out.sort((a, b) => key(a) - key(b));
}

// ---------------------------------------------------------------------------
// Expression helpers.

/** Replace names by their truth in `feats` and fold constants; fields remain. */
function specialize(e: Expr, feats: ReadonlySet<string>): Expr {
  const T: Expr = { k: 'bool', value: true };
  const F: Expr = { k: 'bool', value: false };
  const isB = (x: Expr, v: boolean): boolean => x.k === 'bool' && x.value === v;
  const not = (x: Expr): Expr => (x.k === 'bool' ? (x.value ? F : T) : { k: 'not', e: x });
  switch (e.k) {
    case 'id':
      return feats.has(e.name) ? T : F;
    case 'bool':
    case 'cmp':
      return e;
    case 'not':
      return not(specialize(e.e, feats));
    case 'and':
    case 'or': {
      const absorbing = e.k === 'or';
      const es: Expr[] = [];
      for (const c of e.es) {
        const s = specialize(c, feats);
        if (isB(s, absorbing)) return s;
        if (!isB(s, !absorbing)) es.push(s);
      }
      if (es.length === 0) return absorbing ? F : T;
      return es.length === 1 ? es[0]! : { k: e.k, es };
    }
    case 'imp': {
      const l = specialize(e.l, feats);
      const r = specialize(e.r, feats);
      if (isB(l, false) || isB(r, true)) return T;
      if (isB(l, true)) return r;
      if (isB(r, false)) return not(l);
      return { k: 'imp', l, r };
    }
    case 'iff': {
      const l = specialize(e.l, feats);
      const r = specialize(e.r, feats);
      if (l.k === 'bool') return l.value ? r : not(r);
      if (r.k === 'bool') return r.value ? l : not(l);
      return { k: 'iff', l, r };
    }
  }
}

const toSigned = (raw: number, width: number): number => (raw >= 2 ** (width - 1) ? raw - 2 ** width : raw);

/** Human form of a raw field value: signed fields also show the signed reading. */
function showValue(f: FieldInfo, raw: number): string {
  return f.signed && toSigned(raw, f.width) < 0 ? `${raw} (${toSigned(raw, f.width)})` : String(raw);
}

/** "3", "0 or 1", "2..15": a set of raw values for messages. */
function showSet(f: FieldInfo, values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}..${sorted[j]}` : sorted.slice(i, j + 1).map((v) => showValue(f, v)).join(' or '));
    i = j + 1;
  }
  return parts.length ? parts.join(' or ') : 'no value';
}

/**
 * Why a feature-only constraint fails, as "A requires B": the part of the
 * premise that holds and the part of the conclusion that does not.
 */
function explainDependency(c: Constraint, feats: ReadonlySet<string>): string {
  const env: ExprEnv = { feature: (n) => feats.has(n), field: () => undefined };
  const holds = (x: Expr): boolean => evaluate(x, env) === true;
  const trueParts = (x: Expr): string =>
    x.k === 'or' ? x.es.filter(holds).map(printExpr).join(' || ') : printExpr(x);
  const falseParts = (x: Expr): string => {
    if (x.k === 'and') return x.es.filter((y) => !holds(y)).map(printExpr).join(' && ');
    return printExpr(x);
  };
  const requires = (premise: Expr, conclusion: Expr): string => {
    const missing = conclusion.k === 'and' ? conclusion.es.filter((y) => !holds(y)) : [conclusion];
    if (missing.length === 1 && missing[0]!.k === 'not' && missing[0]!.e.k === 'id') {
      return `${trueParts(premise)} excludes ${missing[0]!.e.name}`;
    }
    return `${trueParts(premise)} requires ${falseParts(conclusion)}`;
  };
  const e = c.expr;
  if (e.k === 'imp') return requires(e.l, e.r);
  if (e.k === 'iff') return holds(e.l) ? requires(e.l, e.r) : requires(e.r, e.l);
  return `the profile violates ${c.text} (listed under ${c.owner})`;
}

// ---------------------------------------------------------------------------
// Building a profile.

interface Residual {
  readonly c: Constraint;
  readonly expr: Expr;
  readonly fields: readonly FieldInfo[];
}

/** The register's active fieldset, or null when the register does not exist. */
function activeFieldset(r: RegisterInfo, holds: (e: Expr | null) => boolean): FieldsetInfo | null {
  if (!holds(r.exists)) return null;
  return r.fieldsets.find((fs) => holds(fs.when)) ?? null;
}

/**
 * Check a spec against Features.json and derive its ID registers. Throws a
 * ProfileError listing every problem of the first stage that has any
 * (names, then dependencies, then encodings, then overrides): later stages
 * would mostly report consequences of the earlier ones.
 */
export function buildProfile(spec: ProfileSpec): CpuProfile {
  const m = getModel();
  const problems: string[] = [];
  const fail = (): never => {
    throw new ProfileError(spec.name, problems);
  };

  // 1. Names.
  const feats = new Set<string>();
  for (const f of spec.features) {
    if (!m.known.has(f)) problems.push(`unknown feature ${f}`);
    else feats.add(f);
  }
  if (!feats.has('FEAT_AA64EL1')) {
    problems.push('FEAT_AA64EL1 is required: nvlab models an AArch64 PE, and the ID registers are its AArch64 views');
  }
  const ahead = new Set<string>();
  const gates = new Map(m.constraints.filter((c) => c.kind === 'gate').map((c) => [c.owner, c]));
  for (const f of spec.aheadOfVersion ?? []) {
    const gate = gates.get(f);
    if (!m.known.has(f)) problems.push(`aheadOfVersion: unknown feature ${f}`);
    else if (!feats.has(f)) problems.push(`aheadOfVersion lists ${f}, which the profile does not implement`);
    else if (!gate) problems.push(`aheadOfVersion lists ${f}, which has no version gate`);
    else if (evaluate(gate.expr, { feature: (n) => feats.has(n), field: () => undefined })) {
      problems.push(`aheadOfVersion lists ${f}, but the profile claims the version it needs (${gate.text})`);
    } else ahead.add(f);
  }
  if (problems.length) fail();

  // 2. Dependencies and version gates.
  const holds = (e: Expr | null): boolean =>
    e === null || evaluate(e, { feature: (n) => feats.has(n), field: () => undefined }) === true;
  for (const c of m.constraints) {
    if (c.kind === 'id') continue;
    if (c.kind === 'gate' && ahead.has(c.owner)) continue;
    if (holds(c.expr)) continue;
    let msg = explainDependency(c, feats);
    if (c.kind === 'gate' && c.expr.k === 'imp') {
      msg += ` (Features.json permits ${c.owner} from ${printExpr(c.expr.r)}; claim it or list ${c.owner} in aheadOfVersion)`;
    }
    problems.push(msg);
  }
  if (problems.length) fail();

  // 3. Field domains. A field that does not exist in this profile (register
  // absent, other fieldset, condition false) reads as 0: its bits are RES0,
  // or UNKNOWN for the AArch32 views on a PE without AArch32, where 0 is the
  // value we choose.
  const exists = new Map<string, boolean>();
  for (const r of m.registers.values()) {
    const fs = activeFieldset(r, holds);
    for (const f of r.fieldsets.flatMap((x) => x.fields)) exists.set(f.key, fs !== null && fs.fields.includes(f) && holds(f.when));
  }
  const prefer = (f: FieldInfo) => (a: number, b: number): number => {
    if (!f.signed) return a - b;
    // Signed fields: nearest to zero first, non-negative before negative.
    // Zero is a signed field's baseline and each negative step takes
    // something away (TGran4 = -1: 4KB granule not supported), so the value
    // nearest zero is the least departure that still says what is needed.
    const key = (v: number): number => {
      const s = toSigned(v, f.width);
      return Math.abs(s) * 2 + (s < 0 ? 1 : 0);
    };
    return key(a) - key(b);
  };
  const domainCache = new Map<string, number[]>();
  const domain = (f: FieldInfo): number[] => {
    let d = domainCache.get(f.key);
    if (d) return d;
    if (!exists.get(f.key)) d = [0];
    else if (f.values === null) d = Array.from({ length: 2 ** f.width }, (_, i) => i);
    else {
      d = [];
      for (const [lo, hi, w] of f.values) if (holds(w)) for (let v = lo; v <= hi; v++) d.push(v);
      d = [...new Set(d)];
    }
    d.sort(prefer(f));
    domainCache.set(f.key, d);
    return d;
  };

  // 4. Encodings with the features filled in: constraints on fields only.
  const residuals: Residual[] = [];
  for (const c of m.constraints) {
    if (c.kind !== 'id') continue;
    const e = specialize(c.expr, feats);
    if (e.k === 'bool') {
      if (!e.value) problems.push(`the profile contradicts ${c.text} (listed under ${c.owner}) whatever the ID registers say`);
      continue;
    }
    const fs = [...exprFields(e)].map((k) => m.fields.get(k)!).sort((a, b) => a.order - b.order);
    residuals.push({ c, expr: e, fields: fs });
  }
  if (problems.length) fail();

  // 5. Solve each group of fields that constraints tie together.
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  for (const r of residuals) for (const f of r.fields) parent.set(find(f.key), find(r.fields[0]!.key));
  const groups = new Map<string, { fields: Set<FieldInfo>; cons: Residual[] }>();
  for (const r of residuals) {
    const g = find(r.fields[0]!.key);
    if (!groups.has(g)) groups.set(g, { fields: new Set(), cons: [] });
    const grp = groups.get(g)!;
    grp.cons.push(r);
    for (const f of r.fields) grp.fields.add(f);
  }
  const values = new Map<string, number>();
  for (const g of groups.values()) {
    const fields = [...g.fields].sort((a, b) => a.order - b.order);
    const sol = solve(fields, g.cons, domain);
    if (sol) {
      for (const [k, v] of sol) values.set(k, v);
    } else {
      problems.push(explainConflict(fields, g.cons, domain, feats));
    }
  }
  if (problems.length) fail();
  for (const f of m.fields.values()) if (!values.has(f.key)) values.set(f.key, exists.get(f.key) ? minimum(f, domain) : 0);

  // 6. Overrides, then check every encoding again with the final values.
  const overridden = new Map<string, number>();
  for (const [reg, fieldsOverride] of Object.entries(spec.idOverrides ?? {})) {
    const r = m.registers.get(reg);
    if (!r) {
      problems.push(`override of ${reg}: not an ID register nvlab derives (${[...m.registers.keys()].join(', ')})`);
      continue;
    }
    if (!activeFieldset(r, holds)) {
      problems.push(`override of ${reg}: the register does not exist in this profile (needs ${r.exists ? printExpr(r.exists) : 'nothing'})`);
      continue;
    }
    for (const [name, v] of Object.entries(fieldsOverride)) {
      const f = m.fields.get(`${reg}.${name}`);
      if (!f) {
        problems.push(`override of ${reg}.${name}: no such field`);
        continue;
      }
      if (!exists.get(f.key)) {
        // Say what would make it exist: its own condition, or its fieldset's
        // (the AArch32 views have fields only when AArch32 is implemented).
        const fsWhen = r.fieldsets.find((x) => x.fields.includes(f))?.when ?? null;
        const need = [fsWhen, f.when].filter((x): x is Expr => x !== null).map(printExpr);
        problems.push(`override of ${f.key}: the field does not exist in this profile${need.length ? ` (needs ${need.join(' and ')})` : ''}`);
        continue;
      }
      const lo = f.signed ? -(2 ** (f.width - 1)) : 0;
      if (!Number.isInteger(v) || v < lo || v >= 2 ** f.width) {
        problems.push(`override of ${f.key}: ${v} does not fit the ${f.width}-bit ${f.signed ? 'signed ' : ''}field`);
        continue;
      }
      const raw = v < 0 ? v + 2 ** f.width : v;
      const d = domain(f);
      if (f.values !== null && !d.includes(raw)) {
        problems.push(`override of ${f.key}: ${showValue(f, raw)} is not a permitted value here (permitted: ${showSet(f, d)})`);
        continue;
      }
      overridden.set(f.key, raw);
      values.set(f.key, raw);
    }
  }
  if (problems.length) fail();
  const env = fieldEnv(m, values);
  for (const r of residuals) {
    if (evaluate(r.expr, env) === true) continue;
    const mine = r.fields.filter((f) => overridden.has(f.key));
    const list = mine.map((f) => `${f.key} = ${showValue(f, overridden.get(f.key)!)}`).join(', ');
    problems.push(
      `override${mine.length > 1 ? 's' : ''} ${list} contradict${mine.length > 1 ? '' : 's'} ${ownerState(r.c.owner, feats)}: ${r.c.text}`,
    );
  }
  if (problems.length) fail();

  // 7. Assemble.
  const regs = new Map<string, bigint>();
  for (const r of m.registers.values()) {
    const fs = activeFieldset(r, holds);
    if (!fs) continue;
    let v = fs.res1;
    for (const f of fs.fields) if (exists.get(f.key)) v |= BigInt(values.get(f.key)!) << BigInt(f.lsb);
    regs.set(r.name, v);
  }
  return makeProfile(spec.name, feats, regs, ahead, m);
}

function minimum(f: FieldInfo, domain: (f: FieldInfo) => number[]): number {
  // Wide fields without a value list (CTR_EL0.TminLine, MPAMIDR_EL1.PARTID_MAX)
  // are never constrained; their smallest value is 0 without enumerating.
  if (f.values === null && f.width > 8) return 0;
  return domain(f)[0]!;
}

function fieldEnv(m: Model, values: ReadonlyMap<string, number>): ExprEnv {
  return {
    feature: () => undefined,
    field: (reg, name, signed) => {
      const key = `${reg}.${name}`;
      const raw = values.get(key);
      if (raw === undefined) return undefined;
      return signed ? toSigned(raw, m.fields.get(key)!.width) : raw;
    },
  };
}

function ownerState(owner: string, feats: ReadonlySet<string>): string {
  if (owner === '(global)') return 'a global constraint';
  return `${owner} (${feats.has(owner) ? 'implemented' : 'not implemented'})`;
}

/**
 * Lexicographically smallest assignment (in `fields` order, each field's
 * domain in preference order) that satisfies every constraint, or null.
 * Each constraint is checked as soon as its last field is assigned.
 */
function solve(
  fields: readonly FieldInfo[],
  cons: readonly Residual[],
  domain: (f: FieldInfo) => number[],
): Map<string, number> | null {
  const pos = new Map(fields.map((f, i) => [f.key, i]));
  const buckets: Residual[][] = fields.map(() => []);
  for (const c of cons) buckets[Math.max(...c.fields.map((f) => pos.get(f.key)!))]!.push(c);
  const vals: number[] = new Array<number>(fields.length).fill(0);
  const env: ExprEnv = {
    feature: () => undefined,
    field: (reg, name, signed) => {
      const i = pos.get(`${reg}.${name}`)!;
      return signed ? toSigned(vals[i]!, fields[i]!.width) : vals[i];
    },
  };
  const rec = (i: number): boolean => {
    if (i === fields.length) return true;
    for (const v of domain(fields[i]!)) {
      vals[i] = v;
      if (buckets[i]!.every((c) => evaluate(c.expr, env) === true) && rec(i + 1)) return true;
    }
    return false;
  };
  if (!rec(0)) return null;
  return new Map(fields.map((f, i) => [f.key, vals[i]!]));
}

/**
 * A conflict: shrink the group's constraints to a minimal set that still
 * has no solution (drop each one that is not needed for the conflict), then
 * say what each of them wants.
 */
function explainConflict(
  fields: readonly FieldInfo[],
  cons: readonly Residual[],
  domain: (f: FieldInfo) => number[],
  feats: ReadonlySet<string>,
): string {
  let core = [...cons];
  for (const c of cons) {
    const without = core.filter((x) => x !== c);
    const fs = fields.filter((f) => without.some((x) => x.fields.includes(f)));
    if (without.length && solve(fs, without, domain) === null) core = without;
  }
  const coreFields = fields.filter((f) => core.some((x) => x.fields.includes(f)));
  const wants = core.map((r) => {
    let need = '';
    if (r.fields.length === 1) {
      const f = r.fields[0]!;
      const ok = domain(f).filter((v) => evaluate(r.expr, fieldEnvFor(f, v)) === true);
      need = ` needs ${f.name} = ${showSet(f, ok)}`;
    }
    return `${ownerState(r.c.owner, feats)}${need} [${r.c.text}]`;
  });
  const allowed = coreFields.map((f) => `${f.key} permits ${showSet(f, domain(f))}`).join(', ');
  return `conflict on ${coreFields.map((f) => f.key).join(', ')}: ${wants.join(' vs ')} (${allowed})`;
}

function fieldEnvFor(f: FieldInfo, raw: number): ExprEnv {
  return {
    feature: () => undefined,
    field: (reg, name, signed) =>
      `${reg}.${name}` === f.key ? (signed ? toSigned(raw, f.width) : raw) : undefined,
  };
}

function makeProfile(
  name: string,
  feats: ReadonlySet<string>,
  regs: ReadonlyMap<string, bigint>,
  ahead: ReadonlySet<string>,
  m: Model,
): CpuProfile {
  const features: ReadonlySet<string> = Object.freeze(new Set(feats));
  const idRegisters: ReadonlyMap<string, bigint> = Object.freeze(new Map(regs));
  const has = (feat: string): boolean => {
    if (!m.known.has(feat)) throw new Error(`CPU profile "${name}": unknown feature ${feat}`);
    return features.has(feat);
  };
  return Object.freeze({
    name,
    features,
    has,
    idRegister: (reg: string) => idRegisters.get(reg),
    idRegisters,
    idField(reg: string, field: string): number | undefined {
      const v = idRegisters.get(reg);
      const f = m.fields.get(`${reg}.${field}`);
      if (v === undefined || !f) return undefined;
      return Number((v >> BigInt(f.lsb)) & ((1n << BigInt(f.width)) - 1n));
    },
    aheadOfVersion: Object.freeze(new Set(ahead)) as ReadonlySet<string>,
  });
}

/** IsFeatureImplemented for the register access rules (throws on unknown names, like has()). */
export function profileFeaturePredicate(profile: CpuProfile): (feat: string) => boolean {
  return (feat) => profile.has(feat);
}

// ---------------------------------------------------------------------------
// Reading features back from ID register values.

/**
 * The features a set of ID register values says are implemented, using the
 * same encodings plus the feature-only definitions (FEAT_EL2 <->
 * FEAT_AA32EL2 || FEAT_AA64EL2). `given` supplies what ID registers cannot
 * show (the claimed architecture versions). Unit propagation over
 * three-valued logic: a feature is decided when one of its values would
 * make some constraint false. `undetermined` holds the features no
 * constraint decides (features without an ID encoding).
 *
 * FEAT_AA64EL1 is taken as given: these are the AArch64 views of the ID
 * registers, readable only when EL1 can use AArch64, and nearly every
 * encoding is guarded by it.
 */
export function detectFeatures(
  idRegisters: ReadonlyMap<string, bigint>,
  given: Iterable<string> = [],
): { implemented: Set<string>; undetermined: Set<string> } {
  const m = getModel();
  const known = new Map<string, boolean>([['FEAT_AA64EL1', true]]);
  for (const g of given) known.set(g, true);
  // Versions not given are not claimed.
  for (const n of m.known) if (VERSION_RE.test(n) && !known.has(n)) known.set(n, false);
  const env: ExprEnv = {
    feature: (n) => known.get(n),
    field: (reg, name, signed) => {
      const v = idRegisters.get(reg);
      const f = m.fields.get(`${reg}.${name}`);
      if (v === undefined || !f) return undefined;
      const raw = Number((v >> BigInt(f.lsb)) & ((1n << BigInt(f.width)) - 1n));
      return signed ? toSigned(raw, f.width) : raw;
    },
  };
  const rules = m.constraints.filter((c) => c.kind === 'id' || (c.kind === 'dep' && c.expr.k === 'iff'));
  const unknownIn = rules.map((c) => [...exprNames(c.expr)]);
  for (let changed = true; changed; ) {
    changed = false;
    rules.forEach((c, i) => {
      if (evaluate(c.expr, env) !== undefined) return;
      for (const n of unknownIn[i]!) {
        if (known.has(n)) continue;
        for (const v of [true, false]) {
          known.set(n, v);
          const r = evaluate(c.expr, env);
          known.delete(n);
          if (r === false) {
            known.set(n, !v);
            changed = true;
            break;
          }
        }
      }
    });
  }
  const implemented = new Set([...known].filter(([, v]) => v).map(([n]) => n));
  const undetermined = new Set([...m.known].filter((n) => !known.has(n)));
  return { implemented, undetermined };
}

// ---------------------------------------------------------------------------
// The default profile.

/**
 * What nvlab implements now or next (the MMU is the next issue): a
 * "max"-like PE for guest hypervisors, without the features it lacks.
 *
 * Architecture version: v8Ap1, the highest one whose mandatory features
 * nvlab has. v8Ap2 would require FEAT_RAS (and FEAT_DPB, FEAT_Debugv8p2,
 * FEAT_TTCNP, FEAT_XNX), v8Ap3 FEAT_PAuth, v8Ap5 FEAT_BTI, none of which is
 * implemented. Claiming v8Ap1 needs FEAT_RDM (v8Ap1 && FEAT_AdvSIMD -->
 * FEAT_RDM) and FEAT_HPDS besides what nvlab has anyway (CRC32, LSE, LOR,
 * PAN, VHE).
 *
 * Features beyond v8.1 (NV/NV2, ECV, FGT, HCX, LPA2, ...) are permitted by
 * Features.json only from a later version ("FEAT_HCX --> v8Ap6"), so they
 * are listed in aheadOfVersion: this PE is not a compliant Armv8.x of any x,
 * by design; guests see the features through the ID registers.
 *
 * Required by listed features although not asked for by name:
 *  - FEAT_Debugv8p1 (FEAT_VHE --> FEAT_LSE && FEAT_Debugv8p1 && FEAT_AA64EL2);
 *  - FEAT_LVA (FEAT_LPA2 --> FEAT_LVA);
 *  - FEAT_GTG: with FEAT_LPA2 and the stage 2 granules, TGran4_2/TGran16_2
 *    must be 3, and any nonzero TGranX_2 means FEAT_GTG;
 *  - FEAT_IVIPT (v8Ap0 --> FEAT_IVIPT), FEAT_EL0..2 (FEAT_ELn <-> FEAT_AA32ELn || FEAT_AA64ELn),
 *    the stage 2 granules (FEAT_S2TGranXK <-> FEAT_AA64EL2 && FEAT_TGranXK).
 * Not implemented: EL3, AArch32 at any EL, PAuth, MTE, BTI, SVE, SME, RAS,
 * SPE, PMU, AMU, MPAM, TME, GCS, the GIC system registers (FEAT_GICv3: the
 * GIC is not modelled yet), DoubleLock (ID_AA64DFR0_EL1.DoubleLock = 0b1111).
 */
export const DEFAULT_PROFILE_SPEC: ProfileSpec = Object.freeze({
  name: 'nvlab-default',
  features: Object.freeze([
    'v8Ap0',
    'v8Ap1',
    // Exception levels: AArch64 at EL0-EL2, no EL3, no AArch32.
    'FEAT_AA64EL0',
    'FEAT_AA64EL1',
    'FEAT_AA64EL2',
    'FEAT_EL0',
    'FEAT_EL1',
    'FEAT_EL2',
    // FP and Advanced SIMD are architecturally present (the emulator stops on
    // their instructions until it executes them; no AArch64 PE for Linux-class
    // software lacks them).
    'FEAT_FP',
    'FEAT_AdvSIMD',
    'FEAT_RDM',
    // Instructions.
    'FEAT_CRC32',
    'FEAT_LSE',
    'FEAT_FlagM',
    'FEAT_FlagM2',
    'FEAT_LRCPC',
    'FEAT_LRCPC2',
    'FEAT_LOR',
    'FEAT_SB',
    'FEAT_SSBS',
    'FEAT_SSBS2', // the SSBS register (MRS/MSR), which the CPU implements
    'FEAT_DIT',
    // PSTATE and exception-model features.
    'FEAT_PAN',
    'FEAT_PAN2',
    'FEAT_UAO',
    'FEAT_Debugv8p1',
    // Virtualization.
    'FEAT_VHE',
    'FEAT_E2H0', // HCR_EL2.E2H can be 0: non-VHE hypervisors run too
    'FEAT_NV',
    'FEAT_NV2',
    // CNTKCTL_EL1 holds CNTHCTL_EL2's EL1PCTEN..EL1NVVCT: a VHE guest hypervisor
    // at EL1 writes CNTHCTL_EL2 through it, and the L0 host needs them kept.
    'FEAT_NV2p1',
    'FEAT_ECV',
    'FEAT_FGT',
    'FEAT_HCX',
    // Memory system (the MMU issue implements these).
    'FEAT_TGran4K',
    'FEAT_TGran16K',
    'FEAT_TGran64K',
    'FEAT_S2TGran4K',
    'FEAT_S2TGran16K',
    'FEAT_S2TGran64K',
    'FEAT_GTG',
    'FEAT_ASID16',
    'FEAT_VMID16',
    'FEAT_HPDS',
    'FEAT_LPA',
    'FEAT_LVA',
    'FEAT_LPA2',
    'FEAT_TTL',
    'FEAT_XNX',
    'FEAT_TTST',
    'FEAT_TTCNP',
    'FEAT_E0PD',
    'FEAT_CSV3', // nothing is speculative here, so nothing leaks (E0PD requires it)
    'FEAT_TLBIOS',
    'FEAT_TLBIRANGE',
    'FEAT_IVIPT',
  ]),
  aheadOfVersion: Object.freeze([
    'FEAT_LRCPC', // v8Ap2
    'FEAT_LRCPC2', // v8Ap2
    'FEAT_NV', // v8Ap2
    'FEAT_NV2', // v8Ap3
    'FEAT_DIT', // v8Ap3
    'FEAT_TTL', // v8Ap3
    'FEAT_TLBIOS', // v8Ap4
    'FEAT_TTST', // v8Ap4
    'FEAT_E0PD', // v8Ap5
    'FEAT_TLBIRANGE', // v8Ap4
    'FEAT_FlagM2', // v8Ap4
    'FEAT_ECV', // v8Ap5
    'FEAT_FGT', // v8Ap5
    'FEAT_HCX', // v8Ap6
    'FEAT_LPA2', // v8Ap6
    'FEAT_NV2p1', // v9Ap5
  ]),
  idOverrides: Object.freeze({
    // IMPLEMENTATION DEFINED cache geometry, as the CPU reports it today (and
    // QEMU's -cpu max): 64-byte lines, PIPT instruction cache (nvlab has no
    // caches, so nothing aliases; PIPT is one of the FEAT_IVIPT values).
    CTR_EL0: Object.freeze({ IminLine: 4, DminLine: 4, ERG: 4, CWG: 4, L1Ip: 3 }),
    // FEAT_NV2p1 needs NV_frac = 2, which on its own also encodes FEAT_NV2
    // with NV = 0; software that reads only the main field (KVM before
    // NV_frac existed) must still see FEAT_NV2 there.
    ID_AA64MMFR2_EL1: Object.freeze({ NV: 2 }),
  }),
});

export const DEFAULT_PROFILE: CpuProfile = buildProfile(DEFAULT_PROFILE_SPEC);
