/**
 * Decoded operation numbers. The decoder turns an instruction word into one of
 * these plus pre-resolved operands, so the executor's switch sees small dense
 * integers (esbuild inlines enum members, which lets V8 build a jump table).
 *
 * Decode-cache entry layout (8 int32 per entry), see decode.ts:
 *   [0] instruction word (cache key)   [1] Op
 *   [2] register slots: d | n<<6 | m<<12 | a<<18   (regs.ts slot numbers)
 *   [3] small fields, per op (documented below)
 *   [4..7] immediates I, J, K, L
 */
export enum Op {
  EMPTY = 0,
  UNDEF,
  /** SIMD/FP instruction: FP enable traps apply, then the run stops as unimplemented. */
  FPSIMD,
  /** SVE instruction: recognised, not modelled. */
  SVE,
  /** SME instruction: recognised, not modelled. */
  SME,

  // ---- data processing, immediate ----
  /** I/J: PC offset (pair). */
  ADR,
  ADRP,
  /** I/J: 64-bit immediate (negated for SUB). d,n may be SP. */
  ADD64I,
  /** I: 32-bit immediate (negated for SUB). */
  ADD32I,
  /** I: unsigned immediate. */
  ADDS64I,
  ADDS32I,
  SUBS64I,
  SUBS32I,
  /** I/J: bitmask immediate. */
  AND64I,
  ORR64I,
  EOR64I,
  ANDS64I,
  AND32I,
  ORR32I,
  EOR32I,
  ANDS32I,
  /** MOVZ/MOVN: I/J value to write. */
  MOVI,
  /** MOVK: misc = bit position (0/16/32/48), I = imm16. */
  MOVK64,
  MOVK32,
  /** Bitfield: misc = immr | imms<<6, I/J = wmask, K/L = tmask. */
  SBFM64,
  BFM64,
  UBFM64,
  SBFM32,
  BFM32,
  UBFM32,
  /** misc = shift amount. */
  LSL64I,
  LSR64I,
  ASR64I,
  LSL32I,
  LSR32I,
  ASR32I,
  /** EXTR: misc = lsb. */
  EXTR64,
  EXTR32,

  // ---- branches, exceptions, system ----
  /** I = byte offset. */
  B,
  BL,
  /** misc = cond, I = offset. */
  BCOND,
  /** d = tested register, I = offset. */
  CBZ64,
  CBNZ64,
  CBZ32,
  CBNZ32,
  /** d = tested register, misc = bit, I = offset. */
  TBZ,
  TBNZ,
  /** n = target register. */
  BR,
  BLR,
  RET,
  ERET,
  /** I = imm16. */
  SVC,
  HVC,
  SMC,
  BRK,
  HLT,
  NOP,
  WFI,
  WFE,
  SEV,
  SEVL,
  CLREX,
  /** misc = op1<<3 | op2 (PSTATE field), I = CRm. */
  MSR_IMM,
  CFINV,
  XAFLAG,
  AXFLAG,
  /** misc = 16-bit system register key (op0:op1:CRn:CRm:op2), d = Rt slot. */
  MRS,
  MSR,
  SYS,
  SYSL,

  // ---- data processing, register ----
  /** Logical shifted register: misc = shift type | amount<<2 | invert<<8. */
  AND64R,
  ORR64R,
  EOR64R,
  ANDS64R,
  AND32R,
  ORR32R,
  EOR32R,
  ANDS32R,
  /** MOV Xd, Xm (ORR with XZR, no shift). */
  MOV64R,
  MOV32R,
  /** Add/sub shifted register: misc = shift type | amount<<2. */
  ADD64R,
  SUB64R,
  ADDS64R,
  SUBS64R,
  ADD32R,
  SUB32R,
  ADDS32R,
  SUBS32R,
  /** Add/sub extended register: misc = option | amount<<3 | sf<<6 | sub<<7 | setflags<<8. */
  ADDSUBX,
  /** ADC/SBC: misc = sf | sub<<1 | setflags<<2. */
  ADC,
  /** RMIF: misc = shift, I = mask. */
  RMIF,
  /** SETF8/SETF16: misc = 8 or 16. */
  SETF,
  /** CCMN/CCMP: misc = sf | sub<<1 | imm<<2 | cond<<3 | nzcv<<7; I = imm5 when imm. */
  CCMP,
  /** CSEL/CSINC/CSINV/CSNEG: misc = cond | sf<<4 | variant<<5 (0 sel, 1 inc, 2 inv, 3 neg). */
  CSEL,
  MADD64,
  MSUB64,
  MADD32,
  MSUB32,
  /** misc: sub flag. */
  SMADDL,
  UMADDL,
  SMULH,
  UMULH,
  /** misc = sf. */
  UDIV,
  SDIV,
  /** LSLV/LSRV/ASRV/RORV: misc = type | sf<<2. */
  SHIFTV,
  /** misc = log2(bytes) | castagnoli<<2. */
  CRC32,
  /** misc = sf. */
  RBIT,
  REV16,
  REV32,
  /** Byte-reverse the whole register (X when sf, else W). */
  REV,
  CLZ,
  CLS,

  // ---- loads and stores ----
  /** Load, immediate offset, no writeback: misc = size | ext<<2 | unpriv<<4; I = offset. ext: 0 zero, 1 sign to 64, 2 sign to 32. */
  LDR_I,
  /** Store, immediate offset: misc = size | unpriv<<4; I = offset. */
  STR_I,
  /** Fast paths of the two above for the common cases. */
  LDRX_I,
  LDRW_I,
  STRX_I,
  STRW_I,
  LDRB_I,
  STRB_I,
  /** Pre/post-indexed: misc as LDR_I, I = offset. */
  LDR_PRE,
  LDR_POST,
  STR_PRE,
  STR_POST,
  /** Register offset: misc = size | ext<<2 | option<<5 | shift<<8. */
  LDR_R,
  STR_R,
  /** PC-relative literal: misc = size | ext<<2, I = offset. */
  LDR_LIT,
  /** Pairs: misc = size | sext<<2 | mode<<3 (0 offset, 1 pre, 2 post); I = offset; a = Rt2. */
  LDP,
  STP,
  /** Exclusives: misc = size | acquire/release<<2; a = status register (stores). */
  LDXR,
  STXR,
  /** Exclusive pairs: misc = size (2 or 3) | acq/rel<<2; a = Rt2 (loads) ; stores: m = Rt2, a = Rs. */
  LDXP,
  STXP,
  /** Load-acquire / store-release (incl. LDAPR, LDLAR, STLLR): misc = size. */
  LDAR,
  STLR,
  /** LDAPUR/STLUR: misc = size | ext<<2, I = offset. */
  LDAPUR,
  STLUR,
  /** CAS: misc = size | acq<<2 | rel<<3; d = Rt (new value), m = Rs write slot, a = Rs read slot. */
  CAS,
  /** CASP: misc = element size (2/3) | acq<<2 | rel<<3; d = Rt, a = Rs as raw even register numbers. */
  CASP,
  /** LD<op>/SWP: misc = size | acq<<2 | rel<<3 | opc<<4 (opc 8 = SWP); a = Rs. */
  ATOMIC,
}
