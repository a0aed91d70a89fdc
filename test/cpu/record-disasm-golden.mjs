#!/usr/bin/env node
// Records the disassembler's goldens from GNU objdump (test/cpu/disasm-golden/):
// every guest ELF's listing and the seeded random words. Run it after
// rebuilding guests or changing the random-word generator:
//   node test/cpu/record-disasm-golden.mjs
// Node cannot run TypeScript, so this bundles disasm-objdump.ts with esbuild
// into a temporary directory and calls its main().
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nvlab-disasm-record-'));
try {
  const outfile = join(dir, 'record.mjs');
  await build({
    entryPoints: [join(here, 'disasm-objdump.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = main(resolve(here, '../..'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
