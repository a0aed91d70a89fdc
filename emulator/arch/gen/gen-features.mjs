// Generates emulator/arch/generated/features.ts from Arm's machine-readable
// specification (Features.json and Registers.json in the AARCHMRS BSD
// release): every architectural feature's dependencies and ID-register
// encoding, and the layouts of the ID registers those encodings read.
// emulator/arch/cpu-profile.ts turns a feature list into ID register values
// with this data.
//
//   node emulator/arch/gen/gen-features.mjs          (npm run gen:arch runs every generator)
//   node emulator/arch/gen/gen-features.mjs --check  (exit 1 if stale)
//
// What Features.json holds (verified against the 2024-12 release; anything
// else stops the generator with the offending constraint):
//  * `parameters`: one Parameters.Boolean per feature (FEAT_*, the
//    architecture versions v8Ap0..v9Ap6, FEAT_AA64EL0.. for the Exception
//    levels per Execution state) plus one Parameters.Integer (IMPDEF_OFFSET,
//    no constraints, nothing to translate). Each carries `constraints`, and
//    the top level has a few more that belong to no parameter.
//  * A constraint is a boolean AST over parameters (AST.Identifier), the
//    operators && || ! --> <->, and comparisons of register fields:
//    UInt(field) or SInt(field) against an AST.Integer with >= < ==, or a
//    bare field IN a set of bit strings. Fields are Types.Field with a
//    state: AArch64 (system registers the PE reads with MRS), AArch32 (the
//    AArch32 views) or ext (external debug); a few use AST.DotAtom for
//    memory-mapped PMU/AMU registers.
//
// Constraints are sorted into:
//  * gates: `FEAT_X --> vNApM`, "X is permitted from that version" (Arm ARM:
//    an Armv8.n implementation may include some Armv8.(n+1) features). Kept
//    apart so a profile can knowingly implement a feature ahead of the
//    version it claims (see cpu-profile.ts).
//  * dependencies: constraints over parameters only.
//  * ID encodings: constraints that read AArch64 system-register fields.
//  * skipped: constraints on AArch32, external or memory-mapped registers.
//    nvlab models neither AArch32 nor an external debug/PMU interface, so
//    these can never be evaluated; they are listed in the output.
// A few encodings the Arm ARM states but Features.json lacks are added by
// hand (SUPPLEMENTS below, each with its reason).

import { join } from 'node:path';
import { AarchmrsError, REPO_ROOT, generatedHeader, openAarchmrs, requireAarchmrsTarball } from './aarchmrs-input.mjs';
import { runGeneratorCli } from './generator-cli.mjs';

export const OUTPUT_PATH = join(REPO_ROOT, 'emulator', 'arch', 'generated', 'features.ts');
const SCRIPT = 'emulator/arch/gen/gen-features.mjs';

function fail(where, msg) {
  throw new AarchmrsError(`gen-features: ${where ? `${where}: ` : ''}${msg}`);
}

const VERSION_RE = /^v\d+Ap\d+$/;

// ---------------------------------------------------------------------------
// Expressions. The generator's AST (also the shape printed into the output):
//   { k: 'id', name }                      a parameter (feature or version)
//   { k: 'bool', value }
//   { k: 'not', e }
//   { k: 'and' | 'or', es: [...] }         flattened, two or more operands
//   { k: 'imp' | 'iff', l, r }             --> and <->
//   { k: 'cmp', op, reg, field, signed, value }   field OP integer
// Printing rules (cpu-profile's parser mirrors them, and a test checks that
// every printed expression parses back to the same text):
//   precedence low to high: --> <-> (non-associative), ||, &&, comparison, !
//   && inside || is parenthesised anyway, for readers who do not know the
//   C precedence; SInt(R.F) marks a field compared as a signed number.

/** A constraint or condition outside what nvlab can evaluate; `kind` groups the report. */
class Untranslatable extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

const PREC = { imp: 1, iff: 1, or: 2, and: 3, cmp: 4, not: 5, id: 6, bool: 6 };

export function printExpr(e) {
  const wrap = (c, min) => (PREC[c.k] < min ? `(${printExpr(c)})` : printExpr(c));
  switch (e.k) {
    case 'id':
      return e.name;
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'cmp':
      return `${e.signed ? `SInt(${e.reg}.${e.field})` : `${e.reg}.${e.field}`} ${e.op} ${e.value}`;
    case 'not':
      return `!${wrap(e.e, PREC.not)}`;
    case 'and':
      return e.es.map((c) => wrap(c, PREC.cmp)).join(' && ');
    case 'or':
      return e.es.map((c) => wrap(c, PREC.and + 1)).join(' || ');
    case 'imp':
    case 'iff':
      return `${wrap(e.l, PREC.or)} ${e.k === 'imp' ? '-->' : '<->'} ${wrap(e.r, PREC.or)}`;
    default:
      throw new Error(`printExpr: bad node ${e.k}`);
  }
}

function nary(k, l, r) {
  const es = [];
  for (const x of [l, r]) {
    if (x.k === k) es.push(...x.es);
    else es.push(x);
  }
  return { k, es };
}

