/**
 * The arguments of every request the adapter handles, checked before the
 * handler runs: a client that sends `"breakpoints": "x"` gets a sentence
 * naming the argument and what it must be, not a TypeError from deep inside
 * a handler (which the debugadapter library would turn into a stack trace).
 * Only the shape is checked here; values (a line past the end, an address
 * that is not RAM) are the handlers' business.
 */

/** A field: its type, `?` when it may be absent. */
type Spec = 'string' | 'string?' | 'int' | 'int?' | 'bool?' | 'number?' | Shape | { array: Spec; optional?: boolean } | { optional: true; shape: Shape };
interface Shape {
  readonly [field: string]: Spec;
}

const arrayOf = (s: Spec, optional = false): Spec => ({ array: s, optional });
const optional = (shape: Shape): Spec => ({ optional: true, shape });

const BREAKPOINT_OPTIONS: Shape = { condition: 'string?', hitCondition: 'string?' };
const THREAD: Shape = { threadId: 'int', granularity: 'string?' };

const REQUESTS: Readonly<Record<string, Shape>> = {
  setBreakpoints: { source: { path: 'string' }, breakpoints: arrayOf({ line: 'int', column: 'int?', logMessage: 'string?', ...BREAKPOINT_OPTIONS }, true), lines: arrayOf('int', true) },
  setFunctionBreakpoints: { breakpoints: arrayOf({ name: 'string', ...BREAKPOINT_OPTIONS }) },
  setInstructionBreakpoints: { breakpoints: arrayOf({ instructionReference: 'string', offset: 'int?', ...BREAKPOINT_OPTIONS }) },
  setExceptionBreakpoints: { filters: arrayOf('string'), filterOptions: arrayOf({ filterId: 'string', condition: 'string?' }, true) },
  setDataBreakpoints: { breakpoints: arrayOf({ dataId: 'string', accessType: 'string?', ...BREAKPOINT_OPTIONS }) },
  dataBreakpointInfo: { name: 'string', variablesReference: 'int?', frameId: 'int?', bytes: 'int?', asAddress: 'bool?' },
  continue: THREAD,
  next: THREAD,
  stepIn: THREAD,
  stepOut: THREAD,
  stepBack: THREAD,
  reverseContinue: THREAD,
  pause: THREAD,
  stackTrace: { threadId: 'int', startFrame: 'int?', levels: 'int?' },
  scopes: { frameId: 'int' },
  variables: { variablesReference: 'int', start: 'int?', count: 'int?' },
  setVariable: { variablesReference: 'int', name: 'string', value: 'string' },
  evaluate: { expression: 'string', frameId: 'int?', context: 'string?' },
  readMemory: { memoryReference: 'string', offset: 'int?', count: 'int' },
  writeMemory: { memoryReference: 'string', offset: 'int?', data: 'string', allowPartial: 'bool?' },
  disassemble: { memoryReference: 'string', offset: 'int?', instructionOffset: 'int?', instructionCount: 'int', resolveSymbols: 'bool?' },
  nvlabWalk: { address: 'string', el: 'int?', stage12: 'bool?' },
  nvlabLocate: { address: 'string' },
  nvlabShadowMappings: { index: 'int' },
  restart: { arguments: optional({}) },
};

function describe(spec: Spec): string {
  if (typeof spec === 'string') return { string: 'a string', int: 'a whole number', bool: 'true or false', number: 'a number' }[spec.replace('?', '') as 'string' | 'int' | 'bool' | 'number'];
  if ('array' in spec) return `a list of ${describe(spec.array).replace(/^an? /, '')}s`;
  return 'an object';
}

function check(value: unknown, spec: Spec, path: string): string | null {
  if (typeof spec === 'string') {
    if (value === undefined) return spec.endsWith('?') ? null : `"${path}" is missing: it must be ${describe(spec)}`;
    const ok = spec.startsWith('string') ? typeof value === 'string' : spec.startsWith('int') ? Number.isSafeInteger(value) : spec.startsWith('bool') ? typeof value === 'boolean' : typeof value === 'number' && Number.isFinite(value);
    return ok ? null : `"${path}" must be ${describe(spec)}, not ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`;
  }
  if ('array' in spec) {
    if (value === undefined && spec.optional) return null;
    if (!Array.isArray(value)) return `"${path}" must be ${describe(spec)}`;
    for (let i = 0; i < value.length; i++) {
      const p = check(value[i], spec.array, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if ('shape' in spec && spec.optional === true) return value === undefined ? null : check(value, spec.shape as Spec, path);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `"${path}" must be an object`;
  for (const [k, s] of Object.entries(spec as Shape)) {
    const p = check((value as Record<string, unknown>)[k], s, path ? `${path}.${k}` : k);
    if (p) return p;
  }
  return null;
}

/** What is wrong with the arguments of `command`, or null (also for requests not listed here). */
export function checkRequestArgs(command: string, args: unknown): string | null {
  const shape = REQUESTS[command];
  if (!shape) return null;
  const a = args ?? {};
  if (typeof a !== 'object' || Array.isArray(a)) return 'the arguments must be an object';
  return check(a, shape, '');
}
