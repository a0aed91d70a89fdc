#!/usr/bin/env node
// Builds every committed guest image from its assembly source with GNU
// binutils: the QEMU-differential test guests (test/guest/NAME.S, linked with
// the runtime in lib/, into test/guest/bin/NAME.elf), the examples
// (examples/*/NAME.S next to their link.ld), the benchmark guests
// (bench/guests) and the nested-only guests (test/nested/guests). The build
// is reproducible (fixed flags, relative paths, no build ID, no timestamps),
// so the committed ELFs can be verified against their sources.
//
//   node test/guest/build-guests.mjs            build all images
//   node test/guest/build-guests.mjs --check    build into a temporary directory and
//                                               verify the committed ELFs are byte-identical
//   node test/guest/build-guests.mjs --record   build, then run each ELF under QEMU and
//                                               (re)write expected/NAME.stdout, NAME.status and,
//                                               when QEMU's stderr is not empty, NAME.stderr
//   ... NAME...                                 limit building/recording to these programs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runQemu } from './qemu.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const BIN = join(HERE, 'bin');
const EXPECTED = join(HERE, 'expected');
const AS = 'aarch64-linux-gnu-as';
const LD = 'aarch64-linux-gnu-ld';
const COMMON_LD = ['--build-id=none', '--no-warn-rwx-segments', '-nostdlib', '-static', '-z', 'norelro', '-z', 'max-page-size=4096'];
const QEMU_TIMEOUT_MS = 30_000;

/**
 * Image groups. Sources are assembled from `dir` with relative paths (file
 * names end up in the symbol table), linked with `runtime`, into `out`.
 */
const TEST_GUESTS = {
  label: 'test/guest',
  dir: HERE,
  out: BIN,
  asFlags: ['-march=armv8.5-a', '-I', 'lib'],
  ldFlags: ['-T', 'lib/link.ld', ...COMMON_LD],
  runtime: ['lib/start.S'],
};
const OTHER_GROUPS = [
  ...readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'link.ld')))
    .map((d) => join(ROOT, 'examples', d.name)),
  join(ROOT, 'bench', 'guests'),
  join(ROOT, 'test', 'nested', 'guests'),
].map((dir) => ({
  label: dir.slice(ROOT.length + 1),
  dir,
  out: dir,
  // Examples carry DWARF line tables for the debugger's source breakpoints and stepping
  // (version 4 for hyp-init, 5 for the others, so that both formats stay tested); the
  // prefix map keeps the absolute build directory out of them (reproducible anywhere).
  asFlags: dir.startsWith(join(ROOT, 'examples')) ? [dir.endsWith('hyp-init') ? '--gdwarf-4' : '--gdwarf-5', `--debug-prefix-map=${dir}=.`] : [],
  ldFlags: ['-T', 'link.ld', ...COMMON_LD],
  runtime: [],
}));

function programs(group = TEST_GUESTS) {
  return readdirSync(group.dir)
    .filter((f) => f.endsWith('.S'))
    .map((f) => f.slice(0, -2))
    .sort();
}

function run(cmd, args, cwd = HERE) {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const msg = e.stderr?.toString() || e.message;
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${msg}`);
  }
}

/** Builds the named programs of a group into outDir; returns the ELF paths. */
function build(names, outDir, group = TEST_GUESTS) {
  const work = mkdtempSync(join(tmpdir(), 'nvlab-guests-'));
  try {
    const runtimeObjs = group.runtime.map((src, i) => {
      const obj = join(work, `runtime${i}.o`);
      run(AS, [...group.asFlags, src, '-o', obj], group.dir);
      return obj;
    });
    mkdirSync(outDir, { recursive: true });
    return names.map((name) => {
      const obj = join(work, `${name}.o`);
      run(AS, [...group.asFlags, `${name}.S`, '-o', obj], group.dir);
      const elf = join(outDir, `${name}.elf`);
      run(LD, [...group.ldFlags, '-o', elf, ...runtimeObjs, obj], group.dir);
      return elf;
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function check(names, group = TEST_GUESTS) {
  const tmp = mkdtempSync(join(tmpdir(), 'nvlab-guests-check-'));
  const problems = [];
  const rel = (f) => join(group.label, group.out === group.dir ? '' : 'bin', f);
  try {
    build(names, tmp, group);
    for (const name of names) {
      const committed = join(group.out, `${name}.elf`);
      if (!existsSync(committed)) {
        problems.push(`${rel(`${name}.elf`)} is missing (run: npm run guests)`);
        continue;
      }
      if (!readFileSync(committed).equals(readFileSync(join(tmp, `${name}.elf`)))) {
        problems.push(`${rel(`${name}.elf`)} differs from a fresh build of ${name}.S`);
      }
    }
    const all = new Set(programs(group));
    for (const f of existsSync(group.out) ? readdirSync(group.out) : []) {
      if (f.endsWith('.elf') && !all.has(f.slice(0, -4))) problems.push(`${rel(f)} has no source ${f.slice(0, -4)}.S`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return problems;
}

/** Guest output is printable ASCII and newlines; anything else would be terminal noise. */
function junk(buf) {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b !== 10 && (b < 0x20 || b > 0x7e)) return i;
  }
  return -1;
}

async function record(names) {
  mkdirSync(EXPECTED, { recursive: true });
  const failures = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const r = await runQemu(join(BIN, `${name}.elf`), QEMU_TIMEOUT_MS);
      if (r.timedOut || r.status === null) {
        failures.push(`${name}: QEMU did not finish within ${QEMU_TIMEOUT_MS} ms`);
        continue;
      }
      const at = junk(r.stdout);
      if (at >= 0) {
        failures.push(`${name}: QEMU stdout has a non-printable byte 0x${r.stdout[at].toString(16)} at offset ${at}`);
        continue;
      }
      writeFileSync(join(EXPECTED, `${name}.stdout`), r.stdout);
      writeFileSync(join(EXPECTED, `${name}.status`), `${r.status}\n`);
      // Semihosting console output; recorded only for the guests that produce any.
      const stderrFile = join(EXPECTED, `${name}.stderr`);
      if (r.stderr.length) writeFileSync(stderrFile, r.stderr);
      else rmSync(stderrFile, { force: true });
      console.log(`recorded ${name}: status ${r.status}, ${r.stdout.length} bytes`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return failures;
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
for (const f of flags) {
  if (f !== '--check' && f !== '--record') {
    console.error(`unknown option ${f}`);
    process.exit(2);
  }
}
const all = programs();
const requested = args.filter((a) => !a.startsWith('--'));
for (const n of requested) {
  if (!all.includes(n)) {
    console.error(`no program ${n}.S in ${HERE}`);
    process.exit(2);
  }
}
const names = requested.length ? requested : all;

process.on('uncaughtException', (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

// Naming programs selects test guests only; otherwise the examples and bench guests come too.
const others = requested.length ? [] : OTHER_GROUPS;
if (flags.has('--check')) {
  const problems = [TEST_GUESTS, ...others].flatMap((g) => check(g === TEST_GUESTS ? names : programs(g), g));
  if (problems.length) {
    console.error(`guest images are out of date:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  const count = names.length + others.reduce((n, g) => n + programs(g).length, 0);
  console.log(`${count} guest ELFs match their sources`);
} else {
  const elfs = build(names, BIN);
  console.log(`built ${elfs.length} guests into ${BIN}`);
  for (const g of others) console.log(`built ${build(programs(g), g.out, g).length} images in ${g.label}`);
  if (flags.has('--record')) {
    const failures = await record(names);
    if (failures.length) {
      console.error(failures.join('\n'));
      process.exit(1);
    }
  }
}
