import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { disassemble, objdumpSymbolizer, type Symbolizer } from '../../emulator/cpu/disassemble.js';
import { readElfCode } from './disasm-elf.js';
import {
  GOLDEN_DIR,
  guestElfs,
  hex8,
  objdumpElf,
  objdumpVersion,
  objdumpWords,
  sha256,
  type GuestGolden,
  type ListedInstruction,
  type RandomGolden,
} from './disasm-objdump.js';
import { RANDOM_BASE, RANDOM_SEED, randomWords } from './disasm-words.js';

/**
 * The disassembler against GNU objdump (binutils 2.40): every instruction of
 * every committed guest ELF, and seeded random words from the classes the
 * executor implements. Goldens recorded from objdump are committed
 * (`node test/cpu/record-disasm-golden.mjs`); where objdump is installed the
 * test also compares against it live.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const guestGolden = JSON.parse(readFileSync(join(ROOT, GOLDEN_DIR, 'guests.json'), 'utf8')) as GuestGolden;
const randomGolden = JSON.parse(readFileSync(join(ROOT, GOLDEN_DIR, 'random.json'), 'utf8')) as RandomGolden;
const live = objdumpVersion();
const RERECORD = 'run `node test/cpu/record-disasm-golden.mjs` to re-record the goldens';

/**
 * Words of the guests whose text legitimately differs from objdump 2.40's,
 * with the reason. Nothing else may differ, and each of these must.
 */
const GUEST_DIFFERENCES: Readonly<Record<string, string>> = {
  // exceptions-el2.elf executes it to test an UNDEFINED encoding.
  e9400000:
    "LDTP (FEAT_LSUI, 2024) is allocated in Arm's current encoding data, which names it; binutils 2.40 predates it and prints " +
    '`.inst 0xe9400000 ; undefined`. The executor treats it as UNDEFINED (no FEAT_LSUI).',
};

/** Random words whose text legitimately differs, with the reason. */
const RANDOM_DIFFERENCES: Readonly<Record<string, string>> = {
  d5386b84:
    'MRS of S3_0_C6_C11_4: objdump names it prbar7_el1, an Armv8-R AArch64 (MPU) register that is not in the A-profile ' +
    'system-register database, so it prints generically here.',
  d5386c87: 'MRS of S3_0_C6_C12_4: prbar9_el1 in objdump (Armv8-R AArch64), generic here, as above.',
  d510e997:
    "MSR of S2_0_C14_C9_4: PMEVCNTSVR12_EL1 (FEAT_PMUv3_SS) in Arm's current data, newer than binutils 2.40, which " +
    'prints it generically.',
};

const toPc = (addr: bigint): { pcLo: number; pcHi: number } => ({
  pcLo: Number(addr & 0xffffffffn) | 0,
  pcHi: Number(addr >> 32n) | 0,
});

interface Image {
  words: Map<bigint, number>;
  symbolize: Symbolizer;
}

function loadImage(path: string): Image {
  const code = readElfCode(readFileSync(join(ROOT, path)));
  const words = new Map<bigint, number>();
  for (const s of code.sections) {
    const dv = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    for (let o = 0; o + 4 <= s.bytes.length; o += 4) words.set(s.addr + BigInt(o), dv.getUint32(o, true));
  }
  return {
    words,
    symbolize: objdumpSymbolizer(
      code.symbols,
      code.ranges.filter((r) => r.alloc),
    ),
  };
}

/** objdump's listing of an image as recorded in the golden. */
function goldenListing(path: string, image: Image): ListedInstruction[] {
  const g = guestGolden.images[path]!;
  const out: ListedInstruction[] = [];
  for (const [start, count] of g.runs) {
    for (let i = 0; i < count; i++) {
      const addr = BigInt('0x' + start) + BigInt(4 * i);
      const word = image.words.get(addr);
      if (word === undefined) throw new Error(`${path}: golden lists ${addr.toString(16)}, which is not in an executable section`);
      const k = `${addr.toString(16)} ${hex8(word)}`;
      const text = g.at[k] ?? guestGolden.at[k] ?? guestGolden.text[hex8(word)];
      if (text === undefined) throw new Error(`${path}: no golden text for ${k}; ${RERECORD}`);
      out.push({ addr, word, text });
    }
  }
  return out;
}

interface Difference {
  where: string;
  word: string;
  objdump: string;
  ours: string;
}

