/**
 * The checkpoints reverse execution replays from: machine snapshots along
 * the timeline, by instruction count, the first being the launch state.
 * Each holds the user's edits up to its `seq`. They are bounded in number
 * and in the memory their buffer copies hold: past either bound, every other
 * one after the first goes and the spacing doubles, so a run of any length
 * keeps a logarithmic trail of them.
 */

/** What a checkpoint needs of a snapshot: its buffer copies, to count the memory. */
export interface SnapshotLike {
  readonly buffers: ReadonlyMap<unknown, Uint8Array>;
}

export interface Checkpoint<S extends SnapshotLike> {
  readonly icount: number;
  /** The last edit the state holds. */
  readonly seq: number;
  readonly snap: S;
}

export interface CheckpointLimits {
  /** Instructions between checkpoints at first. */
  readonly every: number;
  readonly maxCount: number;
  readonly maxBytes: number;
}

export const DEFAULT_LIMITS: CheckpointLimits = { every: 2_000_000, maxCount: 32, maxBytes: 256 * 2 ** 20 };

export class Checkpoints<S extends SnapshotLike> {
  private list: Checkpoint<S>[];
  private every: number;

  constructor(
    launch: S,
    private readonly limits: CheckpointLimits = DEFAULT_LIMITS,
  ) {
    this.list = [{ icount: 0, seq: 0, snap: launch }];
    this.every = limits.every;
  }

  get all(): readonly Checkpoint<S>[] {
    return this.list;
  }

  get launch(): Checkpoint<S> {
    return this.list[0]!;
  }

  /** Instructions between checkpoints now (doubles with each thinning). */
  get spacing(): number {
    return this.every;
  }

  /** The latest checkpoint at or before instruction `target` (the launch state at worst). */
  before(target: number): Checkpoint<S> {
    let best = this.list[0]!;
    for (const c of this.list) if (c.icount <= target) best = c;
    return best;
  }

  /**
   * After a slice of a forward run at instruction `now`: takes a snapshot
   * (with `take`, given the one before to share memory with) when the last
   * checkpoint before `now` is far enough behind. Returns whether it did.
   */
  maybeTake(now: number, seq: number, take: (previous: S) => S): boolean {
    const before = this.before(now);
    if (now - before.icount < this.every) return false;
    const at = this.list.indexOf(before);
    this.list.splice(at + 1, 0, { icount: now, seq, snap: take(before.snap) });
    while (this.list.length > 2 && (this.list.length > this.limits.maxCount || this.bytes() > this.limits.maxBytes)) {
      this.list = this.list.filter((_, k) => k === 0 || k % 2 === 0);
      this.every *= 2;
    }
    return true;
  }

  /** An edit at instruction `icount`: later checkpoints describe a future without it. */
  dropAfter(icount: number): void {
    this.list = this.list.filter((c, k) => k === 0 || c.icount <= icount);
  }

  /** Edits from `seq` on were abandoned: the checkpoints holding them go (the launch state stays). */
  dropHolding(seq: number): void {
    this.list = this.list.filter((c, k) => k === 0 || c.seq < seq);
  }

  /** A new timeline from the launch state. */
  reset(): void {
    this.list.length = 1;
    this.every = this.limits.every;
  }

  /** Memory held by the buffer copies, each copy shared between checkpoints counted once. */
  bytes(): number {
    const seen = new Set<Uint8Array>();
    let n = 0;
    for (const c of this.list) {
      for (const copy of c.snap.buffers.values()) {
        if (seen.has(copy)) continue;
        seen.add(copy);
        n += copy.byteLength;
      }
    }
    return n;
  }
}
