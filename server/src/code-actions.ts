/**
 * Quick fixes for `.traps` diagnostics: replace a misspelt name by one the
 * checker suggests, add the mappings the architecture check found missing
 * (the checker's own insert text, appended to the table), and split a range
 * around the range it overlaps.
 */
import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { sysregKeyFields } from '../../emulator/arch/sysreg-db.js';
import type { Analysis } from './analysis.js';

const SUGGESTIONS = /\(did you mean ([^?]+)\?\)/;

const tuple = (k: number): string => {
  const f = sysregKeyFields(k);
  return `(${f.op0}, ${f.op1}, ${f.crn}, ${f.crm}, ${f.op2})`;
};
const sameStart = (a: Diagnostic['range'], line: number, col: number): boolean => a.start.line === line && a.start.character === col;

/** `from..to` without the keys of `cut`, as range targets. */
function splitText(from: number, to: number, cut: { from: number; to: number }): string | null {
  const pieces: [number, number][] = [];
  if (from < cut.from) pieces.push([from, Math.min(to, cut.from - 1)]);
  if (to > cut.to) pieces.push([Math.max(from, cut.to + 1), to]);
  if (pieces.length === 0) return null;
  return pieces.map(([a, b]) => (a === b ? tuple(a) : `${tuple(a)} to ${tuple(b)}`)).join(', ');
}

export function codeActions(uri: string, text: string, diagnostics: readonly Diagnostic[], a?: Analysis): CodeAction[] {
  const out: CodeAction[] = [];
  const lines = text.split('\n');
  const endLine = lines.length - 1;
  const end = { line: endLine, character: lines[endLine]!.length };
  for (const d of diagnostics) {
    const m = SUGGESTIONS.exec(d.message);
    if (m) {
      for (const name of m[1]!.split(', ')) {
        const edit: TextEdit = { range: d.range, newText: name };
        out.push({ title: `Change to '${name}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [edit] } } });
      }
    }
    if (a && d.code === 'overlapping-ranges' && d.relatedInformation?.[0]) {
      const other = d.relatedInformation[0].location.range;
      const mappings = [...a.table.traps, ...a.table.fineTraps].filter((m) => m.file === a.file);
      const mine = mappings.find((m) => sameStart(d.range, m.range.start.line, m.range.start.col));
      const theirs = mappings.find((m) => sameStart(other, m.range.start.line, m.range.start.col));
      const replacement = mine && theirs ? splitText(mine.from, mine.to, theirs) : null;
      if (replacement) {
        out.push({ title: 'Split the range around the one it overlaps', kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [{ range: d.range, newText: replacement }] } } });
      }
    }
    const fix = (d.data as { fix?: { title: string; insertText: string } } | undefined)?.fix;
    if (fix) {
      const lead = text.endsWith('\n') || text === '' ? '' : '\n';
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [{ range: { start: end, end }, newText: lead + fix.insertText }] } } });
    }
  }
  return out;
}
