import { Backing, EmulationStop } from '../platform/bus.js';
import { Ram } from '../platform/ram.js';
import type { Cpu } from './cpu.js';
import { EC, FSC, esr, issDataAbort, issInstructionAbort } from './esr.js';
import { addrTop, currentSctlr, defaultTargetEl, inHost } from './exceptions.js';
import { HCR_DC, HCR_VM, SCTLR_A, SCTLR_M } from './sysreg-bits.js';
import { SR } from './sysreg-storage.js';

/**
 * The CPU side of memory: translation of a virtual address for the current
 * regime, the data TLB that short-cuts RAM accesses, and the faults an access
 * can raise. Stage-1 and stage-2 walks arrive with the MMU issue; until then an
 * enabled MMU stops the run instead of being ignored.
 */

export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;
const PAGE_MASK = -4096;

const EMPTY_VIEW = new DataView(new ArrayBuffer(8));

/** A direct-mapped cache from page-aligned VA to the RAM chunk backing it. */
export class DataTlb {
  /** Tag low halves; 1 never matches a page-aligned address, so it marks empty entries. */
  readonly tagLo = new Int32Array(TLB_SIZE).fill(1);
  readonly tagHi = new Int32Array(TLB_SIZE);
  readonly mem: DataView[] = new Array<DataView>(TLB_SIZE).fill(EMPTY_VIEW);
  /** Byte offset of the page inside `mem`. */
  readonly off = new Int32Array(TLB_SIZE);

  flush(): void {
    this.tagLo.fill(1);
  }
}

/** Access attributes. */
export const ACC_WRITE = 1;
/** LDTR/STTR: permission checks as EL0 (matters once stage 1 is enabled). */
export const ACC_UNPRIV = 2;
/** Exclusives, atomics and acquire/release: unaligned accesses always fault. */
export const ACC_ALIGN = 4;

const TWO32 = 4294967296;

/** Raises a data abort for a stage-1 fault on VA (lo, hi). */
export function dataAbort(cpu: Cpu, lo: number, hi: number, fsc: number, write: boolean, external: boolean): never {
  let target = defaultTargetEl(cpu);
  // HCR_EL2.TEA routes synchronous external aborts from EL0/EL1 to EL2.
  if (external && target === 1 && cpu.sr.hi[SR.HCR_EL2]! & (1 << (37 - 32))) target = 2;
  const ec = target === cpu.el ? EC.DABT_CUR : EC.DABT_LOW;
  const iss = issDataAbort({ fsc, wnr: write, ea: false, cm: false, s1ptw: false, fnv: false, syndrome: null });
  return cpu.raise(target, esr(ec, iss), 0, true, lo, hi);
}

function instructionAbort(cpu: Cpu, fsc: number, external: boolean): never {
  let target = defaultTargetEl(cpu);
  if (external && target === 1 && cpu.sr.hi[SR.HCR_EL2]! & (1 << (37 - 32))) target = 2;
  const ec = target === cpu.el ? EC.IABT_CUR : EC.IABT_LOW;
  return cpu.raise(target, esr(ec, issInstructionAbort(fsc, false, false)), 0, true, cpu.pcLo, cpu.pcHi);
}

/** Whether stage 1 is enabled for the regime the current EL uses. */
function stage1Enabled(cpu: Cpu): boolean {
  return (cpu.sr.lo[currentSctlr(cpu)]! & SCTLR_M) !== 0;
}

/** Whether this access goes through stage 2 (EL1&0 regime with HCR_EL2.VM). */
function stage2Enabled(cpu: Cpu): boolean {
  return cpu.el < 2 && !inHost(cpu) && (cpu.sr.lo[SR.HCR_EL2]! & HCR_VM) !== 0;
}

function requireFlatTranslation(cpu: Cpu): void {
  if (stage1Enabled(cpu)) {
    throw new EmulationStop(
      `stage-1 translation is enabled (SCTLR_EL${cpu.el === 0 && !inHost(cpu) ? 1 : Math.max(cpu.el, 1)}.M=1) but the MMU is not implemented yet`,
    );
  }
  if (stage2Enabled(cpu)) {
    throw new EmulationStop('stage-2 translation is enabled (HCR_EL2.VM=1) but the MMU is not implemented yet');
  }
}

