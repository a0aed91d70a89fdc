// `npm run bench`: emulated MIPS of nvlab on benchmark guests, next to QEMU
// (qemu-system-aarch64, TCG) running the same image in the same run.
// QEMU's start-up time is measured on an image that exits at once and
// subtracted; both figures use the instruction count nvlab reports (the
// guests are deterministic loops, so QEMU executes the same instructions).
// `npm run bench -- traps` (or guests, mmu, nested, lsp, debug, extension) runs the sections named.
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
const { runImage, VirtMachine, parseElf, VIRT, checkTraps, compileTraps } = require(dist);
const SECTIONS = ['guests', 'mmu', 'traps', 'nested', 'lsp', 'debug', 'extension'];
const asked = process.argv.slice(2);
for (const a of asked) {
  if (!SECTIONS.includes(a)) {
    console.error(`bench: unknown section '${a}' (sections: ${SECTIONS.join(', ')})`);
    process.exit(2);
  }
}
const run = (section) => asked.length === 0 || asked.includes(section);

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
  { name: 'MMU ld/st loop', elf: join(here, 'guests', 'mmu-ldst-loop.elf') },
  { name: 'TLB lookup loop', elf: join(here, 'guests', 'mmu-tlb-loop.elf') },
  { name: 'page walk loop', elf: join(here, 'guests', 'mmu-walk-loop.elf') },
];
const baselineElf = join(here, '..', 'examples', 'hello-el2', 'hello-el2.elf');

const qemu = haveQemu();
const qemuStartup = qemu && run('guests') ? best(3, () => qemuSeconds(baselineElf)) : NaN;
const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

console.log(`nvlab benchmark (node ${process.version}; QEMU ${qemu ? execFileSync(QEMU, ['--version']).toString().split('\n')[0].replace(/^QEMU emulator version /, '') : 'not installed'})`);
if (qemu && run('guests')) console.log(`QEMU start-up (subtracted): ${fmt(qemuStartup * 1000, 0)} ms`);
if (run('guests')) console.log('');
if (run('guests')) console.log('guest              instructions   nvlab s   nvlab MIPS   QEMU s   QEMU MIPS   nvlab/QEMU time');
for (const g of run('guests') ? guests : []) {
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

// Translations measured inside the MMU: the tables of mmu-tlb-loop (EL2, 4 KiB
// pages, four levels), set up by running the guest up to its loop, then
// translate() over 1024 pages: from the architectural TLB, and with the TLB
// emptied before each round so that every translation walks. Garbage
// collections during the TLB-hit rounds show whether that path allocates.
if (run('mmu')) {
  const { PerformanceObserver } = await import('node:perf_hooks');
  const elf = new Uint8Array(readFileSync(join(here, 'guests', 'mmu-tlb-loop.elf')));
  const m = new VirtMachine({}, { uart() {}, stdout() {}, stderr() {} });
  m.load(parseElf(elf, { base: VIRT.RAM_BASE, size: m.ram.size }));
  m.run(30000); // MMU_ON finishes in about 16000 instructions
  const mmu = m.cpu.mmu;
  if (!mmu.enabledFor(2)) throw new Error('mmu bench: the guest did not enable the MMU');
  const PAGES = 1024;
  const base = 0x40400000;
  const round = () => {
    for (let i = 0; i < PAGES; i++) if (!mmu.translate((base + i * 4096) | 0, 0, 2, 0, 0)) throw new Error('mmu bench: fault');
  };
  round();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  const HIT_ROUNDS = 2000;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < HIT_ROUNDS; r++) round();
  const t1 = process.hrtime.bigint();
  await new Promise((res) => setTimeout(res, 50));
  const hitGcs = gcs;
  obs.disconnect();
  const WALK_ROUNDS = 200;
  const t2 = process.hrtime.bigint();
  for (let r = 0; r < WALK_ROUNDS; r++) {
    mmu.tlb.clear();
    round();
  }
  const t3 = process.hrtime.bigint();
  const hits = (PAGES * HIT_ROUNDS) / (Number(t1 - t0) / 1e9);
  const walks = (PAGES * WALK_ROUNDS) / (Number(t3 - t2) / 1e9);
  console.log('');
  console.log('MMU translate() in-process, EL2, 4 KiB pages, 4-level walks');
  console.log(`  TLB hits     ${fmt(hits / 1e6, 2).padStart(7)} M translations/s   (${PAGES * HIT_ROUNDS} translations, ${hitGcs} garbage collections)`);
  console.log(`  cold walks   ${fmt(walks / 1e6, 2).padStart(7)} M translations/s   (TLB emptied every ${PAGES} translations)`);
}

