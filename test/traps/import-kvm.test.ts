import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraps } from '../../emulator/traps/checker.js';
import { formatImportWarning, importKvm } from '../../emulator/traps/import-kvm.js';
import { parseTraps } from '../../emulator/traps/parser.js';

/**
 * `nvlab import-kvm` on test/traps/fixtures/emulate-nested-sample.c, a file
 * in the format of Linux's emulate-nested.c written for these tests. When
 * the importer's output changes on purpose, regenerate the expected file:
 *
 *   npm run build && node bin/nvlab.js import-kvm test/traps/fixtures/emulate-nested-sample.c \
 *     > test/traps/fixtures/emulate-nested-sample.expected.traps
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = 'test/traps/fixtures/emulate-nested-sample.c';
const EXPECTED = 'test/traps/fixtures/emulate-nested-sample.expected.traps';
const BIN = join(ROOT, 'bin/nvlab.js');

const sample = readFileSync(join(ROOT, FIXTURE), 'utf8');
const expected = readFileSync(join(ROOT, EXPECTED), 'utf8');
const imported = importKvm(sample, FIXTURE);

/** The warnings the importer must give on the sample: line and message. */
const EXPECTED_WARNINGS: [number, RegExp][] = [
  [74, /^CGT_HCR_TID2_TID4 is declared in enum cgt_group_id but has no entry in coarse_trap_bits\[\], coarse_control_combo\[\] or ccc\[\]/],
  [199, /^\[CGT_HCR_TRAPALL\] = \{ \.\.\. \}: \.mask = HCR_TRAPALL: 'HCR_TRAPALL' names no field of HCR_EL2 .*; left out$/],
  [257, /^\[CGT_VNCR_ENABLE\] = \{ \.\.\. \}: \.index = VNCR_CTL_EL2 is a register nvlab does not know.*; left out$/],
  [310, /^check_zcr_len\(\) has no nvlab built-in evaluator .*control ZCR_LEN names 'builtin zcr_len'/],
  [378, /^SR_TRAP\(SYS_IMPDEF_CTLR_EL1, CGT_HCR_TIDCP\): SYS_IMPDEF_CTLR_EL1 names IMPDEF_CTLR_EL1, which is not a register or instruction nvlab knows.*; left out$/],
  [413, /^SR_FGT\(SYS_ICC_IAR1_EL1, ICH_HFGRTR, ICC_IAR1_EL1, 1\): ICH_HFGRTR is not a fine-grained trap group nvlab knows .*; left out$/],
];

/** The checker's diagnostics on the imported sample: code, severity and the output line they point at. */
function diagnosticsOn(text: string, architecture: boolean): string[] {
  const lines = text.split('\n');
  return [...checkTraps(text, 'kvm.traps', { architecture }).diagnostics]
    .sort((a, b) => a.range.start.offset - b.range.start.offset)
    .map((d) => `${d.severity} ${d.code}: ${lines[d.range.start.line]}`);
}

