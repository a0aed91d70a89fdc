/**
 * `npm run gen:traps`: writes emulator/traps/default.traps from the
 * generator (gen-default-traps.ts). The npm script bundles this file with
 * esbuild first, because the generator needs the TypeScript database.
 *
 *   node dist/gen-traps.cjs [FILE]          write the table (default emulator/traps/default.traps)
 *   node dist/gen-traps.cjs --check [FILE]  exit 1 when FILE is not what the generator writes
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generateDefaultTraps } from './gen-default-traps.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const file = args.find((a) => !a.startsWith('--')) ?? 'emulator/traps/default.traps';
const text = generateDefaultTraps();
if (check) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // A missing file is out of date.
  }
  if (old !== text) {
    process.stderr.write(`${file} is out of date: run npm run gen:traps\n`);
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file} (${text.split('\n').length - 1} lines)\n`);
}
