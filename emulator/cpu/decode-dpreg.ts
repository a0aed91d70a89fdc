import { put, regs, undef } from './decode-entry.js';
import type { CpuFeatures } from './features.js';
import { Op } from './ops.js';
import { sp, zr, zrw } from './regs.js';

/** Data processing (register): bits [27:25] = 101. */
export function decodeDataProcessingRegister(w: number, f: CpuFeatures): void {
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  const rm = (w >>> 16) & 31;
  if (((w >>> 28) & 1) === 0) {
    if (((w >>> 24) & 1) === 0) return decodeLogicalShifted(w, sf, rd, rn, rm);
    if (((w >>> 21) & 1) === 0) return decodeAddSubShifted(w, sf, rd, rn, rm);
    return decodeAddSubExtended(w, sf, rd, rn, rm);
  }
  const op2 = (w >>> 21) & 0xf;
  if (op2 & 8) return decodeThreeSource(w, sf, rd, rn, rm);
  switch (op2) {
    case 0b0000:
      return decodeCarryAndFlags(w, sf, rd, rn, rm, f);
    case 0b0010:
      return decodeCondCompare(w, sf, rn, rm);
    case 0b0100: {
      const s = (w >>> 29) & 1;
      const op2b = (w >>> 10) & 3;
      if (s || op2b >= 2) return undef();
      const variant = (((w >>> 30) & 1) << 1) | op2b;
      return put(Op.CSEL, regs(zrw(rd), zr(rn), zr(rm)), ((w >>> 12) & 0xf) | (sf << 4) | (variant << 5));
    }
    case 0b0110:
      return (w >>> 30) & 1 ? decodeOneSource(w, sf, rd, rn) : decodeTwoSource(w, sf, rd, rn, rm, f);
    default:
      return undef();
  }
}

function decodeLogicalShifted(w: number, sf: number, rd: number, rn: number, rm: number): void {
  const opc = (w >>> 29) & 3;
  const shift = (w >>> 22) & 3;
  const invert = (w >>> 21) & 1;
  const imm6 = (w >>> 10) & 0x3f;
  if (!sf && imm6 >= 32) return undef();
  if (opc === 1 && !invert && rn === 31 && imm6 === 0) {
    put(sf ? Op.MOV64R : Op.MOV32R, regs(zrw(rd), 0, zr(rm)));
    return;
  }
  const ops = sf ? [Op.AND64R, Op.ORR64R, Op.EOR64R, Op.ANDS64R] : [Op.AND32R, Op.ORR32R, Op.EOR32R, Op.ANDS32R];
  put(ops[opc]!, regs(zrw(rd), zr(rn), zr(rm)), shift | (imm6 << 2) | (invert << 8));
}

function decodeAddSubShifted(w: number, sf: number, rd: number, rn: number, rm: number): void {
  const sub = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const shift = (w >>> 22) & 3;
  const imm6 = (w >>> 10) & 0x3f;
  if (shift === 3 || (!sf && imm6 >= 32)) return undef();
  const ops = sf ? [Op.ADD64R, Op.ADDS64R, Op.SUB64R, Op.SUBS64R] : [Op.ADD32R, Op.ADDS32R, Op.SUB32R, Op.SUBS32R];
  put(ops[(sub << 1) | s]!, regs(zrw(rd), zr(rn), zr(rm)), shift | (imm6 << 2));
}

function decodeAddSubExtended(w: number, sf: number, rd: number, rn: number, rm: number): void {
  const sub = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const opt = (w >>> 22) & 3;
  const option = (w >>> 13) & 7;
  const imm3 = (w >>> 10) & 7;
  if (opt !== 0 || imm3 > 4) return undef();
  const d = s ? zrw(rd) : sp(rd);
  put(Op.ADDSUBX, regs(d, sp(rn), zr(rm)), option | (imm3 << 3) | (sf << 6) | (sub << 7) | (s << 8));
}

