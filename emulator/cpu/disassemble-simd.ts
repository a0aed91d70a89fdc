// The few SIMD&FP instructions general code uses (seen in the guests): FMOV
// between general and FP registers, SIMD&FP loads and stores, vector
// ADD/SUB. Every other SIMD&FP word is left to the mnemonic-only fallback.
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import { rs, rz, sext, type Decoded, type DecodeResult, type PcRelative } from './disassemble-format.js';

const d = (mnemonic: string, operands: string): Decoded => ({ mnemonic, operands });

/** FP/SIMD register of 8 << log2 bits: b, h, s, d, q. */
function fp(n: number, log2Bytes: number): string {
  return 'bhsdq'[log2Bytes] + n;
}

/** SIMD&FP loads and stores (bit 26 = 1 in the load/store space). */
export function disSimdLoadStore(w: number, pc: PcRelative): DecodeResult {
  const rt = w & 31;
  const rn = (w >>> 5) & 31;
  const base = rs(rn, 1);
  const mem = (off: number): string => (off === 0 ? `[${base}]` : `[${base}, #${off}]`);
  switch ((w >>> 27) & 7) {
    case 0b011: {
      if (((w >>> 24) & 3) !== 0) return null;
      const opc = w >>> 30;
      if (opc === 3) return null;
      return d('ldr', `${fp(rt, opc + 2)}, ${pc.address(sext((w >>> 5) & 0x7ffff, 19) * 4)}`);
    }
    case 0b101: {
      const opc = w >>> 30;
      if (opc === 3) return null;
      const mode = (w >>> 23) & 3;
      const l = (w >>> 22) & 1;
      const scale = opc + 2;
      const off = sext((w >>> 15) & 0x7f, 7) * (1 << scale);
      const regs = `${fp(rt, scale)}, ${fp((w >>> 10) & 31, scale)}`;
      const mn = (l ? 'ld' : 'st') + (mode === 0 ? 'np' : 'p');
      if (mode === 1) return d(mn, `${regs}, [${base}], #${off}`);
      if (mode === 3) return d(mn, `${regs}, [${base}, #${off}]!`);
      return d(mn, `${regs}, ${mem(off)}`);
    }
    case 0b111:
      return simdSingle(w, rt, base, mem);
    default:
      return null;
  }
}

function simdSingle(w: number, rt: number, base: string, mem: (off: number) => string): DecodeResult {
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  // opc<1> selects the 128-bit register when size is 0; other combinations with it set are unallocated.
  if (opc >= 2 && size !== 0) return null;
  const log2 = opc >= 2 ? 4 : size;
  const l = opc & 1;
  const t = fp(rt, log2);
  if ((w >>> 24) & 1) return d(l ? 'ldr' : 'str', `${t}, ${mem(((w >>> 10) & 0xfff) * (1 << log2))}`);
  if ((w >>> 21) & 1) {
    if (((w >>> 10) & 3) !== 2) return null;
    const option = (w >>> 13) & 7;
    if ((option & 2) === 0) return null;
    const s = (w >>> 12) & 1;
    let index = rz((w >>> 16) & 31, (option & 1) === 1);
    if (option === 3) index += s ? `, lsl #${log2}` : '';
    else index += `, ${['', '', 'uxtw', '', '', '', 'sxtw', 'sxtx'][option]}` + (s ? ` #${log2}` : '');
    return d(l ? 'ldr' : 'str', `${t}, [${base}, ${index}]`);
  }
  const off = sext((w >>> 12) & 0x1ff, 9);
  switch ((w >>> 10) & 3) {
    case 0:
      return d(l ? 'ldur' : 'stur', `${t}, ${mem(off)}`);
    case 1:
      return d(l ? 'ldr' : 'str', `${t}, [${base}], #${off}`);
    case 3:
      return d(l ? 'ldr' : 'str', `${t}, [${base}, #${off}]!`);
    default:
      return null;
  }
}

/** Data processing, SIMD&FP (bits [27:25] = 111). */
export function disSimdDataProcessing(w: number): DecodeResult {
  // FMOV (general): sf 0 S=0 11110 ftype 1 rmode opcode 000000 Rn Rd
  if ((w & 0x7f20fc00) === 0x1e200000) {
    const sf = w >>> 31;
    const ftype = (w >>> 22) & 3;
    const rmode = (w >>> 19) & 3;
    const opcode = (w >>> 16) & 7;
    const rn = (w >>> 5) & 31;
    const rd = w & 31;
    if (opcode !== 6 && opcode !== 7) return null;
    const toFp = opcode === 7;
    let v: string;
    if (rmode === 0 && ((ftype === 0 && !sf) || (ftype === 1 && sf) || ftype === 3)) v = fp(toFp ? rd : rn, ftype === 3 ? 1 : ftype + 2);
    else if (rmode === 1 && ftype === 2 && sf) v = `v${toFp ? rd : rn}.d[1]`;
    else return null;
    return d('fmov', toFp ? `${v}, ${rz(rn, sf)}` : `${rz(rd, sf)}, ${v}`);
  }
  // ADD/SUB (vector): 0 Q U 01110 size 1 Rm 10000 1 Rn Rd
  if ((w & 0x9f20fc00) === 0x0e208400) {
    const q = (w >>> 30) & 1;
    const size = (w >>> 22) & 3;
    if (size === 3 && !q) return null;
    const arr = ['8b', '16b', '4h', '8h', '2s', '4s', '', '2d'][(size << 1) | q];
    const v = (n: number): string => `v${n}.${arr}`;
    return d((w >>> 29) & 1 ? 'sub' : 'add', `${v(w & 31)}, ${v((w >>> 5) & 31)}, ${v((w >>> 16) & 31)}`);
  }
  return null;
}
