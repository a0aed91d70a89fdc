/**
 * Executor for the operations that are not worth a place in the run loop's
 * switch: the rarer ALU forms, the general load/store forms, exclusives,
 * atomics and system instructions. Called with PC and the clock synced.
 */
import { a64Mnemonic } from '../arch/a64-mnemonic.js';
import { EmulationStop } from '../platform/bus.js';
import { C, N, V, Z, addc32, addc64, condHolds, extendReg } from './alu.js';
import { crc32 } from './crc32.js';
import type { Cpu } from './cpu.js';
import { EC, FSC, esr, issSysReg, issWfx } from './esr.js';
import { defaultTargetEl, inHost, loadSp, saveSp, tge } from './exceptions.js';
import { ACC_ALIGN, ACC_UNPRIV, dataAbort, loadAny, storeAny } from './memory-access.js';
import { Op } from './ops.js';
import {
  H,
  asr64,
  lsl64,
  lsr64,
  mul64,
  ror64,
  sdiv32,
  sdiv64,
  shift64,
  smulh64,
  udiv32,
  udiv64,
  umulh64,
} from './pair.js';
import { SINK, SP } from './regs.js';
import { HCR_TWE, HCR_TWI, SCTLR_nTWE, SCTLR_nTWI } from './sysreg-bits.js';
import { SR } from './sysreg-storage.js';
import { checkFpEnabled } from './fp-access.js';
import { MRS_TABLE, MSR_TABLE, SYSL_TABLE, SYS_TABLE, type DispatchTable } from './sysreg-dispatch.js';
import { clz64, fmtAddr, rbit32, rev16, rev32 } from './u64.js';

const TWO32 = 4294967296;

/** Sign- or zero-extends a loaded value of `size` into register slot d. ext: 0 zero, 1 to 64, 2 to 32. */
function setLoaded(cpu: Cpu, d: number, lo: number, size: number, ext: number): void {
  const xl = cpu.xlo;
  const xh = cpu.xhi;
  if (size === 3) {
    xl[d] = lo;
    xh[d] = cpu.ldHi;
    return;
  }
  if (ext === 0) {
    xl[d] = lo;
    xh[d] = 0;
    return;
  }
  const v = size === 0 ? (lo << 24) >> 24 : size === 1 ? (lo << 16) >> 16 : lo;
  xl[d] = v;
  xh[d] = ext === 1 ? v >> 31 : 0;
}

/** Base + signed 32-bit offset, as (lo, hi) in the returned pair's lo and cpu.aluHi. */
function addOffset(cpu: Cpu, n: number, off: number): number {
  const s = (cpu.xlo[n]! >>> 0) + off;
  cpu.aluHi = (cpu.xhi[n]! + Math.floor(s / TWO32)) | 0;
  return s | 0;
}

function spCheck(cpu: Cpu, n: number): void {
  if (n === SP && cpu.xlo[SP]! & 15) cpu.checkSpAlignment();
}

/** Writes a possibly-XZR register named by its raw number (CASP operands). */
function writeRaw(cpu: Cpu, r: number, lo: number, hi: number): void {
  const s = r === 31 ? SINK : r;
  cpu.xlo[s] = lo;
  cpu.xhi[s] = hi;
}

