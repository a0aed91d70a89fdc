/**
 * The architectural TLB: completed translations, tagged the way the Arm ARM
 * lets hardware tag them (translation regime, VMID, ASID or global, the
 * leaf level and granule), and kept until a TLBI removes them or capacity
 * runs out. Nothing else invalidates them: software that changes tables
 * without TLB maintenance keeps getting the old translation, as it may on
 * hardware.
 *
 * Entries are keyed by input-address page number at their own size (a 2MB
 * block is one entry), so a lookup probes each size present in the context;
 * invalidation by address finds the block covering the address directly.
 * Lookups allocate nothing.
 */
import { POW2 } from './granule.js';
import type { WalkStep } from './table-walk.js';

/** Context kinds: the three stage-1 regimes and stage-2-only (IPA → PA) entries. */
export const enum TlbKind {
  EL10 = 0,
  EL2 = 1,
  EL20 = 2,
  S2 = 3,
}

export class TlbEntry {
  kind: TlbKind = TlbKind.EL10;
  vmid = 0;
  /** ASID, or -1 for a global entry. */
  asid = -1;
  /** log2 of the entry's size; its input range is [vpn << shift, (vpn + 1) << shift). */
  shift = 12;
  /** Input address (VA[55:0] or IPA) >> shift. */
  vpn = 0;
  /** Output address of the range start. */
  pa = 0;
  /** IPA of the range start for stage-1 + stage-2 entries, -1 otherwise. */
  ipa = -1;
  /** permissions.ts bits of both stages. */
  perm = 0;
  /** Stage-1 leaf level and granule (for TTL hints), and stage-2 leaf level for fault reports. */
  level = 0;
  granule = 12;
  s2level = 0;
  s2granule = 12;
  /** Combined memory attributes (MAIR byte) and shareability, and whether the memory is Device. */
  attr = 0;
  sh = 0;
  device = false;
  /** Device memory by stage 2 (its alignment faults are stage-2 faults). */
  s2device = false;
  /** Removed by a TLBI or eviction. */
  dead = false;
  /** For the stale-TLB checker: the walk that made the entry (stage 1, then stage 2 of the output). */
  steps: WalkStep[] | null = null;
  /** The stale-TLB checker reported this entry already. */
  reported = false;
}

class Space {
  /** Sizes present, most recently added last. */
  readonly shifts: number[] = [];
  /** By shift: vpn → entry. */
  readonly maps: (Map<number, TlbEntry> | undefined)[] = [];
}

class Context {
  readonly global = new Space();
  readonly byAsid = new Map<number, Space>();
}

export const TLB_CAPACITY = 8192;

/** VA[55:0] (or an IPA) >> shift, exactly, from the 32-bit halves. */
export function pageNumber(lo: number, hi: number, shift: number): number {
  const h = hi & 0x00ffffff;
  if (shift >= 32) return Math.floor(h / POW2[shift - 32]!);
  return h * POW2[32 - shift]! + Math.floor((lo >>> 0) / POW2[shift]!);
}

/** The offset of (lo, hi) inside its 2^shift block. */
export function offsetIn(lo: number, hi: number, shift: number): number {
  if (shift <= 32) return (lo >>> 0) % POW2[shift]!;
  return ((hi >>> 0) % POW2[shift - 32]!) * POW2[32]! + (lo >>> 0);
}

export class Tlb {
  private readonly contexts = new Map<number, Context>();
  /** Insertion order, for deterministic first-in first-out eviction. */
  private readonly ring: (TlbEntry | undefined)[] = new Array<TlbEntry | undefined>(TLB_CAPACITY);
  private ringHead = 0;
  private live = 0;
  /** Incremented by every invalidation, so that derived caches (the fast data TLB) know to flush. */
  generation = 0;

  private static ctxId(kind: TlbKind, vmid: number): number {
    return kind * 65536 + vmid;
  }

  /** The entry translating page `lo:hi`, or undefined. */
  lookup(kind: TlbKind, vmid: number, asid: number, lo: number, hi: number): TlbEntry | undefined {
    const ctx = this.contexts.get(Tlb.ctxId(kind, vmid));
    if (!ctx) return undefined;
    if (asid >= 0) {
      const sp = ctx.byAsid.get(asid);
      if (sp) {
        const e = Tlb.probe(sp, lo, hi);
        if (e) return e;
      }
    }
    return Tlb.probe(ctx.global, lo, hi);
  }

  private static probe(sp: Space, lo: number, hi: number): TlbEntry | undefined {
    const shifts = sp.shifts;
    for (let i = shifts.length - 1; i >= 0; i--) {
      const s = shifts[i]!;
      const e = sp.maps[s]!.get(pageNumber(lo, hi, s));
      if (e) return e;
    }
    return undefined;
  }

