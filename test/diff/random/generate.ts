/**
 * Random A64 instruction sequences for differential testing against QEMU.
 *
 * A sequence is a list of units. A unit is one instruction or a short group
 * that must run as a whole (an address set-up followed by the access, an
 * exclusive load and its store-exclusive); branches only ever target unit
 * boundaries, always forward, so every path through a sequence keeps the
 * invariants below.
 *
 * Invariants (what keeps every sequence architecturally defined, so that two
 * correct implementations must agree):
 * - X28 (BASE) holds the middle of a 512-byte scratch buffer and SP equals it;
 *   neither is ever written by a sequence. X27 (ROAM) is a base register that
 *   each memory unit which uses it first sets from BASE; besides those set-ups
 *   only the unit's own writeback, or a load that ends the unit, writes it,
 *   and it is never the data register of an access with writeback.
 * - Every data access is naturally aligned (pairs: each element; exclusive
 *   pairs and CASP: the whole pair) and inside the buffer.
 * - No CONSTRAINED UNPREDICTABLE forms: no writeback with Rt == Rn, no
 *   LDP/LDXP with Rt == Rt2, no STXR/STXP status register equal to a data or
 *   base register, no CASP with odd registers, Ra = 31 for SMULH/UMULH, the
 *   "should be one" fields of exclusives set.
 * - Store-exclusives pair with the load-exclusive of the same unit (same
 *   address and size, nothing stored in between), or run with the monitor
 *   known to be open (each sequence starts with CLREX and every unit leaves
 *   the monitor open), where they must fail.
 * - No instruction from a feature nvlab does not implement (FP/SIMD, SVE,
 *   SME, PAuth, MTE, BTI, ...). Deliberately UNDEFINED words come only from
 *   encodings that are unallocated in the base ISA, or reserved field values
 *   of the integer classes, never from space a feature of QEMU's `-cpu max`
 *   allocates.
 *
 * - Nothing IMPLEMENTATION DEFINED where QEMU and the Arm ARM may part:
 *   no store between a load-exclusive and its store-exclusive (whether it
 *   clears the monitor is IMPLEMENTATION DEFINED; QEMU compares values), no
 *   store-exclusive to another address or size than the monitored one.
 *
 * Left out because QEMU 7.2 differs from the Arm ARM there: unaligned data
 * accesses (with the MMU off all data accesses are Device-nGnRnE and must
 * take an alignment fault; QEMU performs them), data aborts in general (QEMU
 * sets ESR.ISV for stage-1 aborts taken to EL2; the image's handler also
 * masks ESR[24:14] for data aborts), a misaligned SP (QEMU has no SP
 * alignment check: SP is never written here).
 */
import * as A from './a64.js';
import type { Insn } from './a64.js';
import { Rng } from '../../util/rng.js';

export const BASE = 28;
export const ROAM = 27;
/** Scratch buffer, relative to BASE: [BUF_LO, BUF_HI). */
export const BUF_LO = -256;
export const BUF_HI = 256;
export const BUF_SIZE = BUF_HI - BUF_LO;

/** Registers a sequence may write (not BASE, not ROAM). */
const WRITABLE: readonly number[] = [...Array(27).keys(), 29, 30];

export const MIN_LEN = 10;
export const MAX_LEN = 30;

interface Unit {
  insns: Insn[];
  /**
   * Encodes the unit's last instruction once the layout is known: `at` is its
   * index in the sequence, `pos` the start of every unit (and the end), `i` this unit.
   */
  late?: (at: number, pos: readonly number[], i: number) => Insn;
  template: string;
}

export interface SequenceInit {
  /** X0..X30; index 28 (BASE) is ignored. */
  regs: bigint[];
  /** NZCV in bits [31:28]. */
  nzcv: number;
  /** Initial contents of the scratch buffer. */
  mem: Uint8Array;
}

export interface Sequence {
  init: SequenceInit;
  insns: Insn[];
  /** Template name of each instruction (shared by the instructions of a unit). */
  templates: string[];
}

const MASK64 = (1n << 64n) - 1n;

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

/**
 * DecodeBitMasks (Arm ARM J1, shared pseudocode) for logical immediates:
 * the immediate, or null where the encoding is reserved. Written from the
 * pseudocode for the generator, independent of the emulator's copy.
 */
export function bitmaskImmediate(n: number, imms: number, immr: number, width: 32 | 64): bigint | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1 || (width === 32 && len > 5)) return null;
  const levels = (1 << len) - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return null;
  const esize = 1 << len;
  let elem = ones(s + 1);
  if (r) elem = ((elem >> BigInt(r)) | (elem << BigInt(esize - r))) & ones(esize);
  let v = 0n;
  for (let i = 0; i < width; i += esize) v |= elem << BigInt(i);
  return v;
}

