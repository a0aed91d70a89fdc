import { SR } from '../arch/generated/sysreg-rules.js';
import { FaultKind } from '../mmu/fault.js';
import { type PhysicalMemory, TF } from '../mmu/mmu.js';
import { Access } from '../mmu/permissions.js';
import { Backing, EmulationStop, type PhysicalBus } from '../platform/bus.js';
import { Ram } from '../platform/ram.js';
import type { Cpu } from './cpu.js';
import { EC, FSC, esr, issDataAbort, issInstructionAbort } from './esr.js';
import { addrTop, currentSctlr, defaultTargetEl, inHost } from './exceptions.js';
import { HCR_DC, SCTLR_A } from './sysreg-bits.js';

/**
 * The CPU side of memory: translation of a virtual address for the current
 * regime (flat while no stage is enabled, else through the MMU), the data
 * TLB that short-cuts RAM accesses, and the aborts an access can raise.
 */

export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;
const PAGE_MASK = -4096;

const EMPTY_VIEW = new DataView(new ArrayBuffer(8));

/**
 * A direct-mapped cache from page-aligned VA to the RAM chunk backing it,
 * filled after an access of its kind (read or write) succeeded at the current
 * EL, and flushed whenever that could stop being true (context changes, PAN,
 * TLB maintenance).
 */
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
/** LDTR/STTR: permission checks as EL0 at EL1 (and at EL2 in the host) unless PSTATE.UAO. */
export const ACC_UNPRIV = 2;
/** Exclusives, atomics and acquire/release: unaligned accesses always fault. */
export const ACC_ALIGN = 4;
/** Data cache maintenance by VA: aborts report CM = 1 (and WnR = 1). */
export const ACC_CM = 8;
/** DC ZVA: Device memory faults as an unaligned access would. */
export const ACC_DEVICE = 16;

const TWO32 = 4294967296;

/** Translation tables are read from RAM; a walk into a hole takes an external abort. */
export function busTableReader(bus: PhysicalBus): PhysicalMemory {
  return {
    readDescriptor(pa: number, out: { lo: number; hi: number }): boolean {
      const host = bus.hostRam;
      if (host !== null && host.contains(pa, 8)) {
        const c = host.chunk(pa);
        const off = Ram.offset(pa);
        out.lo = c.dv.getInt32(off, true);
        out.hi = c.dv.getInt32(off + 4, true);
        return true;
      }
      switch (bus.classify(pa)) {
        case Backing.RAM: {
          if (pa + 8 > bus.ram.base + bus.ram.size) return false;
          const c = bus.ram.chunk(pa);
          const off = Ram.offset(pa);
          out.lo = c.dv.getInt32(off, true);
          out.hi = c.dv.getInt32(off + 4, true);
          return true;
        }
        case Backing.HOLE:
          return false;
        default:
          throw new EmulationStop(
            `translation table walk reads PA 0x${pa.toString(16)} in ${bus.deviceAt(pa)?.name ?? bus.unmodelledAt(pa)?.name ?? 'a device'}; nvlab walks tables in RAM only`,
            'guest-error',
          );
      }
    },
  };
}

/** Raises a data abort for a stage-1 fault on VA (lo, hi) that the core detects itself (alignment, external). */
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

/**
 * Raises the abort for the fault the MMU recorded on VA (lo, hi). Stage-2
 * faults go to EL2 with the IPA in HPFAR_EL2; data aborts there get the
 * instruction syndrome (ISV) from the run loop, which knows the instruction.
 */
