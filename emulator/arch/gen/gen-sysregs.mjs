// Generates emulator/arch/generated/sysregs.ts from Arm's machine-readable
// specification (Registers.json in the AARCHMRS BSD release): every AArch64
// system register and system instruction with its encodings, field layouts,
// VNCR_EL2 page offset and the access rules that apply at EL2, EL1 and EL0.
//
//   node emulator/arch/gen/gen-sysregs.mjs          (npm run gen:arch runs every generator)
//   node emulator/arch/gen/gen-sysregs.mjs --check  (exit 1 if stale)
//
// How the specification describes registers (2024-12 release, schema 2.5.3):
//  * Registers.json is a list; entries with state "AArch64" are Register or
//    RegisterArray (name with <n>, an index range). TLBI/AT/DC/IC and the
//    other system instructions are "registers" too.
//  * fieldsets: one or more layouts, each with a condition (first true one
//    applies) and a width. Their values are Fields.* nodes: Field, Reserved
//    (RES0/RES1/...), ConstantField, ImplementationDefined, Array and Vector
//    (rolled-up F<x> fields), ConditionalField (alternatives chosen by
//    condition, first true wins, else the reservedtype), Dynamic (a space
//    whose layout is chosen by another field's value: ESR.ISS by EC, or by
//    feature conditions). Nested ranges are relative to their parent's bits,
//    taken as one bit string when the parent has several ranges.
//  * accessors: SystemAccessor(Array) with a kind (A64.MRS, A64.TLBI, ...),
//    one encoding (assembler name + op0/op1/CRn/CRm/op2 as bit strings,
//    index expressions for arrays, or free variables for the generic
//    S3_<op1>_<Cn>_<Cm>_<op2> space), an existence condition, and an access
//    tree of SystemAccess {condition, access} nodes: ordered if/elsif chains
//    whose leaves are ASL statements (Undefined(), AArch64_SystemAccessTrap,
//    X[t, 64] = REG, NVMem[offset] = X[t, 64], ...).
//  * There are no reset values, titles or descriptions in the BSD release
//    (all null); the generated file says so instead of inventing them.
//
// Conditions become a small expression language (see the generated header)
// over feature names and quoted state atoms, so the runtime can evaluate the
// feature part against a CPU profile without an ASL interpreter.
//
// Access rules are derived for an implementation without EL3 (nvlab's
// CPU): HaveEL(EL3) is false, so SCR_EL3/MDCR_EL3/CPTR_EL3 conditions and
// traps to EL3 fold away, and the Secure and Realm states never apply.
// Anything the generator cannot interpret is listed in the generated header
// (and printed), never dropped silently.

import { join } from 'node:path';
import { AarchmrsError, REPO_ROOT, generatedHeader, openAarchmrs, requireAarchmrsTarball } from './aarchmrs-input.mjs';
import { runGeneratorCli } from './generator-cli.mjs';

export const OUTPUT_PATH = join(REPO_ROOT, 'emulator', 'arch', 'generated', 'sysregs.ts');
const SCRIPT = 'emulator/arch/gen/gen-sysregs.mjs';

function fail(where, msg) {
  throw new AarchmrsError(`gen-sysregs: ${where ? `${where}: ` : ''}${msg}`);
}

// ---------------------------------------------------------------------------
// Things the generator could not interpret. Grouped by category so the
// header stays readable; every occurrence is counted, a few are named.

class Notes {
  constructor() {
    this.byCategory = new Map();
  }
  add(category, example) {
    let n = this.byCategory.get(category);
    if (!n) this.byCategory.set(category, (n = { count: 0, distinct: new Set() }));
    n.count++;
    n.distinct.add(example);
  }
  lines() {
    return [...this.byCategory.keys()].sort().map((c) => {
      const n = this.byCategory.get(c);
      const shown = [...n.distinct].slice(0, 4).map((e) => (e.length > 110 ? `${e.slice(0, 107)}...` : e));
      const more = n.distinct.size > shown.length ? `; ${n.distinct.size - shown.length} more` : '';
      return `${c}: ${n.count}x (${shown.join('; ')}${more})`;
    });
  }
}

// ---------------------------------------------------------------------------
// Rendering ASL expressions as text. Used for the parts of conditions and
// statements that are kept as readable text rather than interpreted.

const PREC = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '>': 3, '<=': 3, '>=': 3, IN: 3, '+': 4, '-': 4, OR: 4, '*': 5, AND: 5, MOD: 5, DIV: 5 };

/** Bit pattern text of a Values.Value ('0101', 'x0'), or null if it is not one. */
function patternOf(node) {
  if (node?._type !== 'Values.Value' || typeof node.value !== 'string') return null;
  const m = /^'([01x]+)'$/.exec(node.value);
  return m ? m[1] : null;
}

/** 1 and 0 for single bits (as the Arm ARM writes field tests), 0b... otherwise. */
function patternText(bits) {
  return bits.length === 1 ? bits : `0b${bits}`;
}

/**
 * Integer value of an expression when it is a constant after substituting
 * the array index variables in `vars`, else null.
 */
function intValue(n, vars) {
  if (!n) return null;
  if (n._type === 'AST.Integer' && Number.isInteger(n.value)) return n.value;
  if (n._type === 'AST.Identifier' && vars?.has(n.value)) return vars.get(n.value);
  if (n._type === 'AST.BinaryOp') {
    const l = intValue(n.left, vars);
    const r = intValue(n.right, vars);
    if (l === null || r === null) return null;
    switch (n.op) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case 'MOD':
        return r === 0 ? null : ((l % r) + r) % r;
      case 'DIV':
        return r === 0 ? null : Math.floor(l / r);
      default:
        return null;
    }
  }
  return null;
}

/** REG.FIELD for a Types.Field value, with array indexes (<n>) substituted. */
function fieldRefText(v, vars) {
  const sub = (s) => String(s).replace(/<(\w+)>/g, (all, k) => (vars?.has(k) ? String(vars.get(k)) : all));
  let s = v.instance ? `${sub(v.name)}[${v.instance}].${sub(v.field)}` : `${sub(v.name)}.${sub(v.field)}`;
  if (v.slices) s += `[${JSON.stringify(v.slices)}]`;
  return s;
}

/**
 * Readable text for any AST node; index variables in `vars` are substituted.
 * `nameVars` are the ones substituted inside register names (DBGBCR<n>_EL1):
 * layouts leave those alone so that all instances of an array share them.
 */
