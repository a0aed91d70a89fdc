// Loads and stores of general-purpose registers in objdump's syntax (the
// SIMD&FP ones are in disassemble-simd.ts).
//
// Runs in the VS Code extension bundle too, so no Node-only APIs here.

import { EXTEND, rs, rz, sext, UNALLOCATED, type Decoded, type DecodeResult, type PcRelative } from './disassemble-format.js';

const d = (mnemonic: string, operands: string): Decoded => ({ mnemonic, operands });

const SIZE_SUFFIX = ['b', 'h', '', ''] as const;

/** PRFM operation names: type (pld, pli, pst), target cache level, policy; the rest print as a number. */
function prfop(op: number): string {
  const type = op >>> 3;
  const target = (op >>> 1) & 3;
  if (type <= 2 && target <= 2) return `${['pld', 'pli', 'pst'][type]}l${target + 1}${op & 1 ? 'strm' : 'keep'}`;
  return '#0x' + op.toString(16).padStart(2, '0');
}

/** `[xn]`, `[xn, #off]` with a decimal offset. */
function memOffset(rn: number, off: number): string {
  return off === 0 ? `[${rs(rn, 1)}]` : `[${rs(rn, 1)}, #${off}]`;
}

export function disLoadStore(w: number, pc: PcRelative): DecodeResult {
  if ((w >>> 26) & 1) return null; // SIMD&FP
  switch ((w >>> 27) & 7) {
    case 0b001:
      return ((w >>> 24) & 3) === 0 ? exclusiveOrdered(w) : null;
    case 0b011:
      if (((w >>> 24) & 3) === 0) return literal(w, pc);
      if (w >>> 24 === 0xd9 && (w >>> 21) & 1) return memoryTags(w);
      if (((w >>> 24) & 3) === 1 && ((w >>> 21) & 1) === 0 && ((w >>> 10) & 3) === 0) return rcpcUnscaled(w);
      return null;
    case 0b101:
      return pair(w);
    case 0b111:
      return register(w);
    default:
      return null;
  }
}

function literal(w: number, pc: PcRelative): Decoded | null {
  const opc = w >>> 30;
  const rt = w & 31;
  const target = pc.address(sext((w >>> 5) & 0x7ffff, 19) * 4);
  switch (opc) {
    case 0:
      return d('ldr', `${rz(rt, 0)}, ${target}`);
    case 1:
      return d('ldr', `${rz(rt, 1)}, ${target}`);
    case 2:
      return d('ldrsw', `${rz(rt, 1)}, ${target}`);
    default:
      return d('prfm', `${prfop(rt)}, ${target}`);
  }
}

function exclusiveOrdered(w: number): DecodeResult {
  const size = w >>> 30;
  const o2 = (w >>> 23) & 1;
  const l = (w >>> 22) & 1;
  const o1 = (w >>> 21) & 1;
  const rs_ = (w >>> 16) & 31;
  const o0 = (w >>> 15) & 1;
  const rt2 = (w >>> 10) & 31;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const x = size === 3;
  const sfx = SIZE_SUFFIX[size];
  const mem = `[${rs(rn, 1)}]`;
  if (!o2 && !o1) {
    if (l) return d(`ld${o0 ? 'a' : ''}xr${sfx}`, `${rz(rt, x)}, ${mem}`);
    return d(`st${o0 ? 'l' : ''}xr${sfx}`, `${rz(rs_, 0)}, ${rz(rt, x)}, ${mem}`);
  }
  if (!o2 && o1) {
    if (size >= 2) {
      if (l) return d(`ld${o0 ? 'a' : ''}xp`, `${rz(rt, x)}, ${rz(rt2, x)}, ${mem}`);
      return d(`st${o0 ? 'l' : ''}xp`, `${rz(rs_, 0)}, ${rz(rt, x)}, ${rz(rt2, x)}, ${mem}`);
    }
    // CASP: size<0> selects 32- or 64-bit elements; registers are even/odd pairs.
    if (rt2 !== 31 || rs_ & 1 || rt & 1) return null;
    const px = size === 1;
    const mn = 'casp' + (l ? 'a' : '') + (o0 ? 'l' : '');
    return d(mn, `${rz(rs_, px)}, ${rz(rs_ + 1, px)}, ${rz(rt, px)}, ${rz(rt + 1, px)}, ${mem}`);
  }
  if (o2 && !o1) {
    // objdump takes Rt2 and Rs<3:0> (all of Rs for LDARH) of LDAR as fixed ones; not those of STLR,
    // LDLAR, STLLR, nor the exclusives'. Arm calls them should-be-one: other values are CONSTRAINED UNPREDICTABLE.
    const rsFixed = size === 1 ? 31 : 15;
    if (o0 && l && ((rs_ & rsFixed) !== rsFixed || rt2 !== 31)) return UNALLOCATED;
    if (l) return d(`${o0 ? 'ldar' : 'ldlar'}${sfx}`, `${rz(rt, x)}, ${mem}`);
    return d(`${o0 ? 'stlr' : 'stllr'}${sfx}`, `${rz(rt, x)}, ${mem}`);
  }
  if (rt2 !== 31) return null;
  const mn = 'cas' + (l ? 'a' : '') + (o0 ? 'l' : '') + sfx;
  return d(mn, `${rz(rs_, x)}, ${rz(rt, x)}, ${mem}`);
}