const SPECIALS: readonly bigint[] = [
  0n,
  1n,
  2n,
  MASK64,
  MASK64 - 1n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0x8000000000000001n,
  0xffffffffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffff80000000n,
  0xffffffff7fffffffn,
  0x100000000n,
  0xffffn,
  0x8000n,
  0xff80n,
  0x80n,
  0xffn,
  0x7fn,
  0x0123456789abcdefn,
  0xfedcba9876543210n,
];

function randomValue(r: Rng): bigint {
  switch (r.int(8)) {
    case 0:
    case 1:
    case 2:
      return r.u64();
    case 3:
      return r.pick(SPECIALS);
    case 4:
      return BigInt(r.int(33)) - 16n & MASK64;
    case 5:
      return BigInt(r.u32());
    case 6:
      return BigInt.asUintN(64, BigInt(r.u32() | 0));
    default: {
      // Byte patterns: runs of 00/ff/80/7f/random.
      let v = 0n;
      for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(r.pick([0, 0xff, 0x80, 0x7f, r.int(256)]));
      return v;
    }
  }
}

/** Generates sequence `index` of the image with `seed`. */
export function generateSequence(seed: number, index: number): Sequence {
  const r = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
  return new SequenceBuilder(r).build();
}

type TemplateFn = () => Unit | null;

class SequenceBuilder {
  private readonly active: number[];

  constructor(private readonly r: Rng) {
    const pool = [...WRITABLE];
    this.active = [];
    const n = r.range(5, 10);
    for (let i = 0; i < n; i++) this.active.push(pool.splice(r.int(pool.length), 1)[0]!);
  }

  // ------------------------------------------------------------ register choice

  /** A source register: 31 reads ZR (or SP where the operand allows it). */
  private src(): number {
    const x = this.r.int(20);
    if (x < 15) return this.r.pick(this.active);
    if (x < 17) return 31;
    return this.r.int(31);
  }

  /** A destination; 31 (ZR) only when `zr` says the encoding writes ZR there. */
  private dst(zr: boolean): number {
    if (zr && this.r.int(12) === 0) return 31;
    return this.r.pick(this.active);
  }

  private dstNot(zr: boolean, ...avoid: number[]): number {
    for (;;) {
      const d = this.dst(zr);
      if (!avoid.includes(d)) return d;
    }
  }

  private sf(): number {
    return this.r.bool(0.6) ? 1 : 0;
  }

  /** True with probability p: used to produce the occasional reserved encoding. */
  private rare(p = 0.03): boolean {
    return this.r.bool(p);
  }

  private imm12(): number {
    const r = this.r;
    return r.pick([0, 1, 4095, r.int(16), r.int(4096), r.int(4096)]);
  }

  // ------------------------------------------------------------ templates

  private readonly templates: Record<string, [number, TemplateFn]> = {
    addSubImm: [6, () => this.addSubImm()],
    addSubShifted: [6, () => this.addSubShifted()],
    addSubExtended: [5, () => this.addSubExtended()],
    logicalImm: [6, () => this.logicalImm()],
    logicalShifted: [6, () => this.logicalShifted()],
    moveWide: [5, () => this.moveWide()],
    bitfield: [6, () => this.bitfield()],
    extr: [3, () => this.extr()],
    adcSbc: [4, () => this.adcSbc()],
    condCompare: [4, () => this.condCompare()],
    condSelect: [4, () => this.condSelect()],
    mulAdd: [5, () => this.mulAdd()],
    divide: [4, () => this.divide()],
    shiftVariable: [3, () => this.shiftVariable()],
    oneSource: [4, () => this.oneSource()],
    crc32: [3, () => this.crc()],
    flagM: [3, () => this.flagM()],
    nzcvAccess: [1, () => this.nzcvAccess()],
    adr: [2, () => this.pcRel()],
    ldstUnsignedOffset: [6, () => this.ldstUimm()],
    ldstUnscaled: [4, () => this.ldstUnscaled(0)],
    ldstUnprivileged: [2, () => this.ldstUnscaled(2)],
    ldstPrePost: [5, () => this.ldstPrePost()],
    ldstRegisterOffset: [5, () => this.ldstRegOffset()],
    ldstPair: [5, () => this.ldstPair()],
    exclusive: [3, () => this.exclusive()],
    exclusivePair: [2, () => this.exclusivePair()],
    storeExclusiveOpenMonitor: [1, () => this.loneStoreExclusive()],
    acquireRelease: [3, () => this.acquireRelease()],
    rcpcUnscaled: [3, () => this.rcpcUnscaled()],
    cas: [3, () => this.cas()],
    casp: [2, () => this.casp()],
    atomic: [5, () => this.atomicOp()],
    loadLiteral: [2, () => this.loadLiteral()],
    prefetch: [1, () => this.prefetch()],
    hint: [1, () => this.hintNop()],
    movAlias: [2, () => this.movAlias()],
    shiftImmediate: [3, () => this.shiftImmediate()],
    barrier: [1, () => this.barrier()],
    branch: [7, () => this.branch()],
    exception: [2, () => this.exception()],
    undefined: [2, () => this.undefinedWord()],
  };

