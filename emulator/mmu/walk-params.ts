/**
 * Translation parameters of a regime, decoded from TCR/TTBR (stage 1) or
 * VTCR/VTTBR (stage 2) for one walk: granule, input size, start level, table
 * base, output size and the output-address format. One mutable object per
 * stage and MMU, refilled per walk.
 */
import { OaFormat } from './descriptor.js';
import { FaultKind } from './fault.js';
import { type GranuleShift, POW2, levelShift, physicalAddressBits, s1StartLevel, stride } from './granule.js';

export const enum Regime {
  /** EL1&0: TTBR0/1_EL1, TCR_EL1, ASIDs, VMID; stage 2 may apply. */
  EL10 = 0,
  /** EL2 (E2H = 0): TTBR0_EL2, one VA range, no ASID. */
  EL2 = 1,
  /** EL2&0 (E2H = 1): TTBR0/1_EL2 with ASIDs, the VHE host. */
  EL20 = 2,
}

export const REGIME_NAMES = ['EL1&0', 'EL2', 'EL2&0'] as const;

/** What the profile says about translation (from the ID registers). */
export interface TranslationFeatures {
  /** PARange in bits. */
  readonly paBits: number;
  /** FEAT_LPA2: DS available for 4KB and 16KB, stages 1 and 2. */
  readonly lpa2: boolean;
  /** FEAT_LPA: 52-bit OA with 64KB, and level-1 blocks there. */
  readonly lpa: boolean;
  /** FEAT_LVA: 52-bit VA with 64KB. */
  readonly lva: boolean;
  /** FEAT_TTST: TxSZ up to 48 (47 with 64KB). */
  readonly ttst: boolean;
  /** FEAT_HPDS: TCR.HPDx disable hierarchical permissions. */
  readonly hpds: boolean;
  /** FEAT_XNX: stage-2 XN[0] distinguishes EL0 and EL1 execution. */
  readonly xnx: boolean;
  /** FEAT_E0PD. */
  readonly e0pd: boolean;
  /** FEAT_VMID16. */
  readonly vmid16: boolean;
  /** FEAT_PAN. */
  readonly pan: boolean;
  /** FEAT_NV: HCR_EL2.{NV,NV1} = {1,1} changes the EL1&0 descriptor permission bits. */
  readonly nv: boolean;
}

export class WalkParams {
  granule: GranuleShift = 12;
  inputBits = 48;
  startLevel = 0;
  /** Bits of the input address the start-level table resolves (more than a stride with stage-2 concatenation). */
  startBits = 9;
  /** Table base: a PA for stage 2 and for stage 1 without stage 2, else an IPA. */
  base = 0;
  oaBits = 48;
  fmt: OaFormat = OaFormat.PLAIN;
  ds = false;
  /** Level-1 blocks with 64KB (FEAT_LPA). */
  lpa = false;
  /** Hierarchical permissions disabled (stage 1). */
  hpd = false;
  /** Walks disabled for this half (TCR.EPDx): a TLB miss is a level-0 translation fault. */
  epd = false;
  /** Which TTBR (stage 1, two-range regimes). */
  select = 0;
  /** Set when the parameters themselves fault (bad TxSZ, bad SL0, base beyond the output size). */
  setupFault: FaultKind = FaultKind.NONE;
}

const TWO32 = POW2[32]!;

/**
 * The out-of-range check on a VA: bits [top:inputBits] must all equal
 * `select` (bit 55 in two-range regimes, 0 otherwise). `top` is 55 with
 * top-byte-ignore, else 63.
 */
export function vaInRange(lo: number, hi: number, inputBits: number, top: number, select: number): boolean {
  // Bits [top:inputBits] of (hi:lo), as a mask over each half.
  const want = select ? -1 : 0;
  if (inputBits < 32) {
    const m = inputBits === 0 ? -1 : ~((1 << inputBits) - 1);
    if (((lo ^ want) & m) !== 0) return false;
    const hm = top === 63 ? -1 : 0x00ffffff;
    return ((hi ^ want) & hm) === 0;
  }
  const from = inputBits - 32;
  const hm = (top === 63 ? -1 : 0x00ffffff) & ~(from === 0 ? 0 : (1 << from) - 1);
  return ((hi ^ want) & hm) === 0;
}

/** The low `inputBits` bits of a VA or IPA as a double. */
export function inputAddress(lo: number, hi: number, inputBits: number): number {
  if (inputBits <= 32) return (lo >>> 0) % POW2[inputBits]!;
  const h = (hi >>> 0) % POW2[inputBits - 32]!;
  return h * TWO32 + (lo >>> 0);
}

