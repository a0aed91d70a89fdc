// The `<symbol+offset>` objdump prints after a branch or literal target,
// chosen from an image's symbol table as objdump chooses:
//  - Arm mapping symbols ($x, $d), section and file symbols are not names;
//  - the nearest symbol at or below the address wins; among symbols at one
//    address, global before local, then the first by name;
//  - when the target lies in the section of the instruction referring to it,
//    a symbol of that section wins over a nearer or equal one of another
//    section (a section-end marker such as __text_end shares its address
//    with the first symbol of the next section).
// The last rule needs section indices and ranges; without them the choice is
// by address alone. Pass the result as DisassembleContext.symbolize.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

/** The fields of an ELF symbol this needs (platform/elf.ts's ElfSymbol has all but shndx). */
export interface SymbolLike {
  readonly name: string;
  readonly value: bigint;
  /** STT_*: 3 SECTION and 4 FILE are not used. */
  readonly type: number;
  /** STB_*: 0 LOCAL; GLOBAL and WEAK win over LOCAL at the same address. */
  readonly bind: number;
  /** st_shndx, for the section rule. */
  readonly shndx?: number;
}

/** A section's index and address range, for the section rule. */
export interface SectionLike {
  readonly index: number;
  readonly addr: bigint;
  readonly size: bigint;
}

/** Names an address referred to from the instruction at pc; the shape of DisassembleContext.symbolize. */
export type Symbolizer = (lo: number, hi: number, pcLo?: number, pcHi?: number) => string | undefined;

const STT_SECTION = 3;
const STT_FILE = 4;

/** Mapping symbols mark code and data in a section; they are not names for addresses. */
function isMappingSymbol(name: string): boolean {
  return /^\$[adx](\.|$)/.test(name);
}

const TWO32 = 4294967296;

/** An unsigned 64-bit value as a double: exact below 2^53, and order-preserving above for these lookups. */
function key(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

export function objdumpSymbolizer(symbols: readonly SymbolLike[], sections: readonly SectionLike[] = []): Symbolizer {
  const sorted = symbols
    .filter((s) => s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE && !isMappingSymbol(s.name))
    .slice()
    .sort((a, b) => {
      if (a.value !== b.value) return a.value < b.value ? -1 : 1;
      const ga = a.bind === 0 ? 1 : 0;
      const gb = b.bind === 0 ? 1 : 0;
      if (ga !== gb) return ga - gb;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  const n = sorted.length;
  // Values as doubles: the lookups compare numbers, not BigInts. Addresses
  // of one image differ by far less than 2^53, so offsets stay exact.
  const values = Float64Array.from(sorted, (s) => Number(s.value));
  const ranges = sections.map((s) => ({ index: s.index, start: Number(s.addr), end: Number(s.addr + s.size) }));
  const sectionOf = (a: number): number | undefined => ranges.find((r) => a >= r.start && a < r.end)?.index;

  const name = (i: number, a: number): string => {
    const off = a - values[i]!;
    return off === 0 ? sorted[i]!.name : `${sorted[i]!.name}+0x${off.toString(16)}`;
  };

  return (lo, hi, pcLo, pcHi) => {
    const a = key(lo, hi);
    // First index whose value is above a; the candidate group is the run of equal values before it.
    let l = 0;
    let r = n;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (values[m]! <= a) l = m + 1;
      else r = m;
    }
    if (l === 0) return undefined;
    let first = l - 1;
    while (first > 0 && values[first - 1] === values[first]) first--;
    if (pcLo !== undefined && ranges.length > 0) {
      const sec = sectionOf(key(pcLo, pcHi ?? 0));
      if (sec !== undefined && sectionOf(a) === sec && sorted[first]!.shndx !== sec) {
        // Nearest symbol of the instruction's own section at or below the target, if any.
        for (let i = l - 1; i >= 0; i--) {
          if (sorted[i]!.shndx === sec) {
            let j = i;
            while (j > 0 && values[j - 1] === values[i]) j--;
            while (sorted[j]!.shndx !== sec) j++;
            return name(j, a);
          }
        }
      }
    }
    return name(first, a);
  };
}