export function mmuAbort(cpu: Cpu, lo: number, hi: number, write: boolean, fetch: boolean, cm: boolean): never {
  const f = cpu.mmu.fault;
  const external = f.kind === FaultKind.WALK_EXTERNAL;
  let target: number;
  if (f.stage2) {
    target = 2;
    // HPFAR_EL2.FIPA, bits [43:4], holds IPA[51:12].
    const page = Math.floor(f.ipa / 4096);
    cpu.sr.lo[SR.HPFAR_EL2] = ((page % 0x10000000) * 16) | 0;
    cpu.sr.hi[SR.HPFAR_EL2] = Math.floor(page / 0x10000000) | 0;
    if (!fetch && !f.s1ptw && !cm) cpu.pendingIss = true;
    // Under the L0 host, stage-2 faults are its business: it reports what it made of them.
    if (cpu.el2Host === null) cpu.events.stage2Fault(cpu, lo, hi, f.ipa, f.describe(), fetch, write);
  } else {
    target = defaultTargetEl(cpu);
    if (external && target === 1 && cpu.sr.hi[SR.HCR_EL2]! & (1 << (37 - 32))) target = 2;
  }
  const fsc = f.fsc();
  if (fetch) {
    const ec = target === cpu.el ? EC.IABT_CUR : EC.IABT_LOW;
    return cpu.raise(target, esr(ec, issInstructionAbort(fsc, false, f.s1ptw)), 0, true, lo, hi);
  }
  const ec = target === cpu.el ? EC.DABT_CUR : EC.DABT_LOW;
  const iss = issDataAbort({ fsc, wnr: write || cm, ea: false, cm, s1ptw: f.s1ptw, fnv: false, syndrome: null });
  return cpu.raise(target, esr(ec, iss), 0, true, lo, hi);
}

/**
 * Physical address for VA (lo, hi) with no translation stage enabled
 * (AArch64.TranslateAddressS1Off): bits above the PA size, below the tag byte
 * when top-byte-ignore applies, must be zero. Returns -1 for an address-size fault.
 */
