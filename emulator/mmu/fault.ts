/**
 * Translation faults as the walkers report them, and their fault status codes
 * (the FSC in ESR_ELx.ISS, PAR_EL1.FST). One mutable record per MMU, filled
 * by whichever stage fails, so that a failing translation allocates nothing.
 */

export const enum FaultKind {
  NONE = 0,
  ADDRESS_SIZE = 1,
  TRANSLATION = 2,
  ACCESS_FLAG = 3,
  PERMISSION = 4,
  /** Synchronous external abort on a translation table walk. */
  WALK_EXTERNAL = 5,
  ALIGNMENT = 6,
  /** Synchronous external abort on the access itself (no RAM or device at the PA). */
  EXTERNAL = 7,
}

const KIND_NAMES = ['none', 'address size', 'translation', 'access flag', 'permission', 'external abort on walk', 'alignment', 'external abort'];

export class Fault {
  kind: FaultKind = FaultKind.NONE;
  /** Level of the walk that found it (-1..3); 0 for faults before the walk starts. */
  level = 0;
  /** A stage-2 fault (taken to EL2, IPA in HPFAR_EL2). */
  stage2 = false;
  /** Stage-2 fault on a stage-1 table walk. */
  s1ptw = false;
  /** The IPA that stage 2 could not translate (valid when stage2). */
  ipa = 0;

  set(kind: FaultKind, level: number, stage2: boolean): void {
    this.kind = kind;
    this.level = level;
    this.stage2 = stage2;
    this.s1ptw = false;
  }

  /** Fault status code (ESR DFSC/IFSC and PAR_EL1.FST). */
  fsc(): number {
    return faultStatusCode(this.kind, this.level);
  }

  describe(): string {
    const where = this.kind === FaultKind.ALIGNMENT || this.kind === FaultKind.EXTERNAL ? '' : `, level ${this.level}`;
    const stage = this.stage2 ? (this.s1ptw ? ', stage 2 on the stage-1 walk' : ', stage 2') : '';
    return `${KIND_NAMES[this.kind]} fault${where}${stage}`;
  }
}

/**
 * FSC for a fault kind and level. Level -1 (FEAT_LPA2, 4K granule, 52-bit
 * input) has its own encodings; level 0 access flag and permission faults
 * exist only with FEAT_LPA2 and use the regular pattern.
 */
export function faultStatusCode(kind: FaultKind, level: number): number {
  const l = level & 3;
  switch (kind) {
    case FaultKind.ADDRESS_SIZE:
      return level < 0 ? 0b101001 : 0b000000 | l;
    case FaultKind.TRANSLATION:
      return level < 0 ? 0b101011 : 0b000100 | l;
    case FaultKind.ACCESS_FLAG:
      return 0b001000 | l;
    case FaultKind.PERMISSION:
      return 0b001100 | l;
    case FaultKind.WALK_EXTERNAL:
      return level < 0 ? 0b010011 : 0b010100 | l;
    case FaultKind.ALIGNMENT:
      return 0b100001;
    case FaultKind.EXTERNAL:
      return 0b010000;
    default:
      throw new Error(`no fault status code for fault kind ${kind}`);
  }
}
