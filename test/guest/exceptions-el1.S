// exceptions-el1: code running at EL1. SVC to EL1, HVC to EL2, UNDEFINED
// instructions and EL2/EL3 register accesses, HCR_EL2.HCD, SMC trapped by
// HCR_EL2.TSC (ELR is the SMC itself) and PSCI via SMC without it, WFI/WFE
// trapped by HCR_EL2.TWI/TWE, BRK with MDCR_EL2.TDE, SIMD/FP traps of
// CPACR_EL1.FPEN and CPTR_EL2.TFP, SCTLR_EL1.A alignment faults, external
// aborts to EL1, PC alignment, exceptions at EL1t
// and EL1h (SP_EL0 and SP_EL1 vectors), ERET within EL1 and illegal
// returns from EL1 (to EL2, EL3, AArch32), with ESR/ELR/FAR/SPSR as reported.
    .include "macros.inc"

    .equ HOLE, 0x09100000
    .equ PSCI_VERSION, 0x84000000

.macro AT_EL1 fn, arg=0
    adr     x0, \fn
    mov     x1, #\arg
    bl      run_el1
.endm

.macro HCR_SET bits
    mrs     x1, hcr_el2
    MOV64   x2, \bits
    orr     x1, x1, x2
    msr     hcr_el2, x1
    isb
.endm

