/**
 * Differential test: thousands of random A64 integer-ISA sequences, run by
 * nvlab (in process) and by QEMU 7.2 (`qemu-system-aarch64 -M virt ... -cpu max`),
 * must leave identical registers, NZCV, scratch memory and exception reports.
 * See test/diff/random/ for the generator (generate.ts), the encoder (a64.ts),
 * the image builder (image.ts) and the tool (tool.ts).
 *
 * Expected results come from QEMU. nvlab is always checked against the
 * committed goldens (test/diff/random/goldens.json: per-sequence hashes of
 * QEMU's dump); when qemu-system-aarch64 is on PATH the same images also run
 * under QEMU, which must match the goldens, and nvlab's output must equal
 * QEMU's byte for byte. After a generator change, re-record the goldens with
 * `npm run random:record`.
 *
 * One sequence only: RANDOM_SEQ=<seed>:<index> npx vitest run test/diff/random-sequences.test.ts
 * (or `node test/diff/random/tool.mjs elf|diff|bisect --seed S --seq K`).
 * RANDOM_NO_QEMU=1 checks against the goldens alone, as on a machine without QEMU.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../../emulator/platform/elf.js';
import { VIRT } from '../../emulator/platform/virt-machine.js';
import { runImage } from '../../emulator/run-image.js';
import * as A from './random/a64.js';
import type { Sequence } from './random/generate.js';
import {
  IMAGE_SEEDS,
  MAX_INSTRUCTIONS,
  QEMU,
  QEMU_ARGS,
  SEQUENCES_PER_IMAGE,
  describeSequence,
  firstDifference,
  firstDifferenceFromDigest,
  loadGoldens,
  parseRun,
  pool,
  qemuVersion,
  runQemu,
  sequenceDigest,
  sha16,
  type QemuResult,
} from './random/harness.js';
import { buildImage, buildImageFrom, type BuiltImage } from './random/image.js';

/** Failures described in full; the rest are counted. */
const MAX_REPORTED = 5;

function only(): { seed: number; seq: number } | null {
  const v = process.env.RANDOM_SEQ;
  if (!v) return null;
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m) throw new Error(`RANDOM_SEQ must be <seed>:<index>, not '${v}'`);
  return { seed: Number(m[1]), seq: Number(m[2]) };
}

function reproHint(seed: number, seq: number): string {
  return (
    `  reproduce: node test/diff/random/tool.mjs elf --seed ${seed} --seq ${seq} -o seq.elf\n` +
    `             ${QEMU} ${QEMU_ARGS.join(' ')} -kernel seq.elf   vs   node bin/nvlab.js run seq.elf\n` +
    `         or: RANDOM_SEQ=${seed}:${seq} npx vitest run test/diff/random-sequences.test.ts\n` +
    `  first diverging instruction: node test/diff/random/tool.mjs bisect --seed ${seed} --seq ${seq}`
  );
}

/** Runs the sequence cut after each instruction under both emulators; names the first instruction after which they differ. */
async function bisectInProcess(seq: Sequence, dir: string): Promise<string> {
  const variants = Array.from({ length: seq.insns.length + 1 }, (_, k) => ({ ...seq, insns: seq.insns.map((x, i) => (i < k ? x : A.NOP)) }));
  const img = buildImageFrom(variants);
  const file = join(dir, `bisect-${Math.random().toString(36).slice(2)}.elf`);
  writeFileSync(file, img.elf);
  const q = parseRun((await runQemu(file)).stdout);
  const n = parseRun(runImage(img.elf, { maxInstructions: MAX_INSTRUCTIONS }).stdout);
  for (let k = 1; k < variants.length; k++) {
    const ql = q.seqs.get(k) ?? [];
    const nl = n.seqs.get(k) ?? [];
    if (ql.join('\n') !== nl.join('\n')) {
      const w = seq.insns[k - 1]!;
      return `  first diverging instruction: +0x${((k - 1) * 4).toString(16)} ${(w.w >>> 0).toString(16).padStart(8, '0')} (${seq.templates[k - 1]}); after it ${firstDifference(nl, ql, 'nvlab', 'QEMU')}`;
    }
  }
  return '  (every prefix of the sequence agrees when run alone)';
}