/** TxSZ limits for a granule (AArch64.MinTxSZ/MaxTxSZ). */
function txszBounds(g: GranuleShift, ds: boolean, f: TranslationFeatures): { min: number; max: number } {
  const min = (g === 16 && f.lva) || ds ? 12 : 16;
  const max = f.ttst ? (g === 16 ? 47 : 48) : 39;
  return { min, max };
}

/** Effective output size: PS bounded by PARange, and by 48 bits without DS outside 64KB. */
function outputBits(ps: number, g: GranuleShift, ds: boolean, f: TranslationFeatures): number {
  let bits = Math.min(physicalAddressBits(ps) ?? f.paBits, f.paBits);
  if (!ds && g !== 16) bits = Math.min(bits, 48);
  if (g === 16 && !f.lpa) bits = Math.min(bits, 48);
  return bits;
}

/**
 * Where descriptors keep OA[51:48] (AArch64.LeafBase, NextTableBase): bits
 * [9:8] and [49:48] with DS; bits [15:12] with 64KB whenever the PE has a
 * 52-bit PA space, whatever TCR.PS says (an OA beyond PS is then an
 * address-size fault).
 */
function oaFormat(g: GranuleShift, ds: boolean, f: TranslationFeatures): OaFormat {
  if (ds) return OaFormat.DS;
  if (g === 16 && f.paBits >= 52) return OaFormat.LPA64K;
  return OaFormat.PLAIN;
}

/**
 * Table base from a TTBR/VTTBR value (AArch64.S1TTBaseAddress,
 * S2TTBaseAddress): BADDR[47:1] (bit 0 is CnP), or with DS, or 64KB and
 * PS = 0b110, BADDR[51:48] in bits [5:2]; aligned down to the size of the
 * start table. A base beyond the output size is a level-0 address-size
 * fault when a walk starts.
 */
function tableBase(p: WalkParams, lo: number, hi: number, ps: number): void {
  let base = (hi & 0xffff) * TWO32 + ((lo & ~1) >>> 0);
  const wide = p.ds || (p.granule === 16 && ps === 6 && p.lpa);
  if (wide) base += ((lo >>> 2) & 0xf) * POW2[48]! - ((lo >>> 0) & 0x3c);
  const align = Math.max(p.startBits + 3, wide ? 6 : 3);
  p.base = base - (base % POW2[align]!);
  if (p.base >= POW2[p.oaBits]!) p.setupFault = FaultKind.ADDRESS_SIZE;
}

/**
 * Stage-1 parameters for `regime` from TCR and the selected TTBR. `tcrLo/Hi`
 * is TCR_EL1 or TCR_EL2; for Regime.EL2 the E2H = 0 layout is used. `ttbr`
 * holds the two TTBR values (lo, hi) of the regime: [ttbr0lo, ttbr0hi,
 * ttbr1lo, ttbr1hi]. `select` picks the half (VA bit 55; 0 for EL2).
 */
export function stage1Params(
  p: WalkParams,
  regime: Regime,
  tcrLo: number,
  tcrHi: number,
  ttbrLo: number,
  ttbrHi: number,
  select: number,
  f: TranslationFeatures,
): void {
  p.setupFault = FaultKind.NONE;
  p.select = select;
  let tsz: number;
  let g: GranuleShift;
  let ps: number;
  let ds: boolean;
  if (regime === Regime.EL2) {
    tsz = tcrLo & 63;
    g = granuleOrDefault((tcrLo >>> 14) & 3, false);
    ps = (tcrLo >>> 16) & 7;
    p.hpd = f.hpds && ((tcrLo >>> 24) & 1) !== 0;
    p.epd = false;
    ds = (tcrHi & 1) !== 0;
  } else if (select === 0) {
    tsz = tcrLo & 63;
    g = granuleOrDefault((tcrLo >>> 14) & 3, false);
    ps = tcrHi & 7;
    p.hpd = f.hpds && ((tcrHi >>> 9) & 1) !== 0;
    p.epd = ((tcrLo >>> 7) & 1) !== 0;
    ds = ((tcrHi >>> 27) & 1) !== 0;
  } else {
    tsz = (tcrLo >>> 16) & 63;
    g = granuleOrDefault((tcrLo >>> 30) & 3, true);
    ps = tcrHi & 7;
    p.hpd = f.hpds && ((tcrHi >>> 10) & 1) !== 0;
    p.epd = ((tcrLo >>> 23) & 1) !== 0;
    ds = ((tcrHi >>> 27) & 1) !== 0;
  }
  sizes(p, g, ds && f.lpa2 && g !== 16, tsz, ps, f);
  p.startLevel = s1StartLevel(g, p.inputBits);
  p.startBits = p.inputBits - levelShift(g, p.startLevel);
  if (p.setupFault === FaultKind.NONE) tableBase(p, ttbrLo, ttbrHi, ps);
}

