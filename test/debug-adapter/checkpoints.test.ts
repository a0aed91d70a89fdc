/** Checkpoint bookkeeping for reverse execution: spacing, the count and memory bounds, edits. */
import { describe, expect, it } from 'vitest';
import { Checkpoints } from '../../debug-adapter/src/checkpoints.js';

/** A stand-in snapshot: `fresh` bytes of its own, plus the copies it shares with the one before. */
function snap(fresh: number, shared: Uint8Array[] = []): { buffers: Map<unknown, Uint8Array>; own: Uint8Array } {
  const own = new Uint8Array(fresh);
  const buffers = new Map<unknown, Uint8Array>(shared.map((b, i) => [i, b]));
  buffers.set('own', own);
  return { buffers, own };
}

describe('Checkpoints', () => {
  it('takes one per spacing, finds the latest before an instruction, keeps the launch state', () => {
    const c = new Checkpoints(snap(10), { every: 100, maxCount: 8, maxBytes: 1e9 });
    expect(c.maybeTake(50, 0, () => snap(1))).toBe(false);
    expect(c.maybeTake(120, 0, () => snap(1))).toBe(true);
    expect(c.maybeTake(180, 0, () => snap(1))).toBe(false);
    expect(c.maybeTake(230, 0, () => snap(1))).toBe(true);
    expect(c.all.map((k) => k.icount)).toEqual([0, 120, 230]);
    expect([c.before(0).icount, c.before(119).icount, c.before(120).icount, c.before(10_000).icount]).toEqual([0, 0, 120, 230]);
    // Back before 120 and forwards again: a checkpoint goes between, in order.
    expect(c.maybeTake(110, 0, () => snap(1))).toBe(true);
    expect(c.all.map((k) => k.icount)).toEqual([0, 110, 120, 230]);
  });

  it('thins out past the count bound, doubling the spacing: a run of any length keeps a few', () => {
    const c = new Checkpoints(snap(10), { every: 100, maxCount: 8, maxBytes: 1e9 });
    for (let now = 100; now <= 1_000_000; now += 100) c.maybeTake(now, 0, () => snap(1));
    expect(c.all.length).toBeLessThanOrEqual(8);
    expect(c.launch.icount).toBe(0);
    expect(c.spacing).toBeGreaterThan(100_000);
    const gaps = c.all.slice(1).map((k, i) => k.icount - c.all[i]!.icount);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * c.spacing);
  });

  it('thins out past the memory bound, counting a copy shared between checkpoints once', () => {
    const c = new Checkpoints(snap(0), { every: 1, maxCount: 100, maxBytes: 10_000 });
    // Each checkpoint shares a 4000-byte copy with all the others and has 1000 bytes of its own.
    const common = new Uint8Array(4000);
    for (let now = 1; now <= 20; now++) c.maybeTake(now, 0, () => snap(1000, [common]));
    expect(c.bytes()).toBeLessThanOrEqual(10_000);
    expect(c.bytes()).toBe(4000 + 1000 * (c.all.length - 1));
    expect(c.all.length).toBeGreaterThan(2);
  });

  it('drops the checkpoints an edit or an abandoned future makes wrong, never the launch state', () => {
    const c = new Checkpoints(snap(1), { every: 10, maxCount: 100, maxBytes: 1e9 });
    for (const [now, seq] of [[10, 0], [20, 1], [30, 1], [40, 2]] as const) c.maybeTake(now, seq, () => snap(1));
    c.dropAfter(25);
    expect(c.all.map((k) => k.icount)).toEqual([0, 10, 20]);
    c.dropHolding(1);
    expect(c.all.map((k) => k.icount)).toEqual([0, 10]);
    c.dropAfter(0);
    c.dropHolding(0);
    expect(c.all.map((k) => k.icount)).toEqual([0]);
    c.reset();
    expect(c.spacing).toBe(10);
  });
});