function flatAddress(cpu: Cpu, lo: number, hi: number, el = cpu.el): number {
  const top = addrTop(cpu, hi, el);
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
 * The MMU flags for a data access: alignment, and how privilege applies.
 * LDTR/STTR check EL0 permissions at EL1 (unless HCR_EL2.{NV,NV1} = {1,1},
 * where a guest hypervisor's EL1 stands in for EL2) and at EL2 in the host
 * ({E2H,TGE} = {1,1}), unless PSTATE.UAO. PSTATE.PAN applies to privileged
 * accesses in the regimes that have EL0: EL1&0 (unless {NV,NV1} = {1,1}),
 * and EL2&0 (E2H = 1).
 */
function accessFlags(cpu: Cpu, acc: number, unaligned: boolean): number {
  let f = unaligned ? TF.UNALIGNED : 0;
  const el = cpu.el;
  if (el === 0) return f;
  const hcrHi = cpu.sr.hi[SR.HCR_EL2]!;
  const e2h = (hcrHi & (1 << (34 - 32))) !== 0;
  if (el === 2 && !e2h) return f;
  const nvNv1 = el === 1 && (hcrHi & (3 << (42 - 32))) === 3 << (42 - 32);
  if (acc & ACC_UNPRIV && !cpu.uao) {
    if (el === 1 ? !nvNv1 : inHost(cpu)) return f | TF.UNPRIV;
  }
  // PSTATE.PAN is not honoured with HCR_EL2.{NV,NV1} = {1,1}: there is no EL0 data to protect.
  if (cpu.pan && !nvNv1) f |= TF.PAN;
  return f;
}

/** Set by translateData: the translation may be cached in the data TLB (see DataTlb). */
let cacheable = false;

/**
 * Translates a data access and checks alignment. Returns the PA.
 * Alignment faults from SCTLR.A and from exclusive/atomic accesses are checked
 * on the VA, before translation; the Device-memory alignment fault after it.
 */
export function translateData(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const misaligned = (lo & ((1 << size) - 1)) !== 0;
  const write = (acc & ACC_WRITE) !== 0;
  if (misaligned && (acc & ACC_ALIGN || cpu.sr.lo[currentSctlr(cpu)]! & SCTLR_A)) {
    dataAbort(cpu, lo, hi, FSC.ALIGNMENT, write, false);
  }
  const unaligned = misaligned || (acc & ACC_DEVICE) !== 0;
  const mmu = cpu.mmu;
  if (!mmu.enabledFor(cpu.el)) {
    const pa = flatAddress(cpu, lo, hi);
    if (pa < 0) dataAbort(cpu, lo, hi, FSC.ADDR_SIZE_L0, write, false);
    if (unaligned && flatDataIsDevice(cpu)) dataAbort(cpu, lo, hi, FSC.ALIGNMENT, write, false);
    // The stale-TLB checker needs to see every store (one may write a descriptor); watched pages every access.
    cacheable = cpu.staleTracker === null && (cpu.memWatch === null || !cpu.memWatch.watchesPage(pa));
    return pa;
  }
  const flags = accessFlags(cpu, acc, unaligned);
  if (!mmu.translate(lo, hi, cpu.el, write ? Access.WRITE : Access.READ, flags)) {
    mmuAbort(cpu, lo, hi, write, false, (acc & ACC_CM) !== 0);
  }
  // Unprivileged accesses, stale-TLB checking and watched pages never use the data TLB.
  cacheable = (flags & TF.UNPRIV) === 0 && cpu.staleTracker === null && (cpu.memWatch === null || !cpu.memWatch.watchesPage(mmu.pa));
  return mmu.pa;
}

function fillTlb(tlb: DataTlb, lo: number, hi: number, cpu: Cpu, pa: number): void {
  const c = cpu.bus.ram.chunk(pa);
  const t = (lo >>> 12) & TLB_MASK;
  tlb.tagLo[t] = lo & PAGE_MASK;
  tlb.tagHi[t] = hi;
  tlb.mem[t] = c.dv;
  tlb.off[t] = Ram.offset(pa) & PAGE_MASK;
}

/** A fault on a VNCR_EL2 page access: a Data Abort to EL2 with ESR_EL2.ISS.VNCR (bit 13) set. */
function vncrAbort(cpu: Cpu, lo: number, hi: number, fsc: number, write: boolean, external: boolean): never {
  const ec = cpu.el === 2 ? EC.DABT_CUR : EC.DABT_LOW;
  const iss = issDataAbort({ fsc, wnr: write, ea: external, cm: false, s1ptw: false, fnv: false, syndrome: null }) | (1 << 13);
  return cpu.raise(2, esr(ec, iss), 0, true, lo, hi);
}

/**
 * A FEAT_NV2 access to the VNCR_EL2 page (a 64-bit register slot at VA
 * lo:hi): made in the EL2 translation regime (EL2, or EL2&0 with E2H) as a
 * privileged access whatever EL the PE is at, since the Arm ARM gives NV2
 * accesses an access descriptor for EL2 (CreateAccDescNV2). Never through
 * the data TLB, which caches the current EL's translations. Returns the low
 * half of a read (the high half in cpu.ldHi).
 */
export function vncrAccess(cpu: Cpu, lo: number, hi: number, write: boolean, vlo: number, vhi: number): number {
  const mmu = cpu.mmu;
  let pa: number;
  if (!mmu.enabledFor(2)) {
    pa = flatAddress(cpu, lo, hi, 2);
    if (pa < 0) vncrAbort(cpu, lo, hi, FSC.ADDR_SIZE_L0, write, false);
  } else {
    if (!mmu.translate(lo, hi, 2, write ? Access.WRITE : Access.READ, 0)) vncrAbort(cpu, lo, hi, mmu.fault.fsc(), write, mmu.fault.kind === FaultKind.WALK_EXTERNAL);
    pa = mmu.pa;
  }
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      if (pa + 8 > bus.ram.base + bus.ram.size) return vncrAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, write, true);
      if (write) cpu.staleTracker?.noteStore(pa, 8);
      cpu.memWatch?.check(pa, 8, write, vlo, vhi);
      const c = bus.ram.chunk(pa);
      const off = Ram.offset(pa);
      if (write) {
        c.dv.setInt32(off, vlo, true);
        c.dv.setInt32(off + 4, vhi, true);
        return 0;
      }
      cpu.ldHi = c.dv.getInt32(off + 4, true);
      return c.dv.getInt32(off, true);
    }
    case Backing.DEVICE: {
      const d = bus.deviceAt(pa)!;
      const off = pa - d.base;
      if (write) {
        d.write(off, 4, vlo);
        d.write(off + 4, 4, vhi);
        return 0;
      }
      const l = d.read(off, 4);
      cpu.ldHi = d.read(off + 4, 4);
      return l;
    }
    case Backing.UNMODELLED:
      return bus.unmodelledAccess(pa, write);
    default:
      return vncrAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, write, true);
  }
}

/**
 * Slow-path load of 1 << size bytes. Returns the low 32 bits; for 8-byte loads
 * the high half is left in `cpu.ldHi`.
 */
