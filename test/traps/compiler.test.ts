/**
 * Semantics of compiled trap tables (emulator/traps/compiler.ts): decide()
 * for every kind of control, combinations, ranges, fine-grained traps with
 * both polarities and read/write register pairs, `unless`, `even in host
 * EL0`, and fine-grained precedence over coarse controls, as KVM's
 * emulate-nested.c decides (behaviours OR-ed over a combination; forward
 * iff the direction matches). Each forwarding decision names its entry.
 */
import { describe, expect, it } from 'vitest';
import { sysregKey } from '../../emulator/arch/sysreg-db.js';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import type { RegisterFile } from '../../emulator/traps/builtins.js';
import { checkTraps } from '../../emulator/traps/checker.js';
import { type CompiledTraps, compileTraps, type TableEntry } from '../../emulator/traps/compiler.js';

const K = {
  SCTLR_EL1: sysregKey(3, 0, 1, 0, 0),
  TTBR0_EL1: sysregKey(3, 0, 2, 0, 0),
  TPIDR_EL1: sysregKey(3, 0, 13, 0, 4),
  TPIDR2_EL0: sysregKey(3, 3, 13, 0, 5),
  AFSR0_EL1: sysregKey(3, 0, 5, 1, 0),
  CNTPCT_EL0: sysregKey(3, 3, 14, 0, 1),
  CNTP_CTL_EL0: sysregKey(3, 3, 14, 2, 1),
  CNTV_CTL_EL0: sysregKey(3, 3, 14, 3, 1),
  CNTP_CTL_EL02: sysregKey(3, 5, 14, 2, 1),
  CNTV_CTL_EL02: sysregKey(3, 5, 14, 3, 1),
  TRCPRGCTLR: sysregKey(2, 1, 0, 1, 0),
  PMEVCNTR3_EL0: sysregKey(3, 3, 14, 8, 3),
  PMEVTYPER30_EL0: sysregKey(3, 3, 14, 15, 6),
  PMXEVCNTR_EL0: sysregKey(3, 3, 9, 13, 2),
  TLBI_VAE1: sysregKey(1, 0, 8, 7, 1),
  TLBI_VAE1NXS: sysregKey(1, 0, 9, 7, 1),
};
const SLOT = SR as unknown as Record<string, number>;

class Regs implements RegisterFile {
  readonly lo = new Int32Array(SR.COUNT);
  readonly hi = new Int32Array(SR.COUNT);
  /** Sets bits [msb:lsb] of a register to `value`. */
  set(reg: string, lsb: number, value: number | bigint, width = 1): this {
    const s = SLOT[reg];
    if (s === undefined) throw new Error(reg);
    let v = (BigInt.asUintN(32, BigInt(this.lo[s]!)) | (BigInt.asUintN(32, BigInt(this.hi[s]!)) << 32n)) & ~(((1n << BigInt(width)) - 1n) << BigInt(lsb));
    v |= BigInt(value) << BigInt(lsb);
    this.lo[s] = Number(BigInt.asIntN(32, v));
    this.hi[s] = Number(BigInt.asIntN(32, v >> 32n));
    return this;
  }
}
const regs = (): Regs => new Regs();

interface Table {
  c: CompiledTraps;
  /** The entry that forwards, or null when L0 handles the access. */
  read(key: number, r: RegisterFile, hostEl0?: boolean): TableEntry | null;
  write(key: number, r: RegisterFile, hostEl0?: boolean): TableEntry | null;
}

function compile(text: string, files: Record<string, string> = {}): Table {
  const r = checkTraps(text, 'main.traps', { architecture: false, readFile: (p) => files[p] ?? null });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => `${d.file}:${d.range.start.line + 1}: ${d.message}`).join('\n'));
  const c = compileTraps(r.table);
  const go = (key: number, isRead: boolean, reg: RegisterFile, hostEl0 = false): TableEntry | null => {
    const i = c.decide(key, isRead, hostEl0, reg);
    if (i < 0) return null;
    expect(i).toBeLessThan(c.entries.length);
    return c.entries[i]!;
  };
  return { c, read: (k, r2, h) => go(k, true, r2, h), write: (k, r2, h) => go(k, false, r2, h) };
}