function nvlab(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nvlab import-kvm on the sample', () => {
  it('writes the expected .traps file', () => {
    expect(imported.text).toBe(expected);
    expect(imported.imported).toBe(102);
    expect(imported.leftOut).toBe(4);
  });

  it('writes a file that parses, one item per imported entry, each after its kernel line', () => {
    const p = parseTraps(imported.text, 'kvm.traps');
    expect(p.diagnostics).toEqual([]);
    expect(p.items.length).toBe(imported.imported);
    const kinds = new Map<string, number>();
    for (const item of p.items) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({ control: 31, combine: 9, trap: 46, finetrap: 16 });
    const lines = imported.text.split('\n');
    for (const item of p.items) expect(lines[item.range.start.line - 1]).toMatch(/^# emulate-nested-sample\.c:\d+$/);
    // The comment names the line of the entry in the C file.
    const at = (needle: string): number => sample.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(imported.text).toContain(`# emulate-nested-sample.c:${at('SR_TRAP(SYS_FPMR,')}\ntrap FPMR with HCRX_EnFPM\n`);
    expect(imported.text).toContain(`# emulate-nested-sample.c:${at('[CGT_HCR_NV1_nNV2] = {')}\ncontrol HCR_NV1_nNV2 forwards all when HCR_EL2.NV == 1 && HCR_EL2.NV1 == 1 && HCR_EL2.NV2 == 0\n`);
  });

  it('translates each form as specified', () => {
    const t = imported.text;
    for (const line of [
      'control HCR_TID1 forwards reads when HCR_EL2.TID1 == 1',
      'control HCR_TIDCP forwards all when HCR_EL2.TIDCP == 1', // BEHAVE_FORWARD_ANY
      'control HCR_TPC forwards all when HCR_EL2.TPCP == 1', // the kernel's name for Arm's TPCP
      'control HCR_APK forwards all when HCR_EL2.APK == 0', // .value = 0
      'control HCR_NV_nNV2 forwards all when HCR_EL2.NV == 1 && HCR_EL2.NV2 == 0',
      'control MDCR_TPM forwards all even in host EL0 when MDCR_EL2.TPM == 1',
      'control MDCR_E2PB forwards all when MDCR_EL2.E2PB[0] == 0', // BIT(MDCR_EL2_E2PB_SHIFT) on a two-bit field
      'control MDCR_E2TB forwards all when MDCR_EL2.E2TB[0] == 0',
      'control HCRX_EnFPM forwards all when HCRX_EL2.EnFPM == 0', // no .value at all
      'combine HCR_NV1_nNV2_ENSCXT = HCR_NV1_nNV2 + HCR_ENSCXT',
      'control MDCR_HPMN forwards all even in host EL0 when builtin mdcr_hpmn', // from the body of check_mdcr_hpmn
      'control CPTR_TTA forwards all when builtin cptr_tta',
      'control ZCR_LEN forwards reads when builtin zcr_len',
      'trap ID_PFR0_EL1 to (3, 0, 0, 7, 7) with HCR_TID3',
      'trap (3, 0, 11, 0, 0) to (3, 0, 11, 15, 7) with HCR_TIDCP',
      'trap DC CVAC with HCR_TPC',
      'trap TLBI VAE1NXS with HCR_TTLB',
      'trap AT S1E2R with HCR_NV',
      'trap CPP RCTX with HCR_NV',
      'trap PMEVTYPER0_EL0 with MDCR_TPM_HPMN',
      'trap DBGBVR1_EL1 with MDCR_TDE_TDA',
      'trap AMEVCNTR01_EL0 with CPTR_TAM',
      'finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0',
      'finetrap TTBR0_EL1 with HFGxTR_EL2.TTBR0_EL1', // HFGRTR, the newer group name
      'finetrap ACTLRMASK_EL1 with HFGxTR2_EL2.nACTLRMASK_EL1 == 0',
      'finetrap BRB IALL with HFGITR_EL2.nBRBIALL == 0',
      'finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1',
      'finetrap DC CIVAPS with HFGITR2_EL2.nDCCIVAPS == 0',
      'finetrap OSLAR_EL1 with HDFGxTR_EL2.OSLAR_EL1',
      'finetrap TRCSSCSR0 with HDFGxTR_EL2.TRCSSCSRn',
      'finetrap AMEVCNTR01_EL0 with HAFGRTR_EL2.AMEVCNTR01_EL0',
    ]) {
      expect(t.split('\n'), line).toContain(line);
    }
    // Comments in the tables come along; a comment after an entry stays on its line.
    expect(t).toContain('# E2PB and E2TB are two-bit fields; only their low bit decides.\n');
    expect(t).toContain('trap SCTLR_EL1 with HCR_TVM_TRVM  # Deliberate: mapped twice\n');
    // The header names the source.
    expect(t.startsWith(`# Trap tables imported by \`nvlab import-kvm\` from ${FIXTURE},\n`)).toBe(true);
  });

  it('warns about exactly what it leaves out or cannot fully translate', () => {
    expect(imported.warnings.map((w) => w.file)).toEqual(EXPECTED_WARNINGS.map(() => FIXTURE));
    expect(imported.warnings.map((w) => w.line)).toEqual(EXPECTED_WARNINGS.map(([l]) => l));
    imported.warnings.forEach((w, i) => expect(w.message).toMatch(EXPECTED_WARNINGS[i]![1]));
    // Each left-out entry has a comment at its place.
    expect(imported.text.match(/^# left out: /gm)?.length).toBe(imported.leftOut);
    expect(imported.text).toContain('# left out: SR_TRAP(SYS_IMPDEF_CTLR_EL1, CGT_HCR_TIDCP)\n');
  });

  it('gives the checker exactly the deliberate errors', () => {
    const errors = [
      'error nested-combination: combine HCR_TTLB_EVERYWHERE = HCR_TTLB_TTLBIS + HCR_TTLBOS',
      'error unknown-builtin: control ZCR_LEN forwards reads when builtin zcr_len',
      'error duplicate-mapping: trap SCTLR_EL1 with HCR_TVM_TRVM  # Deliberate: mapped twice',
      'error duplicate-mapping: finetrap TTBR0_EL1 with HFGxTR_EL2.TTBR0_EL1  # Deliberate: twice',
    ];
    expect(diagnosticsOn(imported.text, false)).toEqual(errors);
    // With Arm's access rules too, the errors are the same; the warnings are the sample's gaps (arch-unmapped)
    // and where the sample's mappings disagree with Arm.
    const all = diagnosticsOn(imported.text, true);
    expect(all.filter((d) => d.startsWith('error'))).toEqual(errors);
    expect(all.filter((d) => !d.startsWith('error') && !d.startsWith('warning arch-unmapped:') && !d.startsWith('warning arch-no-trap:'))).toEqual([]);
    const disagreements = checkTraps(imported.text, 'kvm.traps')
      .diagnostics.filter((d) => d.code === 'arch-no-trap')
      .map((d) => d.message);
    // The sample maps op1 = 4, CRn 0..3 wholesale to HCR_NV, as KVM does; SDER32_EL2 sits in that range.
    expect(disagreements).toEqual([expect.stringMatching(/control 'HCR_NV' \(HCR_EL2\.NV == 1\) does not trap SDER32_EL2 to EL2$/)]);
  });
});

describe('importKvm on smaller inputs', () => {
  const wrap = (body: string): string => `static const struct trap_bits coarse_trap_bits[] = {\n${body}\n};\n`;
  const entry = (id: string, index: string, value: string, mask: string, behaviour = 'BEHAVE_FORWARD_RW'): string =>
    `\t[${id}] = {\n\t\t.index = ${index},\n\t\t.value = ${value},\n\t\t.mask = ${mask},\n\t\t.behaviour = ${behaviour},\n\t},`;
  const items = (text: string): string[] => text.split('\n').filter((l) => /^(control|combine|trap|finetrap) /.test(l));

  it('turns masks and values into field tests: whole fields, bit slices, raw bits, several fields', () => {
    const r = importKvm(
      wrap(
        [
          entry('CGT_A', 'MDCR_EL2', 'UL(3)', 'MDCR_EL2_HPMN_MASK'),
          entry('CGT_B', 'MDCR_EL2', '2 << MDCR_EL2_HPMN_SHIFT', 'GENMASK(1, 0)'),
          entry('CGT_C', 'HCR_EL2', 'BIT(16)', 'BIT(16) | HCR_EL2_TID3'),
          entry('CGT_D', 'HCR_EL2', '0', 'BIT(29)', 'BEHAVE_FORWARD_READ | BEHAVE_FORWARD_WRITE'),
          entry('CGT_E', 'CNTHCTL_EL2', 'CNTHCTL_EL1TVT', 'CNTHCTL_EL1TVT | CNTHCTL_EL1TVCT', 'BEHAVE_FORWARD_WRITE'),
        ].join('\n'),
      ),
      'x.c',
    );
    expect(r.warnings).toEqual([]);
    expect(items(r.text)).toEqual([
      'control A forwards all when MDCR_EL2.HPMN == 3',
      'control B forwards all when MDCR_EL2.HPMN[1:0] == 2',
      'control C forwards all when HCR_EL2.TID3 == 0 && HCR_EL2.TID1 == 1',
      'control D forwards all when HCR_EL2[29] == 0',
      'control E forwards writes when CNTHCTL_EL2.EL1TVT == 1 && CNTHCTL_EL2.EL1TVCT == 0',
    ]);
  });

  it('leaves out conditions .traps cannot say, and entries it cannot read, with a comment and a warning each', () => {
    const r = importKvm(
      wrap(
        [
          entry('CGT_NEVER', 'HCR_EL2', 'HCR_TID1', 'HCR_TID2'),
          entry('CGT_ALWAYS', 'HCR_EL2', '0', '0'),
          entry('CGT_LOCAL', 'HCR_EL2', 'HCR_TID1', 'HCR_TID1', 'BEHAVE_HANDLE_LOCALLY'),
          entry('CGT_ODD', 'HCR_EL2', 'HCR_TID1', 'HCR_TID1', 'BEHAVE_SOMETIMES'),
          '\t{ HCR_EL2, BEHAVE_FORWARD_RW, 0, 0 },',
        ].join('\n'),
      ),
      'x.c',
    );
    expect(r.imported).toBe(0);
    expect(r.leftOut).toBe(5);
    expect(r.warnings.map(formatImportWarning)).toEqual([
      'x.c:2: warning: [CGT_NEVER] = { ... }: the value 0x10000 has bits outside the mask 0x20000, so the control never holds; left out',
      `x.c:8: warning: [CGT_ALWAYS] = { ... }: the mask is 0, so the control holds whatever the register says; a .traps condition cannot say "always"; left out`,
      'x.c:14: warning: [CGT_LOCAL] = { ... }: .behaviour = BEHAVE_HANDLE_LOCALLY forwards nothing; left out',
      "x.c:20: warning: [CGT_ODD] = { ... }: .behaviour: 'BEHAVE_SOMETIMES' is not a BEHAVE_* value; left out",
      'x.c:26: warning: { HCR_EL2, BEHAVE_FORWARD_RW, 0, 0 }: not a designated initializer [CGT_ID] = { .index = ..., .value = ..., .mask = ..., .behaviour = ... }; left out',
    ]);
    expect(r.text).toContain('# x.c:26\n# left out: { HCR_EL2, BEHAVE_FORWARD_RW, 0, 0 }\n');
  });

  it('reads the range forms of fine-grained traps, old kernels, conditional compilation and strange entries', () => {
    const src = [
      '#define SR_FGT(sr, g, b, p) \\',
      '\t{ .encoding = sr, .end = sr, }',
      'static const struct encoding_to_trap_config encoding_to_cgt[] __initconst = {',
      '\tSR_TRAP(SYS_TPIDR_EL1, CGT_HCR_TVM), SR_TRAP(sys_insn(1, 0, 7, 6, 1), CGT_HCR_TPC), // two on a line',
      '#ifdef CONFIG_SOMETHING',
      '\tSR_RANGE_TRAP(SYS_SCTLR_EL1, SYS_SCTLR_EL1, CGT_HCR_TVM),',
      '#endif',
      '\tSR_TRAP(sys_reg(3, 8, 0, 0, 0), CGT_HCR_NV),',
      '\tSR_THING(SYS_TCR_EL1, CGT_HCR_TVM),',
      '};',
      'static const struct encoding_to_trap_config encoding_to_fgt[] __initconst = {',
      '\tSR_FGT_RANGE(sys_reg(3, 0, 2, 0, 0), sys_reg(3, 0, 2, 0, 1), HFGxTR, TTBR0_EL1, 1),',
      '\tSR_FGF_RANGE(OP_TLBI_VAE1NXS, OP_TLBI_VAE1NXS, HFGITR, TLBIVAE1, 1, HCRX_FGTnXS),',
      '\tSR_FGF(OP_TLBI_VALE1NXS, HFGITR, TLBIVALE1, 1, HCRX_SOMETHING),',
      '\tSR_FGT(SYS_TPIDR2_EL0, HFGxTR, nTPIDR2_EL0, 2),',
      '};',
    ].join('\n');
    const r = importKvm(src, 'y.c');
    expect(items(r.text)).toEqual([
      'trap TPIDR_EL1 with HCR_TVM',
      'trap (1, 0, 7, 6, 1) with HCR_TPC  # two on a line',
      'trap SCTLR_EL1 with HCR_TVM',
      'finetrap (3, 0, 2, 0, 0) to (3, 0, 2, 0, 1) with HFGxTR_EL2.TTBR0_EL1',
      'finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1',
    ]);
    expect(r.warnings.map(formatImportWarning)).toEqual([
      "y.c:5: warning: '#ifdef CONFIG_SOMETHING' inside encoding_to_cgt[]: conditional compilation is not evaluated, every entry is imported",
      "y.c:7: warning: '#endif' inside encoding_to_cgt[]: conditional compilation is not evaluated, every entry is imported",
      'y.c:8: warning: SR_TRAP(sys_reg(3, 8, 0, 0, 0), CGT_HCR_NV): sys_reg(3, 8, 0, 0, 0): op1 is at most 7, not 8; left out',
      "y.c:9: warning: SR_THING(SYS_TCR_EL1, CGT_HCR_TVM): 'SR_THING' is not SR_TRAP or SR_RANGE_TRAP; left out",
      'y.c:14: warning: SR_FGF(OP_TLBI_VALE1NXS, HFGITR, TLBIVALE1, 1, HCRX_SOMETHING): HCRX_SOMETHING is not a fine-grained filter nvlab knows (__NO_FGF__, HCRX_FGTnXS); left out',
      'y.c:15: warning: SR_FGT(SYS_TPIDR2_EL0, HFGxTR, nTPIDR2_EL0, 2): the polarity 2 is not 0 or 1; left out',
    ]);
  });

  it('says so when the file has none of the tables', () => {
    const r = importKvm('int main(void) { return 0; }\n', 'z.c');
    expect(r.imported).toBe(0);
    expect(r.warnings.map(formatImportWarning)).toEqual([
      "z.c:1: warning: found none of KVM's trap tables (coarse_trap_bits[], coarse_control_combo[], ccc[], encoding_to_cgt[], encoding_to_fgt[])",
    ]);
  });
});

describe('nvlab import-kvm (the command)', () => {
  it('writes the .traps text to stdout and the warnings to stderr, exit 0', () => {
    const r = nvlab(['import-kvm', FIXTURE]);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toBe(imported.warnings.map((w) => formatImportWarning(w) + '\n').join(''));
    expect(r.stderr.split('\n')[0]).toMatch(/^test\/traps\/fixtures\/emulate-nested-sample\.c:74: warning: /);
    expect(r.status).toBe(0);
  });

  it('makes a file nvlab check reads, reporting the sample\'s deliberate errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvlab-import-kvm-'));
    const out = join(dir, 'kvm.traps');
    writeFileSync(out, nvlab(['import-kvm', FIXTURE]).stdout);
    const r = nvlab(['check', '--no-architecture', out]);
    expect(r.status).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => / error: /.test(l));
    expect(errors.map((l) => l.replace(/^.*?: error: /, ''))).toEqual([
      "'HCR_TTLB_TTLBIS' is a combination: a combination lists controls only",
      expect.stringMatching(/^unknown built-in condition 'zcr_len'/),
      'SCTLR_EL1 (3, 0, 1, 0, 0) is mapped by another trap item already',
      'TTBR0_EL1 (3, 0, 2, 0, 0) is mapped by another finetrap item already',
    ]);
  });

  it('exits 1 when nothing could be imported, 2 when the file cannot be read or the arguments are wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nvlab-import-kvm-'));
    const empty = join(dir, 'empty.c');
    writeFileSync(empty, '/* nothing here */\n');
    let r = nvlab(['import-kvm', empty]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${empty}:1: warning: found none of KVM's trap tables (coarse_trap_bits[], coarse_control_combo[], ccc[], encoding_to_cgt[], encoding_to_fgt[])\nnvlab: import-kvm: nothing could be imported from ${empty}\n`);
    r = nvlab(['import-kvm', join(dir, 'missing.c')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nvlab: import-kvm: cannot read ${join(dir, 'missing.c')}: ENOENT\n`);
    r = nvlab(['import-kvm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: import-kvm: no file given \(usage: nvlab import-kvm FILE\.c\)\n$/);
    r = nvlab(['import-kvm', '--frobnicate', FIXTURE]);
    expect(r.status).toBe(2);
    r = nvlab(['import-kvm', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: nvlab import-kvm FILE\.c\n/);
  });

  it('reads standard input for -', () => {
    const r = nvlab(['import-kvm', '-'], sample);
    expect(r.status).toBe(0);
    const items = (t: string): string[] => t.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(items(r.stdout)).toEqual(items(expected));
    expect(r.stdout).toContain('# <stdin>:89\ncontrol HCR_TID1 forwards reads when HCR_EL2.TID1 == 1\n');
    expect(r.stderr.split('\n')[0]).toMatch(/^<stdin>:74: warning: /);
  });
});
