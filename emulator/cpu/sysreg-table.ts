/**
 * Interim, hand-written system-register table: enough of the EL0-EL2 register
 * file to run bare-metal hypervisors with the MMU off. The generated database
 * from Arm's machine-readable specification replaces it (see docs/architecture.md);
 * keep the interface (`mrs`, `msr`, `sys`) when it does.
 */
import type { Cpu } from './cpu.js';
import { EC, esr, issFpAccess, issSysReg } from './esr.js';
import { defaultTargetEl, e2h, inHost, loadSp, saveSp, tge } from './exceptions.js';
import { nzcvValue, setNzcv } from './pstate.js';
import { SP } from './regs.js';
import { CPTR_TFP, FPEN_SHIFT, HCR_RW } from './sysreg-bits.js';
import { sysKey } from './sysreg-key.js';
import { SR } from './sysreg-storage.js';

export interface SysRegDef {
  name: string;
  key: number;
  /** Lowest EL allowed to access it; lower ELs get UNDEFINED. */
  minEl: number;
  access: 'rw' | 'ro' | 'wo';
  slot?: SR;
  /** Custom read: returns the low half, high half in `cpu.sysHi`. */
  read?: (cpu: Cpu) => number;
  write?: (cpu: Cpu, lo: number, hi: number) => void;
  /** At EL2 with HCR_EL2.E2H=1 the access goes to this register instead. */
  e2hTarget?: string;
  /** `*_EL12`/`*_EL02`: the EL1/EL0 register reached from EL2 with E2H=1; UNDEFINED otherwise. */
  aliasOf?: string;
  /** Extra EL0/EL1 checks: returns the EL to trap to with EC 0x18, or 0. */
  trap?: (cpu: Cpu, isRead: boolean) => number;
  /** Subject to the FP/SIMD enable traps (FPCR, FPSR). */
  fp?: boolean;
  /** Writes change translation or exception routing: flush cached state. */
  context?: boolean;
}

const TWO32 = 4294967296;
/** Nominal clock: one instruction is one nanosecond; CNTFRQ as on QEMU virt. */
export const CNTFRQ = 62_500_000;
const NS_PER_TICK = 1e9 / CNTFRQ;

const defs: SysRegDef[] = [];

function reg(
  name: string,
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
  minEl: number,
  opts: Partial<SysRegDef> = {},
): void {
  defs.push({ name, key: sysKey(op0, op1, crn, crm, op2), minEl, access: 'rw', ...opts });
}

/** A register backed by a storage slot of the same name. */
function stored(name: keyof typeof SR, op0: number, op1: number, crn: number, crm: number, op2: number, minEl: number, opts: Partial<SysRegDef> = {}): void {
  reg(name, op0, op1, crn, crm, op2, minEl, { slot: SR[name], ...opts });
}

function constant(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, lo: number, hi = 0, opts: Partial<SysRegDef> = {}): void {
  reg(name, op0, op1, crn, crm, op2, 1, {
    access: 'ro',
    read: (cpu) => {
      cpu.sysHi = hi;
      return lo;
    },
    ...opts,
  });
}

// ---- EL0 gating helpers -------------------------------------------------------

/** SCTLR_EL1 (or SCTLR_EL2 in the VHE host) bit that must be set for an EL0 access. */
function el0Needs(bit: number): (cpu: Cpu) => number {
  return (cpu) => {
    if (cpu.el !== 0) return 0;
    const sctlr = inHost(cpu) ? SR.SCTLR_EL2 : SR.SCTLR_EL1;
    return cpu.sr.lo[sctlr]! & (1 << bit) ? 0 : defaultTargetEl(cpu);
  };
}

/** CNTKCTL_EL1 (CNTHCTL_EL2 in the host) enable bit for EL0 counter/timer access. */
function el0Timer(bit: number): (cpu: Cpu) => number {
  return (cpu) => {
    if (cpu.el !== 0) return 0;
    const ctl = inHost(cpu) ? SR.CNTHCTL_EL2 : SR.CNTKCTL_EL1;
    return cpu.sr.lo[ctl]! & (1 << bit) ? 0 : defaultTargetEl(cpu);
  };
}

