import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';
import { writeElf } from '../util/elf-writer.js';

/**
 * The generated access rules, one instruction at a time: each case runs an
 * instruction at EL1 (or EL0/EL2) with HCR_EL2 and the fine-grained trap
 * registers set as given, and checks that it traps to EL2 with the ESR the
 * Arm ARM defines, or does not trap when the control is clear. ESRs are
 * composed from the ESR_ELx field layout here, independently of the emulator.
 */

const BASE = 0x4000_0000;
const VBAR = BASE + 0x800;
const B_SELF = 0x14000000;

interface Setup {
  el?: 0 | 1 | 2;
  hcr?: bigint;
  /** Extra register values, by storage slot name. */
  regs?: Partial<Record<keyof typeof SR, bigint>>;
  /** 64-bit values written to RAM first, by physical address (translation tables, a VNCR page). */
  mem?: readonly (readonly [number, bigint])[];
}

interface Outcome {
  /** EL the PE ended at; 2 when the instruction trapped to EL2. */
  el: number;
  esrEl2: number;
  esrEl1: number;
  /** PC after the step: BASE + 4 when the instruction completed. */
  pc: number;
  x3: bigint;
  farEl2: bigint;
  /** RAM at the first address of `mem`, after the step. */
  mem0: bigint;
}

function run(word: number, setup: Setup = {}): Outcome {
  const code = new Uint8Array(0x1000);
  const dv = new DataView(code.buffer);
  for (let i = 0; i < 0x200; i++) dv.setUint32(0x800 + i * 4, B_SELF, true);
  dv.setUint32(0, word >>> 0, true);
  const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
  m.load(parseElf(writeElf(BASE, [{ addr: BASE, bytes: code, flags: 5 }]), { base: VIRT.RAM_BASE, size: m.ram.size }));
  const cpu = m.cpu;
  const set = (slot: number, v: bigint): void => {
    cpu.sr.lo[slot] = Number(v & 0xffffffffn) | 0;
    cpu.sr.hi[slot] = Number(v >> 32n) | 0;
  };
  set(SR.VBAR_EL2, BigInt(VBAR));
  set(SR.VBAR_EL1, BigInt(VBAR));
  set(SR.HCR_EL2, (setup.hcr ?? 0n) | (1n << 31n)); // RW
  for (const [name, v] of Object.entries(setup.regs ?? {})) set(SR[name as keyof typeof SR], v!);
  const u64 = (v: bigint): Uint8Array => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return b;
  };
  for (const [pa, v] of setup.mem ?? []) m.ram.writeBytes(pa, u64(v));
  cpu.el = setup.el ?? 1;
  cpu.spsel = cpu.el === 0 ? 0 : 1;
  cpu.xlo[3] = 0x12345678;
  cpu.xhi[3] = 0;
  cpu.contextChanged();
  m.run(1);
  return {
    el: cpu.el,
    esrEl2: cpu.sr.lo[SR.ESR_EL2]! >>> 0,
    esrEl1: cpu.sr.lo[SR.ESR_EL1]! >>> 0,
    pc: cpu.pcLo >>> 0,
    x3: (BigInt(cpu.xhi[3]! >>> 0) << 32n) | BigInt(cpu.xlo[3]! >>> 0),
    farEl2: (BigInt(cpu.sr.hi[SR.FAR_EL2]! >>> 0) << 32n) | BigInt(cpu.sr.lo[SR.FAR_EL2]! >>> 0),
    mem0: setup.mem?.length ? new DataView(m.ram.readBytes(setup.mem[0]![0], 8).buffer).getBigUint64(0, true) : 0n,
  };
}

