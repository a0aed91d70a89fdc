/**
 * TLB maintenance: the TLBI operations as the access rules call them
 * (AArch64_TLBI_<op>(security state, regime, VMID, shareability, [level,]
 * attributes, Xt)), decoded into invalidations of the architectural TLB.
 *
 * One PE, so the broadcast (IS/OS) and nXS forms behave like the plain
 * ones. Hints are honoured strictly: an entry that a TTL or range TG/TTL
 * field says is not the one being invalidated survives, as the Arm ARM
 * allows, so software with wrong hints sees the stale entry it could see
 * on hardware.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import type { Mmu } from './mmu.js';
import type { SysregFile } from './regime.js';
import { type Tlb, type TlbEntry, TlbKind } from './tlb.js';

/** What a TLBI did, for the event stream. */
export interface TlbiSummary {
  readonly op: string;
  readonly regime: string;
  readonly removed: number;
}

const M44 = (1n << 44n) - 1n;

function kindOf(regime: unknown): TlbKind {
  if (regime === 'Regime_EL10') return TlbKind.EL10;
  if (regime === 'Regime_EL2') return TlbKind.EL2;
  if (regime === 'Regime_EL20') return TlbKind.EL20;
  throw new Error(`TLBI for regime ${String(regime)}, which nvlab does not have`);
}

/** Entry start and end in 4KB-page units of its input address. */
function entryPages(e: TlbEntry): [number, number] {
  const n = 2 ** (e.shift - 12);
  return [e.vpn * n, e.vpn * n + n];
}

/**
 * TTL hint of the by-address forms (Xt[47:44]): granule in [3:2] (0: no
 * hint), level in [1:0]. Level 0 is a level only with FEAT_LPA2 and 4KB or
 * 16KB; elsewhere 0b00 is reserved and, like no hint, matches everything.
 */
function ttlFilter(ttl: number, lpa2: boolean, stage2: boolean): ((e: TlbEntry) => boolean) | undefined {
  const tg = ttl >>> 2;
  if (tg === 0) return undefined;
  const granule = tg === 1 ? 12 : tg === 2 ? 14 : 16;
  const level = ttl & 3;
  if (level === 0 && (!lpa2 || granule === 16)) return undefined;
  return stage2 ? (e) => e.s2granule === granule && e.s2level === level : (e) => e.granule === granule && e.level === level;
}

/**
 * The page range of a range operand (FEAT_TLBIRANGE): TG[47:46], SCALE[45:44],
 * NUM[43:39], TTL[38:37], BaseADDR[36:0] in units of the granule, or of 64KB
 * when LPA2 applies (`ds`). `signExtend`: VA operands, whose BaseADDR top bit
 * extends up to VA[55]. Returns undefined for the reserved TG = 0b00, which
 * invalidates nothing.
 */
function decodeRange(
  xt: bigint,
  ds: boolean,
  signExtend: boolean,
): { start: number; end: number; granule: number; level: number } | undefined {
  const tg = Number((xt >> 46n) & 3n);
  if (tg === 0) return undefined;
  const granule = tg === 1 ? 12 : tg === 2 ? 14 : 16;
  const scale = Number((xt >> 44n) & 3n);
  const num = Number((xt >> 39n) & 31n);
  const level = Number((xt >> 37n) & 3n);
  const unit = ds || granule === 16 ? 16 : granule;
  let base = (xt & ((1n << 37n) - 1n)) << BigInt(unit);
  const top = BigInt(unit + 36);
  if (signExtend && (base >> top) & 1n) base |= ((1n << 56n) - 1n) & ~((1n << (top + 1n)) - 1n);
  const start = Number(base >> 12n);
  const pages = (num + 1) * 2 ** (5 * scale + 1) * 2 ** (granule - 12);
  return { start, end: start + pages, granule, level };
}

function tcrDs(sr: SysregFile, kind: TlbKind): boolean {
  if (kind === TlbKind.S2) return (sr.hi[SR.VTCR_EL2]! & 1) !== 0;
  const tcr = kind === TlbKind.EL10 ? SR.TCR_EL1 : SR.TCR_EL2;
  // DS is bit 59 in the two-range TCRs and bit 32 in TCR_EL2 with E2H = 0.
  return kind === TlbKind.EL2 ? (sr.hi[tcr]! & 1) !== 0 : ((sr.hi[tcr]! >>> 27) & 1) !== 0;
}

