/**
 * Builds a bare-metal ELF image that runs a batch of random sequences on
 * QEMU's `virt` machine (EL2h, MMU off) and reports their results on the
 * PL011 UART:
 *
 *   S 0007                      sequence 7 starts
 *   E 02000000 0010             an exception: ESR_EL2 (bits [24:14] masked for
 *                               data aborts) and ELR_EL2 - start of sequence
 *   x00 0123456789abcdef        X0..X30 except X28 after the sequence
 *   nzcv 60000000
 *   m 1f8 0123456789abcdef      scratch-buffer words that differ from their
 *                               initial value (byte offset in the buffer)
 *   ...
 *   DONE                        then SYS_EXIT with status 0
 *
 * Layout: text at TEXT_BASE (prologue, driver, helpers, vector table, one
 * block per sequence), data on the next page (block table, per-sequence
 * initial state), scratch buffer and variables at a fixed address so that a
 * sequence sees the same addresses in every image. The driver runs the
 * blocks [first, end) named by two words in the data segment; the repro tool
 * sets them to run one sequence of an otherwise identical image.
 */
import { writeElf } from '../../util/elf-writer.js';
import * as A from './a64.js';
import type { Insn } from './a64.js';
import { BASE, BUF_LO, BUF_SIZE, generateSequence, type Sequence } from './generate.js';

/** Well above the start of RAM, where QEMU puts the device tree for an ELF kernel. */
export const TEXT_BASE = 0x4020_0000;
/** Address of BASE (X28 and SP): the middle of the scratch buffer. */
export const SCRATCH_MID = 0x4018_0100;

/** Offsets from BASE. */
const SAVE = 256; // X0..X30 at SAVE + 8r, NZCV at SAVE + 248
const VAR_IDX = 512;
const VAR_END = 520;
const VAR_DATA = 528;
const VAR_SEQ = 536;
const VAR_HSAVE = 544; // handler save area: 9 slots

/** Per-sequence data blob: X0..X30 (8 bytes each), NZCV at 248, buffer image at 256. */
const BLOB_NZCV = 248;
const BLOB_MEM = 256;

const UART_DR = 0x0900_0000;
const SYS_EXIT = 0x18;
const ADP_STOPPED_APPLICATION_EXIT = 0x20026;

type FixKind = 'b26' | 'b19' | 'adr';

/** Minimal two-section assembler: words, labels (absolute addresses) and branch/ADR fixups. */
class Asm {
  readonly text: number[] = [];
  readonly data: number[] = []; // bytes
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string; kind: FixKind; base: number }[] = [];
  dataBase = 0;

  constructor(readonly textBase: number) {}

  get pc(): number {
    return this.textBase + this.text.length * 4;
  }

  emit(...insns: Insn[]): void {
    for (const i of insns) this.text.push(i.w >>> 0);
  }

  label(name: string, addr = this.pc): void {
    if (this.labels.has(name)) throw new Error(`duplicate label ${name}`);
    this.labels.set(name, addr);
  }

  /** Emits `word` whose offset field refers to `label`. */
  ref(insn: Insn, label: string, kind: FixKind): void {
    this.fixups.push({ at: this.text.length, label, kind, base: this.pc });
    this.text.push(insn.w >>> 0);
  }

  b(label: string): void {
    this.ref(A.b(0, 0), label, 'b26');
  }
  bl(label: string): void {
    this.ref(A.b(1, 0), label, 'b26');
  }
  bcond(cond: string, label: string): void {
    this.ref(A.bcond(A.COND.indexOf(cond as (typeof A.COND)[number]), 0), label, 'b19');
  }
  cbnz(sf: number, rt: number, label: string): void {
    this.ref(A.cbz(sf, 1, rt, 0), label, 'b19');
  }
  adr(rd: number, label: string): void {
    this.ref(A.adr(0, 0, rd), label, 'adr');
  }

  movz(rd: number, imm16: number, hw = 0): void {
    this.emit(A.moveWide(1, 2, hw, imm16, rd));
  }

  /** MOVZ/MOVK sequence for a 64-bit constant. */
  mov64(rd: number, v: bigint): void {
    this.movz(rd, Number(v & 0xffffn));
    for (let hw = 1; hw < 4; hw++) {
      const part = Number((v >> BigInt(16 * hw)) & 0xffffn);
      if (part) this.emit(A.moveWide(1, 3, hw, part, rd));
    }
  }

  /** `putc(c)` via the helper. */
  putc(c: string): void {
    this.movz(0, c.charCodeAt(0));
    this.bl('putc');
  }

  align(bytes: number): void {
    while ((this.text.length * 4) % bytes) this.emit(A.NOP);
  }

  dataAlign(bytes: number): void {
    while (this.data.length % bytes) this.data.push(0);
  }

  dataLabel(name: string): void {
    this.label(name, this.dataBase + this.data.length);
  }

  u64(v: bigint): void {
    for (let i = 0; i < 8; i++) this.data.push(Number((v >> BigInt(8 * i)) & 0xffn));
  }

  bytes(b: Uint8Array): void {
    for (const x of b) this.data.push(x);
  }

  /** Reserves a data quad to be filled with a label's address at link time. */
  private readonly addrSlots: { off: number; label: string }[] = [];
  addressOf(label: string): void {
    this.addrSlots.push({ off: this.data.length, label });
    this.u64(0n);
  }

  addr(label: string): number {
    const a = this.labels.get(label);
    if (a === undefined) throw new Error(`undefined label ${label}`);
    return a;
  }

  link(): void {
    for (const f of this.fixups) {
      const off = this.addr(f.label) - f.base;
      let w = this.text[f.at]!;
      switch (f.kind) {
        case 'b26':
          w = (w & ~0x3ffffff) | ((off >> 2) & 0x3ffffff);
          break;
        case 'b19':
          w = (w & ~(0x7ffff << 5)) | (((off >> 2) & 0x7ffff) << 5);
          break;
        case 'adr':
          if (off < -(1 << 20) || off >= 1 << 20) throw new Error(`ADR to ${f.label} out of range`);
          w = A.adr(0, off, w & 31).w;
          break;
      }
      this.text[f.at] = w >>> 0;
    }
    for (const s of this.addrSlots) {
      const v = BigInt(this.addr(s.label));
      for (let i = 0; i < 8; i++) this.data[s.off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    }
  }
}

