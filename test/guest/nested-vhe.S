// nested-vhe: a VHE guest hypervisor (HCR_EL2.E2H = 1), the path of nested
// mode (an L1 hypervisor at virtual EL2) that the other guests barely touch.
//
//   1. E2H = 1, TGE = 0 at EL2: the EL1 registers through their _EL12 names
//      (VBAR, TTBR0, TTBR1, CONTEXTIDR, TCR, MAIR, ELR, SPSR, SCTLR,
//      CNTKCTL) are separate from the EL2 registers that the EL1 names reach
//      at EL2 (CONTEXTIDR_EL2, TTBR0/1_EL2, MAIR_EL2, ELR/SPSR_EL2, VBAR_EL2,
//      SCTLR_EL2, TCR_EL2); the timer registers: CNTV_*/CNTP_* at EL2 are
//      CNTHV_*/CNTHP_*, the _EL02 names the EL1 timers.
//   2. CNTHCTL_EL2 through CNTKCTL_EL1 in its E2H = 1 layout.
//   3. EL1 (an L2 guest) with E2H = 1, TGE = 0: the EL1 registers hold what
//      EL2 wrote through _EL12 and EL1's writes show there; _EL12 is
//      UNDEFINED at EL1; HCR_EL2.TID3/TVM/TRVM/TSC/TWI/TTLB traps and HVC;
//      CNTHCTL_EL2.EL1PCTEN/EL1PTEN (bits 10/11 under E2H) on EL1 counter
//      and timer accesses; the guest's EL0: SVC to EL1, CNTKCTL_EL1 and, for
//      the physical counter, CNTHCTL_EL2.EL1PCTEN.
//   4. Host EL0 (E2H = TGE = 1): SVC to EL2, CNTHCTL_EL2.EL0PCTEN/EL0VCTEN/
//      EL0VTEN/EL0PTEN on counter and timer accesses (CNTV/CNTP_CVAL_EL0 at
//      EL0 are CNTHV/CNTHP_CVAL_EL2), TPIDR_EL0.
//   5. Back to E2H = 0: the EL1 names at EL2 reach the EL1 registers again.
//
// Nothing profile-dependent is printed: counters only as "trapped or not"
// (the runtime's line), SCTLR_EL1 without ITD/SED (RES1 without AArch32 EL0,
// as on nvlab; writable on QEMU's -cpu max), CNTKCTL/CNTHCTL masked to the
// fields both QEMU 7.2 and a v8.6 PE implement, timer CTL without ISTATUS
// (UNKNOWN while the timer is disabled). The _EL12 names are only used with
// E2H = 1 (QEMU 7.2 also allows them with E2H = 0, docs/qemu-deviations.md
// section 5). No FP/SIMD instruction is executed (CPTR_EL2 changes layout
// with E2H).
    .include "macros.inc"

    .equ HCR_E2H, 1 << 34
    .equ HCR_TID3, 1 << 18
    .equ HCR_TTLB, 1 << 25
    .equ HCR_TVM, 1 << 26
    .equ HCR_TRVM, 1 << 30
    .equ HCR_VHE, HCR_RW | HCR_E2H
    .equ HCR_HOST, HCR_RW | HCR_E2H | HCR_TGE
    .equ HCR_TRAPS, HCR_TID3 | HCR_TVM | HCR_TRVM | HCR_TSC | HCR_TWI | HCR_TTLB

    // CNTHCTL_EL2 with E2H = 1 (CNTKCTL_EL1 layout plus EL1PCTEN/EL1PTEN).
    .equ CNT_EL0PCTEN, 1 << 0
    .equ CNT_EL0VCTEN, 1 << 1
    .equ CNT_EVNTEN, 1 << 2
    .equ CNT_EVNTDIR, 1 << 3
    .equ CNT_EL0VTEN, 1 << 8
    .equ CNT_EL0PTEN, 1 << 9
    .equ CNT_EL1PCTEN, 1 << 10
    .equ CNT_EL1PTEN, 1 << 11
    .equ CNTHCTL_MASK, 0xfff            // up to EL1PTEN (bit 12 on is ECV and later)
    // CNTKCTL_EL1 up to EL0PTEN. Its bits 10 and 11 (EL1PCTEN/EL1PTEN) exist
    // only with FEAT_NV2p1, which neither QEMU 7.2 nor nvlab implements, but
    // QEMU stores them when written (nvlab: RES0, read as 0); 17 is FEAT_ECV.
    .equ CNTKCTL_MASK, 0x3ff

    // Values written through the _EL12 names (EL1 registers).
    .equ V_VBAR12, 0x0000000012345800
    .equ V_TTBR0_12, 0x00a1000041234000
    .equ V_TTBR1_12, 0x00b2000042345000
    .equ V_CTXID12, 0x1a2b3c4d
    // TCR_EL1: T0SZ = 25, T1SZ = 28, WB walks, Inner Shareable, TG0 = 4K,
    // TG1 = 4K, IPS = 40 bits (v8.0 fields only; the MMU stays off).
    .equ V_TCR12, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (28 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32)
    .equ V_MAIR12, 0x0000bbff440c0400
    .equ V_ELR12, 0x123456789abcdef0
    .equ V_SPSR12, 0x600003c4           // Z, C, DAIF, EL1t
    // SCTLR_EL1: RES1 bits, DZE, UCT, nTWI, nTWE, UCI; M = 0.
    .equ V_SCTLR12, SCTLR_EL1_INIT | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26)
    .equ SCTLR_ITD_SED, 0x180
    .equ V_CNTKCTL12, 0x2a5             // EL0PCTEN, EVNTEN, EVNTI = 10, EL0PTEN
    // Values for the EL2 registers.
    .equ V_CTXID2, 0x55aa1234
    .equ V_TTBR1_2, 0x00c3000043456000
    .equ V_TTBR0_2, 0x00d4000044567000
    .equ V_MAIR2, 0x00000000004404ff
    .equ V_ELR2, 0x0fedcba987654320
    .equ V_SPSR2, 0x900003c9            // N, V, DAIF, EL2h
    // Values EL1 writes.
    .equ V_CTXID1, 0x00c0ffee
    .equ V_TTBR0_1, 0x00e5000045678000
    .equ V_CNTKCTL1, 0x0f3              // EL0PCTEN, EL0VCTEN, EVNTI = 15
    .equ MARK, 0x0badc0de0badc0de