// Trap tables: parse + check of the default table and of a generated
// 20,000-line table (first run includes loading the register database),
// and decide() per trapped access.
if (run('traps')) {
  const timeIt = (f) => {
    const t0 = process.hrtime.bigint();
    const r = f();
    return [Number(process.hrtime.bigint() - t0) / 1e6, r];
  };
  const defaultPath = join(here, '..', 'emulator', 'traps', 'default.traps');
  const lines = ['# generated for the benchmark: 2,000 controls, 18,000 mappings'];
  const fields = ['TID1', 'TID2', 'TID3', 'TACR', 'TSW', 'TPU', 'TTLB', 'TVM', 'TRVM', 'TDZ'];
  for (let i = 0; i < 2000; i++) lines.push(`control C${i} forwards ${i % 3 === 0 ? 'reads' : i % 3 === 1 ? 'writes' : 'all'} when HCR_EL2.${fields[i % fields.length]} == 1`);
  let n = 0;
  for (let op0 = 3; op0 >= 2 && n < 18000; op0--)
    for (let op1 = 0; op1 < 8 && n < 18000; op1++)
      for (let crn = 0; crn < 16 && n < 18000; crn++)
        for (let crm = 0; crm < 16 && n < 18000; crm++)
          for (let op2 = 0; op2 < 8 && n < 18000; op2++, n++) lines.push(`trap (${op0}, ${op1}, ${crn}, ${crm}, ${op2}) with C${n % 2000}`);
  const big = lines.join('\n') + '\n';
  const opts = { architecture: true };
  let coldMs = NaN;
  let defMs = NaN;
  let table = null;
  if (existsSync(defaultPath)) {
    const text = readFileSync(defaultPath, 'utf8');
    [coldMs] = timeIt(() => checkTraps(text, defaultPath, opts));
    defMs = best(5, () => timeIt(() => checkTraps(text, defaultPath, opts))[0]);
    table = checkTraps(text, defaultPath, opts).table;
  }
  const bigMs = best(3, () => timeIt(() => checkTraps(big, 'big.traps', opts))[0]);
  const bigNoArchMs = best(3, () => timeIt(() => checkTraps(big, 'big.traps', { architecture: false }))[0]);
  // Ranges over the whole space, each overlapping every other: the architecture pass must judge
  // each (control, key) once, not once per range.
  const full = `control X forwards all when HCR_EL2.TVM == 1\n${'trap (1,0,0,0,0) to (3,7,15,15,7) with X\n'.repeat(1000)}`;
  const fullMs = best(3, () => timeIt(() => checkTraps(full, 'full.traps', opts))[0]);
  if (!table) table = checkTraps(big, 'big.traps', { architecture: false }).table;
  const compiled = compileTraps(table);
  const regs = { lo: new Int32Array(4096), hi: new Int32Array(4096) };
  // A mix of mapped and unmapped keys, reads and writes, with controls set and clear.
  const keys = [];
  for (let k = 0xc000; k < 0xc000 + 4096; k += 3) keys.push(k);
  for (let i = 0; i < regs.lo.length; i++) regs.lo[i] = (i * 2654435761) | 0;
  let sink = 0;
  const N = 2_000_000;
  for (let i = 0; i < 200_000; i++) sink += compiled.decide(keys[i % keys.length], (i & 1) === 0, false, regs);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += compiled.decide(keys[i % keys.length], (i & 1) === 0, false, regs);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log('');
  console.log('Trap tables');
  console.log(`  default table parse+check   ${fmt(defMs, 1).padStart(7)} ms   (first run with the database load: ${fmt(coldMs, 0)} ms)`);
  console.log(`  20,000-line table          ${fmt(bigMs, 1).padStart(7)} ms   (${fmt(bigNoArchMs, 1)} ms without the architecture check)`);
  console.log(`  1000 full-space ranges      ${fmt(fullMs, 1).padStart(7)} ms`);
  console.log(`  decide() per trapped access ${fmt(ns, 1).padStart(6)} ns   (${sink !== 0 ? 'checked' : 'unused'})`);
}