/** ESR for a trapped MSR/MRS/SYS (EC 0x18), from the ISS layout in the Arm ARM. */
function sysTrap(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  const iss = (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
  return ((0x18 << 26) | (1 << 25) | iss) >>> 0;
}

const bit = (n: number): bigint => 1n << BigInt(n);

// HCR_EL2 controls (bit positions from the Arm ARM).
const TID1 = bit(16);
const TID2 = bit(17);
const TID3 = bit(18);
const TACR = bit(21);
const TSW = bit(22);
const TPCP = bit(23);
const TPU = bit(24);
const TTLB = bit(25);
const TVM = bit(26);
const TGE = bit(27);
const TDZ = bit(28);
const TRVM = bit(30);
const E2H = bit(34);
const NV = bit(42);
const NV1 = bit(43);

/** Instructions (aarch64-linux-gnu-as), Rt = x3, with their op0, op1, CRn, CRm, op2. */
const I = {
  mrsREVIDR: [0xd53800c3, 3, 0, 0, 0, 6],
  mrsAIDR: [0xd53900e3, 3, 1, 0, 0, 7],
  mrsCTR: [0xd53b0023, 3, 3, 0, 0, 1],
  mrsCCSIDR: [0xd5390003, 3, 1, 0, 0, 0],
  mrsCLIDR: [0xd5390023, 3, 1, 0, 0, 1],
  msrCSSELR: [0xd51a0003, 3, 2, 0, 0, 0],
  mrsPFR0: [0xd5380403, 3, 0, 0, 4, 0],
  mrsMMFR1: [0xd5380723, 3, 0, 0, 7, 1],
  mrsACTLR: [0xd5381023, 3, 0, 1, 0, 1],
  msrACTLR: [0xd5181023, 3, 0, 1, 0, 1],
  msrSCTLR: [0xd5181003, 3, 0, 1, 0, 0],
  msrTTBR0: [0xd5182003, 3, 0, 2, 0, 0],
  msrTCR: [0xd5182043, 3, 0, 2, 0, 2],
  msrMAIR: [0xd518a203, 3, 0, 10, 2, 0],
  msrCONTEXTIDR: [0xd518d023, 3, 0, 13, 0, 1],
  mrsSCTLR: [0xd5381003, 3, 0, 1, 0, 0],
  mrsTTBR1: [0xd5382023, 3, 0, 2, 0, 1],
  mrsFAR: [0xd5386003, 3, 0, 6, 0, 0],
  dcISW: [0xd5087643, 1, 0, 7, 6, 2],
  dcCSW: [0xd5087a43, 1, 0, 7, 10, 2],
  dcCISW: [0xd5087e43, 1, 0, 7, 14, 2],
  dcCIVAC: [0xd50b7e23, 1, 3, 7, 14, 1],
  dcCVAC: [0xd50b7a23, 1, 3, 7, 10, 1],
  icIVAU: [0xd50b7523, 1, 3, 7, 5, 1],
  icIALLU: [0xd508751f, 1, 0, 7, 5, 0],
  icIALLUIS: [0xd508711f, 1, 0, 7, 1, 0],
  dcCVAU: [0xd50b7b23, 1, 3, 7, 11, 1],
  tlbiVMALLE1: [0xd508871f, 1, 0, 8, 7, 0],
  tlbiVAE1IS: [0xd5088323, 1, 0, 8, 3, 1],
  dcZVA: [0xd50b7423, 1, 3, 7, 4, 1],
  mrsSCTLR_EL2: [0xd53c1003, 3, 4, 1, 0, 0],
  msrHCR_EL2: [0xd51c1103, 3, 4, 1, 1, 0],
  mrsSCTLR_EL12: [0xd53d1003, 3, 5, 1, 0, 0],
  mrsSPSR_EL2: [0xd53c4003, 3, 4, 4, 0, 0],
  mrsTPIDR_EL1: [0xd538d083, 3, 0, 13, 0, 4],
  msrTPIDR_EL1: [0xd518d083, 3, 0, 13, 0, 4],
  mrsVBAR_EL1: [0xd538c003, 3, 0, 12, 0, 0],
  mrsCNTVCT: [0xd53be043, 3, 3, 14, 0, 2],
} as const;

type Insn = readonly [number, number, number, number, number, number];
const isRead = (i: Insn): boolean => ((i[0] >>> 21) & 1) === 1;
const esrOf = (i: Insn): number => sysTrap(i[1], i[2], i[3], i[4], i[5], i[0] & 31, isRead(i));

/** The instruction traps to EL2 with its EC 0x18 syndrome when `hcr` is set, and completes when it is not. */
function expectCoarseTrap(i: Insn, control: bigint, setup: Setup = {}): void {
  const trapped = run(i[0], { ...setup, hcr: (setup.hcr ?? 0n) | control });
  expect(trapped.el, `trap with the control set`).toBe(2);
  expect(trapped.esrEl2.toString(16)).toBe(esrOf(i).toString(16));
  expect(trapped.pc).toBe(VBAR + 0x400); // lower EL, AArch64, synchronous
  const clear = run(i[0], setup);
  expect(clear.el, `no trap with the control clear`).toBe(setup.el ?? 1);
  expect(clear.pc).toBe(BASE + 4);
}

describe('HCR_EL2 coarse-grained traps of EL1 accesses', () => {
  it('TID1: REVIDR_EL1, AIDR_EL1', () => {
    expectCoarseTrap(I.mrsREVIDR, TID1);
    expectCoarseTrap(I.mrsAIDR, TID1);
  });
  it('TID2: CTR_EL0, CCSIDR_EL1, CLIDR_EL1, CSSELR_EL1', () => {
    expectCoarseTrap(I.mrsCTR, TID2);
    expectCoarseTrap(I.mrsCCSIDR, TID2);
    expectCoarseTrap(I.mrsCLIDR, TID2);
    expectCoarseTrap(I.msrCSSELR, TID2);
  });
  it('TID3: the ID registers', () => {
    expectCoarseTrap(I.mrsPFR0, TID3);
    expectCoarseTrap(I.mrsMMFR1, TID3);
  });
  it('TACR: ACTLR_EL1 reads and writes', () => {
    expectCoarseTrap(I.mrsACTLR, TACR);
    expectCoarseTrap(I.msrACTLR, TACR);
  });
  it('TVM traps writes of the virtual memory controls, TRVM their reads', () => {
    for (const i of [I.msrSCTLR, I.msrTTBR0, I.msrTCR, I.msrMAIR, I.msrCONTEXTIDR]) expectCoarseTrap(i, TVM);
    for (const i of [I.mrsSCTLR, I.mrsTTBR1, I.mrsFAR]) expectCoarseTrap(i, TRVM);
    // Each applies to one direction only.
    expect(run(I.mrsSCTLR[0], { hcr: TVM }).el).toBe(1);
    expect(run(I.msrSCTLR[0], { hcr: TRVM }).el).toBe(1);
  });
  it('TSW: data cache maintenance by set/way', () => {
    for (const i of [I.dcISW, I.dcCSW, I.dcCISW]) expectCoarseTrap(i, TSW);
  });
  it('TPCP: cache maintenance to the point of coherency', () => {
    for (const i of [I.dcCIVAC, I.dcCVAC]) expectCoarseTrap(i, TPCP);
  });
  it('TPU: cache maintenance to the point of unification', () => {
    for (const i of [I.icIVAU, I.icIALLU, I.icIALLUIS, I.dcCVAU]) expectCoarseTrap(i, TPU);
  });
  it('TTLB: TLB maintenance', () => {
    expectCoarseTrap(I.tlbiVMALLE1, TTLB);
    expectCoarseTrap(I.tlbiVAE1IS, TTLB);
  });
  it('TDZ: DC ZVA', () => {
    const trapped = run(I.dcZVA[0], { hcr: TDZ });
    expect(trapped.el).toBe(2);
    expect(trapped.esrEl2).toBe(esrOf(I.dcZVA));
  });
});

describe('other trap controls', () => {
  it('TSC: SMC from EL1 traps with EC 0x17 and the immediate', () => {
    const r = run(0xd4000003, { hcr: bit(19) }); // smc #0
    expect(r.el).toBe(2);
    expect(r.esrEl2).toBe(((0x17 << 26) | (1 << 25)) >>> 0);
  });
  it('TWI and TWE: WFI and WFE with EC 0x01', () => {
    expect(run(0xd503207f, { hcr: bit(13) }).esrEl2).toBe(((0x01 << 26) | (1 << 25) | (1 << 24) | (0xe << 20)) >>> 0);
    expect(run(0xd503205f, { hcr: bit(14) }).esrEl2).toBe(((0x01 << 26) | (1 << 25) | (1 << 24) | (0xe << 20) | 1) >>> 0);
  });
  it('EL1 access to an EL2 register is UNDEFINED, to EL1 (ESR_EL1 EC 0)', () => {
    const r = run(I.mrsSCTLR_EL2[0]);
    expect(r.el).toBe(1);
    expect(r.esrEl1).toBe(0x02000000);
  });
});

describe('FEAT_NV', () => {
  it('with HCR_EL2.NV, EL1 accesses to EL2 registers trap to EL2 instead of being UNDEFINED', () => {
    for (const i of [I.mrsSCTLR_EL2, I.msrHCR_EL2, I.mrsSPSR_EL2]) {
      const r = run(i[0], { hcr: NV });
      expect(r.el).toBe(2);
      expect(r.esrEl2).toBe(esrOf(i));
    }
  });
  it('with HCR_EL2.NV, CurrentEL at EL1 reads EL2', () => {
    const r = run(0xd5384243, { hcr: NV }); // mrs x3, CurrentEL
    expect(r.el).toBe(1);
    expect(r.x3).toBe(8n);
    expect(run(0xd5384243).x3).toBe(4n);
  });
  it('with HCR_EL2.NV, ERET at EL1 traps with EC 0x1A', () => {
    const r = run(0xd69f03e0, { hcr: NV });
    expect(r.el).toBe(2);
    expect(r.esrEl2).toBe(((0x1a << 26) | (1 << 25)) >>> 0);
  });
  it('with HCR_EL2.{NV, NV1}, EL1 accesses to VBAR_EL1 trap (they belong to the guest hypervisor)', () => {
    const r = run(I.mrsVBAR_EL1[0], { hcr: NV | NV1 });
    expect(r.el).toBe(2);
    expect(r.esrEl2).toBe(esrOf(I.mrsVBAR_EL1));
    expect(run(I.mrsVBAR_EL1[0], { hcr: NV }).el).toBe(1);
  });
  it('with HCR_EL2.{NV, NV2}, EL1 accesses to SCTLR_EL12 go to the VNCR_EL2 page', () => {
    const page = 0x4000_2000n;
    const r = run(I.mrsSCTLR_EL12[0], { hcr: NV | bit(45), regs: { VNCR_EL2: page } });
    expect(r.el).toBe(1);
    expect(r.pc).toBe(BASE + 4);
    expect(r.x3).toBe(0n); // the (zeroed) VNCR page slot for SCTLR_EL1, offset 0x110
  });

  // The VNCR page is addressed in the EL2 translation regime (CreateAccDescNV2 gives the access
  // EL2), not the EL1 regime the PE is in. EL2 stage 1 here: 4K granule, 39-bit VAs (T0SZ 25, start
  // level 1), table at 0x40003000: VA [0, 1G) -> PA 0x40000000 (so VA 0x100000 is PA 0x40100000),
  // VA [1G, 2G) identity (the vectors), VA [2G, 3G) unmapped. EL1's MMU is off.
  const EL2_MMU = {
    TCR_EL2: 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (2n << 16n) | (1n << 23n) | (1n << 31n),
    TTBR0_EL2: 0x4000_3000n,
    MAIR_EL2: 0xffn,
    SCTLR_EL2: 1n,
  };
  const BLOCK = (pa: bigint): bigint => pa | (1n << 10n) | (3n << 8n) | 1n; // AF, inner shareable, AttrIndx 0, block
  const TABLES: [number, bigint][] = [
    [0x4000_3000, BLOCK(0x4000_0000n)],
    [0x4000_3008, BLOCK(0x4000_0000n)],
  ];
  const MSR_SCTLR_EL12 = 0xd51d1003; // msr sctlr_el12, x3 (aarch64-linux-gnu-as -march=armv8.1-a)
  it('with HCR_EL2.{NV, NV2}, the VNCR page is addressed through the EL2 translation regime', () => {
    const read = run(I.mrsSCTLR_EL12[0], { hcr: NV | bit(45), regs: { ...EL2_MMU, VNCR_EL2: 0x10_0000n }, mem: [[0x4010_0110, 0x1122334455667788n], ...TABLES] });
    expect([read.el, read.pc, read.x3]).toEqual([1, BASE + 4, 0x1122334455667788n]);
    const write = run(MSR_SCTLR_EL12, { hcr: NV | bit(45), regs: { ...EL2_MMU, VNCR_EL2: 0x10_0000n }, mem: [[0x4010_0110, 0n], ...TABLES] });
    expect([write.el, write.pc, write.mem0]).toEqual([1, BASE + 4, 0x12345678n]);
  });
  it('a VNCR page access that faults is a Data Abort to EL2 with ESR_EL2.ISS.VNCR set', () => {
    // VA 0x80000110 is unmapped in EL2's tables: translation fault, level 1; WnR for the MSR.
    const dabtLow = (wnr: number): number => ((0x24 << 26) | (1 << 25) | (1 << 13) | (wnr << 6) | 0x05) >>> 0;
    for (const [word, wnr] of [[I.mrsSCTLR_EL12[0], 0], [MSR_SCTLR_EL12, 1]] as const) {
      const r = run(word, { hcr: NV | bit(45), regs: { ...EL2_MMU, VNCR_EL2: 0x8000_0000n }, mem: TABLES });
      expect([r.el, r.pc, r.esrEl2, r.farEl2]).toEqual([2, VBAR + 0x400, dabtLow(wnr), 0x8000_0110n]);
    }
  });
});

describe('VHE (HCR_EL2.E2H) redirection at EL2', () => {
  it('MRS SCTLR_EL1 reads SCTLR_EL2 with E2H, SCTLR_EL1 without', () => {
    const el2Value = 0x30c50830n;
    const with_ = run(I.mrsSCTLR[0], { el: 2, hcr: E2H, regs: { SCTLR_EL2: el2Value, SCTLR_EL1: 0x1234n } });
    expect(with_.x3).toBe(el2Value);
    const without = run(I.mrsSCTLR[0], { el: 2, regs: { SCTLR_EL2: el2Value, SCTLR_EL1: 0x1234n } });
    expect(without.x3).toBe(0x1234n);
  });
  it('SCTLR_EL12 reaches SCTLR_EL1 with E2H and is UNDEFINED without it', () => {
    expect(run(I.mrsSCTLR_EL12[0], { el: 2, hcr: E2H, regs: { SCTLR_EL1: 0x5678n } }).x3).toBe(0x5678n);
    const r = run(I.mrsSCTLR_EL12[0], { el: 2 });
    expect(r.pc).toBe(VBAR + 0x200);
    expect(r.esrEl2).toBe(0x02000000);
  });
  it('TGE routes EL0 counter traps to EL2', () => {
    // CNTKCTL_EL1.EL0VCTEN = 0, E2H = 0, TGE = 1: the EL0 trap goes to EL2.
    const r = run(I.mrsCNTVCT[0], { el: 0, hcr: TGE });
    expect(r.el).toBe(2);
    expect(r.esrEl2).toBe(esrOf(I.mrsCNTVCT));
  });
});

describe('fine-grained traps (FEAT_FGT)', () => {
  // Bit positions from the Arm ARM's HFGRTR_EL2/HFGWTR_EL2/HFGITR_EL2 layouts.
  it('HFGRTR_EL2.SCTLR_EL1 (bit 29) traps reads, HFGWTR_EL2.SCTLR_EL1 writes', () => {
    expect(run(I.mrsSCTLR[0], { regs: { HFGRTR_EL2: bit(29) } }).esrEl2).toBe(esrOf(I.mrsSCTLR));
    expect(run(I.msrSCTLR[0], { regs: { HFGWTR_EL2: bit(29) } }).esrEl2).toBe(esrOf(I.msrSCTLR));
    expect(run(I.mrsSCTLR[0], { regs: { HFGWTR_EL2: bit(29) } }).el).toBe(1);
  });
  it('HFGRTR_EL2.TPIDR_EL1 and HFGWTR_EL2.TPIDR_EL1 (bit 33)', () => {
    expect(run(I.mrsTPIDR_EL1[0], { regs: { HFGRTR_EL2: bit(33) } }).esrEl2).toBe(esrOf(I.mrsTPIDR_EL1));
    expect(run(I.msrTPIDR_EL1[0], { regs: { HFGWTR_EL2: bit(33) } }).esrEl2).toBe(esrOf(I.msrTPIDR_EL1));
  });
  it('HFGITR_EL2.TLBIVMALLE1 (bit 42) and HFGITR_EL2.DCZVA (bit 11)', () => {
    expect(run(I.tlbiVMALLE1[0], { regs: { HFGITR_EL2: bit(42) } }).esrEl2).toBe(esrOf(I.tlbiVMALLE1));
    expect(run(I.dcZVA[0], { regs: { HFGITR_EL2: bit(11) } }).esrEl2).toBe(esrOf(I.dcZVA));
  });
  it('fine-grained traps do not apply at EL2', () => {
    expect(run(I.mrsSCTLR[0], { el: 2, regs: { HFGRTR_EL2: bit(29) } }).pc).toBe(BASE + 4);
  });
});
