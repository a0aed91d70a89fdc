/**
 * The SIMD&FP enable checks an FP or Advanced SIMD instruction makes before
 * anything else (AArch64.CheckFPAdvSIMDEnabled and the EL2 trap check).
 */
import type { Cpu } from './cpu.js';
import { EC, esr, issFpAccess } from './esr.js';
import { e2h, inHost, tge } from './exceptions.js';
import { CPTR_TFP, FPEN_SHIFT } from './sysreg-bits.js';
import { SR } from './sysreg-storage.js';

/** Raises the SIMD/FP access trap if CPACR_EL1.FPEN or CPTR_EL2 disables FP at this EL. */
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
  } else if (sr.lo[SR.CPTR_EL2]! & CPTR_TFP) {
    cpu.raise(2, esr(EC.FP_ASIMD, issFpAccess()), 0, false, 0, 0);
  }
}