describe('random instruction sequences (nvlab vs QEMU)', () => {
  it('builds the same bytes from the same seed, as a loadable two-segment ELF', () => {
    const a = buildImage(IMAGE_SEEDS[0]!, 10);
    const b = buildImage(IMAGE_SEEDS[0]!, 10);
    expect(Buffer.from(a.elf).equals(Buffer.from(b.elf))).toBe(true);
    expect(Buffer.from(buildImage(IMAGE_SEEDS[1]!, 10).elf).equals(Buffer.from(a.elf))).toBe(false);
    const img = parseElf(a.elf, { base: VIRT.RAM_BASE, size: VIRT.DEFAULT_RAM });
    expect(img.segments.map((s) => s.flags)).toEqual([5, 6]);
    expect(Number(img.entry)).toBe(img.segments[0]!.paddr);
    for (const s of a.sequences) {
      expect(s.insns.length).toBeGreaterThanOrEqual(10);
      expect(s.insns.length).toBeLessThanOrEqual(30);
    }
  });

  it('nvlab matches QEMU on every sequence', { timeout: 600_000 }, async () => {
    const t0 = Date.now();
    const pick = only();
    const seeds = pick ? [pick.seed] : IMAGE_SEEDS;
    const images = new Map<number, BuiltImage>();
    for (const seed of seeds) {
      images.set(seed, buildImage(seed, SEQUENCES_PER_IMAGE, pick ? { first: pick.seq, end: pick.seq + 1 } : {}));
    }
    const wanted = (i: number): boolean => !pick || i === pick.seq;
    const goldens = loadGoldens();
    const failures: string[] = [];
    let failureCount = 0;
    const fail = (msg: string): void => {
      failureCount++;
      if (failures.length < MAX_REPORTED) failures.push(msg);
    };

    // The goldens must describe exactly these images (the ELF hash covers the
    // generator, the encoder and the image layout; for RANDOM_SEQ the full image's).
    const stale: number[] = [];
    for (const seed of seeds) {
      const g = goldens?.images[String(seed)];
      const full = pick ? buildImage(seed, SEQUENCES_PER_IMAGE).elf : images.get(seed)!.elf;
      if (!g || g.elf !== sha16(full) || g.seqs.length !== SEQUENCES_PER_IMAGE) stale.push(seed);
    }
    expect(stale, `goldens are missing or stale for image seeds ${stale.join(', ')}: the generator or image layout changed; re-record with \`npm run random:record\` (needs ${QEMU})`).toEqual([]);

    // QEMU, when present, runs in the background (two at a time) while nvlab runs here.
    const version = qemuVersion();
    const dir = mkdtempSync(join(tmpdir(), 'nvlab-random-'));
    try {
      const qemuRuns = new Map<number, Promise<QemuResult>>();
      if (version) {
        const jobs = seeds.map((seed) => () => {
          const file = join(dir, `${seed}.elf`);
          writeFileSync(file, images.get(seed)!.elf);
          return runQemu(file);
        });
        const all = pool(jobs, 2);
        seeds.forEach((seed, i) => qemuRuns.set(seed, all.then((r) => r[i]!)));
      }

      let sequences = 0;
      let instructions = 0;
      const nvlabOut = new Map<number, { stdout: Uint8Array; exitStatus: number }>();
      for (const seed of seeds) {
        await new Promise((r) => setImmediate(r)); // let finished QEMU runs hand their slot on
        const img = images.get(seed)!;
        const g = goldens!.images[String(seed)]!;
        const res = runImage(img.elf, { maxInstructions: MAX_INSTRUCTIONS });
        nvlabOut.set(seed, res);
        instructions += res.instructions;
        const run = parseRun(res.stdout);
        if (res.outcome.kind !== 'exit' || res.exitStatus !== g.exit || run.done !== g.done) {
          const why = res.outcome.kind === 'stopped' ? `: ${res.outcome.error.message}` : res.outcome.kind === 'halted' ? `: ${res.outcome.message}` : '';
          fail(`seed ${seed}: nvlab ended with ${res.outcome.kind} (exit status ${res.exitStatus}${why}), DONE ${run.done}; QEMU recorded exit ${g.exit}, DONE ${g.done}`);
        }
        for (let i = 0; i < SEQUENCES_PER_IMAGE; i++) {
          if (!wanted(i)) continue;
          sequences++;
          const lines = run.seqs.get(i) ?? [];
          if (sequenceDigest(lines) === g.seqs[i]) continue;
          // With QEMU at hand the byte-for-byte comparison below reports it with both values.
          if (version) continue;
          fail(
            `seed ${seed}, sequence ${i}: nvlab's dump differs from QEMU's recorded one\n` +
              `  ${firstDifferenceFromDigest(lines, g.seqs[i]!, 'nvlab')}\n` +
              `  instruction words:\n${describeSequence(img.sequences[i]!, img.seqAddr[i]!)}\n${reproHint(seed, i)}`,
          );
        }
      }

      if (version) {
        let bisects = 0;
        for (const seed of seeds) {
          const q = await qemuRuns.get(seed)!;
          const img = images.get(seed)!;
          const g = goldens!.images[String(seed)]!;
          const qrun = parseRun(q.stdout);
          const qexit = q.timedOut ? null : q.status;
          if (qexit !== g.exit || qrun.done !== g.done) {
            fail(`seed ${seed}: ${version} ended with exit ${q.timedOut ? 'timeout' : q.status}, DONE ${qrun.done}; the goldens say exit ${g.exit}, DONE ${g.done}\n${q.stderr}`);
          }
          for (let i = 0; i < SEQUENCES_PER_IMAGE; i++) {
            if (wanted(i) && sequenceDigest(qrun.seqs.get(i) ?? []) !== g.seqs[i]) {
              fail(`seed ${seed}, sequence ${i}: ${version} does not reproduce the goldens (recorded with ${goldens!.qemu}): re-record with \`npm run random:record\` if QEMU changed`);
            }
          }
          const n = nvlabOut.get(seed)!;
          if (Buffer.from(n.stdout).equals(q.stdout) && n.exitStatus === qexit) continue;
          const nrun = parseRun(n.stdout);
          let found = false;
          for (let i = 0; i < SEQUENCES_PER_IMAGE; i++) {
            const ql = qrun.seqs.get(i) ?? [];
            const nl = nrun.seqs.get(i) ?? [];
            if (!wanted(i) || ql.join('\n') === nl.join('\n')) continue;
            found = true;
            const seq = img.sequences[i]!;
            const where = bisects++ < MAX_REPORTED ? `\n${await bisectInProcess(seq, dir)}` : '';
            fail(
              `seed ${seed}, sequence ${i}: ${firstDifference(nl, ql, 'nvlab', 'QEMU')}${where}\n` +
                `  instruction words:\n${describeSequence(seq, img.seqAddr[i]!)}\n${reproHint(seed, i)}`,
            );
          }
          if (!found) fail(`seed ${seed}: outputs differ outside the sequence dumps (exit nvlab ${n.exitStatus}, QEMU ${qexit}; preamble or trailer)`);
        }
      }

      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(
        `random sequences: ${sequences} sequences in ${seeds.length} images, ${instructions} nvlab instructions, ` +
          `${version ? `compared with ${version} and` : `${QEMU} not on PATH: compared with`} the goldens, ${secs} s`,
      );
      const more = failureCount > failures.length ? `\n... and ${failureCount - failures.length} more` : '';
      expect(failureCount, `${failureCount} mismatches:\n\n${failures.join('\n\n')}${more}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
