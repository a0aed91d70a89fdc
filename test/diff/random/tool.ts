/**
 * Command-line companion of test/diff/random-sequences.test.ts; run it with
 * `node test/diff/random/tool.mjs <command>` (the launcher bundles this file
 * with esbuild, as Node 20 does not run TypeScript).
 *
 *   record                    run QEMU on every image and rewrite goldens.json
 *                             (`npm run random:record`)
 *   elf --seed S [--seq K] [-o FILE]
 *                             write the image for seed S; with --seq, the same
 *                             image set to run only sequence K (same addresses,
 *                             same dump), for `qemu-system-aarch64 ... -kernel FILE`
 *                             and `node bin/nvlab.js run FILE`
 *   list --seed S --seq K     print the sequence's words and initial state
 *   diff --seed S [--seq K]   run QEMU and nvlab on that image and compare
 *   bisect --seed S --seq K   find the first instruction after which QEMU and
 *                             nvlab disagree (runs the sequence truncated after
 *                             each instruction, the rest replaced by NOPs)
 *
 * nvlab is run as `node bin/nvlab.js run` (build it first with `npm run build`);
 * set NVLAB_CLI to use another build of the CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as A from './a64.js';
import { generateSequence, type Sequence } from './generate.js';
import {
  IMAGE_SEEDS,
  MAX_INSTRUCTIONS,
  QEMU,
  QEMU_ARGS,
  SEQUENCES_PER_IMAGE,
  describeSequence,
  firstDifference,
  formatGoldens,
  goldensPath,
  parseRun,
  pool,
  qemuVersion,
  randomDir,
  runQemu,
  sequenceDigest,
  setRandomDir,
  sha16,
  type Goldens,
} from './harness.js';
import { buildImage, buildImageFrom } from './image.js';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function num(args: string[], name: string): number | undefined {
  const v = arg(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer, not '${v}'`);
  return n;
}

function withTmp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'nvlab-random-'));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function runNvlab(elfPath: string): { stdout: Buffer; status: number | null; stderr: string } {
  const cli = process.env.NVLAB_CLI ?? resolve(randomDir(), '../../../bin/nvlab.js');
  const r = spawnSync(process.execPath, [cli, 'run', '--max-insns', String(MAX_INSTRUCTIONS), elfPath], { maxBuffer: 1 << 28 });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr.toString() };
}

async function record(args: string[]): Promise<number> {
  const version = qemuVersion();
  if (!version) {
    console.error(`${QEMU} is not on PATH: cannot record goldens`);
    return 1;
  }
  const jobs = num(args, '--jobs') ?? 2;
  const g: Goldens = { format: 1, qemu: version, images: {} };
  let bad = 0;
  await withTmp(async (dir) => {
    const results = await pool(
      IMAGE_SEEDS.map((seed) => async () => {
        const img = buildImage(seed, SEQUENCES_PER_IMAGE);
        const file = join(dir, `${seed}.elf`);
        writeFileSync(file, img.elf);
        const q = await runQemu(file);
        return { seed, img, q };
      }),
      jobs,
    );
    for (const { seed, img, q } of results) {
      const run = parseRun(q.stdout);
      const seqs: string[] = [];
      for (let i = 0; i < SEQUENCES_PER_IMAGE; i++) seqs.push(sequenceDigest(run.seqs.get(i) ?? []));
      const exit = q.timedOut ? null : q.status;
      if (!run.done || exit !== 0 || run.seqs.size !== SEQUENCES_PER_IMAGE) {
        bad++;
        console.error(`seed ${seed}: QEMU did not complete (exit ${exit}, done ${run.done}, ${run.seqs.size} sequences)\n${q.stderr}`);
      }
      g.images[String(seed)] = { elf: sha16(img.elf), exit, done: run.done, seqs };
    }
  });
  writeFileSync(goldensPath(), formatGoldens(g));
  console.log(`recorded ${IMAGE_SEEDS.length} images x ${SEQUENCES_PER_IMAGE} sequences from ${version} into ${goldensPath()}`);
  return bad ? 1 : 0;
}

function seqArgs(args: string[]): { seed: number; seq: number | undefined } {
  const seed = num(args, '--seed');
  if (seed === undefined) throw new Error('--seed is required');
  return { seed, seq: num(args, '--seq') };
}

function imageFor(seed: number, seq: number | undefined) {
  return buildImage(seed, SEQUENCES_PER_IMAGE, seq === undefined ? {} : { first: seq, end: seq + 1 });
}

function writeElfCmd(args: string[]): number {
  const { seed, seq } = seqArgs(args);
  const out = arg(args, '-o') ?? `random-${seed}${seq === undefined ? '' : `-${seq}`}.elf`;
  writeFileSync(out, imageFor(seed, seq).elf);
  console.log(`wrote ${out}\n  ${QEMU} ${QEMU_ARGS.join(' ')} -kernel ${out}\n  node bin/nvlab.js run ${out}`);
  return 0;
}

function list(args: string[]): number {
  const { seed, seq } = seqArgs(args);
  if (seq === undefined) throw new Error('--seq is required');
  const img = imageFor(seed, seq);
  const s = img.sequences[seq]!;
  console.log(`seed ${seed} sequence ${seq}:\n${describeSequence(s, img.seqAddr[seq]!)}`);
  console.log('initial state:');
  s.init.regs.forEach((v, r) => r !== 28 && console.log(`  x${String(r).padStart(2, '0')} ${v.toString(16).padStart(16, '0')}`));
  console.log(`  nzcv ${(s.init.nzcv >>> 0).toString(16).padStart(8, '0')}`);
  return 0;
}

async function diffCmd(args: string[]): Promise<number> {
  const { seed, seq } = seqArgs(args);
  const img = imageFor(seed, seq);
  return withTmp(async (dir) => {
    const file = join(dir, 'image.elf');
    writeFileSync(file, img.elf);
    const q = await runQemu(file);
    const n = runNvlab(file);
    if (n.stderr) process.stderr.write(n.stderr);
    const qr = parseRun(q.stdout);
    const nr = parseRun(n.stdout);
    let diffs = 0;
    for (const [i, ql] of qr.seqs) {
      const nl = nr.seqs.get(i) ?? [];
      if (ql.join('\n') === nl.join('\n')) continue;
      diffs++;
      console.log(`sequence ${i}: ${firstDifference(nl, ql, 'nvlab', 'QEMU')}\n${describeSequence(img.sequences[i]!, img.seqAddr[i]!)}`);
    }
    console.log(`QEMU exit ${q.timedOut ? 'timeout' : q.status}, nvlab exit ${n.status}; ${qr.seqs.size} sequences, ${diffs} differ`);
    return diffs || q.status !== n.status ? 1 : 0;
  });
}

/** Sequence `s` with every instruction from `k` on replaced by NOP (same length, same branch targets). */
function truncated(s: Sequence, k: number): Sequence {
  return { ...s, insns: s.insns.map((insn, i) => (i < k ? insn : A.NOP)) };
}

