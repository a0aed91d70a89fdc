// `npm run bench`: emulated MIPS of nvlab on benchmark guests, next to QEMU
// (qemu-system-aarch64, TCG) running the same image in the same run.
// QEMU's start-up time is measured on an image that exits at once and
// subtracted; both figures use the instruction count nvlab reports (the
// guests are deterministic loops, so QEMU executes the same instructions).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, '..', 'dist', 'emulator.cjs');
if (!existsSync(dist)) {
  console.error('bench: dist/emulator.cjs is missing; run `npm run build` first');
  process.exit(2);
}
const { runImage } = require(dist);

const QEMU = 'qemu-system-aarch64';
const QEMU_ARGS = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'max', '-m', '1G', '-nographic', '-semihosting', '-kernel'];

function haveQemu() {
  try {
    execFileSync(QEMU, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function qemuSeconds(elf) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(QEMU, [...QEMU_ARGS, elf], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 120_000 });
  const t1 = process.hrtime.bigint();
  if (r.status !== 0) throw new Error(`${QEMU} exited with ${r.status} on ${elf}`);
  return Number(t1 - t0) / 1e9;
}

function best(n, f) {
  let b = Infinity;
  for (let i = 0; i < n; i++) b = Math.min(b, f());
  return b;
}

const guests = [
  { name: 'ALU loop', elf: join(here, 'guests', 'alu-loop.elf') },
  { name: 'load/store loop', elf: join(here, 'guests', 'ldst-loop.elf') },
  { name: 'MRS/MSR loop', elf: join(here, 'guests', 'sysreg-loop.elf') },
];
const baselineElf = join(here, '..', 'examples', 'hello-el2', 'hello-el2.elf');

const qemu = haveQemu();
const qemuStartup = qemu ? best(3, () => qemuSeconds(baselineElf)) : NaN;
const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

console.log(`nvlab benchmark (node ${process.version}; QEMU ${qemu ? execFileSync(QEMU, ['--version']).toString().split('\n')[0].replace(/^QEMU emulator version /, '') : 'not installed'})`);
if (qemu) console.log(`QEMU start-up (subtracted): ${fmt(qemuStartup * 1000, 0)} ms`);
console.log('');
console.log('guest              instructions   nvlab s   nvlab MIPS   QEMU s   QEMU MIPS   nvlab/QEMU time');
for (const g of guests) {
  const elf = new Uint8Array(readFileSync(g.elf));
  const t0 = process.hrtime.bigint();
  const r = runImage(elf, { maxInstructions: 5e9 });
  const t1 = process.hrtime.bigint();
  if (r.exitStatus !== 0) throw new Error(`${g.name}: nvlab exit status ${r.exitStatus}`);
  const secs = Number(t1 - t0) / 1e9;
  const mips = r.instructions / secs / 1e6;
  let qs = NaN;
  if (qemu) qs = Math.max(best(3, () => qemuSeconds(g.elf)) - qemuStartup, 1e-3);
  const qmips = r.instructions / qs / 1e6;
  console.log(
    `${g.name.padEnd(18)} ${String(r.instructions).padStart(12)}   ${fmt(secs, 2).padStart(7)}   ${fmt(mips).padStart(10)}   ${fmt(qs, 3).padStart(6)}   ${fmt(qmips, 0).padStart(9)}   ${fmt(secs / qs, 1).padStart(14)}x`,
  );
}
