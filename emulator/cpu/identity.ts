/**
 * What the CPU is: its architectural features (FEAT_* names, used by the
 * decoder and by IsFeatureImplemented in the access rules), its ID register
 * values, the IMPLEMENTATION DEFINED counts and choices the rules ask for.
 */
import type { CpuProfile } from '../arch/cpu-profile.js';
import type { TranslationFeatures } from '../mmu/walk-params.js';
import type { CpuFeatures } from './features.js';

export interface CpuIdentity {
  readonly name: string;
  readonly features: ReadonlySet<string>;
  /** Reset values of the identification registers, by register name. */
  readonly idRegisters: ReadonlyMap<string, bigint>;
  /** IMPLEMENTATION DEFINED counts the rules consult (NUM_BREAKPOINTS, ...). */
  readonly params: Readonly<Record<string, number>>;
  /** ImpDefBool choices, by the text the specification gives them. */
  readonly impdef: Readonly<Record<string, boolean>>;
  /** Physical address size in bits (from ID_AA64MMFR0_EL1.PARange). */
  readonly paBits: number;
}

/** The decoder's view: which optional instruction groups exist. */
export function decoderFeatures(id: CpuIdentity): CpuFeatures {
  const f = (n: string): boolean => id.features.has(n);
  return {
    lse: f('FEAT_LSE'),
    crc32: f('FEAT_CRC32'),
    flagm: f('FEAT_FlagM'),
    flagm2: f('FEAT_FlagM2'),
    lrcpc: f('FEAT_LRCPC'),
    lrcpc2: f('FEAT_LRCPC2'),
    lor: f('FEAT_LOR'),
    pan: f('FEAT_PAN'),
    uao: f('FEAT_UAO'),
    dit: f('FEAT_DIT'),
    ssbs: f('FEAT_SSBS'),
    sb: f('FEAT_SB'),
    vhe: f('FEAT_VHE'),
    paBits: id.paBits,
  };
}

/** The MMU's view: the translation features and the physical address size. */
export function translationFeatures(id: CpuIdentity): TranslationFeatures {
  const f = (n: string): boolean => id.features.has(n);
  return {
    paBits: id.paBits,
    lpa2: f('FEAT_LPA2'),
    lpa: f('FEAT_LPA'),
    lva: f('FEAT_LVA'),
    ttst: f('FEAT_TTST'),
    hpds: f('FEAT_HPDS'),
    xnx: f('FEAT_XNX'),
    e0pd: f('FEAT_E0PD'),
    vmid16: f('FEAT_VMID16'),
    pan: f('FEAT_PAN'),
    nv: f('FEAT_NV'),
  };
}

/** PARange encodings of ID_AA64MMFR0_EL1 and the sizes they mean. */
export function paBitsFromParange(parange: number): number {
  const sizes = [32, 36, 40, 42, 44, 48, 52, 56];
  const v = sizes[parange];
  if (v === undefined) throw new RangeError(`ID_AA64MMFR0_EL1.PARange ${parange} is reserved`);
  return v;
}

/**
 * Identification values no architectural feature encodes: who made the PE
 * (implementer 0x00 is reserved for software use), its place in the system,
 * and its cache geometry, which CTR_EL0 (from the profile) and CCSIDR_EL1
 * (sysreg-hooks.ts) agree with.
 */
const IMPLEMENTATION_ID: ReadonlyMap<string, bigint> = new Map([
  ['MIDR_EL1', 0x000f4e50n], // implementer 0x00, architecture 0xF (ID registers), part 0x4E5
  ['MPIDR_EL1', 0x80000000n], // RES1 bit 31, uniprocessor system, affinity 0.0.0.0
  ['REVIDR_EL1', 0n],
  ['AIDR_EL1', 0n],
  ['DCZID_EL0', 0x4n], // DC ZVA zeroes 64 bytes
  ['CLIDR_EL1', 0x09200003n], // separate L1 I and D caches; LoUIS = LoC = LoUU = 1
]);

/** The CPU identity of an architectural profile (emulator/arch/cpu-profile.ts). */
export function identityFromProfile(profile: CpuProfile): CpuIdentity {
  const field = (reg: string, f: string): number => {
    const v = profile.idField(reg, f);
    if (v === undefined) throw new Error(`profile ${profile.name} has no ${reg}.${f}`);
    return v;
  };
  const idRegisters = new Map(profile.idRegisters);
  for (const [name, value] of IMPLEMENTATION_ID) idRegisters.set(name, value);
  return {
    name: profile.name,
    features: profile.features,
    idRegisters,
    params: {
      NUM_BREAKPOINTS: field('ID_AA64DFR0_EL1', 'BRPs') + 1,
      NUM_WATCHPOINTS: field('ID_AA64DFR0_EL1', 'WRPs') + 1,
      // Resources of features this profile does not implement: none.
      NUM_AMU_CG1_MONITORS: 0,
      NUM_BRBE_RECORDS: 0,
      NUM_GIC_LIST_REGS: 0,
      NUM_GIC_PREEMPTION_BITS: 0,
      NUM_GIC_PRIORITY_BITS: 0,
      NUM_TRACE_ADDRESS_COMPARATOR_PAIRS: 0,
      NUM_TRACE_CONTEXT_IDENTIFIER_COMPARATORS: 0,
      NUM_TRACE_COUNTERS: 0,
      NUM_TRACE_EXTERNAL_INPUT_SELECTOR_RESOURCES: 0,
      NUM_TRACE_RESOURCE_SELECTOR_PAIRS: 0,
      NUM_TRACE_SINGLE_SHOT_COMPARATOR_CONTROLS: 0,
      NUM_TRACE_VIRTUAL_CONTEXT_IDENTIFIER_COMPARATORS: 0,
    },
    impdef: {},
    paBits: paBitsFromParange(field('ID_AA64MMFR0_EL1', 'PARange')),
  };
}
