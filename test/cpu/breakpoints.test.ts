/**
 * Address breakpoints: the run stops before the instruction at a
 * breakpoint, in direct and nested mode, at every hit (including the same
 * address again and addresses reached by fall-through within a page), and a
 * run continued from a breakpoint executes it once. Stopping changes
 * nothing the guest sees: the output of a run with breakpoints equals the
 * output of one without.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Breakpoints } from '../../emulator/cpu/cpu.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';

const ELF = readFileSync(new URL('../../examples/mini-hyp/mini-hyp.elf', import.meta.url));

function machine(mode: 'direct' | 'nested'): { m: VirtMachine; out: number[]; sym: (n: string) => number } {
  const out: number[] = [];
  const m = new VirtMachine({ mode }, { uart: (b) => out.push(b), stdout: () => {}, stderr: () => {} });
  const image = parseElf(ELF, { base: VIRT.RAM_BASE, size: m.ram.size });
  m.load(image);
  const sym = (n: string): number => Number(image.symbols.find((s) => s.name === n)!.value);
  return { m, out, sym };
}

describe.each(['direct', 'nested'] as const)('address breakpoints (%s)', (mode) => {
  it('stop before the instruction, at every hit, and resume through it', () => {
    const { m, out, sym } = machine(mode);
    const bps = new Breakpoints();
    m.cpu.breakpoints = bps;
    // run_guest is called three times; hc_hello (an HVC handler) six times... in direct mode. Nested,
    // the same code runs at virtual EL2 (the PE's EL1): the addresses are the same.
    const runGuest = sym('run_guest');
    const afterPrologue = runGuest + 4; // fall-through within the page
    bps.set([
      [runGuest, 0],
      [afterPrologue, 0],
    ]);
    const hits: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = m.run(1e7);
      if (r.kind !== 'breakpoint') {
        expect(r.kind).toBe('exit');
        break;
      }
      hits.push(m.cpu.pcLo);
      bps.skipLo = m.cpu.pcLo;
      bps.skipHi = m.cpu.pcHi;
    }
    expect(hits).toEqual([runGuest, afterPrologue, runGuest, afterPrologue, runGuest, afterPrologue]);
    const plain = machine(mode);
    plain.m.run(1e8);
    expect(Buffer.from(out).toString()).toBe(Buffer.from(plain.out).toString());
  });

  it('count instructions as a run without breakpoints does', () => {
    const { m, sym } = machine(mode);
    m.cpu.breakpoints = new Breakpoints();
    m.cpu.breakpoints.set([[sym('guest_exited'), 0]]);
    const first = m.run(1e7);
    expect(first.kind).toBe('breakpoint');
    const at = m.cpu.icount;
    const plain = machine(mode);
    plain.m.cpu.breakpoints = null;
    // The same number of instructions brings a plain run to the same PC.
    plain.m.run(at);
    expect([plain.m.cpu.pcLo, plain.m.cpu.icount]).toEqual([m.cpu.pcLo, at]);
  });
});

describe('a breakpoint inside a loop in one page', () => {
  it('stops on every iteration, one loop body (7 instructions) apart, and in the middle of the body too', () => {
    const elf = readFileSync(new URL('../../bench/guests/alu-loop.elf', import.meta.url));
    const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
    m.load(parseElf(elf, { base: VIRT.RAM_BASE, size: m.ram.size }));
    const bps = new Breakpoints();
    m.cpu.breakpoints = bps;
    const loop = 0x4008000c; // `1: add x1, x1, x2`, the b.ne target
    for (const at of [loop, loop + 12]) {
      bps.set([[at, 0]]);
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) {
        expect(m.run(1e6).kind).toBe('breakpoint');
        expect(m.cpu.pcLo).toBe(at);
        counts.push(m.cpu.icount);
        bps.skipLo = m.cpu.pcLo;
        bps.skipHi = m.cpu.pcHi;
      }
      expect(counts.slice(1).map((c, i) => c - counts[i]!)).toEqual([7, 7, 7, 7]);
    }
  });
});
