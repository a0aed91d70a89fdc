/**
 * ESR_ELx decoder: every exception class, every ISS/ISS2 layout, field by field.
 *
 * The authority is the Arm ARM (DDI 0487 M.a, ESR_EL1/ESR_EL2/ESR_EL3 "ISS
 * encoding for ..." sections) cross-checked against Arm's machine-readable
 * specification (AARCHMRS 2024-12). One decoder serves all three ESR_ELx: where
 * the registers differ (EC 0x1E and 0x1F exist only in ESR_EL3, a few fields are
 * conditional on FEAT_NV in ESR_EL1), the decoder shows the field, because the
 * value cannot say which register it was read from.
 *
 * Feature-gated fields are decoded as if the feature were implemented: a value
 * with the bit set can only come from a PE that has the feature. Conditions that
 * the value itself settles (ISV, the DFSC, ExType, IDS, ...) are applied, and bits
 * that a condition leaves reserved are reported as RES0.
 *
 * No Node-only APIs: this runs in the language server and the debug adapter too.
 */

export interface EsrField {
  /** Field name as in the Arm ARM; `RES0` for reserved bits. */
  name: string;
  /** ESR bit positions (ISS2 fields are at [55:32]), msb first. */
  bits: [msb: number, lsb: number];
  value: number | bigint;
  meaning: string;
  /** Set when the value is not one the architecture produces (RES0 bits set, reserved encoding, ...). */
  warning?: string;
}

export interface ExceptionClass {
  value: number;
  /** Short name, e.g. `MSR/MRS/SYS trap`; `unallocated EC` for values Arm has not allocated. */
  name: string;
  /** The EC table entry of the Arm ARM. */
  description: string;
  allocated: boolean;
}

export interface FaultStatus {
  code: number;
  /** Arm ARM wording, with the feature that allocates the code where there is one. */
  name: string;
  kind: FaultKind;
  /** Lookup level for level-specific codes (-2 .. 3). */
  level?: number;
}

export type FaultKind =
  | 'address-size'
  | 'translation'
  | 'access-flag'
  | 'permission'
  | 'external'
  | 'external-walk'
  | 'tag-check'
  | 'parity'
  | 'parity-walk'
  | 'alignment'
  | 'granule-protection'
  | 'granule-protection-walk'
  | 'tlb-conflict'
  | 'atomic-hardware-update'
  | 'lockdown'
  | 'exclusive-atomic'
  | 'reserved';

/** The System register or instruction named by an EC 0x18 or 0x14 syndrome. */
export interface EsrSysreg {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  /** op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, as in MRS/MSR bits [20:5]. */
  key: number;
  /** Name from the `sysregName` callback, or the generic `S<op0>_<op1>_C<n>_C<m>_<op2>`. */
  name: string;
  read: boolean;
  /** The trapped instruction as assembly text. */
  instruction: string;
}

export interface DecodedEsr {
  /** The decoded 64-bit value. */
  value: bigint;
  ec: ExceptionClass;
  il: number;
  iss: number;
  iss2: number;
  /** Every bit of [63:0] exactly once, msb first. */
  fields: EsrField[];
  /** One line, e.g. `EC 0x18 MSR/MRS/SYS trap: MRS X3, SCTLR_EL1 (op0=3 op1=0 CRn=1 CRm=0 op2=0)`. */
  summary: string;
  /** Everything the architecture would not produce: RES0 bits set, reserved encodings, input out of range. */
  warnings: string[];
  /** Instruction and Data Aborts: the fault status code. */
  fault?: FaultStatus;
  /** EC 0x18 and 0x14: the register or instruction accessed. */
  sysreg?: EsrSysreg;
}

export interface DecodeEsrOptions {
  /**
   * Name of the System register or instruction with this 16-bit encoding key,
   * if known. `access` is the trapped direction, for the few keys whose read
   * and write names differ (DBGDTRRX_EL0/DBGDTRTX_EL0).
   */
  sysregName?: (key16: number, access?: 'read' | 'write') => string | undefined;
}

// ---------------------------------------------------------------------------
// Field collection

const MASK64 = (1n << 64n) - 1n;

function hex(v: number, digits = 0): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

function bin(v: number, width: number): string {
  return '0b' + v.toString(2).padStart(width, '0');
}

type Meaning = string | ((v: number) => string);

/**
 * Accumulates fields over the 64-bit value. Fields may be added in any order;
 * `finish` sorts them, so each layout can follow the Arm ARM's text order.
 */
class Fields {
  readonly list: EsrField[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly lo: number,
    private readonly hi: number,
  ) {}

  get(msb: number, lsb: number): number {
    const word = lsb >= 32 ? this.hi : this.lo;
    const shift = lsb >= 32 ? lsb - 32 : lsb;
    const width = msb - lsb + 1;
    const mask = width >= 32 ? 0xffffffff : (1 << width) - 1;
    return ((word >>> shift) & mask) >>> 0;
  }

  add(name: string, msb: number, lsb: number, meaning: Meaning, warning?: (v: number) => string | undefined): number {
    const v = this.get(msb, lsb);
    const field: EsrField = { name, bits: [msb, lsb], value: v, meaning: typeof meaning === 'string' ? meaning : meaning(v) };
    const w = warning?.(v);
    if (w) this.warn(field, w);
    this.list.push(field);
    return v;
  }

  /** A field whose values are listed; anything else is reserved. */
  enumerated(name: string, msb: number, lsb: number, table: Readonly<Record<number, string>>): number {
    const width = msb - lsb + 1;
    return this.add(
      name,
      msb,
      lsb,
      (v) => table[v] ?? `reserved value ${bin(v, width)}`,
      (v) => (table[v] === undefined ? `reserved value ${bin(v, width)}` : undefined),
    );
  }

  /** A one-bit field with the Arm ARM's meaning for each value. */
  flag(name: string, bit: number, zero: string, one: string): number {
    return this.add(name, bit, bit, (v) => (v ? one : zero));
  }

  res0(msb: number, lsb: number, why = 'Reserved, RES0'): void {
    this.add('RES0', msb, lsb, why, (v) => (v ? `RES0 bits are set (${hex(v)})` : undefined));
  }

  warn(field: EsrField, message: string): void {
    field.warning = field.warning ? `${field.warning}; ${message}` : message;
    const [msb, lsb] = field.bits;
    this.warnings.push(`${field.name} ${msb === lsb ? `[${msb}]` : `[${msb}:${lsb}]`}: ${message}`);
  }

  finish(): EsrField[] {
    return this.list.sort((a, b) => b.bits[0] - a.bits[0]);
  }
}

// ---------------------------------------------------------------------------
// Shared vocabulary

const COND_NAMES = ['EQ', 'NE', 'CS/HS', 'CC/LO', 'MI', 'PL', 'VS', 'VC', 'HI', 'LS', 'GE', 'LT', 'GT', 'LE', 'AL', 'NV'];

/** X register for a transfer operand: 31 is the zero register. */
function xzr(n: number): string {
  return n === 31 ? 'XZR' : `X${n}`;
}

/**
 * Register fields of AArch32 traps hold the AArch64 view of the register; the
 * value 31 stands for R15 in the trapped instruction.
 */
function aarch32Reg(n: number, r15: string): string {
  return n === 31 ? r15 : `X${n}`;
}

function aarch32RegMeaning(role: string): (v: number) => string {
  return (v) =>
    v === 31
      ? `${role}: 0b11111, the AArch32 instruction named R15 (or was UNPREDICTABLE)`
      : `${role}: X${v} (AArch64 view of the AArch32 register)`;
}

/** CV and COND, shared by the AArch32-capable trap classes. Returns a summary suffix. */
function cvCond(f: Fields, validOnlyIf?: { on: boolean; why: string }): string {
  const cv = f.flag('CV', 24, 'COND is not valid', 'COND is valid');
  const cond = f.add('COND', 23, 20, (v) => {
    if (!cv) return `UNKNOWN: CV is 0 (for T32, the condition comes from SPSR.IT)`;
    if (v === 0xe) return 'AL (0b1110): unconditional, or taken from AArch64 where COND is always 0b1110';
    return `${COND_NAMES[v]} (${bin(v, 4)})`;
  });
  if (validOnlyIf && !validOnlyIf.on && (cv || cond)) {
    const field = f.list.find((x) => x.name === (cv ? 'CV' : 'COND'))!;
    f.warn(field, validOnlyIf.why);
  }
  return cv && cond !== 0xe ? ` (condition ${COND_NAMES[cond]})` : '';
}

// ---------------------------------------------------------------------------
// Fault status codes (DFSC/IFSC)