// Nested mode: the same images directly at EL2 and under the L0 host model.
// nested-trap-loop is a guest hypervisor whose guest takes 4096 stage-2
// faults and 20000 TID3 traps (every one a world switch pair nested); the
// ALU loop is an EL2 image that never traps. QEMU runs the trap loop directly
// (it has no FEAT_NV), as a reference for exception-heavy code.
if (run('nested')) {
  const timed = (elf, mode, nv2 = true) => {
    const t0 = process.hrtime.bigint();
    const r = runImage(elf, { mode, nv2, maxInstructions: 5e9 });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.exitStatus !== 0) throw new Error(`nested bench: exit status ${r.exitStatus} in ${mode} mode`);
    return { secs, r };
  };
  const bestRun = (elf, mode, n, nv2 = true) => {
    let b;
    for (let i = 0; i < n; i++) {
      const t = timed(elf, mode, nv2);
      if (!b || t.secs < b.secs) b = t;
    }
    return b;
  };
  const trapElf = join(here, 'guests', 'nested-trap-loop.elf');
  const trap = new Uint8Array(readFileSync(trapElf));
  const alu = new Uint8Array(readFileSync(join(here, 'guests', 'alu-loop.elf')));
  timed(trap, 'nested'); // warm the JIT on the host's paths
  const td = bestRun(trap, 'direct', 3);
  const tn = bestRun(trap, 'nested', 3);
  const tn1 = bestRun(trap, 'nested', 3, false);
  const ad = bestRun(alu, 'direct', 2);
  const an = bestRun(alu, 'nested', 2);
  const h = tn.r.hostStats;
  const faults = h.s2Faults.canonical + h.s2Faults.shadowMapped + h.s2Faults.forwarded;
  const exits = [...h.exits.values()].reduce((a, b) => a + b, 0);
  let qs = NaN;
  if (qemu) {
    const startup = Number.isFinite(qemuStartup) ? qemuStartup : best(3, () => qemuSeconds(baselineElf));
    qs = Math.max(best(3, () => qemuSeconds(trapElf)) - startup, 1e-3);
  }
  console.log('');
  console.log('Nested mode (L0 host model)            direct s   nested s   nested/direct');
  console.log(`  trap-heavy guest hypervisor          ${fmt(td.secs, 3).padStart(7)}   ${fmt(tn.secs, 3).padStart(8)}   ${fmt(tn.secs / td.secs, 2).padStart(12)}x   (QEMU direct ${fmt(qs, 3)} s)`);
  console.log(`  the same without FEAT_NV2            ${fmt(td.secs, 3).padStart(7)}   ${fmt(tn1.secs, 3).padStart(8)}   ${fmt(tn1.secs / td.secs, 2).padStart(12)}x   (${[...tn1.r.hostStats.exits.values()].reduce((a, b) => a + b, 0)} exits to L0)`);
  console.log(`  trap-free EL2 loop (ALU)             ${fmt(ad.secs, 3).padStart(7)}   ${fmt(an.secs, 3).padStart(8)}   ${fmt(an.secs / ad.secs, 2).padStart(12)}x`);
  console.log(`  world switches          ${fmt(h.worldSwitches / tn.secs / 1e3, 1).padStart(8)} k/s   (${h.worldSwitches} in the trap-heavy run; ${exits} exits to L0, ${fmt(exits / tn.secs / 1e3, 1)} k/s)`);
  console.log(`  stage-2 faults handled  ${fmt(faults / tn.secs / 1e3, 1).padStart(8)} k/s   (${h.s2Faults.forwarded} forwarded to vEL2, ${h.s2Faults.shadowMapped} shadow entries filled)`);
}

