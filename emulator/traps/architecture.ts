/**
 * What Arm's access rules say about trapping to EL2, indexed for the trap
 * checker: for every encoding and direction, the rules at EL1 and EL0 that
 * trap to EL2, with the `REGISTER.FIELD == VALUE` terms of their conditions
 * (and the terms of the rules before them, which they implicitly negate:
 * HCR_EL2.NV traps VBAR_EL12 only when NV2 does not redirect it first).
 * Built once from the generated database.
 */
import { allSysregs, findSysreg, parseCondition, sysregFields, type SysregCond, type SysregEncoding } from '../arch/sysreg-db.js';

export type Direction = 'read' | 'write';

export interface TrapRule {
  /** Terms of the trap rule's own condition: `REG.FIELD` → value (undefined when not a plain comparison). */
  readonly terms: ReadonlyMap<string, number | undefined>;
  /** Field names the earlier rules test. */
  readonly context: ReadonlySet<string>;
  /** The whole condition, for terms that are not field comparisons (GetNumEventCountersAccessible()). */
  readonly text: string;
  /** The rule needs `!ELIsInHost(EL0)` / `!ELIsInHost(EL2)`. */
  readonly notInHost: { readonly el0: boolean; readonly el2: boolean };
  /** Decided by the guest hypervisor's EL2 registers alone (no other register, no opaque test). */
  readonly pure: boolean;
  readonly el: 0 | 1;
}

export interface EncodingFacts {
  readonly key: number;
  /** Bits of the key that are fixed (0xffff for an exact encoding). */
  readonly mask: number;
  readonly name: string;
  readonly read: readonly TrapRule[];
  readonly write: readonly TrapRule[];
}

const TRAPPABLE: ReadonlySet<string> = new Set(['MRS', 'MSR', 'SYS', 'SYSL', 'TLBI', 'AT', 'DC', 'IC', 'BRB', 'CFP', 'CPP', 'DVP', 'COSP', 'TRCIT', 'APAS']);

/** The ESR direction of an accessor: MRS and SYSL read; MSR and every SYS-space instruction write. */
export function directionOf(kind: string): Direction {
  return kind === 'MRS' || kind === 'SYSL' ? 'read' : 'write';
}

interface Disjunct {
  terms: Map<string, number | undefined>;
  notInHostEl0: boolean;
  notInHostEl2: boolean;
  /** Tests something other than EL2 register fields (another register, an expression). */
  other: boolean;
}

const empty = (): Disjunct => ({ terms: new Map(), notInHostEl0: false, notInHostEl2: false, other: false });

const ATOM_TERM = /^([A-Z][A-Z0-9_]*)\.([A-Za-z0-9_]+) == (\d+|0b[01]+)$/;
const ATOM_GROUP = /^([A-Z][A-Z0-9_]*)\.\{([A-Za-z0-9_,]+)\} == 0b([01]+)$/;
const ATOM_FIELD = /^([A-Z][A-Z0-9_]*)\.([A-Za-z0-9_]+) /;
/** Beyond this many disjuncts a condition is summarised as one (its fields, values unknown). */
const MAX_DISJUNCTS = 64;

/** Bit width of REG.FIELD when it is the same in every layout (for negated comparisons). */
function fieldWidth(reg: string, field: string): number | undefined {
  const r = findSysreg(reg)?.register;
  if (!r) return undefined;
  const widths = new Set(sysregFields(r, { features: () => true }, false).filter((f) => f.name === field).map((f) => f.msb - f.lsb + 1));
  return widths.size === 1 ? [...widths][0] : undefined;
}

