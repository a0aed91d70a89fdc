// exceptions-el2: exceptions taken from EL2 to EL2. SVC/HVC/BRK/UDF, HLT
// that is not semihosting, SMC that is not a PSCI call, HVC with HCR_EL2.HCD,
// unallocated encodings, UNDEFINED system register accesses, the FP trap of
// CPTR_EL2.TFP, vectors for SP_EL0 and SP_EL2, PC alignment faults,
// SCTLR_EL2.A alignment faults for every access kind (and the alignment
// checks exclusives, atomics and acquire/release do without it), synchronous
// external aborts on an unbacked PA hole, address size faults, ERET to EL2
// and every kind of illegal exception return with the illegal-state
// exception that follows.
    .include "macros.inc"

    .equ HOLE, 0x09100000               // nothing is mapped here on virt

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    bl      generating
    bl      unallocated
    bl      undef_sysregs
    bl      fp_trap
    bl      sp0_vector
    bl      pc_alignment
    bl      alignment_a
    bl      alignment_always
    bl      external_aborts
    bl      eret_legal
    bl      eret_illegal
    bl      priorities
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
generating:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== exception-generating instructions"
    svc     #0
    svc     #0xffff
    hvc     #0x1234
    brk     #0
    brk     #0x8000
    udf     #0x1234
    hlt     #1                          // not the semihosting immediate: UNDEFINED
    hlt     #0xf001
    // HVC is UNDEFINED while HCR_EL2.HCD is set.
    mrs     x9, hcr_el2
    orr     x1, x9, #HCR_HCD
    msr     hcr_el2, x1
    isb
    hvc     #1
    msr     hcr_el2, x9
    isb
    hvc     #2
    // Registers survive an exception and its return.
    MOV64   x5, 0x0123456789abcdef
    mov     x6, #(0x9 << 28)
    msr     nzcv, x6
    svc     #0x77
    PXF     "x5 after svc", x5
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
unallocated:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== unallocated encodings"
    .inst   0x00000000                  // udf #0
    .inst   0x0000ffff                  // udf #0xffff
    .inst   0x02000000                  // op0 = 0001
    .inst   0x9a800800                  // csel with op2 = 10
    .inst   0x13400000                  // sbfm w with N = 1
    .inst   0x52c00000                  // movz w with hw = 2
    .inst   0x8bc00000                  // add shifted with ROR
    .inst   0x8b201400                  // add extended with imm3 = 5
    .inst   0xf8600800                  // ldr register with option = 000
    .inst   0xf9c00000                  // ldr unsigned-offset size 11 opc 11
    .inst   0xd4200001                  // brk with LL = 01
    .inst   0xd4000000                  // svc with LL = 00
    .inst   0x3a000400                  // rmif with sf = 0
    .inst   0x48217c82                  // casp with odd Rs
    .inst   0xe9400000                  // ldp with opc = 11
    .inst   0xd502401f                  // msr (immediate) with op1 = 2
    .inst   0xd500001f                  // op0 = 0, CRn = 0
    .inst   0xd5280000                  // sysl
    // Unallocated hints execute as NOP.
    hint    #0x45
    hint    #0x7f
    PUTLN   "hints are NOPs"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
undef_sysregs:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== undefined system registers"
    mrs     x1, S3_6_C1_C0_0            // SCTLR_EL3: no EL3
    msr     S3_6_C12_C0_0, x1           // VBAR_EL3
    // SCTLR_EL12 with E2H = 0 is UNDEFINED too, but QEMU 7.2 allows it
    // (docs/qemu-deviations.md), so it is not tested.
    mrs     x1, S2_7_C15_C15_7          // unallocated debug encoding
    mrs     x1, S3_4_C15_C15_7          // unallocated
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// CPTR_EL2.TFP traps SIMD/FP at EL2 to EL2 (EC 0x07).
fp_trap:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== CPTR_EL2.TFP"
    mrs     x9, cptr_el2
    orr     x1, x9, #(1 << 10)
    msr     cptr_el2, x1
    isb
    fmov    d0, xzr
    mrs     x1, fpcr
    msr     fpsr, xzr
    add     v0.4s, v1.4s, v2.4s
    ldr     q0, [sp]
    msr     cptr_el2, x9
    isb
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// With SPSel = 0 an exception from EL2 uses the current-EL SP0 vectors.
sp0_vector:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== SP_EL0 vectors"
    mov     x19, sp
    sub     x1, x19, #2048
    msr     sp_el0, x1
    msr     spsel, #0
    svc     #0x10
    brk     #0x11
    mrs     x1, spsel
    PX      "spsel after return", x1
    msr     spsel, #1
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
pc_alignment:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== PC alignment"
    adr     x1, 1f
    add     x1, x1, #2
    SET_RESUME 2, 1f
    br      x1