const trapAt = (line: number, via: string, file = 'main.traps', col = 1): TableEntry => ({ kind: 'trap', file, line, col, via });
const fineAt = (line: number, via: string, file = 'main.traps', col = 1): TableEntry => ({ kind: 'finetrap', file, line, col, via });

describe('coarse controls', () => {
  it('a single field test forwards its direction while the field has the value', () => {
    const t = compile('control TVM forwards writes when HCR_EL2.TVM == 1\ntrap SCTLR_EL1, TTBR0_EL1 with TVM\n');
    const on = regs().set('HCR_EL2', 26, 1);
    expect(t.write(K.SCTLR_EL1, on)).toEqual(trapAt(2, 'TVM'));
    expect(t.c.lastControlName()).toBe('TVM');
    expect(t.write(K.TTBR0_EL1, on)).toEqual(trapAt(2, 'TVM'));
    expect(t.read(K.SCTLR_EL1, on)).toBeNull();
    expect(t.c.lastControlName()).toBeUndefined();
    expect(t.write(K.SCTLR_EL1, regs())).toBeNull();
    // Other bits of the register do not matter.
    expect(t.write(K.SCTLR_EL1, regs().set('HCR_EL2', 0, 0xffffffffn, 32).set('HCR_EL2', 26, 0))).toBeNull();
    // An encoding nothing maps.
    expect(t.write(K.TPIDR_EL1, on)).toBeNull();
  });

  it('a conjunction holds only when every test holds (fields in the upper half)', () => {
    const t = compile('control NV forwards all when HCR_EL2.NV == 1 && HCR_EL2.NV1 == 1 && HCR_EL2.NV2 == 0\ntrap TPIDR_EL1 with NV\n');
    for (let nv = 0; nv < 2; nv++)
      for (let nv1 = 0; nv1 < 2; nv1++)
        for (let nv2 = 0; nv2 < 2; nv2++) {
          const r = regs().set('HCR_EL2', 42, nv).set('HCR_EL2', 43, nv1).set('HCR_EL2', 45, nv2);
          const want = nv === 1 && nv1 === 1 && nv2 === 0 ? trapAt(2, 'NV') : null;
          expect(t.read(K.TPIDR_EL1, r), `${nv}${nv1}${nv2}`).toEqual(want);
          expect(t.write(K.TPIDR_EL1, r), `${nv}${nv1}${nv2}`).toEqual(want);
        }
  });

  it("'!=' on a one-bit field", () => {
    const t = compile('control NAPK forwards all when HCR_EL2.APK != 1\ncontrol TID2 forwards reads when HCR_EL2.TID2 != 0\ntrap SCTLR_EL1 with NAPK\ntrap TTBR0_EL1 with TID2\n');
    expect(t.read(K.SCTLR_EL1, regs())).toEqual(trapAt(3, 'NAPK'));
    expect(t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 40, 1))).toBeNull();
    expect(t.read(K.TTBR0_EL1, regs())).toBeNull();
    expect(t.read(K.TTBR0_EL1, regs().set('HCR_EL2', 17, 1))).toEqual(trapAt(4, 'TID2'));
  });

  it('a multi-bit field value and a raw bit slice', () => {
    const t = compile('control TW forwards all when HCR_EL2.TWEDEL == 0b1010\ncontrol RAW forwards all when HCR_EL2[63:60] == 5 && HCR_EL2[39] == 1\ntrap SCTLR_EL1 with TW\ntrap TTBR0_EL1 with RAW\n');
    expect(t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 60, 10, 4))).toEqual(trapAt(3, 'TW'));
    expect(t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 60, 11, 4))).toBeNull();
    expect(t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 60, 8, 4))).toBeNull();
    expect(t.read(K.TTBR0_EL1, regs().set('HCR_EL2', 60, 5, 4).set('HCR_EL2', 39, 1))).toEqual(trapAt(4, 'RAW'));
    expect(t.read(K.TTBR0_EL1, regs().set('HCR_EL2', 60, 5, 4))).toBeNull();
    expect(t.read(K.TTBR0_EL1, regs().set('HCR_EL2', 60, 13, 4).set('HCR_EL2', 39, 1))).toBeNull();
  });

  it('a slice of a field', () => {
    // MDCR_EL2.E2PB is [13:12]; [0] is bit 12, [1] is bit 13.
    const t = compile('control LO forwards all when MDCR_EL2.E2PB[0] == 1\ncontrol HI forwards all when MDCR_EL2.E2PB[1:1] == 0\ntrap SCTLR_EL1 with LO\ntrap TTBR0_EL1 with HI\n');
    expect(t.read(K.SCTLR_EL1, regs().set('MDCR_EL2', 12, 1))).toEqual(trapAt(3, 'LO'));
    expect(t.read(K.SCTLR_EL1, regs().set('MDCR_EL2', 13, 1))).toBeNull();
    expect(t.read(K.SCTLR_EL1, regs().set('MDCR_EL2', 12, 3, 2))).toEqual(trapAt(3, 'LO'));
    expect(t.read(K.TTBR0_EL1, regs().set('MDCR_EL2', 12, 1))).toEqual(trapAt(4, 'HI'));
    expect(t.read(K.TTBR0_EL1, regs().set('MDCR_EL2', 13, 1))).toBeNull();
  });

  it('a control whose definition has errors never forwards', () => {
    const r = checkTraps('control A forwards all when HCR_EL2.NOPE == 1\ntrap SCTLR_EL1 with A\n', 'main.traps', { architecture: false });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-field']);
    const c = compileTraps(r.table);
    const all = regs();
    all.lo.fill(-1);
    all.hi.fill(-1);
    expect(c.decide(K.SCTLR_EL1, true, false, all)).toBe(-1);
    expect(c.decide(K.SCTLR_EL1, false, true, all)).toBe(-1);
  });
});

