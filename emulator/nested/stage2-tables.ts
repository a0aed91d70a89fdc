/**
 * Stage-2 translation tables the L0 host writes for the PE to walk: 4 KiB
 * granule, one root table covering the IPA size (no concatenation), blocks
 * and pages installed one at a time. Used for the canonical stage 2 of the
 * guest hypervisor and for the shadow stage 2s of its guests.
 */
import { type HostMemory, PAGE } from './host-memory.js';

const TWO32 = 4294967296;

/** The leaf attributes of a stage-2 block or page descriptor. */
export interface Stage2Attrs {
  /** MemAttr[3:0], descriptor bits [5:2] (0b1111: Normal Write-Back). */
  readonly memAttr: number;
  /** S2AP[1:0], bits [7:6]: bit 0 read, bit 1 write. */
  readonly s2ap: number;
  /** SH[1:0], bits [9:8]. */
  readonly sh: number;
  /** XN[1:0], bits [54:53]. */
  readonly xn: number;
}

/** A range of IPA the tables map (see Stage2Tables.mappings); `level` is its first leaf's. */
export interface Stage2Mapping extends Stage2Attrs {
  readonly ipa: number;
  readonly pa: number;
  size: number;
  readonly level: number;
}

export const NORMAL_RW: Stage2Attrs = { memAttr: 0b1111, s2ap: 0b11, sh: 0b11, xn: 0 };

/** Bytes a leaf at `level` maps with the 4 KiB granule. */
export function levelSize(level: number): number {
  return 2 ** (12 + 9 * (3 - level));
}

/** PARange encodings of ID_AA64MMFR0_EL1 / VTCR_EL2.PS. */
const PS_CODE: Record<number, number> = { 32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6 };

export class Stage2Tables {
  readonly root: number;
  /**
   * Level of the root table. Level 0 only from 44 bits: with the 4 KiB
   * granule a level-0 start is reserved on PEs with fewer PA bits
   * (AArch64.S2InvalidSL), so 40 to 43 bits start at level 1 with 2 to 16
   * concatenated tables.
   */
  readonly startLevel: number;
  /** Pages of the (concatenated) root table. */
  readonly rootPages: number;
  readonly ipaBits: number;
  /**
   * More than 48 bits: the FEAT_LPA2 format (VTCR_EL2.DS = 1), output
   * address bits [51:50] in descriptor bits [9:8], shareability from VTCR_EL2.
   */
  readonly ds: boolean;
  /** Leaf descriptors installed and not removed. */
  leaves = 0;
  private readonly tables = new Set<number>();
  private readonly scratch = { lo: 0, hi: 0 };
  private destroyed = false;

  constructor(
    private readonly mem: HostMemory,
    ipaBits: number,
  ) {
    if (ipaBits > 52 || ipaBits < 25) throw new Error(`the L0 host builds stage 2s of 25 to 52 bits, not ${ipaBits}`);
    this.ipaBits = ipaBits;
    this.ds = ipaBits > 48;
    this.startLevel = ipaBits >= 44 ? 0 : ipaBits > 30 ? 1 : 2;
    // Concatenated roots: 40-43 bits at level 1, 49-52 bits (LPA2) at level 0.
    this.rootPages = this.startLevel === 1 && ipaBits > 39 ? 2 ** (ipaBits - 39) : this.ds ? 2 ** (ipaBits - 48) : 1;
    this.root = this.mem.allocContiguous(this.rootPages);
  }