/**
 * Convert a Features.json AST. `ctx.fieldRef(node)` resolves Types.Field
 * nodes and may throw Untranslatable for out-of-scope registers.
 */
function convert(ast, ctx) {
  switch (ast?._type) {
    case 'AST.Identifier':
      // FEAT_RASSA (2024-12) is used but never defined: such a constraint
      // cannot be evaluated, so it is reported as not translated.
      if (!ctx.params.has(ast.value)) throw new Untranslatable('undefined-name', `refers to ${ast.value}, which Features.json does not define`);
      if (ctx.params.get(ast.value) !== 'bool') fail(ctx.where, `non-boolean parameter ${ast.value} used as a condition`);
      return { k: 'id', name: ast.value };
    case 'AST.Bool':
      return { k: 'bool', value: !!ast.value };
    case 'AST.UnaryOp':
      if (ast.op !== '!') fail(ctx.where, `unsupported unary operator ${ast.op}`);
      return { k: 'not', e: convert(ast.expr, ctx) };
    case 'AST.BinaryOp':
      switch (ast.op) {
        case '&&':
          return nary('and', convert(ast.left, ctx), convert(ast.right, ctx));
        case '||':
          return nary('or', convert(ast.left, ctx), convert(ast.right, ctx));
        case '-->':
          return { k: 'imp', l: convert(ast.left, ctx), r: convert(ast.right, ctx) };
        case '<->':
          return { k: 'iff', l: convert(ast.left, ctx), r: convert(ast.right, ctx) };
        case '>=':
        case '<':
        case '==':
        case '!=': {
          const fn = ast.left;
          if (fn?._type !== 'AST.Function' || (fn.name !== 'UInt' && fn.name !== 'SInt') || fn.arguments?.length !== 1) {
            fail(ctx.where, `comparison with ${fn?._type} ${fn?.name ?? ''} on the left; expected UInt(field) or SInt(field)`);
          }
          if (ast.right?._type !== 'AST.Integer' || !Number.isInteger(ast.right.value)) {
            fail(ctx.where, `comparison with ${ast.right?._type} on the right; expected an integer`);
          }
          const arg = fn.arguments[0];
          if (arg._type === 'AST.DotAtom') {
            throw new Untranslatable('memory-mapped', `memory-mapped register ${arg.values.map((v) => v.value).join('.')}`);
          }
          const ref = ctx.fieldRef(arg);
          return { k: 'cmp', op: ast.op, ...ref, signed: fn.name === 'SInt', value: ast.right.value };
        }
        case 'IN': {
          const ref = ctx.fieldRef(ast.left);
          if (ast.right?._type !== 'AST.Set' || !Array.isArray(ast.right.values) || ast.right.values.length === 0) {
            fail(ctx.where, 'IN without a set of values');
          }
          // A bit-string set on a raw field: the same as a disjunction of
          // unsigned equalities (the width is checked against the layout).
          const alts = ast.right.values.map((v) => {
            const m = v?._type === 'Values.Value' ? /^'([01]+)'$/.exec(v.value) : null;
            if (!m) fail(ctx.where, `unsupported IN element ${JSON.stringify(v)}`);
            ctx.bitWidths.push({ ...ref, width: m[1].length });
            return { k: 'cmp', op: '==', ...ref, signed: false, value: parseInt(m[1], 2) };
          });
          return alts.length === 1 ? alts[0] : { k: 'or', es: alts };
        }
        default:
          return fail(ctx.where, `unsupported operator ${ast.op}`);
      }
    case 'AST.DotAtom':
      throw new Untranslatable('memory-mapped', `memory-mapped register ${ast.values.map((v) => v.value).join('.')}`);
    default:
      return fail(ctx.where, `unsupported node ${ast?._type}`);
  }
}

function walk(e, fn) {
  fn(e);
  if (e.k === 'not') walk(e.e, fn);
  else if (e.k === 'and' || e.k === 'or') for (const c of e.es) walk(c, fn);
  else if (e.k === 'imp' || e.k === 'iff') {
    walk(e.l, fn);
    walk(e.r, fn);
  }
}

const hasFields = (e) => {
  let found = false;
  walk(e, (n) => {
    if (n.k === 'cmp') found = true;
  });
  return found;
};

// Builders for the hand-written supplements.
const id = (name) => ({ k: 'id', name });
const ge = (reg, field, value) => ({ k: 'cmp', op: '>=', reg, field, signed: false, value });
const imp = (l, r) => ({ k: 'imp', l, r });
const iff = (l, r) => ({ k: 'iff', l, r });

/**
 * Encodings the Arm ARM states in the register descriptions but
 * Features.json does not carry. Each is checked like the rest (every field
 * must exist in Registers.json, every name must be a known feature).
 */