/** ASID operand Xt[63:48], cut to 8 bits when the regime uses 8-bit ASIDs (TCR.AS = 0). */
function asidOperand(sr: SysregFile, kind: TlbKind, xt: bigint): number {
  const asid = Number((xt >> 48n) & 0xffffn);
  const tcr = kind === TlbKind.EL10 ? SR.TCR_EL1 : SR.TCR_EL2;
  return sr.hi[tcr]! & (1 << (36 - 32)) ? asid : asid & 0xff;
}

/**
 * Where a TLBI lands when it is not this PE's own: the L0 host applies a
 * guest hypervisor's TLBI to the physical TLB, where its regimes live under
 * other kinds and VMIDs. Operands are still decoded against `sr`.
 */
export interface TlbiTarget {
  /** The TLB kind the entries of the operation's regime have. */
  readonly kind: TlbKind;
  /** The VMID for EL1&0 and stage-2 entries. */
  readonly vmid: number;
}

/** Performs one TLBI. `name` and `args` are what the generated access rules pass. */
export function executeTlbi(mmu: Mmu, sr: SysregFile, name: string, args: readonly unknown[], target?: TlbiTarget): TlbiSummary {
  const tlb: Tlb = mmu.tlb;
  const op = name.slice('AArch64_TLBI_'.length);
  const decodeKind = kindOf(args[1]);
  const xt = args[args.length - 1] as bigint;
  const kind = target ? target.kind : decodeKind;
  const vmid = target ? target.vmid : kind === TlbKind.EL10 ? mmu.vmid() : undefined;
  const lpa2 = mmu.features.lpa2;
  let removed = 0;
  switch (op) {
    case 'ALL':
      // ALLE1 covers every VMID and the stage-2-only entries; ALLE2 its regime.
      removed = tlb.invalidate(kind, undefined);
      if (kind === TlbKind.EL10) removed += tlb.invalidate(TlbKind.S2, undefined);
      break;
    case 'VMALL':
      removed = tlb.invalidate(kind, vmid);
      break;
    case 'VMALLS12':
      removed = tlb.invalidate(TlbKind.EL10, vmid) + tlb.invalidate(TlbKind.S2, vmid);
      break;
    case 'VMALLWS2':
      removed = tlb.invalidate(TlbKind.S2, vmid);
      break;
    case 'ASID': {
      const asid = asidOperand(sr, decodeKind, xt);
      removed = tlb.invalidate(kind, vmid, (e) => e.asid === asid);
      break;
    }
    case 'VA':
    case 'VAA': {
      const page = Number(xt & M44); // VA[55:12]
      const asid = op === 'VA' && decodeKind !== TlbKind.EL2 ? asidOperand(sr, decodeKind, xt) : undefined;
      const ttl = ttlFilter(Number((xt >> 44n) & 0xfn), lpa2, false);
      removed = tlb.invalidatePage(kind, vmid, asid, page, ttl);
      break;
    }
    case 'RVA':
    case 'RVAA': {
      const r = decodeRange(xt, tcrDs(sr, decodeKind), true);
      if (!r) break;
      const asid = op === 'RVA' && decodeKind !== TlbKind.EL2 ? asidOperand(sr, decodeKind, xt) : -1;
      removed = tlb.invalidate(kind, vmid, (e) => {
        if (asid >= 0 && e.asid >= 0 && e.asid !== asid) return false;
        if (e.granule !== r.granule || (r.level !== 0 && e.level !== r.level)) return false;
        const [s, end] = entryPages(e);
        return s < r.end && end > r.start;
      });
      break;
    }
    case 'IPAS2': {
      // Xt[39:0] = IPA[51:12]. Only stage-2-only entries: combined stage 1+2
      // entries stay until a stage-1 invalidation (VMALLE1 and friends).
      const page = Number(xt & ((1n << 40n) - 1n));
      const ttl = ttlFilter(Number((xt >> 44n) & 0xfn), lpa2, true);
      removed = tlb.invalidatePage(TlbKind.S2, vmid, undefined, page, ttl);
      break;
    }
    case 'RIPAS2': {
      const r = decodeRange(xt, tcrDs(sr, TlbKind.S2), false);
      if (!r) break;
      removed = tlb.invalidate(TlbKind.S2, vmid, (e) => {
        if (e.s2granule !== r.granule || (r.level !== 0 && e.s2level !== r.level)) return false;
        const [s, end] = entryPages(e);
        return s < r.end && end > r.start;
      });
      break;
    }
    default:
      throw new Error(`TLBI operation ${op} is not modelled`);
  }
  return { op, regime: String(args[1]).replace('Regime_', ''), removed };
}
