import { put, regs, sext, undef } from './decode-entry.js';
import type { CpuFeatures } from './features.js';
import { Op } from './ops.js';
import { sp, zr, zrw } from './regs.js';

/** Load/store encodings: bits [28:25] = x1x0. */
export function decodeLoadStore(w: number, f: CpuFeatures): void {
  const v = (w >>> 26) & 1;
  const b29_27 = (w >>> 27) & 7;
  if (v) {
    // SIMD&FP loads and stores, including structure loads (bits [29:27] = 001).
    put(Op.FPSIMD);
    return;
  }
  switch (b29_27) {
    case 0b001:
      if (((w >>> 24) & 3) === 0) return decodeExclusiveOrdered(w, f);
      return undef();
    case 0b011:
      if (((w >>> 24) & 3) === 0) return decodeLiteral(w);
      if (((w >>> 24) & 3) === 1 && ((w >>> 21) & 1) === 0 && ((w >>> 10) & 3) === 0) return decodeRcpcUnscaled(w, f);
      // FEAT_MOPS, FEAT_MTE tag loads/stores: not implemented.
      return undef();
    case 0b101:
      return decodePair(w);
    case 0b111:
      return decodeRegister(w, f);
    default:
      return undef();
  }
}

function decodeLiteral(w: number): void {
  const opc = w >>> 30;
  const rt = w & 31;
  const off = sext((w >>> 5) & 0x7ffff, 19) * 4;
  switch (opc) {
    case 0:
      return put(Op.LDR_LIT, regs(zrw(rt)), 2, off);
    case 1:
      return put(Op.LDR_LIT, regs(zrw(rt)), 3, off);
    case 2:
      return put(Op.LDR_LIT, regs(zrw(rt)), 2 | (1 << 2), off);
    default:
      return put(Op.NOP); // PRFM (literal)
  }
}

function decodeExclusiveOrdered(w: number, f: CpuFeatures): void {
  const size = w >>> 30;
  const o2 = (w >>> 23) & 1;
  const l = (w >>> 22) & 1;
  const o1 = (w >>> 21) & 1;
  const rs = (w >>> 16) & 31;
  const o0 = (w >>> 15) & 1;
  const rt2 = (w >>> 10) & 31;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  if (!o2 && !o1) {
    if (l) put(Op.LDXR, regs(zrw(rt), sp(rn)), size | (o0 << 2));
    else put(Op.STXR, regs(zr(rt), sp(rn), 0, zrw(rs)), size | (o0 << 2));
    return;
  }
  if (!o2 && o1) {
    if (size >= 2) {
      if (l) put(Op.LDXP, regs(zrw(rt), sp(rn), 0, zrw(rt2)), size | (o0 << 2));
      else put(Op.STXP, regs(zr(rt), sp(rn), zr(rt2), zrw(rs)), size | (o0 << 2));
      return;
    }
    // CASP/CASPA/CASPL/CASPAL: size<0> selects 32/64-bit elements.
    if (!f.lse || rt2 !== 31 || rs & 1 || rt & 1) return undef();
    put(Op.CASP, regs(rt, sp(rn), 0, rs), (size + 2) | (l << 2) | (o0 << 3));
    return;
  }
  if (o2 && !o1) {
    if (!o0 && !f.lor) return undef();
    if (l) put(Op.LDAR, regs(zrw(rt), sp(rn)), size);
    else put(Op.STLR, regs(zr(rt), sp(rn)), size);
    return;
  }
  // CAS/CASA/CASL/CASAL
  if (!f.lse || rt2 !== 31) return undef();
  put(Op.CAS, regs(zr(rt), sp(rn), zrw(rs), zr(rs)), size | (l << 2) | (o0 << 3));
}

function decodeRcpcUnscaled(w: number, f: CpuFeatures): void {
  if (!f.lrcpc2) return undef();
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const off = sext((w >>> 12) & 0x1ff, 9);
  if (opc === 0) return put(Op.STLUR, regs(zr(rt), sp(rn)), size, off);
  if (opc === 1) return put(Op.LDAPUR, regs(zrw(rt), sp(rn)), size, off);
  if (opc === 2 && size < 3) return put(Op.LDAPUR, regs(zrw(rt), sp(rn)), size | (1 << 2), off);
  if (opc === 3 && size < 2) return put(Op.LDAPUR, regs(zrw(rt), sp(rn)), size | (2 << 2), off);
  undef();
}