function buildFaultTable(): Map<number, FaultStatus> {
  const t = new Map<number, FaultStatus>();
  const put = (code: number, kind: FaultKind, name: string, level?: number): void => {
    t.set(code, level === undefined ? { code, kind, name } : { code, kind, name, level });
  };
  put(0x00, 'address-size', 'Address size fault, level 0 of translation or translation table base register', 0);
  for (let l = 1; l <= 3; l++) put(0x00 + l, 'address-size', `Address size fault, level ${l}`, l);
  for (let l = 0; l <= 3; l++) put(0x04 + l, 'translation', `Translation fault, level ${l}`, l);
  put(0x08, 'access-flag', 'Access flag fault, level 0 (FEAT_LPA2)', 0);
  for (let l = 1; l <= 3; l++) put(0x08 + l, 'access-flag', `Access flag fault, level ${l}`, l);
  put(0x0c, 'permission', 'Permission fault, level 0 (FEAT_LPA2)', 0);
  for (let l = 1; l <= 3; l++) put(0x0c + l, 'permission', `Permission fault, level ${l}`, l);
  put(0x10, 'external', 'Synchronous External abort, not on translation table walk or hardware update of translation table');
  put(0x11, 'tag-check', 'Synchronous Tag Check Fault (FEAT_MTE2)');
  const sea = 'Synchronous External abort on translation table walk or hardware update of translation table';
  put(0x12, 'external-walk', `${sea}, level -2 (FEAT_D128)`, -2);
  put(0x13, 'external-walk', `${sea}, level -1 (FEAT_LPA2)`, -1);
  for (let l = 0; l <= 3; l++) put(0x14 + l, 'external-walk', `${sea}, level ${l}`, l);
  put(0x18, 'parity', 'Synchronous parity or ECC error on memory access, not on translation table walk (without FEAT_RAS)');
  const ecc = 'Synchronous parity or ECC error on memory access on translation table walk or hardware update of translation table';
  put(0x1b, 'parity-walk', `${ecc}, level -1 (FEAT_LPA2, without FEAT_RAS)`, -1);
  for (let l = 0; l <= 3; l++) put(0x1c + l, 'parity-walk', `${ecc}, level ${l} (without FEAT_RAS)`, l);
  put(0x21, 'alignment', 'Alignment fault');
  const gpf = 'Granule Protection Fault on translation table walk or hardware update of translation table';
  put(0x22, 'granule-protection-walk', `${gpf}, level -2 (FEAT_RME, FEAT_D128)`, -2);
  put(0x23, 'granule-protection-walk', `${gpf}, level -1 (FEAT_RME, FEAT_LPA2)`, -1);
  for (let l = 0; l <= 3; l++) put(0x24 + l, 'granule-protection-walk', `${gpf}, level ${l} (FEAT_RME)`, l);
  put(0x28, 'granule-protection', 'Granule Protection Fault, not on translation table walk or hardware update of translation table (FEAT_RME)');
  put(0x29, 'address-size', 'Address size fault, level -1 (FEAT_LPA2)', -1);
  put(0x2a, 'translation', 'Translation fault, level -2 (FEAT_D128)', -2);
  put(0x2b, 'translation', 'Translation fault, level -1 (FEAT_LPA2)', -1);
  put(0x2c, 'address-size', 'Address size fault, level -2 (FEAT_D128)', -2);
  put(0x30, 'tlb-conflict', 'TLB conflict abort');
  put(0x31, 'atomic-hardware-update', 'Unsupported atomic hardware update fault (FEAT_HAFDBS)');
  put(0x34, 'lockdown', 'IMPLEMENTATION DEFINED fault (Lockdown)');
  put(0x35, 'exclusive-atomic', 'IMPLEMENTATION DEFINED fault (Unsupported Exclusive or Atomic access)');
  return t;
}

const FAULTS = buildFaultTable();
/** Codes the IFSC table does not have: they need a data access. */
const DATA_ONLY_FSC = new Set([0x11, 0x21, 0x34, 0x35]);

/** The DFSC or IFSC meaning of `code`; reserved codes get kind `reserved`. */
export function faultStatus(code: number, access: 'data' | 'instruction'): FaultStatus {
  const c = code & 0x3f;
  const known = FAULTS.get(c);
  if (known && !(access === 'instruction' && DATA_ONLY_FSC.has(c))) return known;
  return { code: c, kind: 'reserved', name: `reserved ${access === 'data' ? 'DFSC' : 'IFSC'} value ${bin(c, 6)}` };
}

/** DFSC values for which the Arm ARM defines SET, WU and PFV: synchronous External aborts. */
function isExternalAbortFsc(fsc: number): boolean {
  return fsc === 0x10 || fsc === 0x12 || fsc === 0x13 || (fsc >= 0x14 && fsc <= 0x17);
}

/** DFSC values for which LST is defined: Translation, Access flag and Permission faults. */
function isLstFsc(fsc: number): boolean {
  return (fsc >= 0x04 && fsc <= 0x0f) || fsc === 0x2a || fsc === 0x2b;
}

const SET_TABLE: Record<number, string> = {
  0b00: 'Recoverable state (UER) (FEAT_RAS)',
  0b10: 'Uncontainable (UC) (FEAT_RAS; reserved with FEAT_RASv2)',
  0b11: 'Restartable state (UEO) (FEAT_RAS)',
};

const WU_TABLE: Record<number, string> = {
  0b00: 'Not a store instruction or translation table update, or the location might have been updated (FEAT_RASv2)',
  0b10: 'Store instruction or translation table update that did not update the location (FEAT_RASv2)',
  0b11: 'Store instruction or translation table update that updated the location (FEAT_RASv2)',
};

const PFV_MEANING = ['PFAR_ELx is UNKNOWN', 'PFAR_ELx is valid'] as const;
const VNCR_MEANING = [
  'The fault was not generated by the use of VNCR_EL2 by EL1 code',
  'The fault was generated by the use of VNCR_EL2 by EL1 code (FEAT_NV2)',
] as const;
const CM_MEANING = [
  'Not from a cache maintenance or address translation instruction',
  'From a cache maintenance instruction, or a synchronous fault on an address translation instruction',
] as const;
const WNR_MEANING = [
  'Abort caused by an instruction reading from a memory location',
  'Abort caused by an instruction writing to a memory location',
] as const;

// ---------------------------------------------------------------------------
// ISS layouts. Each adds the fields of ISS[24:0] and returns the summary detail.

interface Ctx {
  ec: number;
  opts: DecodeEsrOptions;
  result: { fault?: FaultStatus; sysreg?: EsrSysreg };
}

type Layout = (f: Fields, c: Ctx) => string;

const issRes0: Layout = (f) => {
  f.res0(24, 0);
  return '';
};

const issWfx: Layout = (f) => {
  const cond = cvCond(f);
  f.res0(19, 10);
  const ti = f.get(1, 0);
  const rn = f.add('RN', 9, 5, (v) =>
    ti & 2 ? `${xzr(v)}: register operand of the trapped WFIT/WFET (FEAT_WFxT), valid when RV is 1` : `${v} (meaningful only for WFIT/WFET)`,
  );
  f.res0(4, 3);
  const rv = f.add(
    'RV',
    2,
    2,
    (v) => (ti & 2 ? (v ? 'Register field valid' : 'Register field invalid') : v ? 'RES0 for WFI/WFE' : 'RES0 for WFI/WFE (TI[1] is 0)'),
    (v) => (v && !(ti & 2) ? 'RV is RES0 when TI[1] is 0' : undefined),
  );
  f.enumerated('TI', 1, 0, { 0b00: 'WFI trapped', 0b01: 'WFE trapped', 0b10: 'WFIT trapped (FEAT_WFxT)', 0b11: 'WFET trapped (FEAT_WFxT)' });
  const name = ['WFI', 'WFE', 'WFIT', 'WFET'][ti]!;
  return (ti & 2 && rv ? `${name} ${xzr(rn)}` : name) + cond;
};

/** EC 0x03, 0x05, 0x08: MCR/MRC (and VMRS). */
const issMcrMrc: Layout = (f, c) => {
  const cond = cvCond(f);
  const vmrs = c.ec === 0x08;
  const opc2 = f.add('Opc2', 19, 17, (v) => (vmrs ? `${v} (0b000 for a trapped VMRS)` : `Opc2 = ${v}`));
  const opc1 = f.add('Opc1', 16, 14, (v) => (vmrs ? `${v} (0b111 for a trapped VMRS)` : `Opc1 = ${v}`));
  const crn = f.add('CRn', 13, 10, (v) => (vmrs ? `${v}: the VMRS reg field (${vfpRegName(v)})` : `c${v}`));
  const dir = f.get(0, 0);
  const rt = f.add('Rt', 9, 5, aarch32RegMeaning('Rt'));
  const crm = f.add('CRm', 4, 1, (v) => (vmrs ? `${v} (0b0000 for a trapped VMRS)` : `c${v}`));
  const readText = `Read from System register space (${vmrs ? 'VMRS' : 'MRC'})`;
  f.flag('Direction', 0, 'Write to System register space (MCR)', readText);
  if (vmrs) return `VMRS ${aarch32Reg(rt, 'APSR_nzcv')}, ${vfpRegName(crn)}${cond}`;
  const cp = c.ec === 0x03 ? 'p15' : 'p14';
  const mn = dir ? 'MRC' : 'MCR';
  return `${mn} ${cp}, ${opc1}, ${aarch32Reg(rt, dir ? 'APSR_nzcv' : 'R15')}, c${crn}, c${crm}, ${opc2}${cond}`;
};

function vfpRegName(reg: number): string {
  const names: Record<number, string> = { 0b0000: 'FPSID', 0b0001: 'FPSCR', 0b0101: 'MVFR2', 0b0110: 'MVFR1', 0b0111: 'MVFR0', 0b1000: 'FPEXC' };
  return names[reg] ?? `reg ${bin(reg, 4)}`;
}

