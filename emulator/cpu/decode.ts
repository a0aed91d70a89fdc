import { decodeBitMasks } from './bitmasks.js';
import { decodeDataProcessingRegister } from './decode-dpreg.js';
import { put, regs, sext, target, undef } from './decode-entry.js';
import { decodeLoadStore } from './decode-ldst.js';
import type { CpuFeatures } from './features.js';
import { Op } from './ops.js';
import { sp, zr, zrw } from './regs.js';

/** Decodes `w` into the decode-cache entry at `dc[base..base+7]`. */
export function decodeInto(w: number, dc: Int32Array, base: number, f: CpuFeatures): void {
  dc[base] = w;
  target(dc, base);
  decodeTop(w, f);
}

function decodeTop(w: number, f: CpuFeatures): void {
  const op0 = (w >>> 25) & 0xf;
  switch (op0) {
    case 0b0000:
      // Bit 31 set: SME. Clear: the reserved space; UDF when bits [28:16] are zero.
      if (w >>> 31) put(Op.SME);
      else undef();
      return;
    case 0b0010:
      put(Op.SVE);
      return;
    case 0b1000:
    case 0b1001:
      decodeDataProcessingImmediate(w);
      return;
    case 0b1010:
    case 0b1011:
      decodeBranchSystem(w, f);
      return;
    case 0b0100:
    case 0b0110:
    case 0b1100:
    case 0b1110:
      decodeLoadStore(w, f);
      return;
    case 0b0101:
    case 0b1101:
      decodeDataProcessingRegister(w, f);
      return;
    case 0b0111:
    case 0b1111:
      put(Op.FPSIMD);
      return;
    default:
      undef();
  }
}

function pairOf(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
}

function decodeDataProcessingImmediate(w: number): void {
  const sf = w >>> 31;
  const rd = w & 31;
  const rn = (w >>> 5) & 31;
  switch ((w >>> 23) & 7) {
    case 0b000:
    case 0b001: {
      // PC-relative addressing
      const imm = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
      if (sf) {
        const lo = imm << 12;
        put(Op.ADRP, regs(zrw(rd)), 0, lo, imm >> 20);
      } else {
        put(Op.ADR, regs(zrw(rd)), 0, imm, imm >> 31);
      }
      return;
    }
    case 0b010: {
      // Add/subtract (immediate)
      const sub = (w >>> 30) & 1;
      const s = (w >>> 29) & 1;
      let imm = (w >>> 10) & 0xfff;
      if ((w >>> 22) & 1) imm <<= 12;
      if (!s) {
        const v = sub ? -imm : imm;
        if (sf) put(Op.ADD64I, regs(sp(rd), sp(rn)), 0, v, v < 0 ? -1 : 0);
        else put(Op.ADD32I, regs(sp(rd), sp(rn)), 0, v);
      } else {
        const op = sf ? (sub ? Op.SUBS64I : Op.ADDS64I) : sub ? Op.SUBS32I : Op.ADDS32I;
        put(op, regs(zrw(rd), sp(rn)), 0, imm);
      }
      return;
    }
    case 0b011:
      // Add/subtract with tags (FEAT_MTE) and min/max immediate (FEAT_CSSC): not implemented.
      undef();
      return;
    case 0b100: {
      // Logical (immediate)
      const n = (w >>> 22) & 1;
      if (!sf && n) return undef();
      const m = decodeBitMasks(n, (w >>> 10) & 0x3f, (w >>> 16) & 0x3f, true, sf ? 64 : 32);
      if (!m) return undef();
      const [lo, hi] = pairOf(m.wmask);
      const opc = (w >>> 29) & 3;
      const dslot = opc === 3 ? zrw(rd) : sp(rd);
      const ops64 = [Op.AND64I, Op.ORR64I, Op.EOR64I, Op.ANDS64I];
      const ops32 = [Op.AND32I, Op.ORR32I, Op.EOR32I, Op.ANDS32I];
      put((sf ? ops64 : ops32)[opc]!, regs(dslot, zr(rn)), 0, lo, hi);
      return;
    }
    case 0b101: {
      // Move wide (immediate)
      const opc = (w >>> 29) & 3;
      const hw = (w >>> 21) & 3;
      if (opc === 1 || (!sf && hw >= 2)) return undef();
      const imm16 = (w >>> 5) & 0xffff;
      const pos = hw * 16;
      if (opc === 3) {
        put(sf ? Op.MOVK64 : Op.MOVK32, regs(zrw(rd), 0, zr(rd)), pos, imm16);
        return;
      }
      let v = BigInt(imm16) << BigInt(pos);
      if (opc === 0) v = ~v & (sf ? 0xffffffffffffffffn : 0xffffffffn);
      const [lo, hi] = pairOf(v);
      put(Op.MOVI, regs(zrw(rd)), 0, lo, hi);
      return;
    }
    case 0b110: {
      // Bitfield
      const opc = (w >>> 29) & 3;
      const n = (w >>> 22) & 1;
      const immr = (w >>> 16) & 0x3f;
      const imms = (w >>> 10) & 0x3f;
      if (opc === 3 || n !== sf) return undef();
      if (!sf && (immr >= 32 || imms >= 32)) return undef();
      const m = decodeBitMasks(n, imms, immr, false, sf ? 64 : 32);
      if (!m) return undef();
      const r = regs(zrw(rd), zr(rn), zr(rd));
      const width = sf ? 64 : 32;
      // Shift aliases get their own ops: they are common and need no masks.
      if (opc === 2 && imms !== width - 1 && imms + 1 === immr) {
        put(sf ? Op.LSL64I : Op.LSL32I, r, width - 1 - imms);
        return;
      }
      if (opc === 2 && imms === width - 1) {
        put(sf ? Op.LSR64I : Op.LSR32I, r, immr);
        return;
      }
      if (opc === 0 && imms === width - 1) {
        put(sf ? Op.ASR64I : Op.ASR32I, r, immr);
        return;
      }
      const [wl, wh] = pairOf(m.wmask);
      const [tl, th] = pairOf(m.tmask);
      const ops = sf ? [Op.SBFM64, Op.BFM64, Op.UBFM64] : [Op.SBFM32, Op.BFM32, Op.UBFM32];
      put(ops[opc]!, r, immr | (imms << 6), wl, wh, tl, th);
      return;
    }
    default: {
      // Extract
      const n = (w >>> 22) & 1;
      const op21 = (w >>> 29) & 3;
      const o0 = (w >>> 21) & 1;
      const imms = (w >>> 10) & 0x3f;
      if (op21 !== 0 || o0 !== 0 || n !== sf || (!sf && imms >= 32)) return undef();
      put(sf ? Op.EXTR64 : Op.EXTR32, regs(zrw(rd), zr(rn), zr((w >>> 16) & 31)), imms);
      return;
    }
  }
}

