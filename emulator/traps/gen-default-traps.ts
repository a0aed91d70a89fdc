/**
 * The generator of emulator/traps/default.traps, the trap table nvlab's L0
 * host model uses by default: it walks every system register and system
 * instruction that traps with EC 0x18, reads Arm's access rules at EL1 and
 * EL0 (emulator/arch/sysreg-db.ts), keeps the rules that trap to EL2, and
 * writes one `control` per distinct condition on the coarse trap registers
 * (HCR_EL2, HCRX_EL2, MDCR_EL2, CPTR_EL2, CNTHCTL_EL2), one `combine` per
 * set of controls trapping the same encoding, the `trap` mappings, and a
 * `finetrap` per encoding whose rules test a fine-grained trap bit.
 *
 * The output is the committed file, byte for byte: `npm run gen:traps`
 * rewrites it and test/traps/default-table.test.ts checks that it is up to
 * date. Nothing in it is edited by hand; the comments come from here too.
 *
 * How a rule becomes a control (the judgements the file's header lists):
 *  - Features are all taken as implemented (the table is feature
 *    independent): FEAT_X is true, !FEAT_X false.
 *  - A rule's effective condition is its own condition and the negation of
 *    every earlier rule of the list that does not trap to EL2 and tests only
 *    the guest hypervisor's EL2 controls (HCR_EL2.NV2 redirecting to memory
 *    before HCR_EL2.NV traps: KVM's NV_nNV2 and NV1_nNV2). Earlier rules that
 *    test the PE's own state (SCTLR_EL1, PMUSERENR_EL0, CPACR_EL1 ...) decide
 *    in hardware before L0 ever sees the access, so they are taken as false.
 *  - L2 runs at EL1 or EL0 with HCR_EL2.TGE == 0 in L1's view:
 *    ELIsInHost(EL0) is false and TGE == 1 conditions never hold for it.
 *    For L1's own EL0 in a VHE host (`even in host EL0`), E2H == 1 and
 *    TGE == 1. ELIsInHost(EL2) is HCR_EL2.E2H == 1; IsHCRXEL2Enabled() is
 *    true (no EL3).
 *  - decide() does not know whether L2 is at EL1 or EL0, so an encoding's
 *    controls are the union of both levels' rules.
 */
import {
  allSysregs,
  findSysreg,
  lookupSysreg,
  parseCondition,
  sysregFields,
  sysregKeyFields,
  SYSREG_SOURCE,
  type Sysreg,
  type SysregCond,
  type SysregRule,
} from '../arch/sysreg-db.js';
import { directionOf, type Direction } from './architecture.js';

// ---------------------------------------------------------------------------------------------
// Registers.

/** The coarse trap registers the table must cover completely. */
const CORE_REGS = ['HCR_EL2', 'HCRX_EL2', 'MDCR_EL2', 'CPTR_EL2', 'CNTHCTL_EL2'] as const;
/**
 * Other EL2 registers whose fields trap EL1/EL0 accesses: the guest
 * hypervisor's virtual copies decide those too (the GIC's ICH_HCR_EL2 and
 * ICC_SRE_EL2, MPAM, and SCTLR_EL2 for L1's own EL0 in a VHE host).
 */
const EXTRA_REGS = ['ICH_HCR_EL2', 'ICC_SRE_EL2', 'MPAM2_EL2', 'MPAMHCR_EL2', 'MPAMBW2_EL2', 'SCTLR_EL2'] as const;
/** Every register a control tests, in the order of the file's sections. */
const CONTROL_REGS: readonly string[] = [...CORE_REGS, ...EXTRA_REGS];
/** The fine-grained trap registers, in the order of the file's sections. */
const FGT_REGS = [
  'HFGRTR_EL2',
  'HFGWTR_EL2',
  'HFGITR_EL2',
  'HDFGRTR_EL2',
  'HDFGWTR_EL2',
  'HAFGRTR_EL2',
  'HFGRTR2_EL2',
  'HFGWTR2_EL2',
  'HFGITR2_EL2',
  'HDFGRTR2_EL2',
  'HDFGWTR2_EL2',
] as const;
/** Read/write pairs of fine-grained trap registers, as the language names them. */
const FGT_PAIRS: Readonly<Record<string, { pair: string; read: string; write: string }>> = {
  HFGRTR_EL2: { pair: 'HFGxTR_EL2', read: 'HFGRTR_EL2', write: 'HFGWTR_EL2' },
  HFGWTR_EL2: { pair: 'HFGxTR_EL2', read: 'HFGRTR_EL2', write: 'HFGWTR_EL2' },
  HFGRTR2_EL2: { pair: 'HFGxTR2_EL2', read: 'HFGRTR2_EL2', write: 'HFGWTR2_EL2' },
  HFGWTR2_EL2: { pair: 'HFGxTR2_EL2', read: 'HFGRTR2_EL2', write: 'HFGWTR2_EL2' },
  HDFGRTR_EL2: { pair: 'HDFGxTR_EL2', read: 'HDFGRTR_EL2', write: 'HDFGWTR_EL2' },
  HDFGWTR_EL2: { pair: 'HDFGxTR_EL2', read: 'HDFGRTR_EL2', write: 'HDFGWTR_EL2' },
  HDFGRTR2_EL2: { pair: 'HDFGxTR2_EL2', read: 'HDFGRTR2_EL2', write: 'HDFGWTR2_EL2' },
  HDFGWTR2_EL2: { pair: 'HDFGxTR2_EL2', read: 'HDFGRTR2_EL2', write: 'HDFGWTR2_EL2' },
};

/** The accessors that trap with EC 0x18 (as emulator/traps/architecture.ts). */
const TRAPPABLE: ReadonlySet<string> = new Set(['MRS', 'MSR', 'SYS', 'SYSL', 'TLBI', 'AT', 'DC', 'IC', 'BRB', 'CFP', 'CPP', 'DVP', 'COSP', 'TRCIT', 'APAS']);

/** Arm's notice, as the generated files under emulator/arch/generated carry it. */
const ARM_NOTICE: readonly string[] = [
  "Derived from the Arm Architecture Machine Readable Specification (BSD release):",
  "",
  "Copyright (c) 2010-2024 Arm Limited or its affiliates. All rights reserved.",
  "This document is Non-confidential and licensed under the BSD 3-clause license.",
  "",
  "Copyright 2010-2024 Arm Limited or its affiliates.",
  "",
  "Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:",
  "",
  "Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.",
  "",
  "Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.",
  "",
  "Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.",
  "",
  "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS “AS IS” AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.",
];

const ALL_FEATURES = { features: (): boolean => true };

interface FieldPos {
  readonly msb: number;
  readonly lsb: number;
}

