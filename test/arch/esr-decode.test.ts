import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALLOCATED_ECS, decodeEsr, exceptionClass, faultStatus, type DecodedEsr } from '../../emulator/arch/esr-decode.js';
import { parseEsrValue } from '../../emulator/cli/esr-command.js';
import { Rng } from '../util/rng.js';

// Every expected value below is composed by hand from the ESR_ELx field layouts
// of the Arm ARM (DDI 0487 M.a, "ISS encoding for ..."), not read back from the
// decoder: the comment next to each value gives the fields it was built from.

const NAMES: Record<number, string> = {
  [(3 << 14) | (3 << 11) | (0 << 7) | (0 << 3) | 1]: 'CTR_EL0',
  [(3 << 14) | (0 << 11) | (1 << 7) | (0 << 3) | 0]: 'SCTLR_EL1',
  [(1 << 14) | (3 << 11) | (7 << 7) | (4 << 3) | 1]: 'DC ZVA',
  [(1 << 14) | (0 << 11) | (8 << 7) | (3 << 3) | 0]: 'TLBI VMALLE1IS',
  [(3 << 14) | (0 << 11) | (2 << 7) | (0 << 3) | 0]: 'TTBR0_EL1',
};
const sysregName = (key: number): string | undefined => NAMES[key];

function dec(v: bigint | number): DecodedEsr {
  return decodeEsr(BigInt(v), { sysregName });
}

/** Field values by name (first occurrence; RES0 fields excluded). */
function fieldsOf(d: DecodedEsr): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of d.fields) if (f.name !== 'RES0' && !(f.name in out)) out[f.name] = Number(f.value);
  return out;
}

