import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/arch/generated/sysreg-rules.js';
import { Mmu, type PhysicalMemory } from '../../emulator/mmu/mmu.js';
import { Fault, FaultKind } from '../../emulator/mmu/fault.js';
import type { TranslationFeatures } from '../../emulator/mmu/walk-params.js';
import { S2_ALL, S2_R, S2_W, S2_X0, S2_X1 } from '../../emulator/mmu/permissions.js';
import { CANONICAL_VMID, CanonicalStage2 } from '../../emulator/nested/canonical-s2.js';
import { HOST_MEMORY_BASE, HostMemory, PAGE } from '../../emulator/nested/host-memory.js';
import { ShadowOutcome, ShadowPool, type Stage2Key } from '../../emulator/nested/shadow-s2.js';
import { NORMAL_RW, type Stage2Attrs, Stage2Tables, levelSize } from '../../emulator/nested/stage2-tables.js';
import { FEATURES } from '../mmu/mmu-harness.js';

const G = 2 ** 30;
const M2 = 2 ** 21;
const TWO32 = 2 ** 32;
/** A VTCR_EL2 value the pool only compares, never decodes. */
const VTCR_A = 0x8002_3558 | 0;
const VTCR_B = 0x8002_3598 | 0;

/** A host that runs out of pages on demand, to test the allocation-failure paths. */
class RationedMemory extends HostMemory {
  budget = Infinity;
  override allocPage(): number {
    if (this.budget <= 0) throw new Error('test: host out of pages');
    this.budget--;
    return super.allocPage();
  }
}

function vmKey(vttbrLo: number, vmid: number, vtcr = VTCR_A, baddrHi = 0): Stage2Key {
  return { vm: true, vttbrLo, vttbrHi: (vmid << 16) | baddrHi, vtcr, vmid };
}

function vmidKey(vmid: number, vttbrLo = 0x5000, vtcr = VTCR_A): Stage2Key {
  return { vm: false, vttbrLo, vttbrHi: vmid << 16, vtcr, vmid };
}

function newPool(vcpus: number, mem = new HostMemory()): { pool: ShadowPool; mem: HostMemory; flushed: number[] } {
  const flushed: number[] = [];
  const pool = new ShadowPool(mem, 48, (v) => flushed.push(v));
  pool.grow(vcpus);
  return { pool, mem, flushed };
}

/** The 64-bit descriptor as a BigInt, to compare against an independently built value. */
function desc64(d: { lo: number; hi: number }): bigint {
  return (BigInt(d.hi >>> 0) << 32n) | BigInt(d.lo >>> 0);
}

/** The stage-2 leaf the Arm ARM expects for these attributes (AF set, nothing else). */
function expectedLeaf(pa: number, level: number, a: Stage2Attrs): bigint {
  const type = level === 3 ? 3n : 1n;
  return BigInt(pa) | type | (BigInt(a.memAttr) << 2n) | (BigInt(a.s2ap) << 6n) | (BigInt(a.sh) << 8n) | (1n << 10n) | (BigInt(a.xn) << 53n);
}

function fields(d: { lo: number; hi: number }): { type: number; af: number; s2ap: number; sh: number; memAttr: number; xn: number; oa: number } {
  return {
    type: d.lo & 3,
    af: (d.lo >>> 10) & 1,
    s2ap: (d.lo >>> 6) & 3,
    sh: (d.lo >>> 8) & 3,
    memAttr: (d.lo >>> 2) & 15,
    xn: (d.hi >>> 21) & 3,
    oa: (d.hi & 0xffff) * TWO32 + (d.lo >>> 12) * PAGE,
  };
}

/** A bare MMU whose stage 2 is `tables`, reading descriptors from the host's memory as the PE would. */
function mmuOver(mem: HostMemory, vtcr: number | [number, number], vttbr: [number, number], features: TranslationFeatures = FEATURES): Mmu {
  const sr = { lo: new Int32Array(SR.COUNT), hi: new Int32Array(SR.COUNT) };
  const phys: PhysicalMemory = {
    readDescriptor(pa, out) {
      if (!mem.contains(pa, 8)) return false;
      mem.read64(pa, out);
      return true;
    },
  };
  sr.lo[SR.HCR_EL2] = 1; // VM
  sr.lo[SR.VTCR_EL2] = typeof vtcr === 'number' ? vtcr : vtcr[0];
  sr.hi[SR.VTCR_EL2] = typeof vtcr === 'number' ? 0 : vtcr[1];
  sr.lo[SR.VTTBR_EL2] = vttbr[0];
  sr.hi[SR.VTTBR_EL2] = vttbr[1];
  const mmu = new Mmu(sr, features, phys);
  mmu.invalidateParams();
  return mmu;
}

