/**
 * `nvlab check FILE.traps... [--json]`: parse and check trap tables, print
 * every diagnostic as `file:line:col: severity: message` (or JSON), exit 1
 * when there are errors, 2 when a file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_PROFILE } from '../arch/cpu-profile.js';
import { checkTraps } from '../traps/checker.js';
import { type Diagnostic, formatDiagnostic } from '../traps/source.js';

export const CHECK_USAGE = 'nvlab check [--json] [--no-architecture] [--profile] FILE.traps...';

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

export function cmdCheck(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  let json = false;
  let architecture = true;
  let profile = false;
  const files: string[] = [];
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--no-architecture') architecture = false;
    else if (a === '--profile') profile = true;
    else if (a === '-h' || a === '--help') {
      out(`usage: ${CHECK_USAGE}\n\n  --json             print the diagnostics as a JSON array\n  --no-architecture  skip the comparison with Arm's access rules\n  --profile          also warn about fields that nvlab's CPU profile does not implement (RES0 there)\n\nExit status: 0 without errors (warnings allowed), 1 with errors, 2 when a file cannot be read.\n`);
      return 0;
    } else if (a.startsWith('-')) {
      err(`nvlab: check: unknown option ${a} (usage: ${CHECK_USAGE})\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    err(`nvlab: check: no trap table given (usage: ${CHECK_USAGE})\n`);
    return 2;
  }
  const all: Diagnostic[] = [];
  for (const f of files) {
    const text = readText(f);
    if (text === null) {
      err(`nvlab: check: cannot read ${f}\n`);
      return 2;
    }
    // Checked under its absolute path, so an include that comes back to it is a loop, not a second copy.
    const root = resolve(f);
    const shown = (path: string): string => {
      if (path === root) return f;
      const rel = relative(process.cwd(), path);
      return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
    };
    const r = checkTraps(text, root, {
      readFile: readText,
      resolve: (from, path) => resolve(dirname(from), path),
      // Trap tables are about the architecture; the CPU profile is an opt-in second opinion.
      features: profile ? (feat) => DEFAULT_PROFILE.features.has(feat) : () => true,
      architecture,
    });
    for (const d of r.diagnostics) {
      all.push({ ...d, file: shown(d.file), ...(d.related ? { related: d.related.map((x) => ({ ...x, file: shown(x.file) })) } : {}) });
    }
  }
  all.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.offset - b.range.start.offset));
  if (json) out(JSON.stringify(all, null, 2) + '\n');
  else for (const d of all) out(formatDiagnostic(d) + '\n');
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}
