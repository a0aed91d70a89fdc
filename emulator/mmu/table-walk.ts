/**
 * The translation table walk shared by both stages (AArch64.S1Walk and
 * AArch64.S2Walk without their permission checks): from the start-level
 * table down to a block or page descriptor, with the translation,
 * address-size, access-flag and walk external-abort faults at the level
 * where they occur. A walk reads at most five descriptors per stage, so
 * looping or cross-linked tables cannot make it run away.
 */
import { D_AF, descriptorAddress, tableAttributes } from './descriptor.js';
import { type Fault, FaultKind } from './fault.js';
import { POW2, blockAllowed, levelShift } from './granule.js';
import type { WalkParams } from './walk-params.js';

/** How a walk reaches its tables. */
export interface TableMemory {
  /**
   * The PA of a descriptor the walk wants to read at `addr` (an IPA for a
   * stage-1 walk under stage 2, which translates it and may fault: then it
   * records the stage-2 fault and returns -1).
   */
  tablePa(addr: number, fault: Fault, level: number): number;
  /** Reads the 64-bit descriptor at PA `pa` into `w.lo`/`w.hi`; false for an external abort. */
  readDescriptor(pa: number, w: WalkResult): boolean;
}

/** One level of a recorded walk (for the debugger's walk view and error messages). */
export interface WalkStep {
  level: number;
  /** Address of the descriptor read (as the walk addressed it: IPA under stage 2). */
  addr: number;
  pa: number;
  lo: number;
  hi: number;
}

export class WalkResult {
  /** Output address of the block or page (low `shift` bits clear). */
  oa = 0;
  /** log2 of the block or page size. */
  shift = 12;
  level = 0;
  /** The leaf descriptor. */
  lo = 0;
  hi = 0;
  /** PA of the leaf descriptor. */
  descPa = 0;
  /** APTable/XNTable/PXNTable gathered along the way (stage 1; descriptor.ts TA_*). */
  tableAttrs = 0;
  /** When set, every descriptor read is appended here. */
  steps: WalkStep[] | null = null;
}

/**
 * Walks `ia` (the input address, already range-checked and reduced to
 * `p.inputBits` bits). Returns true with `w` filled, or false with `fault`
 * set. Stage-1 table attributes are gathered unless `stage2` or HPD.
 */
export function walkTables(p: WalkParams, ia: number, stage2: boolean, mem: TableMemory, w: WalkResult, fault: Fault): boolean {
  const g = p.granule;
  let level = p.startLevel;
  let table = p.base;
  let bits = p.startBits;
  let attrs = 0;
  const limit = POW2[p.oaBits]!;
  for (;;) {
    const shift = levelShift(g, level);
    const index = Math.floor(ia / POW2[shift]!) % POW2[bits]!;
    const addr = table + index * 8;
    const pa = mem.tablePa(addr, fault, level);
    if (pa < 0) return false;
    if (!mem.readDescriptor(pa, w)) {
      fault.set(FaultKind.WALK_EXTERNAL, level, stage2);
      return false;
    }
    const lo = w.lo;
    const hi = w.hi;
    if (w.steps) w.steps.push({ level, addr, pa, lo, hi });
    if ((lo & 1) === 0) {
      fault.set(FaultKind.TRANSLATION, level, stage2);
      return false;
    }
    if (level < 3 && (lo & 2) !== 0) {
      const next = descriptorAddress(lo, hi, g, p.fmt);
      if (next >= limit) {
        fault.set(FaultKind.ADDRESS_SIZE, level, stage2);
        return false;
      }
      if (!stage2) attrs |= tableAttributes(hi);
      table = next;
      bits = g - 3;
      level++;
      continue;
    }
    // Level 3 with bit[1] = 0 is reserved; so is a block where the granule has none.
    if ((level === 3 && (lo & 2) === 0) || (level < 3 && !blockAllowed(g, level, p.ds, p.lpa))) {
      fault.set(FaultKind.TRANSLATION, level, stage2);
      return false;
    }
    const oa = descriptorAddress(lo, hi, shift, p.fmt);
    if (oa >= limit) {
      fault.set(FaultKind.ADDRESS_SIZE, level, stage2);
      return false;
    }
    // No hardware Access-flag management (FEAT_HAFDBS is not in the profile).
    if ((lo & D_AF) === 0) {
      fault.set(FaultKind.ACCESS_FLAG, level, stage2);
      return false;
    }
    w.oa = oa;
    w.shift = shift;
    w.level = level;
    w.descPa = pa;
    w.tableAttrs = p.hpd ? 0 : attrs;
    return true;
  }
}
