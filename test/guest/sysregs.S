// sysregs: MSR/MRS round trips for plain read/write registers (values that
// stay clear of RES0/RES1, IMPLEMENTATION DEFINED and feature-dependent
// bits), the PSTATE registers (NZCV, DAIF, SPSel, CurrentEL, PAN, UAO, DIT,
// SSBS), MSR (immediate) forms, SP banking with SPSel, and the flag
// manipulation instructions CFINV, AXFLAG, XAFLAG, RMIF, SETF8, SETF16.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    bl      roundtrips
    bl      pstate_regs
    bl      msr_imm
    bl      spsel_banking
    bl      flagm
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
.macro RT reg, val
    MOV64   x1, \val
    msr     \reg, x1
    mrs     x2, \reg
    PX      "\reg", x2
.endm

roundtrips:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== round trips"
    RT      tpidr_el0, 0x0123456789abcdef
    RT      tpidrro_el0, 0xfedcba9876543210
    RT      tpidr_el1, 0x8000000000000001
    RT      tpidr_el2, 0x7ffffffffffffffe
    RT      elr_el1, 0xffff000012345678
    RT      elr_el2, 0x0000ffff87654320
    RT      spsr_el1, 0xf00003c5
    RT      spsr_el2, 0x600001c4
    RT      sp_el0, 0x0000000040ff0000
    RT      sp_el1, 0xffff800000001230
    RT      far_el1, 0xdeadbeefcafef00d
    RT      far_el2, 0x0000000000000fff
    RT      esr_el1, 0x96000045
    RT      esr_el2, 0x5a001234
    RT      mair_el1, 0x000000ff440c0400
    RT      mair_el2, 0x4400ff04bb0c0000
    RT      amair_el1, 0
    RT      ttbr0_el1, 0x0001000040001000
    RT      ttbr1_el1, 0xffff000040002000
    RT      ttbr0_el2, 0x0000000040003000
    RT      tcr_el1, 0x00000000b5193519
    RT      tcr_el2, 0x0000000080823510
    RT      vttbr_el2, 0x0002000040004000
    RT      vbar_el1, 0x0000000040123800
    RT      contextidr_el1, 0x12345678
    RT      contextidr_el2, 0x9abcdef0
    // Bit 11 is RES1 in the F = 0 format: writing 0 would make the read-back
    // value implementation choice.
    RT      par_el1, 0x0000000040005800
    RT      cnthctl_el2, 0x3
    RT      cntkctl_el1, 0x3
    RT      cntvoff_el2, 0x1234567800000000
    RT      csselr_el1, 0
    RT      vmpidr_el2, 0x80000001
    RT      cpacr_el1, 0x300000
    RT      cpacr_el1, 0
    // Restore what the runtime relies on.
    ldr     x1, =vectors_el1
    msr     vbar_el1, x1
    // HCR_EL2 and SCTLR_EL1 with bits every implementation has.
    mrs     x9, hcr_el2
    RT      hcr_el2, 0x80086038
    msr     hcr_el2, x9
    mrs     x9, sctlr_el1
    // ITD and SED (bits 8:7) set: RES1 without AArch32 at EL0 (nvlab),
    // ordinary bits on QEMU's -cpu max.
    RT      sctlr_el1, 0x34d5c980
    msr     sctlr_el1, x9
    mrs     x1, sctlr_el2
    PX      "sctlr_el2 (runtime value)", x1
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
pstate_regs:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== PSTATE registers"
    mrs     x1, CurrentEL
    PX      "CurrentEL", x1
    mrs     x1, SPSel
    PX      "SPSel", x1
    mrs     x1, DAIF
    PX      "DAIF", x1
    mov     x1, #-1
    msr     nzcv, x1
    mrs     x2, nzcv
    PX      "nzcv <- ~0", x2
    mov     x1, #0x50000000
    msr     nzcv, x1
    mrs     x2, nzcv
    PX      "nzcv <- 5", x2
    msr     nzcv, xzr
    mrs     x2, nzcv
    PX      "nzcv <- 0", x2
    mov     x1, #-1
    msr     daif, x1
    mrs     x2, daif
    PX      "daif <- ~0", x2
    mov     x1, #0x140
    msr     daif, x1
    mrs     x2, daif
    PX      "daif <- 0x140", x2
    mov     x1, #0x3c0
    msr     daif, x1
    mov     x1, #(1 << 22)
    msr     pan, x1
    mrs     x2, pan
    PX      "pan <- 1", x2
    msr     pan, xzr
    mrs     x2, pan
    PX      "pan <- 0", x2
    mov     x1, #(1 << 23)
    msr     uao, x1
    mrs     x2, uao
    PX      "uao <- 1", x2
    msr     uao, xzr
    mrs     x2, uao
    PX      "uao <- 0", x2
    mov     x1, #(1 << 24)
    msr     dit, x1
    mrs     x2, dit
    PX      "dit <- 1", x2
    msr     dit, xzr
    mrs     x2, dit
    PX      "dit <- 0", x2
    mov     x1, #(1 << 12)
    msr     ssbs, x1
    mrs     x2, ssbs
    PX      "ssbs <- 1", x2
    msr     ssbs, xzr
    mrs     x2, ssbs
    PX      "ssbs <- 0", x2
    mov     x1, #1
    msr     spsel, x1
    mrs     x2, spsel
    PX      "spsel <- 1", x2
    // Read-only and write-only encodings.
    msr     S3_0_C4_C2_2, x1            // CurrentEL is read-only: UNDEFINED
    mrs     x2, S2_0_C1_C0_4            // OSLAR_EL1 is write-only: UNDEFINED
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
msr_imm:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== msr immediate"
    .irp v, 0, 1, 2, 4, 8, 5, 0xa, 0xf
    msr     daifclr, #0xf
    msr     daifset, #\v
    mrs     x2, daif
    PX      "daifset #\v", x2
    msr     daifset, #0xf
    msr     daifclr, #\v
    mrs     x2, daif
    PX      "daifclr #\v", x2
    .endr
    msr     daifset, #0xf
    msr     pan, #1
    mrs     x2, pan
    PX      "pan #1", x2
    msr     pan, #0
    mrs     x2, pan
    PX      "pan #0", x2
    msr     uao, #1
    mrs     x2, uao
    PX      "uao #1", x2
    msr     uao, #0
    msr     dit, #1
    mrs     x2, dit
    PX      "dit #1", x2
    msr     dit, #0
    msr     ssbs, #1
    mrs     x2, ssbs
    PX      "ssbs #1", x2
    msr     ssbs, #0
    mrs     x2, ssbs
    PX      "ssbs #0", x2
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// SPSel switches between SP_EL2 and SP_EL0 at EL2; SP_EL0 is not accessible
// through MRS/MSR while it is the current stack pointer.
spsel_banking:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== spsel banking"
    mov     x19, sp
    sub     x1, x19, #1024              // an SP_EL0 stack below ours
    msr     sp_el0, x1
    msr     spsel, #0
    mov     x2, sp
    sub     x3, x19, x2
    PX      "sp with spsel=0 (below SP_EL2)", x3
    mrs     x2, spsel
    PX      "spsel", x2
    sub     sp, sp, #32                 // moves SP_EL0
    mrs     x4, sp_el0                  // UNDEFINED with SPSel=0
    msr     spsel, #1
    mov     x2, sp
    sub     x3, x19, x2
    PX      "sp with spsel=1", x3
    mrs     x2, sp_el0
    sub     x3, x19, x2
    PX      "sp_el0 after sub", x3
    mov     x1, #1
    msr     S3_4_C4_C1_0, x1            // SP_EL1 is accessible at EL2
    mrs     x2, S3_4_C4_C1_0
    PX      "sp_el1 via S3_4_C4_C1_0", x2
    mrs     x2, S3_6_C4_C1_0            // SP_EL2: UNDEFINED without EL3
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
flagm:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== cfinv/axflag/xaflag"
    mov     x1, #0
