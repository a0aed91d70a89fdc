import { describe, expect, it } from 'vitest';
import { SR } from '../../emulator/cpu/sysreg-storage.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';
import { writeElf } from '../util/elf-writer.js';

function resetValue(slot: number): bigint {
  const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
  return (BigInt(m.cpu.sr.hi[slot]! >>> 0) << 32n) | BigInt(m.cpu.sr.lo[slot]! >>> 0);
}

// Expected values are the RES1 bits the Arm ARM gives for the default
// profile (ARMv8.1 with FEAT_PAN, no AArch32, no FEAT_ExS/LSMAOC/CSV2_2), the
// rest of each register clear.
describe('system-register reset', () => {
  it('sets the RES1 bits of the SCTLR_ELx for the profile', () => {
    // LSMAOE, nTLSMD, EIS, TSCXT, EOS, SED, ITD; SPAN is a real bit with FEAT_PAN.
    expect(resetValue(SR.SCTLR_EL1).toString(16)).toBe((0x30500980).toString(16));
    // The E2H = 0 layout: bits 29:28, 23:22, 18, 16, 11, 5:4.
    expect(resetValue(SR.SCTLR_EL2).toString(16)).toBe((0x30c50830).toString(16));
  });

  it('starts CPTR_EL2 in its non-VHE layout, with that layout\'s RES1 bits', () => {
    // Bits 13, 12 (TSM, no FEAT_SME), 9, 8 (TZ, no FEAT_SVE) and 7:0 are RES1
    // when HCR_EL2.E2H is 0; with E2H = 1 the same bits hold FPEN, ZEN, ...
    expect(resetValue(SR.CPTR_EL2)).toBe(0x33ffn);
  });

  it('makes HCR_EL2.RW read as 1 when EL1 is AArch64-only', () => {
    expect(resetValue(SR.HCR_EL2)).toBe(1n << 31n);
  });
});

/** MSR/MRS (register) encodings, from the A64 system instruction class. */
const sysEnc = (read: boolean, op0: number, op1: number, crn: number, crm: number, op2: number, rt: number): number =>
  ((read ? 0xd5300000 : 0xd5100000) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;

/** Writes `value` with MSR at EL2 and returns what MRS reads back. */
function writeThenRead(enc: readonly [number, number, number, number, number], value: bigint): bigint {
  const words = [sysEnc(false, ...enc, 1), sysEnc(true, ...enc, 2), 0x14000000];
  const code = new Uint8Array(words.length * 4);
  words.forEach((w, i) => new DataView(code.buffer).setUint32(i * 4, w, true));
  const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
  m.load(parseElf(writeElf(VIRT.RAM_BASE, [{ addr: VIRT.RAM_BASE, bytes: code, flags: 5 }]), { base: VIRT.RAM_BASE, size: m.ram.size }));
  m.cpu.xlo[1] = Number(value & 0xffffffffn) | 0;
  m.cpu.xhi[1] = Number(value >> 32n) | 0;
  m.run(2);
  return (BigInt(m.cpu.xhi[2]! >>> 0) << 32n) | BigInt(m.cpu.xlo[2]! >>> 0);
}

describe('MSR write masks', () => {
  it('keeps RES0 bits clear', () => {
    // VBAR_EL1 bits [10:0] are RES0.
    expect(writeThenRead([3, 0, 12, 0, 0], -1n & 0xffffffffffffffffn)).toBe(0xfffffffffffff800n);
  });

  it('keeps RES1 bits set', () => {
    // SCTLR_EL1 written as 0 still reads its RES1 bits.
    expect(writeThenRead([3, 0, 1, 0, 0], 0n)).toBe(0x30500980n);
  });

  it('keeps bits that are RES0 or RES1 in only one CPTR_EL2 layout as state', () => {
    // FPEN (bits 21:20) with E2H = 1 is RES0 with E2H = 0, and bits 9:0 are
    // RES1 with E2H = 0 and RES0 with E2H = 1. The Arm ARM makes
    // such bits read back what was last written, so E2H can flip under them.
    expect(writeThenRead([3, 4, 1, 1, 2], 0x300000n)).toBe(0x300000n);
  });
});
