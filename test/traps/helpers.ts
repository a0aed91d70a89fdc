/**
 * Helpers for the trap-language tests: compact diagnostics (code, severity,
 * message, [line, col, endLine, endCol]), ranges of a substring of the
 * source, and the invariants every diagnostic range must satisfy.
 */
import { checkTraps, type CheckOptions, type CheckResult } from '../../emulator/traps/checker.js';
import { LineMap, type Diagnostic, type Range } from '../../emulator/traps/source.js';

export type R = [line: number, col: number, endLine: number, endCol: number];

export interface Brief {
  code: string;
  severity: string;
  message: string;
  range: R;
  file?: string;
  related?: { file: string; range: R; message: string }[];
}

export const r4 = (r: Range): R => [r.start.line, r.start.col, r.end.line, r.end.col];

/** A diagnostic without the parts a test does not look at (file and related only when asked). */
export function brief(d: Diagnostic, opts: { file?: boolean; related?: boolean } = {}): Brief {
  const b: Brief = { code: d.code, severity: d.severity, message: d.message, range: r4(d.range) };
  if (opts.file) b.file = d.file;
  if (opts.related && d.related) b.related = d.related.map((x) => ({ file: x.file, range: r4(x.range), message: x.message }));
  return b;
}

/** The range of the `nth` occurrence of `needle` in `text`. */
export function at(text: string, needle: string, nth = 0): R {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' occurs fewer than ${nth + 1} times`);
  }
  const m = new LineMap(text);
  const s = m.position(i);
  const e = m.position(i + needle.length);
  return [s.line, s.col, e.line, e.col];
}

/** An empty range just after the `nth` occurrence of `needle` (where the parser reports "the end of the line"). */
export function after(text: string, needle: string, nth = 0): R {
  const [, , l, c] = at(text, needle, nth);
  return [l, c, l, c];
}

/** Checks without the architecture pass unless asked (most tests are about the language, not Arm's rules). */
export function check(text: string, opts: CheckOptions = {}, file = 't.traps'): CheckResult {
  return checkTraps(text, file, { architecture: false, ...opts });
}

export const briefs = (r: { diagnostics: readonly Diagnostic[] }, opts: { file?: boolean; related?: boolean } = {}): Brief[] => r.diagnostics.map((d) => brief(d, opts));

/**
 * Problems with a range of `text` (empty when it is sound): offsets within
 * the text, start <= end, line and column consistent with the offset.
 */
export function rangeProblems(text: string, range: Range, lines = new LineMap(text)): string[] {
  const out: string[] = [];
  const { start, end } = range;
  for (const [name, p] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (!Number.isInteger(p.offset) || p.offset < 0 || p.offset > text.length) out.push(`${name} offset ${p.offset} outside 0..${text.length}`);
    else {
      const q = lines.position(p.offset);
      if (q.line !== p.line || q.col !== p.col) out.push(`${name} ${p.line}:${p.col} is not offset ${p.offset} (${q.line}:${q.col})`);
    }
  }
  if (start.offset > end.offset) out.push(`start ${start.offset} after end ${end.offset}`);
  return out;
}
