import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  allSysregs,
  conditionText,
  describeCondition,
  evalCondition,
  findSysreg,
  lookupSysreg,
  maskHalves,
  parseCondition,
  parseSysregQuery,
  suggestSysregNames,
  sysregEncodingsByFields,
  sysregEncodingsByKey,
  sysregFields,
  sysregGenericName,
  sysregKey,
  SysregQueryError,
  sysregResMasks,
  type Sysreg,
  type SysregEncoding,
  type SysregProfile,
} from '../../emulator/arch/sysreg-db.js';
import { SYSREG_SOURCE, sysregTables } from '../../emulator/arch/generated/sysregs.js';
import { importGenerator, input, itRegenerates, itWithTarball } from '../util/aarchmrs.js';

interface GeneratorModule {
  OUTPUT_PATH: string;
  generateSysregsText(opts?: { tarball?: string }): string;
}
const generator = await importGenerator<GeneratorModule>('gen-sysregs.mjs');

function reg(name: string): Sysreg {
  const m = findSysreg(name);
  if (!m) throw new Error(`no register ${name}`);
  return m.register;
}

function enc(name: string, kind: string, asm = name): SysregEncoding {
  const e = reg(name).encodings.find((x) => x.kind === kind && x.asm === asm);
  if (!e) throw new Error(`no ${kind} ${asm} in ${name}`);
  return e;
}

/** Trap rules as "trap to EL2, EC 0x18 if <condition as people read it>". */
function traps(name: string, kind: string, el: 'el2' | 'el1' | 'el0', asm = name): string[] {
  return enc(name, kind, asm)[el].filter((r) => r.outcome.type === 'trap').map((r) => `${r.text} if ${conditionText(r.condition)}`);
}

const ALL: SysregProfile = { features: () => true };
const NONE: SysregProfile = { features: () => false };

/** Does the register have field `name` at [msb:lsb] (in some layout, with every feature implemented)? */
function hasField(r: Sysreg, name: string, msb: number, lsb: number): boolean {
  return sysregFields(r, ALL).some((f) => f.name === name && f.msb === msb && f.lsb === lsb);
}

describe('generated database', () => {
  itRegenerates('regenerates byte-for-byte from the AARCHMRS tarball', (t) => [
    [generator.OUTPUT_PATH, generator.generateSysregsText({ tarball: t })],
  ]);

  itWithTarball('counts match Registers.json', (t) => {
    const release = input.openAarchmrs(t);
    expect(release.sha256).toBe(SYSREG_SOURCE.sha256);
    const entries = (release.json('Registers.json') as { state?: string; _type: string; name: string }[]).filter(
      (r) => r.state === 'AArch64',
    );
    const base = (r: Sysreg): string => r.array?.name ?? r.name;
    const dbBases = new Set(allSysregs().map(base));
    expect(dbBases.size).toBe(entries.length);
    expect([...dbBases].sort()).toEqual(entries.map((r) => r.name).sort());
    expect(allSysregs().filter((r) => r.array).map((r) => r.array!.name).filter((n, i, a) => a.indexOf(n) === i).length).toBe(
      entries.filter((r) => r._type === 'RegisterArray').length,
    );
    expect([...dbBases].filter((n) => n.endsWith('_EL2')).length).toBe(entries.filter((r) => /_EL2$/.test(r.name)).length);
    expect([...dbBases].filter((n) => n.startsWith('TLBI ')).length).toBe(entries.filter((r) => r.name.startsWith('TLBI ')).length);
  });

  it('has the counts found in the 2024-12 release', () => {
    const regs = allSysregs();
    const bases = new Set(regs.map((r) => r.array?.name ?? r.name));
    expect(bases.size).toBe(805); // AArch64 entries: 763 Register + 42 RegisterArray
    expect(new Set(regs.filter((r) => r.array).map((r) => r.array!.name)).size).toBe(42);
    expect(regs.filter((r) => !r.array).length).toBe(763);
    expect(regs.length).toBe(1309); // arrays expanded over the indexes that have encodings
    expect([...bases].filter((n) => n.endsWith('_EL2')).length).toBe(131);
    expect([...bases].filter((n) => n.startsWith('TLBI ')).length).toBe(85);
    expect([...bases].filter((n) => n.startsWith('TLBIP ')).length).toBe(60);
    expect([...bases].filter((n) => n.startsWith('AT ')).length).toBe(17);
    expect([...bases].filter((n) => n.startsWith('DC ')).length).toBe(38);
    const encs = regs.flatMap((r) => r.encodings);
    expect(encs.length).toBe(2550);
    expect(encs.filter((e) => e.kind === 'TLBI').length).toBe(166); // with the nXS forms
    expect(encs.filter((e) => e.kind === 'MRS').length).toBe(1199);
    expect(encs.filter((e) => e.kind === 'MSR').length).toBe(950);
    // DBGBVR<n>_EL1 is defined for n = 0..63 but only 0..15 have encodings.
    expect(reg('DBGBVR15_EL1').array).toEqual({ name: 'DBGBVR<n>_EL1', index: 15, first: 0, last: 63 });
    expect(findSysreg('DBGBVR16_EL1')).toBeUndefined();
    // AMEVCNTVOFF0<n>_EL2 exists for n = 0, 2, 3 only.
    expect(regs.filter((r) => r.array?.name === 'AMEVCNTVOFF0<n>_EL2').map((r) => r.array!.index)).toEqual([0, 2, 3]);
  });

  it('every condition in the file parses', () => {
    for (const c of sysregTables().conds) expect(() => parseCondition(c), c).not.toThrow();
  });
});

