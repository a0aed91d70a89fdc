/**
 * The `nvlab` launch configuration, checked before anything runs: every
 * mistake gets one message that names the attribute and says what would be
 * right. Relative paths are taken from the workspace folder (`cwd`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ElfError, type ElfImage, parseElf } from '../../emulator/platform/elf.js';
import { VIRT } from '../../emulator/platform/virt-machine.js';
import type { CompiledTraps } from '../../emulator/traps/compiler.js';
import { loadTrapTable } from '../../emulator/cli/trap-table-file.js';
import { FILTERS } from './stop-filters.js';

export interface LaunchArguments {
  program?: unknown;
  mode?: unknown;
  traps?: unknown;
  memory?: unknown;
  stopOnEntry?: unknown;
  trace?: unknown;
  staleTlbCheck?: unknown;
  nv2?: unknown;
  stopAt?: unknown;
  cwd?: unknown;
}

export interface LaunchSettings {
  readonly program: string;
  readonly elf: Uint8Array;
  readonly image: ElfImage;
  readonly mode: 'direct' | 'nested';
  readonly traps?: CompiledTraps;
  readonly trapsFile?: string;
  readonly memory?: number;
  readonly stopOnEntry: boolean;
  readonly trace?: string;
  readonly staleTlbCheck: boolean;
  readonly nv2: boolean;
  /** Exception filters on from the start, whatever the Breakpoints view says (the walkthrough's "stop at the first forwarded trap"). */
  readonly stopAt: readonly string[];
}

const KNOWN = new Set(['type', 'request', 'name', 'program', 'mode', 'traps', 'memory', 'stopOnEntry', 'trace', 'staleTlbCheck', 'nv2', 'stopAt', 'cwd', '__sessionId', '__configurationTarget', 'noDebug', '__restart', 'presentation', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions', 'debugServer', 'suppressMultipleSessionWarning']);

export function parseMemory(v: unknown): number | string {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : `"memory" must be a positive whole number of bytes or a size such as "512M", not ${v}`;
  if (typeof v !== 'string') return `"memory" must be a size such as "1G" or a number of bytes, not ${JSON.stringify(v)}`;
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(v.trim());
  if (!m) return `"memory": cannot read the size "${v}" (examples: "512M", "2G", 1073741824)`;
  return Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
}

/** The settings, or the message that says what is wrong. */
export function checkLaunch(args: LaunchArguments & Record<string, unknown>): LaunchSettings | string {
  const cwd = typeof args.cwd === 'string' ? args.cwd : process.cwd();
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  for (const k of Object.keys(args)) if (!KNOWN.has(k)) return `unknown launch attribute "${k}" (nvlab knows program, mode, traps, memory, stopOnEntry, trace, staleTlbCheck, nv2, stopAt, cwd)`;
  if (typeof args.program !== 'string' || args.program.trim() === '') return '"program" must name the ELF image to run, for example "${workspaceFolder}/hyp.elf"';
  const program = path(args.program);
  let elf: Uint8Array;
  try {
    elf = readFileSync(program);
  } catch (e) {
    return `"program": cannot read ${program}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`;
  }
  const mode = args.mode ?? 'nested';
  if (mode !== 'direct' && mode !== 'nested') return `"mode" must be "nested" (the image runs at virtual EL2 under the L0 host) or "direct" (at the CPU's EL2), not ${JSON.stringify(mode)}`;
  let memory: number | undefined;
  if (args.memory !== undefined) {
    const m = parseMemory(args.memory);
    if (typeof m === 'string') return m;
    memory = m;
  }
  let image: ElfImage;
  try {
    image = parseElf(elf, { base: VIRT.RAM_BASE, size: memory ?? VIRT.DEFAULT_RAM });
  } catch (e) {
    if (e instanceof ElfError) return `"program": ${program}: ${e.message}`;
    throw e;
  }
  let traps: CompiledTraps | undefined;
  let trapsFile: string | undefined;
  if (args.traps !== undefined) {
    if (typeof args.traps !== 'string') return '"traps" must be the path of a .traps file';
    if (mode !== 'nested') return '"traps" needs "mode": "nested": only the L0 host uses a trap table';
    trapsFile = path(args.traps);
    const t = loadTrapTable(trapsFile);
    if (typeof t === 'string') return `"traps": ${t.trim().split('\n').join('; ').replace(/^nvlab: /, '')}`;
    traps = t;
  }
  for (const k of ['stopOnEntry', 'staleTlbCheck', 'nv2'] as const) {
    if (args[k] !== undefined && typeof args[k] !== 'boolean') return `"${k}" must be true or false, not ${JSON.stringify(args[k])}`;
  }
  if (args.nv2 !== undefined && mode !== 'nested') return '"nv2" needs "mode": "nested"';
  if (args.trace !== undefined && typeof args.trace !== 'string') return '"trace" must be the path of a file for the event stream (JSON lines)';
  const filters = new Set(FILTERS.map((f) => f.filter));
  if (args.stopAt !== undefined && (!Array.isArray(args.stopAt) || args.stopAt.some((f) => typeof f !== 'string' || !filters.has(f)))) {
    return `"stopAt" must list exception filters: ${[...filters].map((f) => `"${f}"`).join(', ')}`;
  }
  return {
    program,
    elf,
    image,
    mode,
    ...(traps ? { traps, trapsFile } : {}),
    ...(memory !== undefined ? { memory } : {}),
    stopOnEntry: args.stopOnEntry === true,
    ...(typeof args.trace === 'string' ? { trace: path(args.trace) } : {}),
    staleTlbCheck: args.staleTlbCheck === true,
    nv2: args.nv2 !== false,
    stopAt: Array.isArray(args.stopAt) ? (args.stopAt as string[]) : [],
  };
}
