// mmu-faults-s2: stage 2 (HCR_EL2.VM = 1) aborts of a guest at EL1 and EL0,
// taken to EL2 with FAR = VA and HPFAR_EL2 = IPA[51:12] << 4: translation
// faults at levels 1, 2 and 3 and out of the IPA range, access flag,
// S2AP permissions, address size (PS = 40 bits); the instruction syndrome
// (ISV, SAS, SSE, SRT, SF, AR) of every single-register load/store form
// that has one (LDR/STR immediate, LDUR/STUR, register offset, sign
// extending loads into W and X, LDTR/STTR, LDAR/STLR, LDAPR, LDAPUR/STLUR,
// literal loads, XZR) and ISV = 0 for those that do not (pairs, writeback,
// exclusives, atomics, DC ZVA); stage 2 faults on instruction fetch; stage
// 2 faults on the stage 1 table walk (S1PTW: the table's IPA unmapped,
// without read permission, with the access flag clear, and in Device
// memory with HCR_EL2.PTW); stage 2 execute-never with FEAT_XNX (XN[1:0] =
// 00, 01, 10, 11 at EL1 and EL0); a stage 1 permission fault taking
// priority over a stage 2 fault of the same access; stage 2 with stage 1
// off; and TLB maintenance (IPAS2E1 + VMALLE1, RIPAS2E1 in the 4K and the
// LPA2 operand formats).
//
// Left out: LDLAR/STLLR (QEMU 7.2 reports AR = 0, docs/qemu-deviations.md
// section 20) and SIMD&FP loads and stores (ISV = 0; nvlab does not model
// SIMD&FP memory instructions yet).
//
// Stage 1 (4K, 48-bit VA, IPS 40): the image, UART and table area identity
// mapped, EL1 only; test page i at VA 0x80000000 + i * 4K translates to IPA
// 0x90000000 + i * 4K (except pages 20-23). Stage 2 (4K, 39-bit IPA from
// level 1, PS 40, VMID 1): the image, UART and table area identity mapped;
// IPA page 0x90000000 + i * 4K as listed in s2_tables (data page i at
// DATA + i * 4K holds 0xda7a0000_0000000i). Every stage 2 fault that the
// tests put on a stage 1 table walk is at stage 2 level 3 and on the stage 1
// level 3 table, so QEMU's wrong level for S1PTW faults
// (docs/qemu-deviations.md, section 17) gives the same answer.
    .include "macros.inc"
    .include "mmu/faults.inc"

    .equ TT0_L0, 0x48000000
    .equ TT_L1, 0x48001000
    .equ L2_LOW, 0x48002000
    .equ L2_ID, 0x48003000
    .equ L2_TEST, 0x48004000
    .equ L3_TEST, 0x48005000
    .equ S2_L1, 0x48020000
    .equ S2_L2_LOW, 0x48021000
    .equ S2_L2_ID, 0x48022000
    .equ S2_L2_TEST, 0x48023000
    .equ S2_L3, 0x48024000
    .equ DATA, 0x48100000
    .equ TEST, 0x80000000               // VA of test page 0
    .equ IPA, 0x90000000                // IPA of test page 0

    .equ TCR_VALUE, 16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 23) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32)
    .equ SCTLR_MMU, SCTLR_EL1_INIT | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_DZE
    // VTCR_EL2: T0SZ = 25, SL0 = 1 (level 1), WB walks, Inner Shareable,
    // TG0 = 4K, PS = 40 bits, RES1 bit 31.
    .equ VTCR_VALUE, 25 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16) | (1 << 31)
    .equ VTCR_DS, 1 << 32
    .equ VMID, 1 << 48

    .equ P_DATA, D_PAGE | D_MEM | D_AF | D_AP_RW | D_PXN | D_UXN
    .equ P_EL1DATA, D_PAGE | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ P_CODE, D_PAGE | D_MEM | D_AF | D_AP_RO
    .equ P_EL1CODE, D_PAGE | D_MEM | D_AF | D_AP_EL1_RW | D_UXN
    .equ B_CODE, D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_UXN
    .equ B_DATA, D_BLOCK | D_MEM | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ B_UART, D_BLOCK | D_DEV | D_AF | D_AP_EL1_RW | D_PXN | D_UXN
    .equ S2P_RW, D_PAGE | S2_MEM | S2AP_RW | D_AF
    .equ S2B_RW, D_BLOCK | S2_MEM | S2AP_RW | D_AF
    .equ S2P_CODE, D_PAGE | S2_MEM | S2AP_RO | D_AF

