/**
 * Dense dispatch tables from the 16-bit op0:op1:CRn:CRm:op2 key to the
 * generated accessor, built once: an MRS/MSR/SYS costs one array load and a
 * call. Keys no rule covers are UNDEFINED.
 */
import { MRS_RULES, MSR_RULES, PATTERN_RULES, SYSL_RULES, SYS_RULES, type Accessor, type RuleRow } from '../arch/generated/sysreg-rules.js';

export interface DispatchTable {
  fn: (Accessor | undefined)[];
  index: Int16Array;
}

function build(rows: readonly RuleRow[], kind: 'mrs' | 'msr' | 'sys' | 'sysl'): DispatchTable {
  const t: DispatchTable = { fn: new Array<Accessor | undefined>(65536).fill(undefined), index: new Int16Array(65536) };
  for (const [key, fn, m] of rows) {
    t.fn[key] = fn;
    t.index[key] = m ?? 0;
  }
  // Spaces (the IMPLEMENTATION DEFINED encodings) fill what exact encodings leave.
  for (const [k, mask, value, fn, m] of PATTERN_RULES) {
    if (k !== kind) continue;
    for (let key = 0; key < 65536; key++) {
      if ((key & mask) === value && t.fn[key] === undefined) {
        t.fn[key] = fn;
        t.index[key] = m ?? 0;
      }
    }
  }
  return t;
}

export const MRS_TABLE = build(MRS_RULES, 'mrs');
export const MSR_TABLE = build(MSR_RULES, 'msr');
export const SYS_TABLE = build(SYS_RULES, 'sys');
export const SYSL_TABLE = build(SYSL_RULES, 'sysl');