function rcpcUnscaled(w: number): Decoded | null {
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const mem = memOffset(rn, sext((w >>> 12) & 0x1ff, 9));
  const sfx = SIZE_SUFFIX[size];
  if (opc === 0) return d('stlur' + sfx, `${rz(rt, size === 3)}, ${mem}`);
  if (opc === 1) return d('ldapur' + sfx, `${rz(rt, size === 3)}, ${mem}`);
  if (opc === 2 && size < 3) return d('ldapurs' + (size === 2 ? 'w' : sfx), `${rz(rt, 1)}, ${mem}`);
  if (opc === 3 && size < 2) return d('ldapurs' + sfx, `${rz(rt, 0)}, ${mem}`);
  return null;
}

function pair(w: number): DecodeResult {
  const opc = w >>> 30;
  const mode = (w >>> 23) & 3; // 00 no-allocate, 01 post, 10 offset, 11 pre
  const l = (w >>> 22) & 1;
  const imm7 = sext((w >>> 15) & 0x7f, 7);
  const rt2 = (w >>> 10) & 31;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  let mn: string;
  let x: boolean;
  let scale: number;
  if (opc === 0 || opc === 2) {
    x = opc === 2;
    scale = x ? 3 : 2;
    mn = (l ? 'ld' : 'st') + (mode === 0 ? 'np' : 'p');
  } else if (opc === 1 && l && mode !== 0) {
    // objdump checks the CONSTRAINED UNPREDICTABLE register choices for LDPSW only:
    // the same register twice, or the base written back and also loaded.
    if (rt === rt2 || (mode !== 2 && rn !== 31 && (rn === rt || rn === rt2))) return UNALLOCATED;
    x = true;
    scale = 2;
    mn = 'ldpsw';
  } else if (opc === 1 && !l && mode !== 0) {
    // STGP (FEAT_MTE): offset in 16-byte granules.
    const off = imm7 * 16;
    const regs = `${rz(rt, 1)}, ${rz(rt2, 1)}`;
    if (mode === 1) return d('stgp', `${regs}, [${rs(rn, 1)}], #${off}`);
    if (mode === 3) return d('stgp', `${regs}, [${rs(rn, 1)}, #${off}]!`);
    return d('stgp', `${regs}, ${memOffset(rn, off)}`);
  } else return null;
  const off = imm7 * (1 << scale);
  const regs = `${rz(rt, x)}, ${rz(rt2, x)}`;
  if (mode === 1) return d(mn, `${regs}, [${rs(rn, 1)}], #${off}`);
  if (mode === 3) return d(mn, `${regs}, [${rs(rn, 1)}, #${off}]!`);
  return d(mn, `${regs}, ${memOffset(rn, off)}`);
}

/**
 * The mnemonic stem and register width of a single-register load/store by
 * size and opc; null for unallocated, 'prfm' for the prefetch slot.
 */
function singleForm(size: number, opc: number): { stem: string; sfx: string; x: boolean } | 'prfm' | null {
  const sfx = SIZE_SUFFIX[size];
  if (opc === 0) return { stem: 'st', sfx, x: size === 3 };
  if (opc === 1) return { stem: 'ld', sfx, x: size === 3 };
  if (opc === 2) {
    if (size === 3) return 'prfm';
    return { stem: 'ld', sfx: 's' + (size === 2 ? 'w' : sfx), x: true };
  }
  if (size >= 2) return null;
  return { stem: 'ld', sfx: 's' + sfx, x: false };
}

