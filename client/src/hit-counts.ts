/**
 * How often each trap-table entry forwarded during debug runs, from the
 * adapter's `forward` events: the code lenses "forwarded N times" above the
 * entries. Counts are kept per table file (the built-in table as
 * `default.traps`) and line, and reset when a session starts.
 */
export class HitCounts {
  private readonly byFile = new Map<string, Map<number, number>>();

  clear(): void {
    this.byFile.clear();
  }

  /** Counts the forwards among `events` (entry "file:line"). */
  add(events: readonly Record<string, unknown>[]): boolean {
    let changed = false;
    for (const e of events) {
      if (e.type !== 'forward' || typeof e.entry !== 'string') continue;
      const m = /^(.*):(\d+)$/.exec(e.entry);
      if (!m) continue;
      let lines = this.byFile.get(m[1]!);
      if (!lines) this.byFile.set(m[1]!, (lines = new Map()));
      const line = Number(m[2]);
      lines.set(line, (lines.get(line) ?? 0) + 1);
      changed = true;
    }
    return changed;
  }

  /** One-based lines of `file` with their counts; `file` is a path, or `default.traps` for the built-in table. */
  forFile(file: string): readonly [line: number, hits: number][] {
    const lines = this.byFile.get(file);
    return lines ? [...lines].sort((a, b) => a[0] - b[0]) : [];
  }
}