// ---- counters and timers ------------------------------------------------------

function physicalCount(cpu: Cpu): number {
  return Math.floor(cpu.instructionCount() / NS_PER_TICK);
}

function virtualOffset(cpu: Cpu): number {
  if (inHost(cpu)) return 0;
  return (cpu.sr.hi[SR.CNTVOFF_EL2]! >>> 0) * TWO32 + (cpu.sr.lo[SR.CNTVOFF_EL2]! >>> 0);
}

function splitCount(cpu: Cpu, v: number): number {
  // Counts are below 2^53; a negative difference wraps modulo 2^64.
  const big = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  cpu.sysHi = Number(big >> 32n) | 0;
  return Number(big & 0xffffffffn) | 0;
}

type Enc = [number, number, number, number, number];

/** The TVAL/CTL/CVAL view of one timer; `names` are the architectural register names. */
function timer(
  names: [string, string, string],
  enc: [Enc, Enc, Enc],
  ctl: SR,
  cval: SR,
  count: (cpu: Cpu) => number,
  minEl: number,
  gate?: (cpu: Cpu) => number,
  e2hTargets?: [string, string, string],
): void {
  const cvalNum = (cpu: Cpu): bigint => (BigInt(cpu.sr.hi[cval]! >>> 0) << 32n) | BigInt(cpu.sr.lo[cval]! >>> 0);
  reg(names[0], ...enc[0], minEl, {
    trap: gate,
    e2hTarget: e2hTargets?.[0],
    read: (cpu) => {
      cpu.sysHi = 0;
      return Number(BigInt.asUintN(32, cvalNum(cpu) - BigInt(count(cpu)))) | 0;
    },
    write: (cpu, lo) => {
      const v = BigInt.asUintN(64, BigInt(count(cpu)) + BigInt(lo | 0));
      cpu.sr.lo[cval] = Number(v & 0xffffffffn) | 0;
      cpu.sr.hi[cval] = Number(v >> 32n) | 0;
    },
  });
  reg(names[1], ...enc[1], minEl, {
    trap: gate,
    e2hTarget: e2hTargets?.[1],
    read: (cpu) => {
      cpu.sysHi = 0;
      const v = cpu.sr.lo[ctl]! & 3;
      // ISTATUS: the condition holds whenever the timer is enabled and the count has reached CVAL.
      const fired = v & 1 && BigInt(count(cpu)) >= cvalNum(cpu);
      return v | (fired ? 4 : 0);
    },
    write: (cpu, lo) => {
      cpu.sr.lo[ctl] = lo & 3;
    },
  });
  reg(names[2], ...enc[2], minEl, { slot: cval, trap: gate, e2hTarget: e2hTargets?.[2] });
}

// ---- FP/SIMD enable checks ------------------------------------------------------

/**
 * Raises the SIMD/FP access trap if CPACR_EL1.FPEN or CPTR_EL2 disables FP at the
 * current EL (AArch64.CheckFPAdvSIMDEnabled). Returns normally when enabled.
 */
export function checkFpEnabled(cpu: Cpu): void {
  const sr = cpu.sr;
  const el = cpu.el;
  if (el < 2 && !inHost(cpu)) {
    const fpen = (sr.lo[SR.CPACR_EL1]! >>> FPEN_SHIFT) & 3;
    if ((fpen & 1) === 0 || (fpen === 1 && el === 0)) {
      // Routed to EL2 by HCR_EL2.TGE, the trap is reported as Exception_Uncategorized (AArch64.AdvSIMDFPAccessTrap).
      if (tge(cpu)) cpu.raise(2, esr(EC.UNKNOWN, 0), 0, false, 0, 0);
      cpu.raise(1, esr(EC.FP_ASIMD, issFpAccess()), 0, false, 0, 0);
    }
  }
  if (e2h(cpu)) {
    const fpen = (sr.lo[SR.CPTR_EL2]! >>> FPEN_SHIFT) & 3;
    if ((fpen & 1) === 0 || (fpen === 1 && el === 0 && tge(cpu))) {
      cpu.raise(2, esr(EC.FP_ASIMD, issFpAccess()), 0, false, 0, 0);
    }
  } else if (el < 2 && sr.lo[SR.CPTR_EL2]! & CPTR_TFP) {
    cpu.raise(2, esr(EC.FP_ASIMD, issFpAccess()), 0, false, 0, 0);
  } else if (el === 2 && sr.lo[SR.CPTR_EL2]! & CPTR_TFP) {
    cpu.raise(2, esr(EC.FP_ASIMD, issFpAccess()), 0, false, 0, 0);
  }
}

