// Branches, exception generation and system instructions (hints, barriers,
// PSTATE, SYS aliases, MRS/MSR) in objdump's syntax. System register and
// system instruction names come from the repository's database, generated
// from Arm's specification.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import { sysregEncodingsByKey, sysregNameForKey } from '../arch/sysreg-db.js';
import { COND, condComment, dec, imm, rs, rz, sext, type Decoded, type PcRelative } from './disassemble-format.js';

const d = (mnemonic: string, operands = '', comment?: string): Decoded => ({ mnemonic, operands, comment });

/** Bits [31:29] = x01, [28:26] = 101: branches, exception generation, system. */
export function disBranchSystem(w: number, pc: PcRelative): Decoded | null {
  const op0 = w >>> 29;
  const rt = w & 31;
  if ((op0 & 3) === 0) return d(op0 & 4 ? 'bl' : 'b', pc.address(sext(w & 0x3ffffff, 26) * 4));
  if ((op0 & 3) === 1) {
    if ((w >>> 25) & 1) {
      const bit = ((w >>> 31) << 5) | ((w >>> 19) & 31);
      const target = pc.address(sext((w >>> 5) & 0x3fff, 14) * 4);
      return d((w >>> 24) & 1 ? 'tbnz' : 'tbz', `${rz(rt, bit >= 32)}, ${dec(bit)}, ${target}`);
    }
    const target = pc.address(sext((w >>> 5) & 0x7ffff, 19) * 4);
    return d((w >>> 24) & 1 ? 'cbnz' : 'cbz', `${rz(rt, w >>> 31)}, ${target}`);
  }
  if (op0 === 0b010) {
    // B.cond, and BC.cond (FEAT_HBC) with bit 4 set.
    if ((w >>> 24) & 1 || (w >>> 25) & 1) return null;
    const bc = (w >>> 4) & 1 ? 'bc' : 'b';
    const cond = w & 0xf;
    const target = pc.address(sext((w >>> 5) & 0x7ffff, 19) * 4);
    const alt = BCOND_ALIASES[cond]?.replace(/\bb\./g, bc + '.');
    return { mnemonic: `${bc}.${COND[cond]}`, operands: target, comment: alt, commentPad: -1 };
  }
  if (op0 !== 0b110) return null;
  if ((w >>> 25) & 1) return branchRegister(w);
  if (((w >>> 24) & 1) === 0) return exceptionGeneration(w);
  if (((w >>> 22) & 7) !== 0b100) return null;
  return system(w);
}

/** The other names of a condition when it is a branch condition (b.eq is also b.none). */
const BCOND_ALIASES: readonly (string | undefined)[] = COND.map((c, i) => {
  const t = condComment(i);
  if (t === undefined) return undefined;
  return t
    .slice(c.length + 3)
    .split(', ')
    .map((n) => 'b.' + n)
    .join(', ');
});

function exceptionGeneration(w: number): Decoded | null {
  const opc = (w >>> 21) & 7;
  const op2 = (w >>> 2) & 7;
  const ll = w & 3;
  const imm16 = (w >>> 5) & 0xffff;
  if (op2 !== 0) return null;
  if (opc === 0 && ll !== 0) return d(['', 'svc', 'hvc', 'smc'][ll]!, imm(imm16));
  if (opc === 1 && ll === 0) return d('brk', imm(imm16));
  if (opc === 2 && ll === 0) return d('hlt', imm(imm16));
  if (opc === 3 && ll === 0) return d('tcancel', dec(imm16));
  if (opc === 5 && ll !== 0) return d(`dcps${ll}`, imm16 ? imm(imm16) : '');
  return null;
}

function branchRegister(w: number): Decoded | null {
  const opc = (w >>> 21) & 0xf;
  const op2 = (w >>> 16) & 31;
  const op3 = (w >>> 10) & 0x3f;
  const rn = (w >>> 5) & 31;
  const op4 = w & 31;
  if (op2 !== 31) return null;
  if (op3 === 2 || op3 === 3) return pointerAuthBranch(opc, op3 & 1 ? 'b' : 'a', rn, op4);
  if (op3 !== 0 || op4 !== 0) return null;
  switch (opc) {
    case 0:
      return d('br', rz(rn, 1));
    case 1:
      return d('blr', rz(rn, 1));
    case 2:
      return d('ret', rn === 30 ? '' : rz(rn, 1));
    case 4:
      return rn === 31 ? d('eret') : null;
    case 5:
      return rn === 31 ? d('drps') : null;
    default:
      return null;
  }
}

