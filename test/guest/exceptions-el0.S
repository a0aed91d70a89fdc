// exceptions-el0: code running at EL0. SVC to EL1, and to EL2 with
// HCR_EL2.TGE; UNDEFINED HVC/SMC/HLT/ERET and EL1 register accesses; the
// SCTLR_EL1 controls UMA (DAIF), UCT (CTR_EL0), DZE (DC ZVA), UCI (cache
// maintenance), nTWI/nTWE and A; CNTKCTL_EL1 gating of the counters; the FP
// trap of CPACR_EL1.FPEN; data and instruction aborts, PC alignment; each
// routed to EL1 and, with TGE, to EL2.
    .include "macros.inc"

    .equ HOLE, 0x09100000
    .equ UMA, 1 << 9
    .equ DZE, 1 << 14
    .equ UCT, 1 << 15
    .equ nTWI, 1 << 16
    .equ nTWE, 1 << 18
    .equ UCI, 1 << 26

.macro AT_EL0 fn
    adr     x0, \fn
    mov     x1, #0
    bl      run_el0
.endm

// SCTLR_EL1 = runtime value | bits
.macro SCTLR1 bits
    ldr     x1, =SCTLR_EL1_INIT | (\bits)
    msr     sctlr_el1, x1
    isb
.endm