// ---- the table ------------------------------------------------------------------

// Special-purpose registers
reg('NZCV', 3, 3, 4, 2, 0, 0, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return nzcvValue(cpu);
  },
  write: (cpu, lo) => setNzcv(cpu, lo),
});
reg('DAIF', 3, 3, 4, 2, 1, 0, {
  trap: el0Needs(9), // SCTLR_EL1.UMA
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.daif << 6;
  },
  write: (cpu, lo) => {
    cpu.daif = (lo >>> 6) & 0xf;
  },
});
reg('DIT', 3, 3, 4, 2, 5, 0, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.dit << 24;
  },
  write: (cpu, lo) => {
    cpu.dit = (lo >>> 24) & 1;
  },
});
reg('SSBS', 3, 3, 4, 2, 6, 0, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.ssbs << 12;
  },
  write: (cpu, lo) => {
    cpu.ssbs = (lo >>> 12) & 1;
  },
});
stored('FPCR', 3, 3, 4, 4, 0, 0, { fp: true });
stored('FPSR', 3, 3, 4, 4, 1, 0, { fp: true });
stored('SPSR_EL1', 3, 0, 4, 0, 0, 1, { e2hTarget: 'SPSR_EL2' });
stored('ELR_EL1', 3, 0, 4, 0, 1, 1, { e2hTarget: 'ELR_EL2' });
reg('SP_EL0', 3, 0, 4, 1, 0, 1, {
  read: (cpu) => {
    if (cpu.spsel === 0) cpu.undefinedInstruction();
    cpu.sysHi = cpu.sr.hi[SR.SP_EL0]!;
    return cpu.sr.lo[SR.SP_EL0]!;
  },
  write: (cpu, lo, hi) => {
    if (cpu.spsel === 0) cpu.undefinedInstruction();
    cpu.sr.lo[SR.SP_EL0] = lo;
    cpu.sr.hi[SR.SP_EL0] = hi;
  },
});
reg('SPSel', 3, 0, 4, 2, 0, 1, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.spsel;
  },
  write: (cpu, lo) => setSpsel(cpu, lo & 1),
});
reg('CurrentEL', 3, 0, 4, 2, 2, 1, {
  access: 'ro',
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.el << 2;
  },
});
reg('PAN', 3, 0, 4, 2, 3, 1, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.pan << 22;
  },
  write: (cpu, lo) => {
    cpu.pan = (lo >>> 22) & 1;
  },
});
reg('UAO', 3, 0, 4, 2, 4, 1, {
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.uao << 23;
  },
  write: (cpu, lo) => {
    cpu.uao = (lo >>> 23) & 1;
  },
});
stored('SPSR_EL2', 3, 4, 4, 0, 0, 2);
stored('ELR_EL2', 3, 4, 4, 0, 1, 2);
stored('SP_EL1', 3, 4, 4, 1, 0, 2);
reg('SPSR_EL12', 3, 5, 4, 0, 0, 2, { aliasOf: 'SPSR_EL1' });
reg('ELR_EL12', 3, 5, 4, 0, 1, 2, { aliasOf: 'ELR_EL1' });