.macro HCR_CLEAR bits
    mrs     x1, hcr_el2
    MOV64   x2, \bits
    bic     x1, x1, x2
    msr     hcr_el2, x1
    isb
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== basics"
    AT_EL1  el1_basics, 0x41
    PX      "el1_basics returned", x0
    PUTLN   "== EL1t"
    adr     x0, el1_basics
    mov     x1, #0x51
    bl      run_el1t
    PX      "el1_basics (EL1t) returned", x0

    PUTLN   "== undefined at EL1"
    AT_EL1  el1_undef

    PUTLN   "== smc without TSC (PSCI)"
    AT_EL1  el1_smc
    PUTLN   "== smc with TSC"
    HCR_SET HCR_TSC
    AT_EL1  el1_smc_trapped
    HCR_CLEAR HCR_TSC

    PUTLN   "== hvc with HCD"
    HCR_SET HCR_HCD | HCR_TSC
    AT_EL1  el1_hvc_undef
    HCR_CLEAR HCR_HCD | HCR_TSC

    PUTLN   "== wfi with TWI, wfe after sevl with TWE"
    HCR_SET HCR_TWI | HCR_TWE
    AT_EL1  el1_wfx
    HCR_CLEAR HCR_TWI | HCR_TWE

    PUTLN   "== brk with MDCR_EL2.TDE"
    mrs     x19, mdcr_el2
    orr     x1, x19, #(1 << 8)
    msr     mdcr_el2, x1
    isb
    AT_EL1  el1_brk
    msr     mdcr_el2, x19
    isb

    PUTLN   "== FP traps"
    AT_EL1  el1_fp_cpacr
    mrs     x19, cptr_el2
    orr     x1, x19, #(1 << 10)
    msr     cptr_el2, x1
    isb
    AT_EL1  el1_fp_cptr
    msr     cptr_el2, x19
    isb

    PUTLN   "== alignment at EL1"
    AT_EL1  el1_align

    PUTLN   "== external aborts at EL1"
    AT_EL1  el1_sea
    // HCR_EL2.TEA would route these to EL2, but QEMU 7.2 ignores it
    // (docs/qemu-deviations.md), so it is not tested.

    PUTLN   "== PC alignment at EL1"
    AT_EL1  el1_pcalign

    PUTLN   "== eret at EL1"
    AT_EL1  el1_eret
    PX      "el1_eret returned", x0
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
// Runs at EL1h or EL1t: reports where it is and takes the basic exceptions.
el1_basics:
    stp     x29, x30, [sp, #-16]!
    mov     x19, x0
    PX      "arg", x19
    mrs     x1, CurrentEL
    PX      "CurrentEL", x1
    mrs     x1, SPSel
    PX      "SPSel", x1
    svc     #1
    hvc     #2
    brk     #3
    svc     #0xffff
    hvc     #0
    MOV64   x5, 0xfedcba9876543210
    mov     x6, #(0x6 << 28)
    msr     nzcv, x6
    hvc     #0x55
    PXF     "x5 after hvc", x5
    add     x0, x19, #1
    ldp     x29, x30, [sp], #16
    ret

el1_undef:
    stp     x29, x30, [sp, #-16]!
    udf     #4
    hlt     #1
    mrs     x1, hcr_el2
    msr     vbar_el2, x1
    mrs     x1, elr_el2
    mrs     x1, sp_el1                  // SP_EL1 is accessible from EL2 only
    mrs     x1, S3_6_C1_C0_0            // SCTLR_EL3
    mrs     x1, S3_5_C1_C0_0            // SCTLR_EL12
    msr     S3_4_C12_C0_0, x1           // VBAR_EL2
    .inst   0x9a800800                  // unallocated
    // EL1 registers and PSTATE accesses that are fine.
    mrs     x1, sctlr_el1
    // ITD and SED are RES1 without AArch32 at EL0 (nvlab) and reset to 0
    // on QEMU's -cpu max, which has it: a profile difference, not printed.
    bic     x1, x1, #0x180
    PX      "sctlr_el1", x1
    mov     x1, #0x3c5
    msr     spsr_el1, x1
    mrs     x2, spsr_el1
    PX      "spsr_el1", x2
    msr     pan, #1
    mrs     x2, pan
    PX      "pan", x2
    msr     pan, #0
    ldp     x29, x30, [sp], #16
    ret

el1_smc:
    stp     x29, x30, [sp, #-16]!
    MOV64   x0, PSCI_VERSION
    smc     #0
    PX      "PSCI_VERSION from EL1", x0
    mov     x0, #0x1234
    smc     #0
    PX      "unknown function from EL1", x0
    ldp     x29, x30, [sp], #16
    ret

el1_smc_trapped:
    stp     x29, x30, [sp, #-16]!
    adr     x1, 1f
    PX      "smc at", x1
    MOV64   x0, PSCI_VERSION
1:  smc     #0x77
    PX      "x0 after trapped smc", x0
    ldp     x29, x30, [sp], #16
    ret

// With HCD set, HVC is UNDEFINED at EL1; return through the trapped SMC.
el1_hvc_undef:
    hvc     #5
    hvc     #RET_IMM
    smc     #RET_IMM

// WFE with the event register clear would trap too, but QEMU 7.2 never traps
// WFE (docs/qemu-deviations.md); with the event register set it completes
// at once without trapping on both.
el1_wfx:
    stp     x29, x30, [sp, #-16]!
    wfi
    sevl
    wfe
    PUTLN   "after trapped wfi and sevl; wfe"
    ldp     x29, x30, [sp], #16
    ret

el1_brk:
    stp     x29, x30, [sp, #-16]!
    brk     #0x99
    ldp     x29, x30, [sp], #16
    ret

el1_fp_cpacr:
    stp     x29, x30, [sp, #-16]!
    msr     cpacr_el1, xzr
    isb
    fmov    d0, xzr
    mrs     x1, fpcr
    mov     x1, #(2 << 20)              // FPEN = 10: EL1 and EL0 trapped
    msr     cpacr_el1, x1
    isb
    fmov    d1, xzr
    ldp     x29, x30, [sp], #16
    ret

// CPACR_EL1 allows FP; CPTR_EL2.TFP traps it to EL2.
el1_fp_cptr:
    stp     x29, x30, [sp, #-16]!
    mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    isb
    fmov    d0, xzr
    msr     fpsr, xzr
    msr     cpacr_el1, xzr
    isb
    fmov    d0, xzr                     // CPACR_EL1 is checked first
    ldp     x29, x30, [sp], #16
    ret

el1_align:
    stp     x29, x30, [sp, #-16]!
    adrp    x9, abuf
    add     x9, x9, :lo12:abuf
    add     x10, x9, #2
    add     x11, x9, #4
    ldxr    x1, [x11]                   // always checked
    ldar    w1, [x10]
    cas     x1, x2, [x11]
    mrs     x20, sctlr_el1
    orr     x1, x20, #2
    msr     sctlr_el1, x1
    isb
    ldr     x1, [x11]
    str     w1, [x10]
    ldp     x1, x2, [x11]
    ldrh    w1, [x10]                   // aligned
    msr     sctlr_el1, x20
    isb
    ldp     x29, x30, [sp], #16
    ret

el1_sea:
    stp     x29, x30, [sp, #-16]!
    mov     x9, #HOLE
    ldr     x1, [x9, #0x40]
    str     w1, [x9, #0x44]
    SET_RESUME 1, 1f
    br      x9
1:  ldp     x29, x30, [sp], #16
    ret

el1_pcalign:
    stp     x29, x30, [sp, #-16]!
    adr     x1, 1f
    add     x1, x1, #1
    SET_RESUME 1, 1f
    br      x1
1:  ldp     x29, x30, [sp], #16
    ret

// ERET within EL1 and illegal returns from EL1.
.macro ERET1 label, spsr
    MOV64   x1, \spsr
    msr     spsr_el1, x1
    adr     x1, \label
    msr     elr_el1, x1
    eret
.endm

el1_eret:
    stp     x29, x30, [sp, #-16]!
    ERET1   1f, 0x900003c5
1:  PF      "eret EL1h flags"
    mrs     x1, CurrentEL
    PX      " CurrentEL", x1
    PUTLN   "illegal: to EL2"
    ERET1   2f, 0x400003c9
2:  mrs     x1, CurrentEL
    PX      " CurrentEL", x1
    PUTLN   "illegal: to EL2t"
    ERET1   3f, 0x000003c8
3:  PUTLN   "illegal: to EL3"
    ERET1   4f, 0x200003cd
4:  PUTLN   "illegal: AArch32 SVC"
    ERET1   5f, 0x000003d3
5:  PUTLN   "illegal: M[1]"
    ERET1   6f, 0x000003c7
6:  PUTLN   "illegal: EL0 with SP_EL1"
    ERET1   7f, 0x000003c1
7:  mrs     x1, CurrentEL
    PX      " CurrentEL", x1
    mrs     x1, SPSel
    PX      " SPSel", x1
    // A legal return to EL1t switches to SP_EL0.
    mov     x19, sp
    sub     x1, x19, #512
    msr     sp_el0, x1
    ERET1   8f, 0x3c4
8:  mrs     x1, SPSel
    PX      "SPSel after eret to EL1t", x1
    svc     #0x22                       // taken through the SP_EL0 vector
    msr     spsel, #1
    mov     x0, #0x1e1
    ldp     x29, x30, [sp], #16
    ret

    .bss
    .balign 16
abuf:
    .space  32