  /**
   * VTCR_EL2[31:0] for these tables: T0SZ, SL0, Normal WB inner-shareable
   * walks, 4 KiB, PS = the PE's PA size, 8-bit VMIDs.
   */
  vtcr(paBits: number): number {
    const sl0 = 2 - this.startLevel;
    const ps = PS_CODE[this.ds ? paBits : Math.min(paBits, 48)] ?? 5;
    return ((64 - this.ipaBits) | (sl0 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (ps << 16) | (1 << 31)) | 0;
  }

  /** VTCR_EL2[63:32]: DS (bit 32) for the LPA2 format. */
  vtcrHi(): number {
    return this.ds ? 1 : 0;
  }

  /** VTTBR_EL2 halves for a VMID. */
  vttbr(vmid: number): [number, number] {
    return [this.root % TWO32 | 0, (Math.floor(this.root / TWO32) | ((vmid & 0xff) << 16)) | 0];
  }

  private newTable(): number {
    const pa = this.mem.allocPage();
    this.tables.add(pa);
    return pa;
  }

  private index(ipa: number, level: number): number {
    // The root of concatenated tables is indexed by every IPA bit above the level.
    return level === this.startLevel ? Math.floor(ipa / levelSize(level)) : Math.floor(ipa / levelSize(level)) % 512;
  }

  /**
   * Maps [ipa, ipa + levelSize(level)) to pa (both aligned to that size)
   * with `attrs`, replacing whatever was there (a finer subtree is freed).
   */
  map(ipa: number, pa: number, level: number, attrs: Stage2Attrs): void {
    const size = levelSize(level);
    if (level < 1 || level > 3 || ipa % size !== 0 || pa % size !== 0) throw new Error(`bad stage-2 mapping 0x${ipa.toString(16)} -> 0x${pa.toString(16)} at level ${level}`);
    let table = this.root;
    for (let l = this.startLevel; l < level; l++) {
      const slot = table + 8 * this.index(ipa, l);
      this.mem.read64(slot, this.scratch);
      if ((this.scratch.lo & 3) === 3) {
        table = this.scratch.hi * TWO32 + (this.scratch.lo >>> 0) - ((this.scratch.lo >>> 0) % PAGE);
        continue;
      }
      if ((this.scratch.lo & 3) === 1) this.leaves--;
      const next = this.newTable();
      this.mem.write64(slot, (next % TWO32) | 3, Math.floor(next / TWO32));
      table = next;
    }
    const slot = table + 8 * this.index(ipa, level);
    this.mem.read64(slot, this.scratch);
    if (level < 3 && (this.scratch.lo & 3) === 3) this.freeSubtree(this.scratch, level + 1);
    else if ((this.scratch.lo & 1) === 1) this.leaves--;
    const type = level === 3 ? 3 : 1;
    // LPA2: OA[51:50] where SH was (VTCR_EL2.SH0 gives the shareability), OA[49:48] in [49:48].
    const top = Math.floor(pa / TWO32);
    const lo = (pa % TWO32) | type | (attrs.memAttr << 2) | (attrs.s2ap << 6) | (this.ds ? ((top >>> 18) & 3) << 8 : attrs.sh << 8) | (1 << 10);
    const hi = (this.ds ? top & 0x3ffff : top) | (attrs.xn << 21);
    this.mem.write64(slot, lo | 0, hi | 0);
    this.leaves++;
  }

  /**
   * Removes every leaf overlapping [ipa, ipa + size). A block that overlaps
   * only in part goes as a whole: the next access refaults what it still
   * should map.
   */
  unmap(ipa: number, size: number): void {
    this.unmapIn(this.root, this.startLevel, 0, ipa, ipa + size);
  }

  private unmapIn(table: number, level: number, base: number, start: number, end: number): void {
    const size = levelSize(level);
    const first = Math.max(0, Math.floor((start - base) / size));
    const last = Math.min((level === this.startLevel ? 512 * this.rootPages : 512) - 1, Math.floor((end - 1 - base) / size));
    for (let i = first; i <= last; i++) {
      const slot = table + 8 * i;
      this.mem.read64(slot, this.scratch);
      const t = this.scratch.lo & 3;
      if (t === 0 || t === 2) continue;
      if (t === 3 && level < 3) {
        const next = this.scratch.hi * TWO32 + (this.scratch.lo >>> 0) - ((this.scratch.lo >>> 0) % PAGE);
        this.unmapIn(next, level + 1, base + i * size, start, end);
        continue;
      }
      this.mem.write64(slot, 0, 0);
      this.leaves--;
    }
  }

  /** Whether any leaf lies inside [ipa, ipa + size) (a table under the slot a block would take). */
  leavesWithin(ipa: number, size: number): boolean {
    let table = this.root;
    for (let l = this.startLevel; l <= 3; l++) {
      if (levelSize(l) === size) return this.anyLeaf(table + 8 * this.index(ipa, l), l);
      this.mem.read64(table + 8 * this.index(ipa, l), this.scratch);
      const t = this.scratch.lo & 3;
      if (t !== 3 || l === 3) return t === 1 || t === 3;
      table = this.scratch.hi * TWO32 + (this.scratch.lo >>> 0) - ((this.scratch.lo >>> 0) % PAGE);
    }
    return false;
  }

  private anyLeaf(slot: number, level: number): boolean {
    const d = { lo: 0, hi: 0 };
    this.mem.read64(slot, d);
    const t = d.lo & 3;
    if (t === 0 || t === 2) return false;
    if (t === 1 || level === 3) return true;
    const table = d.hi * TWO32 + (d.lo >>> 0) - ((d.lo >>> 0) % PAGE);
    for (let i = 0; i < 512; i++) if (this.anyLeaf(table + 8 * i, level + 1)) return true;
    return false;
  }

  /** The leaf descriptor mapping `ipa`, or null. */
  lookup(ipa: number): { level: number; lo: number; hi: number } | null {
    let table = this.root;
    for (let l = this.startLevel; l <= 3; l++) {
      this.mem.read64(table + 8 * this.index(ipa, l), this.scratch);
      const t = this.scratch.lo & 3;
      if (t === 0 || t === 2) return null;
      if (t === 1 || l === 3) return { level: l, lo: this.scratch.lo, hi: this.scratch.hi };
      table = this.scratch.hi * TWO32 + (this.scratch.lo >>> 0) - ((this.scratch.lo >>> 0) % PAGE);
    }
    return null;
  }

  private freeSubtree(desc: { lo: number; hi: number }, level: number): void {
    const table = desc.hi * TWO32 + (desc.lo >>> 0) - ((desc.lo >>> 0) % PAGE);
    const d = { lo: 0, hi: 0 };
    for (let i = 0; i < 512; i++) {
      this.mem.read64(table + 8 * i, d);
      const t = d.lo & 3;
      if (t === 3 && level < 3) this.freeSubtree(d, level + 1);
      else if (t === 1 || (t === 3 && level === 3)) this.leaves--;
    }
    this.tables.delete(table);
    this.mem.freePage(table);
  }

  /** Empties the tables, keeping the root. */
  clear(): void {
    for (const t of this.tables) this.mem.freePage(t);
    this.tables.clear();
    for (let i = 0; i < 512 * this.rootPages; i++) this.mem.write64(this.root + 8 * i, 0, 0);
    this.leaves = 0;
  }

  /** Returns every page to the host. */
  destroy(): void {
    for (const t of this.tables) this.mem.freePage(t);
    this.tables.clear();
    if (!this.destroyed) for (let i = 0; i < this.rootPages; i++) this.mem.freePage(this.root + i * PAGE);
    this.destroyed = true;
    this.leaves = 0;
  }

  /**
   * What the tables map, in IPA order: leaves that continue one another (IPA
   * and PA both contiguous, same attributes) merged into one range, at most
   * `limit` ranges (`more` says whether some were left out). For the
   * debugger's and the views' lists of a shadow stage 2's mappings.
   */
  mappings(limit = 1000): { ranges: Stage2Mapping[]; more: boolean } {
    const ranges: Stage2Mapping[] = [];
    let more = false;
    const walk = (table: number, level: number, base: number): boolean => {
      const size = levelSize(level);
      const entries = level === this.startLevel ? 512 * this.rootPages : 512;
      const d = { lo: 0, hi: 0 };
      for (let i = 0; i < entries; i++) {
        this.mem.read64(table + 8 * i, d);
        const t = d.lo & 3;
        if (t === 0 || t === 2) continue;
        const ipa = base + i * size;
        if (t === 3 && level < 3) {
          if (!walk(d.hi * TWO32 + (d.lo >>> 0) - ((d.lo >>> 0) % PAGE), level + 1, ipa)) return false;
          continue;
        }
        const top = this.ds ? (d.hi & 0x3ffff) + ((d.lo >>> 8) & 3) * 2 ** 18 : d.hi & 0xffff;
        const pa = top * TWO32 + (d.lo >>> 0) - ((d.lo >>> 0) % size);
        const attrs = { memAttr: (d.lo >>> 2) & 0xf, s2ap: (d.lo >>> 6) & 3, sh: this.ds ? 3 : (d.lo >>> 8) & 3, xn: (d.hi >>> 21) & 3 };
        const last = ranges[ranges.length - 1];
        if (last && last.ipa + last.size === ipa && last.pa + last.size === pa && last.memAttr === attrs.memAttr && last.s2ap === attrs.s2ap && last.sh === attrs.sh && last.xn === attrs.xn) {
          last.size += size;
          continue;
        }
        if (ranges.length === limit) {
          more = true;
          return false;
        }
        ranges.push({ ipa, pa, size, level, ...attrs });
      }
      return true;
    };
    walk(this.root, this.startLevel, 0);
    return { ranges, more };
  }

  /** Pages the tables use. */
  get pages(): number {
    return this.tables.size + (this.destroyed ? 0 : this.rootPages);
  }
}