/** EC 0x04, 0x0C: MCRR/MRRC. */
const issMcrrMrrc: Layout = (f, c) => {
  const cond = cvCond(f);
  const opc1 = f.add('Opc1', 19, 16, (v) => `Opc1 = ${v}`);
  f.res0(15, 15);
  const rt2 = f.add('Rt2', 14, 10, aarch32RegMeaning('Rt2'));
  const rt = f.add('Rt', 9, 5, aarch32RegMeaning('Rt'));
  const crm = f.add('CRm', 4, 1, (v) => `c${v}`);
  const dir = f.flag('Direction', 0, 'Write to System register space (MCRR)', 'Read from System register space (MRRC)');
  const cp = c.ec === 0x04 ? 'p15' : 'p14';
  return `${dir ? 'MRRC' : 'MCRR'} ${cp}, ${opc1}, ${aarch32Reg(rt, 'R15')}, ${aarch32Reg(rt2, 'R15')}, c${crm}${cond}`;
};

/** EC 0x06: LDC/STC. */
const issLdcStc: Layout = (f) => {
  const cond = cvCond(f);
  const imm8 = f.add('imm8', 19, 12, (v) => `${v} (offset ${v * 4} bytes, or the option value for unindexed forms)`);
  f.res0(11, 10);
  const am = f.get(3, 1);
  const rn = f.add('Rn', 9, 5, (v) =>
    am & 4 ? `UNKNOWN: AM[2] is 1, a literal form` : v === 31 ? 'Rn: 0b11111 (R15)' : `Rn: X${v} (AArch64 view of the AArch32 register)`,
  );
  const add = f.flag('Offset', 4, 'Subtract offset (U is 0)', 'Add offset (U is 1)');
  f.enumerated('AM', 3, 1, {
    0b000: 'Immediate unindexed',
    0b001: 'Immediate post-indexed',
    0b010: 'Immediate offset',
    0b011: 'Immediate pre-indexed',
    0b100: 'Literal unindexed (A32 LDC only; reserved for STC and T32 LDC)',
    0b110: 'Literal offset (LDC only; reserved for STC)',
  });
  const dir = f.flag('Direction', 0, 'Write to memory (STC)', 'Read from memory (LDC)');
  const base = am & 4 ? 'PC' : aarch32Reg(rn, 'R15');
  const off = `#${add ? '+' : '-'}${imm8 * 4}`;
  const addr: Record<number, string> = {
    0b000: `[${base}], {${imm8}}`,
    0b001: `[${base}], ${off}`,
    0b010: `[${base}, ${off}]`,
    0b011: `[${base}, ${off}]!`,
    0b100: `[${base}], {${imm8}}`,
    0b110: `[${base}, ${off}]`,
  };
  return `${dir ? 'LDC' : 'STC'} p14, ${addr[am] ?? `(reserved AM ${bin(am, 3)})`}${cond}`;
};

const issFpAccess: Layout = (f) => {
  const cond = cvCond(f);
  f.res0(19, 0);
  return cond ? `trapped instruction${cond}` : '';
};

const OTHER_ISS: Record<number, string> = {
  0: 'ST64BV instruction trapped (FEAT_LS64_V)',
  1: 'ST64BV0 instruction trapped (FEAT_LS64_ACCDATA)',
  2: 'LD64B or ST64B instruction trapped (FEAT_LS64)',
  3: 'TSB CSYNC instruction trapped (FEAT_TRBEv1p1)',
  4: 'PSB CSYNC instruction trapped (FEAT_SPEv1p5)',
};

const issOther: Layout = (f) => {
  const v = f.enumerated('ISS', 24, 0, OTHER_ISS);
  return OTHER_ISS[v] ?? `reserved ISS ${hex(v)}`;
};

const BTYPE_MEANING: Record<number, string> = {
  0b00: 'PSTATE.BTYPE 0b00 (no branch target check; not expected to cause this exception)',
  0b01: 'PSTATE.BTYPE 0b01: BR/BRA* through X16 or X17, or any BR/BRA* from a non-guarded page',
  0b10: 'PSTATE.BTYPE 0b10: BLR/BLRA*',
  0b11: 'PSTATE.BTYPE 0b11: BR/BRA* from a guarded page through a register other than X16 or X17',
};

const issBti: Layout = (f) => {
  f.res0(24, 2);
  const v = f.add('BTYPE', 1, 0, (x) => BTYPE_MEANING[x]!, (x) => (x === 0 ? 'BTYPE 0b00 does not generate Branch Target exceptions' : undefined));
  return `BTYPE ${bin(v, 2)}`;
};

function issImm16(mn: string): Layout {
  return (f) => {
    f.res0(24, 16);
    const imm = f.add('imm16', 15, 0, (v) => `#${hex(v)} (${v})`);
    return `${mn} #${hex(imm)}`;
  };
}

const issSvcHvc32 = (mn: string): Layout => (f) => {
  f.res0(24, 16);
  const imm = f.add('imm16', 15, 0, (v) =>
    mn === 'SVC'
      ? `#${hex(v)}: T32 imm8 zero-extended, or the low 16 bits of the A32 imm24; UNKNOWN for a conditional SVC`
      : `#${hex(v)} (${v})`,
  );
  return `${mn} #${hex(imm)}`;
};

const issSmc32: Layout = (f) => {
  const ccknownpass = f.get(19, 19);
  const cond = cvCond(f, { on: ccknownpass === 1, why: 'CV and COND are RES0 unless CCKNOWNPASS is 1' });
  f.flag(
    'CCKNOWNPASS',
    19,
    'The instruction was unconditional, or was conditional and passed its condition code check',
    'The instruction was conditional, and might have failed its condition code check',
  );
  f.res0(18, 0);
  return `SMC${ccknownpass ? ' (might have failed its condition code check)' : ''}${cond}`;
};

function genericSysName(op0: number, op1: number, crn: number, crm: number, op2: number): string {
  return `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
}

function lookupName(c: Ctx, key: number, access: 'read' | 'write'): string | undefined {
  try {
    const n = c.opts.sysregName?.(key, access);
    return n ? n : undefined;
  } catch {
    // A broken name lookup must not turn a decode into an exception.
    return undefined;
  }
}

const OP0_MEANING = [
  'op0 = 0: PSTATE, hint and barrier space (MSR immediate)',
  'op0 = 1: System instructions (SYS/SYSL: AT, DC, IC, TLBI, ...)',
  'op0 = 2: debug and trace System registers',
  'op0 = 3: non-debug System registers',
];

/** The fields and instruction text shared by EC 0x18 and EC 0x14. */
function sysregSyndrome(f: Fields, c: Ctx, pair: boolean): string {
  f.res0(24, 22);
  const op0 = f.add('Op0', 21, 20, (v) => OP0_MEANING[v]!);
  const op2 = f.add('Op2', 19, 17, (v) => `Op2 = ${v}`);
  const op1 = f.add('Op1', 16, 14, (v) => `Op1 = ${v}`);
  const crn = f.add('CRn', 13, 10, (v) => `C${v}`);
  let rt: number;
  let regs: string;
  if (pair) {
    const n = f.add('Rt', 9, 6, (v) => `X${2 * v}, X${2 * v + 1}: the register pair (Rt<4:1> = ${v})`);
    f.res0(5, 5);
    rt = 2 * n;
    regs = `X${rt}, X${rt + 1}`;
  } else {
    rt = f.add('Rt', 9, 5, (v) => `${xzr(v)}: the general-purpose register used for the transfer`);
    regs = xzr(rt);
  }
  const crm = f.add('CRm', 4, 1, (v) => `C${v}`);
  const read = f.flag(
    'Direction',
    0,
    pair ? 'Write access (MSRR, or SYSP)' : 'Write access (MSR, or SYS)',
    pair ? 'Read access (MRRS)' : 'Read access (MRS, or SYSL)',
  );
  const key = ((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2) >>> 0;
  const known = lookupName(c, key, read ? 'read' : 'write');
  const generic = genericSysName(op0, op1, crn, crm, op2);
  const name = known ?? generic;
  let insn: string;
  if (op0 === 1) {
    const sys = `#${op1}, C${crn}, C${crm}, #${op2}`;
    if (pair) insn = known ? `${known}, ${regs}` : `SYSP ${sys}, ${regs}`;
    else if (read) insn = known ? `${known}, ${regs}` : `SYSL ${regs}, ${sys}`;
    else if (known) insn = rt === 31 ? known : `${known}, ${regs}`;
    else insn = `SYS ${sys}${rt === 31 ? '' : `, ${regs}`}`;
  } else if (op0 === 0) {
    insn = crn === 4 && !pair ? `MSR ${known ?? `(immediate) ${generic}`}, #${crm}` : `${known ?? generic} (op0=0 instruction)`;
  } else if (pair) {
    insn = read ? `MRRS ${regs}, ${name}` : `MSRR ${name}, ${regs}`;
  } else {
    insn = read ? `MRS ${regs}, ${name}` : `MSR ${name}, ${regs}`;
  }
  c.result.sysreg = { op0, op1, crn, crm, op2, key, name, read: read === 1, instruction: insn };
  return `${insn} (op0=${op0} op1=${op1} CRn=${crn} CRm=${crm} op2=${op2})`;
}

const issSys64: Layout = (f, c) => sysregSyndrome(f, c, false);
const issSys128: Layout = (f, c) => sysregSyndrome(f, c, true);

const issEret: Layout = (f) => {
  f.res0(24, 2);
  const eret = f.flag('ERET', 1, 'ERET instruction trapped', 'ERETAA or ERETAB instruction trapped');
  const b = f.add(
    'ERETA',
    0,
    0,
    (v) => (eret ? (v ? 'ERETAB instruction trapped' : 'ERETAA instruction trapped') : 'RES0 (ERET is 0)'),
    (v) => (v && !eret ? 'ERETA is RES0 when ERET is 0' : undefined),
  );
  return eret ? (b ? 'ERETAB' : 'ERETAA') : 'ERET';
};

