/**
 * Machine snapshots: a run continued from a restored snapshot is the run
 * that continued from the original state — same UART output, same event
 * stream, same exit, same final state — in direct and nested mode, for
 * snapshots restored in any order; unchanged memory is shared between
 * snapshots; what the debugger attached survives a restore.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Breakpoints } from '../../emulator/cpu/cpu.js';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT, VirtMachine } from '../../emulator/platform/virt-machine.js';
import type { Snapshot } from '../../emulator/snapshot.js';

const IMAGES = {
  'mini-hyp': new URL('../../examples/mini-hyp/mini-hyp.elf', import.meta.url),
  'hyp-init': new URL('../../examples/hyp-init/hyp-init.elf', import.meta.url),
  'nested-vmids': new URL('../guest/bin/nested-vmids.elf', import.meta.url),
};

function machine(image: URL, mode: 'direct' | 'nested'): { m: VirtMachine; out: number[]; events: string[] } {
  const out: number[] = [];
  const events: string[] = [];
  const m = new VirtMachine({ mode }, { uart: (b) => out.push(b), stdout: (b) => out.push(...b), stderr: () => {} });
  m.load(parseElf(readFileSync(image), { base: VIRT.RAM_BASE, size: m.ram.size }));
  m.events.subscribe((e) => events.push(JSON.stringify(e)));
  return { m, out, events };
}

/** A digest of everything a snapshot records: two equal states give equal digests. */
function digest(s: Snapshot): string {
  const h = createHash('sha256');
  const ids = new Map<object, number>();
  const id = (o: object): number => {
    if (!ids.has(o)) ids.set(o, ids.size);
    return ids.get(o)!;
  };
  const val = (v: unknown): string => (v !== null && typeof v === 'object' ? `#${id(v)}` : typeof v === 'function' ? `fn ${id(v)}` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? 'undefined');
  for (const r of s.records) h.update(`${id(r.target)} ${r.kind} ${(r.data as unknown[]).map((d) => (Array.isArray(d) && r.kind !== 'array' ? d.map(val).join('=') : val(d))).join(',')}\n`);
  for (const [buf, bytes] of s.buffers) h.update(`buf ${id(buf)} `).update(bytes);
  return h.digest('hex');
}

/**
 * Drops the caches derived from the state (data TLBs, fetch window, walk
 * parameters), as a restore does, so that digests compare architectural state only.
 */
function settle(m: VirtMachine): VirtMachine {
  m.cpu.contextChanged();
  m.host?.vpe.pe.contextChanged();
  return m;
}

function finish(m: VirtMachine): string {
  const r = m.run(1e9);
  return r.kind === 'exit' ? `exit ${r.status}` : r.kind;
}

describe.each([
  ['mini-hyp', 'direct'],
  ['mini-hyp', 'nested'],
  ['hyp-init', 'direct'],
  ['nested-vmids', 'nested'],
] as const)('snapshots of %s (%s)', (name, mode) => {
  it('a run resumed from a restored snapshot repeats the original run exactly', () => {
    const { m, out, events } = machine(IMAGES[name], mode);
    const total = (() => {
      const probe = machine(IMAGES[name], mode);
      finish(probe.m);
      return probe.m.cpu.icount;
    })();
    // Three points through the run, restored out of order.
    const points = [Math.floor(total / 5), Math.floor(total / 2), Math.floor((total * 4) / 5)];
    const snaps: { s: Snapshot; at: number; out: number; events: number; digest: string }[] = [];
    let prev: Snapshot | undefined;
    for (const p of points) {
      m.run(p - m.cpu.icount);
      expect(m.cpu.icount).toBe(p);
      const s = settle(m).snapshot(prev);
      snaps.push({ s, at: p, out: out.length, events: events.length, digest: digest(s) });
      prev = s;
    }
    const end = finish(m);
    const finalDigest = digest(settle(m).snapshot());
    const fullOut = Buffer.from(out).toString();
    const fullEvents = events.slice();
    for (const k of [1, 0, 2, 0]) {
      const sn = snaps[k]!;
      m.restore(sn.s);
      expect(m.cpu.icount).toBe(sn.at);
      expect(digest(m.snapshot())).toBe(sn.digest);
      out.length = sn.out;
      events.length = sn.events;
      expect(finish(m)).toBe(end);
      expect(Buffer.from(out).toString()).toBe(fullOut);
      expect(events).toEqual(fullEvents);
      expect(digest(settle(m).snapshot())).toBe(finalDigest);
    }
  });
});

describe('snapshot costs and what they leave alone', () => {
  it('share unchanged memory with the previous snapshot', () => {
    const { m } = machine(IMAGES['mini-hyp'], 'nested');
    m.run(20_000);
    const a = m.snapshot();
    m.run(1_000);
    const b = m.snapshot(a);
    let shared = 0;
    for (const [buf, copy] of b.buffers) if (a.buffers.get(buf) === copy) shared += copy.byteLength;
    // The program, its tables and most registers did not change in 1000 instructions.
    expect(shared).toBeGreaterThan(b.bytes / 2);
  });

  it('keep the breakpoints and watches attached now, not those of the snapshot', () => {
    const { m } = machine(IMAGES['mini-hyp'], 'direct');
    const s = m.snapshot();
    const bps = new Breakpoints();
    m.cpu.breakpoints = bps;
    m.cpu.watchWrites([5]);
    m.run(1000);
    m.restore(s);
    expect(m.cpu.breakpoints).toBe(bps);
    expect(m.cpu.watchedSlots()).toEqual([5]);
    expect(m.cpu.icount).toBe(0);
  });
});
