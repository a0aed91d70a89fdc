/**
 * Run-time support for the generated system-register access rules
 * (emulator/arch/generated/sysreg-rules.ts): what the rules call to test CPU
 * state, raise UNDEFINED or traps, and move values between X[t], registers,
 * PSTATE and the VNCR_EL2 page. Everything here is on the MRS/MSR path, so the
 * common operations (field tests, 64-bit transfers) avoid BigInt; BigInt only
 * serves the rare computed values (timers, masks).
 */
import { Ram } from '../platform/ram.js';
import { SR } from '../arch/generated/sysreg-rules.js';
import { EmulationStop } from '../platform/bus.js';
import type { Cpu } from './cpu.js';
import { EC, esr, issFpAccess, issSysReg } from './esr.js';
import { loadSp, saveSp } from './exceptions.js';
import { addressTranslate, cacheMaintenanceByVa, tlbi, zeroBlock } from './maintenance.js';
import { vncrAccess } from './memory-access.js';
import { SINK } from './regs.js';
import { sysregGenericName as genericName } from '../arch/sysreg-db.js';
import { HOOK_BUILTIN, HOOK_WATCH, sysWriteHook, sysReadHook } from './sysreg-hooks.js';

export type RuleCpu = Cpu;

const TWO32 = 4294967296;

// ---- outcomes --------------------------------------------------------------------

export function undef(c: Cpu): void {
  c.undefinedInstruction();
}

/**
 * AArch64_SystemAccessTrap(el, ec). The syndrome for EC 0x18 describes the
 * trapped instruction (op0..op2, Rt, direction), which the MRS/MSR/SYS
 * executor left in `c.sysKey`, `c.sysRt` and `c.sysRead`.
 */
export function trap(c: Cpu, el: number, ec: number): void {
  let iss = 0;
  switch (ec) {
    case EC.SYS64:
      iss = issSysReg(c.sysKey, c.sysRt, c.sysRead);
      break;
    case EC.FP_ASIMD:
      iss = issFpAccess();
      break;
    default:
      // SVE (0x19), SME (0x1D, SMTC = 0 for these register traps) and
      // Uncategorized (0x00) carry no ISS here.
      break;
  }
  c.raise(el, esr(ec, iss), 0, false, 0, 0);
}

export function unsupported(c: Cpu, what: string): never {
  throw new EmulationStop(
    `unsupported access rule: ${what} (at ${genericName(c.sysKey)}; nvlab cannot translate this part of Arm's specification yet)`,
  );
}

/** A path the fixed machine shape makes impossible (EL3, Secure state). */
export function unreachable(c: Cpu, what: string): never {
  void c;
  throw new EmulationStop(`internal error: access rule reached an impossible branch: ${what}`, 'internal');
}

/** The rules' if/elsif chains always end in an unconditional branch for EL0-EL2. */
export function fellThrough(c: Cpu, where: string): never {
  throw new EmulationStop(`internal error: no access rule applies to ${where} at EL${c.el}`, 'internal');
}

// ---- CPU state tests ---------------------------------------------------------------

export function feat(c: Cpu, name: string): boolean {
  return c.profileFlags[name] === true;
}

/** ELIsInHost(EL2): HCR_EL2.E2H (EL2 is always enabled here). */
export function e2h(c: Cpu): boolean {
  return (c.sr.hi[SR.HCR_EL2]! & (1 << (34 - 32))) !== 0;
}

/** ELIsInHost(EL0): HCR_EL2.{E2H, TGE} = {1, 1}. */
export function inHost0(c: Cpu): boolean {
  return e2h(c) && (c.sr.lo[SR.HCR_EL2]! & (1 << 27)) !== 0;
}

/**
 * EffectiveHCR_EL2_NVx(): NV2:NV1:NV as the NV controls take effect. Without
 * FEAT_NV they are all zero; NV1 and NV2 have no effect while NV is 0; NV2
 * needs FEAT_NV2.
 */
export function nvx(c: Cpu): number {
  if (!feat(c, 'FEAT_NV')) return 0;
  const hi = c.sr.hi[SR.HCR_EL2]!;
  if ((hi & (1 << (42 - 32))) === 0) return 0;
  const nv1 = (hi >>> (43 - 32)) & 1;
  const nv2 = feat(c, 'FEAT_NV2') ? (hi >>> (45 - 32)) & 1 : 0;
  return (nv2 << 2) | (nv1 << 1) | 1;
}