const issTstart: Layout = (f) => {
  f.res0(24, 10);
  const rd = f.add('Rd', 9, 5, (v) => `${xzr(v)}: the destination register of the TSTART`);
  f.res0(4, 0);
  return `TSTART ${xzr(rd)}`;
};

const issPacFail: Layout = (f) => {
  f.res0(24, 2);
  const d = f.flag('DnI', 1, 'Instruction key', 'Data key');
  const b = f.flag('BnA', 0, 'A key', 'B key');
  return `PAC authentication failure with key ${d ? 'D' : 'I'}${b ? 'B' : 'A'}`;
};

const SMTC: Record<number, string> = {
  0b000: 'Access to SME functionality trapped by CPACR_EL1.SMEN, CPTR_EL2.SMEN, CPTR_EL2.TSM or CPTR_EL3.ESM',
  0b001: 'Advanced SIMD, SVE, or SVE2 instruction trapped because PSTATE.SM is 1',
  0b010: 'SME instruction trapped because PSTATE.SM is 0',
  0b011: 'SME instruction trapped because PSTATE.ZA is 0',
  0b100: 'Access to the SME2 ZT0 register trapped by SMCR_ELx.EZT0 (FEAT_SME2)',
};

const issSme: Layout = (f) => {
  f.res0(24, 3);
  const v = f.enumerated('SMTC', 2, 0, SMTC);
  return SMTC[v] ?? `reserved SMTC ${bin(v, 3)}`;
};

const GPCSC: Record<number, string> = {
  0b000000: 'GPT address size fault at level 0',
  0b000100: 'GPT walk fault at level 0',
  0b000101: 'GPT walk fault at level 1',
  0b001100: 'Granule protection fault at level 0',
  0b001101: 'Granule protection fault at level 1',
  0b010100: 'Synchronous External abort on GPT fetch at level 0',
  0b010101: 'Synchronous External abort on GPT fetch at level 1',
};

const issGpc: Layout = (f) => {
  f.res0(24, 22);
  const s2ptw = f.flag('S2PTW', 21, 'Fault not on a stage 2 translation table walk', 'Fault on a stage 2 translation table walk');
  const ind = f.flag('InD', 20, 'Data access', 'Instruction access');
  const gpcsc = f.enumerated('GPCSC', 19, 14, GPCSC);
  const inIsRes0 = (name: string) => (v: number) => (v && ind ? `${name} is RES0 when InD is 1` : undefined);
  const vncr = f.add(
    'VNCR',
    13,
    13,
    (v) => (v ? VNCR_MEANING[1] : VNCR_MEANING[0]),
    inIsRes0('VNCR'),
  );
  f.res0(12, 9);
  const cm = f.flag('CM', 8, CM_MEANING[0], 'From a cache maintenance or address translation instruction');
  const s1ptw = f.flag(
    'S1PTW',
    7,
    'Fault not on a stage 2 translation for a stage 1 translation table walk',
    'Fault on the stage 2 translation of an access for a stage 1 translation table walk',
  );
  const wnr = f.add('WnR', 6, 6, (v) => WNR_MEANING[v]!, inIsRes0('WnR'));
  const xfsc = f.add(
    'xFSC',
    5,
    0,
    (v) => (v >= 0x23 && v <= 0x28 ? faultStatus(v, 'data').name : `reserved xFSC value ${bin(v, 6)}`),
    (v) => (v >= 0x23 && v <= 0x28 ? undefined : `reserved xFSC value ${bin(v, 6)}`),
  );
  const parts = [GPCSC[gpcsc] ?? `reserved GPCSC ${bin(gpcsc, 6)}`, ind ? 'instruction access' : wnr ? 'write' : 'read'];
  if (xfsc >= 0x23 && xfsc <= 0x28) parts.push(faultStatus(xfsc, 'data').name);
  if (s2ptw) parts.push('on a stage 2 table walk');
  if (s1ptw) parts.push('on the stage 2 translation of a stage 1 table walk');
  if (cm) parts.push('cache maintenance or AT instruction');
  if (vncr) parts.push('VNCR_EL2 access by EL1');
  return parts.join('; ');
};

const issImpdef: Layout = (f) => {
  f.add('IMPLEMENTATION DEFINED', 24, 0, (v) => `IMPLEMENTATION DEFINED syndrome ${hex(v)}`);
  return '';
};

function abortCommon(f: Fields, fsc: number, data: boolean): { ea: number; s1ptw: number } {
  const ea = f.add('EA', 9, 9, (v) =>
    v ? 'External abort type 1 (IMPLEMENTATION DEFINED classification)' : 'External abort type 0 (always 0 for aborts other than External aborts)',
  );
  const s1ptw = f.flag(
    'S1PTW',
    7,
    'Fault not on a stage 2 translation for a stage 1 translation table walk',
    'Fault on the stage 2 translation of an access for a stage 1 translation table walk (the level is that of the stage 2 walk)',
  );
  if (ea && !isExternalAbortFsc(fsc) && !(fsc >= 0x18 && fsc <= 0x1f)) {
    f.warn(f.list.find((x) => x.name === 'EA')!, `EA is 0 for aborts other than External aborts (${data ? 'DFSC' : 'IFSC'} ${bin(fsc, 6)})`);
  }
  return { ea, s1ptw };
}

const issInstructionAbort: Layout = (f, c) => {
  const fsc = f.get(5, 0);
  const ext = isExternalAbortFsc(fsc);
  f.res0(24, 22);
  const top = f.flag('TopLevel', 21, 'Fault is not due to TopLevel (FEAT_THE)', 'Fault is due to TopLevel (FEAT_THE)');
  f.res0(20, 15);
  if (ext) f.add('PFV', 14, 14, (v) => `${PFV_MEANING[v]} (FEAT_PFAR)`);
  else f.res0(14, 14, 'RES0: PFV is defined only for synchronous External aborts');
  f.res0(13, 13);
  if (ext) f.enumerated('SET', 12, 11, SET_TABLE);
  else f.res0(12, 11, 'RES0: SET is defined only for synchronous External aborts');
  const fnv = f.add(
    'FnV',
    10,
    10,
    (v) => (v ? 'FAR is not valid, and holds an UNKNOWN value' : 'FAR is valid'),
    (v) => (v && fsc !== 0x10 ? 'FnV is RES0 unless IFSC is 0b010000' : undefined),
  );
  const { ea, s1ptw } = abortCommon(f, fsc, false);
  f.res0(8, 8);
  f.res0(6, 6);
  const status = faultStatus(fsc, 'instruction');
  f.add('IFSC', 5, 0, status.name, () => (status.kind === 'reserved' ? status.name : undefined));
  c.result.fault = status;
  const parts = [status.name];
  if (s1ptw) parts.push('on the stage 2 translation of a stage 1 table walk');
  if (top) parts.push('TopLevel');
  if (fnv) parts.push('FAR not valid');
  if (ea) parts.push('EA=1');
  return parts.join('; ');
};

const issDataAbort: Layout = (f, c) => {
  const fsc = f.get(5, 0);
  const ext = isExternalAbortFsc(fsc);
  const isv = f.flag(
    'ISV',
    24,
    'No valid instruction syndrome: ISS[23:14] are RES0 or hold other fields',
    'ISS[23:14] hold a valid instruction syndrome',
  );
  const wnr = f.get(6, 6);
  let access = '';
  let top = 0;
  if (isv) {
    const sas = f.enumerated('SAS', 23, 22, { 0: 'Byte', 1: 'Halfword', 2: 'Word', 3: 'Doubleword' });
    const sse = f.flag('SSE', 21, 'Sign-extension not required', 'Data item must be sign-extended');
    const srt = f.add('SRT', 20, 16, (v) => `Register ${v}: the Wt/Xt/Rt operand (AArch64 view)`);
    const sf = f.flag(
      'SF',
      15,
      'Instruction loads/stores a 32-bit general-purpose register',
      'Instruction loads/stores a 64-bit general-purpose register',
    );
    const ar = f.flag('AR', 14, 'Instruction did not have acquire/release semantics', 'Instruction did have acquire/release semantics');
    const reg = srt === 31 ? (sf ? 'XZR' : 'WZR') : `${sf ? 'X' : 'W'}${srt}`;
    access = `${['byte', 'halfword', 'word', 'doubleword'][sas]} ${wnr ? 'store from' : 'load to'} ${reg}`;
    if (sse) access += ', sign-extended';
    if (ar) access += ', acquire/release';
  } else {
    f.res0(23, 22, 'RES0 (ISV is 0)');
    top = f.flag('TopLevel', 21, 'Fault is not due to TopLevel (FEAT_THE)', 'Fault is due to TopLevel (FEAT_THE)');
    if (ext) {
      f.res0(20, 18, 'RES0 (ISV is 0)');
      f.enumerated('WU', 17, 16, WU_TABLE);
    } else {
      f.res0(20, 16, 'RES0 (ISV is 0; WU is defined only for synchronous External aborts)');
    }
    f.flag(
      'FnP',
      15,
      'The FAR holds the faulting virtual address',
      'The FAR holds any virtual address within the naturally-aligned granule containing the faulting address (SVE contiguous or SME load/store)',
    );
    if (ext) f.add('PFV', 14, 14, (v) => `${PFV_MEANING[v]} (FEAT_PFAR)`);
    else f.res0(14, 14, 'RES0 (ISV is 0; PFV is defined only for synchronous External aborts)');
  }
  const vncr = f.flag('VNCR', 13, VNCR_MEANING[0], VNCR_MEANING[1]);
  let lst = 0;
  if (isLstFsc(fsc)) {
    lst = f.enumerated('LST', 12, 11, {
      0b00: 'The instruction that generated the Data Abort is not specified by this field',
      0b01: 'An ST64BV instruction generated the Data Abort (FEAT_LS64_V)',
      0b10: 'An LD64B or ST64B instruction generated the Data Abort (FEAT_LS64)',
      0b11: 'An ST64BV0 instruction generated the Data Abort (FEAT_LS64_ACCDATA)',
    });
  } else if (ext) {
    f.enumerated('SET', 12, 11, SET_TABLE);
  } else {
    f.res0(12, 11, 'RES0: LST and SET are not defined for this DFSC');
  }
  const fnv = f.add(
    'FnV',
    10,
    10,
    (v) => (v ? 'FAR is not valid, and holds an UNKNOWN value' : 'FAR is valid'),
    (v) => (v && fsc !== 0x10 ? 'FnV is RES0 unless DFSC is 0b010000' : undefined),
  );
  const { ea, s1ptw } = abortCommon(f, fsc, true);
  const cm = f.flag('CM', 8, CM_MEANING[0], CM_MEANING[1]);
  f.flag('WnR', 6, WNR_MEANING[0], WNR_MEANING[1]);
  const status = faultStatus(fsc, 'data');
  f.add('DFSC', 5, 0, status.name, () => (status.kind === 'reserved' ? status.name : undefined));
  c.result.fault = status;
  const parts = [status.name, wnr ? 'write' : 'read'];
  if (access) parts.push(access);
  if (lst) parts.push(['', 'ST64BV', 'LD64B/ST64B', 'ST64BV0'][lst]!);
  if (s1ptw) parts.push('on the stage 2 translation of a stage 1 table walk');
  if (vncr) parts.push('VNCR_EL2 access by EL1 (FEAT_NV2)');
  if (cm) parts.push('cache maintenance or AT instruction');
  if (top) parts.push('TopLevel');
  if (fnv) parts.push('FAR not valid');
  if (ea) parts.push('EA=1');
  return parts.join('; ');
};

