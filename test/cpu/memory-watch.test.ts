/**
 * Watchpoints on physical memory: a watched page leaves the data TLBs, so
 * the inlined fast paths of loads and stores cannot skip the check, even
 * when the page was cached before the watch was set; accesses are reported
 * by kind, overlap and value; unwatched pages keep their fast path.
 */
import { describe, expect, it } from 'vitest';
import { MemoryWatches, WATCH_READ, WATCH_WRITE } from '../../emulator/cpu/memory-watch.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';
import { writeElf } from '../util/elf-writer.js';

const BASE = 0x4000_0000;
// From aarch64-linux-gnu-as: movz x1, #0x4001, lsl #16; loop: str x2, [x1]; ldr x3, [x1, #8]; add x2, x2, #1; b loop
const LOOP = [0xd2a80021, 0xf9000022, 0xf9400423, 0x91000442, 0x17fffffd];

function machine(): VirtMachine {
  const code = new Uint8Array(LOOP.length * 4);
  const dv = new DataView(code.buffer);
  LOOP.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  const m = new VirtMachine({}, { uart: () => {}, stdout: () => {}, stderr: () => {} });
  m.load(parseElf(writeElf(BASE, [{ addr: BASE, bytes: code, flags: 5 }]), { base: VIRT.RAM_BASE, size: m.ram.size }));
  return m;
}

type Hit = [pa: number, bytes: number, write: boolean, value: number];

describe('memory watchpoints', () => {
  it('fire on every watched access, also when the page was in the data TLB before', () => {
    const m = machine();
    expect(m.run(400).kind).toBe('limit');
    // 100 iterations ran: the page is in both data TLBs now.
    const hits: Hit[] = [];
    m.cpu.setMemoryWatches(new MemoryWatches([{ pa: 0x4001_0000, len: 8, kinds: WATCH_WRITE }], (_w, pa, bytes, write, vlo) => hits.push([pa, bytes, write, vlo])));
    expect(m.run(40).kind).toBe('limit');
    // Ten stores of x2 = 100..109 (the run may start mid-iteration: compare the values, not the phase).
    expect(hits.length).toBe(10);
    expect(hits.every(([pa, bytes, write]) => pa === 0x4001_0000 && bytes === 8 && write)).toBe(true);
    expect(hits.map((h) => h[3] - hits[0]![3])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('report reads that overlap a watched range, by kind, and nothing once lifted', () => {
    const m = machine();
    const hits: Hit[] = [];
    // Bytes 12..15 of the page: the 8-byte load at offset 8 overlaps them; the store at 0 does not.
    m.cpu.setMemoryWatches(new MemoryWatches([{ pa: 0x4001_000c, len: 4, kinds: WATCH_READ }], (_w, pa, bytes, write) => hits.push([pa, bytes, write, 0])));
    m.run(41);
    expect(hits).toEqual(Array.from({ length: 10 }, () => [0x4001_0008, 8, false, 0]));
    m.cpu.setMemoryWatches(null);
    m.run(40);
    expect(hits.length).toBe(10);
  });

  it('refuse an empty range', () => {
    expect(() => new MemoryWatches([{ pa: 0x4000_0000, len: 0, kinds: WATCH_WRITE }], () => {})).toThrow('a watch must cover at least one byte (PA 0x40000000)');
  });
});