  build(): Sequence {
    const r = this.r;
    const init: SequenceInit = {
      regs: Array.from({ length: 31 }, (_, i) => (i === BASE ? 0n : randomValue(r))),
      nzcv: r.int(16) << 28,
      mem: new Uint8Array(BUF_SIZE),
    };
    for (let i = 0; i < BUF_SIZE; i += 8) {
      const v = randomValue(r);
      for (let k = 0; k < 8; k++) init.mem[i + k] = Number((v >> BigInt(8 * k)) & 0xffn);
    }
    const target = r.range(MIN_LEN, MAX_LEN);
    const weights: Record<string, number> = {};
    for (const [k, [w]] of Object.entries(this.templates)) weights[k] = w;
    const units: Unit[] = [];
    let len = 0;
    let tries = 0;
    while (len < target && tries < 1000) {
      tries++;
      const name = r.weighted(weights);
      const unit = this.templates[name]![1]();
      if (!unit || len + unit.insns.length > MAX_LEN) continue;
      unit.template = name;
      units.push(unit);
      len += unit.insns.length;
    }
    // Branch targets, literal offsets: encoded once every unit has its place.
    const pos: number[] = [];
    let p = 0;
    for (const u of units) {
      pos.push(p);
      p += u.insns.length;
    }
    pos.push(p);
    const insns = units.flatMap((u) => u.insns);
    units.forEach((u, i) => {
      if (!u.late) return;
      const at = pos[i]! + u.insns.length - 1;
      insns[at] = u.late(at, pos, i);
    });
    const templates = units.flatMap((u) => u.insns.map(() => u.template));
    return { init, insns, templates };
  }

  private unit(...insns: Insn[]): Unit {
    return { insns, template: '' };
  }

  // ------------------------------------------------------------ data processing

  private addSubImm(): Unit {
    const r = this.r;
    const sf = this.sf();
    const s = r.int(2);
    // Without S, Rd = 31 is SP, which sequences never write.
    return this.unit(A.addSubImm(sf, r.int(2), s, r.bool(0.2) ? 1 : 0, this.imm12(), this.src(), this.dst(s === 1)));
  }

  private addSubShifted(): Unit {
    const r = this.r;
    const sf = this.sf();
    const shift = this.rare() ? 3 : r.int(3);
    const imm6 = this.rare() && !sf ? r.range(32, 63) : r.pick([0, r.int(sf ? 64 : 32)]);
    return this.unit(A.addSubShifted(sf, r.int(2), r.int(2), shift, this.src(), imm6, this.src(), this.dst(true)));
  }

  private addSubExtended(): Unit {
    const r = this.r;
    const sf = this.sf();
    const s = r.int(2);
    const imm3 = this.rare() ? r.range(5, 7) : r.int(5);
    return this.unit(A.addSubExtended(sf, r.int(2), s, this.src(), r.int(8), imm3, this.src(), this.dst(s === 1)));
  }

  private logicalImm(): Unit {
    const r = this.r;
    let sf = this.sf();
    const opc = r.int(4);
    let n: number;
    let imms: number;
    let immr = r.int(64);
    if (this.rare(0.05)) {
      // Reserved: N=1 in the 32-bit form, an all-ones element, or no element size.
      switch (r.int(3)) {
        case 0:
          sf = 0;
          n = 1;
          imms = r.int(64);
          break;
        case 1: {
          const len = r.range(1, sf ? 6 : 5);
          n = len === 6 ? 1 : 0;
          imms = len === 6 ? 63 : (0x3f & ~((1 << (len + 1)) - 1)) | ((1 << len) - 1);
          break;
        }
        default:
          n = 0;
          imms = r.pick([0x3e, 0x3f]);
      }
    } else {
      const len = r.range(1, sf ? 6 : 5);
      const esize = 1 << len;
      n = len === 6 ? 1 : 0;
      const s = r.int(esize - 1);
      imms = len === 6 ? s : (0x3f & ~((1 << (len + 1)) - 1)) | s;
      if (!sf) immr &= 31;
    }
    const value = sf || !n ? bitmaskImmediate(n, imms, immr, sf ? 64 : 32) : null;
    // AND/ORR/EOR write SP for Rd = 31; only ANDS writes ZR.
    return this.unit(A.logicalImm(sf, opc, n, immr, imms, this.src(), this.dst(opc === 3), value));
  }

  private logicalShifted(): Unit {
    const r = this.r;
    const sf = this.sf();
    const imm6 = this.rare() && !sf ? r.range(32, 63) : r.pick([0, r.int(sf ? 64 : 32)]);
    return this.unit(A.logicalShifted(sf, r.int(4), r.int(4), r.int(2), this.src(), imm6, this.src(), this.dst(true)));
  }

  private moveWide(): Unit {
    const r = this.r;
    const sf = this.sf();
    if (this.rare(0.02)) return this.unit(A.moveWide(sf, r.bool() ? 1 : 0, r.int(4), r.int(65536), this.dst(true)));
    return this.unit(A.moveWide(sf, r.pick([0, 2, 3]), r.int(sf ? 4 : 2), r.pick([0, 0xffff, r.int(65536)]), this.dst(true)));
  }