/**
 * Physical address for VA (lo, hi) with stage 1 disabled (AArch64.TranslateAddressS1Off):
 * bits above the PA size, below the tag byte when top-byte-ignore applies, must be zero.
 * Returns -1 for an address-size fault.
 */
function flatAddress(cpu: Cpu, lo: number, hi: number): number {
  const top = addrTop(cpu, hi, cpu.el);
  const paBits = cpu.features.paBits;
  const hiMask = top === 55 ? 0x00ffffff : -1;
  const upper = (hi & hiMask) >>> 0;
  if (upper >= 2 ** (paBits - 32)) return -1;
  return upper * TWO32 + (lo >>> 0);
}

/** Data accesses with stage 1 off are Device-nGnRnE unless HCR_EL2.DC makes them Normal. */
export function flatDataIsDevice(cpu: Cpu): boolean {
  if (cpu.el < 2 && !inHost(cpu) && cpu.sr.lo[SR.HCR_EL2]! & HCR_DC) return false;
  return true;
}

/**
 * Translates a data access and checks alignment. Returns the PA.
 * Alignment faults from SCTLR.A and from exclusive/atomic accesses are checked
 * on the VA, before translation; the Device-memory alignment fault after it.
 */
export function translateData(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const mask = (1 << size) - 1;
  const write = (acc & ACC_WRITE) !== 0;
  if (lo & mask && (acc & ACC_ALIGN || cpu.sr.lo[currentSctlr(cpu)]! & SCTLR_A)) {
    dataAbort(cpu, lo, hi, FSC.ALIGNMENT, write, false);
  }
  requireFlatTranslation(cpu);
  const pa = flatAddress(cpu, lo, hi);
  if (pa < 0) dataAbort(cpu, lo, hi, FSC.ADDR_SIZE_L0, write, false);
  if (lo & mask && flatDataIsDevice(cpu)) dataAbort(cpu, lo, hi, FSC.ALIGNMENT, write, false);
  return pa;
}

function fillTlb(tlb: DataTlb, lo: number, hi: number, cpu: Cpu, pa: number): void {
  const c = cpu.bus.ram.chunk(pa);
  const t = (lo >>> 12) & TLB_MASK;
  tlb.tagLo[t] = lo & PAGE_MASK;
  tlb.tagHi[t] = hi;
  tlb.mem[t] = c.dv;
  tlb.off[t] = Ram.offset(pa) & PAGE_MASK;
}

/**
 * Slow-path load of 1 << size bytes. Returns the low 32 bits; for 8-byte loads
 * the high half is left in `cpu.ldHi`.
 */
export function load(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const pa = translateData(cpu, lo, hi, size, acc);
  const n = 1 << size;
  if ((pa & 0xfff) + n > 4096) return loadSplit(cpu, lo, hi, size, acc);
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      if (pa + n > bus.ram.base + bus.ram.size) dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, false, true);
      fillTlb(cpu.rtlb, lo, hi, cpu, pa);
      const c = bus.ram.chunk(pa);
      const off = Ram.offset(pa);
      switch (size) {
        case 0:
          return c.dv.getUint8(off);
        case 1:
          return c.dv.getUint16(off, true);
        case 2:
          return c.dv.getInt32(off, true);
        default:
          cpu.ldHi = c.dv.getInt32(off + 4, true);
          return c.dv.getInt32(off, true);
      }
    }
    case Backing.DEVICE: {
      const d = bus.deviceAt(pa)!;
      const off = pa - d.base;
      if (size === 3) {
        // Devices are 32-bit wide; a 64-bit access becomes two, low word first.
        const l = d.read(off, 4);
        cpu.ldHi = d.read(off + 4, 4);
        return l;
      }
      return d.read(off, n);
    }
    case Backing.UNMODELLED:
      return bus.unmodelledAccess(pa, false);
    default:
      return dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, false, true);
  }
}

