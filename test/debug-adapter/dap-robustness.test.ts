/**
 * The adapter survives any request: every request it knows, and some it
 * does not, sent with missing, mistyped and absurd arguments, before and
 * during a session, is answered (with a result or an error) and the session
 * still runs the example to its end with the right output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ADAPTER = join(ROOT, 'dist', 'debug-adapter.cjs');
const MINI_HYP = join(ROOT, 'examples', 'mini-hyp', 'mini-hyp.elf');

const COMMANDS = [
  'setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'setExceptionBreakpoints', 'setDataBreakpoints', 'dataBreakpointInfo',
  'stackTrace', 'scopes', 'variables', 'setVariable', 'evaluate', 'readMemory', 'writeMemory', 'disassemble', 'threads', 'source',
  'nvlabWalk', 'nvlabShadowMmus', 'gotoTargets', 'completions', 'loadedSources', 'exceptionInfo', 'setExpression', 'no-such-request',
  // Run control too: requests keep arriving while the guest runs, stops and finishes.
  'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'pause',
];

const VALUES: unknown[] = [undefined, null, 0, -1, 1e300, Number.NaN, '', 'x', '0xffffffffffffffffff', '-5', true, [], {}, [{}], [{ line: 'a' }], { a: 1 }, 'a'.repeat(10_000)];
const KEYS = ['source', 'breakpoints', 'lines', 'filters', 'filterOptions', 'name', 'variablesReference', 'value', 'expression', 'frameId', 'memoryReference', 'offset', 'count', 'data', 'instructionCount', 'instructionOffset', 'address', 'el', 'stage12', 'threadId', 'dataId', 'bytes', 'asAddress', 'levels', 'startFrame'];

function randomArgs(rng: Rng): unknown {
  const r = rng.int(10);
  if (r === 0) return VALUES[rng.int(VALUES.length)];
  const o: Record<string, unknown> = {};
  for (let i = rng.int(4); i >= 0; i--) o[KEYS[rng.int(KEYS.length)]!] = VALUES[rng.int(VALUES.length)];
  return o;
}

let dc: DebugClient;
beforeEach(async () => {
  dc = new DebugClient('node', ADAPTER, 'nvlab');
  await dc.start();
});
afterEach(async () => {
  await dc.stop();
});

/** Internal errors: the debugadapter library's answer when a handler throws carries a stack trace. */
const internal: string[] = [];