  private bitfield(): Unit {
    const r = this.r;
    const sf = this.sf();
    const w = sf ? 64 : 32;
    if (this.rare(0.02)) {
      // Reserved: opc = 11, N != sf, or a 32-bit immr/imms >= 32.
      const k = r.int(3);
      return this.unit(A.bitfield(sf, k === 0 ? 3 : r.int(3), k === 1 ? sf ^ 1 : sf, k === 2 && !sf ? 32 + r.int(32) : r.int(w), r.int(w), this.src(), this.dst(true)));
    }
    return this.unit(A.bitfield(sf, r.int(3), sf, r.int(w), r.int(w), this.src(), this.dst(true)));
  }

  private extr(): Unit {
    const r = this.r;
    const sf = this.sf();
    const rn = this.src();
    const rm = r.bool(0.25) ? rn : this.src(); // Rn == Rm is ROR (immediate)
    return this.unit(A.extr(sf, sf, rm, r.int(sf ? 64 : 32), rn, this.dst(true)));
  }

  private adcSbc(): Unit {
    const r = this.r;
    return this.unit(A.adcSbc(this.sf(), r.int(2), r.int(2), this.src(), this.src(), this.dst(true)));
  }

  private condCompare(): Unit {
    const r = this.r;
    const isImm = r.int(2);
    return this.unit(A.condCompare(this.sf(), r.int(2), isImm, isImm ? r.int(32) : this.src(), r.int(16), this.src(), r.int(16)));
  }

  private condSelect(): Unit {
    const r = this.r;
    return this.unit(A.condSelect(this.sf(), r.int(2), r.int(2), this.src(), r.int(16), this.src(), this.dst(true)));
  }

  private mulAdd(): Unit {
    const r = this.r;
    switch (r.int(4)) {
      case 0:
      case 1:
        return this.unit(A.threeSource(this.sf(), 0, r.int(2), this.src(), this.src(), this.src(), this.dst(true)));
      case 2:
        return this.unit(A.threeSource(1, r.pick([1, 5]), r.int(2), this.src(), this.src(), this.src(), this.dst(true)));
      default:
        // SMULH/UMULH: Ra is a should-be-one field.
        return this.unit(A.threeSource(1, r.pick([2, 6]), 0, this.src(), 31, this.src(), this.dst(true)));
    }
  }

  private divide(): Unit {
    const r = this.r;
    const sf = this.sf();
    const op = r.pick([2, 3]);
    const k = r.int(6);
    if (k === 0) {
      // Zero divisor, in a register or as ZR.
      const m = r.bool() ? 31 : this.dst(false);
      const pre = m === 31 ? [] : [A.moveWide(sf, 2, 0, 0, m)];
      return this.unit(...pre, A.twoSource(sf, op, m, this.src(), this.dst(true)));
    }
    if (k === 1) {
      // INT_MIN / -1.
      const n = this.dst(false);
      const m = this.dstNot(false, n);
      return this.unit(A.moveWide(sf, 2, sf ? 3 : 1, 0x8000, n), A.moveWide(sf, 0, 0, 0, m), A.twoSource(sf, op, m, n, this.dst(true)));
    }
    return this.unit(A.twoSource(sf, op, this.src(), this.src(), this.dst(true)));
  }

  private shiftVariable(): Unit {
    const r = this.r;
    return this.unit(A.twoSource(this.sf(), 8 + r.int(4), this.src(), this.src(), this.dst(true)));
  }

  private oneSource(): Unit {
    const r = this.r;
    // sf = 0 with opcode 000011 is unallocated. Opcodes above 5 are left out:
    // FEAT_CSSC (not in QEMU 7.2) allocates them.
    return this.unit(A.oneSource(this.sf(), r.int(6), this.src(), this.dst(true)));
  }

  private crc(): Unit {
    const r = this.r;
    const sz = r.int(4);
    const sf = this.rare() ? (sz === 3 ? 0 : 1) : sz === 3 ? 1 : 0;
    return this.unit(A.twoSource(sf, 0b010000 | (r.int(2) << 2) | sz, this.src(), this.src(), this.dst(true)));
  }

  private flagM(): Unit {
    const r = this.r;
    switch (r.int(5)) {
      case 0:
        return this.unit(A.CFINV);
      case 1:
        return this.unit(A.AXFLAG);
      case 2:
        return this.unit(A.XAFLAG);
      case 3:
        return this.unit(A.rmif(r.int(64), this.src(), r.int(16)));
      default:
        return this.unit(A.setf(r.int(2), this.src()));
    }
  }

  private nzcvAccess(): Unit {
    return this.r.bool() ? this.unit(A.mrs(this.dst(true), A.SYSREG.NZCV)) : this.unit(A.msr(A.SYSREG.NZCV, this.src()));
  }