export function execCold(cpu: Cpu, op: Op, dc: Int32Array, b: number, word: number): void {
  const xl = cpu.xlo;
  const xh = cpu.xhi;
  const r = dc[b + 2]!;
  const misc = dc[b + 3]!;
  const d = r & 63;
  const n = (r >>> 6) & 63;
  const m = (r >>> 12) & 63;
  const a = (r >>> 18) & 63;
  switch (op) {
    // ---------------- bitfield and shifts ----------------
    case Op.ASR64I: {
      const lo = asr64(xl[n]!, xh[n]!, misc);
      xl[d] = lo;
      xh[d] = H;
      return;
    }
    case Op.ASR32I:
      xl[d] = xl[n]! >> misc;
      xh[d] = 0;
      return;
    case Op.SBFM64:
    case Op.BFM64: {
      const immr = misc & 63;
      const imms = misc >>> 6;
      const rl = ror64(xl[n]!, xh[n]!, immr);
      const rh = H;
      const wl = dc[b + 4]!;
      const wh = dc[b + 5]!;
      const tl = dc[b + 6]!;
      const th = dc[b + 7]!;
      let botL: number;
      let botH: number;
      let topL: number;
      let topH: number;
      if (op === Op.BFM64) {
        const dl = xl[m]!;
        const dh = xh[m]!;
        botL = (dl & ~wl) | (rl & wl);
        botH = (dh & ~wh) | (rh & wh);
        topL = dl;
        topH = dh;
      } else {
        botL = rl & wl;
        botH = rh & wh;
        const bit = imms < 32 ? (xl[n]! >>> imms) & 1 : (xh[n]! >>> (imms - 32)) & 1;
        topL = topH = -bit;
      }
      xl[d] = (topL & ~tl) | (botL & tl);
      xh[d] = (topH & ~th) | (botH & th);
      return;
    }
    case Op.SBFM32:
    case Op.BFM32: {
      const immr = misc & 31;
      const imms = misc >>> 6;
      const x = xl[n]!;
      const rot = immr === 0 ? x : (x >>> immr) | (x << (32 - immr));
      const wm = dc[b + 4]!;
      const tm = dc[b + 6]!;
      let bot: number;
      let top: number;
      if (op === Op.BFM32) {
        const dst = xl[m]!;
        bot = (dst & ~wm) | (rot & wm);
        top = dst;
      } else {
        bot = rot & wm;
        top = -((x >>> imms) & 1);
      }
      xl[d] = (top & ~tm) | (bot & tm);
      xh[d] = 0;
      return;
    }
    case Op.EXTR64: {
      const lsb = misc;
      if (lsb === 0) {
        xl[d] = xl[m]!;
        xh[d] = xh[m]!;
        return;
      }
      const ll = lsr64(xl[m]!, xh[m]!, lsb);
      const lh = H;
      const hl = lsl64(xl[n]!, xh[n]!, 64 - lsb);
      xl[d] = ll | hl;
      xh[d] = lh | H;
      return;
    }
    case Op.EXTR32: {
      const lsb = misc;
      xl[d] = lsb === 0 ? xl[m]! : (xl[m]! >>> lsb) | (xl[n]! << (32 - lsb));
      xh[d] = 0;
      return;
    }

    // ---------------- arithmetic ----------------
    case Op.ADDSUBX: {
      const option = misc & 7;
      const amount = (misc >>> 3) & 7;
      const sf = (misc >>> 6) & 1;
      const sub = (misc >>> 7) & 1;
      const setFlags = (misc >>> 8) & 1;
      let ml = extendReg(cpu, xl[m]!, xh[m]!, option, amount);
      let mh = cpu.aluHi;
      if (sub) {
        ml = ~ml;
        mh = ~mh;
      }
      if (sf) {
        if (setFlags) {
          const lo = addc64(cpu, xl[n]!, xh[n]!, ml, mh, sub);
          xl[d] = lo;
          xh[d] = cpu.aluHi;
        } else {
          const s = (xl[n]! >>> 0) + (ml >>> 0) + sub;
          xh[d] = (xh[n]! + mh + (s > 0xffffffff ? 1 : 0)) | 0;
          xl[d] = s | 0;
        }
      } else {
        xl[d] = setFlags ? addc32(cpu, xl[n]!, ml, sub) : (xl[n]! + ml + sub) | 0;
        xh[d] = 0;
      }
      return;
    }
    case Op.ADC: {
      const sf = misc & 1;
      const sub = (misc >>> 1) & 1;
      const setFlags = (misc >>> 2) & 1;
      const ml = sub ? ~xl[m]! : xl[m]!;
      const mh = sub ? ~xh[m]! : xh[m]!;
      const c = (cpu.nzcv >>> 1) & 1;
      if (sf && setFlags) {
        const lo = addc64(cpu, xl[n]!, xh[n]!, ml, mh, c);
        xl[d] = lo;
        xh[d] = cpu.aluHi;
      } else if (sf) {
        const t = (xl[n]! >>> 0) + (ml >>> 0) + c;
        xh[d] = (xh[n]! + mh + (t > 0xffffffff ? 1 : 0)) | 0;
        xl[d] = t | 0;
      } else if (setFlags) {
        xl[d] = addc32(cpu, xl[n]!, ml, c);
        xh[d] = 0;
      } else {
        xl[d] = (xl[n]! + ml + c) | 0;
        xh[d] = 0;
      }
      return;
    }
    case Op.RMIF: {
      const tl = ror64(xl[n]!, xh[n]!, misc);
      const mask = dc[b + 4]!;
      // Bits 3..0 of the rotated value replace the flags the mask selects (N, Z, C, V).
      cpu.nzcv = (cpu.nzcv & ~mask) | (tl & mask);
      return;
    }
    case Op.SETF: {
      const v = xl[n]!;
      const bits = misc;
      // C is left unchanged.
      cpu.nzcv =
        (cpu.nzcv & C) |
        (((v >>> (bits - 1)) & 1) << 3) |
        ((v & ((1 << bits) - 1)) === 0 ? Z : 0) |
        (((v >>> bits) ^ (v >>> (bits - 1))) & 1);
      return;
    }
    case Op.CCMP: {
      const sf = misc & 1;
      const sub = (misc >>> 1) & 1;
      const isImm = (misc >>> 2) & 1;
      const cond = (misc >>> 3) & 15;
      if (!condHolds(cpu, cond)) {
        cpu.nzcv = (misc >>> 7) & 15;
        return;
      }
      let ml = isImm ? dc[b + 4]! : xl[m]!;
      let mh = isImm ? 0 : xh[m]!;
      if (sub) {
        ml = ~ml;
        mh = ~mh;
      }
      if (sf) addc64(cpu, xl[n]!, xh[n]!, ml, mh, sub);
      else addc32(cpu, xl[n]!, ml, sub);
      return;
    }
    case Op.MADD32:
    case Op.MSUB32: {
      const p = Math.imul(xl[n]!, xl[m]!);
      xl[d] = op === Op.MADD32 ? (xl[a]! + p) | 0 : (xl[a]! - p) | 0;
      xh[d] = 0;
      return;
    }
    case Op.SMADDL:
    case Op.UMADDL: {
      const x = xl[n]!;
      const y = xl[m]!;
      let pl = mul64(x, op === Op.SMADDL ? x >> 31 : 0, y, op === Op.SMADDL ? y >> 31 : 0);
      let ph = H;
      if (misc) {
        ph = (~ph + (pl === 0 ? 1 : 0)) | 0;
        pl = -pl | 0;
      }
      const s = (xl[a]! >>> 0) + (pl >>> 0);
      xh[d] = (xh[a]! + ph + (s > 0xffffffff ? 1 : 0)) | 0;
      xl[d] = s | 0;
      return;
    }
    case Op.SMULH:
    case Op.UMULH: {
      const lo = (op === Op.SMULH ? smulh64 : umulh64)(xl[n]!, xh[n]!, xl[m]!, xh[m]!);
      xl[d] = lo;
      xh[d] = H;
      return;
    }
    case Op.UDIV:
    case Op.SDIV: {
      if (misc) {
        const lo = (op === Op.UDIV ? udiv64 : sdiv64)(xl[n]!, xh[n]!, xl[m]!, xh[m]!);
        xl[d] = lo;
        xh[d] = H;
      } else {
        xl[d] = (op === Op.UDIV ? udiv32 : sdiv32)(xl[n]!, xl[m]!);
        xh[d] = 0;
      }
      return;
    }
    case Op.SHIFTV: {
      const type = misc & 3;
      if (misc & 4) {
        const lo = shift64(type, xl[n]!, xh[n]!, xl[m]! & 63);
        xl[d] = lo;
        xh[d] = H;
      } else {
        const amt = xl[m]! & 31;
        const x = xl[n]!;
        let v = x;
        if (amt !== 0) {
          if (type === 0) v = x << amt;
          else if (type === 1) v = x >>> amt;
          else if (type === 2) v = x >> amt;
          else v = (x >>> amt) | (x << (32 - amt));
        }
        xl[d] = v;
        xh[d] = 0;
      }
      return;
    }
    case Op.CRC32:
      xl[d] = crc32((misc & 4) !== 0, xl[n]!, xl[m]!, xh[m]!, 1 << (misc & 3));
      xh[d] = 0;
      return;
    case Op.RBIT:
      if (misc) {
        const lo = rbit32(xh[n]!);
        xh[d] = rbit32(xl[n]!);
        xl[d] = lo;
      } else {
        xl[d] = rbit32(xl[n]!);
        xh[d] = 0;
      }
      return;
    case Op.REV16:
      xl[d] = rev16(xl[n]!);
      xh[d] = misc ? rev16(xh[n]!) : 0;
      return;
    case Op.REV32:
      xl[d] = rev32(xl[n]!);
      xh[d] = rev32(xh[n]!);
      return;
    case Op.REV:
      if (misc) {
        const lo = rev32(xh[n]!);
        xh[d] = rev32(xl[n]!);
        xl[d] = lo;
      } else {
        xl[d] = rev32(xl[n]!);
        xh[d] = 0;
      }
      return;
    case Op.CLZ:
      xl[d] = misc ? clz64(xl[n]!, xh[n]!) : Math.clz32(xl[n]!);
      xh[d] = 0;
      return;
    case Op.CLS:
      if (misc) {
        const lo = xl[n]!;
        const hi = xh[n]!;
        // Leading bits equal to the sign bit, not counting the sign bit itself.
        xl[d] = clz64(lo ^ ((lo >>> 1) | (hi << 31)), hi ^ (hi >> 1)) - 1;
      } else {
        const x = xl[n]!;
        xl[d] = Math.clz32(x ^ (x >> 1)) - 1;
      }
      xh[d] = 0;
      return;

    // ---------------- loads and stores ----------------
    case Op.LDR_I:
    case Op.LDR_PRE:
    case Op.LDR_POST: {
      spCheck(cpu, n);
      const size = misc & 3;
      const off = dc[b + 4]!;
      const alo = addOffset(cpu, n, op === Op.LDR_POST ? 0 : off);
      const ahi = cpu.aluHi;
      const wbLo = op === Op.LDR_POST ? addOffset(cpu, n, off) : alo;
      const wbHi = op === Op.LDR_POST ? cpu.aluHi : ahi;
      const v = loadAny(cpu, alo, ahi, size, misc & 16 ? ACC_UNPRIV : 0);
      setLoaded(cpu, d, v, size, (misc >>> 2) & 3);
      if (op !== Op.LDR_I) {
        xl[n] = wbLo;
        xh[n] = wbHi;
      }
      return;
    }
    case Op.STR_I:
    case Op.STR_PRE:
    case Op.STR_POST: {
      spCheck(cpu, n);
      const size = misc & 3;
      const off = dc[b + 4]!;
      const vlo = xl[d]!;
      const vhi = xh[d]!;
      const alo = addOffset(cpu, n, op === Op.STR_POST ? 0 : off);
      const ahi = cpu.aluHi;
      const wbLo = op === Op.STR_POST ? addOffset(cpu, n, off) : alo;
      const wbHi = op === Op.STR_POST ? cpu.aluHi : ahi;
      storeAny(cpu, alo, ahi, size, vlo, vhi, misc & 16 ? ACC_UNPRIV : 0);
      if (op !== Op.STR_I) {
        xl[n] = wbLo;
        xh[n] = wbHi;
      }
      return;
    }
    case Op.LDR_R:
    case Op.STR_R: {
      spCheck(cpu, n);
      const size = misc & 3;
      const ol = extendReg(cpu, xl[m]!, xh[m]!, (misc >>> 5) & 7, (misc >>> 8) & 3);
      const oh = cpu.aluHi;
      const s = (xl[n]! >>> 0) + (ol >>> 0);
      const alo = s | 0;
      const ahi = (xh[n]! + oh + (s > 0xffffffff ? 1 : 0)) | 0;
      if (op === Op.LDR_R) setLoaded(cpu, d, loadAny(cpu, alo, ahi, size, 0), size, (misc >>> 2) & 3);
      else storeAny(cpu, alo, ahi, size, xl[d]!, xh[d]!, 0);
      return;
    }
    case Op.LDAR:
    case Op.STLR:
    case Op.LDAPUR:
    case Op.STLUR: {
      spCheck(cpu, n);
      const size = misc & 3;
      const alo = addOffset(cpu, n, op === Op.LDAPUR || op === Op.STLUR ? dc[b + 4]! : 0);
      const ahi = cpu.aluHi;
      if (op === Op.LDAR || op === Op.LDAPUR) setLoaded(cpu, d, loadAny(cpu, alo, ahi, size, ACC_ALIGN), size, (misc >>> 2) & 3);
      else storeAny(cpu, alo, ahi, size, xl[d]!, xh[d]!, ACC_ALIGN);
      return;
    }
    case Op.LDXR: {
      spCheck(cpu, n);
      const size = misc & 3;
      const alo = xl[n]!;
      const ahi = xh[n]!;
      const v = loadAny(cpu, alo, ahi, size, ACC_ALIGN);
      setLoaded(cpu, d, v, size, 0);
      armMonitor(cpu, alo, ahi, size, xl[d]!, xh[d]!, 0, 0);
      return;
    }
    case Op.LDXP: {
      spCheck(cpu, n);
      const size = misc & 3;
      const alo = xl[n]!;
      const ahi = xh[n]!;
      // The pair is one access aligned to its total size.
      if (alo & ((2 << size) - 1)) dataAbort(cpu, alo, ahi, FSC.ALIGNMENT, false, false);
      const l0 = loadAny(cpu, alo, ahi, size, ACC_ALIGN);
      const h0 = size === 3 ? cpu.ldHi : 0;
      const s = (alo >>> 0) + (1 << size);
      const l1 = loadAny(cpu, s | 0, (ahi + (s > 0xffffffff ? 1 : 0)) | 0, size, ACC_ALIGN);
      const h1 = size === 3 ? cpu.ldHi : 0;
      xl[d] = l0;
      xh[d] = h0;
      xl[a] = l1;
      xh[a] = h1;
      armMonitor(cpu, alo, ahi, size + 1, l0, h0, l1, h1);
      return;
    }
    case Op.STXR:
    case Op.STXP: {
      spCheck(cpu, n);
      const size = misc & 3;
      const pair = op === Op.STXP;
      const total = pair ? size + 1 : size;
      const alo = xl[n]!;
      const ahi = xh[n]!;
      // Alignment is checked whether or not the monitor would let the store happen.
      if (alo & ((1 << total) - 1)) dataAbort(cpu, alo, ahi, FSC.ALIGNMENT, true, false);
      let ok = cpu.exclValid && cpu.exclLo === alo && cpu.exclHi === ahi && cpu.exclSize === total;
      if (ok) ok = monitoredValueUnchanged(cpu, alo, ahi, size, pair);
      cpu.exclValid = false;
      if (ok) {
        if (pair) {
          storeAny(cpu, alo, ahi, size, xl[d]!, xh[d]!, ACC_ALIGN);
          const s = (alo >>> 0) + (1 << size);
          storeAny(cpu, s | 0, (ahi + (s > 0xffffffff ? 1 : 0)) | 0, size, xl[m]!, xh[m]!, ACC_ALIGN);
        } else {
          storeAny(cpu, alo, ahi, size, xl[d]!, xh[d]!, ACC_ALIGN);
        }
      }
      xl[a] = ok ? 0 : 1;
      xh[a] = 0;
      return;
    }
    case Op.CAS: {
      spCheck(cpu, n);
      const size = misc & 3;
      const alo = xl[n]!;
      const ahi = xh[n]!;
      const old = loadAny(cpu, alo, ahi, size, ACC_ALIGN);
      const oldHi = size === 3 ? cpu.ldHi : 0;
      const mask = size === 3 ? -1 : size === 2 ? -1 : (1 << (8 << size)) - 1;
      const cmpLo = xl[a]! & mask;
      const cmpHi = size === 3 ? xh[a]! : 0;
      if ((old & mask) === cmpLo && oldHi === cmpHi) storeAny(cpu, alo, ahi, size, xl[d]!, xh[d]!, ACC_ALIGN);
      xl[m] = old;
      xh[m] = oldHi;
      return;
    }
    case Op.CASP: {
      spCheck(cpu, n);
      const size = misc & 3; // element size: 2 or 3
      const rs = a;
      const rt = d;
      const alo = xl[n]!;
      const ahi = xh[n]!;
      if (alo & ((2 << size) - 1)) dataAbort(cpu, alo, ahi, FSC.ALIGNMENT, false, false);
      const s = (alo >>> 0) + (1 << size);
      const blo = s | 0;
      const bhi = (ahi + (s > 0xffffffff ? 1 : 0)) | 0;
      const l0 = loadAny(cpu, alo, ahi, size, ACC_ALIGN);
      const h0 = size === 3 ? cpu.ldHi : 0;
      const l1 = loadAny(cpu, blo, bhi, size, ACC_ALIGN);
      const h1 = size === 3 ? cpu.ldHi : 0;
      const rsLo0 = rs === 31 ? 0 : xl[rs]!;
      const rsHi0 = rs === 31 || size === 2 ? 0 : xh[rs]!;
      const rsLo1 = rs + 1 === 31 ? 0 : xl[rs + 1]!;
      const rsHi1 = rs + 1 === 31 || size === 2 ? 0 : xh[rs + 1]!;
      if (l0 === rsLo0 && h0 === rsHi0 && l1 === rsLo1 && h1 === rsHi1) {
        const tl0 = rt === 31 ? 0 : xl[rt]!;
        const th0 = rt === 31 ? 0 : xh[rt]!;
        const tl1 = rt + 1 === 31 ? 0 : xl[rt + 1]!;
        const th1 = rt + 1 === 31 ? 0 : xh[rt + 1]!;
        storeAny(cpu, alo, ahi, size, tl0, th0, ACC_ALIGN);
        storeAny(cpu, blo, bhi, size, tl1, th1, ACC_ALIGN);
      }
      writeRaw(cpu, rs, l0, h0);
      writeRaw(cpu, rs + 1, l1, h1);
      return;
    }
    case Op.ATOMIC:
      atomic(cpu, misc, d, n, a);
      return;

    // ---------------- hints, barriers, PSTATE ----------------
    case Op.WFI:
    case Op.WFE:
      waitForInterruptOrEvent(cpu, op === Op.WFE);
      return;
    case Op.SEV:
    case Op.SEVL:
      cpu.eventRegister = 1;
      return;
    case Op.CLREX:
      cpu.exclValid = false;
      return;
    case Op.CFINV:
      cpu.nzcv ^= C;
      return;
    case Op.XAFLAG: {
      const c = (cpu.nzcv & C) !== 0;
      const z = (cpu.nzcv & Z) !== 0;
      cpu.nzcv = (!c && !z ? N : 0) | (z && c ? Z : 0) | (c || z ? C : 0) | (!c && z ? V : 0);
      return;
    }
    case Op.AXFLAG: {
      const v = (cpu.nzcv & V) !== 0;
      cpu.nzcv = (cpu.nzcv & Z || v ? Z : 0) | (cpu.nzcv & C && !v ? C : 0);
      return;
    }
    case Op.MSR_IMM:
      msrImmediate(cpu, misc, dc[b + 4]!, (word >>> 5) & 0xffff);
      return;
    case Op.MRS:
      systemAccess(cpu, MRS_TABLE, misc, word & 31, true);
      return;
    case Op.MSR:
      systemAccess(cpu, MSR_TABLE, misc, word & 31, false);
      return;
    case Op.SYS:
      systemAccess(cpu, SYS_TABLE, misc, word & 31, false);
      return;
    case Op.SYSL:
      systemAccess(cpu, SYSL_TABLE, misc, word & 31, true);
      return;

    // ---------------- not executable here ----------------
    case Op.UNDEF:
      cpu.undefinedInstruction();
      return;
    case Op.FPSIMD:
    case Op.SVE:
    case Op.SME: {
      const mnemonic = a64Mnemonic(word);
      if (mnemonic === null) cpu.undefinedInstruction();
      // The enable traps are architectural and precede execution, so they are honoured.
      if (op === Op.FPSIMD) checkFpEnabled(cpu);
      const what = op === Op.FPSIMD ? 'SIMD&FP' : op === Op.SVE ? 'SVE' : 'SME';
      throw new EmulationStop(
        `unimplemented instruction ${mnemonic} at ${fmtAddr(cpu.pcLo, cpu.pcHi)} (word 0x${(word >>> 0).toString(16).padStart(8, '0')}; ${what} is not modelled yet)`,
      );
    }
    default:
      throw new EmulationStop(`internal error: no executor for decoded operation ${Op[op]} (word 0x${(word >>> 0).toString(16)})`, 'internal');
  }
}

