#!/usr/bin/env node
// Launcher for tool.ts (see there): bundles it with esbuild into a temporary
// directory, since Node 20 cannot run TypeScript, and runs its main().
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nvlab-random-tool-'));
try {
  const outfile = join(dir, 'tool.mjs');
  await build({
    entryPoints: [join(here, 'tool.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main(process.argv.slice(2), here);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