export interface BuiltImage {
  elf: Uint8Array;
  sequences: Sequence[];
  /** Address of each sequence's first instruction. */
  seqAddr: number[];
}

export interface ImageOptions {
  /** Run only sequences [first, end) (the code and data are the same as for the full image). */
  first?: number;
  end?: number;
}

/** Builds the image with `count` sequences generated from `seed`. */
export function buildImage(seed: number, count: number, opts: ImageOptions = {}): BuiltImage {
  const sequences = Array.from({ length: count }, (_, i) => generateSequence(seed, i));
  return buildImageFrom(sequences, opts);
}

export function buildImageFrom(sequences: Sequence[], opts: ImageOptions = {}): BuiltImage {
  const a = new Asm(TEXT_BASE);
  const X = 1;
  const B = BASE;

  // ---------------------------------------------------------------- prologue and driver
  a.label('_start');
  a.mov64(B, BigInt(SCRATCH_MID));
  a.emit(A.addSubImm(X, 0, 0, 0, 0, B, 31)); // mov sp, x28
  a.adr(0, 'vectors');
  a.emit(A.msr(A.SYSREG.VBAR_EL2, 0), A.ISB);
  a.adr(0, 'cfg');
  a.emit(A.ldstUimm(3, 1, 0, 0, 1), A.ldstUimm(3, 0, VAR_IDX / 8, B, 1));
  a.emit(A.ldstUimm(3, 1, 1, 0, 1), A.ldstUimm(3, 0, VAR_END / 8, B, 1));
  a.label('next');
  a.emit(A.ldstUimm(3, 1, VAR_IDX / 8, B, 0), A.ldstUimm(3, 1, VAR_END / 8, B, 1));
  a.emit(A.addSubShifted(X, 1, 1, 0, 1, 0, 0, 31)); // cmp x0, x1
  a.bcond('hs', 'finish');
  a.emit(A.addSubImm(X, 0, 0, 0, 1, 0, 2), A.ldstUimm(3, 0, VAR_IDX / 8, B, 2));
  a.adr(3, 'table');
  a.emit(A.ldstReg(3, 1, 0, 3, 1, 3, 3), A.br(3)); // ldr x3, [x3, x0, lsl #3]; br x3
  a.label('finish');
  for (const c of 'DONE\n') a.putc(c);
  a.adr(1, 'exit_ok');
  a.movz(0, SYS_EXIT);
  a.emit(A.hlt(0xf000));
  a.label('hang');
  a.b('hang');

  // ---------------------------------------------------------------- helpers
  // putc(w0): clobbers x7.
  a.label('putc');
  a.movz(7, UART_DR >>> 16, 1);
  a.emit(A.ldstUimm(0, 0, 0, 7, 0), A.ret());
  // puthex(x0 value, w1 digits): clobbers x0-x3, x7, x8.
  a.label('puthex');
  a.movz(7, UART_DR >>> 16, 1);
  a.adr(8, 'hexdigits');
  a.emit(A.addSubShifted(X, 0, 0, 0, 0, 0, 31, 2)); // mov x2, x0
  a.emit(A.bitfield(0, 2, 0, 30, 29, 1, 3)); // lsl w3, w1, #2
  a.label('puthex_loop');
  a.emit(A.addSubImm(0, 1, 0, 0, 4, 3, 3)); // sub w3, w3, #4
  a.emit(A.twoSource(X, 9, 3, 2, 0)); // lsr x0, x2, x3
  a.emit(A.logicalImm(X, 0, 1, 0, 3, 0, 0, 0xfn)); // and x0, x0, #0xf
  a.emit(A.ldstReg(0, 1, 0, 3, 0, 8, 0)); // ldrb w0, [x8, x0]
  a.emit(A.ldstUimm(0, 0, 0, 7, 0)); // strb w0, [x7]
  a.cbnz(0, 3, 'puthex_loop');
  a.emit(A.ret());
  a.label('hexdigits');
  for (let i = 0; i < 16; i += 4) {
    const c = (k: number): number => '0123456789abcdef'.charCodeAt(i + k);
    a.text.push((c(0) | (c(1) << 8) | (c(2) << 16) | (c(3) << 24)) >>> 0);
  }
  // header(w0 index): "S xxxx\n"; clobbers x0-x8.
  a.label('header');
  a.emit(A.addSubShifted(X, 0, 0, 0, 30, 0, 31, 5)); // mov x5, x30
  a.emit(A.addSubShifted(X, 0, 0, 0, 0, 0, 31, 4)); // mov x4, x0
  a.putc('S');
  a.putc(' ');
  a.emit(A.addSubShifted(X, 0, 0, 0, 4, 0, 31, 0));
  a.movz(1, 4);
  a.bl('puthex');
  a.putc('\n');
  a.emit(A.ret(5));

  // init: CLREX, buffer contents, NZCV, X0..X27 from the blob at [VAR_DATA].
  a.label('init');
  a.emit(A.CLREX);
  a.emit(A.ldstUimm(3, 1, VAR_DATA / 8, B, 29));
  a.emit(A.addSubImm(X, 0, 0, 0, BLOB_MEM, 29, 0)); // x0 = blob memory image
  a.emit(A.addSubImm(X, 1, 0, 0, -BUF_LO, B, 1)); // x1 = buffer start
  a.movz(2, BUF_SIZE / 16);
  a.label('init_copy');
  a.emit(A.ldstPair(2, 1, 1, 2, 4, 0, 3)); // ldp x3, x4, [x0], #16
  a.emit(A.ldstPair(2, 1, 0, 2, 4, 1, 3)); // stp x3, x4, [x1], #16
  a.emit(A.addSubImm(X, 1, 0, 0, 1, 2, 2));
  a.cbnz(1, 2, 'init_copy');
  a.emit(A.ldstUimm(3, 1, BLOB_NZCV / 8, 29, 0), A.msr(A.SYSREG.NZCV, 0));
  for (let r = 0; r < 28; r += 2) a.emit(A.ldstPair(2, 2, 1, r, r + 1, 29, r)); // ldp xr, xr+1, [x29, #8r]
  a.emit(A.ret());

  // dump: prints the state saved at SAVE, then returns to the driver.
  a.label('dump');
  a.movz(19, 0);
  a.movz(20, 0x30);
  a.movz(21, 0x30);
  a.label('dump_reg');
  a.emit(A.addSubImm(X, 1, 1, 0, BASE, 19, 31)); // cmp x19, #28
  a.bcond('eq', 'dump_skip');
  a.putc('x');
  a.emit(A.addSubShifted(X, 0, 0, 0, 20, 0, 31, 0));
  a.bl('putc');
  a.emit(A.addSubShifted(X, 0, 0, 0, 21, 0, 31, 0));
  a.bl('putc');
  a.putc(' ');
  a.emit(A.addSubImm(X, 0, 0, 0, SAVE, B, 1));
  a.emit(A.ldstReg(3, 1, 19, 3, 1, 1, 0)); // ldr x0, [x1, x19, lsl #3]
  a.movz(1, 16);
  a.bl('puthex');
  a.putc('\n');
  a.label('dump_skip');
  a.emit(A.addSubImm(X, 0, 0, 0, 1, 19, 19));
  a.emit(A.addSubImm(X, 0, 0, 0, 1, 21, 21));
  a.emit(A.addSubImm(X, 1, 1, 0, 0x3a, 21, 31)); // cmp x21, #'9'+1
  a.bcond('ne', 'dump_digit');
  a.movz(21, 0x30);
  a.emit(A.addSubImm(X, 0, 0, 0, 1, 20, 20));
  a.label('dump_digit');
  a.emit(A.addSubImm(X, 1, 1, 0, 31, 19, 31)); // cmp x19, #31
  a.bcond('ne', 'dump_reg');
  for (const c of 'nzcv ') a.putc(c);
  a.emit(A.ldstUimm(3, 1, (SAVE + 248) / 8, B, 0));
  a.movz(1, 8);
  a.bl('puthex');
  a.putc('\n');
  a.emit(A.ldstUimm(3, 1, VAR_DATA / 8, B, 22));
  a.emit(A.addSubImm(X, 0, 0, 0, BLOB_MEM, 22, 22)); // x22 = initial image
  a.emit(A.addSubImm(X, 1, 0, 0, -BUF_LO, B, 23)); // x23 = buffer
  a.movz(24, 0);
  a.label('dump_mem');
  a.emit(A.ldstReg(3, 1, 24, 3, 0, 23, 25)); // ldr x25, [x23, x24]
  a.emit(A.ldstReg(3, 1, 24, 3, 0, 22, 26)); // ldr x26, [x22, x24]
  a.emit(A.addSubShifted(X, 1, 1, 0, 26, 0, 25, 31)); // cmp x25, x26
  a.bcond('eq', 'dump_mem_next');
  a.putc('m');
  a.putc(' ');
  a.emit(A.addSubShifted(X, 0, 0, 0, 24, 0, 31, 0));
  a.movz(1, 3);
  a.bl('puthex');
  a.putc(' ');
  a.emit(A.addSubShifted(X, 0, 0, 0, 25, 0, 31, 0));
  a.movz(1, 16);
  a.bl('puthex');
  a.putc('\n');
  a.label('dump_mem_next');
  a.emit(A.addSubImm(X, 0, 0, 0, 8, 24, 24));
  a.emit(A.addSubImm(X, 1, 1, 0, BUF_SIZE, 24, 31));
  a.bcond('ne', 'dump_mem');
  a.b('next');

  // ---------------------------------------------------------------- exception vectors
  a.align(2048);
  a.label('vectors');
  for (let v = 0; v < 16; v++) {
    const start = a.text.length;
    if (v === 4) {
      a.b('sync'); // current EL with SP_ELx, synchronous
    } else {
      a.movz(0, v * 0x80);
      a.b('unexpected');
    }
    while (a.text.length - start < 32) a.emit(A.NOP);
  }
  // sync: report ESR/ELR, step over the faulting instruction (SVC and HVC already
  // return past themselves), return with every register and PSTATE restored.
  const HREGS = [0, 1, 2, 3, 4, 5, 7, 8, 30];
  a.label('sync');
  HREGS.forEach((r, i) => a.emit(A.ldstUimm(3, 0, VAR_HSAVE / 8 + i, B, r)));
  a.emit(A.mrs(4, A.SYSREG.ESR_EL2));
  a.emit(A.bitfield(1, 2, 1, 26, 31, 4, 5)); // ubfx x5, x4, #26, #6 (EC)
  a.emit(A.addSubImm(X, 1, 1, 0, 0x24, 5, 31));
  a.bcond('eq', 'sync_mask');
  a.emit(A.addSubImm(X, 1, 1, 0, 0x25, 5, 31));
  a.bcond('ne', 'sync_print');
  a.label('sync_mask');
  // Data aborts: clear ISS[24:14] (ISV and the instruction syndrome). QEMU 7.2 sets
  // ISV for stage-1 aborts taken to EL2, where the Arm ARM has it 0.
  a.emit(A.logicalImm(X, 0, 1, 39, 52, 4, 4, 0xfffffffffe003fffn));
  a.label('sync_print');
  a.putc('E');
  a.putc(' ');
  a.emit(A.addSubShifted(X, 0, 0, 0, 4, 0, 31, 0));
  a.movz(1, 8);
  a.bl('puthex');
  a.putc(' ');
  a.emit(A.mrs(0, A.SYSREG.ELR_EL2), A.ldstUimm(3, 1, VAR_SEQ / 8, B, 1));
  a.emit(A.addSubShifted(X, 1, 0, 0, 1, 0, 0, 0)); // sub x0, x0, x1
  a.movz(1, 4);
  a.bl('puthex');
  a.putc('\n');
  a.emit(A.addSubImm(X, 1, 1, 0, 0x15, 5, 31));
  a.bcond('eq', 'sync_ret');
  a.emit(A.addSubImm(X, 1, 1, 0, 0x16, 5, 31));
  a.bcond('eq', 'sync_ret');
  a.emit(A.mrs(0, A.SYSREG.ELR_EL2), A.addSubImm(X, 0, 0, 0, 4, 0, 0), A.msr(A.SYSREG.ELR_EL2, 0));
  a.label('sync_ret');
  HREGS.forEach((r, i) => a.emit(A.ldstUimm(3, 1, VAR_HSAVE / 8 + i, B, r)));
  a.emit(A.ERET);
  // unexpected(w0 vector offset): "V xxx\n", exit status 3.
  a.label('unexpected');
  a.emit(A.addSubShifted(X, 0, 0, 0, 0, 0, 31, 4));
  a.putc('V');
  a.putc(' ');
  a.emit(A.addSubShifted(X, 0, 0, 0, 4, 0, 31, 0));
  a.movz(1, 3);
  a.bl('puthex');
  a.putc('\n');
  a.adr(1, 'exit_bad');
  a.movz(0, SYS_EXIT);
  a.emit(A.hlt(0xf000));
  a.b('hang');

  // ---------------------------------------------------------------- sequence blocks
  const seqAddr: number[] = [];
  sequences.forEach((s, i) => {
    a.label(`block${i}`);
    a.movz(0, i);
    a.bl('header');
    a.adr(0, `blob${i}`);
    a.emit(A.ldstUimm(3, 0, VAR_DATA / 8, B, 0));
    a.adr(0, `seq${i}`);
    a.emit(A.ldstUimm(3, 0, VAR_SEQ / 8, B, 0));
    a.bl('init');
    a.emit(A.ldstUimm(3, 1, VAR_DATA / 8, B, 29), A.ldstUimm(3, 1, 30, 29, 30), A.ldstUimm(3, 1, 29, 29, 29));
    a.align(8); // literal loads of 8 bytes rely on it
    a.label(`seq${i}`);
    seqAddr.push(a.pc);
    a.emit(...s.insns);
    for (let r = 0; r < 28; r += 2) a.emit(A.ldstPair(2, 2, 0, (SAVE + 8 * r) / 8, r + 1, B, r));
    a.emit(A.ldstPair(2, 2, 0, (SAVE + 8 * 29) / 8, 30, B, 29));
    a.emit(A.mrs(0, A.SYSREG.NZCV), A.ldstUimm(3, 0, (SAVE + 248) / 8, B, 0));
    a.b('dump');
  });

  // ---------------------------------------------------------------- data
  const textBytes = a.text.length * 4;
  a.dataBase = TEXT_BASE + Math.ceil(textBytes / 4096) * 4096;
  a.dataLabel('cfg');
  a.u64(BigInt(opts.first ?? 0));
  a.u64(BigInt(opts.end ?? sequences.length));
  a.dataLabel('exit_ok');
  a.u64(BigInt(ADP_STOPPED_APPLICATION_EXIT));
  a.u64(0n);
  a.dataLabel('exit_bad');
  a.u64(BigInt(ADP_STOPPED_APPLICATION_EXIT));
  a.u64(3n);
  a.dataLabel('table');
  sequences.forEach((_, i) => a.addressOf(`block${i}`));
  sequences.forEach((s, i) => {
    a.dataAlign(16);
    a.dataLabel(`blob${i}`);
    for (let r = 0; r < 31; r++) a.u64(s.init.regs[r]!);
    a.u64(BigInt(s.init.nzcv >>> 0));
    a.bytes(s.init.mem);
  });
  a.link();

  const text = new Uint8Array(textBytes);
  const tv = new DataView(text.buffer);
  a.text.forEach((w, i) => tv.setUint32(i * 4, w, true));
  const elf = writeElf(a.addr('_start'), [
    { addr: TEXT_BASE, bytes: text, flags: 5 },
    { addr: a.dataBase, bytes: Uint8Array.from(a.data), flags: 6 },
  ]);
  return { elf, sequences, seqAddr };
}
