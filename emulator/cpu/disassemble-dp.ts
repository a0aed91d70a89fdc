// Data processing (immediate and register) in objdump's syntax, with the
// aliases objdump prefers (mov, cmp, tst, lsl, ubfx, cset, mul, ...).
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import {
  COND,
  condComment,
  dec,
  EXTEND,
  imm,
  imm64,
  rs,
  rz,
  sext,
  shiftSuffix,
  type Decoded,
  type PcRelative,
} from './disassemble-format.js';

const d = (mnemonic: string, operands = '', comment?: string): Decoded => ({ mnemonic, operands, comment });

// ---------------------------------------------------------------------------
// Bitmask immediates, on int32 halves.

/** DecodeBitMasks' wmask for a logical immediate as (lo, hi); null for a reserved encoding. */
export function bitmaskImmediate(n: number, imms: number, immr: number, sf: number): [number, number] | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1 || (!sf && len > 5)) return null;
  const levels = (1 << len) - 1;
  const s = imms & levels;
  if (s === levels) return null;
  const r = immr & levels;
  const esize = 1 << len;
  if (esize === 64) {
    // s + 1 ones, rotated right by r within 64 bits.
    let lo = s + 1 >= 32 ? -1 : (1 << (s + 1)) - 1;
    let hi = s + 1 > 32 ? (s + 1 - 32 >= 32 ? -1 : (1 << (s + 1 - 32)) - 1) : 0;
    for (let i = 0; i < r; i++) {
      const b = lo & 1;
      lo = (lo >>> 1) | ((hi & 1) << 31);
      hi = (hi >>> 1) | (b << 31);
    }
    return [lo | 0, hi | 0];
  }
  const emask = esize === 32 ? -1 : (1 << esize) - 1;
  let e = (1 << (s + 1)) - 1;
  if (r !== 0) e = ((e >>> r) | (e << (esize - r))) & emask;
  let v = 0;
  for (let i = 0; i < 32; i += esize) v |= e << i;
  return [v | 0, sf ? v | 0 : 0];
}

/**
 * Whether one MOVZ or MOVN gives this value: objdump then shows an ORR
 * immediate from the zero register as ORR, not as MOV. (This is its test,
 * which differs from the Arm ARM's MoveWidePreferred for values such as
 * 0xfffffffffffffffe, where the ARM ARM prefers MOV.)
 */
function isWideConstant(lo: number, hi: number, sf: number): boolean {
  const one16 = (l: number, h: number): boolean => {
    const halves = [l & 0xffff, l >>> 16, h & 0xffff, h >>> 16];
    return halves.filter((x) => x !== 0).length <= 1;
  };
  if (sf) return one16(lo, hi) || one16(~lo, ~hi);
  return one16(lo, 0) || one16(~lo & 0xffffffff, 0);
}

/** Signed decimal of a 64-bit (lo, hi) value, for objdump's `// #-1` comments. */
function signedDecimal(lo: number, hi: number): string {
  const neg = hi < 0;
  let l = lo >>> 0;
  let h = hi >>> 0;
  if (neg) {
    // Two's complement negate to get the magnitude.
    l = (~l + 1) >>> 0;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  }
  return (neg ? '-' : '') + unsignedDecimal(l, h);
}

/** Decimal of an unsigned 64-bit value given as halves, without BigInt: long division by 10^7. */
function unsignedDecimal(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  const parts: string[] = [];
  // Four 16-bit limbs, most significant first.
  let limbs = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
  while (limbs.some((x) => x !== 0)) {
    let rem = 0;
    const next: number[] = [];
    for (const x of limbs) {
      const cur = rem * 65536 + x;
      next.push(Math.floor(cur / 1e7));
      rem = cur % 1e7;
    }
    limbs = next;
    parts.unshift(String(rem));
  }
  return parts.map((p, i) => (i === 0 ? p : p.padStart(7, '0'))).join('');
}

