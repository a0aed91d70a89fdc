// The command line every generator in this folder shares: write the files it
// produces, or with --check exit 1 when a committed file differs from what
// the specification gives now.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AarchmrsError, REPO_ROOT } from './aarchmrs-input.mjs';

/**
 * Runs `produce` (returning [path, text] pairs) when the module at
 * `moduleUrl` is the script node was started with; does nothing when it is
 * imported (by tests, by another generator). Errors of the classes in
 * `expected`, and AarchmrsError, are one-line explanations for the user;
 * anything else is a bug and keeps its stack.
 */
export function runGeneratorCli(moduleUrl, produce, expected = []) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const name = relative(REPO_ROOT, new URL(moduleUrl).pathname);
  try {
    const files = produce();
    if (process.argv.includes('--check')) {
      const stale = files.filter(([path, text]) => {
        try {
          return readFileSync(path, 'utf8') !== text;
        } catch {
          return true;
        }
      });
      for (const [path] of stale) console.error(`${relative(REPO_ROOT, path)} is out of date; run npm run gen:arch`);
      if (stale.length) process.exit(1);
      console.log(`${files.map(([path]) => relative(REPO_ROOT, path)).join(', ')} up to date`);
      return;
    }
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${relative(REPO_ROOT, path)} (${Buffer.byteLength(text)} bytes)`);
    }
  } catch (e) {
    if (e instanceof AarchmrsError) {
      console.error(e.message);
      process.exit(1);
    }
    if (expected.some((cls) => e instanceof cls)) {
      console.error(`${name}: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
