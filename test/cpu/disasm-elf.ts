// What the disassembler tests need from a guest ELF that the loader does not
// keep: the executable sections (objdump -d disassembles those, by section)
// and every symbol with its section, for objdump's choice of `<symbol>`.

export interface CodeSection {
  name: string;
  index: number;
  addr: bigint;
  bytes: Uint8Array;
}

export interface SectionedSymbol {
  name: string;
  value: bigint;
  /** Section index (st_shndx). */
  shndx: number;
  type: number;
  bind: number;
}

export interface ElfCode {
  sections: CodeSection[];
  /** Every section's address range, by index, for the symbolizer. */
  ranges: { index: number; name: string; addr: bigint; size: bigint; alloc: boolean }[];
  symbols: SectionedSymbol[];
}

const SHF_ALLOC = 2n;
const SHF_EXECINSTR = 4n;
const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;

export function readElfCode(bytes: Uint8Array): ElfCode {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shnum = dv.getUint16(60, true);
  const shstrndx = dv.getUint16(62, true);
  const sh = (i: number) => {
    const o = shoff + i * 64;
    return {
      name: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: dv.getBigUint64(o + 8, true),
      addr: dv.getBigUint64(o + 16, true),
      offset: Number(dv.getBigUint64(o + 24, true)),
      size: dv.getBigUint64(o + 32, true),
      link: dv.getUint32(o + 40, true),
    };
  };
  const cstr = (off: number): string => {
    let end = off;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(off, end));
  };
  const strtab = sh(shstrndx);
  const sections: CodeSection[] = [];
  const ranges: ElfCode['ranges'] = [];
  const symbols: SectionedSymbol[] = [];
  for (let i = 1; i < shnum; i++) {
    const s = sh(i);
    const name = cstr(strtab.offset + s.name);
    ranges.push({ index: i, name, addr: s.addr, size: s.size, alloc: (s.flags & SHF_ALLOC) !== 0n });
    if (s.flags & SHF_EXECINSTR && s.type !== SHT_NOBITS) {
      sections.push({ name, index: i, addr: s.addr, bytes: bytes.subarray(s.offset, s.offset + Number(s.size)) });
    }
    if (s.type === SHT_SYMTAB) {
      const names = sh(s.link);
      for (let o = s.offset + 24; o < s.offset + Number(s.size); o += 24) {
        const info = dv.getUint8(o + 4);
        symbols.push({
          name: cstr(names.offset + dv.getUint32(o, true)),
          value: dv.getBigUint64(o + 8, true),
          shndx: dv.getUint16(o + 6, true),
          type: info & 0xf,
          bind: info >> 4,
        });
      }
    }
  }
  return { sections, ranges, symbols };
}
