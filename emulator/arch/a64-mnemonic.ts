// Classifies a 32-bit A64 instruction word: which instruction it is according
// to Arm's machine-readable specification, or null if it is unallocated.
//
// The executor only decodes what it implements; for everything else it asks
// this module, so that an unimplemented-but-architectural instruction (FADD,
// an SVE load, ...) is reported by name instead of being confused with an
// UNDEFINED encoding. The table comes from generated/a64-encodings.ts
// (npm run gen:arch); this file only knows how to search it.
//
// Limits, by construction of the source data: the table expresses encodings
// and their encoding-level conditions, not the decode-time checks in the
// instructions' pseudocode (e.g. "if size == '11' then UNDEFINED", reserved
// register combinations, CONSTRAINED UNPREDICTABLE cases). Such words are
// reported as the instruction; the executor must apply those checks itself.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import {
  A64_ENCODINGS,
  A64_FEATURES,
  A64_FEATURE_EXPRS,
  A64_FIELD_TESTS,
  A64_GROUPS,
} from './generated/a64-encodings.js';

export interface A64Encoding {
  /** Assembler mnemonic, e.g. "ADD", "FADD", "LD1B" ("B" for B.cond, "BC" for BC.cond). */
  mnemonic: string;
  /** Encoding name in the specification, e.g. "ADD_64_addsub_imm". */
  name: string;
  /** Top-level group: sve, sme, reserved, dpimm, control, ldst, dpreg, simd_dp. */
  group: string;
  /**
   * Should-be-zero/one bits and their expected values. A word that differs
   * there is still this instruction, but CONSTRAINED UNPREDICTABLE.
   */
  shouldBeMask: number;
  shouldBeValue: number;
}

/** Whether `word` differs from `enc` in a should-be bit (a CONSTRAINED UNPREDICTABLE encoding). */
export function violatesShouldBe(word: number, enc: A64Encoding): boolean {
  return ((word ^ enc.shouldBeValue) & enc.shouldBeMask) !== 0;
}

// The bucket key is word bits [31:21] and [15:12]: the top bits carry the
// major opcode classes, and bits 15:12 split the dense system/SIMD/SVE
// regions where many encodings share their top 11 bits. Measured on the
// 2024-12 data: ~0.8 candidates per random word, at most 38 in a bucket,
// ~27K bucket entries in total (encodings that leave key bits free are
// listed in every bucket they can reach).
const KEY_BITS = 15;
const keyOf = (w: number): number => ((w >>> 17) & 0x7ff0) | ((w >>> 12) & 0xf);

interface Table {
  masks: Int32Array;
  values: Int32Array;
  featureExpr: Uint16Array;
  fieldTest: Uint16Array;
  /** Per feature expression: does it hold when every feature is implemented? */
  exprHoldsForAll: Uint8Array;
  /** Field tests flattened: per test, [clauses, then per clause: triples, then (mask, value, negate)*]. */
  testCode: Int32Array;
  testStart: Uint32Array;
  /** Shared, frozen results: lookups return these, so a hit allocates nothing. */
  entries: readonly A64Encoding[];
  bucketStart: Uint32Array;
  bucketItems: Uint16Array | Uint32Array;
}

let table: Table | null = null;

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) c++;
  return c;
}