/** An unaligned access that crosses a page: done byte by byte (little-endian). */
function loadSplit(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const n = 1 << size;
  let vlo = 0;
  let vhi = 0;
  for (let i = 0; i < n; i++) {
    const s = (lo >>> 0) + i;
    const b = load(cpu, s | 0, (hi + (s >= TWO32 ? 1 : 0)) | 0, 0, acc & ~ACC_ALIGN);
    if (i < 4) vlo |= b << (8 * i);
    else vhi |= b << (8 * (i - 4));
  }
  cpu.ldHi = vhi;
  return vlo;
}

/** Slow-path store of 1 << size bytes of (vlo, vhi). */
export function store(cpu: Cpu, lo: number, hi: number, size: number, vlo: number, vhi: number, acc: number): void {
  const pa = translateData(cpu, lo, hi, size, acc | ACC_WRITE);
  const n = 1 << size;
  if ((pa & 0xfff) + n > 4096) {
    storeSplit(cpu, lo, hi, size, vlo, vhi, acc);
    return;
  }
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      if (pa + n > bus.ram.base + bus.ram.size) dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, true, true);
      fillTlb(cpu.wtlb, lo, hi, cpu, pa);
      const c = bus.ram.chunk(pa);
      const off = Ram.offset(pa);
      switch (size) {
        case 0:
          c.dv.setUint8(off, vlo);
          return;
        case 1:
          c.dv.setUint16(off, vlo, true);
          return;
        case 2:
          c.dv.setInt32(off, vlo, true);
          return;
        default:
          c.dv.setInt32(off, vlo, true);
          c.dv.setInt32(off + 4, vhi, true);
          return;
      }
    }
    case Backing.DEVICE: {
      const d = bus.deviceAt(pa)!;
      const off = pa - d.base;
      if (size === 3) {
        d.write(off, 4, vlo);
        d.write(off + 4, 4, vhi);
      } else {
        d.write(off, n, n === 4 ? vlo : vlo & ((1 << (8 * n)) - 1));
      }
      return;
    }
    case Backing.UNMODELLED:
      bus.unmodelledAccess(pa, true);
      return;
    default:
      dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, true, true);
  }
}

function storeSplit(cpu: Cpu, lo: number, hi: number, size: number, vlo: number, vhi: number, acc: number): void {
  const n = 1 << size;
  // Check every byte before writing any, so a fault on the second page leaves memory untouched.
  for (let i = 0; i < n; i++) {
    const s = (lo >>> 0) + i;
    translateData(cpu, s | 0, (hi + (s >= TWO32 ? 1 : 0)) | 0, 0, (acc | ACC_WRITE) & ~ACC_ALIGN);
  }
  for (let i = 0; i < n; i++) {
    const s = (lo >>> 0) + i;
    const b = i < 4 ? (vlo >>> (8 * i)) & 0xff : (vhi >>> (8 * (i - 4))) & 0xff;
    store(cpu, s | 0, (hi + (s >= TWO32 ? 1 : 0)) | 0, 0, b, 0, acc & ~ACC_ALIGN);
  }
}

/**
 * Points the CPU's fetch window at the page holding PC. Raises the
 * PC-alignment fault, instruction aborts, or the illegal-execution-state
 * exception that PSTATE.IL demands before the next instruction.
 */