export function load(cpu: Cpu, lo: number, hi: number, size: number, acc: number): number {
  const pa = translateData(cpu, lo, hi, size, acc);
  const n = 1 << size;
  if ((pa & 0xfff) + n > 4096) return loadSplit(cpu, lo, hi, size, acc);
  cpu.memWatch?.check(pa, n, false, 0, 0);
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      if (pa + n > bus.ram.base + bus.ram.size) dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, false, true);
      if (cacheable) fillTlb(cpu.rtlb, lo, hi, cpu, pa);
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
  cpu.staleTracker?.noteStore(pa, n);
  if ((pa & 0xfff) + n > 4096) {
    storeSplit(cpu, lo, hi, size, vlo, vhi, acc);
    return;
  }
  cpu.memWatch?.check(pa, n, true, vlo, vhi);
  const bus = cpu.bus;
  switch (bus.classify(pa)) {
    case Backing.RAM: {
      if (pa + n > bus.ram.base + bus.ram.size) dataAbort(cpu, lo, hi, FSC.SYNC_EXTERNAL, true, true);
      if (cacheable) fillTlb(cpu.wtlb, lo, hi, cpu, pa);
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
  if (cpu.pendingStop !== null) {
    const why = cpu.pendingStop;
    cpu.pendingStop = null;
    cpu.requestStop({ kind: 'requested', why });
  }
  if (cpu.pcLo & 3) {
    cpu.raise(defaultTargetEl(cpu), esr(EC.PC_ALIGN, 0), 0, true, cpu.pcLo, cpu.pcHi);
  }
  let pa: number;
  const mmu = cpu.mmu;
  if (mmu.enabledFor(cpu.el)) {
    if (!mmu.translate(cpu.pcLo, cpu.pcHi, cpu.el, Access.EXEC, 0)) mmuAbort(cpu, cpu.pcLo, cpu.pcHi, false, true, false);
    pa = mmu.pa;
  } else {
    pa = flatAddress(cpu, cpu.pcLo, cpu.pcHi);
    if (pa < 0) instructionAbort(cpu, FSC.ADDR_SIZE_L0, false);
  }
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
      const bps = cpu.breakpoints;
      const words = bps === null ? null : bps.pageWords(cpu.pcLo, cpu.pcHi);
      cpu.fbp = words !== null;
      if (words !== null) cpu.fbpWords = words;
      if (cpu.fbp) {
        const b = bps!.nextInPage(cpu.pcLo, cpu.pcHi);
        if (b >= 0) {
          const here = (cpu.pcLo & 0xfff) >>> 2;
          if (b === here) {
            if (bps!.skipLo === cpu.pcLo && bps!.skipHi === cpu.pcHi) {
              // Continuing from this breakpoint: execute it once, stop at the next.
              bps!.skipLo = bps!.skipHi = -1;
              cpu.fend = cpu.fidx + 1;
              return;
            }
            cpu.requestStop({ kind: 'breakpoint' });
          }
          // End the window at the breakpoint, so that the run loop comes back here for it.
          cpu.fend = cpu.fidx + (b - here);
        }
      }
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
  if (tlb.tagLo[t] === (lo & PAGE_MASK) && tlb.tagHi[t] === hi && (lo & ((1 << size) - 1)) === 0 && (acc & ACC_UNPRIV) === 0) {
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
  if (tlb.tagLo[t] === (lo & PAGE_MASK) && tlb.tagHi[t] === hi && (lo & ((1 << size) - 1)) === 0 && (acc & ACC_UNPRIV) === 0) {
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
export function debugTranslate(cpu: Cpu, lo: number, hi: number): number {
  const mmu = cpu.mmu;
  if (!mmu.enabledFor(cpu.el)) return flatAddress(cpu, lo, hi);
  // Under the nested L0 host a guest's stage 2 is filled on demand: let the
  // host fill what the guest hypervisor maps (a few tries: a stage-1 walk can
  // need a stage-2 entry per level).
  for (let tries = 0; ; tries++) {
    if (mmu.translate(lo, hi, cpu.el, Access.READ, TF.PROBE)) return mmu.pa;
    const f = mmu.fault;
    if (tries < 6 && f.stage2 && cpu.el2Host?.fillStage2(cpu, f.ipa) === true) continue;
    return -1;
  }
}