/** MOV of an immediate: objdump shows the value in hex and, in a comment, in signed decimal. */
function movImmediate(rd: string, lo: number, hi: number, sf: number): Decoded {
  const value = sf ? imm64(lo, hi) : imm(lo >>> 0);
  const decimal = sf ? signedDecimal(lo, hi) : String(lo | 0);
  return { mnemonic: 'mov', operands: `${rd}, ${value}`, comment: '#' + decimal, commentPad: 23 };
}

// ---------------------------------------------------------------------------
// Data processing (immediate): bits [28:26] = 100.

export function disDataProcessingImmediate(w: number, pc: PcRelative): Decoded | null {
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  switch ((w >>> 23) & 7) {
    case 0b000:
    case 0b001: {
      const immv = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
      if (sf) return d('adrp', `${rz(rd, 1)}, ${pc.address(immv * 4096, true)}`);
      return d('adr', `${rz(rd, 1)}, ${pc.address(immv)}`);
    }
    case 0b010:
      return addSubImmediate(w, sf, rd, rn);
    case 0b100:
      return logicalImmediate(w, sf, rd, rn);
    case 0b101:
      return moveWide(w, sf, rd);
    case 0b110:
      return bitfield(w, sf, rd, rn);
    case 0b111:
      return extract(w, sf, rd, rn);
    default:
      return (w >>> 22) & 1 ? minMaxImmediate(w, sf, rd, rn) : addSubTags(w, sf, rd, rn);
  }
}

/** ADDG/SUBG (FEAT_MTE): offset in 16-byte granules, tag offset. */
function addSubTags(w: number, sf: number, rd: number, rn: number): Decoded | null {
  if (!sf || (w >>> 29) & 1 || (w >>> 14) & 3) return null;
  const ops = `${rs(rd, 1)}, ${rs(rn, 1)}, ${imm(((w >>> 16) & 0x3f) * 16)}, ${imm((w >>> 10) & 0xf)}`;
  return d((w >>> 30) & 1 ? 'subg' : 'addg', ops);
}

/** SMAX/UMAX/SMIN/UMIN (immediate), FEAT_CSSC: the immediate in decimal, signed for the signed forms. */
function minMaxImmediate(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const opc = (w >>> 18) & 0xf;
  if ((w >>> 29) & 3 || opc > 3) return null;
  const imm8 = (w >>> 10) & 0xff;
  const signed = (opc & 1) === 0;
  const mn = ['smax', 'umax', 'smin', 'umin'][opc]!;
  return d(mn, `${rz(rd, sf)}, ${rz(rn, sf)}, ${dec(signed ? sext(imm8, 8) : imm8)}`);
}

function addSubImmediate(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const sub = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const sh = (w >>> 22) & 1;
  const imm12 = (w >>> 10) & 0xfff;
  const immText = imm(imm12) + (sh ? ', lsl #12' : '');
  if (!sub && !s && !sh && imm12 === 0 && (rd === 31 || rn === 31)) return d('mov', `${rs(rd, sf)}, ${rs(rn, sf)}`);
  if (s && rd === 31) return d(sub ? 'cmp' : 'cmn', `${rs(rn, sf)}, ${immText}`);
  const mn = (sub ? 'sub' : 'add') + (s ? 's' : '');
  return d(mn, `${s ? rz(rd, sf) : rs(rd, sf)}, ${rs(rn, sf)}, ${immText}`);
}

function logicalImmediate(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const n = (w >>> 22) & 1;
  const immr = (w >>> 16) & 0x3f;
  const imms = (w >>> 10) & 0x3f;
  if (!sf && n) return null;
  const m = bitmaskImmediate(n, imms, immr, sf);
  if (!m) return null;
  const [lo, hi] = m;
  const value = sf ? imm64(lo, hi) : imm(lo >>> 0);
  const opc = (w >>> 29) & 3;
  if (opc === 1 && rn === 31 && !isWideConstant(lo, hi, sf)) return movImmediate(rs(rd, sf), lo, hi, sf);
  if (opc === 3 && rd === 31) return d('tst', `${rz(rn, sf)}, ${value}`);
  const mn = ['and', 'orr', 'eor', 'ands'][opc]!;
  return d(mn, `${opc === 3 ? rz(rd, sf) : rs(rd, sf)}, ${rz(rn, sf)}, ${value}`);
}