describe('built-in conditions', () => {
  it('cnthctl_el1pcten: bit 0 with E2H = 0, bit 10 with E2H = 1, forwards while clear', () => {
    const t = compile('control PCTEN forwards all when builtin cnthctl_el1pcten\ntrap CNTPCT_EL0 with PCTEN\n');
    const e2h = (): Regs => regs().set('HCR_EL2', 34, 1);
    expect(t.read(K.CNTPCT_EL0, regs())).toEqual(trapAt(2, 'PCTEN'));
    expect(t.read(K.CNTPCT_EL0, regs().set('CNTHCTL_EL2', 0, 1))).toBeNull();
    expect(t.read(K.CNTPCT_EL0, regs().set('CNTHCTL_EL2', 10, 1))).toEqual(trapAt(2, 'PCTEN'));
    expect(t.read(K.CNTPCT_EL0, e2h())).toEqual(trapAt(2, 'PCTEN'));
    expect(t.read(K.CNTPCT_EL0, e2h().set('CNTHCTL_EL2', 10, 1))).toBeNull();
    expect(t.read(K.CNTPCT_EL0, e2h().set('CNTHCTL_EL2', 0, 1))).toEqual(trapAt(2, 'PCTEN'));
  });

  it('cnthctl_el1pten: bit 1 with E2H = 0, bit 11 with E2H = 1', () => {
    const t = compile('control PTEN forwards all when builtin cnthctl_el1pten\ntrap CNTP_CTL_EL0 with PTEN\n');
    expect(t.write(K.CNTP_CTL_EL0, regs().set('CNTHCTL_EL2', 1, 1))).toBeNull();
    expect(t.write(K.CNTP_CTL_EL0, regs().set('CNTHCTL_EL2', 11, 1))).toEqual(trapAt(2, 'PTEN'));
    expect(t.write(K.CNTP_CTL_EL0, regs().set('HCR_EL2', 34, 1).set('CNTHCTL_EL2', 11, 1))).toBeNull();
    expect(t.write(K.CNTP_CTL_EL0, regs().set('HCR_EL2', 34, 1).set('CNTHCTL_EL2', 1, 1))).toEqual(trapAt(2, 'PTEN'));
  });

  it('cptr_tta: bit 20 with E2H = 0, bit 28 with E2H = 1, forwards while set', () => {
    const t = compile('control TTA forwards all when builtin cptr_tta\ntrap TRCPRGCTLR with TTA\n');
    expect(t.read(K.TRCPRGCTLR, regs())).toBeNull();
    expect(t.read(K.TRCPRGCTLR, regs().set('CPTR_EL2', 20, 1))).toEqual(trapAt(2, 'TTA'));
    expect(t.read(K.TRCPRGCTLR, regs().set('CPTR_EL2', 28, 1))).toBeNull();
    expect(t.read(K.TRCPRGCTLR, regs().set('HCR_EL2', 34, 1).set('CPTR_EL2', 28, 1))).toEqual(trapAt(2, 'TTA'));
    expect(t.read(K.TRCPRGCTLR, regs().set('HCR_EL2', 34, 1).set('CPTR_EL2', 20, 1))).toBeNull();
  });

  it('mdcr_hpmn: PMEVCNTR<n>_EL0 with n >= HPMN, PMXEVCNTR_EL0 by PMSELR_EL0.SEL', () => {
    const t = compile('control HPMN forwards all even in host EL0 when builtin mdcr_hpmn\ntrap PMEVCNTR3_EL0, PMEVTYPER30_EL0, PMXEVCNTR_EL0 with HPMN\n');
    const hpmn = (n: number): Regs => regs().set('MDCR_EL2', 0, n, 5);
    expect(t.read(K.PMEVCNTR3_EL0, hpmn(3))).toEqual(trapAt(2, 'HPMN'));
    expect(t.read(K.PMEVCNTR3_EL0, hpmn(4))).toBeNull();
    expect(t.read(K.PMEVTYPER30_EL0, hpmn(30))).toEqual(trapAt(2, 'HPMN'));
    expect(t.read(K.PMEVTYPER30_EL0, hpmn(31))).toBeNull();
    expect(t.write(K.PMXEVCNTR_EL0, hpmn(5).set('PMSELR_EL0', 0, 4, 5))).toBeNull();
    expect(t.write(K.PMXEVCNTR_EL0, hpmn(5).set('PMSELR_EL0', 0, 5, 5))).toEqual(trapAt(2, 'HPMN'));
    // Marked 'even in host EL0'.
    expect(t.read(K.PMEVCNTR3_EL0, hpmn(0), true)).toEqual(trapAt(2, 'HPMN'));
  });
  it('mdcr_hpmn never forwards the cycle counter: PMXEV* with PMSELR_EL0.SEL = 31', () => {
    // Arm: "UInt(PMSELR_EL0.SEL) != 31 && ..."; KVM: kvm_pmu_counter_is_hyp() is false for the cycle counter.
    const t = compile('control HPMN forwards all when builtin mdcr_hpmn\ntrap PMXEVTYPER_EL0, PMXEVCNTR_EL0 with HPMN\n');
    const r = regs().set('MDCR_EL2', 0, 4, 5).set('PMSELR_EL0', 0, 31, 5);
    expect(t.read(sysregKey(3, 3, 9, 13, 1), r)).toBeNull();
    expect(t.write(K.PMXEVCNTR_EL0, r)).toBeNull();
    expect(t.write(K.PMXEVCNTR_EL0, r.set('PMSELR_EL0', 0, 30, 5))).toEqual(trapAt(2, 'HPMN'));
  });

  it("cnthctl_el1nvpct / cnthctl_el1nvvct: bits 15 and 16 (not 13 and 14), for an NV2 guest hypervisor outside host EL0, as Arm's rule says", () => {
    const t = compile('control NVPCT forwards all when builtin cnthctl_el1nvpct\ncontrol NVVCT forwards all when builtin cnthctl_el1nvvct\ntrap CNTP_CTL_EL02 with NVPCT\ntrap CNTV_CTL_EL02 with NVVCT\n');
    // HCR_EL2.{NV2,NV1,NV} == 0b101, E2H = 1, TGE = 0: both Arm and KVM trap.
    const nv2 = (): Regs => regs().set('HCR_EL2', 34, 1).set('HCR_EL2', 42, 1).set('HCR_EL2', 45, 1);
    expect(t.read(K.CNTP_CTL_EL02, nv2().set('CNTHCTL_EL2', 15, 1))).toEqual(trapAt(3, 'NVPCT'));
    expect(t.write(K.CNTV_CTL_EL02, nv2().set('CNTHCTL_EL2', 16, 1))).toEqual(trapAt(4, 'NVVCT'));
    expect(t.read(K.CNTP_CTL_EL02, nv2().set('CNTHCTL_EL2', 13, 1))).toBeNull();
    expect(t.read(K.CNTV_CTL_EL02, nv2().set('CNTHCTL_EL2', 14, 1))).toBeNull();
    expect(t.read(K.CNTP_CTL_EL02, nv2().set('CNTHCTL_EL2', 16, 1))).toBeNull();
    // Arm traps with E2H = 0 too (KVM runs no such guest).
    expect(t.read(K.CNTP_CTL_EL02, nv2().set('HCR_EL2', 34, 0).set('CNTHCTL_EL2', 15, 1))).toEqual(trapAt(3, 'NVPCT'));
    // Not an NV2 guest hypervisor, or in host EL0: the bit alone does nothing.
    const bits = (r: Regs): Regs => r.set('CNTHCTL_EL2', 13, 0b1111, 4);
    for (const [what, r] of [
      ['no NV bits', bits(regs())],
      ['NV1 = 1', bits(nv2().set('HCR_EL2', 43, 1))],
      ['NV2 = 0', bits(nv2().set('HCR_EL2', 45, 0))],
      ['NV = 0', bits(nv2().set('HCR_EL2', 42, 0))],
      ['E2H = TGE = 1', bits(nv2().set('HCR_EL2', 27, 1))],
    ] as const) {
      expect(t.read(K.CNTP_CTL_EL02, r), what).toBeNull();
      expect(t.read(K.CNTV_CTL_EL02, r), what).toBeNull();
    }
  });
});

