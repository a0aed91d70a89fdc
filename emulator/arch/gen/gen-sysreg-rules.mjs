#!/usr/bin/env node
// Compiles the system-register access rules of Arm's machine-readable
// specification (Registers.json, the `access` trees of every AArch64 accessor)
// into TypeScript the CPU runs on every MRS, MSR and SYS-family instruction:
// emulator/arch/generated/sysreg-rules.ts.
//
// The rule trees are ordered if/elsif chains whose leaves are UNDEFINED,
// AArch64_SystemAccessTrap(ELx, ec), transfers between X[t] and a register or
// the VNCR_EL2 page (NVMem[offset]), and calls to maintenance operations. They
// compile to straight-line if/else chains over the CPU state; nothing walks an
// AST at run time.
//
// The machine has EL0-EL2 and no EL3, no Secure or Realm state, no AArch32 and
// no external debugger, so HaveEL(EL3), the Secure-state and halting tests
// fold to constants here and those branches vanish. Everything else (features,
// EL2 controls, NV, E2H/TGE) stays a run-time test, so profiles can differ.
//
// Constructs this compiler cannot translate become a call that stops the run
// with "unsupported access rule ..." when, and only when, it is reached; they
// are listed in the generated file's report. Nothing defaults silently.
//
//   node emulator/arch/gen/gen-sysreg-rules.mjs           write the file
//   node emulator/arch/gen/gen-sysreg-rules.mjs --check   exit 1 if it is stale

import { join } from 'node:path';
import { REPO_ROOT, armNotice, generatedHeader, openAarchmrs, requireAarchmrsTarball } from './aarchmrs-input.mjs';
import { runGeneratorCli } from './generator-cli.mjs';

export const OUT = join(REPO_ROOT, 'emulator', 'arch', 'generated', 'sysreg-rules.ts');
export const REPORT_OUT = join(REPO_ROOT, 'emulator', 'arch', 'generated', 'sysreg-rules-report.md');
const SCRIPT = 'emulator/arch/gen/gen-sysreg-rules.mjs';

export class GenError extends Error {}

// ---- accessor kinds -------------------------------------------------------------

/** Accessor names of the spec and how the CPU reaches them. */
const KINDS = {
  'A64.MRS': 'mrs',
  'A64.MSRregister': 'msr',
  'A64.TLBI': 'sys',
  'A64.AT': 'sys',
  'A64.DC': 'sys',
  'A64.IC': 'sys',
  'A64.SYS': 'sys',
  'A64.SYSL': 'sysl',
  'A64.BRB': 'sys',
  'A64.CFP': 'sys',
  'A64.COSP': 'sys',
  'A64.CPP': 'sys',
  'A64.DVP': 'sys',
  'A64.APAS': 'sys',
  'A64.TRCIT': 'sys',
  'A64.GCSPOPCX': 'sys',
  'A64.GCSPOPM': 'sysl',
  'A64.GCSPOPX': 'sys',
  'A64.GCSPUSHM': 'sys',
  'A64.GCSPUSHX': 'sys',
  'A64.GCSSS1': 'sys',
  'A64.GCSSS2': 'sysl',
};
/** Accessors with no rule tree or a 128-bit transfer the CPU does not decode (no FEAT_D128, FEAT_SYSREG128). */
const SKIPPED_KINDS = new Set(['A64.MSRimmediate', 'A64.MRRS', 'A64.MSRRregister', 'A64.TLBIP', 'A64.SYSP']);

// ---- constant folding of the machine's fixed shape ---------------------------

/** ImpDefBool choices; the CPU profile may override them at run time (see sysreg-runtime.ts). */
const IMPDEF_BOOLS = new Set([
  'IMPLEMENTED_ACTLR_ELx accessor behavior',
  'Trapped by MDCR_EL3.TDOSA',
  'Trapped by MDCR_EL2.TDOSA',
  'AArch64-AMEVCNTR1_EL0[m] is fixed',
]);

const PSTATE_FIELDS = {
  // name: [runtime accessor, width]
  EL: 2,
  SP: 1,
  N: 1,
  Z: 1,
  C: 1,
  V: 1,
  D: 1,
  A: 1,
  I: 1,
  F: 1,
  DIT: 1,
  SSBS: 1,
  PAN: 1,
  UAO: 1,
  TCO: 1,
  ALLINT: 1,
  PM: 1,
  EXLOCK: 1,
};

const EL_CONST = { EL0: 0, EL1: 1, EL2: 2, EL3: 3 };

// ---- data model from Registers.json ----------------------------------------------

function bitsOf(v, where) {
  const m = /^'([01x]*)'$/.exec(v?.value ?? '');
  if (!m) throw new GenError(`${where}: expected a quoted bit pattern, got ${JSON.stringify(v)?.slice(0, 80)}`);
  return m[1];
}

/** Base name used by rule expressions: `DBGBVR<n>_EL1` is referenced as `DBGBVR_EL1[m]`. */
function baseName(name) {
  return name.replace(/<[a-z]+>/g, '');
}

/**
 * Field layout of every AArch64 register: name -> positions, all layouts
 * (fieldsets, conditional fields) merged. A field with one position in every
 * layout is unambiguous; the alternatives of a ConditionalField give their
 * ranges relative to the conditional field's own position.
 */
function collectFields(reg) {
  const out = new Map();
  const add = (name, ranges, base, layout) => {
    if (!name || !Array.isArray(ranges) || ranges.length === 0) return;
    const abs = ranges.map((r) => ({ start: r.start + base, width: r.width }));
    const key = abs.map((r) => `${r.start}:${r.width}`).join(',');
    if (!out.has(name)) out.set(name, new Map());
    const positions = out.get(name);
    if (!positions.has(key)) positions.set(key, { ranges: abs, layouts: [] });
    positions.get(key).layouts.push(layout);
  };
  const visitField = (f, base, layout) => {
    switch (f?._type) {
      case 'Fields.Field':
      case 'Fields.ConstantField':
      case 'Fields.ImplementationDefined':
      case 'Fields.Array':
      case 'Fields.Vector':
        add(f.name, f.rangeset, base, layout);
        return;
      case 'Fields.Dynamic':
        add(f.name, f.rangeset, base, layout);
        for (const inst of f.instances ?? []) for (const g of inst.values ?? []) visitField(g, base + f.rangeset[0].start, layout);
        return;
      case 'Fields.ConditionalField':
        add(f.name, f.rangeset, base, layout);
        for (const alt of f.fields ?? []) visitField(alt.field, base + f.rangeset[0].start, layout);
        return;
      case 'Fields.Reserved':
      case 'Fields.ReservedInternal':
        return;
      default:
        throw new GenError(`${reg.name}: field of type ${f?._type}`);
    }
  };
  // A fieldset's condition selects the layout (CPTR_EL2 with and without E2H).
  for (const fs of reg.fieldsets ?? []) {
    const layout = fs.condition && !(fs.condition._type === 'AST.Bool' && fs.condition.value) ? fs.condition : null;
    for (const f of fs.values ?? []) visitField(f, 0, layout);
  }
  return out;
}