function decodeBranchSystem(w: number, f: CpuFeatures): void {
  const op0 = w >>> 29;
  const rt = w & 31;
  if ((op0 & 3) === 0) {
    // Unconditional branch (immediate)
    put(op0 & 4 ? Op.BL : Op.B, 0, 0, sext(w & 0x3ffffff, 26) * 4);
    return;
  }
  if ((op0 & 3) === 1) {
    const off = sext((w >>> 5) & 0x7ffff, 19) * 4;
    if ((w >>> 25) & 1) {
      // Test and branch (immediate)
      const bit = ((w >>> 31) << 5) | ((w >>> 19) & 31);
      const tOff = sext((w >>> 5) & 0x3fff, 14) * 4;
      put((w >>> 24) & 1 ? Op.TBNZ : Op.TBZ, regs(zr(rt)), bit, tOff);
      return;
    }
    // Compare and branch (immediate)
    const nz = (w >>> 24) & 1;
    const op = w >>> 31 ? (nz ? Op.CBNZ64 : Op.CBZ64) : nz ? Op.CBNZ32 : Op.CBZ32;
    put(op, regs(zr(rt)), 0, off);
    return;
  }
  if (op0 === 0b010) {
    // Conditional branch (immediate); BC.cond (bit 4) needs FEAT_HBC.
    if ((w >>> 24) & 1 || (w >>> 25) & 1 || (w >>> 4) & 1) return undef();
    put(Op.BCOND, 0, w & 0xf, sext((w >>> 5) & 0x7ffff, 19) * 4);
    return;
  }
  if (op0 !== 0b110) return undef();
  if ((w >>> 25) & 1) return decodeBranchRegister(w);
  if (((w >>> 24) & 1) === 0) return decodeExceptionGeneration(w);
  // System instructions: bits [24:22] = 100.
  if (((w >>> 22) & 7) !== 0b100) return undef();
  const l = (w >>> 21) & 1;
  const op0sys = (w >>> 19) & 3;
  const key = (w >>> 5) & 0xffff;
  const op1 = (w >>> 16) & 7;
  const crn = (w >>> 12) & 0xf;
  const crm = (w >>> 8) & 0xf;
  const op2 = (w >>> 5) & 7;
  if (op0sys >= 2) {
    put(l ? Op.MRS : Op.MSR, regs(l ? zrw(rt) : zr(rt)), key);
    return;
  }
  if (op0sys === 1) {
    put(l ? Op.SYSL : Op.SYS, regs(l ? zrw(rt) : zr(rt)), key);
    return;
  }
  // op0 == 0: hints, barriers, PSTATE access; all are L == 0.
  if (l) return undef();
  if (crn === 0b0010 && op1 === 0b011) {
    if (rt !== 31) return undef();
    return decodeHint((crm << 3) | op2);
  }
  if (crn === 0b0011 && op1 === 0b011) {
    if (rt !== 31) return undef();
    return decodeBarrier(crm, op2, f);
  }
  if (crn === 0b0100) {
    if (rt !== 31) return undef();
    return decodePstate(op1, crm, op2, f);
  }
  undef();
}

