// mmu-faults-el2: the MMU of EL2's own regimes on real accesses.
//
// EL2 regime (HCR_EL2.E2H = 0, SCTLR_EL2.M = 1): the guest itself runs
// translated at EL2 and takes translation faults at each level, access
// flag, write to read-only, execute-never (XN, SCTLR_EL2.WXN), address size
// (TCR_EL2.PS = 40 bits) and out-of-range VA faults, LDTR/STTR (ordinary
// accesses here), DC ZVA; TLB maintenance VAE2, VALE2, ALLE2 and RVAE2 in
// the 4K and LPA2 (TCR_EL2.DS = 1) operand formats.
//
// EL2&0 regime (E2H = 1, TGE = 1): code at EL2 and EL0 with TTBR0_EL2 and
// TTBR1_EL2: EL0 against EL2-only pages, PAN at EL2, LDTR/STTR checking
// EL0 permissions (and UAO), PXN/UXN and EL0-writable implies PXN, the
// TTBR1_EL2 range, the gap between the ranges; every EL0 abort is taken to
// EL2 (TGE). TLB maintenance with ASIDs: VAE2 (ASID), ASIDE1/VAE1/VMALLE1
// executed at EL2 with E2H = TGE = 1 (which apply to EL2&0), ALLE2.
//
// Both regimes use the 4K granule, 48-bit VAs from level 0; tables are
// built at run time from the (address, descriptor) lists el2_tables and
// host_tables. Test page i is at VA 0x80000000 + i * 4K; data page i at
// DATA + i * 4K holds 0xda7a0000_0000000i. Aborts are printed by the
// handlers in mmu/faults.inc (stage 1 aborts to EL2: ISS[24:14] masked,
// docs/qemu-deviations.md section 2).
    .include "macros.inc"
    .include "mmu/faults.inc"

    // EL2 regime tables
    .equ E_L0, 0x48000000
    .equ E_L1, 0x48001000
    .equ E_L2_LOW, 0x48002000
    .equ E_L2_ID, 0x48003000
    .equ E_L2_TEST, 0x48004000
    .equ E_L3, 0x48005000
    .equ E_L2_ID_RO, 0x48006000
    // EL2&0 regime tables
    .equ H_L0, 0x48040000
    .equ H_L1, 0x48041000
    .equ H_L2_LOW, 0x48042000
    .equ H_L2_ID, 0x48043000
    .equ H_L2_TEST, 0x48044000
    .equ H_L3, 0x48045000
    .equ H_L2_ID_RO, 0x48046000
    .equ H1_L0, 0x48048000
    .equ H1_L1, 0x48049000
    .equ DATA, 0x48100000
    .equ TEST, 0x80000000
    .equ RO_ALIAS, 0x100000000          // + PA: the image, read-only, executable
    .equ UPPER, 0xffff000000000000      // TTBR1_EL2 alias: VA = UPPER + VA

    // TCR_EL2 with E2H = 0: T0SZ = 16, WB walks, Inner Shareable, 4K,
    // PS = 40 bits, TBI = 0, RES1 bits 23 and 31.
    .equ TCR2_VALUE, 16 | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16) | (1 << 23) | (1 << 31)
    .equ TCR2_DS, 1 << 32
    // TCR_EL2 with E2H = 1 (the TCR_EL1 layout): T0SZ = T1SZ = 16, TG1 = 4K,
    // IPS = 40 bits, 8-bit ASIDs from TTBR0_EL2.
    .equ TCRH_VALUE, 16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32)
    .equ SCTLR2_MMU, SCTLR_EL2_INIT | SCTLR_M | SCTLR_C | SCTLR_I
    .equ SCTLRH_MMU, SCTLR_EL2_INIT | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_DZE

    // EL2 regime descriptors: AP[2] = read-only (AP[1] is written as 1), XN.
    .equ E_RW, D_PAGE | D_MEM | D_AF | D_AP_RW | D_XN
    .equ E_RO, D_PAGE | D_MEM | D_AF | D_AP_RO | D_XN
    .equ E_CODE, D_PAGE | D_MEM | D_AF | D_AP_RO
    .equ E_CODE_RW, D_PAGE | D_MEM | D_AF | D_AP_RW
    // EL2&0 regime descriptors (as EL1&0: AP[1] gives EL0 access).
    .equ H_EL2RW, D_PAGE | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ H_EL2RO, D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_PXN | D_UXN
    .equ H_RW, D_PAGE | D_MEM | D_AF | D_AP_RW | D_PXN | D_UXN
    .equ H_RO, D_PAGE | D_MEM | D_AF | D_AP_RO | D_PXN | D_UXN