  private pcRel(): Unit {
    const r = this.r;
    return this.unit(A.adr(r.int(2), r.int(1 << 21) - (1 << 20), this.dst(true)));
  }

  // ------------------------------------------------------------ memory

  /** A naturally aligned offset (relative to BASE) for `bytes` bytes inside the buffer. */
  private addr(bytes: number, align = bytes): number {
    const slots = (BUF_SIZE - bytes) / align + 1;
    return BUF_LO + align * this.r.int(slots);
  }

  /** `add/sub x27, x28, #k`: points ROAM at BASE + k. */
  private setRoam(k: number): Insn {
    return k >= 0 ? A.addSubImm(1, 0, 0, 0, k, BASE, ROAM) : A.addSubImm(1, 1, 0, 0, -k, BASE, ROAM);
  }

  /** Kind of load/store for a size: opc 0 store, 1 load, 2 signed to X, 3 signed to W. */
  private ldstOpc(size: number): number {
    const r = this.r;
    if (size === 3) return r.int(2);
    if (size === 2) return r.int(3);
    return r.int(4);
  }

  /** Data register: loads write a destination (ZR allowed), stores read any register. */
  private dataReg(opc: number, ...avoid: number[]): number {
    if (opc === 0) {
      for (;;) {
        const s = this.src();
        if (!avoid.includes(s)) return s;
      }
    }
    return this.dstNot(true, ...avoid);
  }

  /** Load destination; with base ROAM sometimes ROAM itself (no writeback: the load overwrites its base). */
  private loadDst(rn: number): number {
    if (rn === ROAM && this.r.bool(0.15)) return ROAM;
    return this.dstNot(true);
  }

  private ldstUimm(): Unit {
    const r = this.r;
    const size = r.int(4);
    if (this.rare(0.04) && size >= 2) return this.unit(A.ldstUimm(size, 3, r.int(64), BASE, this.dst(true)));
    const opc = this.ldstOpc(size);
    const bytes = 1 << size;
    const o = this.addr(bytes);
    const rt = this.dataReg(opc);
    const base = r.int(3);
    if (base < 2 && o >= 0) return this.unit(A.ldstUimm(size, opc, o >> size, base === 0 ? BASE : 31, rt));
    // ROAM below the address, aligned to the access size.
    const k = o - bytes * r.int((o - BUF_LO) / bytes + 1);
    return this.unit(this.setRoam(k), A.ldstUimm(size, opc, (o - k) >> size, ROAM, opc ? this.loadDst(ROAM) : rt));
  }

  /** LDUR/STUR (type 0) or LDTR/STTR (type 2); at EL2 without E2H these are ordinary accesses. */
  private ldstUnscaled(type: number): Unit {
    const r = this.r;
    const size = r.int(4);
    const opc = this.ldstOpc(size);
    const o = this.addr(1 << size);
    const rt = this.dataReg(opc);
    const base = r.int(3);
    if (base < 2) return this.unit(A.ldstImm9(size, opc, o, type, base === 0 ? BASE : 31, rt));
    const k = Math.max(-256, Math.min(256, o + r.range(-255, 255)));
    return this.unit(this.setRoam(k), A.ldstImm9(size, opc, o - k, type, ROAM, opc ? this.loadDst(ROAM) : rt));
  }

  private ldstPrePost(): Unit {
    const r = this.r;
    const size = r.int(4);
    const opc = this.ldstOpc(size);
    const o = this.addr(1 << size);
    // Writeback with Rt == Rn is CONSTRAINED UNPREDICTABLE: ROAM is never the data register.
    const rt = this.dataReg(opc, ROAM);
    if (r.bool()) {
      // Post-index: access at ROAM, then ROAM += imm9.
      return this.unit(this.setRoam(o), A.ldstImm9(size, opc, r.range(-256, 255), 1, ROAM, rt));
    }
    const k = Math.max(-256, Math.min(256, o - r.range(-256, 255)));
    return this.unit(this.setRoam(k), A.ldstImm9(size, opc, o - k, 3, ROAM, rt));
  }

  /** Sets register m to `v` (a value the extend under test turns into the index). */
  private setIndex(m: number, v: bigint, option: number): Insn[] {
    const r = this.r;
    const out: Insn[] = [];
    const v64 = BigInt.asUintN(64, v);
    if (v >= 0n) out.push(A.moveWide(1, 2, 0, Number(v64 & 0xffffn), m));
    else out.push(A.moveWide(1, 0, 0, Number(~v64 & 0xffffn), m));
    // For the W-register extends the upper half must not matter: fill it with noise.
    if ((option === 2 || option === 6) && r.bool(0.7)) out.push(A.moveWide(1, 3, r.pick([2, 3]), r.int(65536), m));
    return out;
  }