.macro HCR2 bits
    ldr     x1, =HCR_RW | (\bits)
    msr     hcr_el2, x1
    isb
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    msr     cntkctl_el1, xzr
    msr     cpacr_el1, xzr
    PUTLN   "== EL0 basics (to EL1)"
    SCTLR1  0
    adr     x0, el0_basics
    mov     x1, #0x30
    bl      run_el0
    PX      "el0_basics returned", x0
    PUTLN   "== EL0 basics (TGE: to EL2)"
    HCR2    HCR_TGE
    adr     x0, el0_basics
    mov     x1, #0x31
    bl      run_el0
    PX      "el0_basics returned", x0
    HCR2    0

    PUTLN   "== EL0 controls clear"
    SCTLR1  0
    AT_EL0  el0_controls
    PUTLN   "== EL0 controls set (UMA UCT UCI nTWE)"
    SCTLR1  UMA | UCT | UCI | nTWE
    mov     x1, #3                      // EL0PCTEN, EL0VCTEN
    msr     cntkctl_el1, x1
    AT_EL0  el0_controls
    AT_EL0  el0_daif_imm
    msr     cntkctl_el1, xzr
    PUTLN   "== EL0 controls clear (TGE)"
    HCR2    HCR_TGE
    SCTLR1  0
    AT_EL0  el0_controls
    HCR2    0

    PUTLN   "== wfi: nTWI clear traps to EL1; set, HCR_EL2.TWI traps to EL2"
    SCTLR1  0
    AT_EL0  el0_wfi
    SCTLR1  nTWI
    HCR2    HCR_TWI
    AT_EL0  el0_wfi
    HCR2    HCR_TGE
    SCTLR1  0
    AT_EL0  el0_wfi
    HCR2    0

    PUTLN   "== FP (CPACR_EL1.FPEN = 00, 01)"
    AT_EL0  el0_fp
    mov     x1, #(1 << 20)
    msr     cpacr_el1, x1
    AT_EL0  el0_fp
    PUTLN   "== FP with TGE"
    msr     cpacr_el1, xzr
    HCR2    HCR_TGE
    AT_EL0  el0_fp
    HCR2    0

    PUTLN   "== aborts"
    SCTLR1  0
    AT_EL0  el0_aborts
    PUTLN   "== alignment with SCTLR_EL1.A"
    SCTLR1  2
    AT_EL0  el0_align
    PUTLN   "== aborts with TGE"
    HCR2    HCR_TGE
    SCTLR1  0
    AT_EL0  el0_aborts
    SCTLR1  2
    AT_EL0  el0_align
    HCR2    0
    SCTLR1  0
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
el0_basics:
    stp     x29, x30, [sp, #-16]!
    mov     x19, x0
    PX      "arg", x19
    svc     #0
    svc     #0x1234
    hvc     #1
    smc     #2
    brk     #3
    hlt     #0xf000                     // semihosting is not available at EL0
    udf     #5
    .inst   0xd69f03e0                  // eret
    MOV64   x5, 0x5555aaaa5555aaaa
    mov     x6, #(0x3 << 28)
    msr     nzcv, x6
    svc     #0x66
    PXF     "x5 after svc", x5
    add     x0, x19, #0x100
    ldp     x29, x30, [sp], #16
    ret

// Registers and instructions whose EL0 access depends on SCTLR_EL1 and
// CNTKCTL_EL1, plus ones that are always UNDEFINED at EL0.
el0_controls:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "always undefined:"
    mrs     x1, CurrentEL
    mrs     x1, sctlr_el1
    msr     vbar_el1, x1
    mrs     x1, sp_el0
    msr     spsel, #1
    msr     pan, #1
    mrs     x1, elr_el1
    dc      ivac, x9
    ic      iallu
    tlbi    vmalle1
    msr     tpidrro_el0, x1
    PUTLN   "always allowed:"
    mrs     x1, nzcv
    MOV64   x1, 0x0123456789abcdef
    msr     tpidr_el0, x1
    mrs     x2, tpidr_el0
    PX      " tpidr_el0", x2
    mrs     x2, tpidrro_el0
    msr     dit, #1
    mrs     x2, dit
    PX      " dit", x2
    msr     dit, #0
    PUTLN   "UMA:"
    mrs     x1, daif
    msr     daif, x1
    PUTLN   "UCT:"
    mrs     x1, ctr_el0
    PUTLN   "DZE:"
    adrp    x9, buf
    add     x9, x9, :lo12:buf
    dc      zva, x9
    PUTLN   "UCI:"
    dc      cvac, x9
    dc      civac, x9
    dc      cvau, x9
    ic      ivau, x9
    PUTLN   "CNTKCTL_EL1:"
    mrs     x1, cntfrq_el0
    mrs     x1, cntpct_el0
    mrs     x1, cntvct_el0
    mrs     x1, cntp_ctl_el0
    ldp     x29, x30, [sp], #16
    ret

// MSR DAIFSet/DAIFClr: run only with SCTLR_EL1.UMA set. Trapped (UMA clear),
// QEMU 7.2 reports them with Op1 and Op2 swapped (docs/qemu-deviations.md).
el0_daif_imm:
    stp     x29, x30, [sp, #-16]!
    msr     daifclr, #4
    mrs     x1, daif
    PX      " daif after daifclr #4", x1
    msr     daifset, #0xf
    mrs     x1, daif
    PX      " daif after daifset #0xf", x1
    ldp     x29, x30, [sp], #16
    ret

el0_wfi:
    stp     x29, x30, [sp, #-16]!
    wfi
    // WFE with the event register set completes without trapping (QEMU 7.2
    // never traps WFE, docs/qemu-deviations.md, so only this case is tested).
    sevl
    wfe
    PUTLN   "after wfi and sevl; wfe"
    ldp     x29, x30, [sp], #16
    ret

el0_fp:
    stp     x29, x30, [sp, #-16]!
    fmov    d0, xzr
    mrs     x1, fpsr
    ldp     x29, x30, [sp], #16
    ret

// Unaligned ordinary accesses: run with SCTLR_EL1.A set only, as QEMU 7.2
// does not fault them otherwise (the MMU is off, so they are to Device memory).
el0_align:
    stp     x29, x30, [sp, #-16]!
    adrp    x9, buf
    add     x9, x9, :lo12:buf
    add     x10, x9, #4
    add     x11, x9, #2
    ldr     x1, [x10]
    str     w1, [x11]
    ldrh    w1, [x11]                   // aligned
    ldp     x1, x2, [x10]
    ldp     x29, x30, [sp], #16
    ret

el0_aborts:
    stp     x29, x30, [sp, #-16]!
    adrp    x9, buf
    add     x9, x9, :lo12:buf
    add     x10, x9, #4
    ldxr    x1, [x10]                   // unaligned exclusive
    ldr     w1, [x10]                   // aligned
    mov     x11, #HOLE
    ldr     x1, [x11]
    stp     x1, x1, [x11, #16]
    adr     x12, 1f
    add     x12, x12, #2
    SET_RESUME 1, 1f
    SET_RESUME 2, 1f
    br      x12
1:  SET_RESUME 1, 2f
    SET_RESUME 2, 2f
    br      x11
2:  adrp    x0, exc_resume_el1          // clear whichever was not used
    str     xzr, [x0, :lo12:exc_resume_el1]
    adrp    x0, exc_resume_el2
    str     xzr, [x0, :lo12:exc_resume_el2]
    ldp     x29, x30, [sp], #16
    ret

    .bss
    .balign 64
buf:
    .space  128
