// mmu-faults-el1: the EL1&0 stage 1 MMU on real loads, stores and
// instruction fetches at EL1 and EL0, and the aborts they take: translation
// faults at each level, access flag, permissions (read-only, EL0 against
// EL1-only, PAN, LDTR/STTR with and without UAO, hierarchical APTable),
// execute-never (PXN, UXN, EL0-writable implies PXN, WXN, PXNTable and
// UXNTable), address size faults (PS = 40 bits), the VA range check between
// the TTBR0 and TTBR1 ranges, TTBR1 addresses, EPD0/EPD1, E0PD1, DC ZVA,
// and TLB maintenance (VAE1, VALE1, VAAE1, ASIDE1, VMALLE1, RVAE1/RVAAE1 in
// the 4K and the LPA2 operand formats): after a descriptor change and the
// right TLBI the new translation is used. Nothing that would depend on a
// stale TLB entry is printed.
//
// Left out (docs/qemu-deviations.md): HCR_EL2.TGE with E2H = 0, which must
// turn this stage 1 off for EL0 (section 21; TGE routing of EL0 aborts is
// tested in the EL2&0 regime by mmu-faults-el2); DC CVAC/CIVAC/CVAU/IVAC and
// IC IVAU, which must translate and can abort (section 19); DC ZVA and
// unaligned accesses to Device memory, which must take an Alignment fault
// (sections 1 and 13).
//
// Layout (4K granule, 48-bit VAs from level 0, IPS = 40 bits, tables built
// at run time from the (address, descriptor) list el1_tables):
//   0x09000000        UART, Device, EL1 only (2MB block)
//   0x40000000-0x403fffff  the image, identity, EL1 RW (2MB blocks)
//   0x48000000-0x481fffff  tables and data pages, EL1 RW, XN
//   0x80000000 + i * 4K    test pages i (level 3 table L3_TEST), data pages at
//                    DATA + i * 4K each holding 0xda7a0000_0000000i at offset 0,
//                    or aliases of the code page alias_code
//   0x80200000      level 2 block, AF = 0       0x80400000  level 2 invalid
//   0x80600000      APTable = 10 (read-only)    0x80800000  PXNTable
//   0x80a00000      table address beyond PS     0x80c00000  APTable = 01 (no EL0)
//   0x80e00000      UXNTable
//   0x1_0000_0000   level 1 block, AF = 0       0x1_4000_0000  level 1 block, read-only
//   TTBR1: 0xffff0000_40000000 the image again, read-only (EL1 code runs
//   there while the identity map cannot be used: WXN, EPD0), and
//   0xffff0000_80000000 the test pages again.
//
// Fault lines come from the handlers in mmu/faults.inc (ESR, ELR, SPSR,
// FAR). A label line before each access says what it is; a faulting load's
// destination register is never printed.
    .include "macros.inc"
    .include "mmu/faults.inc"

    .equ TT0_L0, 0x48000000
    .equ TT_L1, 0x48001000
    .equ L2_LOW, 0x48002000
    .equ L2_ID, 0x48003000
    .equ L2_TEST, 0x48004000
    .equ L3_TEST, 0x48005000
    .equ L3_APT, 0x48006000
    .equ L3_XNT, 0x48007000
    .equ TT1_L0, 0x48009000
    .equ TT1_L1, 0x4800a000
    .equ L2_ID_RO, 0x4800b000
    .equ DATA, 0x48100000
    .equ TEST, 0x80000000
    .equ UPPER, 0xffff000000000000      // TTBR1 alias: VA = UPPER + PA

    // TCR_EL1: T0SZ = T1SZ = 16, WB walks, SH0 = SH1 = Inner, TG0 = 4K,
    // TG1 = 4K, IPS = 40 bits, 8-bit ASIDs from TTBR0, TBI off.
    .equ TCR_VALUE, 16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32)
    .equ TCR_EPD0, 1 << 7
    .equ TCR_EPD1, 1 << 23
    .equ TCR_E0PD1, 1 << 56
    .equ TCR_DS, 1 << 59
    .equ SCTLR_MMU, SCTLR_EL1_INIT | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_DZE

    // Descriptor flavours
    .equ P_EL1RW, D_PAGE | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ P_EL1RO, D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_PXN | D_UXN
    .equ P_RW, D_PAGE | D_MEM | D_AF | D_AP_RW | D_PXN | D_UXN
    .equ P_RO, D_PAGE | D_MEM | D_AF | D_AP_RO | D_PXN | D_UXN
    .equ B_CODE, D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_UXN
    .equ B_CODE_RO, D_BLOCK | D_MEM | D_AF | D_AP_EL1_RO | D_UXN
    .equ B_DATA, D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ B_UART, D_BLOCK | D_DEV | D_AF | D_AP_EL1_RW | D_PXN | D_UXN


