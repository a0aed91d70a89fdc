import { Ram } from './ram.js';

/** A memory-mapped device. Offsets are relative to the device base; sizes are 1, 2 or 4 bytes. */
export interface MmioDevice {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

/** A region of the QEMU virt map that nvlab does not model: touching it stops the run. */
export interface UnmodelledRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
}

/** What a physical address is backed by. */
export const enum Backing {
  RAM = 0,
  DEVICE = 1,
  /** Nothing there: the access takes a synchronous external abort. */
  HOLE = 2,
  UNMODELLED = 3,
}

/** Raised for conditions the emulator cannot model faithfully; the run stops with this message. */
export class EmulationStop extends Error {
  constructor(
    message: string,
    readonly kind: 'unimplemented' | 'unmodelled' | 'guest-error' | 'internal' = 'unimplemented',
  ) {
    super(message);
    this.name = 'EmulationStop';
  }
}

export class PhysicalBus {
  private readonly devices: MmioDevice[] = [];
  private readonly unmodelled: UnmodelledRegion[] = [];
  /** Highest physical address + 1 the CPU can generate (from its PARange). */
  readonly paLimit: number;
  /**
   * Memory of the nested L0 host (its stage-2 tables): read by table walks,
   * which the host points at it, and by nothing the guest can reach.
   */
  hostRam: Ram | null = null;

  constructor(
    readonly ram: Ram,
    paBits: number,
  ) {
    this.paLimit = 2 ** paBits;
  }

  addDevice(d: MmioDevice): void {
    this.devices.push(d);
  }

  addUnmodelled(r: UnmodelledRegion): void {
    this.unmodelled.push(r);
  }

  classify(pa: number): Backing {
    if (this.ram.contains(pa)) return Backing.RAM;
    if (this.deviceAt(pa)) return Backing.DEVICE;
    if (this.unmodelledAt(pa)) return Backing.UNMODELLED;
    return Backing.HOLE;
  }

  deviceAt(pa: number): MmioDevice | undefined {
    for (const d of this.devices) if (pa >= d.base && pa < d.base + d.size) return d;
    return undefined;
  }

  unmodelledAt(pa: number): UnmodelledRegion | undefined {
    for (const r of this.unmodelled) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  /** Stops the run for an access to a device nvlab does not model. */
  unmodelledAccess(pa: number, write: boolean): never {
    const r = this.unmodelledAt(pa);
    const what = r ? r.name : 'an unmodelled region';
    throw new EmulationStop(
      `guest ${write ? 'wrote' : 'read'} PA 0x${pa.toString(16)} in ${what}, which nvlab does not model`,
      'unmodelled',
    );
  }
}