.macro RUN1 fn
    adr     x0, \fn
    mov     x1, #0
    bl      run_el1
.endm

// RUN0 fn, page, addr: alias_code function fn at EL0 from test page `page`.
.macro RUN0 fn, page, addr
    MOV64   x0, TEST + \page * 0x1000 + (\fn - alias_code)
    MOV64   x1, \addr
    bl      run_el0
.endm

// T "text", instruction: prints the text, points x2 at test page 0 (IPA
// not mapped at stage 2), x20 at page 0 + 0x100, x21 = 0x10, and executes
// the instruction.
.macro T text:req, insn:vararg
    PUTLN   "\text"
    MOV64   x2, TEST
    add     x20, x2, #0x100
    mov     x21, #0x10
    \insn
.endm

// TP page, "text", instruction: the same with x2 at test page `page`.
.macro TP page:req, text:req, insn:vararg
    PUTLN   "\text"
    MOV64   x2, TEST + \page * 0x1000
    \insn
.endm

.macro CALL label, va
    PUTLN   "\label"
    MOV64   x0, \va
    bl      el1_call
    PX      " returned", x0
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
    adr     x0, s1_tables
    bl      write_descs
    adr     x0, s2_tables
    bl      write_descs
    MOV64   x0, MAIR_VALUE
    msr     mair_el1, x0
    MOV64   x0, TCR_VALUE
    msr     tcr_el1, x0
    MOV64   x0, TT0_L0
    msr     ttbr0_el1, x0
    adr     x0, fault_vectors_el1
    msr     vbar_el1, x0
    adr     x0, fault_vectors_el2
    msr     vbar_el2, x0
    mov     x0, #(3 << 20)              // CPACR_EL1.FPEN: no FP traps
    msr     cpacr_el1, x0
    mrs     x0, cptr_el2
    bic     x0, x0, #(1 << 10)          // CPTR_EL2.TFP
    msr     cptr_el2, x0
    MOV64   x0, VTCR_VALUE
    msr     vtcr_el2, x0
    MOV64   x0, S2_L1 | VMID
    msr     vttbr_el2, x0
    MOV64   x0, SCTLR_MMU
    msr     sctlr_el1, x0
    ldr     x0, =HCR_RW | HCR_VM
    msr     hcr_el2, x0
    isb
    tlbi    vmalls12e1
    dsb     ish
    isb

    PUTLN   "== instruction syndrome: stage 2 translation fault on every load/store form"
    RUN1    el1_isv
    PUTLN   "== ISV = 0: pairs, writeback, exclusives, atomics, DC ZVA"
    RUN1    el1_no_isv
    PUTLN   "== stage 2 fault kinds"
    RUN1    el1_kinds
    PUTLN   "== stage 2 on instruction fetch, XNX, at EL1"
    RUN1    el1_exec
    PUTLN   "== EL0"
    PUTLN   "ldr unmapped IPA"
    RUN0    el0_ldr, 7, TEST + 0x38
    PUTLN   "ldrsh w5 unmapped IPA"
    RUN0    el0_ldrsh, 7, TEST + 6
    PUTLN   "strh S2AP=RO page"
    RUN0    el0_strh, 7, TEST + 1 * 0x1000 + 6
    PUTLN   "ldtr (at EL0) unmapped IPA"
    RUN0    el0_ldtr, 7, TEST + 0x48
    RUN0    el0_call, 7, TEST + 7 * 0x1000
    PX      "blr XN=00", x0
    RUN0    el0_call, 7, TEST + 8 * 0x1000
    PX      "blr XN=01 (EL0 only)", x0
    PUTLN   "blr XN=10"
    RUN0    el0_call, 7, TEST + 9 * 0x1000
    PUTLN   "blr XN=11 (EL1 only)"
    RUN0    el0_call, 7, TEST + 10 * 0x1000
    RUN0    el0_call, 7, TEST + 11 * 0x1000
    PX      "blr S2AP=00 XN=00", x0
    PUTLN   "blr unmapped IPA"
    RUN0    el0_call, 7, TEST + 25 * 0x1000
    PUTLN   "ldr S1PTW (level 3 table IPA unmapped)"
    RUN0    el0_ldr, 7, 0x80200000 + 0x3000

    PUTLN   "== S1PTW"
    RUN1    el1_ptw
    PUTLN   "== S1PTW: HCR_EL2.PTW = 1, stage 1 table in stage 2 Device memory"
    ldr     x0, =HCR_RW | HCR_VM | HCR_PTW
    msr     hcr_el2, x0
    isb
    RUN1    el1_ptw_dev
    ldr     x0, =HCR_RW | HCR_VM
    msr     hcr_el2, x0
    isb
    PUTLN   "== S1PTW: HCR_EL2.PTW = 0, the same walk (stage 1 translation fault)"
    RUN1    el1_ptw_dev

    PUTLN   "== stage 1 off (SCTLR_EL1.M = 0): IPA = VA"
    ldr     x0, =SCTLR_EL1_INIT
    msr     sctlr_el1, x0
    isb
    RUN1    el1_s1off
    MOV64   x0, SCTLR_MMU
    msr     sctlr_el1, x0
    isb

    PUTLN   "== TLB maintenance"
    bl      tlbi_tests

    // Back to the start-up state.
    mov     x0, #HCR_RW
    msr     hcr_el2, x0
    ldr     x0, =SCTLR_EL1_INIT
    msr     sctlr_el1, x0
    isb
    tlbi    vmalls12e1
    dsb     ish
    isb
    PUTLN   "done"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