/** The disjuncts one atom contributes, positive or negated. */
function atomDisjuncts(text: string, negated: boolean): Disjunct[] {
  const d = empty();
  const host = /^ELIsInHost\((EL0|EL2)\)$/.exec(text);
  if (host) {
    // ELIsInHost(EL0) is HCR_EL2.{E2H,TGE} == {1,1}; ELIsInHost(EL2) is HCR_EL2.E2H == 1.
    if (negated) {
      // Not a conjunction of terms (E2H == 0 || TGE == 0): kept as a flag the checker tests.
      if (host[1] === 'EL0') d.notInHostEl0 = true;
      else d.notInHostEl2 = true;
    } else {
      d.terms.set('HCR_EL2.E2H', 1);
      if (host[1] === 'EL0') d.terms.set('HCR_EL2.TGE', 1);
    }
    return [d];
  }
  const g = ATOM_GROUP.exec(text);
  if (g) {
    const fields = g[2]!.split(',');
    const bits = g[3]!;
    const other = !/_EL2$/.test(g[1]!);
    if (bits.length !== fields.length) return [{ ...d, other: true }];
    if (!negated) {
      fields.forEach((f, i) => d.terms.set(`${g[1]}.${f}`, Number(bits[i])));
      d.other = other;
      return [d];
    }
    // !(A:B == xy) with one-bit fields: A != x || B != y.
    return fields.map((f, i) => ({ ...empty(), terms: new Map([[`${g[1]}.${f}`, 1 - Number(bits[i])]]), other }));
  }
  const t = ATOM_TERM.exec(text);
  if (t) {
    const v = t[3]!.startsWith('0b') ? parseInt(t[3]!.slice(2), 2) : Number(t[3]);
    const key = `${t[1]}.${t[2]}`;
    if (!negated) d.terms.set(key, v);
    else d.terms.set(key, fieldWidth(t[1]!, t[2]!) === 1 ? 1 - v : undefined);
    d.other = !/_EL2$/.test(t[1]!);
    return [d];
  }
  const f = ATOM_FIELD.exec(text);
  if (f) d.terms.set(`${f[1]}.${f[2]}`, undefined);
  d.other = true;
  return [d];
}

function conjoin(a: Disjunct, b: Disjunct): Disjunct {
  const terms = new Map(a.terms);
  for (const [k, v] of b.terms) if (!terms.has(k) || v !== undefined) terms.set(k, v);
  return { terms, notInHostEl0: a.notInHostEl0 || b.notInHostEl0, notInHostEl2: a.notInHostEl2 || b.notInHostEl2, other: a.other || b.other };
}

function summarise(ds: readonly Disjunct[]): Disjunct {
  const d = empty();
  d.other = true;
  for (const x of ds) for (const k of x.terms.keys()) d.terms.set(k, undefined);
  return d;
}

/**
 * A condition as a disjunction of conjunctions of field terms (features
 * count as true: the question is what the architecture can trap). Negations
 * of compound conditions keep only their fields.
 */
function toDnf(c: SysregCond, negated = false): Disjunct[] {
  switch (c.t) {
    case 'true':
    case 'feat':
      return [empty()];
    case 'atom':
      return atomDisjuncts(c.text, negated);
    case 'not':
      if (c.x.t === 'atom') return atomDisjuncts(c.x.text, !negated);
      return toDnf(c.x, !negated);
    case 'and':
    case 'or': {
      // De Morgan: a negated && is an ||, and the other way round.
      const isAnd = (c.t === 'and') !== negated;
      const parts = c.xs.map((x) => toDnf(x, negated));
      if (!isAnd) return parts.flat();
      let acc: Disjunct[] = [empty()];
      for (const p of parts) {
        const next: Disjunct[] = [];
        for (const a of acc) for (const b of p) next.push(conjoin(a, b));
        acc = next.length > MAX_DISJUNCTS ? [summarise(next)] : next;
      }
      return acc;
    }
  }
}

function rulesOf(e: SysregEncoding): TrapRule[] {
  const out: TrapRule[] = [];
  for (const [el, rules] of [
    [1, e.el1],
    [0, e.el0],
  ] as const) {
    const context = new Set<string>();
    for (const r of rules) {
      const dnf = toDnf(parseCondition(r.condition));
      if (r.outcome.type === 'trap' && r.outcome.el === 2) {
        for (const d of dnf) {
          out.push({ terms: d.terms, context: new Set(context), text: r.condition, el, notInHost: { el0: d.notInHostEl0, el2: d.notInHostEl2 }, pure: !d.other });
        }
      }
      for (const d of dnf) for (const k of d.terms.keys()) context.add(k);
    }
  }
  return out;
}