.macro AT_EL1 fn, arg=0
    adr     x0, \fn
    MOV64   x1, \arg
    bl      run_el1
.endm

.macro AT_EL0 fn, arg=0
    adr     x0, \fn
    MOV64   x1, \arg
    bl      run_el0
.endm

.macro SET_HCR value
    MOV64   x1, \value
    msr     hcr_el2, x1
    isb
.endm

.macro SET_CNTHCTL value
    MOV64   x1, \value
    msr     cnthctl_el2, x1
    isb
.endm

// Write reg through one name, print it read back through two others.
.macro RD2 label, ra, rb
    mrs     x1, \ra
    mrs     x2, \rb
    PXX     "\label", x1, x2
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    mrs     x19, cnthctl_el2            // restored at the end, not printed

    PUTLN   "== E2H = 1, TGE = 0"
    SET_HCR HCR_VHE
    mrs     x1, hcr_el2
    PX      "hcr_el2", x1

    // --- 1. EL1 registers through the _EL12 names -----------------------
    PUTLN   "== EL1 registers through the _EL12 names"
    MOV64   x1, V_VBAR12
    msr     vbar_el12, x1
    MOV64   x1, V_TTBR0_12
    msr     ttbr0_el12, x1
    MOV64   x1, V_TTBR1_12
    msr     ttbr1_el12, x1
    MOV64   x1, V_CTXID12
    msr     contextidr_el12, x1
    MOV64   x1, V_TCR12
    msr     tcr_el12, x1
    MOV64   x1, V_MAIR12
    msr     mair_el12, x1
    MOV64   x1, V_ELR12
    msr     elr_el12, x1
    MOV64   x1, V_SPSR12
    msr     spsr_el12, x1
    MOV64   x1, V_SCTLR12
    msr     sctlr_el12, x1
    MOV64   x1, V_CNTKCTL12
    msr     cntkctl_el12, x1
    isb
    mrs     x1, vbar_el12
    PX      "vbar_el12", x1
    mrs     x1, ttbr0_el12
    PX      "ttbr0_el12", x1
    mrs     x1, ttbr1_el12
    PX      "ttbr1_el12", x1
    mrs     x1, contextidr_el12
    PX      "contextidr_el12", x1
    mrs     x1, tcr_el12
    PX      "tcr_el12", x1
    mrs     x1, mair_el12
    PX      "mair_el12", x1
    mrs     x1, elr_el12
    PX      "elr_el12", x1
    mrs     x1, spsr_el12
    PX      "spsr_el12", x1
    mrs     x1, sctlr_el12
    bic     x1, x1, #SCTLR_ITD_SED
    PX      "sctlr_el12 (ITD, SED masked)", x1
    mrs     x1, cntkctl_el12
    and     x1, x1, #CNTKCTL_MASK
    PX      "cntkctl_el12", x1

    PUTLN   "== EL1 names at EL2 reach the EL2 registers"
    MOV64   x1, V_CTXID2
    msr     contextidr_el2, x1
    MOV64   x1, V_TTBR1_2
    msr     ttbr1_el2, x1
    isb
    RD2     "contextidr_el1, contextidr_el12", contextidr_el1, contextidr_el12
    RD2     "ttbr1_el1, ttbr1_el12", ttbr1_el1, ttbr1_el12
    // Writes through the EL1 names land in the EL2 registers.
    MOV64   x1, V_TTBR0_2
    msr     ttbr0_el1, x1
    MOV64   x1, V_MAIR2
    msr     mair_el1, x1
    MOV64   x1, V_ELR2
    msr     elr_el1, x1
    MOV64   x1, V_SPSR2
    msr     spsr_el1, x1
    isb
    RD2     "msr ttbr0_el1: ttbr0_el2, ttbr0_el12", ttbr0_el2, ttbr0_el12
    RD2     "msr mair_el1: mair_el2, mair_el12", mair_el2, mair_el12
    RD2     "msr elr_el1: elr_el2, elr_el12", elr_el2, elr_el12
    RD2     "msr spsr_el1: spsr_el2, spsr_el12", spsr_el2, spsr_el12
    // VBAR_EL1 at EL2 is VBAR_EL2: still the runtime's EL2 vectors.
    mrs     x1, vbar_el1
    ldr     x2, =vectors_el2
    sub     x1, x1, x2
    PX      "vbar_el1 - vectors_el2", x1
    mrs     x1, vbar_el2
    sub     x1, x1, x2
    PX      "vbar_el2 - vectors_el2", x1
    // SCTLR_EL1/TCR_EL1 at EL2 are SCTLR_EL2/TCR_EL2 (compared, not printed:
    // their RES1 bits depend on the profile).
    mrs     x1, sctlr_el1
    mrs     x2, sctlr_el2
    cmp     x1, x2
    cset    x1, eq
    PX      "sctlr_el1 == sctlr_el2", x1
    mrs     x1, sctlr_el1
    mrs     x2, sctlr_el12
    cmp     x1, x2
    cset    x1, eq
    PX      "sctlr_el1 == sctlr_el12", x1
    mrs     x1, tcr_el1
    mrs     x2, tcr_el2
    cmp     x1, x2
    cset    x1, eq
    PX      "tcr_el1 == tcr_el2", x1
    // The runtime's EL1 vectors back in VBAR_EL1, through VBAR_EL12.
    ldr     x1, =vectors_el1
    msr     vbar_el12, x1
    isb
    mrs     x1, vbar_el12
    ldr     x2, =vectors_el1
    sub     x1, x1, x2
    PX      "vbar_el12 - vectors_el1", x1

    PUTLN   "== timers: CNTV/CNTP at EL2 are CNTHV/CNTHP, _EL02 the EL1 timers"
    mov     x1, #2                      // IMASK, ENABLE = 0
    msr     cntv_ctl_el0, x1            // CNTHV_CTL_EL2
    msr     cntp_ctl_el0, x1            // CNTHP_CTL_EL2
    msr     cntv_ctl_el02, xzr
    msr     cntp_ctl_el02, xzr
    MOV64   x1, 0x1111222233334444
    msr     cntv_cval_el0, x1           // CNTHV_CVAL_EL2
    MOV64   x1, 0x5555666677778888
    msr     cntv_cval_el02, x1
    MOV64   x1, 0x0123012301230123
    msr     cntp_cval_el0, x1           // CNTHP_CVAL_EL2
    MOV64   x1, 0x4567456745674567
    msr     cntp_cval_el02, x1
    isb
    RD2     "cnthv_cval_el2, cntv_cval_el02", cnthv_cval_el2, cntv_cval_el02
    RD2     "cnthp_cval_el2, cntp_cval_el02", cnthp_cval_el2, cntp_cval_el02
    RD2     "cntv_cval_el0, cntp_cval_el0 at EL2", cntv_cval_el0, cntp_cval_el0
    mrs     x1, cnthv_ctl_el2
    mrs     x2, cntv_ctl_el02
    and     x1, x1, #3
    and     x2, x2, #3
    PXX     "cnthv_ctl_el2, cntv_ctl_el02 (ENABLE, IMASK)", x1, x2
    mrs     x1, cnthp_ctl_el2
    mrs     x2, cntp_ctl_el02
    and     x1, x1, #3
    and     x2, x2, #3
    PXX     "cnthp_ctl_el2, cntp_ctl_el02 (ENABLE, IMASK)", x1, x2

    // --- 2. CNTHCTL_EL2 through CNTKCTL_EL1 -----------------------------
    PUTLN   "== CNTHCTL_EL2 through CNTKCTL_EL1 (E2H = 1)"
    MOV64   x1, CNT_EL0PCTEN | CNT_EVNTEN | CNT_EVNTDIR | (10 << 4) | CNT_EL0VTEN | CNT_EL1PCTEN | CNT_EL1PTEN
    msr     cntkctl_el1, x1
    isb
    mrs     x1, cnthctl_el2
    mrs     x2, cntkctl_el1
    and     x1, x1, #CNTHCTL_MASK
    and     x2, x2, #CNTHCTL_MASK
    PXX     "msr cntkctl_el1: cnthctl_el2, cntkctl_el1", x1, x2
    MOV64   x1, CNT_EL0VCTEN | (5 << 4) | CNT_EL0PTEN | CNT_EL1PCTEN
    msr     cnthctl_el2, x1
    isb
    mrs     x1, cnthctl_el2
    mrs     x2, cntkctl_el1
    and     x1, x1, #CNTHCTL_MASK
    and     x2, x2, #CNTHCTL_MASK
    PXX     "msr cnthctl_el2: cnthctl_el2, cntkctl_el1", x1, x2
    mrs     x1, cntkctl_el12
    and     x1, x1, #CNTKCTL_MASK
    PX      "cntkctl_el12 (unchanged)", x1

    // --- 3. EL1 with E2H = 1, TGE = 0 -----------------------------------
    PUTLN   "== EL1 (E2H = 1, TGE = 0): its registers are the _EL12 ones"
    SET_CNTHCTL CNT_EL1PCTEN | CNT_EL1PTEN
    AT_EL1  el1_regs, 0x11
    PX      "el1_regs returned", x0
    mrs     x1, contextidr_el12
    PX      "contextidr_el12 after EL1's write", x1
    mrs     x1, ttbr0_el12
    PX      "ttbr0_el12 after EL1's write", x1
    mrs     x1, cntkctl_el12
    and     x1, x1, #CNTKCTL_MASK
    PX      "cntkctl_el12 after EL1's write", x1
    mrs     x1, contextidr_el1
    PX      "contextidr_el1 at EL2 (still CONTEXTIDR_EL2)", x1

    PUTLN   "== EL1 with TID3, TVM, TRVM, TSC, TWI, TTLB"
    SET_HCR HCR_VHE | HCR_TRAPS
    AT_EL1  el1_traps
    SET_HCR HCR_VHE
    mrs     x1, sctlr_el12
    bic     x1, x1, #SCTLR_ITD_SED
    PX      "sctlr_el12 after the trapped msr", x1
    mrs     x1, ttbr0_el12
    PX      "ttbr0_el12 after the trapped msr", x1
    PUTLN   "== the same EL1 accesses without the traps"
    AT_EL1  el1_untrapped
    PX      "el1_untrapped returned", x0
    mrs     x1, sctlr_el12
    bic     x1, x1, #SCTLR_ITD_SED
    PX      "sctlr_el12", x1
    mrs     x1, ttbr0_el12
    PX      "ttbr0_el12", x1

    PUTLN   "== EL1 counters and timers: CNTHCTL_EL2.EL1PCTEN = EL1PTEN = 0"
    SET_CNTHCTL 0
    AT_EL1  el1_counters
    PUTLN   "== EL1 counters and timers: CNTHCTL_EL2.EL1PCTEN = EL1PTEN = 1"
    SET_CNTHCTL CNT_EL1PCTEN | CNT_EL1PTEN
    AT_EL1  el1_counters
    // The same enables written through the CNTKCTL_EL1 name at EL2.
    PUTLN   "== EL1 counters and timers: EL1PCTEN = EL1PTEN = 1 through CNTKCTL_EL1"
    SET_CNTHCTL 0
    mov     x1, #(CNT_EL1PCTEN | CNT_EL1PTEN)
    msr     cntkctl_el1, x1
    isb
    AT_EL1  el1_counters

    PUTLN   "== guest EL0 (E2H = 1, TGE = 0): CNTKCTL_EL1 = EL0PCTEN | EL0VCTEN, CNTHCTL_EL2.EL1PCTEN = 0"
    mov     x1, #(CNT_EL0PCTEN | CNT_EL0VCTEN)
    msr     cntkctl_el12, x1
    SET_CNTHCTL 0
    AT_EL0  el0_guest
    PUTLN   "== guest EL0: CNTHCTL_EL2.EL1PCTEN = 1"
    SET_CNTHCTL CNT_EL1PCTEN
    AT_EL0  el0_guest
    PUTLN   "== guest EL0: CNTKCTL_EL1 = 0"
    msr     cntkctl_el12, xzr
    isb
    AT_EL0  el0_guest

    // --- 4. Host EL0 with E2H = TGE = 1 ---------------------------------
    PUTLN   "== E2H = 1, TGE = 1"
    SET_HCR HCR_HOST
    mrs     x1, hcr_el2
    PX      "hcr_el2", x1
    PUTLN   "== host EL0: CNTHCTL_EL2 EL0 enables clear (CNTKCTL_EL1 all set)"
    mov     x1, #(CNT_EL0PCTEN | CNT_EL0VCTEN | CNT_EL0VTEN | CNT_EL0PTEN)
    msr     cntkctl_el12, x1
    SET_CNTHCTL CNT_EL1PCTEN | CNT_EL1PTEN
    AT_EL0  el0_host, 0x7e57000011112222
    PX      "el0_host returned", x0
    PUTLN   "== host EL0: CNTHCTL_EL2.EL0PCTEN, EL0VCTEN, EL0VTEN, EL0PTEN set (CNTKCTL_EL1 clear)"
    msr     cntkctl_el12, xzr
    SET_CNTHCTL CNT_EL0PCTEN | CNT_EL0VCTEN | CNT_EL0VTEN | CNT_EL0PTEN
    AT_EL0  el0_host, 0x7e57000033334444
    PX      "el0_host returned", x0
    mrs     x1, tpidr_el0
    PX      "tpidr_el0 at EL2", x1
    // The _EL12 names still reach EL1 with TGE = 1.
    mrs     x1, contextidr_el12
    PX      "contextidr_el12 (TGE = 1)", x1

    // --- 5. Back to E2H = 0 ---------------------------------------------
    PUTLN   "== E2H = 0"
    SET_HCR HCR_RW
    msr     cnthctl_el2, x19
    isb
    mrs     x1, hcr_el2
    PX      "hcr_el2", x1
    RD2     "contextidr_el1, contextidr_el2", contextidr_el1, contextidr_el2
    RD2     "ttbr0_el1, ttbr0_el2", ttbr0_el1, ttbr0_el2
    mrs     x1, vbar_el1
    ldr     x2, =vectors_el1
    sub     x1, x1, x2
    PX      "vbar_el1 - vectors_el1", x1
    AT_EL1  el1_ctxid
    PX      "contextidr_el1 at EL1", x0
    PUTLN   "done"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