const issMops: Layout = (f) => {
  const set = f.flag('MemInst', 24, 'CPYFE*, CPYFM*, CPYE* or CPYM* instruction', 'SETE*, SETM*, SETGE* or SETGM* instruction');
  const setg = f.flag('isSETG', 23, 'Not a SETGM* or SETGE* instruction', 'SETGM* or SETGE* instruction');
  if (set) {
    f.res0(22, 21, 'RES0 for Memory Set instructions');
    f.add('Options', 20, 19, (v) => `${bin(v, 2)}: instruction bits [13:12]`);
  } else {
    f.add('Options', 22, 19, (v) => `${bin(v, 4)}: instruction bits [15:12]`);
  }
  const epi = f.flag('FromEpilogue', 18, 'Not an epilogue instruction', 'CPYE*, CPYFE*, SETE* or SETGE* instruction');
  const fmt = f.add('FormatOption', 17, 16, (v) =>
    `${v === 0b01 || v === 0b10 ? 'Option A' : 'Option B'} register format (bits [17:16] were WrongOption and OptionA before M.a)`,
  );
  f.res0(15, 15);
  const d = f.add('destreg', 14, 10, (v) => `X${v}: the destination address register`);
  const s = f.add('srcreg', 9, 5, (v) => `X${v}: the source address or source data register`);
  const n = f.add('sizereg', 4, 0, (v) => `X${v}: the size register`);
  const cls = set ? (setg ? 'SETG*' : 'SET*') : 'CPY*';
  const optA = fmt === 0b01 || fmt === 0b10;
  return `${cls}${epi ? ' epilogue' : ''} instruction: dest X${d}, src X${s}, size X${n}; Option ${optA ? 'A' : 'B'}`;
};

const issFpExc: Layout = (f, c) => {
  f.res0(24, 24);
  const tfv = f.flag(
    'TFV',
    23,
    'IDF, IXF, UFF, OFF, DZF and IOF do not hold valid information and are UNKNOWN',
    'One or more floating-point exceptions occurred; IDF, IXF, UFF, OFF, DZF and IOF say which',
  );
  f.res0(22, 11);
  f.add(
    'VECITR',
    10,
    8,
    (v) => (c.ec === 0x28 ? `${bin(v, 3)}: RES1 for AArch32` : `${bin(v, 3)}: UNKNOWN for AArch64`),
    (v) => (c.ec === 0x28 && v !== 0b111 ? 'VECITR is RES1 for a trapped floating-point exception from AArch32' : undefined),
  );
  const flags: [string, number, string][] = [
    ['IDF', 7, 'Input Denormal'],
    ['IXF', 4, 'Inexact'],
    ['UFF', 3, 'Underflow'],
    ['OFF', 2, 'Overflow'],
    ['DZF', 1, 'Divide by Zero'],
    ['IOF', 0, 'Invalid Operation'],
  ];
  const set: string[] = [];
  for (const [name, bit, what] of flags) {
    const v = f.add(name, bit, bit, (x) =>
      !tfv ? 'UNKNOWN (TFV is 0)' : x ? `${what} floating-point exception occurred` : `${what} floating-point exception has not occurred`,
    );
    if (v) set.push(name);
  }
  f.res0(6, 5);
  if (!tfv) return 'TFV=0: the exception flags are not valid';
  return set.length ? set.join(' ') : 'TFV=1 but no exception flag set';
};

const GCS_IT: Record<number, string> = {
  0b00000: 'procedure return instruction without Pointer authentication',
  0b00001: 'GCSPOPM instruction',
  0b00010: 'procedure return instruction with Pointer authentication using key A',
  0b00011: 'procedure return instruction with Pointer authentication using key B',
  0b00100: 'GCSSS1 instruction',
  0b00101: 'GCSSS2 instruction',
  0b01000: 'GCSPOPCX instruction',
  0b01001: 'GCSPOPX instruction',
};

const issGcs: Layout = (f) => {
  f.res0(24, 24);
  const ex = f.enumerated('ExType', 23, 20, {
    0b0000: 'Guarded Control Stack Data Check exception',
    0b0001: 'EXLOCK exception',
    0b0010: 'Trap on GCSSTR or GCSSTTR instruction execution',
  });
  f.res0(19, 15);
  if (ex === 0b0000) {
    f.res0(14, 10, 'RES0 (ExType is not 0b0010)');
    const rn = f.add('Rn', 9, 5, (v) => `Register ${v} used by the instruction (X30 for authenticated returns; UNKNOWN for GCSSS2/GCSPOPCX)`);
    const it = f.enumerated('IT', 4, 0, Object.fromEntries(Object.entries(GCS_IT).map(([k, v]) => [k, `GCS Data Check from a ${v}`])));
    return `GCS Data Check exception from a ${GCS_IT[it] ?? `reserved IT ${bin(it, 5)}`} (register ${rn})`;
  }
  if (ex === 0b0010) {
    const ra = f.add('Raddr', 14, 10, (v) => `Register ${v}: the data address register of the trapped instruction`);
    const rv = f.add('Rvalue', 9, 5, (v) => `Register ${v}: the data value register of the trapped instruction`);
    f.res0(4, 0, 'RES0 (ExType is not 0b0000)');
    return `GCSSTR/GCSSTTR trapped (address register ${ra}, value register ${rv})`;
  }
  f.res0(14, 0, ex === 0b0001 ? 'RES0 for an EXLOCK exception' : 'RES0 (reserved ExType)');
  return ex === 0b0001 ? 'EXLOCK exception' : `reserved ExType ${bin(ex, 4)}`;
};

const AET: Record<number, string> = {
  0b000: 'Uncontainable (UC)',
  0b001: 'Unrecoverable state (UEU)',
  0b010: 'Restartable state (UEO)',
  0b011: 'Recoverable state (UER)',
  0b110: 'Corrected (CE)',
};