function render(n, vars, notes, nameVars = vars) {
  const r = (x) => render(x, vars, notes, nameVars);
  // Parentheses around every nested operation except chains of one
  // associative operator and comparisons inside && / ||: the readers are
  // people, and ASL's precedence of AND/OR/+ is not what they expect.
  const paren = (child, parentOp) => {
    const s = r(child);
    if (child?._type !== 'AST.BinaryOp' || intValue(child, vars) !== null) return s;
    if (child.op === parentOp && ['&&', '||', '+', '*', 'AND', 'OR'].includes(parentOp)) return s;
    if ((parentOp === '&&' || parentOp === '||') && (PREC[child.op] ?? 0) > PREC['&&']) return s;
    return `(${s})`;
  };
  if (n === null || n === undefined) return '';
  switch (n._type) {
    case 'AST.Identifier':
      return vars?.has(n.value) ? String(vars.get(n.value)) : n.value;
    case 'AST.Integer':
      return String(n.value);
    case 'AST.Bool':
      return n.value ? 'TRUE' : 'FALSE';
    case 'Values.Value': {
      const p = patternOf(n);
      return p !== null ? patternText(p) : String(n.value);
    }
    case 'Types.String':
      return JSON.stringify(n.value);
    case 'AST.Function':
      return `${n.name}(${(n.arguments ?? []).map(r).join(', ')})`;
    case 'AST.BinaryOp': {
      const k = intValue(n, vars);
      if (k !== null) return String(k);
      return `${paren(n.left, n.op)} ${n.op} ${paren(n.right, n.op)}`;
    }
    case 'AST.UnaryOp':
      return n.op === '!' ? `!${paren(n.expr, '!')}` : `${n.op} ${paren(n.expr, n.op)}`;
    case 'AST.DotAtom':
      return n.values.map(r).join('.');
    case 'AST.SquareOp':
      return `${r(n.var)}[${n.arguments.map(r).join(', ')}]`;
    case 'AST.Slice':
      return `${r(n.left)}:${r(n.right)}`;
    case 'AST.Set':
      return `{${n.values.map(r).join(', ')}}`;
    case 'AST.Concat': {
      // MDCR_EL2.TDE:MDCR_EL2.TDA reads better as MDCR_EL2.{TDE,TDA}
      const fs = n.values.map((v) => (v._type === 'Types.Field' && !v.value.slices && !v.value.instance ? v.value : null));
      if (fs.length > 1 && fs.every((f) => f && f.name === fs[0].name)) {
        return fieldRefText({ ...fs[0], field: `{${fs.map((f) => f.field).join(',')}}` }, nameVars);
      }
      return n.values.map(r).join(':');
    }
    case 'AST.Tuple':
      return `(${n.values.map(r).join(', ')})`;
    case 'AST.Assignment':
      return `${r(n.var)} = ${r(n.val)}`;
    case 'AST.Return':
      return n.val ? `return ${r(n.val)}` : 'return';
    case 'AST.TypeAnnotation':
      return `${r(n.type)} ${r(n.var)}`;
    case 'AST.Type':
      return r(n.name);
    case 'Types.Field':
      return fieldRefText(n.value, nameVars);
    case 'Types.RegisterType':
      return fieldRefText({ ...n.value, field: '' }, nameVars).replace(/\.$/, '');
    default:
      notes?.add('AST node type rendered as raw JSON', String(n._type));
      return `?${JSON.stringify(n).slice(0, 60)}`;
  }
}

/**
 * render() in a condition environment: in access rules the current EL is
 * known, so GCSEnabled(PSTATE.EL) reads GCSEnabled(EL1).
 */
function renderIn(env, n, notes) {
  const text = render(n, env.vars, notes, env.nameVars);
  return env.mode === 'rules' ? text.replace(/\bPSTATE\.EL\b/g, `EL${env.el}`) : text;
}

/** Statements as the Arm ARM writes them: Xt for X[t, 64], offsets in hex. */
function prettyStatement(text) {
  return text
    .replace(/\bX\[(t\d?), 64\]/g, 'X$1')
    .replace(/\bNVMem\[(\d+)((?:, \d+)?)\]/g, (_, off, size) => `NVMem[0x${Number(off).toString(16)}${size}]`);
}

// ---------------------------------------------------------------------------
// Conditions. Internal form:
//   {t:'const', v}          TRUE/FALSE
//   {t:'feat', name}        IsFeatureImplemented(name)
//   {t:'atom', text, lhs?, val?}
//                           anything else, kept as text; equality tests of a
//                           field against a constant remember lhs/val so two
//                           tests of one field with clashing values are
//                           known to exclude each other. A 1-bit test
//                           against 0 is stored as !(X == 1).
//   {t:'not', x}, {t:'and', xs}, {t:'or', xs}

const TRUE = Object.freeze({ t: 'const', v: true });
const FALSE = Object.freeze({ t: 'const', v: false });
const constant = (v) => (v ? TRUE : FALSE);
const and = (...xs) => ({ t: 'and', xs });
const or = (...xs) => ({ t: 'or', xs });
const not = (x) => ({ t: 'not', x });
const negate = (x) => (x.t === 'not' ? x.x : x.t === 'const' ? constant(!x.v) : not(x));

/** Structural identity, used for de-duplication and complement detection. */
function ckey(c) {
  switch (c.t) {
    case 'const':
      return c.v ? 'T' : 'F';
    case 'feat':
      return c.name;
    case 'atom':
      return `\`${c.text}\``;
    case 'not':
      return `!${ckey(c.x)}`;
    default:
      return `${c.t}(${c.xs.map(ckey).join(',')})`;
  }
}

function simplify(c) {
  switch (c.t) {
    case 'not': {
      const x = simplify(c.x);
      if (x.t === 'const') return constant(!x.v);
      if (x.t === 'not') return x.x;
      return not(x);
    }
    case 'and':
    case 'or': {
      const isAnd = c.t === 'and';
      const other = isAnd ? 'or' : 'and';
      let items = [];
      for (const k of c.xs) {
        const s = simplify(k);
        if (s.t === 'const') {
          if (s.v === isAnd) continue; // identity element
          return constant(!isAnd); // absorbing element
        }
        if (s.t === c.t) items.push(...s.xs);
        else items.push(s);
      }
      const seen = new Map();
      for (const i of items) if (!seen.has(ckey(i))) seen.set(ckey(i), i);
      items = [...seen.values()];
      for (const i of items) if (seen.has(ckey(negate(i)))) return constant(!isAnd);
      // a && (!a || b) == a && b; a || (!a && b) == a || b
      let changed = false;
      items = items.map((i) => {
        if (i.t !== other) return i;
        const kept = i.xs.filter((x) => !seen.has(ckey(negate(x))));
        if (kept.length === i.xs.length) return i;
        changed = true;
        return { t: other, xs: kept };
      });
      if (changed) return simplify({ t: c.t, xs: items });
      // a && (a || b) == a; a || (a && b) == a
      items = items.filter((i) => !(i.t === other && i.xs.some((x) => seen.has(ckey(x)))));
      if (items.length === 0) return constant(isAnd);
      if (items.length === 1) return items[0];
      return { t: c.t, xs: items };
    }
    default:
      return c;
  }
}

function atomsOf(c, out = new Map()) {
  if (c.t === 'atom' || c.t === 'feat') out.set(ckey(c), c);
  else if (c.t === 'not') atomsOf(c.x, out);
  else if (c.t === 'and' || c.t === 'or') for (const x of c.xs) atomsOf(x, out);
  return out;
}

function evalCond(c, assign) {
  switch (c.t) {
    case 'const':
      return c.v;
    case 'feat':
    case 'atom':
      return assign.get(ckey(c));
    case 'not':
      return !evalCond(c.x, assign);
    case 'and':
      return c.xs.every((x) => evalCond(x, assign));
    default:
      return c.xs.some((x) => evalCond(x, assign));
  }
}

/**
 * Can `c` be true? Exact over its atoms (up to 16 of them), treating
 * equality tests of one field against different constants as exclusive.
 * Returns null when there are too many atoms to decide.
 */
function satisfiable(c) {
  const atoms = [...atomsOf(c).entries()];
  if (atoms.length > 16) return null;
  const byLhs = new Map();
  atoms.forEach(([, a], i) => {
    if (a.t === 'atom' && a.lhs !== undefined) {
      if (!byLhs.has(a.lhs)) byLhs.set(a.lhs, []);
      byLhs.get(a.lhs).push(i);
    }
  });
  // Pairs of tests of one field that cannot both hold: '0b01' and '0b1x'
  // differ in a bit both fix.
  const clash = (x, y) => [...x].some((c, i) => c !== 'x' && y[i] !== 'x' && c !== y[i]);
  const exclusive = [];
  for (const g of byLhs.values()) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const a = atoms[g[i]][1].val;
        const b = atoms[g[j]][1].val;
        if (a.length === b.length && clash(a, b)) exclusive.push([g[i], g[j]]);
      }
    }
  }
  const assign = new Map();
  for (let m = 0; m < 1 << atoms.length; m++) {
    if (exclusive.some(([i, j]) => (m >> i) & 1 && (m >> j) & 1)) continue;
    atoms.forEach(([k], i) => assign.set(k, ((m >> i) & 1) === 1));
    if (evalCond(c, assign)) return true;
  }
  return false;
}

