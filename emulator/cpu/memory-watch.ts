/**
 * Watchpoints on physical memory (the debugger's data breakpoints on
 * memory). Physical, because a hypervisor's memory is reached through many
 * regimes and aliases: a watch on a descriptor or a shared page fires for
 * every write to it, whichever stage 1 or stage 2 mapped it.
 *
 * Cost: none while no watch is set. With watches, pages that hold one are
 * never entered into the data TLBs, so every access to them takes the slow
 * path, which checks the ranges; other pages run as before.
 */
export const WATCH_READ = 1;
export const WATCH_WRITE = 2;

export interface MemoryWatch {
  /** Physical address of the first byte watched. */
  readonly pa: number;
  readonly len: number;
  /** WATCH_READ | WATCH_WRITE. */
  readonly kinds: number;
}

/** Called when an access touches a watch, before it is made; `vlo`/`vhi` are the value a write stores. */
export type WatchHit = (w: MemoryWatch, pa: number, bytes: number, write: boolean, vlo: number, vhi: number) => void;

export class MemoryWatches {
  /** Pages (PA / 4096) holding at least one watched byte. */
  private readonly pages = new Set<number>();

  constructor(
    readonly watches: readonly MemoryWatch[],
    readonly onHit: WatchHit,
  ) {
    for (const w of watches) {
      if (!(w.len > 0)) throw new Error(`a watch must cover at least one byte (PA 0x${w.pa.toString(16)})`);
      for (let p = Math.floor(w.pa / 4096); p <= Math.floor((w.pa + w.len - 1) / 4096); p++) this.pages.add(p);
    }
  }

  /** Whether the page holding `pa` must stay out of the data TLBs. */
  watchesPage(pa: number): boolean {
    return this.pages.has(Math.floor(pa / 4096));
  }

  /** Reports the first watch an access of `bytes` bytes at `pa` overlaps, if its kind is watched. */
  check(pa: number, bytes: number, write: boolean, vlo: number, vhi: number): void {
    if (!this.watchesPage(pa)) return;
    const kind = write ? WATCH_WRITE : WATCH_READ;
    for (const w of this.watches) {
      if ((w.kinds & kind) !== 0 && pa < w.pa + w.len && w.pa < pa + bytes) {
        this.onHit(w, pa, bytes, write, vlo, vhi);
        return;
      }
    }
  }
}