function moveWide(w: number, sf: number, rd: number): Decoded | null {
  const opc = (w >>> 29) & 3;
  const hw = (w >>> 21) & 3;
  if (opc === 1 || (!sf && hw >= 2)) return null;
  const imm16 = (w >>> 5) & 0xffff;
  const shift = hw * 16;
  const shiftText = hw ? `, lsl #${shift}` : '';
  const r = rz(rd, sf);
  if (opc === 3) return d('movk', `${r}, ${imm(imm16)}${shiftText}`);
  // MOV is preferred unless the assembler would pick another encoding for that value.
  const alias = !(imm16 === 0 && hw !== 0) && !(opc === 0 && !sf && imm16 === 0xffff);
  if (!alias) return d(opc === 0 ? 'movn' : 'movz', `${r}, ${imm(imm16)}${shiftText}`);
  let lo = shift < 32 ? imm16 << shift : 0;
  let hi = shift >= 32 ? imm16 << (shift - 32) : 0;
  if (opc === 0) {
    lo = ~lo;
    hi = sf ? ~hi : 0;
  }
  return movImmediate(r, lo | 0, hi | 0, sf);
}

function bitfield(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const opc = (w >>> 29) & 3;
  const n = (w >>> 22) & 1;
  const immr = (w >>> 16) & 0x3f;
  const imms = (w >>> 10) & 0x3f;
  if (opc === 3 || n !== sf) return null;
  if (!sf && (immr >= 32 || imms >= 32)) return null;
  const width = sf ? 64 : 32;
  const dst = rz(rd, sf);
  const src = rz(rn, sf);
  // The "insert in zero" forms: the field lands at (width - immr) mod width.
  const izLsb = (width - immr) & (width - 1);
  if (opc === 0) {
    if (imms === width - 1) return d('asr', `${dst}, ${src}, ${dec(immr)}`);
    if (immr === 0 && (imms === 7 || imms === 15 || (imms === 31 && sf))) {
      return d(imms === 7 ? 'sxtb' : imms === 15 ? 'sxth' : 'sxtw', `${dst}, ${rz(rn, 0)}`);
    }
    if (imms < immr) return d('sbfiz', `${dst}, ${src}, ${dec(izLsb)}, ${dec(imms + 1)}`);
    return d('sbfx', `${dst}, ${src}, ${dec(immr)}, ${dec(imms - immr + 1)}`);
  }
  if (opc === 1) {
    if (imms < immr) {
      if (rn === 31) return d('bfc', `${dst}, ${dec(izLsb)}, ${dec(imms + 1)}`);
      return d('bfi', `${dst}, ${src}, ${dec(izLsb)}, ${dec(imms + 1)}`);
    }
    return d('bfxil', `${dst}, ${src}, ${dec(immr)}, ${dec(imms - immr + 1)}`);
  }
  if (imms !== width - 1 && imms + 1 === immr) return d('lsl', `${dst}, ${src}, ${dec(width - 1 - imms)}`);
  if (imms === width - 1) return d('lsr', `${dst}, ${src}, ${dec(immr)}`);
  if (!sf && immr === 0 && (imms === 7 || imms === 15)) return d(imms === 7 ? 'uxtb' : 'uxth', `${dst}, ${src}`);
  if (imms < immr) return d('ubfiz', `${dst}, ${src}, ${dec(izLsb)}, ${dec(imms + 1)}`);
  return d('ubfx', `${dst}, ${src}, ${dec(immr)}, ${dec(imms - immr + 1)}`);
}

function extract(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const n = (w >>> 22) & 1;
  const op21 = (w >>> 29) & 3;
  const o0 = (w >>> 21) & 1;
  const imms = (w >>> 10) & 0x3f;
  const rm = (w >>> 16) & 31;
  if (op21 !== 0 || o0 !== 0 || n !== sf || (!sf && imms >= 32)) return null;
  if (rn === rm) return d('ror', `${rz(rd, sf)}, ${rz(rn, sf)}, ${dec(imms)}`);
  return d('extr', `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}, ${dec(imms)}`);
}