/**
 * Effective conditions of a first-true-wins list: alternative i applies when
 * its condition holds and no earlier one does. Earlier conditions that
 * cannot hold together with this one are left out, so the common "feature
 * present / absent" pairs stay short. The last element is the "none
 * matched" condition.
 */
function firstMatch(conds) {
  const out = [];
  for (let i = 0; i < conds.length; i++) {
    const parts = [conds[i]];
    for (let j = 0; j < i; j++) {
      if (satisfiable(simplify(and(conds[i], conds[j]))) === false) continue;
      parts.push(negate(conds[j]));
    }
    out.push(decided(simplify(and(...parts))));
  }
  out.push(decided(simplify(and(...conds.map(negate)))));
  return out;
}

/** FALSE/TRUE for conditions that can never / always hold, else `c` (small conditions only). */
function decided(c, maxAtoms = 12) {
  if (c.t === 'const' || atomsOf(c).size > maxAtoms) return c;
  if (satisfiable(c) === false) return FALSE;
  if (satisfiable(negate(c)) === false) return TRUE;
  return c;
}

// The expression language of the generated file:
//   FEAT_X | v8Ap1         a feature (true when implemented)
//   `text`                 a state test kept as text
//   !e, e && e, e || e, (e)
// with the usual precedence (! > && > ||). The empty string means "always".
function condString(c, top = true) {
  switch (c.t) {
    case 'const':
      if (!c.v) fail(null, 'internal: constant-false condition in output');
      return '';
    case 'feat':
      return c.name;
    case 'atom':
      if (c.text.includes('`')) fail(null, `a condition text contains a backquote: ${c.text}`);
      return `\`${c.text}\``;
    case 'not':
      if (c.x.t === 'atom' && c.x.bit1) return `\`${c.x.lhs} == 0\``;
      if (c.x.t === 'atom' || c.x.t === 'feat') return `!${condString(c.x, false)}`;
      return `!(${condString(c.x, true)})`;
    case 'and':
      return c.xs.map((x) => (x.t === 'or' ? `(${condString(x, true)})` : condString(x, false))).join(' && ');
    default: {
      const s = c.xs.map((x) => condString(x, false)).join(' || ');
      return top ? s : `(${s})`;
    }
  }
}

// ---------------------------------------------------------------------------
// From ASL condition ASTs to the internal form.
//
// env.mode 'spec': conditions as the specification states them, with the
//   implementation-constant functions expressed as features.
// env.mode 'rules': additionally, execution at env.el (0 or 1) in AArch64
//   on a PE without EL3, outside Debug state, in Non-secure state.
// env.vars: array index variables (n, m) and their values.

function equalityTest(lhsText, bits, negated) {
  let c;
  if (bits.length === 1 && !bits.includes('x')) {
    const a = { t: 'atom', text: `${lhsText} == 1`, lhs: lhsText, val: '1', bit1: true };
    c = bits === '1' ? a : not(a);
  } else if (!bits.includes('x')) {
    c = { t: 'atom', text: `${lhsText} == ${patternText(bits)}`, lhs: lhsText, val: bits };
  } else {
    c = { t: 'atom', text: `${lhsText} == ${patternText(bits)}`, lhs: lhsText, val: bits };
  }
  return negated ? negate(c) : c;
}

/** HCR_EL2.{NV2,NV1,NV} as returned by EffectiveHCR_EL2_NVx(), MSB first. */
const NVX_BITS = ['HCR_EL2.NV2', 'HCR_EL2.NV1', 'HCR_EL2.NV'];

function nvxTest(bits) {
  if (bits.length !== 3) return null;
  const parts = [];
  for (let i = 0; i < 3; i++) if (bits[i] !== 'x') parts.push(equalityTest(NVX_BITS[i], bits[i], false));
  return and(...parts);
}

function elNumber(n, env) {
  if (n?._type === 'AST.Identifier' && /^EL[0-3]$/.test(n.value)) return Number(n.value[2]);
  if (env.mode === 'rules' && n?._type === 'AST.DotAtom' && n.values.length === 2 && n.values[0].value === 'PSTATE' && n.values[1].value === 'EL') {
    return env.el;
  }
  return null;
}

function comparison(n, env, ctx) {
  const { notes } = ctx;
  const op = n.op;
  // Integers after index substitution: (m == 1), (n MOD 2) == 0, m IN {0, 2, 3}
  const li = intValue(n.left, env.vars);
  if (li !== null) {
    if (op === 'IN' && n.right?._type === 'AST.Set') {
      const vs = n.right.values.map((v) => intValue(v, env.vars));
      if (vs.every((v) => v !== null)) return constant(vs.includes(li));
    }
    const ri = intValue(n.right, env.vars);
    if (ri !== null) {
      const table = { '==': li === ri, '!=': li !== ri, '<': li < ri, '>': li > ri, '<=': li <= ri, '>=': li >= ri };
      if (op in table) return constant(table[op]);
    }
  }
  // Exception levels: PSTATE.EL == EL1 (in rules), EL1 == EL2 (constant)
  const le = elNumber(n.left, env);
  const re = elNumber(n.right, env);
  if (le !== null && re !== null && (op === '==' || op === '!=')) return constant((le === re) === (op === '=='));

  // Pattern tests: X == '01', X != '1', X IN {'0x', '11'}, X IN 'x0'
  let patterns = null;
  if (op === '==' || op === '!=') {
    const p = patternOf(n.right);
    if (p !== null) patterns = [p];
  } else if (op === 'IN') {
    if (n.right?._type === 'AST.Set') {
      const ps = n.right.values.map(patternOf);
      if (ps.every((p) => p !== null)) patterns = ps;
    } else {
      const p = patternOf(n.right);
      if (p !== null) patterns = [p];
    }
  }
  if (patterns) {
    const negated = op === '!=';
    if (n.left?._type === 'AST.Function' && n.left.name === 'EffectiveHCR_EL2_NVx' && n.left.arguments.length === 0) {
      const tests = patterns.map(nvxTest);
      if (tests.every((t) => t !== null)) {
        const c = or(...tests);
        return negated ? negate(c) : c;
      }
      notes.add('EffectiveHCR_EL2_NVx() compared with a value that is not 3 bits', render(n, env.vars));
    }
    const lhs = renderIn(env, n.left, notes);
    const c = or(...patterns.map((p) => equalityTest(lhs, p, false)));
    return negated ? negate(c) : c;
  }
  return { t: 'atom', text: renderIn(env, n, notes) };
}

function functionCond(n, env, ctx) {
  const rules = env.mode === 'rules';
  const args = n.arguments ?? [];
  const argEl = args.length >= 1 ? elNumber(args[0], env) : null;
  const atom = () => ({ t: 'atom', text: renderIn(env, n, ctx.notes) });
  switch (n.name) {
    case 'IsFeatureImplemented': {
      const f = args[0]?.value;
      if (args.length !== 1 || args[0]._type !== 'AST.Identifier') return atom();
      if (!ctx.features.known.has(f)) ctx.notes.add('unknown feature name (kept as a feature)', f);
      if (rules && ctx.features.unavailableWithoutEl3.has(f)) return FALSE;
      return { t: 'feat', name: f };
    }
    case 'HaveEL':
      if (argEl === null) return atom();
      if (argEl <= 1) return TRUE;
      if (argEl === 3 && rules) return FALSE;
      return { t: 'feat', name: `FEAT_EL${argEl}` };
    case 'HaveAArch32':
      return args.length === 0 ? { t: 'feat', name: 'FEAT_AA32EL0' } : atom();
    case 'HaveAArch32EL':
      if (argEl === null) return atom();
      if (argEl === 3 && rules) return FALSE;
      return { t: 'feat', name: `FEAT_AA32EL${argEl}` };
    default:
      break;
  }
  if (!rules) return atom();
  switch (n.name) {
    // Without EL3 and Secure state, EL2 is enabled exactly when it is implemented.
    case 'EL2Enabled':
      return { t: 'feat', name: 'FEAT_EL2' };
    // Executing AArch64 at EL0/EL1 means every higher EL uses AArch64 too.
    case 'ELUsingAArch32':
      return argEl !== null && argEl >= env.el ? FALSE : atom();
    case 'IsHighestEL':
      if (argEl === 3) return FALSE;
      if (argEl === 2) return { t: 'feat', name: 'FEAT_EL2' };
      if (argEl === 1) return not({ t: 'feat', name: 'FEAT_EL2' });
      if (argEl === 0) return FALSE;
      return atom();
    // These only return TRUE when EL3 exists or the PE is halted.
    case 'EL3SDDUndef':
    case 'EL3SDDUndefPriority':
    case 'Halted':
      return FALSE;
    case 'IsCurrentSecurityState':
      if (args[0]?.value === 'SS_NonSecure') return TRUE;
      if (['SS_Secure', 'SS_Realm', 'SS_Root'].includes(args[0]?.value)) return FALSE;
      return atom();
    case 'IsSecureEL2Enabled':
    case 'IsSecure':
      return FALSE;
    case 'HaveELUsingSecurityState':
      if (argEl === null || args[1]?._type !== 'AST.Bool') return atom();
      if (args[1].value) return FALSE;
      return argEl <= 1 ? TRUE : argEl === 2 ? { t: 'feat', name: 'FEAT_EL2' } : FALSE;
    default:
      return atom();
  }
}

