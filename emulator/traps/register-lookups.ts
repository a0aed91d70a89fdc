/**
 * The checker's questions to the register database, remembered. The answers
 * depend on names alone, and the language server asks the same ones after
 * every edit of a table (a 20,000-line table asks thousands).
 */
import { directionOf } from './architecture.js';
import {
  evalCondition,
  findSysreg,
  lookupSysreg,
  suggestSysregNames,
  sysregFields,
  SysregQueryError,
  type FeaturePredicate,
  type Sysreg,
  type SysregField,
  type SysregMatch,
} from '../arch/sysreg-db.js';

const ARCH = { features: (): boolean => true };
/** Names looked up before a cache starts again: far more than a table uses, far less than typing could make. */
const MAX_NAMES = 50_000;

function remembered<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined && !map.has(key)) {
    v = make();
    if (map.size >= MAX_NAMES) map.clear();
    map.set(key, v);
  }
  return v as V;
}

const found = new Map<string, SysregMatch | undefined>();
export function findSysregCached(name: string): SysregMatch | undefined {
  return remembered(found, name, () => findSysreg(name));
}

const fieldsOf = new WeakMap<Sysreg, readonly SysregField[]>();
/** The register's fields in every layout the architecture allows (sysregFields with every feature). */
export function archFields(reg: Sysreg): readonly SysregField[] {
  let f = fieldsOf.get(reg);
  if (!f) fieldsOf.set(reg, (f = sysregFields(reg, ARCH, false)));
  return f;
}

const rowsOf = new WeakMap<Sysreg, Map<string, readonly SysregField[]>>();
/** The rows of archFields named `field`. */
export function fieldRows(reg: Sysreg, field: string): readonly SysregField[] {
  let m = rowsOf.get(reg);
  if (!m) rowsOf.set(reg, (m = new Map()));
  return remembered(m, field, () => archFields(reg).filter((f) => f.name === field));
}

const absent = new WeakMap<FeaturePredicate, Map<string, boolean>>();
/** Whether a condition of the database is false for a CPU profile's features. */
export function falseOnProfile(condition: string, features: FeaturePredicate): boolean {
  let m = absent.get(features);
  if (!m) absent.set(features, (m = new Map()));
  return remembered(m, condition, () => evalCondition(condition, features) === false);
}

/** A name's encoding as a trap target, or why it has none (the diagnostic's code and message). */
export type TargetName = number | { readonly code: string; readonly message: string };

const nameKeys = new Map<string, TargetName>();
const canonical = (s: string): string => s.trim().toUpperCase().replace(/[\s_]+/g, '_');

export function targetNameKey(text: string): TargetName {
  return remembered(nameKeys, text, () => {
    let q;
    try {
      q = lookupSysreg(text);
    } catch (e) {
      if (!(e instanceof SysregQueryError)) throw e;
      // S3_9_C1_C0_0: a generic name with a field out of range.
      return { code: 'encoding-field-range', message: e.message };
    }
    if (q.key !== undefined) {
      if (q.key >>> 14 === 0) return { code: 'not-system-register', message: `${text} has op0 = 0, outside the system-register space` };
      return q.key;
    }
    const m = q.matches[0];
    if (!m) {
      const near = suggestSysregNames(text, 3);
      return { code: 'unknown-register', message: `unknown register or instruction '${text}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}` };
    }
    const exact = m.encodings.filter((e) => canonical(e.asm) === canonical(text) && e.role !== 'shared' && e.mask === 0xffff && directionOf(e.kind) && !['MSRimm', 'MRRS', 'MSRR', 'SYSP', 'TLBIP'].includes(e.kind));
    const keys = [...new Set(exact.map((e) => e.key))];
    if (keys.length === 0) return { code: 'no-trappable-encoding', message: `${text} has no MRS, MSR or system-instruction encoding that traps with EC 0x18` };
    return keys[0]!;
  });
}