function supplements() {
  const out = [];
  const AA64 = id('FEAT_AA64EL1');
  // ID_AA64PFR0_EL1.EL0..EL3: 0b0000 not implemented (EL2, EL3 only),
  // 0b0001 AArch64 only, 0b0010 AArch64 and AArch32 (Arm ARM, ID_AA64PFR0_EL1).
  // Features.json has no constraint on these fields at all.
  for (const n of [0, 1, 2, 3]) {
    const why = `ID_AA64PFR0_EL1.EL${n}: 0b0001 means EL${n} in AArch64 only, 0b0010 in AArch64 and AArch32 (Arm ARM); Features.json has no encoding for these fields`;
    out.push({ owner: `FEAT_AA64EL${n}`, why, e: imp(AA64, iff(id(`FEAT_AA64EL${n}`), ge('ID_AA64PFR0_EL1', `EL${n}`, 1))) });
    out.push({ owner: `FEAT_AA32EL${n}`, why, e: imp(AA64, iff(id(`FEAT_AA32EL${n}`), ge('ID_AA64PFR0_EL1', `EL${n}`, 2))) });
  }
  // The reverse directions: Features.json only says FEAT_X --> field >= 1,
  // but the register descriptions say "FEAT_X implements the functionality
  // identified by 0b0001", so the value also implies the feature. Without
  // them a feature could not be detected from the ID registers.
  for (const [reg, field, feat] of [
    ['ID_AA64MMFR2_EL1', 'UAO', 'FEAT_UAO'],
    ['ID_AA64MMFR2_EL1', 'FWB', 'FEAT_S2FWB'],
  ]) {
    out.push({
      owner: feat,
      why: `${reg}.${field}: "${feat} implements the functionality identified by 0b0001" (Arm ARM); Features.json states only ${feat} --> ${field} >= 1`,
      e: imp(AA64, imp(ge(reg, field, 1), id(feat))),
    });
  }
  // Features.json ties ID_AA64MMFR2_EL1.CCIDX to FEAT_CCIDX only when
  // AArch32 EL0 is implemented (the guard of its AArch32 twin), leaving an
  // AArch64-only PE without an encoding.
  out.push({
    owner: 'FEAT_CCIDX',
    why: 'ID_AA64MMFR2_EL1.CCIDX: "FEAT_CCIDX implements the functionality identified by 0b0001" (Arm ARM); Features.json guards its constraint with FEAT_AA32EL0',
    e: imp(AA64, iff(id('FEAT_CCIDX'), ge('ID_AA64MMFR2_EL1', 'CCIDX', 1))),
  });
  // GIC system-register interface. Registers.json gates the ICC_* registers
  // on FEAT_GICv3 (a name Features.json does not define).
  out.push({
    owner: 'FEAT_GICv3',
    why: 'ID_AA64PFR0_EL1.GIC: 0b0001 System register interface to GICv3.0/4.0 CPU interface (Arm ARM); FEAT_GICv3 is used by Registers.json but absent from Features.json',
    e: imp(AA64, iff(id('FEAT_GICv3'), ge('ID_AA64PFR0_EL1', 'GIC', 1))),
  });
  out.push({
    owner: 'FEAT_GICv4p1',
    why: 'ID_AA64PFR0_EL1.GIC: 0b0011 System register interface to GICv4.1 CPU interface (Arm ARM)',
    e: imp(AA64, iff(id('FEAT_GICv4p1'), ge('ID_AA64PFR0_EL1', 'GIC', 3))),
  });
  return out;
}

// ---------------------------------------------------------------------------
// Registers.json: layouts of the registers the encodings read.

function bitsValue(v, where) {
  const m = v?._type === 'Values.Value' && typeof v.value === 'string' ? /^'([01]+)'$/.exec(v.value) : null;
  if (!m) fail(where, `expected a bit-string value, got ${JSON.stringify(v)?.slice(0, 100)}`);
  return { value: parseInt(m[1], 2), width: m[1].length };
}

/**
 * Registers.json conditions (register existence, fieldset and field
 * selection, conditional values) as feature expressions.
 */
function registerCondition(ast, where, params) {
  switch (ast?._type) {
    case 'AST.Bool':
      return ast.value ? null : { k: 'bool', value: false };
    case 'AST.Function': {
      if (ast.name === 'IsFeatureImplemented' && ast.arguments?.length === 1 && ast.arguments[0]._type === 'AST.Identifier') {
        const name = ast.arguments[0].value;
        if (!params.has(name)) fail(where, `unknown feature ${name}`);
        return id(name);
      }
      // AArch32 at any EL implies AArch32 at EL0 (FEAT_AA32EL1 --> FEAT_AA32EL0,
      // and EL2/EL3 need EL1), so HaveAArch32() is FEAT_AA32EL0.
      if (ast.name === 'HaveAArch32' && (ast.arguments ?? []).length === 0) return id('FEAT_AA32EL0');
      throw new Untranslatable('condition', `condition function ${ast.name}()`);
    }
    case 'AST.UnaryOp':
      if (ast.op !== '!') break;
      return { k: 'not', e: registerCondition(ast.expr, where, params) ?? { k: 'bool', value: true } };
    case 'AST.BinaryOp':
      if (ast.op === '&&' || ast.op === '||') {
        const l = registerCondition(ast.left, where, params) ?? { k: 'bool', value: true };
        const r = registerCondition(ast.right, where, params) ?? { k: 'bool', value: true };
        return nary(ast.op === '&&' ? 'and' : 'or', l, r);
      }
      break;
    default:
      break;
  }
  throw new Untranslatable('condition', `condition ${describeRaw(ast)}`);
}

