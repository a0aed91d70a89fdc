import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { OaFormat, descriptorAddress } from '../../emulator/mmu/descriptor.js';
import { FaultKind, faultStatusCode } from '../../emulator/mmu/fault.js';
import { Access } from '../../emulator/mmu/permissions.js';
import { AF, AP_EL0, AP_RO, BLOCK, Harness, PAGE, PXN, TABLE, TCR_48_4K, TableBuilder, UXN, index4k, map4k } from './mmu-harness.js';

const T = 0x4100_0000; // table pool
const VA = 0x0000_1234_5678_9000n;
const PA = 0x4800_0000n;

/** EL1&0 stage 1 with TTBR0 at T, MAIR index 0 Normal WB. */
function el1(h: Harness): void {
  h.set(SR.TCR_EL1, TCR_48_4K);
  h.set(SR.TTBR0_EL1, BigInt(T));
  h.set(SR.MAIR_EL1, 0xffn);
  h.set(SR.SCTLR_EL1, 1n);
  h.set(SR.HCR_EL2, 1n << 31n);
}

describe('descriptor fields', () => {
  it('reads output addresses in the plain, DS and 64KB-LPA formats', () => {
    const d = (v: bigint): [number, number] => [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
    expect(descriptorAddress(...d(0x0000_8765_4321_f703n), 12, OaFormat.PLAIN)).toBe(0x8765_4321_f000);
    // DS: OA[51:50] in bits [9:8], OA[49:48] in bits [49:48].
    expect(descriptorAddress(...d(0x0003_1234_5678_9303n), 12, OaFormat.DS)).toBe(0xf_1234_5678_9000);
    // 64KB LPA: OA[51:48] in bits [15:12].
    expect(descriptorAddress(...d(0x0000_1234_5679_a703n), 16, OaFormat.LPA64K)).toBe(0xa_1234_5679_0000);
    // A 512GB block keeps only bits above 39.
    expect(descriptorAddress(...d(0x0000_ff80_1234_5701n), 39, OaFormat.PLAIN)).toBe(0xff80_0000_0000);
  });

  it('encodes fault status codes, level -1 included', () => {
    expect(faultStatusCode(FaultKind.TRANSLATION, -1)).toBe(0b101011);
    expect(faultStatusCode(FaultKind.ADDRESS_SIZE, -1)).toBe(0b101001);
    expect(faultStatusCode(FaultKind.WALK_EXTERNAL, -1)).toBe(0b010011);
    expect([0, 1, 2, 3].map((l) => faultStatusCode(FaultKind.TRANSLATION, l))).toEqual([4, 5, 6, 7]);
    expect(faultStatusCode(FaultKind.ACCESS_FLAG, 0)).toBe(0b001000);
    expect(faultStatusCode(FaultKind.PERMISSION, 3)).toBe(0b001111);
    expect(faultStatusCode(FaultKind.WALK_EXTERNAL, 2)).toBe(0b010110);
  });
});

describe('stage-1 walks', () => {
  it('translates a page and a 2MB block', () => {
    const h = new Harness();
    el1(h);
    map4k(h.mem, T, VA, PA, AF);
    expect(h.translate(VA | 0xabcn, 1, Access.READ)).toBe(PA | 0xabcn);
    const va2 = 0x0000_0000_8020_0000n;
    h.mem.write(T + index4k(va2, 0) * 8, BigInt(T + 0x4000) | TABLE);
    h.mem.write(T + 0x4000 + index4k(va2, 1) * 8, BigInt(T + 0x5000) | TABLE);
    h.mem.write(T + 0x5000 + index4k(va2, 2) * 8, 0x4a00_0000n | AF | BLOCK);
    expect(h.translate(va2 + 0x12345n, 1, Access.READ)).toBe(0x4a01_2345n);
  });

  it('reports a translation fault at the level of the first invalid descriptor', () => {
    const h = new Harness();
    el1(h);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 0');
    h.mem.write(T + index4k(VA, 0) * 8, BigInt(T + 0x1000) | TABLE);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 1');
    h.mem.write(T + 0x1000 + index4k(VA, 1) * 8, BigInt(T + 0x2000) | TABLE);
    h.mem.write(T + 0x2000 + index4k(VA, 2) * 8, BigInt(T + 0x3000) | TABLE);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 3');
    // Level 3 with bits[1:0] = 0b01 is reserved, not a block.
    h.mem.write(T + 0x3000 + index4k(VA, 3) * 8, PA | AF | BLOCK);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 3');
  });

  it('takes a translation fault for a block at a level without blocks (4KB level 0 without DS)', () => {
    const h = new Harness();
    el1(h);
    h.mem.write(T + index4k(VA, 0) * 8, AF | BLOCK);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 0');
  });

  it('takes access flag and address size faults at the leaf level', () => {
    const h = new Harness();
    el1(h);
    map4k(h.mem, T, VA, PA, 0n);
    expect(h.translate(VA, 1, Access.READ)).toBe('access flag fault, level 3');
    h.set(SR.TCR_EL1, (TCR_48_4K & ~(7n << 32n)) | (2n << 32n)); // IPS 40 bits
    map4k(h.mem, T, VA, 0x100_0000_0000n, AF);
    h.mmu.tlb.clear();
    expect(h.translate(VA, 1, Access.READ)).toBe('address size fault, level 3');
  });

  it('takes a level-0 translation fault for an address between the two VA ranges, and with EPD0', () => {
    const h = new Harness();
    el1(h);
    map4k(h.mem, T, VA, PA, AF);
    expect(h.translate(0x0001_0000_0000_0000n, 1, Access.READ)).toBe('translation fault, level 0');
    h.set(SR.TCR_EL1, TCR_48_4K | (1n << 7n));
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 0');
  });

  it('stops at the walk depth whatever the tables point at: a table that points at itself', () => {
    const h = new Harness();
    el1(h);
    // Every level's index-0 entry points back at the same table.
    h.mem.write(T, BigInt(T) | TABLE);
    h.mem.reads = 0;
    // At level 3 the same word reads as a page descriptor with AF = 0.
    expect(h.translate(0x0000_0000_0000_0000n, 1, Access.READ)).toBe('access flag fault, level 3');
    expect(h.mem.reads).toBe(4);
  });

  it('takes a synchronous external abort on the walk for a table outside memory', () => {
    const h = new Harness();
    el1(h);
    h.mem.write(T + index4k(VA, 0) * 8, 0x1000_0000_0000n | TABLE);
    expect(h.translate(VA, 1, Access.READ)).toBe('external abort on walk fault, level 1');
  });

  it('aligns a misaligned TTBR base down to the start table', () => {
    const h = new Harness();
    el1(h);
    map4k(h.mem, T, VA, PA, AF);
    h.set(SR.TTBR0_EL1, BigInt(T) | 0x7f8n);
    expect(h.translate(VA, 1, Access.READ)).toBe(PA);
  });
});

describe('stage-1 permissions', () => {
  const setup = (attrs: bigint, tableHi = 0n): Harness => {
    const h = new Harness();
    el1(h);
    map4k(h.mem, T, VA, PA, AF | attrs);
    if (tableHi) h.mem.write(T + index4k(VA, 0) * 8, BigInt(T + 0x1000) | TABLE | tableHi);
    return h;
  };

  it('AP[2:1]: EL1-only read/write, read-only, EL0 access', () => {
    let h = setup(0n);
    expect(h.translate(VA, 1, Access.WRITE)).toBe(PA);
    expect(h.translate(VA, 0, Access.READ)).toBe('permission fault, level 3');
    h = setup(AP_RO);
    expect(h.translate(VA, 1, Access.WRITE)).toBe('permission fault, level 3');
    h = setup(AP_EL0);
    expect(h.translate(VA, 0, Access.WRITE)).toBe(PA);
  });

  it('PAN forbids privileged data access to EL0-accessible memory, not instruction fetch', () => {
    const h = setup(AP_EL0);
    expect(h.translate(VA, 1, Access.READ, 2 /* TF.PAN */)).toBe('permission fault, level 3');
    // Memory EL0 can write is never executable at EL1.
    expect(h.translate(VA, 1, Access.EXEC, 2)).toBe('permission fault, level 3');
    const ro = setup(AP_EL0 | AP_RO);
    expect(ro.translate(VA, 1, Access.EXEC, 2)).toBe(PA);
  });

  it('UXN, PXN and the table attributes APTable, XNTable, PXNTable (unless HPD)', () => {
    expect(setup(UXN | AP_EL0 | AP_RO).translate(VA, 0, Access.EXEC)).toBe('permission fault, level 3');
    expect(setup(PXN).translate(VA, 1, Access.EXEC)).toBe('permission fault, level 3');
    // APTable[1] (bit 62): read-only below.
    expect(setup(0n, 1n << 62n).translate(VA, 1, Access.WRITE)).toBe('permission fault, level 3');
    // PXNTable (bit 59).
    expect(setup(0n, 1n << 59n).translate(VA, 1, Access.EXEC)).toBe('permission fault, level 3');
    const h = setup(0n, 1n << 59n);
    h.set(SR.TCR_EL1, TCR_48_4K | (1n << 41n)); // HPD0
    expect(h.translate(VA, 1, Access.EXEC)).toBe(PA);
  });

  it('SCTLR_EL1.WXN makes writable memory execute-never', () => {
    const h = setup(0n);
    h.set(SR.SCTLR_EL1, 1n | (1n << 19n));
    expect(h.translate(VA, 1, Access.EXEC)).toBe('permission fault, level 3');
  });

  it('E0PD0 faults every EL0 access to the lower range at level 0', () => {
    const h = setup(AP_EL0);
    h.set(SR.TCR_EL1, TCR_48_4K | (1n << 55n));
    expect(h.translate(VA, 0, Access.READ)).toBe('translation fault, level 0');
    expect(h.translate(VA, 1, Access.READ)).toBe(PA);
  });
});

describe('stage 2', () => {
  const S2T = 0x4200_0000;
  const NORMAL_RO = AF | (1n << 6n) | (0xfn << 2n) | PAGE;
  /** Stage 2 over a 40-bit IPA starting at level 1 with two concatenated tables (VTCR_EL2 T0SZ = 24, SL0 = 1, 4KB), VMID 7. */
  function s2(h: Harness): TableBuilder {
    h.set(SR.VTCR_EL2, 24n | (1n << 6n) | (5n << 16n));
    h.set(SR.VTTBR_EL2, BigInt(S2T) | (7n << 48n));
    h.set(SR.HCR_EL2, (1n << 31n) | 1n);
    return new TableBuilder(h.mem, S2T, 1, 10, S2T + 0x2000);
  }

  it('translates through both stages and reports stage-2 faults with the IPA', () => {
    const h = new Harness();
    el1(h);
    const st2 = s2(h);
    const ipa = 0x5000_0000n;
    map4k(h.mem, T, VA, ipa, AF);
    // The stage-1 tables' own IPAs (identity) need stage-2 mappings too.
    for (let i = 0; i < 4; i++) st2.map(BigInt(T + i * 0x1000), BigInt(T + i * 0x1000) | NORMAL_RO);
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 2, stage 2 @ipa 0x50000000');
    st2.map(ipa, PA | NORMAL_RO);
    expect(h.translate(VA | 0x10n, 1, Access.READ)).toBe(PA | 0x10n);
    expect(h.translate(VA | 0x10n, 1, Access.WRITE)).toBe('permission fault, level 3, stage 2 @ipa 0x50000010');
  });

  it('checks stage-1 permissions before stage 2 translates the output (AArch64.FullTranslate)', () => {
    const h = new Harness();
    el1(h);
    const st2 = s2(h);
    map4k(h.mem, T, VA, 0x5000_0000n, AF | AP_RO);
    for (let i = 0; i < 4; i++) st2.map(BigInt(T + i * 0x1000), BigInt(T + i * 0x1000) | NORMAL_RO);
    // The IPA is unmapped at stage 2, but the write fails at stage 1 first.
    expect(h.translate(VA, 1, Access.WRITE)).toBe('permission fault, level 3');
    expect(h.translate(VA, 1, Access.READ)).toBe('translation fault, level 2, stage 2 @ipa 0x50000000');
  });

  it('reports a stage-2 fault on the stage-1 walk (S1PTW) with the descriptor IPA', () => {
    const h = new Harness();
    el1(h);
    s2(h);
    map4k(h.mem, T, VA, 0x5000_0000n, AF);
    const desc = T + index4k(VA, 0) * 8;
    expect(h.translate(VA, 1, Access.READ)).toBe(`translation fault, level 1, stage 2 on the stage-1 walk @ipa 0x${desc.toString(16)}`);
    expect(h.mmu.fault.s1ptw).toBe(true);
  });

  it('rejects stage-2 start levels the Arm ARM rules out with a level-0 translation fault', () => {
    const h = new Harness();
    el1(h);
    s2(h);
    h.set(SR.SCTLR_EL1, 0n);
    // T0SZ = 24 (40-bit IPA) cannot start at level 2: it would need 2^10 concatenated tables.
    h.set(SR.VTCR_EL2, 24n | (0n << 6n) | (5n << 16n));
    expect(h.translate(0x1000n, 1, Access.READ)).toBe('translation fault, level 0, stage 2 @ipa 0x1000');
  });
});

describe('every fault kind at every level (4KB, DS = 1, 52-bit VA: levels -1 to 3)', () => {
  const TCR_52_DS = 12n | (6n << 32n) | (1n << 59n) | (12n << 16n) | (2n << 30n);
  const VA52 = 0x000f_1234_5678_9000n; // every level's index is non-zero
  const T52 = 0x4300_0000;
  const setup = (): { h: Harness; tb: TableBuilder } => {
    const h = new Harness();
    h.set(SR.TCR_EL1, TCR_52_DS);
    h.set(SR.TTBR0_EL1, BigInt(T52));
    h.set(SR.MAIR_EL1, 0xffn);
    h.set(SR.SCTLR_EL1, 1n);
    h.set(SR.HCR_EL2, 1n << 31n);
    return { h, tb: new TableBuilder(h.mem, T52, -1, 4, T52 + 0x1000) };
  };
  const leafShift = (level: number): bigint => BigInt(12 + 9 * (3 - level));
  const fsc = (h: Harness): number => h.mmu.fault.fsc();

  it('translation faults at levels -1..3 have FSCs 0b101011, 0b000100..0b000111', () => {
    const want = [0b101011, 0b000100, 0b000101, 0b000110, 0b000111];
    for (let level = -1; level <= 3; level++) {
      const { h, tb } = setup();
      // Tables down to `level`, whose entry stays invalid.
      if (level > -1) tb.map(VA52, 0n, level);
      expect(h.translate(VA52, 1, Access.READ)).toBe(`translation fault, level ${level}`);
      expect(fsc(h)).toBe(want[level + 1]);
    }
  });

  it('access flag and permission faults at every level that holds leaves (0 with DS, 1, 2, 3)', () => {
    for (const level of [0, 1, 2, 3]) {
      const leaf = (level === 3 ? PAGE : BLOCK) | (0x4800_0000n & ~((1n << leafShift(level)) - 1n));
      let { h, tb } = setup();
      tb.map(VA52, leaf, level);
      expect(h.translate(VA52, 1, Access.READ)).toBe(`access flag fault, level ${level}`);
      expect(fsc(h)).toBe(0b001000 | level);
      ({ h, tb } = setup());
      tb.map(VA52, leaf | AF | AP_RO, level);
      expect(h.translate(VA52, 1, Access.WRITE)).toBe(`permission fault, level ${level}`);
      expect(fsc(h)).toBe(0b001100 | level);
    }
  });

  it('address size faults at levels -1..3: tables and leaves beyond a 40-bit IPS', () => {
    const want = [0b101001, 0b000000, 0b000001, 0b000010, 0b000011];
    for (let level = -1; level <= 3; level++) {
      const { h, tb } = setup();
      const beyond = 1n << 44n;
      // A table descriptor at `level` (or a leaf at level 3) pointing at 2^44.
      const desc = level === 3 ? beyond | AF | PAGE : beyond | TABLE;
      if (level === -1) h.mem.write(T52 + Number((VA52 >> 48n) & 0xfn) * 8, desc);
      else tb.map(VA52, desc, level);
      h.set(SR.TCR_EL1, (TCR_52_DS & ~(7n << 32n)) | (2n << 32n));
      expect(h.translate(VA52, 1, Access.READ)).toBe(`address size fault, level ${level}`);
      expect(fsc(h)).toBe(want[level + 1]);
    }
  });

  it('synchronous external aborts on the walk at levels 0..3 (a table in a hole), and at -1 (the TTBR)', () => {
    const want = [0b010011, 0b010100, 0b010101, 0b010110, 0b010111];
    for (let level = -1; level <= 3; level++) {
      const { h, tb } = setup();
      const hole = 0x1000_0000n; // below RAM
      if (level === -1) h.set(SR.TTBR0_EL1, hole);
      else if (level === 0) h.mem.write(T52 + Number((VA52 >> 48n) & 0xfn) * 8, hole | TABLE);
      else tb.map(VA52, hole | TABLE, level - 1);
      expect(h.translate(VA52, 1, Access.READ)).toBe(`external abort on walk fault, level ${level}`);
      expect(fsc(h)).toBe(want[level + 1]);
    }
  });
});