const issSerror: Layout = (f) => {
  const ids = f.flag(
    'IDS',
    24,
    'ISS[23:0] hold the architected fields of this encoding (RES0 without FEAT_RAS)',
    'ISS[23:0] hold an IMPLEMENTATION DEFINED syndrome',
  );
  if (ids) {
    const v = f.add('IMPLEMENTATION DEFINED', 23, 0, (x) => `IMPLEMENTATION DEFINED syndrome ${hex(x)}`);
    return `IMPLEMENTATION DEFINED syndrome ${hex(v)}`;
  }
  const dfsc = f.get(5, 0);
  f.add(
    'DFSC',
    5,
    0,
    (v) => (v === 0 ? 'Uncategorized error' : v === 0x11 ? 'Asynchronous SError exception (FEAT_RAS)' : `reserved DFSC value ${bin(v, 6)}`),
    (v) => (v !== 0 && v !== 0x11 ? `reserved DFSC value ${bin(v, 6)}` : undefined),
  );
  if (dfsc !== 0x11) {
    f.res0(23, 6, 'RES0 (DFSC is not 0b010001)');
    return dfsc === 0 ? 'Uncategorized error' : `reserved DFSC ${bin(dfsc, 6)}`;
  }
  f.res0(23, 19);
  const els = f.flag(
    'ELS',
    18,
    'Asynchronous: ELR_ELx does not indicate the trigger (FEAT_RASv2)',
    'Synchronous: triggered by the instruction at ELR_ELx (FEAT_RASv2)',
  );
  f.enumerated('WU', 17, 16, WU_TABLE);
  f.flag('VFV', 15, 'FAR_ELx is not valid (FEAT_RASv2)', 'FAR_ELx holds a valid virtual address associated with the error (FEAT_RASv2)');
  f.add('PFV', 14, 14, (v) => `${PFV_MEANING[v]} (FEAT_PFAR)`);
  const iesb = f.flag(
    'IESB',
    13,
    'Not synchronized by the implicit error synchronization event, or not taken immediately',
    'Synchronized by the implicit error synchronization event and taken immediately (FEAT_IESB)',
  );
  const aet = f.enumerated('AET', 12, 10, AET);
  const ea = f.add('EA', 9, 9, (v) => `External abort type ${v} (IMPLEMENTATION DEFINED classification)`);
  f.res0(8, 8);
  const wnrv = f.flag('WnRV', 7, 'WnR is not valid and is 0 (FEAT_RASv2)', 'WnR is valid (FEAT_RASv2)');
  const wnr = f.add(
    'WnR',
    6,
    6,
    (v) => (!wnrv ? 'RES0 (WnRV is 0)' : v ? 'Caused by an instruction writing to memory' : 'Caused by an instruction reading from memory'),
    (v) => (v && !wnrv ? 'WnR is RES0 when WnRV is 0' : undefined),
  );
  const parts = [`Asynchronous SError exception, ${AET[aet] ?? `reserved AET ${bin(aet, 3)}`}`];
  if (iesb) parts.push('IESB');
  if (els) parts.push('synchronous (ELS)');
  if (wnrv) parts.push(wnr ? 'write' : 'read');
  if (ea) parts.push('EA=1');
  return parts.join('; ');
};

function debugFsc(f: Fields, name: 'IFSC' | 'DFSC'): void {
  f.add(
    name,
    5,
    0,
    (v) => (v === 0x22 ? 'Debug exception' : `${bin(v, 6)}: not the debug exception code 0b100010`),
    (v) => (v !== 0x22 ? `${name} should be 0b100010 (Debug exception)` : undefined),
  );
}

const issBreakpoint: Layout = (f, c) => {
  f.res0(24, 6);
  debugFsc(f, 'IFSC');
  return c.ec === 0x3a ? 'Vector Catch debug exception' : 'Breakpoint debug exception';
};

const issStep: Layout = (f) => {
  const isv = f.flag('ISV', 24, 'EX is RES0: no syndrome data', 'EX is valid');
  f.res0(23, 7);
  const ex = f.add(
    'EX',
    6,
    6,
    (v) => (!isv ? 'RES0 (ISV is 0)' : v ? 'A Load-Exclusive instruction was stepped' : 'An instruction other than a Load-Exclusive was stepped'),
    (v) => (v && !isv ? 'EX is RES0 when ISV is 0' : undefined),
  );
  debugFsc(f, 'IFSC');
  if (!isv) return 'no syndrome (ISV=0)';
  return ex ? 'a Load-Exclusive instruction was stepped' : 'an instruction other than a Load-Exclusive was stepped';
};

const issWatchpoint: Layout = (f) => {
  f.res0(24, 24);
  const wptv = f.get(17, 17);
  const wpt = f.add('WPT', 23, 18, (v) => (wptv ? `Watchpoint ${v} (FEAT_Debugv8p2)` : `${v}: UNKNOWN, WPTV is 0`));
  f.flag('WPTV', 17, 'WPT is invalid and UNKNOWN', 'WPT holds the number of the watchpoint that triggered (FEAT_Debugv8p2)');
  const wpf = f.flag(
    'WPF',
    16,
    'The watchpoint matched an address or range accessed by the instruction',
    'The watchpoint matched an address or range that might not have been accessed (SVE/SME)',
  );
  const fnv = f.get(10, 10);
  f.add(
    'FnP',
    15,
    15,
    (v) =>
      v
        ? 'The FAR holds any address within the smallest translation granule containing the accessed address (SVE/SME)'
        : 'The FAR holds the virtual address of the access (if FnV is 0)',
    (v) => (v && fnv ? 'FnP is 0 when FnV is 1' : undefined),
  );
  f.res0(14, 14);
  const vncr = f.flag('VNCR', 13, 'Not generated by the use of VNCR_EL2 by EL1 code', 'Generated by the use of VNCR_EL2 by EL1 code (FEAT_NV2)');
  f.res0(12, 11);
  f.flag('FnV', 10, 'The FAR is valid', 'The FAR is invalid and holds an UNKNOWN value (SVE/SME)');
  f.res0(9, 9);
  const cm = f.flag('CM', 8, 'Not from a cache maintenance instruction', 'From a cache maintenance instruction');
  f.res0(7, 7);
  const wnr = f.flag('WnR', 6, 'Caused by an instruction reading from a memory location', 'Caused by an instruction writing to a memory location');
  debugFsc(f, 'DFSC');
  const parts = [wptv ? `watchpoint ${wpt}` : 'watchpoint number not reported', wnr ? 'write' : 'read'];
  if (cm) parts.push('cache maintenance');
  if (vncr) parts.push('VNCR_EL2 access by EL1 (FEAT_NV2)');
  if (wpf) parts.push('might be a false positive');
  if (fnv) parts.push('FAR not valid');
  return parts.join('; ');
};

const issBreakInsn = (mn: string): Layout => (f) => {
  f.res0(24, 16);
  const v = f.add('Comment', 15, 0, (x) => `#${hex(x)} (${x})`);
  return `${mn} #${hex(v)}`;
};

const PROFILING_FSC: Record<number, string> = {
  0b00000: 'PMU Profiling exception (FEAT_EBEP)',
  0b00001: 'Profiling Buffer management event: PMBSR_ELx.S was 1 (FEAT_SPE_EXC)',
  0b00010: 'Trace buffer management event: TRBSR_ELx.IRQ was 1 (FEAT_TRBE_EXC)',
};

const issProfiling: Layout = (f) => {
  f.res0(24, 6);
  const fsc = f.enumerated('FSC', 5, 1, PROFILING_FSC);
  const sync = f.add(
    'SYNC',
    0,
    0,
    (v) => (v ? 'Taken synchronously (FEAT_SEBEP)' : 'Taken asynchronously'),
    (v) => (v && fsc !== 0 ? 'SYNC can be 1 only for a PMU Profiling exception' : undefined),
  );
  return `${PROFILING_FSC[fsc] ?? `reserved FSC ${bin(fsc, 5)}`}, ${sync ? 'synchronous' : 'asynchronous'}`;
};

const issUnallocated: Layout = (f) => {
  f.add('ISS', 24, 0, (v) => `${hex(v)}: not interpreted, the EC is unallocated`);
  return '';
};

// ---------------------------------------------------------------------------
// ISS2 layouts ([55:32])

type Iss2Layout = (f: Fields) => string[];

const iss2None: Iss2Layout = (f) => {
  f.res0(55, 32);
  return [];
};

const iss2DataAbort: Iss2Layout = (f) => {
  const on: string[] = [];
  const bit = (name: string, n: number, zero: string, one: string): void => {
    if (f.flag(name, 32 + n, zero, one)) on.push(name);
  };
  f.res0(55, 44);
  bit('HDBSSF', 11, 'Fault was not caused by HDBSS (FEAT_HDBSS)', 'Fault was caused by HDBSS (FEAT_HDBSS)');
  bit(
    'TnD',
    10,
    'Not due to a write of an Allocation Tag to Canonically Tagged memory',
    'Stage 1 Permission fault due to a write of an Allocation Tag to Canonically Tagged memory (FEAT_MTE_CANONICAL_TAGS)',
  );
  bit('TagAccess', 9, 'Not due to the NoTagAccess memory attribute', 'Permission fault due to the NoTagAccess memory attribute (FEAT_MTE_PERM)');
  bit('GCS', 8, 'Not due to a Guarded Control Stack data access', 'Due to a Guarded Control Stack data access (FEAT_GCS)');
  bit('AssuredOnly', 7, 'Not due to AssuredOnly', 'Stage 2 Permission fault due to AssuredOnly (FEAT_THE)');
  bit('Overlay', 6, 'Not due to Overlay Permissions', 'Permission fault due to Overlay Permissions (FEAT_S1POE/FEAT_S2POE)');
  bit('DirtyBit', 5, 'Permission fault not due to dirty state', 'Permission fault due to dirty state (FEAT_S1PIE/FEAT_S2PIE)');
  const xs = f.add('Xs', 36, 32, (v) => `${v}: register Xs of an ST64BV/ST64BV0 that took a Translation, Access flag or Permission fault; else RES0`);
  if (xs) on.push(`Xs=${xzr(xs)}`);
  return on;
};

const iss2InstructionAbort: Iss2Layout = (f) => {
  const on: string[] = [];
  f.res0(55, 44);
  if (f.flag('HDBSSF', 43, 'Fault was not caused by HDBSS (FEAT_HDBSS)', 'Fault was caused by HDBSS (FEAT_HDBSS)')) on.push('HDBSSF');
  f.res0(42, 40);
  if (f.flag('AssuredOnly', 39, 'Not due to AssuredOnly', 'Due to the stage 2 AssuredOnly attribute (FEAT_THE)')) on.push('AssuredOnly');
  if (f.flag('Overlay', 38, 'Not due to Overlay Permissions', 'Due to Overlay Permissions (FEAT_S1POE/FEAT_S2POE)')) on.push('Overlay');
  if (f.flag('DirtyBit', 37, 'Permission fault not due to dirty state', 'Permission fault due to dirty state (FEAT_S2PIE)')) on.push('DirtyBit');
  f.res0(36, 32);
  return on;
};