const fieldCache = new Map<string, FieldPos[]>();
/** Every position REG.FIELD has in the register's layouts (empty for no such field). */
function fieldPositions(reg: string, field: string): FieldPos[] {
  const id = `${reg}.${field}`;
  let p = fieldCache.get(id);
  if (!p) {
    const r = findSysreg(reg)?.register;
    const seen = new Map<string, FieldPos>();
    if (r) for (const f of sysregFields(r, ALL_FEATURES, false)) if (f.name === field) seen.set(`${f.msb}:${f.lsb}`, { msb: f.msb, lsb: f.lsb });
    p = [...seen.values()];
    fieldCache.set(id, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Conditions: literals, formulas, disjunctive normal form.

/**
 * A literal: a variable and the value it must have. Variables are
 *  - `REG.FIELD` or `REG.FIELD[b]` of a coarse trap register (value: the field value),
 *  - `fgt:REG.BIT` of a fine-grained trap register (0 or 1),
 *  - `builtin:NAME` of a built-in evaluator (1 = holds),
 *  - `other:TEXT` for anything else (1 = holds), which no table can express.
 */
interface Lit {
  readonly v: string;
  readonly value: number;
}

type F = { t: 'const'; v: boolean } | { t: 'lit'; lit: Lit } | { t: 'and' | 'or'; xs: F[] } | { t: 'not'; x: F };

const TRUE: F = { t: 'const', v: true };
const FALSE: F = { t: 'const', v: false };
const lit = (v: string, value: number): F => ({ t: 'lit', lit: { v, value } });
const and = (...xs: F[]): F => ({ t: 'and', xs });
const or = (...xs: F[]): F => ({ t: 'or', xs });

type Mode = 'guest' | 'host';

/** Width of a literal's variable in bits (fields and slices; 1 for the rest). */
function widthOf(v: string): number {
  const m = /^([A-Z0-9_]+)\.([A-Za-z0-9_]+)(?:\[(\d+)\])?$/.exec(v);
  if (!m || m[3] !== undefined) return 1;
  const p = fieldPositions(m[1]!, m[2]!);
  return p.length ? p[0]!.msb - p[0]!.lsb + 1 : 1;
}

/** Notes on atoms the generator interprets by judgement, for the report at the end of the file. */
const atomNotes = new Map<string, string>();

/** One `REG.FIELD == VALUE` of a coarse or fine-grained trap register, after the mode's assumptions. */
function fieldAtom(reg: string, field: string, value: number, mode: Mode): F {
  if ((FGT_REGS as readonly string[]).includes(reg)) return lit(`fgt:${reg}.${field}`, value);
  if (/^ID_|IDR_EL1$/.test(reg)) {
    // An ID register's field says whether a feature is there; the table is feature independent.
    atomNotes.set(`${reg}.${field}`, `${reg}.${field} (an ID register field, like a feature) is taken as true`);
    return TRUE;
  }
  if (!CONTROL_REGS.includes(reg)) return lit(`other:${reg}.${field} == ${value}`, 1);
  if (reg === 'HCR_EL2' && field === 'TGE') return (mode === 'host') === (value === 1) ? TRUE : FALSE;
  if (reg === 'HCR_EL2' && field === 'E2H' && mode === 'host') return value === 1 ? TRUE : FALSE;
  // Fields whose position depends on HCR_EL2.E2H: built-in evaluators.
  if (reg === 'CNTHCTL_EL2' && field === 'EL1PCTEN') return value === 0 ? lit('builtin:cnthctl_el1pcten', 1) : lit('builtin:cnthctl_el1pcten', 0);
  if (reg === 'CNTHCTL_EL2' && (field === 'EL1PCEN' || field === 'EL1PTEN')) return lit('builtin:cnthctl_el1pten', value === 0 ? 1 : 0);
  if (reg === 'CPTR_EL2' && field === 'TTA') return lit('builtin:cptr_tta', value);
  const pos = fieldPositions(reg, field);
  if (pos.length !== 1) return lit(`other:${reg}.${field} == ${value} (the field moves between layouts)`, 1);
  return lit(`${reg}.${field}`, value);
}

/** `0b1x0` against fields of the given widths, most significant first: one literal per fixed bit. */
function binaryAtom(reg: string, fields: readonly string[], bits: string, mode: Mode): F {
  const widths = fields.map((f) => {
    const p = fieldPositions(reg, f);
    return p.length === 1 ? p[0]!.msb - p[0]!.lsb + 1 : -1;
  });
  if (widths.some((w) => w < 0) || widths.reduce((a, b) => a + b, 0) !== bits.length) return lit(`other:${reg}.{${fields.join(',')}} == 0b${bits}`, 1);
  const xs: F[] = [];
  let at = 0;
  fields.forEach((f, i) => {
    const w = widths[i]!;
    const part = bits.slice(at, at + w);
    at += w;
    if (!part.includes('x')) {
      xs.push(fieldAtom(reg, f, parseInt(part, 2), mode));
      return;
    }
    // Don't-care bits: a slice literal per fixed bit.
    for (let b = 0; b < w; b++) {
      const c = part[w - 1 - b]!;
      if (c === 'x') continue;
      xs.push(CONTROL_REGS.includes(reg) ? lit(`${reg}.${f}[${b}]`, Number(c)) : lit(`other:${reg}.${f}[${b}] == ${c}`, 1));
    }
  });
  return and(...xs);
}

/** A condition atom (the text between backticks) under a mode's assumptions. */
function atom(text: string, mode: Mode): F {
  if (text === 'ELIsInHost(EL0)') return mode === 'host' ? TRUE : FALSE;
  if (text === 'ELIsInHost(EL2)') return mode === 'host' ? TRUE : lit('HCR_EL2.E2H', 1);
  if (text === 'IsHCRXEL2Enabled()') return TRUE;
  if (/^(\d+|UInt\(PMSELR_EL0\.SEL\)) >= GetNumEventCountersAccessible\(\)$/.test(text)) return lit('builtin:mdcr_hpmn', 1);
  if (text === 'UInt(PMSELR_EL0.SEL) != 31') {
    atomNotes.set(text, 'UInt(PMSELR_EL0.SEL) != 31 (PMXEVTYPER_EL0 with SEL == 31 is PMCCFILTR_EL0, no event counter) is left to the built-in mdcr_hpmn, which decides the counter from PMSELR_EL0.SEL');
    return TRUE;
  }
  let m = /^([A-Z][A-Z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*) (==|!=) (0b[01x]+|0x[0-9a-fA-F]+|\d+)$/.exec(text);
  if (m) {
    const [, reg, field, op, val] = m as unknown as [string, string, string, string, string];
    let f: F;
    if (val.startsWith('0b') && val.includes('x')) f = binaryAtom(reg, [field], val.slice(2), mode);
    else f = fieldAtom(reg, field, Number(val.startsWith('0b') ? parseInt(val.slice(2), 2) : val), mode);
    return op === '==' ? f : { t: 'not', x: f };
  }
  m = /^([A-Z][A-Z0-9_]*)\.\{([A-Za-z0-9_,]+)\} (==|!=) 0b([01x]+)$/.exec(text);
  if (m) {
    const f = binaryAtom(m[1]!, m[2]!.split(','), m[4]!, mode);
    return m[3] === '==' ? f : { t: 'not', x: f };
  }
  return lit(`other:${text}`, 1);
}

function convert(c: SysregCond, mode: Mode): F {
  switch (c.t) {
    case 'true':
      return TRUE;
    case 'feat':
      return TRUE;
    case 'atom':
      return atom(c.text, mode);
    case 'not':
      return { t: 'not', x: convert(c.x, mode) };
    case 'and':
      return and(...c.xs.map((x) => convert(x, mode)));
    case 'or':
      return or(...c.xs.map((x) => convert(x, mode)));
  }
}

/** A conjunction: variable → value. */
type Conj = ReadonlyMap<string, number>;
type Dnf = Conj[];

function negLit(l: Lit): Dnf {
  if (l.v.startsWith('other:') || l.v.startsWith('builtin:') || l.v.startsWith('fgt:')) return [new Map([[l.v, l.value ^ 1]])];
  const w = widthOf(l.v);
  if (w === 1) return [new Map([[l.v, l.value ^ 1]])];
  // A multi-bit field differs from a value when one of its bits does.
  const out: Dnf = [];
  for (let b = 0; b < w; b++) out.push(new Map([[`${l.v}[${b}]`, ((l.value >>> b) & 1) ^ 1]]));
  return out;
}

function andDnf(a: Dnf, b: Dnf): Dnf {
  const out: Conj[] = [];
  for (const x of a) {
    next: for (const y of b) {
      const m = new Map(x);
      for (const [k, v] of y) {
        const have = m.get(k);
        if (have !== undefined && have !== v) continue next;
        m.set(k, v);
      }
      out.push(m);
    }
  }
  return simplify(out);
}

function dnf(f: F, negate = false): Dnf {
  switch (f.t) {
    case 'const':
      return f.v !== negate ? [new Map()] : [];
    case 'lit':
      return negate ? negLit(f.lit) : [new Map([[f.lit.v, f.lit.value]])];
    case 'not':
      return dnf(f.x, !negate);
    case 'and':
    case 'or': {
      const isAnd = (f.t === 'and') !== negate;
      if (isAnd) return f.xs.reduce<Dnf>((acc, x) => andDnf(acc, dnf(x, negate)), [new Map()]);
      return simplify(f.xs.flatMap((x) => dnf(x, negate)));
    }
  }
}

const conjKey = (c: Conj): string =>
  [...c]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&');

const subset = (a: Conj, b: Conj): boolean => [...a].every(([k, v]) => b.get(k) === v);

/** Removes duplicates and absorbed conjunctions, and merges pairs differing in one bit. */
function simplify(d: Dnf): Dnf {
  let list = [...new Map(d.map((c) => [conjKey(c), c])).values()];
  for (let changed = true; changed; ) {
    changed = false;
    list = list.filter((c, i) => !list.some((o, j) => j !== i && subset(o, c) && (o.size < c.size || j < i)));
    outer: for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a.size !== b.size) continue;
        let diff: string | null = null;
        let ok = true;
        for (const [k, v] of a) {
          const w = b.get(k);
          if (w === v) continue;
          if (w === undefined || diff !== null || widthOf(k) !== 1) {
            ok = false;
            break;
          }
          diff = k;
        }
        if (!ok || diff === null) continue;
        const m = new Map(a);
        m.delete(diff);
        list.splice(j, 1);
        list[i] = m;
        changed = true;
        break outer;
      }
    }
  }
  return list;
}

/**
 * Drops every literal a conjunction does not need (the result is equivalent:
 * checked over all assignments of the variables, which are few), so that
 * NV && !(NV2 && !NV1 && !EL1NVPCT) reads as NV_nNV2 + NV_NV1 + NV_EL1NVPCT.
 */
function minimize(d: Dnf): Dnf {
  if (d.length < 2) return d;
  const vars = [...new Set(d.flatMap((c) => [...c.keys()]))];
  if (vars.length > 12 || vars.some((v) => widthOf(v) !== 1)) return d;
  const holds = (dd: Dnf, bits: number): boolean => dd.some((c) => [...c].every(([k, v]) => ((bits >>> vars.indexOf(k)) & 1) === v));
  const same = (a: Dnf, b: Dnf): boolean => {
    for (let bits = 0; bits < 1 << vars.length; bits++) if (holds(a, bits) !== holds(b, bits)) return false;
    return true;
  };
  let cur = d;
  for (let i = 0; i < cur.length; i++) {
    for (const k of [...cur[i]!.keys()]) {
      const reduced = new Map(cur[i]!);
      reduced.delete(k);
      const cand = cur.map((c, j) => (j === i ? reduced : c));
      if (same(cand, cur)) cur = cand;
    }
  }
  return simplify(cur);
}

// ---------------------------------------------------------------------------------------------
// Encodings and their trap conditions.

interface Enc {
  readonly key: number;
  readonly mask: number;
  /** Assembler names at this encoding (own and alias encodings), first the one the table uses. */
  readonly names: string[];
  /** The register (for arrays: to print runs as ranges). */
  readonly registers: Sysreg[];
  /** Accessor rule lists per direction: [EL1 rules, EL0 rules]. */
  readonly accessors: Record<Direction, [readonly SysregRule[], readonly SysregRule[]][]>;
}

const isEl2Trap = (r: SysregRule): boolean => r.outcome.type === 'trap' && r.outcome.el === 2;
const isForwardable = (r: SysregRule): boolean => r.outcome.type === 'trap' && r.outcome.el === 2 && r.outcome.ec === 0x18;

/** Encodings with an EC 0x18 trap rule after a trap to EL2 with another EC, and those ECs. */
const otherEc = new Map<string, Set<number>>();

/**
 * The DNF of the conditions under which a rule list traps to EL2 with EC
 * 0x18, under a mode; `live` when some access can get past the rules that
 * send it elsewhere (UNDEFINED, a trap to EL1) under that mode.
 */
function trapDnf(rules: readonly SysregRule[], mode: Mode, what: string): { dnf: Dnf; live: boolean } {
  let out: Dnf = [];
  let live = false;
  /** Conditions of earlier rules that pre-empt the later ones. */
  let notBefore: Dnf = [new Map()];
  for (const r of rules) {
    if (notBefore.length === 0) break;
    const own = dnf(convert(parseCondition(r.condition), mode));
    const reached = andDnf(own, notBefore);
    const toEl1 = r.outcome.type === 'trap' && r.outcome.el === 1;
    if (reached.length && r.outcome.type !== 'undefined' && !toEl1) live = true;
    if (isForwardable(r)) {
      out = simplify([...out, ...reached]);
      continue;
    }
    if (isEl2Trap(r)) {
      // A trap to EL2 with another EC (FP/SIMD, SVE, SME) is forwarded by other means; it
      // does not pre-empt a later EC 0x18 rule here.
      if (reached.length && rules.slice(rules.indexOf(r)).some(isForwardable)) {
        let s = otherEc.get(what);
        if (!s) otherEc.set(what, (s = new Set()));
        s.add((r.outcome as { ec: number }).ec);
      }
      continue;
    }
    // Only the parts of the condition that test EL2 controls can be decided by L0; the rest
    // (the PE's own state) was decided by the hardware before the access trapped to L0.
    const controlled = own.filter((c) => ![...c.keys()].some((k) => k.startsWith('other:')));
    if (controlled.length) {
      notBefore = andDnf(notBefore, dnf({ t: 'or', xs: controlled.map((c) => and(...[...c].map(([k, v]) => lit(k, v)))) }, true));
    }
  }
  return { dnf: out, live };
}

function collectEncodings(): Enc[] {
  const byId = new Map<string, Enc>();
  for (const r of allSysregs()) {
    for (const e of r.encodings) {
      if (e.role === 'shared') continue;
      if (!TRAPPABLE.has(e.kind) && !e.kind.startsWith('GCS')) continue;
      const id = `${e.key}/${e.mask}`;
      let enc = byId.get(id);
      if (!enc) byId.set(id, (enc = { key: e.key, mask: e.mask, names: [], registers: [], accessors: { read: [], write: [] } }));
      if (!enc.names.includes(e.asm)) enc.names.push(e.asm);
      if (!enc.registers.includes(r)) enc.registers.push(r);
      enc.accessors[directionOf(e.kind)].push([e.el1, e.el0]);
    }
  }
  return [...byId.values()].sort((a, b) => a.key - b.key || b.mask - a.mask);
}

// ---------------------------------------------------------------------------------------------
// What each encoding needs.

/** Per direction: the trap conditions for L2 (guest) and for L1's own EL0 in a VHE host (host). */
interface EncNeeds {
  readonly enc: Enc;
  readonly guest: Record<Direction, Dnf>;
  readonly host: Record<Direction, Dnf>;
  /** L1's host EL0 can reach the encoding in that direction. */
  readonly el0Live: Record<Direction, boolean>;
  /** L2 can reach the encoding in that direction (it is not UNDEFINED at both EL1 and EL0). */
  readonly has: Record<Direction, boolean>;
  /** Guest conditions that only one of EL1 and EL0 has (the table uses the union). */
  readonly levelDiff: string[];
}

type ConjKind = 'fine' | 'other' | 'coarse';
const kindOf = (c: Conj): ConjKind => {
  const keys = [...c.keys()];
  if (keys.some((k) => k.startsWith('fgt:'))) return keys.some((k) => k.startsWith('other:') || k.startsWith('builtin:')) ? 'other' : 'fine';
  if (keys.some((k) => k.startsWith('other:') || (k.startsWith('builtin:') && c.get(k) !== 1))) return 'other';
  if (keys.filter((k) => k.startsWith('builtin:')).length > 1) return 'other';
  return 'coarse';
};

function needsOf(enc: Enc): EncNeeds {
  const guest: Record<Direction, Dnf> = { read: [], write: [] };
  const host: Record<Direction, Dnf> = { read: [], write: [] };
  const el0Live = { read: false, write: false };
  const has = { read: false, write: false };
  const levelDiff: string[] = [];
  for (const d of ['read', 'write'] as const) {
    for (const [el1, el0] of enc.accessors[d]) {
      const what = enc.names[0]!;
      const g1 = trapDnf(el1, 'guest', what);
      const g0 = trapDnf(el0, 'guest', what);
      if (g1.live && g0.live) {
        const k1 = new Set(g1.dnf.map(conjKey));
        const k0 = new Set(g0.dnf.map(conjKey));
        for (const c of g1.dnf) if (!k0.has(conjKey(c))) levelDiff.push(`${d}s at EL1 only: ${conjText(c)}`);
        for (const c of g0.dnf) if (!k1.has(conjKey(c))) levelDiff.push(`${d}s at EL0 only: ${conjText(c)}`);
      }
      if (g1.live || g0.live) has[d] = true;
      guest[d] = simplify([...guest[d], ...g1.dnf, ...g0.dnf]);
      const h = trapDnf(el0, 'host', what);
      if (h.live) {
        el0Live[d] = true;
        host[d] = simplify([...host[d], ...h.dnf]);
      }
    }
    guest[d] = minimize(guest[d]);
    host[d] = minimize(host[d]);
  }
  return { enc, guest, host, el0Live, has, levelDiff };
}

// ---------------------------------------------------------------------------------------------
// Names and texts.

const BUILTIN_NAMES: Readonly<Record<string, { name: string; reg: string; lsb: number }>> = {
  cnthctl_el1pcten: { name: 'nEL1PCTEN', reg: 'CNTHCTL_EL2', lsb: 0 },
  cnthctl_el1pten: { name: 'nEL1PTEN', reg: 'CNTHCTL_EL2', lsb: 1 },
  cptr_tta: { name: 'TTA', reg: 'CPTR_EL2', lsb: 20 },
  mdcr_hpmn: { name: 'HPMN', reg: 'MDCR_EL2', lsb: 0 },
};

/** KVM's names for the tests of one bit of a two-bit field. */
const SLICE_NAMES: Readonly<Record<string, string>> = {
  'MDCR_EL2.E2TB[0]=0': 'E2TB',
  'MDCR_EL2.E2PB[0]=0': 'E2PB',
};

const REG_PREFIX: Readonly<Record<string, string>> = { ICH_HCR_EL2: 'ICH_', ICC_SRE_EL2: 'SRE_' };

/** ELIsInHost(EL0): the tests a control for L1's own EL0 in a VHE host adds. */
const HOST_LITS: readonly string[] = ['HCR_EL2.E2H', 'HCR_EL2.TGE'];

const FIELD_RE = /^([A-Z0-9_]+)\.([A-Za-z0-9_]+)(?:\[(\d+)\])?$/;

/** Register and bit position of a literal, for ordering. */
function litPlace(k: string): { reg: string; lsb: number } {
  if (k.startsWith('builtin:')) return BUILTIN_NAMES[k.slice(8)]!;
  const m = FIELD_RE.exec(k);
  if (!m) return { reg: '', lsb: 0 };
  const p = fieldPositions(m[1]!, m[2]!)[0];
  return { reg: m[1]!, lsb: (p?.lsb ?? 0) + Number(m[3] ?? 0) };
}

const regRank = (r: string): number => {
  const i = CONTROL_REGS.indexOf(r);
  return i < 0 ? CONTROL_REGS.length : i;
};

/** Literals in reading order: HCR_EL2 first, then the other registers, each by bit position. */
function litsInOrder(c: Conj): [string, number][] {
  return [...c].sort((a, b) => {
    const ha = HOST_LITS.indexOf(a[0]);
    const hb = HOST_LITS.indexOf(b[0]);
    if (ha >= 0 || hb >= 0) return (ha < 0 ? 9 : ha) - (hb < 0 ? 9 : hb);
    const pa = litPlace(a[0]);
    const pb = litPlace(b[0]);
    return regRank(pa.reg) - regRank(pb.reg) || pa.lsb - pb.lsb || (a[0] < b[0] ? -1 : 1);
  });
}

function litName(k: string, v: number): string {
  if (k.startsWith('builtin:')) return BUILTIN_NAMES[k.slice(8)]!.name;
  const special = SLICE_NAMES[`${k}=${v}`];
  if (special) return special;
  const m = FIELD_RE.exec(k)!;
  const field = m[2]!;
  const prefix = REG_PREFIX[m[1]!] ?? '';
  if (m[3] !== undefined || widthOf(k) === 1) {
    const base = v === 1 ? field : /^n[A-Z]/.test(field) ? field.slice(1) : `n${field}`;
    return `${prefix}${base}${m[3] ?? ''}`;
  }
  return `${prefix}${field}${v}`;
}

/** A control's name in KVM's style: TVM, NV1_nNV2, E2TB, HOST_nEL0PCTEN. */
function conjName(c: Conj, hostOnly: boolean): string {
  let lits = litsInOrder(c).filter(([k]) => !(hostOnly && HOST_LITS.includes(k)));
  // The primary register first (EL1NVPCT_nNV1_NV2), HCR_EL2's context after.
  lits = [...lits.filter(([k]) => litPlace(k).reg !== 'HCR_EL2'), ...lits.filter(([k]) => litPlace(k).reg === 'HCR_EL2')];
  // NV1_nNV2 (KVM): HCR_EL2.NV1 and NV2 only mean something with NV set.
  if (c.get('HCR_EL2.NV') === 1 && c.has('HCR_EL2.NV1') && c.has('HCR_EL2.NV2')) lits = lits.filter(([k]) => k !== 'HCR_EL2.NV');
  const name = lits.map(([k, v]) => litName(k, v)).join('_');
  return hostOnly ? `HOST${name ? `_${name}` : ''}` : name;
}

function testText(k: string, v: number): string {
  return `${k} == ${v}`;
}

/** A conjunction as readable text (for comments). */
function conjText(c: Conj): string {
  if (c.size === 0) return 'always';
  return litsInOrder(c)
    .map(([k, v]) => {
      if (k.startsWith('builtin:')) return `builtin ${k.slice(8)}${v ? '' : ' (negated)'}`;
      if (k.startsWith('fgt:')) return `${k.slice(4)} == ${v}`;
      if (k.startsWith('other:')) return v ? k.slice(6) : `!(${k.slice(6)})`;
      return testText(k, v);
    })
    .join(' && ');
}

// ---------------------------------------------------------------------------------------------
// Controls, combinations, mappings.

type Access = 'read' | 'write' | 'both';
type HostNeed = 'req' | 'forb' | 'dc';

interface Control {
  name: string;
  readonly conj: Conj;
  readonly access: Access;
  readonly hostEl0: boolean;
  readonly hostOnly: boolean;
  readonly section: string;
}

interface Use {
  readonly enc: Enc;
  readonly dirs: Set<Direction>;
  readonly host: Map<Direction, HostNeed>;
}

interface ConjUses {
  readonly conj: Conj;
  readonly hostOnly: boolean;
  readonly byEnc: Map<Enc, Use>;
}

const accessDirs = (a: Access): Direction[] => (a === 'both' ? ['read', 'write'] : [a]);

interface Table {
  readonly controls: Control[];
  /** Per encoding: the controls of its mapping, in rule order. */
  readonly mapping: Map<Enc, Control[]>;
  readonly fine: Map<Enc, FineTrap>;
  readonly needs: EncNeeds[];
  readonly skipped: Map<string, { text: string; encs: string[] }>;
}

interface FineTrap {
  /** The register or pair the item names (HFGxTR_EL2, HFGRTR_EL2, HFGITR_EL2 ...). */
  readonly group: string;
  /** The register whose bit it is (for the section and the bit position). */
  readonly reg: string;
  readonly bit: string;
  readonly polarity: number;
  readonly unless: [string, number] | null;
}

function fineOf(c: Conj): { reg: string; bit: string; value: number; unless: [string, number] | null } {
  const f = [...c].filter(([k]) => k.startsWith('fgt:'));
  const rest = [...c].filter(([k]) => !k.startsWith('fgt:'));
  if (f.length !== 1 || rest.length > 1 || (rest.length === 1 && widthOf(rest[0]![0]) !== 1)) throw new Error(`gen-default-traps: cannot express the fine-grained condition ${conjText(c)}`);
  const [k, v] = f[0]!;
  const [reg, bit] = k.slice(4).split('.') as [string, string];
  return { reg, bit, value: v, unless: rest.length ? [rest[0]![0], rest[0]![1] ^ 1] : null };
}

function buildTable(): Table {
  const needs = collectEncodings().map(needsOf);
  const needsOfEnc = new Map(needs.map((n) => [n.enc, n]));
  const groups = new Map<string, ConjUses>();
  const order: string[] = [];
  const skipped = new Map<string, { text: string; encs: string[] }>();
  const fine = new Map<Enc, FineTrap>();
  const use = (conj: Conj, hostOnly: boolean, enc: Enc): Use => {
    const k = `${hostOnly ? 'host' : 'guest'}:${conjKey(conj)}`;
    let g = groups.get(k);
    if (!g) {
      groups.set(k, (g = { conj, hostOnly, byEnc: new Map() }));
      order.push(k);
    }
    let u = g.byEnc.get(enc);
    if (!u) g.byEnc.set(enc, (u = { enc, dirs: new Set(), host: new Map() }));
    return u;
  };
  for (const n of needs) {
    for (const d of ['read', 'write'] as const) {
      const gKeys = new Set(n.guest[d].map(conjKey));
      const hKeys = new Set(n.host[d].map(conjKey));
      for (const c of [...n.guest[d], ...n.host[d]]) {
        if (kindOf(c) !== 'other') continue;
        const k = conjKey(c);
        let s = skipped.get(k);
        if (!s) skipped.set(k, (s = { text: conjText(c), encs: [] }));
        if (!s.encs.includes(n.enc.names[0]!)) s.encs.push(n.enc.names[0]!);
      }
      for (const c of n.guest[d]) {
        if (kindOf(c) !== 'coarse') continue;
        const u = use(c, false, n.enc);
        u.dirs.add(d);
        const need: HostNeed = !n.el0Live[d] ? 'dc' : hKeys.has(conjKey(c)) ? 'req' : n.host[d].some((h) => subset(h, c)) ? 'dc' : 'forb';
        u.host.set(d, need);
      }
      for (const h of n.host[d]) {
        if (kindOf(h) !== 'coarse' || gKeys.has(conjKey(h))) continue;
        const c = new Map(h);
        for (const k of HOST_LITS) c.set(k, 1);
        const u = use(c, true, n.enc);
        u.dirs.add(d);
        u.host.set(d, 'req');
      }
    }
    // Fine-grained traps: at most one condition per direction, the same bit both ways.
    const fr = n.guest.read.filter((c) => kindOf(c) === 'fine');
    const fw = n.guest.write.filter((c) => kindOf(c) === 'fine');
    if (fr.length > 1 || fw.length > 1) throw new Error(`gen-default-traps: ${n.enc.names[0]} has several fine-grained traps in one direction`);
    const r = fr[0] ? fineOf(fr[0]) : null;
    const w = fw[0] ? fineOf(fw[0]) : null;
    if (r && w) {
      if (r.bit !== w.bit || r.value !== w.value || JSON.stringify(r.unless) !== JSON.stringify(w.unless)) throw new Error(`gen-default-traps: ${n.enc.names[0]} reads and writes trap with different bits`);
      const pair = FGT_PAIRS[r.reg];
      const group = r.reg === w.reg ? r.reg : pair && pair.read === r.reg && pair.write === w.reg ? pair.pair : null;
      if (!group) throw new Error(`gen-default-traps: ${n.enc.names[0]}: ${r.reg} and ${w.reg} are no pair`);
      fine.set(n.enc, { group, reg: r.reg, bit: r.bit, polarity: r.value, unless: r.unless });
    } else if (r || w) {
      const x = (r ?? w)!;
      fine.set(n.enc, { group: x.reg, reg: x.reg, bit: x.bit, polarity: x.value, unless: x.unless });
    }
  }

  // One control per condition, unless the encodings using it need different directions or
  // host-EL0 behaviour: then one per combination of those.
  const controls: Control[] = [];
  const controlFor = new Map<string, Map<string, Control>>();
  const perEnc = new Map<Enc, Control[]>();
  for (const k of order) {
    const g = groups.get(k)!;
    const uses = [...g.byEnc.values()];
    const allDirs = new Set(uses.flatMap((u) => [...u.dirs]));
    const a0: Access = allDirs.size === 2 ? 'both' : [...allDirs][0]!;
    const hostPref = uses.some((u) => [...u.host.values()].includes('req'));
    const valid = (u: Use, a: Access, h: boolean): boolean => {
      const ds = accessDirs(a);
      for (const d of u.dirs) if (!ds.includes(d)) return false;
      for (const d of ds) if (!u.dirs.has(d) && needsOfEnc.get(u.enc)!.has[d]) return false;
      for (const d of u.dirs) {
        const need = u.host.get(d)!;
        if ((need === 'req' && !h) || (need === 'forb' && h)) return false;
      }
      return true;
    };
    const candidates: [Access, boolean][] = [];
    for (const h of [hostPref, !hostPref]) for (const a of [a0, 'both', 'read', 'write'] as Access[]) if (!candidates.some(([x, y]) => x === a && y === h)) candidates.push([a, h]);
    const made = new Map<string, Control>();
    controlFor.set(k, made);
    const get = (a: Access, h: boolean): Control => {
      const id = `${a}/${h}`;
      let c = made.get(id);
      if (!c) {
        c = { name: conjName(g.conj, g.hostOnly), conj: g.conj, access: a, hostEl0: h, hostOnly: g.hostOnly, section: sectionOf(g.conj, g.hostOnly) };
        made.set(id, c);
        controls.push(c);
      }
      return c;
    };
    const global = candidates.find(([a, h]) => uses.every((u) => valid(u, a, h)));
    for (const u of uses) {
      const list = perEnc.get(u.enc) ?? [];
      perEnc.set(u.enc, list);
      const pick = global ?? candidates.find(([a, h]) => valid(u, a, h));
      if (pick) list.push(get(pick[0], pick[1]));
      else for (const d of u.dirs) list.push(get(d, u.host.get(d) === 'req'));
    }
    if (made.size > 1) {
      // Several controls for one condition: say how they differ in the name.
      for (const c of made.values()) {
        if (c.access !== a0) c.name += c.access === 'read' ? '_R' : '_W';
        if (c.hostEl0 !== hostPref) c.name += c.hostEl0 ? '_H' : '_nH';
      }
    }
  }
  const names = new Map<string, Control>();
  for (const c of controls) {
    const prev = names.get(c.name);
    if (prev) throw new Error(`gen-default-traps: two controls are named ${c.name}: ${conjText(prev.conj)} and ${conjText(c.conj)}`);
    names.set(c.name, c);
  }
  // Each encoding's controls in the order of its rules (writes first: TVM_TRVM, as KVM).
  const mapping = new Map<Enc, Control[]>();
  for (const n of needs) {
    const list = perEnc.get(n.enc);
    if (!list) continue;
    const rank = new Map<Control, number>();
    let i = 0;
    for (const d of ['write', 'read'] as const) {
      for (const c of [...n.guest[d], ...n.host[d]]) {
        const key = conjKey(c);
        for (const ctl of list) {
          if (rank.has(ctl)) continue;
          const ck = conjKey(ctl.hostOnly ? new Map([...ctl.conj].filter(([k]) => !HOST_LITS.includes(k))) : ctl.conj);
          if (ck === key) rank.set(ctl, i++);
        }
      }
    }
    // KVM's order: HCR_EL2's controls first (TVM_TRVM_HCRX_TCR2En), host-only ones last, else rule order.
    const regOf = (c: Control): number => (c.hostOnly ? 99 : regRank(litPlace(litsInOrder(c.conj).find(([k]) => litPlace(k).reg !== 'HCR_EL2')?.[0] ?? 'HCR_EL2.X').reg));
    mapping.set(n.enc, [...new Set(list)].sort((a, b) => regOf(a) - regOf(b) || (rank.get(a) ?? 99) - (rank.get(b) ?? 99)));
  }
  return { controls, mapping, fine, needs, skipped };
}

function sectionOf(c: Conj, hostOnly: boolean): string {
  const lits = litsInOrder(c).filter(([k]) => !(hostOnly && HOST_LITS.includes(k)));
  const regs = lits.map(([k]) => litPlace(k).reg);
  return regs.find((r) => r !== 'HCR_EL2') ?? 'HCR_EL2';
}

// ---------------------------------------------------------------------------------------------
// Targets.

const ENC_CLASSES = ['registers', 'IMPLEMENTATION DEFINED', 'AT', 'DC', 'IC', 'TLBI', 'instructions'] as const;

function classOf(e: Enc): (typeof ENC_CLASSES)[number] {
  if (e.mask !== 0xffff) return 'IMPLEMENTATION DEFINED';
  const first = e.names[0]!.split(' ')[0]!;
  if (['AT', 'DC', 'IC', 'TLBI'].includes(first) && e.names[0]!.includes(' ')) return first as 'AT';
  return e.accessors.read.length + e.accessors.write.length > 0 && /^[A-Z][A-Za-z0-9_]*$/.test(e.names[0]!) && !e.names[0]!.includes(' ') && isRegister(e) ? 'registers' : 'instructions';
}

function isRegister(e: Enc): boolean {
  return e.registers.some((r) => r.encodings.some((x) => x.key === e.key && (x.kind === 'MRS' || x.kind === 'MSR')));
}

const nameKeyOf = (s: string): string => s.trim().toUpperCase().replace(/[\s_]+/g, '_');

/** The key the checker resolves a name to (as checker.ts nameKey), or null. */
function resolveName(name: string): number | null {
  const q = lookupSysreg(name);
  if (q.key !== undefined) return q.key;
  const m = q.matches[0];
  if (!m) return null;
  const exact = m.encodings.filter((e) => nameKeyOf(e.asm) === nameKeyOf(name) && e.role !== 'shared' && e.mask === 0xffff && !['MSRimm', 'MRRS', 'MSRR', 'SYSP', 'TLBIP'].includes(e.kind));
  return exact.length ? exact[0]!.key : null;
}

const tuple = (key: number): string => {
  const f = sysregKeyFields(key);
  return `(${f.op0}, ${f.op1}, ${f.crn}, ${f.crm}, ${f.op2})`;
};

const nameCache = new Map<Enc, string>();
/** The name a target uses for an exact encoding: one that resolves back to it. */
function targetName(e: Enc): string {
  let n = nameCache.get(e);
  if (n === undefined) {
    n = e.names.find((x) => resolveName(x) === e.key) ?? tuple(e.key);
    nameCache.set(e, n);
  }
  return n;
}

/** Targets for a list of encodings in key order: names, array runs as `A to B`, patterns as ranges. */
function targetsOf(encs: readonly Enc[], exactKeys: ReadonlySet<number>): string[] {
  const out: string[] = [];
  const sorted = [...encs].sort((a, b) => a.key - b.key);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (e.mask !== 0xffff) {
      const free = ~e.mask & 0xffff;
      const keys: number[] = [];
      let s = 0;
      do {
        const k = (e.key & e.mask) | s;
        if (!exactKeys.has(k)) keys.push(k);
        s = (s - free) & free;
      } while (s !== 0);
      keys.sort((a, b) => a - b);
      for (let j = 0; j < keys.length; ) {
        let end = j;
        while (end + 1 < keys.length && keys[end + 1] === keys[end]! + 1) end++;
        out.push(end > j ? `${tuple(keys[j]!)} to ${tuple(keys[end]!)}` : tuple(keys[j]!));
        j = end + 1;
      }
      continue;
    }
    // A run of consecutive encodings of one register array.
    const array = e.registers[0]?.array?.name;
    let end = i;
    while (array && end + 1 < sorted.length && sorted[end + 1]!.mask === 0xffff && sorted[end + 1]!.key === sorted[end]!.key + 1 && sorted[end + 1]!.registers[0]?.array?.name === array) end++;
    if (end - i >= 2) {
      out.push(`${targetName(e)} to ${targetName(sorted[end]!)}`);
      i = end;
    } else out.push(targetName(e));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text.

const WIDTH = 100;

/** `keyword T1, T2, ... with X`, wrapped at WIDTH with continuation lines indented. */
function itemText(keyword: string, targets: readonly string[], tail: string): string {
  const indent = ' '.repeat(keyword.length + 1);
  const lines: string[] = [];
  let line = `${keyword} `;
  targets.forEach((t, i) => {
    const piece = t + (i < targets.length - 1 ? ',' : '');
    if (line.trim() !== keyword && line.length + piece.length > WIDTH) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${piece} `;
  });
  if (line.length + tail.length > WIDTH) {
    lines.push(line.trimEnd());
    line = `${indent}${tail}`;
  } else line += tail;
  lines.push(line.trimEnd());
  return lines.join('\n');
}

function comment(text: string, prefix = '# '): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = prefix;
  for (const w of words) {
    if (line.length > prefix.length && line.length + w.length > WIDTH) {
      out.push(line.trimEnd());
      line = prefix;
    }
    line += `${w} `;
  }
  if (line.trim() !== prefix.trim()) out.push(line.trimEnd());
  return out;
}

const accessText = (a: Access): string => (a === 'both' ? 'all' : a === 'read' ? 'reads' : 'writes');

function controlLine(c: Control, pad: number): string {
  const builtin = [...c.conj.keys()].find((k) => k.startsWith('builtin:'));
  const cond = builtin
    ? `builtin ${builtin.slice(8)}`
    : litsInOrder(c.conj)
        .map(([k, v]) => testText(k, v))
        .join(' && ');
  const head = `control ${c.name.padEnd(pad)} forwards ${accessText(c.access).padEnd(6)}${c.hostEl0 ? ' even in host EL0' : ''}`;
  const line = `${head} when ${cond}`;
  if (line.length <= WIDTH) return line;
  return `${head}\n  when ${cond}`;
}


/** Why a control is there, where its name does not say it. */
const CONTROL_NOTES: Readonly<Record<string, string>> = {
  NV: "HCR_EL2.NV: L2 is a guest hypervisor itself (recursive nesting), and its EL2 register and instruction accesses from EL1 trap.",
  NV_nNV2: 'HCR_EL2.NV traps only what HCR_EL2.NV2 does not redirect to memory (KVM: CGT_HCR_NV_nNV2).',
  NV_NV1: 'With NV2 set, NV2 redirects _EL12/_EL02 accesses only when NV1 == 0: with NV1 == 1 they trap.',
  NV1_nNV2: 'EL1 registers that NV1 traps unless NV2 redirects them (KVM: CGT_HCR_NV1_nNV2).',
  NV_nATA: 'TFSR_EL2 from EL1 with NV2 set reaches TFSR_EL1, unless HCR_EL2.ATA == 0 traps it.',
  E2TB: 'MDCR_EL2.E2TB == 0bx0: the trace buffer belongs to EL2.',
  E2PB: 'MDCR_EL2.E2PB == 0bx0: the profiling buffer belongs to EL2.',
  nEL1PCTEN: 'CNTHCTL_EL2.EL1PCTEN is bit 0 with E2H == 0 and bit 10 with E2H == 1: a built-in.',
  nEL1PTEN: 'CNTHCTL_EL2.EL1PCEN (bit 1, E2H == 0) and EL1PTEN (bit 11, E2H == 1) are one control in two layouts: a built-in.',
  TTA: 'CPTR_EL2.TTA is bit 20 with E2H == 0 and bit 28 with E2H == 1: a built-in.',
  HPMN: "An event counter n >= MDCR_EL2.HPMN is reserved for EL2 (the rules' n >= GetNumEventCountersAccessible()).",
  HOST: 'FEAT_IDST and HCR_EL2.TGE: in a VHE host, EL0 reads of the ID registers and the debug communication registers trap to EL2.',
  EL1NVPCT_NV: 'FEAT_ECV with NV: the guest hypervisor of L2 asked for its EL02 physical timer accesses.',
  EL1NVVCT_NV: 'FEAT_ECV with NV: the guest hypervisor of L2 asked for its EL02 virtual timer accesses.',
};

const SECTION_TITLES: Readonly<Record<string, string>> = {
  HCR_EL2: 'HCR_EL2: the hypervisor configuration (and ELIsInHost(EL0): L1 running its own EL0 in a VHE host)',
  HCRX_EL2: 'HCRX_EL2: the extended hypervisor configuration',
  MDCR_EL2: 'MDCR_EL2: debug, PMU, statistical profiling and trace buffer',
  CPTR_EL2: 'CPTR_EL2: CPACR_EL1, trace and activity monitors (FP/SIMD, SVE and SME traps have other ECs)',
  CNTHCTL_EL2: 'CNTHCTL_EL2: the generic timer',
  ICH_HCR_EL2: 'ICH_HCR_EL2: the GIC CPU interface',
  ICC_SRE_EL2: 'ICC_SRE_EL2: the GIC system register interface',
  MPAM2_EL2: 'MPAM2_EL2: memory partitioning and monitoring',
  MPAMHCR_EL2: 'MPAMHCR_EL2: MPAM virtualization',
  MPAMBW2_EL2: 'MPAMBW2_EL2: MPAM bandwidth controls',
  SCTLR_EL2: 'SCTLR_EL2: EL0 controls of L1 running its own EL0 in a VHE host',
};

const FGT_SECTIONS: readonly [string, readonly string[], string][] = [
  ['HFGRTR_EL2 and HFGWTR_EL2', ['HFGxTR_EL2', 'HFGRTR_EL2', 'HFGWTR_EL2'], 'system registers'],
  ['HFGITR_EL2', ['HFGITR_EL2'], 'system instructions'],
  ['HDFGRTR_EL2 and HDFGWTR_EL2', ['HDFGxTR_EL2', 'HDFGRTR_EL2', 'HDFGWTR_EL2'], 'debug, trace and PMU registers'],
  ['HAFGRTR_EL2', ['HAFGRTR_EL2'], 'activity monitor registers, reads only'],
  ['HFGRTR2_EL2 and HFGWTR2_EL2', ['HFGxTR2_EL2', 'HFGRTR2_EL2', 'HFGWTR2_EL2'], 'system registers (FEAT_FGT2)'],
  ['HFGITR2_EL2', ['HFGITR2_EL2'], 'system instructions (FEAT_FGT2)'],
  ['HDFGRTR2_EL2 and HDFGWTR2_EL2', ['HDFGxTR2_EL2', 'HDFGRTR2_EL2', 'HDFGWTR2_EL2'], 'debug, trace and PMU registers (FEAT_FGT2)'],
];

const HEADER = (counts: string): string[] => {
  const ecs = [...new Set([...otherEc.values()].flatMap((s) => [...s]))].sort((a, b) => a - b);
  const ecText = ecs.map((e) => `0x${e.toString(16).padStart(2, '0')}`).join(', ');
  return [
  '# nvlab\'s default trap table.',
  '#',
  ...comment(
    "The table nvlab's L0 host model uses unless it is given another: for an L2 guest's system register or system instruction access that trapped to EL2 with EC 0x18, whether it belongs to the L1 guest hypervisor (forward it: L1's virtual EL2 registers ask for that trap) or to L0. The language is described in docs/trap-language.md.",
  ),
  '#',
  ...comment(
    `GENERATED FILE - DO NOT EDIT. Written by emulator/traps/gen-default-traps.ts (npm run gen:traps) from Arm's access rules at EL1 and EL0 in nvlab's system-register database (emulator/arch/sysreg-db.ts), which is generated from the Arm Architecture Machine Readable Specification 2024-12 (${SYSREG_SOURCE.tarball}, ${SYSREG_SOURCE.architecture} build ${SYSREG_SOURCE.build}). test/traps/default-table.test.ts checks that this file is what the generator writes, what \`nvlab check\` says about it, and how it decides representative accesses.`,
  ),
  '#',
  ...comment(counts),
  '#',
  '# How the access rules became controls:',
  ...comment(
    '- Every trap-to-EL2 rule with EC 0x18 at EL1 and EL0 is here, for the coarse controls of HCR_EL2, HCRX_EL2, MDCR_EL2, CPTR_EL2 and CNTHCTL_EL2, for the other EL2 registers whose fields trap EL1 and EL0 accesses (ICH_HCR_EL2, ICC_SRE_EL2, MPAM2_EL2, MPAMHCR_EL2, MPAMBW2_EL2, and SCTLR_EL2 for L1\'s own EL0), and for the fine-grained trap registers. Each distinct condition and direction is one control, named as KVM names them (arch/arm64/kvm/emulate-nested.c), with `n` for a field that traps when 0; an encoding several controls trap is mapped to their combination.',
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment('- Features are all taken as implemented (FEAT_X true, !FEAT_X false; ID register fields likewise): the table does not depend on a CPU profile.', '#   ').map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    '- A rule applies only when no earlier rule of its list did. Earlier rules that test L1\'s EL2 controls are part of the condition: NV2 redirecting an access to memory gives NV_nNV2 and NV1_nNV2, and HCR_EL2.NV on the _EL12/_EL02 registers becomes NV_nNV2 + NV_NV1 (NV2 redirects those only with NV1 == 0). Earlier rules that test the PE\'s own state (SCTLR_EL1, CPACR_EL1, PMUSERENR_EL0...) were decided by the hardware before the access reached L0, and are taken as not applying.',
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    `- Only traps with EC 0x18 go through this table: the FP/SIMD, SVE and SME traps of CPTR_EL2 (TFP, TZ, TSM; FPEN, ZEN, SMEN with E2H == 1) have ECs 0x07, 0x19 and 0x1d, are forwarded by other means and have no controls here.${otherEc.size ? ` They come before the EC 0x18 rules of ${[...otherEc.keys()].join(', ')} (EC ${ecText}), which are mapped regardless.` : ''}`,
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    "- L2 runs at EL1 or EL0 with HCR_EL2.TGE == 0 in L1's view: ELIsInHost(EL0) is false for it and rules that need TGE == 1 (EL1's EL0 controls routed to EL2) never apply to it. ELIsInHost(EL2) is HCR_EL2.E2H == 1; IsHCRXEL2Enabled() is true (no EL3).",
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    "- `even in host EL0` (KVM's BEHAVE_FORWARD_IN_HOST_EL0) marks the controls whose rules also hold for L1's own EL0 in a VHE host (HCR_EL2.E2H == 1, TGE == 1), where fine-grained traps do not apply: MDCR_EL2.TPM, TPMCR, EnSPM, HPMN and CPTR_EL2.TAM, whose rules do not exclude ELIsInHost(EL0); and the HOST_* controls, for rules that apply only there (ELIsInHost(EL0), FEAT_IDST with TGE == 1), which test HCR_EL2.E2H == 1 && HCR_EL2.TGE == 1 themselves so that they never hold for L2.",
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    "- decide() does not know whether L2 is at EL1 or EL0: an encoding's controls are the union of both levels' rules. Where they differ (listed at the end), an EL0 access is forwarded that the architecture would not trap to EL2; L0 only sees one if it traps it for itself.",
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  ...comment(
    '- Conditions on registers other than EL2 registers (the PE\'s own state, and SPMACCESSR_EL2 indexed by SPMSELR_EL0) cannot be tested by a control; they are listed at the end with the encodings they concern.',
    '#   ',
  ).map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)),
  '#',
  ...ARM_NOTICE.map((l) => (l ? `# ${l}` : '#')),
  ];
};

function sectionRule(title: string): string[] {
  return ['', `# ${'='.repeat(WIDTH - 2)}`, ...comment(title), `# ${'='.repeat(WIDTH - 2)}`, ''];
}

/** The text of emulator/traps/default.traps. */
export function generateDefaultTraps(): string {
  const t = buildTable();
  const exactKeys = new Set(t.needs.filter((n) => n.enc.mask === 0xffff).map((n) => n.enc.key));
  // Combinations: one per set of controls, named after its members.
  const combos = new Map<string, { name: string; members: Control[]; encs: Enc[] }>();
  const single = new Map<Control, Enc[]>();
  for (const n of t.needs) {
    const list = t.mapping.get(n.enc);
    if (!list) continue;
    if (list.length === 1) {
      const l = single.get(list[0]!) ?? [];
      l.push(n.enc);
      single.set(list[0]!, l);
      continue;
    }
    const id = list.map((c) => c.name).join('+');
    let c = combos.get(id);
    if (!c) combos.set(id, (c = { name: list.map((x) => x.name).join('_'), members: list, encs: [] }));
    c.encs.push(n.enc);
  }
  const used = new Set<Control>([...single.keys(), ...[...combos.values()].flatMap((c) => c.members)]);
  const controls = t.controls.filter((c) => used.has(c));
  const primaryLsb = (c: Control): number => {
    const l = litsInOrder(c.conj).filter(([k]) => litPlace(k).reg === c.section && !(c.hostOnly && HOST_LITS.includes(k)));
    return l.length ? litPlace(l[0]![0]).lsb : -1;
  };
  controls.sort((a, b) => regRank(a.section) - regRank(b.section) || Number(a.hostOnly) - Number(b.hostOnly) || primaryLsb(a) - primaryLsb(b) || (a.name < b.name ? -1 : 1));

  const out: string[] = [];
  let trapItems = 0;
  let trapEncs = 0;
  let trapSpaces = 0;
  const mappingText = (encs: readonly Enc[], name: string): string[] => {
    const lines: string[] = [];
    for (const cls of ENC_CLASSES) {
      const of = encs.filter((e) => classOf(e) === cls);
      if (!of.length) continue;
      trapItems++;
      trapEncs += of.filter((e) => e.mask === 0xffff).length;
      trapSpaces += of.filter((e) => e.mask !== 0xffff).length;
      if (cls === 'IMPLEMENTATION DEFINED') lines.push(...comment('The IMPLEMENTATION DEFINED spaces: CRn = 11 and 15 of the system instructions (op0 = 1) and of the system registers (op0 = 3).'));
      lines.push(itemText('trap', targetsOf(of, exactKeys), `with ${name}`));
    }
    return lines;
  };
  const builtins = controls.filter((c) => [...c.conj.keys()].some((k) => k.startsWith('builtin:'))).length;
  const body: string[] = [];
  for (const section of CONTROL_REGS) {
    const cs = controls.filter((c) => c.section === section);
    if (!cs.length) continue;
    body.push(...sectionRule(SECTION_TITLES[section] ?? section));
    const pad = Math.max(...cs.map((c) => c.name.length));
    for (const c of cs) {
      const note = CONTROL_NOTES[c.name];
      if (note) body.push(...comment(note));
      body.push(controlLine(c, pad));
    }
    const sectionCombos = [...combos.values()].filter((c) => c.members[0]!.section === section).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (sectionCombos.length) body.push('');
    for (const c of sectionCombos) body.push(`combine ${c.name} = ${c.members.map((m) => m.name).join(' + ')}`);
    for (const c of cs) {
      const encs = single.get(c);
      if (!encs) continue;
      body.push('', ...mappingText(encs, c.name));
    }
    for (const c of sectionCombos) body.push('', ...mappingText(c.encs, c.name));
  }

  // Fine-grained traps.
  const fineItems = new Map<string, { f: FineTrap; encs: Enc[] }>();
  for (const n of t.needs) {
    const f = t.fine.get(n.enc);
    if (!f) continue;
    const id = `${f.group}.${f.bit}=${f.polarity}/${f.unless?.join('=') ?? ''}`;
    let it = fineItems.get(id);
    if (!it) fineItems.set(id, (it = { f, encs: [] }));
    it.encs.push(n.enc);
  }
  let fineCount = 0;
  let fineEncs = 0;
  for (const [title, groups, what] of FGT_SECTIONS) {
    const items = [...fineItems.values()].filter((i) => groups.includes(i.f.group));
    if (!items.length) continue;
    body.push(...sectionRule(`Fine-grained traps: ${title}, ${what}`));
    const bitPos = (f: FineTrap): number => fieldPositions(f.reg, f.bit)[0]?.lsb ?? 0;
    items.sort((a, b) => bitPos(a.f) - bitPos(b.f) || (a.f.group < b.f.group ? -1 : a.f.group > b.f.group ? 1 : 0) || (a.f.bit < b.f.bit ? -1 : 1));
    for (const it of items) {
      fineCount++;
      fineEncs += it.encs.length;
      const tail = `with ${it.f.group}.${it.f.bit}${it.f.polarity === 0 ? ' == 0' : ''}${it.f.unless ? ` unless ${testText(it.f.unless[0], it.f.unless[1])}` : ''}`;
      body.push(itemText('finetrap', targetsOf(it.encs, exactKeys), tail));
    }
  }

  // What the table leaves out, and the EL1/EL0 differences.
  body.push(...sectionRule('Not in this table'));
  body.push(...comment('Trap-to-EL2 conditions no control can test (registers other than EL2 registers, or an index into SPMACCESSR_EL2), with the encodings they concern. In a VHE host, the PE evaluates the EL0 enables of L1\'s own EL0 (PMUSERENR_EL0, AMUSERENR_EL0, MDSCR_EL1, GCSCRE0_EL1) itself.'));
  body.push('#');
  for (const s of [...t.skipped.values()].sort((a, b) => (a.text < b.text ? -1 : 1))) {
    const list = s.encs.length > 6 ? `${s.encs.slice(0, 6).join(', ')} and ${s.encs.length - 6} more` : s.encs.join(', ');
    body.push(...comment(`- ${s.text}: ${list}`, '#   ').map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)));
  }
  const diffs = t.needs.filter((n) => n.levelDiff.length);
  if (diffs.length) {
    body.push('#');
    body.push(...comment('Controls that trap an encoding at one exception level only (the table forwards at both):'));
    for (const n of diffs) {
      const label = n.enc.mask === 0xffff ? targetName(n.enc) : `the IMPLEMENTATION DEFINED ${n.enc.names[0]} space`;
      body.push(...comment(`- ${label}: ${[...new Set(n.levelDiff)].join('; ')}`, '#   ').map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)));
    }
  }
  const notes = [...atomNotes.values()];
  if (notes.length) {
    body.push('#');
    body.push(...comment('Terms of the rules read by judgement:'));
    for (const n of notes) body.push(...comment(`- ${n}`, '#   ').map((l, i) => (i === 0 ? l.replace('#   -', '# -') : l)));
  }

  const counts = `${controls.length} controls (${builtins} built-in, ${controls.filter((c) => c.hostEl0).length} even in host EL0), ${combos.size} combinations, ${trapItems} trap items mapping ${trapEncs} encodings${trapSpaces ? ` and the IMPLEMENTATION DEFINED spaces` : ''}, ${fineCount} finetrap items mapping ${fineEncs} encodings.`;
  out.push(...HEADER(counts), ...body);
  return out.join('\n') + '\n';
}

export { buildTable as buildDefaultTrapsTable, conjText, conjKey };
export type { Control, Enc, EncNeeds, FineTrap, Table };