// The language server over stdio, as an editor drives it: time from a
// didChange to the diagnostics published for that version (default table,
// and a generated 20,000-line table), and hover and completion round trips
// (95th percentile of 200 each, at places that give results) on both; then edits in the
// middle of the big table, and hovers sent right after an edit.
if (run('lsp')) {
  const { spawn } = await import('node:child_process');
  const rpc = require('vscode-jsonrpc/node');
  const serverJs = join(here, '..', 'dist', 'server.cjs');
  const proc = spawn(process.execPath, [...(process.env.NVLAB_LSP_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/lspprof'] : []), serverJs, '--stdio'], { stdio: 'pipe' });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const waiting = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const w = waiting.get(`${p.uri}@${p.version}`);
    if (w) w();
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  conn.sendNotification('initialized', {});
  const versions = new Map();
  const diagnosed = (uri, v) => new Promise((res) => waiting.set(`${uri}@${v}`, res));
  const openAndTime = async (uri, text) => {
    versions.set(uri, 1);
    const t0 = process.hrtime.bigint();
    const done = diagnosed(uri, 1);
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nvlab-traps', version: 1, text } });
    await done;
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const changeAndTime = async (uri, text) => {
    const v = versions.get(uri) + 1;
    versions.set(uri, v);
    const t0 = process.hrtime.bigint();
    const done = diagnosed(uri, v);
    conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    await done;
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.5)];
  const defaultText = readFileSync(join(here, '..', 'emulator', 'traps', 'default.traps'), 'utf8');
  // A clean table: 2,000 controls on raw bits (not compared with Arm's rules) and 18,000
  // mappings of distinct encodings, so it checks without diagnostics; and a table where
  // every mapping is wrong (thousands of diagnostics, megabytes of JSON per publication).
  const cleanLines = [];
  for (let i = 0; i < 2000; i++) cleanLines.push(`control C${i} forwards reads when HCR_EL2[${i % 30}] == 1`);
  for (let i = 0; cleanLines.length < 20000; i++) cleanLines.push(`trap (${3 - (i >> 14)}, ${(i >> 11) & 7}, ${(i >> 7) & 15}, ${(i >> 3) & 15}, ${i & 7}) with C${i % 2000}`);
  const bigText = cleanLines.join('\n') + '\n';
  const badLines = ['control C0 forwards reads when HCR_EL2.TID3 == 1', 'control C1 forwards writes when HCR_EL2.TVM == 1'];
  for (let i = 0; badLines.length < 20000; i++) badLines.push(`trap (3, ${(i >> 11) & 7}, ${(i >> 7) & 15}, ${(i >> 3) & 15}, ${i & 7}) with C${i % 2}`);
  const badText = badLines.join('\n') + '\n';
  const BAD = 'file:///bench/bad.traps';
  const DEF = 'file:///bench/default.traps';
  const BIG = 'file:///bench/big.traps';
  const openDef = await openAndTime(DEF, defaultText);
  const defTimes = [];
  for (let i = 0; i < 40; i++) defTimes.push(await changeAndTime(DEF, defaultText + `# edit ${i}\n`));
  await openAndTime(BIG, bigText);
  const bigTimes = [];
  for (let i = 0; i < 40; i++) bigTimes.push(await changeAndTime(BIG, bigText + `# edit ${i}\n`));
  let badDiagnostics = 0;
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri === BAD) badDiagnostics = p.diagnostics.length;
    const w = waiting.get(`${p.uri}@${p.version}`);
    if (w) w();
  });
  await openAndTime(BAD, badText);
  const badTimes = [];
  for (let i = 0; i < 5; i++) badTimes.push(await changeAndTime(BAD, badText + `# edit ${i}\n`));
  const lines = defaultText.split('\n');
  const hoverAt = [];
  lines.forEach((l, n) => {
    const m = /\b([A-Z][A-Z0-9_]*_EL[0-3]2?)\b/.exec(l);
    if (m) hoverAt.push({ line: n, character: m.index + 1 });
  });
  const hoverAndComplete = async (uri, places) => {
    const hovers = [];
    for (let i = 0; i < 200; i++) {
      const t0 = process.hrtime.bigint();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: places[(i * 7) % places.length] });
      hovers.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const completions = [];
    for (let i = 0; i < 200; i++) {
      const at = places[(i * 11) % places.length];
      const t0 = process.hrtime.bigint();
      await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: at.line, character: at.character + 1 } });
      completions.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return [hovers, completions];
  };
  const [hoverTimes, completeTimes] = await hoverAndComplete(DEF, hoverAt);
  // The 20,000-line table: registers in controls, control names in mappings (every use listed),
  // spread over the file.
  const bigAt = [];
  for (let n = 0; n < 20000; n += 97) bigAt.push(n < 2000 ? { line: n, character: cleanLines[n].indexOf('HCR_EL2') + 1 } : { line: n, character: cleanLines[n].lastIndexOf('C') + 1 });
  const [bigHoverTimes, bigCompleteTimes] = await hoverAndComplete(BIG, bigAt);
  // Edits in the middle of the 20,000-line table, each one line inserted, sent as an incremental
  // change (what an editor sends as the user types: the server asks for incremental sync), and
  // hovers sent right after an edit (before its diagnostics are due). The first four are not
  // counted: they warm up the paths that move what follows an edit.
  const midDoc = [...cleanLines];
  const midTimes = [];
  const hoverAfterEdit = [];
  for (let i = -4; i < 80; i++) {
    const line = Math.floor((midDoc.length * ((((i + 40) * 37) % 40) + 0.5)) / 40);
    midDoc.splice(line, 0, `# edit ${i}`);
    const v = versions.get(BIG) + 1;
    versions.set(BIG, v);
    const done = diagnosed(BIG, v);
    const t0 = process.hrtime.bigint();
    conn.sendNotification('textDocument/didChange', { textDocument: { uri: BIG, version: v }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `# edit ${i}\n` }] });
    if (i >= 0 && i % 2 === 1) {
      // The same places as above, where the inserted lines moved them.
      const at = bigAt[i % bigAt.length];
      const position = { line: midDoc.indexOf(cleanLines[at.line], at.line), character: at.character };
      const t1 = process.hrtime.bigint();
      const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri: BIG }, position });
      hoverAfterEdit.push(Number(process.hrtime.bigint() - t1) / 1e6);
      if (!h) throw new Error(`lsp bench: no hover at ${JSON.stringify(position)} after edit ${i}`);
    }
    await done;
    if (i >= 0 && i % 2 === 0) midTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  await new Promise((res) => proc.once('exit', res));
  conn.dispose();
  console.log('');
  console.log('Language server (stdio; the 40 ms debounce included in the didChange times)');
  console.log(`  default table: open to diagnostics ${fmt(openDef, 0)} ms (first check loads the database); didChange to diagnostics p50 ${fmt(p50(defTimes), 0)} ms, p95 ${fmt(p95(defTimes), 0)} ms`);
  console.log(`  20,000-line table: didChange to diagnostics p50 ${fmt(p50(bigTimes), 0)} ms, p95 ${fmt(p95(bigTimes), 0)} ms; with every mapping wrong (${badDiagnostics} diagnostics) ${fmt(p95(badTimes), 0)} ms`);
  console.log(`  hover p95 ${fmt(p95(hoverTimes), 1)} ms, completion p95 ${fmt(p95(completeTimes), 1)} ms (default table); 20,000-line table: hover p95 ${fmt(p95(bigHoverTimes), 1)} ms, completion p95 ${fmt(p95(bigCompleteTimes), 1)} ms`);
  console.log(`  20,000-line table, edits in the middle: didChange to diagnostics p50 ${fmt(p50(midTimes), 0)} ms, p95 ${fmt(p95(midTimes), 0)} ms; hover right after an edit p95 ${fmt(p95(hoverAfterEdit), 1)} ms`);
}