describe('combinations', () => {
  const TEXT = 'control TVM forwards writes when HCR_EL2.TVM == 1\ncontrol TRVM forwards reads when HCR_EL2.TRVM == 1\ncombine TVM_TRVM = TVM + TRVM\n\ntrap SCTLR_EL1 with TVM_TRVM\n';
  const tvm = (): Regs => regs().set('HCR_EL2', 26, 1);
  const trvm = (): Regs => regs().set('HCR_EL2', 30, 1);

  it('forwards a direction if a member that holds forwards it', () => {
    const t = compile(TEXT);
    expect(t.write(K.SCTLR_EL1, tvm())).toEqual(trapAt(5, 'TVM_TRVM'));
    expect(t.c.lastControlName()).toBe('TVM');
    expect(t.read(K.SCTLR_EL1, tvm())).toBeNull();
    expect(t.read(K.SCTLR_EL1, trvm())).toEqual(trapAt(5, 'TVM_TRVM'));
    expect(t.c.lastControlName()).toBe('TRVM');
    expect(t.write(K.SCTLR_EL1, trvm())).toBeNull();
    const both = tvm().set('HCR_EL2', 30, 1);
    expect(t.read(K.SCTLR_EL1, both)).toEqual(trapAt(5, 'TVM_TRVM'));
    expect(t.c.lastControlName()).toBe('TRVM');
    expect(t.write(K.SCTLR_EL1, both)).toEqual(trapAt(5, 'TVM_TRVM'));
    expect(t.c.lastControlName()).toBe('TVM');
    expect(t.read(K.SCTLR_EL1, regs())).toBeNull();
    expect(t.write(K.SCTLR_EL1, regs())).toBeNull();
  });

  it('a control used alone and in a combination is the same control', () => {
    const t = compile(`${TEXT}trap TTBR0_EL1 with TRVM\n`);
    expect(t.read(K.TTBR0_EL1, trvm())).toEqual(trapAt(6, 'TRVM'));
    expect(t.c.lastControlName()).toBe('TRVM');
    expect(t.read(K.SCTLR_EL1, trvm())).toEqual(trapAt(5, 'TVM_TRVM'));
  });

  it('from host EL0 only members marked even in host EL0 forward', () => {
    const t = compile('control A forwards all even in host EL0 when HCR_EL2.TVM == 1\ncontrol B forwards all when HCR_EL2.TRVM == 1\ncombine AB = A + B\ntrap SCTLR_EL1 with AB\n');
    expect(t.read(K.SCTLR_EL1, trvm(), true)).toBeNull();
    expect(t.read(K.SCTLR_EL1, trvm(), false)).toEqual(trapAt(4, 'AB'));
    expect(t.read(K.SCTLR_EL1, tvm(), true)).toEqual(trapAt(4, 'AB'));
    expect(t.c.lastControlName()).toBe('A');
  });

  it('from host EL0 the behaviours of the members that hold are ORed first, as KVM does', () => {
    // A forwards reads even in host EL0, B forwards writes: with both holding, KVM's
    // compute_trap_behaviour() gives READ | WRITE | IN_HOST_EL0, so a write from host EL0 forwards.
    const t = compile('control A forwards reads even in host EL0 when HCR_EL2.TVM == 1\ncontrol B forwards writes when HCR_EL2.TRVM == 1\ncombine AB = A + B\ntrap SCTLR_EL1 with AB\n');
    const both = tvm().set('HCR_EL2', 30, 1);
    expect(t.write(K.SCTLR_EL1, both, true)).toEqual(trapAt(4, 'AB'));
    expect(t.c.lastControlName()).toBe('B');
    // B alone carries no host-EL0 mark; A alone does not forward writes.
    expect(t.write(K.SCTLR_EL1, trvm(), true)).toBeNull();
    expect(t.write(K.SCTLR_EL1, tvm(), true)).toBeNull();
    expect(t.read(K.SCTLR_EL1, tvm(), true)).toEqual(trapAt(4, 'AB'));
    expect(t.c.lastControlName()).toBe('A');
  });
});

