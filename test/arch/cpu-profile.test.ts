import { describe, it, expect } from 'vitest';
import {
  DEFAULT_PROFILE,
  DEFAULT_PROFILE_SPEC,
  ProfileError,
  architectureVersions,
  buildProfile,
  detectFeatures,
  knownFeatures,
  profileFeaturePredicate,
  type CpuProfile,
  type ProfileSpec,
} from '../../emulator/arch/cpu-profile.js';
import { parseExpr, printExpr } from '../../emulator/arch/feature-expr.js';
import { importGenerator, itRegenerates } from '../util/aarchmrs.js';
import {
  FEATURES,
  GLOBAL_CONSTRAINTS,
  ID_REGISTER_LAYOUTS,
  SKIPPED_CONSTRAINTS,
  SUPPLEMENTARY_CONSTRAINTS,
} from '../../emulator/arch/generated/features.js';

interface GeneratorModule {
  OUTPUT_PATH: string;
  generateFeaturesText(opts?: { tarball?: string }): string;
}
const generator = await importGenerator<GeneratorModule>('gen-features.mjs');

/** Build, or fail the test with the profile's problems (easier to read than a stack). */
function build(spec: ProfileSpec): CpuProfile {
  return buildProfile(spec);
}

/** The problems buildProfile reports for a spec (fails the test if it builds). */
function problemsOf(spec: ProfileSpec): readonly string[] {
  try {
    buildProfile(spec);
  } catch (e) {
    if (e instanceof ProfileError) return e.problems;
    throw e;
  }
  throw new Error(`profile ${spec.name} built, but a ProfileError was expected`);
}

/** The default spec without some features (also dropped from aheadOfVersion). */
function defaultWithout(...names: string[]): ProfileSpec {
  return {
    ...DEFAULT_PROFILE_SPEC,
    name: `default-without-${names.join('-')}`,
    features: DEFAULT_PROFILE_SPEC.features.filter((f) => !names.includes(f)),
    aheadOfVersion: (DEFAULT_PROFILE_SPEC.aheadOfVersion ?? []).filter((f) => !names.includes(f)),
  };
}

describe('generated feature data', () => {
  itRegenerates('regenerates byte-for-byte from the AARCHMRS tarball', (t) => [
    [generator.OUTPUT_PATH, generator.generateFeaturesText({ tarball: t })],
  ]);

  it('every expression parses and prints back to the generated text', () => {
    // The generator's printer and the runtime parser are two halves of one
    // syntax; a drift between them would silently change constraints.
    const texts: string[] = [...GLOBAL_CONSTRAINTS, ...SUPPLEMENTARY_CONSTRAINTS.map((s) => s.text)];
    for (const f of Object.values(FEATURES)) texts.push(...f.deps, ...f.id);
    for (const l of ID_REGISTER_LAYOUTS) {
      if (l.exists) texts.push(l.exists);
      for (const fs of l.fieldsets) {
        if (fs.when) texts.push(fs.when);
        for (const f of fs.fields) {
          if (f.when) texts.push(f.when);
          for (const v of f.values ?? []) if (v[2]) texts.push(v[2]);
        }
      }
    }
    expect(texts.length).toBeGreaterThan(900);
    for (const t of texts) expect(printExpr(parseExpr(t)), t).toBe(t);
  });

  it('parser rejects chained implications and stray tokens', () => {
    expect(() => parseExpr('A --> B --> C')).toThrow(/parenthesise/);
    expect(() => parseExpr('A && ')).toThrow(/expected a name/);
    expect(() => parseExpr('R.F')).toThrow(/comparison/);
    expect(printExpr(parseExpr('A --> (B --> C)'))).toBe('A --> (B --> C)');
  });

  it('covers the parameters of Features.json and reports what it skipped', () => {
    expect(Object.keys(FEATURES)).toContain('FEAT_NV2');
    expect(Object.keys(FEATURES)).toContain('v9Ap6');
    // Names Registers.json tests that Features.json lacks are known too.
    expect(knownFeatures().has('FEAT_GICv3')).toBe(true);
    expect(FEATURES.FEAT_NV2!.since).toBe('v8Ap3');
    expect(FEATURES.FEAT_NV2!.deps).toEqual(['FEAT_NV2 --> FEAT_NV']);
    expect(FEATURES.FEAT_VHE!.id).toEqual(['FEAT_AA64EL1 --> (FEAT_VHE <-> ID_AA64MMFR1_EL1.VH >= 1)']);
    const kinds = new Set(SKIPPED_CONSTRAINTS.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['AArch32', 'external', 'memory-mapped', 'non-boolean', 'undefined-name']);
  });
});

