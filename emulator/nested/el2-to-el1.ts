/**
 * A non-VHE guest hypervisor's own EL2 translation and trap controls, in
 * the EL1 formats its code runs under (it runs at EL1 with HCR_EL2.{NV,NV1}
 * = {1,1}): what KVM's translate_*_el2_to_*_el1 helpers do. Bits with no EL1
 * counterpart are dropped; EL1 bits with no EL2 meaning take the value that
 * makes EL1 behave as EL2 would (no PAN on exception entry, no TTBR1 walks).
 */

/** SCTLR_EL2 bits that mean the same in SCTLR_EL1: M, A, C, SA, nAA, EOS, I, WXN, IESB, EIS, EE. */
const SCTLR_SAME_LO = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 11) | (1 << 12) | (1 << 19) | (1 << 21) | (1 << 22) | (1 << 25);
/** DSSBS (bit 44). */
const SCTLR_SAME_HI = 1 << (44 - 32);
/** SPAN (bit 23): EL2 never sets PSTATE.PAN on exception entry; nTLSMD, LSMAOE (28, 29): no LDM/STM traps. */
const SCTLR_EL1_AS_EL2 = (1 << 23) | (1 << 28) | (1 << 29);

export function sctlrEl2ToEl1(lo: number, hi: number): [number, number] {
  return [(lo & SCTLR_SAME_LO) | SCTLR_EL1_AS_EL2, hi & SCTLR_SAME_HI];
}

/**
 * TCR_EL2 (E2H = 0) to TCR_EL1: the TTBR0 fields stay, PS becomes IPS,
 * TBI/HPD/HWU/TCMA move to their TTBR0 positions, TTBR1 walks are disabled
 * (EPD1) and DS keeps its meaning.
 */
export function tcrEl2ToEl1(lo: number, hi: number): [number, number] {
  let outLo = lo & 0xffff; // T0SZ, IRGN0, ORGN0, SH0, TG0
  outLo |= 1 << 23; // EPD1
  outLo |= 0b10 << 30; // TG1 = 4KB (unused: TTBR1 is disabled)
  let outHi = (lo >>> 16) & 7; // PS -> IPS [34:32]
  if (lo & (1 << 20)) outHi |= (1 << (37 - 32)) | (1 << (38 - 32)); // TBI -> TBI0, TBI1
  if (lo & (1 << 21)) outHi |= 1 << (39 - 32); // HA
  if (lo & (1 << 22)) outHi |= 1 << (40 - 32); // HD
  if (lo & (1 << 24)) outHi |= 1 << (41 - 32); // HPD -> HPD0
  outHi |= ((lo >>> 25) & 0xf) << (43 - 32); // HWU59..62 -> HWU059..062
  if (lo & (1 << 30)) outHi |= 1 << (57 - 32); // TCMA -> TCMA0
  if (hi & 1) outHi |= 1 << (59 - 32); // DS
  return [outLo | 0, outHi | 0];
}

/** TTBR0_EL2 to TTBR0_EL1: the table base and CnP; ASID 0. */
export function ttbrEl2ToEl1(lo: number, hi: number): [number, number] {
  return [lo, hi & 0xffff];
}

/**
 * CPTR_EL2 (E2H = 0) to CPACR_EL1: a trap bit (TFP, TZ, TSM) becomes an
 * enable field of 0b00, a clear one 0b11; TTA keeps its meaning.
 */
export function cptrEl2ToCpacr(lo: number): number {
  let v = 0;
  if (!(lo & (1 << 10))) v |= 3 << 20; // TFP -> FPEN
  if (!(lo & (1 << 8))) v |= 3 << 16; // TZ -> ZEN
  if (!(lo & (1 << 12))) v |= 3 << 24; // TSM -> SMEN
  if (lo & (1 << 20)) v |= 1 << 28; // TTA
  return v;
}
