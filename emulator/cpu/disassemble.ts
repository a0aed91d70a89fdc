// A64 disassembler producing GNU objdump's text (`aarch64-linux-gnu-objdump -d`):
// the same mnemonics, preferred aliases, operand spelling and comments, so
// that the debugger's disassembly view reads like the listing hypervisor
// developers already know. Checked against objdump by test/cpu/disassemble.test.ts.
//
// It decodes everything the executor implements (decode*.ts), the
// general-register instructions of features it lacks (PAuth, MTE, CSSC, ...)
// and the few SIMD&FP instructions general code uses (disassemble-simd.ts).
// Other allocated words, most of SIMD&FP, SVE and SME, are named from Arm's
// encoding data with their operands left undecoded rather than guessed;
// unallocated words print as objdump prints them, `.inst 0x... ; undefined`.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import { a64Lookup } from '../arch/a64-mnemonic.js';
import { disDataProcessingImmediate, disDataProcessingRegister } from './disassemble-dp.js';
import { PcRelative, UNALLOCATED, type Addr64, type DecodeResult } from './disassemble-format.js';
import { disLoadStore } from './disassemble-ldst.js';
import type { Symbolizer } from './disassemble-symbols.js';
import { disSimdDataProcessing, disSimdLoadStore } from './disassemble-simd.js';
import { disBranchSystem } from './disassemble-system.js';

export type { Addr64 } from './disassemble-format.js';
export { objdumpSymbolizer, type SectionLike, type SymbolLike, type Symbolizer } from './disassemble-symbols.js';
export { sysregName } from './disassemble-system.js';

export interface DisassembleContext {
  /** Address of the instruction, as the CPU keeps the PC: int32 halves. Default 0. */
  readonly pcLo?: number;
  readonly pcHi?: number;
  /**
   * Names an address for the `<...>` annotation objdump gives branch and
   * literal targets, e.g. "puts+0x8" (see disassemble-symbols.ts for
   * objdump's choice of symbol). Without it, or when it returns undefined,
   * a target prints as objdump prints an address it has no symbol for: `0x40080104`.
   * Called with the target and the instruction's address (objdump prefers
   * symbols of the instruction's own section).
   */
  readonly symbolize?: Symbolizer;
}

export interface Disassembly {
  /**
   * The instruction as objdump prints it after the encoding: mnemonic, a tab,
   * operands, then any comment. E.g. "mrs\tx1, id_aa64pfr0_el1",
   * "b\t40080104 <puts+0x8>", "b.eq\t0x40080120  // b.none",
   * "mov\tx0, #0xffffffffffffffff    \t// #-1", ".inst\t0x02000000 ; undefined".
   */
  readonly text: string;
  readonly mnemonic: string;
  /** Operands without the comment ('' when there are none). */
  readonly operands: string;
  /** The comment objdump appends (without `// `), e.g. "b.none", "eq = none", "#-1". */
  readonly comment?: string;
  /**
   * Absolute address the instruction refers to PC-relatively: the target of
   * B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, the address of ADR/ADRP, the literal
   * of LDR/LDRSW/PRFM (literal). Branches through a register have none.
   */
  readonly target?: Addr64;
  /**
   * 'decoded': fully decoded. 'mnemonic-only': an allocated instruction this
   * module does not decode (SIMD&FP, SVE, SME, ...): `text` is the mnemonic
   * and `<operands not decoded>`. 'undefined': unallocated.
   */
  readonly status: 'decoded' | 'mnemonic-only' | 'undefined';
}

/**
 * Arm encodings (by specification name) this module decodes in full. When
 * it rejects a word of one of these, the instruction's pseudocode makes the
 * word UNDEFINED (a reserved shift type, an amount out of range, a reserved
 * extend), which Arm's encoding table does not express; objdump then says
 * "undefined" as well. The general-register forms only: the SIMD&FP ones
 * (_B_, _Q_, ...) and the FEAT_MTE/FEAT_LSUI pairs are not decoded here.
 */
const FULLY_DECODED =
  /^(?!STGP|STTP|LDTP|STTNP|LDTNP)[A-Z0-9]+_(?:32|64)[A-Z]*_(?:addsub_(?:imm|shift|ext)|log_(?:imm|shift)|movewide|bitfield|extract|ldst_(?:regoff|pos|unscaled|immpre|immpost|unpriv)|ldstpair_(?:off|pre|post)|ldstnapair_offs)$|^PRFU?M_P_ldst_(?:regoff|pos|unscaled)$|^CASPA?L?_CP(?:32|64)_comswappr$/;

function padLastOperand(operands: string, width: number): string {
  const i = operands.lastIndexOf(', ') + 2;
  return operands.slice(0, i) + operands.slice(i).padEnd(width);
}

function hex8(w: number): string {
  return (w >>> 0).toString(16).padStart(8, '0');
}

function decodeWord(w: number, pc: PcRelative): DecodeResult | 'udf' {
  switch ((w >>> 25) & 0xf) {
    case 0b0000:
      // UDF is the only instruction of the reserved space.
      return (w >>> 16) === 0 ? 'udf' : null;
    case 0b1000:
    case 0b1001:
      return disDataProcessingImmediate(w, pc);
    case 0b1010:
    case 0b1011:
      return disBranchSystem(w, pc);
    case 0b0100:
    case 0b0110:
    case 0b1100:
    case 0b1110:
      return (w >>> 26) & 1 ? disSimdLoadStore(w, pc) : disLoadStore(w, pc);
    case 0b0101:
    case 0b1101:
      return disDataProcessingRegister(w);
    case 0b0111:
    case 0b1111:
      return disSimdDataProcessing(w);
    default:
      return null;
  }
}

/** Disassembles one instruction word (taken modulo 2^32) at `ctx.pcLo/pcHi`. */
export function disassemble(word: number, ctx: DisassembleContext = {}): Disassembly {
  const w = word >>> 0;
  const pc = new PcRelative(ctx.pcLo ?? 0, ctx.pcHi ?? 0, ctx.symbolize);
  const r = decodeWord(w, pc);
  if (r === 'udf') return { text: `udf\t#${w & 0xffff}`, mnemonic: 'udf', operands: `#${w & 0xffff}`, status: 'decoded' };
  if (r && r !== UNALLOCATED) {
    let text = r.operands ? `${r.mnemonic}\t${r.operands}` : r.mnemonic;
    if (r.comment !== undefined) {
      // Three comment layouts: after a branch target two spaces; after a MOV
      // immediate the operands padded to a column, then a tab; otherwise a tab.
      if (r.commentPad === -1) text += `  // ${r.comment}`;
      else if (r.commentPad !== undefined) text = `${r.mnemonic}\t${padLastOperand(r.operands, r.commentPad)}\t// ${r.comment}`;
      else text += `\t// ${r.comment}`;
    }
    return {
      text,
      mnemonic: r.mnemonic,
      operands: r.operands,
      ...(r.comment !== undefined ? { comment: r.comment } : {}),
      ...(pc.target ? { target: pc.target } : {}),
      status: 'decoded',
    };
  }
  const enc = r === UNALLOCATED ? null : a64Lookup(w);
  if (enc && !FULLY_DECODED.test(enc.name)) {
    const mnemonic = enc.mnemonic.toLowerCase();
    return { text: `${mnemonic}\t<operands not decoded>`, mnemonic, operands: '<operands not decoded>', status: 'mnemonic-only' };
  }
  const operands = `0x${hex8(w)} ; undefined`;
  return { text: `.inst\t${operands}`, mnemonic: '.inst', operands, status: 'undefined' };
}