describe('ShadowPool lookup', () => {
  it('keys vm contexts by VTTBR (CnP ignored) and VTCR', () => {
    const { pool } = newPool(3);
    const a = pool.get(vmKey(0x1001, 5)); // CnP set on first use
    expect(a.outcome).toBe(ShadowOutcome.MISS);
    expect(a.mmu.index).toBe(0);
    expect(a.mmu.vttbrLo).toBe(0x1000);
    expect(a.mmu.byVmid).toBe(false);
    const same = pool.get(vmKey(0x1000, 5));
    expect(same.outcome).toBe(ShadowOutcome.HIT);
    expect(same.mmu).toBe(a.mmu);
    expect(pool.get(vmKey(0x1001, 5)).mmu).toBe(a.mmu);
    expect(a.mmu.refs).toBe(3);

    const otherVtcr = pool.get(vmKey(0x1000, 5, VTCR_B));
    expect(otherVtcr.outcome).toBe(ShadowOutcome.MISS);
    expect(otherVtcr.mmu).not.toBe(a.mmu);
    const otherTable = pool.get(vmKey(0x2000, 5));
    expect(otherTable.outcome).toBe(ShadowOutcome.MISS);
    expect(new Set([a.mmu, otherVtcr.mmu, otherTable.mmu]).size).toBe(3);
    // Same BADDR low half, different VMID (or BADDR high bits) in VTTBR's high half.
    const otherHi = pool.get(vmKey(0x1000, 6));
    expect(otherHi.outcome).toBe(ShadowOutcome.MISS);
    const otherBaddrHi = pool.get(vmKey(0x1000, 5, VTCR_A, 0x12));
    expect(otherBaddrHi.outcome).toBe(ShadowOutcome.MISS);
    expect(pool.contexts.filter((m) => m.valid)).toHaveLength(5);
  });

  it('keys non-vm contexts by VMID alone', () => {
    const { pool } = newPool(2);
    const a = pool.get(vmidKey(7, 0x1000, VTCR_A));
    expect(a.outcome).toBe(ShadowOutcome.MISS);
    expect(a.mmu.byVmid).toBe(true);
    expect(a.mmu.vmid).toBe(7);
    const b = pool.get(vmidKey(7, 0x9000, VTCR_B));
    expect(b.outcome).toBe(ShadowOutcome.HIT);
    expect(b.mmu).toBe(a.mmu);
    const c = pool.get(vmidKey(8, 0x1000, VTCR_A));
    expect(c.outcome).toBe(ShadowOutcome.MISS);
    expect(c.mmu).not.toBe(a.mmu);
  });

  it('never matches a vm context with a non-vm lookup or the reverse', () => {
    const { pool } = newPool(3);
    const vm = pool.get(vmKey(0x1000, 5));
    const byVmid = pool.get(vmidKey(5, 0x1000, VTCR_A));
    expect(byVmid.outcome).toBe(ShadowOutcome.MISS);
    expect(byVmid.mmu).not.toBe(vm.mmu);
    // A non-vm context stores zeros for VTTBR and VTCR: a vm lookup of zeros must still miss it.
    const zeros = pool.get({ vm: true, vttbrLo: 0, vttbrHi: 5 << 16, vtcr: 0, vmid: 5 });
    expect(zeros.outcome).toBe(ShadowOutcome.MISS);
    const zeros2 = pool.get({ vm: true, vttbrLo: 0, vttbrHi: 0, vtcr: 0, vmid: 5 });
    expect(zeros2.outcome).toBe(ShadowOutcome.MISS);
    expect(new Set([vm.mmu, byVmid.mmu, zeros.mmu, zeros2.mmu]).size).toBe(4);
    expect(pool.get(vmKey(0x1000, 5)).mmu).toBe(vm.mmu);
    expect(pool.get(vmidKey(5)).mmu).toBe(byVmid.mmu);
  });
});

