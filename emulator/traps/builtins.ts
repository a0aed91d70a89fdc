/**
 * Built-in conditions: trap controls that no mask and value on one register
 * can express, named in `.traps` files as `when builtin NAME`. Each says
 * which fields it reads (for the architecture check and the editor) and
 * decides from the guest hypervisor's virtual EL2 registers and the trapped
 * encoding whether the control holds.
 */
import { SR } from '../arch/generated/sysreg-rules.js';

/** Registers by SR slot, as 32-bit halves (the CPU's layout). */
export interface RegisterFile {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

export interface BuiltinCondition {
  readonly name: string;
  readonly description: string;
  /** REGISTER.FIELD names the evaluator reads. */
  readonly fields: readonly string[];
  /** Terms whose presence in an access rule's trap condition shows the architecture traps with this control. */
  readonly ruleTerms: readonly string[];
  holds(regs: RegisterFile, key: number): boolean;
}

const e2h = (r: RegisterFile): boolean => (r.hi[SR.HCR_EL2]! & (1 << (34 - 32))) !== 0;

/** CNTHCTL_EL2 bit `e2h0` with E2H = 0, bit `e2h1` with E2H = 1 (the same control under two layouts). */
const cnthctlBit = (r: RegisterFile, e2h0: number, e2h1: number): number => (r.lo[SR.CNTHCTL_EL2]! >>> (e2h(r) ? e2h1 : e2h0)) & 1;

/**
 * Arm's condition for the EL1NVPCT/EL1NVVCT traps: HCR_EL2.NV2 == 1 &&
 * NV1 == 0 && NV == 1 && !ELIsInHost(EL0). (KVM asks for E2H == 1 and
 * TGE == 0, as it runs no NV2 guest hypervisor without E2H; Arm also traps
 * with E2H == 0.)
 */
const NV2_GUEST_FIELDS = ['HCR_EL2.NV', 'HCR_EL2.NV1', 'HCR_EL2.NV2', 'HCR_EL2.E2H', 'HCR_EL2.TGE'];
function nv2Guest(r: RegisterFile): boolean {
  const hi = r.hi[SR.HCR_EL2]!;
  const nv = (hi >>> (42 - 32)) & 1;
  const nv1 = (hi >>> (43 - 32)) & 1;
  const nv2 = (hi >>> (45 - 32)) & 1;
  const tge = (r.lo[SR.HCR_EL2]! >>> 27) & 1;
  return nv === 1 && nv1 === 0 && nv2 === 1 && !(e2h(r) && tge === 1);
}

/**
 * The counter an access names: n of PMEVCNTR<n>_EL0 / PMEVTYPER<n>_EL0
 * (op0 3, op1 3, CRn 14, CRm 0b10nn/0b11nn, op2) and PMEVCNTSVR<n>_EL1
 * (op0 2, op1 0, CRn 14, CRm 0b10nn), or PMSELR_EL0.SEL for
 * PMXEVTYPER_EL0/PMXEVCNTR_EL0.
 */
function counterIndex(r: RegisterFile, key: number): number {
  const crm = (key >>> 3) & 15;
  const op2 = key & 7;
  const top = key >>> 7;
  if ((top === ((3 << 7) | (3 << 4) | 14) || top === ((2 << 7) | (0 << 4) | 14)) && crm >>> 2 >= 2) return ((crm & 3) << 3) | op2;
  return r.lo[SR.PMSELR_EL0]! & 31;
}

export const BUILTINS: ReadonlyMap<string, BuiltinCondition> = new Map(
  [
    {
      name: 'cnthctl_el1pcten',
      description: 'EL1 physical counter access is not enabled: CNTHCTL_EL2.EL1PCTEN, bit 0 with E2H = 0, bit 10 with E2H = 1, is 0',
      fields: ['CNTHCTL_EL2.EL1PCTEN'],
      ruleTerms: ['CNTHCTL_EL2.EL1PCTEN'],
      holds: (r: RegisterFile) => cnthctlBit(r, 0, 10) === 0,
    },
    {
      name: 'cnthctl_el1pten',
      description: 'EL1 physical timer access is not enabled: CNTHCTL_EL2.EL1PCEN (bit 1, E2H = 0) or EL1PTEN (bit 11, E2H = 1) is 0',
      fields: ['CNTHCTL_EL2.EL1PTEN', 'CNTHCTL_EL2.EL1PCEN'],
      ruleTerms: ['CNTHCTL_EL2.EL1PTEN', 'CNTHCTL_EL2.EL1PCEN'],
      holds: (r: RegisterFile) => cnthctlBit(r, 1, 11) === 0,
    },
    {
      name: 'cnthctl_el1nvpct',
      description:
        "FEAT_ECV: an NV2 guest hypervisor's accesses to the physical timer through the *_EL02 names trap: HCR_EL2.{NV2,NV1,NV} == 0b101, not in host EL0 ({E2H,TGE} != 0b11), and CNTHCTL_EL2.EL1NVPCT (bit 15) is 1",
      fields: ['CNTHCTL_EL2.EL1NVPCT', ...NV2_GUEST_FIELDS],
      ruleTerms: ['CNTHCTL_EL2.EL1NVPCT'],
      holds: (r: RegisterFile) => nv2Guest(r) && ((r.lo[SR.CNTHCTL_EL2]! >>> 15) & 1) === 1,
    },
    {
      name: 'cnthctl_el1nvvct',
      description:
        "FEAT_ECV: an NV2 guest hypervisor's accesses to the virtual timer through the *_EL02 names trap: HCR_EL2.{NV2,NV1,NV} == 0b101, not in host EL0 ({E2H,TGE} != 0b11), and CNTHCTL_EL2.EL1NVVCT (bit 16) is 1",
      fields: ['CNTHCTL_EL2.EL1NVVCT', ...NV2_GUEST_FIELDS],
      ruleTerms: ['CNTHCTL_EL2.EL1NVVCT'],
      holds: (r: RegisterFile) => nv2Guest(r) && ((r.lo[SR.CNTHCTL_EL2]! >>> 16) & 1) === 1,
    },
    {
      name: 'cptr_tta',
      description: 'trace register accesses trap: CPTR_EL2.TTA, bit 20 with E2H = 0, bit 28 with E2H = 1, is 1',
      fields: ['CPTR_EL2.TTA'],
      ruleTerms: ['CPTR_EL2.TTA'],
      holds: (r: RegisterFile) => ((r.lo[SR.CPTR_EL2]! >>> (e2h(r) ? 28 : 20)) & 1) === 1,
    },
    {
      name: 'mdcr_hpmn',
      description: 'the event counter accessed (n of PMEVCNTR<n>_EL0/PMEVTYPER<n>_EL0/PMEVCNTSVR<n>_EL1, or PMSELR_EL0.SEL) is reserved for EL2: n >= MDCR_EL2.HPMN (31, the cycle counter, never is)',
      fields: ['MDCR_EL2.HPMN'],
      ruleTerms: ['GetNumEventCountersAccessible()', 'MDCR_EL2.HPMN'],
      holds: (r: RegisterFile, key: number) => {
        const n = counterIndex(r, key);
        return n !== 31 && n >= (r.lo[SR.MDCR_EL2]! & 31);
      },
    },
  ].map((b) => [b.name, b]),
);