  insert(e: TlbEntry): void {
    let ctx = this.contexts.get(Tlb.ctxId(e.kind, e.vmid));
    if (!ctx) {
      ctx = new Context();
      this.contexts.set(Tlb.ctxId(e.kind, e.vmid), ctx);
    }
    let sp = ctx.global;
    if (e.asid >= 0) {
      let a = ctx.byAsid.get(e.asid);
      if (!a) {
        a = new Space();
        ctx.byAsid.set(e.asid, a);
      }
      sp = a;
    }
    let m = sp.maps[e.shift];
    if (!m) {
      m = new Map();
      sp.maps[e.shift] = m;
      sp.shifts.push(e.shift);
    }
    const old = m.get(e.vpn);
    if (old) {
      old.dead = true;
      this.live--;
    }
    m.set(e.vpn, e);
    this.live++;
    // Evict the oldest live entries beyond capacity.
    const victim = this.ring[this.ringHead];
    if (victim && !victim.dead) this.remove(victim);
    this.ring[this.ringHead] = e;
    this.ringHead = (this.ringHead + 1) % TLB_CAPACITY;
  }

  private remove(e: TlbEntry): void {
    const ctx = this.contexts.get(Tlb.ctxId(e.kind, e.vmid));
    const sp = e.asid >= 0 ? ctx?.byAsid.get(e.asid) : ctx?.global;
    const m = sp?.maps[e.shift];
    if (m && m.get(e.vpn) === e) m.delete(e.vpn);
    e.dead = true;
    this.live--;
  }

  get size(): number {
    return this.live;
  }

  /**
   * Removes the entries of the contexts `kind` (all VMIDs when `vmid` is
   * undefined) that `match` accepts (all when undefined).
   */
  invalidate(kind: TlbKind, vmid: number | undefined, match?: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (const [id, ctx] of this.contexts) {
      if (Math.floor(id / 65536) !== kind) continue;
      if (vmid !== undefined && id % 65536 !== vmid) continue;
      for (const sp of [ctx.global, ...ctx.byAsid.values()]) {
        for (const s of sp.shifts) {
          const m = sp.maps[s]!;
          for (const [vpn, e] of m) {
            if (match && !match(e)) continue;
            m.delete(vpn);
            e.dead = true;
            this.live--;
            n++;
          }
        }
      }
    }
    this.generation++;
    return n;
  }

  /**
   * Removes the entries covering 4KB page `page` (VA[55:12] or IPA[51:12]) in
   * the contexts `kind` (one VMID, or all when undefined): global ones and
   * those of `asid` (every ASID when `asid` is undefined), when `match`
   * accepts them. Probes each entry size directly instead of scanning.
   */
  invalidatePage(kind: TlbKind, vmid: number | undefined, asid: number | undefined, page: number, match?: (e: TlbEntry) => boolean): number {
    let n = 0;
    if (vmid !== undefined) {
      const ctx = this.contexts.get(Tlb.ctxId(kind, vmid));
      if (ctx) n += this.invalidatePageIn(ctx, asid, page, match);
    } else {
      for (const [id, ctx] of this.contexts) if (Math.floor(id / 65536) === kind) n += this.invalidatePageIn(ctx, asid, page, match);
    }
    this.generation++;
    return n;
  }

  private invalidatePageIn(ctx: Context, asid: number | undefined, page: number, match?: (e: TlbEntry) => boolean): number {
    let n = this.invalidatePageInSpace(ctx.global, page, match);
    if (asid === undefined) for (const sp of ctx.byAsid.values()) n += this.invalidatePageInSpace(sp, page, match);
    else {
      const sp = ctx.byAsid.get(asid);
      if (sp) n += this.invalidatePageInSpace(sp, page, match);
    }
    return n;
  }

  private invalidatePageInSpace(sp: Space, page: number, match?: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (const s of sp.shifts) {
      const m = sp.maps[s]!;
      const vpn = Math.floor(page / POW2[s - 12]!);
      const e = m.get(vpn);
      if (!e || (match && !match(e))) continue;
      m.delete(vpn);
      e.dead = true;
      this.live--;
      n++;
    }
    return n;
  }

  clear(): void {
    for (const e of this.ring) if (e) e.dead = true;
    this.contexts.clear();
    this.ring.fill(undefined);
    this.ringHead = 0;
    this.live = 0;
    this.generation++;
  }

  /** Every live entry (for the debugger's TLB view and tests). */
  *entries(): IterableIterator<TlbEntry> {
    for (const ctx of this.contexts.values()) {
      for (const sp of [ctx.global, ...ctx.byAsid.values()]) {
        for (const s of sp.shifts) yield* sp.maps[s]!.values();
      }
    }
  }
}
