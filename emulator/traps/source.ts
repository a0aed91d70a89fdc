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

/** Maps offsets to lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo, col: offset - this.starts[lo]! };
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
