/**
 * emulator/traps/default.traps, the L0 host model's default trap table: it
 * is exactly what its generator (emulator/traps/gen-default-traps.ts)
 * writes, the checker finds nothing wrong with it, every encoding maps to the
 * controls the generator derived from Arm's rules, and the compiled table
 * decides representative accesses as KVM does.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../emulator/arch/cpu-profile.js';
import { SR_LAYOUT } from '../../emulator/arch/generated/sysreg-rules.js';
import { findSysreg, lookupSysreg, sysregFields } from '../../emulator/arch/sysreg-db.js';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import type { RegisterFile } from '../../emulator/traps/builtins.js';
import { encodingFacts, keysWithFacts, rulesFor } from '../../emulator/traps/architecture.js';
import { checkTraps, type CheckResult } from '../../emulator/traps/checker.js';
import { type CompiledTraps, compileTraps } from '../../emulator/traps/compiler.js';
import { buildDefaultTrapsTable, generateDefaultTraps } from '../../emulator/traps/gen-default-traps.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILE = 'emulator/traps/default.traps';
const TEXT = readFileSync(ROOT + FILE, 'utf8');

const slots = SR_LAYOUT.reduce((n, [, k]) => n + k, 0);
const regFile = (): RegisterFile & { set(slot: number, bit: number, v?: 0 | 1): void } => {
  const lo = new Int32Array(slots);
  const hi = new Int32Array(slots);
  return {
    lo,
    hi,
    set(slot, bit, v = 1) {
      const a = bit < 32 ? lo : hi;
      const m = 1 << (bit & 31);
      a[slot] = v ? a[slot]! | m : a[slot]! & ~m;
    },
  };
};

/** The bit of REG.FIELD (one-bit fields), from the database. */
function bit(reg: string, field: string): number {
  const f = sysregFields(findSysreg(reg)!.register, { features: () => true }).find((x) => x.name === field);
  if (!f || f.msb !== f.lsb) throw new Error(`no one-bit field ${reg}.${field}`);
  return f.lsb;
}

/** The key of a register or instruction name (its exact MRS/MSR/system-instruction encoding). */
function key(name: string): number {
  const m = lookupSysreg(name).matches[0];
  const e = m?.encodings.find((x) => x.asm.toUpperCase() === name.toUpperCase() && x.mask === 0xffff && x.role !== 'shared');
  if (!e) throw new Error(`no encoding for ${name}`);
  return e.key;
}

