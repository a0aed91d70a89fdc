import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { Access } from '../../emulator/mmu/permissions.js';
import { TLB_CAPACITY, TlbEntry, TlbKind } from '../../emulator/mmu/tlb.js';
import { executeTlbi } from '../../emulator/mmu/tlbi.js';
import { AF, Harness, NG, PAGE, TCR_48_4K, TableBuilder } from './mmu-harness.js';

const T = 0x4100_0000;
const VA = 0x0000_0040_0020_3000n;
const OLD = 0x4800_0000n;
const NEW = 0x4900_0000n;

/** EL1&0 with 4KB tables built by a TableBuilder; ASID 5 in TTBR0_EL1, VMID 7. */
function setup(asid = 5n): { h: Harness; tb: TableBuilder } {
  const h = new Harness();
  h.set(SR.TCR_EL1, TCR_48_4K | (1n << 36n)); // 16-bit ASIDs
  h.set(SR.TTBR0_EL1, BigInt(T) | (asid << 48n));
  h.set(SR.MAIR_EL1, 0xffn);
  h.set(SR.SCTLR_EL1, 1n);
  h.set(SR.VTTBR_EL2, 7n << 48n);
  h.set(SR.VTCR_EL2, 1n << 19n); // VS: 16-bit VMIDs
  h.set(SR.HCR_EL2, 1n << 31n);
  return { h, tb: new TableBuilder(h.mem, T, 0, 9, T + 0x1000) };
}

/** What the access rules pass for a TLBI by VA at EL1: Xt = ASID[63:48] | TTL[47:44] | VA[55:12]. */
function tlbi(h: Harness, op: string, xt: bigint, regime = 'Regime_EL10', level?: string): number {
  const args: unknown[] = ['SS_NonSecure', regime, 7, 'Broadcast_NSH'];
  if (level) args.push(level);
  args.push('TLBI_AllAttr', xt);
  return executeTlbi(h.mmu, h.sr, `AArch64_TLBI_${op}`, args).removed;
}

const vaOperand = (va: bigint, asid = 0n, ttl = 0n): bigint => (asid << 48n) | (ttl << 44n) | ((va >> 12n) & ((1n << 44n) - 1n));