// The debugger: emulation speed with breakpoints and exception filters armed
// against none (in-process, the ALU loop: a breakpoint in another page, and
// one in the loop's own page, which makes its branches go through the fetch
// refill), and DAP round trips against the adapter process: one instruction
// step, and a continue that runs to a breakpoint.
if (run('debug')) {
  const { Breakpoints } = require(dist);
  const elf = new Uint8Array(readFileSync(join(here, 'guests', 'alu-loop.elf')));
  const image = () => {
    const m = new VirtMachine({}, { uart() {}, stdout() {}, stderr() {} });
    const img = parseElf(elf, { base: VIRT.RAM_BASE, size: m.ram.size });
    m.load(img);
    return { m, img };
  };
  const speed = (arm) => {
    const { m, img } = image();
    arm(m, img);
    const t0 = process.hrtime.bigint();
    const r = m.run(3e8);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.kind !== 'limit' && r.kind !== 'exit') throw new Error(`debug bench: ${r.kind}`);
    return m.cpu.icount / secs / 1e6;
  };
  const entry = Number(parseElf(elf, { base: VIRT.RAM_BASE, size: 1 << 30 }).entry);
  const armed = (inPage) => (m) => {
    const b = new Breakpoints();
    b.set([[inPage ? entry + 0xffc : entry + 0x10000, 0]]);
    m.cpu.breakpoints = b;
    // An exception filter listening: every event is built and tested.
    m.events.subscribe(() => {});
  };
  // Interleaved, best of three each: the JIT's state after one kind of run must not favour the next.
  let none = 0;
  let other = 0;
  let same = 0;
  for (let i = 0; i < 3; i++) {
    none = Math.max(none, speed(() => {}));
    other = Math.max(other, speed(armed(false)));
    same = Math.max(same, speed(armed(true)));
  }
  const { DebugClient } = require('@vscode/debugadapter-testsupport');
  const dc = new DebugClient('node', join(here, '..', 'dist', 'debug-adapter.cjs'), 'nvlab');
  await dc.start();
  const mini = join(here, '..', 'examples', 'mini-hyp', 'mini-hyp.elf');
  await Promise.all([dc.initializeRequest(), dc.waitForEvent('initialized'), dc.launch({ program: mini, mode: 'nested', stopOnEntry: true })]);
  await Promise.all([dc.waitForEvent('stopped'), dc.configurationDoneRequest()]);
  const steps = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    await Promise.all([dc.waitForEvent('stopped'), dc.nextRequest({ threadId: 1, granularity: 'instruction' })]);
    steps.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_print' }] });
  const conts = [];
  for (let i = 0; i < 6; i++) {
    const t0 = process.hrtime.bigint();
    await Promise.all([dc.waitForEvent('stopped'), dc.continueRequest({ threadId: 1 })]);
    conts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await dc.stop();
  // A long run through the adapter (slices, event batches, replay checkpoints), then going back in it.
  const lc = new DebugClient('node', join(here, '..', 'dist', 'debug-adapter.cjs'), 'nvlab');
  await lc.start();
  await Promise.all([lc.initializeRequest(), lc.waitForEvent('initialized'), lc.launch({ program: join(here, 'guests', 'alu-loop.elf'), mode: 'direct' })]);
  const tRun = process.hrtime.bigint();
  await lc.configurationDoneRequest();
  await new Promise((r) => setTimeout(r, 2000));
  await Promise.all([lc.waitForEvent('stopped'), lc.pauseRequest({ threadId: 1 })]);
  const runSecs = Number(process.hrtime.bigint() - tRun) / 1e9;
  const backs = [];
  let depth = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const [ev] = await Promise.all([lc.waitForEvent('stopped'), lc.stepBackRequest({ threadId: 1 })]);
    backs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i === 0) depth = Number(/instruction (\d+)/.exec(ev.body.description)[1]) + 1;
  }
  await lc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x40080020' }] });
  const t1 = process.hrtime.bigint();
  await Promise.all([lc.waitForEvent('stopped'), lc.reverseContinueRequest({ threadId: 1 })]);
  const revMs = Number(process.hrtime.bigint() - t1) / 1e6;
  await lc.stop();
  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log('');
  console.log('Debugger');
  console.log(`  ALU loop: ${fmt(none, 1)} MIPS unarmed; breakpoint elsewhere + event listener ${fmt(other, 1)} MIPS (${fmt((100 * other) / none, 0)}%); breakpoint in the loop's page ${fmt(same, 1)} MIPS (${fmt((100 * same) / none, 0)}%)`);
  console.log(`  DAP round trips (mini-hyp, nested): step one instruction p50 ${fmt(p50(steps), 2)} ms; continue to the next breakpoint hit p50 ${fmt(p50(conts), 1)} ms`);
  console.log(`  ALU loop through the adapter: ${fmt(depth / runSecs / 1e6, 1)} MIPS over ${fmt(runSecs, 1)} s (${fmt((100 * depth) / runSecs / 1e6 / none, 0)}% of the bare machine; includes replay checkpoints)`);
  console.log(`  going back ${fmt(depth / 1e6, 0)}M instructions in: step back p50 ${fmt(p50(backs), 0)} ms, reverse continue to the previous loop iteration ${fmt(revMs, 0)} ms (checkpoints, not a replay from the start)`);
}