// RUN0 fn, page, addr: the alias_code function fn at EL0 from test page
// `page` (EL2&0), with x0 = addr.
.macro RUN0 fn, page, addr
    MOV64   x0, TEST + \page * 0x1000 + (\fn - alias_code)
    MOV64   x1, \addr
    bl      run_el0
.endm

.macro LD label, va
    PUTLN   "\label"
    MOV64   x2, \va
    ldr     x1, [x2]
.endm
.macro LDOK label, va
    MOV64   x2, \va
    ldr     x1, [x2]
    PX      "\label", x1
.endm
.macro ST label, va
    PUTLN   "\label"
    MOV64   x2, \va
    str     x2, [x2]
.endm
.macro CALL label, va
    PUTLN   "\label"
    MOV64   x0, \va
    bl      el2_call
    PX      " returned", x0
.endm

// Point a level 3 descriptor at another data page (EL2 RW).
.macro RETARGET l3, page, newdata, attrs
    MOV64   x3, \l3 + \page * 8
    MOV64   x4, DATA + \newdata * 0x1000 + \attrs
    str     x4, [x3]
    dsb     ishst
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    MOV64   x0, DATA
    MOV64   x1, 0xda7a000000000000
    mov     x2, #64
1:  str     x1, [x0]
    add     x1, x1, #1
    add     x0, x0, #0x1000
    subs    x2, x2, #1
    b.ne    1b
    adr     x0, el2_tables
    bl      write_descs
    adr     x0, host_tables
    bl      write_descs
    adr     x0, fault_vectors_el2
    msr     vbar_el2, x0
    adr     x0, fault_vectors_el1
    msr     vbar_el1, x0

    PUTLN   "== EL2 regime (E2H = 0): MMU on"
    MOV64   x0, MAIR_VALUE
    msr     mair_el2, x0
    MOV64   x0, TCR2_VALUE
    msr     tcr_el2, x0
    MOV64   x0, E_L0
    msr     ttbr0_el2, x0
    isb
    tlbi    alle2
    dsb     ish
    MOV64   x0, SCTLR2_MMU
    msr     sctlr_el2, x0
    isb
    bl      el2_tests
    PUTLN   "== EL2 regime: WXN (running from the read-only alias)"
    adr     x0, el2_wxn
    MOV64   x1, RO_ALIAS
    add     x0, x0, x1
    blr     x0
    PUTLN   "== EL2 regime: TLB maintenance"
    bl      el2_tlbi
    // MMU off to change regime.
    ldr     x0, =SCTLR_EL2_INIT
    msr     sctlr_el2, x0
    isb

    PUTLN   "== EL2&0 regime (E2H = 1, TGE = 1): MMU on"
    ldr     x0, =HCR_RW | HCR_E2H | HCR_TGE
    msr     hcr_el2, x0
    isb
    MOV64   x0, TCRH_VALUE
    msr     tcr_el2, x0
    MOV64   x0, H_L0
    msr     ttbr0_el2, x0
    MOV64   x0, H1_L0
    msr     ttbr1_el2, x0
    isb
    tlbi    alle2
    dsb     ish
    MOV64   x0, SCTLRH_MMU
    msr     sctlr_el2, x0
    isb
    bl      host_tests

    PUTLN   "== EL0 in EL2&0 (aborts to EL2 by TGE)"
    PUTLN   "ldr EL2-only page"
    RUN0    el0_ldr, 7, TEST
    RUN0    el0_ldr, 7, TEST + 2 * 0x1000
    PX      "ldr EL0 RW page", x0
    RUN0    el0_ldr, 7, TEST + 3 * 0x1000
    PX      "ldr EL0 RO page", x0
    PUTLN   "str EL0 RO page"
    RUN0    el0_str, 7, TEST + 3 * 0x1000 + 8
    PUTLN   "str EL2 RO page"
    RUN0    el0_str, 7, TEST + 1 * 0x1000 + 8
    PUTLN   "ldr unmapped"
    RUN0    el0_ldr, 7, TEST + 5 * 0x1000
    PUTLN   "ldr the image (EL2 only)"
    RUN0    el0_ldr, 7, 0x40080000
    RUN0    el0_ldr, 7, UPPER + TEST + 3 * 0x1000
    PX      "ldr TTBR1_EL2 EL0 RO page", x0
    PUTLN   "ldr TTBR1_EL2 EL2-only page"
    RUN0    el0_ldr, 7, UPPER + TEST
    PUTLN   "ldr between the ranges"
    RUN0    el0_ldr, 7, 0x0001000000000000
    PUTLN   "dc zva EL2-only page"
    RUN0    el0_dczva, 7, TEST + 0x40
    RUN0    el0_dczva, 7, TEST + 2 * 0x1000 + 0x40
    RUN0    el0_ldr, 7, TEST + 2 * 0x1000 + 0x40
    PX      "dc zva EL0 RW page, read back", x0
    RUN0    el0_call, 7, TEST + 7 * 0x1000
    PX      "blr EL0 code page", x0
    RUN0    el0_call, 7, TEST + 11 * 0x1000
    PX      "blr EL0-writable page", x0
    PUTLN   "blr UXN page"
    RUN0    el0_call, 7, TEST + 10 * 0x1000
    PUTLN   "blr EL2-only code page"
    RUN0    el0_call, 7, TEST + 8 * 0x1000
    PUTLN   "blr unmapped"
    RUN0    el0_call, 7, TEST + 5 * 0x1000
    RUN0    el0_call, 7, UPPER + TEST + 7 * 0x1000
    PX      "blr TTBR1_EL2 EL0 code page", x0

    PUTLN   "== EL2&0: TLB maintenance"
    bl      host_tlbi

    // Back to the start-up state.
    ldr     x0, =SCTLR_EL2_INIT
    msr     sctlr_el2, x0
    isb
    mov     x0, #HCR_RW
    msr     hcr_el2, x0
    isb
    mov     x0, #0x80800000
    msr     tcr_el2, x0
    isb
    tlbi    alle2
    tlbi    vmalle1
    dsb     ish
    isb
    PUTLN   "done"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// el2_call(x0 = target): BLR to it; an instruction abort resumes at the