/** Sends a request and waits for its answer, whichever it is; fails only if none comes. */
async function answered(command: string, args: unknown): Promise<void> {
  await Promise.race([
    dc.send(command, args).then(
      () => undefined,
      (e: Error) => {
        if (/\n\s+at /.test(e.message) || /TypeError|ReferenceError|RangeError|Cannot read/.test(e.message)) internal.push(`${command} ${JSON.stringify(args)?.slice(0, 120)}: ${e.message.split('\n')[0]}`);
      },
    ),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer to ${command} ${JSON.stringify(args)?.slice(0, 200)}`)), 10_000)),
  ]);
}

describe('the adapter survives any request', () => {
  it('says which argument is wrong and what it must be', async () => {
    await dc.initializeRequest();
    await expect(dc.send('setFunctionBreakpoints', { breakpoints: 'x' })).rejects.toThrow('setFunctionBreakpoints: "breakpoints" must be a list of objects');
    await expect(dc.send('setBreakpoints', { source: {}, breakpoints: [] })).rejects.toThrow('setBreakpoints: "source.path" is missing: it must be a string');
    await expect(dc.send('readMemory', { memoryReference: '0x0', count: 1.5 })).rejects.toThrow('readMemory: "count" must be a whole number, not 1.5');
    await expect(dc.send('next', [1])).rejects.toThrow('next: the arguments must be an object');
    await expect(dc.send('setExceptionBreakpoints', { filters: [1] })).rejects.toThrow('setExceptionBreakpoints: "filters[0]" must be a string, not 1');
  });

  it('answers 600 malformed requests before and during a session, then runs mini-hyp to its end', async () => {
    const rng = new Rng(0x5eed);
    await dc.initializeRequest();
    for (let i = 0; i < 200; i++) await answered(COMMANDS[rng.int(COMMANDS.length)]!, randomArgs(rng));
    await Promise.all([dc.waitForEvent('initialized'), dc.launch({ program: MINI_HYP, mode: 'nested', stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);
    await Promise.all([dc.waitForEvent('stopped'), dc.configurationDoneRequest()]);
    for (let i = 0; i < 400; i++) await answered(COMMANDS[rng.int(COMMANDS.length)]!, randomArgs(rng));
    // Well-formed requests with values no handler should trust.
    const huge = '0xffffffffffffffff';
    for (const [command, args] of [
      ['stackTrace', { threadId: 99 }],
      ['scopes', { frameId: 999 }],
      ['variables', { variablesReference: 123_456_789 }],
      ['variables', { variablesReference: 10_000 + 99_999 }],
      ['setVariable', { variablesReference: 1, name: 'x99', value: '1' }],
      ['setVariable', { variablesReference: 1, name: 'pc', value: '0x3' }],
      ['setVariable', { variablesReference: 30_000, name: 'EL', value: '1' }],
      ['setVariable', { variablesReference: 1, name: 'x0', value: '0x10000000000000000' }],
      ['evaluate', { expression: `*(u64*)${huge}` }],
      ['evaluate', { expression: 'at s12e2r 0' }],
      ['evaluate', { expression: 'HCR_EL2.NOPE' }],
      ['evaluate', { expression: '' }],
      ['evaluate', { expression: 'x31' }],
      ['readMemory', { memoryReference: huge, count: 100 }],
      ['readMemory', { memoryReference: '0x40000000', count: 2 ** 21 }],
      ['readMemory', { memoryReference: 'abc', count: 4 }],
      ['writeMemory', { memoryReference: 'zz', data: '!!!' }],
      ['writeMemory', { memoryReference: huge, data: 'AAAA' }],
      ['disassemble', { memoryReference: '0xfffffffffffffff0', instructionCount: 10 }],
      ['disassemble', { memoryReference: '0x40080000', instructionCount: 4, instructionOffset: -1e9 }],
      ['disassemble', { memoryReference: 'nope', instructionCount: 4 }],
      ['disassemble', { memoryReference: '0x40080000', instructionCount: 1e9 }],
      ['setBreakpoints', { source: { path: '/nonexistent.S' }, breakpoints: [{ line: -5 }, { line: 1e9 }] }],
      ['setInstructionBreakpoints', { breakpoints: [{ instructionReference: 'zz' }, { instructionReference: '0x3' }, { instructionReference: huge, offset: 8 }] }],
      ['setFunctionBreakpoints', { breakpoints: [{ name: '' }, { name: 'puts', condition: '(((', hitCondition: '% 0' }] }],
      ['dataBreakpointInfo', { name: `*(u64*)${huge}` }],
      ['dataBreakpointInfo', { name: 'pa:0xffffffffffffffffffff', bytes: 8 }],
      ['dataBreakpointInfo', { name: '0x40000000', asAddress: true, bytes: -4 }],
      ['setDataBreakpoints', { breakpoints: [{ dataId: 'mem:0x0:0' }, { dataId: 'mem:0x1:999999999' }, { dataId: 'sysreg:NOPE' }] }],
      ['nvlabWalk', { address: huge, el: 7 }],
      ['nvlabWalk', { address: '-1' }],
      ['nvlabWalk', { address: 'x' }],
      ['setExceptionBreakpoints', { filters: ['nope'], filterOptions: [{ filterId: 'forward', condition: '(((' }, { filterId: 'nope' }] }],
    ] as const) {
      await answered(command, args);
    }
    // Whatever the requests set, clear it, and the guest still runs to its exit with its output.
    await dc.setBreakpointsRequest({ source: { path: join(ROOT, 'examples/mini-hyp/mini-hyp.S') }, breakpoints: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await dc.setDataBreakpointsRequest({ breakpoints: [] });
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
    await dc.customRequest('restart', {});
    const [exited] = await Promise.all([dc.waitForEvent('exited', 30_000), dc.continueRequest({ threadId: 1 })]);
    expect((exited as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    // Every refusal was a message written for it, not a handler that threw.
    expect(internal).toEqual([]);
    expect(out.filter((o) => !o.startsWith('nvlab')).join('')).toBe(readFileSync(join(ROOT, 'examples', 'mini-hyp', 'expected.stdout'), 'utf8'));
  });
});
