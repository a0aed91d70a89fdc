/**
 * The `nvlab` launch configuration, checked before anything runs: every
 * mistake gets one message that names the attribute and says what would be
 * right. Relative paths are taken from the workspace folder (`cwd`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_PROFILE_SPEC, ProfileError, buildProfile, knownFeatures } from '../../emulator/arch/cpu-profile.js';
import { type CpuIdentity, identityFromProfile } from '../../emulator/cpu/identity.js';
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
  cpu?: unknown;
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
  /** The CPU when "cpu" changes the default profile. */
  readonly identity?: CpuIdentity;
}

const KNOWN = new Set(['type', 'request', 'name', 'program', 'mode', 'traps', 'memory', 'stopOnEntry', 'trace', 'staleTlbCheck', 'nv2', 'stopAt', 'cpu', 'cwd', '__sessionId', '__configurationTarget', 'noDebug', '__restart', 'presentation', 'preLaunchTask', 'postDebugTask', 'internalConsoleOptions', 'debugServer', 'suppressMultipleSessionWarning']);

export function parseMemory(v: unknown): number | string {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : `"memory" must be a positive whole number of bytes or a size such as "512M", not ${v}`;
  if (typeof v !== 'string') return `"memory" must be a size such as "1G" or a number of bytes, not ${JSON.stringify(v)}`;
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(v.trim());
  if (!m) return `"memory": cannot read the size "${v}" (examples: "512M", "2G", 1073741824)`;
  return Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
}

/**
 * `"cpu": { "without": ["FEAT_LPA2"], "with": ["FEAT_..."] }`: nvlab's default
 * profile with features taken out or added. Dependencies are not added or
 * removed silently: a profile that breaks one is refused with every problem.
 */
export function parseCpu(v: unknown): CpuIdentity | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return '"cpu" must be an object such as { "without": ["FEAT_LPA2"] } (features taken out of or added to the default profile)';
  const spec = v as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (k !== 'with' && k !== 'without') return `"cpu": unknown key "${k}" (use "with" and "without", lists of FEAT_ names)`;
  const known = knownFeatures();
  const list = (k: 'with' | 'without'): string[] | string => {
    const l = spec[k] ?? [];
    if (!Array.isArray(l) || l.some((f) => typeof f !== 'string')) return `"cpu"."${k}" must be a list of feature names such as "FEAT_LPA2"`;
    const unknown = (l as string[]).find((f) => !known.has(f));
    return unknown === undefined ? (l as string[]) : `"cpu"."${k}": Arm's specification has no feature "${unknown}"`;
  };
  const without = list('without');
  if (typeof without === 'string') return without;
  const add = list('with');
  if (typeof add === 'string') return add;
  const features = [...DEFAULT_PROFILE_SPEC.features.filter((f) => !without.includes(f)), ...add.filter((f) => !DEFAULT_PROFILE_SPEC.features.includes(f))];
  const name = `default${without.map((f) => ` -${f}`).join('')}${add.map((f) => ` +${f}`).join('')}`;
  // Features the default implements ahead of its version claim stay waived while present; an added
  // feature that needs a later version than the profile claims is waived too: the user asked for it.
  const ahead = (DEFAULT_PROFILE_SPEC.aheadOfVersion ?? []).filter((f) => !without.includes(f));
  // The default's ID field choices that only hold with the features it has (ID_AA64MMFR2_EL1.NV = 2
  // says FEAT_NV2) go when they contradict the changed profile.
  const overrides: Record<string, Record<string, number>> = {};
  for (const [reg, fields] of Object.entries(DEFAULT_PROFILE_SPEC.idOverrides ?? {})) overrides[reg] = { ...fields };
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return identityFromProfile(buildProfile({ ...DEFAULT_PROFILE_SPEC, name, features, aheadOfVersion: ahead, idOverrides: overrides }));
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      const waive = e.problems.flatMap((p) => /list (FEAT_\w+) in aheadOfVersion/.exec(p)?.slice(1) ?? []).filter((f) => add.includes(f) && !ahead.includes(f));
      const drop = e.problems.flatMap((p) => /^override (\w+)\.(\w+) = .* contradicts /.exec(p)?.slice(1, 3) ?? []);
      if (waive.length === 0 && drop.length === 0) return `"cpu": ${e.problems.join('; ')}`;
      ahead.push(...waive);
      for (let i = 0; i < drop.length; i += 2) delete overrides[drop[i]!]?.[drop[i + 1]!];
    }
  }
  return `"cpu": the profile ${name} cannot be built`;
}

/** The settings, or the message that says what is wrong. */
export function checkLaunch(args: LaunchArguments & Record<string, unknown>): LaunchSettings | string {
  const cwd = typeof args.cwd === 'string' ? args.cwd : process.cwd();
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  for (const k of Object.keys(args)) if (!KNOWN.has(k)) return `unknown launch attribute "${k}" (nvlab knows program, mode, traps, memory, stopOnEntry, trace, staleTlbCheck, nv2, stopAt, cpu, cwd)`;
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
  let identity: CpuIdentity | undefined;
  if (args.cpu !== undefined) {
    const c = parseCpu(args.cpu);
    if (typeof c === 'string') return c;
    if (mode === 'nested' && !c.features.has('FEAT_NV')) return '"cpu": nested mode needs FEAT_NV (the L0 host runs the image at virtual EL2 with it)';
    if (mode === 'nested' && args.nv2 !== false && !c.features.has('FEAT_NV2')) return '"cpu": the profile has no FEAT_NV2, which the L0 host uses: add "nv2": false';
    identity = c;
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
    ...(identity ? { identity } : {}),
  };
}