.macro RUN1 fn
    adr     x0, \fn
    mov     x1, #0
    bl      run_el1
.endm

// RUN1_UPPER fn: fn at EL1, through the TTBR1 alias of the image.
.macro RUN1_UPPER fn
    adr     x0, \fn
    MOV64   x1, UPPER
    orr     x0, x0, x1
    mov     x1, #0
    bl      run_el1
.endm

// RUN0 fn, page, addr: the alias_code function fn at EL0, executed from
// test page `page`, with x0 = addr. Returns its x0.
.macro RUN0 fn, page, addr
    MOV64   x0, TEST + \page * 0x1000 + (\fn - alias_code)
    MOV64   x1, \addr
    bl      run_el0
.endm

// EL1 accesses with x2 = va.
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
// EL1 branch with link to va (+ the alias_code stub offset).
.macro CALL label, va
    PUTLN   "\label"
    MOV64   x0, \va
    bl      el1_call
    PX      " returned", x0
.endm

.macro TLBI_ALL1
    dsb     ishst
    tlbi    vmalle1
    dsb     ish
    isb
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    // Data pages: 0xda7a0000_0000000i at offset 0 of page i.
    MOV64   x0, DATA
    MOV64   x1, 0xda7a000000000000
    mov     x2, #64
1:  str     x1, [x0]
    add     x1, x1, #1
    add     x0, x0, #0x1000
    subs    x2, x2, #1
    b.ne    1b
    adr     x0, el1_tables
    bl      write_descs
    MOV64   x0, MAIR_VALUE
    msr     mair_el1, x0
    MOV64   x0, TCR_VALUE
    msr     tcr_el1, x0
    MOV64   x0, TT0_L0
    msr     ttbr0_el1, x0
    MOV64   x0, TT1_L0
    msr     ttbr1_el1, x0
    adr     x0, fault_vectors_el1
    msr     vbar_el1, x0
    adr     x0, fault_vectors_el2
    msr     vbar_el2, x0
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN: no FP traps
    msr     cpacr_el1, x0
    MOV64   x0, SCTLR_MMU
    msr     sctlr_el1, x0
    isb
    TLBI_ALL1

    PUTLN   "== EL1: translation faults"
    RUN1    el1_translation
    PUTLN   "== EL1: access flag"
    RUN1    el1_access_flag
    PUTLN   "== EL1: permissions"
    RUN1    el1_permission
    PUTLN   "== EL1: PAN"
    RUN1    el1_pan
    PUTLN   "== EL1: LDTR/STTR"
    RUN1    el1_unpriv
    PUTLN   "== EL1: UAO"
    RUN1    el1_uao
    PUTLN   "== EL1: execute"
    RUN1    el1_exec
    PUTLN   "== EL1: WXN (running from the read-only TTBR1 alias)"
    RUN1_UPPER el1_wxn
    PUTLN   "== EL1: address size (PS = 40 bits)"
    RUN1    el1_address_size
    PUTLN   "== EL1: VA ranges"
    RUN1    el1_va_range
    PUTLN   "== EL1: TTBR1"
    RUN1    el1_ttbr1
    PUTLN   "== EL1: EPD1"
    RUN1    el1_epd1
    PUTLN   "== EL1: EPD0 (running from the TTBR1 alias)"
    RUN1_UPPER el1_epd0
    PUTLN   "== EL1: DC ZVA"
    RUN1    el1_dczva
    PUTLN   "== EL1: TLB maintenance"
    RUN1    el1_tlbi

    PUTLN   "== EL0: data"
    PUTLN   "ldr EL1-only page"
    RUN0    el0_ldr, 7, (TEST+(0)*0x1000)
    RUN0    el0_ldr, 7, (TEST+(2)*0x1000)
    PX      "ldr EL0 RW page", x0
    RUN0    el0_ldr, 7, (TEST+(3)*0x1000)
    PX      "ldr EL0 RO page", x0
    PUTLN   "str EL0 RO page"
    RUN0    el0_str, 7, (TEST+(3)*0x1000)
    RUN0    el0_str, 7, (TEST+(2)*0x1000) + 8
    PX      "str EL0 RW page (returns the address)", x0
    RUN0    el0_ldr, 7, (TEST+(2)*0x1000) + 8
    PX      "ldr it back", x0
    PUTLN   "ldr level 3 unmapped"
    RUN0    el0_ldr, 7, (TEST+(5)*0x1000)
    PUTLN   "ldr APTable=01 page"
    RUN0    el0_ldr, 7, 0x80c00000 + 0x1000
    PUTLN   "str APTable=10 EL0 RW page"
    RUN0    el0_str, 7, 0x80600000 + 0x1000
    PUTLN   "ldr EL1 address space (TTBR1, EL1-only page)"
    RUN0    el0_ldr, 7, UPPER + (TEST+(0)*0x1000)
    RUN0    el0_ldr, 7, UPPER + (TEST+(3)*0x1000)
    PX      "ldr TTBR1 EL0 RO page", x0
    PUTLN   "dc zva EL1-only page"
    RUN0    el0_dczva, 7, (TEST+(0)*0x1000)
    RUN0    el0_dczva, 7, (TEST+(2)*0x1000) + 0x40
    RUN0    el0_ldr, 7, (TEST+(2)*0x1000) + 0x40
    PX      "dc zva EL0 RW page, read back", x0
    PUTLN   "== EL0: E0PD1"
    mrs     x19, tcr_el1
    MOV64   x0, TCR_E0PD1
    orr     x0, x19, x0
    msr     tcr_el1, x0
    isb
    TLBI_ALL1
    PUTLN   "ldr TTBR1 EL0 RO page with E0PD1"
    RUN0    el0_ldr, 7, UPPER + (TEST+(3)*0x1000)
    msr     tcr_el1, x19
    isb
    TLBI_ALL1

    PUTLN   "== EL0: execute"
    RUN0    el0_call, 7, (TEST+(7)*0x1000)
    PX      "blr UXN=0 RO page", x0
    PUTLN   "blr UXN page"
    RUN0    el0_call, 7, (TEST+(10)*0x1000)
    PX      " x0", x0
    RUN0    el0_call, 7, (TEST+(11)*0x1000)
    PX      "blr EL0-writable page", x0
    PUTLN   "blr EL1-only page"
    RUN0    el0_call, 7, (TEST+(8)*0x1000)
    PUTLN   "blr unmapped page"
    RUN0    el0_call, 7, (TEST+(5)*0x1000)
    PUTLN   "blr UXNTable page"
    RUN0    el0_call, 7, 0x80e00000 + 0x1000
    PUTLN   "blr data page (UXN)"
    RUN0    el0_call, 7, (TEST+(2)*0x1000)
    PUTLN   "== EL0: execute with WXN (EL1 vectors in the TTBR1 alias)"
    adr     x0, fault_vectors_el1
    MOV64   x1, UPPER
    orr     x0, x0, x1
    msr     vbar_el1, x0
    MOV64   x0, SCTLR_MMU | SCTLR_WXN
    msr     sctlr_el1, x0
    isb
    TLBI_ALL1
    PUTLN   "blr EL0-writable page"
    RUN0    el0_call, 7, (TEST+(11)*0x1000)
    RUN0    el0_call, 7, (TEST+(7)*0x1000)
    PX      "blr EL0 RO page", x0
    MOV64   x0, SCTLR_MMU
    msr     sctlr_el1, x0
    adr     x0, fault_vectors_el1
    msr     vbar_el1, x0
    isb
    TLBI_ALL1

    // Back to the start-up state.
    ldr     x0, =SCTLR_EL1_INIT
    msr     sctlr_el1, x0
    isb
    TLBI_ALL1
    PUTLN   "done"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
