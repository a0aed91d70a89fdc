import type { Cpu } from './cpu.js';

/**
 * Flag-setting arithmetic (AddWithCarry) and condition evaluation. Results
 * return the low half; 64-bit variants leave the high half in `cpu.aluHi`.
 */

export function addc64(cpu: Cpu, alo: number, ahi: number, blo: number, bhi: number, cin: number): number {
  const sl = (alo >>> 0) + (blo >>> 0) + cin;
  const c1 = sl > 0xffffffff ? 1 : 0;
  const sh = (ahi >>> 0) + (bhi >>> 0) + c1;
  const rlo = sl | 0;
  const rhi = sh | 0;
  cpu.nf = rhi >>> 31;
  cpu.zf = (rlo | rhi) === 0 ? 1 : 0;
  cpu.cf = sh > 0xffffffff ? 1 : 0;
  cpu.vf = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
  cpu.aluHi = rhi;
  return rlo;
}

export function addc32(cpu: Cpu, a: number, b: number, cin: number): number {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const r = s | 0;
  cpu.nf = r >>> 31;
  cpu.zf = r === 0 ? 1 : 0;
  cpu.cf = s > 0xffffffff ? 1 : 0;
  cpu.vf = ((a ^ r) & (b ^ r)) >>> 31;
  return r;
}

/** N and Z from a result, C and V cleared (logical operations with S). */
export function logicFlags(cpu: Cpu, lo: number, hi: number): void {
  cpu.nf = hi >>> 31;
  cpu.zf = (lo | hi) === 0 ? 1 : 0;
  cpu.cf = 0;
  cpu.vf = 0;
}

/** ConditionHolds(cond) for the A64 condition codes. */
export function condHolds(cpu: Cpu, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0:
      r = cpu.zf === 1;
      break;
    case 1:
      r = cpu.cf === 1;
      break;
    case 2:
      r = cpu.nf === 1;
      break;
    case 3:
      r = cpu.vf === 1;
      break;
    case 4:
      r = cpu.cf === 1 && cpu.zf === 0;
      break;
    case 5:
      r = cpu.nf === cpu.vf;
      break;
    case 6:
      r = cpu.nf === cpu.vf && cpu.zf === 0;
      break;
    default:
      return true; // AL and NV both mean "always" in A64
  }
  return cond & 1 ? !r : r;
}

/** ExtendReg: extend the low bits of (lo, hi) per `option` then shift left by `amount` (0..4). */
export function extendReg(cpu: Cpu, lo: number, hi: number, option: number, amount: number): number {
  let l = lo;
  let h = hi;
  switch (option) {
    case 0:
      l = lo & 0xff;
      h = 0;
      break;
    case 1:
      l = lo & 0xffff;
      h = 0;
      break;
    case 2:
      h = 0;
      break;
    case 3:
      break;
    case 4:
      l = (lo << 24) >> 24;
      h = l >> 31;
      break;
    case 5:
      l = (lo << 16) >> 16;
      h = l >> 31;
      break;
    case 6:
      h = lo >> 31;
      break;
    default:
      break;
  }
  if (amount !== 0) {
    h = (h << amount) | (l >>> (32 - amount));
    l <<= amount;
  }
  cpu.aluHi = h;
  return l;
}