/**
 * MRS, MSR, SYS and SYSL: the access rule compiled from Arm's specification
 * for this encoding decides between UNDEFINED, a trap and the transfer.
 */
function systemAccess(cpu: Cpu, table: DispatchTable, key: number, rt: number, isRead: boolean): void {
  cpu.sysKey = key;
  cpu.sysRt = rt;
  cpu.sysRead = isRead;
  const rule = table.fn[key];
  if (rule === undefined) cpu.undefinedInstruction();
  else rule(cpu, rt, table.index[key]!);
}

/** Arms the local monitor for an exclusive load of 1 << size bytes. */
function armMonitor(cpu: Cpu, lo: number, hi: number, size: number, v0lo: number, v0hi: number, v1lo: number, v1hi: number): void {
  cpu.exclValid = true;
  cpu.exclLo = lo;
  cpu.exclHi = hi;
  cpu.exclSize = size;
  cpu.exclV0lo = v0lo;
  cpu.exclV0hi = v0hi;
  cpu.exclV1lo = v1lo;
  cpu.exclV1hi = v1hi;
}

/**
 * Whether memory still holds what the exclusive load returned. A store by this
 * PE to the monitored address may clear the monitor (IMPLEMENTATION DEFINED);
 * like QEMU, nvlab clears it exactly when the stored value differs.
 */