/**
 * Granule, DS, input size and output size common to both stages.
 * Out-of-range TxSZ is IMPLEMENTATION DEFINED between a level-0 translation
 * fault and using the nearest bound; nvlab faults (required below the
 * minimum with FEAT_LVA, and what QEMU does).
 */
function sizes(p: WalkParams, g: GranuleShift, ds: boolean, tsz: number, ps: number, f: TranslationFeatures): void {
  p.granule = g;
  p.ds = ds;
  p.lpa = f.lpa;
  const { min, max } = txszBounds(g, ds, f);
  if (tsz < min || tsz > max) p.setupFault = FaultKind.TRANSLATION;
  p.inputBits = 64 - Math.min(Math.max(tsz, min), max);
  p.oaBits = outputBits(ps, g, ds, f);
  p.fmt = oaFormat(g, ds, f);
}

/** Reserved TG values select an IMPLEMENTATION DEFINED granule: nvlab takes 4KB, the smallest, as QEMU does. */
function granuleOrDefault(tg: number, tg1: boolean): GranuleShift {
  if (tg1) return tg === 1 ? 14 : tg === 3 ? 16 : 12;
  return tg === 1 ? 16 : tg === 2 ? 14 : 12;
}

/**
 * Stage-2 parameters from VTCR_EL2 and VTTBR_EL2. The start level comes from
 * SL0 (and SL2 with DS and 4KB); combinations the Arm ARM rules out
 * (AArch64.S2InvalidSL, S2InconsistentSL) and an IPA size above the output
 * size give a level-0 translation fault.
 */
export function stage2Params(p: WalkParams, vtcrLo: number, vtcrHi: number, vttbrLo: number, vttbrHi: number, f: TranslationFeatures): void {
  p.setupFault = FaultKind.NONE;
  p.select = 0;
  p.hpd = false;
  p.epd = false;
  const g = granuleOrDefault((vtcrLo >>> 14) & 3, false);
  const ps = (vtcrLo >>> 16) & 7;
  const ds = (vtcrHi & 1) !== 0 && f.lpa2 && g !== 16;
  const sl0 = (vtcrLo >>> 6) & 3;
  const sl2 = (vtcrHi >>> 1) & 1;
  sizes(p, g, ds, vtcrLo & 63, ps, f);
  let level: number;
  if (ds && g === 12 && sl2) {
    if (sl0 !== 0) p.setupFault = FaultKind.TRANSLATION;
    level = -1;
  } else if (g === 12) {
    // SL0 = 0b11 means level 3 with FEAT_TTST; it is reserved without.
    level = sl0 === 3 ? (f.ttst ? 3 : -2) : 2 - sl0;
  } else {
    level = 3 - sl0;
  }
  if (!validStage2Start(g, level, ds, p.inputBits, p.oaBits, f)) p.setupFault = FaultKind.TRANSLATION;
  if (p.setupFault !== FaultKind.NONE) level = Math.max(level, -1);
  p.startLevel = level;
  p.startBits = p.inputBits - levelShift(g, level);
  if (p.setupFault === FaultKind.NONE) tableBase(p, vttbrLo, vttbrHi, ps);
}

/**
 * Whether a stage-2 start level is allowed (AArch64.S2InvalidSL: by granule,
 * DS and the PE's PA size) and consistent with the IPA size
 * (S2InconsistentSL: it resolves between 1 and stride + 4 bits, that is up to
 * 16 concatenated tables).
 */
function validStage2Start(g: GranuleShift, level: number, ds: boolean, inputBits: number, oaBits: number, f: TranslationFeatures): boolean {
  const pa = f.paBits;
  if (level < -1) return false;
  if (g === 12 && ((level === -1 && pa < 52) || (level === 0 && pa < 44))) return false;
  if (g === 14 && (level === -1 || (level === 0 && (!ds || pa < 52)) || (level === 1 && pa < 42))) return false;
  if (g === 16 && (level <= 0 || (level === 1 && pa < 44))) return false;
  const bits = inputBits - levelShift(g, level);
  if (bits < 1 || bits > stride(g) + 4) return false;
  // An IPA space larger than the PA space: CONSTRAINED UNPREDICTABLE; nvlab faults, as QEMU does.
  return inputBits <= oaBits;
}
