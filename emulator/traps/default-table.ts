/**
 * The default trap table (default.traps, generated from Arm's access rules
 * by gen-default-traps.ts), embedded in the emulator and compiled once: the
 * L0 host uses it unless a run names another table.
 */
import text from './default.traps';
import { checkTraps } from './checker.js';
import { type CompiledTraps, compileTraps } from './compiler.js';

export const DEFAULT_TRAPS_FILE = 'default.traps';
export const DEFAULT_TRAPS_TEXT: string = text;

let compiled: CompiledTraps | undefined;

export function defaultTraps(): CompiledTraps {
  if (!compiled) {
    // Its architecture comparison runs in the tests; a run needs only the table.
    const r = checkTraps(text, DEFAULT_TRAPS_FILE, { architecture: false });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`internal error: the default trap table has errors: ${errors[0]!.message}`);
    compiled = compileTraps(r.table);
  }
  return compiled;
}