function widthOf(reg) {
  const ws = new Set((reg.fieldsets ?? []).map((f) => f.width).filter((w) => Number.isInteger(w)));
  if (ws.size === 0) return 64;
  return Math.max(...ws);
}

// ---- the compiler ------------------------------------------------------------------

/**
 * Typed values while compiling:
 *   { t: 'bool', js }             JS boolean
 *   { t: 'int', js }              JS number (UInt, indexes)
 *   { t: 'bn', w, js }            bits(w <= 32) as a non-negative JS number
 *   { t: 'bb', w, js }            bits(w) as a non-negative bigint
 *   { t: 'el', js }               an Exception level constant (number)
 * `k` holds the value when it is a compile-time constant.
 */
const bool = (js, k) => ({ t: 'bool', js, k });
const TRUE = bool('true', true);
const FALSE = bool('false', false);

class Unsupported extends Error {
  constructor(what) {
    super(what);
    this.what = what;
  }
}

function mask(w) {
  return w >= 32 ? '0xffffffff' : `0x${((2 ** w) - 1).toString(16)}`;
}

export class RuleCompiler {
  constructor(registers) {
    /** name -> { name, base, width, fields, array: count|0 } */
    this.registers = registers;
    this.byBase = new Map();
    for (const r of registers.values()) this.byBase.set(r.base, r);
    this.report = [];
    this.usedSlots = new Set();
  }

  // -- expressions --

  reg(name, where) {
    const r = this.byBase.get(name);
    if (!r) throw new Unsupported(`register ${name} is not an AArch64 system register`);
    this.usedSlots.add(r.base);
    return r;
  }

  field(ref, env) {
    const v = ref.value;
    if (v.state !== 'AArch64') throw new Unsupported(`field ${v.name}.${v.field} of a ${v.state} register`);
    if (v.instance || v.slices) throw new Unsupported(`field ${v.name}.${v.field} with instance/slices`);
    const r = this.reg(v.name);
    const positions = r.fields.get(v.field);
    if (!positions) throw new Unsupported(`unknown field ${v.name}.${v.field}`);
    const read = ({ ranges }) => {
      if (ranges.length !== 1) throw new Unsupported(`field ${v.name}.${v.field} spans ${ranges.length} ranges`);
      const { start, width } = ranges[0];
      return width <= 32
        ? { t: 'bn', w: width, js: `R.fld(c, SR.${r.base}, ${start}, ${width})` }
        : { t: 'bb', w: width, js: `R.fldBig(c, SR.${r.base}, ${start}, ${width})` };
    };
    const list = [...positions.values()];
    if (list.length === 1) return read(list[0]);
    // The field moves between layouts: pick the position whose layout applies.
    const widths = new Set(list.map((p) => p.ranges.reduce((s, x) => s + x.width, 0)));
    if (widths.size !== 1) throw new Unsupported(`field ${v.name}.${v.field} changes width between layouts`);
    // Conditional layouts are tried first; an unconditional one is what applies otherwise.
    const fallback = list.filter((p) => p.layouts.some((l) => l === null));
    if (fallback.length > 1) throw new Unsupported(`field ${v.name}.${v.field} at two places in unconditional layouts`);
    let js = fallback.length ? read(fallback[0]).js : `R.unsupported(c, ${JSON.stringify(`no layout of ${v.name} has ${v.field}`)})`;
    for (const p of list.filter((q) => !fallback.includes(q)).reverse()) {
      const conds = p.layouts.map((l) => this.cond(l, env));
      const c = conds.reduce((a, b) => this.or(a, b), FALSE);
      js = `(${c.js} ? ${read(p).js} : ${js})`;
    }
    const w = [...widths][0];
    return { t: w <= 32 ? 'bn' : 'bb', w, js };
  }

  /** Compiles an expression to a typed value; constant-folds the machine's fixed facts. */
  expr(n, env) {
    const t = n._type;
    switch (t) {
      case 'AST.Bool':
        return n.value ? TRUE : FALSE;
      case 'AST.Integer':
        return { t: 'int', js: String(n.value), k: n.value };
      case 'Values.Value': {
        const b = bitsOf(n, 'value');
        if (b.includes('x')) return { t: 'pattern', bits: b };
        const v = b.length ? parseInt(b, 2) : 0;
        if (b.length <= 32) return { t: 'bn', w: b.length, js: `0x${v.toString(16)}`, k: v };
        return { t: 'bb', w: b.length, js: `0x${BigInt('0b' + b).toString(16)}n`, k: BigInt('0b' + b) };
      }
      case 'AST.Identifier':
        return this.identifier(n.value, env);
      case 'Types.Field':
        return this.field(n, env);
      case 'Types.RegisterType': {
        const v = n.value;
        const r = this.reg(v.name);
        return this.regValue(r, null);
      }
      case 'AST.DotAtom': {
        const parts = n.values.map((x) => x.value);
        if (parts[0] === 'PSTATE' && parts.length === 2) {
          const w = PSTATE_FIELDS[parts[1]];
          if (!w) throw new Unsupported(`PSTATE.${parts[1]}`);
          if (parts[1] === 'EL') return { t: 'bn', w: 2, js: 'c.el', pel: true };
          return { t: 'bn', w, js: `R.pstate(c, '${parts[1]}')` };
        }
        if (parts.length === 2) {
          const r = this.byBase.get(parts[0]);
          if (r) return this.field({ value: { name: parts[0], field: parts[1], state: 'AArch64' } }, env);
        }
        throw new Unsupported(`reference ${parts.join('.')}`);
      }
      case 'AST.UnaryOp': {
        const e = this.expr(n.expr, env);
        if (n.op === '!') {
          this.need(e, 'bool', '!');
          if (e.k !== undefined) return e.k ? FALSE : TRUE;
          return bool(`!(${e.js})`);
        }
        if (n.op === 'NOT') {
          const b = this.toBig(e);
          return { t: 'bb', w: b.w, js: `(~(${b.js}) & ${this.bigMask(b.w)})` };
        }
        if (n.op === '-') {
          this.need(e, 'int', 'negation');
          return { t: 'int', js: `(-(${e.js}))` };
        }
        throw new Unsupported(`unary ${n.op}`);
      }
      case 'AST.BinaryOp':
        return this.binary(n, env);
      case 'AST.Function':
        return this.call(n, env, false);
      case 'AST.Concat':
        return this.concat(n.values.map((v) => this.expr(v, env)));
      case 'AST.SquareOp':
        return this.square(n, env);
      case 'AST.TypeAnnotation':
        // `bits(64) UNKNOWN`: an UNKNOWN value; nvlab returns zero for it, deterministically.
        if (n.var?._type === 'AST.Identifier' && n.var.value === 'UNKNOWN') {
          const w = n.type?.name?.arguments?.[0]?.value;
          if (!Number.isInteger(w)) throw new Unsupported('UNKNOWN of unknown width');
          return w <= 32 ? { t: 'bn', w, js: '0', k: 0 } : { t: 'bb', w, js: '0n', k: 0n };
        }
        throw new Unsupported('type annotation');
      default:
        throw new Unsupported(`expression ${t}`);
    }
  }

