/**
 * PSCI 1.1 over the SMC conduit, as QEMU's virt machine provides it when EL2
 * is present and EL3 is not: a firmware model that answers every SMC. Like
 * QEMU 7.2, a function ID it does not implement (X0 compared in full) gets
 * NOT_SUPPORTED, as SMCCC requires of firmware, rather than an UNDEFINED SMC.
 * Return values are 32-bit signed, sign-extended into X0.
 */
import type { Cpu } from '../cpu/cpu.js';

export const PSCI = {
  VERSION: 0x84000000,
  CPU_SUSPEND: 0x84000001,
  CPU_SUSPEND64: 0xc4000001,
  CPU_OFF: 0x84000002,
  CPU_ON: 0x84000003,
  CPU_ON64: 0xc4000003,
  AFFINITY_INFO: 0x84000004,
  AFFINITY_INFO64: 0xc4000004,
  MIGRATE: 0x84000005,
  MIGRATE64: 0xc4000005,
  MIGRATE_INFO_TYPE: 0x84000006,
  SYSTEM_OFF: 0x84000008,
  SYSTEM_RESET: 0x84000009,
  FEATURES: 0x8400000a,
} as const;

const NAMES = new Map<number, string>(Object.entries(PSCI).map(([k, v]) => [v, k]));

const SUCCESS = 0;
const NOT_SUPPORTED = -1;
const INVALID_PARAMETERS = -2;
const ALREADY_ON = -4;
/** PSCI 1.1: major 1 in bits [31:16], minor 1. */
const VERSION_1_1 = 0x00010001;
/** MIGRATE_INFO_TYPE: no Trusted OS that would need migrating. */
const TOS_NOT_PRESENT = 2;

export interface PsciHost {
  /** MPIDR affinity value of the only CPU. */
  readonly mpidr: number;
}

export function isPsciFunction(fid: number): boolean {
  return NAMES.has(fid >>> 0);
}

/** Handles the SMC; returns false only for calls the firmware leaves UNDEFINED (none). */
export function psciCall(cpu: Cpu, host: PsciHost): boolean {
  const fid = cpu.xlo[0]! >>> 0;
  const name = cpu.xhi[0] === 0 ? NAMES.get(fid) : undefined;
  if (name === undefined) {
    cpu.events.psci(cpu, 'unknown', fid, NOT_SUPPORTED);
    cpu.xlo[0] = NOT_SUPPORTED;
    cpu.xhi[0] = -1;
    return true;
  }
  const arg = (i: number): number => cpu.xlo[i]! >>> 0;
  const argHi = (i: number): number => (fid & 0x40000000 ? cpu.xhi[i]! : 0) >>> 0;
  let ret: number;
  switch (fid) {
    case PSCI.VERSION:
      ret = VERSION_1_1;
      break;
    case PSCI.MIGRATE_INFO_TYPE:
      ret = TOS_NOT_PRESENT;
      break;
    case PSCI.AFFINITY_INFO:
    case PSCI.AFFINITY_INFO64:
      if (arg(2) !== 0) ret = SUCCESS; // levels above 0 are always on
      else ret = argHi(1) === 0 && (arg(1) & 0xffffff) === host.mpidr ? SUCCESS : INVALID_PARAMETERS;
      break;
    case PSCI.CPU_ON:
    case PSCI.CPU_ON64:
      ret = argHi(1) === 0 && (arg(1) & 0xffffff) === host.mpidr ? ALREADY_ON : INVALID_PARAMETERS;
      break;
    case PSCI.MIGRATE:
    case PSCI.MIGRATE64:
      ret = NOT_SUPPORTED;
      break;
    case PSCI.FEATURES: {
      const f = arg(1);
      ret = cpu.xhi[1] === 0 && isPsciFunction(f) && f !== PSCI.MIGRATE && f !== PSCI.MIGRATE64 ? SUCCESS : NOT_SUPPORTED;
      break;
    }
    case PSCI.SYSTEM_OFF:
      cpu.events.psci(cpu, name, fid);
      return cpu.requestStop({ kind: 'exit', status: 0, source: 'psci' });
    case PSCI.SYSTEM_RESET:
      cpu.events.psci(cpu, name, fid);
      return cpu.requestStop({ kind: 'reset' });
    case PSCI.CPU_OFF:
      cpu.events.psci(cpu, name, fid);
      return cpu.requestStop({ kind: 'halted', message: 'PSCI CPU_OFF powered down the only CPU' });
    case PSCI.CPU_SUSPEND:
    case PSCI.CPU_SUSPEND64:
      cpu.events.psci(cpu, name, fid);
      return cpu.requestStop({
        kind: 'halted',
        message: 'PSCI CPU_SUSPEND waits for a wake-up interrupt, but nothing modelled can deliver one',
      });
    default:
      return false;
  }
  cpu.events.psci(cpu, name, fid, ret);
  cpu.xlo[0] = ret;
  cpu.xhi[0] = ret < 0 ? -1 : 0;
  return true;
}