const iss2Watchpoint: Iss2Layout = (f) => {
  f.res0(55, 41);
  const gcs = f.flag('GCS', 40, 'Not due to a Guarded Control Stack data access', 'Due to a Guarded Control Stack data access (FEAT_GCS)');
  f.res0(39, 32);
  return gcs ? ['GCS'] : [];
};

const iss2Gpc: Iss2Layout = (f) => {
  const on: string[] = [];
  f.res0(55, 44);
  if (f.flag('HDBSSF', 43, 'Fault was not caused by HDBSS (FEAT_HDBSS)', 'Fault was caused by HDBSS (FEAT_HDBSS)')) on.push('HDBSSF');
  f.res0(42, 41);
  if (f.flag('GCS', 40, 'Not due to a Guarded Control Stack data access', 'Due to a Guarded Control Stack data access (FEAT_GCS)')) on.push('GCS');
  f.res0(39, 32);
  return on;
};

const iss2Unallocated: Iss2Layout = (f) => {
  f.add('ISS2', 55, 32, (v) => `${hex(v)}: not interpreted, the EC is unallocated`);
  return [];
};

// ---------------------------------------------------------------------------
// The EC table

/**
 * How IL reads for a class: `insn` the standard 16/32-bit meaning; `a64` a class
 * taken only from AArch64, so IL is 1; `one` a class for which the Arm ARM sets
 * IL to 1; `dabt` depends on ISV; `other` a class that is not an instruction
 * trap and that the IL text does not list.
 */
type IlRule = 'insn' | 'a64' | 'one' | 'dabt' | 'other';

interface EcEntry {
  name: string;
  description: string;
  iss: Layout;
  iss2?: Iss2Layout;
  il: IlRule;
}

const EC_TABLE: Readonly<Record<number, EcEntry>> = {
  0x00: { name: 'Unknown reason', description: 'Unknown reason.', iss: issRes0, il: 'one' },
  0x01: {
    name: 'WFx trap',
    description: 'Trapped WF* instruction execution. Conditional WF* instructions that fail their condition code check do not cause an exception.',
    iss: issWfx,
    il: 'insn',
  },
  0x03: {
    name: 'MCR/MRC trap (CP15)',
    description: 'Trapped MCR or MRC access with (coproc==0b1111) that is not reported using EC value 0b000000.',
    iss: issMcrMrc,
    il: 'insn',
  },
  0x04: {
    name: 'MCRR/MRRC trap (CP15)',
    description: 'Trapped MCRR or MRRC access with (coproc==0b1111) that is not reported using EC value 0b000000.',
    iss: issMcrrMrrc,
    il: 'insn',
  },
  0x05: { name: 'MCR/MRC trap (CP14)', description: 'Trapped MCR or MRC access with (coproc==0b1110).', iss: issMcrMrc, il: 'insn' },
  0x06: {
    name: 'LDC/STC trap (CP14)',
    description:
      'Trapped LDC or STC access. The only architected uses of these instructions are an STC to write data to memory from DBGDTRRXint, and an LDC to read data from memory to DBGDTRTXint.',
    iss: issLdcStc,
    il: 'insn',
  },
  0x07: {
    name: 'SVE/SIMD/FP access trap',
    description:
      'Access to SME, SVE, Advanced SIMD or floating-point functionality trapped by CPACR_EL1.FPEN, CPTR_EL2.FPEN, CPTR_EL2.TFP, or CPTR_EL3.TFP control. Excludes exceptions resulting from CPACR_EL1 when the value of HCR_EL2.TGE is 1, or because SVE or Advanced SIMD and floating-point are not implemented. These are reported with EC value 0b000000.',
    iss: issFpAccess,
    il: 'insn',
  },
  0x08: {
    name: 'VMRS trap (ID group)',
    description: 'Trapped VMRS access, from ID group trap, that is not reported using EC value 0b000111.',
    iss: issMcrMrc,
    il: 'insn',
  },
  0x09: {
    name: 'PAuth instruction trap',
    description: 'Trapped use of a Pointer authentication instruction because HCR_EL2.API == 0 || SCR_EL3.API == 0.',
    iss: issRes0,
    il: 'a64',
  },
  0x0a: {
    name: 'Other instruction trap (LS64, TSB/PSB CSYNC)',
    description: 'Trapped execution of any instruction not covered by other EC values (LD64B, ST64B, ST64BV, ST64BV0, TSB CSYNC, PSB CSYNC).',
    iss: issOther,
    il: 'a64',
  },
  0x0c: { name: 'MRRC trap (CP14)', description: 'Trapped MRRC access with (coproc==0b1110).', iss: issMcrrMrrc, il: 'insn' },
  0x0d: { name: 'Branch Target Exception', description: 'Branch Target Exception.', iss: issBti, il: 'a64' },
  0x0e: { name: 'Illegal Execution state', description: 'Illegal Execution state.', iss: issRes0, il: 'one' },
  0x11: {
    name: 'SVC (AArch32)',
    description: 'SVC instruction execution in AArch32 state. Reported in ESR_EL2 only when the exception is generated because the value of HCR_EL2.TGE is 1.',
    iss: issSvcHvc32('SVC'),
    il: 'insn',
  },
  0x12: { name: 'HVC (AArch32)', description: 'HVC instruction execution in AArch32 state, when HVC is not disabled.', iss: issSvcHvc32('HVC'), il: 'insn' },
  0x13: {
    name: 'SMC (AArch32)',
    description:
      'SMC instruction execution in AArch32 state, when SMC is not disabled. Reported in ESR_EL2 only when the exception is generated because the value of HCR_EL2.TSC is 1.',
    iss: issSmc32,
    il: 'insn',
  },
  0x14: {
    name: 'MSRR/MRRS/SYSP trap',
    description: 'Trapped MSRR, MRRS or System instruction execution in AArch64 state, that is not reported using EC value 0b000000.',
    iss: issSys128,
    il: 'a64',
  },
  0x15: { name: 'SVC (AArch64)', description: 'SVC instruction execution in AArch64 state.', iss: issImm16('SVC'), il: 'a64' },
  0x16: { name: 'HVC (AArch64)', description: 'HVC instruction execution in AArch64 state, when HVC is not disabled.', iss: issImm16('HVC'), il: 'a64' },
  0x17: {
    name: 'SMC (AArch64)',
    description:
      'SMC instruction execution in AArch64 state, when SMC is not disabled. Reported in ESR_EL2 only when the exception is generated because the value of HCR_EL2.TSC is 1.',
    iss: issImm16('SMC'),
    il: 'a64',
  },
  0x18: {
    name: 'MSR/MRS/SYS trap',
    description:
      'Trapped MSR, MRS or System instruction execution in AArch64 state, that is not reported using EC values 0b000000, 0b000001 or 0b000111. This includes all instructions that cause exceptions that are part of the encoding space defined in "System instruction class encoding overview", except for those exceptions reported using EC values 0b000000, 0b000001, or 0b000111.',
    iss: issSys64,
    il: 'a64',
  },
  0x19: {
    name: 'SVE access trap',
    description: 'Access to SVE functionality trapped as a result of CPACR_EL1.ZEN, CPTR_EL2.ZEN, CPTR_EL2.TZ, or CPTR_EL3.EZ, that is not reported using EC value 0b000000.',
    iss: issRes0,
    il: 'a64',
  },
  0x1a: { name: 'ERET/ERETAA/ERETAB trap', description: 'Trapped ERET, ERETAA, or ERETAB instruction execution.', iss: issEret, il: 'a64' },
  0x1b: {
    name: 'TSTART trap',
    description:
      'Exception from an access to a TSTART instruction at EL0 when SCTLR_EL1.TME0 == 0, EL0 when SCTLR_EL2.TME0 == 0, at EL1 when SCTLR_EL1.TME == 0, at EL2 when SCTLR_EL2.TME == 0 or at EL3 when SCTLR_EL3.TME == 0 (FEAT_TME; no longer listed from DDI 0487 M.a).',
    iss: issTstart,
    il: 'a64',
  },
  0x1c: { name: 'PAC Fail', description: 'Exception from a PAC Fail (FEAT_FPAC).', iss: issPacFail, il: 'a64' },
  0x1d: {
    name: 'SME trap',
    description:
      'Access to SME functionality trapped as a result of CPACR_EL1.SMEN, CPTR_EL2.SMEN, CPTR_EL2.TSM, CPTR_EL3.ESM, or an attempted execution of an instruction that is illegal because of the value of PSTATE.SM or PSTATE.ZA, that is not reported using EC value 0b000000.',
    iss: issSme,
    il: 'a64',
  },
  0x1e: {
    name: 'Granule Protection Check',
    description: 'Granule Protection Check exception (FEAT_RME; reported in ESR_EL3 only).',
    iss: issGpc,
    iss2: iss2Gpc,
    il: 'other',
  },
  0x1f: { name: 'IMPLEMENTATION DEFINED (EL3)', description: 'IMPLEMENTATION DEFINED exception to EL3.', iss: issImpdef, il: 'other' },
  0x20: {
    name: 'Instruction Abort, lower EL',
    description:
      'Instruction Abort from a lower Exception level. Used for MMU faults generated by instruction accesses and synchronous External aborts, including synchronous parity or ECC errors. Not used for debug-related exceptions.',
    iss: issInstructionAbort,
    iss2: iss2InstructionAbort,
    il: 'one',
  },
  0x21: {
    name: 'Instruction Abort, same EL',
    description:
      'Instruction Abort taken without a change in Exception level. Used for MMU faults generated by instruction accesses and synchronous External aborts, including synchronous parity or ECC errors. Not used for debug-related exceptions.',
    iss: issInstructionAbort,
    iss2: iss2InstructionAbort,
    il: 'one',
  },
  0x22: { name: 'PC alignment fault', description: 'PC alignment fault exception.', iss: issRes0, il: 'one' },
  0x24: {
    name: 'Data Abort, lower EL',
    description:
      'Data Abort exception from a lower Exception level, excluding Data Abort exceptions taken to EL2 as a result of accesses generated associated with VNCR_EL2 as part of nested virtualization support. These Data Abort exceptions might be generated from Exception levels in any Execution state. Used for MMU faults generated by data accesses, alignment faults other than those caused by Stack Pointer misalignment, and synchronous External aborts, including synchronous parity or ECC errors. Not used for debug-related exceptions.',
    iss: issDataAbort,
    iss2: iss2DataAbort,
    il: 'dabt',
  },
  0x25: {
    name: 'Data Abort, same EL',
    description:
      'Data Abort exception without a change in Exception level, or Data Abort exceptions taken to EL2 as a result of accesses generated associated with VNCR_EL2 as part of nested virtualization support. Used for MMU faults generated by data accesses, alignment faults other than those caused by Stack Pointer misalignment, and synchronous External aborts, including synchronous parity or ECC errors. Not used for debug-related exceptions.',
    iss: issDataAbort,
    iss2: iss2DataAbort,
    il: 'dabt',
  },
  0x26: { name: 'SP alignment fault', description: 'SP alignment fault exception.', iss: issRes0, il: 'one' },
  0x27: { name: 'Memory Operation (MOPS) exception', description: 'Memory Operation Exception (FEAT_MOPS).', iss: issMops, il: 'a64' },
  0x28: {
    name: 'FP exception (AArch32)',
    description:
      'Trapped floating-point exception taken from AArch32 state. This EC value is valid if the implementation supports trapping of floating-point exceptions, otherwise it is reserved. Whether a floating-point implementation supports trapping of floating-point exceptions is IMPLEMENTATION DEFINED.',
    iss: issFpExc,
    il: 'insn',
  },
  0x2c: {
    name: 'FP exception (AArch64)',
    description:
      'Trapped floating-point exception taken from AArch64 state. This EC value is valid if the implementation supports trapping of floating-point exceptions, otherwise it is reserved. Whether a floating-point implementation supports trapping of floating-point exceptions is IMPLEMENTATION DEFINED.',
    iss: issFpExc,
    il: 'a64',
  },
  0x2d: { name: 'GCS exception', description: 'GCS exception (FEAT_GCS).', iss: issGcs, il: 'a64' },
  0x2f: { name: 'SError', description: 'SError exception.', iss: issSerror, il: 'one' },
  0x30: { name: 'Breakpoint, lower EL', description: 'Breakpoint exception from a lower Exception level.', iss: issBreakpoint, il: 'one' },
  0x31: { name: 'Breakpoint, same EL', description: 'Breakpoint exception taken without a change in Exception level.', iss: issBreakpoint, il: 'one' },
  0x32: { name: 'Software Step, lower EL', description: 'Software Step exception from a lower Exception level.', iss: issStep, il: 'one' },
  0x33: { name: 'Software Step, same EL', description: 'Software Step exception taken without a change in Exception level.', iss: issStep, il: 'one' },
  0x34: {
    name: 'Watchpoint, lower EL',
    description:
      'Watchpoint from a lower Exception level, excluding Watchpoint exceptions taken to EL2 as a result of accesses generated associated with VNCR_EL2 as part of nested virtualization support. These Watchpoint exceptions might be generated from Exception levels using any Execution state.',
    iss: issWatchpoint,
    iss2: iss2Watchpoint,
    il: 'one',
  },
  0x35: {
    name: 'Watchpoint, same EL',
    description:
      'Watchpoint exception without a change in Exception level, or Watchpoint exceptions taken to EL2 as a result of accesses generated associated with VNCR_EL2 as part of nested virtualization support.',
    iss: issWatchpoint,
    iss2: iss2Watchpoint,
    il: 'one',
  },
  0x38: { name: 'BKPT (AArch32)', description: 'BKPT instruction execution in AArch32 state.', iss: issBreakInsn('BKPT'), il: 'insn' },
  0x3a: {
    name: 'Vector Catch (AArch32)',
    description:
      'Vector Catch exception from AArch32 state. The only case where a Vector Catch exception is taken to an Exception level that is using AArch64 is when the exception is routed to EL2 and EL2 is using AArch64.',
    iss: issBreakpoint,
    il: 'one',
  },
  0x3c: { name: 'BRK (AArch64)', description: 'BRK instruction execution in AArch64 state.', iss: issBreakInsn('BRK'), il: 'a64' },
  0x3d: { name: 'Profiling exception', description: 'Profiling exception (FEAT_EBEP, FEAT_SPE_EXC or FEAT_TRBE_EXC).', iss: issProfiling, il: 'other' },
};