/** An ImpDefBool choice of this implementation (the profile may set it). */
export function impdef(c: Cpu, what: string, dflt: boolean): boolean {
  return c.profileImpDef[what] ?? dflt;
}

/** IMPLEMENTATION DEFINED counts (NUM_BREAKPOINTS, ...). */
export function param(c: Cpu, name: string): number {
  const v = c.profileParams[name];
  if (v === undefined) throw new EmulationStop(`unsupported access rule: no value for ${name} in the CPU profile`);
  return v;
}

export function vmid(c: Cpu): number {
  // VTTBR_EL2.VMID: [63:48] with 16-bit VMIDs, [55:48] otherwise.
  return (c.sr.hi[SR.VTTBR_EL2]! >>> 16) & 0xffff;
}

export function encodingField(c: Cpu, name: string): number {
  const k = c.sysKey;
  switch (name) {
    case 'op0':
      return (k >>> 14) & 3;
    case 'op1':
      return (k >>> 11) & 7;
    case 'CRn':
      return (k >>> 7) & 15;
    case 'CRm':
      return (k >>> 3) & 15;
    default:
      return k & 7;
  }
}

export function index(c: Cpu, i: number, count: number): number {
  if (i < 0 || i >= count) throw new EmulationStop(`internal error: register array index ${i} out of range 0..${count - 1} at ${genericName(c.sysKey)}`, 'internal');
  return i;
}

// ---- registers ----------------------------------------------------------------------

/** Bits [lsb + width - 1 : lsb] of a register, width <= 32. */
export function fld(c: Cpu, slot: number, lsb: number, width: number): number {
  if (c.hooked[slot]! & HOOK_BUILTIN) sysReadHook(c, slot);
  const mask = width === 32 ? -1 : (1 << width) - 1;
  if (lsb >= 32) return ((c.sr.hi[slot]! >>> (lsb - 32)) & mask) >>> 0;
  if (lsb + width <= 32) return ((c.sr.lo[slot]! >>> lsb) & mask) >>> 0;
  const v = (c.sr.lo[slot]! >>> lsb) | (c.sr.hi[slot]! << (32 - lsb));
  return (v & mask) >>> 0;
}

export function fldBig(c: Cpu, slot: number, lsb: number, width: number): bigint {
  return (regBig(c, slot) >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n);
}

export function regBig(c: Cpu, slot: number): bigint {
  if (c.hooked[slot]! & HOOK_BUILTIN) sysReadHook(c, slot);
  return (BigInt(c.sr.hi[slot]! >>> 0) << 32n) | BigInt(c.sr.lo[slot]! >>> 0);
}

/** X[t, 64] = register. */
export function rd(c: Cpu, t: number, slot: number): void {
  if (c.hooked[slot]! & HOOK_BUILTIN) sysReadHook(c, slot);
  const d = t === 31 ? SINK : t;
  c.xlo[d] = c.sr.lo[slot]!;
  c.xhi[d] = c.sr.hi[slot]!;
}

/** register = X[t, 64], with the register's writable-bit masks applied. */
export function wr(c: Cpu, slot: number, t: number): void {
  const lo = t === 31 ? 0 : c.xlo[t]!;
  const hi = t === 31 ? 0 : c.xhi[t]!;
  store(c, slot, lo, hi);
}

function store(c: Cpu, slot: number, lo: number, hi: number): void {
  const m = c.srMask;
  c.sr.lo[slot] = (lo & m.keepLo[slot]!) | m.setLo[slot]!;
  c.sr.hi[slot] = (hi & m.keepHi[slot]!) | m.setHi[slot]!;
  const h = c.hooked[slot]!;
  if (h !== 0) {
    if (h & HOOK_BUILTIN) sysWriteHook(c, slot);
    if (h & HOOK_WATCH) c.watchHook?.(slot);
  }
}