  identifier(name, env) {
    if (name in EL_CONST) return { t: 'el', js: String(EL_CONST[name]), k: EL_CONST[name] };
    if (name === 'm' && env.array) return { t: 'int', js: 'm' };
    if (name === 't' || name === 't2') return { t: 'int', js: name };
    if (['op0', 'op1', 'CRn', 'CRm', 'op2'].includes(name)) return { t: 'int', js: `R.encodingField(c, '${name}')` };
    if (name === 'TRUE') return TRUE;
    if (name === 'FALSE') return FALSE;
    if (/^NUM_[A-Z0-9_]+$/.test(name)) return { t: 'int', js: `R.param(c, '${name}')` };
    if (/^SS_/.test(name)) return { t: 'ss', k: name };
    if (/^(FEAT_|v[89]Ap)/.test(name)) return { t: 'feature', k: name };
    const r = this.byBase.get(name);
    if (r) return this.regValue(r, null);
    // Enumeration constants passed to maintenance operations.
    if (/^(Regime_|Broadcast_|TLBILevel_|TLBI_|CacheOp|CacheType_|ATAccess_|TranslationStage_|RestrictType_|VMID)/.test(name)) {
      return { t: 'enum', js: `'${name}'`, k: name };
    }
    throw new Unsupported(`identifier ${name}`);
  }

  regValue(r, index) {
    const idx = index === null ? '' : ` + ${index}`;
    // 128-bit registers (FEAT_D128) keep their low 64 bits; the profile has no D128, so only <63:0> is reachable.
    const wide = r.width > 64;
    return { t: 'bb', w: wide ? 128 : r.width, js: `R.regBig(c, SR.${r.base}${idx})`, reg: r, index, wide };
  }

  square(n, env) {
    const v = n.var;
    if (v._type === 'AST.Identifier' && v.value === 'X') {
      const [reg, width] = n.arguments;
      if (reg?._type !== 'AST.Identifier' || (reg.value !== 't' && reg.value !== 't2') || (width?.value !== 64 && width?.value !== 32)) {
        throw new Unsupported('X[] other than X[t, 64] and X[t, 32]');
      }
      if (width.value === 32) return { t: 'bb', w: 32, js: `(R.xBig(c, ${reg.value}) & 0xffffffffn)` };
      return { t: 'bb', w: 64, js: `R.xBig(c, ${reg.value})`, x: reg.value };
    }
    if (v._type === 'AST.Identifier' && v.value === 'VMID' && n.arguments.length === 0) {
      return { t: 'int', js: 'R.vmid(c)' };
    }
    if (v._type === 'AST.Identifier' && v.value === 'NVMem') {
      const off = this.expr(n.arguments[0], env);
      this.need(off, 'int', 'NVMem offset');
      return { t: 'nvmem', off: off.k !== undefined ? `0x${off.k.toString(16)}` : off.js };
    }
    if (n.arguments.length === 1 && n.arguments[0]._type === 'AST.Slice') {
      const base = this.expr(v, env);
      return this.slice(base, n.arguments[0]);
    }
    if (n.arguments.length === 1 && n.arguments[0]._type === 'AST.Integer' && !(v._type === 'AST.Identifier' && this.byBase.get(v.value)?.array)) {
      // A single bit, `X[t, 64][24]`.
      const bit = n.arguments[0].value;
      return this.slice(this.expr(v, env), { left: { value: bit }, right: { value: bit } });
    }
    if (v._type === 'AST.Identifier') {
      const r = this.byBase.get(v.value);
      if (r) {
        if (!r.array) throw new Unsupported(`${v.value} indexed but not an array`);
        if (n.arguments.length !== 1) throw new Unsupported(`${v.value} with ${n.arguments.length} indexes`);
        const i = this.expr(n.arguments[0], env);
        this.need(i, 'int', 'array index');
        this.usedSlots.add(r.base);
        return this.regValue(r, `R.index(c, ${i.js}, ${r.array})`);
      }
    }
    throw new Unsupported('indexing');
  }

  slice(base, s) {
    const hi = s.left?.value;
    const lo = s.right?.value;
    if (!Number.isInteger(hi) || !Number.isInteger(lo)) throw new Unsupported('slice with computed bounds');
    const w = hi - lo + 1;
    if (base.wide && hi > 63) throw new Unsupported(`bits [${hi}:${lo}] of 128-bit register ${base.reg.base}`);
    // The whole low 64 bits of a register stay a register transfer (no BigInt).
    if (base.reg && hi === 63 && lo === 0) return { ...base, w: 64, wide: false };
    const b = this.toBig(base);
    return { t: 'bb', w, js: `((${b.js} >> ${lo}n) & ${this.bigMask(w)})` };
  }

  bigMask(w) {
    return `0x${((1n << BigInt(w)) - 1n).toString(16)}n`;
  }

  toBig(e) {
    if (e.t === 'bb') return e;
    if (e.t === 'bn') return { t: 'bb', w: e.w, js: `BigInt(${e.js})` };
    if (e.t === 'int') return { t: 'bb', w: 64, js: `BigInt.asUintN(64, BigInt(${e.js}))` };
    throw new Unsupported(`a ${e.t} used as bits`);
  }

  need(e, t, what) {
    if (e.t === t) return;
    if (t === 'int' && e.t === 'el') return;
    throw new Unsupported(`${what} on a ${e.t}`);
  }

  concat(parts) {
    const w = parts.reduce((s, p) => s + (p.w ?? NaN), 0);
    if (!Number.isInteger(w)) throw new Unsupported('concatenation of values without a width');
    if (parts.every((p) => p.k !== undefined && (p.t === 'bn' || p.t === 'bb'))) {
      let v = 0n;
      for (const p of parts) v = (v << BigInt(p.w)) | BigInt(p.k);
      return w <= 32 ? { t: 'bn', w, js: `0x${v.toString(16)}`, k: Number(v) } : { t: 'bb', w, js: `0x${v.toString(16)}n`, k: v };
    }
    let shift = w;
    const terms = [];
    for (const p of parts) {
      shift -= p.w;
      if (p.k === 0 || p.k === 0n) continue;
      const b = this.toBig(p);
      terms.push(shift ? `(${b.js} << ${shift}n)` : b.js);
    }
    return { t: 'bb', w, js: terms.length ? `(${terms.join(' | ')})` : '0n', concatParts: parts };
  }

