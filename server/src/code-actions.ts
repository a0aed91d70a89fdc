/**
 * Quick fixes for `.traps` diagnostics: replace a misspelt name by one the
 * checker suggests, and add the mappings the architecture check found
 * missing (the checker's own insert text, appended to the table).
 */
import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';

const SUGGESTIONS = /\(did you mean ([^?]+)\?\)/;

export function codeActions(uri: string, text: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
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
    const fix = (d.data as { fix?: { title: string; insertText: string } } | undefined)?.fix;
    if (fix) {
      const lead = text.endsWith('\n') || text === '' ? '' : '\n';
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [{ range: { start: end, end }, newText: lead + fix.insertText }] } } });
    }
  }
  return out;
}