describe('the TLB keeps translations until a TLBI removes them', () => {
  it('uses the cached translation after the tables change, and the new one after TLBI VAE1', () => {
    const { h, tb } = setup();
    tb.map(VA, OLD | AF | NG | PAGE);
    expect(h.translate(VA, 1, Access.READ)).toBe(OLD);
    tb.map(VA, NEW | AF | NG | PAGE);
    expect(h.translate(VA, 1, Access.READ)).toBe(OLD);
    // Another ASID's invalidation leaves this non-global entry alone.
    expect(tlbi(h, 'VA', vaOperand(VA, 6n), 'Regime_EL10', 'TLBILevel_Any')).toBe(0);
    expect(h.translate(VA, 1, Access.READ)).toBe(OLD);
    expect(tlbi(h, 'VA', vaOperand(VA, 5n), 'Regime_EL10', 'TLBILevel_Any')).toBe(1);
    expect(h.translate(VA, 1, Access.READ)).toBe(NEW);
  });

  it('invalidates global entries whatever ASID the operand names', () => {
    const { h, tb } = setup();
    tb.map(VA, OLD | AF | PAGE);
    h.translate(VA, 1, Access.READ);
    expect(tlbi(h, 'VA', vaOperand(VA, 99n), 'Regime_EL10', 'TLBILevel_Any')).toBe(1);
  });

  it('honours the TTL hint strictly: a level-2 hint leaves a level-3 entry', () => {
    const { h, tb } = setup();
    tb.map(VA, OLD | AF | PAGE);
    h.translate(VA, 1, Access.READ);
    // TTL = 0b01_10: 4KB granule, level 2.
    expect(tlbi(h, 'VA', vaOperand(VA, 5n, 0b0110n), 'Regime_EL10', 'TLBILevel_Any')).toBe(0);
    expect(tlbi(h, 'VA', vaOperand(VA, 5n, 0b0111n), 'Regime_EL10', 'TLBILevel_Any')).toBe(1);
  });

  it('ASIDE1 removes one ASID, VMALLE1 the current VMID only', () => {
    const { h, tb } = setup();
    tb.map(VA, OLD | AF | NG | PAGE);
    h.translate(VA, 1, Access.READ);
    expect(tlbi(h, 'ASID', 4n << 48n)).toBe(0);
    expect(tlbi(h, 'ASID', 5n << 48n)).toBe(1);
    h.translate(VA, 1, Access.READ);
    h.set(SR.VTTBR_EL2, 8n << 48n);
    expect(tlbi(h, 'VMALL', 0n)).toBe(0);
    h.set(SR.VTTBR_EL2, 7n << 48n);
    expect(tlbi(h, 'VMALL', 0n)).toBe(1);
  });

  it('RVAE1: a range of pages in the 4KB operand format, and in 64KB units with LPA2', () => {
    const { h, tb } = setup();
    for (let i = 0n; i < 8n; i++) {
      tb.map(VA + i * 0x1000n, (OLD + i * 0x1000n) | AF | NG | PAGE);
      h.translate(VA + i * 0x1000n, 1, Access.READ);
    }
    // TG = 01 (4KB), SCALE = 0, NUM = 1: (1 + 1) * 2^1 = 4 pages from VA + 0x1000.
    const base = (VA + 0x1000n) >> 12n;
    expect(tlbi(h, 'RVA', (5n << 48n) | (1n << 46n) | (1n << 39n) | base, 'Regime_EL10', 'TLBILevel_Any')).toBe(4);
    // With TCR_EL1.DS = 1 BaseADDR counts 64KB units: the whole 64KB block holding VA.
    h.set(SR.TCR_EL1, TCR_48_4K | (1n << 36n) | (1n << 59n));
    expect(tlbi(h, 'RVA', (5n << 48n) | (1n << 46n) | (7n << 39n) | (VA >> 16n), 'Regime_EL10', 'TLBILevel_Any')).toBe(4);
    // TG = 00 is reserved: nothing happens.
    expect(tlbi(h, 'RVA', 0n, 'Regime_EL10', 'TLBILevel_Any')).toBe(0);
  });

  it('caches a Contiguous run of 16 pages as one entry, which a TLBI of any page in it removes', () => {
    const { h, tb } = setup();
    const CONT = 1n << 52n;
    const base = VA & ~0xffffn; // 64KB aligned
    for (let i = 0n; i < 16n; i++) tb.map(base + i * 0x1000n, (OLD + i * 0x1000n) | AF | NG | PAGE | CONT);
    expect(h.translate(base + 0x3123n, 1, Access.READ)).toBe(OLD + 0x3123n);
    expect(h.mmu.tlb.size).toBe(1);
    // The run translates from the one entry: page 9 without another walk.
    const reads = h.mem.reads;
    expect(h.translate(base + 0x9000n, 1, Access.READ)).toBe(OLD + 0x9000n);
    expect(h.mem.reads).toBe(reads);
    expect(tlbi(h, 'VA', vaOperand(base + 0xf000n, 5n), 'Regime_EL10', 'TLBILevel_Any')).toBe(1);
    expect(h.mmu.tlb.size).toBe(0);
  });

  it('evicts the oldest entry beyond capacity, deterministically', () => {
    const h = new Harness();
    const mk = (vpn: number): TlbEntry => {
      const e = new TlbEntry();
      e.kind = TlbKind.EL2;
      e.vpn = vpn;
      return e;
    };
    const first = mk(0);
    h.mmu.tlb.insert(first);
    for (let i = 1; i <= TLB_CAPACITY; i++) h.mmu.tlb.insert(mk(i));
    expect(h.mmu.tlb.size).toBe(TLB_CAPACITY);
    expect(first.dead).toBe(true);
    expect(h.mmu.tlb.lookup(TlbKind.EL2, 0, -1, 0, 0)).toBeUndefined();
    expect(h.mmu.tlb.lookup(TlbKind.EL2, 0, -1, 0x1000, 0)).toBeDefined();
  });
});

describe('stage-2 entries', () => {
  const S2T = 0x4200_0000;
  function twoStage(): { h: Harness; s1: TableBuilder; s2: TableBuilder } {
    const { h, tb } = setup();
    h.set(SR.VTCR_EL2, 24n | (1n << 6n) | (5n << 16n) | (1n << 19n));
    h.set(SR.VTTBR_EL2, BigInt(S2T) | (7n << 48n));
    h.set(SR.HCR_EL2, (1n << 31n) | 1n);
    const s2 = new TableBuilder(h.mem, S2T, 1, 10, S2T + 0x2000);
    const rw = AF | (3n << 6n) | (0xfn << 2n) | PAGE;
    for (let i = 0; i < 8; i++) s2.map(BigInt(T + i * 0x1000), BigInt(T + i * 0x1000) | rw);
    return { h, s1: tb, s2 };
  }

  it('IPAS2E1 removes stage-2-only entries; combined entries wait for VMALLE1, as KVM expects', () => {
    const { h, s1, s2 } = twoStage();
    const rw = AF | (3n << 6n) | (0xfn << 2n) | PAGE;
    const ipa = 0x5000_0000n;
    s1.map(VA, ipa | AF | NG | PAGE);
    s2.map(ipa, OLD | rw);
    expect(h.translate(VA, 1, Access.READ)).toBe(OLD);
    s2.map(ipa, NEW | rw);
    expect(tlbi(h, 'IPAS2', ipa >> 12n, 'Regime_EL10', 'TLBILevel_Any')).toBe(1);
    expect(h.translate(VA, 1, Access.READ)).toBe(OLD);
    expect(tlbi(h, 'VMALL', 0n)).toBe(1);
    expect(h.translate(VA, 1, Access.READ)).toBe(NEW);
    // VMALLS12E1 takes both kinds.
    const before = h.mmu.tlb.size;
    expect(tlbi(h, 'VMALLS12', 0n)).toBe(before);
    expect(h.mmu.tlb.size).toBe(0);
  });
});