describe('ranges and targets', () => {
  it('a range maps every encoding between its ends, inclusive', () => {
    const t = compile('control TIDCP forwards all when HCR_EL2.TIDCP == 1\ntrap (3, 0, 11, 0, 0) to (3, 0, 11, 15, 7) with TIDCP\n');
    const on = regs().set('HCR_EL2', 20, 1);
    for (const [crm, op2] of [
      [0, 0],
      [7, 3],
      [15, 7],
    ]) expect(t.read(sysregKey(3, 0, 11, crm!, op2!), on)).toEqual(trapAt(2, 'TIDCP'));
    expect(t.read(sysregKey(3, 0, 10, 15, 7), on)).toBeNull();
    expect(t.read(sysregKey(3, 0, 12, 0, 0), on)).toBeNull();
    expect(t.read(sysregKey(3, 0, 11, 0, 0), regs())).toBeNull();
  });

  it('the entry of each decision names the item (file, line, column), also in included files', () => {
    const t = compile('control TVM forwards all when HCR_EL2.TVM == 1\n\ninclude "inc.traps"\n', { 'inc.traps': '# mapped here\n  trap SCTLR_EL1,\n    TTBR0_EL1 with TVM\n' });
    const on = regs().set('HCR_EL2', 26, 1);
    expect(t.read(K.TTBR0_EL1, on)).toEqual(trapAt(2, 'TVM', 'inc.traps', 3));
    expect(t.c.entries.filter((e) => e.kind === 'trap')).toHaveLength(2);
  });
});