/** FEAT_PAuth branches: key A or B, with a modifier register (BRAA) or zero (BRAAZ), RETAA, ERETAA. */
function pointerAuthBranch(opc: number, key: string, rn: number, rm: number): Decoded | null {
  switch (opc) {
    case 0:
    case 1:
      return rm === 31 ? d(`${opc ? 'blr' : 'br'}a${key}z`, rz(rn, 1)) : null;
    case 2:
    case 4:
      return rn === 31 && rm === 31 ? d(`${opc === 2 ? 'ret' : 'eret'}a${key}`) : null;
    case 8:
    case 9:
      return d(`${opc === 9 ? 'blr' : 'br'}a${key}`, `${rz(rn, 1)}, ${rs(rm, 1)}`);
    default:
      return null;
  }
}

const HINTS: Readonly<Record<number, string>> = {
  0: 'nop',
  1: 'yield',
  2: 'wfe',
  3: 'wfi',
  4: 'sev',
  5: 'sevl',
  7: 'xpaclri',
  8: 'pacia1716',
  10: 'pacib1716',
  12: 'autia1716',
  14: 'autib1716',
  16: 'esb',
  17: 'psb\tcsync',
  18: 'tsb\tcsync',
  20: 'csdb',
  22: 'clearbhb',
  24: 'paciaz',
  25: 'paciasp',
  26: 'pacibz',
  27: 'pacibsp',
  28: 'autiaz',
  29: 'autiasp',
  30: 'autibz',
  31: 'autibsp',
  32: 'bti',
  34: 'bti\tc',
  36: 'bti\tj',
  38: 'bti\tjc',
};

/** DSB/DMB option names by CRm; the unnamed ones print as a two-digit number. */
const BARRIER_OPTIONS: readonly (string | undefined)[] = [
  undefined,
  'oshld',
  'oshst',
  'osh',
  undefined,
  'nshld',
  'nshst',
  'nsh',
  undefined,
  'ishld',
  'ishst',
  'ish',
  undefined,
  'ld',
  'st',
  'sy',
];

/** DSB nXS options by CRm<3:2>. */
const NXS_OPTIONS = ['oshnxs', 'nshnxs', 'ishnxs', 'synxs'] as const;

function split(mnemonicAndOperand: string): Decoded {
  const [m, o = ''] = mnemonicAndOperand.split('\t');
  return d(m!, o);
}

function system(w: number): Decoded {
  const l = (w >>> 21) & 1;
  const op0 = (w >>> 19) & 3;
  const op1 = (w >>> 16) & 7;
  const crn = (w >>> 12) & 0xf;
  const crm = (w >>> 8) & 0xf;
  const op2 = (w >>> 5) & 7;
  const rt = w & 31;
  const key = (w >>> 5) & 0xffff;
  if (op0 >= 2) return l ? d('mrs', `${rz(rt, 1)}, ${sysregName(key, 'read')}`) : d('msr', `${sysregName(key, 'write')}, ${rz(rt, 1)}`);
  if (op0 === 1) return l ? d('sysl', `${rz(rt, 1)}, ${sysOperands(op1, crn, crm, op2)}`) : sysInstruction(key, op1, crn, crm, op2, rt);
  // op0 == 0: hints, barriers and PSTATE writes; anything else there is shown as a generic register access.
  if (op1 === 3 && crm <= 1) {
    // The op0 == 0 instructions with a register: WFET/WFIT (FEAT_WFxT), TSTART/TTEST (FEAT_TME).
    if (!l && crn === 1 && crm === 0 && op2 <= 1) return d(op2 ? 'wfit' : 'wfet', rz(rt, 1));
    if (l && crn === 3 && op2 === 3) return d(crm ? 'ttest' : 'tstart', rz(rt, 1));
  }
  if (!l && rt === 31) {
    const named = op0Instruction(op1, crn, crm, op2);
    if (named) return named;
  }
  return l ? d('mrs', `${rz(rt, 1)}, ${genericName(key)}`) : d('msr', `${genericName(key)}, ${rz(rt, 1)}`);
}

function op0Instruction(op1: number, crn: number, crm: number, op2: number): Decoded | null {
  if (crn === 2 && op1 === 3) {
    const n = (crm << 3) | op2;
    const h = HINTS[n];
    return h ? split(h) : d('hint', imm(n));
  }
  if (crn === 3 && op1 === 3) return barrier(crm, op2);
  if (crn === 4) return pstate(op1, crm, op2);
  return null;
}