function rangeOf(item, where) {
  const rs = item.rangeset;
  if (!Array.isArray(rs) || rs.length !== 1 || !Number.isInteger(rs[0].start) || !Number.isInteger(rs[0].width)) {
    fail(where, 'field without a single contiguous range');
  }
  return { lsb: rs[0].start, width: rs[0].width };
}

/** Allowed values of a ConstantField: [[lo, hi, whenExpr|null]] or null for "any". */
function allowedValues(field, width, where, params, notes) {
  const v = field.value;
  if (v == null) return null;
  if (v._type === 'Values.Value') {
    const b = bitsValue(v, where);
    if (b.width !== width) fail(where, `value ${v.value} does not fit the ${width}-bit field`);
    return [[b.value, b.value, null]];
  }
  if (v._type !== 'Values.ImplementationDefined') fail(where, `unsupported field value ${v._type}`);
  const list = v.constraints?.values;
  if (v.constraints == null || !Array.isArray(list) || list.length === 0) return null;
  if (v.constraints._type !== 'Valuesets.Values') fail(where, `unsupported value set ${v.constraints._type}`);
  const out = [];
  const add = (item, when) => {
    if (item._type === 'Values.Value') {
      const b = bitsValue(item, where);
      if (b.width !== width) fail(where, `value ${item.value} does not fit the ${width}-bit field`);
      out.push([b.value, b.value, when]);
    } else if (item._type === 'Values.ValueRange') {
      const lo = bitsValue(item.start, where);
      const hi = bitsValue(item.end, where);
      if (lo.width !== width || hi.width !== width || lo.value > hi.value) fail(where, 'malformed value range');
      out.push([lo.value, hi.value, when]);
    } else if (item._type === 'Values.ConditionalValue') {
      if (when) fail(where, 'nested conditional values');
      let cond;
      try {
        cond = registerCondition(item.condition, where, params);
      } catch (e) {
        if (!(e instanceof Untranslatable)) throw e;
        // Keep the values, unconditionally: better a permissive domain than a
        // wrong restriction. Reported in the output.
        notes.push(`${where}: value condition not translated (${e.message}); values allowed unconditionally`);
        cond = null;
      }
      for (const x of item.values?.values ?? []) add(x, cond);
    } else {
      fail(where, `unsupported value ${item._type}`);
    }
  };
  for (const item of list) add(item, null);
  return out;
}

/**
 * Flatten one AArch64 register: existence condition, fieldsets (each with a
 * condition, its RES1 bits and named fields; a field of a ConditionalField
 * carries the alternative's condition).
 */
