/**
 * ELF64 little-endian AArch64 image loading, as QEMU's `-kernel` does for ELF
 * files: every PT_LOAD segment is copied to its physical address (p_paddr),
 * the rest of p_memsz is zero-filled, and execution starts at e_entry.
 * Symbols are kept for function breakpoints and stack traces.
 * Every malformation is reported as an ElfError with what and where.
 */

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export interface ElfSegment {
  /** Physical load address. */
  paddr: number;
  vaddr: bigint;
  /** Bytes from the file; the segment is memsz long, zero-filled past these. */
  data: Uint8Array;
  memsz: number;
  flags: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  /** STT_* type: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE. */
  type: number;
  /** STB_* binding: 0 LOCAL, 1 GLOBAL, 2 WEAK. */
  bind: number;
  /** Section index: 0 undefined, 0xfff1 (SHN_ABS) for a constant that is no address (`.equ`). */
  shndx: number;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

const EM_AARCH64 = 183;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const ET_EXEC = 2;
const ET_DYN = 3;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;

const MACHINES: Record<number, string> = { 3: 'x86 (EM_386)', 40: 'Arm (EM_ARM)', 62: 'x86-64 (EM_X86_64)', 243: 'RISC-V (EM_RISCV)' };

function hex(v: number | bigint): string {
  return '0x' + v.toString(16);
}

/** Parses and validates an image. `memory` is the RAM range segments must fit in. */
export function parseElf(bytes: Uint8Array, memory: { base: number; size: number }): ElfImage {
  const len = bytes.length;
  if (len < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file (bad magic at offset 0)');
  }
  if (len < EHDR_SIZE) throw new ElfError(`truncated ELF header: file is ${len} bytes, the header needs ${EHDR_SIZE}`);
  if (bytes[4] !== 2) throw new ElfError(`ELF class ${bytes[4]} at offset 4: only ELF64 (2) is supported`);
  if (bytes[5] !== 1) throw new ElfError(`ELF data encoding ${bytes[5]} at offset 5: only little-endian (1) is supported`);
  if (bytes[6] !== 1) throw new ElfError(`ELF version ${bytes[6]} at offset 6: expected 1`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number): bigint => dv.getBigUint64(o, true);
  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_AARCH64) {
    const what = MACHINES[machine] ?? `machine ${machine}`;
    throw new ElfError(`wrong machine at offset 18: ${what}, expected AArch64 (EM_AARCH64, 183)`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError(`ELF type ${type} at offset 16: expected an executable (ET_EXEC) or ET_DYN image`);
  }
  const entry = u64(24);
  const phoff = u64(32);
  const shoff = u64(40);
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);
  if (phnum === 0) throw new ElfError('no program headers (e_phnum = 0): nothing to load');
  if (phentsize !== PHDR_SIZE) throw new ElfError(`e_phentsize is ${phentsize} at offset 54, expected ${PHDR_SIZE}`);
  if (phoff + BigInt(phnum * PHDR_SIZE) > BigInt(len)) {
    throw new ElfError(`program header table (offset ${hex(phoff)}, ${phnum} entries) extends past the end of the ${len}-byte file`);
  }
  const ramEnd = memory.base + memory.size;
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = Number(phoff) + i * PHDR_SIZE;
    if (u32(o) !== PT_LOAD) continue;
    const flags = u32(o + 4);
    const offset = u64(o + 8);
    const vaddr = u64(o + 16);
    const paddr = u64(o + 24);
    const filesz = u64(o + 32);
    const memsz = u64(o + 40);
    const where = `segment ${i} (program header at offset ${hex(o)})`;
    if (filesz > memsz) throw new ElfError(`${where}: p_filesz ${hex(filesz)} is larger than p_memsz ${hex(memsz)}`);
    if (offset + filesz > BigInt(len)) {
      throw new ElfError(`${where}: file data [${hex(offset)}, ${hex(offset + filesz)}) extends past the end of the ${len}-byte file`);
    }
    if (memsz === 0n) continue;
    if (paddr < BigInt(memory.base) || paddr + memsz > BigInt(ramEnd)) {
      throw new ElfError(
        `${where}: loads at PA [${hex(paddr)}, ${hex(paddr + memsz)}), outside RAM [${hex(memory.base)}, ${hex(ramEnd)})`,
      );
    }
    segments.push({
      paddr: Number(paddr),
      vaddr,
      data: bytes.subarray(Number(offset), Number(offset + filesz)),
      memsz: Number(memsz),
      flags,
    });
  }
  if (segments.length === 0) throw new ElfError('no PT_LOAD segment with a non-zero size: nothing to load');
  const sorted = [...segments].sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.paddr < prev.paddr + prev.memsz) {
      throw new ElfError(
        `segments overlap: [${hex(prev.paddr)}, ${hex(prev.paddr + prev.memsz)}) and [${hex(cur.paddr)}, ${hex(cur.paddr + cur.memsz)})`,
      );
    }
  }
  // Execution starts with the MMU off, so the entry point is a physical address.
  const inSegment = segments.some((s) => entry >= BigInt(s.paddr) && entry < BigInt(s.paddr + s.memsz));
  if (!inSegment) throw new ElfError(`entry point ${hex(entry)} is not inside any loaded segment (by physical address)`);
  if (entry & 3n) throw new ElfError(`entry point ${hex(entry)} is not 4-byte aligned`);
  const symbols = shnum === 0 ? [] : readSymbols(dv, len, shoff, shentsize, shnum);
  return { entry, segments, symbols };
}

