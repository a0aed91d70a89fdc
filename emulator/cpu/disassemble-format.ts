// Operand spelling shared by the disassembler's decoders, in GNU objdump's
// conventions (register names, immediates, condition names, addresses).
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

/** A 64-bit address as int32 halves, the CPU's representation of the PC. */
export interface Addr64 {
  readonly lo: number;
  readonly hi: number;
}

/** What a decoder found: mnemonic, operand text, and what the caller may want beyond the text. */
export interface Decoded {
  mnemonic: string;
  operands: string;
  /** Trailing `// ...` comment objdump adds (alternative condition names, the value of a MOV). */
  comment?: string;
  /**
   * Comment layout: undefined for a tab before `//`; -1 for two spaces (after
   * a branch target); otherwise the width the last operand is padded to,
   * then a tab (objdump pads MOV immediates).
   */
  commentPad?: number;
}

/**
 * What a decoder returns for a word it recognises but objdump rejects as
 * undefined (CONSTRAINED UNPREDICTABLE register choices objdump checks),
 * so that the caller does not fall back to naming the instruction.
 */
export const UNALLOCATED = 'unallocated' as const;
export type DecodeResult = Decoded | typeof UNALLOCATED | null;

/**
 * Per-instruction state the decoders need: where the instruction is, and
 * how to spell a PC-relative address. Recording the target here keeps the
 * decoders returning plain text.
 */
export class PcRelative {
  target: Addr64 | undefined;
  constructor(
    readonly pcLo: number,
    readonly pcHi: number,
    private readonly symbolize: ((lo: number, hi: number, pcLo: number, pcHi: number) => string | undefined) | undefined,
  ) {}

  /** The operand for pc + `offset` (a byte offset within ±2^33), remembered as the target. */
  address(offset: number, pageAlign = false): string {
    const lo = pageAlign ? (this.pcLo & ~0xfff) >>> 0 : this.pcLo >>> 0;
    const t = addOffset(lo, this.pcHi, offset);
    this.target = t;
    const sym = this.symbolize?.(t.lo, t.hi, this.pcLo, this.pcHi);
    // objdump prints "addr <sym+off>" when it has a symbol for the address and "0xaddr" when it has none.
    return sym === undefined ? '0x' + hexAddr(t.lo, t.hi) : `${hexAddr(t.lo, t.hi)} <${sym}>`;
  }
}

/** (lo, hi) + a signed offset that a double holds exactly, modulo 2^64. */
export function addOffset(lo: number, hi: number, offset: number): Addr64 {
  const sum = (lo >>> 0) + offset;
  const carry = Math.floor(sum / 4294967296);
  return { lo: (sum - carry * 4294967296) | 0, hi: (hi + carry) | 0 };
}

/** Lower-case hex without prefix or leading zeros, as objdump prints addresses. */
export function hexAddr(lo: number, hi: number): string {
  if (hi === 0) return (lo >>> 0).toString(16);
  return (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
}

/** General-purpose register, register 31 being the zero register. */
export function rz(n: number, x: boolean | number): string {
  if (n === 31) return x ? 'xzr' : 'wzr';
  return (x ? 'x' : 'w') + n;
}

/** General-purpose register, register 31 being the stack pointer. */
export function rs(n: number, x: boolean | number): string {
  if (n === 31) return x ? 'sp' : 'wsp';
  return (x ? 'x' : 'w') + n;
}

/** `#0x..` of an unsigned value below 2^53. */
export function imm(v: number): string {
  return '#0x' + v.toString(16);
}

/** `#0x..` of a 64-bit (lo, hi) value. */
export function imm64(lo: number, hi: number): string {
  return '#0x' + hexAddr(lo, hi);
}

export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

export const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'] as const;

/**
 * The other names objdump knows for a condition (the SVE flag names and
 * the hs/lo synonyms); it lists them in a comment after the instruction.
 */
export const COND_ALIASES: readonly (string | undefined)[] = [
  'none',
  'any',
  'hs, nlast',
  'lo, ul, last',
  'first',
  'nfrst',
  undefined,
  undefined,
  'pmore',
  'plast',
  'tcont',
  'tstop',
  undefined,
  undefined,
  undefined,
  undefined,
];

/** The `// eq = none` comment of an instruction with a condition operand, if objdump prints one. */
export function condComment(cond: number): string | undefined {
  const a = COND_ALIASES[cond & 15];
  return a === undefined ? undefined : `${COND[cond & 15]} = ${a}`;
}

export const SHIFT = ['lsl', 'lsr', 'asr', 'ror'] as const;

export const EXTEND = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'] as const;

/** ", lsl #3" for a shifted-register operand; nothing for LSL #0. */
export function shiftSuffix(type: number, amount: number): string {
  if (type === 0 && amount === 0) return '';
  return `, ${SHIFT[type]} #${amount}`;
}

/** Decimal, signed, as objdump prints offsets and bit positions. */
export function dec(v: number): string {
  return '#' + v;
}
