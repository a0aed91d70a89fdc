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

/** A 64-bit value as unsigned halves, for comparisons without BigInt. */
interface U64 {
  readonly hi: number;
  readonly lo: number;
}

const halves = (v: bigint): U64 => ({ hi: Number((v >> 32n) & 0xffffffffn), lo: Number(v & 0xffffffffn) });
const below = (a: U64, b: U64): boolean => a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);
const same = (a: U64, b: U64): boolean => a.hi === b.hi && a.lo === b.lo;

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
  // Values as unsigned halves: kernel addresses (0xffff...) do not fit a double exactly.
  const values = sorted.map((s) => halves(s.value));
  const ranges = sections.map((s) => ({ index: s.index, start: halves(s.addr), end: halves(s.addr + s.size) }));
  const sectionOf = (a: U64): number | undefined => ranges.find((r) => !below(a, r.start) && below(a, r.end))?.index;

  const name = (i: number, a: U64): string => {
    const v = values[i]!;
    // A symbol and an address it names are close: the difference of the halves is exact.
    const off = (a.hi - v.hi) * TWO32 + (a.lo - v.lo);
    return off === 0 ? sorted[i]!.name : `${sorted[i]!.name}+0x${off.toString(16)}`;
  };

  return (lo, hi, pcLo, pcHi) => {
    const a = { hi: hi >>> 0, lo: lo >>> 0 };
    // First index whose value is above a; the candidate group is the run of equal values before it.
    let l = 0;
    let r = n;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (!below(a, values[m]!)) l = m + 1;
      else r = m;
    }
    if (l === 0) return undefined;
    let first = l - 1;
    while (first > 0 && same(values[first - 1]!, values[first]!)) first--;
    if (pcLo !== undefined && ranges.length > 0) {
      const sec = sectionOf({ hi: (pcHi ?? 0) >>> 0, lo: pcLo >>> 0 });
      if (sec !== undefined && sectionOf(a) === sec && sorted[first]!.shndx !== sec) {
        // Nearest symbol of the instruction's own section at or below the target, if any.
        for (let i = l - 1; i >= 0; i--) {
          if (sorted[i]!.shndx === sec) {
            let j = i;
            while (j > 0 && same(values[j - 1]!, values[i]!)) j--;
            while (sorted[j]!.shndx !== sec) j++;
            return name(j, a);
          }
        }
      }
    }
    return name(first, a);
  };
}