/** Built on first use: module load stays cheap for code that never asks. */
function buildTable(): Table {
  const n = A64_ENCODINGS.length;
  const masks = new Int32Array(n);
  const values = new Int32Array(n);
  const featureExpr = new Uint16Array(n);
  const fieldTest = new Uint16Array(n);
  const entries: A64Encoding[] = [];
  for (let i = 0; i < n; i++) {
    const [mask, value, mnemonic, name, group, fe, ft, sbMask = 0, sbValue = 0] = A64_ENCODINGS[i];
    // Int32Array stores the unsigned table values as their int32 bit
    // patterns, which is what `word & mask` produces, so === works.
    masks[i] = mask;
    values[i] = value;
    featureExpr[i] = fe;
    fieldTest[i] = ft;
    entries.push(Object.freeze({ mnemonic, name, group: A64_GROUPS[group], shouldBeMask: sbMask | 0, shouldBeValue: sbValue | 0 }));
  }

  const exprHoldsForAll = new Uint8Array(A64_FEATURE_EXPRS.length);
  A64_FEATURE_EXPRS.forEach((terms, i) => {
    // With everything implemented only terms without negated features hold.
    exprHoldsForAll[i] = terms.some((t) => t.every((f) => f >= 0)) ? 1 : 0;
  });

  const code: number[] = [];
  const testStart = new Uint32Array(A64_FIELD_TESTS.length);
  A64_FIELD_TESTS.forEach((clauses, i) => {
    testStart[i] = code.length;
    code.push(clauses.length);
    for (const c of clauses) code.push(c.length / 3, ...c);
  });

  // Priority order: more fixed bits first, then specification order. The
  // generator proves that every pair of overlapping encodings has one mask
  // strictly inside the other (in practice: named hints inside HINT), so
  // the first full match in this order is the most specific encoding; and
  // when a specific hint's feature is absent the word falls through to HINT,
  // which is how the architecture treats unimplemented hints.
  const order = Array.from({ length: n }, (_, i) => i);
  const bits = Array.from(masks, popcount);
  order.sort((a, b) => bits[b] - bits[a] || a - b);

  const nb = 1 << KEY_BITS;
  const all = nb - 1;
  const bucketStart = new Uint32Array(nb + 1);
  // Two passes (count, then fill) over the keys each encoding can reach.
  const forEachKey = (i: number, f: (key: number) => void): void => {
    const km = keyOf(masks[i]);
    const kv = keyOf(values[i]);
    const free = all & ~km;
    let s = 0;
    do {
      f(kv | s);
      s = (s - free) & free;
    } while (s !== 0);
  };
  for (const i of order) forEachKey(i, (k) => bucketStart[k + 1]++);
  for (let k = 0; k < nb; k++) bucketStart[k + 1] += bucketStart[k];
  const fill = bucketStart.slice(0, nb);
  // Row indices fit 16 bits today (~4300 rows); stay correct if that changes.
  const bucketItems = n <= 0xffff ? new Uint16Array(bucketStart[nb]) : new Uint32Array(bucketStart[nb]);
  for (const i of order) forEachKey(i, (k) => (bucketItems[fill[k]++] = i));

  return {
    masks,
    values,
    featureExpr,
    fieldTest,
    exprHoldsForAll,
    testCode: Int32Array.from(code),
    testStart,
    entries,
    bucketStart,
    bucketItems,
  };
}

function fieldTestHolds(t: Table, test: number, w: number): boolean {
  const code = t.testCode;
  let p = t.testStart[test];
  const clauses = code[p++];
  for (let c = 0; c < clauses; c++) {
    const triples = code[p++];
    const end = p + triples * 3;
    let ok = false;
    for (; p < end; p += 3) {
      if (((w & code[p]) === code[p + 1]) !== (code[p + 2] !== 0)) {
        ok = true;
        p = end;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

function featuresHold(expr: number, hasFeature: (feat: string) => boolean): boolean {
  for (const term of A64_FEATURE_EXPRS[expr]) {
    let ok = true;
    for (const f of term) {
      if (f >= 0 ? !hasFeature(A64_FEATURES[f]) : hasFeature(A64_FEATURES[~f])) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/**
 * The instruction encoding that `word` belongs to, or null if the word is
 * unallocated (UNDEFINED) for the given feature set.
 *
 * `word` is taken modulo 2^32 (negative int32 values are fine).
 * `hasFeature` is asked about names like "FEAT_SVE", "FEAT_LSE" as the
 * specification spells them; by default every feature is implemented.
 * The returned object is shared and frozen; do not try to modify it.
 */
export function a64Lookup(word: number, hasFeature?: (feat: string) => boolean): A64Encoding | null {
  const t = table ?? (table = buildTable());
  const w = word | 0;
  const key = keyOf(w);
  const end = t.bucketStart[key + 1];
  for (let p = t.bucketStart[key]; p < end; p++) {
    const i = t.bucketItems[p];
    if ((w & t.masks[i]) !== t.values[i]) continue;
    const ft = t.fieldTest[i];
    if (ft !== 0 && !fieldTestHolds(t, ft, w)) continue;
    const fe = t.featureExpr[i];
    if (fe !== 0 && (hasFeature === undefined ? t.exprHoldsForAll[fe] === 0 : !featuresHold(fe, hasFeature))) {
      continue;
    }
    return t.entries[i];
  }
  return null;
}

/** Mnemonic of `word` with every feature implemented, or null if unallocated. */
export function a64Mnemonic(word: number): string | null {
  return a64Lookup(word)?.mnemonic ?? null;
}
