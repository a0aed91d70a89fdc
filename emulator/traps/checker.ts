/**
 * The trap-table checker: resolves every name in a parsed `.traps` file (and
 * its includes) against Arm's system-register database, reports what is
 * wrong with a precise range, and produces the checked table the compiler
 * turns into runtime lookups. Diagnostics are listed in
 * docs/trap-language.md; their `code`s are stable.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { closestNames, conditionText, findSysreg, possibleLayouts, suggestSysregNames, sysregKeyFields, sysregPatternName, type Sysreg, type SysregProfile } from '../arch/sysreg-db.js';
import { agreeingRules, trapsKey } from './arch-agreement.js';
import { encodingFacts, encodingsTrappedBy, keysWithFacts, patternKeys, rulesFor, type EncodingFacts, type TrapRule } from './architecture.js';
import type { Access, CombineItem, ControlItem, EncodingLit, FieldTest, FineTrapItem, Item, Name, Target, TrapItem } from './ast.js';
import { BUILTINS, type BuiltinCondition } from './builtins.js';
import { parseTraps, type ParseResult } from './parser.js';
import { archFields, falseOnProfile, fieldRows, findSysregCached, targetNameKey } from './register-lookups.js';
import type { Diagnostic, Range, RelatedLocation, Severity } from './source.js';

/** A field test compiled to mask and value over one register's 32-bit halves. */
export interface CompiledTest {
  readonly register: string;
  readonly slot: number;
  readonly maskLo: number;
  readonly maskHi: number;
  readonly valueLo: number;
  readonly valueHi: number;
}

export interface ControlDef {
  readonly kind: 'control';
  readonly name: string;
  readonly access: Access;
  readonly hostEl0: boolean;
  /** Field tests (all must hold), or a built-in evaluator. */
  readonly tests: readonly CompiledTest[];
  readonly builtin: BuiltinCondition | null;
  /** REG.FIELD → tested value (undefined for raw bit ranges and built-ins), for the architecture check. */
  readonly fields: ReadonlyMap<string, number | undefined>;
  /** Some test names raw bits: no architecture check is possible. */
  readonly rawBits: boolean;
  readonly item: ControlItem;
  readonly file: string;
}

export interface CombineDef {
  readonly kind: 'combine';
  readonly name: string;
  readonly members: readonly ControlDef[];
  readonly item: CombineItem;
  readonly file: string;
}

export interface TrapMapping {
  readonly from: number;
  readonly to: number;
  readonly def: ControlDef | CombineDef;
  readonly item: TrapItem;
  readonly file: string;
  readonly range: Range;
}

/** One direction of a fine-grained trap: the register and the bit position it tests. */
export interface FineBit {
  readonly register: string;
  readonly slot: number;
  readonly bit: number;
}

export interface FineMapping {
  readonly from: number;
  readonly to: number;
  readonly read: FineBit | null;
  readonly write: FineBit | null;
  readonly bitName: string;
  readonly polarity: 0 | 1;
  readonly unless: CompiledTest | null;
  readonly item: FineTrapItem;
  readonly file: string;
  readonly range: Range;
}

export interface CheckedTable {
  readonly controls: ReadonlyMap<string, ControlDef | CombineDef>;
  readonly traps: readonly TrapMapping[];
  readonly fineTraps: readonly FineMapping[];
}

export interface CheckOptions {
  /** Reads an include; null when it cannot be read. Without it, includes are errors. */
  readonly readFile?: (path: string) => string | null;
  /** Resolves an include path against the including file (default: its directory). */
  readonly resolve?: (from: string, path: string) => string;
  /** The CPU profile's features, for fields that exist only with features it lacks. */
  readonly features?: (feature: string) => boolean;
  /** Compare the table with Arm's access rules (default true). */
  readonly architecture?: boolean;
  /** The root file already parsed (the language server re-parses incrementally: reparse.ts). */
  readonly parsed?: ParseResult;
  /**
   * Work kept per item of `parsed` between checks of one document (a map the
   * re-parser forgets replaced items in: Reparser.memo). Used only with `parsed`:
   * items parsed afresh would never be asked for again.
   */
  readonly memo?: Map<Item, ItemCheckWork>;
}

export interface CheckResult {
  readonly files: readonly ParseResult[];
  readonly diagnostics: readonly Diagnostic[];
  readonly table: CheckedTable;
}