function registerLayout(reg, params, notes) {
  const where = reg.name;
  let exists = null;
  try {
    exists = registerCondition(reg.condition, where, params);
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    fail(where, `register condition not translatable (${e.message})`);
  }
  if (!Array.isArray(reg.fieldsets) || reg.fieldsets.length === 0) fail(where, 'register without fieldsets');
  const fieldsets = [];
  for (const fs of reg.fieldsets) {
    const fsWhere = `${where}[fieldset]`;
    if (fs.width !== 64) fail(fsWhere, `fieldset width ${fs.width}, expected 64`);
    let when = null;
    try {
      when = registerCondition(fs.condition, fsWhere, params);
    } catch (e) {
      if (!(e instanceof Untranslatable)) throw e;
      fail(fsWhere, `fieldset condition not translatable (${e.message})`);
    }
    let res1 = 0n;
    let covered = 0n;
    const fields = [];
    const claim = (lsb, width, w) => {
      if (lsb < 0 || lsb + width > 64) fail(w, `bits ${lsb}+${width} outside the register`);
      const mask = ((1n << BigInt(width)) - 1n) << BigInt(lsb);
      if (covered & mask) fail(w, 'overlapping fields');
      covered |= mask;
      return mask;
    };
    const reserved = (lsb, width, w, kind) => {
      const mask = claim(lsb, width, w);
      if (kind === 'RES1' || kind === 'RAO' || kind === 'RAO/WI') res1 |= mask;
      else if (!['RES0', 'RAZ', 'RAZ/WI', 'UNKNOWN', 'WI'].includes(kind)) fail(w, `reserved kind ${kind}`);
    };
    const named = (item, lsb, width, w, cond) => {
      if (typeof item.name !== 'string' || !/^\w+$/.test(item.name)) fail(w, 'field without a name');
      let values = null;
      if (item._type === 'Fields.ConstantField') values = allowedValues(item, width, `${where}.${item.name}`, params, notes);
      else if (item._type !== 'Fields.Field') fail(w, `unsupported field type ${item._type}`);
      if (fields.some((f) => f.name === item.name)) fail(w, `field ${item.name} defined twice`);
      fields.push({ name: item.name, lsb, width, when: cond, values });
    };
    for (const item of fs.values ?? []) {
      const { lsb, width } = rangeOf(item, where);
      const w = `${where}[${lsb + width - 1}:${lsb}]`;
      if (item._type === 'Fields.Reserved') {
        reserved(lsb, width, w, item.value);
      } else if (item._type === 'Fields.ConditionalField') {
        // Alternatives share the range; where none applies the bits are RES0.
        claim(lsb, width, w);
        if (!['RES0', 'RAZ'].includes(item.reservedtype)) fail(w, `conditional field whose fallback is ${item.reservedtype}`);
        // The same field may appear under several alternatives (TRCIDR0.NUMEVENT
        // has one value set per condition): merge them into one field whose
        // condition is the disjunction and whose values are the union.
        const byName = new Map();
        for (const alt of item.fields ?? []) {
          let cond = null;
          let translated = true;
          try {
            cond = registerCondition(alt.condition, w, params);
          } catch (e) {
            if (!(e instanceof Untranslatable)) throw e;
            // e.g. MPAMIDR_EL1.VPMR_MAX exists when MPAMIDR_EL1.HAS_HCR == 1:
            // a field-dependent layout. Treating the field as present only
            // widens its domain (the fallback would be RES0).
            notes.push(`${w}: field condition not translated (${e.message}); field treated as present`);
            translated = false;
          }
          const sub = rangeOf(alt.field, w);
          if (sub.lsb + sub.width > width) fail(w, 'conditional alternative outside its range');
          if (alt.field._type === 'Fields.Reserved') {
            // Only RES0-like alternatives: a conditional RES1 would need a
            // conditional mask, which the output format does not have.
            if (!['RES0', 'RAZ', 'UNKNOWN'].includes(alt.field.value)) fail(w, `conditional ${alt.field.value} alternative`);
            continue;
          }
          const prev = byName.get(alt.field.name);
          if (!prev) {
            byName.set(alt.field.name, { alt, sub, conds: [translated ? cond : null], alts: [alt] });
          } else {
            if (prev.sub.lsb !== sub.lsb || prev.sub.width !== sub.width) fail(w, `field ${alt.field.name} moves between alternatives`);
            prev.conds.push(translated ? cond : null);
            prev.alts.push(alt);
          }
        }
        for (const [, g] of byName) {
          // null condition = always present (true, or not translated).
          const when = g.conds.some((c) => c === null) ? null : g.conds.length === 1 ? g.conds[0] : { k: 'or', es: g.conds };
          named(g.alt.field, lsb + g.sub.lsb, g.sub.width, w, when);
          if (g.alts.length > 1) {
            const f = fields[fields.length - 1];
            const sets = g.alts.map((a) =>
              a.field._type === 'Fields.ConstantField' ? allowedValues(a.field, g.sub.width, `${where}.${a.field.name}`, params, notes) : null,
            );
            f.values = sets.some((x) => x === null) ? null : sets.flat();
          }
        }
      } else {
        claim(lsb, width, w);
        named(item, lsb, width, w, null);
      }
    }
    fieldsets.push({ when, res1, fields });
  }
  return { name: reg.name, exists, fieldsets };
}

// ---------------------------------------------------------------------------