el1_call:
    stp     x29, x30, [sp, #-16]!
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

// ISV = 1: single general-purpose register, no writeback.
el1_isv:
    stp     x29, x30, [sp, #-16]!
    T       "ldrb w3, [x2]", ldrb w3, [x2]
    T       "ldrh w4, [x2, #2]", ldrh w4, [x2, #2]
    T       "ldr w5, [x2, #4]", ldr w5, [x2, #4]
    T       "ldr x6, [x2, #8]", ldr x6, [x2, #8]
    T       "ldr x30, [x2, #0xff8]", ldr x30, [x2, #0xff8]
    T       "ldrsb w7, [x2, #1]", ldrsb w7, [x2, #1]
    T       "ldrsb x8, [x2, #1]", ldrsb x8, [x2, #1]
    T       "ldrsh w9, [x2, #2]", ldrsh w9, [x2, #2]
    T       "ldrsh x10, [x2, #2]", ldrsh x10, [x2, #2]
    T       "ldrsw x11, [x2, #4]", ldrsw x11, [x2, #4]
    T       "strb w12, [x2, #3]", strb w12, [x2, #3]
    T       "strh w13, [x2, #6]", strh w13, [x2, #6]
    T       "str w14, [x2, #12]", str w14, [x2, #12]
    T       "str x15, [x2, #16]", str x15, [x2, #16]
    T       "str xzr, [x2, #24]", str xzr, [x2, #24]
    T       "strb wzr, [x2]", strb wzr, [x2]
    T       "ldur x16, [x20, #-8]", ldur x16, [x20, #-8]
    T       "ldur w17, [x20, #-0x100]", ldur w17, [x20, #-0x100]
    T       "ldurb w18, [x20, #1]", ldurb w18, [x20, #1]
    T       "ldursh x19, [x20, #-2]", ldursh x19, [x20, #-2]
    T       "ldursb w22, [x20, #-1]", ldursb w22, [x20, #-1]
    T       "ldursw x23, [x20, #4]", ldursw x23, [x20, #4]
    T       "stur x24, [x20, #-16]", stur x24, [x20, #-16]
    T       "sturh w25, [x20, #2]", sturh w25, [x20, #2]
    T       "ldr x26, [x2, x21]", ldr x26, [x2, x21]
    T       "ldr w27, [x2, w21, uxtw #2]", ldr w27, [x2, w21, uxtw #2]
    T       "ldrsh x28, [x2, x21, lsl #1]", ldrsh x28, [x2, x21, lsl #1]
    T       "ldrsb w1, [x2, w21, sxtw]", ldrsb w1, [x2, w21, sxtw]
    T       "strh w3, [x2, x21]", strh w3, [x2, x21]
    T       "str x4, [x2, x21, lsl #3]", str x4, [x2, x21, lsl #3]
    T       "ldtr x5, [x2]", ldtr x5, [x2]
    T       "ldtrsh w6, [x2, #2]", ldtrsh w6, [x2, #2]
    T       "ldtrsb x7, [x2, #1]", ldtrsb x7, [x2, #1]
    T       "ldtrsw x8, [x2, #4]", ldtrsw x8, [x2, #4]
    T       "sttr w9, [x2, #4]", sttr w9, [x2, #4]
    T       "sttrb w10, [x2, #1]", sttrb w10, [x2, #1]
    T       "ldar x11, [x2]", ldar x11, [x2]
    T       "ldarb w12, [x2]", ldarb w12, [x2]
    T       "ldarh w13, [x2]", ldarh w13, [x2]
    T       "ldar w14, [x2]", ldar w14, [x2]
    T       "stlr x15, [x2]", stlr x15, [x2]
    T       "stlrb w16, [x2]", stlrb w16, [x2]
    T       "stlrh w17, [x2]", stlrh w17, [x2]
    T       "stlr wzr, [x2]", stlr wzr, [x2]
    // LDLAR/STLLR (FEAT_LOR) are left out: QEMU 7.2 reports AR = 0 for
    // them (docs/qemu-deviations.md, section 20).
    T       "ldapr x22, [x2]", ldapr x22, [x2]
    T       "ldaprb w23, [x2]", ldaprb w23, [x2]
    T       "ldaprh w24, [x2]", ldaprh w24, [x2]
    T       "ldapr w25, [x2]", ldapr w25, [x2]
    T       "ldapur x26, [x2, #8]", ldapur x26, [x2, #8]
    T       "ldapursw x27, [x2, #4]", ldapursw x27, [x2, #4]
    T       "ldapursb w28, [x2, #1]", ldapursb w28, [x2, #1]
    T       "ldapursh x1, [x2, #2]", ldapursh x1, [x2, #2]
    T       "ldapurh w3, [x2, #2]", ldapurh w3, [x2, #2]
    T       "stlur w4, [x2, #4]", stlur w4, [x2, #4]
    T       "stlurb w5, [x2, #1]", stlurb w5, [x2, #1]
    T       "stlur x6, [x20, #-8]", stlur x6, [x20, #-8]
    PUTLN   "ldr x22, literal (the next page's IPA is not mapped)"
    MOV64   x0, TEST + 24 * 0x1000 + (lit_x - alias_code)
    bl      el1_call
    PUTLN   "ldr w23, literal"
    MOV64   x0, TEST + 24 * 0x1000 + (lit_w - alias_code)
    bl      el1_call
    PUTLN   "ldrsw x24, literal"
    MOV64   x0, TEST + 24 * 0x1000 + (lit_sw - alias_code)
    bl      el1_call
    ldp     x29, x30, [sp], #16
    ret

el1_no_isv:
    stp     x29, x30, [sp, #-16]!
    T       "ldp x3, x4, [x2]", ldp x3, x4, [x2]
    T       "stp w5, w6, [x2, #8]", stp w5, w6, [x2, #8]
    T       "ldpsw x7, x8, [x2]", ldpsw x7, x8, [x2]
    T       "ldnp x9, x10, [x2]", ldnp x9, x10, [x2]
    T       "ldr x11, [x2, #8]!", ldr x11, [x2, #8]!
    T       "str w12, [x2], #4", str w12, [x2], #4
    T       "ldrb w13, [x2, #1]!", ldrb w13, [x2, #1]!
    T       "ldp x14, x15, [x2], #16", ldp x14, x15, [x2], #16
    T       "ldxr x16, [x2]", ldxr x16, [x2]
    T       "ldaxrb w17, [x2]", ldaxrb w17, [x2]
    T       "ldxp x18, x19, [x2]", ldxp x18, x19, [x2]
    T       "ldadd x22, x23, [x2]", ldadd x22, x23, [x2]
    T       "stadd w24, [x2]", stadd w24, [x2]
    T       "swpal x25, x26, [x2]", swpal x25, x26, [x2]
    T       "cas x27, x28, [x2]", cas x27, x28, [x2]
    T       "casp x4, x5, x6, x7, [x2]", casp x4, x5, x6, x7, [x2]
    // SIMD&FP loads and stores (ISV = 0) are left out: nvlab does not
    // model SIMD&FP memory instructions yet.
    T       "dc zva, x2", dc zva, x2
    T       "prfm pldl1keep, [x2] (no fault)", prfm pldl1keep, [x2]
    // Store-exclusive: only with the monitor set for the same address (the
    // order of the monitor check and the abort is IMPLEMENTATION DEFINED).
    TP      1, "stxr w3, x4, [x2] after ldxr (S2AP = RO)", ldxr x4, [x2]
    stxr    w3, x4, [x2]
    TP      1, "stlxp w3, x4, x5, [x2] after ldaxp (S2AP = RO)", ldaxp x4, x5, [x2]
    stlxp   w3, x4, x5, [x2]
    ldp     x29, x30, [sp], #16
    ret

el1_kinds:
    stp     x29, x30, [sp, #-16]!
    TP      1, "ldr x3, [x2] S2AP=RO page", ldr x3, [x2]
    PX      " value", x3
    TP      1, "str w3, [x2, #8] S2AP=RO page", str w3, [x2, #8]
    TP      1, "ldadd x3, x4, [x2] S2AP=RO page", ldadd x3, x4, [x2]
    TP      2, "ldr x3, [x2] S2AP=WO page", ldr x3, [x2]
    TP      2, "str x2, [x2, #8] S2AP=WO page", str x2, [x2, #8]
    TP      2, "ldadd x3, x4, [x2] S2AP=WO page", ldadd x3, x4, [x2]
    TP      3, "ldrh w3, [x2, #2] S2AP=00 page", ldrh w3, [x2, #2]
    TP      3, "stlr x3, [x2] S2AP=00 page", stlr x3, [x2]
    TP      4, "ldr x3, [x2] AF=0 page", ldr x3, [x2]
    TP      4, "str x3, [x2] AF=0 page", str x3, [x2]
    TP      5, "ldr x3, [x2] RW page", ldr x3, [x2]
    PX      " value", x3
    TP      6, "ldr x3, [x2, #0x10] OA bit 40", ldr x3, [x2, #0x10]
    TP      6, "str w3, [x2, #0x10] OA bit 40", str w3, [x2, #0x10]
    TP      20, "ldr x3, [x2, #8] level 2 unmapped IPA", ldr x3, [x2, #8]
    TP      21, "ldr x3, [x2, #8] level 1 unmapped IPA", ldr x3, [x2, #8]
    TP      22, "ldr x3, [x2, #8] AF=0 level 2 block", ldr x3, [x2, #8]
    TP      23, "ldr x3, [x2, #8] IPA bit 39 (beyond the 39-bit IPA space)", ldr x3, [x2, #8]
    TP      26, "ldr x3, [x2] stage 1 unmapped (to EL1)", ldr x3, [x2]
    // Stage 1 permission faults come before stage 2 (AArch64.FullTranslate):
    // page 27 is stage 1 read-only and its IPA is not mapped at stage 2.
    TP      27, "str x3, [x2] stage 1 read-only, IPA unmapped (to EL1)", str x3, [x2]
    TP      27, "ldr x3, [x2] stage 1 read-only, IPA unmapped", ldr x3, [x2]
    TP      0, "dc zva S2 unmapped", dc zva, x2
    TP      1, "dc zva S2AP=RO", dc zva, x2
    ldp     x29, x30, [sp], #16
    ret

el1_exec:
    stp     x29, x30, [sp, #-16]!
    CALL    "blr XN=00", TEST + 7 * 0x1000
    CALL    "blr XN=01 (EL0 only)", TEST + 8 * 0x1000
    CALL    "blr XN=10", TEST + 9 * 0x1000
    CALL    "blr XN=11 (EL1 only)", TEST + 10 * 0x1000
    CALL    "blr S2AP=00 XN=00", TEST + 11 * 0x1000
    CALL    "blr unmapped IPA", TEST + 25 * 0x1000
    CALL    "blr stage 1 data page (stage 1 PXN, to EL1)", TEST
    CALL    "blr AF=0 level 2 block", TEST + 22 * 0x1000
    CALL    "blr OA bit 40", TEST + 6 * 0x1000
    CALL    "blr S1PTW (level 3 table IPA unmapped)", 0x80200000 + 0x8000
    ldp     x29, x30, [sp], #16
    ret

el1_ptw:
    stp     x29, x30, [sp, #-16]!
    TP      0x200, "ldr x3, [x2] table IPA unmapped", ldr x3, [x2]
    TP      0x201, "str x3, [x2, #8] table IPA unmapped", str x3, [x2, #8]
    TP      0x202, "ldar w3, [x2] table IPA unmapped", ldar w3, [x2]
    TP      0x400, "ldr x3, [x2] table IPA S2AP=00", ldr x3, [x2]
    TP      0x401, "stp x3, x4, [x2] table IPA S2AP=00", stp x3, x4, [x2]
    TP      0x800, "ldr x3, [x2] table IPA AF=0", ldr x3, [x2]
    TP      0x400, "dc zva table IPA S2AP=00", dc zva, x2
    ldp     x29, x30, [sp], #16
    ret

el1_ptw_dev:
    stp     x29, x30, [sp, #-16]!
    TP      0x600, "ldr x3, [x2] table IPA Device", ldr x3, [x2]
    TP      0x601, "str x3, [x2] table IPA Device", str x3, [x2]
    CALL    "blr table IPA Device", 0x80600000 + 0x2000
    ldp     x29, x30, [sp], #16
    ret

// Stage 1 off: data accesses are Device-nGnRnE (all aligned here).
el1_s1off:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "ldr x3, [x2] IPA unmapped"
    MOV64   x2, IPA + 0x10
    ldr     x3, [x2]
    PUTLN   "str x3, [x2] IPA S2AP=RO"
    MOV64   x2, IPA + 0x1000 + 0x10
    str     w3, [x2]
    ldr     x3, [x2]
    PX      "ldr IPA S2AP=RO", x3
    CALL    "blr IPA unmapped", IPA
    CALL    "blr IPA XN=00", IPA + 7 * 0x1000
    CALL    "blr IPA XN=10", IPA + 9 * 0x1000
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// TLB maintenance, from EL2: EL1 reads a page (filling the TLBs), EL2 points
// the page's stage 2 descriptor at another data page and invalidates the
// IPA, then the stage 1+2 entries (TLBI VMALLE1), and EL1 reads again.
el1_read:                               // x0 = VA
    ldr     x0, [x0]
    ret

.macro EL1READ label, va
    adr     x0, el1_read
    MOV64   x1, \va
    bl      run_el1
    PX      "\label", x0
.endm

.macro S2RETARGET page, newdata
    MOV64   x3, S2_L3 + \page * 8
    MOV64   x4, DATA + \newdata * 0x1000 + S2P_RW
    str     x4, [x3]
    dsb     ishst
.endm

tlbi_tests:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    EL1READ "page 16 before", TEST + 16 * 0x1000
    S2RETARGET 16, 48
    MOV64   x0, (IPA + 16 * 0x1000) >> 12
    tlbi    ipas2e1, x0
    dsb     ish
    tlbi    vmalle1
    dsb     ish
    isb
    EL1READ "page 16 after TLBI IPAS2E1 + VMALLE1", TEST + 16 * 0x1000

    EL1READ "page 19 before", TEST + 19 * 0x1000
    S2RETARGET 19, 51
    MOV64   x0, (IPA + 19 * 0x1000) >> 12
    tlbi    ipas2le1is, x0
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    isb
    EL1READ "page 19 after TLBI IPAS2LE1IS + VMALLE1IS", TEST + 19 * 0x1000

    // Range, 4K format: TG = 01, SCALE = 0, NUM = 0 (2 pages), BaseADDR = IPA[48:12].
    EL1READ "page 17 before", TEST + 17 * 0x1000
    EL1READ "page 18 before", TEST + 18 * 0x1000
    S2RETARGET 18, 50
    MOV64   x0, (1 << 46) | ((IPA + 17 * 0x1000) >> 12)
    tlbi    ripas2e1, x0
    dsb     ish
    tlbi    vmalle1
    dsb     ish
    isb
    EL1READ "page 18 after TLBI RIPAS2E1 pages 17-18 + VMALLE1", TEST + 18 * 0x1000

    // Range, LPA2 format (VTCR_EL2.DS = 1; the stage 2 descriptors have
    // bits [9:8] = 0, so the tables mean the same): BaseADDR = IPA[52:16].
    MOV64   x0, VTCR_VALUE | VTCR_DS
    msr     vtcr_el2, x0
    isb
    tlbi    vmalls12e1
    dsb     ish
    isb
    EL1READ "DS=1: page 28 before", TEST + 28 * 0x1000
    S2RETARGET 28, 60
    MOV64   x0, (1 << 46) | (7 << 39) | ((IPA + 16 * 0x1000) >> 16)
    tlbi    ripas2e1, x0
    dsb     ish
    tlbi    vmalle1
    dsb     ish
    isb
    EL1READ "DS=1: page 28 after TLBI RIPAS2E1 pages 16-31 + VMALLE1", TEST + 28 * 0x1000
    EL1READ "DS=1: page 29 before", TEST + 29 * 0x1000
    S2RETARGET 29, 61
    MOV64   x0, (1 << 46) | (1 << 44) | (0 << 39) | (IPA >> 16)
    tlbi    ripas2e1is, x0
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    isb
    EL1READ "DS=1: page 29 after TLBI RIPAS2E1IS SCALE=1 pages 0-63 + VMALLE1IS", TEST + 29 * 0x1000
    MOV64   x0, VTCR_VALUE
    msr     vtcr_el2, x0
    isb
    tlbi    vmalls12e1
    dsb     ish
    isb

    // A stage 2 change that removes a mapping: the abort after the TLBIs.
    EL1READ "page 30 before", TEST + 30 * 0x1000
    MOV64   x3, S2_L3 + 30 * 8
    str     xzr, [x3]
    dsb     ishst
    MOV64   x0, (IPA + 30 * 0x1000) >> 12
    tlbi    ipas2e1, x0
    dsb     ish
    tlbi    vmalle1
    dsb     ish
    isb
    PUTLN   "page 30 after unmapping it, TLBI IPAS2E1 + VMALLE1"
    adr     x0, el1_read
    MOV64   x1, TEST + 30 * 0x1000
    bl      run_el1
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

    FAULT_VECTORS 1
    FAULT_VECTORS 2
    FAULT_WRITE_DESCS
    FAULT_DATA

// ---------------------------------------------------------------------------
// The code page (alias_code), mapped at several test pages.
    .section .text.alias, "ax"
    .balign 4096
alias_code:
alias_stub:
    add     x0, x0, #1
    ret
el0_ldr:
    ldr     x0, [x0]
    svc     #RET_IMM
el0_ldrsh:
    ldrsh   w5, [x0]
    svc     #RET_IMM
el0_strh:
    strh    w0, [x0]
    svc     #RET_IMM
el0_ldtr:
    ldtr    x9, [x0]
    svc     #RET_IMM
el0_call:
    blr     x0
    svc     #RET_IMM
// Literal loads whose literal is in the next page (its IPA is not mapped).
lit_x:
    ldr     x22, . + 0x1000
    ret
lit_w:
    ldr     w23, . + 0x1000
    ret
lit_sw:
    ldrsw   x24, . + 0x1000
    ret
    .balign 4096

    .section .rodata
    .balign 8
s1_tables:
    .quad   TT0_L0 + 0 * 8, TT_L1 + D_TABLE
    .quad   TT_L1 + 0 * 8, L2_LOW + D_TABLE
    .quad   TT_L1 + 1 * 8, L2_ID + D_TABLE
    .quad   TT_L1 + 2 * 8, L2_TEST + D_TABLE
    .quad   L2_LOW + 72 * 8, 0x09000000 + B_UART
    .quad   L2_ID + 0 * 8, 0x40000000 + B_CODE
    .quad   L2_ID + 1 * 8, 0x40200000 + B_CODE
    .quad   L2_ID + 64 * 8, 0x48000000 + B_DATA
    .quad   L2_TEST + 0 * 8, L3_TEST + D_TABLE
    // Level 3 tables at IPAs that stage 2 does not let the walk read.
    .quad   L2_TEST + 1 * 8, IPA + 15 * 0x1000 + D_TABLE    // unmapped
    .quad   L2_TEST + 2 * 8, IPA + 14 * 0x1000 + D_TABLE    // S2AP = 00
    .quad   L2_TEST + 3 * 8, IPA + 13 * 0x1000 + D_TABLE    // Device
    .quad   L2_TEST + 4 * 8, IPA + 12 * 0x1000 + D_TABLE    // AF = 0
    .quad   L3_TEST + 0 * 8, IPA + 0 * 0x1000 + P_DATA
    .quad   L3_TEST + 1 * 8, IPA + 1 * 0x1000 + P_DATA
    .quad   L3_TEST + 2 * 8, IPA + 2 * 0x1000 + P_DATA
    .quad   L3_TEST + 3 * 8, IPA + 3 * 0x1000 + P_DATA
    .quad   L3_TEST + 4 * 8, IPA + 4 * 0x1000 + P_DATA
    .quad   L3_TEST + 5 * 8, IPA + 5 * 0x1000 + P_DATA
    .quad   L3_TEST + 6 * 8, IPA + 6 * 0x1000 + P_EL1CODE
    .quad   L3_TEST + 7 * 8, IPA + 7 * 0x1000 + P_CODE
    .quad   L3_TEST + 8 * 8, IPA + 8 * 0x1000 + P_CODE
    .quad   L3_TEST + 9 * 8, IPA + 9 * 0x1000 + P_CODE
    .quad   L3_TEST + 10 * 8, IPA + 10 * 0x1000 + P_CODE
    .quad   L3_TEST + 11 * 8, IPA + 11 * 0x1000 + P_CODE
    .quad   L3_TEST + 16 * 8, IPA + 16 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 17 * 8, IPA + 17 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 18 * 8, IPA + 18 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 19 * 8, IPA + 19 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 20 * 8, IPA + 0x400000 + P_DATA       // stage 2 level 2 unmapped
    .quad   L3_TEST + 21 * 8, 0xc0000000 + P_DATA           // stage 2 level 1 unmapped
    .quad   L3_TEST + 22 * 8, IPA + 0x205000 + P_EL1CODE      // stage 2 AF = 0 block
    .quad   L3_TEST + 23 * 8, 0x8000000000 + P_DATA         // beyond the IPA space
    .quad   L3_TEST + 24 * 8, IPA + 24 * 0x1000 + P_CODE
    .quad   L3_TEST + 25 * 8, IPA + 25 * 0x1000 + P_CODE
    .quad   L3_TEST + 27 * 8, IPA + 27 * 0x1000 + P_CODE
    .quad   L3_TEST + 28 * 8, IPA + 28 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 29 * 8, IPA + 29 * 0x1000 + P_EL1DATA
    .quad   L3_TEST + 30 * 8, IPA + 30 * 0x1000 + P_EL1DATA
    .quad   0, 0

s2_tables:
    .quad   S2_L1 + 0 * 8, S2_L2_LOW + D_TABLE
    .quad   S2_L1 + 1 * 8, S2_L2_ID + D_TABLE
    .quad   S2_L1 + 2 * 8, S2_L2_TEST + D_TABLE
    .quad   S2_L2_LOW + 72 * 8, 0x09000000 + (D_BLOCK | S2_DEV | S2AP_RW | D_AF | S2_XN1)
    .quad   S2_L2_ID + 0 * 8, 0x40000000 + S2B_RW
    .quad   S2_L2_ID + 1 * 8, 0x40200000 + S2B_RW
    .quad   S2_L2_ID + 64 * 8, 0x48000000 + S2B_RW
    .quad   S2_L2_TEST + 128 * 8, S2_L3 + D_TABLE
    .quad   S2_L2_TEST + 129 * 8, 0x48000000 + S2B_RW - D_AF              // AF = 0
    .quad   S2_L3 + 1 * 8, DATA + 1 * 0x1000 + (D_PAGE | S2_MEM | S2AP_RO | D_AF)
    .quad   S2_L3 + 2 * 8, DATA + 2 * 0x1000 + (D_PAGE | S2_MEM | S2AP_WO | D_AF)
    .quad   S2_L3 + 3 * 8, DATA + 3 * 0x1000 + (D_PAGE | S2_MEM | S2AP_NONE | D_AF)
    .quad   S2_L3 + 4 * 8, DATA + 4 * 0x1000 + S2P_RW - D_AF
    .quad   S2_L3 + 5 * 8, DATA + 5 * 0x1000 + S2P_RW
    .quad   S2_L3 + 6 * 8, 0x10000000000 + alias_code + S2P_CODE           // beyond PS
    .quad   S2_L3 + 7 * 8, alias_code + S2P_CODE
    .quad   S2_L3 + 8 * 8, alias_code + S2P_CODE + S2_XN0
    .quad   S2_L3 + 9 * 8, alias_code + S2P_CODE + S2_XN1
    .quad   S2_L3 + 10 * 8, alias_code + S2P_CODE + S2_XN1 + S2_XN0
    .quad   S2_L3 + 11 * 8, alias_code + (D_PAGE | S2_MEM | S2AP_NONE | D_AF)
    .quad   S2_L3 + 12 * 8, DATA + 12 * 0x1000 + S2P_RW - D_AF
    .quad   S2_L3 + 13 * 8, DATA + 13 * 0x1000 + (D_PAGE | S2_DEV | S2AP_RW | D_AF | S2_XN1)
    .quad   S2_L3 + 14 * 8, DATA + 14 * 0x1000 + (D_PAGE | S2_MEM | S2AP_NONE | D_AF)
    .quad   S2_L3 + 16 * 8, DATA + 16 * 0x1000 + S2P_RW
    .quad   S2_L3 + 17 * 8, DATA + 17 * 0x1000 + S2P_RW
    .quad   S2_L3 + 18 * 8, DATA + 18 * 0x1000 + S2P_RW
    .quad   S2_L3 + 19 * 8, DATA + 19 * 0x1000 + S2P_RW
    .quad   S2_L3 + 24 * 8, alias_code + S2P_CODE
    .quad   S2_L3 + 28 * 8, DATA + 28 * 0x1000 + S2P_RW
    .quad   S2_L3 + 29 * 8, DATA + 29 * 0x1000 + S2P_RW
    .quad   S2_L3 + 30 * 8, DATA + 30 * 0x1000 + S2P_RW
    .quad   0, 0