function toCond(n, env, ctx) {
  switch (n?._type) {
    case 'AST.Bool':
      return constant(n.value);
    case 'AST.UnaryOp':
      if (n.op === '!') return not(toCond(n.expr, env, ctx));
      break;
    case 'AST.BinaryOp':
      if (n.op === '&&') return and(toCond(n.left, env, ctx), toCond(n.right, env, ctx));
      if (n.op === '||') return or(toCond(n.left, env, ctx), toCond(n.right, env, ctx));
      return comparison(n, env, ctx);
    case 'AST.Function':
      if (n.name === 'Text' && n.arguments?.[0]?._type === 'Types.String') {
        return { t: 'atom', text: n.arguments[0].value.trim() };
      }
      if (n.name === 'ImpDefBool' && n.arguments?.[0]?._type === 'Types.String') {
        return { t: 'atom', text: `IMPLEMENTATION DEFINED ${JSON.stringify(n.arguments[0].value)}` };
      }
      return functionCond(n, env, ctx);
    case undefined:
      fail(null, 'missing condition');
      break;
    default:
      break;
  }
  return { t: 'atom', text: renderIn(env, n, ctx.notes) };
}

const specCond = (n, env, ctx) => simplify(toCond(n, { ...env, mode: 'spec' }, ctx));

// ---------------------------------------------------------------------------
// Fields.

export const FIELD_KINDS = ['', 'RES0', 'RES1', 'RAZ/WI', 'RAO/WI', 'RAZ', 'RAO', 'WI', 'UNKNOWN', 'IMPDEF', 'CONST', 'DYNAMIC'];
const KIND = Object.fromEntries(FIELD_KINDS.map((k, i) => [k || 'FIELD', i]));

function reservedKind(value, where, notes) {
  if (value in KIND && value !== 'FIELD' && KIND[value] >= KIND.RES0 && KIND[value] <= KIND.UNKNOWN) return KIND[value];
  notes.add('unknown reserved type (kept as UNKNOWN)', `${where}: ${value}`);
  return KIND.UNKNOWN;
}

/** Physical bits (MSB first) of a rangeset placed in a parent's bit string (vmap[i] = physical bit of virtual bit i). */
function placeRanges(rangeset, vmap, where) {
  if (!Array.isArray(rangeset) || rangeset.length === 0) fail(where, 'field without a rangeset');
  const bits = [];
  for (const r of rangeset) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.width) || r.width < 1) fail(where, 'bad range');
    for (let b = r.start + r.width - 1; b >= r.start; b--) {
      if (b >= vmap.length) fail(where, `range ${r.start}+${r.width} outside its parent (${vmap.length} bits)`);
      bits.push(vmap[b]);
    }
  }
  return bits;
}

const vmapOf = (bitsMsbFirst) => [...bitsMsbFirst].reverse();

/** Contiguous runs of MSB-first bits: [[msb, lsb], ...]. */
function runs(bits) {
  const out = [];
  for (const b of bits) {
    const last = out[out.length - 1];
    if (last && last[1] === b + 1) last[1] = b;
    else out.push([b, b]);
  }
  return out;
}

function indexList(indexes, where) {
  const out = [];
  for (const r of indexes ?? []) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.width)) fail(where, 'bad index range');
    for (let i = r.start; i < r.start + r.width; i++) out.push(i);
  }
  if (out.length === 0) fail(where, 'array without indexes');
  return out.sort((a, b) => a - b);
}

/**
 * Appends rows {name, msb, lsb, kind, cond, view, value} for a field node.
 * `cond` is the condition (internal form) under which the enclosing
 * structure applies; `view` names a Dynamic view ('' for the base layout).
 */
function emitField(node, vmap, cond, view, rows, ctx) {
  const where = `${ctx.where}/${node.name ?? node._type}`;
  const { notes } = ctx;
  const put = (name, bits, kind, c, value = '') => {
    const s = simplify(c);
    if (s.t === 'const' && !s.v) return;
    for (const [msb, lsb] of runs(bits)) rows.push({ name, msb, lsb, kind, cond: s, view, value });
  };
  switch (node._type) {
    case 'Fields.Field':
      put(node.name ?? '', placeRanges(node.rangeset, vmap, where), KIND.FIELD, cond);
      return;
    case 'Fields.Reserved':
      put('', placeRanges(node.rangeset, vmap, where), reservedKind(node.value, where, notes), cond);
      return;
    case 'Fields.ImplementationDefined':
      if (node.constraints) notes.add('constraints of IMPLEMENTATION DEFINED fields not kept', where);
      put(node.name ?? '', placeRanges(node.rangeset, vmap, where), KIND.IMPDEF, cond);
      return;
    case 'Fields.ConstantField': {
      const p = patternOf(node.value);
      if (p === null && node.value?._type !== 'Values.ImplementationDefined') notes.add('constant field value not understood', where);
      put(node.name ?? '', placeRanges(node.rangeset, vmap, where), KIND.CONST, cond, p ?? '');
      return;
    }
    case 'Fields.Array':
    case 'Fields.Vector': {
      const bits = placeRanges(node.rangeset, vmap, where);
      const inner = vmapOf(bits);
      const idx = indexList(node.indexes, where);
      if (bits.length % idx.length !== 0) fail(where, `${bits.length} bits do not split into ${idx.length} elements`);
      const ew = bits.length / idx.length;
      const varName = node.index_variable;
      if (typeof node.name !== 'string' || !node.name.includes(`<${varName}>`)) fail(where, `array name does not contain <${varName}>`);
      let size = null; // Vector: how many elements exist
      if (node._type === 'Fields.Vector') {
        if (node.size?.length !== 1 || node.size[0].condition?._type !== 'AST.Bool' || node.size[0].condition.value !== true) {
          notes.add('conditional Vector size not understood (all elements listed)', where);
        } else {
          size = node.size[0].value;
        }
      }
      idx.forEach((i, k) => {
        const elBits = [];
        for (let b = (k + 1) * ew - 1; b >= k * ew; b--) elBits.push(inner[b]);
        const name = node.name.replace(`<${varName}>`, String(i));
        if (size === null) {
          put(name, elBits, KIND.FIELD, cond);
          return;
        }
        // Element k exists when k < size; otherwise the space is reserved_type.
        const sizeInt = intValue(size, ctx.vars);
        const exists =
          sizeInt !== null ? constant(i < sizeInt) : { t: 'atom', text: `${render(size, ctx.vars, notes, ctx.env.nameVars)} > ${i}` };
        put(name, elBits, KIND.FIELD, and(cond, exists));
        const rk = node.reserved_type ? reservedKind(node.reserved_type, where, notes) : KIND.UNKNOWN;
        put('', elBits, rk, and(cond, negate(exists)));
      });
      return;
    }
    case 'Fields.ConditionalField': {
      const bits = placeRanges(node.rangeset, vmap, where);
      const inner = vmapOf(bits);
      const conds = node.fields.map((f) => specCond(f.condition, ctx.env, ctx));
      const eff = firstMatch(conds);
      node.fields.forEach((f, i) => emitField(f.field, inner, and(cond, eff[i]), view, rows, ctx));
      const none = eff[eff.length - 1];
      if (!(none.t === 'const' && !none.v)) {
        if (node.reservedtype) put('', bits, reservedKind(node.reservedtype, where, notes), and(cond, none));
        else notes.add('ConditionalField without reservedtype where no alternative applies', where);
      }
      return;
    }
    case 'Fields.Dynamic': {
      const bits = placeRanges(node.rangeset, vmap, where);
      const inner = vmapOf(bits);
      const named = node.instances.filter((fs) => fs.name);
      const unnamed = node.instances.filter((fs) => !fs.name);
      if (named.length) {
        // The layout is chosen by another field (ESR.EC for ESR.ISS): one
        // placeholder row in the base layout, the variants as views.
        put(node.name ?? '', bits, KIND.DYNAMIC, cond);
        for (const fs of named) {
          const v = `${node.name ?? 'field'}: ${fs.display ?? fs.name}`;
          const c = and(cond, specCond(fs.condition, ctx.env, ctx));
          for (const f of fs.values) emitField(f, inner, c, v, rows, { ...ctx, where: `${where}/${fs.name}` });
        }
      }
      if (unnamed.length) {
        const eff = firstMatch(unnamed.map((fs) => specCond(fs.condition, ctx.env, ctx)));
        unnamed.forEach((fs, i) => {
          for (const f of fs.values) emitField(f, inner, and(cond, eff[i]), view, rows, ctx);
        });
        const none = eff[eff.length - 1];
        if (!(none.t === 'const' && !none.v)) put(node.name ?? '', bits, KIND.DYNAMIC, and(cond, none));
      }
      return;
    }
    default:
      notes.add('field node type not understood (not listed)', `${where}: ${node._type}`);
  }
}

