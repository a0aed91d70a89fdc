/**
 * The L0 host's own stage 2 for the guest hypervisor: its IPA space is the
 * machine's physical address space, mapped one to one in 1 GiB blocks as it
 * is touched, except the window that holds the host's memory, where the
 * guest meets what it meets in direct mode (a region nvlab does not model).
 * Normal Write-Back, read/write/execute, so that the combined attributes
 * are the guest hypervisor's own and stage 2 stays invisible to it.
 */
import type { HostMemory } from './host-memory.js';
import { NORMAL_RW, Stage2Tables, levelSize } from './stage2-tables.js';

/** The high PCIe MMIO window of the virt map, where the host's memory lives. */
const WINDOW_BASE = 0x80_0000_0000;
const WINDOW_END = 0x100_0000_0000;
const BLOCK_LEVEL = 1;

/** The VMID the canonical stage 2 runs under; shadow stage 2s use others. */
export const CANONICAL_VMID = 1;

export class CanonicalStage2 {
  readonly tables: Stage2Tables;

  constructor(
    mem: HostMemory,
    readonly ipaBits: number,
  ) {
    this.tables = new Stage2Tables(mem, ipaBits);
  }

  /** Whether the guest hypervisor's `ipa` is backed by the machine (outside the host's window). */
  backs(ipa: number): boolean {
    return ipa >= 0 && ipa < 2 ** this.ipaBits && !(ipa >= WINDOW_BASE && ipa < WINDOW_END);
  }

  /** Maps the block holding `ipa`; false when the IPA is in the host's window. */
  fault(ipa: number): boolean {
    if (!this.backs(ipa)) return false;
    const size = levelSize(BLOCK_LEVEL);
    const base = ipa - (ipa % size);
    this.tables.map(base, base, BLOCK_LEVEL, NORMAL_RW);
    return true;
  }

  vttbr(): [number, number] {
    return this.tables.vttbr(CANONICAL_VMID);
  }

  vtcr(paBits: number): [number, number] {
    return [this.tables.vtcr(paBits), this.tables.vtcrHi()];
  }
}