function monitoredValueUnchanged(cpu: Cpu, lo: number, hi: number, size: number, pair: boolean): boolean {
  const v0 = loadAny(cpu, lo, hi, size, ACC_ALIGN);
  const v0h = size === 3 ? cpu.ldHi : 0;
  const mask = size >= 2 ? -1 : (1 << (8 << size)) - 1;
  if ((v0 & mask) !== (cpu.exclV0lo & mask) || v0h !== (size === 3 ? cpu.exclV0hi : 0)) return false;
  if (!pair) return true;
  const s = (lo >>> 0) + (1 << size);
  const v1 = loadAny(cpu, s | 0, (hi + (s > 0xffffffff ? 1 : 0)) | 0, size, ACC_ALIGN);
  const v1h = size === 3 ? cpu.ldHi : 0;
  return v1 === cpu.exclV1lo && v1h === (size === 3 ? cpu.exclV1hi : 0);
}

function atomic(cpu: Cpu, misc: number, d: number, n: number, s: number): void {
  spCheck(cpu, n);
  const xl = cpu.xlo;
  const xh = cpu.xhi;
  const size = misc & 3;
  const opc = misc >>> 4;
  const alo = xl[n]!;
  const ahi = xh[n]!;
  const oldLo = loadAny(cpu, alo, ahi, size, ACC_ALIGN);
  const oldHi = size === 3 ? cpu.ldHi : 0;
  const bits = 8 << size;
  const mask = size >= 2 ? -1 : (1 << bits) - 1;
  const sl = xl[s]! & mask;
  const sh = size === 3 ? xh[s]! : 0;
  let nl: number;
  let nh: number;
  switch (opc) {
    case 0: {
      const t = (oldLo >>> 0) + (sl >>> 0);
      nl = t | 0;
      nh = (oldHi + sh + (t > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case 1:
      nl = oldLo & ~sl;
      nh = oldHi & ~sh;
      break;
    case 2:
      nl = oldLo ^ sl;
      nh = oldHi ^ sh;
      break;
    case 3:
      nl = oldLo | sl;
      nh = oldHi | sh;
      break;
    case 8:
      nl = sl;
      nh = sh;
      break;
    default: {
      // SMAX, SMIN, UMAX, UMIN on `bits`-wide values.
      const signed = opc === 4 || opc === 5;
      const max = opc === 4 || opc === 6;
      const cmp = compareSized(oldLo, oldHi, sl, sh, bits, signed);
      const takeOld = max ? cmp >= 0 : cmp <= 0;
      nl = takeOld ? oldLo : sl;
      nh = takeOld ? oldHi : sh;
    }
  }
  storeAny(cpu, alo, ahi, size, nl, nh, ACC_ALIGN);
  xl[d] = oldLo & mask;
  xh[d] = oldHi;
}

/** Compares two `bits`-wide values (lo/hi, zero-extended): -1, 0 or 1. */
function compareSized(al: number, ah: number, bl: number, bh: number, bits: number, signed: boolean): number {
  if (bits === 64) {
    const x = signed ? ah : ah >>> 0;
    const y = signed ? bh : bh >>> 0;
    if (x !== y) return x < y ? -1 : 1;
    const p = al >>> 0;
    const q = bl >>> 0;
    return p === q ? 0 : p < q ? -1 : 1;
  }
  const sh = 32 - bits;
  const x = signed ? (al << sh) >> sh : (al << sh) >>> sh;
  const y = signed ? (bl << sh) >> sh : (bl << sh) >>> sh;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** WFI/WFE: the trap controls, then waiting (or stopping when nothing can wake the PE). */
function waitForInterruptOrEvent(cpu: Cpu, isWfe: boolean): void {
  // A WFE that finds the event register set consumes it and completes: it would not enter a low-power state, so it does not trap.
  if (isWfe && cpu.eventRegister) {
    cpu.eventRegister = 0;
    return;
  }
  const ti = isWfe ? 1 : 0;
  if (cpu.el === 0) {
    const sctlr = inHost(cpu) ? SR.SCTLR_EL2 : SR.SCTLR_EL1;
    if ((cpu.sr.lo[sctlr]! & (isWfe ? SCTLR_nTWE : SCTLR_nTWI)) === 0) {
      cpu.raise(inHost(cpu) || tge(cpu) ? 2 : 1, esr(EC.WFX, issWfx(ti)), 0, false, 0, 0);
    }
  }
  if (cpu.el < 2 && !inHost(cpu) && cpu.sr.lo[SR.HCR_EL2]! & (isWfe ? HCR_TWE : HCR_TWI)) {
    cpu.raise(2, esr(EC.WFX, issWfx(ti)), 0, false, 0, 0);
  }
  cpu.requestStop({
    kind: 'halted',
    message: `${isWfe ? 'WFE' : 'WFI'} at ${fmtAddr(cpu.pcLo, cpu.pcHi)} waits for ${isWfe ? 'an event' : 'an interrupt'}, but nothing modelled can deliver one (no GIC or timer interrupts yet)`,
  });
}

/** MSR (immediate) to a PSTATE field. `field` = op1<<3 | op2, `crm` the immediate. */
function msrImmediate(cpu: Cpu, field: number, crm: number, key: number): void {
  switch (field) {
    case 0b000_101: // SPSel
      if (cpu.el === 0) cpu.undefinedInstruction();
      saveSp(cpu);
      cpu.spsel = crm & 1;
      loadSp(cpu);
      return;
    case 0b011_110: // DAIFSet
    case 0b011_111: // DAIFClr
      if (cpu.el === 0) {
        const sctlr = inHost(cpu) ? SR.SCTLR_EL2 : SR.SCTLR_EL1;
        if ((cpu.sr.lo[sctlr]! & (1 << 9)) === 0) {
          cpu.raise(defaultTargetEl(cpu), esr(EC.SYS64, issSysReg(key, 31, false)), 0, false, 0, 0);
        }
      }
      cpu.daif = field === 0b011_110 ? cpu.daif | crm : cpu.daif & ~crm;
      return;
    case 0b000_100: // PAN
      if (cpu.el === 0) cpu.undefinedInstruction();
      cpu.pan = crm & 1;
      // Cached translations were checked against the old PAN.
      cpu.contextChanged();
      return;
    case 0b000_011: // UAO
      if (cpu.el === 0) cpu.undefinedInstruction();
      cpu.uao = crm & 1;
      cpu.contextChanged();
      return;
    case 0b011_010: // DIT
      cpu.dit = crm & 1;
      return;
    case 0b011_001: // SSBS
      cpu.ssbs = crm & 1;
      return;
    default:
      cpu.undefinedInstruction();
  }
}