// EL1 code (E2H = 1, TGE = 0).

// Reads the EL1 registers EL2 wrote through _EL12, writes some of them,
// takes an SVC to EL1 and tries the _EL12 names (UNDEFINED at EL1).
el1_regs:
    stp     x29, x30, [sp, #-16]!
    mov     x19, x0
    PX      "arg", x19
    mrs     x1, CurrentEL
    PX      "CurrentEL", x1
    mrs     x1, vbar_el1
    ldr     x2, =vectors_el1
    sub     x1, x1, x2
    PX      "vbar_el1 - vectors_el1", x1
    mrs     x1, contextidr_el1
    PX      "contextidr_el1", x1
    mrs     x1, ttbr0_el1
    PX      "ttbr0_el1", x1
    mrs     x1, ttbr1_el1
    PX      "ttbr1_el1", x1
    mrs     x1, tcr_el1
    PX      "tcr_el1", x1
    mrs     x1, mair_el1
    PX      "mair_el1", x1
    mrs     x1, elr_el1
    PX      "elr_el1", x1
    mrs     x1, spsr_el1
    PX      "spsr_el1", x1
    mrs     x1, sctlr_el1
    bic     x1, x1, #SCTLR_ITD_SED
    PX      "sctlr_el1 (ITD, SED masked)", x1
    mrs     x1, cntkctl_el1
    and     x1, x1, #CNTKCTL_MASK
    PX      "cntkctl_el1", x1
    MOV64   x1, V_CTXID1
    msr     contextidr_el1, x1
    MOV64   x1, V_TTBR0_1
    msr     ttbr0_el1, x1
    mov     x1, #V_CNTKCTL1
    msr     cntkctl_el1, x1
    isb
    svc     #7
    MOV64   x1, MARK
    mrs     x1, contextidr_el12
    msr     sctlr_el12, x1
    mrs     x1, cntkctl_el12
    mrs     x1, contextidr_el2
    PX      "x1 after the UNDEFINED accesses", x1
    add     x0, x19, #1
    ldp     x29, x30, [sp], #16
    ret

// Every access traps to EL2; the trapped MRS leave their targets unchanged,
// the trapped MSR do not write.
el1_traps:
    stp     x29, x30, [sp, #-16]!
    MOV64   x1, MARK
    mov     x2, x1
    mov     x3, x1
    mrs     x1, id_aa64mmfr0_el1        // TID3
    mrs     x2, sctlr_el1               // TRVM
    mrs     x3, contextidr_el1          // TRVM
    PXX     "x1, x2 after trapped mrs", x1, x2
    PX      "x3 after trapped mrs", x3
    MOV64   x4, V_SCTLR12 & ~(1 << 26)
    msr     sctlr_el1, x4               // TVM
    MOV64   x4, 0x00ff000046789000
    msr     ttbr0_el1, x4               // TVM
    adr     x1, 1f
    PX      "smc at", x1
1:  smc     #0x33                       // TSC
    wfi                                 // TWI
    tlbi    vmalle1                     // TTLB
    dsb     ish
    hvc     #0x42
    ldp     x29, x30, [sp], #16
    ret

el1_untrapped:
    stp     x29, x30, [sp, #-16]!
    mrs     x2, sctlr_el1
    bic     x2, x2, #SCTLR_ITD_SED
    PX      "sctlr_el1", x2
    mrs     x3, contextidr_el1
    PX      "contextidr_el1", x3
    MOV64   x4, V_SCTLR12 & ~(1 << 26)
    msr     sctlr_el1, x4
    MOV64   x4, 0x00ff000046789000
    msr     ttbr0_el1, x4
    tlbi    vmalle1
    dsb     ish
    isb
    mrs     x2, sctlr_el1
    bic     x2, x2, #SCTLR_ITD_SED
    PX      "sctlr_el1 after msr", x2
    mrs     x2, ttbr0_el1
    PX      "ttbr0_el1 after msr", x2
    mov     x0, #0x99
    ldp     x29, x30, [sp], #16
    ret

// EL1 physical counter and timer (CNTHCTL_EL2.EL1PCTEN/EL1PTEN under E2H);
// the virtual counter is not trapped. Counter values are not printed.
el1_counters:
    stp     x29, x30, [sp, #-16]!
    mrs     x1, cntpct_el0
    PUTLN   "after mrs cntpct_el0"
    mrs     x1, cntvct_el0
    PUTLN   "after mrs cntvct_el0"
    MOV64   x1, MARK
    mrs     x1, cntp_ctl_el0
    PX      "cntp_ctl_el0 (or the mark if trapped)", x1
    MOV64   x1, MARK
    mrs     x1, cntv_ctl_el0
    and     x1, x1, #3
    PX      "cntv_ctl_el0 (ENABLE, IMASK)", x1
    ldp     x29, x30, [sp], #16
    ret

el1_ctxid:
    mrs     x0, contextidr_el1
    ret

// ---------------------------------------------------------------------------
// EL0 code.

// The guest's EL0 (TGE = 0): SVC to EL1, counters under CNTKCTL_EL1 and
// (physical) CNTHCTL_EL2.EL1PCTEN.
el0_guest:
    stp     x29, x30, [sp, #-16]!
    svc     #9
    mrs     x1, cntpct_el0
    PUTLN   "after mrs cntpct_el0"
    mrs     x1, cntvct_el0
    PUTLN   "after mrs cntvct_el0"
    ldp     x29, x30, [sp], #16
    ret

// The host's EL0 (E2H = TGE = 1): SVC to EL2, counters and timers under
// CNTHCTL_EL2, TPIDR_EL0 round trip of the argument.
el0_host:
    stp     x29, x30, [sp, #-16]!
    mov     x19, x0
    svc     #5
    mrs     x1, cntvct_el0
    PUTLN   "after mrs cntvct_el0"
    mrs     x1, cntpct_el0
    PUTLN   "after mrs cntpct_el0"
    MOV64   x1, MARK
    mrs     x1, cntv_cval_el0           // CNTHV_CVAL_EL2
    PX      "cntv_cval_el0 (or the mark if trapped)", x1
    MOV64   x1, MARK
    mrs     x1, cntp_cval_el0           // CNTHP_CVAL_EL2
    PX      "cntp_cval_el0 (or the mark if trapped)", x1
    msr     tpidr_el0, x19
    mrs     x0, tpidr_el0
    ldp     x29, x30, [sp], #16
    ret