  /** Comparison of a bits value with a constant pattern (which may have x bits). */
  compare(a, pattern, negate) {
    let bits;
    if (pattern.t === 'pattern') bits = pattern.bits;
    else if ((pattern.t === 'bn' || pattern.t === 'bb') && pattern.k !== undefined) bits = pattern.k.toString(2).padStart(pattern.w, '0');
    else return null;
    if (a.t !== 'bn' && a.t !== 'bb') throw new Unsupported(`comparison of a ${a.t} with a pattern`);
    if (bits.length !== a.w) throw new Unsupported(`pattern '${bits}' compared with a ${a.w}-bit value`);
    let m = 0n;
    let v = 0n;
    for (const ch of bits) {
      m <<= 1n;
      v <<= 1n;
      if (ch !== 'x') {
        m |= 1n;
        if (ch === '1') v |= 1n;
      }
    }
    if (m === 0n) return negate ? FALSE : TRUE;
    const op = negate ? '!==' : '===';
    if (a.k !== undefined) {
      const eq = (BigInt(a.k) & m) === v;
      return eq !== negate ? TRUE : FALSE;
    }
    if (a.t === 'bn') {
      const full = m === (1n << BigInt(a.w)) - 1n;
      return bool(full ? `(${a.js} ${op} ${v})` : `((${a.js} & 0x${m.toString(16)}) ${op} 0x${v.toString(16)})`);
    }
    return bool(`((${a.js} & 0x${m.toString(16)}n) ${op} 0x${v.toString(16)}n)`);
  }

  binary(n, env) {
    const op = n.op;
    if (op === '&&' || op === '||') {
      const l = this.cond(n.left, env);
      if (op === '&&' && l.k === false) return FALSE;
      if (op === '||' && l.k === true) return TRUE;
      const r = this.cond(n.right, env);
      if (l.k === true) return r;
      if (l.k === false) return r;
      if (op === '&&' && r.k === false) return this.sideEffectFree(l) ? FALSE : bool(`(${l.js} && false)`);
      if (op === '||' && r.k === true) return this.sideEffectFree(l) ? TRUE : bool(`(${l.js} || true)`);
      if (r.k === true && op === '&&') return l;
      if (r.k === false && op === '||') return l;
      return bool(`(${l.js} ${op} ${r.js})`);
    }
    if (op === 'IN') {
      const l = this.expr(n.left, env);
      const set = n.right;
      // `x IN 'x0'` is a pattern match against one pattern; AST.Set lists several.
      const members = set?._type === 'AST.Set' ? set.values : set?._type === 'Values.Value' ? [set] : null;
      if (!members) throw new Unsupported('IN without a set');
      let acc = FALSE;
      for (const v of members) {
        const c = this.compare(l, this.expr(v, env), false);
        if (!c) throw new Unsupported('IN with a non-constant member');
        acc = this.or(acc, c);
      }
      return acc;
    }
    const l = this.expr(n.left, env);
    const r = this.expr(n.right, env);
    if (op === '==' || op === '!=') {
      const neg = op === '!=';
      if (l.t === 'el' || r.t === 'el') {
        if (l.k !== undefined && r.k !== undefined) return (l.k === r.k) !== neg ? TRUE : FALSE;
        // The PE never runs at EL3.
        if ((l.pel && r.k === 3) || (r.pel && l.k === 3)) return neg ? TRUE : FALSE;
        return bool(`(${l.js} ${neg ? '!==' : '==='} ${r.js})`);
      }
      const pc = this.compare(l, r, neg) ?? this.compare(r, l, neg);
      if (pc) return pc;
      if (l.t === 'int' && r.t === 'int') return bool(`(${l.js} ${neg ? '!==' : '==='} ${r.js})`);
      const a = this.toBig(l);
      const b = this.toBig(r);
      return bool(`(${a.js} ${neg ? '!==' : '==='} ${b.js})`);
    }
    if (['<', '<=', '>', '>='].includes(op)) {
      if ((l.t === 'int' || l.t === 'el') && (r.t === 'int' || r.t === 'el')) {
        if (l.k !== undefined && r.k !== undefined) return eval(`${l.k} ${op} ${r.k}`) ? TRUE : FALSE;
        return bool(`(${l.js} ${op} ${r.js})`);
      }
      throw new Unsupported(`${op} on ${l.t}/${r.t}`);
    }
    if (op === '+' || op === '-' || op === '*') {
      if (l.t === 'int' && r.t === 'int') return { t: 'int', js: `(${l.js} ${op} ${r.js})` };
      if (op === '*') throw new Unsupported('* on bits');
      // Bit-vector arithmetic wraps at the width of the operands.
      const a = this.toBig(l);
      const b = this.toBig(r);
      const w = Math.max(a.w, b.w);
      return { t: 'bb', w, js: `BigInt.asUintN(${w}, ${a.js} ${op} ${b.js})` };
    }
    if (op === 'AND' || op === 'OR' || op === 'EOR') {
      const a = this.toBig(l);
      const b = this.toBig(r);
      const jsop = op === 'AND' ? '&' : op === 'OR' ? '|' : '^';
      return { t: 'bb', w: Math.max(a.w, b.w), js: `(${a.js} ${jsop} ${b.js})` };
    }
    throw new Unsupported(`operator ${op}`);
  }

  or(a, b) {
    if (a.k === true || b.k === true) return TRUE;
    if (a.k === false) return b;
    if (b.k === false) return a;
    return bool(`(${a.js} || ${b.js})`);
  }

  sideEffectFree(e) {
    return !/R\.unsupported/.test(e.js);
  }

  cond(n, env) {
    let e;
    try {
      e = this.expr(n, env);
    } catch (err) {
      if (err instanceof Unsupported) {
        this.report.push(`${env.where}: condition: ${err.what}`);
        return bool(`R.unsupported(c, ${JSON.stringify(`${env.where}: ${err.what}`)})`);
      }
      throw err;
    }
    if (e.t === 'feature') return bool(`R.feat(c, '${e.k}')`);
    if (e.t !== 'bool') throw new GenError(`${env.where}: condition is a ${e.t}`);
    return e;
  }