function decodeCarryAndFlags(w: number, sf: number, rd: number, rn: number, rm: number, f: CpuFeatures): void {
  const op = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const op3 = (w >>> 10) & 0x3f;
  if (op3 === 0) {
    put(Op.ADC, regs(zrw(rd), zr(rn), zr(rm)), sf | (op << 1) | (s << 2));
    return;
  }
  if ((op3 & 0x1f) === 0b00001) {
    // RMIF: sf:op:S = 101, o2 (bit 4) = 0
    if (!f.flagm || sf !== 1 || op !== 0 || s !== 1 || (w >>> 4) & 1) return undef();
    put(Op.RMIF, regs(0, zr(rn)), (w >>> 15) & 0x3f, w & 0xf);
    return;
  }
  if ((op3 & 0xf) === 0b0010) {
    // SETF8/SETF16: sf:op:S = 001, opcode2 = 000000, o3 = 0, mask = 1101
    if (!f.flagm || sf !== 0 || op !== 0 || s !== 1 || rm !== 0 || op3 >>> 5 || (w & 0x1f) !== 0b01101) return undef();
    put(Op.SETF, regs(0, zr(rn)), (op3 >>> 4) & 1 ? 16 : 8);
    return;
  }
  undef();
}

function decodeCondCompare(w: number, sf: number, rn: number, rm: number): void {
  const op = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const isImm = (w >>> 11) & 1;
  if (!s || (w >>> 10) & 1 || (w >>> 4) & 1) return undef();
  const misc = sf | (op << 1) | (isImm << 2) | (((w >>> 12) & 0xf) << 3) | ((w & 0xf) << 7);
  put(Op.CCMP, regs(0, zr(rn), isImm ? 0 : zr(rm)), misc, rm);
}

function decodeTwoSource(w: number, sf: number, rd: number, rn: number, rm: number, f: CpuFeatures): void {
  const s = (w >>> 29) & 1;
  const opcode = (w >>> 10) & 0x3f;
  if (s) return undef(); // SUBPS (FEAT_MTE)
  const r = regs(zrw(rd), zr(rn), zr(rm));
  switch (opcode) {
    case 0b000010:
      return put(Op.UDIV, r, sf);
    case 0b000011:
      return put(Op.SDIV, r, sf);
    case 0b001000:
    case 0b001001:
    case 0b001010:
    case 0b001011:
      return put(Op.SHIFTV, r, (opcode & 3) | (sf << 2));
    default:
      break;
  }
  if ((opcode & 0b111000) === 0b010000) {
    const sz = opcode & 3;
    const c = (opcode >>> 2) & 1;
    if (!f.crc32 || (sz === 3) !== (sf === 1)) return undef();
    return put(Op.CRC32, r, sz | (c << 2));
  }
  undef(); // IRG, GMI, SUBP (FEAT_MTE), PACGA (FEAT_PAuth), CSSC min/max
}

function decodeOneSource(w: number, sf: number, rd: number, rn: number): void {
  const s = (w >>> 29) & 1;
  const opcode2 = (w >>> 16) & 31;
  const opcode = (w >>> 10) & 0x3f;
  if (s || opcode2 !== 0) return undef(); // PAuth forms live at opcode2 = 00001
  const r = regs(zrw(rd), zr(rn));
  switch (opcode) {
    case 0:
      return put(Op.RBIT, r, sf);
    case 1:
      return put(Op.REV16, r, sf);
    case 2:
      return put(sf ? Op.REV32 : Op.REV, r, sf); // 32-bit REV reverses the whole W register
    case 3:
      return sf ? put(Op.REV, r, sf) : undef();
    case 4:
      return put(Op.CLZ, r, sf);
    case 5:
      return put(Op.CLS, r, sf);
    default:
      return undef(); // FEAT_CSSC ABS/CNT/CTZ
  }
}

function decodeThreeSource(w: number, sf: number, rd: number, rn: number, rm: number): void {
  const op54 = (w >>> 29) & 3;
  const op31 = (w >>> 21) & 7;
  const o0 = (w >>> 15) & 1;
  const ra = (w >>> 10) & 31;
  if (op54 !== 0) return undef();
  const r = regs(zrw(rd), zr(rn), zr(rm), zr(ra));
  switch (op31) {
    case 0:
      return put(sf ? (o0 ? Op.MSUB64 : Op.MADD64) : o0 ? Op.MSUB32 : Op.MADD32, r);
    case 1:
      return sf ? put(Op.SMADDL, r, o0) : undef();
    case 5:
      return sf ? put(Op.UMADDL, r, o0) : undef();
    case 2:
      return sf && !o0 ? put(Op.SMULH, r) : undef();
    case 6:
      return sf && !o0 ? put(Op.UMULH, r) : undef();
    default:
      return undef();
  }
}