describe('ShadowPool reference counting', () => {
  it('takes a reference on get and drops it on put', () => {
    const { pool } = newPool(1);
    const { mmu } = pool.get(vmKey(0x1000, 1));
    expect(mmu.refs).toBe(1);
    pool.get(vmKey(0x1000, 1));
    expect(mmu.refs).toBe(2);
    pool.put(mmu);
    pool.put(mmu);
    expect(mmu.refs).toBe(0);
    expect(() => pool.put(mmu)).toThrow(/released more often than taken/);
    expect(mmu.refs).toBe(0);
    // Still valid: dropping the last reference does not forget the translations.
    expect(pool.get(vmKey(0x1000, 1)).outcome).toBe(ShadowOutcome.HIT);
  });

  it('never recycles a referenced context and fails when all are referenced', () => {
    const { pool, flushed } = newPool(1);
    const a = pool.get(vmKey(0x1000, 1)).mmu; // held
    const b = pool.get(vmKey(0x2000, 2)).mmu;
    pool.put(b);
    // Round-robin would pick context 0 next, but it is referenced.
    const c = pool.get(vmKey(0x3000, 3));
    expect(c.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(c.mmu).toBe(b);
    expect(a.vttbrLo).toBe(0x1000);
    expect(flushed).toEqual([b.physVmid]);
    expect(() => pool.get(vmKey(0x4000, 4))).toThrow(/internal error: every shadow stage-2 context is in use/);
    // The failed lookup changed nothing.
    expect(flushed).toEqual([b.physVmid]);
    expect([a.valid, a.refs, a.vttbrLo, b.valid, b.refs, b.vttbrLo]).toEqual([true, 1, 0x1000, true, 1, 0x3000]);
    pool.put(a);
    const d = pool.get(vmKey(0x4000, 4));
    expect(d.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(d.mmu).toBe(a);
  });
});

describe('ShadowPool recycling', () => {
  it('recycles unreferenced contexts round-robin, emptying and flushing them', () => {
    const { pool, flushed } = newPool(1);
    expect(pool.contexts).toHaveLength(2);
    const k1 = vmKey(0x1001, 1);
    const k2 = vmidKey(2);
    const r1 = pool.get(k1);
    const r2 = pool.get(k2);
    expect([r1.mmu.index, r2.mmu.index]).toEqual([0, 1]);
    expect(r1.victim).toBeUndefined();
    r1.mmu.tables.map(0x4000_0000, 0x8000_0000, 3, NORMAL_RW);
    r2.mmu.tables.map(0x4000_0000, 0x8000_0000, 2, NORMAL_RW);
    pool.put(r1.mmu);
    pool.put(r2.mmu);
    expect(flushed).toEqual([]);

    const r3 = pool.get(vmKey(0x3000, 3));
    expect(r3.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(r3.mmu.index).toBe(0);
    expect(r3.victim).toEqual({ vmid: 1, vttbrLo: 0x1000, vttbrHi: 1 << 16 });
    expect(flushed).toEqual([2]);
    expect(r3.mmu.tables.leaves).toBe(0);
    expect(r3.mmu.tables.pages).toBe(1);
    expect(r3.mmu.tables.lookup(0x4000_0000)).toBeNull();
    expect(r3.mmu.vmid).toBe(3);
    pool.put(r3.mmu);

    const r4 = pool.get(vmKey(0x4000, 4));
    expect(r4.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(r4.mmu.index).toBe(1);
    expect(r4.victim).toEqual({ vmid: 2, vttbrLo: 0, vttbrHi: 0 });
    expect(flushed).toEqual([2, 3]);
    expect(r4.mmu.tables.leaves).toBe(0);
    expect(r4.mmu.tables.lookup(0x4000_0000)).toBeNull();
    pool.put(r4.mmu);

    const r5 = pool.get(vmKey(0x5000, 5));
    expect(r5.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(r5.mmu.index).toBe(0);
    expect(r5.victim).toEqual({ vmid: 3, vttbrLo: 0x3000, vttbrHi: 3 << 16 });
    expect(flushed).toEqual([2, 3, 2]);
    pool.put(r5.mmu);

    // A hit neither recycles nor flushes; the recycled keys are gone.
    expect(pool.get(vmKey(0x4000, 4)).outcome).toBe(ShadowOutcome.HIT);
    expect(flushed).toEqual([2, 3, 2]);
    expect(pool.withVmid(1)).toEqual([]);
    expect(pool.withVmid(2)).toEqual([]);
  });
});

describe('ShadowPool.grow', () => {
  it('makes two contexts per vCPU with consecutive physical VMIDs', () => {
    const { pool, mem } = newPool(2);
    expect(pool.contexts.map((m) => m.physVmid)).toEqual([2, 3, 4, 5]);
    expect(pool.contexts.map((m) => m.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(pool.contexts.map((m) => m.tables.root)).size).toBe(4);
    expect(pool.contexts.every((m) => !m.valid && m.refs === 0 && m.tables.pages === 1)).toBe(true);
    expect(mem.inUse).toBe(4);
    const before = [...pool.contexts];
    pool.grow(2);
    pool.grow(1);
    expect(pool.contexts).toEqual(before);
    expect(mem.inUse).toBe(4);
    pool.grow(3);
    expect(pool.contexts.map((m) => m.physVmid)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(pool.contexts.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(mem.inUse).toBe(6);

    const custom = new ShadowPool(new HostMemory(), 48, () => {}, 10);
    custom.grow(1);
    expect(custom.contexts.map((m) => m.physVmid)).toEqual([10, 11]);
  });

  it('leaves the pool and the host memory unchanged when allocation fails', () => {
    const mem = new RationedMemory();
    const { pool } = newPool(1, mem);
    const before = [...pool.contexts];
    expect(mem.inUse).toBe(2);
    mem.budget = 3; // grow(3) needs 4 roots: three are made, then given back
    expect(() => pool.grow(3)).toThrow('test: host out of pages');
    expect(pool.contexts).toHaveLength(2);
    expect(pool.contexts).toEqual(before);
    expect(mem.inUse).toBe(2);
    mem.budget = 0;
    expect(() => pool.grow(2)).toThrow('test: host out of pages');
    expect(pool.contexts).toHaveLength(2);
    expect(mem.inUse).toBe(2);
    // After the failures the pool still grows normally.
    mem.budget = Infinity;
    pool.grow(2);
    expect(pool.contexts.map((m) => [m.index, m.physVmid])).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(mem.inUse).toBe(4);
  });
});

describe('ShadowPool withVmid, empty, reset', () => {
  it('withVmid lists the valid contexts of a VMID, vm or not', () => {
    const { pool } = newPool(2);
    const a = pool.get(vmKey(0x1000, 9)).mmu;
    const b = pool.get(vmidKey(9)).mmu;
    const c = pool.get(vmKey(0x2000, 4)).mmu;
    expect(pool.withVmid(9)).toEqual([a, b]);
    expect(pool.withVmid(4)).toEqual([c]);
    expect(pool.withVmid(0)).toEqual([]);
    pool.put(b);
    pool.empty(b);
    expect(pool.withVmid(9)).toEqual([a]);
  });

  it('empty forgets a context: tables cleared, its VMID flushed, next lookup misses', () => {
    const { pool, flushed, mem } = newPool(1);
    const r = pool.get(vmKey(0x1000, 1));
    const m = r.mmu;
    pool.get(vmKey(0x2000, 2));
    m.tables.map(0x12_3456_7000, 0x1000, 3, NORMAL_RW);
    const inUse = mem.inUse;
    pool.put(m);
    pool.empty(m);
    expect(m.valid).toBe(false);
    expect(m.tables.leaves).toBe(0);
    expect(m.tables.lookup(0x12_3456_7000)).toBeNull();
    expect(mem.inUse).toBe(inUse - 3);
    expect(flushed).toEqual([m.physVmid]);
    const again = pool.get(vmKey(0x1000, 1));
    // A free context is taken before any recycling.
    expect(again.outcome).toBe(ShadowOutcome.MISS);
    expect(again.mmu).toBe(m);
    expect(flushed).toEqual([m.physVmid]);
  });

  it('reset forgets every context and restarts round-robin', () => {
    const { pool, mem } = newPool(1);
    const a = pool.get(vmKey(0x1000, 1)).mmu;
    const b = pool.get(vmKey(0x2000, 2)).mmu;
    pool.put(a);
    // Advance the round-robin cursor to context 1.
    const r = pool.get(vmKey(0x3000, 3));
    expect(r.mmu.index).toBe(0);
    r.mmu.tables.map(0x4000_0000, 0x4000_0000, 1, NORMAL_RW);
    b.tables.map(0x1000, 0x1000, 3, NORMAL_RW);
    pool.reset();
    expect(pool.contexts.every((m) => !m.valid && m.refs === 0 && m.tables.leaves === 0 && m.tables.pages === 1)).toBe(true);
    expect(b.tables.lookup(0x1000)).toBeNull();
    expect(mem.inUse).toBe(2);
    expect(() => pool.put(a)).toThrow(/released more often/);
    expect(pool.get(vmKey(0x3000, 3)).outcome).toBe(ShadowOutcome.MISS);
    const x = pool.get(vmKey(0x4000, 4));
    expect(x.mmu.index).toBe(1);
    pool.put(pool.contexts[0]!);
    pool.put(x.mmu);
    const y = pool.get(vmKey(0x5000, 5));
    expect(y.outcome).toBe(ShadowOutcome.RECYCLE);
    expect(y.mmu.index).toBe(0);
  });
});

describe('Stage2Tables', () => {
  const RO_NX_DEVICE: Stage2Attrs = { memAttr: 0b0001, s2ap: 0b01, sh: 0b00, xn: 0b10 };
  const WO_X0: Stage2Attrs = { memAttr: 0b0101, s2ap: 0b10, sh: 0b10, xn: 0b01 };

  it('picks the root level and encodes VTCR_EL2 and VTTBR_EL2', () => {
    const mem = new HostMemory();
    // Level 0 only from 44 bits (reserved below 44 PA bits); 40 to 43 bits concatenate level-1 tables.
    expect([48, 44, 43, 40, 39, 36, 32, 30].map((b) => new Stage2Tables(mem, b).startLevel)).toEqual([0, 0, 1, 1, 1, 1, 1, 2]);
    expect([48, 44, 43, 42, 40, 39].map((b) => new Stage2Tables(mem, b).rootPages)).toEqual([1, 1, 16, 8, 2, 1]);
    const t40 = new Stage2Tables(new HostMemory(), 40);
    expect(t40.root).toBe(HOST_MEMORY_BASE);
    // T0SZ 24, SL0 1 (level 1), IRGN0/ORGN0 WB, SH0 inner, TG0 4K, PS 48 bits, RES1 bit 31.
    expect(t40.vtcr(48) >>> 0).toBe((24 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 16) | 2 ** 31) >>> 0);
    // A concatenated root is aligned to its size.
    const mem2 = new HostMemory();
    mem2.allocPage();
    const t42 = new Stage2Tables(mem2, 42);
    expect(t42.root % (8 * 4096)).toBe(0);
    expect(mem2.inUse).toBe(9);
    expect((t40.vtcr(40) >>> 16) & 7).toBe(2);
    expect((t40.vtcr(52) >>> 16) & 7).toBe(5);
    expect(new Stage2Tables(new HostMemory(), 36).vtcr(48) & 0xff).toBe(28 | (1 << 6));
    const [lo, hi] = t40.vttbr(0x2a);
    expect((hi & 0xffff) * TWO32 + (lo >>> 0)).toBe(t40.root);
    expect((hi >>> 16) & 0xffff).toBe(0x2a);
    expect((t40.vttbr(0x1ff)[1] >>> 16) & 0xffff).toBe(0xff);
  });

  it('refuses IPA sizes it cannot build and misaligned or out-of-range mappings', () => {
    const mem = new HostMemory();
    expect(() => new Stage2Tables(mem, 53)).toThrow(/25 to 52 bits/);
    expect(() => new Stage2Tables(mem, 24)).toThrow(/25 to 52 bits/);
    expect(mem.inUse).toBe(0);
    const t = new Stage2Tables(mem, 48);
    expect(() => t.map(0x1000 + 0x800, 0x2000, 3, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(0x1000, 0x2000 + 8, 3, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(M2 + PAGE, 0, 2, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(0, M2 + PAGE, 2, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(G + M2, 0, 1, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(0, G + M2, 1, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(0, 0, 0, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(() => t.map(0, 0, 4, NORMAL_RW)).toThrow(/bad stage-2 mapping/);
    expect(t.leaves).toBe(0);
    expect(t.pages).toBe(1);
    expect(mem.inUse).toBe(1);
  });

  it('lists what it maps in IPA order, merging leaves that continue one another', () => {
    for (const bits of [40, 48, 52]) {
      const t = new Stage2Tables(new HostMemory(), bits);
      // Two contiguous pages, a third with other attributes, a 2 MiB block right after the pages' block, a 1 GiB block.
      t.map(0x4000_0000, 0x4100_0000, 3, NORMAL_RW);
      t.map(0x4000_1000, 0x4100_1000, 3, NORMAL_RW);
      t.map(0x4000_2000, 0x4100_2000, 3, RO_NX_DEVICE);
      t.map(0x8020_0000, 0x1_0000_0000, 2, NORMAL_RW);
      t.map(0x8040_0000, 0x1_0020_0000, 2, NORMAL_RW);
      t.map(G * 7, G * 3, 1, WO_X0);
      const { ranges, more } = t.mappings();
      expect(more).toBe(false);
      expect(ranges.map((r) => [r.ipa, r.pa, r.size, r.level, r.s2ap])).toEqual([
        [0x4000_0000, 0x4100_0000, 2 * PAGE, 3, 0b11],
        [0x4000_2000, 0x4100_2000, PAGE, 3, 0b01],
        [0x8020_0000, 0x1_0000_0000, 2 * M2, 2, 0b11],
        [G * 7, G * 3, G, 1, 0b10],
      ]);
      expect(t.mappings(2)).toEqual({ ranges: ranges.slice(0, 2), more: true });
    }
  });

  it('writes level 1, 2 and 3 leaves with the requested attributes', () => {
    const mem = new HostMemory();
    const t = new Stage2Tables(mem, 48);
    const cases: [number, number, number, Stage2Attrs][] = [
      [0xa000_4000_0000, 0x12_4000_0000, 1, WO_X0],
      [0x40_0020_0000, 0x3_0020_0000, 2, RO_NX_DEVICE],
      [0x12_3456_7000, 0xab_cdef_1000, 3, NORMAL_RW],
      [0x12_3456_9000, 0x5000, 3, { memAttr: 0b1010, s2ap: 0, sh: 0b10, xn: 0b11 }],
    ];
    for (const [ipa, pa, level, a] of cases) t.map(ipa, pa, level, a);
    expect(t.leaves).toBe(4);
    for (const [ipa, pa, level, a] of cases) {
      const size = levelSize(level);
      for (const off of [0, size - 8, Math.floor(size / 3) & ~7]) {
        const d = t.lookup(ipa + off);
        expect(d).not.toBeNull();
        expect(d!.level).toBe(level);
        expect(desc64(d!)).toBe(expectedLeaf(pa, level, a));
        expect(fields(d!)).toEqual({ type: level === 3 ? 3 : 1, af: 1, s2ap: a.s2ap, sh: a.sh, memAttr: a.memAttr, xn: a.xn, oa: pa });
      }
    }
    expect([1, 2, 3].map(levelSize)).toEqual([G, M2, PAGE]);
    expect(t.lookup(0x12_3456_8000)).toBeNull();
    expect(t.lookup(0x12_3440_0000)).toBeNull();
    expect(t.lookup(0x1_0000_0000)).toBeNull();
    expect(t.lookup(0x8000_0000_0000)).toBeNull();
    // Remapping a slot replaces its leaf without counting it twice.
    t.map(0x12_3456_7000, 0x7000, 3, RO_NX_DEVICE);
    expect(t.leaves).toBe(4);
    expect(desc64(t.lookup(0x12_3456_7000)!)).toBe(expectedLeaf(0x7000, 3, RO_NX_DEVICE));
  });

  it('frees the subtree a block replaces, and replaces a block by a table', () => {
    const mem = new HostMemory();
    const t = new Stage2Tables(mem, 40);
    t.map(0x12_3456_7000, 0x1000, 3, NORMAL_RW);
    expect(t.pages).toBe(4); // root (L0), L1, L2, L3
    t.map(0x12_3460_0000, 0x20_0000, 2, NORMAL_RW);
    t.map(0x12_3456_8000, 0x2000, 3, NORMAL_RW);
    expect(t.leaves).toBe(3);
    expect(mem.inUse).toBe(4);
    // The 1 GiB block over both goes in the L1 slot: the L2 and L3 tables go back.
    t.map(0x12_0000_0000, 0x40_0000_0000, 1, NORMAL_RW);
    expect(t.leaves).toBe(1);
    expect(t.pages).toBe(2);
    expect(mem.inUse).toBe(2);
    const d = t.lookup(0x12_3456_7000)!;
    expect(d.level).toBe(1);
    expect(fields(d).oa).toBe(0x40_0000_0000);
    // A page inside the block replaces the block by a table: the rest of the block is unmapped.
    t.map(0x12_0000_1000, 0x3000, 3, NORMAL_RW);
    expect(t.leaves).toBe(1);
    expect(t.pages).toBe(4);
    expect(t.lookup(0x12_0000_1000)!.level).toBe(3);
    expect(t.lookup(0x12_3456_7000)).toBeNull();
    // A 2 MiB block over the level-3 table frees just that table.
    t.map(0x12_0000_0000, 0x60_0000, 2, NORMAL_RW);
    expect(t.leaves).toBe(1);
    expect(t.pages).toBe(3);
    expect(mem.inUse).toBe(3);
    expect(t.lookup(0x12_0000_1000)!.level).toBe(2);
  });

  it('unmaps exactly the leaves overlapping a range, whole blocks included', () => {
    const mem = new HostMemory();
    const t = new Stage2Tables(mem, 48);
    const P = 0x12_3456_0000;
    for (let i = 0; i < 4; i++) t.map(P + i * PAGE, 0x10_0000 + i * PAGE, 3, NORMAL_RW);
    const B = 0x12_3480_0000; // 2 MiB block in the same L2 table
    t.map(B, 0x80_0000, 2, NORMAL_RW);
    t.map(0x7_c000_0000, 0x1_4000_0000, 1, NORMAL_RW);
    // Last page of one L3 table and first of the next: the range crosses tables.
    const E = 0x12_3500_0000;
    t.map(E - PAGE, 0x4000, 3, NORMAL_RW);
    t.map(E, 0x5000, 3, NORMAL_RW);
    expect(t.leaves).toBe(8);

    t.unmap(P + PAGE, 2 * PAGE);
    expect(t.leaves).toBe(6);
    expect([0, 1, 2, 3].map((i) => t.lookup(P + i * PAGE) !== null)).toEqual([true, false, false, true]);

    // One byte of the block takes the whole block.
    t.unmap(B + 0x1234, 1);
    expect(t.leaves).toBe(5);
    expect(t.lookup(B)).toBeNull();
    expect(t.lookup(B + M2 - PAGE)).toBeNull();

    t.unmap(E - 0x10, 0x20);
    expect(t.leaves).toBe(3);
    expect(t.lookup(E - PAGE)).toBeNull();
    expect(t.lookup(E)).toBeNull();

    // Ranges over nothing mapped change nothing.
    t.unmap(0x1_0000_0000, G);
    t.unmap(P + 4 * PAGE, 0x10_0000);
    t.unmap(0x8000_0000_0000, 2 ** 46);
    expect(t.leaves).toBe(3);
    expect(t.lookup(P)).not.toBeNull();
    expect(t.lookup(P + 3 * PAGE)).not.toBeNull();
    expect(t.lookup(0x7_c000_0000 + 0x1234)!.level).toBe(1);

    // A range ending right at a leaf leaves it alone; one over everything removes all.
    t.unmap(0x7_8000_0000, G);
    expect(t.leaves).toBe(3);
    t.unmap(0, 2 ** 48);
    expect(t.leaves).toBe(0);
    expect(t.lookup(P)).toBeNull();
    expect(t.lookup(0x7_c000_0000)).toBeNull();
  });

  it('clear keeps only the root and destroy returns every page', () => {
    const mem = new HostMemory();
    const t = new Stage2Tables(mem, 48);
    const root = t.root;
    const A = 0x12_3456_7000;
    t.map(A, 0x1000, 3, NORMAL_RW);
    t.map(0x7_c000_0000, 0x1_4000_0000, 1, NORMAL_RW);
    t.map(0xa000_0000_0000, 0x2_0000_0000, 1, NORMAL_RW);
    expect(mem.inUse).toBe(5);
    t.clear();
    expect(t.root).toBe(root);
    expect(t.pages).toBe(1);
    expect(t.leaves).toBe(0);
    expect(mem.inUse).toBe(1);
    for (const ipa of [A, 0x7_c000_0000, 0xa000_0000_0000]) expect(t.lookup(ipa)).toBeNull();
    const d = { lo: 0, hi: 0 };
    for (let i = 0; i < 512; i++) {
      mem.read64(root + 8 * i, d);
      expect(d.lo | d.hi).toBe(0);
    }
    // Tables rebuilt from freed pages must not show what they held before.
    t.map(0x7_c000_0000 + 0x20_0000, 0x40_0000, 2, NORMAL_RW);
    expect(t.lookup(A)).toBeNull();
    expect(t.lookup(0x7_c000_0000)).toBeNull();
    expect(t.leaves).toBe(1);
    t.destroy();
    expect(t.pages).toBe(0);
    expect(t.leaves).toBe(0);
    expect(mem.inUse).toBe(0);
  });
});

describe('Stage2Tables walked by the MMU', () => {
  const RO_NX_DEVICE: Stage2Attrs = { memAttr: 0b0001, s2ap: 0b01, sh: 0b00, xn: 0b10 };
  const WO_X0: Stage2Attrs = { memAttr: 0b0101, s2ap: 0b10, sh: 0b10, xn: 0b01 };
  const NONE_X1: Stage2Attrs = { memAttr: 0b1010, s2ap: 0b00, sh: 0b10, xn: 0b11 };
  const mappings: { ipa: number; pa: number; level: number; a: Stage2Attrs; perm: number; off: number }[] = [
    { ipa: 0x12_3456_7000, pa: 0x4_8765_4000, level: 3, a: NORMAL_RW, perm: S2_R | S2_W | S2_X1 | S2_X0, off: 0x123 },
    { ipa: 0x12_3456_9000, pa: 0x5000, level: 3, a: NONE_X1, perm: S2_X1, off: 0xff8 },
    { ipa: 0x40_0020_0000, pa: 0x8020_0000, level: 2, a: RO_NX_DEVICE, perm: S2_R, off: 0x1_2345 },
    { ipa: 0x7_c000_0000, pa: 0x1_4000_0000, level: 1, a: WO_X0, perm: S2_W | S2_X0, off: 0x1234_5678 },
  ];

  for (const ipaBits of [40, 48]) {
    it(`gives the intended output, size, permissions and attributes (${ipaBits}-bit IPA)`, () => {
      const mem = new HostMemory();
      const t = new Stage2Tables(mem, ipaBits);
      const all = [...mappings];
      if (ipaBits === 48) all.push({ ipa: 0xa000_4000_0000, pa: 0xfe_4000_0000, level: 1, a: NORMAL_RW, perm: S2_R | S2_W | S2_X1 | S2_X0, off: 0x3fff_ffff });
      for (const m of all) t.map(m.ipa, m.pa, m.level, m.a);
      const mmu = mmuOver(mem, t.vtcr(48), t.vttbr(9));
      expect(mmu.vmid()).toBe(9);
      const fault = new Fault();
      for (const m of all) {
        const e = mmu.walkStage2(m.ipa + m.off, fault);
        expect(e, `IPA 0x${m.ipa.toString(16)}`).toBeDefined();
        expect(e!.pa).toBe(m.pa);
        expect(e!.ipa).toBe(m.ipa);
        expect(e!.shift).toBe(12 + 9 * (3 - m.level));
        expect(e!.level).toBe(m.level);
        expect(e!.perm & S2_ALL).toBe(m.perm);
        expect(e!.attr).toBe(m.a.memAttr);
        expect(e!.sh).toBe(m.a.sh);
        expect(e!.s2device).toBe(m.a.memAttr === 0b0001);
      }

      const faults: [number, number][] = [
        [0x1_0000_0000, 1], // empty L1 slot under a used L0 slot
        [0x12_3400_0000, 2],
        [0x12_3456_8000, 3],
        // An empty L0 slot (48 bits), an empty slot of the concatenated level-1 root (40 bits).
        [0x90_0000_0000, ipaBits === 40 ? 1 : 0],
        [ipaBits === 40 ? 2 ** 40 : 0x8000_0000_0000, 0],
      ];
      for (const [ipa, level] of faults) {
        const f = new Fault();
        expect(mmu.walkStage2(ipa, f), `IPA 0x${ipa.toString(16)}`).toBeUndefined();
        expect([f.kind, f.level, f.stage2, f.ipa]).toEqual([FaultKind.TRANSLATION, level, true, ipa]);
      }

      // The walk follows unmaps and block replacements.
      t.unmap(0x12_3456_7000, PAGE);
      const f = new Fault();
      expect(mmu.walkStage2(0x12_3456_7000, f)).toBeUndefined();
      expect([f.kind, f.level]).toEqual([FaultKind.TRANSLATION, 3]);
      t.map(0x12_0000_0000, 0x3_0000_0000, 1, RO_NX_DEVICE);
      const e = mmu.walkStage2(0x12_3456_9010, fault)!;
      expect([e.pa, e.shift, e.perm & S2_ALL]).toEqual([0x3_0000_0000, 30, S2_R]);
    });
  }

  // Nested mode accepts PEs with 40- and 42-bit PAs and gives them that many IPA bits;
  // a level-0 stage-2 start is reserved below 44 PA bits (AArch64.S2InvalidSL).
  for (const paBits of [40, 42]) {
    it(`is walkable on a PE with a ${paBits}-bit PA size`, () => {
      const mem = new HostMemory();
      const t = new Stage2Tables(mem, paBits);
      t.map(0x12_3456_7000, 0x4_8765_4000, 3, NORMAL_RW);
      t.map(0x7_c000_0000, 0x1_4000_0000, 1, RO_NX_DEVICE);
      const mmu = mmuOver(mem, t.vtcr(paBits), t.vttbr(9), { ...FEATURES, paBits });
      const fault = new Fault();
      const e = mmu.walkStage2(0x12_3456_7123, fault);
      expect(e, fault.describe()).toBeDefined();
      expect([e!.pa, e!.shift]).toEqual([0x4_8765_4000, 12]);
      expect(mmu.walkStage2(0x7_c123_4567, fault)?.pa).toBe(0x1_4000_0000);
    });
  }

  it('tells whether a block-sized range already holds leaves (a mapping would replace them)', () => {
    const t = new Stage2Tables(new HostMemory(), 48);
    const G = 2 ** 30;
    const M2 = 2 ** 21;
    expect(t.leavesWithin(0, G)).toBe(false);
    t.map(3 * G + 5 * M2 + 0x7000, 0x7000, 3, NORMAL_RW);
    expect(t.leavesWithin(3 * G, G)).toBe(true); // a page deep under the 1 GiB slot
    expect(t.leavesWithin(3 * G + 5 * M2, M2)).toBe(true);
    expect(t.leavesWithin(3 * G + 4 * M2, M2)).toBe(false); // its level-3 table is elsewhere
    expect(t.leavesWithin(3 * G + 5 * M2 + 0x8000, 4096)).toBe(false);
    expect(t.leavesWithin(3 * G + 5 * M2 + 0x7000, 4096)).toBe(true);
    t.map(6 * G, 0, 1, NORMAL_RW);
    expect(t.leavesWithin(6 * G + 7 * M2, M2)).toBe(true); // inside a bigger block
    t.unmap(3 * G, G);
    expect(t.leavesWithin(3 * G, G)).toBe(false); // empty tables left behind hold no leaves
  });

  // Past 48 bits the tables use the LPA2 format (DS = 1): a level-0 root of 2 to 16 concatenated tables,
  // OA[51:50] in descriptor bits [9:8], shareability from VTCR_EL2.SH0.
  for (const ipaBits of [49, 52]) {
    it(`is walkable with ${ipaBits}-bit IPAs in the LPA2 format`, () => {
      const mem = new HostMemory();
      const t = new Stage2Tables(mem, ipaBits);
      expect([t.ds, t.startLevel, t.rootPages, t.vtcrHi()]).toEqual([true, 0, 2 ** (ipaBits - 48), 1]);
      expect(t.vtcr(52) & 0x3f).toBe(64 - ipaBits);
      expect((t.vtcr(52) >>> 16) & 7).toBe(6);
      const top = 2 ** ipaBits - 2 ** 30;
      t.map(top, 0xf_8000_4000_0000 % 2 ** 52, 1, NORMAL_RW);
      t.map(0x1_2345_6000, 0x9_8765_4321_0000 % 2 ** 52, 3, RO_NX_DEVICE);
      const mmu = mmuOver(mem, [t.vtcr(52), t.vtcrHi()], t.vttbr(4), { ...FEATURES, paBits: 52, lpa2: true });
      const fault = new Fault();
      const a = mmu.walkStage2(top + 0x1234, fault);
      expect(a, fault.describe()).toBeDefined();
      expect([a!.pa, a!.shift, a!.perm & S2_ALL]).toEqual([0xf_8000_4000_0000 % 2 ** 52, 30, S2_ALL]);
      const b = mmu.walkStage2(0x1_2345_6abc, fault)!;
      expect([b.pa, b.shift, b.perm & S2_ALL, b.attr]).toEqual([0x9_8765_4321_0000 % 2 ** 52, 12, S2_R, 1]);
      const f = new Fault();
      expect(mmu.walkStage2(2 ** 48, f)).toBeUndefined();
      expect([f.kind, f.level, f.stage2]).toEqual([FaultKind.TRANSLATION, 0, true]);
    });
  }

  it('walks a level-1 root (36-bit IPA)', () => {
    const mem = new HostMemory();
    const t = new Stage2Tables(mem, 36);
    t.map(0x1_2345_6000, 0x9000, 3, NORMAL_RW);
    t.map(0x8_0000_0000, 0x4000_0000, 1, RO_NX_DEVICE);
    const mmu = mmuOver(mem, t.vtcr(48), t.vttbr(3));
    const fault = new Fault();
    expect(mmu.walkStage2(0x1_2345_6abc, fault)!.pa).toBe(0x9000);
    const e = mmu.walkStage2(0x8_1234_5678, fault)!;
    expect([e.pa, e.shift, e.perm & S2_ALL, e.attr]).toEqual([0x4000_0000, 30, S2_R, 1]);
    const f = new Fault();
    expect(mmu.walkStage2(0x2_0000_0000, f)).toBeUndefined();
    expect([f.kind, f.level, f.stage2]).toEqual([FaultKind.TRANSLATION, 1, true]);
  });
});

describe('CanonicalStage2', () => {
  it('backs every IPA in range except the host window', () => {
    const c40 = new CanonicalStage2(new HostMemory(), 40);
    const c48 = new CanonicalStage2(new HostMemory(), 48);
    for (const c of [c40, c48]) {
      expect(c.backs(0)).toBe(true);
      expect(c.backs(0x4000_0000)).toBe(true);
      expect(c.backs(0x7f_ffff_ffff)).toBe(true);
      expect(c.backs(0x80_0000_0000)).toBe(false);
      expect(c.backs(HOST_MEMORY_BASE)).toBe(false);
      expect(c.backs(0xff_ffff_ffff)).toBe(false);
      expect(c.backs(-1)).toBe(false);
    }
    expect(c40.backs(0x100_0000_0000)).toBe(false);
    expect(c48.backs(0x100_0000_0000)).toBe(true);
    expect(c48.backs(2 ** 48 - 1)).toBe(true);
    expect(c48.backs(2 ** 48)).toBe(false);
  });

  it('maps the identity 1 GiB block on a fault, nothing in the host window', () => {
    const mem = new HostMemory();
    const c = new CanonicalStage2(mem, 48);
    expect(c.fault(0x1_2345_6789)).toBe(true);
    const d = c.tables.lookup(0x1_2345_6789)!;
    expect(d.level).toBe(1);
    expect(desc64(d)).toBe(expectedLeaf(0x1_0000_0000, 1, NORMAL_RW));
    expect(c.fault(0x1_0000_0000)).toBe(true);
    expect(c.tables.leaves).toBe(1);
    expect(c.fault(0x123_4567_89ab)).toBe(true);
    expect(fields(c.tables.lookup(0x123_4567_89ab)!).oa).toBe(0x123_4000_0000);
    expect(c.tables.leaves).toBe(2);
    const pages = mem.inUse;
    for (const ipa of [0x80_0000_0000, HOST_MEMORY_BASE + 0x1000, 0xff_ffff_f000, 2 ** 48]) {
      expect(c.fault(ipa)).toBe(false);
      expect(c.tables.lookup(ipa % 2 ** 48)).toBeNull();
    }
    expect(c.tables.leaves).toBe(2);
    expect(mem.inUse).toBe(pages);

    expect(c.vttbr()).toEqual(c.tables.vttbr(CANONICAL_VMID));
    const mmu = mmuOver(mem, c.vtcr(48), c.vttbr());
    expect(mmu.vmid()).toBe(CANONICAL_VMID);
    const fault = new Fault();
    const e = mmu.walkStage2(0x1_2345_6789, fault)!;
    expect([e.pa, e.shift, e.perm & S2_ALL, e.attr]).toEqual([0x1_0000_0000, 30, S2_R | S2_W | S2_X1 | S2_X0, 0b1111]);
    const f = new Fault();
    expect(mmu.walkStage2(HOST_MEMORY_BASE, f)).toBeUndefined();
    expect([f.kind, f.stage2]).toEqual([FaultKind.TRANSLATION, true]);
  });
});
