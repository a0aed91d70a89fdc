/**
 * Which of Arm's trap-to-EL2 rules a control stands for (the checker's
 * architecture comparison). The answer depends only on what the control
 * forwards, its built-in and the fields it tests, never on the rest of the
 * table, so it is kept across checks under that signature: the language
 * server checks after every edit, and a table's controls rarely change.
 */
import type { BuiltinCondition } from './builtins.js';
import { encodingFacts, rulesFor, type EncodingFacts, type TrapRule } from './architecture.js';
import type { Access } from './ast.js';

/** The parts of a control the comparison reads. */
export interface ControlCondition {
  readonly access: Access;
  readonly builtin: BuiltinCondition | null;
  readonly fields: ReadonlyMap<string, number | undefined>;
}

interface Judged {
  readonly rules: Map<EncodingFacts, readonly TrapRule[]>;
  readonly keys: Map<number, boolean>;
}

/** Beyond this many signatures (a user typing conditions for hours) the cache starts again. */
const MAX_SIGNATURES = 2000;
const judged = new Map<string, Judged>();
const signatures = new WeakMap<ControlCondition, string>();

function judgedFor(c: ControlCondition): Judged {
  let sig = signatures.get(c);
  if (sig === undefined) {
    sig = `${c.access}|${c.builtin ? c.builtin.name : ''}|${[...c.fields].map(([k, v]) => `${k}=${v ?? '?'}`).join(',')}`;
    signatures.set(c, sig);
  }
  let j = judged.get(sig);
  if (!j) {
    if (judged.size >= MAX_SIGNATURES) judged.clear();
    judged.set(sig, (j = { rules: new Map(), keys: new Map() }));
  }
  return j;
}

/** Rule terms on the guest hypervisor's EL2 registers, per rule (the rest is the hardware's part). */
const el2Terms = new WeakMap<TrapRule, readonly [string, number | undefined][]>();
function el2TermsOf(r: TrapRule): readonly [string, number | undefined][] {
  let t = el2Terms.get(r);
  if (!t) el2Terms.set(r, (t = [...r.terms].filter(([field]) => /_EL2\./.test(field))));
  return t;
}

function judge(c: ControlCondition, f: EncodingFacts): TrapRule[] {
  const out: TrapRule[] = [];
  for (const d of c.access === 'both' ? (['read', 'write'] as const) : [c.access]) {
    for (const r of rulesFor(f, d)) {
      if (c.builtin) {
        if (c.builtin.ruleTerms.some((t) => r.text.includes(t))) out.push(r);
        continue;
      }
      let ok = true;
      let shared = false;
      for (const [field, v] of el2TermsOf(r)) {
        if (c.fields.has(field)) {
          shared = true;
          if (v !== undefined && c.fields.get(field) !== undefined && c.fields.get(field) !== v) ok = false;
        } else ok = false;
      }
      const e2h = c.fields.get('HCR_EL2.E2H') === 1;
      if ((r.notInHost.el2 && e2h) || (r.notInHost.el0 && e2h && c.fields.get('HCR_EL2.TGE') === 1)) ok = false;
      if (ok && shared) out.push(r);
    }
  }
  return out;
}

/**
 * The trap-to-EL2 rules of an encoding (in the directions `c` forwards)
 * that control `c` stands for: it tests every field of the guest
 * hypervisor's EL2 registers the rule tests (with equal values, where the
 * rule's are plain comparisons) and does not
 * contradict the rule's `!ELIsInHost(..)`. A control may test more (a
 * narrower condition, such as HCR_EL2.NV2 == 0 where NV2 would have
 * redirected the access first). Tests of other state (the PE's, L2's own
 * registers) are the hardware's part of the decision.
 */
export function agreeingRules(c: ControlCondition, f: EncodingFacts): readonly TrapRule[] {
  const j = judgedFor(c);
  let r = j.rules.get(f);
  if (!r) j.rules.set(f, (r = judge(c, f)));
  return r;
}

/** Whether `c` traps the encoding at `key` by some rule. */
export function trapsKey(c: ControlCondition, key: number): boolean {
  const j = judgedFor(c);
  let v = j.keys.get(key);
  if (v === undefined) j.keys.set(key, (v = encodingFacts(key).some((f) => agreeingRules(c, f).length > 0)));
  return v;
}
