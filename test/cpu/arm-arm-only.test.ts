import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';
import { writeElf } from '../util/elf-writer.js';

/**
 * Behaviour where QEMU 7.2 departs from the Arm ARM (see docs/qemu-deviations.md),
 * so the differential suite cannot check it: checked here against the rules
 * themselves. Each program runs at EL2 with VBAR_EL2 pointing at a table of
 * `b .`, so after an exception the PC parks at the vector.
 */

const BASE = 0x4000_0000;
const VECTORS = BASE + 0x800;
const B_SELF = 0x14000000;

// Words from aarch64-linux-gnu-as.
const SET_VBAR = [0x10004000, 0xd51cc000]; // adr x0, .+0x800; msr vbar_el2, x0
const SET_SCTLR_SA = [0xd53c1001, 0xb27d0021, 0xd51c1001]; // mrs x1, sctlr_el2; orr x1, x1, #8; msr sctlr_el2, x1
const X2_40002008 = [0xd2a80002, 0xf2840102]; // movz x2, #0x4000, lsl #16; movk x2, #0x2008
const X2_40002001 = [0xd2a80002, 0xf2840022]; // movz x2, #0x4000, lsl #16; movk x2, #0x2001
const X2_09100000 = [0xd2a12202]; // movz x2, #0x0910, lsl #16 (a hole in the virt map)
const MOV_SP_X2 = 0x9100005f;
const LDR_X3_SP = 0xf94003e3;
const LDR_W3_X2 = 0xb9400043;
const STR_W3_X2 = 0xb9000043;
const NOP = 0xd503201f;

function run(words: number[]): VirtMachine {
  const code = new Uint8Array(0x1000);
  const dv = new DataView(code.buffer);
  for (let i = 0; i < 0x200; i++) dv.setUint32(0x800 + i * 4, B_SELF, true);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
  m.load(parseElf(writeElf(BASE, [{ addr: BASE, bytes: code, flags: 5 }]), { base: VIRT.RAM_BASE, size: m.ram.size }));
  const outcome = m.run(10_000);
  expect(outcome.kind).toBe('limit');
  return m;
}

const reg = (m: VirtMachine, slot: SR): number => m.cpu.sr.lo[slot]! >>> 0;
const pc = (m: VirtMachine): number => m.cpu.pcLo >>> 0;
/** Address of word i of the program. */
const at = (i: number): number => BASE + 4 * i;

describe('Arm ARM behaviour QEMU 7.2 does not model', () => {
  it('SP alignment fault (EC 0x26) for an SP-based access with SCTLR_EL2.SA set, none without', () => {
    const prog = [...SET_VBAR, ...SET_SCTLR_SA, ...X2_40002008, MOV_SP_X2, LDR_X3_SP, NOP, B_SELF];
    const m = run(prog);
    expect(reg(m, SR.ESR_EL2)).toBe(0x9a000000);
    expect(reg(m, SR.ELR_EL2)).toBe(at(8));
    expect(pc(m)).toBe(VECTORS + 0x200); // current EL with SP_ELx
    const clean = run([...SET_VBAR, ...X2_40002008, MOV_SP_X2, LDR_X3_SP, NOP, B_SELF]);
    expect(pc(clean)).toBe(at(7)); // parked on the final `b .`, no exception
  });

  it('unaligned data access with the MMU off is an alignment fault: the memory is Device-nGnRnE', () => {
    const m = run([...SET_VBAR, ...X2_40002001, LDR_W3_X2, B_SELF]);
    expect(reg(m, SR.ESR_EL2)).toBe(0x96000021); // EC 0x25, IL, DFSC alignment
    expect(reg(m, SR.FAR_EL2)).toBe(0x40002001);
    expect(reg(m, SR.ELR_EL2)).toBe(at(4));
  });

  it('a stage-1 external abort taken to EL2 has ISV = 0 (AArch64.FaultSyndrome sets ISV for stage-2 aborts only)', () => {
    const load = run([...SET_VBAR, ...X2_09100000, LDR_W3_X2, B_SELF]);
    expect(reg(load, SR.ESR_EL2)).toBe(0x96000010);
    expect(reg(load, SR.FAR_EL2)).toBe(0x09100000);
    const st = run([...SET_VBAR, ...X2_09100000, STR_W3_X2, B_SELF]);
    expect(reg(st, SR.ESR_EL2)).toBe(0x96000050); // WnR
  });
});