// Identification (values of the default profile)
constant('MIDR_EL1', 3, 0, 0, 0, 0, 0x000f4e50);
constant('MPIDR_EL1', 3, 0, 0, 0, 5, 0x80000000 | 0);
constant('REVIDR_EL1', 3, 0, 0, 0, 6, 0);
constant('ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, 0x00000111, 0x00010000);
constant('ID_AA64PFR1_EL1', 3, 0, 0, 4, 1, 0x20);
constant('ID_AA64ZFR0_EL1', 3, 0, 0, 4, 4, 0);
constant('ID_AA64SMFR0_EL1', 3, 0, 0, 4, 5, 0);
constant('ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, 0x00101006);
constant('ID_AA64DFR1_EL1', 3, 0, 0, 5, 1, 0);
constant('ID_AA64AFR0_EL1', 3, 0, 0, 5, 4, 0);
constant('ID_AA64AFR1_EL1', 3, 0, 0, 5, 5, 0);
constant('ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, 0x00210000, 0x00200000);
constant('ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1, 0x00200000, 0x10);
constant('ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2, 0);
constant('ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, 0x00100025);
constant('ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1, 0x00110120);
constant('ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, 0x10);
constant('CTR_EL0', 3, 3, 0, 0, 1, 0x8444c004 | 0, 0, { minEl: 0, trap: el0Needs(15) }); // SCTLR_EL1.UCT
constant('DCZID_EL0', 3, 3, 0, 0, 7, 0x4, 0, { minEl: 0 });
constant('CLIDR_EL1', 3, 1, 0, 0, 1, 0x09200003);
constant('CCSIDR_EL1', 3, 1, 0, 0, 0, 0x700fe01a);
constant('AIDR_EL1', 3, 1, 0, 0, 7, 0);
stored('CSSELR_EL1', 3, 2, 0, 0, 0, 1);
stored('VPIDR_EL2', 3, 4, 0, 0, 0, 2);
stored('VMPIDR_EL2', 3, 4, 0, 0, 5, 2);

// EL1 system control and memory
stored('SCTLR_EL1', 3, 0, 1, 0, 0, 1, { e2hTarget: 'SCTLR_EL2', context: true });
stored('ACTLR_EL1', 3, 0, 1, 0, 1, 1);
stored('CPACR_EL1', 3, 0, 1, 0, 2, 1, { e2hTarget: 'CPTR_EL2' });
stored('TTBR0_EL1', 3, 0, 2, 0, 0, 1, { e2hTarget: 'TTBR0_EL2', context: true });
stored('TTBR1_EL1', 3, 0, 2, 0, 1, 1, { e2hTarget: 'TTBR1_EL2', context: true });
stored('TCR_EL1', 3, 0, 2, 0, 2, 1, { e2hTarget: 'TCR_EL2', context: true });
stored('AFSR0_EL1', 3, 0, 5, 1, 0, 1, { e2hTarget: 'AFSR0_EL2' });
stored('AFSR1_EL1', 3, 0, 5, 1, 1, 1, { e2hTarget: 'AFSR1_EL2' });
stored('ESR_EL1', 3, 0, 5, 2, 0, 1, { e2hTarget: 'ESR_EL2' });
stored('FAR_EL1', 3, 0, 6, 0, 0, 1, { e2hTarget: 'FAR_EL2' });
stored('PAR_EL1', 3, 0, 7, 4, 0, 1);
stored('MAIR_EL1', 3, 0, 10, 2, 0, 1, { e2hTarget: 'MAIR_EL2', context: true });
stored('AMAIR_EL1', 3, 0, 10, 3, 0, 1, { e2hTarget: 'AMAIR_EL2' });
stored('VBAR_EL1', 3, 0, 12, 0, 0, 1, { e2hTarget: 'VBAR_EL2', write: vbarWrite(SR.VBAR_EL1) });
constant('ISR_EL1', 3, 0, 12, 1, 0, 0);
stored('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 1, { e2hTarget: 'CONTEXTIDR_EL2' });
stored('TPIDR_EL1', 3, 0, 13, 0, 4, 1);
stored('CNTKCTL_EL1', 3, 0, 14, 1, 0, 1, { e2hTarget: 'CNTHCTL_EL2' });
stored('TPIDR_EL0', 3, 3, 13, 0, 2, 0);
stored('TPIDRRO_EL0', 3, 3, 13, 0, 3, 0, { trap: (cpu, isRead) => (cpu.el === 0 && !isRead ? -1 : 0) });
stored('MDSCR_EL1', 2, 0, 0, 2, 2, 1);
reg('OSLAR_EL1', 2, 0, 1, 0, 4, 1, {
  access: 'wo',
  write: (cpu, lo) => {
    // OSLSR_EL1.OSLK (bit 1) follows OSLAR_EL1.OSLK; OSLM reads 0b10 (lock implemented).
    cpu.sr.lo[SR.OSLSR_EL1] = (lo & 1 ? 2 : 0) | 8;
  },
});
stored('OSLSR_EL1', 2, 0, 1, 1, 4, 1, { access: 'ro' });
stored('OSDLR_EL1', 2, 0, 1, 3, 4, 1);

// EL2
stored('SCTLR_EL2', 3, 4, 1, 0, 0, 2, { context: true });
stored('ACTLR_EL2', 3, 4, 1, 0, 1, 2);
stored('HCR_EL2', 3, 4, 1, 1, 0, 2, {
  context: true,
  write: (cpu, lo, hi) => {
    // EL1 is AArch64-only, so HCR_EL2.RW is RAO/WI.
    cpu.sr.lo[SR.HCR_EL2] = lo | HCR_RW;
    cpu.sr.hi[SR.HCR_EL2] = hi;
  },
});
stored('MDCR_EL2', 3, 4, 1, 1, 1, 2);
stored('CPTR_EL2', 3, 4, 1, 1, 2, 2);
stored('HSTR_EL2', 3, 4, 1, 1, 3, 2);
stored('HACR_EL2', 3, 4, 1, 1, 7, 2);
stored('HCRX_EL2', 3, 4, 1, 2, 2, 2);
stored('HFGRTR_EL2', 3, 4, 1, 1, 4, 2);
stored('HFGWTR_EL2', 3, 4, 1, 1, 5, 2);
stored('HFGITR_EL2', 3, 4, 1, 1, 6, 2);
stored('TTBR0_EL2', 3, 4, 2, 0, 0, 2, { context: true });
stored('TTBR1_EL2', 3, 4, 2, 0, 1, 2, { context: true });
stored('TCR_EL2', 3, 4, 2, 0, 2, 2, { context: true });
stored('VTTBR_EL2', 3, 4, 2, 1, 0, 2, { context: true });
stored('VTCR_EL2', 3, 4, 2, 1, 2, 2, { context: true });
stored('VNCR_EL2', 3, 4, 2, 2, 0, 2);
stored('AFSR0_EL2', 3, 4, 5, 1, 0, 2);
stored('AFSR1_EL2', 3, 4, 5, 1, 1, 2);
stored('ESR_EL2', 3, 4, 5, 2, 0, 2);
stored('FAR_EL2', 3, 4, 6, 0, 0, 2);
stored('HPFAR_EL2', 3, 4, 6, 0, 4, 2);
stored('MAIR_EL2', 3, 4, 10, 2, 0, 2, { context: true });
stored('AMAIR_EL2', 3, 4, 10, 3, 0, 2);
stored('VBAR_EL2', 3, 4, 12, 0, 0, 2, { write: vbarWrite(SR.VBAR_EL2) });
stored('CONTEXTIDR_EL2', 3, 4, 13, 0, 1, 2);
stored('TPIDR_EL2', 3, 4, 13, 0, 2, 2);
stored('CNTVOFF_EL2', 3, 4, 14, 0, 3, 2);
stored('CNTHCTL_EL2', 3, 4, 14, 1, 0, 2);

// *_EL12 aliases (E2H=1 at EL2 only)
for (const [name, crn, crm, op2] of [
  ['SCTLR_EL1', 1, 0, 0],
  ['CPACR_EL1', 1, 0, 2],
  ['TTBR0_EL1', 2, 0, 0],
  ['TTBR1_EL1', 2, 0, 1],
  ['TCR_EL1', 2, 0, 2],
  ['AFSR0_EL1', 5, 1, 0],
  ['AFSR1_EL1', 5, 1, 1],
  ['ESR_EL1', 5, 2, 0],
  ['FAR_EL1', 6, 0, 0],
  ['MAIR_EL1', 10, 2, 0],
  ['AMAIR_EL1', 10, 3, 0],
  ['VBAR_EL1', 12, 0, 0],
  ['CONTEXTIDR_EL1', 13, 0, 1],
  ['CNTKCTL_EL1', 14, 1, 0],
] as const) {
  reg(name.replace('_EL1', '_EL12'), 3, 5, crn, crm, op2, 2, { aliasOf: name });
}

// Generic timer
reg('CNTFRQ_EL0', 3, 3, 14, 0, 0, 0, {
  // Readable at EL0 when either EL0 counter is enabled; writable only at the highest EL (EL2 here).
  trap: (cpu, isRead) => {
    if (!isRead) return cpu.el < 2 ? -1 : 0;
    return el0Timer(0)(cpu) && el0Timer(1)(cpu);
  },
  read: (cpu) => {
    cpu.sysHi = 0;
    return cpu.cntfrq;
  },
  write: (cpu, lo) => {
    cpu.cntfrq = lo;
  },
});
reg('CNTPCT_EL0', 3, 3, 14, 0, 1, 0, { access: 'ro', trap: el0Timer(0), read: (cpu) => splitCount(cpu, physicalCount(cpu)) });
reg('CNTVCT_EL0', 3, 3, 14, 0, 2, 0, {
  access: 'ro',
  trap: el0Timer(1),
  read: (cpu) => splitCount(cpu, physicalCount(cpu) - virtualOffset(cpu)),
});
const virtualCount = (cpu: Cpu): number => physicalCount(cpu) - virtualOffset(cpu);
timer(
  ['CNTP_TVAL_EL0', 'CNTP_CTL_EL0', 'CNTP_CVAL_EL0'],
  [[3, 3, 14, 2, 0], [3, 3, 14, 2, 1], [3, 3, 14, 2, 2]],
  SR.CNTP_CTL_EL0,
  SR.CNTP_CVAL_EL0,
  physicalCount,
  0,
  el0Timer(9),
  ['CNTHP_TVAL_EL2', 'CNTHP_CTL_EL2', 'CNTHP_CVAL_EL2'],
);
timer(
  ['CNTV_TVAL_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0'],
  [[3, 3, 14, 3, 0], [3, 3, 14, 3, 1], [3, 3, 14, 3, 2]],
  SR.CNTV_CTL_EL0,
  SR.CNTV_CVAL_EL0,
  virtualCount,
  0,
  el0Timer(8),
  ['CNTHV_TVAL_EL2', 'CNTHV_CTL_EL2', 'CNTHV_CVAL_EL2'],
);
timer(
  ['CNTHP_TVAL_EL2', 'CNTHP_CTL_EL2', 'CNTHP_CVAL_EL2'],
  [[3, 4, 14, 2, 0], [3, 4, 14, 2, 1], [3, 4, 14, 2, 2]],
  SR.CNTHP_CTL_EL2,
  SR.CNTHP_CVAL_EL2,
  physicalCount,
  2,
);
timer(
  ['CNTHV_TVAL_EL2', 'CNTHV_CTL_EL2', 'CNTHV_CVAL_EL2'],
  [[3, 4, 14, 3, 0], [3, 4, 14, 3, 1], [3, 4, 14, 3, 2]],
  SR.CNTHV_CTL_EL2,
  SR.CNTHV_CVAL_EL2,
  physicalCount,
  2,
);

function vbarWrite(slot: SR): (cpu: Cpu, lo: number, hi: number) => void {
  return (cpu, lo, hi) => {
    cpu.sr.lo[slot] = lo & ~0x7ff; // bits [10:0] are RES0
    cpu.sr.hi[slot] = hi;
  };
}

function setSpsel(cpu: Cpu, v: number): void {
  saveSp(cpu);
  cpu.spsel = v;
  loadSp(cpu);
}

// ---- lookup and access -------------------------------------------------------

const byKey = new Map<number, SysRegDef>();
const byName = new Map<string, SysRegDef>();
for (const d of defs) {
  if (byKey.has(d.key)) throw new Error(`duplicate system register encoding for ${d.name} and ${byKey.get(d.key)!.name}`);
  byKey.set(d.key, d);
  byName.set(d.name.toUpperCase(), d);
}
for (const d of defs) {
  for (const t of [d.e2hTarget, d.aliasOf]) {
    if (t && !byName.has(t.toUpperCase())) throw new Error(`${d.name} refers to unknown register ${t}`);
  }
}

/** The unallocated part of the ID space (op0=3, op1=0, CRn=0, CRm=1..7) reads as zero from EL1. */
function isRazIdSpace(key: number): boolean {
  return (key & 0xfff8) >= sysKey(3, 0, 0, 1, 0) && (key & 0xfff8) <= sysKey(3, 0, 0, 7, 0) && ((key >>> 7) & 15) === 0 && ((key >>> 11) & 7) === 0;
}

/** Resolves aliases and E2H redirection; raises UNDEFINED or a trap as the access rules say. */
function resolve(cpu: Cpu, key: number, rt: number, isRead: boolean): SysRegDef | null {
  let d = byKey.get(key);
  if (!d) {
    if (isRazIdSpace(key) && cpu.el >= 1 && isRead) return null;
    return cpu.undefinedInstruction();
  }
  if (cpu.el < d.minEl) cpu.undefinedInstruction();
  if (d.aliasOf) {
    if (!(cpu.el === 2 && e2h(cpu))) cpu.undefinedInstruction();
    d = byName.get(d.aliasOf.toUpperCase())!;
  } else if (d.e2hTarget && e2h(cpu) && (cpu.el === 2 || (cpu.el === 0 && inHost(cpu) && d.minEl === 0))) {
    d = byName.get(d.e2hTarget.toUpperCase())!;
  }
  if (isRead ? d.access === 'wo' : d.access === 'ro') cpu.undefinedInstruction();
  if (d.trap) {
    const t = d.trap(cpu, isRead);
    if (t < 0) cpu.undefinedInstruction();
    if (t > 0) cpu.raise(t, esr(EC.SYS64, issSysReg(key, rt, isRead)), 0, false, 0, 0);
  }
  if (d.fp) checkFpEnabled(cpu);
  return d;
}

/** MRS: returns the low half; high half in `cpu.sysHi`. */
export function mrs(cpu: Cpu, key: number, rt: number): number {
  const d = resolve(cpu, key, rt, true);
  if (d === null) {
    cpu.sysHi = 0;
    return 0;
  }
  if (d.read) return d.read(cpu);
  cpu.sysHi = cpu.sr.hi[d.slot!]!;
  return cpu.sr.lo[d.slot!]!;
}

export function msr(cpu: Cpu, key: number, rt: number, lo: number, hi: number): void {
  const d = resolve(cpu, key, rt, false);
  if (d === null) return;
  if (d.write) d.write(cpu, lo, hi);
  else {
    cpu.sr.lo[d.slot!] = lo;
    cpu.sr.hi[d.slot!] = hi;
  }
  if (d.context) cpu.contextChanged();
}

/** Reset values (architecturally UNKNOWN fields are zero; RES1 bits set). */
export function resetSysRegs(cpu: Cpu): void {
  cpu.sr.lo.fill(0);
  cpu.sr.hi.fill(0);
  cpu.sr.lo[SR.SCTLR_EL1] = 0x30d00800;
  cpu.sr.lo[SR.SCTLR_EL2] = 0x30c50830;
  cpu.sr.lo[SR.HCR_EL2] = HCR_RW;
  cpu.sr.lo[SR.OSLSR_EL1] = 0x8 | 0x2; // OSLM = 0b10, OS lock set at reset
  cpu.sr.lo[SR.VPIDR_EL2] = 0x000f4e50;
  cpu.sr.lo[SR.VMPIDR_EL2] = 0x80000000 | 0;
  cpu.sr.lo[SR.CPTR_EL2] = 0x000032ff; // RES1 bits of the E2H=0 layout
  cpu.cntfrq = CNTFRQ;
  // Keep the live SP slot consistent with the banks.
  cpu.xlo[SP] = 0;
  cpu.xhi[SP] = 0;
}
