/**
 * `nvlab` command line. UART output goes to stdout and nothing else does;
 * diagnostics go to stderr. Exit status: the guest's (semihosting exit, 0 after
 * PSCI SYSTEM_OFF), 2 for bad input, 124 when --max-insns runs out, 125 when
 * the emulator cannot continue (unimplemented or unmodelled behaviour, or a
 * guest waiting forever).
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { ElfError } from '../platform/elf.js';
import type { NvEvent } from '../events.js';
import { DEFAULT_MAX_INSTRUCTIONS, EXIT, runImage } from '../run-image.js';
import { CHECK_USAGE, cmdCheck } from './check-command.js';
import { cmdEsr } from './esr-command.js';
import { IMPORT_KVM_USAGE, cmdImportKvm } from './import-kvm-command.js';
import { cmdSysreg } from './sysreg-command.js';
import { EventCounter, formatStats } from './run-stats.js';
import { loadTrapTable } from './trap-table-file.js';
import type { CompiledTraps } from '../traps/compiler.js';

const USAGE = `usage: nvlab run [--mode direct|nested] [--traps FILE] [--no-nv2] [--max-insns N] [--memory SIZE] [--trace FILE] [--stats] [--check-tlb] IMAGE.elf
       nvlab sysreg [--json] [--views] NAME|op0,op1,CRn,CRm,op2|S3_0_C1_C0_0   what the Arm specification says about a system register
       nvlab esr VALUE [--json]      decode an ESR_ELx value field by field (nvlab esr --help)
       ${CHECK_USAGE}   check trap tables (docs/trap-language.md)
       ${IMPORT_KVM_USAGE} > kvm.traps   convert KVM's emulate-nested.c trap tables to a .traps file

  --mode direct     the image runs at the emulated CPU's EL2 (default)
  --mode nested     the image runs at virtual EL2 under the L0 host model (docs/nested.md)
  --traps FILE      nested mode: the trap table that decides which guest traps go to the image (default: the built-in default.traps)
  --no-nv2          nested mode: the L0 host does not use FEAT_NV2, so every EL2 register access of the image traps
  --max-insns N     stop after N instructions with exit status 124 (default ${DEFAULT_MAX_INSTRUCTIONS})
  --memory SIZE     RAM size, e.g. 512M, 4G (default 1G); allocated only where the guest touches it
  --trace FILE      write the event stream to FILE as JSON lines
  --stats           print counts of events, L0 host exits and forwarded traps per trap-table entry on stderr at exit
  --check-tlb       check every TLB hit against the page tables and report stale entries on stderr`;

class UsageError extends Error {}

interface RunArgs {
  mode: 'direct' | 'nested';
  maxInsns: number;
  memory?: number;
  trace?: string;
  checkTlb?: boolean;
  traps?: string;
  stats?: boolean;
  noNv2?: boolean;
  image: string;
}

function parseSize(text: string): number {
  const m = /^(\d+)([KMGT]?)i?B?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--memory: cannot parse size '${text}' (examples: 512M, 2G, 1073741824)`);
  const mult: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
  return Number(m[1]) * mult[m[2]!.toUpperCase()]!;
}

function parseRunArgs(argv: string[]): RunArgs {
  const a: Partial<RunArgs> = { mode: 'direct', maxInsns: DEFAULT_MAX_INSTRUCTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--mode': {
        const v = value();
        if (v !== 'direct' && v !== 'nested') throw new UsageError(`--mode must be 'direct' or 'nested', not '${v}'`);
        a.mode = v;
        break;
      }
      case '--max-insns': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
          throw new UsageError(`--max-insns must be a positive integer, not '${v}'`);
        }
        a.maxInsns = Number(v);
        break;
      }
      case '--memory':
        a.memory = parseSize(value());
        break;
      case '--trace':
        a.trace = value();
        break;
      case '--check-tlb':
        a.checkTlb = true;
        break;
      case '--traps':
        a.traps = value();
        break;
      case '--stats':
        a.stats = true;
        break;
      case '--no-nv2':
        a.noNv2 = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (a.image) throw new UsageError(`more than one image given ('${a.image}' and '${arg}')`);
        a.image = arg;
    }
  }
  if (!a.image) throw new UsageError('no image given');
  if (a.traps !== undefined && a.mode !== 'nested') throw new UsageError('--traps needs --mode nested: only the L0 host uses a trap table');
  if (a.noNv2 && a.mode !== 'nested') throw new UsageError('--no-nv2 needs --mode nested: it changes how the L0 host runs the image');
  return a as RunArgs;
}

/** A stale-tlb event as one line for people. */
export function staleTlbMessage(e: Extract<NvEvent, { type: 'stale-tlb' }>): string {
  let m = `nvlab: stale TLB entry: the instruction at ${e.pc} (#${e.icount}) used VA ${e.va} (${e.regime}) cached as ${e.cached}, but the tables now give ${e.current}`;
  if (e.cause) m += `; ${e.cause}`;
  return m;
}