function compare(listing: readonly ListedInstruction[], where: string, symbolize?: Symbolizer): { count: number; diffs: Difference[] } {
  const diffs: Difference[] = [];
  for (const ins of listing) {
    const r = disassemble(ins.word, { ...toPc(ins.addr), symbolize });
    if (r.text !== ins.text) diffs.push({ where: `${where} ${ins.addr.toString(16)}`, word: hex8(ins.word), objdump: ins.text, ours: r.text });
  }
  return { count: listing.length, diffs };
}

/** The differences must be exactly the listed words (each listed word differing somewhere). */
function expectOnlyKnown(diffs: readonly Difference[], known: Readonly<Record<string, string>>): void {
  expect(diffs.filter((d) => known[d.word] === undefined)).toEqual([]);
  expect([...new Set(diffs.map((d) => d.word))].sort()).toEqual(Object.keys(known).sort());
}

describe('disassembler against objdump: guest ELFs', () => {
  const paths = guestElfs(ROOT);

  it('has a golden for every committed guest ELF, recorded from the image as it is now', () => {
    expect(Object.keys(guestGolden.images).sort(), RERECORD).toEqual(paths);
    for (const p of paths) expect(sha256(readFileSync(join(ROOT, p))), `${p} changed since the golden was recorded; ${RERECORD}`).toBe(guestGolden.images[p]!.sha256);
  });

  it('prints every instruction as the golden says', () => {
    let total = 0;
    const diffs: Difference[] = [];
    for (const p of paths) {
      if (!guestGolden.images[p]) continue;
      const image = loadImage(p);
      const r = compare(goldenListing(p, image), p, image.symbolize);
      total += r.count;
      diffs.push(...r.diffs);
    }
    expect(total).toBeGreaterThan(90_000);
    expectOnlyKnown(diffs, GUEST_DIFFERENCES);
  });

  it.runIf(live)('matches live objdump, and the golden is objdump’s listing', () => {
    const diffs: Difference[] = [];
    for (const p of paths) {
      const image = loadImage(p);
      const listing = objdumpElf(join(ROOT, p));
      if (guestGolden.images[p]) expect(goldenListing(p, image), `${p}: golden differs from live objdump; ${RERECORD}`).toEqual(listing);
      diffs.push(...compare(listing, p, image.symbolize).diffs);
    }
    expectOnlyKnown(diffs, GUEST_DIFFERENCES);
  });
});

describe('disassembler against objdump: random words', () => {
  const words = randomWords();
  const listing = (): ListedInstruction[] =>
    randomGolden.lines.map((l, i) => {
      const [w, ...text] = l.split('\t');
      return { addr: RANDOM_BASE + BigInt(4 * i), word: parseInt(w!, 16), text: text.join('\t') };
    });

  it('draws the words the golden was recorded from', () => {
    expect(randomGolden.seed).toBe(RANDOM_SEED);
    expect(BigInt(randomGolden.base)).toBe(RANDOM_BASE);
    expect(randomGolden.lines.map((l) => l.split('\t')[0])).toEqual(words.map(hex8));
  });

  it('prints every word as the golden says', () => {
    const r = compare(listing(), 'random');
    expect(r.count).toBe(words.length);
    expectOnlyKnown(r.diffs, RANDOM_DIFFERENCES);
  });

  it.runIf(live)('matches live objdump, and the golden is objdump’s listing', () => {
    const now = objdumpWords(words, RANDOM_BASE);
    expect(listing(), `golden differs from live objdump; ${RERECORD}`).toEqual(now);
    expectOnlyKnown(compare(now, 'random').diffs, RANDOM_DIFFERENCES);
  });
});