// ---------------------------------------------------------------------------
// Data processing (register): bits [27:25] = 101.

export function disDataProcessingRegister(w: number): Decoded | null {
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  const rm = (w >>> 16) & 31;
  if (((w >>> 28) & 1) === 0) {
    if (((w >>> 24) & 1) === 0) return logicalShifted(w, sf, rd, rn, rm);
    if (((w >>> 21) & 1) === 0) return addSubShifted(w, sf, rd, rn, rm);
    return addSubExtended(w, sf, rd, rn, rm);
  }
  const op2 = (w >>> 21) & 0xf;
  if (op2 & 8) return threeSource(w, sf, rd, rn, rm);
  switch (op2) {
    case 0b0000:
      return carryAndFlags(w, sf, rd, rn, rm);
    case 0b0010:
      return condCompare(w, sf, rn, rm);
    case 0b0100:
      return condSelect(w, sf, rd, rn, rm);
    case 0b0110:
      return (w >>> 30) & 1 ? oneSource(w, sf, rd, rn) : twoSource(w, sf, rd, rn, rm);
    default:
      return null;
  }
}

function logicalShifted(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const opc = (w >>> 29) & 3;
  const shift = (w >>> 22) & 3;
  const invert = (w >>> 21) & 1;
  const imm6 = (w >>> 10) & 0x3f;
  if (!sf && imm6 >= 32) return null;
  const m = rz(rm, sf) + shiftSuffix(shift, imm6);
  if (opc === 1 && rn === 31) {
    if (!invert && shift === 0 && imm6 === 0) return d('mov', `${rz(rd, sf)}, ${rz(rm, sf)}`);
    if (invert) return d('mvn', `${rz(rd, sf)}, ${m}`);
  }
  if (opc === 3 && !invert && rd === 31) return d('tst', `${rz(rn, sf)}, ${m}`);
  const mn = (invert ? ['bic', 'orn', 'eon', 'bics'] : ['and', 'orr', 'eor', 'ands'])[opc]!;
  return d(mn, `${rz(rd, sf)}, ${rz(rn, sf)}, ${m}`);
}

function addSubShifted(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const sub = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const shift = (w >>> 22) & 3;
  const imm6 = (w >>> 10) & 0x3f;
  if (shift === 3 || (!sf && imm6 >= 32)) return null;
  const m = rz(rm, sf) + shiftSuffix(shift, imm6);
  if (s && rd === 31) return d(sub ? 'cmp' : 'cmn', `${rz(rn, sf)}, ${m}`);
  if (sub && rn === 31) return d(s ? 'negs' : 'neg', `${rz(rd, sf)}, ${m}`);
  return d((sub ? 'sub' : 'add') + (s ? 's' : ''), `${rz(rd, sf)}, ${rz(rn, sf)}, ${m}`);
}

function addSubExtended(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const sub = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const opt = (w >>> 22) & 3;
  const option = (w >>> 13) & 7;
  const imm3 = (w >>> 10) & 7;
  if (opt !== 0 || imm3 > 4) return null;
  // The register is X only for the 64-bit extends (UXTX, SXTX) of a 64-bit operation.
  const m = rz(rm, sf && (option & 3) === 3);
  // With SP as an operand, the "natural" extend (UXTX/UXTW) is written as LSL (or nothing).
  const natural = option === (sf ? 3 : 2);
  const usesSp = rn === 31 || (!s && rd === 31);
  let ext: string;
  if (natural && usesSp) ext = imm3 ? `, lsl #${imm3}` : '';
  else ext = `, ${EXTEND[option]}` + (imm3 ? ` #${imm3}` : '');
  if (s && rd === 31) return d(sub ? 'cmp' : 'cmn', `${rs(rn, sf)}, ${m}${ext}`);
  const dst = s ? rz(rd, sf) : rs(rd, sf);
  return d((sub ? 'sub' : 'add') + (s ? 's' : ''), `${dst}, ${rs(rn, sf)}, ${m}${ext}`);
}

