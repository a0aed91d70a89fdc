/**
 * The few system registers whose state is more than storage: bits computed
 * when read (timer ISTATUS, CCSIDR_EL1 through CSSELR_EL1), writes with side
 * effects (OSLAR_EL1, and every register that changes translation or
 * exception routing), and the writable-bit masks applied to every write.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import type { Cpu } from './cpu.js';

/** Per-slot write masks: stored = (value & keep) | set. */
export interface WriteMasks {
  keepLo: Int32Array;
  keepHi: Int32Array;
  setLo: Int32Array;
  setHi: Int32Array;
}

/** Registers whose writes invalidate cached translations or fetch state. */
const CONTEXT = [
  SR.SCTLR_EL1,
  SR.SCTLR_EL2,
  SR.HCR_EL2,
  SR.TCR_EL1,
  SR.TCR_EL2,
  SR.TTBR0_EL1,
  SR.TTBR1_EL1,
  SR.TTBR0_EL2,
  SR.TTBR1_EL2,
  SR.VTTBR_EL2,
  SR.VTCR_EL2,
  SR.MAIR_EL1,
  SR.MAIR_EL2,
];

/** Timer control registers and how to find their comparator and counter offset. */
const TIMERS: readonly { ctl: SR; cval: SR; virtual: boolean }[] = [
  { ctl: SR.CNTP_CTL_EL0, cval: SR.CNTP_CVAL_EL0, virtual: false },
  { ctl: SR.CNTV_CTL_EL0, cval: SR.CNTV_CVAL_EL0, virtual: true },
  { ctl: SR.CNTHP_CTL_EL2, cval: SR.CNTHP_CVAL_EL2, virtual: false },
  { ctl: SR.CNTHV_CTL_EL2, cval: SR.CNTHV_CVAL_EL2, virtual: false },
];
const timerBySlot = new Map(TIMERS.map((t) => [t.ctl as number, t]));

export function hookedSlots(): Uint8Array {
  const h = new Uint8Array(SR.COUNT);
  for (const s of CONTEXT) h[s] = 1;
  for (const t of TIMERS) h[t.ctl] = 1;
  h[SR.CCSIDR_EL1] = 1;
  h[SR.OSLAR_EL1] = 1;
  return h;
}

export function defaultWriteMasks(): WriteMasks {
  const m: WriteMasks = {
    keepLo: new Int32Array(SR.COUNT).fill(-1),
    keepHi: new Int32Array(SR.COUNT).fill(-1),
    setLo: new Int32Array(SR.COUNT),
    setHi: new Int32Array(SR.COUNT),
  };
  // EL1 is AArch64-only, so HCR_EL2.RW is RAO/WI.
  m.setLo[SR.HCR_EL2] = 1 << 31;
  // VBAR_ELx bits [10:0] are RES0.
  m.keepLo[SR.VBAR_EL1] = ~0x7ff;
  m.keepLo[SR.VBAR_EL2] = ~0x7ff;
  // ISTATUS is read-only; it is computed when the register is read.
  for (const t of TIMERS) m.keepLo[t.ctl] = 3;
  return m;
}

/** Counter value a timer compares against (CNTVOFF_EL2 applies to the EL1 virtual timer outside the host). */
function timerCount(c: Cpu, virtual: boolean): bigint {
  const phys = BigInt(Math.floor((c.instructionCount() * ((c.sr.lo[SR.CNTFRQ_EL0]! >>> 0) || 62_500_000)) / 1e9));
  if (!virtual) return phys;
  const hcrHi = c.sr.hi[SR.HCR_EL2]!;
  const hcrLo = c.sr.lo[SR.HCR_EL2]!;
  const host = (hcrHi & (1 << 2)) !== 0 && (hcrLo & (1 << 27)) !== 0;
  if (host) return phys;
  const off = (BigInt(c.sr.hi[SR.CNTVOFF_EL2]! >>> 0) << 32n) | BigInt(c.sr.lo[SR.CNTVOFF_EL2]! >>> 0);
  return BigInt.asUintN(64, phys - off);
}

export function sysReadHook(c: Cpu, slot: number): void {
  const t = timerBySlot.get(slot);
  if (t) {
    const ctl = c.sr.lo[slot]! & 3;
    const cval = (BigInt(c.sr.hi[t.cval]! >>> 0) << 32n) | BigInt(c.sr.lo[t.cval]! >>> 0);
    const fired = (ctl & 1) !== 0 && timerCount(c, t.virtual) >= cval;
    c.sr.lo[slot] = ctl | (fired ? 4 : 0);
    return;
  }
  if (slot === SR.CCSIDR_EL1) {
    c.sr.lo[slot] = ccsidr(c.sr.lo[SR.CSSELR_EL1]!);
    c.sr.hi[slot] = 0;
  }
}

/**
 * CCSIDR_EL1 for the cache CSSELR_EL1 selects: a 64 KiB, 4-way L1 data and a
 * 64 KiB, 4-way L1 instruction cache with 64-byte lines (as CLIDR_EL1 says);
 * other levels do not exist (UNKNOWN: nvlab reads 0).
 */
function ccsidr(csselr: number): number {
  const level = (csselr >>> 1) & 7;
  if (level !== 0) return 0;
  // NumSets - 1 in [27:13], Associativity - 1 in [12:3], LineSize = log2(bytes) - 4 in [2:0].
  return (255 << 13) | (3 << 3) | 2;
}

export function sysWriteHook(c: Cpu, slot: number): void {
  if (slot === SR.OSLAR_EL1) {
    // OSLSR_EL1.OSLK (bit 1) follows the OSLK bit written to OSLAR_EL1.
    c.sr.lo[SR.OSLSR_EL1] = (c.sr.lo[SR.OSLSR_EL1]! & ~2) | ((c.sr.lo[SR.OSLAR_EL1]! & 1) << 1);
    return;
  }
  if (timerBySlot.has(slot) || slot === SR.CCSIDR_EL1) return;
  c.contextChanged();
}
