import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeElf } from '../util/elf-writer.js';

/** `nvlab` as users run it: the bin launcher over the bundle that `npm test` builds first. */
const BIN = new URL('../../bin/nvlab.js', import.meta.url).pathname;
const HELLO = new URL('../../examples/hello-el2/hello-el2.elf', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nvlab-cli-'));

function nvlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes an image whose code is `words`, loaded and entered at 0x40000000. */
function image(name: string, words: number[]): string {
  const code = new Uint8Array(words.length * 4);
  const dv = new DataView(code.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  const path = join(dir, name + '.elf');
  writeFileSync(path, writeElf(0x4000_0000, [{ addr: 0x4000_0000, bytes: code, flags: 5 }]));
  return path;
}

// Words from aarch64-linux-gnu-as.
const B_SELF = 0x14000000; // b .
const WFI = 0xd503207f;
const FADD = 0x1e222820; // fadd s0, s1, s2
const ADD_VEC = 0x4ea28420; // add v0.4s, v1.4s, v2.4s
const MOVZ_X0_GICD = 0xd2a10000; // movz x0, #0x800, lsl #16
const LDR_W1_X0 = 0xb9400001; // ldr w1, [x0]
const PSCI_SYSTEM_OFF = [0x52800100, 0x72b08000, 0xd4000003]; // w0 = 0x84000008; smc #0

describe('nvlab run', () => {
  it('runs the example: UART output on stdout, nothing on stderr, the guest exit status', () => {
    const r = nvlab('run', HELLO);
    expect(r.stdout).toBe("Hello from nvlab's hello-el2 example!\nRunning at EL2\n");
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('stops a runaway guest at --max-insns with status 124 and says so on stderr', () => {
    const r = nvlab('run', '--max-insns', '5000', image('spin', [B_SELF]));
    expect(r.status).toBe(124);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('nvlab: stopped after 5000 instructions (--max-insns 5000)\n');
  });

  it('exits 0 after PSCI SYSTEM_OFF', () => {
    const r = nvlab('run', image('off', PSCI_SYSTEM_OFF));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('names unimplemented SIMD/FP instructions with their address and exits 125', () => {
    let r = nvlab('run', image('fadd', [FADD]));
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^nvlab: unimplemented instruction FADD at 0x40000000 \(word 0x1e222820; SIMD&FP is not modelled yet\)\n$/);
    r = nvlab('run', image('vadd', [0xd503201f, ADD_VEC]));
    expect(r.stderr).toMatch(/unimplemented instruction ADD at 0x40000004/);
  });

  it('stops on an access to a device it does not model, naming the device', () => {
    const r = nvlab('run', image('gic', [MOVZ_X0_GICD, LDR_W1_X0]));
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('nvlab: guest read PA 0x8000000 in the GICv3 distributor, which nvlab does not model\n');
  });

  it('reports a guest that waits for an interrupt nothing can deliver', () => {
    const r = nvlab('run', image('wfi', [WFI]));
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^nvlab: guest halted: WFI at 0x40000000 waits for an interrupt/);
  });

  it('rejects malformed images and bad options with one line and status 2', () => {
    const junk = join(dir, 'junk.elf');
    writeFileSync(junk, 'not an elf at all');
    let r = nvlab('run', junk);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`nvlab: ${junk}: not an ELF file (bad magic at offset 0)\n`);
    r = nvlab('run', join(dir, 'missing.elf'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: cannot read .*missing\.elf: ENOENT/);
    r = nvlab('run', '--max-insns', 'lots', HELLO);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: --max-insns must be a positive integer, not 'lots'\n/);
    r = nvlab('run', '--memory', '100K', HELLO);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: memory size 102400 is invalid/);
    r = nvlab('run', '--bogus', HELLO);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: unknown option --bogus\nusage: nvlab run/);
    r = nvlab('run');
    expect(r.status).toBe(2);
  });

  it('runs the example nested under the L0 host, where it still sees EL2', () => {
    const r = nvlab('run', '--mode', 'nested', HELLO);
    expect(r.stdout).toBe("Hello from nvlab's hello-el2 example!\nRunning at EL2\n");
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('prints run statistics on stderr with --stats, leaving stdout to the guest', () => {
    const r = nvlab('run', '--mode', 'nested', '--stats', HELLO);
    expect(r.stdout).toBe("Hello from nvlab's hello-el2 example!\nRunning at EL2\n");
    expect(r.stderr).toMatch(/^nvlab: run statistics: \d+ instructions\n/);
    expect(r.stderr).toMatch(/exits to the L0 host:/);
    expect(r.stderr).toMatch(/forwarded to vEL2, by trap-table entry or reason:/);
    expect(r.status).toBe(0);
  });

  it('refuses --traps without --mode nested, and a trap table with errors, naming the line', () => {
    const table = join(dir, 'bad.traps');
    writeFileSync(table, 'control TID3 forwards reads when HCR_EL2.TID3 == 1\ntrap ID_AA64PFR0_EL1 with TID33\n');
    let r = nvlab('run', '--traps', table, HELLO);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--traps needs --mode nested/);
    r = nvlab('run', '--mode', 'nested', '--traps', table, HELLO);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${table}:2:27: error:`);
    expect(r.stderr).toMatch(/TID33/);
    expect(r.stderr).toMatch(/has 1 error; not running/);
    r = nvlab('run', '--mode', 'nested', '--traps', join(dir, 'missing.traps'), HELLO);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read trap table/);
  });

  it('writes the event stream as JSON lines, identically on every run', () => {
    const t1 = join(dir, 't1.jsonl');
    const t2 = join(dir, 't2.jsonl');
    expect(nvlab('run', '--trace', t1, HELLO).status).toBe(0);
    expect(nvlab('run', '--trace', t2, HELLO).status).toBe(0);
    const a = readFileSync(t1, 'utf8');
    expect(readFileSync(t2, 'utf8')).toBe(a);
    const events = a.trim().split('\n').map((l) => JSON.parse(l) as { type: string; op?: string; status?: number });
    expect(events.at(-2)).toMatchObject({ type: 'semihosting', op: 'SYS_EXIT' });
    expect(events.at(-1)).toMatchObject({ type: 'stop', status: 0 });
  });
});

describe('nvlab sysreg', () => {
  it('describes a register found by its generic name, with the access rules at every EL', () => {
    const r = nvlab('sysreg', 'S3_5_C1_C0_0');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^S3_5_C1_C0_0 {2}op0=3 op1=5 CRn=1 CRm=0 op2=0 {2}key 0xe880: SCTLR_EL1 via SCTLR_EL12/);
    expect(r.stdout).toMatch(/ {2}MRS SCTLR_EL12 \(read\)\n {4}EL2 {2}Xt = SCTLR_EL1 {2}if ELIsInHost\(EL2\)\n {9}UNDEFINED\n {4}EL1 /);
  });

  it('prints the same facts as JSON', () => {
    const r = nvlab('sysreg', '--json', 'HCR_EL2');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { registers: { name: string; vncr: number; encodings: { asm: string; kind: string; el2: { text: string }[] }[] }[] };
    expect(j.registers[0]!.name).toBe('HCR_EL2');
    expect(j.registers[0]!.vncr).toBe(0x78);
    expect(j.registers[0]!.encodings.find((e) => e.asm === 'HCR_EL2' && e.kind === 'MSR')!.el2.map((x) => x.text)).toEqual(['HCR_EL2 = Xt']);
  });

  it('suggests names for a misspelt register and exits 2', () => {
    const r = nvlab('sysreg', 'SCTRL_EL1');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nvlab: sysreg: unknown system register 'SCTRL_EL1'; did you mean SCTLR_EL1, /);
  });

  it('rejects an encoding with a field out of range, and prints help on --help', () => {
    let r = nvlab('sysreg', '3,8,1,0,0');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: sysreg: .*op1/);
    r = nvlab('sysreg', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: nvlab sysreg /);
  });
});

describe('nvlab esr', () => {
  it('decodes a data abort syndrome field by field', () => {
    const r = nvlab('esr', '0x93c08006');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('EC 0x24 Data Abort, lower EL: Translation fault, level 2; read; doubleword load to X0');
    expect(r.stdout).toMatch(/\n {2}\[24\] +ISV +1 /);
  });

  it('rejects a value that is not a number with status 2', () => {
    const r = nvlab('esr', 'zz');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nvlab: esr: cannot parse 'zz' as a number/);
  });
});

describe('nvlab run --check-tlb', () => {
  it('reports a stale TLB entry on stderr and leaves the guest output alone', () => {
    const stale = new URL('../../examples/hyp-init/hyp-init-stale.elf', import.meta.url).pathname;
    const r = nvlab('run', '--check-tlb', stale);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/probe done/);
    expect(r.stderr).toMatch(
      /^nvlab: stale TLB entry: the instruction at 0x00008000400810dc \(#\d+\) used VA 0x00000000400804a0 \(EL2\) cached as PA 0x0000400804a0 \(EL2 r-x\), but the tables now give translation fault, level 0; TTBR0_EL2 was written by the instruction at 0x0000800040080328 \(#\d+\), and no TLB maintenance removed the entry since\n$/,
    );
  });
});
