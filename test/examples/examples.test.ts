import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NvEvent } from '../../emulator/events.js';
import { runImage } from '../../emulator/run-image.js';

const file = (p: string): Uint8Array => readFileSync(new URL(`../../examples/${p}`, import.meta.url));
const text = (p: string): string => readFileSync(new URL(`../../examples/${p}`, import.meta.url), 'utf8');
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

// The examples' expected.stdout files were recorded from QEMU 7.2.
describe('examples print what QEMU prints', () => {
  for (const [elf, expected] of [
    ['lpa2-walks/lpa2-walks.elf', 'lpa2-walks/expected.stdout'],
    ['hyp-init/hyp-init.elf', 'hyp-init/expected.stdout'],
    ['mini-hyp/mini-hyp.elf', 'mini-hyp/expected.stdout'],
  ] as const) {
    it(elf, () => {
      const r = runImage(file(elf));
      expect(decode(r.stdout)).toBe(text(expected));
      expect(r.exitStatus).toBe(0);
    });
  }
});

describe('the event stream', () => {
  it('reports TLB maintenance with the operation, regime and what it removed', () => {
    const tlbis: Extract<NvEvent, { type: 'tlbi' }>[] = [];
    runImage(file('hyp-init/hyp-init.elf'), { onEvent: (e) => e.type === 'tlbi' && tlbis.push(e) });
    // TLBI ALLE2 before enabling the MMU (nothing cached), and after switching TTBR0_EL2.
    expect(tlbis.map((e) => [e.op, e.regime, e.removed > 0])).toEqual([
      ['ALL', 'EL2', false],
      ['ALL', 'EL2', true],
    ]);
  });
});

describe('the stale-TLB checker', () => {
  const run = (elf: string): { events: Extract<NvEvent, { type: 'stale-tlb' }>[]; stdout: string } => {
    const events: Extract<NvEvent, { type: 'stale-tlb' }>[] = [];
    const r = runImage(file(elf), { checkTlb: true, onEvent: (e) => e.type === 'stale-tlb' && events.push(e) });
    expect(r.exitStatus).toBe(0);
    return { events, stdout: decode(r.stdout) };
  };

  it('is silent on the hyp-init example, which invalidates after switching tables', () => {
    const { events, stdout } = run('hyp-init/hyp-init.elf');
    expect(events).toEqual([]);
    expect(stdout).toBe(text('hyp-init/expected.stdout'));
  });

  it('names the stale identity mapping and the MSR TTBR0_EL2 that made it stale', () => {
    const { events } = run('hyp-init/hyp-init-stale.elf');
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e).toMatchObject({
      va: '0x00000000400804a0',
      regime: 'EL2',
      cached: 'PA 0x0000400804a0 (EL2 r-x)',
      current: 'translation fault, level 0',
    });
    // The probe is the LDP at its runtime VA; the MSR is `msr ttbr0_el2, x23` at the trampoline.
    expect(e.pc).toBe('0x00008000400810dc');
    expect(e.cause).toMatch(/^TTBR0_EL2 was written by the instruction at 0x0000800040080328 \(#\d+\), and no TLB maintenance removed the entry since$/);
  });
});