  private ldstRegOffset(): Unit {
    const r = this.r;
    const size = r.int(4);
    const bytes = 1 << size;
    if (this.rare(0.04)) return this.unit(A.ldstReg(size, 1, this.src(), r.pick([0, 1, 4, 5]), r.int(2), BASE, this.dst(true)));
    const opc = size === 3 && this.rare(0.1) ? 2 : this.ldstOpc(size); // size 3, opc 2: PRFM (register)
    const option = r.pick([2, 3, 6, 7]);
    const s = r.int(2);
    const scale = s ? size : 0;
    const o = this.addr(bytes);
    const baseKind = r.int(3);
    const pre: Insn[] = [];
    let rn: number;
    let kb: number;
    if (baseKind < 2) {
      rn = baseKind === 0 ? BASE : 31;
      kb = 0;
    } else {
      rn = ROAM;
      kb = bytes * r.range(BUF_LO / bytes, BUF_HI / bytes);
      pre.push(this.setRoam(kb));
    }
    let idx = (o - kb) / (1 << scale);
    if (option === 2 && idx < 0) {
      // UXTW cannot make a negative index: use the mirrored address, or the base itself.
      idx = -idx;
      if (kb + idx * (1 << scale) + bytes > BUF_HI) idx = 0;
    }
    let m: number;
    if (idx === 0 && r.bool(0.3)) {
      m = 31; // XZR as the index
    } else {
      m = this.dstNot(false, ROAM, BASE);
      pre.push(...this.setIndex(m, BigInt(idx), option));
    }
    const rt = opc === 2 && size === 3 ? r.int(32) : opc ? this.loadDst(rn) : this.dataReg(opc);
    return this.unit(...pre, A.ldstReg(size, opc, m, option, s, rn, rt));
  }

  private ldstPair(): Unit {
    const r = this.r;
    const kind = r.int(5); // 0,1: 64-bit, 2,3: 32-bit, 4: LDPSW
    const opc = kind < 2 ? 2 : kind < 4 ? 0 : 1;
    const e = opc === 2 ? 8 : 4;
    const l = opc === 1 ? 1 : r.int(2);
    const mode = r.pick(opc === 1 ? [1, 2, 3] : [0, 1, 2, 3]);
    const o = this.addr(2 * e, e);
    const wb = mode === 1 || mode === 3;
    const avoid = wb ? [ROAM] : [];
    let rt: number;
    let rt2: number;
    if (l) {
      // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE.
      rt = this.dstNot(true, ...avoid);
      rt2 = this.dstNot(true, rt, ...avoid);
    } else {
      rt = this.dataReg(0, ...avoid);
      rt2 = this.dataReg(0, ...avoid);
    }
    if (!wb && r.bool(0.5)) {
      const rn = r.bool() ? BASE : 31;
      return this.unit(A.ldstPair(opc, mode, l, o / e, rt2, rn, rt));
    }
    let k: number;
    let imm: number;
    if (mode === 1) {
      k = o;
      imm = r.range(-64, 63);
    } else {
      imm = r.range(Math.max(-64, Math.ceil((o - 256) / e)), Math.min(63, Math.floor((o + 256) / e)));
      k = o - imm * e;
    }
    if (l && !wb && r.bool(0.15)) {
      // The load overwrites its own base register (allowed without writeback).
      if (r.bool()) rt = ROAM;
      else rt2 = ROAM;
    }
    return this.unit(this.setRoam(k), A.ldstPair(opc, mode, l, imm, rt2, ROAM, rt));
  }

  /** Points a base at `o` for [Xn] accesses: BASE itself when o == 0, else ROAM. */
  private baseAt(o: number): { pre: Insn[]; rn: number } {
    if (o === 0 && this.r.bool()) return { pre: [], rn: BASE };
    return { pre: [this.setRoam(o)], rn: ROAM };
  }

  private exclusive(): Unit {
    const r = this.r;
    const size = r.int(4);
    const sf = size === 3 ? 1 : 0;
    const o = this.addr(1 << size);
    const { pre, rn } = this.baseAt(o);
    const rt = this.dstNot(true);
    const mid: Insn[] = [];
    let st = rt === 31 ? this.src() : rt;
    if (rt !== 31 && r.bool(0.6)) {
      // Compute the value to store from the loaded one.
      st = this.dstNot(false);
      mid.push(A.addSubImm(sf, r.int(2), 0, 0, r.range(1, 4095), rt, st));
    } else if (r.bool()) {
      st = this.src();
    }
    // STXR with Rs == Rt or Rs == Rn is CONSTRAINED UNPREDICTABLE.
    const ws = this.dstNot(true, st, rn);
    return this.unit(...pre, A.ldxr(size, r.int(2), rn, rt), ...mid, A.stxr(size, r.int(2), ws, rn, st));
  }