function carryAndFlags(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const op = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const op3 = (w >>> 10) & 0x3f;
  if (op3 === 0) {
    if (op && rn === 31) return d(s ? 'ngcs' : 'ngc', `${rz(rd, sf)}, ${rz(rm, sf)}`);
    return d((op ? 'sbc' : 'adc') + (s ? 's' : ''), `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}`);
  }
  if ((op3 & 0x1f) === 0b00001) {
    if (sf !== 1 || op !== 0 || s !== 1 || (w >>> 4) & 1) return null;
    return d('rmif', `${rz(rn, 1)}, ${dec((w >>> 15) & 0x3f)}, ${dec(w & 0xf)}`);
  }
  if ((op3 & 0xf) === 0b0010) {
    if (sf !== 0 || op !== 0 || s !== 1 || rm !== 0 || op3 >>> 5 || (w & 0x1f) !== 0b01101) return null;
    return d((op3 >>> 4) & 1 ? 'setf16' : 'setf8', rz(rn, 0));
  }
  return null;
}

function condCompare(w: number, sf: number, rn: number, rm: number): Decoded | null {
  const op = (w >>> 30) & 1;
  const s = (w >>> 29) & 1;
  const isImm = (w >>> 11) & 1;
  if (!s || (w >>> 10) & 1 || (w >>> 4) & 1) return null;
  const cond = (w >>> 12) & 0xf;
  const second = isImm ? imm(rm) : rz(rm, sf);
  return d(op ? 'ccmp' : 'ccmn', `${rz(rn, sf)}, ${second}, ${imm(w & 0xf)}, ${COND[cond]}`, condComment(cond));
}

function condSelect(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const s = (w >>> 29) & 1;
  const op2 = (w >>> 10) & 3;
  if (s || op2 >= 2) return null;
  const variant = (((w >>> 30) & 1) << 1) | op2; // 0 csel, 1 csinc, 2 csinv, 3 csneg
  const cond = (w >>> 12) & 0xf;
  const inv = cond ^ 1;
  // The aliases state the inverted condition, and exist only when it is a real one (not AL/NV).
  if (variant !== 0 && cond >>> 1 !== 7 && rn === rm) {
    if (rn === 31 && variant !== 3) return d(variant === 1 ? 'cset' : 'csetm', `${rz(rd, sf)}, ${COND[inv]}`, condComment(inv));
    if (rn !== 31 || variant === 3) {
      const mn = variant === 1 ? 'cinc' : variant === 2 ? 'cinv' : 'cneg';
      return d(mn, `${rz(rd, sf)}, ${rz(rn, sf)}, ${COND[inv]}`, condComment(inv));
    }
  }
  const mn = ['csel', 'csinc', 'csinv', 'csneg'][variant]!;
  return d(mn, `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}, ${COND[cond]}`, condComment(cond));
}

function twoSource(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const s = (w >>> 29) & 1;
  const opcode = (w >>> 10) & 0x3f;
  if (opcode === 0 && sf) {
    // SUBP/SUBPS (FEAT_MTE): pointer difference; CMPP is SUBPS into XZR.
    if (s && rd === 31) return d('cmpp', `${rs(rn, 1)}, ${rs(rm, 1)}`);
    return d(s ? 'subps' : 'subp', `${rz(rd, 1)}, ${rs(rn, 1)}, ${rs(rm, 1)}`);
  }
  if (s) return null;
  const three = `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}`;
  if (sf && opcode === 0b000100) return d('irg', `${rs(rd, 1)}, ${rs(rn, 1)}` + (rm === 31 ? '' : `, ${rz(rm, 1)}`));
  if (sf && opcode === 0b000101) return d('gmi', `${rz(rd, 1)}, ${rs(rn, 1)}, ${rz(rm, 1)}`);
  if (sf && opcode === 0b001100) return d('pacga', `${rz(rd, 1)}, ${rz(rn, 1)}, ${rs(rm, 1)}`);
  if ((opcode & 0b111100) === 0b011000) return d(['smax', 'umax', 'smin', 'umin'][opcode & 3]!, three);
  switch (opcode) {
    case 0b000010:
      return d('udiv', three);
    case 0b000011:
      return d('sdiv', three);
    case 0b001000:
      return d('lsl', three);
    case 0b001001:
      return d('lsr', three);
    case 0b001010:
      return d('asr', three);
    case 0b001011:
      return d('ror', three);
    default:
      break;
  }
  if ((opcode & 0b111000) === 0b010000) {
    const sz = opcode & 3;
    const c = (opcode >>> 2) & 1;
    if ((sz === 3) !== (sf === 1)) return null;
    const mn = 'crc32' + (c ? 'c' : '') + 'bhwx'[sz];
    return d(mn, `${rz(rd, 0)}, ${rz(rn, 0)}, ${rz(rm, sz === 3)}`);
  }
  return null;
}