  /** Function calls in expressions and as statements. */
  call(n, env, statement) {
    const name = n.name;
    const args = n.arguments ?? [];
    const arg = (i) => this.expr(args[i], env);
    switch (name) {
      case 'HaveEL': {
        const el = arg(0);
        return el.k === 3 ? FALSE : TRUE;
      }
      case 'EL2Enabled':
        return TRUE;
      case 'IsFeatureImplemented': {
        const f = arg(0);
        if (f.t !== 'feature') throw new Unsupported('IsFeatureImplemented of a non-feature');
        return bool(`R.feat(c, '${f.k}')`);
      }
      case 'ELIsInHost': {
        const el = arg(0);
        if (el.k === 2) return bool('R.e2h(c)');
        if (el.k === 0) return bool('R.inHost0(c)');
        return FALSE;
      }
      case 'EffectiveHCR_EL2_NVx':
        return { t: 'bn', w: 3, js: 'R.nvx(c)' };
      case 'IsHCRXEL2Enabled':
        return bool(`R.feat(c, 'FEAT_HCX')`);
      case 'EL3SDDUndef':
      case 'EL3SDDUndefPriority':
      case 'Halted':
      case 'HaltingAllowed':
      case 'ELUsingAArch32':
      case 'HaveAArch32EL':
        return FALSE;
      case 'IsHighestEL': {
        const el = arg(0);
        return el.k === 2 ? TRUE : FALSE;
      }
      case 'SecurityStateAtEL':
        return { t: 'ss', k: 'SS_NonSecure' };
      case 'ValidSecurityStateAtEL':
        return TRUE;
      case 'IsCurrentSecurityState': {
        const s = arg(0);
        return s.k === 'SS_NonSecure' ? TRUE : FALSE;
      }
      case 'HaveELUsingSecurityState': {
        const el = arg(0);
        const s = arg(1);
        return el.k !== 3 && s.k === 'SS_NonSecure' ? TRUE : FALSE;
      }
      case 'ImpDefBool': {
        const s = args[0]?.value;
        if (typeof s !== 'string') throw new Unsupported('ImpDefBool without a string');
        if (/ trapped by HCR_EL2\.TID3$/.test(s)) return bool(`R.impdef(c, ${JSON.stringify(s)}, true)`);
        if (!IMPDEF_BOOLS.has(s)) throw new Unsupported(`ImpDefBool("${s}")`);
        return bool(`R.impdef(c, ${JSON.stringify(s)}, false)`);
      }
      case 'UInt': {
        const e = arg(0);
        if (e.t === 'bn') return { t: 'int', js: e.js, k: e.k };
        if (e.t === 'bb') return { t: 'int', js: `Number(${e.js})`, k: e.k === undefined ? undefined : Number(e.k) };
        throw new Unsupported(`UInt of a ${e.t}`);
      }
      case 'IsZero': {
        const e = arg(0);
        if (e.t === 'bn') return bool(`(${e.js} === 0)`);
        const b = this.toBig(e);
        return bool(`(${b.js} === 0n)`);
      }
      case 'Zeros': {
        const w = arg(0).k;
        if (!Number.isInteger(w)) throw new Unsupported('Zeros of a computed width');
        return w <= 32 ? { t: 'bn', w, js: '0', k: 0 } : { t: 'bb', w, js: '0n', k: 0n };
      }
      case 'ZeroExtend':
      case 'SignExtend': {
        const e = this.toBig(arg(0));
        const w = arg(1).k;
        if (!Number.isInteger(w)) throw new Unsupported(`${name} to a computed width`);
        if (name === 'ZeroExtend') return { t: 'bb', w, js: e.js };
        return { t: 'bb', w, js: `BigInt.asUintN(${w}, BigInt.asIntN(${e.w}, ${e.js}))` };
      }
      case 'PhysicalCountInt':
        return { t: 'bb', w: 64, js: 'R.physicalCount(c)' };
      case 'CNTHCTL_EL2_VHE': {
        const v = this.toBig(arg(0));
        return { t: 'bb', w: 64, js: `R.cnthctlVhe(c, ${v.js})` };
      }
      case 'Undefined':
        return { t: 'stmt', js: 'R.undef(c)' };
      case 'UnimplementedIDRegister':
        return { t: 'stmt', js: 'R.unimplementedIdRegister(c)' };
      case 'Read_DBGDTR_EL0': {
        const w = arg(0).k;
        if (w !== 32 && w !== 64) throw new Unsupported(`Read_DBGDTR_EL0(${w})`);
        return { t: 'bb', w, js: `R.dccRead(c, ${w})` };
      }
      case 'Write_DBGDTR_EL0': {
        const v = this.toBig(arg(0));
        return { t: 'stmt', js: `R.dccWrite(c, ${v.w}, ${v.js})` };
      }
      case 'AArch64_ImpDefSysRegRead':
      case 'AArch64_ImpDefSysRegWrite':
      case 'AArch64_ImpDefSysInstr':
      case 'AArch64_ImpDefSysInstrWithResult':
        // nvlab implements no IMPLEMENTATION DEFINED registers or instructions.
        return { t: 'stmt', js: 'R.undef(c)' };
      case 'AArch64_SystemAccessTrap': {
        const el = arg(0);
        const ec = arg(1);
        if (el.k === 3) return { t: 'stmt', js: `R.unreachable(c, ${JSON.stringify(`${env.where}: trap to EL3`)})` };
        if (el.k === undefined || ec.k === undefined) throw new Unsupported('trap with computed target');
        return { t: 'stmt', js: `R.trap(c, ${el.k}, 0x${ec.k.toString(16)})` };
      }
      default:
        if (statement && (/^AArch64_(TLBI|DC|IC|AT|MemZero|RestrictPrediction)/.test(name) || name === 'AArch64_TLBI_ALL')) {
          const parts = args.map((a) => {
            const v = this.expr(a, env);
            if (v.t === 'enum' || v.t === 'int' || v.t === 'el') return v.js;
            if (v.t === 'bb' && v.x) return `R.xBig(c, ${v.x})`;
            if (v.t === 'bb' || v.t === 'bn') return v.js;
            if (v.t === 'bool') return v.js;
            if (v.t === 'ss') return `'${v.k}'`;
            throw new Unsupported(`${name} argument of kind ${v.t}`);
          });
          return { t: 'stmt', js: `R.maintenance(c, '${name}', [${parts.join(', ')}])` };
        }
        throw new Unsupported(`function ${name}`);
    }
  }

  // -- statements --

  /** Compiles a leaf statement to a JS statement that ends the accessor. */
  leaf(n, env) {
    try {
      return this.leafInner(n, env);
    } catch (err) {
      if (err instanceof Unsupported) {
        this.report.push(`${env.where}: ${err.what}`);
        return `return R.unsupported(c, ${JSON.stringify(`${env.where}: ${err.what}`)});`;
      }
      throw err;
    }
  }