describe('fine-grained traps', () => {
  it('a pair: reads test HFGRTR_EL2, writes HFGWTR_EL2', () => {
    const t = compile('finetrap SCTLR_EL1, TTBR0_EL1 with HFGxTR_EL2.SCTLR_EL1\n');
    expect(t.read(K.SCTLR_EL1, regs().set('HFGRTR_EL2', 29, 1))).toEqual(fineAt(1, 'HFGxTR_EL2.SCTLR_EL1'));
    expect(t.c.lastControlName()).toBeUndefined();
    expect(t.write(K.SCTLR_EL1, regs().set('HFGRTR_EL2', 29, 1))).toBeNull();
    expect(t.write(K.SCTLR_EL1, regs().set('HFGWTR_EL2', 29, 1))).toEqual(fineAt(1, 'HFGxTR_EL2.SCTLR_EL1'));
    expect(t.read(K.SCTLR_EL1, regs().set('HFGWTR_EL2', 29, 1))).toBeNull();
    expect(t.read(K.SCTLR_EL1, regs().set('HFGRTR_EL2', 28, 1).set('HFGRTR_EL2', 30, 1))).toBeNull();
  });

  it('bits in the upper half of the register', () => {
    const t = compile('finetrap TTBR0_EL1 with HFGxTR_EL2.TTBR0_EL1\n');
    expect(t.read(K.TTBR0_EL1, regs().set('HFGRTR_EL2', 36, 1))).toEqual(fineAt(1, 'HFGxTR_EL2.TTBR0_EL1'));
    expect(t.read(K.TTBR0_EL1, regs().set('HFGRTR_EL2', 4, 1))).toBeNull();
  });

  it('one register of a pair traps one direction only; HAFGRTR_EL2 reads only', () => {
    const t = compile('finetrap SCTLR_EL1 with HFGWTR_EL2.SCTLR_EL1\nfinetrap AFSR0_EL1 with HAFGRTR_EL2.AMEVCNTR00_EL0\n');
    const all = regs().set('HFGRTR_EL2', 29, 1).set('HFGWTR_EL2', 29, 1).set('HAFGRTR_EL2', 1, 1);
    expect(t.write(K.SCTLR_EL1, all)).toEqual(fineAt(1, 'HFGWTR_EL2.SCTLR_EL1'));
    expect(t.read(K.SCTLR_EL1, all)).toBeNull();
    expect(t.read(K.AFSR0_EL1, all)).toEqual(fineAt(2, 'HAFGRTR_EL2.AMEVCNTR00_EL0'));
    expect(t.write(K.AFSR0_EL1, all)).toBeNull();
  });

  it('polarity 0 forwards while the bit is clear', () => {
    const t = compile('finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0\n');
    expect(t.read(K.TPIDR2_EL0, regs())).toEqual(fineAt(1, 'HFGxTR_EL2.nTPIDR2_EL0'));
    expect(t.write(K.TPIDR2_EL0, regs())).toEqual(fineAt(1, 'HFGxTR_EL2.nTPIDR2_EL0'));
    expect(t.read(K.TPIDR2_EL0, regs().set('HFGRTR_EL2', 55, 1))).toBeNull();
    expect(t.write(K.TPIDR2_EL0, regs().set('HFGRTR_EL2', 55, 1))).toEqual(fineAt(1, 'HFGxTR_EL2.nTPIDR2_EL0'));
    expect(t.write(K.TPIDR2_EL0, regs().set('HFGWTR_EL2', 55, 1))).toBeNull();
  });

  it('HFGITR_EL2 for instructions, and unless turning the trap off', () => {
    const t = compile('finetrap TLBI VAE1 with HFGITR_EL2.TLBIVAE1\nfinetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1\n');
    const bit = (): Regs => regs().set('HFGITR_EL2', 43, 1);
    expect(t.write(K.TLBI_VAE1, bit())).toEqual(fineAt(1, 'HFGITR_EL2.TLBIVAE1'));
    expect(t.write(K.TLBI_VAE1, bit().set('HCRX_EL2', 4, 1))).toEqual(fineAt(1, 'HFGITR_EL2.TLBIVAE1'));
    expect(t.write(K.TLBI_VAE1NXS, bit())).toEqual(fineAt(2, 'HFGITR_EL2.TLBIVAE1'));
    expect(t.write(K.TLBI_VAE1NXS, bit().set('HCRX_EL2', 4, 1))).toBeNull();
    expect(t.write(K.TLBI_VAE1NXS, regs())).toBeNull();
  });

  it('fine-grained traps do not apply from host EL0', () => {
    const t = compile('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\n');
    expect(t.read(K.SCTLR_EL1, regs().set('HFGRTR_EL2', 29, 1), true)).toBeNull();
  });
});