1:  adr     x1, 2f
    add     x1, x1, #1
    SET_RESUME 2, 3f
    blr     x1
2:  nop
3:  adr     x2, 2b
    sub     x2, x30, x2
    PX      "blr link - return site", x2
    adr     x1, 4f
    add     x1, x1, #3
    SET_RESUME 2, 4f
    ret     x1
4:  // ERET to a misaligned ELR
    adr     x1, 5f
    add     x1, x1, #2
    msr     elr_el2, x1
    mov     x1, #SPSR_EL2h
    msr     spsr_el2, x1
    SET_RESUME 2, 5f
    eret
5:  ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// SCTLR_EL2.A = 1: every unaligned data access faults. The base register is
// printed after faulting pre/post-indexed accesses (no writeback happens).
alignment_a:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== SCTLR_EL2.A"
    adrp    x9, abuf
    add     x9, x9, :lo12:abuf
    mrs     x20, sctlr_el2
    orr     x1, x20, #2
    msr     sctlr_el2, x1
    isb
    add     x10, x9, #1
    add     x11, x9, #2
    add     x12, x9, #4
    ldrb    w1, [x10]                   // bytes are always aligned
    strb    w1, [x10]
    ldrh    w1, [x10]
    ldrsh   x1, [x10]
    ldr     w1, [x11]
    ldrsw   x1, [x11]
    ldr     x1, [x12]
    ldur    x1, [x9, #1]
    ldr     x1, [x9, x12]
    ldrh    w1, [x11]                   // aligned
    ldr     w1, [x12]                   // aligned
    ldr     x1, [x9, #8]                // aligned
    strh    w1, [x10]
    str     w1, [x11]
    str     x1, [x12]
    stur    w1, [x9, #6]
    ldp     w1, w2, [x11]
    ldp     x1, x2, [x12]
    stp     w1, w2, [x11]
    stp     x1, x2, [x12]
    ldpsw   x1, x2, [x11]
    ldp     x1, x2, [x9, #8]            // aligned for 8-byte elements
    ldtr    x1, [x12]
    sttrh   w1, [x10]
    mov     x13, x12
    ldr     x1, [x13, #8]!
    sub     x2, x13, x9
    PX      "pre-index base after fault", x2
    str     x1, [x13], #8
    sub     x2, x13, x9
    PX      "post-index base after fault", x2
    ldr     x1, lit_unaligned
    prfum   pldl1keep, [x10]            // prefetches never fault
    msr     sctlr_el2, x20
    isb
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Exclusives, atomics and load-acquire/store-release check alignment even
// with SCTLR_EL2.A = 0.
alignment_always:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== alignment without SCTLR.A"
    adrp    x9, abuf
    add     x9, x9, :lo12:abuf
    add     x10, x9, #1
    add     x11, x9, #2
    add     x12, x9, #4
    add     x14, x9, #8
    ldxrh   w1, [x10]
    ldxr    w1, [x11]
    ldxr    x1, [x12]
    ldaxr   x1, [x12]
    ldxp    x1, x2, [x14]               // a pair is aligned to its total size
    ldxp    w1, w2, [x12]               // 8-byte pair at 4: aligned
    clrex
    // An unaligned STXR/STXP faults whatever the monitor state, but QEMU 7.2
    // checks alignment only when the monitor matches, which an unaligned LDXR
    // cannot arrange; LDAPR is not alignment-checked by QEMU 7.2 at all
    // (docs/qemu-deviations.md). Neither is tested here.
    ldarh   w1, [x10]
    ldar    w1, [x11]
    ldar    x1, [x12]
    stlr    w1, [x11]
    stlr    x1, [x12]
    stlrh   w1, [x10]
    ldapur  x1, [x9, #4]
    ldapursh x1, [x9, #1]
    stlur   w1, [x9, #2]
    stlurh  w1, [x9, #2]                // aligned
    casb    w1, w2, [x10]               // bytes are aligned
    cash    w1, w2, [x10]
    cas     w1, w2, [x11]
    casal   x1, x2, [x12]
    casp    x2, x3, x4, x5, [x14]
    casp    w2, w3, w4, w5, [x12]       // aligned
    ldaddh  w1, w2, [x10]
    ldclr   w1, w2, [x11]
    ldeoral x1, x2, [x12]
    ldsmax  x1, x2, [x12]
    swp     w1, w2, [x11]
    swpb    w1, w2, [x10]               // aligned
    stadd   w1, [x11]
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
external_aborts:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== external aborts and address size faults"
    mov     x9, #HOLE
    ldr     x1, [x9]
    ldr     w1, [x9, #4]
    ldrb    w1, [x9, #0x123]
    str     x1, [x9, #8]
    strh    w1, [x9, #2]
    ldp     x1, x2, [x9, #16]
    stp     x1, x2, [x9, #32]
    ldxr    x1, [x9]
    ldadd   x1, x2, [x9]
    adr     x1, 1f
    SET_RESUME 2, 1f
    br      x9                          // instruction fetch from the hole
1:  // Beyond the physical address space (52 bits on QEMU's -cpu max, 48 on
    // nvlab's profile; TCR_EL2.TBI = 0): an address size fault.
    MOV64   x9, 0x0010000000000000
    ldr     x1, [x9]
    str     x1, [x9]
    MOV64   x9, 0xff00000040000000
    ldr     x1, [x9]
    SET_RESUME 2, 2f
    br      x9
2:  ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro ERET_TO label, spsr
    MOV64   x1, \spsr
    msr     spsr_el2, x1
    adr     x1, \label
    msr     elr_el2, x1
    eret
.endm

eret_legal:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== eret to EL2"
    ERET_TO 1f, 0xa00003c9
1:  PF      "eret EL2h flags"
    mrs     x1, daif
    PX      "daif", x1
    ERET_TO 2f, 0x50000249
2:  PF      "eret EL2h flags"
    mrs     x1, daif
    PX      "daif", x1
    msr     daifset, #0xf
    // EL2t: the stack pointer becomes SP_EL0.
    mov     x19, sp
    sub     x1, x19, #1024
    msr     sp_el0, x1
    ERET_TO 3f, 0x3c8
3:  mrs     x1, spsel
    PX      "spsel after eret to EL2t", x1
    mov     x2, sp
    sub     x2, x19, x2
    PX      "sp below SP_EL2 by", x2
    msr     spsel, #1
    // SPSR.IL = 1 is restored into PSTATE.IL: an illegal-state exception follows.
    ERET_TO 4f, 0x001003c9
4:  PUTLN   "after IL return"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Illegal exception returns keep EL and SP, set PSTATE.IL, restore NZCV, DAIF
// and PAN from SPSR and branch to ELR, where the illegal-state exception is
// taken. The handler resumes there with IL clear.
.macro ILLEGAL name, spsr
    PUTLN   "illegal \name"
    ERET_TO 1f, \spsr
1:  mrs     x1, CurrentEL
    PX      " CurrentEL", x1
    mrs     x1, spsel
    PX      " SPSel", x1
.endm

eret_illegal:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== illegal exception returns"
    ILLEGAL "AArch32 SVC", 0x800003d3
    ILLEGAL "AArch32 Hyp", 0x400003da
    ILLEGAL "M[1] EL1", 0x200003c6
    ILLEGAL "M[1] EL0", 0x100003c2
    ILLEGAL "M[1] EL2", 0x000003cb
    ILLEGAL "EL3h", 0xa00003cd
    ILLEGAL "EL3t", 0x000003cc
    ILLEGAL "EL0 with SP_EL1", 0x600003c1
    // PSTATE.PAN is restored from SPSR even by an illegal return, but QEMU 7.2
    // keeps it (docs/qemu-deviations.md): SPSR.PAN here equals PSTATE.PAN.
    ILLEGAL "EL3h: NZCV, DAIF restored", 0x9000010d
    ILLEGAL "M[1]: NZCV, DAIF restored", 0x60000286
    msr     daifset, #0xf
    // EL1 is illegal while HCR_EL2.TGE is set.
    mrs     x9, hcr_el2
    orr     x1, x9, #HCR_TGE
    msr     hcr_el2, x1
    isb
    ILLEGAL "EL1h with TGE", 0x000003c5
    ILLEGAL "EL1t with TGE", 0x000003c4
    msr     hcr_el2, x9
    isb
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Prioritization: a PC alignment fault and an Instruction Abort both outrank
// the illegal-state exception that an illegal return would cause.
priorities:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== priorities"
    adr     x1, 1f
    add     x1, x1, #2
    msr     elr_el2, x1
    mov     x1, #0x3cd                  // EL3h: illegal
    msr     spsr_el2, x1
    SET_RESUME 2, 1f
    eret
1:  mov     x1, #HOLE
    msr     elr_el2, x1
    mov     x1, #0x3cd
    msr     spsr_el2, x1
    SET_RESUME 2, 2f
    eret
2:  ldp     x29, x30, [sp], #16
    ret

    .balign 8
    .skip   4
lit_unaligned:                          // a literal load is a data access too
    .quad   0

    .bss
    .balign 16
abuf:
    .space  64