// Encodings and fields from the Arm ARM (DDI 0487), written down
// independently of the generator: [name, op0, op1, CRn, CRm, op2, fields].
const SPOT: [string, number, number, number, number, number, [string, number, number][]][] = [
  ['SCTLR_EL1', 3, 0, 1, 0, 0, [['M', 0, 0], ['A', 1, 1], ['C', 2, 2], ['SA', 3, 3], ['I', 12, 12], ['WXN', 19, 19], ['EE', 25, 25], ['UCI', 26, 26]]],
  ['SCTLR_EL2', 3, 4, 1, 0, 0, [['M', 0, 0], ['EE', 25, 25]]],
  ['HCR_EL2', 3, 4, 1, 1, 0, [['VM', 0, 0], ['SWIO', 1, 1], ['FMO', 3, 3], ['IMO', 4, 4], ['AMO', 5, 5], ['TWI', 13, 13], ['TWE', 14, 14], ['TID3', 18, 18], ['TSC', 19, 19], ['TVM', 26, 26], ['TGE', 27, 27], ['TRVM', 30, 30], ['RW', 31, 31], ['E2H', 34, 34], ['NV', 42, 42], ['NV1', 43, 43], ['AT', 44, 44], ['NV2', 45, 45]]],
  ['VTCR_EL2', 3, 4, 2, 1, 2, [['T0SZ', 5, 0], ['SL0', 7, 6], ['IRGN0', 9, 8], ['ORGN0', 11, 10], ['SH0', 13, 12], ['TG0', 15, 14], ['PS', 18, 16], ['VS', 19, 19], ['HA', 21, 21], ['HD', 22, 22]]],
  ['TCR_EL1', 3, 0, 2, 0, 2, [['T0SZ', 5, 0], ['EPD0', 7, 7], ['TG0', 15, 14], ['T1SZ', 21, 16], ['A1', 22, 22], ['EPD1', 23, 23], ['TG1', 31, 30], ['IPS', 34, 32], ['AS', 36, 36]]],
  ['ESR_EL2', 3, 4, 5, 2, 0, [['ISS', 24, 0], ['IL', 25, 25], ['EC', 31, 26], ['ISS2', 55, 32]]],
  ['ESR_EL1', 3, 0, 5, 2, 0, [['EC', 31, 26]]],
  ['CNTVCT_EL0', 3, 3, 14, 0, 2, []],
  ['CNTVOFF_EL2', 3, 4, 14, 0, 3, []],
  ['CNTV_CTL_EL0', 3, 3, 14, 3, 1, [['ENABLE', 0, 0], ['IMASK', 1, 1], ['ISTATUS', 2, 2]]],
  ['CNTV_CVAL_EL0', 3, 3, 14, 3, 2, []],
  ['CNTP_CTL_EL0', 3, 3, 14, 2, 1, [['ENABLE', 0, 0]]],
  ['CNTKCTL_EL1', 3, 0, 14, 1, 0, [['EL0PCTEN', 0, 0], ['EL0VCTEN', 1, 1]]],
  ['CNTHCTL_EL2', 3, 4, 14, 1, 0, [['EL1PCTEN', 0, 0], ['EL1PCEN', 1, 1]]],
  ['DBGBVR5_EL1', 2, 0, 0, 5, 4, []],
  ['DBGBCR5_EL1', 2, 0, 0, 5, 5, [['E', 0, 0]]],
  ['DBGWVR0_EL1', 2, 0, 0, 0, 6, []],
  ['MDSCR_EL1', 2, 0, 0, 2, 2, [['SS', 0, 0], ['KDE', 13, 13], ['MDE', 15, 15]]],
  ['ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, [['CnP', 3, 0], ['UAO', 7, 4], ['VARange', 19, 16], ['NV', 27, 24], ['ST', 31, 28], ['FWB', 43, 40], ['E0PD', 63, 60]]],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, [['EL0', 3, 0], ['EL1', 7, 4], ['EL2', 11, 8], ['EL3', 15, 12], ['FP', 19, 16], ['AdvSIMD', 23, 20], ['GIC', 27, 24]]],
  ['MIDR_EL1', 3, 0, 0, 0, 0, [['Revision', 3, 0], ['PartNum', 15, 4], ['Architecture', 19, 16], ['Variant', 23, 20], ['Implementer', 31, 24]]],
  ['MPIDR_EL1', 3, 0, 0, 0, 5, [['Aff0', 7, 0], ['Aff1', 15, 8], ['Aff2', 23, 16], ['MT', 24, 24], ['U', 30, 30], ['Aff3', 39, 32]]],
  ['VPIDR_EL2', 3, 4, 0, 0, 0, []],
  ['VMPIDR_EL2', 3, 4, 0, 0, 5, []],
  ['VBAR_EL1', 3, 0, 12, 0, 0, []],
  ['VBAR_EL2', 3, 4, 12, 0, 0, []],
  ['ELR_EL1', 3, 0, 4, 0, 1, []],
  ['ELR_EL2', 3, 4, 4, 0, 1, []],
  ['SPSR_EL1', 3, 0, 4, 0, 0, [['M[3:0]', 3, 0], ['F', 6, 6], ['I', 7, 7], ['A', 8, 8], ['D', 9, 9], ['V', 28, 28], ['C', 29, 29], ['Z', 30, 30], ['N', 31, 31]]],
  ['SPSR_EL2', 3, 4, 4, 0, 0, []],
  ['SP_EL0', 3, 0, 4, 1, 0, []],
  ['SP_EL1', 3, 4, 4, 1, 0, []],
  ['FAR_EL1', 3, 0, 6, 0, 0, []],
  ['FAR_EL2', 3, 4, 6, 0, 0, []],
  ['HPFAR_EL2', 3, 4, 6, 0, 4, []],
  ['TTBR0_EL1', 3, 0, 2, 0, 0, []],
  ['TTBR1_EL1', 3, 0, 2, 0, 1, []],
  ['TTBR0_EL2', 3, 4, 2, 0, 0, []],
  ['VTTBR_EL2', 3, 4, 2, 1, 0, [['CnP', 0, 0], ['VMID', 63, 48]]],
  ['VNCR_EL2', 3, 4, 2, 2, 0, []],
  ['MAIR_EL1', 3, 0, 10, 2, 0, []],
  ['CPACR_EL1', 3, 0, 1, 0, 2, [['ZEN', 17, 16], ['FPEN', 21, 20], ['TTA', 28, 28]]],
  ['CPTR_EL2', 3, 4, 1, 1, 2, [['TFP', 10, 10], ['TTA', 20, 20], ['TAM', 30, 30], ['TCPAC', 31, 31]]],
  ['MDCR_EL2', 3, 4, 1, 1, 1, [['HPMN', 4, 0], ['TPMCR', 5, 5], ['TPM', 6, 6], ['HPME', 7, 7], ['TDE', 8, 8], ['TDA', 9, 9], ['TDOSA', 10, 10], ['TDRA', 11, 11]]],
  ['HSTR_EL2', 3, 4, 1, 1, 3, [['T0', 0, 0], ['T15', 15, 15]]],
  ['HFGRTR_EL2', 3, 4, 1, 1, 4, []],
  ['HFGWTR_EL2', 3, 4, 1, 1, 5, []],
  ['HFGITR_EL2', 3, 4, 1, 1, 6, []],
  ['TPIDR_EL0', 3, 3, 13, 0, 2, []],
  ['TPIDR_EL1', 3, 0, 13, 0, 4, []],
  ['TPIDR_EL2', 3, 4, 13, 0, 2, []],
  ['CurrentEL', 3, 0, 4, 2, 2, [['EL', 3, 2]]],
  ['DAIF', 3, 3, 4, 2, 1, [['F', 6, 6], ['I', 7, 7], ['A', 8, 8], ['D', 9, 9]]],
  ['NZCV', 3, 3, 4, 2, 0, [['V', 28, 28], ['C', 29, 29], ['Z', 30, 30], ['N', 31, 31]]],
  ['ZCR_EL1', 3, 0, 1, 2, 0, []],
  ['ICC_PMR_EL1', 3, 0, 4, 6, 0, []],
  ['ICC_SRE_EL2', 3, 4, 12, 9, 5, [['SRE', 0, 0], ['Enable', 3, 3]]],
  ['ICH_HCR_EL2', 3, 4, 12, 11, 0, [['En', 0, 0]]],
  ['ICH_LR5_EL2', 3, 4, 12, 12, 5, [['vINTID', 31, 0], ['Priority', 55, 48], ['Group', 60, 60], ['HW', 61, 61], ['State', 63, 62]]],
  ['PMEVCNTR5_EL0', 3, 3, 14, 8, 5, []],
  ['PMEVTYPER30_EL0', 3, 3, 14, 15, 6, []],
  ['CLIDR_EL1', 3, 1, 0, 0, 1, [['Ctype1', 2, 0], ['Ctype7', 20, 18], ['LoC', 26, 24], ['Ttype1', 34, 33], ['Ttype7', 46, 45]]],
  ['TLBI VMALLE1IS', 1, 0, 8, 3, 0, []],
  ['TLBI VAE2IS', 1, 4, 8, 3, 1, []],
  ['TLBI ALLE2', 1, 4, 8, 7, 0, []],
  ['TLBI VMALLS12E1IS', 1, 4, 8, 3, 6, []],
  ['TLBI IPAS2E1IS', 1, 4, 8, 0, 1, []],
  ['AT S1E1R', 1, 0, 7, 8, 0, []],
  ['AT S1E2R', 1, 4, 7, 8, 0, []],
  ['AT S12E1R', 1, 4, 7, 8, 4, []],
  ['DC ZVA', 1, 3, 7, 4, 1, []],
  ['DC CIVAC', 1, 3, 7, 14, 1, []],
  ['DC IVAC', 1, 0, 7, 6, 1, []],
  ['DC CVAC', 1, 3, 7, 10, 1, []],
  ['IC IALLU', 1, 0, 7, 5, 0, []],
  ['IC IALLUIS', 1, 0, 7, 1, 0, []],
  ['IC IVAU', 1, 3, 7, 5, 1, []],
];

describe('spot checks against the Arm ARM', () => {
  for (const [name, op0, op1, crn, crm, op2, fields] of SPOT) {
    it(`${name} is ${op0},${op1},${crn},${crm},${op2}${fields.length ? ` with ${fields.map((f) => f[0]).join(', ')}` : ''}`, () => {
      const r = reg(name);
      const key = sysregKey(op0, op1, crn, crm, op2);
      const own = r.encodings.filter((e) => e.role === 'own');
      expect(own.length, 'own encodings').toBeGreaterThan(0);
      for (const e of own) expect(sysregGenericName(e.key), `${e.kind} ${e.asm}`).toBe(sysregGenericName(key));
      for (const [f, msb, lsb] of fields) expect(hasField(r, f, msb, lsb), `${name}.${f}[${msb}:${lsb}]`).toBe(true);
    });
  }

  it('system instruction encodings have the right accessor kinds', () => {
    expect(enc('TLBI VAE2IS', 'TLBI', 'TLBI VAE2IS').key).toBe(sysregKey(1, 4, 8, 3, 1));
    expect(enc('TLBI VAE2IS', 'TLBI', 'TLBI VAE2ISNXS').key).toBe(sysregKey(1, 4, 9, 3, 1)); // nXS: CRn 9
    expect(enc('TLBI VAE2IS', 'TLBI', 'TLBI VAE2ISNXS').condition).toBe('FEAT_XS');
    expect(enc('AT S1E1R', 'AT').kind).toBe('AT');
    expect(enc('DC ZVA', 'DC').kind).toBe('DC');
    expect(enc('IC IALLU', 'IC').kind).toBe('IC');
    // MSR (immediate): CRm carries the value, so it is not part of the fixed key.
    const daifset = enc('DAIF', 'MSRimm', 'DAIFSet');
    expect(daifset.key & daifset.mask).toBe(sysregKey(0, 3, 4, 0, 6));
    expect(daifset.mask).toBe(0xffff & ~(15 << 3));
    expect(enc('PAN', 'MSRimm').key & 0xff87).toBe(sysregKey(0, 0, 4, 0, 4));
    // 128-bit accessors
    expect(enc('TTBR0_EL1', 'MRRS').key).toBe(sysregKey(3, 0, 2, 0, 0));
    expect(enc('TTBR0_EL1', 'MRRS').condition).toBe('FEAT_D128');
  });

  it('*_EL12 and *_EL02 aliases point at the register they access', () => {
    for (const [alias, target, key] of [
      ['SCTLR_EL12', 'SCTLR_EL1', sysregKey(3, 5, 1, 0, 0)],
      ['ELR_EL12', 'ELR_EL1', sysregKey(3, 5, 4, 0, 1)],
      ['SPSR_EL12', 'SPSR_EL1', sysregKey(3, 5, 4, 0, 0)],
      ['TCR_EL12', 'TCR_EL1', sysregKey(3, 5, 2, 0, 2)],
      ['VBAR_EL12', 'VBAR_EL1', sysregKey(3, 5, 12, 0, 0)],
      ['CNTKCTL_EL12', 'CNTKCTL_EL1', sysregKey(3, 5, 14, 1, 0)],
      ['CNTV_CTL_EL02', 'CNTV_CTL_EL0', sysregKey(3, 5, 14, 3, 1)],
      ['CNTP_CVAL_EL02', 'CNTP_CVAL_EL0', sysregKey(3, 5, 14, 2, 2)],
    ] as const) {
      const m = findSysreg(alias)!;
      expect(m.register.name, alias).toBe(target);
      expect(m.encodings.length, alias).toBeGreaterThan(0);
      for (const e of m.encodings) {
        expect(e.asm).toBe(alias);
        expect(e.role).toBe('alias');
        expect(e.key).toBe(key);
      }
    }
  });
});

describe('VNCR_EL2 offsets', () => {
  // From Linux arch/arm64/include/asm/vncr_mapping.h (offsets in the VNCR page).
  const LINUX: [string, number][] = [
    ['VTTBR_EL2', 0x020], ['VTCR_EL2', 0x040], ['VMPIDR_EL2', 0x050], ['CNTVOFF_EL2', 0x060], ['HCR_EL2', 0x078],
    ['HSTR_EL2', 0x080], ['VPIDR_EL2', 0x088], ['TPIDR_EL2', 0x090], ['HCRX_EL2', 0x0a0], ['VNCR_EL2', 0x0b0],
    ['CPACR_EL1', 0x100], ['CONTEXTIDR_EL1', 0x108], ['SCTLR_EL1', 0x110], ['ACTLR_EL1', 0x118], ['TCR_EL1', 0x120],
    ['AFSR0_EL1', 0x128], ['AFSR1_EL1', 0x130], ['ESR_EL1', 0x138], ['MAIR_EL1', 0x140], ['AMAIR_EL1', 0x148],
    ['MDSCR_EL1', 0x158], ['SPSR_EL1', 0x160], ['CNTV_CVAL_EL0', 0x168], ['CNTV_CTL_EL0', 0x170], ['CNTP_CVAL_EL0', 0x178],
    ['CNTP_CTL_EL0', 0x180], ['SCXTNUM_EL1', 0x188], ['TFSR_EL1', 0x190], ['HDFGRTR2_EL2', 0x1a0], ['HDFGWTR2_EL2', 0x1b0],
    ['HFGRTR_EL2', 0x1b8], ['HFGWTR_EL2', 0x1c0], ['HFGITR_EL2', 0x1c8], ['HDFGRTR_EL2', 0x1d0], ['HDFGWTR_EL2', 0x1d8],
    ['ZCR_EL1', 0x1e0], ['HAFGRTR_EL2', 0x1e8], ['TTBR0_EL1', 0x200], ['TTBR1_EL1', 0x210], ['FAR_EL1', 0x220],
    ['ELR_EL1', 0x230], ['SP_EL1', 0x240], ['VBAR_EL1', 0x250], ['TCR2_EL1', 0x270], ['PIRE0_EL1', 0x290],
    ['PIR_EL1', 0x2a0], ['POR_EL1', 0x2a8], ['HFGRTR2_EL2', 0x2c0], ['HFGWTR2_EL2', 0x2c8], ['HFGITR2_EL2', 0x310],
    ['ICH_LR0_EL2', 0x400], ['ICH_LR5_EL2', 0x428], ['ICH_LR15_EL2', 0x478], ['ICH_AP0R0_EL2', 0x480], ['ICH_AP0R3_EL2', 0x498],
    ['ICH_AP1R0_EL2', 0x4a0], ['ICH_HCR_EL2', 0x4c0], ['ICH_VMCR_EL2', 0x4c8], ['VDISR_EL2', 0x500], ['VSESR_EL2', 0x508],
    ['PMBLIMITR_EL1', 0x800], ['PMBPTR_EL1', 0x810], ['PMBSR_EL1', 0x820], ['PMSCR_EL1', 0x828], ['PMSEVFR_EL1', 0x830],
    ['PMSICR_EL1', 0x838], ['PMSIRR_EL1', 0x840], ['PMSLATFR_EL1', 0x848], ['TRFCR_EL1', 0x880], ['MPAM1_EL1', 0x900],
    ['MPAMHCR_EL2', 0x930], ['MPAMVPMV_EL2', 0x938], ['MPAMVPM0_EL2', 0x940], ['MPAMVPM7_EL2', 0x978],
  ];

  it('match Linux for every register it maps', () => {
    for (const [name, off] of LINUX) expect(reg(name).vncr, name).toBe(off);
  });

  it('each offset belongs to one register, and EL2 registers reached via EL1 encodings have none of their own', () => {
    const seen = new Map<number, string>();
    for (const r of allSysregs()) {
      if (r.vncr === undefined) continue;
      expect(seen.get(r.vncr), `${r.name} and ${seen.get(r.vncr)} at ${r.vncr}`).toBeUndefined();
      seen.set(r.vncr, r.name);
    }
    expect(seen.size).toBe(146);
    expect(reg('SCTLR_EL2').vncr).toBeUndefined();
    expect(reg('CPTR_EL2').vncr).toBeUndefined();
  });

  it('appear in the access rules as NVMem accesses at EL1', () => {
    const mrs = enc('SCTLR_EL1', 'MRS');
    expect(mrs.el1.map((r) => r.text)).toContain('Xt = NVMem[0x110]');
    expect(enc('HCR_EL2', 'MSR').el1[0]!.text).toBe('NVMem[0x78] = Xt');
    expect(enc('SCTLR_EL1', 'MRS', 'SCTLR_EL12').vncr).toBe(0x110);
  });
});

describe('access rules at EL1 and EL0 (no EL3)', () => {
  it('SCTLR_EL1: TRVM/TVM and the fine-grained traps', () => {
    expect(traps('SCTLR_EL1', 'MRS', 'el1')).toEqual([
      'trap to EL2, EC 0x18 if HCR_EL2.TRVM == 1',
      'trap to EL2, EC 0x18 if HFGRTR_EL2.SCTLR_EL1 == 1 (FEAT_FGT)',
    ]);
    expect(traps('SCTLR_EL1', 'MSR', 'el1')).toEqual([
      'trap to EL2, EC 0x18 if HCR_EL2.TVM == 1',
      'trap to EL2, EC 0x18 if HFGWTR_EL2.SCTLR_EL1 == 1 (FEAT_FGT)',
    ]);
    expect(enc('SCTLR_EL1', 'MRS').el0.map((r) => r.text)).toEqual(['UNDEFINED']);
    const nv = enc('SCTLR_EL1', 'MRS').el1[2]!;
    expect(conditionText(nv.condition)).toBe('HCR_EL2.NV2 == 1 && HCR_EL2.NV1 == 1 && HCR_EL2.NV == 1');
  });

  it('SCTLR_EL12 at EL1: VNCR page with NV2 and !NV1, trap with NV, else UNDEFINED', () => {
    const r = enc('SCTLR_EL1', 'MRS', 'SCTLR_EL12').el1;
    expect(r.map((x) => [x.text, conditionText(x.condition)])).toEqual([
      ['Xt = NVMem[0x110]', 'HCR_EL2.NV2 == 1 && HCR_EL2.NV1 == 0 && HCR_EL2.NV == 1'],
      ['trap to EL2, EC 0x18', 'HCR_EL2.NV == 1'],
      ['UNDEFINED', ''],
    ]);
  });

  it('at EL2, E2H redirects SCTLR_EL1 to SCTLR_EL2 and makes SCTLR_EL12 reach SCTLR_EL1', () => {
    const rows = (asm: string, kind = 'MRS'): string[][] =>
      enc('SCTLR_EL1', kind, asm).el2.map((x) => [x.text, conditionText(x.condition)]);
    expect(rows('SCTLR_EL1')).toEqual([
      ['Xt = SCTLR_EL2', 'ELIsInHost(EL2)'],
      ['Xt = SCTLR_EL1', ''],
    ]);
    expect(rows('SCTLR_EL12')).toEqual([
      ['Xt = SCTLR_EL1', 'ELIsInHost(EL2)'],
      ['UNDEFINED', ''],
    ]);
    expect(enc('HCR_EL2', 'MSR').el2.map((x) => x.text)).toEqual(['HCR_EL2 = Xt']);
  });

  it('at EL2, CNTVCT_EL0 drops CNTVOFF_EL2 in the host and never traps', () => {
    expect(enc('CNTVCT_EL0', 'MRS').el2.map((x) => [x.text, conditionText(x.condition)])).toEqual([
      ['Xt = PhysicalCountInt() - CNTVOFF_EL2', '!ELIsInHost(EL2)'],
      ['Xt = PhysicalCountInt()', ''],
    ]);
  });

  it('HCR_EL2 at EL1: VNCR page with NV2, trap with NV, else UNDEFINED', () => {
    const r = enc('HCR_EL2', 'MRS').el1;
    expect(r.map((x) => x.outcome)).toEqual([
      { type: 'statement', text: 'Xt = NVMem[0x78]' },
      { type: 'trap', el: 2, ec: 0x18 },
      { type: 'undefined' },
    ]);
    expect(conditionText(r[0]!.condition)).toBe('HCR_EL2.NV2 == 1 && HCR_EL2.NV == 1');
  });

  it('FPCR: CPACR_EL1.FPEN to EL1 and CPTR_EL2 to EL2 with EC 0x07', () => {
    const t = traps('FPCR', 'MRS', 'el1');
    expect(t).toContain('trap to EL1, EC 0x07 if CPACR_EL1.FPEN == 0bx0');
    expect(t).toContain('trap to EL2, EC 0x07 if !ELIsInHost(EL2) && CPTR_EL2.TFP == 1');
    expect(t).toContain('trap to EL2, EC 0x07 if ELIsInHost(EL2) && CPTR_EL2.FPEN == 0bx0');
  });

  it('ID registers: HCR_EL2.TID3 at EL1, FEAT_IDST at EL0', () => {
    expect(traps('ID_AA64PFR0_EL1', 'MRS', 'el1')).toEqual(['trap to EL2, EC 0x18 if HCR_EL2.TID3 == 1']);
    expect(traps('ID_AA64PFR0_EL1', 'MRS', 'el0')).toEqual([
      'trap to EL2, EC 0x18 if HCR_EL2.TGE == 1 (FEAT_IDST)',
      'trap to EL1, EC 0x18 if FEAT_IDST',
    ]);
    // Registers added after v8.0 are trapped by TID3 only where the implementation says so.
    expect(traps('ID_AA64MMFR2_EL1', 'MRS', 'el1')).toEqual([
      'trap to EL2, EC 0x18 if (FEAT_FGT || !IsZero(ID_AA64MMFR2_EL1) || IMPLEMENTATION DEFINED "ID_AA64MMFR2_EL1 trapped by HCR_EL2.TID3") && HCR_EL2.TID3 == 1',
    ]);
  });

  it('ACTLR_EL1: HCR_EL2.TACR', () => {
    expect(traps('ACTLR_EL1', 'MRS', 'el1')).toContain('trap to EL2, EC 0x18 if HCR_EL2.TACR == 1');
  });

  it('TLBI VMALLE1IS: TTLB, TTLBIS and HFGITR_EL2', () => {
    expect(traps('TLBI VMALLE1IS', 'TLBI', 'el1')).toEqual([
      'trap to EL2, EC 0x18 if HCR_EL2.TTLB == 1',
      'trap to EL2, EC 0x18 if HCR_EL2.TTLBIS == 1',
      'trap to EL2, EC 0x18 if HFGITR_EL2.TLBIVMALLE1IS == 1 (FEAT_FGT)',
    ]);
    expect(enc('TLBI VMALLE1IS', 'TLBI').el0.map((r) => r.text)).toEqual(['UNDEFINED']);
  });

  it('TLBI VAE2IS at EL1 (a guest hypervisor): trap with HCR_EL2.NV, else UNDEFINED', () => {
    expect(enc('TLBI VAE2IS', 'TLBI').el1.map((r) => `${r.text}|${conditionText(r.condition)}`)).toEqual([
      'trap to EL2, EC 0x18|HCR_EL2.NV == 1',
      'UNDEFINED|',
    ]);
  });

  it('AT S1E1R: HCR_EL2.AT', () => {
    expect(traps('AT S1E1R', 'AT', 'el1')).toEqual([
      'trap to EL2, EC 0x18 if HCR_EL2.AT == 1',
      'trap to EL2, EC 0x18 if HFGITR_EL2.ATS1E1R == 1 (FEAT_FGT)',
    ]);
  });

  it('DC ZVA at EL0: SCTLR_EL1.DZE to EL1 (EL2 when TGE), HCR_EL2.TDZ to EL2', () => {
    const t = traps('DC ZVA', 'DC', 'el0');
    expect(t[0]).toBe('trap to EL2, EC 0x18 if !ELIsInHost(EL0) && SCTLR_EL1.DZE == 0 && HCR_EL2.TGE == 1');
    expect(t[1]).toBe('trap to EL1, EC 0x18 if !ELIsInHost(EL0) && SCTLR_EL1.DZE == 0');
    expect(t).toContain('trap to EL2, EC 0x18 if !ELIsInHost(EL0) && HCR_EL2.TDZ == 1');
    expect(traps('DC ZVA', 'DC', 'el1')[0]).toBe('trap to EL2, EC 0x18 if HCR_EL2.TDZ == 1');
  });

  it('CNTVCT_EL0: CNTKCTL_EL1.EL0VCTEN at EL0, CNTHCTL_EL2.EL1TVCT at EL1', () => {
    expect(traps('CNTVCT_EL0', 'MRS', 'el0')).toContain('trap to EL1, EC 0x18 if !ELIsInHost(EL0) && CNTKCTL_EL1.EL0VCTEN == 0');
    expect(traps('CNTVCT_EL0', 'MRS', 'el1')).toEqual(['trap to EL2, EC 0x18 if CNTHCTL_EL2.EL1TVCT == 1']);
  });

  it('never trap to EL3, and mention EL3 state only where the specification reads SCR_EL3.ECVEn unguarded', () => {
    const el3: string[] = [];
    for (const r of allSysregs()) {
      for (const e of r.encodings) {
        for (const rule of [...e.el2, ...e.el1, ...e.el0]) {
          expect(rule.outcome.type === 'trap' && rule.outcome.el === 3, `${r.name} ${e.asm}`).toBe(false);
          if (/_EL3\b/.test(rule.condition)) {
            expect(rule.condition).toMatch(/`SCR_EL3\.ECVEn == 1`/);
            el3.push(e.asm);
          }
        }
      }
    }
    expect([...new Set(el3)].sort()).toEqual(['CNTPCTSS_EL0', 'CNTPCT_EL0', 'CNTP_TVAL_EL0']);
  });
});

describe('encodings are unique except documented sharing', () => {
  /** Why register `reg` is also reached through `asm`, another register's encoding. */
  function sharingReason(reg: string, asm: string): string | null {
    const m = /^(\w+)_EL2$/.exec(reg);
    if (m && asm === `${m[1]}_EL1`) return 'VHE: with HCR_EL2.E2H, EL2 accesses the EL1 encoding reach the EL2 register';
    const vhe: Record<string, string> = { CPTR_EL2: 'CPACR_EL1', CPTRMASK_EL2: 'CPACRMASK_EL1', CNTHCTL_EL2: 'CNTKCTL_EL1', MPAM2_EL2: 'MPAM1_EL1', MPAMBW2_EL2: 'MPAMBW1_EL1' };
    if (vhe[reg] === asm) return 'VHE: E2H redirection to a differently named EL2 register';
    const t = /^CNTH(P|PS|V|VS)_(CTL|CVAL|TVAL)_EL2$/.exec(reg);
    if (t && asm === `CNT${t[1]![0]}_${t[2]}_EL0`) return 'VHE: the EL0 timer encodings reach the EL2 timers from EL2&0';
    const nv = /^(ELR|SPSR|ESR|FAR|TFSR)_EL1$/.exec(reg);
    if (nv && asm === `${nv[1]}_EL2`) return 'FEAT_NV2: EL1 accesses to these EL2 registers are redirected to the EL1 ones';
    if (/^ICV_/.test(reg) && asm === reg.replace(/^ICV_/, 'ICC_')) return 'GICv3: ICC_* encodings reach the virtual ICV_* registers (HCR_EL2.IMO/FMO)';
    if ((reg === 'VPIDR_EL2' && asm === 'MIDR_EL1') || (reg === 'VMPIDR_EL2' && asm === 'MPIDR_EL1')) return 'EL1 reads of MIDR/MPIDR return VPIDR/VMPIDR';
    if (/^VDISR_EL[23]$/.test(reg) && asm === 'DISR_EL1') return 'RAS: DISR_EL1 reads VDISR when virtual SErrors are routed';
    return null;
  }

  it('one own or alias encoding per (kind, key)', () => {
    const seen = new Map<string, string>();
    for (const r of allSysregs()) {
      for (const e of r.encodings) {
        if (e.role === 'shared' || e.mask !== 0xffff) continue;
        const k = `${e.kind} ${e.key}`;
        expect(seen.get(k), `${r.name} ${e.kind} ${e.asm}`).toBeUndefined();
        seen.set(k, `${r.name} ${e.asm}`);
      }
    }
  });

  it('every shared encoding is another register own encoding, for a documented reason', () => {
    let n = 0;
    for (const r of allSysregs()) {
      for (const e of r.encodings.filter((x) => x.role === 'shared')) {
        n++;
        expect(sharingReason(r.name, e.asm), `${r.name} via ${e.asm}`).not.toBeNull();
        const owner = reg(e.asm);
        expect(owner.encodings.some((o) => o.role === 'own' && o.kind === e.kind && o.key === e.key), `${r.name} via ${e.asm}`).toBe(true);
      }
    }
    expect(n).toBe(171);
  });
});

describe('lookups', () => {
  it('by name, case-insensitively, including aliases and SYS-instruction spellings', () => {
    expect(findSysreg('sctlr_el1')!.register.name).toBe('SCTLR_EL1');
    expect(findSysreg('Sctlr_El12')!.register.name).toBe('SCTLR_EL1');
    expect(findSysreg('tlbi vae2is')!.register.name).toBe('TLBI VAE2IS');
    expect(findSysreg('TLBI_VAE2IS')!.register.name).toBe('TLBI VAE2IS');
    expect(findSysreg('TLBI VAE2ISNXS')!.encodings.map((e) => e.asm)).toEqual(['TLBI VAE2ISNXS']);
    expect(findSysreg('daifset')!.register.name).toBe('DAIF');
    expect(findSysreg('ICC_PMR_EL1')!.register.name).toBe('ICC_PMR_EL1'); // its own register, not ICV_PMR_EL1
    expect(findSysreg('NOT_A_REG_EL1')).toBeUndefined();
  });

  it('by key, by fields, by op0,op1,CRn,CRm,op2 and by S3_... name', () => {
    const key = sysregKey(3, 4, 1, 1, 0);
    expect(key).toBe(0xe088);
    const viaKey = sysregEncodingsByKey(key);
    expect(viaKey.map((e) => `${e.register.name} ${e.kind}`)).toEqual(['HCR_EL2 MRS', 'HCR_EL2 MSR']);
    expect(sysregEncodingsByFields(3, 4, 1, 1, 0)).toEqual(viaKey);
    for (const q of ['3,4,1,1,0', ' 3, 4, 1, 1, 0 ', 'S3_4_C1_C1_0', 's3_4_c1_c1_0']) {
      const r = lookupSysreg(q);
      expect(r.key, q).toBe(key);
      expect(r.matches.map((m) => m.register.name), q).toEqual(['HCR_EL2']);
    }
    // Own encodings sort before shared ones.
    expect(lookupSysreg('S3_0_C1_C0_0').matches.map((m) => m.register.name)).toEqual(['SCTLR_EL1', 'SCTLR_EL2']);
    // The IMPLEMENTATION DEFINED space and MSR immediates are found by any key they cover.
    expect(lookupSysreg('S3_2_C15_C3_1').matches[0]!.register.name).toBe('S3_<op1>_<Cn>_<Cm>_<op2>');
    expect(sysregEncodingsByFields(0, 3, 4, 9, 6).map((e) => e.asm)).toEqual(['DAIFSet']);
    expect(lookupSysreg('3,0,0,0,7').matches).toEqual([]);
  });

  it('every exact encoding is found again from its key and its generic name', () => {
    for (const r of allSysregs()) {
      for (const e of r.encodings) {
        if (e.mask !== 0xffff) continue;
        expect(sysregEncodingsByKey(e.key)).toContain(e);
        expect(lookupSysreg(sysregGenericName(e.key)).matches.some((m) => m.register === r)).toBe(true);
      }
    }
  });

  it('rejects malformed encodings', () => {
    expect(() => parseSysregQuery('3,0,1,0')).toThrow(SysregQueryError);
    expect(() => parseSysregQuery('4,0,1,0,0')).toThrow(/op0 must be 0..3/);
    expect(() => parseSysregQuery('S3_8_C1_C0_0')).toThrow(/op1 must be 0..7/);
    expect(parseSysregQuery('SCTLR_EL1')).toEqual({ name: 'SCTLR_EL1' });
  });

  it('suggests close names', () => {
    expect(suggestSysregNames('SCTLR_EL4').slice(0, 3)).toEqual(['SCTLR_EL1', 'SCTLR_EL2', 'SCTLR_EL3']);
    expect(suggestSysregNames('HCR_EL1')).toContain('HCR_EL2');
  });
});

describe('conditions and fields for a profile', () => {
  it('evaluates feature conditions with unknown state', () => {
    expect(evalCondition('', () => false)).toBe(true);
    expect(evalCondition('FEAT_A && !FEAT_B', (f) => f === 'FEAT_A')).toBe(true);
    expect(evalCondition('FEAT_A && `HCR_EL2.E2H == 1`', () => true)).toBeUndefined();
    expect(evalCondition('FEAT_A && `HCR_EL2.E2H == 1`', () => false)).toBe(false);
    expect(evalCondition('!FEAT_A || `X == 1`', () => true, (a) => a === 'X == 1')).toBe(true);
    expect(describeCondition('FEAT_FGT && `HFGRTR_EL2.SCTLR_EL1 == 1`')).toEqual({ state: 'HFGRTR_EL2.SCTLR_EL1 == 1', features: 'FEAT_FGT' });
  });

  it('picks fields by feature: SCTLR_EL1.EPAN only with FEAT_PAN3', () => {
    const epan = (p: SysregProfile): boolean => sysregFields(reg('SCTLR_EL1'), p).some((f) => f.name === 'EPAN');
    expect(epan({ features: (f) => f === 'FEAT_PAN3' })).toBe(true);
    expect(epan(NONE)).toBe(false);
  });

  it('RES0/RES1 masks of SCTLR_EL1', () => {
    const bit = (...bs: number[]): bigint => bs.reduce((m, b) => m | (1n << BigInt(b)), 0n);
    const none = sysregResMasks(reg('SCTLR_EL1'), NONE);
    expect(none.width).toBe(64);
    // v8.0 without AArch32 at EL0: LSMAOE, nTLSMD, SPAN, EIS, TSCXT, EOS, SED, ITD read as one.
    expect(none.res1).toBe(bit(29, 28, 23, 22, 20, 11, 8, 7));
    expect(none.res0 & bit(17)).toBe(bit(17));
    expect(none.res0 & bit(0, 1, 2, 12)).toBe(0n);
    const all = sysregResMasks(reg('SCTLR_EL1'), ALL);
    expect(all.res1).toBe(0n);
    expect(all.res0).toBe(bit(17));
    expect(maskHalves(none.res1)).toEqual({ lo: 0x30d00980, hi: 0 });
  });

  it('layouts chosen by state: CPTR_EL2 with and without E2H', () => {
    const r = reg('CPTR_EL2');
    const e2h = (v: boolean): SysregProfile => ({ features: () => true, state: (a) => (a === 'ELIsInHost(EL2)' ? v : undefined) });
    expect(sysregFields(r, e2h(true)).some((f) => f.name === 'FPEN' && f.msb === 21)).toBe(true);
    expect(sysregFields(r, e2h(false)).some((f) => f.name === 'TFP' && f.msb === 10)).toBe(true);
    expect(sysregFields(r, e2h(false)).some((f) => f.name === 'FPEN')).toBe(false);
  });

  it('keeps the ESR ISS variants as views', () => {
    const views = new Set(reg('ESR_EL2').layouts[0]!.fields.filter((f) => f.view).map((f) => f.view));
    expect(views.has('ISS: an exception from a Data Abort')).toBe(true);
    const dabt = reg('ESR_EL2').layouts[0]!.fields.filter((f) => f.view === 'ISS: an exception from a Data Abort');
    expect(dabt.some((f) => f.name === 'ISV' && f.msb === 24)).toBe(true);
    expect(dabt.some((f) => f.name === 'WnR' && f.msb === 6)).toBe(true);
  });
});

describe('nvlab sysreg', () => {
  /** `nvlab` as users run it: the bin launcher over the bundle that `npm test` builds first. */
  const BIN = new URL('../../bin/nvlab.js', import.meta.url).pathname;
  function nvlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('describes a register by name: encodings in every notation, fields, VNCR offset, traps', () => {
    const r = nvlab('sysreg', 'SCTLR_EL1');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^SCTLR_EL1\n/);
    expect(r.stdout).toMatch(/MRS +SCTLR_EL1 +S3_0_C1_C0_0 +op0=3 op1=0 CRn=1 CRm=0 op2=0 +key 0xc080/);
    expect(r.stdout).toMatch(/MRS +SCTLR_EL12 +S3_5_C1_C0_0 .*alias/);
    expect(r.stdout).toMatch(/VNCR_EL2 +offset 0x110/);
    expect(r.stdout).toMatch(/\n {2}\[0\] +M\n/);
    expect(r.stdout).toMatch(/\n {2}\[63\] +- +RES0 +when !FEAT_TIDCP1\n/);
    expect(r.stdout).toMatch(/EL1 +trap to EL2, EC 0x18 +if HCR_EL2\.TRVM == 1\n/);
    expect(r.stdout).toMatch(/trap to EL2, EC 0x18 +if HFGWTR_EL2\.SCTLR_EL1 == 1 \(FEAT_FGT\)/);
  });

  it('finds registers by op0,op1,CRn,CRm,op2 and by S3_ name', () => {
    for (const q of ['3,4,1,1,0', 'S3_4_C1_C1_0']) {
      const r = nvlab('sysreg', q);
      expect(r.status, q).toBe(0);
      expect(r.stdout, q).toMatch(/^S3_4_C1_C1_0 +op0=3 op1=4 CRn=1 CRm=1 op2=0 +key 0xe088: HCR_EL2 \(MRS\/MSR\)\n\nHCR_EL2\n/);
      expect(r.stdout, q).toMatch(/VNCR_EL2 +offset 0x078/);
    }
  });

  it('describes system instructions and aliases', () => {
    let r = nvlab('sysreg', 'tlbi vae2is');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/TLBI +TLBI VAE2IS +S1_4_C8_C3_1/);
    r = nvlab('sysreg', 'SCTLR_EL12');
    expect(r.stdout).toMatch(/^SCTLR_EL1\n/);
    expect(r.stdout).toMatch(/SCTLR_EL12 .*\*, alias/);
  });

  it('prints JSON with --json', () => {
    const r = nvlab('sysreg', '--json', 'DBGBVR5_EL1');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { registers: { name: string; encodings: { kind: string; key: number; generic: string }[] }[] };
    expect(j.registers[0]!.name).toBe('DBGBVR5_EL1');
    expect(j.registers[0]!.encodings.map((e) => [e.kind, e.key, e.generic])).toEqual([
      ['MRS', sysregKey(2, 0, 0, 5, 4), 'S2_0_C0_C5_4'],
      ['MSR', sysregKey(2, 0, 0, 5, 4), 'S2_0_C0_C5_4'],
    ]);
  });

  it('rejects unknown names with suggestions, bad encodings and bad usage with one line and status 2', () => {
    let r = nvlab('sysreg', 'SCTLR_EL4');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("nvlab: sysreg: unknown system register 'SCTLR_EL4'; did you mean SCTLR_EL1, SCTLR_EL2, SCTLR_EL3, ACTLR_EL1, ACTLR_EL2?\n");
    r = nvlab('sysreg', '3,0,0,0,7');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('nvlab: sysreg: no system register or instruction is encoded as op0=3 op1=0 CRn=0 CRm=0 op2=7 (S3_0_C0_C0_7)\n');
    for (const args of [['3,0,0,0,9'], [], ['--bogus', 'SCTLR_EL1'], ['TLBI', 'VAE2IS']]) {
      r = nvlab('sysreg', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n').length, args.join(' ')).toBe(2); // one line and the final newline
      expect(r.stderr, args.join(' ')).toMatch(/^nvlab: sysreg: .*\(usage: nvlab sysreg/);
    }
  });
});
