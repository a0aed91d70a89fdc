/**
 * A bare MMU over a map of descriptors, for unit tests: system registers as
 * the CPU stores them, physical memory that answers in RAM and aborts
 * elsewhere, and helpers to build 4KB tables by hand. Values are BigInt here;
 * the MMU itself never sees one.
 */
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { Mmu, type PhysicalMemory } from '../../emulator/mmu/mmu.js';
import type { TranslationFeatures } from '../../emulator/mmu/walk-params.js';

export const RAM_BASE = 0x4000_0000;
export const RAM_END = 0x8000_0000;

export const FEATURES: TranslationFeatures = {
  paBits: 52,
  lpa2: true,
  lpa: true,
  lva: true,
  ttst: true,
  hpds: true,
  xnx: true,
  e0pd: true,
  vmid16: true,
  pan: true,
  nv: true,
};

export class FakeMemory implements PhysicalMemory {
  readonly words = new Map<number, bigint>();
  reads = 0;

  write(pa: number, v: bigint): void {
    this.words.set(pa, BigInt.asUintN(64, v));
  }

  readDescriptor(pa: number, out: { lo: number; hi: number }): boolean {
    this.reads++;
    if (pa < RAM_BASE || pa + 8 > RAM_END) return false;
    const v = this.words.get(pa) ?? 0n;
    out.lo = Number(v & 0xffffffffn) | 0;
    out.hi = Number(v >> 32n) | 0;
    return true;
  }
}

export class Harness {
  readonly sr = { lo: new Int32Array(SR.COUNT), hi: new Int32Array(SR.COUNT) };
  readonly mem = new FakeMemory();
  readonly mmu: Mmu;

  constructor(features: TranslationFeatures = FEATURES) {
    this.mmu = new Mmu(this.sr, features, this.mem);
  }

  set(slot: number, v: bigint): void {
    this.sr.lo[slot] = Number(v & 0xffffffffn) | 0;
    this.sr.hi[slot] = Number((v >> 32n) & 0xffffffffn) | 0;
    this.mmu.invalidateParams();
  }

  get(slot: number): bigint {
    return (BigInt(this.sr.hi[slot]! >>> 0) << 32n) | BigInt(this.sr.lo[slot]! >>> 0);
  }

  /** Translates `va` at `el`; returns the PA or the fault as "<kind> fault, level n...". */
  translate(va: bigint, el: number, access: number, flags = 0): string | bigint {
    const lo = Number(va & 0xffffffffn) | 0;
    const hi = Number((va >> 32n) & 0xffffffffn) | 0;
    if (this.mmu.translate(lo, hi, el, access, flags)) return BigInt(this.mmu.pa);
    const f = this.mmu.fault;
    return f.describe() + (f.stage2 ? ` @ipa 0x${f.ipa.toString(16)}` : '');
  }
}

/** Descriptor bits. */
export const VALID = 1n;
export const TABLE = 3n;
export const PAGE = 3n;
export const BLOCK = 1n;
export const AF = 1n << 10n;
export const NG = 1n << 11n;
export const AP_EL0 = 1n << 6n;
export const AP_RO = 1n << 7n;
export const PXN = 1n << 53n;
export const UXN = 1n << 54n;
/** Stage 2: S2AP read and write, MemAttr Normal write-back. */
export const S2_RW = (3n << 6n) | (0xfn << 2n);

/** Index of `va` at `level` of a 4KB, 48-bit walk. */
export function index4k(va: bigint, level: number): number {
  return Number((va >> BigInt(12 + 9 * (3 - level))) & 0x1ffn);
}

/** Writes a 4KB four-level mapping of the page at `va` to `pa` with `attrs`, tables at `tables` (four consecutive pages). */
export function map4k(mem: FakeMemory, tables: number, va: bigint, pa: bigint, attrs: bigint): void {
  for (let level = 0; level < 3; level++) {
    const next = tables + (level + 1) * 0x1000;
    mem.write(tables + level * 0x1000 + index4k(va, level) * 8, BigInt(next) | TABLE);
  }
  mem.write(tables + 3 * 0x1000 + index4k(va, 3) * 8, pa | attrs | PAGE);
}

/**
 * Builds 4KB-granule tables under `root`, allocating each missing table from
 * `pool` upwards. `startLevel` and `startBits` describe the root (more than 9
 * bits for concatenated stage-2 tables).
 */
export class TableBuilder {
  private next: number;
  private readonly tables = new Map<string, number>();

  constructor(
    private readonly mem: FakeMemory,
    readonly root: number,
    private readonly startLevel: number,
    private readonly startBits: number,
    pool: number,
  ) {
    this.next = pool;
  }

  /** Maps the page (or block at `level`) holding `ia` with the leaf descriptor `leaf`. */
  map(ia: bigint, leaf: bigint, level = 3): void {
    let table = this.root;
    let path = '';
    for (let l = this.startLevel; l < level; l++) {
      const bits = l === this.startLevel ? this.startBits : 9;
      const idx = Number((ia >> BigInt(12 + 9 * (3 - l))) & ((1n << BigInt(bits)) - 1n));
      path += `/${idx}`;
      let child = this.tables.get(path);
      if (child === undefined) {
        child = this.next;
        this.next += 0x1000;
        this.tables.set(path, child);
        this.mem.write(table + idx * 8, BigInt(child) | TABLE);
      }
      table = child;
    }
    const bits = level === this.startLevel ? this.startBits : 9;
    const idx = Number((ia >> BigInt(12 + 9 * (3 - level))) & ((1n << BigInt(bits)) - 1n));
    this.mem.write(table + idx * 8, leaf);
  }
}

/** TCR_EL1 for 48-bit VAs with 4KB granules in both halves, 48-bit IPS. */
export const TCR_48_4K = 16n | (16n << 16n) | (2n << 30n) | (5n << 32n);
