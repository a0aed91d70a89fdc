/**
 * Memory over the Debug Adapter Protocol: data breakpoints on physical
 * memory (write and read watches, with who touched what), writeMemory (and
 * its replay when stepping back), the TLB scope and the grouped system
 * registers, against the real adapter process on mini-hyp.
 */
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const ADAPTER = join(ROOT, 'dist', 'debug-adapter.cjs');
const MINI_HYP = join(ROOT, 'examples', 'mini-hyp', 'mini-hyp.elf');
/** mini-hyp's `counters` (stage-2 faults, hypercalls, system-register traps): counter_inc adds one. */
const HYPERCALLS = 0x40082068 + 8;

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

const evaluate = async (expression: string): Promise<string> => (await dc.evaluateRequest({ expression })).body.result;

describe('data breakpoints on memory', () => {
  it.each(['direct', 'nested'] as const)('stop after each write of the hypercall counter, naming the writer and both values (%s)', async (mode) => {
    await launch({ program: MINI_HYP, mode, stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const info = await dc.dataBreakpointInfoRequest({ name: `*(u64*)0x${HYPERCALLS.toString(16)}` });
    expect(info.body).toMatchObject({ dataId: `mem:0x${HYPERCALLS.toString(16)}:8`, description: `8 bytes at VA 0x40082070 (PA 0x40082070)` });
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    expect(set.body.breakpoints.map((b) => b.verified)).toEqual([true]);
    for (const n of [1, 2, 3]) {
      const stop = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
      expect(stop.body.reason).toBe('data breakpoint');
      expect(stop.body.description).toBe(`Memory write: 8 bytes at PA 0x40082070 by counter_inc+0xc: 0x${n.toString(16).padStart(16, '0')} (was 0x${(n - 1).toString(16).padStart(16, '0')})`);
      // The stop is after the store: memory holds the new value, the PC is at the next instruction.
      expect(await evaluate(`*(u64*)0x${HYPERCALLS.toString(16)}`)).toBe(`0x${n.toString(16).padStart(16, '0')}`);
      const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      expect(frames[0]!.name).toMatch(/^counter_inc\+0x10 /);
    }
  });

  it('a watch set in the middle of a run fires at the next write', async () => {
    await launch({ program: MINI_HYP, mode: 'direct' });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'hc_print' }] });
    await stoppedAfter(() => dc.configurationDoneRequest());
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const before = BigInt(await evaluate(`*(u64*)0x${HYPERCALLS.toString(16)}`));
    expect(before).toBeGreaterThan(0n);
    const info = await dc.dataBreakpointInfoRequest({ name: `*(u64*)0x${HYPERCALLS.toString(16)}` });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    const stop = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(stop.body.description).toBe(`Memory write: 8 bytes at PA 0x40082070 by counter_inc+0xc: 0x${(before + 1n).toString(16).padStart(16, '0')} (was 0x${before.toString(16).padStart(16, '0')})`);
  });

  it('watch reads by physical address, and lift the watch', async () => {
    await launch({ program: MINI_HYP, mode: 'nested', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const info = await dc.dataBreakpointInfoRequest({ name: `pa:0x${HYPERCALLS.toString(16)}`, bytes: 4 });
    expect(info.body).toMatchObject({ dataId: 'mem:0x40082070:4', description: '4 bytes at PA 0x40082070' });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
    // The load of the 8-byte counter overlaps the 4 watched bytes.
    const stop = await stoppedAfter(() => dc.continueRequest({ threadId: 1 }));
    expect(stop.body.description).toBe('Memory read: 8 bytes at PA 0x40082070 by counter_inc+0x4: 0x0000000000000000');
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
    const [exited] = await Promise.all([dc.waitForEvent('exited', 20_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });

  it('refuses what cannot be watched, with the reason', async () => {
    await launch({ program: MINI_HYP, mode: 'direct', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    expect((await dc.dataBreakpointInfoRequest({ name: 'x0 + 1' })).body).toMatchObject({ dataId: null, description: expect.stringMatching(/^cannot watch 'x0 \+ 1': watch a system register by name/) });
    expect((await dc.dataBreakpointInfoRequest({ name: '0x40082070' })).body.dataId).toBeNull();
    expect((await dc.dataBreakpointInfoRequest({ name: '0x40082070', asAddress: true, bytes: 2 })).body.dataId).toBe('mem:0x40082070:2');
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'mem:nowhere' }, { dataId: 'sysreg:HCR_EL2', accessType: 'read' }] });
    expect(set.body.breakpoints.map((b) => b.message)).toEqual([expect.stringMatching(/^cannot watch 'mem:nowhere'/), 'HCR_EL2 can be watched for writes only']);
  });
});

describe('disassembly', () => {
  it("reads instructions around an address in objdump's syntax, with symbols and source lines", async () => {
    await launch({ program: MINI_HYP, mode: 'nested', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const r = await dc.customRequest('disassemble', { memoryReference: '0x400802a8', instructionOffset: -1, instructionCount: 7, resolveSymbols: true });
    const ins = (r.body as DebugProtocol.DisassembleResponse['body'])!.instructions;
    expect(ins.map((i) => `${i.address} ${i.instructionBytes} ${i.symbol} ${i.instruction}`)).toEqual([
      '0x00000000400802a4 d65f03c0 hyp_guest_prefix ret',
      '0x00000000400802a8 1000ee01 counter_inc adr x1, 40082068 <counters>',
      '0x00000000400802ac f8606822 counter_inc ldr x2, [x1, x0]',
      '0x00000000400802b0 91000442 counter_inc add x2, x2, #0x1',
      '0x00000000400802b4 f8206822 counter_inc str x2, [x1, x0]',
      '0x00000000400802b8 d65f03c0 counter_inc ret',
      '0x00000000400802bc d2800100 do_hvc mov x0, #0x8 // #8',
    ]);
    expect(ins[1]!.location?.path).toMatch(/mini-hyp\.S$/);
    expect(ins[1]!.line).toBe(267);
    // The trap log's "go to the guest PC": symbol and source line where the image has them.
    expect((await dc.customRequest('nvlabLocate', { address: '0x400802a8' })).body).toEqual({ symbol: 'counter_inc', path: ins[1]!.location!.path, line: 267 });
    expect((await dc.customRequest('nvlabLocate', { address: '0x40000034' })).body).toEqual({ symbol: '0x40000034' });
    // Beyond RAM the view gets a gap, not an error.
    const gap = await dc.customRequest('disassemble', { memoryReference: '0x0', instructionCount: 2 });
    expect((gap.body as DebugProtocol.DisassembleResponse['body'])!.instructions.map((i) => i.instruction)).toEqual(['??', '??']);
  });
});

describe('writeMemory', () => {
  it('writes guest RAM, refuses what is not RAM, and replays the write when stepping back', async () => {
    await launch({ program: MINI_HYP, mode: 'nested', stopOnEntry: true });
    await stoppedAfter(() => dc.configurationDoneRequest());
    const w = await dc.customRequest('writeMemory', { memoryReference: '0x40082068', offset: 8, data: Buffer.from([0x2a, 0, 0, 0, 0, 0, 0, 0]).toString('base64') });
    expect(w.body).toEqual({ bytesWritten: 8 });
    expect(await evaluate('*(u64*)0x40082070')).toBe('0x000000000000002a');
    await stoppedAfter(() => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    await stoppedAfter(() => dc.stepBackRequest({ threadId: 1 }));
    expect(await evaluate('*(u64*)0x40082070')).toBe('0x000000000000002a');
    await expect(dc.customRequest('writeMemory', { memoryReference: '0x9000000', data: 'AAAA' })).rejects.toThrow(/0x9000000\.\.0x9000002 is not all RAM in the current translation regime: nothing written/);
    // mini-hyp prints its counters at the end: 18 hypercalls counted from 42.
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    const [exited] = await Promise.all([dc.waitForEvent('exited', 20_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    expect(out.join('')).toMatch(/, 60 hypercalls,/);
  });
});

describe('state views', () => {
  it('the TLB scope lists cached translations; system registers come in groups', async () => {
    await launch({ program: MINI_HYP, mode: 'nested', stopAt: ['forward'] });
    const stop = await stoppedAfter(() => dc.configurationDoneRequest());
    expect(stop.body.reason).toBe('exception');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const scopes = (await dc.scopesRequest({ frameId: frames[0]!.id })).body.scopes;
    const tlbScope = scopes.find((s) => s.name.startsWith('TLB ('))!;
    const tlb = (await dc.variablesRequest({ variablesReference: tlbScope.variablesReference })).body.variables;
    expect(tlb.length).toBe(Number(/\((\d+) entries\)/.exec(tlbScope.name)![1]));
    // The guest hypervisor runs on the canonical stage 2 (VMID 1, 1 GiB blocks); its first L2 guest,
    // MMU off, on a shadow stage 2 (physical VMID 2) holding the page the guest hypervisor mapped.
    const rows = tlb.map((v) => `${v.name} ${v.value}`);
    expect(rows).toContain('stage 2 IPA 0x40000000 → PA 0x40000000, 1G, VMID 1, level 1, attr 0x0f');
    expect(rows).toContain('stage 2 IPA 0x40000000 → PA 0x41000000, 4K, VMID 2, level 3, attr 0x0f');
    // The shadow stage 2 of the first guest maps the one page it has touched, as the guest hypervisor mapped it.
    const shadows = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Shadow stage-2 MMUs')!.variablesReference })).body.variables;
    const mappings = (await dc.variablesRequest({ variablesReference: shadows[0]!.variablesReference })).body.variables;
    expect(mappings.map((v) => `${v.name} -> ${v.value}`)).toEqual(['IPA 0x40000000..0x40000fff -> PA 0x41000000 (4K, RW, Normal WB, executable)']);
    expect(shadows[1]!.variablesReference).toBe(0); // free: nothing to list
    expect((await dc.customRequest('nvlabShadowMappings', { index: 0 })).body).toEqual({ mappings: [{ range: 'IPA 0x40000000..0x40000fff', target: 'PA 0x41000000 (4K, RW, Normal WB, executable)' }] });
    // The walk view's request for a guest's address: its stage 1 is off, so the walk is the guest hypervisor's stage 2.
    const walk = (await dc.customRequest('nvlabWalk', { address: '0x40000000', el: 1 })).body as { regime: string; steps: { stage: number; level: number; type: string }[]; result: { pa?: string } };
    expect(walk.regime).toBe('EL1&0, stage 1 + stage 2');
    expect(walk.steps.map((s) => `${s.stage}:${s.level} ${s.type}`)).toEqual(['2:1 table', '2:2 table', '2:3 page']);
    expect(walk.result.pa).toBe('0x41000000');
    const sys = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'System registers')!.variablesReference })).body.variables;
    const el2 = sys.find((v) => v.name === 'EL2 registers')!;
    expect(el2.value).toMatch(/^\d{3} registers$/);
    const el2regs = (await dc.variablesRequest({ variablesReference: el2.variablesReference })).body.variables;
    expect(el2regs.map((v) => v.name)).toContain('VNCR_EL2');
    expect(el2regs.length).toBe(Number(el2.value.split(' ')[0]));
    const ids = (await dc.variablesRequest({ variablesReference: sys.find((v) => v.name === 'Identification registers')!.variablesReference })).body.variables;
    const pfr0 = ids.find((v) => v.name === 'ID_AA64PFR0_EL1')!;
    const fields = (await dc.variablesRequest({ variablesReference: pfr0.variablesReference })).body.variables;
    expect(fields.find((f) => f.name.startsWith('EL2 '))).toMatchObject({ name: 'EL2 [11:8]', value: '0x1' });
  });
});
