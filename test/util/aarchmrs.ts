/**
 * What the arch tests use of the generator scripts in emulator/arch/gen/.
 * Those are plain .mjs without type declarations: importing them through a
 * computed specifier keeps tsc from demanding a .d.ts (it types such imports
 * as Promise<any>), and the interfaces here state the part of their API the
 * tests rely on.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

export interface AarchmrsRelease {
  sha256: string;
  members(): string[];
  text(name: string): string;
  json(name: string): unknown;
}

export interface InputModule {
  findAarchmrsTarball(env?: Record<string, string | undefined>): string | null;
  requireAarchmrsTarball(env?: Record<string, string | undefined>): string;
  openAarchmrs(path: string): AarchmrsRelease;
}

const genDir = new URL('../../emulator/arch/gen/', import.meta.url);

/** A generator module by file name, typed as the caller states. */
export async function importGenerator<T>(file: string): Promise<T> {
  return (await import(new URL(file, genDir).href)) as T;
}

export const input = await importGenerator<InputModule>('aarchmrs-input.mjs');

/** The AARCHMRS tarball (../shared/data/aarchmrs or NVLAB_AARCHMRS), or null when this checkout has none. */
export const tarball = input.findAarchmrsTarball();

export const SKIP_REASON = `SKIPPED: AARCHMRS tarball not found ${
  process.env.NVLAB_AARCHMRS ? `at NVLAB_AARCHMRS=${process.env.NVLAB_AARCHMRS}` : 'in ../shared/data/aarchmrs; set NVLAB_AARCHMRS to run'
}`;

/** `it` for a test that needs the tarball: skipped without it, with the reason in its title. */
export function itWithTarball(title: string, fn: (tarball: string) => void): void {
  it.skipIf(tarball === null)(tarball === null ? `${title} (${SKIP_REASON})` : title, () => fn(tarball!));
}

/**
 * A test that regenerates files from the tarball and requires each to be
 * byte-identical to the committed one.
 */
export function itRegenerates(title: string, produce: (tarball: string) => readonly (readonly [path: string, text: string])[]): void {
  itWithTarball(title, (t) => {
    for (const [path, text] of produce(t)) {
      const committed = readFileSync(path, 'utf8');
      // Lengths first, so that a mismatch does not dump a megabyte into the log.
      expect(text.length, path).toBe(committed.length);
      expect(text === committed, path).toBe(true);
    }
  });
}
