/**
 * The few system registers whose state is more than storage: bits computed
 * when read (timer ISTATUS, CCSIDR_EL1 through CSSELR_EL1), writes with side
 * effects (OSLAR_EL1, and every register that changes translation or
 * exception routing), and the writable-bit masks applied to every write.
 */
import { SR, SR_LAYOUT } from '../arch/generated/sysreg-rules.js';
import { findSysreg, maskHalves, sysregResMasks, type StatePredicate } from '../arch/sysreg-db.js';
import type { Cpu } from './cpu.js';
import type { CpuIdentity } from './identity.js';

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

/** `Cpu.hooked` flags: the register has side effects of its own; a debugger watches its writes. */
export const HOOK_BUILTIN = 1;
export const HOOK_WATCH = 2;

export function hookedSlots(): Uint8Array {
  const h = new Uint8Array(SR.COUNT);
  for (const s of CONTEXT) h[s] = 1;
  for (const t of TIMERS) h[t.ctl] = 1;
  h[SR.CCSIDR_EL1] = 1;
  h[SR.OSLAR_EL1] = 1;
  return h;
}

/** Masks depend only on the feature set; keyed by it so that every machine with the same profile shares them. */
const masksByFeatures = new Map<string, WriteMasks>();
const resetOnesByFeatures = new Map<string, { readonly lo: Int32Array; readonly hi: Int32Array }>();
const featureKey = (identity: CpuIdentity): string => [...identity.features].sort().join(' ');

/**
 * Per-slot RES0/RES1 masks for the layouts a profile allows: a bit counts
 * only if every layout that may apply (given `state`) fixes it.
 */
function resMasksBySlot(identity: CpuIdentity, state?: StatePredicate): WriteMasks {
  const m: WriteMasks = {
    keepLo: new Int32Array(SR.COUNT).fill(-1),
    keepHi: new Int32Array(SR.COUNT).fill(-1),
    setLo: new Int32Array(SR.COUNT),
    setHi: new Int32Array(SR.COUNT),
  };
  const profile = { features: (f: string) => identity.features.has(f), state };
  let slot = 0;
  for (const [name, count] of SR_LAYOUT) {
    const reg = findSysreg(name)?.register;
    if (reg) {
      const { res0, res1 } = sysregResMasks(reg, profile);
      const z = maskHalves(res0);
      const o = maskHalves(res1);
      for (let i = slot; i < slot + count; i++) {
        m.keepLo[i] = ~z.lo;
        m.keepHi[i] = ~z.hi;
        m.setLo[i] = o.lo | 0;
        m.setHi[i] = o.hi | 0;
      }
    }
    slot += count;
  }
  return m;
}

/**
 * Write masks for a CPU identity: the RES0 bits of every register read as 0
 * and its RES1 bits as 1, in every layout the profile allows (a bit that is
 * RES1 only while HCR_EL2.E2H is 0, say, stays writable), plus the read-only
 * bits nvlab computes itself. Computed once per feature set.
 */
export function writeMasksFor(identity: CpuIdentity): WriteMasks {
  const key = featureKey(identity);
  const cached = masksByFeatures.get(key);
  if (cached) return cached;
  const m = resMasksBySlot(identity);
  // ISTATUS is read-only; it is computed when the register is read.
  for (const t of TIMERS) m.keepLo[t.ctl] &= 3;
  masksByFeatures.set(key, m);
  return m;
}

/**
 * The RES1 bits of every register in the layouts that apply out of reset,
 * where HCR_EL2.E2H is 0 (so CPTR_EL2, CNTHCTL_EL2 and the other registers
 * with a VHE layout start in their non-VHE one).
 */
export function resetOnesFor(identity: CpuIdentity): { readonly lo: Int32Array; readonly hi: Int32Array } {
  const key = featureKey(identity);
  let ones = resetOnesByFeatures.get(key);
  if (!ones) {
    const m = resMasksBySlot(identity, (atom) => (atom === 'ELIsInHost(EL2)' ? false : undefined));
    ones = { lo: m.setLo, hi: m.setHi };
    resetOnesByFeatures.set(key, ones);
  }
  return ones;
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
  c.staleTracker?.noteControlWrite(slot);
  c.contextChanged();
}