1:  lsl     x3, x1, #28
    msr     nzcv, x3
    cfinv
    mrs     x4, nzcv
    msr     nzcv, x3
    axflag
    mrs     x5, nzcv
    msr     nzcv, x3
    xaflag
    mrs     x6, nzcv
    orr     x4, x4, x5, lsr #4
    orr     x4, x4, x6, lsr #8
    PXX     "nzcv/cfinv.axflag.xaflag", x3, x4
    add     x1, x1, #1
    cmp     x1, #16
    b.lo    1b
    PUTLN   "== rmif"
    MOV64   x1, 0x8000000000000005
    .irp sh, 0, 1, 2, 60, 63
    .irp mask, 0, 1, 6, 15
    mov     x3, #(0x5 << 28)
    msr     nzcv, x3
    rmif    x1, #\sh, #\mask
    PF      "rmif #\sh #\mask"
    .endr
    .endr
    PUTLN   "== setf8/setf16"
    adr     x9, setf_vals
    mov     x10, #0
2:  ldr     x1, [x9, x10, lsl #3]
    mov     x3, #(0x2 << 28)            // C set: SETF leaves C alone
    msr     nzcv, x3
    setf8   w1
    mrs     x4, nzcv
    msr     nzcv, xzr
    setf16  w1
    mrs     x5, nzcv
    orr     x4, x4, x5, lsr #4
    PXX     "value/setf8.setf16", x1, x4
    add     x10, x10, #1
    cmp     x10, #10
    b.lo    2b
    ldp     x29, x30, [sp], #16
    ret

    .section .rodata
    .balign 8
setf_vals:
    .quad   0, 0x7f, 0x80, 0xff, 0x100, 0x17f, 0x7fff, 0x8000, 0xffff, 0xffffff80