/** Read/write pairs of fine-grained trap registers, and the single registers. */
const FGT_GROUPS: ReadonlyMap<string, { read: string | null; write: string | null }> = new Map([
  ['HFGxTR_EL2', { read: 'HFGRTR_EL2', write: 'HFGWTR_EL2' }],
  ['HFGxTR2_EL2', { read: 'HFGRTR2_EL2', write: 'HFGWTR2_EL2' }],
  ['HDFGxTR_EL2', { read: 'HDFGRTR_EL2', write: 'HDFGWTR_EL2' }],
  ['HDFGxTR2_EL2', { read: 'HDFGRTR2_EL2', write: 'HDFGWTR2_EL2' }],
  ['HFGITR_EL2', { read: 'HFGITR_EL2', write: 'HFGITR_EL2' }],
  ['HFGITR2_EL2', { read: 'HFGITR2_EL2', write: 'HFGITR2_EL2' }],
  ['HAFGRTR_EL2', { read: 'HAFGRTR_EL2', write: null }],
  ['HFGRTR_EL2', { read: 'HFGRTR_EL2', write: null }],
  ['HFGWTR_EL2', { read: null, write: 'HFGWTR_EL2' }],
  ['HFGRTR2_EL2', { read: 'HFGRTR2_EL2', write: null }],
  ['HFGWTR2_EL2', { read: null, write: 'HFGWTR2_EL2' }],
  ['HDFGRTR_EL2', { read: 'HDFGRTR_EL2', write: null }],
  ['HDFGWTR_EL2', { read: null, write: 'HDFGWTR_EL2' }],
  ['HDFGRTR2_EL2', { read: 'HDFGRTR2_EL2', write: null }],
  ['HDFGWTR2_EL2', { read: null, write: 'HDFGWTR2_EL2' }],
]);

const ARCH: SysregProfile = { features: () => true };
/** One predicate for every check without a profile, so that answers for it are remembered (register-lookups.ts). */
const ALL_FEATURES = (): boolean => true;
const SLOTS = SR as unknown as Record<string, number>;

const FIELD_LABELS = ['op0', 'op1', 'CRn', 'CRm', 'op2'] as const;
const FIELD_MAX = [3, 7, 15, 15, 7] as const;

const nameKey = (s: string): string => s.trim().toUpperCase().replace(/[\s_]+/g, '_');
const encodingText = (key: number): string => {
  const f = sysregKeyFields(key);
  return `(${f.op0}, ${f.op1}, ${f.crn}, ${f.crm}, ${f.op2})`;
};

/** A readable name for an encoding: the register or instruction there, else the tuple. */
export function encodingLabel(key: number): string {
  const named = encodingFacts(key).find((f) => f.mask === 0xffff);
  return named ? named.name : encodingText(key);
}

/** `SCTLR_EL1 (3, 0, 1, 0, 0)`, or the tuple alone where nothing is named. */
function encodingDescription(key: number): string {
  const label = encodingLabel(key);
  const tuple = encodingText(key);
  return label === tuple ? tuple : `${label} ${tuple}`;
}

function halves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
}

/**
 * What checking an item found that depends on the item alone (its text, the
 * file and the CPU profile), kept for the next check of the same document
 * (CheckOptions.memo). The language server re-parses incrementally, and an
 * item it did not re-parse is the same object with its ranges moved, so its
 * diagnostics still point at the right place. The checker's business: make
 * the map, hand it to every check of the document, never look inside.
 */
export interface ItemCheckWork {
  readonly file: string;
  readonly features: (f: string) => boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** A control: its definition. */
  readonly def?: ControlDef;
  /** A trap: the encodings of its targets; the mappings made for control `mappedWith`, and the architecture pass's verdict on each. */
  readonly keys?: readonly ({ from: number; to: number } | null)[];
  mappedWith?: ControlDef | CombineDef;
  mappings?: readonly TrapMapping[];
  verdicts?: (readonly Diagnostic[] | undefined)[];
  /** A finetrap: its mappings. */
  readonly fine?: readonly FineMapping[];
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly files: ParseResult[] = [];
  private readonly controls = new Map<string, ControlDef | CombineDef>();
  private readonly definedAt = new Map<string, { file: string; range: Range }>();
  private readonly used = new Set<string>();
  private readonly traps: TrapMapping[] = [];
  private readonly fine: FineMapping[] = [];
  private readonly features: (f: string) => boolean;

  constructor(private readonly opts: CheckOptions) {
    this.features = opts.features ?? ALL_FEATURES;
  }

  report(file: string, range: Range, severity: Severity, code: string, message: string, extra: Partial<Pick<Diagnostic, 'related' | 'fix'>> = {}): void {
    this.diagnostics.push({ file, range, severity, code, message, ...extra });
  }

  // ---- files and includes ---------------------------------------------------------------

  /** `stack`: the resolved paths being included; `names`: the same, as the files wrote them (for messages). */
  load(text: string, file: string, stack: string[], names: string[], seen: Set<string>, parsed = parseTraps(text, file)): void {
    this.files.push(parsed);
    this.diagnostics.push(...parsed.diagnostics);
    seen.add(file);
    for (const item of parsed.items) {
      if (item.kind !== 'include') continue;
      const path = (this.opts.resolve ?? defaultResolve)(file, item.path);
      if (stack.includes(path)) {
        const from = stack.indexOf(path);
        this.report(file, item.pathRange, 'error', 'include-loop', `including "${item.path}" makes a loop: ${[...names.slice(from), item.path].join(' -> ')}`);
        continue;
      }
      if (seen.has(path)) continue;
      const t = this.opts.readFile?.(path) ?? null;
      if (t === null) {
        this.report(file, item.pathRange, 'error', 'include-unreadable', `cannot read the included file "${item.path}" (${path})`);
        continue;
      }
      this.load(t, path, [...stack, path], [...names, item.path], seen);
    }
  }

