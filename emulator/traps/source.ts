/**
 * Positions in a `.traps` source: zero-based line and UTF-16 column (what the
 * language server protocol uses) plus the offset, and the diagnostics every
 * stage reports against them.
 */

export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  readonly file: string;
  readonly range: Range;
  readonly message: string;
}

export interface Diagnostic {
  readonly file: string;
  readonly range: Range;
  readonly severity: Severity;
  /** A stable identifier of the kind of problem (for tests, filters and quick fixes). */
  readonly code: string;
  readonly message: string;
  readonly related?: readonly RelatedLocation[];
  /** Text that would fix the problem, when there is an obvious one (a quick-fix hint). */
  readonly fix?: { readonly title: string; readonly insertText: string };
}

/**
 * Maps offsets to lines and columns. The line starts are found on first use:
 * every parse makes one, and the language server re-parses on each edit
 * without asking it anything.
 */
export class LineMap {
  private lineStarts: number[] | null = null;

  constructor(readonly text: string) {}

  private get starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
    return (this.lineStarts = starts);
  }

  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo, col: offset - starts[lo]! };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

export function span(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

/** `file:line:col: severity: message` with one-based line and column, as compilers print them. */
export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.range.start.line + 1}:${d.range.start.col + 1}: ${d.severity}: ${d.message}`;
  for (const r of d.related ?? []) s += `\n${r.file}:${r.range.start.line + 1}:${r.range.start.col + 1}: note: ${r.message}`;
  return s;
}
