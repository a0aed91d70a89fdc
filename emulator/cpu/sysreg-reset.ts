/**
 * System-register state after a cold reset: the identification registers from
 * the CPU identity, the architected reset values of the controls the core
 * depends on (MMU off, traps clear, RES1 bits set), zero for the rest (their
 * reset values are UNKNOWN; zero keeps runs deterministic).
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import type { Cpu } from './cpu.js';
import { SP } from './regs.js';
import { resetOnesFor } from './sysreg-hooks.js';

/** Names of SR slots, for looking up identification registers by name. */
const SLOT_BY_NAME = new Map<string, number>(
  Object.entries(SR).filter((e): e is [string, number] => typeof e[1] === 'number'),
);

export const DEFAULT_CNTFRQ = 62_500_000;

export function resetSystemRegisters(cpu: Cpu): void {
  const { lo, hi } = cpu.sr;
  lo.fill(0);
  hi.fill(0);
  for (const [name, value] of cpu.identity.idRegisters) {
    const slot = SLOT_BY_NAME.get(name);
    if (slot === undefined) throw new Error(`CPU identity sets ${name}, which is not an AArch64 system register`);
    lo[slot] = Number(value & 0xffffffffn) | 0;
    hi[slot] = Number(value >> 32n) | 0;
  }
  // Every register starts with the RES1 bits of its out-of-reset layout set, the rest clear.
  const ones = resetOnesFor(cpu.identity);
  for (let i = 0; i < lo.length; i++) {
    lo[i] = lo[i]! | ones.lo[i]!;
    hi[i] = hi[i]! | ones.hi[i]!;
  }
  lo[SR.CNTFRQ_EL0] = DEFAULT_CNTFRQ;
  // EL1PCTEN and EL1PCEN: UNKNOWN after reset, set as on QEMU virt, so images
  // that read the counters from EL1/EL0 without configuring EL2 run unchanged.
  lo[SR.CNTHCTL_EL2] = 3;
  lo[SR.OSLSR_EL1] = 0x8 | 0x2; // OSLM = 0b10, OS lock set after a cold reset
  lo[SR.VPIDR_EL2] = lo[SR.MIDR_EL1]!;
  hi[SR.VPIDR_EL2] = hi[SR.MIDR_EL1]!;
  lo[SR.VMPIDR_EL2] = lo[SR.MPIDR_EL1]!;
  hi[SR.VMPIDR_EL2] = hi[SR.MPIDR_EL1]!;
  cpu.xlo[SP] = 0;
  cpu.xhi[SP] = 0;
}