export function refillFetch(cpu: Cpu): void {
  if (cpu.pcLo & 3) {
    cpu.raise(defaultTargetEl(cpu), esr(EC.PC_ALIGN, 0), 0, true, cpu.pcLo, cpu.pcHi);
  }
  requireFlatTranslation(cpu);
  const pa = flatAddress(cpu, cpu.pcLo, cpu.pcHi);
  if (pa < 0) instructionAbort(cpu, FSC.ADDR_SIZE_L0, false);
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      // Illegal Execution state ranks below PC alignment faults and Instruction Aborts.
      if (cpu.il) cpu.raise(defaultTargetEl(cpu), esr(EC.ILLEGAL_STATE, 0), 0, false, 0, 0);
      const c = bus.ram.chunk(pa);
      const page = Ram.offset(pa) & PAGE_MASK;
      cpu.fmem = c.w32;
      cpu.fstart = page >> 2;
      cpu.fend = (page >> 2) + 1024;
      cpu.fidx = Ram.offset(pa) >> 2;
      return;
    }
    case Backing.HOLE:
      instructionAbort(cpu, FSC.SYNC_EXTERNAL, true);
      break;
    default:
      throw new EmulationStop(
        `instruction fetch from PA 0x${pa.toString(16)}, which is not RAM (${bus.deviceAt(pa)?.name ?? bus.unmodelledAt(pa)?.name ?? 'device'})`,
        'guest-error',
      );
  }
}

/** Load through the data TLB when it hits (aligned, in-page), else the slow path. */
export function loadAny(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const t = (lo >>> 12) & TLB_MASK;
  const tlb = cpu.rtlb;
  if (tlb.tagLo[t] === (lo & PAGE_MASK) && tlb.tagHi[t] === hi && (lo & ((1 << size) - 1)) === 0) {
    const m = tlb.mem[t]!;
    const o = tlb.off[t]! + (lo & 4095);
    switch (size) {
      case 0:
        return m.getUint8(o);
      case 1:
        return m.getUint16(o, true);
      case 2:
        return m.getInt32(o, true);
      default:
        cpu.ldHi = m.getInt32(o + 4, true);
        return m.getInt32(o, true);
    }
  }
  return load(cpu, lo, hi, size, acc);
}

/** Store through the data TLB when it hits, else the slow path. */
export function storeAny(cpu: Cpu, lo: number, hi: number, size: number, vlo: number, vhi: number, acc: number): void {
  const t = (lo >>> 12) & TLB_MASK;
  const tlb = cpu.wtlb;
  if (tlb.tagLo[t] === (lo & PAGE_MASK) && tlb.tagHi[t] === hi && (lo & ((1 << size) - 1)) === 0) {
    const m = tlb.mem[t]!;
    const o = tlb.off[t]! + (lo & 4095);
    switch (size) {
      case 0:
        m.setUint8(o, vlo & 0xff);
        return;
      case 1:
        m.setUint16(o, vlo & 0xffff, true);
        return;
      case 2:
        m.setInt32(o, vlo, true);
        return;
      default:
        m.setInt32(o, vlo, true);
        m.setInt32(o + 4, vhi, true);
        return;
    }
  }
  store(cpu, lo, hi, size, vlo, vhi, acc);
}

/**
 * Reads guest memory at a virtual address without side effects or guest
 * exceptions (for semihosting arguments, the debugger, traces). Only RAM is
 * readable this way. Returns null when any byte is not RAM-backed.
 */
export function peekVirtual(cpu: Cpu, lo: number, hi: number, len: number): Uint8Array | null {
  const pa = debugTranslate(cpu, lo, hi);
  if (pa < 0 || !cpu.bus.ram.contains(pa, len)) return null;
  return cpu.bus.ram.readBytes(pa, len);
}

/** Writes guest RAM at a virtual address without guest exceptions; false if not RAM. */
export function pokeVirtual(cpu: Cpu, lo: number, hi: number, data: Uint8Array): boolean {
  const pa = debugTranslate(cpu, lo, hi);
  if (pa < 0 || !cpu.bus.ram.contains(pa, data.length)) return false;
  cpu.bus.ram.writeBytes(pa, data);
  return true;
}

/** VA to PA for debug accesses in the current regime; -1 when it cannot be translated. */
function debugTranslate(cpu: Cpu, lo: number, hi: number): number {
  if (stage1Enabled(cpu) || stage2Enabled(cpu)) {
    throw new EmulationStop('debug access with the MMU enabled needs the MMU implementation');
  }
  return flatAddress(cpu, lo, hi);
}