describe('disassembler: tricky cases', () => {
  const text = (w: number, pcLo = 0, pcHi = 0, symbolize?: Symbolizer): string => disassemble(w, { pcLo, pcHi, symbolize }).text;

  it('decodes bitmask immediates, and prefers MOV only for values one MOVZ/MOVN cannot make', () => {
    expect(text(0xb200c3e0)).toBe('mov\tx0, #0x101010101010101     \t// #72340172838076673');
    expect(text(0x92400c00)).toBe('and\tx0, x0, #0xf');
    expect(text(0xb27ffbe2)).toBe('orr\tx2, xzr, #0xfffffffffffffffe'); // MOVN #1 makes it
    expect(text(0x320003e0)).toBe('orr\tw0, wzr, #0x1');
    expect(text(0xb2407fe0)).toBe('mov\tx0, #0xffffffff            \t// #4294967295');
    expect(text(0x12800000)).toBe('mov\tw0, #0xffffffff            \t// #-1');
    expect(text(0x92800000)).toBe('mov\tx0, #0xffffffffffffffff    \t// #-1');
    expect(text(0x12bfffe0)).toBe('movn\tw0, #0xffff, lsl #16');
    expect(text(0xd2a00000)).toBe('movz\tx0, #0x0, lsl #16');
    expect(text(0xf2a24680)).toBe('movk\tx0, #0x1234, lsl #16');
  });

  it('prefers the aliases objdump prefers', () => {
    expect(text(0x1a9f07e0)).toBe('cset\tw0, ne\t// ne = any');
    expect(text(0x9a9fe020)).toBe('csel\tx0, x1, xzr, al'); // no alias for AL/NV
    expect(text(0x93407c20)).toBe('sxtw\tx0, w1');
    expect(text(0xd3401c20)).toBe('ubfx\tx0, x1, #0, #8'); // UXTB is only the 32-bit form
    expect(text(0x53001c20)).toBe('uxtb\tw0, w1');
    expect(text(0xd37ff820)).toBe('lsl\tx0, x1, #1');
    expect(text(0x93c10c20)).toBe('ror\tx0, x1, #3');
    expect(text(0x9b017c20)).toBe('mul\tx0, x1, x1');
    expect(text(0x8b3f63ff)).toBe('add\tsp, sp, xzr'); // UXTX with SP reads as LSL #0, omitted
    expect(text(0xeb3f43ff)).toBe('cmp\tsp, wzr, uxtw');
    expect(text(0xaa2103e0)).toBe('mvn\tx0, x1');
    expect(text(0xf820003f)).toBe('stadd\tx0, [x1]');
    expect(text(0xf8a0003f)).toBe('ldadda\tx0, xzr, [x1]'); // no ST<op> alias with acquire
  });

  it('names system registers from the database, generically when unnamed, direction-aware', () => {
    expect(text(0xd5380400)).toBe('mrs\tx0, id_aa64pfr0_el1');
    expect(text(0xd51d1000)).toBe('msr\tsctlr_el12, x0');
    expect(text(0xd53cf0e0)).toBe('mrs\tx0, s3_4_c15_c0_7');
    expect(text(0xd5032000)).toBe('msr\ts0_3_c2_c0_0, x0'); // a hint with Rt != 31
    expect(text(0xd50341df)).toBe('msr\tdaifset, #0x1');
    expect(text(0xd500409f)).toBe('msr\tpan, #0x0');
    expect(text(0xd508871f)).toBe('tlbi\tvmalle1');
    expect(text(0xd508873f)).toBe('tlbi\tvae1, xzr');
    expect(text(0xd50b7420)).toBe('dc\tzva, x0');
    expect(text(0xd5087800)).toBe('at\ts1e1r, x0');
    expect(text(0xd5087f00)).toBe('sys\t#0, C7, C15, #0, x0');
    expect(text(0xd503339f)).toBe('dsb\tosh');
    expect(text(0xd503389f)).toBe('dsb\t#0x08');
  });

  it('writes negative and zero offsets as objdump does', () => {
    expect(text(0xf85f8c20)).toBe('ldr\tx0, [x1, #-8]!');
    expect(text(0xa9bf7bfd)).toBe('stp\tx29, x30, [sp, #-16]!');
    expect(text(0x385ff020)).toBe('ldurb\tw0, [x1, #-1]');
    expect(text(0x29c00400)).toBe('ldp\tw0, w1, [x0, #0]!');
    expect(text(0xf9400020)).toBe('ldr\tx0, [x1]');
    expect(text(0x38627820)).toBe('ldrb\tw0, [x1, x2, lsl #0]');
  });

  it('gives literal loads and branches their target address, across the 4 GiB boundary', () => {
    const lit = disassemble(0x58000040, { pcLo: 0x40080000 });
    expect(lit.text).toBe('ldr\tx0, 0x40080008');
    expect(lit.target).toEqual({ lo: 0x40080008, hi: 0 });
    const back = disassemble(0x17fffffe, { pcLo: 4, pcHi: 1 }); // b .-8 from 0x1_0000_0004
    expect(back.text).toBe('b\t0xfffffffc');
    expect(back.target).toEqual({ lo: -4, hi: 0 });
    const adrp = disassemble(0x90000000 | (1 << 29), { pcLo: 0xfffff123 | 0, pcHi: 0xffff8000 | 0 }); // adrp x0, page + 0x1000
    expect(adrp.text).toBe('adrp\tx0, 0xffff800100000000');
    expect(disassemble(0xd61f0000).target).toBeUndefined(); // br x0
    expect(text(0x54000040, 0x1000)).toBe('b.eq\t0x1008  // b.none');
    expect(text(0x36f800e0, 0x1000)).toBe('tbz\tw0, #31, 0x101c');
  });

  it('adds <symbol+offset> from the symbolizer, preferring the instruction’s own section', () => {
    const symbols = [
      { name: '$x', value: 0x1000n, type: 0, bind: 0, shndx: 1 },
      { name: 'a_end', value: 0x1100n, type: 0, bind: 1, shndx: 1 },
      { name: 'b_start', value: 0x1100n, type: 2, bind: 0, shndx: 2 },
      { name: 'zeta', value: 0x1000n, type: 2, bind: 0, shndx: 1 },
      { name: 'alpha', value: 0x1000n, type: 2, bind: 0, shndx: 1 },
    ];
    const sections = [
      { index: 1, addr: 0x1000n, size: 0x100n },
      { index: 2, addr: 0x1100n, size: 0x100n },
    ];
    const sym = objdumpSymbolizer(symbols, sections);
    expect(text(0x14000002, 0x1000, 0, sym)).toBe('b\t1008 <alpha+0x8>'); // first by name, mapping symbol ignored
    expect(text(0x14000002, 0x1100, 0, sym)).toBe('b\t1108 <b_start+0x8>'); // own section wins over the global
    expect(text(0x14000042, 0x1000, 0, sym)).toBe('b\t1108 <a_end+0x8>'); // from another section: by address
    expect(text(0x17fffc00, 0x1000, 0, sym)).toBe('b\t0x0'); // below every symbol
    // Kernel addresses do not fit a double; offsets must still be exact.
    const kernel = objdumpSymbolizer([{ name: 'el2_vectors', value: 0xffff800008010800n, type: 2, bind: 1 }]);
    expect(text(0x94000001, 0x08010804, 0xffff8000 | 0, kernel)).toBe('bl\tffff800008010808 <el2_vectors+0x8>');
  });

  it('decodes the general-register instructions of features the executor lacks (PAuth, MTE, CSSC, HBC)', () => {
    // Expected texts from objdump 2.40.
    expect(text(0xd65f0bff)).toBe('retaa');
    expect(text(0xd73f0820)).toBe('blraa\tx1, x0');
    expect(text(0xdac103cf)).toBe('pacia\tx15, x30');
    expect(text(0xdac143e0)).toBe('xpaci\tx0');
    expect(text(0xf8a00c20)).toBe('ldrab\tx0, [x1]!');
    expect(text(0xf87ff420)).toBe('ldraa\tx0, [x1, #-8]');
    expect(text(0x91800fff)).toBe('addg\tsp, sp, #0x0, #0x3');
    expect(text(0xd9200c20)).toBe('stg\tx0, [x1, #0]!');
    expect(text(0xbac2001f)).toBe('cmpp\tx0, x2');
    expect(text(0x91c3fc20)).toBe('smax\tx0, x1, #-1');
    expect(text(0xdac01c20)).toBe('cnt\tx0, x1');
    expect(text(0x54000050)).toBe('bc.eq\t0x8  // bc.none');
    expect(text(0xd4a00021)).toBe('dcps1\t#0x1');
  });

  it('says what it cannot decode, without inventing operands', () => {
    expect(disassemble(0x0000002a)).toMatchObject({ text: 'udf\t#42', status: 'decoded' });
    expect(disassemble(0x02000000)).toMatchObject({ text: '.inst\t0x02000000 ; undefined', status: 'undefined' });
    expect(disassemble(0x8bc00000)).toMatchObject({ text: '.inst\t0x8bc00000 ; undefined' }); // ADD with the reserved shift
    expect(disassemble(0x9e6703e0)).toMatchObject({ text: 'fmov\td0, xzr', status: 'decoded' });
    expect(disassemble(0x1e222820)).toMatchObject({ text: 'fadd\t<operands not decoded>', status: 'mnemonic-only', mnemonic: 'fadd' });
    expect(disassemble(0x04a00000).status).toBe('mnemonic-only'); // SVE
  });
});
