/**
 * Loading a trap table for a nested run: checked (includes resolved next
 * to the including file), refused with its errors printed when it has any,
 * compiled otherwise.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkTraps } from '../traps/checker.js';
import { type CompiledTraps, compileTraps } from '../traps/compiler.js';
import { formatDiagnostic } from '../traps/source.js';

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** The compiled table, or the text to print when it cannot be used. */
export function loadTrapTable(path: string): CompiledTraps | string {
  const text = readText(path);
  if (text === null) return `nvlab: cannot read trap table ${path}\n`;
  const r = checkTraps(text, path, { readFile: readText, resolve: (from, p) => resolve(dirname(from), p), architecture: false });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return errors.map((d) => formatDiagnostic(d) + '\n').join('') + `nvlab: trap table ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; not running (nvlab check ${path} for every diagnostic)\n`;
  }
  return compileTraps(r.table);
}
