/**
 * SYS-space instructions (op0 = 1): cache maintenance, TLB maintenance and
 * address translation. Caches are not modelled (a single PE sees its own
 * writes), so maintenance by VA or set/way only applies its access rules.
 * The MMU issue gives TLBI and AT their effect.
 */
import { EmulationStop } from '../platform/bus.js';
import type { Cpu } from './cpu.js';
import { EC, FSC, esr, issSysReg } from './esr.js';
import { defaultTargetEl, inHost } from './exceptions.js';
import { dataAbort, flatDataIsDevice, storeAny, translateData } from './memory-access.js';
import { genericName, keyFields, sysKey } from './sysreg-key.js';
import { SR } from './sysreg-storage.js';

const enum Kind {
  CacheByVa,
  CacheSetWay,
  InvalidateIcache,
  ZeroBlock,
  Tlbi,
  At,
}

interface SysInsn {
  name: string;
  kind: Kind;
  minEl: number;
  /** SCTLR_EL1 bit that enables EL0 use (UCI, DZE); absent: UNDEFINED at EL0. */
  el0Enable?: number;
}

const table = new Map<number, SysInsn>();

function def(name: string, op1: number, crn: number, crm: number, op2: number, kind: Kind, minEl: number, el0Enable?: number): void {
  table.set(sysKey(1, op1, crn, crm, op2), { name, kind, minEl, el0Enable });
}

const UCI = 26;
const DZE = 14;
def('IC IALLUIS', 0, 7, 1, 0, Kind.InvalidateIcache, 1);
def('IC IALLU', 0, 7, 5, 0, Kind.InvalidateIcache, 1);
def('IC IVAU', 3, 7, 5, 1, Kind.InvalidateIcache, 0, UCI);
def('DC IVAC', 0, 7, 6, 1, Kind.CacheByVa, 1);
def('DC ISW', 0, 7, 6, 2, Kind.CacheSetWay, 1);
def('DC CSW', 0, 7, 10, 2, Kind.CacheSetWay, 1);
def('DC CISW', 0, 7, 14, 2, Kind.CacheSetWay, 1);
def('DC ZVA', 3, 7, 4, 1, Kind.ZeroBlock, 0, DZE);
def('DC CVAC', 3, 7, 10, 1, Kind.CacheByVa, 0, UCI);
def('DC CVAU', 3, 7, 11, 1, Kind.CacheByVa, 0, UCI);
def('DC CIVAC', 3, 7, 14, 1, Kind.CacheByVa, 0, UCI);
for (const [op1, crm, op2, name] of [
  [0, 8, 0, 'AT S1E1R'],
  [0, 8, 1, 'AT S1E1W'],
  [0, 8, 2, 'AT S1E0R'],
  [0, 8, 3, 'AT S1E0W'],
  [4, 8, 0, 'AT S1E2R'],
  [4, 8, 1, 'AT S1E2W'],
  [4, 8, 4, 'AT S12E1R'],
  [4, 8, 5, 'AT S12E1W'],
  [4, 8, 6, 'AT S12E0R'],
  [4, 8, 7, 'AT S12E0W'],
] as const) {
  def(name, op1, 7, crm, op2, Kind.At, op1 === 4 ? 2 : 1);
}
for (const [op1, crm, op2, name] of [
  [0, 3, 0, 'VMALLE1IS'],
  [0, 3, 1, 'VAE1IS'],
  [0, 3, 2, 'ASIDE1IS'],
  [0, 3, 3, 'VAAE1IS'],
  [0, 3, 5, 'VALE1IS'],
  [0, 3, 7, 'VAALE1IS'],
  [0, 7, 0, 'VMALLE1'],
  [0, 7, 1, 'VAE1'],
  [0, 7, 2, 'ASIDE1'],
  [0, 7, 3, 'VAAE1'],
  [0, 7, 5, 'VALE1'],
  [0, 7, 7, 'VAALE1'],
  [4, 0, 1, 'IPAS2E1IS'],
  [4, 0, 5, 'IPAS2LE1IS'],
  [4, 3, 0, 'ALLE2IS'],
  [4, 3, 1, 'VAE2IS'],
  [4, 3, 4, 'ALLE1IS'],
  [4, 3, 5, 'VALE2IS'],
  [4, 3, 6, 'VMALLS12E1IS'],
  [4, 4, 1, 'IPAS2E1'],
  [4, 4, 5, 'IPAS2LE1'],
  [4, 7, 0, 'ALLE2'],
  [4, 7, 1, 'VAE2'],
  [4, 7, 4, 'ALLE1'],
  [4, 7, 5, 'VALE2'],
  [4, 7, 6, 'VMALLS12E1'],
] as const) {
  def(`TLBI ${name}`, op1, 8, crm, op2, Kind.Tlbi, op1 === 4 ? 2 : 1);
}

/** Bytes zeroed by DC ZVA: 4 << DCZID_EL0.BS words. */
const ZVA_BYTES = 64;

/** Executes SYS (L=0). `lo`/`hi` is the value of Xt. */
export function sys(cpu: Cpu, key: number, rt: number, lo: number, hi: number): void {
  const insn = table.get(key);
  if (!insn || cpu.el < insn.minEl) cpu.undefinedInstruction();
  if (cpu.el === 0) {
    if (insn.el0Enable === undefined) cpu.undefinedInstruction();
    const sctlr = inHost(cpu) ? SR.SCTLR_EL2 : SR.SCTLR_EL1;
    if ((cpu.sr.lo[sctlr]! & (1 << insn.el0Enable)) === 0) {
      cpu.raise(defaultTargetEl(cpu), esr(EC.SYS64, issSysReg(key, rt, false)), 0, false, 0, 0);
    }
  }
  switch (insn.kind) {
    case Kind.ZeroBlock: {
      const alo = lo & -ZVA_BYTES;
      // With stage 1 off the block is Device memory, where DC ZVA takes an alignment fault.
      translateData(cpu, alo, hi, 3, 0);
      if (flatDataIsDevice(cpu)) dataAbort(cpu, lo, hi, FSC.ALIGNMENT, true, false);
      for (let i = 0; i < ZVA_BYTES; i += 8) storeAny(cpu, alo + i, hi, 3, 0, 0, 0);
      return;
    }
    case Kind.Tlbi:
      // Only the data TLB that caches flat (MMU-off) mappings exists so far.
      cpu.contextChanged();
      return;
    case Kind.At:
      throw new EmulationStop(`${insn.name} (address translation) is not implemented yet: it arrives with the MMU`);
    default:
      return;
  }
}

export function sysInstructionName(key: number): string {
  return table.get(key)?.name ?? (keyFields(key).op0 === 1 ? `SYS #${genericName(key)}` : genericName(key));
}