function oneSource(w: number, sf: number, rd: number, rn: number): Decoded | null {
  const s = (w >>> 29) & 1;
  const opcode2 = (w >>> 16) & 31;
  const opcode = (w >>> 10) & 0x3f;
  if (s) return null;
  if (opcode2 === 1 && sf) return pointerAuth(opcode, rd, rn);
  if (opcode2 !== 0) return null;
  const two = `${rz(rd, sf)}, ${rz(rn, sf)}`;
  switch (opcode) {
    case 0:
      return d('rbit', two);
    case 1:
      return d('rev16', two);
    case 2:
      return d(sf ? 'rev32' : 'rev', two);
    case 3:
      return sf ? d('rev', two) : null;
    case 4:
      return d('clz', two);
    case 5:
      return d('cls', two);
    case 6:
      return d('ctz', two);
    case 7:
      return d('cnt', two);
    case 8:
      return d('abs', two);
    default:
      return null;
  }
}

const PAC_OPS = ['pacia', 'pacib', 'pacda', 'pacdb', 'autia', 'autib', 'autda', 'autdb'] as const;

/** FEAT_PAuth data processing: PAC*, AUT* (with a modifier, or the Z forms with zero), XPAC*. */
function pointerAuth(opcode: number, rd: number, rn: number): Decoded | null {
  if (opcode < 8) return d(PAC_OPS[opcode]!, `${rz(rd, 1)}, ${rs(rn, 1)}`);
  if (rn !== 31) return null;
  if (opcode < 16) {
    const op = PAC_OPS[opcode - 8]!;
    return d(op.slice(0, 4) + 'z' + op.slice(4), rz(rd, 1));
  }
  if (opcode === 16 || opcode === 17) return d(opcode === 16 ? 'xpaci' : 'xpacd', rz(rd, 1));
  return null;
}

function threeSource(w: number, sf: number, rd: number, rn: number, rm: number): Decoded | null {
  const op54 = (w >>> 29) & 3;
  const op31 = (w >>> 21) & 7;
  const o0 = (w >>> 15) & 1;
  const ra = (w >>> 10) & 31;
  if (op54 !== 0) return null;
  if (op31 === 0) {
    if (ra === 31) return d(o0 ? 'mneg' : 'mul', `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}`);
    return d(o0 ? 'msub' : 'madd', `${rz(rd, sf)}, ${rz(rn, sf)}, ${rz(rm, sf)}, ${rz(ra, sf)}`);
  }
  if (!sf) return null;
  if (op31 === 1 || op31 === 5) {
    const u = op31 === 5 ? 'u' : 's';
    if (ra === 31) return d(u + (o0 ? 'mnegl' : 'mull'), `${rz(rd, 1)}, ${rz(rn, 0)}, ${rz(rm, 0)}`);
    return d(u + (o0 ? 'msubl' : 'maddl'), `${rz(rd, 1)}, ${rz(rn, 0)}, ${rz(rm, 0)}, ${rz(ra, 1)}`);
  }
  if ((op31 === 2 || op31 === 6) && !o0) return d(op31 === 6 ? 'umulh' : 'smulh', `${rz(rd, 1)}, ${rz(rn, 1)}, ${rz(rm, 1)}`);
  return null;
}