// EL1 tests.

// el1_call(x0 = target): BLR to it. An instruction abort resumes at the
// return address (mmu/faults.inc), leaving x0 = target; the stub returns x0 + 1.
el1_call:
    stp     x29, x30, [sp, #-16]!
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

el1_translation:
    stp     x29, x30, [sp, #-16]!
    LD      "ldr level 0 unmapped", 0x0000008000000000
    LD      "ldr level 1 unmapped", 0xc0000000
    LD      "ldr level 2 unmapped", 0x80400000
    LD      "ldr level 3 unmapped", (TEST+(5)*0x1000) + 0x18
    ST      "str level 3 unmapped", (TEST+(5)*0x1000) + 0x20
    PUTLN   "ldp level 3 unmapped"
    MOV64   x2, (TEST+(5)*0x1000) + 0x30
    ldp     x3, x4, [x2]
    PUTLN   "ldadd level 3 unmapped"
    mov     x3, #1
    ldadd   x3, x4, [x2]
    PUTLN   "swp level 3 unmapped"
    swp     x3, x4, [x2]
    PUTLN   "cas level 3 unmapped"
    cas     x3, x4, [x2]
    PUTLN   "stadd level 3 unmapped"
    stadd   x3, [x2]
    PUTLN   "ldr level 3 invalid (L2 hole)"
    MOV64   x2, 0x4c800000
    ldr     x3, [x2]
    LDOK    "ldr page 0", (TEST+(0)*0x1000)
    ldp     x29, x30, [sp], #16
    ret

el1_access_flag:
    stp     x29, x30, [sp, #-16]!
    LD      "ldr AF=0 page", (TEST+(4)*0x1000)
    ST      "str AF=0 page", (TEST+(4)*0x1000) + 8
    LD      "ldr AF=0 level 2 block", 0x80200000 + 0x12340
    LD      "ldr AF=0 level 1 block", 0x100000000 + 0x1234560
    ldp     x29, x30, [sp], #16
    ret

el1_permission:
    stp     x29, x30, [sp, #-16]!
    LDOK    "ldr EL1 RO page", (TEST+(1)*0x1000)
    ST      "str EL1 RO page", (TEST+(1)*0x1000) + 8
    PUTLN   "stp EL1 RO page"
    MOV64   x2, (TEST+(1)*0x1000) + 0x10
    stp     x2, x2, [x2]
    PUTLN   "ldadd EL1 RO page"
    MOV64   x2, (TEST+(1)*0x1000) + 0x20
    mov     x3, #1
    ldadd   x3, x4, [x2]
    PUTLN   "swp EL1 RO page"
    swp     x3, x4, [x2]
    PUTLN   "cas (compare fails) EL1 RO page"
    mov     x4, #0
    cas     x4, x3, [x2]
    PUTLN   "casp (compare fails) EL1 RO page"
    mov     x4, #0
    mov     x5, #0
    casp    x4, x5, x6, x7, [x2]
    PUTLN   "stxr EL1 RO page after ldxr"
    ldxr    x4, [x2]
    stxr    w5, x3, [x2]
    LDOK    "ldr EL0 RO page", (TEST+(3)*0x1000)
    ST      "str EL0 RO page", (TEST+(3)*0x1000) + 8
    LDOK    "ldr level 1 RO block", 0x140000000 + 0x8100000
    ST      "str level 1 RO block", 0x140000000 + 0x8100008
    LDOK    "ldr under APTable=10", 0x80600000
    ST      "str under APTable=10", 0x80600000 + 8
    LDOK    "ldr under APTable=01 (EL1)", 0x80c00000
    ST      "str under APTable=01 (EL1)", 0x80c00000 + 8
    PUTLN   "str under APTable=01 (EL1), read back"
    ldr     x1, [x2]
    PX      " value", x1
    ldp     x29, x30, [sp], #16
    ret

el1_pan:
    stp     x29, x30, [sp, #-16]!
    LDOK    "ldr EL0 RW page, PAN=0", (TEST+(2)*0x1000)
    msr     pan, #1
    LD      "ldr EL0 RW page, PAN=1", (TEST+(2)*0x1000)
    ST      "str EL0 RW page, PAN=1", (TEST+(2)*0x1000) + 8
    LD      "ldr EL0 RO page, PAN=1", (TEST+(3)*0x1000)
    LDOK    "ldr EL1-only page, PAN=1", (TEST+(0)*0x1000)
    PUTLN   "ldtr EL0 RW page, PAN=1"
    MOV64   x2, (TEST+(2)*0x1000)
    ldtr    x1, [x2]
    PX      " value", x1
    PUTLN   "sttr EL0 RW page, PAN=1"
    MOV64   x3, 0x5757
    sttr    x3, [x2, #0x18]
    PUTLN   "dc zva EL0 RW page, PAN=1"
    add     x3, x2, #0x100
    dc      zva, x3
    PUTLN   "ldxr EL0 RW page, PAN=1"
    ldxr    x4, [x2]
    msr     pan, #0
    LDOK    "read back the sttr, PAN=0", (TEST+(2)*0x1000) + 0x18
    ldp     x29, x30, [sp], #16
    ret

// LDTR/STTR at EL1 check EL0 permissions (PSTATE.UAO = 0).
el1_unpriv:
    stp     x29, x30, [sp, #-16]!
    MOV64   x2, (TEST+(0)*0x1000)
    PUTLN   "ldtr EL1-only page"
    ldtr    x1, [x2]
    PUTLN   "sttr EL1-only page"
    sttr    x1, [x2, #8]
    PUTLN   "ldtrb EL1-only page"
    ldtrb   w1, [x2, #1]
    MOV64   x2, (TEST+(3)*0x1000)
    ldtr    x1, [x2]
    PX      "ldtr EL0 RO page", x1
    PUTLN   "sttr EL0 RO page"
    sttr    x1, [x2, #8]
    PUTLN   "sttrh EL0 RO page"
    sttrh   w1, [x2, #2]
    MOV64   x2, (TEST+(2)*0x1000)
    MOV64   x3, 0x1234
    sttr    x3, [x2, #0x20]
    ldtr    x1, [x2, #0x20]
    PX      "sttr/ldtr EL0 RW page", x1
    MOV64   x2, (TEST+(5)*0x1000)
    PUTLN   "ldtr unmapped"
    ldtrsw  x1, [x2, #4]
    MOV64   x2, (TEST+(4)*0x1000)
    PUTLN   "ldtr AF=0"
    ldtr    w1, [x2]
    ldp     x29, x30, [sp], #16
    ret

// With PSTATE.UAO = 1, LDTR/STTR at EL1 check EL1 permissions (and PAN).
el1_uao:
    stp     x29, x30, [sp, #-16]!
    msr     uao, #1
    MOV64   x2, (TEST+(0)*0x1000)
    ldtr    x1, [x2]
    PX      "ldtr EL1-only page, UAO=1", x1
    MOV64   x2, (TEST+(1)*0x1000)
    PUTLN   "sttr EL1 RO page, UAO=1"
    sttr    x1, [x2, #8]
    MOV64   x2, (TEST+(2)*0x1000)
    ldtr    x1, [x2]
    PX      "ldtr EL0 RW page, UAO=1 PAN=0", x1
    msr     pan, #1
    PUTLN   "ldtr EL0 RW page, UAO=1 PAN=1"
    ldtr    x1, [x2]
    PUTLN   "sttr EL0 RW page, UAO=1 PAN=1"
    sttr    x1, [x2, #8]
    msr     pan, #0
    msr     uao, #0
    ldp     x29, x30, [sp], #16
    ret

el1_exec:
    stp     x29, x30, [sp, #-16]!
    CALL    "blr EL1 RO page", (TEST+(8)*0x1000)
    CALL    "blr PXN page", (TEST+(9)*0x1000)
    CALL    "blr EL0 RO page (PXN=0)", (TEST+(10)*0x1000)
    CALL    "blr EL0-writable page (PXN=0)", (TEST+(11)*0x1000)
    CALL    "blr EL1 RW page, WXN=0", (TEST+(12)*0x1000)
    CALL    "blr EL0 code page (PXN)", (TEST+(7)*0x1000)
    CALL    "blr data page", (TEST+(0)*0x1000)
    CALL    "blr unmapped level 3", (TEST+(5)*0x1000)
    CALL    "blr unmapped level 1", 0xc0000000
    CALL    "blr AF=0 page", (TEST+(4)*0x1000)
    CALL    "blr PXNTable page", 0x80800000
    CALL    "blr UXNTable page", 0x80e00000 + 0x1000
    ldp     x29, x30, [sp], #16
    ret

// Runs from the TTBR1 alias (read-only, executable): with SCTLR_EL1.WXN the
// identity-mapped image (EL1 RW) is not executable, vectors included.
el1_wxn:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    mrs     x19, vbar_el1
    adr     x0, fault_vectors_el1       // the TTBR1 alias
    msr     vbar_el1, x0
    mrs     x20, sctlr_el1
    MOV64   x0, SCTLR_WXN
    orr     x0, x20, x0
    msr     sctlr_el1, x0
    isb
    TLBI_ALL1
    CALL    "blr EL1 RW page, WXN=1", (TEST+(12)*0x1000)
    CALL    "blr EL1 RO page, WXN=1", (TEST+(8)*0x1000)
    CALL    "blr EL0 RO page, WXN=1", (TEST+(10)*0x1000)
    CALL    "blr identity image, WXN=1", 0x40000000
    msr     sctlr_el1, x20
    isb
    TLBI_ALL1
    msr     vbar_el1, x19
    isb
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

el1_address_size:
    stp     x29, x30, [sp, #-16]!
    LD      "ldr page with OA bit 40", (TEST+(6)*0x1000)
    ST      "str page with OA bit 40", (TEST+(6)*0x1000) + 8
    LD      "ldr under table address bit 40 (level 2)", 0x80a00000
    CALL    "blr page with OA bit 40", (TEST+(6)*0x1000)
    ldp     x29, x30, [sp], #16
    ret

el1_va_range:
    stp     x29, x30, [sp, #-16]!
    LD      "ldr 0x0001000000000000 (above TTBR0 range)", 0x0001000000000000
    LD      "ldr 0x00ff000000000000 (bit 55 set: TTBR1, below its range)", 0x00ff000000000000
    LD      "ldr 0xfffeffffffff0000 (below TTBR1 range)", 0xfffeffffffff0000
    LD      "ldr 0x8000000080000000 (bit 55 clear: TTBR0, top byte set)", 0x8000000080000000
    ST      "str 0x0000ffffffffff00 (TTBR0 range, level 0 unmapped)", 0x0000ffffffffff00
    CALL    "blr 0x0001000000000000", 0x0001000000000000
    ldp     x29, x30, [sp], #16
    ret

el1_ttbr1:
    stp     x29, x30, [sp, #-16]!
    LDOK    "ldr TTBR1 page 0", UPPER + (TEST+(0)*0x1000)
    ST      "str TTBR1 EL1 RO page", UPPER + (TEST+(1)*0x1000) + 8
    LD      "ldr TTBR1 level 3 unmapped", UPPER + (TEST+(5)*0x1000)
    LD      "ldr TTBR1 level 1 unmapped", UPPER + 0xc0000000
    LD      "ldr TTBR1 level 0 unmapped", 0xffff800000000000
    adr     x2, main
    MOV64   x3, UPPER
    orr     x2, x2, x3
    ldr     w1, [x2]
    adr     x2, main
    ldr     w3, [x2]
    sub     x1, x1, x3
    PX      "ldr TTBR1 image alias of main minus identity", x1
    ST      "str TTBR1 read-only alias of data page 63", UPPER + (DATA+(63)*0x1000)
    CALL    "blr TTBR1 EL1 RO code alias", UPPER + (TEST+(8)*0x1000)
    CALL    "blr TTBR1 data page", UPPER + (TEST+(0)*0x1000)
    ldp     x29, x30, [sp], #16
    ret

el1_epd1:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    mrs     x19, tcr_el1
    MOV64   x0, TCR_EPD1
    orr     x0, x19, x0
    msr     tcr_el1, x0
    isb
    TLBI_ALL1
    LD      "ldr TTBR1 page 0, EPD1=1", UPPER + (TEST+(0)*0x1000)
    msr     tcr_el1, x19
    isb
    LDOK    "ldr TTBR1 page 0, EPD1=0", UPPER + (TEST+(0)*0x1000)
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

// Runs from the TTBR1 alias. With EPD0 = 1 nothing under TTBR0 (stack,
// UART, the vectors) can be used, so the abort goes to epd_vectors, which
// only records ESR, FAR and ELR in x10-x12; they are printed afterwards.
el1_epd0:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    mrs     x19, vbar_el1
    mrs     x20, tcr_el1
    adr     x0, epd_vectors             // the TTBR1 alias
    msr     vbar_el1, x0
    MOV64   x0, TCR_EPD0
    orr     x0, x20, x0
    mov     x10, #0
    mov     x11, #0
    mov     x12, #0
    MOV64   x2, (TEST+(0)*0x1000)
    msr     tcr_el1, x0
    isb
    tlbi    vmalle1
    dsb     ish
    isb
    ldr     x1, [x2]
    msr     tcr_el1, x20
    isb
    msr     vbar_el1, x19
    isb
    PX      "ldr page 0, EPD0=1: ESR", x10
    PX      " FAR", x11
    PX      " ELR", x12
    LDOK    "ldr page 0, EPD0=0", (TEST+(0)*0x1000)
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

el1_dczva:
    stp     x29, x30, [sp, #-16]!
    mrs     x1, dczid_el0               // the block size is IMPLEMENTATION DEFINED: not printed
    PUTLN   "dc zva unmapped (FAR = the operand)"
    MOV64   x2, (TEST+(5)*0x1000) + 0x48
    dc      zva, x2
    PUTLN   "dc zva EL1 RO page"
    MOV64   x2, (TEST+(1)*0x1000) + 0x100
    dc      zva, x2
    PUTLN   "dc zva AF=0 page"
    MOV64   x2, (TEST+(4)*0x1000) + 0x100
    dc      zva, x2
    PUTLN   "dc zva OA bit 40"
    MOV64   x2, (TEST+(6)*0x1000) + 0x100
    dc      zva, x2
    MOV64   x2, (TEST+(0)*0x1000) + 0x108
    MOV64   x3, 0x77
    str     x3, [x2]
    dc      zva, x2
    ldr     x1, [x2]
    PX      "dc zva EL1 RW page, read back", x1
    LDOK    "page 0 offset 0 untouched", (TEST+(0)*0x1000)
    ldp     x29, x30, [sp], #16
    ret

// TLB maintenance: read through a page (filling the TLB), point its
// descriptor at another data page, do the maintenance the change needs, and
// read again: the new data page must be seen.
.macro RETARGET page, newdata, ng=0
    MOV64   x3, (L3_TEST+(\page)*8)
    MOV64   x4, DATA + \newdata * 0x1000 + P_EL1RW + \ng
    str     x4, [x3]
    dsb     ishst
.endm

el1_tlbi:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    LDOK    "page 16 before", (TEST+(16)*0x1000)
    RETARGET 16, 48
    MOV64   x0, (TEST+(16)*0x1000) >> 12
    tlbi    vae1, x0
    TLBI_SYNC
    LDOK    "page 16 after TLBI VAE1", (TEST+(16)*0x1000)

    LDOK    "page 17 before", (TEST+(17)*0x1000)
    RETARGET 17, 49
    MOV64   x0, (TEST+(17)*0x1000) >> 12
    tlbi    vale1, x0
    TLBI_SYNC
    LDOK    "page 17 after TLBI VALE1", (TEST+(17)*0x1000)

    LDOK    "page 20 before", (TEST+(20)*0x1000)
    RETARGET 20, 52
    tlbi    vmalle1
    TLBI_SYNC
    LDOK    "page 20 after TLBI VMALLE1", (TEST+(20)*0x1000)

    // nG pages under ASID 5.
    mrs     x19, ttbr0_el1
    MOV64   x0, 5 << 48
    orr     x0, x19, x0
    msr     ttbr0_el1, x0
    isb
    LDOK    "page 18 (nG, ASID 5) before", (TEST+(18)*0x1000)
    RETARGET 18, 50, D_NG
    MOV64   x0, (TEST+(18)*0x1000) >> 12
    tlbi    vaae1, x0
    TLBI_SYNC
    LDOK    "page 18 after TLBI VAAE1", (TEST+(18)*0x1000)

    LDOK    "page 19 (nG, ASID 5) before", (TEST+(19)*0x1000)
    RETARGET 19, 51, D_NG
    MOV64   x0, 5 << 48
    tlbi    aside1, x0
    TLBI_SYNC
    LDOK    "page 19 after TLBI ASIDE1 5", (TEST+(19)*0x1000)

    LDOK    "page 23 (nG, ASID 5) before", (TEST+(23)*0x1000)
    RETARGET 23, 55, D_NG
    MOV64   x0, (5 << 48) | ((TEST+(23)*0x1000) >> 12)
    tlbi    vae1, x0
    TLBI_SYNC
    LDOK    "page 23 after TLBI VAE1 ASID 5", (TEST+(23)*0x1000)
    msr     ttbr0_el1, x19
    isb

    // Range, 4K format: TG = 01, SCALE = 0, NUM = 0 (2 pages), BaseADDR = VA[48:12].
    LDOK    "page 21 before", (TEST+(21)*0x1000)
    LDOK    "page 22 before", (TEST+(22)*0x1000)
    RETARGET 22, 54
    MOV64   x0, (1 << 46) | ((TEST+(21)*0x1000) >> 12)
    tlbi    rvae1, x0
    TLBI_SYNC
    LDOK    "page 22 after TLBI RVAE1 pages 21-22", (TEST+(22)*0x1000)

    // Range, LPA2 format (TCR_EL1.DS = 1; every descriptor has bits [9:8]
    // = 0, so the tables mean the same): BaseADDR = VA[52:16].
    mrs     x20, tcr_el1
    MOV64   x0, TCR_DS
    orr     x0, x20, x0
    msr     tcr_el1, x0
    isb
    TLBI_ALL1
    LDOK    "DS=1: page 24 before", (TEST+(24)*0x1000)
    LDOK    "DS=1: page 25 before", (TEST+(25)*0x1000)
    RETARGET 24, 56
    RETARGET 25, 57
    MOV64   x0, (1 << 46) | (7 << 39) | ((TEST+(16)*0x1000) >> 16)
    tlbi    rvae1, x0
    TLBI_SYNC
    LDOK    "DS=1: page 24 after TLBI RVAE1 pages 16-31", (TEST+(24)*0x1000)
    LDOK    "DS=1: page 25 after TLBI RVAE1 pages 16-31", (TEST+(25)*0x1000)
    LDOK    "DS=1: page 26 before", (TEST+(26)*0x1000)
    RETARGET 26, 58
    MOV64   x0, (1 << 46) | (1 << 44) | (0 << 39) | ((TEST+(0)*0x1000) >> 16)
    tlbi    rvaae1, x0
    TLBI_SYNC
    LDOK    "DS=1: page 26 after TLBI RVAAE1 SCALE=1 pages 0-63", (TEST+(26)*0x1000)
    msr     tcr_el1, x20
    isb
    TLBI_ALL1
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Vectors for the EPD0 test: the synchronous current-EL/SPx entry records
// ESR_EL1, FAR_EL1 and ELR_EL1 in x10-x12 and resumes after the fault.
    .balign 2048
epd_vectors:
    .space  0x200
    mrs     x10, esr_el1
    mrs     x11, far_el1
    mrs     x12, elr_el1
    add     x13, x12, #4
    msr     elr_el1, x13
    eret
    .balign 2048

    FAULT_VECTORS 1
    FAULT_VECTORS 2
    FAULT_WRITE_DESCS
    FAULT_DATA

// ---------------------------------------------------------------------------
// The code page, mapped at several test pages with different permissions.
// EL0 functions end with SVC #RET_IMM (the runtime's EL0 trampoline is in
// the EL1-only identity map).
    .section .text.alias, "ax"
    .balign 4096
alias_code:
// EL0 or EL1 stub: x0 + 1.
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
el1_tables:
    .quad   TT0_L0 + 0 * 8, TT_L1 + D_TABLE
    .quad   TT_L1 + 0 * 8, L2_LOW + D_TABLE
    .quad   TT_L1 + 1 * 8, L2_ID + D_TABLE
    .quad   TT_L1 + 2 * 8, L2_TEST + D_TABLE
    .quad   TT_L1 + 4 * 8, 0x40000000 + (D_BLOCK | D_MEM | D_AP_EL1_RW | D_PXN | D_UXN)  // AF = 0
    .quad   TT_L1 + 5 * 8, 0x40000000 + (D_BLOCK | D_MEM | D_AF | D_AP_EL1_RO | D_PXN | D_UXN)
    .quad   L2_LOW + 72 * 8, 0x09000000 + B_UART
    .quad   L2_ID + 0 * 8, 0x40000000 + B_CODE
    .quad   L2_ID + 1 * 8, 0x40200000 + B_CODE
    .quad   L2_ID + 64 * 8, 0x48000000 + B_DATA
    .quad   L2_TEST + 0 * 8, L3_TEST + D_TABLE
    .quad   L2_TEST + 1 * 8, 0x48000000 + (D_BLOCK | D_MEM | D_AP_EL1_RW | D_PXN | D_UXN)  // AF = 0
    .quad   L2_TEST + 3 * 8, L3_APT + D_TABLE + T_AP_RO
    .quad   L2_TEST + 4 * 8, L3_XNT + D_TABLE + T_PXN
    .quad   L2_TEST + 5 * 8, 0x10000000000 + L3_APT + D_TABLE                  // beyond PS
    .quad   L2_TEST + 6 * 8, L3_APT + D_TABLE + T_AP_NOEL0
    .quad   L2_TEST + 7 * 8, L3_XNT + D_TABLE + T_UXN
    .quad   L3_APT + 0 * 8, (DATA+(32)*0x1000) + P_EL1RW
    .quad   L3_APT + 1 * 8, (DATA+(33)*0x1000) + P_RW
    .quad   L3_XNT + 0 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_UXN)
    .quad   L3_XNT + 1 * 8, alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RO)
    .quad   (L3_TEST+(0)*8), (DATA+(0)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(1)*8), (DATA+(1)*0x1000) + P_EL1RO
    .quad   (L3_TEST+(2)*8), (DATA+(2)*0x1000) + P_RW
    .quad   (L3_TEST+(3)*8), (DATA+(3)*0x1000) + P_RO
    .quad   (L3_TEST+(4)*8), (DATA+(4)*0x1000) + P_EL1RW - D_AF
    .quad   (L3_TEST+(6)*8), 0x10000000000 + (DATA+(6)*0x1000) + P_EL1RW                           // beyond PS
    .quad   (L3_TEST+(7)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RO | D_PXN)
    .quad   (L3_TEST+(8)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_UXN)
    .quad   (L3_TEST+(9)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RO | D_UXN | D_PXN)
    .quad   (L3_TEST+(10)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RO | D_UXN)
    .quad   (L3_TEST+(11)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_RW)
    .quad   (L3_TEST+(12)*8), alias_code + (D_PAGE | D_MEM | D_AF | D_AP_EL1_RW | D_UXN)
    .quad   (L3_TEST+(16)*8), (DATA+(16)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(17)*8), (DATA+(17)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(18)*8), (DATA+(18)*0x1000) + P_EL1RW + D_NG
    .quad   (L3_TEST+(19)*8), (DATA+(19)*0x1000) + P_EL1RW + D_NG
    .quad   (L3_TEST+(20)*8), (DATA+(20)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(21)*8), (DATA+(21)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(22)*8), (DATA+(22)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(23)*8), (DATA+(23)*0x1000) + P_EL1RW + D_NG
    .quad   (L3_TEST+(24)*8), (DATA+(24)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(25)*8), (DATA+(25)*0x1000) + P_EL1RW
    .quad   (L3_TEST+(26)*8), (DATA+(26)*0x1000) + P_EL1RW
    // TTBR1: the image read-only, the test pages again.
    .quad   TT1_L0 + 0 * 8, TT1_L1 + D_TABLE
    .quad   TT1_L1 + 1 * 8, L2_ID_RO + D_TABLE
    .quad   TT1_L1 + 2 * 8, L2_TEST + D_TABLE
    .quad   L2_ID_RO + 0 * 8, 0x40000000 + B_CODE_RO
    .quad   L2_ID_RO + 1 * 8, 0x40200000 + B_CODE_RO
    .quad   L2_ID_RO + 64 * 8, 0x48000000 + (D_BLOCK | D_MEM | D_AF | D_AP_EL1_RO | D_PXN | D_UXN)
    .quad   0, 0
