/**
 * System instructions that act on translation and caches, as the generated
 * access rules call them once their traps have been checked: TLBI, AT, DC
 * and IC by VA, DC ZVA. Caches are not modelled, so cache maintenance is
 * only its translation: the faults a by-VA operation can take.
 */
import { SR } from '../arch/generated/sysreg-rules.js';
import { FaultKind } from '../mmu/fault.js';
import { Access } from '../mmu/permissions.js';
import { executeTlbi } from '../mmu/tlbi.js';
import type { Cpu } from './cpu.js';
import { ACC_DEVICE, ACC_WRITE, mmuAbort, storeAny, translateData } from './memory-access.js';

function halves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
}

/** AArch64_TLBI_<op>(...): invalidate, then drop everything derived from the TLB. */
export function tlbi(c: Cpu, name: string, args: readonly unknown[]): void {
  const r = executeTlbi(c.mmu, c.sr, name, args);
  c.contextChanged();
  c.events.tlbi(c, r.op, r.regime, args[args.length - 1] as bigint, r.removed);
  if (c.onTlbi !== null) c.onTlbi(name, args);
}

/** AArch64_AT(Xt, stage, el, access): PAR_EL1, or the Data Abort AT takes instead. */
export function addressTranslate(c: Cpu, args: readonly unknown[]): void {
  const [va, stage, el, kind] = args as [bigint, string, number, string];
  const [lo, hi] = halves(va);
  let access: Access | undefined;
  if (kind === 'ATAccess_Read' || kind === 'ATAccess_ReadPAN') access = Access.READ;
  else if (kind === 'ATAccess_Write' || kind === 'ATAccess_WritePAN') access = Access.WRITE;
  const pan = (kind === 'ATAccess_ReadPAN' || kind === 'ATAccess_WritePAN') && c.pan === 1;
  const r = c.mmu.at(lo, hi, stage === 'TranslationStage_12', el, access, pan, c.el);
  // A fault AT cannot report in PAR_EL1: a Data Abort with CM = 1 and WnR = 1.
  if (r.abort) mmuAbort(c, lo, hi, true, false, true);
  c.sr.lo[SR.PAR_EL1] = r.lo;
  c.sr.hi[SR.PAR_EL1] = r.hi;
}

/**
 * DC and IC by VA: translate as the operation would. Translation,
 * access-flag, address-size and walk faults are taken (CM = 1); permission
 * faults only where the Arm ARM has them: DC IVAC without write permission,
 * and any operation from EL0 without read permission.
 */
export function cacheMaintenanceByVa(c: Cpu, va: bigint, invalidateOnly: boolean): void {
  const mmu = c.mmu;
  if (!mmu.enabledFor(c.el)) return;
  const [lo, hi] = halves(va);
  if (mmu.translate(lo, hi, c.el, invalidateOnly ? Access.WRITE : Access.READ, 0)) return;
  if (mmu.fault.kind === FaultKind.PERMISSION && !invalidateOnly && c.el !== 0) return;
  mmuAbort(c, lo, hi, true, false, true);
}

/**
 * DC ZVA: zero the naturally aligned block of 4 << DCZID_EL0.BS bytes
 * holding the address. Faults report the address as given (the block never
 * crosses a page); Device memory takes an alignment fault at the stage that
 * made it Device.
 */
export function zeroBlock(c: Cpu, addr: bigint): void {
  const bytes = 4 << (c.sr.lo[SR.DCZID_EL0]! & 0xf);
  const [alo, ahi] = halves(addr);
  translateData(c, alo, ahi, 0, ACC_WRITE | ACC_DEVICE);
  const [lo, hi] = halves(addr & ~BigInt(bytes - 1));
  for (let i = 0; i < bytes; i += 8) storeAny(c, (lo + i) | 0, hi, 3, 0, 0, 0);
}