function barrier(crm: number, op2: number): Decoded | null {
  switch (op2) {
    case 1:
      return (crm & 3) === 2 ? d('dsb', NXS_OPTIONS[crm >>> 2]) : null;
    case 2:
      return crm === 15 ? d('clrex') : d('clrex', imm(crm));
    case 3:
      return crm === 0 ? d('tcommit') : null;
    case 4:
      if (crm === 0) return d('ssbb');
      if (crm === 4) return d('pssbb');
      return d('dsb', BARRIER_OPTIONS[crm] ?? '#0x' + crm.toString(16).padStart(2, '0'));
    case 5:
      return d('dmb', BARRIER_OPTIONS[crm] ?? '#0x' + crm.toString(16).padStart(2, '0'));
    case 6:
      return crm === 15 ? d('isb') : d('isb', imm(crm));
    case 7:
      return crm === 0 ? d('sb') : null;
    default:
      return null;
  }
}

/** MSR (immediate) fields by op1:op2 whose immediate is one bit. */
const PSTATE_BIT_FIELDS: Readonly<Record<number, string>> = {
  [(0 << 3) | 3]: 'uao',
  [(0 << 3) | 4]: 'pan',
  [(0 << 3) | 5]: 'spsel',
  [(1 << 3) | 0]: 'allint',
  [(3 << 3) | 1]: 'ssbs',
  [(3 << 3) | 2]: 'dit',
  [(3 << 3) | 4]: 'tco',
};

function pstate(op1: number, crm: number, op2: number): Decoded | null {
  if (op1 === 0 && crm === 0 && op2 <= 2) return d(['cfinv', 'xaflag', 'axflag'][op2]!);
  const field = (op1 << 3) | op2;
  if (field === ((3 << 3) | 6)) return d('msr', `daifset, ${imm(crm)}`);
  if (field === ((3 << 3) | 7)) return d('msr', `daifclr, ${imm(crm)}`);
  if (field === ((3 << 3) | 3) && crm >= 2 && crm <= 7) {
    // SVCR writes: CRm<2:1> selects SM, ZA or both, CRm<0> the value.
    const what = ['', 'sm', 'za', ''][crm >>> 1]!;
    return d(crm & 1 ? 'smstart' : 'smstop', what);
  }
  const name = PSTATE_BIT_FIELDS[field];
  if (name && crm <= 1) return d('msr', `${name}, ${imm(crm)}`);
  return null;
}

/** `#op1, Cn, Cm, #op2`, the generic operands of SYS and SYSL. */
function sysOperands(op1: number, crn: number, crm: number, op2: number): string {
  return `#${op1}, C${crn}, C${crm}, #${op2}`;
}

/** SYS aliases whose operation names the database gives, and which objdump spells `<alias>\t<op>`. */
const SYS_ALIAS_KINDS = new Set(['TLBI', 'DC', 'AT', 'IC', 'BRB', 'CFP', 'DVP', 'CPP', 'COSP']);

/**
 * Operations that ignore Xt, which objdump then leaves out: the TLBI "all"
 * forms (ALLEn, VMALLE1, VMALLS12E1, PAALL...), IC IALLU(IS) and the BRB ones.
 */
function takesNoRegister(kind: string, op: string): boolean {
  if (kind === 'TLBI') return op.includes('ALL');
  if (kind === 'IC') return op.startsWith('IALL');
  return kind === 'BRB';
}

function sysInstruction(key: number, op1: number, crn: number, crm: number, op2: number, rt: number): Decoded {
  const enc = sysregEncodingsByKey(key).find((e) => SYS_ALIAS_KINDS.has(e.kind) && e.asm.includes(' ') && !e.asm.includes('<'));
  if (enc) {
    const op = enc.asm.slice(enc.asm.indexOf(' ') + 1);
    const mnemonic = enc.asm.slice(0, enc.asm.indexOf(' ')).toLowerCase();
    if (takesNoRegister(enc.kind, op)) return d(mnemonic, op.toLowerCase());
    return d(mnemonic, `${op.toLowerCase()}, ${rz(rt, 1)}`);
  }
  const ops = sysOperands(op1, crn, crm, op2);
  return d('sys', rt === 31 ? ops : `${ops}, ${rz(rt, 1)}`);
}

/** s3_4_c15_c15_7 */
function genericName(key: number): string {
  return `s${(key >>> 14) & 3}_${(key >>> 11) & 7}_c${(key >>> 7) & 15}_c${(key >>> 3) & 15}_${key & 7}`;
}

/** The register's name for an access in this direction, lower case as objdump prints it; generic if unnamed. */
export function sysregName(key: number, access: 'read' | 'write'): string {
  return sysregNameForKey(key, access)?.toLowerCase() ?? genericName(key);
}