/** Everything the output needs, as plain data (exported for tests and tools). */
export function extractFeatures(featuresJson, registersJson) {
  if (featuresJson?._type !== 'Features' || !Array.isArray(featuresJson.parameters)) {
    fail('Features.json', 'expected {_type: "Features", parameters: [...]}');
  }
  if (!Array.isArray(registersJson)) fail('Registers.json', 'expected an array of registers');

  // Parameter universe: Features.json, plus feature names Registers.json
  // tests with IsFeatureImplemented that Features.json does not define (the
  // GIC ones), so a profile can answer every test the register rules make.
  const params = new Map(); // name -> 'bool' | 'int'
  const order = [];
  const skipped = [];
  for (const p of featuresJson.parameters) {
    if (typeof p.name !== 'string') fail('Features.json', 'parameter without a name');
    if (params.has(p.name)) fail(p.name, 'parameter defined twice');
    if (p._type === 'Parameters.Boolean') {
      params.set(p.name, 'bool');
      order.push(p.name);
    } else if (p._type === 'Parameters.Integer') {
      params.set(p.name, 'int');
      if ((p.constraints ?? []).length) fail(p.name, 'integer parameter with constraints (not expected)');
      skipped.push({ owner: p.name, kind: 'non-boolean', reason: `${p._type} parameter without constraints`, text: '' });
    } else {
      fail(p.name, `unsupported parameter type ${p._type}`);
    }
  }
  const extraNames = new Set();
  const scan = (node) => {
    if (Array.isArray(node)) {
      for (const x of node) scan(x);
    } else if (node && typeof node === 'object') {
      if (node._type === 'AST.Function' && node.name === 'IsFeatureImplemented') {
        const n = node.arguments?.[0]?.value;
        if (typeof n === 'string' && !params.has(n)) extraNames.add(n);
      }
      for (const k in node) if (k !== '_meta') scan(node[k]);
    }
  };
  scan(registersJson);
  const extras = [...extraNames].sort();
  for (const n of extras) {
    if (!/^FEAT_\w+$/.test(n)) fail('Registers.json', `odd feature name ${n}`);
    params.set(n, 'bool');
  }

  const aa64Regs = new Map();
  for (const r of registersJson) {
    if (r?._type === 'Register' && r.state === 'AArch64' && typeof r.name === 'string') {
      if (aa64Regs.has(r.name)) fail(r.name, 'AArch64 register defined twice');
      aa64Regs.set(r.name, r);
    }
  }

  const features = new Map(); // name -> { since, deps: [], id: [] }
  for (const n of [...order, ...extras]) features.set(n, { since: null, deps: [], id: [] });
  const global = [];
  const counts = { deps: 0, id: 0 };
  const used = new Map(); // reg -> Map(field -> { signed:Set, widths:[] })
  const bitWidths = [];

  const fieldRef = (where) => (node) => {
    if (node?._type !== 'Types.Field') fail(where, `expected a register field, got ${node?._type}`);
    const v = node.value ?? {};
    if (v.instance != null || v.slices != null) fail(where, `field ${v.name}.${v.field} with instance/slices`);
    if (v.state !== 'AArch64') {
      throw new Untranslatable(v.state === 'ext' ? 'external' : v.state, `${v.state === 'ext' ? 'external debug' : v.state} register ${v.name}`);
    }
    if (!aa64Regs.has(v.name)) fail(where, `AArch64 register ${v.name} not in Registers.json`);
    return { reg: v.name, field: v.field };
  };

  const noteUse = (e) =>
    walk(e, (n) => {
      if (n.k !== 'cmp') return;
      if (!used.has(n.reg)) used.set(n.reg, new Map());
      const m = used.get(n.reg);
      if (!m.has(n.field)) m.set(n.field, { signed: new Set() });
      m.get(n.field).signed.add(n.signed);
    });

  const take = (owner, ast, index) => {
    const where = `${owner} constraint ${index}`;
    let e;
    try {
      e = convert(ast, { params, where, fieldRef: fieldRef(where), bitWidths });
    } catch (err) {
      if (!(err instanceof Untranslatable)) throw err;
      skipped.push({ owner: owner ?? '(global)', kind: err.kind, reason: err.message, text: describeRaw(ast) });
      return;
    }
    const text = printExpr(e);
    const target = owner === null ? null : features.get(owner);
    if (hasFields(e)) {
      noteUse(e);
      (target ? target.id : global).push(text);
      counts.id++;
      return;
    }
    // Version gate: FEAT_X --> vNApM, listed under X itself.
    if (
      e.k === 'imp' &&
      e.l.k === 'id' &&
      e.r.k === 'id' &&
      VERSION_RE.test(e.r.name) &&
      !VERSION_RE.test(e.l.name) &&
      e.l.name === owner
    ) {
      if (target.since) fail(where, `second version gate (${target.since} and ${e.r.name})`);
      target.since = e.r.name;
      return;
    }
    (target ? target.deps : global).push(text);
    counts.deps++;
  };

  for (const p of featuresJson.parameters) {
    if (params.get(p.name) !== 'bool') continue;
    (p.constraints ?? []).forEach((c, i) => take(p.name, c, i));
  }
  (featuresJson.constraints ?? []).forEach((c, i) => take(null, c, i));

  const supplementList = supplements().map((s) => {
    if (!features.has(s.owner)) fail('supplements', `unknown feature ${s.owner}`);
    walk(s.e, (n) => {
      if (n.k === 'id' && !params.has(n.name)) fail('supplements', `unknown feature ${n.name}`);
      if (n.k === 'cmp' && !aa64Regs.has(n.reg)) fail('supplements', `unknown register ${n.reg}`);
    });
    noteUse(s.e);
    return { owner: s.owner, text: printExpr(s.e), why: s.why };
  });

  // Layouts of every register an encoding reads.
  const notes = [];
  const layouts = [];
  for (const name of [...used.keys()].sort()) {
    const layout = registerLayout(aa64Regs.get(name), params, notes);
    for (const [field, info] of used.get(name)) {
      const defs = layout.fieldsets.flatMap((fs) => fs.fields.filter((f) => f.name === field));
      if (defs.length === 0) fail(name, `constraints use field ${field}, which Registers.json does not define`);
      if (defs.some((d) => d.lsb !== defs[0].lsb || d.width !== defs[0].width)) fail(name, `field ${field} moves between fieldsets`);
      if (info.signed.size > 1) fail(name, `field ${field} is read both as UInt and SInt`);
      const signed = info.signed.has(true);
      for (const d of defs) d.signed = signed;
      if (defs[0].width > 8 && defs.some((d) => d.values === null)) {
        // The solver enumerates a constrained field's values; 2^8 is the most
        // it is built for (every constrained field is 4 bits or narrower).
        fail(name, `constrained field ${field} is ${defs[0].width} bits wide without a value list`);
      }
    }
    for (const fs of layout.fieldsets) for (const f of fs.fields) f.signed ??= false;
    layouts.push(layout);
  }
  for (const b of bitWidths) {
    const l = layouts.find((x) => x.name === b.reg);
    const f = l.fieldsets.flatMap((fs) => fs.fields).find((x) => x.name === b.field);
    if (f.width !== b.width) fail(b.reg, `IN set of ${b.width}-bit values on the ${f.width}-bit field ${b.field}`);
  }

  return {
    features: [...features].map(([name, f]) => ({ name, ...f, extra: extraNames.has(name) })),
    global,
    supplements: supplementList,
    layouts,
    skipped,
    notes,
    counts,
  };
}

