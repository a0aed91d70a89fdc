/**
 * Memory attributes of translations: the stage-1 MAIR byte, the stage-2
 * MemAttr field, their combination (the Arm ARM's S2CombineS1MemAttrs and
 * shareability rules, HCR_EL2.FWB = 0), and the result in the PAR_EL1 format.
 * The emulator has no caches, so attributes matter for Device-memory
 * alignment faults, for AT results and for the debugger.
 */

/** MAIR attribute byte: Device when the top nibble is 0. */
export function isDeviceAttr(attr: number): boolean {
  return (attr & 0xf0) === 0;
}

/** Stage-2 MemAttr[3:0] (FWB = 0): Device when MemAttr[3:2] = 0b00. */
export function isDeviceS2(memattr: number): boolean {
  return (memattr & 0xc) === 0;
}

/**
 * Stage-2 MemAttr in MAIR form (S2ConvertAttrsHints): Device types map to
 * their MAIR encoding; Normal outer/inner nibbles get read/write-allocate
 * hints when cacheable. HCR_EL2.CD makes Normal memory non-cacheable.
 */
function stage2AsMair(memattr: number, cd: boolean): number {
  let hi = (memattr >>> 2) & 3;
  let lo = memattr & 3;
  if (hi === 0) return lo << 2;
  if (cd) hi = lo = 1;
  const hint = (x: number): number => (x !== 1 ? 3 : 0);
  return (hi << 6) | (hint(hi) << 4) | (lo << 2) | hint(lo);
}

/** Inner or outer cacheability of Normal memory, combined (CombineS1S2AttrHints). */
function combineNibble(s1: number, s2: number): number {
  if (s1 === 4 || s2 === 4) return 4; // Non-cacheable wins
  const t1 = (s1 >>> 2) & 3;
  if (t1 === 0 || t1 === 2) return s1; // stage-1 write-through
  if (((s2 >>> 2) & 3) === 2) return (2 << 2) | (s1 & 3); // stage-2 write-through, stage-1 hints
  return s1;
}

/** Combined memory type and cacheability of a stage 1 + stage 2 translation, as a MAIR byte. */
export function combineAttrs(s1: number, s2memattr: number, cd: boolean): number {
  const s2 = stage2AsMair(s2memattr, cd);
  const s1hi = s1 >>> 4;
  const s1lo = s1 & 15;
  const s2hi = s2 >>> 4;
  const s2lo = s2 & 15;
  if (s1hi === 0 || s2hi === 0) {
    // Device wins over Normal, and the stricter Device type wins.
    if ((s1hi === 0 && s1lo === 0) || (s2hi === 0 && s2lo === 0)) return 0x00;
    const d1 = s1hi === 0 ? s1lo : 0xc;
    const d2 = s2hi === 0 ? s2lo : 0xc;
    return Math.min(d1, d2) & 0xc;
  }
  return (combineNibble(s1hi, s2hi) << 4) | combineNibble(s1lo, s2lo);
}

/** Shareability encodings: 0 Non-shareable, 2 Outer, 3 Inner. */
export function combineShareability(s1: number, s2: number): number {
  if (s1 === 2 || s2 === 2) return 2;
  if (s1 === 3 || s2 === 3) return 3;
  return 0;
}

/**
 * Shareability as reported: Device memory and Normal Non-cacheable are
 * always Outer Shareable.
 */
export function effectiveShareability(attr: number, sh: number): number {
  return isDeviceAttr(attr) || attr === 0x44 ? 2 : sh;
}
