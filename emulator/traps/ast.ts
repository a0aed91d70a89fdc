/**
 * The syntax tree of a `.traps` file. Every node keeps its source range, and
 * names keep their own ranges, so that diagnostics, go-to-definition and
 * rename can point at exactly the token concerned. Nodes that failed to parse
 * are left out; the parser's diagnostics say why.
 */
import type { Range } from './source.js';

export interface Name {
  readonly text: string;
  readonly range: Range;
}

export interface NumberLit {
  /** Exact below 2^53, which covers every field the language names; `big` is exact always. */
  readonly value: number;
  readonly big: bigint;
  readonly text: string;
  readonly range: Range;
}

/** `[msb:lsb]` or `[bit]`. */
export interface BitSlice {
  readonly msb: number;
  readonly lsb: number;
  readonly range: Range;
}

/**
 * `REGISTER.FIELD == VALUE` (or `!=`), with an optional slice of the field
 * (`MDCR_EL2.E2PB[0]`), or raw bits of the register (`HCR_EL2[39]`), where
 * `field` is null.
 */
export interface FieldTest {
  readonly kind: 'test';
  readonly register: Name;
  readonly field: Name | null;
  readonly slice: BitSlice | null;
  readonly op: '==' | '!=';
  readonly value: NumberLit;
  readonly range: Range;
}

export type Access = 'read' | 'write' | 'both';

export interface ControlItem {
  readonly kind: 'control';
  readonly name: Name;
  readonly access: Access;
  /** `even in host EL0`. */
  readonly hostEl0: boolean;
  /** A conjunction of tests, or a built-in evaluator. */
  readonly condition: { readonly kind: 'tests'; readonly tests: readonly FieldTest[] } | { readonly kind: 'builtin'; readonly name: Name };
  readonly range: Range;
}

export interface CombineItem {
  readonly kind: 'combine';
  readonly name: Name;
  readonly members: readonly Name[];
  readonly range: Range;
}

/** `(op0, op1, CRn, CRm, op2)`. */
export interface EncodingLit {
  readonly fields: readonly NumberLit[];
  readonly range: Range;
}

export type Target =
  | { readonly kind: 'name'; readonly name: Name }
  | { readonly kind: 'encoding'; readonly encoding: EncodingLit }
  | { readonly kind: 'range'; readonly from: EncodingLit | Name; readonly to: EncodingLit | Name; readonly range: Range };

export interface TrapItem {
  readonly kind: 'trap';
  readonly targets: readonly Target[];
  readonly control: Name;
  readonly range: Range;
}

export interface FineTrapItem {
  readonly kind: 'finetrap';
  readonly targets: readonly Target[];
  readonly register: Name;
  readonly bit: Name;
  /** The bit value that forwards (1 unless `== 0`). */
  readonly polarity: 0 | 1;
  readonly polarityRange: Range | null;
  readonly unless: FieldTest | null;
  readonly range: Range;
}

export interface IncludeItem {
  readonly kind: 'include';
  readonly path: string;
  readonly pathRange: Range;
  readonly range: Range;
}

export type Item = ControlItem | CombineItem | TrapItem | FineTrapItem | IncludeItem;

export function targetRange(t: Target): Range {
  return t.kind === 'name' ? t.name.range : t.kind === 'encoding' ? t.encoding.range : t.range;
}