function field(d: DecodedEsr, name: string): { bits: [number, number]; value: number; meaning: string; warning?: string } {
  const f = d.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${d.summary}`);
  return { bits: f.bits, value: Number(f.value), meaning: f.meaning, ...(f.warning ? { warning: f.warning } : {}) };
}

describe('EC, IL, ISS and ISS2 split', () => {
  it('takes EC from [31:26], IL from [25], ISS from [24:0], ISS2 from [55:32]', () => {
    const d = dec(0x0000_0012_5a00_0012n); // ISS2 = 0x12 (RES0 for HVC), EC 0x16, IL 1, ISS 0x12
    expect(d.ec.value).toBe(0x16);
    expect(d.il).toBe(1);
    expect(d.iss).toBe(0x12);
    expect(d.iss2).toBe(0x12);
    expect(d.warnings).toEqual(['RES0 [55:32]: RES0 bits are set (0x12)']);
  });

  it('names every allocated EC and calls the others unallocated', () => {
    expect(ALLOCATED_ECS).toEqual([
      0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
      0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2c, 0x2d, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38,
      0x3a, 0x3c, 0x3d,
    ]);
    for (const ec of [0x02, 0x0b, 0x0f, 0x10, 0x23, 0x29, 0x2a, 0x2b, 0x2e, 0x36, 0x37, 0x39, 0x3b, 0x3e, 0x3f]) {
      expect(exceptionClass(ec)).toMatchObject({ value: ec, name: 'unallocated EC', allocated: false });
    }
    expect(exceptionClass(0x18).description).toMatch(/^Trapped MSR, MRS or System instruction execution in AArch64 state/);
    expect(exceptionClass(0x25).description).toMatch(/VNCR_EL2 as part of nested virtualization support/);
  });
});

describe('exception-generating instructions', () => {
  it('0x5a000012: HVC #0x12 from AArch64 (EC 0x16, imm16 = 0x12)', () => {
    const d = dec(0x5a000012);
    expect(d.summary).toBe('EC 0x16 HVC (AArch64): HVC #0x12');
    expect(field(d, 'imm16')).toMatchObject({ bits: [15, 0], value: 0x12 });
    expect(d.warnings).toEqual([]);
  });

  it('0x56001234: SVC #0x1234 (EC 0x15); 0x5e00ffff: SMC #0xffff (EC 0x17)', () => {
    expect(dec(0x56001234).summary).toBe('EC 0x15 SVC (AArch64): SVC #0x1234');
    expect(dec(0x5e00ffff).summary).toBe('EC 0x17 SMC (AArch64): SMC #0xffff');
  });

  it('0x44000010: SVC from a 16-bit T32 instruction (EC 0x11, IL 0, imm 0x10)', () => {
    const d = dec(0x44000010);
    expect(d.ec.name).toBe('SVC (AArch32)');
    expect(d.il).toBe(0);
    expect(field(d, 'IL').meaning).toBe('16-bit instruction trapped (T32)');
    expect(d.summary).toBe('EC 0x11 SVC (AArch32): SVC #0x10');
  });

  it('0x4a000001: HVC #1 from AArch32 (EC 0x12)', () => {
    expect(dec(0x4a000001).summary).toBe('EC 0x12 HVC (AArch32): HVC #0x1');
  });

  it('0x4f080000: AArch32 SMC trapped by HCR_EL2.TSC (EC 0x13): CV 1, COND EQ, CCKNOWNPASS 1', () => {
    const d = dec(0x4f080000); // CV [24] = 1, COND [23:20] = 0b0000, CCKNOWNPASS [19] = 1
    expect(fieldsOf(d)).toMatchObject({ CV: 1, COND: 0, CCKNOWNPASS: 1 });
    expect(field(d, 'COND').meaning).toMatch(/^EQ/);
    expect(d.summary).toBe('EC 0x13 SMC (AArch32): SMC (might have failed its condition code check) (condition EQ)');
  });

  it('0xf20003e8: BRK #0x3e8 (EC 0x3C); 0xe00000ab: 16-bit T32 BKPT #0xab (EC 0x38, IL 0)', () => {
    expect(dec(0xf20003e8).summary).toBe('EC 0x3C BRK (AArch64): BRK #0x3e8');
    const b = dec(0xe00000ab);
    expect(b.summary).toBe('EC 0x38 BKPT (AArch32): BKPT #0xab');
    expect(field(b, 'Comment')).toMatchObject({ bits: [15, 0], value: 0xab });
    expect(field(b, 'IL').meaning).toBe('16-bit instruction trapped (T32)');
  });
});

describe('MSR/MRS/System instruction traps (EC 0x18) and 128-bit ones (EC 0x14)', () => {
  it('0x6232c021: MRS X1, CTR_EL0 (op0=3 op1=3 CRn=0 CRm=0 op2=1, Rt=1, read)', () => {
    const d = dec(0x6232c021);
    expect(d.summary).toBe('EC 0x18 MSR/MRS/SYS trap: MRS X1, CTR_EL0 (op0=3 op1=3 CRn=0 CRm=0 op2=1)');
    expect(fieldsOf(d)).toMatchObject({ Op0: 3, Op2: 1, Op1: 3, CRn: 0, Rt: 1, CRm: 0, Direction: 1 });
    expect(field(d, 'Op0').bits).toEqual([21, 20]);
    expect(field(d, 'Op2').bits).toEqual([19, 17]);
    expect(field(d, 'Op1').bits).toEqual([16, 14]);
    expect(field(d, 'CRn').bits).toEqual([13, 10]);
    expect(field(d, 'Rt').bits).toEqual([9, 5]);
    expect(field(d, 'CRm').bits).toEqual([4, 1]);
    expect(d.sysreg).toMatchObject({ op0: 3, op1: 3, crn: 0, crm: 0, op2: 1, key: 0xd801, name: 'CTR_EL0', read: true });
  });

  it('0x62300461: MRS X3, SCTLR_EL1 (op0=3 op1=0 CRn=1 CRm=0 op2=0, Rt=3)', () => {
    expect(dec(0x62300461).summary).toBe('EC 0x18 MSR/MRS/SYS trap: MRS X3, SCTLR_EL1 (op0=3 op1=0 CRn=1 CRm=0 op2=0)');
  });

  it('0x62300400: MSR SCTLR_EL1, X0 without a name lookup uses the generic name', () => {
    const d = decodeEsr(0x62300400n);
    expect(d.summary).toBe('EC 0x18 MSR/MRS/SYS trap: MSR S3_0_C1_C0_0, X0 (op0=3 op1=0 CRn=1 CRm=0 op2=0)');
    expect(field(d, 'Direction').meaning).toMatch(/^Write/);
  });

  it('0x6212dc68: DC ZVA, X3 (SYS: op0=1 op1=3 CRn=7 CRm=4 op2=1, Rt=3, write)', () => {
    expect(dec(0x6212dc68).sysreg?.instruction).toBe('DC ZVA, X3');
    expect(decodeEsr(0x6212dc68n).sysreg?.instruction).toBe('SYS #3, C7, C4, #1, X3');
  });

  it('0x621023e6: TLBI VMALLE1IS (op0=1 op1=0 CRn=8 CRm=3 op2=0, Rt=31)', () => {
    expect(dec(0x621023e6).summary).toBe('EC 0x18 MSR/MRS/SYS trap: TLBI VMALLE1IS (op0=1 op1=0 CRn=8 CRm=3 op2=0)');
    expect(decodeEsr(0x621023e6n).sysreg?.instruction).toBe('SYS #0, C8, C3, #0');
  });

  it('0x52300841: MRRS X2, X3, TTBR0_EL1 (EC 0x14: Rt<4:1> in [9:6] = 1)', () => {
    const d = dec(0x52300841);
    expect(d.summary).toBe('EC 0x14 MSRR/MRRS/SYSP trap: MRRS X2, X3, TTBR0_EL1 (op0=3 op1=0 CRn=2 CRm=0 op2=0)');
    expect(field(d, 'Rt')).toMatchObject({ bits: [9, 6], value: 1 });
  });

  it('survives a name lookup that throws', () => {
    const d = decodeEsr(0x6232c021n, {
      sysregName: () => {
        throw new Error('database not loaded');
      },
    });
    expect(d.sysreg?.name).toBe('S3_3_C0_C0_1');
  });
});

describe('WFx, AArch32 coprocessor, FP/SVE/SME and other traps', () => {
  it('0x07e00000 / 0x07e00001: WFI and WFE from AArch64 (CV 1, COND 0b1110)', () => {
    const d = dec(0x07e00000);
    expect(fieldsOf(d)).toMatchObject({ CV: 1, COND: 0xe, TI: 0 });
    expect(d.summary).toBe('EC 0x01 WFx trap: WFI');
    expect(dec(0x07e00001).summary).toBe('EC 0x01 WFx trap: WFE');
  });

  it('0x07e000a6: WFIT X5 (TI 0b10, RV 1, RN 5); 0x07e000e7: WFET X7', () => {
    const d = dec(0x07e000a6);
    expect(fieldsOf(d)).toMatchObject({ RN: 5, RV: 1, TI: 2 });
    expect(field(d, 'RN').bits).toEqual([9, 5]);
    expect(field(d, 'RV').bits).toEqual([2, 2]);
    expect(d.summary).toBe('EC 0x01 WFx trap: WFIT X5');
    expect(dec(0x07e000e7).summary).toBe('EC 0x01 WFx trap: WFET X7');
  });

  it('0x0fe00401: MRC p15, 0, R0, c1, c0, 0 (EC 0x03, CV 1, COND AL)', () => {
    const d = dec(0x0fe00401);
    expect(fieldsOf(d)).toMatchObject({ CV: 1, COND: 0xe, Opc2: 0, Opc1: 0, CRn: 1, Rt: 0, CRm: 0, Direction: 1 });
    expect(d.summary).toBe('EC 0x03 MCR/MRC trap (CP15): MRC p15, 0, X0, c1, c0, 0');
  });

  it('0x0f101c4a: conditional MCR p15, 0, R2, c7, c5, 0 (COND NE)', () => {
    expect(dec(0x0f101c4a).summary).toBe('EC 0x03 MCR/MRC trap (CP15): MCR p15, 0, X2, c7, c5, 0 (condition NE)');
  });

  it('0x14000023: MRC p14 from T32 with CV 0 (EC 0x05, IL 0)', () => {
    const d = dec(0x14000023); // CV 0, COND 0, Opc2 0, Opc1 0, CRn 0, Rt 1, CRm 1, Direction 1
    expect(field(d, 'COND').meaning).toMatch(/^UNKNOWN: CV is 0/);
    expect(d.summary).toBe('EC 0x05 MCR/MRC trap (CP14): MRC p14, 0, X1, c0, c1, 0');
  });

  it('0x13e10c5d: MRRC p15, 1, R2, R3, c14 (EC 0x04: Opc1 [19:16], Rt2 [14:10])', () => {
    const d = dec(0x13e10c5d);
    expect(fieldsOf(d)).toMatchObject({ Opc1: 1, Rt2: 3, Rt: 2, CRm: 14, Direction: 1 });
    expect(field(d, 'Opc1').bits).toEqual([19, 16]);
    expect(d.summary).toBe('EC 0x04 MCRR/MRRC trap (CP15): MRRC p15, 1, X2, X3, c14');
  });

  it('0x33e00403: MRRC p14, 0, R0, R1, c1 (EC 0x0C)', () => {
    expect(dec(0x33e00403).summary).toBe('EC 0x0C MRRC trap (CP14): MRRC p14, 0, X0, X1, c1');
  });

  it('0x1be02033 / 0x1be011a6: LDC post-indexed and STC pre-indexed (EC 0x06)', () => {
    const d = dec(0x1be02033); // imm8 2, Rn 1, Offset 1 (add), AM 0b001, Direction 1 (LDC)
    expect(fieldsOf(d)).toMatchObject({ imm8: 2, Rn: 1, Offset: 1, AM: 1, Direction: 1 });
    expect(d.summary).toBe('EC 0x06 LDC/STC trap (CP14): LDC p14, [X1], #+8');
    // imm8 1, Rn 13, Offset 0 (subtract), AM 0b011, Direction 0 (STC)
    expect(dec(0x1be011a6).summary).toBe('EC 0x06 LDC/STC trap (CP14): STC p14, [X13, #-4]!');
  });

  it('0x23e1dc41: VMRS R2, MVFR0 trapped by an ID group trap (EC 0x08: Opc1 0b111, CRn = reg 0b0111)', () => {
    expect(dec(0x23e1dc41).summary).toBe('EC 0x08 VMRS trap (ID group): VMRS X2, MVFR0');
  });

  it('0x1fe00000: SIMD/FP access trap from AArch64 (EC 0x07, CV 1, COND AL); 0x66000000: SVE (EC 0x19)', () => {
    expect(dec(0x1fe00000).summary).toBe('EC 0x07 SVE/SIMD/FP access trap');
    expect(dec(0x66000000).summary).toBe('EC 0x19 SVE access trap');
  });

  it('0x26000000: trapped PAuth instruction (EC 0x09); 0x2a000002: LD64B/ST64B (EC 0x0A, ISS 2)', () => {
    expect(dec(0x26000000).summary).toBe('EC 0x09 PAuth instruction trap');
    expect(dec(0x2a000002).summary).toMatch(/^EC 0x0A .*: LD64B or ST64B instruction trapped/);
    expect(dec(0x2a000004).summary).toMatch(/PSB CSYNC instruction trapped/);
  });

  it('0x36000003: Branch Target Exception with BTYPE 0b11 (EC 0x0D)', () => {
    const d = dec(0x36000003);
    expect(field(d, 'BTYPE')).toMatchObject({ bits: [1, 0], value: 3 });
    expect(field(d, 'BTYPE').meaning).toMatch(/guarded page through a register other than X16 or X17/);
  });

  it('0x6a000000 / 0x6a000002 / 0x6a000003: trapped ERET, ERETAA, ERETAB (EC 0x1A)', () => {
    expect(dec(0x6a000000).summary).toBe('EC 0x1A ERET/ERETAA/ERETAB trap: ERET');
    expect(dec(0x6a000002).summary).toBe('EC 0x1A ERET/ERETAA/ERETAB trap: ERETAA');
    expect(dec(0x6a000003).summary).toBe('EC 0x1A ERET/ERETAA/ERETAB trap: ERETAB');
    expect(dec(0x6a000001).warnings).toEqual(['ERETA [0]: ERETA is RES0 when ERET is 0']);
  });

  it('0x6e000080: TSTART X4 (EC 0x1B, Rd [9:5] = 4)', () => {
    expect(dec(0x6e000080).summary).toBe('EC 0x1B TSTART trap: TSTART X4');
  });

  it('0x72000002: PAC Fail with a data A key (EC 0x1C, DnI 1, BnA 0)', () => {
    expect(dec(0x72000002).summary).toBe('EC 0x1C PAC Fail: PAC authentication failure with key DA');
  });

  it('0x76000003: SME instruction with PSTATE.ZA 0 (EC 0x1D, SMTC 0b011); SMTC 0b100 is the ZT0 trap', () => {
    expect(dec(0x76000003).summary).toBe('EC 0x1D SME trap: SME instruction trapped because PSTATE.ZA is 0');
    expect(dec(0x76000004).summary).toMatch(/ZT0/);
  });

  it('0x9f890022: SETGM-class MOPS exception, Option A, Xd 0, Xs 1, Xn 2 (EC 0x27)', () => {
    const d = dec(0x9f890022); // MemInst 1, isSETG 1, Options[20:19] 0b01, FromEpilogue 0, FormatOption 0b01
    expect(fieldsOf(d)).toMatchObject({ MemInst: 1, isSETG: 1, Options: 1, FromEpilogue: 0, FormatOption: 1, destreg: 0, srcreg: 1, sizereg: 2 });
    expect(field(d, 'Options').bits).toEqual([20, 19]);
    expect(d.summary).toBe('EC 0x27 Memory Operation (MOPS) exception: SETG* instruction: dest X0, src X1, size X2; Option A');
  });

  it('0xb2800003 / 0xa2800710: trapped FP exceptions from AArch64 (IOF, DZF) and AArch32 (IXF, VECITR RES1)', () => {
    const d = dec(0xb2800003);
    expect(fieldsOf(d)).toMatchObject({ TFV: 1, IDF: 0, IXF: 0, UFF: 0, OFF: 0, DZF: 1, IOF: 1 });
    expect(d.summary).toBe('EC 0x2C FP exception (AArch64): DZF IOF');
    const a = dec(0xa2800710);
    expect(a.summary).toBe('EC 0x28 FP exception (AArch32): IXF');
    expect(a.warnings).toEqual([]);
    expect(dec(0xa2800010).warnings).toEqual(['VECITR [10:8]: VECITR is RES1 for a trapped floating-point exception from AArch32']);
  });

  it('0xb60003c2 / 0xb6200440: GCS data check on RETAA, and a trapped GCSSTR (EC 0x2D)', () => {
    const d = dec(0xb60003c2); // ExType 0, Rn 30, IT 0b00010
    expect(fieldsOf(d)).toMatchObject({ ExType: 0, Rn: 30, IT: 2 });
    expect(d.summary).toMatch(/procedure return instruction with Pointer authentication using key A/);
    const s = dec(0xb6200440); // ExType 0b0010, Raddr 1, Rvalue 2
    expect(fieldsOf(s)).toMatchObject({ ExType: 2, Raddr: 1, Rvalue: 2 });
    expect(dec(0xb6000008).summary).toMatch(/GCSPOPCX/); // IT 0b01000, as in the Arm ARM (not 0b00110)
  });

  it('0x7a030068: Granule Protection Check (EC 0x1E): GPF at GPT level 0, data write, xFSC 0b101000', () => {
    const d = dec(0x7a030068);
    expect(fieldsOf(d)).toMatchObject({ S2PTW: 0, InD: 0, GPCSC: 0b001100, VNCR: 0, CM: 0, S1PTW: 0, WnR: 1, xFSC: 0x28 });
    expect(d.summary).toMatch(/^EC 0x1E Granule Protection Check: Granule protection fault at level 0; write/);
  });

  it('0x7e000abc: IMPLEMENTATION DEFINED exception to EL3 (EC 0x1F)', () => {
    expect(field(dec(0x7e000abc), 'IMPLEMENTATION DEFINED')).toMatchObject({ bits: [24, 0], value: 0xabc });
  });

  it('0xf6000001: synchronous PMU profiling exception (EC 0x3D, FSC 0, SYNC 1)', () => {
    expect(dec(0xf6000001).summary).toBe('EC 0x3D Profiling exception: PMU Profiling exception (FEAT_EBEP), synchronous');
  });

  it('0x02000000, 0x3a000000, 0x8a000000, 0x9a000000: unknown reason, illegal state, PC and SP alignment', () => {
    expect(dec(0x02000000).summary).toBe('EC 0x00 Unknown reason');
    expect(dec(0x3a000000).summary).toBe('EC 0x0E Illegal Execution state');
    expect(dec(0x8a000000).summary).toBe('EC 0x22 PC alignment fault');
    expect(dec(0x9a000000).summary).toBe('EC 0x26 SP alignment fault');
    expect(dec(0x88000000).warnings).toEqual(['IL [25]: IL should be 1 for this exception class']);
  });
});

describe('Instruction and Data Aborts', () => {
  it('0x97820010: Data Abort same EL, ISV, SAS word, SRT 2, DFSC synchronous External abort', () => {
    const d = dec(0x97820010);
    expect(d.ec.value).toBe(0x25);
    expect(fieldsOf(d)).toMatchObject({ ISV: 1, SAS: 2, SSE: 0, SRT: 2, SF: 0, AR: 0, WnR: 0, DFSC: 0x10 });
    expect(field(d, 'SAS').meaning).toBe('Word');
    expect(d.fault).toMatchObject({ code: 0x10, kind: 'external' });
    expect(d.summary).toBe(
      'EC 0x25 Data Abort, same EL: Synchronous External abort, not on translation table walk or hardware update of translation table; read; word load to W2',
    );
  });

  it('0x96000021: alignment fault (DFSC 0b100001)', () => {
    const d = dec(0x96000021);
    expect(d.fault).toMatchObject({ kind: 'alignment', name: 'Alignment fault' });
    expect(d.summary).toBe('EC 0x25 Data Abort, same EL: Alignment fault; read');
    expect(field(d, 'IL').meaning).toMatch(/IL is 1 for this exception class/);
  });

  it('0x92000046: Data Abort from a lower EL, write, translation fault level 2', () => {
    const d = dec(0x92000046);
    expect(fieldsOf(d)).toMatchObject({ ISV: 0, WnR: 1, DFSC: 0x06, S1PTW: 0, CM: 0 });
    expect(d.fault).toMatchObject({ kind: 'translation', level: 2 });
    expect(d.summary).toBe('EC 0x24 Data Abort, lower EL: Translation fault, level 2; write');
  });

  it('0x96002047: VNCR_EL2 access by EL1 takes a same-EL Data Abort with VNCR [13] set', () => {
    const d = dec(0x96002047); // VNCR 1, WnR 1, DFSC translation fault level 3
    expect(field(d, 'VNCR')).toMatchObject({ bits: [13, 13], value: 1 });
    expect(d.summary).toBe('EC 0x25 Data Abort, same EL: Translation fault, level 3; write; VNCR_EL2 access by EL1 (FEAT_NV2)');
  });

  it('names every fault status code with its level, including the LPA2 and D128 levels', () => {
    const names: [number, string][] = [
      [0x00, 'Address size fault, level 0 of translation or translation table base register'],
      [0x03, 'Address size fault, level 3'],
      [0x29, 'Address size fault, level -1 (FEAT_LPA2)'],
      [0x2c, 'Address size fault, level -2 (FEAT_D128)'],
      [0x2b, 'Translation fault, level -1 (FEAT_LPA2)'],
      [0x2a, 'Translation fault, level -2 (FEAT_D128)'],
      [0x08, 'Access flag fault, level 0 (FEAT_LPA2)'],
      [0x0c, 'Permission fault, level 0 (FEAT_LPA2)'],
      [0x0f, 'Permission fault, level 3'],
      [0x11, 'Synchronous Tag Check Fault (FEAT_MTE2)'],
      [0x12, 'Synchronous External abort on translation table walk or hardware update of translation table, level -2 (FEAT_D128)'],
      [0x13, 'Synchronous External abort on translation table walk or hardware update of translation table, level -1 (FEAT_LPA2)'],
      [0x15, 'Synchronous External abort on translation table walk or hardware update of translation table, level 1'],
      [0x18, 'Synchronous parity or ECC error on memory access, not on translation table walk (without FEAT_RAS)'],
      [0x1d, 'Synchronous parity or ECC error on memory access on translation table walk or hardware update of translation table, level 1 (without FEAT_RAS)'],
      [0x25, 'Granule Protection Fault on translation table walk or hardware update of translation table, level 1 (FEAT_RME)'],
      [0x28, 'Granule Protection Fault, not on translation table walk or hardware update of translation table (FEAT_RME)'],
      [0x30, 'TLB conflict abort'],
      [0x31, 'Unsupported atomic hardware update fault (FEAT_HAFDBS)'],
      [0x34, 'IMPLEMENTATION DEFINED fault (Lockdown)'],
      [0x35, 'IMPLEMENTATION DEFINED fault (Unsupported Exclusive or Atomic access)'],
    ];
    for (const [code, name] of names) expect(dec(0x96000000 | code).fault?.name).toBe(name);
    expect(faultStatus(0x13, 'data')).toMatchObject({ kind: 'external-walk', level: -1 });
    expect(faultStatus(0x22, 'data')).toMatchObject({ kind: 'granule-protection-walk', level: -2 });
    // Unallocated codes, and data-only codes in an IFSC.
    for (const code of [0x19, 0x1a, 0x20, 0x2d, 0x32, 0x36, 0x3f]) expect(faultStatus(code, 'data').kind).toBe('reserved');
    for (const code of [0x11, 0x21, 0x34, 0x35]) expect(faultStatus(code, 'instruction').kind).toBe('reserved');
  });

  it('0x82000087: Instruction Abort from a lower EL, translation fault level 3 on a stage 1 walk (S1PTW)', () => {
    const d = dec(0x82000087);
    expect(fieldsOf(d)).toMatchObject({ S1PTW: 1, IFSC: 7, EA: 0 });
    expect(d.summary).toBe('EC 0x20 Instruction Abort, lower EL: Translation fault, level 3; on the stage 2 translation of a stage 1 table walk');
  });

  it('0x8600000f: Instruction Abort same EL, permission fault level 3; 0x86000021 flags the data-only IFSC', () => {
    expect(dec(0x8600000f).summary).toBe('EC 0x21 Instruction Abort, same EL: Permission fault, level 3');
    expect(dec(0x86000021).warnings).toEqual(['IFSC [5:0]: reserved IFSC value 0b100001']);
  });

  it('0x96025e50: synchronous External abort with RAS syndrome: WU, PFV, SET, FnV, EA', () => {
    // ISV 0, WU [17:16] 0b10, PFV [14] 1, SET [12:11] 0b11, FnV 1, EA 1, WnR 1, DFSC 0b010000
    const d = dec(0x96025e50);
    expect(fieldsOf(d)).toMatchObject({ ISV: 0, WU: 2, FnP: 0, PFV: 1, VNCR: 0, SET: 3, FnV: 1, EA: 1, WnR: 1, DFSC: 0x10 });
    expect(field(d, 'SET').meaning).toMatch(/^Restartable state \(UEO\)/);
    expect(field(d, 'WU').meaning).toMatch(/did not update the location/);
    expect(d.warnings).toEqual([]);
  });

  it('0x593c89847: ST64BV0 translation fault: ISV, SAS doubleword, SF, LST 0b11, ISS2.Xs = 5', () => {
    const d = dec(0x5_93c89847n); // ISV 1, SAS 3, SRT 8, SF 1, LST 3, WnR 1, DFSC 7; ISS2 Xs 5
    expect(fieldsOf(d)).toMatchObject({ ISV: 1, SAS: 3, SRT: 8, SF: 1, LST: 3, WnR: 1, DFSC: 7, Xs: 5 });
    expect(field(d, 'Xs').bits).toEqual([36, 32]);
    expect(d.iss2).toBe(5);
    expect(d.summary).toMatch(/doubleword store from X8; ST64BV0; ISS2 Xs=X5$/);
  });

  it('0x609200004f: permission fault with ISS2 Overlay [38] and DirtyBit [37]', () => {
    const d = dec(0x60_9200004fn);
    expect(fieldsOf(d)).toMatchObject({ Overlay: 1, DirtyBit: 1, GCS: 0, AssuredOnly: 0 });
    expect(d.summary).toBe('EC 0x24 Data Abort, lower EL: Permission fault, level 3; write; ISS2 Overlay, DirtyBit');
  });

  it('reports FnV set for an abort other than a synchronous External abort', () => {
    expect(dec(0x96000406).warnings).toEqual(['FnV [10]: FnV is RES0 unless DFSC is 0b010000']);
  });
});

describe('SError and debug exceptions', () => {
  it('0xbe000000: SError with an uncategorized error; 0xbf000123: IMPLEMENTATION DEFINED syndrome (IDS)', () => {
    expect(dec(0xbe000000).summary).toBe('EC 0x2F SError: Uncategorized error');
    const i = dec(0xbf000123);
    expect(field(i, 'IMPLEMENTATION DEFINED')).toMatchObject({ bits: [23, 0], value: 0x123 });
  });

  it('0xbe002411: RAS SError: IESB 1, AET 0b001 (UEU), DFSC 0b010001', () => {
    const d = dec(0xbe002411);
    expect(fieldsOf(d)).toMatchObject({ IDS: 0, IESB: 1, AET: 1, EA: 0, DFSC: 0x11 });
    expect(field(d, 'AET').bits).toEqual([12, 10]);
    expect(d.summary).toBe('EC 0x2F SError: Asynchronous SError exception, Unrecoverable state (UEU); IESB');
  });

  it('0xcb000062: Software Step from a lower EL with ISV 1, EX 1; 0xce000022 same EL without syndrome', () => {
    const d = dec(0xcb000062);
    expect(fieldsOf(d)).toMatchObject({ ISV: 1, EX: 1, IFSC: 0x22 });
    expect(d.summary).toBe('EC 0x32 Software Step, lower EL: a Load-Exclusive instruction was stepped');
    expect(dec(0xce000022).summary).toBe('EC 0x33 Software Step, same EL: no syndrome (ISV=0)');
    expect(dec(0xce000062).warnings).toEqual(['EX [6]: EX is RES0 when ISV is 0']);
  });

  it('0xd60e0062: Watchpoint 3, write (WPT [23:18], WPTV, WnR); 0xd60e2062 the same from VNCR_EL2', () => {
    const d = dec(0xd60e0062);
    expect(fieldsOf(d)).toMatchObject({ WPT: 3, WPTV: 1, WPF: 0, FnP: 0, VNCR: 0, FnV: 0, CM: 0, WnR: 1, DFSC: 0x22 });
    expect(field(d, 'WPT').bits).toEqual([23, 18]);
    expect(d.summary).toBe('EC 0x35 Watchpoint, same EL: watchpoint 3; write');
    expect(dec(0xd60e2062).summary).toBe('EC 0x35 Watchpoint, same EL: watchpoint 3; write; VNCR_EL2 access by EL1 (FEAT_NV2)');
    // ISS2.GCS for a watchpoint is ESR bit 40.
    expect(field(dec(0x100_d60e0062n), 'GCS').value).toBe(1);
  });

  it('0xc2000022 / 0xc6000022 / 0xea000022: breakpoints and AArch32 vector catch (IFSC 0b100010)', () => {
    expect(dec(0xc2000022).summary).toBe('EC 0x30 Breakpoint, lower EL: Breakpoint debug exception');
    expect(dec(0xc6000022).summary).toBe('EC 0x31 Breakpoint, same EL: Breakpoint debug exception');
    expect(dec(0xea000022).summary).toBe('EC 0x3A Vector Catch (AArch32): Vector Catch debug exception');
    expect(dec(0xc2000021).warnings).toEqual(['IFSC [5:0]: IFSC should be 0b100010 (Debug exception)']);
  });
});

describe('reserved bits and values', () => {
  it('reports bits [63:56] when set', () => {
    const d = dec(0x0100_0000_5a00_0012n);
    expect(d.summary).toBe('EC 0x16 HVC (AArch64): HVC #0x12');
    expect(d.warnings).toEqual(['RES0 [63:56]: RES0 bits are set (0x1)']);
  });

  it('decodes unallocated ECs without interpreting ISS or ISS2', () => {
    const d = dec(0x0a00_0000n | (0xabn << 32n)); // EC 0x02
    expect(d.ec).toMatchObject({ value: 2, name: 'unallocated EC', allocated: false });
    expect(d.summary).toBe('EC 0x02 unallocated EC');
    expect(field(d, 'ISS').bits).toEqual([24, 0]);
    expect(field(d, 'ISS2')).toMatchObject({ bits: [55, 32], value: 0xab });
  });

  it('decodes the low 64 bits of an out-of-range input and says so', () => {
    const d = decodeEsr(-1n);
    expect(d.value).toBe((1n << 64n) - 1n);
    expect(d.warnings[0]).toMatch(/does not fit in 64 unsigned bits/);
  });
});

describe('fuzzing', () => {
  /** Why the fields of `d` do not tile [63:0] msb first with the value's bits, or '' when they do. */
  function coverageError(d: DecodedEsr): string {
    let covered = 0n;
    let next = 63;
    for (const f of d.fields) {
      const [msb, lsb] = f.bits;
      if (msb !== next || lsb > msb) return `${f.name} [${msb}:${lsb}] does not start at bit ${next}`;
      const mask = ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb);
      if (covered & mask) return `${f.name} overlaps another field`;
      covered |= mask;
      if (BigInt(f.value) !== (d.value & mask) >> BigInt(lsb)) return `${f.name} has value ${f.value}`;
      if (!f.meaning) return `${f.name} has no meaning`;
      next = lsb - 1;
    }
    return covered === (1n << 64n) - 1n ? '' : `bits ${(~covered & ((1n << 64n) - 1n)).toString(16)} not covered`;
  }

  it('never throws on random 64-bit values and covers [63:0] exactly once, msb first', () => {
    const rng = new Rng(0xe5);
    for (let i = 0; i < 50000; i++) {
      const v = rng.u64();
      const d = dec(v);
      if (d.value !== v) expect.fail(`value ${v.toString(16)} became ${d.value.toString(16)}`);
      if (!d.summary.startsWith('EC 0x')) expect.fail(`bad summary for ${v.toString(16)}: ${d.summary}`);
      const e = coverageError(d);
      if (e) expect.fail(`${v.toString(16)}: ${e}`);
    }
  });

  it('does the same for every EC with random ISS, ISS2 and IL, with and without RES0 bits', () => {
    const rng = new Rng(0x1a);
    for (let ec = 0; ec < 64; ec++) {
      for (let i = 0; i < 2000; i++) {
        const iss2 = i % 2 ? BigInt(rng.int(1 << 24)) : 0n;
        const lo = ((ec << 26) | ((rng.u32() & 1) << 25) | (rng.u32() & 0x1ffffff)) >>> 0;
        const v = (iss2 << 32n) | BigInt(lo);
        const d = dec(v);
        const e = d.ec.value === ec ? coverageError(d) : `EC ${d.ec.value}`;
        if (e) expect.fail(`${v.toString(16)}: ${e}`);
      }
    }
  });
});

describe('nvlab esr', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const BIN = root + 'bin/nvlab.js';
  const BUNDLE = root + 'dist/cli.cjs';

  function nvlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  beforeAll(() => {
    // `npm test` builds before running; run on its own, this suite builds a bundle that predates the command.
    if (!existsSync(BUNDLE) || !readFileSync(BUNDLE, 'utf8').includes('usage: nvlab esr VALUE')) {
      const b = spawnSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`node build.mjs failed: ${b.stderr}`);
    }
  });

  it('prints the summary line and an aligned field table', () => {
    const r = nvlab('esr', '0x5a000012');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('EC 0x16 HVC (AArch64): HVC #0x12');
    expect(lines[1]).toMatch(/^ {2}bits +field +value +meaning$/);
    expect(lines.slice(2).map((l) => l.replace(/ +/g, ' ').trim())).toEqual([
      '[63:56] RES0 0x0 Reserved, RES0',
      '[55:32] RES0 0x0 Reserved, RES0',
      '[31:26] EC 0b010110 HVC (AArch64)',
      '[25] IL 1 32-bit instruction trapped',
      '[24:16] RES0 0x0 Reserved, RES0',
      '[15:0] imm16 0x12 #0x12 (18)',
    ]);
    // Columns line up: every row starts its value and meaning columns where the header does.
    for (const heading of ['field', 'value', 'meaning']) {
      const col = lines[1]!.indexOf(heading);
      for (const l of lines.slice(2)) expect([l[col - 1], /\S/.test(l[col]!)]).toEqual([' ', true]);
    }
  });

  it('accepts decimal and _-separated values, and names registers from the System register database', () => {
    const r = nvlab('esr', '0x6232_c021');
    expect(r.stdout.split('\n')[0]).toBe('EC 0x18 MSR/MRS/SYS trap: MRS X1, CTR_EL0 (op0=3 op1=3 CRn=0 CRm=0 op2=1)');
    // MSR DBGDTRTX_EL0, X0 and MRS X0, DBGDTRRX_EL0 share op0=2 op1=3 CRn=0 CRm=5 op2=0.
    expect(nvlab('esr', '0x6220c00a').stdout.split('\n')[0]).toMatch(/: MSR DBGDTRTX_EL0, X0 /);
    expect(nvlab('esr', '0x6220c00b').stdout.split('\n')[0]).toMatch(/: MRS X0, DBGDTRRX_EL0 /);
    // An IMPLEMENTATION DEFINED register keeps its generic name.
    expect(nvlab('esr', '0x62303c01').stdout.split('\n')[0]).toMatch(/: MRS X0, S3_0_C15_C0_0 /);
    expect(nvlab('esr', String(0x92000046)).stdout.split('\n')[0]).toBe('EC 0x24 Data Abort, lower EL: Translation fault, level 2; write');
    expect(nvlab('esr', '2_449_473_606').stdout.split('\n')[0]).toBe('EC 0x24 Data Abort, lower EL: Translation fault, level 2; write');
  });

  it('prints warnings after the table', () => {
    const r = nvlab('esr', '0x0100000002000000');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nwarning: RES0 \[63:56\]: RES0 bits are set \(0x1\)\n$/);
  });

  it('--json prints the decoding as JSON', () => {
    const r = nvlab('esr', '--json', '0x97820010');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { value: string; ec: { value: number }; il: number; iss: number; fields: { name: string; bits: number[]; value: number }[]; summary: string };
    expect(j.value).toBe('0x0000000097820010');
    expect(j.ec.value).toBe(0x25);
    expect(j.iss).toBe(0x1820010);
    expect(j.fields.find((f) => f.name === 'SRT')).toMatchObject({ bits: [20, 16], value: 2 });
    expect(j.summary).toMatch(/^EC 0x25 Data Abort, same EL: Synchronous External abort/);
  });

  it('rejects bad values and arguments with one line and status 2', () => {
    let r = nvlab('esr', 'zz');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "nvlab: esr: cannot parse 'zz' as a number (use 0x..., decimal or 0b...; '_' separators are allowed between digits)\nusage: nvlab esr VALUE [--json]\n",
    );
    r = nvlab('esr', '0x1_0000_0000_0000_0000');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("nvlab: esr: '0x1_0000_0000_0000_0000' does not fit in 64 bits (ESR_ELx is a 64-bit register)");
    r = nvlab('esr');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('nvlab: esr: no value given');
    r = nvlab('esr', '1', '2');
    expect(r.status).toBe(2);
    r = nvlab('esr', '--bogus', '1');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('nvlab: esr: unknown option --bogus');
    for (const bad of ['0x', '_1', '1_', '1__0', '0x_1', '-1', '1.5', '']) expect(nvlab('esr', bad).status).toBe(2);
  });
});

describe('parseEsrValue', () => {
  it('reads hex, decimal and binary with _ separators between digits', () => {
    expect(parseEsrValue('0x9200_0046')).toBe(0x92000046n);
    expect(parseEsrValue('0X5A000012')).toBe(0x5a000012n);
    expect(parseEsrValue('2449473606')).toBe(0x92000046n);
    expect(parseEsrValue('0b1001_0010')).toBe(0x92n);
    expect(parseEsrValue('0xffff_ffff_ffff_ffff')).toBe((1n << 64n) - 1n);
    expect(parseEsrValue('18446744073709551616')).toMatchObject({ error: expect.stringMatching(/does not fit in 64 bits/) });
    expect(parseEsrValue('0x_1')).toMatchObject({ error: expect.any(String) });
  });
});