describe('default profile', () => {
  const p = DEFAULT_PROFILE;

  it('builds, with exactly the listed features', () => {
    expect(p.name).toBe('nvlab-default');
    expect([...p.features].sort()).toEqual([...DEFAULT_PROFILE_SPEC.features].sort());
    expect(p.has('FEAT_NV2')).toBe(true);
    expect(p.has('FEAT_PAuth')).toBe(false);
    expect(p.has('FEAT_AA64EL3')).toBe(false);
    expect(p.has('FEAT_AA32EL0')).toBe(false);
    expect(architectureVersions(p.features)).toEqual(['v8Ap0', 'v8Ap1']);
    expect([...p.aheadOfVersion].sort()).toEqual([...(DEFAULT_PROFILE_SPEC.aheadOfVersion ?? [])].sort());
  });

  // Each expectation is the Arm ARM's meaning of the field value, not just
  // what the generator happens to produce.
  it('derives the architected field values', () => {
    const f = (reg: string, field: string): number | undefined => p.idField(reg, field);
    // ID_AA64PFR0_EL1.ELn: 0b0001 = ELn in AArch64 state only; EL3 0b0000 = not implemented.
    expect(f('ID_AA64PFR0_EL1', 'EL0')).toBe(1);
    expect(f('ID_AA64PFR0_EL1', 'EL1')).toBe(1);
    expect(f('ID_AA64PFR0_EL1', 'EL2')).toBe(1);
    expect(f('ID_AA64PFR0_EL1', 'EL3')).toBe(0);
    // FP, AdvSIMD: 0b0000 = implemented without half precision (0b1111 would be absent).
    expect(f('ID_AA64PFR0_EL1', 'FP')).toBe(0);
    expect(f('ID_AA64PFR0_EL1', 'AdvSIMD')).toBe(0);
    expect(f('ID_AA64PFR0_EL1', 'DIT')).toBe(1);
    expect(f('ID_AA64PFR0_EL1', 'GIC')).toBe(0); // no GIC system registers yet
    // ID_AA64PFR1_EL1.SSBS: 0b0010 = PSTATE.SSBS plus the MRS/MSR SSBS register (FEAT_SSBS2).
    expect(f('ID_AA64PFR1_EL1', 'SSBS')).toBe(2);
    // ID_AA64MMFR1_EL1.VH: 0b0001 = Virtualization Host Extensions supported.
    expect(f('ID_AA64MMFR1_EL1', 'VH')).toBe(1);
    // PAN: 0b0010 = PAN plus AT S1E1RP/S1E1WP (FEAT_PAN2); VMIDBits 0b0010 = 16 bits.
    expect(f('ID_AA64MMFR1_EL1', 'PAN')).toBe(2);
    expect(f('ID_AA64MMFR1_EL1', 'VMIDBits')).toBe(2);
    expect(f('ID_AA64MMFR1_EL1', 'HCX')).toBe(1);
    // ID_AA64MMFR2_EL1.NV: 0b0010 = FEAT_NV2 (HCR_EL2.NV2, VNCR_EL2) on top of FEAT_NV,
    // and ID_AA64MMFR4_EL1.NV_frac = 0b0010 = FEAT_NV2p1 (CNTKCTL_EL1 holds CNTHCTL_EL2's
    // EL1PCTEN..EL1NVVCT, which a VHE guest hypervisor writes through it).
    expect(f('ID_AA64MMFR2_EL1', 'NV')).toBe(2);
    expect(f('ID_AA64MMFR4_EL1', 'NV_frac')).toBe(2);
    // ID_AA64MMFR4_EL1.E2H0: 0b0000 = FEAT_E2H0, HCR_EL2.E2H can be 0 or 1.
    expect(f('ID_AA64MMFR4_EL1', 'E2H0')).toBe(0);
    // ID_AA64ISAR0_EL1.Atomic: 0b0010 = FEAT_LSE (0b0011 would be FEAT_LSE128).
    expect(f('ID_AA64ISAR0_EL1', 'Atomic')).toBe(2);
    expect(f('ID_AA64ISAR0_EL1', 'CRC32')).toBe(1);
    expect(f('ID_AA64ISAR0_EL1', 'TS')).toBe(2); // FEAT_FlagM2
    expect(f('ID_AA64ISAR1_EL1', 'LRCPC')).toBe(2); // FEAT_LRCPC2
    // ID_AA64MMFR0_EL1.PARange: 0b0110 = 52 bits (FEAT_LPA); ASIDBits 0b0010 = 16 bits.
    expect(f('ID_AA64MMFR0_EL1', 'PARange')).toBe(6);
    expect(f('ID_AA64MMFR0_EL1', 'ASIDBits')).toBe(2);
    // Granules with FEAT_LPA2: TGran4 0b0001, TGran16 0b0010 (52-bit output);
    // stage 2 0b0011 for 4K/16K (52-bit), 0b0010 for 64K (supported).
    expect(f('ID_AA64MMFR0_EL1', 'TGran4')).toBe(1);
    expect(f('ID_AA64MMFR0_EL1', 'TGran16')).toBe(2);
    expect(f('ID_AA64MMFR0_EL1', 'TGran64')).toBe(0);
    expect(f('ID_AA64MMFR0_EL1', 'TGran4_2')).toBe(3);
    expect(f('ID_AA64MMFR0_EL1', 'TGran16_2')).toBe(3);
    expect(f('ID_AA64MMFR0_EL1', 'TGran64_2')).toBe(2);
    expect(f('ID_AA64MMFR0_EL1', 'ECV')).toBe(1);
    expect(f('ID_AA64MMFR0_EL1', 'FGT')).toBe(1);
    // ID_AA64DFR0_EL1: DebugVer 0b0111 = Armv8.1 debug; no PMU; DoubleLock 0b1111 = not implemented.
    expect(f('ID_AA64DFR0_EL1', 'DebugVer')).toBe(7);
    expect(f('ID_AA64DFR0_EL1', 'PMUVer')).toBe(0);
    expect(f('ID_AA64DFR0_EL1', 'DoubleLock')).toBe(15);
    // CTR_EL0: bit 31 RES1; L1Ip 0b11 = PIPT (override), 64-byte lines.
    expect(p.idRegister('CTR_EL0')).toBe(0x8444c004n);
  });

  it('has the expected ID register values', () => {
    const hex = Object.fromEntries([...p.idRegisters].filter(([, v]) => v !== 0n).map(([k, v]) => [k, `0x${v.toString(16)}`]));
    expect(hex).toEqual({
      CTR_EL0: '0x8444c004',
      ID_AA64DFR0_EL1: '0xf000101007',
      ID_AA64ISAR0_EL1: '0x220000010210000', // TLB = 2: TLBIOS and TLBIRANGE
      ID_AA64ISAR1_EL1: '0x1000200000',
      ID_AA64MMFR0_EL1: '0x1100032310200026',
      ID_AA64MMFR1_EL1: '0x10010211120', // XNX = 1
      ID_AA64MMFR2_EL1: '0x1001000012010011', // E0PD, TTL, ST, CnP, ...
      ID_AA64MMFR4_EL1: '0x200000', // NV_frac [23:20] = 2: FEAT_NV2p1
      ID_AA64PFR0_EL1: '0x1001000000000111', // CSV3 = 1
      ID_AA64PFR1_EL1: '0x20',
    });
    // The AArch32 views exist (they are AArch64 system registers) and read 0:
    // UNKNOWN without AArch32, and 0 is the value nvlab chooses.
    expect(p.idRegister('ID_ISAR5_EL1')).toBe(0n);
    // Registers of absent features do not exist.
    expect(p.idRegister('PMSIDR_EL1')).toBeUndefined();
    expect(p.idRegister('MIDR_EL1')).toBeUndefined();
  });

  it('round trip: the features read back from the ID registers are exactly the profile', () => {
    const { implemented, undetermined } = detectFeatures(p.idRegisters, architectureVersions(p.features));
    expect([...implemented].sort()).toEqual([...p.features].sort());
    for (const f of p.features) expect(undetermined.has(f), f).toBe(false);
  });

  it('feature predicate for the register rules', () => {
    const isImpl = profileFeaturePredicate(p);
    expect(isImpl('FEAT_VHE')).toBe(true);
    expect(isImpl('FEAT_SVE')).toBe(false);
    expect(isImpl('FEAT_GICv3')).toBe(false);
    expect(() => isImpl('FEAT_VHEE')).toThrow(/unknown feature FEAT_VHEE/);
  });
});

