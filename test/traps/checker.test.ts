/**
 * The trap-table checker (emulator/traps/checker.ts): every diagnostic of
 * docs/trap-language.md with its exact code, severity, message and range
 * (and related locations), includes through the readFile/resolve options,
 * the CPU-profile warnings, and the comparison with Arm's access rules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../emulator/arch/cpu-profile.js';
import { cmdCheck } from '../../emulator/cli/check-command.js';
import { checkTraps } from '../../emulator/traps/checker.js';
import { at, type Brief, briefs, check, rangeProblems } from './helpers.js';

const ERR = 'error';
const WARN = 'warning';
const d = (code: string, severity: string, message: string, range: Brief['range']): Brief => ({ code, severity, message, range });
const profile = { features: (f: string) => DEFAULT_PROFILE.features.has(f) };
const TVM = 'control A forwards all when HCR_EL2.TVM == 1\n';

describe('names', () => {
  it('unknown register in a control, with suggestions', () => {
    const t = 'control A forwards all when HCR_EL3.TVM == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([d('unknown-register', ERR, "unknown register 'HCR_EL3' (did you mean HCR_EL2, SCR_EL3, TCR_EL3?)", [0, 28, 0, 35])]);
  });

  it('unknown register or instruction in a target, with suggestions; multi-word names get their whole range', () => {
    const t = `${TVM}trap FOO_EL1, TLBI VAE1ISX with A\n`;
    expect(briefs(check(t))).toEqual([
      d('unknown-register', ERR, "unknown register or instruction 'FOO_EL1' (did you mean FAR_EL1, POR_EL1?)", at(t, 'FOO_EL1')),
      d('unknown-register', ERR, "unknown register or instruction 'TLBI VAE1ISX' (did you mean TLBI VAE1IS, TLBI RVAE1IS, TLBI VAAE1IS?)", at(t, 'TLBI VAE1ISX')),
    ]);
    expect(briefs(check(`${TVM}trap MSR with A\n`))).toEqual([d('unknown-register', ERR, "unknown register or instruction 'MSR' (did you mean FPSR?)", [1, 5, 1, 8])]);
  });

  it('unknown field, with suggestions (field names are case-sensitive)', () => {
    const t = 'control A forwards all when HCR_EL2.TVX == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([d('unknown-field', ERR, "HCR_EL2 has no field 'TVX' (did you mean TVM, NV, NV1, NV2?)", [0, 36, 0, 39])]);
    const u = 'control A forwards all when hcr_el2.tvm == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(u))).toEqual([d('unknown-field', ERR, "HCR_EL2 has no field 'tvm' (did you mean TVM, TRVM, VM, NV?)", [0, 36, 0, 39])]);
  });

  it('every bad test of a conjunction is reported', () => {
    const t = 'control A forwards all when HCR_EL2.TVM == 1 && HCR_EL2.TVX == 3 && HCR_EL3.X == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([
      d('unknown-field', ERR, "HCR_EL2 has no field 'TVX' (did you mean TVM, NV, NV1, NV2?)", at(t, 'TVX')),
      d('unknown-register', ERR, "unknown register 'HCR_EL3' (did you mean HCR_EL2, SCR_EL3, TCR_EL3?)", at(t, 'HCR_EL3')),
    ]);
  });

  it('unknown control, with and without suggestions; an erroneous control does not cascade', () => {
    const t = `${TVM}trap SCTLR_EL1 with AA\n`;
    expect(briefs(check(t))).toEqual([
      d('unknown-control', ERR, "unknown control 'AA' (did you mean A?)", [1, 20, 1, 22]),
      d('unused', WARN, "control 'A' is not used by any trap or combination", [0, 8, 0, 9]),
    ]);
    const u = `${TVM}control B forwards all when HCR_EL2.TRVM == 1\ncombine C = A + Zebra\ntrap SCTLR_EL1 with C\ntrap TTBR0_EL1 with B\n`;
    expect(briefs(check(u))).toEqual([d('unknown-control', ERR, "unknown control 'Zebra'", at(u, 'Zebra'))]);
    // A control whose condition is wrong stays defined: its uses are not "unknown".
    const v = 'control A forwards all when HCR_EL2.NOPE == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(v)).map((x) => x.code)).toEqual(['unknown-field']);
  });

  it('unknown built-in, listing the known ones', () => {
    const t = 'control A forwards all when builtin cptr_taa\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([
      d('unknown-builtin', ERR, "unknown built-in condition 'cptr_taa' (there are cnthctl_el1pcten, cnthctl_el1pten, cnthctl_el1nvpct, cnthctl_el1nvvct, cptr_tta, mdcr_hpmn)", [0, 36, 0, 44]),
    ]);
  });

  it('unknown fine-grained trap register, listing the known ones', () => {
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL3.SCTLR_EL1\n'))).toEqual([
      d(
        'unknown-fgt-register',
        ERR,
        "'HFGxTR_EL3' is not a fine-grained trap register (HFGxTR_EL2, HFGxTR2_EL2, HDFGxTR_EL2, HDFGxTR2_EL2, HFGITR_EL2, HFGITR2_EL2, HAFGRTR_EL2, HFGRTR_EL2, HFGWTR_EL2, HFGRTR2_EL2, HFGWTR2_EL2, HDFGRTR_EL2, HDFGWTR_EL2, HDFGRTR2_EL2, HDFGWTR2_EL2)",
        [0, 24, 0, 34],
      ),
    ]);
  });

  it('unknown fine-grained bit, with and without suggestions', () => {
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL2\n'))).toEqual([
      d('unknown-fgt-bit', ERR, "HFGxTR_EL2 has no bit 'SCTLR_EL2' (did you mean SCTLR_EL1, CTR_EL0?)", [0, 35, 0, 44]),
    ]);
    expect(briefs(check('finetrap SCTLR_EL1 with HFGITR_EL2.SCTLR_EL1\n'))).toEqual([d('unknown-fgt-bit', ERR, "HFGITR_EL2 has no bit 'SCTLR_EL1'", [0, 35, 0, 44])]);
    // The bit and the unless are both checked.
    const t = 'finetrap SCTLR_EL1 with HFGxTR_EL2.NOPE unless HCR_EL3.X == 1\n';
    expect(briefs(check(t))).toEqual([
      d('unknown-fgt-bit', ERR, "HFGxTR_EL2 has no bit 'NOPE'", at(t, 'NOPE')),
      d('unknown-register', ERR, "unknown register 'HCR_EL3' (did you mean HCR_EL2, SCR_EL3, TCR_EL3?)", at(t, 'HCR_EL3')),
    ]);
  });

  it('an unknown bit of a one-direction fine-grained register', () => {
    for (const [reg, bit] of [
      ['HFGRTR_EL2', 'NOPE'],
      ['HFGWTR_EL2', 'SCTLR_EL2'],
      ['HAFGRTR_EL2', 'NOPE'],
      ['HDFGRTR_EL2', 'NOPE'],
      ['HFGRTR2_EL2', 'NOPE'],
    ] as const) {
      const text = `finetrap SCTLR_EL1 with ${reg}.${bit}\n`;
      const got = briefs(check(text));
      expect(got.map((x) => [x.code, x.severity, x.range]), text).toEqual([['unknown-fgt-bit', ERR, at(text, bit)]]);
      expect(got[0]!.message.startsWith(`${reg} has no bit '${bit}'`), got[0]!.message).toBe(true);
    }
  });

  it('a generic name with a field out of range says which field', () => {
    const text = `${TVM}trap S3_9_C1_C0_0 with A\n`;
    expect(briefs(check(text))).toEqual([d('encoding-field-range', ERR, "'S3_9_C1_C0_0': op1 must be 0..7, not 9", at(text, 'S3_9_C1_C0_0'))]);
  });

  it('a register without _EL2 in a control or an unless', () => {
    const t = 'control A forwards all when SCTLR_EL1.M == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([
      d('not-el2-register', ERR, "'SCTLR_EL1' is not an EL2 register: trap controls test the guest hypervisor's virtual EL2 registers", [0, 28, 0, 37]),
    ]);
    const u = 'finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 unless SCTLR_EL1.M == 1\n';
    expect(briefs(check(u))).toEqual([
      d('not-el2-register', ERR, "'SCTLR_EL1' is not an EL2 register: trap controls test the guest hypervisor's virtual EL2 registers", at(u, 'SCTLR_EL1', 2)),
    ]);
  });

  it('an EL2 register nvlab keeps no state for', () => {
    const t = 'control A forwards all when AMEVCNTVOFF00_EL2.X == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([d('no-storage', ERR, "nvlab keeps no state for 'AMEVCNTVOFF00_EL2', so a control cannot test it", [0, 28, 0, 45])]);
  });

  it('an instruction whose only encodings trap with another EC', () => {
    const t = `${TVM}trap TLBIP VAE1IS with A\n`;
    expect(briefs(check(t))).toEqual([
      d('no-trappable-encoding', ERR, 'TLBIP VAE1IS has no MRS, MSR or system-instruction encoding that traps with EC 0x18', at(t, 'TLBIP VAE1IS')),
    ]);
  });
});

describe('values and bits', () => {
  it('a value wider than the field, a raw bit range or a field slice', () => {
    expect(briefs(check(`control A forwards all when HCR_EL2.TVM == 2\ntrap SCTLR_EL1 with A\n`))).toEqual([
      d('value-too-wide', ERR, '2 does not fit HCR_EL2.TVM, which has 1 bit (at most 1)', [0, 43, 0, 44]),
    ]);
    expect(briefs(check(`control A forwards all when HCR_EL2.TWEDEL == 0x10\ntrap SCTLR_EL1 with A\n`))).toEqual([
      d('value-too-wide', ERR, '0x10 does not fit HCR_EL2.TWEDEL, which has 4 bits (at most 15)', [0, 46, 0, 50]),
    ]);
    expect(briefs(check(`control A forwards all when HCR_EL2[39] == 2\ntrap SCTLR_EL1 with A\n`))).toEqual([
      d('value-too-wide', ERR, '2 does not fit HCR_EL2[39], which has 1 bit (at most 1)', [0, 43, 0, 44]),
    ]);
    expect(briefs(check(`control A forwards all when MDCR_EL2.E2PB[1:0] == 4\ntrap SCTLR_EL1 with A\n`))).toEqual([
      d('value-too-wide', ERR, '4 does not fit MDCR_EL2.E2PB[1:0], which has 2 bits (at most 3)', [0, 50, 0, 51]),
    ]);
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 unless HCRX_EL2.FGTnXS == 2\n'))).toEqual([
      d('value-too-wide', ERR, '2 does not fit HCRX_EL2.FGTnXS, which has 1 bit (at most 1)', [0, 71, 0, 72]),
    ]);
  });

  it("'!=' on a multi-bit field (and not on a one-bit field or slice)", () => {
    const t = 'control A forwards all when HCR_EL2.BSU != 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([
      d('not-equal-multibit', ERR, "'!=' needs a one-bit field; HCR_EL2.BSU has 2 bits (write the value it must equal)", at(t, 'HCR_EL2.BSU != 1')),
    ]);
    expect(briefs(check('control A forwards all when HCR_EL2.TID2 != 1\ntrap SCTLR_EL1 with A\n'))).toEqual([]);
    expect(briefs(check('control A forwards all when MDCR_EL2.E2PB[0] != 1\ntrap SCTLR_EL1 with A\n'))).toEqual([]);
    const u = 'control A forwards all when MDCR_EL2.E2PB[1:0] != 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(u))).toEqual([
      d('not-equal-multibit', ERR, "'!=' needs a one-bit field; MDCR_EL2.E2PB[1:0] has 2 bits (write the value it must equal)", at(u, 'MDCR_EL2.E2PB[1:0] != 1')),
    ]);
  });

  it('a raw bit test on RES0 bits (and not on bits some field uses)', () => {
    expect(briefs(check('control A forwards all when HCRX_EL2[13] == 0\ntrap SCTLR_EL1 with A\n'))).toEqual([
      d('res0-bits', ERR, 'HCRX_EL2[13] is RES0 in every layout of HCRX_EL2: a condition on it never holds or always holds', [0, 36, 0, 40]),
    ]);
    expect(briefs(check('control A forwards all when HCRX_EL2[63:27] == 0\ntrap SCTLR_EL1 with A\n'))).toEqual([
      d('res0-bits', ERR, 'HCRX_EL2[63:27] is RES0 in every layout of HCRX_EL2: a condition on it never holds or always holds', [0, 36, 0, 43]),
    ]);
    // Bit 26 is SRMASKEn with FEAT_SRMASK; [27:26] touches it.
    expect(briefs(check('control A forwards all when HCRX_EL2[26] == 0\ntrap SCTLR_EL1 with A\n'))).toEqual([]);
    expect(briefs(check('control A forwards all when HCRX_EL2[27:26] == 0\ntrap SCTLR_EL1 with A\n'))).toEqual([]);
  });

  it('a slice outside its field', () => {
    expect(briefs(check('control A forwards all when MDCR_EL2.E2PB[3] == 1\ntrap SCTLR_EL1 with A\n'))).toEqual([
      d('slice-outside-field', ERR, 'MDCR_EL2.E2PB has 2 bits; [3] is outside it', [0, 41, 0, 44]),
    ]);
    expect(briefs(check('control A forwards all when MDCR_EL2.E2PB[2:1] == 1\ntrap SCTLR_EL1 with A\n'))).toEqual([
      d('slice-outside-field', ERR, 'MDCR_EL2.E2PB has 2 bits; [2:1] is outside it', [0, 41, 0, 46]),
    ]);
  });

  it('a field that moves between layouts (CPTR_EL2.TTA)', () => {
    const t = 'control A forwards all when CPTR_EL2.TTA == 1\ntrap SCTLR_EL1 with A\n';
    expect(briefs(check(t))).toEqual([
      d(
        'field-moves',
        ERR,
        'CPTR_EL2.TTA moves between layouts ([28] when ELIsInHost(EL2), [20] when !ELIsInHost(EL2)): a test of it cannot be one mask and value; use a built-in condition',
        [0, 37, 0, 40],
      ),
    ]);
    expect(briefs(check('control A forwards all when builtin cptr_tta\ntrap SCTLR_EL1 with A\n'))).toEqual([]);
  });
});

describe('definitions and mappings', () => {
  it('duplicate names, with the first definition as related location', () => {
    const t = `${TVM}trap SCTLR_EL1 with A\ncontrol A forwards all when HCR_EL2.TRVM == 1\ncombine A = A + A\n`;
    const rel = [{ file: 't.traps', range: [0, 8, 0, 9] as Brief['range'], message: "'A' is defined here" }];
    expect(briefs(check(t), { related: true })).toEqual([
      { ...d('duplicate-name', ERR, "'A' is already defined", [2, 8, 2, 9]), related: rel },
      { ...d('duplicate-name', ERR, "'A' is already defined", [3, 8, 3, 9]), related: rel },
    ]);
  });

  it('a combination inside a combination, with its definition as related location', () => {
    const t = `${TVM}control B forwards all when HCR_EL2.TRVM == 1\ncombine C = A + B\ncombine D = C + A\ntrap SCTLR_EL1 with D\n`;
    expect(briefs(check(t), { related: true })).toEqual([
      {
        ...d('nested-combination', ERR, "'C' is a combination: a combination lists controls only", [3, 12, 3, 13]),
        related: [{ file: 't.traps', range: [2, 8, 2, 9], message: "'C' is defined here" }],
      },
    ]);
  });

  it('a control listed twice in a combination', () => {
    const t = `${TVM}control B forwards all when HCR_EL2.TRVM == 1\ncombine C = A + B + A\ntrap SCTLR_EL1 with C\n`;
    expect(briefs(check(t))).toEqual([d('duplicate-member', WARN, "'A' is listed twice in 'C'", [2, 20, 2, 21])]);
    expect(check(t).table.controls.get('C')).toMatchObject({ kind: 'combine', members: [{ name: 'A' }, { name: 'B' }] });
  });

  it('an encoding mapped twice by trap: by name, encoding and generic name; multi-word names', () => {
    const t = `${TVM}trap SCTLR_EL1 with A\ntrap (3,0,1,0,0) with A\ntrap S3_0_C1_C0_0 with A\n`;
    const rel = [{ file: 't.traps', range: [1, 5, 1, 14] as Brief['range'], message: 'first mapped here' }];
    expect(briefs(check(t), { related: true })).toEqual([
      { ...d('duplicate-mapping', ERR, 'SCTLR_EL1 (3, 0, 1, 0, 0) is mapped by another trap item already', [2, 5, 2, 16]), related: rel },
      { ...d('duplicate-mapping', ERR, 'SCTLR_EL1 (3, 0, 1, 0, 0) is mapped by another trap item already', [3, 5, 3, 17]), related: rel },
    ]);
    const u = `${TVM}trap TLBI VAE1IS with A\ntrap TLBI  VAE1IS with A\n`;
    expect(briefs(check(u), { related: true })).toEqual([
      {
        ...d('duplicate-mapping', ERR, 'TLBI VAE1IS (1, 0, 8, 3, 1) is mapped by another trap item already', [2, 5, 2, 17]),
        related: [{ file: 't.traps', range: [1, 5, 1, 16], message: 'first mapped here' }],
      },
    ]);
  });

  it('an encoding mapped twice by finetrap, but once by trap and once by finetrap is fine', () => {
    const t = 'finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\nfinetrap SCTLR_EL1 with HFGRTR_EL2.SCTLR_EL1\n';
    expect(briefs(check(t), { related: true })).toEqual([
      {
        ...d('duplicate-mapping', ERR, 'SCTLR_EL1 (3, 0, 1, 0, 0) is mapped by another finetrap item already', [1, 9, 1, 18]),
        related: [{ file: 't.traps', range: [0, 9, 0, 18], message: 'first mapped here' }],
      },
    ]);
    expect(briefs(check(`${TVM}trap SCTLR_EL1 with A\nfinetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\n`))).toEqual([]);
  });

  it('overlapping ranges: both places, each pointing at the other', () => {
    const t = `${TVM}trap (3,0,1,0,0) to (3,0,1,0,7) with A\ntrap (3,0,1,0,0) to (3,0,2,0,0) with A\n`;
    expect(briefs(check(t), { related: true })).toEqual([
      {
        ...d('overlapping-ranges', ERR, 'this trap range overlaps another at SCTLR_EL1 (3, 0, 1, 0, 0)', [2, 5, 2, 31]),
        related: [{ file: 't.traps', range: [1, 5, 1, 31], message: 'the other range' }],
      },
      {
        ...d('overlapping-ranges', ERR, 'this trap range overlaps another at SCTLR_EL1 (3, 0, 1, 0, 0)', [1, 5, 1, 31]),
        related: [{ file: 't.traps', range: [2, 5, 2, 31], message: 'the other range' }],
      },
    ]);
    // A single encoding inside a range is an overlap too.
    const u = `${TVM}trap (3,0,1,0,0) to (3,0,1,0,7) with A\ntrap SCTLR_EL1 with A\n`;
    expect(briefs(check(u)).map((x) => [x.code, x.range])).toEqual([
      ['overlapping-ranges', [1, 5, 1, 31]],
      ['overlapping-ranges', [2, 5, 2, 14]],
    ]);
    // Adjacent ranges do not overlap.
    expect(briefs(check(`${TVM}trap (3,0,1,0,0) to (3,0,1,0,7) with A\ntrap (3,0,1,1,0) to (3,0,1,1,7) with A\n`))).toEqual([]);
  });

  it('an unnamed encoding is written once in duplicate and overlap messages; twice in one item says so', () => {
    const a = `${TVM}trap (3,0,11,0,0) to (3,0,11,15,7) with A\ntrap (3,0,11,4,0) to (3,0,15,15,7) with A\n`;
    expect(briefs(check(a)).map((x) => x.message)).toEqual(['this trap range overlaps another at (3, 0, 11, 4, 0)', 'this trap range overlaps another at (3, 0, 11, 4, 0)']);
    const b = `${TVM}trap (3,0,11,4,0) with A\ntrap (3,0,11,4,0) with A\n`;
    expect(briefs(check(b)).map((x) => x.message)).toEqual(['(3, 0, 11, 4, 0) is mapped by another trap item already']);
    const c = `${TVM}trap SCTLR_EL1, (3,0,1,0,0) with A\n`;
    expect(briefs(check(c))).toEqual([d('duplicate-mapping', ERR, 'SCTLR_EL1 (3, 0, 1, 0, 0) is listed twice in this trap item', at(c, '(3,0,1,0,0)'))]);
  });

  it('a range whose end is before its start', () => {
    const t = `${TVM}trap (3,0,11,15,7) to (3,0,11,0,0) with A\n`;
    expect(briefs(check(t))).toEqual([
      d('range-reversed', ERR, 'the range ends at (3, 0, 11, 0, 0), before it starts at (3, 0, 11, 15, 7)', at(t, '(3,0,11,15,7) to (3,0,11,0,0)')),
    ]);
    const u = `${TVM}trap S3_0_C1_C0_0 to S3_0_C0_C0_0 with A\n`;
    expect(briefs(check(u))).toEqual([d('range-reversed', ERR, 'the range ends at (3, 0, 0, 0, 0), before it starts at (3, 0, 1, 0, 0)', [1, 5, 1, 33])]);
    const v = `${TVM}trap SCTLR_EL1 to TLBI VALE1IS with A\n`;
    expect(briefs(check(v))).toEqual([
      d('range-reversed', ERR, 'the range ends at (1, 0, 8, 3, 5), before it starts at (3, 0, 1, 0, 0)', at(v, 'SCTLR_EL1 to TLBI VALE1IS')),
    ]);
  });

  it('op0 = 0 and out-of-range encoding fields', () => {
    const t = `${TVM}trap (0,0,4,0,0) with A\n`;
    expect(briefs(check(t))).toEqual([
      d(
        'not-system-register',
        ERR,
        'op0 = 0 is not the system-register space (MSR immediate, hints and barriers live there); system registers and instructions have op0 1 to 3',
        [1, 6, 1, 7],
      ),
    ]);
    expect(briefs(check(`${TVM}trap S0_0_C4_C0_0 with A\n`))).toEqual([d('not-system-register', ERR, 'S0_0_C4_C0_0 has op0 = 0, outside the system-register space', [1, 5, 1, 17])]);
    const u = `${TVM}trap (4,0,4,0,0), (3,8,0,0,0), (3,0,16,0,0), (3,0,0,16,0), (3,0,0,0,8) with A\n`;
    expect(briefs(check(u))).toEqual([
      d('encoding-field-range', ERR, 'op0 is at most 3, not 4', [1, 6, 1, 7]),
      d('encoding-field-range', ERR, 'op1 is at most 7, not 8', [1, 21, 1, 22]),
      d('encoding-field-range', ERR, 'CRn is at most 15, not 16', [1, 36, 1, 38]),
      d('encoding-field-range', ERR, 'CRm is at most 15, not 16', [1, 52, 1, 54]),
      d('encoding-field-range', ERR, 'op2 is at most 7, not 8', [1, 68, 1, 69]),
    ]);
  });
});

describe('fine-grained traps', () => {
  it('one bit with both polarities, related to the first use', () => {
    const t = 'finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\nfinetrap TTBR0_EL1 with HFGxTR_EL2.SCTLR_EL1 == 0\n';
    expect(briefs(check(t), { related: true })).toEqual([
      d('fgt-polarity', WARN, 'SCTLR_EL1 traps when 1, but this finetrap forwards when it is 0', [1, 48, 1, 49]),
      {
        ...d('fgt-both-polarities', ERR, 'HFGxTR_EL2.SCTLR_EL1 forwards when 0 here and when 1 elsewhere: a bit has one polarity', [1, 48, 1, 49]),
        related: [{ file: 't.traps', range: [0, 35, 0, 44], message: 'HFGxTR_EL2.SCTLR_EL1 with polarity 1' }],
      },
    ]);
  });

  it('both polarities of one physical bit, named through the pair and through its read register', () => {
    const t = 'finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\nfinetrap TTBR0_EL1 with HFGRTR_EL2.SCTLR_EL1 == 0\n';
    const got = briefs(check(t), { related: true }).filter((x) => x.code === 'fgt-both-polarities');
    expect(got).toEqual([
      {
        ...d('fgt-both-polarities', ERR, 'HFGRTR_EL2.SCTLR_EL1 forwards when 0 here and when 1 elsewhere (HFGxTR_EL2.SCTLR_EL1 there: both are HFGRTR_EL2.SCTLR_EL1): a bit has one polarity', at(t, '0', 1)),
        related: [{ file: 't.traps', range: at(t, 'SCTLR_EL1', 1), message: 'HFGxTR_EL2.SCTLR_EL1 with polarity 1' }],
      },
    ]);
    // The pair names its write register's bit too; the read and the write register are different bits.
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\nfinetrap TTBR0_EL1 with HFGWTR_EL2.SCTLR_EL1 == 0\n')).map((x) => x.code)).toContain('fgt-both-polarities');
    expect(briefs(check('finetrap SCTLR_EL1 with HFGRTR_EL2.SCTLR_EL1\nfinetrap TTBR0_EL1 with HFGWTR_EL2.SCTLR_EL1 == 0\n')).map((x) => x.code)).not.toContain('fgt-both-polarities');
  });

  it('polarity naming warnings: an n-bit with 1, another bit with 0', () => {
    expect(briefs(check('finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0\n'))).toEqual([
      d('fgt-polarity', WARN, "nTPIDR2_EL0 traps when 0 (its name starts with 'n'), but this finetrap forwards when it is 1; write '== 0'", [0, 36, 0, 47]),
    ]);
    // With an explicit '== 1' the warning points at the value.
    expect(briefs(check('finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 1\n'))).toEqual([
      d('fgt-polarity', WARN, "nTPIDR2_EL0 traps when 0 (its name starts with 'n'), but this finetrap forwards when it is 1; write '== 0'", [0, 51, 0, 52]),
    ]);
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 0\n'))).toEqual([
      d('fgt-polarity', WARN, 'SCTLR_EL1 traps when 1, but this finetrap forwards when it is 0', [0, 48, 0, 49]),
    ]);
    expect(briefs(check('finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0\nfinetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1 == 1\n'))).toEqual([]);
  });

  it('compiles read and write bits of a pair, and single registers of a pair', () => {
    const r = check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\nfinetrap TTBR0_EL1 with HFGWTR_EL2.TTBR0_EL1\nfinetrap AFSR0_EL1 with HAFGRTR_EL2.AMEVCNTR00_EL0\n');
    expect(r.diagnostics).toEqual([]);
    const [a, b, c] = r.table.fineTraps;
    expect([a!.read?.register, a!.write?.register, a!.read?.bit, a!.write?.bit]).toEqual(['HFGRTR_EL2', 'HFGWTR_EL2', 29, 29]);
    expect([b!.read, b!.write?.register]).toEqual([null, 'HFGWTR_EL2']);
    expect([c!.read?.register, c!.write]).toEqual(['HAFGRTR_EL2', null]);
    expect([a!.from, a!.to]).toEqual([0xc080, 0xc080]);
  });
});

describe('unused definitions', () => {
  it('a control nothing uses, a combination nothing uses', () => {
    const t = `${TVM}control B forwards all when HCR_EL2.TRVM == 1\ncombine C = A + B\ncontrol D forwards reads when HCR_EL2.TID3 == 1\n`;
    expect(briefs(check(t))).toEqual([
      d('unused', WARN, "control 'D' is not used by any trap or combination", [3, 8, 3, 9]),
      d('unused', WARN, "combination 'C' is not used by any trap", [2, 8, 2, 9]),
    ]);
  });
});

describe('CPU profile', () => {
  it('a control field that only exists with a feature the default profile lacks', () => {
    const t = 'control A forwards all when HCR_EL2.TVM == 1 && HCR_EL2.TID5 == 1\ntrap SCTLR_EL1 with A\n';
    expect(DEFAULT_PROFILE.features.has('FEAT_MTE2')).toBe(false);
    expect(briefs(check(t, profile))).toEqual([
      d('res0-on-profile', WARN, "HCR_EL2.TID5 exists only when FEAT_MTE2, which nvlab's CPU profile does not implement: it reads as 0 here", at(t, 'TID5')),
    ]);
    // Without a profile every feature is there.
    expect(briefs(check(t))).toEqual([]);
  });

  it('an unless field, and fine-grained bits of both registers of a pair (warned once)', () => {
    const t = `${TVM}trap SCTLR_EL1 with A\nfinetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1\n`;
    expect(DEFAULT_PROFILE.features.has('FEAT_XS')).toBe(false);
    expect(briefs(check(t, profile))).toEqual([
      d('res0-on-profile', WARN, "HCRX_EL2.FGTnXS exists only when FEAT_XS, which nvlab's CPU profile does not implement: it reads as 0 here", at(t, 'FGTnXS')),
    ]);
    const u = 'finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0\n';
    expect(briefs(check(u, profile))).toEqual([
      d('res0-on-profile', WARN, "HFGRTR_EL2.nTPIDR2_EL0 exists only when FEAT_SME, which nvlab's CPU profile does not implement: it is RES0 here and never traps", [0, 36, 0, 47]),
    ]);
    expect(briefs(check('finetrap SCTLR_EL1 with HFGxTR_EL2.SCTLR_EL1\n', profile))).toEqual([]);
  });
});

describe('includes', () => {
  const files: Record<string, string> = {
    'dir/a.traps': 'include "b.traps"\ninclude "b.traps"\ninclude "sub/c.traps"\ncontrol A forwards all when HCR_EL2.TVM == 1\n',
    'dir/b.traps': 'trap SCTLR_EL1 with A\ninclude "sub/c.traps"\n',
    'dir/sub/c.traps': 'trap TTBR0_EL1 with A\ninclude "../d.traps"\n',
    'dir/d.traps': 'trap TTBR1_EL1 with A\n',
  };

  it('reads a file once however often it is included, resolving paths against the including file', () => {
    const reads: string[] = [];
    const r = check(files['dir/a.traps']!, { readFile: (p) => (reads.push(p), files[p] ?? null) }, 'dir/a.traps');
    expect(r.diagnostics).toEqual([]);
    expect(reads).toEqual(['dir/b.traps', 'dir/sub/c.traps', 'dir/d.traps']);
    expect(r.files.map((f) => f.file)).toEqual(['dir/a.traps', 'dir/b.traps', 'dir/sub/c.traps', 'dir/d.traps']);
    expect(r.table.traps.map((t) => [t.file, t.from])).toEqual([
      ['dir/b.traps', 0xc080],
      ['dir/sub/c.traps', 0xc100],
      ['dir/d.traps', 0xc101],
    ]);
  });

  it('an include that cannot be read, with and without readFile', () => {
    const t = 'include "x.traps"\n';
    expect(briefs(check(t))).toEqual([d('include-unreadable', ERR, 'cannot read the included file "x.traps" (x.traps)', [0, 8, 0, 17])]);
    expect(briefs(check(t, { readFile: () => null }, 'dir/t.traps'), { file: true })).toEqual([
      { ...d('include-unreadable', ERR, 'cannot read the included file "x.traps" (dir/x.traps)', [0, 8, 0, 17]), file: 'dir/t.traps' },
    ]);
  });

  it('a loop: a file including itself, and through another file', () => {
    expect(briefs(check('include "t.traps"\n', { readFile: () => '' }))).toEqual([d('include-loop', ERR, 'including "t.traps" makes a loop: t.traps -> t.traps', [0, 8, 0, 17])]);
    const fs: Record<string, string> = { 'a.traps': 'include "b.traps"\n', 'b.traps': '\n\ninclude "a.traps"\n' };
    expect(briefs(check(fs['a.traps']!, { readFile: (p) => fs[p] ?? null }, 'a.traps'), { file: true })).toEqual([
      { ...d('include-loop', ERR, 'including "a.traps" makes a loop: a.traps -> b.traps -> a.traps', [2, 8, 2, 17]), file: 'b.traps' },
    ]);
  });

  it('a custom resolve', () => {
    const reads: string[] = [];
    const r = check('include "x"\n', { resolve: (_f, p) => `R:${p}`, readFile: (p) => (reads.push(p), p === 'R:x' ? 'include "y"\n' : null) });
    expect(reads).toEqual(['R:x', 'R:y']);
    expect(briefs(r, { file: true })).toEqual([{ ...d('include-unreadable', ERR, 'cannot read the included file "y" (R:y)', [0, 8, 0, 11]), file: 'R:x' }]);
  });

  it('diagnostics of an included file name it, and related locations cross files', () => {
    const fs: Record<string, string> = { 'e.traps': TVM };
    const r = check(`${TVM}include "e.traps"\ntrap SCTLR_EL1 with A\n`, { readFile: (p) => fs[p] ?? null });
    expect(briefs(r, { file: true, related: true })).toEqual([
      {
        ...d('duplicate-name', ERR, "'A' is already defined", [0, 8, 0, 9]),
        file: 'e.traps',
        related: [{ file: 't.traps', range: [0, 8, 0, 9], message: "'A' is defined here" }],
      },
    ]);
    // Syntax errors of an included file.
    const s = check('include "s.traps"\n', { readFile: () => 'trap (3, 0) with A\n' });
    expect(briefs(s, { file: true })).toEqual([{ ...d('syntax', ERR, "expected ',' between op1 and CRn, found ')'", [0, 10, 0, 11]), file: 's.traps' }]);
  });
});

describe("Arm's access rules", () => {
  it('a mapping whose control does not trap the encoding (control, combination, fine-grained bit)', () => {
    const t = 'control TID1 forwards reads when HCR_EL2.TID1 == 1\ntrap REVIDR_EL1, AIDR_EL1, SMIDR_EL1, TPIDR_EL1 with TID1\n';
    expect(briefs(check(t, { architecture: true }))).toEqual([
      d('arch-no-trap', WARN, "according to Arm's access rules, control 'TID1' (HCR_EL2.TID1 == 1) does not trap TPIDR_EL1 to EL2", at(t, 'TPIDR_EL1')),
    ]);
    const u =
      'control TID1 forwards reads when HCR_EL2.TID1 == 1\ncontrol TID2 forwards reads when HCR_EL2.TID2 == 1\ncombine T12 = TID1 + TID2\ntrap REVIDR_EL1, AIDR_EL1, SMIDR_EL1 with TID1\ntrap CTR_EL0, CCSIDR_EL1, CLIDR_EL1, CCSIDR2_EL1, CSSELR_EL1 with TID2\ntrap TPIDR_EL1 with T12\n';
    expect(briefs(check(u, { architecture: true }))).toEqual([
      d('arch-no-trap', WARN, "according to Arm's access rules, control 'TID1' (in combination 'T12') (HCR_EL2.TID1 == 1) does not trap TPIDR_EL1 to EL2", [5, 5, 5, 14]),
      d('arch-no-trap', WARN, "according to Arm's access rules, control 'TID2' (in combination 'T12') (HCR_EL2.TID2 == 1) does not trap TPIDR_EL1 to EL2", [5, 5, 5, 14]),
    ]);
    expect(briefs(check('finetrap TPIDR_EL1 with HFGxTR_EL2.SCTLR_EL1\n', { architecture: true }))).toEqual([
      d('arch-no-trap', WARN, "according to Arm's access rules, HFGxTR_EL2.SCTLR_EL1 == 1 does not trap TPIDR_EL1 to EL2", [0, 9, 0, 18]),
    ]);
    const v = 'control EL1PCTEN forwards all when builtin cnthctl_el1pcten\ntrap CNTPCT_EL0, CNTPCTSS_EL0, TLBI VAE1IS with EL1PCTEN\n';
    expect(briefs(check(v, { architecture: true }))).toEqual([
      d('arch-no-trap', WARN, "according to Arm's access rules, control 'EL1PCTEN' (built-in cnthctl_el1pcten) does not trap TLBI VAE1IS to EL2", at(v, 'TLBI VAE1IS')),
    ]);
  });

  it('the missing-mapping warning and its fix', () => {
    const t = 'control TID1 forwards reads when HCR_EL2.TID1 == 1\ntrap REVIDR_EL1, AIDR_EL1 with TID1\n';
    const [w] = check(t, { architecture: true }).diagnostics;
    expect(check(t, { architecture: true }).diagnostics).toHaveLength(1);
    expect(w).toMatchObject({
      code: 'arch-unmapped',
      severity: WARN,
      message: "according to Arm's access rules, HCR_EL2.TID1 == 1 also traps SMIDR_EL1, which no trap item maps to 'TID1'",
      fix: { title: 'Map SMIDR_EL1 to TID1', insertText: 'trap SMIDR_EL1 with TID1\n' },
    });
    expect([w!.range.start.line, w!.range.start.col, w!.range.end.line, w!.range.end.col]).toEqual([0, 8, 0, 12]);
    const u = 'control TID2 forwards reads when HCR_EL2.TID2 == 1\ntrap CTR_EL0 with TID2\n';
    expect(check(u, { architecture: true }).diagnostics).toMatchObject([
      {
        code: 'arch-unmapped',
        message: "according to Arm's access rules, HCR_EL2.TID2 == 1 also traps CCSIDR_EL1, CLIDR_EL1, CCSIDR2_EL1, CSSELR_EL1, which no trap item maps to 'TID2'",
        fix: { title: 'Map the 4 registers to TID2', insertText: 'trap CCSIDR_EL1, CLIDR_EL1, CCSIDR2_EL1, CSSELR_EL1 with TID2\n' },
      },
    ]);
    // The fix makes the table complete.
    const fixed = u + check(u, { architecture: true }).diagnostics[0]!.fix!.insertText;
    expect(check(fixed, { architecture: true }).diagnostics).toEqual([]);
  });

  it('lists at most eight names, and gives no fix for encoding patterns only', () => {
    const t = 'control TID3 forwards reads when HCR_EL2.TID3 == 1\ntrap ID_AA64PFR0_EL1 with TID3\n';
    const [w] = check(t, { architecture: true }).diagnostics;
    expect(w!.message).toBe(
      "according to Arm's access rules, HCR_EL2.TID3 == 1 also traps ID_PFR0_EL1, ID_PFR1_EL1, ID_DFR0_EL1, ID_AFR0_EL1, ID_MMFR0_EL1, ID_MMFR1_EL1, ID_MMFR2_EL1, ID_MMFR3_EL1 and 33 more, which no trap item maps to 'TID3'",
    );
    expect(w!.fix!.title).toBe('Map the 41 registers to TID3');
    const u = 'control TIDCP forwards all when HCR_EL2.TIDCP == 1\ntrap (3, 0, 11, 0, 0) to (3, 0, 11, 15, 7) with TIDCP\n';
    const ws = check(u, { architecture: true }).diagnostics;
    expect(ws.map((x) => [x.code, x.severity, x.range.start.line, x.range.start.col, x.range.end.col, x.fix])).toEqual([['arch-unmapped', WARN, 0, 8, 13, undefined]]);
    // Patterns are written with their free bits: CRn is 0b1x11 (11 or 15), the other fields any value.
    expect(ws[0]!.message).toBe("according to Arm's access rules, HCR_EL2.TIDCP == 1 also traps S1_*_C0b1x11_C*_*, S3_*_C0b1x11_C*_*, which no trap item maps to 'TIDCP'");
  });

  it('no architecture warnings for a complete table, for raw bits, for unused controls, or when turned off', () => {
    expect(check('control TID1 forwards reads when HCR_EL2.TID1 == 1\ntrap REVIDR_EL1, AIDR_EL1, SMIDR_EL1 with TID1\n', { architecture: true }).diagnostics).toEqual([]);
    expect(check('control A forwards all when HCR_EL2[39] == 1\ntrap TPIDR_EL1 with A\n', { architecture: true }).diagnostics).toEqual([]);
    expect(check('control TID1 forwards reads when HCR_EL2.TID1 == 1\n', { architecture: true }).diagnostics.map((x) => x.code)).toEqual(['unused']);
    expect(check('control TVM forwards writes when HCR_EL2.TVM == 1\ntrap TPIDR_EL1 with TVM\n').diagnostics).toEqual([]);
    // The default is on.
    expect(checkTraps('control TVM forwards writes when HCR_EL2.TVM == 1\ntrap TPIDR_EL1 with TVM\n', 't.traps').diagnostics.map((x) => x.code)).toEqual(['arch-no-trap', 'arch-unmapped']);
  });
});

describe("Arm's access rules at scale", () => {
  it('1000 overlapping full-space ranges: one warning each (timed in npm run bench)', () => {
    const text = `control X forwards all when HCR_EL2.TVM == 1\n${'trap (1,0,0,0,0) to (3,7,15,15,7) with X\n'.repeat(1000)}`;
    const r = checkTraps(text, 'big.traps', { architecture: true });
    const codes = r.diagnostics.map((x) => x.code);
    expect(codes.filter((c) => c === 'arch-no-trap')).toHaveLength(1000);
    expect(codes.filter((c) => c === 'overlapping-ranges')).toHaveLength(2 * 999);
    // Every encoding TVM traps is covered, so nothing is missing.
    expect(codes).not.toContain('arch-unmapped');
  });
});

describe('robustness', () => {
  it('never throws on malformed or odd inputs, and every range is within its file', () => {
    const inputs = [
      '',
      'include ""',
      'include "/"',
      'include "../../../.."',
      'trap S3_9_C1_C0_0 with A',
      'trap S9_0_C1_C0_0, s3_0_c1_c0_0, S3_0_C1_C0_0_0, SPSel, NZCV, DAIF with A',
      'trap TLBI VAE1IS to (3,7,15,15,7) with A',
      'trap (1,0,0,0,0) to (3,7,15,15,7) with A\ncontrol A forwards all when HCR_EL2.TVM == 1',
      'finetrap (1,0,0,0,0) to (3,7,15,15,7) with HFGxTR_EL2.SCTLR_EL1',
      'control A forwards all when HCR_EL2[63:0] == 0x1fffffffffffff\ntrap SCTLR_EL1 with A',
      'control A forwards all when PMEVCNTR<n>_EL0.X == 1',
      'control <n> forwards all when HCR_EL2.TVM == 1\ntrap <n> with <n>',
      'control A forwards all when HCR_EL2.- == 1',
      'finetrap SCTLR_EL1 with HFGxTR_EL2.- ',
      'control constructor forwards all when builtin constructor\ntrap SCTLR_EL1 with __proto__\ncombine toString = constructor + hasOwnProperty',
      'finetrap SCTLR_EL1 with __proto__.constructor\nfinetrap SCTLR_EL1 with hasOwnProperty.x',
    ];
    for (const t of inputs) {
      for (const architecture of [false, true]) {
        const r = checkTraps(t, 'a/b.traps', { architecture, readFile: (p) => (p === 'a/b.traps' ? t : null), features: profile.features });
        for (const x of r.diagnostics) {
          const f = r.files.find((p) => p.file === x.file);
          expect(f, x.file).toBeDefined();
          expect(rangeProblems(f!.text, x.range)).toEqual([]);
        }
      }
    }
  });
});

describe('nvlab check', () => {
  it('a file that includes the file given on the command line is a loop, not read twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvlab-check-'));
    try {
      writeFileSync(join(dir, 'self.traps'), 'include "self.traps"\ncontrol A forwards all when HCR_EL2.TVM == 1\ntrap SCTLR_EL1 with A\n');
      const given = relative(process.cwd(), join(dir, 'self.traps'));
      const out: string[] = [];
      const code = cmdCheck(['--json', '--no-architecture', given], (s) => out.push(s), () => {});
      const diags = JSON.parse(out.join('')) as { code: string; file: string; message: string }[];
      expect(code).toBe(1);
      expect(diags.map((x) => [x.code, x.file, x.message])).toEqual([['include-loop', given, 'including "self.traps" makes a loop: self.traps -> self.traps']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
