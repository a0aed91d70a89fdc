import { describe, expect, it } from 'vitest';
import { EC, FSC, esr, issDataAbort, issFpAccess, issInstructionAbort, issSysReg, issWfx } from '../../emulator/cpu/esr.js';
import { sysregKey as sysKey } from '../../emulator/arch/sysreg-db.js';

// Expected values are composed by hand from the ESR_ELx field layouts in the Arm ARM.
describe('ESR encoding', () => {
  it('puts EC in [31:26], IL in [25] and ISS in [24:0]', () => {
    expect(esr(EC.SVC64, 0x1234)).toBe(0x56001234);
    expect(esr(EC.HVC64, 0)).toBe(0x5a000000);
    expect(esr(EC.HVC64, 0x12)).toBe(0x5a000012); // as QEMU reports for HVC #0x12
    expect(esr(EC.SMC64, 0xffff)).toBe(0x5e00ffff);
    expect(esr(EC.BRK64, 3)).toBe(0xf2000003);
    expect(esr(EC.UNKNOWN, 0)).toBe(0x02000000);
    expect(esr(EC.ILLEGAL_STATE, 0)).toBe(0x3a000000);
    expect(esr(EC.PC_ALIGN, 0)).toBe(0x8a000000);
    expect(esr(EC.SP_ALIGN, 0)).toBe(0x9a000000);
    expect(esr(EC.ERET, 0)).toBe(0x6a000000);
    // ISS is truncated to 25 bits, never spilling into IL/EC.
    expect(esr(EC.SVC64, 0xffffffff)).toBe(0x57ffffff);
  });

  it('encodes trapped MSR/MRS (EC 0x18): Op0, Op2, Op1, CRn, Rt, CRm, direction', () => {
    // MRS X1, CTR_EL0: op0=3 op1=3 CRn=0 CRm=0 op2=1, read
    expect(esr(EC.SYS64, issSysReg(sysKey(3, 3, 0, 0, 1), 1, true))).toBe(0x6232c021);
    // MSR SCTLR_EL1, X0: op0=3 op1=0 CRn=1 CRm=0 op2=0, write
    expect(esr(EC.SYS64, issSysReg(sysKey(3, 0, 1, 0, 0), 0, false))).toBe(0x62300400);
    // MRS X30, ID_AA64MMFR2_EL1: op0=3 op1=0 CRn=0 CRm=7 op2=2
    expect(issSysReg(sysKey(3, 0, 0, 7, 2), 30, true)).toBe((3 << 20) | (2 << 17) | (30 << 5) | (7 << 1) | 1);
    // DC ZVA, X3 (SYS, op0=1 op1=3 CRn=7 CRm=4 op2=1)
    expect(issSysReg(sysKey(1, 3, 7, 4, 1), 3, false)).toBe((1 << 20) | (1 << 17) | (3 << 14) | (7 << 10) | (3 << 5) | (4 << 1));
  });

  it('encodes WFx and FP traps with CV=1, COND=0b1110 for A64', () => {
    expect(esr(EC.WFX, issWfx(0))).toBe(0x07e00000);
    expect(esr(EC.WFX, issWfx(1))).toBe(0x07e00001);
    expect(esr(EC.FP_ASIMD, issFpAccess())).toBe(0x1fe00000);
  });

  it('encodes data aborts: DFSC, WnR, S1PTW, CM, EA, FnV, and the ISV syndrome', () => {
    const base = { wnr: false, ea: false, cm: false, s1ptw: false, fnv: false, syndrome: null };
    expect(esr(EC.DABT_CUR, issDataAbort({ ...base, fsc: FSC.SYNC_EXTERNAL }))).toBe(0x96000010);
    expect(esr(EC.DABT_CUR, issDataAbort({ ...base, fsc: FSC.SYNC_EXTERNAL, wnr: true }))).toBe(0x96000050);
    expect(esr(EC.DABT_LOW, issDataAbort({ ...base, fsc: FSC.ALIGNMENT }))).toBe(0x92000021);
    expect(issDataAbort({ ...base, fsc: 0x07, s1ptw: true, cm: true, ea: true, fnv: true })).toBe(0x787);
    // A stage-2 abort on LDRSH W5 (32-bit destination, sign-extending, 2 bytes) with acquire: ISV=1, SAS=01, SSE, SRT=5, SF=0, AR.
    const syn = { sas: 1, sse: true, srt: 5, sf: false, ar: true };
    expect(issDataAbort({ ...base, fsc: 0x06, syndrome: syn })).toBe((1 << 24) | (1 << 22) | (1 << 21) | (5 << 16) | (1 << 14) | 0x06);
    // The same fields as QEMU reports for LDR W2 at EL2 (ISV, SAS=10, SRT=2), for comparison with its deviation.
    const qemuStyle = issDataAbort({ ...base, fsc: FSC.SYNC_EXTERNAL, syndrome: { sas: 2, sse: false, srt: 2, sf: false, ar: false } });
    expect(esr(EC.DABT_CUR, qemuStyle)).toBe(0x97820010);
  });

  it('encodes instruction aborts', () => {
    expect(esr(EC.IABT_CUR, issInstructionAbort(FSC.SYNC_EXTERNAL, true, false))).toBe(0x86000210);
    expect(esr(EC.IABT_LOW, issInstructionAbort(FSC.ADDR_SIZE_L0, false, false))).toBe(0x82000000);
  });
});