// The extension: bundle sizes, the packaged .vsix if it was built (npm run
// package), and the language server's cold start (process start to the
// initialize response, which includes loading the register database).
if (run('extension')) {
  const { statSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const rpc = require('vscode-jsonrpc/node');
  const size = (f) => (existsSync(f) ? `${(statSync(f).size / 1024 / 1024).toFixed(2)} MB` : 'not built');
  console.log('');
  console.log('Extension');
  for (const b of ['client', 'server', 'debug-adapter']) console.log(`  dist/${b}.cjs ${size(join(here, '..', 'dist', `${b}.cjs`))}`);
  console.log(`  nvlab.vsix ${size(join(here, '..', 'nvlab.vsix'))} (npm run package; goal under 3 MB)`);
  const starts = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const proc = spawn(process.execPath, [join(here, '..', 'dist', 'server.cjs'), '--stdio'], { stdio: 'pipe' });
    const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    // The first hover loads the register database: time that too.
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///b.traps', languageId: 'nvlab-traps', version: 1, text: 'trap HCR_EL2 with X\n' } });
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///b.traps' }, position: { line: 0, character: 6 } });
    starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    conn.dispose();
    proc.kill();
  }
  console.log(`  language server: start to first hover answered ${fmt(Math.min(...starts), 0)} ms (best of 3)`);
  // Activation as VS Code itself measures it (Developer: Show Running Extensions), recorded by the
  // last end-to-end run (npm run test:e2e): starting a real VS Code here would double the bench's time.
  const act = join(here, '..', 'test-artifacts', 'e2e', 'activation.json');
  if (existsSync(act)) {
    const a = JSON.parse(readFileSync(act, 'utf8'));
    console.log(`  activation in VS Code (code-server, last e2e run ${statSync(act).mtime.toISOString().slice(0, 16)}Z): ${a.activationMs} ms`);
  } else console.log('  activation in VS Code: not measured (npm run test:e2e records it)');
}
