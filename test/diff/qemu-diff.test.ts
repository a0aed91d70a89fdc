/**
 * QEMU-differential suite: every guest in test/guest/bin runs under nvlab and
 * must reproduce the UART output (stdout), semihosting console output (stderr)
 * and exit status that QEMU 7.2 produced (test/guest/expected, recorded with
 * `npm run guests -- --record`). Where QEMU is on PATH it is run again to keep
 * the goldens honest; where binutils are, the committed ELFs are checked
 * against their sources. Known QEMU deviations from the Arm ARM are avoided or
 * masked by the guests themselves (docs/qemu-deviations.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runImage } from '../../emulator/run-image.js';
import { haveQemu, runQemu } from '../guest/qemu.mjs';

const GUEST = join(dirname(fileURLToPath(import.meta.url)), '..', 'guest');
const BIN = join(GUEST, 'bin');
const EXPECTED = join(GUEST, 'expected');
/** Far above what any guest needs (the largest runs well under a million). */
const MAX_INSTRUCTIONS = 50_000_000;
const QEMU_TIMEOUT_MS = 30_000;
const QEMU_PARALLEL = 4;

const names = readdirSync(BIN)
  .filter((f) => f.endsWith('.elf'))
  .map((f) => f.slice(0, -4))
  .sort();

interface Golden {
  stdout: Buffer;
  stderr: Buffer;
  status: number;
}

function golden(name: string): Golden {
  const file = (ext: string): string => join(EXPECTED, `${name}.${ext}`);
  return {
    stdout: readFileSync(file('stdout')),
    stderr: existsSync(file('stderr')) ? readFileSync(file('stderr')) : Buffer.alloc(0),
    status: Number(readFileSync(file('status'), 'utf8').trim()),
  };
}

function elfPath(name: string): string {
  return join(BIN, `${name}.elf`);
}

function tool(cmd: string): boolean {
  try {
    return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

describe('nvlab reproduces the QEMU goldens', () => {
  it('has guests, each with a golden', () => {
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      expect(existsSync(join(EXPECTED, `${name}.stdout`)), `${name}.stdout`).toBe(true);
      expect(existsSync(join(EXPECTED, `${name}.status`)), `${name}.status`).toBe(true);
    }
  });

  it.each(names)('%s', (name) => {
    const g = golden(name);
    const r = runImage(readFileSync(elfPath(name)), { maxInstructions: MAX_INSTRUCTIONS });
    const why =
      r.outcome.kind === 'stopped' ? r.outcome.error.message : r.outcome.kind === 'halted' ? r.outcome.message : r.outcome.kind;
    // Text first for a readable diff, then the exact bytes.
    expect(Buffer.from(r.stdout).toString('latin1'), `stdout (outcome: ${why})`).toBe(g.stdout.toString('latin1'));
    expect(Buffer.from(r.stdout).equals(g.stdout)).toBe(true);
    expect(Buffer.from(r.stderr).toString('latin1'), 'stderr').toBe(g.stderr.toString('latin1'));
    expect(r.outcome.kind, why).toBe('exit');
    expect(r.exitStatus, 'exit status').toBe(g.status);
  });
});

/** Runs at most n of the returned function's tasks at a time. */
function limit<T>(n: number): (task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

describe.skipIf(!haveQemu())('QEMU still produces the goldens', () => {
  const runs = new Map<string, ReturnType<typeof runQemu>>();

  beforeAll(() => {
    // Every guest is queued before the first test awaits its result.
    const run = limit<Awaited<ReturnType<typeof runQemu>>>(QEMU_PARALLEL);
    for (const name of names) {
      const p = run(() => runQemu(elfPath(name), QEMU_TIMEOUT_MS));
      p.catch(() => undefined); // reported by the test that awaits it
      runs.set(name, p);
    }
  });

  it.each(names)('%s', async (name) => {
    const g = golden(name);
    const r = await runs.get(name)!;
    expect(r.timedOut, `QEMU did not finish within ${QEMU_TIMEOUT_MS} ms`).toBe(false);
    expect(r.stdout.toString('latin1'), 'stdout').toBe(g.stdout.toString('latin1'));
    expect(r.stderr.toString('latin1'), 'stderr').toBe(g.stderr.toString('latin1'));
    expect(r.status, 'exit status').toBe(g.status);
  });
});

describe.skipIf(!tool('aarch64-linux-gnu-as') || !tool('aarch64-linux-gnu-ld'))('guest ELFs', () => {
  it('are byte-identical to a fresh build of their sources', () => {
    const r = spawnSync(process.execPath, [join(GUEST, 'build-guests.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});