describe('default.traps', () => {
  it('is what the generator writes', () => {
    expect(generateDefaultTraps()).toBe(TEXT);
  });

  it('checks clean against the architecture', () => {
    const r = checkTraps(TEXT, FILE, { architecture: true });
    expect(r.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code}: ${d.message}`)).toEqual([]);
  });

  it("against nvlab's CPU profile, only warns about fields the profile lacks (the table is feature-independent)", () => {
    const r = checkTraps(TEXT, FILE, { architecture: true, features: (f: string) => DEFAULT_PROFILE.features.has(f) });
    expect(r.diagnostics.filter((d) => d.code !== 'res0-on-profile')).toEqual([]);
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });

  it("ORing a combination's behaviours (KVM's semantics) forwards nothing from host EL0 that its host-EL0 members do not", () => {
    // From L1's host EL0 a combination forwards direction D when a member marked `even in host EL0`
    // holds and any holding member forwards D. Arm traps there only by the host-EL0 rules, so every
    // host-EL0 member must forward each direction the other members forward, wherever the encoding
    // has trap rules in that direction.
    const r = checkTraps(TEXT, FILE, { architecture: false });
    const problems: string[] = [];
    let combos = 0;
    for (const m of r.table.traps) {
      if (m.def.kind !== 'combine') continue;
      const host = m.def.members.filter((c) => c.hostEl0);
      const others = m.def.members.filter((c) => !c.hostEl0);
      if (host.length === 0 || others.length === 0) continue;
      combos++;
      const has = (a: string, d: 'read' | 'write'): boolean => a === 'both' || a === d;
      for (const k of keysWithFacts(m.from, m.to)) {
        for (const d of ['read', 'write'] as const) {
          if (!encodingFacts(k).some((f) => rulesFor(f, d).length > 0)) continue;
          if (!others.some((c) => has(c.access, d))) continue;
          for (const h of host) if (!has(h.access, d)) problems.push(`${m.def.name} at 0x${k.toString(16)}: ${h.name} does not forward ${d}s`);
        }
      }
    }
    expect(combos).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  describe('maps every encoding as the generator derived it', () => {
    let checked: CheckResult;
    beforeAll(() => {
      checked = checkTraps(TEXT, FILE, { architecture: false });
    });

    it('coarse controls', () => {
      const byKey = new Map<number, string>();
      for (const m of checked.table.traps) for (let k = m.from; k <= m.to; k++) byKey.set(k, m.def.name);
      const t = buildDefaultTrapsTable();
      let n = 0;
      for (const [enc, controls] of t.mapping) {
        const want = controls.map((c) => c.name).join('_');
        const free = ~enc.mask & 0xffff;
        let s = 0;
        do {
          const k = (enc.key & enc.mask) | s;
          s = (s - free) & free;
          if (enc.mask !== 0xffff && t.needs.some((x) => x.enc.mask === 0xffff && x.enc.key === k)) continue;
          expect(byKey.get(k), `${enc.names[0]} key 0x${k.toString(16)}`).toBe(want);
          n++;
        } while (s !== 0);
      }
      expect(n).toBeGreaterThan(1000);
    });

    it('fine-grained traps', () => {
      const byKey = new Map<number, string>();
      for (const m of checked.table.fineTraps) for (let k = m.from; k <= m.to; k++) byKey.set(k, `${m.item.register.text}.${m.bitName}=${m.polarity}`);
      const t = buildDefaultTrapsTable();
      for (const [enc, f] of t.fine) expect(byKey.get(enc.key), enc.names[0]).toBe(`${f.group}.${f.bit}=${f.polarity}`);
      expect(byKey.size).toBe(t.fine.size);
    });
  });

  describe('decides as KVM does', () => {
    let table: CompiledTraps;
    beforeAll(() => {
      const r = checkTraps(TEXT, FILE, { architecture: false });
      table = compileTraps(r.table);
    });
    const READ = true;
    const WRITE = false;
    /** The control or fine-grained bit that forwards, or null when L0 handles the access. */
    const decide = (name: string, isRead: boolean, regs: RegisterFile, hostEl0 = false): string | null => {
      const e = table.decide(key(name), isRead, hostEl0, regs);
      return e < 0 ? null : table.entries[e]!.kind === 'finetrap' ? table.entries[e]!.via : (table.lastControlName() ?? null);
    };
    const HCR = Object.fromEntries(['TTLB', 'TVM', 'TRVM', 'TID2', 'TID3', 'TACR', 'TID4', 'TTLBIS', 'TTLBOS', 'E2H', 'TGE', 'NV', 'NV1', 'NV2'].map((f) => [f, bit('HCR_EL2', f)])) as Record<string, number>;
    const H = HCR as Record<'TTLB' | 'TVM' | 'TRVM' | 'TID2' | 'TID3' | 'TACR' | 'TID4' | 'TTLBIS' | 'TTLBOS' | 'E2H' | 'TGE' | 'NV' | 'NV1' | 'NV2', number>;

    it('HCR_EL2.TVM forwards SCTLR_EL1 writes, not reads; TRVM the reads', () => {
      const r = regFile();
      r.set(SR.HCR_EL2, H.TVM);
      expect(decide('SCTLR_EL1', WRITE, r)).toBe('TVM');
      expect(decide('SCTLR_EL1', READ, r)).toBeNull();
      const q = regFile();
      q.set(SR.HCR_EL2, H.TRVM);
      expect(decide('SCTLR_EL1', READ, q)).toBe('TRVM');
      expect(decide('SCTLR_EL1', WRITE, q)).toBeNull();
      expect(decide('TTBR1_EL1', READ, q)).toBe('TRVM');
    });

    it('CCSIDR_EL1 with TID2 or TID4; CSSELR_EL1 writes too', () => {
      for (const bit of [H.TID2, H.TID4]) {
        const r = regFile();
        r.set(SR.HCR_EL2, bit);
        expect(decide('CCSIDR_EL1', READ, r)).toBe(bit === H.TID2 ? 'TID2' : 'TID4');
        expect(decide('CSSELR_EL1', WRITE, r)).toBe(bit === H.TID2 ? 'TID2' : 'TID4');
      }
      expect(decide('CCSIDR_EL1', READ, regFile())).toBeNull();
    });

    it('TLBI VAE1IS with TTLB or TTLBIS, not TTLBOS', () => {
      for (const [bit, via] of [
        [H.TTLB, 'TTLB'],
        [H.TTLBIS, 'TTLBIS'],
        [H.TTLBOS, null],
      ] as const) {
        const r = regFile();
        r.set(SR.HCR_EL2, bit);
        expect(decide('TLBI VAE1IS', WRITE, r)).toBe(via);
      }
    });

    it('an ID register with TID3: reads only; ACTLR_EL1 with TACR: both', () => {
      const r = regFile();
      r.set(SR.HCR_EL2, H.TID3);
      r.set(SR.HCR_EL2, H.TACR);
      expect(decide('ID_AA64MMFR1_EL1', READ, r)).toBe('TID3');
      expect(decide('ID_AA64MMFR1_EL1', WRITE, r)).toBeNull();
      expect(decide('ACTLR_EL1', READ, r)).toBe('TACR');
      expect(decide('ACTLR_EL1', WRITE, r)).toBe('TACR');
    });

    it('CNTPCT_EL0 with CNTHCTL_EL2.EL1PCTEN == 0, bit 0 with E2H == 0 and bit 10 with E2H == 1', () => {
      const r = regFile();
      expect(decide('CNTPCT_EL0', READ, r)).toBe('nEL1PCTEN');
      r.set(SR.CNTHCTL_EL2, 0); // EL1PCTEN with E2H == 0
      expect(decide('CNTPCT_EL0', READ, r)).toBeNull();
      r.set(SR.HCR_EL2, H.E2H);
      expect(decide('CNTPCT_EL0', READ, r)).toBe('nEL1PCTEN');
      r.set(SR.CNTHCTL_EL2, 10); // EL1PCTEN with E2H == 1
      expect(decide('CNTPCT_EL0', READ, r)).toBeNull();
      // L1's own EL0 (E2H == 1, TGE == 1): EL0PCTEN (bit 0) decides.
      r.set(SR.HCR_EL2, H.TGE);
      r.set(SR.CNTHCTL_EL2, 0, 0);
      expect(decide('CNTPCT_EL0', READ, r, true)).toBe('HOST_nEL0PCTEN');
      r.set(SR.CNTHCTL_EL2, 0);
      expect(decide('CNTPCT_EL0', READ, r, true)).toBeNull();
    });

    it('fine-grained traps: HFGRTR_EL2.SCTLR_EL1, HFGRTR_EL2.nTPIDR2_EL0 == 0', () => {
      const r = regFile();
      r.set(SR.HFGRTR_EL2, bit('HFGRTR_EL2', 'SCTLR_EL1'));
      expect(decide('SCTLR_EL1', READ, r)).toBe('HFGxTR_EL2.SCTLR_EL1');
      expect(decide('SCTLR_EL1', WRITE, r)).toBeNull();
      r.set(SR.HFGRTR_EL2, bit('HFGRTR_EL2', 'nTPIDR2_EL0'));
      r.set(SR.HFGWTR_EL2, bit('HFGWTR_EL2', 'nTPIDR2_EL0'));
      expect(decide('TPIDR2_EL0', READ, r)).toBeNull();
      expect(decide('TPIDR2_EL0', READ, regFile())).toBe('HFGxTR_EL2.nTPIDR2_EL0');
      expect(decide('TPIDR2_EL0', WRITE, regFile())).toBe('HFGxTR_EL2.nTPIDR2_EL0');
      // Not from L1's own EL0 in a VHE host: fine-grained traps do not apply there.
      expect(decide('TPIDR2_EL0', READ, regFile(), true)).toBeNull();
    });

    it('TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1, unless HCRX_EL2.FGTnXS == 1', () => {
      const r = regFile();
      r.set(SR.HFGITR_EL2, bit('HFGITR_EL2', 'TLBIVAE1'));
      expect(decide('TLBI VAE1NXS', WRITE, r)).toBe('HFGITR_EL2.TLBIVAE1');
      r.set(SR.HCRX_EL2, bit('HCRX_EL2', 'FGTnXS'));
      expect(decide('TLBI VAE1NXS', WRITE, r)).toBeNull();
      expect(decide('TLBI VAE1', WRITE, r)).toBe('HFGITR_EL2.TLBIVAE1');
    });

    it('NV: VBAR_EL1 with NV1 unless NV2 redirects it; SP_EL1 unless NV2', () => {
      const r = regFile();
      r.set(SR.HCR_EL2, H.NV);
      r.set(SR.HCR_EL2, H.NV1);
      expect(decide('VBAR_EL1', READ, r)).toBe('NV1_nNV2');
      expect(decide('SP_EL1', WRITE, r)).toBe('NV_nNV2');
      expect(decide('SCTLR_EL12', WRITE, r)).toBe('NV_nNV2');
      r.set(SR.HCR_EL2, H.NV2);
      expect(decide('VBAR_EL1', READ, r)).toBeNull();
      expect(decide('SP_EL1', WRITE, r)).toBeNull();
      expect(decide('SCTLR_EL12', WRITE, r)).toBe('NV_NV1');
      r.set(SR.HCR_EL2, H.NV1, 0);
      expect(decide('SCTLR_EL12', WRITE, r)).toBeNull();
      expect(decide('TLBI ALLE2', WRITE, r)).toBe('NV');
    });

    it('PMU: MDCR_EL2.TPM even in host EL0; HPMN reserves counters n >= HPMN', () => {
      const r = regFile();
      r.lo[SR.MDCR_EL2] = 6; // HPMN = 6
      expect(decide('PMEVCNTR5_EL0', READ, r)).toBeNull();
      expect(decide('PMEVCNTR6_EL0', READ, r)).toBe('HPMN');
      r.set(SR.MDCR_EL2, bit('MDCR_EL2', 'TPM'));
      expect(decide('PMCR_EL0', WRITE, r, true)).toBe('TPM');
      expect(decide('PMEVCNTR5_EL0', READ, r, true)).toBe('TPM');
    });

    it('an access nothing maps is handled locally', () => {
      const r = regFile();
      r.lo.fill(-1);
      r.hi.fill(-1);
      expect(decide('NZCV', READ, r)).toBeNull();
      expect(decide('TPIDR_EL1', READ, regFile())).toBeNull();
      expect(table.decide(key('CurrentEL'), true, false, r)).toBe(-1);
    });
  });
});
