/**
 * The MMU configuration matrix: test/guest/mmu-matrix-{4k,16k,64k} run every
 * valid translation configuration of a granule (stage 1 / stage 2 / both,
 * every start level including 4K level -1 and concatenated stage 2 tables,
 * output sizes 40/48/52 bits, plain, LPA and LPA2 formats) and print PAR_EL1
 * after AT instructions. nvlab must reproduce the QEMU 7.2 goldens
 * (test/guest/expected) configuration by configuration; the test prints a
 * pass/fail table and, for every failing configuration, its first differing
 * line. Generator and case list: test/guest/mmu/gen-matrix.mjs; the cases
 * QEMU 7.2 gets wrong are left out (docs/qemu-deviations.md).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runImage } from '../../emulator/run-image.js';
import { compareMatrix, formatMatrixReport } from './matrix-compare.js';

const GUEST = join(dirname(fileURLToPath(import.meta.url)), '..', 'guest');
const GUESTS = ['mmu-matrix-4k', 'mmu-matrix-16k', 'mmu-matrix-64k'];
/** Each guest runs a few million instructions. */
const MAX_INSTRUCTIONS = 100_000_000;

describe('MMU configuration matrix (nvlab against the QEMU goldens)', () => {
  it.each(GUESTS)('%s', (name) => {
    const golden = readFileSync(join(GUEST, 'expected', `${name}.stdout`), 'latin1');
    const status = Number(readFileSync(join(GUEST, 'expected', `${name}.status`), 'utf8').trim());
    const r = runImage(readFileSync(join(GUEST, 'bin', `${name}.elf`)), { maxInstructions: MAX_INSTRUCTIONS });
    const why = r.outcome.kind === 'stopped' ? r.outcome.error.message : r.outcome.kind === 'halted' ? r.outcome.message : r.outcome.kind;
    const results = compareMatrix(golden, Buffer.from(r.stdout).toString('latin1'));
    console.log(`${formatMatrixReport(name, results)}\n  run outcome: ${why}, exit status ${r.exitStatus}, ${r.instructions} instructions`);
    expect(results.length, 'configurations in the golden').toBeGreaterThan(0);
    const failing = results.filter((x) => !x.pass).map((x) => `${x.section.id}\n    expected: ${x.expected}\n    actual:   ${x.actual}`);
    expect(failing, `${failing.length} of ${results.length} configurations differ (run outcome: ${why})`).toEqual([]);
    // Everything, the final "done" included, and the exit status.
    expect(Buffer.from(r.stdout).toString('latin1') === golden, 'stdout identical to the golden').toBe(true);
    expect(r.exitStatus, `exit status (outcome: ${why})`).toBe(status);
  });
});