  // ---- pass 1: definitions --------------------------------------------------------------

  defineAll(): void {
    for (const p of this.files) for (const item of p.items) if (item.kind === 'control') this.defineControl(item, p.file);
    for (const p of this.files) for (const item of p.items) if (item.kind === 'combine') this.defineCombine(item, p.file);
  }

  private claimName(n: Name, file: string): boolean {
    const prev = this.definedAt.get(n.text);
    if (prev) {
      this.report(file, n.range, 'error', 'duplicate-name', `'${n.text}' is already defined`, {
        related: [{ file: prev.file, range: prev.range, message: `'${n.text}' is defined here` }],
      });
      return false;
    }
    this.definedAt.set(n.text, { file, range: n.range });
    return true;
  }

  private defineControl(item: ControlItem, file: string): void {
    if (!this.claimName(item.name, file)) return;
    const done = this.workOf(item, file);
    if (done?.def) {
      this.replay(done);
      this.controls.set(item.name.text, done.def);
      return;
    }
    const mark = this.diagnostics.length;
    const def = this.compileControl(item, file);
    this.controls.set(item.name.text, def);
    this.remember(item, file, { file, features: this.features, diagnostics: this.diagnosticsSince(mark), def });
  }

  /** The diagnostics reported since `mark` (most items have none: they share one empty list). */
  private diagnosticsSince(mark: number): readonly Diagnostic[] {
    return this.diagnostics.length === mark ? NO_DIAGNOSTICS : this.diagnostics.slice(mark);
  }

  /** Where work is kept: the root file's items, when the caller keeps them (CheckOptions.memo). */
  private memo: Map<Item, ItemCheckWork> | null = null;
  private memoFile = '';

  keepWork(memo: Map<Item, ItemCheckWork>, file: string): void {
    this.memo = memo;
    this.memoFile = file;
  }

  /** The work of an item done by an earlier check of the same file with the same profile. */
  private workOf(item: Item, file: string): ItemCheckWork | undefined {
    if (!this.memo || file !== this.memoFile) return undefined;
    const w = this.memo.get(item);
    return w && w.file === file && w.features === this.features ? w : undefined;
  }

  private remember(item: Item, file: string, w: ItemCheckWork): void {
    if (this.memo && file === this.memoFile) this.memo.set(item, w);
  }

  /** Reports again what an item's kept work reported. */
  private replay(w: ItemCheckWork): void {
    for (const d of w.diagnostics) this.diagnostics.push(d);
  }

  private compileControl(item: ControlItem, file: string): ControlDef {
    const tests: CompiledTest[] = [];
    const fields = new Map<string, number | undefined>();
    let builtin: BuiltinCondition | null = null;
    let rawBits = false;
    let ok = true;
    if (item.condition.kind === 'builtin') {
      builtin = BUILTINS.get(item.condition.name.text) ?? null;
      if (!builtin) {
        ok = false;
        this.report(file, item.condition.name.range, 'error', 'unknown-builtin', `unknown built-in condition '${item.condition.name.text}' (there are ${[...BUILTINS.keys()].join(', ')})`);
      } else {
        for (const f of builtin.fields) fields.set(f, undefined);
      }
    } else {
      for (const t of item.condition.tests) {
        const c = this.compileTest(t, file, 'control');
        if (!c) {
          ok = false;
          continue;
        }
        tests.push(c.test);
        if (c.field) fields.set(c.field, c.value);
        else rawBits = true;
      }
    }
    if (!ok) {
      // Keep the name defined (so uses do not cascade into "unknown control") but unusable.
      return { kind: 'control', name: item.name.text, access: item.access, hostEl0: item.hostEl0, tests: [], builtin: null, fields: new Map(), rawBits: true, item, file };
    }
    return { kind: 'control', name: item.name.text, access: item.access, hostEl0: item.hostEl0, tests, builtin, fields, rawBits, item, file };
  }

  private defineCombine(item: CombineItem, file: string): void {
    if (!this.claimName(item.name, file)) return;
    const members: ControlDef[] = [];
    for (const m of item.members) {
      const d = this.controls.get(m.text);
      if (!d) {
        this.unknownControl(m, file);
        continue;
      }
      this.used.add(m.text);
      if (d.kind === 'combine') {
        this.report(file, m.range, 'error', 'nested-combination', `'${m.text}' is a combination: a combination lists controls only`, {
          related: [{ file: d.file, range: d.item.name.range, message: `'${m.text}' is defined here` }],
        });
        continue;
      }
      if (members.includes(d)) {
        this.report(file, m.range, 'warning', 'duplicate-member', `'${m.text}' is listed twice in '${item.name.text}'`);
        continue;
      }
      members.push(d);
    }
    this.controls.set(item.name.text, { kind: 'combine', name: item.name.text, members, item, file });
  }

