/**
 * The QEMU `virt` machine as nvlab models it: sparse RAM at 0x4000_0000, a
 * PL011 UART, PSCI over SMC and Arm semihosting. Regions where QEMU has a
 * device nvlab does not model stop the run with a message naming the device;
 * the holes between them take the synchronous external abort QEMU gives.
 */
import { type Snapshot, restoreSnapshot, takeSnapshot } from '../snapshot.js';
import { Cpu, type StopReason } from '../cpu/cpu.js';
import { DEFAULT_PROFILE } from '../arch/cpu-profile.js';
import { identityFromProfile, type CpuIdentity } from '../cpu/identity.js';
import { StaleTlbTracker } from '../cpu/stale-tlb-tracker.js';
import { EventBus } from '../events.js';
import { EmulationStop, PhysicalBus } from './bus.js';
import type { ElfImage } from './elf.js';
import { Pl011 } from './pl011.js';
import { psciCall } from './psci.js';
import { Ram } from './ram.js';
import { Semihosting } from './semihosting.js';
import { L0Host } from '../nested/l0-host.js';
import type { CompiledTraps } from '../traps/compiler.js';
import { defaultTraps } from '../traps/default-table.js';

export const VIRT = {
  RAM_BASE: 0x4000_0000,
  UART_BASE: 0x0900_0000,
  GICD_BASE: 0x0800_0000,
  GICR_BASE: 0x080a_0000,
  DEFAULT_RAM: 1 << 30,
} as const;

/** QEMU 7.2 virt (gic-version=3, one CPU, highmem) regions nvlab does not model yet. */
const UNMODELLED: readonly { name: string; base: number; size: number }[] = [
  { name: 'the flash (pflash) region', base: 0x0000_0000, size: 0x0800_0000 },
  { name: 'the GICv3 distributor', base: 0x0800_0000, size: 0x1_0000 },
  { name: 'the GICv3 ITS', base: 0x0808_0000, size: 0x2_0000 },
  { name: 'the GICv3 redistributor', base: 0x080a_0000, size: 0x2_0000 },
  { name: 'the PL031 RTC', base: 0x0901_0000, size: 0x1000 },
  { name: 'the fw_cfg interface', base: 0x0902_0000, size: 0x18 },
  { name: 'the PL061 GPIO', base: 0x0903_0000, size: 0x1000 },
  { name: 'the virtio-mmio transports', base: 0x0a00_0000, size: 0x4000 },
  { name: 'the PCIe MMIO window', base: 0x1000_0000, size: 0x2eff_0000 },
  { name: 'the PCIe I/O window', base: 0x3eff_0000, size: 0x1_0000 },
  { name: 'the PCIe ECAM (high)', base: 0x40_1000_0000, size: 0x1000_0000 },
  { name: 'the PCIe MMIO window (high)', base: 0x80_0000_0000, size: 0x80_0000_0000 },
];

export interface MachineConfig {
  /** RAM size in bytes (default 1 GiB); any size up to the PA space, allocated on demand. */
  memory?: number;
  /** The CPU's features and identification registers (default: the built-in profile). */
  identity?: CpuIdentity;
  /**
   * Check every TLB hit against the translation tables and report entries
   * that no longer match them (stale-tlb events). Slower: nothing is cached
   * in the data TLB.
   */
  checkTlb?: boolean;
  /**
   * 'direct' (default): the image runs at the CPU's EL2. 'nested': at
   * virtual EL2 under the L0 host model, which decides its guests' traps
   * with `traps` (default: the built-in table).
   */
  mode?: 'direct' | 'nested';
  traps?: CompiledTraps;
  /** Nested mode: the L0 host uses FEAT_NV2 when the CPU has it (default true). */
  nv2?: boolean;
}

/** Where the guest's output goes. */
export interface MachineIo {
  uart(byte: number): void;
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

export type RunOutcome =
  | { kind: 'exit'; status: number; source: 'semihosting' | 'psci' }
  | { kind: 'halted'; message: string }
  | { kind: 'limit'; executed: number }
  | { kind: 'stopped'; error: EmulationStop }
  /** The debugger's stops: the run can go on from here. */
  | { kind: 'breakpoint' }
  | { kind: 'requested'; why: string };

export class VirtMachine {
  readonly ram: Ram;
  readonly bus: PhysicalBus;
  readonly events = new EventBus();
  readonly cpu: Cpu;
  readonly semihosting: Semihosting;
  /** The L0 host in nested mode. */
  readonly host: L0Host | null = null;
  private image: ElfImage | null = null;