async function bisect(args: string[]): Promise<number> {
  const { seed, seq } = seqArgs(args);
  if (seq === undefined) throw new Error('--seq is required');
  const s = generateSequence(seed, seq);
  // One image: variant k runs the first k instructions.
  const variants = Array.from({ length: s.insns.length + 1 }, (_, k) => truncated(s, k));
  const img = buildImageFrom(variants);
  return withTmp(async (dir) => {
    const file = join(dir, 'bisect.elf');
    writeFileSync(file, img.elf);
    const q = parseRun((await runQemu(file)).stdout);
    const n = parseRun(runNvlab(file).stdout);
    for (let k = 0; k < variants.length; k++) {
      const ql = q.seqs.get(k) ?? [];
      const nl = n.seqs.get(k) ?? [];
      if (ql.join('\n') === nl.join('\n')) continue;
      if (k === 0) {
        console.log('QEMU and nvlab differ before the first instruction (set-up or dump)');
        return 1;
      }
      const insn = s.insns[k - 1]!;
      console.log(
        `first divergence after instruction ${k - 1} (+0x${((k - 1) * 4).toString(16)}): ${(insn.w >>> 0).toString(16).padStart(8, '0')} (${s.templates[k - 1]}: ${insn.asm})\n` +
          `  ${firstDifference(nl, ql, 'nvlab', 'QEMU')}\n${describeSequence(s, img.seqAddr[k]!)}\n` +
          `  (addresses are those of the bisect image)`,
      );
      return 1;
    }
    console.log('QEMU and nvlab agree on every prefix of the sequence');
    return 0;
  });
}

/** `dir`: this file's directory (the launcher runs a bundled copy from elsewhere). */
export async function main(argv: string[], dir?: string): Promise<number> {
  if (dir) setRandomDir(dir);
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'record':
        return await record(args);
      case 'elf':
        return writeElfCmd(args);
      case 'list':
        return list(args);
      case 'diff':
        return await diffCmd(args);
      case 'bisect':
        return await bisect(args);
      default:
        console.error('usage: node test/diff/random/tool.mjs record | elf --seed S [--seq K] [-o FILE] | list|diff|bisect --seed S --seq K');
        return 2;
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    return 2;
  }
}