  private unknownControl(n: Name, file: string): void {
    const near = closestNames(n.text, this.controls.keys(), 3);
    this.report(file, n.range, 'error', 'unknown-control', `unknown control '${n.text}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
  }

  // ---- register fields -------------------------------------------------------------------

  private register(n: Name, file: string, role: 'control' | 'fgt' | 'unless'): Sysreg | null {
    const m = findSysregCached(n.text);
    if (!m || nameKey(m.register.name) !== nameKey(n.text)) {
      const near = suggestSysregNames(n.text, 3);
      this.report(file, n.range, 'error', 'unknown-register', `unknown register '${n.text}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
      return null;
    }
    if (role !== 'fgt' && !/_EL2$/.test(m.register.name)) {
      this.report(file, n.range, 'error', 'not-el2-register', `'${n.text}' is not an EL2 register: trap controls test the guest hypervisor's virtual EL2 registers`);
      return null;
    }
    if (SLOTS[m.register.name] === undefined) {
      this.report(file, n.range, 'error', 'no-storage', `nvlab keeps no state for '${n.text}', so a control cannot test it`);
      return null;
    }
    return m.register;
  }

  /**
   * The bit positions of REG.FIELD: one [msb, lsb] when the field sits at
   * the same place in every layout; null (after reporting) otherwise.
   */
  private fieldBits(reg: Sysreg, field: Name, file: string, what: string): { msb: number; lsb: number } | null {
    const rows = fieldRows(reg, field.text);
    if (rows.length === 0) {
      const near = closestNames(field.text, fieldNames(reg), 4);
      this.report(file, field.range, 'error', 'unknown-field', `${reg.name} has no field '${field.text}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
      return null;
    }
    const positions = new Set(rows.map((r) => `${r.msb}:${r.lsb}`));
    if (positions.size > 1) {
      const where = possibleLayouts(reg, ARCH)
        .map((l) => {
          const f = l.fields.find((x) => x.name === field.text);
          return f ? `${bitsText(f.msb, f.lsb)} ${l.condition ? `when ${conditionText(l.condition)}` : 'otherwise'}` : null;
        })
        .filter((x) => x !== null)
        .join(', ');
      this.report(file, field.range, 'error', 'field-moves', `${reg.name}.${field.text} moves between layouts (${where}): ${what} cannot be one mask and value; use a built-in condition`);
      return null;
    }
    // A field the CPU profile does not have: the test can never see it set.
    if (rows.every((r) => r.condition && falseOnProfile(r.condition, this.features))) {
      const needs = [...new Set(rows.map((r) => r.condition.replace(/`/g, '')))].join(' or ');
      this.report(file, field.range, 'warning', 'res0-on-profile', `${reg.name}.${field.text} exists only when ${needs}, which nvlab's CPU profile does not implement: it reads as 0 here`);
    }
    return { msb: rows[0]!.msb, lsb: rows[0]!.lsb };
  }

  private compileTest(t: FieldTest, file: string, role: 'control' | 'unless'): { test: CompiledTest; field: string | null; value: number } | null {
    const reg = this.register(t.register, file, role);
    if (!reg) return null;
    let msb: number;
    let lsb: number;
    let label: string;
    if (t.field) {
      const b = this.fieldBits(reg, t.field, file, 'a test of it');
      if (!b) return null;
      ({ msb, lsb } = b);
      label = `${reg.name}.${t.field.text}`;
      if (t.slice) {
        if (t.slice.msb > msb - lsb) {
          this.report(file, t.slice.range, 'error', 'slice-outside-field', `${label} has ${msb - lsb + 1} bits; [${t.slice.msb}${t.slice.lsb !== t.slice.msb ? `:${t.slice.lsb}` : ''}] is outside it`);
          return null;
        }
        lsb += t.slice.lsb;
        msb = lsb + (t.slice.msb - t.slice.lsb);
        label += `[${t.slice.msb === t.slice.lsb ? t.slice.msb : `${t.slice.msb}:${t.slice.lsb}`}]`;
      }
    } else {
      ({ msb, lsb } = t.slice!);
      label = `${reg.name}[${msb === lsb ? msb : `${msb}:${lsb}`}]`;
      if (msb >= 64 || rangeIsRes0(reg, msb, lsb)) {
        this.report(file, t.slice!.range, 'error', 'res0-bits', `${label} is RES0 in every layout of ${reg.name}: a condition on it never holds or always holds`);
        return null;
      }
    }
    const width = msb - lsb + 1;
    let value = t.value.big;
    const max = (1n << BigInt(width)) - 1n;
    if (value > max) {
      this.report(file, t.value.range, 'error', 'value-too-wide', `${t.value.text} does not fit ${label}, which has ${width} bit${width === 1 ? '' : 's'} (at most ${max})`);
      return null;
    }
    if (t.op === '!=') {
      if (width !== 1) {
        this.report(file, t.range, 'error', 'not-equal-multibit', `'!=' needs a one-bit field; ${label} has ${width} bits (write the value it must equal)`);
        return null;
      }
      value ^= 1n;
    }
    const [maskLo, maskHi] = halves(max << BigInt(lsb));
    const [valueLo, valueHi] = halves(value << BigInt(lsb));
    const field = t.field && !t.slice ? `${reg.name}.${t.field.text}` : null;
    // Rule terms compare small field values; Number is exact for every field they name.
    return { test: { register: reg.name, slot: SLOTS[reg.name]!, maskLo, maskHi, valueLo, valueHi }, field, value: Number(value) };
  }

  // ---- targets -------------------------------------------------------------------------------

  /** Encoding keys of a target as [from, to] ranges, or null after reporting. */
  private targetKeys(t: Target, file: string): { from: number; to: number } | null {
    if (t.kind === 'name') {
      const k = this.nameKey(t.name, file);
      return k === null ? null : { from: k, to: k };
    }
    if (t.kind === 'encoding') {
      const k = this.encodingKey(t.encoding, file);
      return k === null ? null : { from: k, to: k };
    }
    const from = 'fields' in t.from ? this.encodingKey(t.from, file) : this.nameKey(t.from, file);
    const to = 'fields' in t.to ? this.encodingKey(t.to, file) : this.nameKey(t.to, file);
    if (from === null || to === null) return null;
    if (to < from) {
      this.report(file, t.range, 'error', 'range-reversed', `the range ends at ${encodingText(to)}, before it starts at ${encodingText(from)}`);
      return null;
    }
    return { from, to };
  }

  private encodingKey(e: EncodingLit, file: string): number | null {
    // Every mapping of a big table has one: no arrays made per call.
    for (let i = 0; i < 5; i++) {
      const v = e.fields[i]!.value;
      if (v > FIELD_MAX[i]!) {
        this.report(file, e.fields[i]!.range, 'error', 'encoding-field-range', `${FIELD_LABELS[i]} is at most ${FIELD_MAX[i]}, not ${v}`);
        return null;
      }
    }
    const op0 = e.fields[0]!.value;
    const op1 = e.fields[1]!.value;
    const crn = e.fields[2]!.value;
    const crm = e.fields[3]!.value;
    const op2 = e.fields[4]!.value;
    if (op0 === 0) {
      this.report(file, e.fields[0]!.range, 'error', 'not-system-register', `op0 = 0 is not the system-register space (MSR immediate, hints and barriers live there); system registers and instructions have op0 1 to 3`);
      return null;
    }
    return ((op0 & 3) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  }

  private nameKey(n: Name, file: string): number | null {
    const k = targetNameKey(n.text);
    if (typeof k === 'number') return k;
    this.report(file, n.range, 'error', k.code, k.message);
    return null;
  }

  // ---- pass 2: mappings ---------------------------------------------------------------------

  mapAll(): void {
    for (const p of this.files) {
      for (const item of p.items) {
        if (item.kind === 'trap') this.mapTrap(item, p.file);
        else if (item.kind === 'finetrap') this.mapFine(item, p.file);
      }
    }
  }

  private mapTrap(item: TrapItem, file: string): void {
    const def = this.controls.get(item.control.text);
    if (!def) this.unknownControl(item.control, file);
    else this.used.add(item.control.text);
    let w = this.workOf(item, file);
    let keys = w?.keys;
    if (keys) this.replay(w!);
    else {
      const mark = this.diagnostics.length;
      keys = item.targets.map((t) => this.targetKeys(t, file));
      w = { file, features: this.features, diagnostics: this.diagnosticsSince(mark), keys };
      this.remember(item, file, w);
    }
    if (!def) return;
    let mappings = w!.mappings;
    if (!mappings || w!.mappedWith !== def) {
      const made: TrapMapping[] = [];
      item.targets.forEach((t, i) => {
        const k = keys[i];
        if (k) made.push({ from: k.from, to: k.to, def, item, file, range: targetRangeOf(t) });
      });
      w!.mappedWith = def;
      w!.mappings = mappings = made;
      w!.verdicts = undefined;
    }
    for (const m of mappings) this.traps.push(m);
  }

  private mapFine(item: FineTrapItem, file: string): void {
    const done = this.workOf(item, file);
    if (done?.fine) {
      this.replay(done);
      for (const m of done.fine) this.fine.push(m);
      return;
    }
    const mark = this.diagnostics.length;
    const first = this.fine.length;
    this.compileFine(item, file);
    this.remember(item, file, { file, features: this.features, diagnostics: this.diagnosticsSince(mark), fine: this.fine.slice(first) });
  }

  private compileFine(item: FineTrapItem, file: string): void {
    const group = FGT_GROUPS.get(item.register.text);
    let read: FineBit | null = null;
    let write: FineBit | null = null;
    let ok = true;
    if (!group) {
      ok = false;
      this.report(file, item.register.range, 'error', 'unknown-fgt-register', `'${item.register.text}' is not a fine-grained trap register (${[...FGT_GROUPS.keys()].join(', ')})`);
    } else {
      let warned = false;
      const bitIn = (regName: string | null): FineBit | null => {
        if (!regName) return null;
        const reg = findSysregCached(regName)!.register;
        const rows = fieldRows(reg, item.bit.text);
        if (rows.length === 0) return null;
        // One warning per item, though a pair names the bit in both of its registers.
        if (!warned && rows.every((r) => r.condition && falseOnProfile(r.condition, this.features))) {
          warned = true;
          const needs = [...new Set(rows.map((r) => r.condition.replace(/`/g, '')))].join(' or ');
          this.report(file, item.bit.range, 'warning', 'res0-on-profile', `${regName}.${item.bit.text} exists only when ${needs}, which nvlab's CPU profile does not implement: it is RES0 here and never traps`);
        }
        return { register: regName, slot: SLOTS[regName]!, bit: rows[0]!.lsb };
      };
      const r = bitIn(group.read);
      // HFGITR_EL2 serves both directions: look it up (and warn) once.
      const w = group.write === group.read ? r : bitIn(group.write);
      if (!r && !w) {
        ok = false;
        const reg = findSysreg(group.read ?? group.write!)!.register;
        const near = closestNames(item.bit.text, fieldNames(reg), 4);
        this.report(file, item.bit.range, 'error', 'unknown-fgt-bit', `${item.register.text} has no bit '${item.bit.text}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
      } else {
        read = r;
        write = w;
      }
      // Arm names the bits that trap when 0 with a leading 'n'.
      const negative = /^n[A-Z]/.test(item.bit.text);
      if (ok && negative !== (item.polarity === 0)) {
        this.report(file, item.polarityRange ?? item.bit.range, 'warning', 'fgt-polarity', negative ? `${item.bit.text} traps when 0 (its name starts with 'n'), but this finetrap forwards when it is 1; write '== 0'` : `${item.bit.text} traps when 1, but this finetrap forwards when it is 0`);
      }
    }
    let unless: CompiledTest | null = null;
    if (item.unless) {
      const c = this.compileTest(item.unless, file, 'unless');
      if (!c) ok = false;
      else unless = c.test;
    }
    for (const t of item.targets) {
      const k = this.targetKeys(t, file);
      if (k && ok) this.fine.push({ from: k.from, to: k.to, read, write, bitName: item.bit.text, polarity: item.polarity, unless, item, file, range: targetRangeOf(t) });
    }
  }

  // ---- pass 3: consistency --------------------------------------------------------------------

  consistency(): void {
    this.overlaps(this.traps, 'trap');
    this.overlaps(this.fine, 'finetrap');
    // One fine-grained bit, two polarities: keyed on the physical bit, which a pair
    // (HFGxTR_EL2.X) and its read register (HFGRTR_EL2.X) both name.
    const pol = new Map<string, FineMapping>();
    for (const f of this.fine) {
      for (const side of f.read === f.write ? [f.read] : [f.read, f.write]) {
        if (!side) continue;
        const id = `${side.register}.${f.bitName}`;
        const prev = pol.get(id);
        if (prev && prev.polarity !== f.polarity) {
          const here = `${f.item.register.text}.${f.bitName}`;
          const there = `${prev.item.register.text}.${prev.bitName}`;
          const same = here === there ? '' : ` (${there} there: both are ${id})`;
          this.report(f.file, f.item.polarityRange ?? f.item.bit.range, 'error', 'fgt-both-polarities', `${here} forwards when ${f.polarity} here and when ${prev.polarity} elsewhere${same}: a bit has one polarity`, {
            related: [{ file: prev.file, range: prev.item.polarityRange ?? prev.item.bit.range, message: `${there} with polarity ${prev.polarity}` }],
          });
          break;
        } else if (!prev) pol.set(id, f);
      }
    }
    for (const [name, d] of this.controls) {
      if (this.used.has(name)) continue;
      this.report(d.file, d.item.name.range, 'warning', 'unused', `${d.kind === 'control' ? 'control' : 'combination'} '${name}' is not used by any trap${d.kind === 'control' ? ' or combination' : ''}`);
    }
  }

  private overlaps(list: readonly (TrapMapping | FineMapping)[], what: string): void {
    const sorted = [...list].sort((a, b) => a.from - b.from || a.to - b.to);
    let widest: TrapMapping | FineMapping | null = null;
    for (const m of sorted) {
      if (widest && m.from <= widest.to) {
        const single = m.from === m.to && widest.from === widest.to;
        const at = encodingDescription(Math.max(m.from, widest.from));
        const message = single
          ? m.item === widest.item
            ? `${at} is listed twice in this ${what} item`
            : `${at} is mapped by another ${what} item already`
          : `this ${what} range overlaps another at ${at}`;
        const related: RelatedLocation[] = [{ file: widest.file, range: widest.range, message: single ? 'first mapped here' : 'the other range' }];
        this.report(m.file, m.range, 'error', single ? 'duplicate-mapping' : 'overlapping-ranges', message, { related });
        if (!single) this.report(widest.file, widest.range, 'error', 'overlapping-ranges', `this ${what} range overlaps another at ${at}`, { related: [{ file: m.file, range: m.range, message: 'the other range' }] });
      }
      if (!widest || m.to > widest.to) widest = m;
    }
  }

  // ---- pass 4: the architecture --------------------------------------------------------------------

  architecture(): void {
    // Mappings whose control does not trap the encoding. A mapping object is kept across checks
    // while its item and control are (mapTrap): so is the verdict.
    for (const m of this.traps) {
      // Controls on raw bits are not compared (most of a big generated table): no lookup for them.
      if (m.def.kind === 'control' && (m.def.rawBits || (m.def.fields.size === 0 && !m.def.builtin))) continue;
      const w = this.workOf(m.item, m.file);
      const i = w?.mappings ? w.mappings.indexOf(m) : -1;
      const known = i >= 0 ? w!.verdicts?.[i] : undefined;
      if (known) {
        for (const d of known) this.diagnostics.push(d);
        continue;
      }
      const mark = this.diagnostics.length;
      this.judgeMapping(m);
      if (i >= 0) (w!.verdicts ??= [])[i] = this.diagnosticsSince(mark);
    }
    for (const m of this.fine) {
      for (const k of keysWithFacts(m.from, m.to)) {
        const facts = encodingFacts(k);
        let found = false;
        for (const f of facts) {
          for (const [d, fb] of [
            ['read', m.read],
            ['write', m.write],
          ] as const) {
            if (!fb) continue;
            if (rulesFor(f, d).some((r) => r.terms.get(`${fb.register}.${m.bitName}`) === m.polarity)) found = true;
          }
        }
        if (!found) {
          this.report(m.file, m.range, 'warning', 'arch-no-trap', `according to Arm's access rules, ${m.item.register.text}.${m.bitName} == ${m.polarity} does not trap ${encodingLabel(k)} to EL2`);
          break;
        }
      }
    }
    this.missing();
  }

  /** Reports the members of a mapping's control that do not trap one of its encodings. */
  private judgeMapping(m: TrapMapping): void {
    const members = m.def.kind === 'control' ? [m.def] : m.def.members;
    for (const c of members) {
      if (c.rawBits || (c.fields.size === 0 && !c.builtin)) continue;
      // Many ranges may cover the same keys: each (control, key) is judged once (arch-agreement.ts).
      for (const k of keysWithFacts(m.from, m.to)) {
        if (!trapsKey(c, k)) {
          const via = m.def.kind === 'combine' ? ` (in combination '${m.def.name}')` : '';
          this.report(m.file, m.range, 'warning', 'arch-no-trap', `according to Arm's access rules, control '${c.name}'${via} (${describeControl(c)}) does not trap ${encodingLabel(k)} to EL2`);
          break;
        }
      }
    }
  }

  /**
   * Trap rules that a used control stands for but that no mapping of the
   * encoding covers: the encoding is not mapped to any control standing for
   * that rule.
   */
  private missing(): void {
    // Tables whose controls all test raw bits never need the index (and it is big for big tables).
    let indexed = false;
    for (const c of this.controls.values()) {
      if (c.kind !== 'control' || c.rawBits || (c.fields.size === 0 && !c.builtin)) continue;
      if (!this.used.has(c.name)) continue;
      const candidates = new Set<EncodingFacts>();
      const seeds = c.builtin ? c.builtin.ruleTerms.filter((t) => /^[A-Z]/.test(t) && t.includes('.')) : [...c.fields.keys()];
      for (const s of seeds) for (const f of encodingsTrappedBy(s)) candidates.add(f);
      const missing: EncodingFacts[] = [];
      for (const f of candidates) {
        // Only rules L1's EL2 registers decide alone: a rule that also tests L1's own EL1 or EL0
        // state (MDSCR_EL1, PMUSERENR_EL0...) needs a built-in, not this control.
        const rules = agreeingRules(c, f).filter((r) => r.pure);
        if (rules.length === 0) continue;
        if (!indexed) {
          this.indexMappings();
          indexed = true;
        }
        if (this.covers(f, rules)) continue;
        missing.push(f);
      }
      if (missing.length === 0) continue;
      missing.sort((a, b) => a.key - b.key);
      const names = missing.map((f) => (f.mask === 0xffff ? f.name : sysregPatternName(f.key, f.mask)));
      const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? ` and ${names.length - 8} more` : '');
      const exact = missing.filter((f) => f.mask === 0xffff).map((f) => f.name);
      this.report(c.file, c.item.name.range, 'warning', 'arch-unmapped', `according to Arm's access rules, ${describeControl(c)} also traps ${shown}, which no trap item maps to '${c.name}'`, {
        ...(exact.length ? { fix: { title: `Map ${exact.length === 1 ? exact[0] : `the ${exact.length} registers`} to ${c.name}`, insertText: `trap ${exact.join(', ')} with ${c.name}\n` } } : {}),
      });
    }
  }

  /**
   * Whether every key of `f` is mapped to some control standing for one of
   * `rules`: the mappings that do are merged into intervals, and the keys
   * (ascending) walked along them.
   */
  private covers(f: EncodingFacts, rules: readonly TrapRule[]): boolean {
    const keys = patternKeys(f.key, f.mask);
    const first = keys[0]!;
    const last = keys[keys.length - 1]!;
    const standing = new Map<ControlDef, boolean>();
    const stands = (c: ControlDef): boolean => {
      let v = standing.get(c);
      if (v === undefined) standing.set(c, (v = agreeingRules(c, f).some((r) => rules.includes(r))));
      return v;
    };
    const spans: [number, number][] = [];
    const consider = (m: TrapMapping): void => {
      if ((m.def.kind === 'control' ? [m.def] : m.def.members).some(stands)) spans.push([m.from, m.to]);
    };
    for (let j = upperBound(this.singleFrom, first - 1); j < this.singles.length && this.singleFrom[j]! <= last; j++) consider(this.singles[j]!);
    // Ranges starting at or before `last`, walked back while some earlier range can still reach `first`.
    for (let j = upperBound(this.rangeFrom, last) - 1; j >= 0 && this.rangeReach[j]! >= first; j--) if (this.ranges[j]!.to >= first) consider(this.ranges[j]!);
    spans.sort((a, b) => a[0] - b[0]);
    let i = 0;
    let reach = -1;
    for (const k of keys) {
      while (i < spans.length && spans[i]![0] <= k) reach = Math.max(reach, spans[i++]![1]);
      if (reach < k) return false;
    }
    return true;
  }

  /** Single-encoding mappings by key, and ranges by start with the running maximum of their ends. */
  private singles: TrapMapping[] = [];
  private singleFrom = new Int32Array(0);
  private ranges: TrapMapping[] = [];
  private rangeFrom = new Int32Array(0);
  private rangeReach = new Int32Array(0);

  private indexMappings(): void {
    // Sorted arrays rather than a map of lists: a big table maps thousands of single encodings.
    this.singles = this.traps.filter((m) => m.from === m.to).sort((a, b) => a.from - b.from);
    this.singleFrom = Int32Array.from(this.singles, (m) => m.from);
    this.ranges = this.traps.filter((m) => m.from !== m.to).sort((a, b) => a.from - b.from);
    this.rangeFrom = Int32Array.from(this.ranges, (m) => m.from);
    let reach = -1;
    this.rangeReach = Int32Array.from(this.ranges, (m) => (reach = Math.max(reach, m.to)));
  }

  table(): CheckedTable {
    return { controls: this.controls, traps: this.traps, fineTraps: this.fine };
  }
}

function fieldNames(reg: Sysreg): Set<string> {
  return new Set(archFields(reg).map((f) => f.name).filter((x) => x && x !== '-'));
}

const bitsText = (msb: number, lsb: number): string => (msb === lsb ? `[${msb}]` : `[${msb}:${lsb}]`);

function describeControl(c: ControlDef): string {
  if (c.builtin) return `built-in ${c.builtin.name}`;
  return [...c.fields].map(([k, v]) => (v === undefined ? k : `${k} == ${v}`)).join(' && ');
}

function targetRangeOf(t: Target): Range {
  return t.kind === 'name' ? t.name.range : t.kind === 'encoding' ? t.encoding.range : t.range;
}

function rangeIsRes0(reg: Sysreg, msb: number, lsb: number): boolean {
  for (const f of archFields(reg)) {
    if (f.msb >= lsb && f.lsb <= msb && f.kind !== 'RES0') return false;
  }
  return true;
}

/** The number of elements of the ascending `a` that are <= v. */
function upperBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function defaultResolve(from: string, path: string): string {
  if (path.startsWith('/')) return path;
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  const parts = (dir + path).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

/** Checks a `.traps` source (and what it includes). */
export function checkTraps(text: string, file: string, opts: CheckOptions = {}): CheckResult {
  return new TrapCheck(text, file, opts).result;
}

/**
 * A check that runs its passes as far as asked: the controls, the table,
 * or everything with every diagnostic. The language server answers a hover
 * right after an edit from the controls or the table, without the passes
 * over the whole table (overlaps, the architecture) that only diagnostics need.
 */
export class TrapCheck {
  private readonly c: Checker;
  /** Passes done: 0 files loaded, 1 definitions, 2 mappings, 3 all. */
  private done = 0;
  private finished: CheckResult | null = null;

  constructor(
    text: string,
    file: string,
    private readonly opts: CheckOptions = {},
  ) {
    this.c = new Checker(opts);
    const parsed = opts.parsed && opts.parsed.text === text && opts.parsed.file === file ? opts.parsed : undefined;
    this.c.load(text, file, [file], [file.slice(file.lastIndexOf('/') + 1)], new Set(), parsed);
    if (parsed && opts.memo) this.c.keepWork(opts.memo, file);
  }

  private upTo(pass: number): void {
    if (this.done < 1 && pass >= 1) {
      this.c.defineAll();
      this.done = 1;
    }
    if (this.done < 2 && pass >= 2) {
      this.c.mapAll();
      this.done = 2;
    }
    if (this.done < 3 && pass >= 3) {
      this.c.consistency();
      if (this.opts.architecture ?? true) this.c.architecture();
      this.done = 3;
    }
  }

  get files(): readonly ParseResult[] {
    return this.c.files;
  }

  /** Controls and combinations by name. */
  get controls(): CheckedTable['controls'] {
    this.upTo(1);
    return this.c.table().controls;
  }

  get table(): CheckedTable {
    this.upTo(2);
    return this.c.table();
  }

  get result(): CheckResult {
    if (!this.finished) {
      this.upTo(3);
      this.finished = { files: this.c.files, diagnostics: this.c.diagnostics, table: this.c.table() };
    }
    return this.finished;
  }
}

export type { Item };