  private exclusivePair(): Unit {
    const r = this.r;
    const sf = r.int(2);
    const e = sf ? 8 : 4;
    const o = this.addr(2 * e);
    const { pre, rn } = this.baseAt(o);
    const rt = this.dstNot(false);
    const rt2 = this.dstNot(false, rt);
    const mid: Insn[] = [];
    let s1 = rt;
    let s2 = rt2;
    if (r.bool(0.5)) {
      s1 = this.dstNot(false);
      mid.push(A.addSubShifted(sf, 0, 0, 0, rt2, 0, rt, s1));
    }
    if (r.bool(0.3)) s2 = this.src();
    const ws = this.dstNot(true, s1, s2, rn);
    return this.unit(...pre, A.ldxp(sf, r.int(2), rn, rt, rt2), ...mid, A.stxp(sf, r.int(2), ws, rn, s1, s2));
  }

  /** A store-exclusive with the local monitor open: fails, writes 1 to Ws, stores nothing. */
  private loneStoreExclusive(): Unit {
    const r = this.r;
    if (r.bool()) {
      const size = r.int(4);
      const o = this.addr(1 << size);
      const { pre, rn } = this.baseAt(o);
      const st = this.src();
      return this.unit(...pre, A.stxr(size, r.int(2), this.dstNot(true, st, rn), rn, st));
    }
    const sf = r.int(2);
    const o = this.addr(sf ? 16 : 8);
    const { pre, rn } = this.baseAt(o);
    const s1 = this.src();
    const s2 = this.src();
    return this.unit(...pre, A.stxp(sf, r.int(2), this.dstNot(true, s1, s2, rn), rn, s1, s2));
  }

  private acquireRelease(): Unit {
    const r = this.r;
    const size = r.int(4);
    const o = this.addr(1 << size);
    const { pre, rn } = this.baseAt(o);
    switch (r.int(3)) {
      case 0:
        return this.unit(...pre, A.ldar(size, r.int(2), rn, this.loadDst(rn)));
      case 1:
        return this.unit(...pre, A.stlr(size, r.int(2), rn, this.src()));
      default:
        return this.unit(...pre, A.ldapr(size, rn, this.loadDst(rn)));
    }
  }

  private rcpcUnscaled(): Unit {
    const r = this.r;
    const size = r.int(4);
    const opc = this.ldstOpc(size); // same opc meanings as LDR/STR: 0 STLUR, 1 LDAPUR, 2/3 LDAPURS
    const o = this.addr(1 << size);
    const rt = this.dataReg(opc);
    if (r.bool(0.4)) return this.unit(A.rcpcUnscaled(size, opc, o, r.bool() ? BASE : 31, rt));
    const k = Math.max(-256, Math.min(256, o + r.range(-255, 255)));
    return this.unit(this.setRoam(k), A.rcpcUnscaled(size, opc, o - k, ROAM, opc ? this.loadDst(ROAM) : rt));
  }

  /** Loads the current memory value at the unit's base into `rd` (so a CAS compares equal). */
  private loadSame(size: number, rn: number, rd: number): Insn {
    return A.ldstUimm(size, 1, 0, rn, rd);
  }

  private cas(): Unit {
    const r = this.r;
    const size = r.int(4);
    const o = this.addr(1 << size);
    const { pre, rn } = this.baseAt(o);
    const rs = this.dstNot(true);
    const rt = this.src();
    const mid = rs !== 31 && r.bool(0.5) ? [this.loadSame(size, rn, rs)] : [];
    return this.unit(...pre, ...mid, A.cas(size, r.int(2), r.int(2), rs, rn, rt));
  }