/** Readable text for a constraint that could not be translated (for the report). */
function describeRaw(ast) {
  switch (ast?._type) {
    case 'AST.Identifier':
      return ast.value;
    case 'AST.Integer':
      return String(ast.value);
    case 'AST.Bool':
      return ast.value ? 'TRUE' : 'FALSE';
    case 'AST.UnaryOp':
      return `${ast.op}(${describeRaw(ast.expr)})`;
    case 'AST.BinaryOp':
      return `(${describeRaw(ast.left)} ${ast.op} ${describeRaw(ast.right)})`;
    case 'AST.Function':
      return `${ast.name}(${(ast.arguments ?? []).map(describeRaw).join(', ')})`;
    case 'Types.Field': {
      const v = ast.value;
      return `${v.state === 'AArch64' ? '' : `${v.state}:`}${v.name}.${v.field}`;
    }
    case 'AST.DotAtom':
      return ast.values.map(describeRaw).join('.');
    case 'AST.Set':
      return `{${ast.values.map(describeRaw).join(', ')}}`;
    case 'Values.Value':
      return ast.value;
    default:
      return `<${ast?._type}>`;
  }
}

// ---------------------------------------------------------------------------
// Output.

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const hex64 = (n) => `0x${n.toString(16)}n`;

function printValues(values) {
  if (values === null) return 'null';
  // Merge adjacent ranges with the same condition: [[0,0],[1,1],[2,2]] -> [[0,2]].
  const merged = [];
  for (const [lo, hi, when] of values) {
    const last = merged[merged.length - 1];
    const w = when ? printExpr(when) : null;
    if (last && last[2] === w && last[1] + 1 === lo) last[1] = hi;
    else merged.push([lo, hi, w]);
  }
  return `[${merged.map(([lo, hi, when]) => `[${lo}, ${hi}${when ? `, ${q(when)}` : ''}]`).join(', ')}]`;
}