  leafInner(n, env) {
    const t = n._type;
    if (t === 'AST.Function') {
      const s = this.call(n, env, true);
      if (s.t !== 'stmt') throw new Unsupported(`${n.name} as a statement`);
      return `return ${s.js};`;
    }
    if (t === 'AST.Return') return 'return;';
    if (t !== 'AST.Assignment') throw new Unsupported(`statement ${t}`);
    const lhs = n.var;
    const rhs = n.val;
    // X[t, 64] = source (a read)
    if (lhs._type === 'AST.SquareOp' && lhs.var?.value === 'X') {
      const dst = lhs.arguments[0]?.value;
      if (dst !== 't' && dst !== 't2') throw new Unsupported('X[] destination');
      const src = this.expr(rhs, env);
      if (src.t === 'nvmem') return `return R.nvRead(c, ${dst}, ${src.off});`;
      if (src.reg && src.w === 64 && !src.wide) {
        const slot = src.index === null ? `SR.${src.reg.base}` : `SR.${src.reg.base} + ${src.index}`;
        return `return R.rd(c, ${dst}, ${slot});`;
      }
      const b = this.toBig(src);
      return `return R.setX(c, ${dst}, ${b.js});`;
    }
    // NVMem[off] = X[t, 64] (a write to the VNCR page)
    if (lhs._type === 'AST.SquareOp' && lhs.var?.value === 'NVMem') {
      const off = this.expr(lhs.arguments[0], env);
      this.need(off, 'int', 'NVMem offset');
      const src = this.expr(rhs, env);
      if (!src.x) throw new Unsupported('NVMem write of a computed value');
      return `return R.nvWrite(c, ${src.x}, ${off.k !== undefined ? `0x${off.k.toString(16)}` : off.js});`;
    }
    // REG = X[t, 64] or REG = expression, REG[m] = ..., REG<hi:lo> = ...
    if (lhs._type === 'AST.Identifier' || (lhs._type === 'AST.SquareOp' && lhs.var?._type === 'AST.Identifier' && lhs.var.value !== 'X')) {
      let r;
      let index = null;
      let sliceRange = null;
      if (lhs._type === 'AST.Identifier') r = this.reg(lhs.value);
      else {
        r = this.reg(lhs.var.value);
        const a = lhs.arguments;
        if (a.length === 1 && a[0]._type === 'AST.Slice') sliceRange = [a[0].left?.value, a[0].right?.value];
        else if (a.length === 1 && r.array) {
          const i = this.expr(a[0], env);
          this.need(i, 'int', 'array index');
          index = `R.index(c, ${i.js}, ${r.array})`;
        } else throw new Unsupported(`assignment to ${r.base}[...]`);
      }
      if (r.width > 64 && !sliceRange) throw new Unsupported(`assignment to all 128 bits of ${r.base}`);
      const slot = index === null ? `SR.${r.base}` : `SR.${r.base} + ${index}`;
      const src = this.expr(rhs, env);
      if (sliceRange) {
        const [hi, lo] = sliceRange;
        if (!Number.isInteger(hi) || !Number.isInteger(lo)) throw new Unsupported('slice assignment with computed bounds');
        if (hi > 63) throw new Unsupported(`assignment to bits [${hi}:${lo}] of 128-bit register ${r.base}`);
        if (hi === 63 && lo === 0 && src.x && src.w === 64) return `return R.wr(c, ${slot}, ${src.x});`;
        const b = this.toBig(src);
        return `return R.wrBigSlice(c, ${slot}, ${hi}, ${lo}, ${b.js});`;
      }
      if (src.x && src.w === 64 && r.width === 64) return `return R.wr(c, ${slot}, ${src.x});`;
      const b = this.toBig(src);
      return `return R.wrBig(c, ${slot}, ${b.js});`;
    }
    // PSTATE.N:PSTATE.Z:... = value  /  PSTATE.X = value
    if (lhs._type === 'AST.Concat' || lhs._type === 'AST.DotAtom') {
      const targets = lhs._type === 'AST.Concat' ? lhs.values : [lhs];
      const fields = targets.map((x) => {
        const parts = x._type === 'AST.DotAtom' ? x.values.map((v) => v.value) : [];
        if (parts[0] !== 'PSTATE' || parts.length !== 2 || !PSTATE_FIELDS[parts[1]]) throw new Unsupported('assignment to a concatenation other than PSTATE fields');
        return { name: parts[1], w: PSTATE_FIELDS[parts[1]] };
      });
      const total = fields.reduce((s, f) => s + f.w, 0);
      const src = this.toBig(this.expr(rhs, env));
      if (src.w !== total) throw new Unsupported(`PSTATE assignment of ${src.w} bits to ${total}`);
      let shift = total;
      const stmts = [`const v = ${src.js};`];
      for (const f of fields) {
        shift -= f.w;
        stmts.push(`R.setPstate(c, '${f.name}', Number((v >> ${shift}n) & ${this.bigMask(f.w)}));`);
      }
      stmts.push('return;');
      return `{ ${stmts.join(' ')} }`;
    }
    throw new Unsupported(`assignment to ${lhs._type}`);
  }

  /** Compiles a list of SystemAccess nodes (an if/elsif chain) into JS statements. */
  chain(list, env, depth) {
    const ind = '  '.repeat(depth);
    const lines = [];
    let first = true;
    for (const node of list) {
      if (node?._type !== 'Accessors.Permission.SystemAccess') throw new GenError(`${env.where}: unexpected ${node?._type} in an access tree`);
      const c = this.cond(node.condition, env);
      if (c.k === false) continue;
      const body = Array.isArray(node.access) ? this.chain(node.access, env, depth + 1) : [`${ind}  ${this.leaf(node.access, env)}`];
      if (c.k === true) {
        if (first) lines.push(...body.map((l) => l.slice(2)));
        else {
          lines.push(`${ind}} else {`);
          lines.push(...body);
          lines.push(`${ind}}`);
        }
        return lines;
      }
      lines.push(`${ind}${first ? '' : '} else '}if (${c.js}) {`);
      lines.push(...body);
      first = false;
    }
    if (!first) lines.push(`${ind}}`);
    // Falling off the end of a chain: the spec leaves nothing to do here.
    lines.push(`${ind}return R.fellThrough(c, ${JSON.stringify(env.where)});`);
    return lines;
  }
}

// ---- generation -------------------------------------------------------------------

/**
 * Value and mask of an encoding field for array index `index`: constants (with
 * x bits free), `m` slices, groups like `'1':m[1:0]`, and free variables
 * (`op1`, `Cm`, ...) in the generic IMPLEMENTATION DEFINED spaces.
 */
function fieldValue(v, width, index, where) {
  const all = (1 << width) - 1;
  if (v._type === 'Values.Value') {
    const b = bitsOf(v, where);
    return { v: parseInt(b.replace(/x/g, '0'), 2), m: parseInt(b.replace(/[01]/g, '1').replace(/x/g, '0'), 2) };
  }
  if (v._type === 'Values.EquationValue' && v.value !== 'm') return { v: 0, m: 0 };
  if (index === undefined) throw new GenError(`${where}: encoding depends on an index outside an array accessor`);
  if (v._type === 'Values.EquationValue') {
    if (v.slice?.length !== 1) throw new GenError(`${where}: equation ${v.value}`);
    const [r] = v.slice;
    return { v: (index >> r.start) & ((1 << r.width) - 1), m: all };
  }
  if (v._type === 'Values.Group') {
    let out = 0;
    const re = /('([01]+)'|m\[(\d+)(?::(\d+))?\])(:|$)/y;
    let mt;
    let consumed = 0;
    while (consumed < v.value.length && (mt = re.exec(v.value))) {
      consumed = re.lastIndex;
      if (mt[2] !== undefined) out = (out << mt[2].length) | parseInt(mt[2], 2);
      else {
        const hi = Number(mt[3]);
        const lo = mt[4] === undefined ? hi : Number(mt[4]);
        out = (out << (hi - lo + 1)) | ((index >> lo) & ((1 << (hi - lo + 1)) - 1));
      }
    }
    if (consumed !== v.value.length) throw new GenError(`${where}: cannot parse encoding group ${v.value}`);
    return { v: out, m: all };
  }
  throw new GenError(`${where}: encoding value ${v._type}`);
}