function writeAll(stream: NodeJS.WriteStream, bytes: Uint8Array): void {
  if (bytes.length) stream.write(bytes);
}

function cmdRun(argv: string[]): number {
  const args = parseRunArgs(argv);
  let traps: CompiledTraps | undefined;
  if (args.traps !== undefined) {
    const loaded = loadTrapTable(args.traps);
    if (typeof loaded === 'string') {
      process.stderr.write(loaded);
      return EXIT.BAD_INPUT;
    }
    traps = loaded;
  }
  let elf: Uint8Array;
  try {
    elf = readFileSync(args.image);
  } catch (e) {
    process.stderr.write(`nvlab: cannot read ${args.image}: ${(e as NodeJS.ErrnoException).message}\n`);
    return EXIT.BAD_INPUT;
  }
  let trace: WriteStream | undefined;
  if (args.trace) trace = createWriteStream(args.trace);
  const counter = args.stats ? new EventCounter() : undefined;
  try {
    const result = runImage(elf, {
      mode: args.mode,
      traps,
      nv2: !args.noNv2,
      memory: args.memory,
      maxInstructions: args.maxInsns,
      onStdout: (b) => writeAll(process.stdout, b),
      onStderr: (b) => writeAll(process.stderr, b),
      checkTlb: args.checkTlb,
      onEvent:
        trace || args.checkTlb || counter
          ? (e) => {
              counter?.add(e);
              trace?.write(JSON.stringify(e) + '\n');
              if (e.type === 'stale-tlb') process.stderr.write(staleTlbMessage(e) + '\n');
            }
          : undefined,
    });
    const o = result.outcome;
    if (o.kind === 'limit') {
      process.stderr.write(`nvlab: stopped after ${result.instructions} instructions (--max-insns ${args.maxInsns})\n`);
    } else if (o.kind === 'halted') {
      process.stderr.write(`nvlab: guest halted: ${o.message}\n`);
    } else if (o.kind === 'stopped') {
      process.stderr.write(`nvlab: ${o.error.message}\n`);
    }
    if (counter) process.stderr.write(formatStats(result.instructions, counter, result.hostStats));
    return result.exitStatus;
  } catch (e) {
    if (e instanceof ElfError) {
      process.stderr.write(`nvlab: ${args.image}: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof RangeError) {
      process.stderr.write(`nvlab: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    throw e;
  } finally {
    trace?.end();
  }
}

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return cmdRun(rest);
      case 'sysreg':
        return cmdSysreg(rest);
      case 'esr':
        return cmdEsr(rest, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
      case 'check':
        return cmdCheck(rest, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
      case 'import-kvm':
        return cmdImportKvm(rest, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? EXIT.BAD_INPUT : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`nvlab: ${e.message}\n${USAGE}\n`);
      return EXIT.BAD_INPUT;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