function decodePair(w: number): void {
  const opc = w >>> 30;
  const mode = (w >>> 23) & 3; // 00 no-allocate, 01 post, 10 offset, 11 pre
  const l = (w >>> 22) & 1;
  const imm7 = sext((w >>> 15) & 0x7f, 7);
  const rt2 = (w >>> 10) & 31;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  let size: number;
  let sx = 0;
  if (opc === 0) size = 2;
  else if (opc === 2) size = 3;
  else if (opc === 1 && l && mode !== 0) {
    size = 2;
    sx = 1; // LDPSW
  } else return undef(); // STGP (FEAT_MTE), unallocated
  const m = mode === 1 ? 2 : mode === 3 ? 1 : 0;
  const off = imm7 << size;
  if (l) put(Op.LDP, regs(zrw(rt), sp(rn), 0, zrw(rt2)), size | (sx << 2) | (m << 3), off);
  else put(Op.STP, regs(zr(rt), sp(rn), 0, zr(rt2)), size | (m << 3), off);
}

/** Loads: ext 0 zero-extend, 1 sign-extend to 64, 2 sign-extend to 32; -1 store, -2 prefetch, -3 unallocated. */
function classifyOpc(size: number, opc: number): number {
  if (opc === 0) return -1;
  if (opc === 1) return 0;
  if (opc === 2) return size === 3 ? -2 : 1;
  return size >= 2 ? -3 : 2;
}

function decodeRegister(w: number, f: CpuFeatures): void {
  const size = w >>> 30;
  const opc = (w >>> 22) & 3;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  const kind = classifyOpc(size, opc);
  if ((w >>> 24) & 1) {
    // Unsigned immediate offset
    if (kind === -3) return undef();
    if (kind === -2) return put(Op.NOP); // PRFM
    const off = ((w >>> 10) & 0xfff) << size;
    if (kind === -1) {
      const op = size === 3 ? Op.STRX_I : size === 2 ? Op.STRW_I : size === 0 ? Op.STRB_I : Op.STR_I;
      return put(op, regs(zr(rt), sp(rn)), size, off);
    }
    let op = Op.LDR_I;
    if (kind === 0) op = size === 3 ? Op.LDRX_I : size === 2 ? Op.LDRW_I : size === 0 ? Op.LDRB_I : Op.LDR_I;
    return put(op, regs(zrw(rt), sp(rn)), size | (kind << 2), off);
  }
  if (((w >>> 21) & 1) === 0) {
    const off = sext((w >>> 12) & 0x1ff, 9);
    const type = (w >>> 10) & 3; // 00 unscaled, 01 post, 10 unprivileged, 11 pre
    if (kind === -3) return undef();
    if (kind === -2) return type === 0 ? put(Op.NOP) : undef(); // PRFUM
    const unpriv = type === 2 ? 1 << 4 : 0;
    if (kind === -1) {
      const op = type === 1 ? Op.STR_POST : type === 3 ? Op.STR_PRE : Op.STR_I;
      return put(op, regs(zr(rt), sp(rn)), size | unpriv, off);
    }
    const op = type === 1 ? Op.LDR_POST : type === 3 ? Op.LDR_PRE : Op.LDR_I;
    return put(op, regs(zrw(rt), sp(rn)), size | (kind << 2) | unpriv, off);
  }
  const b11_10 = (w >>> 10) & 3;
  if (b11_10 === 0) return decodeAtomic(w, f);
  if (b11_10 !== 2) return undef(); // LDRAA/LDRAB (FEAT_PAuth)
  // Register offset
  const option = (w >>> 13) & 7;
  const s = (w >>> 12) & 1;
  const rm = (w >>> 16) & 31;
  if (kind === -3 || (option & 2) === 0) return undef();
  if (kind === -2) return put(Op.NOP); // PRFM (register)
  const misc = size | (option << 5) | ((s ? size : 0) << 8);
  if (kind === -1) return put(Op.STR_R, regs(zr(rt), sp(rn), zr(rm)), misc);
  put(Op.LDR_R, regs(zrw(rt), sp(rn), zr(rm)), misc | (kind << 2));
}

function decodeAtomic(w: number, f: CpuFeatures): void {
  const size = w >>> 30;
  const a = (w >>> 23) & 1;
  const r = (w >>> 22) & 1;
  const rs = (w >>> 16) & 31;
  const o3 = (w >>> 15) & 1;
  const opc = (w >>> 12) & 7;
  const rn = (w >>> 5) & 31;
  const rt = w & 31;
  if (o3 && opc === 4 && a && !r && rs === 31) {
    if (!f.lrcpc) return undef();
    return put(Op.LDAR, regs(zrw(rt), sp(rn)), size); // LDAPR
  }
  if (!f.lse) return undef();
  if (o3 && opc !== 0) return undef();
  const op = o3 ? 8 : opc;
  put(Op.ATOMIC, regs(zrw(rt), sp(rn), 0, zr(rs)), size | (a << 2) | (r << 3) | (op << 4));
}