/** 16-bit key and mask (mask bits clear where the encoding leaves the field free). */
function encodingKey(enc, index, where) {
  const widths = { op0: 2, op1: 3, CRn: 4, CRm: 4, op2: 3 };
  const shifts = { op0: 14, op1: 11, CRn: 7, CRm: 3, op2: 0 };
  let key = 0;
  let mask = 0;
  for (const name of Object.keys(widths)) {
    const v = enc.encodings[name];
    if (!v) throw new GenError(`${where}: encoding without ${name}`);
    const f = fieldValue(v, widths[name], index, where);
    key |= f.v << shifts[name];
    mask |= f.m << shifts[name];
  }
  return { key, mask };
}

function indexRange(indexes, where) {
  if (!Array.isArray(indexes) || indexes.length !== 1) throw new GenError(`${where}: index ranges ${JSON.stringify(indexes)}`);
  return { start: indexes[0].start, width: indexes[0].width };
}

/**
 * The report of what the compiler could not translate, for people: one section
 * per construct, with the accessors that contain it.
 */
function reportMarkdown(report, release, accessorCount) {
  const byWhat = new Map();
  for (const line of report) {
    const at = line.indexOf(': ');
    const where = line.slice(0, at);
    const what = line.slice(at + 2).replace(/^condition: /, '');
    if (!byWhat.has(what)) byWhat.set(what, new Set());
    byWhat.get(what).add(where);
  }
  const sections = [...byWhat].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const out = [
    '<!-- GENERATED FILE - DO NOT EDIT. Generated by ' + SCRIPT + ' (npm run gen:arch). -->',
    '',
    '# System-register access rules nvlab cannot translate yet',
    '',
    `From ${release.fileName} (sha256 ${release.sha256.slice(0, 16)}...), derived from the Arm Architecture`,
    'Machine Readable Specification (BSD release, see the notice in sysreg-rules.ts).',
    '',
    `Of ${accessorCount} accessors compiled into sysreg-rules.ts, the ones below contain a construct the`,
    'compiler does not translate. Reaching such a construct stops the run with "unsupported access',
    'rule"; a construct behind a feature the CPU profile does not implement is never reached. Most',
    'belong to features nvlab does not model (PMU, AMU, SPMU, trace, MPAM, GCS, the GICv3 banked registers).',
    '',
  ];
  for (const [what, wheres] of sections) {
    out.push(`## ${what} (${wheres.size})`, '', [...wheres].sort().join(', '), '');
  }
  return out.join('\n');
}

/** Builds the generated TypeScript source from the parsed Registers.json. */
export function generateSysregRulesTextFrom(registersJson, release) {
  return generateSysregRulesFilesFrom(registersJson, release).ts;
}