describe('profile checks', () => {
  it('a missing dependency names the feature and what it needs', () => {
    expect(problemsOf(defaultWithout('FEAT_NV'))).toEqual(['FEAT_NV2 requires FEAT_NV']);
    expect(() => build(defaultWithout('FEAT_NV'))).toThrow('FEAT_NV2 requires FEAT_NV');
    // Only the missing part of a conjunction is named.
    expect(problemsOf(defaultWithout('FEAT_Debugv8p1'))).toEqual(['FEAT_VHE requires FEAT_Debugv8p1']);
    // Version mandates are dependencies too.
    expect(problemsOf(defaultWithout('FEAT_RDM'))).toEqual(['v8Ap1 && FEAT_AdvSIMD requires FEAT_RDM']);
    // Definitions (FEAT_EL2 <-> FEAT_AA32EL2 || FEAT_AA64EL2) name the part that holds.
    expect(problemsOf(defaultWithout('FEAT_EL2'))).toEqual(['FEAT_NV requires FEAT_EL2', 'FEAT_AA64EL2 requires FEAT_EL2']);
  });

  it('unknown names and the AArch64 requirement', () => {
    expect(problemsOf({ name: 'x', features: ['v8Ap0', 'FEAT_AA64EL1', 'FEAT_FOO'] })).toEqual(['unknown feature FEAT_FOO']);
    expect(problemsOf({ name: 'x', features: ['v8Ap0'] })[0]).toMatch(/^FEAT_AA64EL1 is required/);
  });

  it('features ahead of the claimed version must be listed, and the list must be current', () => {
    const problems = problemsOf({ ...DEFAULT_PROFILE_SPEC, aheadOfVersion: [] });
    expect(problems).toContain(
      'FEAT_HCX requires v8Ap6 (Features.json permits FEAT_HCX from v8Ap6; claim it or list FEAT_HCX in aheadOfVersion)',
    );
    expect(problems).toHaveLength(DEFAULT_PROFILE_SPEC.aheadOfVersion!.length);
    expect(problemsOf({ ...DEFAULT_PROFILE_SPEC, aheadOfVersion: [...DEFAULT_PROFILE_SPEC.aheadOfVersion!, 'FEAT_LSE'] })).toEqual([
      'aheadOfVersion lists FEAT_LSE, but the profile claims the version it needs (FEAT_LSE --> v8Ap0)',
    ]);
  });

  it('two features wanting different values of one field are reported as a conflict', () => {
    // Without FEAT_GTG the stage 2 granule fields must be 0 ("as stage 1"),
    // but FEAT_LPA2 with the 4KB stage 2 granule needs TGran4_2 = 3.
    const problems = problemsOf(defaultWithout('FEAT_GTG'));
    expect(problems).toHaveLength(2); // TGran4_2 and TGran16_2
    expect(problems[0]).toBe(
      'conflict on ID_AA64MMFR0_EL1.TGran4_2: ' +
        'FEAT_LPA2 (implemented) needs TGran4_2 = 3 [FEAT_AA64EL1 --> (FEAT_LPA2 && FEAT_S2TGran4K <-> ID_AA64MMFR0_EL1.TGran4_2 >= 3)] vs ' +
        'FEAT_GTG (not implemented) needs TGran4_2 = 0 [FEAT_AA64EL1 --> (FEAT_GTG <-> ID_AA64MMFR0_EL1.TGran4_2 >= 1)] ' +
        '(ID_AA64MMFR0_EL1.TGran4_2 permits 0..3)',
    );
  });

  it('overrides are applied last and must keep the features encoded', () => {
    const withOverrides = (o: Record<string, Record<string, number>>): ProfileSpec => ({
      ...DEFAULT_PROFILE_SPEC,
      idOverrides: { ...DEFAULT_PROFILE_SPEC.idOverrides, ...o },
    });
    expect(problemsOf(withOverrides({ ID_AA64MMFR1_EL1: { VH: 0 } }))).toEqual([
      'override ID_AA64MMFR1_EL1.VH = 0 contradicts FEAT_VHE (implemented): FEAT_AA64EL1 --> (FEAT_VHE <-> ID_AA64MMFR1_EL1.VH >= 1)',
    ]);
    expect(problemsOf(withOverrides({ ID_AA64MMFR0_EL1: { PARange: 5 } }))).toEqual([
      'override ID_AA64MMFR0_EL1.PARange = 5 contradicts FEAT_LPA (implemented): FEAT_AA64EL1 --> (FEAT_LPA <-> ID_AA64MMFR0_EL1.PARange >= 6)',
    ]);
    // 0b0111 (56 bits) is permitted only with FEAT_D128.
    expect(problemsOf(withOverrides({ ID_AA64MMFR0_EL1: { PARange: 7 } }))).toEqual([
      'override of ID_AA64MMFR0_EL1.PARange: 7 is not a permitted value here (permitted: 0..6)',
    ]);
    expect(problemsOf(withOverrides({ ID_AA64MMFR0_EL1: { TGran4: -1 } }))[0]).toBe(
      'override ID_AA64MMFR0_EL1.TGran4 = 15 (-1) contradicts FEAT_TGran4K (implemented): FEAT_AA64EL1 --> (FEAT_TGran4K <-> SInt(ID_AA64MMFR0_EL1.TGran4) >= 0)',
    );
    expect(problemsOf(withOverrides({ ID_AA64MMFR1_EL1: { NoSuch: 1 }, MIDR_EL1: { Revision: 1 } }))).toEqual([
      'override of ID_AA64MMFR1_EL1.NoSuch: no such field',
      expect.stringMatching(/^override of MIDR_EL1: not an ID register nvlab derives/),
    ]);
    expect(problemsOf(withOverrides({ ID_ISAR5_EL1: { CRC32: 1 } }))).toEqual([
      'override of ID_ISAR5_EL1.CRC32: the field does not exist in this profile (needs FEAT_AA32EL0)',
    ]);
    expect(problemsOf(withOverrides({ PMSIDR_EL1: { FE: 1 } }))).toEqual([
      'override of PMSIDR_EL1: the register does not exist in this profile (needs FEAT_SPE)',
    ]);
  });

  it('an override to another valid encoding of the same features is accepted', () => {
    // NV_frac >= 1 with NV = 0 also encodes FEAT_NV and FEAT_NV2 (the form Arm
    // added for PEs without HCR_EL2.NV1); it is consistent, so allowed.
    const p = build({ ...DEFAULT_PROFILE_SPEC, idOverrides: { ...DEFAULT_PROFILE_SPEC.idOverrides, ID_AA64MMFR2_EL1: { NV: 0 } } });
    expect(p.idField('ID_AA64MMFR2_EL1', 'NV')).toBe(0);
    expect(p.idField('ID_AA64MMFR4_EL1', 'NV_frac')).toBe(2);
    let back = detectFeatures(p.idRegisters, architectureVersions(p.features)).implemented;
    expect(['FEAT_NV', 'FEAT_NV2', 'FEAT_NV2p1'].map((f) => back.has(f))).toEqual([true, true, true]);
    // Without FEAT_NV2p1: NV_frac = 1 with NV = 0.
    const noP1 = { ...DEFAULT_PROFILE_SPEC, features: DEFAULT_PROFILE_SPEC.features.filter((f) => f !== 'FEAT_NV2p1'), aheadOfVersion: (DEFAULT_PROFILE_SPEC.aheadOfVersion ?? []).filter((f) => f !== 'FEAT_NV2p1') };
    const q = build({ ...noP1, idOverrides: { ...DEFAULT_PROFILE_SPEC.idOverrides, ID_AA64MMFR2_EL1: { NV: 0 }, ID_AA64MMFR4_EL1: { NV_frac: 1 } } });
    expect(q.idField('ID_AA64MMFR2_EL1', 'NV')).toBe(0);
    expect(q.idField('ID_AA64MMFR4_EL1', 'NV_frac')).toBe(1);
    back = detectFeatures(q.idRegisters, architectureVersions(q.features)).implemented;
    expect(back.has('FEAT_NV2')).toBe(true);
    expect(back.has('FEAT_NV2p1')).toBe(false);
  });

  it('a minimal Armv8.0 PE: absent features get their "not implemented" encodings', () => {
    const p = build({
      name: 'minimal',
      features: ['v8Ap0', 'FEAT_AA64EL0', 'FEAT_AA64EL1', 'FEAT_EL0', 'FEAT_EL1', 'FEAT_IVIPT', 'FEAT_TGran4K'],
    });
    // Signed fields: 0b1111 is "not implemented" for FP, AdvSIMD, TGran64.
    expect(p.idField('ID_AA64PFR0_EL1', 'FP')).toBe(15);
    expect(p.idField('ID_AA64PFR0_EL1', 'AdvSIMD')).toBe(15);
    expect(p.idField('ID_AA64MMFR0_EL1', 'TGran64')).toBe(15);
    expect(p.idField('ID_AA64MMFR0_EL1', 'TGran4')).toBe(0);
    expect(p.idField('ID_AA64MMFR0_EL1', 'TGran16')).toBe(0); // unsigned: 0 = not supported
    expect(p.idField('ID_AA64PFR0_EL1', 'EL2')).toBe(0);
    expect(p.idField('ID_AA64DFR0_EL1', 'DebugVer')).toBe(6); // Armv8.0 debug, the smallest permitted
    expect(p.idField('CTR_EL0', 'L1Ip')).toBe(2); // VIPT: the smallest value meaning FEAT_IVIPT
    const { implemented } = detectFeatures(p.idRegisters, architectureVersions(p.features));
    expect([...implemented].sort()).toEqual([...p.features].sort());
  });
});