  private casp(): Unit {
    const r = this.r;
    const sf = r.int(2);
    const o = this.addr(sf ? 16 : 8);
    const { pre, rn } = this.baseAt(o);
    // Even pairs that do not include BASE or ROAM; (30, 31) compares and writes X30 and XZR.
    const pairs = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 30];
    const rs = r.pick(pairs);
    const rt = r.int(16) * 2;
    const mid = r.bool(0.5) ? [A.ldstPair(sf ? 2 : 0, 2, 1, 0, rs + 1, rn, rs)] : [];
    return this.unit(...pre, ...mid, A.casp(sf, r.int(2), r.int(2), rs, rn, rt));
  }

  private atomicOp(): Unit {
    const r = this.r;
    const size = r.int(4);
    const o = this.addr(1 << size);
    const { pre, rn } = this.baseAt(o);
    return this.unit(...pre, A.atomic(size, r.int(9), r.int(2), r.int(2), this.src(), rn, this.dstNot(true)));
  }

  /**
   * LDR/LDRSW/PRFM (literal) of words near the load: the sequence's own code or
   * the block around it. Sequences start 8-byte aligned, so the offset keeps
   * 8-byte loads aligned.
   */
  private loadLiteral(): Unit {
    const r = this.r;
    const opc = r.int(4);
    const rt = opc === 3 ? r.int(32) : this.loadDst(-1);
    const late = (at: number, pos: readonly number[]): Insn => {
      const n = pos[pos.length - 1]!;
      let k = r.range(-16, n - at + 8);
      if (opc === 1 && (at + k) & 1) k++;
      return A.ldrLiteral(opc, 4 * k, rt);
    };
    return { insns: [A.NOP], late, template: '' };
  }

  /** Hints that are NOPs on both (not the PAuth/BTI/WFx ones QEMU's `-cpu max` gives meaning). */
  private hintNop(): Unit {
    return this.unit(A.hint(this.r.pick([0, 1, 5, 6, 20])));
  }

  /** MOV aliases: ORR Rd, ZR, Rm and ADD Rd, SP, #0 (MOV to/from SP, here only from SP). */
  private movAlias(): Unit {
    const r = this.r;
    const sf = this.sf();
    if (r.bool()) return this.unit(A.logicalShifted(sf, 1, 0, 0, this.src(), 0, 31, this.dst(true)));
    return this.unit(A.addSubImm(sf, 0, 0, 0, 0, r.bool() ? 31 : this.src(), this.dst(false)));
  }

  /** LSL/LSR/ASR (immediate), the UBFM/SBFM aliases. */
  private shiftImmediate(): Unit {
    const r = this.r;
    const sf = this.sf();
    const w = sf ? 64 : 32;
    const sh = r.int(w);
    switch (r.int(3)) {
      case 0:
        return this.unit(A.bitfield(sf, 2, sf, (w - sh) % w, w - 1 - sh, this.src(), this.dst(true)));
      case 1:
        return this.unit(A.bitfield(sf, 2, sf, sh, w - 1, this.src(), this.dst(true)));
      default:
        return this.unit(A.bitfield(sf, 0, sf, sh, w - 1, this.src(), this.dst(true)));
    }
  }

  private prefetch(): Unit {
    const r = this.r;
    const o = this.addr(8);
    if (r.bool() && o >= 0) return this.unit(A.ldstUimm(3, 2, o >> 3, BASE, r.int(32)));
    return this.unit(A.ldstImm9(3, 2, o, 0, BASE, r.int(32)));
  }

  private barrier(): Unit {
    const r = this.r;
    switch (r.int(5)) {
      case 0:
        return this.unit(A.raw(0xd503309f | (r.int(16) << 8), 'dsb'));
      case 1:
        return this.unit(A.raw(0xd50330bf | (r.int(16) << 8), 'dmb'));
      case 2:
        return this.unit(A.ISB);
      case 3:
        return this.unit(A.raw(0xd50330ff, 'sb'));
      default:
        return this.unit(A.CLREX);
    }
  }

  // ------------------------------------------------------------ control flow and exceptions

  private branch(): Unit {
    const r = this.r;
    let make: (off: number) => Insn;
    switch (r.int(8)) {
      case 0:
      case 1:
      case 2: {
        const cond = r.int(16);
        make = (off) => A.bcond(cond, off);
        break;
      }
      case 3:
      case 4: {
        const sf = this.sf();
        const nz = r.int(2);
        const rt = this.src();
        make = (off) => A.cbz(sf, nz, rt, off);
        break;
      }
      case 5:
      case 6: {
        const nz = r.int(2);
        const rt = this.src();
        const bit = r.int(64);
        make = (off) => A.tbz(nz, rt, bit, off);
        break;
      }
      default: {
        const link = r.int(2);
        make = (off) => A.b(link, off);
      }
    }
    // Forward to a later unit boundary (at most six units on) or the end of the sequence.
    const late = (at: number, pos: readonly number[], i: number): Insn => {
      const n = pos.length - 1;
      const t = Math.min(n, i + 1 + r.int(Math.min(6, n - i)));
      return make((pos[t]! - at) * 4);
    };
    return { insns: [A.NOP], late, template: '' };
  }

  private exception(): Unit {
    const r = this.r;
    const imm = r.int(65536);
    switch (r.int(3)) {
      case 0:
        return this.unit(A.svc(imm));
      case 1:
        // HVC at EL2 is an HVC exception to EL2 (HCR_EL2.HCD is 0; with virtualization=on
        // QEMU's PSCI conduit is SMC, so HVC is not intercepted).
        return this.unit(A.hvc(imm));
      default:
        return this.unit(A.brk(imm));
    }
  }

  private undefinedWord(): Unit {
    const r = this.r;
    switch (r.int(4)) {
      case 0:
        return this.unit(A.udf(r.int(65536)));
      case 1:
        // op0 = x001 and 0011 (bits [28:25]) are unallocated at the top level.
        return this.unit(A.raw(((r.u32() & 0xe1ffffff) | (r.pick([0b0001, 0b0011]) << 25)) >>> 0, 'unallocated op0'));
      case 2: {
        // HLT other than the semihosting immediate: UNDEFINED without halting debug.
        let imm = r.int(65536);
        if (imm === 0xf000) imm = 0;
        return this.unit(A.hlt(imm));
      }
      default:
        // Data-processing immediate op0 = 011 (ADDG/SUBG, min/max immediate) is left out:
        // MTE and CSSC allocate it. Use the reserved 32-bit MOVZ/N/K with hw >= 2.
        return this.unit(A.moveWide(0, r.pick([0, 2, 3]), r.range(2, 3), r.int(65536), this.dst(true)));
    }
  }
}