function register(w: number): DecodeResult {
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const form = singleForm(size, opc);
  if ((w >>> 24) & 1) {
    // Unsigned, scaled immediate offset.
    if (!form) return null;
    const off = ((w >>> 10) & 0xfff) * (1 << size);
    if (form === 'prfm') return d('prfm', `${prfop(rt)}, ${memOffset(rn, off)}`);
    return d(`${form.stem}r${form.sfx}`, `${rz(rt, form.x)}, ${memOffset(rn, off)}`);
  }
  if (((w >>> 21) & 1) === 0) {
    const off = sext((w >>> 12) & 0x1ff, 9);
    const type = (w >>> 10) & 3; // 00 unscaled, 01 post, 10 unprivileged, 11 pre
    if (!form) return null;
    if (form === 'prfm') return type === 0 ? d('prfum', `${prfop(rt)}, ${memOffset(rn, off)}`) : null;
    const t = rz(rt, form.x);
    if (type === 0) return d(`${form.stem}ur${form.sfx}`, `${t}, ${memOffset(rn, off)}`);
    if (type === 2) return d(`${form.stem}tr${form.sfx}`, `${t}, ${memOffset(rn, off)}`);
    if (type === 1) return d(`${form.stem}r${form.sfx}`, `${t}, [${rs(rn, 1)}], #${off}`);
    return d(`${form.stem}r${form.sfx}`, `${t}, [${rs(rn, 1)}, #${off}]!`);
  }
  const b11_10 = (w >>> 10) & 3;
  if (b11_10 === 0) return atomic(w);
  if (b11_10 & 1) return size === 3 ? loadAuthenticated(w) : null;
  const option = (w >>> 13) & 7;
  const s = (w >>> 12) & 1;
  const rm = (w >>> 16) & 31;
  if (!form || (option & 2) === 0) return null;
  // LSL is written only with S = 1; the extends always, their amount only with S = 1.
  let index = rz(rm, (option & 1) === 1);
  if (option === 3) index += s ? `, lsl #${size}` : '';
  else index += `, ${EXTEND[option]}` + (s ? ` #${size}` : '');
  const mem = `[${rs(rn, 1)}, ${index}]`;
  if (form === 'prfm') return d('prfm', `${prfop(rt)}, ${mem}`);
  return d(`${form.stem}r${form.sfx}`, `${rz(rt, form.x)}, ${mem}`);
}

/** LDRAA/LDRAB (FEAT_PAuth): a 10-bit signed offset in doublewords, optionally written back. */
function loadAuthenticated(w: number): Decoded {
  const off = sext((((w >>> 22) & 1) << 9) | ((w >>> 12) & 0x1ff), 10) * 8;
  const base = rs((w >>> 5) & 31, 1);
  const mn = (w >>> 23) & 1 ? 'ldrab' : 'ldraa';
  const mem = off === 0 ? `[${base}]` : `[${base}, #${off}]`;
  return d(mn, `${rz(w & 31, 1)}, ${mem}${(w >>> 11) & 1 ? '!' : ''}`);
}

/** The FEAT_MTE tag stores and loads (bits [31:24] = 11011001, bit 21 = 1), offsets in 16-byte granules. */
function memoryTags(w: number): Decoded | null {
  const opc = (w >>> 22) & 3;
  const op2 = (w >>> 10) & 3;
  const imm9 = sext((w >>> 12) & 0x1ff, 9);
  const rt = w & 31;
  const base = rs((w >>> 5) & 31, 1);
  if (op2 === 0) {
    // The bulk forms take no offset; LDG takes one.
    if (opc === 1) return d('ldg', `${rz(rt, 1)}, ${imm9 ? `[${base}, #${imm9 * 16}]` : `[${base}]`}`);
    if (imm9 !== 0) return null;
    return d(['stzgm', '', 'stgm', 'ldgm'][opc]!, `${rz(rt, 1)}, [${base}]`);
  }
  const mn = ['stg', 'stzg', 'st2g', 'stz2g'][opc]!;
  const off = imm9 * 16;
  const t = rs(rt, 1);
  if (op2 === 1) return d(mn, `${t}, [${base}], #${off}`);
  if (op2 === 3) return d(mn, `${t}, [${base}, #${off}]!`);
  return d(mn, `${t}, ${off === 0 ? `[${base}]` : `[${base}, #${off}]`}`);
}

const ATOMIC_OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'] as const;

function atomic(w: number): Decoded | null {
  const size = w >>> 30;
  const a = (w >>> 23) & 1;
  const r = (w >>> 22) & 1;
  const rs_ = (w >>> 16) & 31;
  const o3 = (w >>> 15) & 1;
  const opc = (w >>> 12) & 7;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const x = size === 3;
  const sfx = SIZE_SUFFIX[size];
  const mem = `[${rs(rn, 1)}]`;
  const order = (a ? 'a' : '') + (r ? 'l' : '');
  if (o3) {
    if (opc === 4 && a && !r && rs_ === 31) return d('ldapr' + sfx, `${rz(rt, x)}, ${mem}`);
    if (opc === 0) return d('swp' + order + sfx, `${rz(rs_, x)}, ${rz(rt, x)}, ${mem}`);
    return null;
  }
  const op = ATOMIC_OPS[opc]!;
  // ST<op> is the alias when the loaded value is discarded and there is no acquire.
  if (rt === 31 && !a) return d(`st${op}${r ? 'l' : ''}${sfx}`, `${rz(rs_, x)}, ${mem}`);
  return d(`ld${op}${order}${sfx}`, `${rz(rs_, x)}, ${rz(rt, x)}, ${mem}`);
}