let facts: Map<number, EncodingFacts[]> | null = null;
/** Every key with facts, exact or inside a pattern, ascending. */
let factKeys: Int32Array = new Int32Array(0);
/** The partly-free encodings (IMPLEMENTATION DEFINED spaces), checked against keys with no exact facts. */
let patterns: EncodingFacts[] = [];
/** REG.FIELD → encodings with a trap-to-EL2 rule whose own condition tests it. */
let byField: Map<string, Set<EncodingFacts>> | null = null;

function build(): void {
  facts = new Map();
  patterns = [];
  byField = new Map();
  const merged = new Map<string, { key: number; mask: number; name: string; read: TrapRule[]; write: TrapRule[] }>();
  for (const r of allSysregs()) {
    for (const e of r.encodings) {
      if (e.role === 'shared') continue;
      // EC 0x18 accessors only: the 128-bit MRRS/MSRR/SYSP/TLBIP forms trap with EC 0x14.
      if (!TRAPPABLE.has(e.kind) && !e.kind.startsWith('GCS')) continue;
      const id = `${e.key}/${e.mask}`;
      let f = merged.get(id);
      if (!f) {
        f = { key: e.key, mask: e.mask, name: e.asm, read: [], write: [] };
        merged.set(id, f);
      }
      f[directionOf(e.kind)].push(...rulesOf(e));
    }
  }
  const keys = new Set<number>();
  for (const f of merged.values()) {
    if (f.mask !== 0xffff) patterns.push(f);
    for (const k of patternKeys(f.key, f.mask)) keys.add(k);
    let list = facts.get(f.key);
    if (!list) facts.set(f.key, (list = []));
    list.push(f);
    for (const rule of [...f.read, ...f.write]) {
      for (const t of rule.terms.keys()) {
        let s = byField.get(t);
        if (!s) byField.set(t, (s = new Set()));
        s.add(f);
      }
    }
  }
  factKeys = Int32Array.from([...keys].sort((a, b) => a - b));
}

/** Every key a partly-free encoding covers (the key itself when exact). */
export function patternKeys(key: number, mask: number): number[] {
  const free = ~mask & 0xffff;
  const out: number[] = [];
  let s = 0;
  // Counts through the subsets of the free bits in ascending order.
  do {
    out.push((key & mask) | s);
    s = (s - free) & free;
  } while (s !== 0);
  return out;
}

/** The keys in [from, to] that have facts, ascending: ranges are checked at these alone. */
export function keysWithFacts(from: number, to: number): Int32Array {
  if (!facts) build();
  let lo = 0;
  let hi = factKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (factKeys[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < factKeys.length && factKeys[end]! <= to) end++;
  return factKeys.subarray(lo, end);
}

/** The facts for an exact encoding key (exact encodings first, then IMPLEMENTATION DEFINED patterns covering it). */
export function encodingFacts(key: number): readonly EncodingFacts[] {
  if (!facts) build();
  const exact = facts!.get(key) ?? [];
  if (exact.some((f) => f.mask === 0xffff)) return exact;
  // Pattern encodings (the IMPLEMENTATION DEFINED spaces) are stored under their base key.
  const out: EncodingFacts[] = exact.filter((f) => f.mask === 0xffff);
  for (const f of patterns) if ((key & f.mask) === f.key) out.push(f);
  return out;
}

/** Encodings with a trap-to-EL2 rule testing REG.FIELD in its own condition. */
export function encodingsTrappedBy(field: string): ReadonlySet<EncodingFacts> {
  if (!byField) build();
  return byField!.get(field) ?? new Set();
}

export function rulesFor(f: EncodingFacts, dir: Direction): readonly TrapRule[] {
  return dir === 'read' ? f.read : f.write;
}