function decodeHint(crmop2: number): void {
  switch (crmop2) {
    case 2:
      return put(Op.WFE);
    case 3:
      return put(Op.WFI);
    case 4:
      return put(Op.SEV);
    case 5:
      return put(Op.SEVL);
    default:
      // NOP, YIELD, DGH, ESB, CSDB, PSB, TSB, CLRBHB, BTI and the PAuth hints
      // (this profile has neither PAuth nor BTI): all execute as NOP, as do
      // unallocated hints.
      return put(Op.NOP);
  }
}

function decodeBarrier(crm: number, op2: number, f: CpuFeatures): void {
  switch (op2) {
    case 0b010:
      return put(Op.CLREX);
    case 0b100: // DSB (incl. SSBB/PSSBB)
    case 0b101: // DMB
    case 0b110: // ISB
      // A single in-order PE observes its own accesses in order; barriers have nothing to wait for.
      return put(Op.NOP);
    case 0b111:
      return crm === 0 && f.sb ? put(Op.NOP) : undef();
    default:
      // DSB nXS (FEAT_XS), TCOMMIT (FEAT_TME): not implemented.
      return undef();
  }
}

function decodePstate(op1: number, crm: number, op2: number, f: CpuFeatures): void {
  if (op1 === 0 && op2 === 0 && crm === 0) return f.flagm ? put(Op.CFINV) : undef();
  if (op1 === 0 && op2 === 1 && crm === 0) return f.flagm2 ? put(Op.XAFLAG) : undef();
  if (op1 === 0 && op2 === 2 && crm === 0) return f.flagm2 ? put(Op.AXFLAG) : undef();
  const field = (op1 << 3) | op2;
  switch (field) {
    case 0b000_011: // UAO
      if (!f.uao) return undef();
      break;
    case 0b000_100: // PAN
      if (!f.pan) return undef();
      break;
    case 0b000_101: // SPSel
      break;
    case 0b011_001: // SSBS
      if (!f.ssbs) return undef();
      break;
    case 0b011_010: // DIT
      if (!f.dit) return undef();
      break;
    case 0b011_110: // DAIFSet
    case 0b011_111: // DAIFClr
      break;
    default:
      return undef();
  }
  put(Op.MSR_IMM, 0, field, crm);
}

function decodeExceptionGeneration(w: number): void {
  const opc = (w >>> 21) & 7;
  const op2 = (w >>> 2) & 7;
  const ll = w & 3;
  const imm16 = (w >>> 5) & 0xffff;
  if (op2 !== 0) return undef();
  if (opc === 0) {
    if (ll === 1) return put(Op.SVC, 0, 0, imm16);
    if (ll === 2) return put(Op.HVC, 0, 0, imm16);
    if (ll === 3) return put(Op.SMC, 0, 0, imm16);
    return undef();
  }
  if (opc === 1 && ll === 0) return put(Op.BRK, 0, 0, imm16);
  if (opc === 2 && ll === 0) return put(Op.HLT, 0, 0, imm16);
  // TCANCEL (FEAT_TME) and DCPS1-3 (only in Debug state): UNDEFINED here.
  undef();
}

function decodeBranchRegister(w: number): void {
  const opc = (w >>> 21) & 0xf;
  const op2 = (w >>> 16) & 31;
  const op3 = (w >>> 10) & 0x3f;
  const rn = (w >>> 5) & 31;
  const op4 = w & 31;
  // Everything else here is a PAuth form (BRAA, RETAA, ERETAA, ...) or DRPS.
  if (op2 !== 31 || op3 !== 0 || op4 !== 0) return undef();
  switch (opc) {
    case 0:
      return put(Op.BR, regs(0, zr(rn)));
    case 1:
      return put(Op.BLR, regs(0, zr(rn)));
    case 2:
      return put(Op.RET, regs(0, zr(rn)));
    case 4:
      return rn === 31 ? put(Op.ERET) : undef();
    default:
      return undef();
  }
}