/** Both generated files: the TypeScript rules and the Markdown report. */
export function generateSysregRulesFilesFrom(registersJson, release) {
  const a64 = registersJson.filter((r) => r.state === 'AArch64');
  const registers = new Map();
  for (const r of a64) {
    const base = baseName(r.name);
    let array = 0;
    if (r._type === 'RegisterArray') {
      const rg = indexRange(r.indexes, r.name);
      array = rg.start + rg.width;
    }
    registers.set(r.name, { name: r.name, base, width: widthOf(r), fields: collectFields(r), array });
  }
  const comp = new RuleCompiler(registers);

  // One accessor per (kind, encoding). The spec documents some encodings on two
  // register pages (MRS ACTLR_EL1 on ACTLR_EL1 and on ACTLR_EL2, which it reaches
  // under E2H); the rules are then identical, except for the GIC ICC_/ICV_ pairs,
  // where the page named like the encoding is the one that describes it.
  const candidates = new Map();
  for (const r of a64) {
    for (const acc of r.accessors ?? []) {
      if (SKIPPED_KINDS.has(acc.name)) continue;
      const kind = KINDS[acc.name];
      if (!kind) throw new GenError(`${r.name}: unknown accessor ${acc.name}`);
      const isArray = acc._type === 'Accessors.SystemAccessorArray';
      const indexes = isArray
        ? (() => {
            const rg = indexRange(acc.indexes, `${r.name} ${acc.name}`);
            return Array.from({ length: rg.width }, (_, i) => rg.start + i);
          })()
        : [undefined];
      for (const enc of acc.encoding ?? []) {
        for (const index of indexes) {
          // The generic SYS/SYSL forms have no assembler name of their own.
          const asmBase = enc.asmvalue ?? r.name;
          const asm = index === undefined ? asmBase : asmBase.replace(/<[a-z]+>/, String(index));
          const where = `${asm} (${acc.name.slice(4)})`;
          const { key, mask } = encodingKey(enc, index, where);
          const id = `${kind}:${key}/${mask}`;
          if (!candidates.has(id)) candidates.set(id, []);
          candidates.get(id).push({ reg: r, acc, enc, index, asm, where, kind, key, mask, rules: JSON.stringify([acc.access, acc.condition]) });
        }
      }
    }
  }
  const chosen = [];
  for (const list of candidates.values()) {
    if (list.every((x) => x.rules === list[0].rules)) {
      chosen.push(list[0]);
      continue;
    }
    const home = list.filter((x) => baseName(x.reg.name) === baseName(x.enc.asmvalue));
    if (home.length !== 1) throw new GenError(`${list[0].where}: ${list.length} different rule sets on ${list.map((x) => x.reg.name).join(', ')}`);
    chosen.push(home[0]);
  }

  const functions = [];
  const tables = { mrs: [], msr: [], sys: [], sysl: [] };
  const patterns = [];
  /** Accessor object -> generated function name, or null when it is UNDEFINED on every path. */
  const compiled = new Map();
  const usedNames = new Set();
  for (const { reg, acc, index, asm, where, kind, key, mask } of chosen) {
    if (!compiled.has(acc)) {
      const array = acc._type === 'Accessors.SystemAccessorArray';
      const label = array ? `${acc.encoding?.[0]?.asmvalue ?? reg.name} (${acc.name.slice(4)})` : where;
      const env = { where: label, array };
      let fname = `${kind}_${(array ? baseName(acc.encoding?.[0]?.asmvalue ?? reg.name) : asm).replace(/[^A-Za-z0-9_]/g, '_')}`;
      if (mask !== 0xffff) fname += `_m${mask.toString(16)}`;
      while (usedNames.has(fname)) fname += '_';
      const guard = comp.cond(acc.condition, env);
      const body = acc.access ? comp.chain([acc.access].flat(), env, 1) : [`  return R.unsupported(c, ${JSON.stringify(`${label}: no access rules`)});`];
      // An accessor that is UNDEFINED whatever happens needs no entry: a table miss is UNDEFINED.
      const leaves = body.filter((l) => /\breturn\b/.test(l));
      const pure = body.every((l) => !/R\.(unsupported|maintenance|trap|rd|wr|nv|setX|setPstate)/.test(l));
      if (guard.k === false || (pure && leaves.every((l) => /return (R\.undef\(c\)|R\.fellThrough\(c, .*\));/.test(l)))) {
        compiled.set(acc, null);
      } else {
        usedNames.add(fname);
        // Parameter use, ignoring mentions inside the string literals of messages.
        const text = [guard.js, ...body].join('\n').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
        const tName = /\bt\b/.test(text) ? 't' : '_t';
        const mParam = array ? (/\bm\b/.test(text) ? ', m: number' : ', _m: number') : '';
        const lines = [`function ${fname}(c: RuleCpu, ${tName}: number${mParam}): void {`];
        if (guard.k !== true) lines.push(`  if (!(${guard.js})) return R.undef(c);`);
        lines.push(...body);
        lines.push('}');
        functions.push(lines.join('\n'));
        compiled.set(acc, { fname, array });
      }
    }
    const fn = compiled.get(acc);
    if (!fn) continue;
    const row = { key, mask, fname: fn.fname, index: fn.array ? index : undefined, asm, kind };
    if (mask === 0xffff) tables[kind].push(row);
    else patterns.push(row);
  }

  // Storage: every register an MRS/MSR reaches or a rule reads (not the SYS operations).
  const hasTransfer = new Set(a64.filter((x) => (x.accessors ?? []).some((a) => a.name === 'A64.MRS' || a.name === 'A64.MSRregister')).map((x) => x.name));
  // The generic IMPLEMENTATION DEFINED space (S3_<op1>_<Cn>_<Cm>_<op2>) holds no state of its own.
  const stored = [...registers.values()].filter((r) => !/<(?!n>|m>)/.test(r.name) && (comp.usedSlots.has(r.base) || hasTransfer.has(r.name)));
  const slots = stored.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const slotLines = [];
  let next = 0;
  const slotInfo = [];
  const seenBases = new Set();
  for (const r of slots) {
    if (seenBases.has(r.base)) continue;
    seenBases.add(r.base);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(r.base)) throw new GenError(`${r.name}: cannot name a storage slot ${r.base}`);
    slotLines.push(`  ${r.base} = ${next},`);
    slotInfo.push(`  ['${r.base}', ${r.array || 1}],`);
    next += r.array || 1;
  }
  for (const b of comp.usedSlots) if (!seenBases.has(b)) throw new GenError(`rules use register ${b}, which has no storage`);

  const table = (k) =>
    tables[k]
      .sort((a, b) => a.key - b.key)
      .map((e) => `  [0x${e.key.toString(16).padStart(4, '0')}, ${e.fname}${e.index === undefined ? '' : `, ${e.index}`}],`)
      .join('\n');

  const report = [...new Set(comp.report)].sort();
  const out = [];
  out.push(
    ...generatedHeader(SCRIPT, release, [
      '',
      'System-register access rules compiled for a PE with EL0-EL2, no EL3, no',
      'Secure state, no AArch32 and no external debugger.',
      `${functions.length} accessors (${tables.mrs.length} MRS, ${tables.msr.length} MSR, ${tables.sys.length} SYS, ${tables.sysl.length} SYSL); ${next} storage slots.`,
      `${report.length} constructs could not be translated; reaching one stops the run with`,
      '"unsupported access rule". They are listed in SYSREG_RULES_REPORT.',
    ]),
    '',
    '/* eslint-disable */',
    "import * as R from '../../cpu/sysreg-runtime.js';",
    "import type { RuleCpu } from '../../cpu/sysreg-runtime.js';",
    '',
    '/** Storage slots: one per register, arrays take consecutive slots. */',
    'export enum SR {',
    ...slotLines,
    `  COUNT = ${next},`,
    '}',
    '',
    '/** [register, number of slots] in slot order. */',
    'export const SR_LAYOUT: readonly (readonly [string, number])[] = [',
    ...slotInfo,
    '];',
    '',
    ...functions.flatMap((f) => [f, '']),
    '/** An accessor; `m` is the index of an array register (DBGBVR<m>_EL1, ...). */',
    'export type Accessor = (c: RuleCpu, t: number, m: number) => void;',
    '/** [16-bit op0:op1:CRn:CRm:op2 key, accessor, array index]. */',
    'export type RuleRow = readonly [number, Accessor, number?];',
    '',
    'export const MRS_RULES: readonly RuleRow[] = [',
    table('mrs'),
    '];',
    '',
    'export const MSR_RULES: readonly RuleRow[] = [',
    table('msr'),
    '];',
    '',
    'export const SYS_RULES: readonly RuleRow[] = [',
    table('sys'),
    '];',
    '',
    'export const SYSL_RULES: readonly RuleRow[] = [',
    table('sysl'),
    '];',
    '',
    '/**',
    ' * Encodings that cover a space rather than one key (the IMPLEMENTATION DEFINED',
    ' * registers and instructions): [kind, mask, value, accessor], consulted when no',
    ' * exact key matches.',
    ' */',
    "export const PATTERN_RULES: readonly (readonly ['mrs' | 'msr' | 'sys' | 'sysl', number, number, Accessor, number?])[] = [",
    ...patterns.map((p) => `  ['${p.kind}', 0x${p.mask.toString(16)}, 0x${p.key.toString(16)}, ${p.fname}${p.index === undefined ? '' : `, ${p.index}`}],`),
    '];',
    '',
    '/** Constructs the generator could not translate (each raises "unsupported access rule" if reached). */',
    'export const SYSREG_RULES_REPORT: readonly string[] = [',
    ...report.map((r) => `  ${JSON.stringify(r)},`),
    '];',
    '',
  );
  return { ts: out.join('\n'), md: reportMarkdown(report, release, functions.length) };
}

export function generateSysregRulesFiles({ tarball = requireAarchmrsTarball() } = {}) {
  const release = openAarchmrs(tarball);
  const json = release.json('Registers.json');
  return generateSysregRulesFilesFrom(json, { fileName: release.fileName, sha256: release.sha256, notice: armNotice(release) });
}

runGeneratorCli(import.meta.url, () => {
  const { ts, md } = generateSysregRulesFiles();
  return [
    [OUT, ts],
    [REPORT_OUT, md],
  ];
}, [GenError]);
