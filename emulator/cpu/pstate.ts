import type { Cpu } from './cpu.js';

/** PSTATE as an SPSR value (low 32 bits; the upper bits are zero for the features modelled). */
export function packPstate(cpu: Cpu): number {
  return (
    (cpu.nzcv << 28) |
    (cpu.dit << 24) |
    (cpu.uao << 23) |
    (cpu.pan << 22) |
    (cpu.ss << 21) |
    (cpu.il << 20) |
    (cpu.ssbs << 12) |
    (cpu.btype << 10) |
    (cpu.daif << 6) |
    (cpu.el << 2) |
    cpu.spsel
  );
}

export function nzcvValue(cpu: Cpu): number {
  return cpu.nzcv << 28;
}

export function setNzcv(cpu: Cpu, v: number): void {
  cpu.nzcv = (v >>> 28) & 0xf;
}
