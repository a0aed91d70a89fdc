/**
 * The instruction syndrome of a data abort (ESR_ELx.ISS[24:14]: ISV, SAS,
 * SSE, SRT, SF, AR), which the Arm ARM provides for stage-2 aborts on loads
 * and stores of a single general-purpose register without writeback: the
 * register forms (immediate, unscaled, unprivileged, register offset),
 * literal loads, LDAR/STLR and friends, LDAPR, LDAPUR/STLUR. Pairs,
 * exclusives, atomics, writeback forms and SIMD&FP give ISV = 0. A
 * hypervisor emulating MMIO relies on these bits, so they are computed from
 * the instruction word exactly.
 */

const ISV = 1 << 24;

function iss(sas: number, sse: boolean, srt: number, sf: boolean, ar: boolean): number {
  return ISV | (sas << 22) | (sse ? 1 << 21 : 0) | ((srt & 31) << 16) | (sf ? 1 << 15 : 0) | (ar ? 1 << 14 : 0);
}

/**
 * Register forms with a 2-bit opc (bits [23:22]): 00 store, 01 load, 10 load
 * signed into X (LDRSW for size 10; PRFM for size 11), 11 load signed into W.
 */
function registerForm(w: number, ar: boolean): number {
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  const rt = w & 31;
  if (opc === 0) return iss(size, false, rt, size === 3, ar);
  if (opc === 1) return iss(size, false, rt, size === 3, ar);
  if (size === 3 || (size === 2 && opc === 3)) return 0; // PRFM, unallocated
  return iss(size, true, rt, opc === 2, ar);
}

/** ISS[24:14] for a data abort on the instruction `w`; 0 when ISV = 0. */
export function loadStoreSyndrome(w: number): number {
  // Load/store register, unsigned immediate: size 111 0 01 opc ...
  if ((w & 0x3f000000) === 0x39000000) return registerForm(w, false);
  // Load/store register, 9-bit immediate and register offset: size 111 0 00 opc ...
  if ((w & 0x3f000000) === 0x38000000) {
    if (w & (1 << 21)) {
      // Register offset (bits [11:10] = 10), or the atomic class where LDAPR lives.
      if (((w >>> 10) & 3) === 2) return registerForm(w, false);
      if ((w & 0x3ffffc00) === 0x38bfc000) return iss(w >>> 30, false, w & 31, w >>> 30 === 3, true); // LDAPR
      return 0;
    }
    const form = (w >>> 10) & 3;
    // 00 unscaled, 10 unprivileged; 01 and 11 write back.
    return form === 0 || form === 2 ? registerForm(w, false) : 0;
  }
  // LDAPUR/STLUR (FEAT_LRCPC2): size 011001 opc 0 imm9 00.
  if ((w & 0x3f200c00) === 0x19000000) return registerForm(w, true);
  // Literal loads: opc 011 0 00 (LDR W/X, LDRSW; PRFM has opc 11).
  if ((w & 0x3f000000) === 0x18000000) {
    const opc = w >>> 30;
    if (opc === 3) return 0;
    return iss(opc === 1 ? 3 : 2, opc === 2, w & 31, opc !== 0, false);
  }
  // Ordered loads and stores (LDAR/STLR/LDLAR/STLLR): size 001000 1 L 0 ...
  if ((w & 0x3fa00000) === 0x08800000) {
    const size = w >>> 30;
    return iss(size, false, w & 31, size === 3, true);
  }
  return 0;
}
