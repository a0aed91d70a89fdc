/**
 * What Arm's access rules say about trapping to EL2, indexed for the trap
 * checker: for every encoding and direction, the rules at EL1 and EL0 that
 * trap to EL2, with the `REGISTER.FIELD == VALUE` terms of their conditions
 * (and the terms of the rules before them, which they implicitly negate:
 * HCR_EL2.NV traps VBAR_EL12 only when NV2 does not redirect it first).
 * Built once from the generated database.
 */
import { allSysregs, type SysregEncoding } from '../arch/sysreg-db.js';

export type Direction = 'read' | 'write';

export interface TrapRule {
  /** Terms of the trap rule's own condition: `REG.FIELD` → value (undefined when not a plain comparison). */
  readonly terms: ReadonlyMap<string, number | undefined>;
  /** Field names the earlier rules test. */
  readonly context: ReadonlySet<string>;
  /** The whole condition, for terms that are not field comparisons (GetNumEventCountersAccessible()). */
  readonly text: string;
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

const TERM = /`([A-Z][A-Z0-9_]*)\.([A-Za-z0-9_]+) == (\d+)`/g;
/** `MDCR_EL2.{TDE,TDA} == 0b00`: several fields of one register against one binary value, most significant first. */
const GROUP = /`([A-Z][A-Z0-9_]*)\.\{([A-Za-z0-9_,]+)\} == 0b([01]+)`/g;
const FIELD = /`([A-Z][A-Z0-9_]*)\.([A-Za-z0-9_]+) [=!<>]=? [^`]*`/g;

const TRAPPABLE: ReadonlySet<string> = new Set(['MRS', 'MSR', 'SYS', 'SYSL', 'TLBI', 'AT', 'DC', 'IC', 'BRB', 'CFP', 'CPP', 'DVP', 'COSP', 'TRCIT', 'APAS']);

/** The ESR direction of an accessor: MRS and SYSL read; MSR and every SYS-space instruction write. */
export function directionOf(kind: string): Direction {
  return kind === 'MRS' || kind === 'SYSL' ? 'read' : 'write';
}

/** The fields of the brace form, each with its bit of the value (one-bit fields only, as Arm uses it). */
function groupTerms(condition: string): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const m of condition.matchAll(GROUP)) {
    const fields = m[2]!.split(',');
    const bits = m[3]!;
    if (bits.length !== fields.length) continue;
    fields.forEach((f, i) => out.push([m[1]!, f, Number(bits[i])]));
  }
  return out;
}

function rulesOf(e: SysregEncoding): TrapRule[] {
  const out: TrapRule[] = [];
  for (const [el, rules] of [
    [1, e.el1],
    [0, e.el0],
  ] as const) {
    const context = new Set<string>();
    for (const r of rules) {
      if (r.outcome.type === 'trap' && r.outcome.el === 2) {
        const terms = new Map<string, number | undefined>();
        for (const m of r.condition.matchAll(FIELD)) terms.set(`${m[1]}.${m[2]}`, undefined);
        for (const m of r.condition.matchAll(TERM)) terms.set(`${m[1]}.${m[2]}`, Number(m[3]));
        for (const [reg, field, value] of groupTerms(r.condition)) terms.set(`${reg}.${field}`, value);
        out.push({ terms, context: new Set(context), text: r.condition, el });
      }
      for (const m of r.condition.matchAll(FIELD)) context.add(`${m[1]}.${m[2]}`);
      for (const [reg, field] of groupTerms(r.condition)) context.add(`${reg}.${field}`);
    }
  }
  return out;
}

let facts: Map<number, EncodingFacts[]> | null = null;
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
  for (const f of merged.values()) {
    if (f.mask !== 0xffff) patterns.push(f);
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
