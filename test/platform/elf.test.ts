import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfError, parseElf } from '../../emulator/platform/elf.js';

const RAM = { base: 0x4000_0000, size: 1 << 30 };
const hello = new Uint8Array(readFileSync(new URL('../../examples/hello-el2/hello-el2.elf', import.meta.url)));

function patched(f: (dv: DataView, b: Uint8Array) => void, bytes = hello): Uint8Array {
  const b = bytes.slice();
  f(new DataView(b.buffer), b);
  return b;
}

const phoff = (dv: DataView): number => Number(dv.getBigUint64(32, true));
/** Offset of the i-th PT_LOAD program header. */
function loadHeader(dv: DataView, i: number): number {
  let seen = 0;
  for (let k = 0; k < dv.getUint16(56, true); k++) {
    const o = phoff(dv) + k * 56;
    if (dv.getUint32(o, true) === 1 && seen++ === i) return o;
  }
  throw new Error('no such PT_LOAD');
}

function expectError(bytes: Uint8Array, pattern: RegExp): void {
  let err: unknown;
  try {
    parseElf(bytes, RAM);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ElfError);
  const msg = (err as Error).message;
  expect(msg).toMatch(pattern);
  expect(msg).not.toContain('\n');
}

describe('ELF loader', () => {
  it('loads the example: entry, segments at physical addresses, symbols', () => {
    const img = parseElf(hello, RAM);
    expect(img.entry).toBe(0x40080000n);
    expect(img.segments.length).toBeGreaterThan(0);
    expect(img.segments[0]!.paddr).toBe(0x40080000);
    const names = img.symbols.map((s) => s.name);
    expect(names).toContain('_start');
    expect(names).toContain('puts');
  });

  it('rejects files that are not ELF or not ELF64 little-endian AArch64', () => {
    expectError(new Uint8Array([1, 2, 3]), /not an ELF file/);
    expectError(hello.subarray(0, 40), /truncated ELF header/);
    expectError(patched((_, b) => (b[4] = 1)), /ELF class 1 .*only ELF64/);
    expectError(patched((_, b) => (b[5] = 2)), /little-endian/);
    expectError(patched((dv) => dv.setUint16(18, 62, true)), /wrong machine.*x86-64.*AArch64/);
    expectError(patched((dv) => dv.setUint16(18, 40, true)), /wrong machine.*Arm \(EM_ARM\)/);
    expectError(patched((dv) => dv.setUint16(16, 1, true)), /ELF type 1/);
  });

  it('rejects truncated program headers and segment data', () => {
    expectError(hello.subarray(0, phoff(new DataView(hello.buffer, hello.byteOffset)) + 10), /program header table .* extends past the end/);
    expectError(
      patched((dv) => dv.setBigUint64(loadHeader(dv, 0) + 8, BigInt(hello.length - 4), true)),
      /file data .* extends past the end/,
    );
    expectError(patched((dv) => dv.setUint16(56, 0, true)), /no program headers/);
  });

  it('rejects segments outside RAM, larger than RAM, or overlapping', () => {
    expectError(patched((dv) => dv.setBigUint64(loadHeader(dv, 0) + 24, 0x1000n, true)), /outside RAM/);
    expectError(patched((dv) => dv.setBigUint64(loadHeader(dv, 0) + 40, 1n << 40n, true)), /outside RAM/);
    expectError(patched((dv) => dv.setBigUint64(loadHeader(dv, 0) + 40, 0xffff_ffff_ffff_0000n, true)), /outside RAM/);
    expectError(patched((dv) => dv.setBigUint64(loadHeader(dv, 0) + 32, 0xffff_ffffn, true)), /p_filesz .* larger than p_memsz|extends past the end/);
    // Duplicate the first PT_LOAD header over the second program header: two segments at one address.
    const dup = patched((dv, b) => {
      const first = loadHeader(dv, 0);
      const n = dv.getUint16(56, true);
      const other = phoff(dv) + ((first - phoff(dv)) / 56 === 0 ? 1 : 0) * 56;
      if (n < 2) throw new Error('example needs two program headers for this test');
      b.copyWithin(other, first, first + 56);
    });
    expectError(dup, /segments overlap/);
  });

  it('rejects an entry point outside the image and a misaligned one', () => {
    expectError(patched((dv) => dv.setBigUint64(24, 0x7000_0000n, true)), /entry point 0x70000000 is not inside any loaded segment/);
    expectError(patched((dv) => dv.setBigUint64(24, 0x4008_0002n, true)), /not 4-byte aligned/);
  });

  it('rejects a corrupt section table instead of ignoring it', () => {
    expectError(patched((dv) => dv.setBigUint64(40, BigInt(hello.length), true)), /section header table .* extends past the end/);
  });
});
