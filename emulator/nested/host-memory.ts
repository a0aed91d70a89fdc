/**
 * Memory of the modelled L0 host: its stage-2 tables (the canonical one for
 * the guest hypervisor, the shadows for its guests) and pages it shares with
 * the PE (the NV2 VNCR page). It sits in a window of the physical address
 * space that the QEMU `virt` map gives to the high PCIe MMIO window, which
 * the host's stage 2 never maps for the guest: the guest sees there what it
 * sees in direct mode, a region nvlab does not model.
 */
import { Ram } from '../platform/ram.js';

/** 960 GiB: inside the virt machine's high PCIe MMIO window [512 GiB, 1 TiB). */
export const HOST_MEMORY_BASE = 0xf0_0000_0000;
/** Address space reserved for the host; pages are allocated on demand. */
export const HOST_MEMORY_SIZE = 1 << 30;
export const PAGE = 4096;

export class HostMemory {
  readonly ram = new Ram(HOST_MEMORY_BASE, HOST_MEMORY_SIZE);
  private next = HOST_MEMORY_BASE;
  private readonly free: number[] = [];
  /** Pages in use, for statistics and leak checks. */
  inUse = 0;

  contains(pa: number, len = 1): boolean {
    return this.ram.contains(pa, len);
  }

  /** A zeroed 4 KiB page. */
  allocPage(): number {
    let pa = this.free.pop();
    if (pa === undefined) {
      if (this.next + PAGE > HOST_MEMORY_BASE + HOST_MEMORY_SIZE) throw new Error('the L0 host ran out of memory for page tables');
      pa = this.next;
      this.next += PAGE;
    } else {
      this.zero(pa);
    }
    this.inUse++;
    return pa;
  }

  /**
   * `n` (a power of two) zeroed contiguous pages aligned to their total size:
   * a concatenated stage-2 root table.
   */
  allocContiguous(n: number): number {
    if (n === 1) return this.allocPage();
    const size = n * PAGE;
    const base = Math.ceil(this.next / size) * size;
    if (base + size > HOST_MEMORY_BASE + HOST_MEMORY_SIZE) throw new Error('the L0 host ran out of memory for page tables');
    // Pages skipped for the alignment are not lost: they serve single-page allocations.
    for (let p = this.next; p < base; p += PAGE) this.free.push(p);
    this.next = base + size;
    this.inUse += n;
    return base;
  }

  freePage(pa: number): void {
    this.free.push(pa);
    this.inUse--;
  }

  private zero(pa: number): void {
    const c = this.ram.chunk(pa);
    new Uint8Array(c.dv.buffer, Ram.offset(pa), PAGE).fill(0);
  }

  read64(pa: number, out: { lo: number; hi: number }): void {
    const c = this.ram.chunk(pa);
    const off = Ram.offset(pa);
    out.lo = c.dv.getInt32(off, true);
    out.hi = c.dv.getInt32(off + 4, true);
  }

  write64(pa: number, lo: number, hi: number): void {
    const c = this.ram.chunk(pa);
    const off = Ram.offset(pa);
    c.dv.setInt32(off, lo, true);
    c.dv.setInt32(off + 4, hi, true);
  }

  /** Forgets every page (a machine reset). */
  reset(): void {
    this.ram.clear();
    this.next = HOST_MEMORY_BASE;
    this.free.length = 0;
    this.inUse = 0;
  }
}