describe('fine-grained precedence over coarse controls', () => {
  const TEXT = 'control TVM forwards all even in host EL0 when HCR_EL2.TVM == 1\ncontrol TRVM forwards all when HCR_EL2.TRVM == 1\ntrap SCTLR_EL1 with TVM\ntrap TTBR0_EL1 with TRVM\nfinetrap SCTLR_EL1, TTBR0_EL1 with HFGxTR_EL2.SCTLR_EL1 unless HCRX_EL2.FGTnXS == 1\n';
  const fgt = (): Regs => regs().set('HFGRTR_EL2', 29, 1).set('HFGWTR_EL2', 29, 1);

  it('a fine-grained trap that fires decides, whatever the coarse controls say', () => {
    const t = compile(TEXT);
    expect(t.read(K.SCTLR_EL1, fgt())).toEqual(fineAt(5, 'HFGxTR_EL2.SCTLR_EL1'));
    expect(t.read(K.SCTLR_EL1, fgt().set('HCR_EL2', 26, 1))).toEqual(fineAt(5, 'HFGxTR_EL2.SCTLR_EL1'));
    expect(t.c.lastControlName()).toBeUndefined();
  });

  it('one that does not fire (bit clear, unless holds) leaves the decision to the coarse control', () => {
    const t = compile(TEXT);
    expect(t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 26, 1))).toEqual(trapAt(3, 'TVM'));
    expect(t.c.lastControlName()).toBe('TVM');
    expect(t.read(K.SCTLR_EL1, fgt().set('HCRX_EL2', 4, 1).set('HCR_EL2', 26, 1))).toEqual(trapAt(3, 'TVM'));
    expect(t.read(K.SCTLR_EL1, fgt().set('HCRX_EL2', 4, 1))).toBeNull();
    expect(t.read(K.SCTLR_EL1, regs())).toBeNull();
  });

  it('from host EL0 the fine-grained trap is ignored and only host-EL0 controls forward', () => {
    const t = compile(TEXT);
    expect(t.read(K.SCTLR_EL1, fgt(), true)).toBeNull();
    expect(t.read(K.SCTLR_EL1, fgt().set('HCR_EL2', 26, 1), true)).toEqual(trapAt(3, 'TVM'));
    expect(t.read(K.TTBR0_EL1, fgt().set('HCR_EL2', 30, 1), true)).toBeNull();
    expect(t.read(K.TTBR0_EL1, fgt().set('HCR_EL2', 30, 1), false)).toEqual(fineAt(5, 'HFGxTR_EL2.SCTLR_EL1'));
    expect(t.read(K.TTBR0_EL1, regs().set('HCR_EL2', 30, 1), false)).toEqual(trapAt(4, 'TRVM'));
  });

  it('decide() resets lastControlName', () => {
    const t = compile(TEXT);
    t.read(K.SCTLR_EL1, regs().set('HCR_EL2', 26, 1));
    expect(t.c.lastControlName()).toBe('TVM');
    t.read(K.TPIDR_EL1, regs().set('HCR_EL2', 26, 1));
    expect(t.c.lastControlName()).toBeUndefined();
  });
});