  constructor(config: MachineConfig, io: MachineIo) {
    const features = config.identity ?? identityFromProfile(DEFAULT_PROFILE);
    const size = config.memory ?? VIRT.DEFAULT_RAM;
    const maxRam = 2 ** features.paBits - VIRT.RAM_BASE;
    if (!Number.isInteger(size) || size < 1 << 20 || size % (1 << 16) !== 0 || size > maxRam) {
      throw new RangeError(
        `memory size ${size} is invalid: it must be a multiple of 64 KiB between 1 MiB and ${maxRam} bytes (the ${features.paBits}-bit PA space above 0x40000000)`,
      );
    }
    this.ram = new Ram(VIRT.RAM_BASE, size);
    this.bus = new PhysicalBus(this.ram, features.paBits);
    this.bus.addDevice(new Pl011('PL011 UART', VIRT.UART_BASE, io.uart));
    for (const r of UNMODELLED) this.bus.addUnmodelled(r);
    this.semihosting = new Semihosting(io, {
      heapBase: VIRT.RAM_BASE + size / 2,
      heapLimit: VIRT.RAM_BASE + size,
      stackBase: VIRT.RAM_BASE + size,
      stackLimit: 0,
    });
    const psciHost = { mpidr: 0 };
    this.cpu = new Cpu(
      this.bus,
      features,
      {
        semihosting: (cpu) => this.semihosting.call(cpu),
        firmwareCall: (cpu) => psciCall(cpu, psciHost),
      },
      this.events,
    );
    if (config.checkTlb) this.cpu.staleTracker = new StaleTlbTracker(this.cpu);
    if (config.mode === 'nested') {
      this.host = new L0Host(this.cpu, this.bus, features, config.traps ?? defaultTraps(), this.events, config.nv2 ?? true);
      this.cpu.el2Host = this.host;
    }
  }

  /** Copies the image into RAM and resets the CPU to its entry point in EL2h. */
  load(image: ElfImage): void {
    this.image = image;
    this.reloadImage();
  }

  private reloadImage(): void {
    const img = this.image!;
    for (const s of img.segments) {
      this.ram.writeBytes(s.paddr, s.data);
      if (s.memsz > s.data.length) this.ram.writeBytes(s.paddr + s.data.length, new Uint8Array(s.memsz - s.data.length));
    }
    const e = img.entry;
    const lo = Number(e & 0xffffffffn) | 0;
    const hi = Number(e >> 32n) | 0;
    this.cpu.reset(lo, hi);
    this.host?.boot(lo, hi, VIRT.RAM_BASE, this.ram.size);
    this.semihosting.reset();
  }

  /**
   * The whole machine state (emulator/snapshot.ts); `previous`, an earlier
   * snapshot of this machine, lets unchanged memory be shared with it.
   */
  snapshot(previous?: Snapshot): Snapshot {
    return takeSnapshot(this, this.snapshotSkip(), previous);
  }

  /**
   * Puts the machine back in the state of `s`. What the debugger attached
   * (address breakpoints, watchpoints, register write watches) is not
   * machine state and stays as it is now.
   */
  restore(s: Snapshot): void {
    const pes = this.host ? [this.cpu, this.host.vpe.pe] : [this.cpu];
    const attached = pes.map((pe) => ({ pe, breakpoints: pe.breakpoints, memWatch: pe.memWatch, watchHook: pe.watchHook, watched: pe.watchedSlots() }));
    restoreSnapshot(s);
    for (const a of attached) {
      a.pe.breakpoints = a.breakpoints;
      a.pe.memWatch = a.memWatch;
      a.pe.watchHook = a.watchHook;
      a.pe.watchWrites(a.watched);
      // Fetch windows and data TLBs are derived from the state and the breakpoints: rebuild them.
      a.pe.contextChanged();
    }
  }

  /** Immutable data, caches valid in every state, and what the debugger attached: not in snapshots. */
  private snapshotSkip(): Set<object> {
    const skip = new Set<object>();
    if (this.image) skip.add(this.image);
    for (const pe of this.host ? [this.cpu, this.host.vpe.pe] : [this.cpu]) {
      // The decode cache is keyed by instruction word, so it is right in any state.
      skip.add(pe.dc);
      if (pe.breakpoints) skip.add(pe.breakpoints);
      if (pe.memWatch) skip.add(pe.memWatch);
    }
    return skip;
  }

  /**
   * Runs until the guest exits, halts, or `maxInstructions` have executed.
   * PSCI SYSTEM_RESET reloads the image and continues, as QEMU does.
   * `slice` bounds the work done between checks of `shouldPause`.
   */
  run(maxInstructions: number, shouldPause?: () => boolean, slice = 1 << 22): RunOutcome {
    const cpu = this.cpu;
    const start = cpu.icount;
    try {
      for (;;) {
        const done = cpu.icount - start;
        if (done >= maxInstructions) return { kind: 'limit', executed: done };
        if (shouldPause?.()) return { kind: 'limit', executed: done };
        const reason: StopReason | null = cpu.run(Math.min(slice, maxInstructions - done));
        if (reason === null) continue;
        if (reason.kind === 'reset') {
          this.events.reset(cpu, 'PSCI SYSTEM_RESET');
          this.reloadImage();
          continue;
        }
        if (reason.kind === 'breakpoint' || reason.kind === 'requested') return reason;
        this.events.stop(cpu, reason.kind === 'exit' ? `exit (${reason.source})` : 'halted', reason.kind === 'exit' ? reason.status : undefined);
        return reason;
      }
    } catch (e) {
      if (e instanceof EmulationStop) {
        this.events.stop(cpu, e.message);
        return { kind: 'stopped', error: e };
      }
      throw e;
    }
  }
}
