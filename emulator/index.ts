/** Public entry points of the emulator package (used by the CLI, tests and benchmarks). */
export { Breakpoints, Cpu, type StopReason } from './cpu/cpu.js';
export { DEFAULT_FEATURES, type CpuFeatures } from './cpu/features.js';
export { EventBus, type NvEvent } from './events.js';
export { EmulationStop } from './platform/bus.js';
export { ElfError, parseElf, type ElfImage } from './platform/elf.js';
export { VIRT, VirtMachine, type MachineConfig, type MachineIo, type RunOutcome } from './platform/virt-machine.js';
export { runImage, type RunImageOptions, type RunImageResult } from './run-image.js';
export { parseTraps, type ParseResult } from './traps/parser.js';
export { checkTraps, type CheckResult, type CheckedTable } from './traps/checker.js';
export { compileTraps, CompiledTraps } from './traps/compiler.js';