/** Generate the TypeScript source text (no file is written). */
export function generateFeaturesText({ tarball = requireAarchmrsTarball() } = {}) {
  const release = openAarchmrs(tarball);
  const featuresJson = release.json('Features.json');
  const registersJson = release.json('Registers.json');
  const data = extractFeatures(featuresJson, registersJson);
  const meta = featuresJson._meta ?? {};
  const ver = meta.version ?? {};

  const { deps: nDeps, id: nId } = data.counts;
  const nGates = data.features.filter((f) => f.since).length;
  const skippedCount = (kind) => data.skipped.filter((x) => x.kind === kind).length;
  const kinds = [...new Set(data.skipped.map((x) => x.kind))];
  const known = ['AArch32', 'external', 'memory-mapped', 'undefined-name', 'non-boolean'];
  if (kinds.some((k) => !known.includes(k))) fail(null, `unexpected kind of skipped constraint: ${kinds}`);

  const out = [];
  out.push(
    ...generatedHeader(
      SCRIPT,
      release,
      [
        `  Features.json: architecture ${ver.architecture}, build ${ver.build}, schema ${ver.schema}, ${ver.timestamp}`,
        `${data.features.length} features (${data.features.filter((f) => f.extra).length} of them only named by Registers.json), ${nGates} version gates,`,
        `${nDeps} dependency constraints, ${nId} ID-register encodings, ${data.supplements.length} supplements from the Arm ARM,`,
        `${data.layouts.length} register layouts. Not translated (SKIPPED_CONSTRAINTS): ${skippedCount('AArch32')} constraints on AArch32`,
        `registers, ${skippedCount('external')} on external-debug registers, ${skippedCount('memory-mapped')} on memory-mapped PMU/AMU registers,`,
        `${skippedCount('undefined-name')} naming a feature Features.json does not define; ${skippedCount('non-boolean')} integer parameter.`,
      ],
      meta,
    ),
  );
  out.push(
    '// Expressions (parsed by emulator/arch/feature-expr.ts):',
    '//   names are features or architecture versions (true when implemented/claimed);',
    '//   REG.Field compares the field as an unsigned number, SInt(REG.Field) as a',
    '//   signed one; operators, loosest first: --> and <-> (never chained without',
    '//   parentheses), ||, &&, comparisons (== != >= <), !.',
    '// FEATURES[name]:',
    '//   since  the architecture version from which the feature is permitted',
    '//          (Features.json: FEAT_X --> vNApM), or null',
    '//   deps   constraints over features only, listed under this feature by Features.json',
    '//   id     constraints that read AArch64 ID-register fields: the feature\'s encoding',
    '// ID_REGISTER_LAYOUTS: for every register an encoding reads, its existence',
    '//   condition and fieldsets (the first whose `when` holds applies); fields carry',
    '//   their position, signedness, the condition under which they exist (otherwise',
    '//   the bits are RES0) and the values Registers.json permits ([lo, hi, when?]',
    '//   ranges, null: any value of the width).',
    '',
    'export interface FeatureData {',
    '  readonly since: string | null;',
    '  readonly deps: readonly string[];',
    '  readonly id: readonly string[];',
    '}',
    '',
    'export interface IdFieldLayout {',
    '  readonly name: string;',
    '  readonly lsb: number;',
    '  readonly width: number;',
    '  readonly signed: boolean;',
    '  readonly when: string | null;',
    '  readonly values: readonly (readonly [lo: number, hi: number, when?: string])[] | null;',
    '}',
    '',
    'export interface IdFieldset {',
    '  readonly when: string | null;',
    '  readonly res1: bigint;',
    '  readonly fields: readonly IdFieldLayout[];',
    '}',
    '',
    'export interface IdRegisterLayout {',
    '  readonly name: string;',
    '  readonly exists: string | null;',
    '  readonly fieldsets: readonly IdFieldset[];',
    '}',
    '',
    'export const FEATURES_SOURCE = {',
    `  tarball: ${q(release.fileName)},`,
    `  sha256: ${q(release.sha256)},`,
    `  architecture: ${q(String(ver.architecture))},`,
    `  build: ${q(String(ver.build))},`,
    '} as const;',
    '',
    '/** Feature names Registers.json tests but Features.json does not define (no dependency data). */',
    `export const EXTRA_FEATURES: readonly string[] = [${data.features.filter((f) => f.extra).map((f) => q(f.name)).join(', ')}];`,
    '',
    '/** In Features.json order, then EXTRA_FEATURES. */',
    'export const FEATURES: Readonly<Record<string, FeatureData>> = {',
  );
  for (const f of data.features) {
    const lines = [];
    lines.push(`  ${f.name}: {`);
    lines.push(`    since: ${f.since ? q(f.since) : 'null'},`);
    const list = (key, arr) => {
      if (arr.length === 0) lines.push(`    ${key}: [],`);
      else if (arr.length === 1 && arr[0].length < 80) lines.push(`    ${key}: [${q(arr[0])}],`);
      else lines.push(`    ${key}: [`, ...arr.map((t) => `      ${q(t)},`), '    ],');
    };
    list('deps', f.deps);
    list('id', f.id);
    lines.push('  },');
    out.push(...lines);
  }
  out.push(
    '};',
    '',
    '/** Top-level constraints of Features.json (belonging to no feature). */',
    'export const GLOBAL_CONSTRAINTS: readonly string[] = [',
    ...data.global.map((t) => `  ${q(t)},`),
    '];',
    '',
    '/**',
    ' * Encodings the Arm ARM states that Features.json lacks (added by',
    ' * gen-features.mjs; `why` gives the source). Used like FEATURES[owner].id.',
    ' */',
    'export const SUPPLEMENTARY_CONSTRAINTS: readonly { readonly owner: string; readonly text: string; readonly why: string }[] = [',
    ...data.supplements.map((s) => `  { owner: ${q(s.owner)}, text: ${q(s.text)}, why: ${q(s.why)} },`),
    '];',
    '',
    'export const ID_REGISTER_LAYOUTS: readonly IdRegisterLayout[] = [',
  );
  for (const l of data.layouts) {
    out.push(`  {`, `    name: ${q(l.name)},`, `    exists: ${l.exists ? q(printExpr(l.exists)) : 'null'},`, '    fieldsets: [');
    for (const fs of l.fieldsets) {
      out.push(`      {`, `        when: ${fs.when ? q(printExpr(fs.when)) : 'null'},`, `        res1: ${hex64(fs.res1)},`, '        fields: [');
      for (const f of fs.fields) {
        out.push(
          `          { name: ${q(f.name)}, lsb: ${f.lsb}, width: ${f.width}, signed: ${f.signed}, when: ${f.when ? q(printExpr(f.when)) : 'null'}, values: ${printValues(f.values)} },`,
        );
      }
      out.push('        ],', '      },');
    }
    out.push('    ],', '  },');
  }
  out.push(
    '];',
    '',
    '/**',
    ' * Constraints not translated, with the reason: they read registers nvlab',
    ' * does not model (AArch32 views, external debug, memory-mapped PMU/AMU).',
    ' */',
    'export const SKIPPED_CONSTRAINTS: readonly { readonly owner: string; readonly kind: string; readonly reason: string; readonly text: string }[] = [',
    ...data.skipped.map((s) => `  { owner: ${q(s.owner)}, kind: ${q(s.kind)}, reason: ${q(s.reason)}, text: ${q(s.text)} },`),
    '];',
    '',
    '/** Simplifications the generator made while reading Registers.json. */',
    'export const GENERATOR_NOTES: readonly string[] = [',
    ...data.notes.map((n) => `  ${q(n)},`),
    '];',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------

runGeneratorCli(import.meta.url, () => [[OUTPUT_PATH, generateFeaturesText()]]);