const UNALLOCATED_DESCRIPTION =
  'Unallocated EC value, reserved by Arm: values 0x00-0x2C are reserved for future synchronous exceptions, 0x2D-0x3F for synchronous or asynchronous exceptions.';

/** The EC table entry for `ec` (0..63); unallocated values are reported as such. */
export function exceptionClass(ec: number): ExceptionClass {
  const value = ec & 0x3f;
  const e = EC_TABLE[value];
  return e
    ? { value, name: e.name, description: e.description, allocated: true }
    : { value, name: 'unallocated EC', description: UNALLOCATED_DESCRIPTION, allocated: false };
}

/** All allocated EC values, ascending. */
export const ALLOCATED_ECS: readonly number[] = Object.keys(EC_TABLE)
  .map(Number)
  .sort((a, b) => a - b);

function ilMeaning(rule: IlRule, isv: boolean): { meaning: (v: number) => string; warning: (v: number) => string | undefined } {
  const fixed = rule === 'one' || (rule === 'dabt' && !isv);
  if (fixed) {
    return {
      meaning: (v) => (v ? 'IL is 1 for this exception class (not an instruction length)' : 'The Arm ARM sets IL to 1 for this exception class'),
      warning: (v) => (v ? undefined : 'IL should be 1 for this exception class'),
    };
  }
  if (rule === 'a64') {
    return {
      meaning: (v) => (v ? '32-bit instruction trapped' : '16-bit instruction trapped, which AArch64 cannot produce'),
      warning: (v) => (v ? undefined : 'IL is 0, but this exception class is taken only from AArch64 state, whose instructions are 32-bit'),
    };
  }
  if (rule === 'other') {
    return {
      meaning: (v) => (v ? '32-bit instruction, or no instruction is associated with the exception' : '16-bit instruction'),
      warning: () => undefined,
    };
  }
  return { meaning: (v) => (v ? '32-bit instruction trapped' : '16-bit instruction trapped (T32)'), warning: () => undefined };
}

// ---------------------------------------------------------------------------

/** Decodes a 64-bit ESR_ELx value. Never throws. */
export function decodeEsr(value: bigint, opts: DecodeEsrOptions = {}): DecodedEsr {
  const inputWarnings: string[] = [];
  let v = value;
  if (v < 0n || v > MASK64) {
    inputWarnings.push(`the value does not fit in 64 unsigned bits; decoded its low 64 bits`);
    v = BigInt.asUintN(64, v);
  }
  const lo = Number(v & 0xffffffffn);
  const hi = Number(v >> 32n);
  const f = new Fields(lo, hi);
  const ecValue = lo >>> 26;
  const entry = EC_TABLE[ecValue];
  const ec = exceptionClass(ecValue);
  const iss = lo & 0x1ffffff;
  const il = (lo >>> 25) & 1;

  f.res0(63, 56, 'Reserved, RES0');
  f.add('EC', 31, 26, `${ec.name}`, () => (entry ? undefined : 'unallocated EC value'));

  const ctx: Ctx = { ec: ecValue, opts, result: {} };
  let detail: string;
  let iss2Flags: string[];
  if (entry) {
    const rule = ilMeaning(entry.il, ((iss >>> 24) & 1) === 1);
    f.add('IL', 25, 25, rule.meaning, rule.warning);
    detail = entry.iss(f, ctx);
    iss2Flags = (entry.iss2 ?? iss2None)(f);
  } else {
    const rule = ilMeaning('other', false);
    f.add('IL', 25, 25, rule.meaning);
    detail = issUnallocated(f, ctx);
    iss2Flags = iss2Unallocated(f);
  }

  let summary = `EC 0x${ecValue.toString(16).toUpperCase().padStart(2, '0')} ${ec.name}`;
  if (detail) summary += `: ${detail}`;
  if (iss2Flags.length) summary += `${detail ? '; ' : ': '}ISS2 ${iss2Flags.join(', ')}`;

  const out: DecodedEsr = {
    value: v,
    ec,
    il,
    iss,
    iss2: hi & 0xffffff,
    fields: f.finish(),
    summary,
    warnings: [...inputWarnings, ...f.warnings],
  };
  if (ctx.result.fault) out.fault = ctx.result.fault;
  if (ctx.result.sysreg) out.sysreg = ctx.result.sysreg;
  return out;
}