export function wrBig(c: Cpu, slot: number, v: bigint): void {
  store(c, slot, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
}

export function wrBigSlice(c: Cpu, slot: number, hi: number, lo: number, v: bigint): void {
  const w = BigInt(hi - lo + 1);
  const m = ((1n << w) - 1n) << BigInt(lo);
  const old = (BigInt(c.sr.hi[slot]! >>> 0) << 32n) | BigInt(c.sr.lo[slot]! >>> 0);
  wrBig(c, slot, (old & ~m) | ((v << BigInt(lo)) & m));
}

export function xBig(c: Cpu, t: number): bigint {
  if (t === 31) return 0n;
  return (BigInt(c.xhi[t]! >>> 0) << 32n) | BigInt(c.xlo[t]! >>> 0);
}

export function setX(c: Cpu, t: number, v: bigint): void {
  if (t === 31) return;
  c.xlo[t] = Number(v & 0xffffffffn) | 0;
  c.xhi[t] = Number((v >> 32n) & 0xffffffffn) | 0;
}

// ---- PSTATE -----------------------------------------------------------------------

export function pstate(c: Cpu, name: string): number {
  switch (name) {
    case 'SP':
      return c.spsel;
    case 'N':
      return (c.nzcv >>> 3) & 1;
    case 'Z':
      return (c.nzcv >>> 2) & 1;
    case 'C':
      return (c.nzcv >>> 1) & 1;
    case 'V':
      return c.nzcv & 1;
    case 'D':
      return (c.daif >>> 3) & 1;
    case 'A':
      return (c.daif >>> 2) & 1;
    case 'I':
      return (c.daif >>> 1) & 1;
    case 'F':
      return c.daif & 1;
    case 'DIT':
      return c.dit;
    case 'SSBS':
      return c.ssbs;
    case 'PAN':
      return c.pan;
    case 'UAO':
      return c.uao;
    default:
      return unsupported(c, `PSTATE.${name}, which nvlab does not model`);
  }
}

export function setPstate(c: Cpu, name: string, v: number): void {
  const b = v & 1;
  switch (name) {
    case 'SP':
      saveSp(c);
      c.spsel = b;
      loadSp(c);
      return;
    case 'N':
      c.nzcv = (c.nzcv & ~8) | (b << 3);
      return;
    case 'Z':
      c.nzcv = (c.nzcv & ~4) | (b << 2);
      return;
    case 'C':
      c.nzcv = (c.nzcv & ~2) | (b << 1);
      return;
    case 'V':
      c.nzcv = (c.nzcv & ~1) | b;
      return;
    case 'D':
      c.daif = (c.daif & ~8) | (b << 3);
      return;
    case 'A':
      c.daif = (c.daif & ~4) | (b << 2);
      return;
    case 'I':
      c.daif = (c.daif & ~2) | (b << 1);
      return;
    case 'F':
      c.daif = (c.daif & ~1) | b;
      return;
    case 'DIT':
      c.dit = b;
      return;
    case 'SSBS':
      c.ssbs = b;
      return;
    case 'PAN':
      c.pan = b;
      // Cached translations were checked against the old PAN.
      c.contextChanged();
      return;
    case 'UAO':
      c.uao = b;
      c.contextChanged();
      return;
    default:
      unsupported(c, `PSTATE.${name}, which nvlab does not model`);
  }
}

// ---- time ---------------------------------------------------------------------------

/** Counter ticks per instruction: the nominal clock is one instruction per nanosecond. */
export function physicalCount(c: Cpu): bigint {
  const freq = c.sr.lo[SR.CNTFRQ_EL0]! >>> 0 || 62_500_000;
  return BigInt(Math.floor((c.instructionCount() * freq) / 1e9));
}

/**
 * CNTHCTL_EL2_VHE(): the value seen through CNTKCTL_EL1 at EL2 with E2H = 1.
 * The BSD release does not define this function; like QEMU, nvlab passes the
 * value through unchanged (the E2H layout of CNTHCTL_EL2 keeps CNTKCTL_EL1's
 * bits where CNTKCTL_EL1 has them).
 */
export function cnthctlVhe(c: Cpu, v: bigint): bigint {
  void c;
  return v;
}

// ---- the VNCR_EL2 page (FEAT_NV2) ----------------------------------------------------

function vncrAddress(c: Cpu, off: number): [number, number] {
  // VNCR_EL2.BADDR is bits [52:12]; the offset stays inside the 4 KiB page.
  const s = ((c.sr.lo[SR.VNCR_EL2]! & ~0xfff) >>> 0) + off;
  return [s | 0, (c.sr.hi[SR.VNCR_EL2]! + (s >= TWO32 ? 1 : 0)) | 0];
}

/**
 * The VNCR page of the nested L0 host, in its own memory: the host runs EL2
 * with its MMU off, so the page's VA is its PA, and no guest mapping reaches it.
 */
function hostVncr(c: Cpu, lo: number, hi: number): number {
  const host = c.bus.hostRam;
  if (host === null) return -1;
  const pa = (hi >>> 0) * TWO32 + (lo >>> 0);
  return host.contains(pa, 8) ? pa : -1;
}

export function nvRead(c: Cpu, t: number, off: number): void {
  const [lo, hi] = vncrAddress(c, off);
  const hpa = hostVncr(c, lo, hi);
  if (hpa >= 0) {
    const ch = c.bus.hostRam!.chunk(hpa);
    const o = Ram.offset(hpa);
    if (t !== 31) {
      c.xlo[t] = ch.dv.getInt32(o, true);
      c.xhi[t] = ch.dv.getInt32(o + 4, true);
    }
    return;
  }
  const v = vncrAccess(c, lo, hi, false, 0, 0);
  if (t !== 31) {
    c.xlo[t] = v;
    c.xhi[t] = c.ldHi;
  }
}

export function nvWrite(c: Cpu, t: number, off: number): void {
  const [lo, hi] = vncrAddress(c, off);
  const hpa = hostVncr(c, lo, hi);
  if (hpa >= 0) {
    const ch = c.bus.hostRam!.chunk(hpa);
    const o = Ram.offset(hpa);
    ch.dv.setInt32(o, t === 31 ? 0 : c.xlo[t]!, true);
    ch.dv.setInt32(o + 4, t === 31 ? 0 : c.xhi[t]!, true);
    return;
  }
  vncrAccess(c, lo, hi, true, t === 31 ? 0 : c.xlo[t]!, t === 31 ? 0 : c.xhi[t]!);
}

// ---- identification and debug ------------------------------------------------------

/**
 * UnimplementedIDRegister(): an ID register of a feature the PE lacks. With
 * FEAT_IDST the access traps (EC 0x18) to the current EL, or from EL0 to EL1
 * (EL2 under TGE); without it, UNDEFINED.
 */
export function unimplementedIdRegister(c: Cpu): void {
  if (!feat(c, 'FEAT_IDST')) return undef(c);
  const target = c.el !== 0 ? c.el : (c.sr.lo[SR.HCR_EL2]! & (1 << 27)) !== 0 ? 2 : 1;
  trap(c, target, EC.SYS64);
}

const MDCCSR_TXFULL = 1 << 29;

/**
 * The debug communications channel with no external debugger attached:
 * nothing drains DTRTX or fills DTRRX. A write latches DTRTX and sets
 * MDCCSR_EL0.TXfull; a read returns DTRRX, UNKNOWN while RXfull is 0 (nvlab:
 * the last value, zero after reset).
 */
export function dccWrite(c: Cpu, width: number, v: bigint): void {
  c.sr.lo[SR.DBGDTRTX_EL0] = Number(v & 0xffffffffn) | 0;
  if (width === 64) c.sr.lo[SR.DBGDTRRX_EL0] = Number((v >> 32n) & 0xffffffffn) | 0;
  c.sr.lo[SR.MDCCSR_EL0] |= MDCCSR_TXFULL;
}

export function dccRead(c: Cpu, width: number): bigint {
  const rx = BigInt(c.sr.lo[SR.DBGDTRRX_EL0]! >>> 0);
  if (width === 32) return rx;
  return (rx << 32n) | BigInt(c.sr.lo[SR.DBGDTRTX_EL0]! >>> 0);
}

// ---- maintenance operations --------------------------------------------------------------

/** TLBI, AT, DC, IC and DC ZVA (maintenance.ts). Cache operations without an address have nothing to do. */
export function maintenance(c: Cpu, name: string, args: unknown[]): void {
  if (name.startsWith('AArch64_TLBI')) return tlbi(c, name, args);
  switch (name) {
    case 'AArch64_AT':
      return addressTranslate(c, args);
    case 'AArch64_MemZero':
      return zeroBlock(c, args[0] as bigint);
    case 'AArch64_DC':
      // Set/way operations name a cache line, not an address.
      if (args[3] === 'CacheOpScope_SetWay') return;
      return cacheMaintenanceByVa(c, args[0] as bigint, args[2] === 'CacheOp_Invalidate');
    case 'AArch64_IC':
      if (args.length > 1) cacheMaintenanceByVa(c, args[0] as bigint, false);
      return;
    case 'AArch64_RestrictPrediction':
      return;
    default:
      unsupported(c, `${name}, which nvlab does not implement`);
  }
}