function readSymbols(dv: DataView, len: number, shoff: bigint, shentsize: number, shnum: number): ElfSymbol[] {
  if (shentsize !== SHDR_SIZE) throw new ElfError(`e_shentsize is ${shentsize} at offset 58, expected ${SHDR_SIZE}`);
  if (shoff + BigInt(shnum * SHDR_SIZE) > BigInt(len)) {
    throw new ElfError(`section header table (offset ${hex(shoff)}, ${shnum} entries) extends past the end of the ${len}-byte file`);
  }
  const sh = (i: number) => {
    const o = Number(shoff) + i * SHDR_SIZE;
    return {
      type: dv.getUint32(o + 4, true),
      offset: dv.getBigUint64(o + 24, true),
      size: dv.getBigUint64(o + 32, true),
      link: dv.getUint32(o + 40, true),
      entsize: dv.getBigUint64(o + 56, true),
      at: o,
    };
  };
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== SHT_SYMTAB) continue;
    if (s.entsize !== 24n) throw new ElfError(`symbol table (section ${i}) has sh_entsize ${s.entsize}, expected 24`);
    if (s.offset + s.size > BigInt(len)) throw new ElfError(`symbol table (section ${i}) extends past the end of the file`);
    if (s.link >= shnum) throw new ElfError(`symbol table (section ${i}) links to string table section ${s.link}, which does not exist`);
    const str = sh(s.link);
    if (str.offset + str.size > BigInt(len)) throw new ElfError(`string table (section ${s.link}) extends past the end of the file`);
    const strStart = Number(str.offset);
    const strEnd = strStart + Number(str.size);
    const bytes = new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength);
    const count = Number(s.size / 24n);
    for (let k = 1; k < count; k++) {
      const o = Number(s.offset) + k * 24;
      const nameOff = dv.getUint32(o, true);
      const info = dv.getUint8(o + 4);
      const value = dv.getBigUint64(o + 8, true);
      const size = Number(dv.getBigUint64(o + 16, true));
      if (strStart + nameOff >= strEnd) throw new ElfError(`symbol ${k} in section ${i} has a name offset outside its string table`);
      let end = strStart + nameOff;
      while (end < strEnd && bytes[end] !== 0) end++;
      const name = new TextDecoder().decode(bytes.subarray(strStart + nameOff, end));
      if (name.length === 0) continue;
      symbols.push({ name, value, size, type: info & 0xf, bind: info >> 4, shndx: dv.getUint16(o + 6, true) });
    }
  }
  return symbols;
}