// return address with x0 = target, the stub returns x0 + 1.
el2_call:
    stp     x29, x30, [sp, #-16]!
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// EL2 regime (E2H = 0).
el2_tests:
    stp     x29, x30, [sp, #-16]!
    LDOK    "ldr page 0", TEST
    LD      "ldr level 0 unmapped", 0x0000008000000000
    LD      "ldr level 1 unmapped", 0xc0000000
    LD      "ldr level 2 unmapped", 0x80400000
    LD      "ldr level 3 unmapped", TEST + 5 * 0x1000 + 0x28
    ST      "str level 3 unmapped", TEST + 5 * 0x1000 + 0x30
    LD      "ldr AF=0 page", TEST + 4 * 0x1000
    LD      "ldr AF=0 level 2 block", 0x80200000 + 0x1230
    LDOK    "ldr RO page", TEST + 1 * 0x1000
    ST      "str RO page", TEST + 1 * 0x1000 + 8
    PUTLN   "ldadd RO page"
    MOV64   x2, TEST + 1 * 0x1000 + 0x10
    mov     x3, #1
    ldadd   x3, x4, [x2]
    PUTLN   "sttr RO page (an ordinary store at EL2 with E2H = 0)"
    sttr    x3, [x2]
    ldtr    x1, [x2, #-0x10]
    PX      "ldtr RO page", x1
    PUTLN   "dc zva RO page"
    dc      zva, x2
    PUTLN   "dc zva unmapped"
    MOV64   x2, TEST + 5 * 0x1000 + 0x48
    dc      zva, x2
    LD      "ldr OA bit 40", TEST + 6 * 0x1000
    LD      "ldr under table address bit 40 (level 2)", 0x80a00000
    LD      "ldr 0x0001000000000000 (beyond T0SZ)", 0x0001000000000000
    LD      "ldr 0xff00000080000000 (TBI = 0)", 0xff00000080000000
    CALL    "blr code page", TEST + 7 * 0x1000
    CALL    "blr XN code page", TEST + 8 * 0x1000
    CALL    "blr RW code page, WXN=0", TEST + 12 * 0x1000
    CALL    "blr data page (XN)", TEST
    CALL    "blr unmapped", TEST + 5 * 0x1000
    CALL    "blr AF=0 page", TEST + 4 * 0x1000
    CALL    "blr OA bit 40", TEST + 6 * 0x1000
    CALL    "blr 0x0001000000000000", 0x0001000000000000
    ldp     x29, x30, [sp], #16
    ret

// Runs from the read-only alias of the image: with SCTLR_EL2.WXN the
// identity map (RW) is not executable, the vectors included.
el2_wxn:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    mrs     x19, vbar_el2
    adr     x0, fault_vectors_el2       // the alias
    msr     vbar_el2, x0
    mrs     x20, sctlr_el2
    orr     x0, x20, #SCTLR_WXN
    msr     sctlr_el2, x0
    isb
    tlbi    alle2
    dsb     ish
    isb
    CALL    "blr RW code page, WXN=1", TEST + 12 * 0x1000
    CALL    "blr RO code page, WXN=1", TEST + 7 * 0x1000
    CALL    "blr the identity image, WXN=1", 0x40000000
    msr     sctlr_el2, x20
    isb
    tlbi    alle2
    dsb     ish
    isb
    msr     vbar_el2, x19
    isb
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

el2_tlbi:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    LDOK    "page 16 before", TEST + 16 * 0x1000
    RETARGET E_L3, 16, 48, E_RW
    MOV64   x0, (TEST + 16 * 0x1000) >> 12
    tlbi    vae2, x0
    TLBI_SYNC
    LDOK    "page 16 after TLBI VAE2", TEST + 16 * 0x1000

    LDOK    "page 17 before", TEST + 17 * 0x1000
    RETARGET E_L3, 17, 49, E_RW
    MOV64   x0, (TEST + 17 * 0x1000) >> 12
    tlbi    vale2is, x0
    TLBI_SYNC
    LDOK    "page 17 after TLBI VALE2IS", TEST + 17 * 0x1000

    LDOK    "page 18 before", TEST + 18 * 0x1000
    RETARGET E_L3, 18, 50, E_RW
    tlbi    alle2
    TLBI_SYNC
    LDOK    "page 18 after TLBI ALLE2", TEST + 18 * 0x1000

    LDOK    "page 19 before", TEST + 19 * 0x1000
    LDOK    "page 20 before", TEST + 20 * 0x1000
    RETARGET E_L3, 20, 52, E_RW
    MOV64   x0, (1 << 46) | (0 << 39) | ((TEST + 19 * 0x1000) >> 12)
    tlbi    rvae2, x0
    TLBI_SYNC
    LDOK    "page 20 after TLBI RVAE2 pages 19-20", TEST + 20 * 0x1000

    // LPA2 operand format: TCR_EL2.DS = 1 (descriptors have bits [9:8] = 0).
    mrs     x19, tcr_el2
    MOV64   x0, TCR2_DS
    orr     x0, x19, x0
    msr     tcr_el2, x0
    isb
    tlbi    alle2
    TLBI_SYNC
    LDOK    "DS=1: page 24 before", TEST + 24 * 0x1000
    RETARGET E_L3, 24, 56, E_RW
    MOV64   x0, (1 << 46) | (7 << 39) | ((TEST + 16 * 0x1000) >> 16)
    tlbi    rvae2is, x0
    TLBI_SYNC
    LDOK    "DS=1: page 24 after TLBI RVAE2IS pages 16-31", TEST + 24 * 0x1000
    msr     tcr_el2, x19
    isb
    tlbi    alle2
    TLBI_SYNC
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// EL2&0 regime (E2H = 1, TGE = 1), at EL2.
host_tests:
    stp     x29, x30, [sp, #-16]!
    LDOK    "ldr EL2-only page", TEST
    LDOK    "ldr EL0 RW page, PAN=0", TEST + 2 * 0x1000
    msr     pan, #1
    LD      "ldr EL0 RW page, PAN=1", TEST + 2 * 0x1000
    ST      "str EL0 RW page, PAN=1", TEST + 2 * 0x1000 + 8
    LD      "ldr EL0 RO page, PAN=1", TEST + 3 * 0x1000
    LDOK    "ldr EL2-only page, PAN=1", TEST
    MOV64   x2, TEST + 2 * 0x1000
    ldtr    x1, [x2]
    PX      "ldtr EL0 RW page, PAN=1", x1
    msr     pan, #0
    MOV64   x2, TEST
    PUTLN   "ldtr EL2-only page"
    ldtr    x1, [x2]
    PUTLN   "sttr EL2-only page"
    sttr    x1, [x2, #8]
    MOV64   x2, TEST + 3 * 0x1000
    ldtr    x1, [x2]
    PX      "ldtr EL0 RO page", x1
    PUTLN   "sttr EL0 RO page"
    sttr    x1, [x2, #8]
    msr     uao, #1
    MOV64   x2, TEST
    ldtr    x1, [x2]
    PX      "ldtr EL2-only page, UAO=1", x1
    MOV64   x2, TEST + 1 * 0x1000
    PUTLN   "sttr EL2 RO page, UAO=1"
    sttr    x1, [x2, #8]
    msr     uao, #0
    ST      "str EL2 RO page", TEST + 1 * 0x1000 + 8
    LD      "ldr unmapped", TEST + 5 * 0x1000
    LDOK    "ldr TTBR1_EL2 page 0", UPPER + TEST
    ST      "str TTBR1_EL2 EL2 RO page", UPPER + TEST + 1 * 0x1000
    LD      "ldr TTBR1_EL2 unmapped", UPPER + TEST + 5 * 0x1000
    LD      "ldr TTBR1_EL2 level 0 unmapped", 0xffff800000000000
    LD      "ldr 0x0001000000000000 (between the ranges)", 0x0001000000000000
    LD      "ldr 0xfffe000000000000 (between the ranges)", 0xfffe000000000000
    CALL    "blr EL2 code page", TEST + 8 * 0x1000
    CALL    "blr PXN page", TEST + 9 * 0x1000
    CALL    "blr EL0 RO page (PXN=0)", TEST + 10 * 0x1000
    CALL    "blr EL0-writable page (PXN=0)", TEST + 11 * 0x1000
    CALL    "blr EL0 code page (PXN)", TEST + 7 * 0x1000
    CALL    "blr unmapped", TEST + 5 * 0x1000
    CALL    "blr TTBR1_EL2 EL2 code page", UPPER + TEST + 8 * 0x1000
    ldp     x29, x30, [sp], #16
    ret

host_tlbi:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    // nG pages under ASID 7 (TTBR0_EL2.ASID; TCR_EL2.A1 = 0).
    mrs     x19, ttbr0_el2
    MOV64   x0, 7 << 48
    orr     x0, x19, x0
    msr     ttbr0_el2, x0
    isb
    LDOK    "page 16 (nG, ASID 7) before", TEST + 16 * 0x1000
    RETARGET H_L3, 16, 48, H_EL2RW + D_NG
    MOV64   x0, (7 << 48) | ((TEST + 16 * 0x1000) >> 12)
    tlbi    vae2, x0
    TLBI_SYNC
    LDOK    "page 16 after TLBI VAE2 ASID 7", TEST + 16 * 0x1000

    LDOK    "page 17 (nG, ASID 7) before", TEST + 17 * 0x1000
    RETARGET H_L3, 17, 49, H_EL2RW + D_NG
    MOV64   x0, 7 << 48
    tlbi    aside1, x0
    TLBI_SYNC
    LDOK    "page 17 after TLBI ASIDE1 7 (at EL2, E2H = TGE = 1)", TEST + 17 * 0x1000

    LDOK    "page 18 (nG, ASID 7) before", TEST + 18 * 0x1000
    RETARGET H_L3, 18, 50, H_EL2RW + D_NG
    MOV64   x0, (7 << 48) | ((TEST + 18 * 0x1000) >> 12)
    tlbi    vae1, x0
    TLBI_SYNC
    LDOK    "page 18 after TLBI VAE1 ASID 7 (at EL2, E2H = TGE = 1)", TEST + 18 * 0x1000

    LDOK    "page 19 (global) before", TEST + 19 * 0x1000
    RETARGET H_L3, 19, 51, H_EL2RW
    tlbi    vmalle1
    TLBI_SYNC
    LDOK    "page 19 after TLBI VMALLE1 (at EL2, E2H = TGE = 1)", TEST + 19 * 0x1000

    LDOK    "page 20 (global) before", TEST + 20 * 0x1000
    RETARGET H_L3, 20, 52, H_EL2RW
    MOV64   x0, (TEST + 20 * 0x1000) >> 12
    tlbi    vaae1, x0
    TLBI_SYNC
    LDOK    "page 20 after TLBI VAAE1 (at EL2, E2H = TGE = 1)", TEST + 20 * 0x1000

    LDOK    "page 21 (nG, ASID 7) before", TEST + 21 * 0x1000
    RETARGET H_L3, 21, 53, H_EL2RW + D_NG
    tlbi    alle2
    TLBI_SYNC
    LDOK    "page 21 after TLBI ALLE2", TEST + 21 * 0x1000

    LDOK    "TTBR1_EL2 page 22 before", UPPER + TEST + 22 * 0x1000
    RETARGET H_L3, 22, 54, H_EL2RW
    MOV64   x0, ((UPPER + TEST + 22 * 0x1000) >> 12) & 0xfffffffffff
    tlbi    vae2, x0
    TLBI_SYNC
    LDOK    "TTBR1_EL2 page 22 after TLBI VAE2", UPPER + TEST + 22 * 0x1000
    msr     ttbr0_el2, x19
    isb
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

    FAULT_VECTORS 1
    FAULT_VECTORS 2
    FAULT_WRITE_DESCS
    FAULT_DATA

// ---------------------------------------------------------------------------
// The code page, mapped at several test pages.
    .section .text.alias, "ax"
    .balign 4096
alias_code:
alias_stub:
    add     x0, x0, #1
    ret
el0_ldr:
    ldr     x0, [x0]
    svc     #RET_IMM
el0_str:
    str     x0, [x0]
    svc     #RET_IMM
el0_dczva:
    dc      zva, x0
    svc     #RET_IMM
el0_call:
    blr     x0
    svc     #RET_IMM
    .balign 4096

    .section .rodata
    .balign 8
el2_tables:
    .quad   E_L0 + 0 * 8, E_L1 + D_TABLE
    .quad   E_L1 + 0 * 8, E_L2_LOW + D_TABLE
    .quad   E_L1 + 1 * 8, E_L2_ID + D_TABLE
    .quad   E_L1 + 2 * 8, E_L2_TEST + D_TABLE
    .quad   E_L1 + 5 * 8, E_L2_ID_RO + D_TABLE
    .quad   E_L2_LOW + 72 * 8, 0x09000000 + (D_BLOCK | D_DEV | D_AF | D_AP_RW | D_XN)
    .quad   E_L2_ID + 0 * 8, 0x40000000 + (D_BLOCK | D_MEM | D_AF | D_AP_RW)
    .quad   E_L2_ID + 1 * 8, 0x40200000 + (D_BLOCK | D_MEM | D_AF | D_AP_RW)
    .quad   E_L2_ID + 64 * 8, 0x48000000 + (D_BLOCK | D_MEM | D_AF | D_AP_RW | D_XN)
    .quad   E_L2_ID_RO + 0 * 8, 0x40000000 + (D_BLOCK | D_MEM | D_AF | D_AP_RO)
    .quad   E_L2_ID_RO + 1 * 8, 0x40200000 + (D_BLOCK | D_MEM | D_AF | D_AP_RO)
    .quad   E_L2_TEST + 0 * 8, E_L3 + D_TABLE
    .quad   E_L2_TEST + 1 * 8, 0x48000000 + (D_BLOCK | D_MEM | D_AP_RW | D_XN)   // AF = 0
    .quad   E_L2_TEST + 5 * 8, 0x10000000000 + E_L3 + D_TABLE               // beyond PS
    .quad   E_L3 + 0 * 8, DATA + 0 * 0x1000 + E_RW
    .quad   E_L3 + 1 * 8, DATA + 1 * 0x1000 + E_RO
    .quad   E_L3 + 4 * 8, DATA + 4 * 0x1000 + E_RW - D_AF
    .quad   E_L3 + 6 * 8, 0x10000000000 + DATA + 6 * 0x1000 + E_CODE        // beyond PS
    .quad   E_L3 + 7 * 8, alias_code + E_CODE
    .quad   E_L3 + 8 * 8, alias_code + E_CODE + D_XN
    .quad   E_L3 + 12 * 8, alias_code + E_CODE_RW
    .quad   E_L3 + 16 * 8, DATA + 16 * 0x1000 + E_RW
    .quad   E_L3 + 17 * 8, DATA + 17 * 0x1000 + E_RW
    .quad   E_L3 + 18 * 8, DATA + 18 * 0x1000 + E_RW
    .quad   E_L3 + 19 * 8, DATA + 19 * 0x1000 + E_RW
    .quad   E_L3 + 20 * 8, DATA + 20 * 0x1000 + E_RW
    .quad   E_L3 + 24 * 8, DATA + 24 * 0x1000 + E_RW
    .quad   0, 0

host_tables:
    .quad   H_L0 + 0 * 8, H_L1 + D_TABLE
    .quad   H_L1 + 0 * 8, H_L2_LOW + D_TABLE
    .quad   H_L1 + 1 * 8, H_L2_ID + D_TABLE
    .quad   H_L1 + 2 * 8, H_L2_TEST + D_TABLE
    .quad   H_L2_LOW + 72 * 8, 0x09000000 + (D_BLOCK | D_DEV | D_AF | D_AP_EL1_RW | D_PXN | D_UXN)
    .quad   H_L2_ID + 0 * 8, 0x40000000 + (D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_UXN)
    .quad   H_L2_ID + 1 * 8, 0x40200000 + (D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_UXN)
    .quad   H_L2_ID + 64 * 8, 0x48000000 + (D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN)
    .quad   H_L2_TEST + 0 * 8, H_L3 + D_TABLE
    .quad   H_L3 + 0 * 8, DATA + 0 * 0x1000 + H_EL2RW
    .quad   H_L3 + 1 * 8, DATA + 1 * 0x1000 + H_EL2RO
    .quad   H_L3 + 2 * 8, DATA + 2 * 0x1000 + H_RW
    .quad   H_L3 + 3 * 8, DATA + 3 * 0x1000 + H_RO
    .quad   H_L3 + 7 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RO | D_PXN)
    .quad   H_L3 + 8 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_UXN)
    .quad   H_L3 + 9 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_UXN | D_PXN)
    .quad   H_L3 + 10 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RO | D_UXN)
    .quad   H_L3 + 11 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RW)
    .quad   H_L3 + 16 * 8, DATA + 16 * 0x1000 + H_EL2RW + D_NG
    .quad   H_L3 + 17 * 8, DATA + 17 * 0x1000 + H_EL2RW + D_NG
    .quad   H_L3 + 18 * 8, DATA + 18 * 0x1000 + H_EL2RW + D_NG
    .quad   H_L3 + 19 * 8, DATA + 19 * 0x1000 + H_EL2RW
    .quad   H_L3 + 20 * 8, DATA + 20 * 0x1000 + H_EL2RW
    .quad   H_L3 + 21 * 8, DATA + 21 * 0x1000 + H_EL2RW + D_NG
    .quad   H_L3 + 22 * 8, DATA + 22 * 0x1000 + H_EL2RW
    // TTBR1_EL2: the test pages again.
    .quad   H1_L0 + 0 * 8, H1_L1 + D_TABLE
    .quad   H1_L1 + 2 * 8, H_L2_TEST + D_TABLE
    .quad   0, 0