/** Layouts of one (expanded) register: [{cond, width, rows}]. */
function layoutsOf(reg, ctx) {
  const fieldsets = reg.fieldsets ?? [];
  const eff = firstMatch(fieldsets.map((fs) => specCond(fs.condition, ctx.env, ctx)));
  const out = [];
  fieldsets.forEach((fs, i) => {
    if (eff[i].t === 'const' && !eff[i].v) {
      ctx.notes.add('layout that can never apply (dropped)', ctx.where);
      return;
    }
    if (fs.width !== 64 && fs.width !== 128 && fs.width !== 32) fail(ctx.where, `layout width ${fs.width}`);
    const vmap = Array.from({ length: fs.width }, (_, b) => b);
    let rows = [];
    for (const v of fs.values) emitField(v, vmap, TRUE, '', rows, ctx);
    // Alternatives that describe the same field the same way (EE whether or
    // not FEAT_MixedEnd is implemented) become one row.
    const merged = new Map();
    for (const r of rows) {
      const k = JSON.stringify([r.name, r.msb, r.lsb, r.kind, r.view, r.value]);
      const m = merged.get(k);
      if (m) m.cond = simplify(or(m.cond, r.cond));
      else merged.set(k, { ...r });
    }
    rows = [...merged.values()];
    // Base layout first, then views; MSB first within each (stable).
    const viewOrder = [...new Set(rows.map((r) => r.view))];
    rows.sort((a, b) => viewOrder.indexOf(a.view) - viewOrder.indexOf(b.view) || b.msb - a.msb);
    // Every bit of the base layout should be described by some row.
    const covered = new Array(fs.width).fill(false);
    for (const r of rows) if (r.view === '') for (let b = r.lsb; b <= r.msb; b++) covered[b] = true;
    const holes = covered.map((c, b) => (c ? -1 : b)).filter((b) => b >= 0);
    if (holes.length) ctx.notes.add('bits no field describes', `${ctx.where} [${holes.length} bits from ${holes[0]}]`);
    out.push({ cond: eff[i], width: fs.width, rows });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Encodings.

const ENC_FIELDS = [
  ['op0', 2, 14],
  ['op1', 3, 11],
  ['CRn', 4, 7],
  ['CRm', 4, 3],
  ['op2', 3, 0],
];

const ACCESSOR_KIND_NAMES = { MSRregister: 'MSR', MSRimmediate: 'MSRimm', MSRRregister: 'MSRR' };

/** Bits (MSB first, 'x' = any) of one encoding field for index value `m`. */
function encodingBits(v, width, indexVar, m, where) {
  if (v === undefined) return 'x'.repeat(width); // MSR (immediate): CRm holds the immediate
  const bitsOfIndex = (hi, lo) => {
    if (m === null) fail(where, `index ${indexVar} used outside an array accessor`);
    let s = '';
    for (let i = hi; i >= lo; i--) s += (m >> i) & 1;
    return s;
  };
  let s;
  switch (v._type) {
    case 'Values.Value':
      s = patternOf(v);
      if (s === null) fail(where, `encoding value ${v.value} is not a bit pattern`);
      break;
    case 'Values.EquationValue': {
      const w = v.slice?.[0]?.width;
      if (v.slice?.length !== 1 || v.slice[0].start !== 0 || w !== width) fail(where, 'unexpected EquationValue slice');
      // The index variable: its low bits (op2 = m for PMEVCNTR<m> means m<2:0>).
      // Any other variable is a free field of a generic encoding space.
      s = v.value === indexVar ? bitsOfIndex(width - 1, 0) : 'x'.repeat(width);
      break;
    }
    case 'Values.Group': {
      s = '';
      const parts = v.value.match(/'[01]+'|[A-Za-z]\w*\[\d+(?::\d+)?\]/g) ?? [];
      if (parts.join(':') !== v.value) fail(where, `encoding group ${v.value} not understood`);
      for (const p of parts) {
        if (p.startsWith("'")) s += p.slice(1, -1);
        else {
          const mm = /^(\w+)\[(\d+)(?::(\d+))?\]$/.exec(p);
          if (mm[1] !== indexVar) fail(where, `encoding group uses ${mm[1]}, not the index ${indexVar}`);
          s += bitsOfIndex(Number(mm[2]), Number(mm[3] ?? mm[2]));
        }
      }
      break;
    }
    default:
      fail(where, `encoding value type ${v._type}`);
  }
  if (s.length !== width) fail(where, `encoding field has ${s.length} bits, expected ${width}`);
  return s;
}

function encodingKey(encodings, indexVar, m, where) {
  let key = 0;
  let mask = 0;
  const names = Object.keys(encodings);
  for (const k of names) if (!ENC_FIELDS.some(([f]) => f === k)) fail(where, `unknown encoding field ${k}`);
  for (const [f, width, shift] of ENC_FIELDS) {
    const bits = encodingBits(encodings[f], width, indexVar, m, `${where}.${f}`);
    for (let i = 0; i < width; i++) {
      const c = bits[width - 1 - i];
      if (c === 'x') continue;
      mask |= 1 << (shift + i);
      if (c === '1') key |= 1 << (shift + i);
    }
  }
  return { key, mask };
}

// ---------------------------------------------------------------------------
// Access rules.

function outcomeOf(leaf, env, ctx, vncr) {
  if (leaf === null) return 'no effect';
  const t = leaf._type;
  if (t === 'AST.Function' && leaf.name === 'Undefined' && leaf.arguments.length === 0) return 'UNDEFINED';
  if (t === 'AST.Function' && leaf.name === 'AArch64_SystemAccessTrap') {
    const el = elNumber(leaf.arguments[0], env);
    const ec = intValue(leaf.arguments[1], env.vars);
    if (el === null || ec === null) {
      ctx.notes.add('trap leaf not understood', render(leaf, env.vars));
      return prettyStatement(renderIn(env, leaf, ctx.notes));
    }
    return `trap to EL${el}, EC 0x${ec.toString(16).padStart(2, '0')}`;
  }
  if (t === 'AST.Return' && !leaf.val) return 'no effect';
  // NVMem[offset] or NVMem[offset, size] on either side of an assignment.
  const findNv = (n) => {
    if (!n || typeof n !== 'object') return;
    if (n._type === 'AST.SquareOp' && n.var?.value === 'NVMem') {
      const off = intValue(n.arguments[0], env.vars);
      if (off === null) ctx.notes.add('NVMem offset not constant', render(n, env.vars));
      else vncr.add(off);
      return;
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') findNv(v);
  };
  findNv(leaf);
  return prettyStatement(renderIn(env, leaf, ctx.notes));
}

/**
 * Flattens an access tree into first-true-wins rules [{cond, leaf}] for one
 * exception level. A nested chain without a final TRUE arm falls through
 * to "no effect" in ASL (nothing after it runs), which the flat list makes
 * explicit.
 */
function flattenAccess(nodes, path, env, ctx, out) {
  for (const node of nodes) {
    if (node?._type !== 'Accessors.Permission.SystemAccess') fail(ctx.where, `unexpected access node ${node?._type}`);
    const c = simplify(toCond(node.condition, env, ctx));
    if (c.t === 'const' && !c.v) continue;
    const p = simplify(and(path, c));
    const body = node.access;
    if (Array.isArray(body) || body?._type === 'Accessors.Permission.SystemAccess') {
      const inner = Array.isArray(body) ? body : [body];
      if (!flattenAccess(inner, p, env, ctx, out)) out.push({ cond: p, leaf: null });
    } else {
      out.push({ cond: p, leaf: body });
    }
    if (c.t === 'const' && c.v) return true;
  }
  return false;
}

function conjuncts(c) {
  return c.t === 'and' ? c.xs : c.t === 'const' && c.v ? [] : [c];
}

function mentionsEl3State(c) {
  return [...atomsOf(c).values()].some((a) => a.t === 'atom' && /\b\w+_EL3\b|\bSCR\b|SS_Secure|SS_Realm|SS_Root/.test(a.text));
}

/** Rules at one EL: [{cond, outcome}] with constant-false ones removed. */
function rulesAt(access, el, vars, ctx, vncr, skipLeading) {
  const env = { mode: 'rules', el, vars };
  const top = Array.isArray(access) ? access : [access];
  const flat = [];
  // skipLeading: guards folded into the encoding's existence condition.
  if (top.length === 1 && Array.isArray(top[0].access) && skipLeading > 0) {
    const root = top[0];
    const c = simplify(toCond(root.condition, env, ctx));
    if (!(c.t === 'const' && c.v)) fail(ctx.where, 'leading guards under a conditional root');
    if (!flattenAccess(root.access.slice(skipLeading), TRUE, env, ctx, flat)) flat.push({ cond: TRUE, leaf: null });
  } else if (!flattenAccess(top, TRUE, env, ctx, flat)) {
    flat.push({ cond: TRUE, leaf: null });
  }
  const out = [];
  for (const { cond: raw, leaf } of flat) {
    const cond = decided(raw, 10);
    if (cond.t === 'const' && !cond.v) continue;
    let outcome = outcomeOf(leaf, env, ctx, vncr);
    let c = cond;
    if (/^trap to EL3/.test(outcome)) {
      ctx.notes.add('trap to EL3 whose condition does not vanish without EL3 (dropped)', `${ctx.where}: ${condString(c)}`);
      continue;
    }
    if (/^trap to EL2/.test(outcome)) {
      // A trap to EL2 implies EL2 is implemented; saying so on every rule is noise.
      c = simplify(and(...conjuncts(c).filter((x) => !(x.t === 'feat' && x.name === 'FEAT_EL2'))));
    }
    if (mentionsEl3State(c)) ctx.notes.add('EL3/Secure state test survives in an access rule', `${ctx.where}: ${condString(c)}`);
    out.push({ cond: c, outcome });
    if (c.t === 'const' && c.v) break;
  }
  return out;
}

/**
 * Leading arms of the root chain such as `if !IsFeatureImplemented(FEAT_XS)
 * then UNDEFINED` say when the encoding exists; they become part of its
 * existence condition. Returns { guard, count }.
 */
function leadingGuards(access, env, ctx) {
  const top = Array.isArray(access) ? access : [access];
  if (top.length !== 1 || !Array.isArray(top[0].access)) return { guard: TRUE, count: 0 };
  const root = top[0];
  if (!(root.condition?._type === 'AST.Bool' && root.condition.value === true)) return { guard: TRUE, count: 0 };
  const parts = [];
  let count = 0;
  for (const node of root.access) {
    const leaf = node.access;
    if (!(leaf?._type === 'AST.Function' && leaf.name === 'Undefined')) break;
    const c = specCond(node.condition, env, ctx);
    if ([...atomsOf(c).values()].some((a) => a.t !== 'feat')) break;
    parts.push(negate(c));
    count++;
  }
  return { guard: simplify(and(...parts)), count };
}

// ---------------------------------------------------------------------------
// Features.json: names, and which features cannot exist without EL3.

function loadFeatures(featuresJson) {
  const params = featuresJson?.parameters;
  if (!Array.isArray(params)) fail('Features.json', 'no parameters list');
  const known = new Set(params.map((p) => p.name));
  // Simple implications A --> B and A --> (B && C ...) between features.
  const implies = new Map();
  const identsOfConjunction = (n, out) => {
    if (n?._type === 'AST.Identifier') out.push(n.value);
    else if (n?._type === 'AST.BinaryOp' && n.op === '&&') {
      identsOfConjunction(n.left, out);
      identsOfConjunction(n.right, out);
    }
    return out;
  };
  for (const p of params) {
    for (const c of p.constraints ?? []) {
      if (c?._type === 'AST.BinaryOp' && c.op === '-->' && c.left?._type === 'AST.Identifier') {
        const rhs = identsOfConjunction(c.right, []);
        if (!implies.has(c.left.value)) implies.set(c.left.value, new Set());
        for (const r of rhs) implies.get(c.left.value).add(r);
      }
    }
  }
  const roots = new Set(['FEAT_EL3', 'FEAT_AA64EL3', 'FEAT_AA32EL3', 'FEAT_Secure']);
  for (const r of roots) if (!known.has(r)) fail('Features.json', `no ${r}`);
  const reaches = (f, seen = new Set()) => {
    if (roots.has(f)) return true;
    if (seen.has(f)) return false;
    seen.add(f);
    for (const g of implies.get(f) ?? []) if (reaches(g, seen)) return true;
    return false;
  };
  const unavailableWithoutEl3 = new Set([...known].filter((f) => reaches(f)));
  return { known, unavailableWithoutEl3 };
}

// ---------------------------------------------------------------------------
// The registers.

const naturalCompare = (a, b) => {
  const ka = a.replace(/\d+/g, (d) => d.padStart(4, '0'));
  const kb = b.replace(/\d+/g, (d) => d.padStart(4, '0'));
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export const ROLES = ['own', 'alias', 'shared'];

/**
 * One record per AArch64 register, arrays expanded over the indexes that
 * have encodings:
 *   { name, array, index, arrayRange, cond, layouts, encodings }
 * encodings: { asm, kind, key, mask, cond, vncr, el2, el1, el0 }
 */
export function buildSysregs(registersJson, featuresJson, notes = new Notes()) {
  if (!Array.isArray(registersJson)) fail('Registers.json', 'not a list');
  const features = loadFeatures(featuresJson);
  const entries = registersJson.filter((r) => r?.state === 'AArch64');
  const out = [];
  for (const reg of entries) {
    const where0 = reg.name;
    if (reg._type !== 'Register' && reg._type !== 'RegisterArray') fail(where0, `unexpected entry type ${reg._type}`);
    if (reg.reset !== null && reg.reset !== undefined) notes.add('register reset data not interpreted', where0);
    for (const k of ['title', 'purpose']) if (reg[k]) notes.add(`register ${k} text not kept`, where0);
    if (reg.instances !== true) notes.add('per-Security-state instances not kept (EL3 only)', where0);
    let instances = [null];
    let arrayRange = null;
    const accessors = reg.accessors ?? [];
    if (reg._type === 'RegisterArray') {
      const regIdx = indexList(reg.indexes, where0);
      arrayRange = [regIdx[0], regIdx[regIdx.length - 1]];
      // Expand over the indexes that accessor arrays give encodings for; the
      // rest of a wider register range (DBGBVR16..63_EL1 with FEAT_Debugv8p9)
      // is reached through a bank select, not an encoding of its own.
      const accIdx = new Set();
      for (const a of accessors) {
        if (a._type !== 'Accessors.SystemAccessorArray') fail(where0, 'plain accessor on a register array');
        for (const i of indexList(a.indexes, where0)) accIdx.add(i);
      }
      instances = [...accIdx].sort((a, b) => a - b);
      for (const i of instances) if (!regIdx.includes(i)) fail(where0, `accessor index ${i} outside the register's range`);
      if (instances.length !== regIdx.length) notes.add('array instances without an encoding of their own (not expanded)', `${where0} ${arrayRange[0]}..${arrayRange[1]}, encodings for ${instances[0]}..${instances[instances.length - 1]}`);
    }
    for (const index of instances) {
      const name = index === null ? reg.name : reg.name.replace(/<\w+>/, String(index));
      const vars = new Map();
      if (index !== null) vars.set(reg.index_variable, index);
      const ctx = { where: name, notes, features, vars, env: { vars } };
      const cond = specCond(reg.condition, ctx.env, ctx);
      const layouts = layoutsOf(reg, { ...ctx, env: { vars, nameVars: new Map() } });
      const encodings = [];
      for (const a of accessors) {
        const aw = `${name}/${a.name}`;
        if (a._type !== 'Accessors.SystemAccessor' && a._type !== 'Accessors.SystemAccessorArray') fail(aw, `accessor type ${a._type}`);
        if (!/^A64\.\w+$/.test(a.name)) fail(aw, 'accessor name');
        const raw = a.name.slice(4);
        const kind = ACCESSOR_KIND_NAMES[raw] ?? raw;
        if (!Array.isArray(a.encoding) || a.encoding.length !== 1) fail(aw, 'expected exactly one encoding');
        const enc = a.encoding[0];
        const indexVar = a._type === 'Accessors.SystemAccessorArray' ? a.index_variable : null;
        const m = indexVar ? index : null;
        const avars = new Map(vars);
        if (indexVar) avars.set(indexVar, index);
        let asm = enc.asmvalue ?? null;
        if (asm === null) asm = name.includes(' ') ? name.slice(name.indexOf(' ') + 1) : name;
        if (typeof asm !== 'string') fail(aw, 'asmvalue');
        if (indexVar) asm = asm.replace(`<${indexVar}>`, String(index));
        if (/[<>]/.test(asm) && !/^S[13]_</.test(asm)) notes.add('assembler name with an unexpanded variable', `${name}: ${asm}`);
        const fullAsm = name.includes(' ') ? `${name.slice(0, name.indexOf(' '))} ${asm}` : asm;
        const { key, mask } = encodingKey(enc.encodings, indexVar, m, aw);
        const actx = { ...ctx, where: `${name} ${kind} ${fullAsm}`, vars: avars, env: { vars: avars } };
        // MSR (immediate) accessors come without access rules in this release.
        const hasRules = a.access !== null && a.access !== undefined;
        if (!hasRules) notes.add('accessor without access rules (none listed)', actx.where);
        const guards = hasRules ? leadingGuards(a.access, actx.env, actx) : { guard: TRUE, count: 0 };
        const ecnd = simplify(and(cond, specCond(a.condition, actx.env, actx), guards.guard));
        if (ecnd.t === 'const' && !ecnd.v) {
          // AMEVCNTVOFF0<n>_EL2 exists for n in {0, 2, 3} only: the others are
          // unconditionally UNDEFINED by the accessor's leading guards.
          if (index === null) fail(aw, 'encoding can never exist');
          continue;
        }
        const vncr = new Set();
        const el2 = hasRules ? rulesAt(a.access, 2, avars, actx, vncr, guards.count) : [];
        const el1 = hasRules ? rulesAt(a.access, 1, avars, actx, vncr, guards.count) : [];
        const el0 = hasRules ? rulesAt(a.access, 0, avars, actx, vncr, guards.count) : [];
        if (vncr.size > 1) notes.add('several NVMem offsets for one encoding', `${actx.where}: ${[...vncr].join(', ')}`);
        encodings.push({ asm: fullAsm, kind, key, mask, cond: ecnd, vncr: vncr.size ? Math.min(...vncr) : -1, el2, el1, el0 });
      }
      if (index !== null && encodings.length === 0) {
        notes.add('array instances that are always UNDEFINED (not listed)', name);
        continue;
      }
      out.push({ name, array: index === null ? null : reg.name, index, arrayRange, cond, layouts, encodings });
    }
  }
  out.sort((a, b) => naturalCompare(a.name, b.name));
  const names = new Set(out.map((r) => r.name));
  if (names.size !== out.length) fail(null, 'two registers with the same name');
  for (const r of out) {
    for (const e of r.encodings) e.role = e.asm === r.name ? 'own' : names.has(e.asm) ? 'shared' : 'alias';
  }
  return { registers: out, notes, features };
}

// ---------------------------------------------------------------------------
// Output.

const hex16 = (n) => `0x${n.toString(16).padStart(4, '0')}`;
const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

class Interner {
  constructor(...first) {
    this.items = [...first];
    this.index = new Map(first.map((f, i) => [f, i]));
  }
  id(text) {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.items.push(text) - 1;
      this.index.set(text, i);
    }
    return i;
  }
}

/** Counts reported in the header and checked by the tests. */
export function countSysregs(registers) {
  const c = { entries: 0, arrays: 0, expanded: registers.length, encodings: 0, byKind: {} };
  const arrays = new Set();
  for (const r of registers) {
    if (r.array) arrays.add(r.array);
    for (const e of r.encodings) {
      c.encodings++;
      c.byKind[e.kind] = (c.byKind[e.kind] ?? 0) + 1;
    }
  }
  c.arrays = arrays.size;
  c.entries = registers.filter((r) => !r.array).length + arrays.size;
  return c;
}

/** Generate the TypeScript source text (no file is written). */
export function generateSysregsText({ tarball = requireAarchmrsTarball() } = {}) {
  const release = openAarchmrs(tarball);
  const regsJson = release.json('Registers.json');
  const featJson = release.json('Features.json');
  const { registers, notes, features } = buildSysregs(regsJson, featJson);
  const meta = regsJson.find((r) => r?._meta)?._meta ?? {};
  const ver = meta.version ?? {};

  const conds = new Interner('');
  const outcomes = new Interner('UNDEFINED');
  const views = new Interner('');
  const kinds = [...new Set(registers.flatMap((r) => r.encodings.map((e) => e.kind)))].sort();
  const rulesets = new Interner('[]');
  const layouts = new Interner();

  const cid = (c) => conds.id(condString(c));
  const rulesetId = (rules) =>
    rulesets.id(`[${rules.map((r) => `${cid(r.cond)},${outcomes.id(r.outcome)}`).join(',')}]`);
  const layoutId = (l) => {
    const rows = l.rows.map((f) => {
      const tail = f.value ? `,${views.id(f.view)},${q(f.value)}` : f.view ? `,${views.id(f.view)}` : '';
      return `[${q(f.name)},${f.msb},${f.lsb},${f.kind},${cid(f.cond)}${tail}]`;
    });
    return layouts.id(`[${cid(l.cond)},${l.width},[${rows.join(',')}]]`);
  };

  const regRows = registers.map((r) => {
    const lids = r.layouts.map(layoutId);
    const encs = r.encodings.map(
      (e) =>
        `[${q(e.asm)},${kinds.indexOf(e.kind)},${hex16(e.key)},${hex16(e.mask)},${cid(e.cond)},${ROLES.indexOf(e.role)},${e.vncr < 0 ? -1 : `0x${e.vncr.toString(16)}`},${rulesetId(e.el2)},${rulesetId(e.el1)},${rulesetId(e.el0)}]`,
    );
    const arr = r.array ? `,${q(r.array)},${r.index},${r.arrayRange[0]},${r.arrayRange[1]}` : '';
    return `[${q(r.name)},${cid(r.cond)},[${lids.join(',')}],[${encs.join(',')}]${arr}],`;
  });

  const counts = countSysregs(registers);
  const noteLines = notes.lines();
  const out = [];
  out.push(
    ...generatedHeader(
      SCRIPT,
      release,
      [
        `  Registers.json: architecture ${ver.architecture}, build ${ver.build}, schema ${ver.schema}, ${ver.timestamp}`,
        `${counts.entries} AArch64 entries (${counts.arrays} register arrays), ${counts.expanded} after expanding arrays;`,
        `${counts.encodings} encodings: ${Object.entries(counts.byKind).sort().map(([k, n]) => `${k} ${n}`).join(', ')}.`,
      ],
      meta,
    ),
  );
  out.push(
    '// Not in the data, so not here: reset values, titles and descriptions (the BSD',
    '// release has none), the EC-value -> view links of Dynamic fields (views are',
    '// listed but not which EC selects them).',
    '//',
    `// Not interpreted (${noteLines.length} kinds; each kept as text or listed, never dropped silently):`,
    ...(noteLines.length ? noteLines.map((l) => `//   ${l}`) : ['//   nothing']),
    '//',
    '// Access rules assume no EL3 (as nvlab): HaveEL(EL3), Secure and Realm state are',
    '// false, EL2Enabled() == FEAT_EL2, execution outside Debug state. Features that',
    `// need EL3 or Secure state count as absent there: ${[...features.unavailableWithoutEl3].sort().join(', ')}.`,
    '//',
    '// Layout (see emulator/arch/sysreg-db.ts for the reader):',
    '//  sysregTables() returns the tables below (built on first call).',
    '//  Conditions are strings in conds (index 0 = "" = always):',
    '//    FEAT_X / v8Ap1      the feature is implemented (HaveEL(EL2) is FEAT_EL2,',
    '//                        HaveAArch32() FEAT_AA32EL0, HaveAArch32EL(ELx) FEAT_AA32ELx)',
    '//    `text`              a test of PE state or another register, kept as text',
    '//    !e  e && e  e || e  (e)',
    '//  sysregs rows: [name, cond, layouts, encodings, array?, index?, arrayFirst?, arrayLast?]',
    '//    layouts: indexes into layouts; the first whose cond holds applies',
    '//    encodings: [asm, kind, key, mask, cond, role, vncr, el2Rules, el1Rules, el0Rules]',
    '//      kind: index into SYSREG_ACCESSOR_KINDS; key: op0:op1:CRn:CRm:op2 as',
    '//      instruction bits [20:5]; mask: the key bits that are fixed (0xffff',
    '//      except for generic spaces and MSR immediates, whose CRm is the value);',
    '//      role: 0 own (asm == name), 1 alias (asm names no register: SCTLR_EL12,',
    '//      TLBI VAE1NXS, DAIFSet), 2 shared (asm is another register\'s encoding',
    '//      that also reaches this one: SCTLR_EL1 for SCTLR_EL2 under E2H, ICC_PMR_EL1',
    '//      for ICV_PMR_EL1); vncr: VNCR_EL2 page offset of NVMem[] accesses, -1 none;',
    '//      el2Rules/el1Rules/el0Rules: index into rulesets',
    '//  layouts rows: [cond, width, fields]; fields: [name, msb, lsb, kind, cond,',
    '//    view?, value?]; kind: index into SYSREG_FIELD_KINDS; view: index into views',
    '//    (0 = the base layout, else a variant of a DYNAMIC field);',
    '//    value: fixed bits of a CONST field',
    '//  rulesets: flat [cond, outcome, cond, outcome, ...]; the first rule whose',
    '//    cond holds applies (the last one always does, except for the MSR immediates,',
    '//    which have no rules). outcome indexes outcomes: "UNDEFINED",',
    '//    "trap to EL2, EC 0x18", "no effect", or the ASL statement (Xt = SCTLR_EL1,',
    '//    NVMem[0x110] = Xt, ...).',
    '',
    'export const SYSREG_SOURCE = {',
    `  tarball: '${release.fileName}',`,
    `  sha256: '${release.sha256}',`,
    `  architecture: '${ver.architecture}',`,
    `  build: '${ver.build}',`,
    '} as const;',
    '',
    `export const SYSREG_FIELD_KINDS: readonly string[] = [${FIELD_KINDS.map(q).join(', ')}];`,
    '',
    `export const SYSREG_ACCESSOR_KINDS: readonly string[] = [${kinds.map(q).join(', ')}];`,
    '',
    `export const SYSREG_ROLES: readonly string[] = [${ROLES.map(q).join(', ')}];`,
    '',
    '/** [name, msb, lsb, kind, cond, view?, value?] */',
    'export type SysregFieldRow = readonly [string, number, number, number, number, number?, string?];',
    '/** [cond, width, fields] */',
    'export type SysregLayoutRow = readonly [number, number, readonly SysregFieldRow[]];',
    '/** [asm, kind, key, mask, cond, role, vncr, el2Rules, el1Rules, el0Rules] */',
    'export type SysregEncodingRow = readonly [string, number, number, number, number, number, number, number, number, number];',
    '/** [name, cond, layouts, encodings, array?, index?, arrayFirst?, arrayLast?] */',
    'export type SysregRow = readonly [string, number, readonly number[], readonly SysregEncodingRow[], string?, number?, number?, number?];',
    '',
    '/** The tables of this file; see the layout notes above. */',
    'export interface SysregTables {',
    '  readonly conds: readonly string[];',
    '  readonly outcomes: readonly string[];',
    '  readonly views: readonly string[];',
    '  readonly rulesets: readonly (readonly number[])[];',
    '  readonly layouts: readonly SysregLayoutRow[];',
    '  readonly sysregs: readonly SysregRow[];',
    '}',
    '',
    '// The tables live in a function so that loading this module costs only',
    '// a scan of its text; commands that never look at a system register do',
    '// not pay for building some 100k array elements.',
    'let tables: SysregTables | undefined;',
    '',
    'export function sysregTables(): SysregTables {',
    '  return (tables ??= {',
    '    conds: [',
    ...conds.items.map((c) => `      ${q(c)},`),
    '    ],',
    '    outcomes: [',
    ...outcomes.items.map((o) => `      ${q(o)},`),
    '    ],',
    '    views: [',
    ...views.items.map((v) => `      ${q(v)},`),
    '    ],',
    '    rulesets: [',
    ...rulesets.items.map((r) => `      ${r},`),
    '    ],',
    '    layouts: [',
    ...layouts.items.map((l) => `      ${l},`),
    '    ],',
    '    sysregs: [',
    ...regRows.map((r) => `      ${r}`),
    '    ],',
    '  });',
    '}',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------

runGeneratorCli(import.meta.url, () => [[OUTPUT_PATH, generateSysregsText()]]);
