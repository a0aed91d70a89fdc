/**
 * The debug adapter over the Debug Adapter Protocol, with the testsupport
 * DebugClient against the real adapter process: launch checking, stops from
 * exception filters with their descriptions, breakpoints, stepping, pause in
 * a tight loop, state views, evaluate, and survival of bad requests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeElf } from '../util/elf-writer.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ADAPTER = join(ROOT, 'dist', 'debug-adapter.cjs');
const MINI_HYP = join(ROOT, 'examples', 'mini-hyp', 'mini-hyp.elf');
const ALU_LOOP = join(ROOT, 'bench', 'guests', 'alu-loop.elf');

let dc: DebugClient;
beforeEach(async () => {
  dc = new DebugClient('node', ADAPTER, 'nvlab');
  await dc.start();
});
afterEach(async () => {
  await dc.stop();
});

const launch = async (args: Record<string, unknown>): Promise<void> => {
  await Promise.all([dc.initializeRequest(), dc.waitForEvent('initialized'), dc.launch(args as DebugProtocol.LaunchRequestArguments)]);
};

async function stoppedAfter(action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const [ev] = await Promise.all([dc.waitForEvent('stopped', 20_000), action()]);
  return ev as DebugProtocol.StoppedEvent;
}

describe('launch configurations', () => {
  it.each([
    [{}, /"program" must name the ELF image/],
    [{ program: join(ROOT, 'nope.elf') }, /"program": cannot read .*nope\.elf: no such file/],
    [{ program: MINI_HYP, mode: 'sideways' }, /"mode" must be "nested" .* or "direct"/],
    [{ program: MINI_HYP, mode: 'direct', traps: join(ROOT, 'emulator/traps/default.traps') }, /"traps" needs "mode": "nested"/],
    [{ program: MINI_HYP, memory: 'lots' }, /"memory": cannot read the size "lots"/],
    [{ program: MINI_HYP, stopOnEntry: 'yes' }, /"stopOnEntry" must be true or false/],
    [{ program: MINI_HYP, colour: 'blue' }, /unknown launch attribute "colour"/],
    [{ program: join(ROOT, 'package.json') }, /"program": .*package\.json: /],
    [{ program: MINI_HYP, cpu: 'max' }, /"cpu" must be an object such as \{ "without": \["FEAT_LPA2"\] \}/],
    [{ program: MINI_HYP, cpu: { without: ['FEAT_LPA3'] } }, /"cpu"."without": Arm's specification has no feature "FEAT_LPA3"/],
    [{ program: MINI_HYP, mode: 'direct', cpu: { without: ['FEAT_NV'] } }, /^"cpu": .*FEAT_NV2.*FEAT_NV/],
    [{ program: MINI_HYP, mode: 'nested', cpu: { without: ['FEAT_NV2', 'FEAT_NV2p1'] } }, /"cpu": the profile has no FEAT_NV2, which the L0 host uses: add "nv2": false/],
  ])('refuses %j with a clear message, and the adapter goes on', async (args, message) => {
    await dc.initializeRequest();
    await expect(dc.launch(args as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(message);
    const threads = await dc.threadsRequest();
    expect(threads.body.threads).toHaveLength(1);
  });
});

describe('the CPU of the launch configuration', () => {
  it('takes features out of the default profile: the ID registers follow, and the image runs the same', async () => {
    await launch({ program: MINI_HYP, mode: 'nested', nv2: false, stopOnEntry: true, cpu: { without: ['FEAT_LPA2', 'FEAT_NV2', 'FEAT_NV2p1'] } });
    await stoppedAfter(() => dc.configurationDoneRequest());
    // TGran4 1 says 52-bit addresses with 4K pages (FEAT_LPA2); 0 says 48.
    expect((await dc.evaluateRequest({ expression: 'ID_AA64MMFR0_EL1.TGran4' })).body.result).toBe('0x0');
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    const [exited] = await Promise.all([dc.waitForEvent('exited', 20_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    expect(out.join('')).toBe(readFileSync(join(ROOT, 'examples', 'mini-hyp', 'expected.stdout'), 'utf8'));
  });
});

describe('a nested debug session on mini-hyp', () => {
  it('stops at forwarded traps with the deciding table entry, shows the state, and runs to the exit', async () => {
    await launch({ program: MINI_HYP, mode: 'nested', stopOnEntry: true });
    const entry = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(entry.body.reason).toBe('entry');
    // No exception has been taken yet: no guest frame under the entry point.
    expect((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name)).toEqual(['_start [vEL2 (guest hypervisor)]']);
    const set = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'forward', condition: 'via == "TID3" && reg == "ID_AA64PFR0_EL1"' }] });
    expect(set.body?.breakpoints?.map((b) => b.verified)).toEqual([true]);
    const stop = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(stop.body.reason).toBe('exception');
    expect(stop.body.description).toMatch(/^Forwarded to vEL2: MRS x1, ID_AA64PFR0_EL1 \(EC 0x18\) by TID3 at default\.traps:\d+$/);
    // The stop is at the guest hypervisor's vector, where the injected exception went.
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames[0]!.name).toBe('vectors+0x400 [vEL2 (guest hypervisor)]');
    // Below it, the L2 guest's frame it trapped from (guest code at IPA 0x40000000 has no symbol).
    expect(frames[1]!.name).toBe('0x40000034 [L2 EL1, last exception entry to vEL2: EC 0x18 MSR/MRS/SYS trap: MRS X1, ID_AA64PFR0_EL1 (op0=3 op1=0 CRn=0 CRm=4 op2=0)]');
    expect(frames[1]!.instructionPointerReference).toBe('0x40000034');
    const allScopes = (await dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
    expect(allScopes.map((s) => s.name.replace(/\d+ entries/, 'N entries'))).toEqual(['Registers', 'PSTATE', 'System registers', 'Virtual EL2 (guest hypervisor)', 'Shadow stage-2 MMUs', 'Last ESR_EL2 (virtual EL2), decoded', 'TLB (N entries)', 'Last event']);
    const scope = (name: string): number => allScopes.find((s) => s.name.startsWith(name))!.variablesReference;
    const vregs = (await dc.variablesRequest({ variablesReference: scope('Virtual EL2') })).body.variables;
    const esr = vregs.find((v) => v.name === 'ESR_EL2')!;
    expect(esr.value).toBe('0x0000000062300029'); // EC 0x18, IL, Op0 3, CRm 4, Rt 1, read
    // Every register opens into its fields.
    const esrFields = (await dc.variablesRequest({ variablesReference: esr.variablesReference })).body.variables;
    expect(esrFields.find((f) => f.name.startsWith('EC '))).toMatchObject({ name: 'EC [31:26]', value: '0x18' });
    const decoded = (await dc.variablesRequest({ variablesReference: scope('Last ESR_EL2') })).body.variables;
    expect(decoded[0]!.value).toMatch(/^EC 0x18 .*MRS X1, ID_AA64PFR0_EL1/);
    const shadows = (await dc.variablesRequest({ variablesReference: scope('Shadow stage-2') })).body.variables;
    expect(shadows.map((v) => v.name)).toEqual(['context 0', 'context 1']);
    expect(shadows[0]!.value).toMatch(/^VMID 1, VTTBR 0x0001\w+, VTCR 0x80003560, refs 0, \d+ mappings?, physical VMID 2$/);
    expect((await dc.evaluateRequest({ expression: 'v.HCR_EL2.TID3' })).body.result).toBe('0x1');
    expect((await dc.evaluateRequest({ expression: 'v.ESR_EL2.EC' })).body.result).toBe('0x18');
    await expect(dc.evaluateRequest({ expression: 'NOT_A_REGISTER' })).rejects.toThrow(/not a register/);
    // Address translation through the guest hypervisor's stage 2 for its guest 1 (MMU off at EL1).
    expect((await dc.evaluateRequest({ expression: 'at s12e1r 0x40000000' })).body.result).toMatch(/^PA 0x41000000 /);
    expect((await dc.evaluateRequest({ expression: 'at s12e1r 0x50000000' })).body.result).toMatch(/^fault: Translation fault, level \d, stage 2/);
    // Two more guests read ID_AA64PFR0_EL1; then without filters the run ends.
    const again = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(again.body.description).toBe(stop.body.description);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const [exited] = await Promise.all([dc.waitForEvent('exited', 20_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });

  it('stops at shadow-MMU switches and stage-2 faults under conditions, and reports bad conditions', async () => {
    await launch({ program: MINI_HYP, mode: 'nested' });
    const set = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'mmu-switch', condition: 'vmid == 2 && outcome == "miss"' }, { filterId: 's2-fault', condition: 'level === 3' }] });
    expect(set.body?.breakpoints?.map((b) => [b.verified, b.message])).toEqual([
      [true, undefined],
      [false, 'cannot read the condition "level === 3": write FIELD == VALUE (VALUE a number, 0x number or "string"), joined by &&'],
    ]);
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(stop.body.description).toMatch(/^Shadow stage-2 MMU miss: context 1, VMID 2$/);
  });

  it('stops at function and instruction breakpoints, steps one instruction, and says what a source breakpoint needs', async () => {
    await launch({ program: MINI_HYP, mode: 'nested' });
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_remap' }, { name: 'no_such_function' }] });
    expect(fb.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
    expect(fb.body.breakpoints[1]!.message).toMatch(/no symbol 'no_such_function'/);
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect([stop.body.reason, stop.body.description]).toEqual(['function breakpoint', 'Breakpoint at hc_remap']);
    const pc = Number((await dc.evaluateRequest({ expression: 'pc' })).body.result);
    const step = await stoppedAfter(() => dc.nextRequest({ threadId: 1 }));
    expect(step.body.reason).toBe('step');
    expect(Number((await dc.evaluateRequest({ expression: 'pc' })).body.result)).toBe(pc + 4);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ib = (await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + pc.toString(16) }] })) as DebugProtocol.SetInstructionBreakpointsResponse;
    expect(ib.body.breakpoints[0]!.verified).toBe(true);
    // The next guest's remap reaches the same instruction.
    const again = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect([again.body.reason, again.body.description]).toEqual(['instruction breakpoint', 'Breakpoint at hc_remap']);
    const mem = await dc.customRequest('readMemory', { memoryReference: '0x' + pc.toString(16), count: 4 });
    expect(Buffer.from((mem.body as { data: string }).data, 'base64')).toHaveLength(4);
  });
});

describe('source lines (DWARF)', () => {
  const SRC = join(ROOT, 'examples/mini-hyp/mini-hyp.S');
  const lineOf = (text: string): number => readFileSync(SRC, 'utf8').split('\n').findIndex((l) => l.startsWith(text)) + 1;

  it('stops at a source line, shows it in the stack, steps over and into calls by line', async () => {
    await launch({ program: MINI_HYP, mode: 'nested' });
    const label = lineOf('hc_hello:');
    const set = await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: label }, { line: 1 }] });
    // The label has no code: the breakpoint moves to the next line; line 1 is a comment far from code.
    expect(set.body.breakpoints.map((b) => [b.verified, b.line])).toEqual([
      [true, label + 1],
      [false, 1],
    ]);
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(stop.body.reason).toBe('breakpoint');
    const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect([top.source?.path, top.line, top.name]).toEqual([SRC, label + 1, 'hc_hello [vEL2 (guest hypervisor)]']);
    // Over `bl hyp_guest_prefix`: the next line, with the call's output printed.
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    await stoppedAfter(() => dc.nextRequest({ threadId: 1 }));
    expect((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.line).toBe(label + 2);
    expect(out.join('')).toContain('[hyp] guest 1 ');
    // Into the next call: `bl puts` two lines on.
    await stoppedAfter(() => dc.nextRequest({ threadId: 1 }));
    await stoppedAfter(() => dc.stepInRequest({ threadId: 1 }));
    const inside = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect([inside.name.split(' ')[0], inside.line]).toEqual(['puts', lineOf('puts:') + 1]);
  });

  it('says what is missing for an image without line information', async () => {
    await launch({ program: ALU_LOOP, mode: 'direct' });
    const set = await dc.setBreakpointsRequest({ source: { path: join(ROOT, 'bench/guests/alu-loop.S') }, breakpoints: [{ line: 9 }] });
    expect(set.body.breakpoints[0]!.message).toMatch(/no DWARF line information \(assemble with -g\)/);
  });
});

describe('editing state, logpoints, step out, restart', () => {
  it('sets registers and fields, logs at a logpoint without stopping, steps out, restarts', async () => {
    const SRC = join(ROOT, 'examples/mini-hyp/mini-hyp.S');
    const lines = readFileSync(SRC, 'utf8').split('\n');
    const at = (text: string): number => lines.findIndex((l) => l.startsWith(text)) + 1;
    await launch({ program: MINI_HYP, mode: 'direct', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
    const regs = scopes.find((s) => s.name === 'Registers')!.variablesReference;
    expect((await dc.setVariableRequest({ variablesReference: regs, name: 'x5', value: '0x1234' })).body.value).toBe('0x0000000000001234');
    expect((await dc.evaluateRequest({ expression: 'x5' })).body.result).toBe('0x0000000000001234');
    await expect(dc.setVariableRequest({ variablesReference: regs, name: 'x5', value: 'lots' })).rejects.toThrow(/not a number/);
    const sys = scopes.find((s) => s.name === 'System registers')!.variablesReference;
    const hcr = (await dc.variablesRequest({ variablesReference: sys })).body.variables.find((v) => v.name === 'HCR_EL2')!;
    await dc.setVariableRequest({ variablesReference: hcr.variablesReference, name: 'TID3 [18]', value: '1' });
    expect((await dc.evaluateRequest({ expression: 'HCR_EL2.TID3' })).body.result).toBe('0x1');
    await dc.setVariableRequest({ variablesReference: hcr.variablesReference, name: 'TID3 [18]', value: '0' });
    // A logpoint in hc_hello prints the guest's id and does not stop; a breakpoint in puts does.
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line: at('hc_hello:') + 1, logMessage: 'hello from VMID {VTTBR_EL2.VMID}' }] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'puts' }] });
    const stop = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(stop.body.description).toBe('Breakpoint at puts');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const back = await stoppedAfter(() => dc.stepOutRequest({ threadId: 1 }));
    expect(back.body.description).toMatch(/^Returned to /);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_done' }] });
    await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(out.join('')).toContain('hello from VMID 0x1\n');
    // Restart: the image again from its entry point.
    const again = await stoppedAfter(() => dc.customRequest('restart', {}));
    expect(again.body.reason).toBe('entry');
    expect((await dc.evaluateRequest({ expression: 'pc' })).body.result).toBe('0x0000000040080000');
  });
});

describe('events for the views', () => {
  it('sends the trap log and MMU events in batches while the guest runs', async () => {
    const got: { type: string; entry?: string }[] = [];
    dc.on('nvlabEvents', (e: DebugProtocol.Event) => got.push(...(e.body as { events: { type: string; entry?: string }[] }).events));
    await launch({ program: MINI_HYP, mode: 'nested' });
    await Promise.all([dc.waitForEvent('terminated', 20_000), dc.configurationDoneRequest()]);
    expect(got.filter((e) => e.type === 'forward' && e.entry?.startsWith('default.traps:')).length).toBe(6);
    expect(got.filter((e) => e.type === 'mmu-switch').length).toBeGreaterThan(10);
    expect(got.some((e) => e.type === 's2-fault')).toBe(true);
  });
});

describe('every exception filter stops at its event and says what happened', () => {
  const HYP_INIT_STALE = join(ROOT, 'examples', 'hyp-init', 'hyp-init-stale.elf');
  const tmp = mkdtempSync(join(tmpdir(), 'nvlab-dap-'));
  // The default table without its TID3 mappings: the guests' ID register reads are handled by L0.
  const table = readFileSync(join(ROOT, 'emulator', 'traps', 'default.traps'), 'utf8').split('\n');
  const first = table.findIndex((l) => l.startsWith('trap ID_PFR0_EL1'));
  let last = first;
  while (!table[last]!.includes('with TID3_HOST')) last++;
  const NO_TID3 = join(tmp, 'no-tid3.traps');
  writeFileSync(NO_TID3, [...table.slice(0, first), ...table.slice(last + 1)].join('\n'));
  // An image whose second instruction is FADD, which nvlab does not implement.
  const FADD = join(tmp, 'fadd.elf');
  const code = new Uint8Array(8);
  new DataView(code.buffer).setUint32(0, 0xd503201f, true); // nop
  new DataView(code.buffer).setUint32(4, 0x1e222820, true); // fadd s0, s1, s2
  writeFileSync(FADD, writeElf(0x40080000, [{ addr: 0x40080000, bytes: code, flags: 5 }]));

  it.each([
    ['trap', { program: MINI_HYP, mode: 'nested' }, 'ec == 0x18', 'EL2 trap from the guest hypervisor at 0x000000004008000c: MSR VBAR_EL2, x0 (EC 0x18)'],
    ['local', { program: MINI_HYP, mode: 'nested', traps: NO_TID3 }, undefined, "Handled by the L0 host: MRS x1, ID_AA64PFR0_EL1 (EC 0x18): no trap-table entry forwards it under the guest hypervisor's controls"],
    ['s2-fault', { program: MINI_HYP, mode: 'nested' }, 'level == 3', 'Stage-2 fault at IPA 0x000040010000 (write): Translation fault, level 3, forwarded'],
    ['exception', { program: MINI_HYP, mode: 'direct' }, 'ec == 0x16', 'Exception taken from EL1 to EL2: EC 0x16 HVC (AArch64): HVC #0x0 (ESR 0x5a000000, ELR 0x000000004000000c)'],
    ['stale-tlb', { program: HYP_INIT_STALE, mode: 'direct', staleTlbCheck: true }, undefined, 'Stale TLB entry used at 0x00008000400810dc: VA 0x00000000400804a0 (EL2) cached as PA 0x0000400804a0 (EL2 r-x), tables now say translation fault, level 0; TTBR0_EL2 was written by the instruction at 0x0000800040080328 (#18233), and no TLB maintenance removed the entry since'],
    ['unimplemented', { program: FADD, mode: 'direct' }, undefined, 'nvlab cannot continue: unimplemented instruction FADD at 0x40080004 (word 0x1e222820; SIMD&FP is not modelled yet)'],
  ] as const)('%s', async (filterId, config, condition, description) => {
    await launch(config);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId, ...(condition ? { condition } : {}) }] });
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(stop.body.reason).toBe('exception');
    expect(stop.body.description).toBe(description);
  });
});

describe('reverse execution', () => {
  it('steps back and continues backwards to identical states, edits included', async () => {
    await launch({ program: MINI_HYP, mode: 'nested' });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_print' }] });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const snapshot = async (): Promise<string[]> => {
      const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
      const out: string[] = [];
      for (const name of ['Registers', 'PSTATE', 'System registers', 'Virtual EL2 (guest hypervisor)']) {
        const ref = scopes.find((x) => x.name === name)!.variablesReference;
        for (const v of (await dc.variablesRequest({ variablesReference: ref })).body.variables) out.push(`${name}.${v.name}=${v.value}`);
      }
      return out;
    };
    const regs = (await dc.scopesRequest({ frameId: 1 })).body.scopes.find((x) => x.name === 'Registers')!.variablesReference;
    await dc.setVariableRequest({ variablesReference: regs, name: 'x7', value: '0xabc' });
    const first = await snapshot();
    await stoppedAfter(() => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    const after = await snapshot();
    expect(after).not.toEqual(first);
    const back = await stoppedAfter(() => dc.stepBackRequest({ threadId: 1 }));
    expect(back.body.reason).toBe('step');
    expect(await snapshot()).toEqual(first);
    // On to the next hc_print, then backwards to this one.
    await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(await snapshot()).not.toEqual(first);
    const rev = await stoppedAfter(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect(rev.body.description).toBe('Breakpoint at hc_print (running backwards)');
    expect(await snapshot()).toEqual(first);
  });
});

describe('reverse execution and edits', () => {
  it('going back before an edit abandons it: forwards and in later replays alike', async () => {
    await launch({ program: MINI_HYP, mode: 'direct' });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_print' }] });
    await stoppedAfter(() => dc.configurationDoneRequest());
    await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    const x7 = async (): Promise<string> => (await dc.evaluateRequest({ expression: 'x7' })).body.result;
    const original = await x7();
    const regs = (await dc.scopesRequest({ frameId: 1 })).body.scopes.find((x) => x.name === 'Registers')!.variablesReference;
    await dc.setVariableRequest({ variablesReference: regs, name: 'x7', value: '0xabc' });
    expect(await x7()).toBe('0x0000000000000abc');
    // Back to the first hc_print, before the edit; forwards to the second again: the edit is gone.
    await stoppedAfter(() => dc.reverseContinueRequest({ threadId: 1 }));
    await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(await x7()).toBe(original);
    await stoppedAfter(() => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    await stoppedAfter(() => dc.stepBackRequest({ threadId: 1 }));
    expect(await x7()).toBe(original);
  });
});

describe('reverse execution in a long run', () => {
  it('goes back from tens of millions of instructions in, through the checkpoints, to identical states', async () => {
    await launch({ program: ALU_LOOP, mode: 'direct' });
    await dc.configurationDoneRequest();
    await new Promise((r) => setTimeout(r, 500));
    await stoppedAfter(() => dc.pauseRequest({ threadId: 1 }));
    const regs = async (): Promise<string> => (await dc.variablesRequest({ variablesReference: (await dc.scopesRequest({ frameId: 1 })).body.scopes[0]!.variablesReference })).body.variables.map((v) => `${v.name}=${v.value}`).join(' ');
    const x0 = async (): Promise<bigint> => BigInt((await dc.evaluateRequest({ expression: 'x0' })).body.result);
    const states = [await regs()];
    for (let i = 0; i < 3; i++) {
      await stoppedAfter(() => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      states.push(await regs());
    }
    for (let i = 2; i >= 0; i--) {
      await stoppedAfter(() => dc.stepBackRequest({ threadId: 1 }));
      expect(await regs()).toBe(states[i]);
    }
    // The loop counter x0 counts down from 50,000,000: the run is well past the first checkpoints.
    const counter = await x0();
    expect(counter).toBeLessThan(50_000_000n - 1_000_000n);
    // Backwards to the previous SUBS of the loop: one iteration earlier; forwards again: this one.
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x40080020' }] });
    const rev = await stoppedAfter(() => dc.reverseContinueRequest({ threadId: 1 }));
    expect(rev.body.description).toBe('Breakpoint at _start+0x20 (running backwards)');
    expect(await x0()).toBe(counter + 1n);
    await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(await x0()).toBe(counter);
  });
});

describe('conditional breakpoints', () => {
  it('stop only where the condition holds, from the hit count on, and refuse what they cannot read', async () => {
    await launch({ program: MINI_HYP, mode: 'direct' });
    const set = await dc.setFunctionBreakpointsRequest({
      breakpoints: [
        { name: 'hc_print', condition: 'VTTBR_EL2.VMID == 2', hitCondition: '2' },
        { name: 'hc_hello', condition: 'x0 is zero' },
        { name: 'hc_done', hitCondition: 'sometimes' },
      ],
    });
    expect(set.body.breakpoints.map((b) => b.verified)).toEqual([true, false, false]);
    expect(set.body.breakpoints[1]!.message).toMatch(/cannot read the condition "x0 is zero"/);
    expect(set.body.breakpoints[2]!.message).toMatch(/cannot read the hit count "sometimes"/);
    const first = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(first.body.description).toBe('Breakpoint at hc_print');
    expect((await dc.evaluateRequest({ expression: 'VTTBR_EL2.VMID' })).body.result).toBe('0x2');
    // Guest 2 prints three values: hits 2 and 3 of its condition stop; guest 1's second run does not.
    const second = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(second.body.description).toBe('Breakpoint at hc_print');
    const [exited] = await Promise.all([dc.waitForEvent('exited', 20_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });
});

describe('data breakpoints on system registers', () => {
  it.each(['direct', 'nested'] as const)('stop when the image writes VTTBR_EL2 (%s)', async (mode) => {
    await launch({ program: MINI_HYP, mode });
    const info = await dc.dataBreakpointInfoRequest({ name: 'VTTBR_EL2' });
    expect(info.body.dataId).toBe('sysreg:VTTBR_EL2');
    const none = await dc.dataBreakpointInfoRequest({ name: 'x0' });
    expect(none.body.dataId).toBeNull();
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'sysreg:VTTBR_EL2', accessType: 'write' }, { dataId: 'memory:0x1000' }] });
    expect(set.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
    const stops: string[] = [];
    let ev = await stoppedAfter(() => dc.configurationDoneRequest());
    for (;;) {
      expect(ev.body.reason).toBe('data breakpoint');
      stops.push(ev.body.description!);
      if (stops.length === 3) break;
      ev = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    }
    // run_guest writes each guest's VTTBR_EL2: VMID in [63:48], its stage-2 root below.
    expect(stops.map((d) => d.replace(/^VTTBR_EL2 written: 0x(\w{4}).*$/, '$1'))).toEqual(['0001', '0002', '0001']);
  });
});

describe('run control', () => {
  it('pauses a guest in a tight loop within 100 ms', async () => {
    await launch({ program: ALU_LOOP, mode: 'direct' });
    await dc.configurationDoneRequest();
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const stop = await stoppedAfter(() => dc.pauseRequest({ threadId: 1 }));
    expect(Date.now() - t0).toBeLessThan(100);
    expect(stop.body.reason).toBe('pause');
    await dc.terminateRequest();
  });

  it('answers unknown and out-of-order requests with errors and keeps going', async () => {
    await dc.initializeRequest();
    await expect(dc.customRequest('noSuchRequest', {})).rejects.toThrow();
    await expect(dc.evaluateRequest({ expression: 'x0' })).rejects.toThrow(/nothing is running/);
    await launch({ program: MINI_HYP, mode: 'direct', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    expect((await dc.evaluateRequest({ expression: 'CurrentEL' }).catch((e: Error) => ({ body: { result: e.message } }))).body.result).toMatch(/not a register|0x/);
    expect((await dc.evaluateRequest({ expression: 'pc' })).body.result).toBe('0x0000000040080000');
  });
});

describe('stopAt in the launch configuration', () => {
  it('turns filters on from the start, whatever the Breakpoints view sends, and refuses unknown ones', async () => {
    await dc.initializeRequest();
    await expect(dc.launch({ program: MINI_HYP, stopAt: ['sometimes'] } as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(/"stopAt" must list exception filters/);
    await launch({ program: MINI_HYP, mode: 'nested', stopAt: ['forward'] });
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(stop.body.description).toBe('Forwarded to vEL2: HVC #0x0 (EC 0x16) by HVC from a guest always goes to the guest hypervisor');
  });
});

describe('the translation walk view', () => {
  it('walks a VA level by level in the image\'s regime, with each descriptor decoded, and says where it faults', async () => {
    const HYP_INIT = join(ROOT, 'examples', 'hyp-init', 'hyp-init.elf');
    await launch({ program: HYP_INIT, mode: 'direct' });
    // hyp_main runs at its runtime VA, PA + 0x0000_8000_0000_0000, with the EL2 MMU on.
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x800040081000' }] });
    await stoppedAfter(() => dc.configurationDoneRequest());
    type Walk = { regime: string; steps: { stage: number; level: number; type: string; descriptor: string; fields: Record<string, number> }[]; result: { pa?: string; fault?: string } };
    const w = (await dc.customRequest('nvlabWalk', { address: '0x800040081000' })).body as Walk;
    expect(w.regime).toBe('EL2');
    expect(w.steps.map((s) => `${s.stage}:${s.level}`)).toEqual(['1:0', '1:1', '1:2', '1:3']);
    expect(w.steps.slice(0, 3).every((s) => s.type === 'table')).toBe(true);
    expect(w.steps[3]!.type).toBe('page');
    expect(w.steps[3]!.fields['AF [10]']).toBe(1);
    expect(w.result).toEqual({ pa: '0x40081000', size: 4096 });
    // The old identity VA is gone from the runtime table: the walk shows where it stops.
    const gone = (await dc.customRequest('nvlabWalk', { address: '0x400804a0' })).body as Walk;
    expect(gone.result.fault).toMatch(/^translation fault, level \d$/);
    expect(gone.steps[gone.steps.length - 1]!.type).toBe('invalid');
    await expect(dc.customRequest('nvlabWalk', { address: 'lots' })).rejects.toThrow();
  });
});
