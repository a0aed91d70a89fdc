// nested-vmids: a non-VHE hypervisor (E2H = 0) that switches its guest
// between several stage 2s and VMIDs and maintains them with TLBIs, so that a
// shadow stage-2 MMU that keeps stale entries (a recycled context, a missed
// or too narrow invalidation, a VMID or VTTBR mix-up, HCR_EL2.VM confused)
// reads a different pattern than the architecture says. Under nvlab's L0
// host model (--mode nested, 2 shadow contexts per vCPU) the four stage 2s
// force contexts to be recycled over and over.
//
// The guest runs at EL1 with its stage 1 off (SCTLR_EL1.M = 0), so its
// addresses are IPAs. Every stage 2 maps the same IPA page P = 0x49000000 to
// a different PA and identity-maps the image and the UART:
//
//   T1  4K granule, 39-bit IPA from level 1 (VTCR 0x80023059); P a 4K page
//       -> A; holes at levels 1, 2 and 3; P + 0x2000 AF = 0; P + 0x3000
//       read-only; a spare level 3 table T1_L3B for a table descriptor swap.
//   T2  4K granule, 32-bit IPA from level 2 with 4 concatenated tables; P in a
//       2MB block -> B.
//   T3  64K granule, 32-bit IPA from level 2; P a 64K page -> C.
//   T4  16K granule, 36-bit IPA from level 2; P a 16K page -> D.
//
// Each PA region (and PA P itself, what the guest reads with HCR_EL2.VM = 0)
// holds at every 4K offset o the pattern TAG << 48 | o, and a counter at
// o + 8 that the guest increments (the hypervisor prints the counters at the
// end: they show which PA each store reached).
//
// Tests: VMIDs 1-4 on T1-T4 and back (recycling); VM = 0 runs between VM = 1
// runs; VM toggled under one VMID; T1 and T2 under the same VMID 5 with
// VMALLS12E1IS; break-before-make remaps with IPAS2E1IS (no hint, TTL hints
// for a 16K page, a 2MB, a 32MB 16K-granule and a 512MB 64K-granule block,
// addresses inside blocks), RIPAS2E1IS (4K, 16K and 64K TG), VMALLS12E1IS
// (a table descriptor swapped and back) and ALLE1IS, each followed by
// VMALLE1IS where stage 1+2 entries could be left; TLBIs issued while
// VTTBR_EL2 names another table under the same VMID (a TLBI by VMID covers
// every stage 2 used under it); guest blocks bigger than the 2MB a shadow
// uses, invalidated at one address; stage 2 faults at levels 1, 2 and 3
// (and 0: out of T2's IPA range), access flag and permission faults, in
// the 4K, 16K and 64K tables, then the holes filled (invalid to valid: no
// TLBI needed), AF set (an entry that faults is never cached: none needed),
// S2AP RO -> RW (IPAS2E1IS + VMALLE1IS) and RW -> RO (the table swap).
//
// Not covered: TLBI VMALLE1 on its own matters only for stage 1+2 entries,
// and the guest's stage 1 is off; VTCR_EL2.VS (16-bit VMIDs) and CnP.
//
// Only what the Arm ARM fixes is printed:
// - Every stage 2 change is followed by the TLBI the architecture requires
//   before the new value is guaranteed, for every VMID that may hold the old
//   entry; a stage 2 that a VMID used before a change without invalidation
//   for that VMID is not used with it again (T1 and T2 after VMID 5).
// - HCR_EL2.VM and VTCR_EL2 may be cached in a TLB: a VMID that ran with
//   VM = 1 runs with VM = 0 only after TLBI VMALLS12E1IS for it; the
//   VM = 0 runs between VM = 1 runs use VMID 7, never used with VM = 1.
//   Stage 2 is switched with VM = 0 (use_s2) so that VTTBR_EL2 and VTCR_EL2
//   never pair a VMID with another table while stage 2 is on.
// - FEAT_TLBIRANGE (RIPAS2E1IS) and FEAT_TTL (the IPAS2E1IS hints) are
//   implemented by both QEMU 7.2 -cpu max (docs/system/arm/emulation.rst)
//   and nvlab's profile (emulator/arch/cpu-profile.ts), so they are used
//   without looking at ID registers; hints always name the right level.
// - HPFAR_EL2 is printed (mmu/faults.inc) for IPAs aligned to the granule.
// - Stage 2 levels and sizes stay clear of docs/qemu-deviations.md section
//   18 (16K/64K start at level 2, IPA sizes below PS = 40 bits).
    .include "macros.inc"
    .include "mmu/faults.inc"

    .equ P, 0x49000000                  // the IPA page every stage 2 maps

    // Stage 2 tables
    .equ T1_L1, 0x48000000
    .equ T1_L2_LOW, 0x48001000
    .equ T1_L2_ID, 0x48002000
    .equ T1_L3, 0x48003000
    .equ T1_L3B, 0x48004000
    .equ T2_ROOT, 0x48010000            // 4 x 4K, 16K aligned
    .equ T3_L2, 0x48020000
    .equ T3_L3, 0x48030000              // 64K
    .equ T4_L2, 0x48040000              // 16K
    .equ T4_L3, 0x48044000              // 16K
    .equ TABLES_END, 0x48050000

    // PA regions (64K apart; B and B2 2MB aligned)
    .equ PA_A, 0x4a000000
    .equ PA_A2, 0x4a010000
    .equ PA_A3, 0x4a020000
    .equ PA_A4, 0x4a030000
    .equ PA_B, 0x4a200000
    .equ PA_B2, 0x4a400000
    .equ PA_C, 0x4a600000
    .equ PA_C2, 0x4a610000
    .equ PA_C3, 0x4a620000
    .equ PA_D, 0x4a800000
    .equ PA_D2, 0x4a810000
    .equ PA_D3, 0x4a820000

    // VTCR_EL2: Non-cacheable walks (the tables are written with the EL2 MMU
    // off), Inner Shareable, PS = 40 bits, RES1 bit 31.
    .equ VTCR_COMMON, (3 << 12) | (2 << 16) | (1 << 31)
    .equ VTCR1, 25 | (1 << 6) | VTCR_COMMON             // 4K, level 1
    .equ VTCR2, 32 | (0 << 6) | VTCR_COMMON             // 4K, level 2, 4 tables
    .equ VTCR3, 32 | (1 << 6) | (1 << 14) | VTCR_COMMON // 64K, level 2
    .equ VTCR4, 28 | (1 << 6) | (2 << 14) | VTCR_COMMON // 16K, level 2

    .equ S2P_RW, D_PAGE | S2_MEM | S2AP_RW | D_AF
    .equ S2P_RO, D_PAGE | S2_MEM | S2AP_RO | D_AF
    .equ S2B_RW, D_BLOCK | S2_MEM | S2AP_RW | D_AF
    .equ S2B_DEV, D_BLOCK | S2_DEV | S2AP_RW | D_AF | S2_XN1

    // TLBI operand fields
    .equ TTL_4K_L2, 0x6 << 44
    .equ TTL_16K_L3, 0xb << 44
    .equ TTL_16K_L2, 0xa << 44
    .equ TTL_64K_L2, 0xe << 44
    .equ TG_4K, 1 << 46
    .equ TG_16K, 2 << 46
    .equ TG_64K, 3 << 46

// USE vttbr_base, vmid, vtcr: the guest's stage 2 (HCR_EL2.VM = 1).
.macro USE base:req, vmid:req, vtcr:req
    MOV64   x0, \base | (\vmid << 48)
    MOV64   x1, \vtcr
    bl      use_s2
.endm

// FLAT vmid: stage 2 off (HCR_EL2.VM = 0) under VMID vmid.
.macro FLAT vmid:req
    MOV64   x0, \vmid << 48
    bl      use_flat
.endm

// VMALLS12: TLBI VMALLS12E1IS for the current VMID.
.macro VMALLS12
    tlbi    vmalls12e1is
    dsb     ish
    isb
.endm

// READ "label", ipa: the guest reads the doubleword at ipa; prints it.
.macro READ label:req, ipa:req
    adr     x0, el1_read
    MOV64   x1, \ipa
    bl      run_el1
    PX      "\label", x0
.endm

// INC "label", ipa: the guest increments the doubleword at ipa; prints the new value.
.macro INC label:req, ipa:req
    adr     x0, el1_inc
    MOV64   x1, \ipa
    bl      run_el1
    PX      "\label", x0
.endm

// FAULT "label", fn, ipa: the guest runs fn(ipa), which takes a stage 2
// abort (the handler prints it and resumes after the access).
.macro FAULT label:req, fn:req, ipa:req
    PUTLN   "\label"
    adr     x0, \fn
    MOV64   x1, \ipa
    bl      run_el1
.endm

// SETDESC addr, value: an invalid descriptor becomes valid (no TLBI needed).
.macro SETDESC addr:req, value:req
    MOV64   x3, \addr
    MOV64   x4, \value
    str     x4, [x3]
    dsb     ish
    isb
.endm

// BBM addr, value, tlbi, xt: break-before-make of the descriptor at addr:
// invalid, DSB, TLBI <tlbi>, xt for the current VMID (then VMALLE1IS for
// the stage 1+2 entries), the new descriptor.
.macro BBM addr:req, value:req, op:req, xt
    MOV64   x3, \addr
    str     xzr, [x3]
    dsb     ish
.ifb \xt
    tlbi    \op
.else
    MOV64   x0, \xt
    tlbi    \op, x0
.endif
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    MOV64   x4, \value
    str     x4, [x3]
    dsb     ish
    isb
.endm

// PCOUNT "label", pa: prints the counter of the PA page (read at EL2).
.macro PCOUNT label:req, pa:req
    MOV64   x0, \pa + 8
    ldr     x0, [x0]
    PX      "\label", x0
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    // Tables zeroed, then written.
    MOV64   x0, 0x48000000
    MOV64   x1, TABLES_END
1:  stp     xzr, xzr, [x0], #16
    cmp     x0, x1
    b.lo    1b
    adr     x0, s2_tables
    bl      write_descs
    // T3: the image, 0x40000000-0x403fffff, as 64 64K pages.
    MOV64   x0, T3_L3
    MOV64   x1, 0x40000000 | S2P_RW
    mov     x2, #64
2:  str     x1, [x0], #8
    add     x1, x1, #0x10000
    subs    x2, x2, #1
    b.ne    2b
    dsb     ish
    // The patterns.
    adr     x5, regions
3:  ldp     x0, x1, [x5], #16
    cbz     x0, 4f
    bl      fill_region
    b       3b
4:  adr     x0, fault_vectors_el2
    msr     vbar_el2, x0
    USE     T1_L1, 1, VTCR1
    tlbi    alle1is
    dsb     ish
    isb

    PUTLN   "== VMIDs 1-4 on T1-T4 and back"
    READ    "VMID 1 T1 4K   P", P
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 4K/2 P", P
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 64K  P", P
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 16K  P", P
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 4K   P", P
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 64K  P", P
    READ    "VMID 3 T3 64K  P+0xf000", P + 0xf000
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 4K/2 P+0xf000", P + 0xf000
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 16K  P+0x3000", P + 0x3000
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 4K   P+0x3000 (read-only)", P + 0x3000
    INC     "VMID 1 T1 inc P+8", P + 8
    USE     T2_ROOT, 2, VTCR2
    INC     "VMID 2 T2 inc P+8", P + 8
    USE     T3_L2, 3, VTCR3
    INC     "VMID 3 T3 inc P+8", P + 8
    USE     T4_L2, 4, VTCR4
    INC     "VMID 4 T4 inc P+8", P + 8
    USE     T2_ROOT, 2, VTCR2
    INC     "VMID 2 T2 inc P+8", P + 8
    USE     T1_L1, 1, VTCR1
    INC     "VMID 1 T1 inc P+8", P + 8
    USE     T4_L2, 4, VTCR4
    INC     "VMID 4 T4 inc P+8", P + 8

    PUTLN   "== HCR_EL2.VM = 0 runs (VMID 7) between VM = 1 runs"
    FLAT    7
    READ    "VM=0 VMID 7    P", P
    INC     "VM=0 VMID 7 inc P+8", P + 8
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 4K/2 P", P
    FLAT    7
    READ    "VM=0 VMID 7    P+0x3000", P + 0x3000
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 16K  P", P
    FLAT    7
    READ    "VM=0 VMID 7    P", P
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 4K   P", P
    INC     "VMID 1 T1 inc P+8", P + 8

    PUTLN   "== HCR_EL2.VM toggled under VMID 3 (T3), TLBI VMALLS12E1IS after each change"
    USE     T3_L2, 3, VTCR3
    READ    "VM=1 VMID 3 T3 P", P
    mrs     x0, hcr_el2
    bic     x0, x0, #HCR_VM
    msr     hcr_el2, x0
    isb
    VMALLS12
    READ    "VM=0 VMID 3    P", P
    INC     "VM=0 VMID 3 inc P+8", P + 8
    mrs     x0, hcr_el2
    orr     x0, x0, #HCR_VM
    msr     hcr_el2, x0
    isb
    VMALLS12
    READ    "VM=1 VMID 3 T3 P", P
    INC     "VM=1 VMID 3 T3 inc P+8", P + 8
    mrs     x0, hcr_el2
    bic     x0, x0, #HCR_VM
    msr     hcr_el2, x0
    isb
    VMALLS12
    READ    "VM=0 VMID 3    P+0xf000", P + 0xf000
    mrs     x0, hcr_el2
    orr     x0, x0, #HCR_VM
    msr     hcr_el2, x0
    isb
    VMALLS12
    READ    "VM=1 VMID 3 T3 P+0xf000", P + 0xf000

    PUTLN   "== VMID 5: T1 and T2, TLBI VMALLS12E1IS after each switch"
    USE     T1_L1, 5, VTCR1
    VMALLS12
    READ    "VMID 5 T1 P", P
    USE     T2_ROOT, 5, VTCR2
    VMALLS12
    READ    "VMID 5 T2 P", P
    READ    "VMID 5 T2 P+0xf000", P + 0xf000
    USE     T1_L1, 5, VTCR1
    VMALLS12
    READ    "VMID 5 T1 P", P
    INC     "VMID 5 T1 inc P+8", P + 8
    USE     T2_ROOT, 5, VTCR2
    VMALLS12
    INC     "VMID 5 T2 inc P+8", P + 8
    // From here on VMID 5 may hold T2 entries: it is not used again.

    PUTLN   "== T1 (VMID 1): P remapped, TLBI IPAS2E1IS + VMALLE1IS"
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P before", P
    BBM     T1_L3, PA_A2 | S2P_RW, ipas2e1is, P >> 12
    READ    "VMID 1 T1 P after (A2)", P
    READ    "VMID 1 T1 P+0x3000 (unchanged)", P + 0x3000

    PUTLN   "== T1 (VMID 1): P remapped, TLBI RIPAS2E1IS 4K pages P..P+1 + VMALLE1IS"
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 P", P
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P before", P
    BBM     T1_L3, PA_A3 | S2P_RW, ripas2e1is, TG_4K | (P >> 12)
    READ    "VMID 1 T1 P after (A3)", P
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 P", P
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P again", P
    PUTLN   "== T1 (VMID 1): P remapped, TLBI RIPAS2E1IS 4K pages P-1..P+2 + VMALLE1IS"
    BBM     T1_L3, PA_A2 | S2P_RW, ripas2e1is, TG_4K | (1 << 39) | ((P - 0x1000) >> 12)
    READ    "VMID 1 T1 P after (A2)", P
    BBM     T1_L3, PA_A3 | S2P_RW, ripas2e1is, TG_4K | (1 << 39) | ((P - 0x1000) >> 12)
    READ    "VMID 1 T1 P after (A3)", P

    // A TLBI by VMID applies to every stage 2 used under that VMID, not
    // only to the table VTTBR_EL2 names when it executes.
    PUTLN   "== T1 (VMID 1): P remapped, TLBI IPAS2E1IS + VMALLE1IS with VTTBR_EL2 = T2, VMID 1 (stage 2 off)"
    MOV64   x0, T2_ROOT | (1 << 48)
    bl      use_flat
    BBM     T1_L3, PA_A2 | S2P_RW, ipas2e1is, P >> 12
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P after (A2)", P
    MOV64   x0, T4_L2 | (1 << 48)
    bl      use_flat
    BBM     T1_L3, PA_A3 | S2P_RW, ripas2e1is, TG_4K | (P >> 12)
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P after RIPAS2E1IS with VTTBR_EL2 = T4 (A3)", P

    PUTLN   "== T1 (VMID 1): P's level 3 table swapped, TLBI VMALLS12E1IS"
    READ    "VMID 1 T1 P+0x3000 before", P + 0x3000
    MOV64   x3, T1_L2_ID + 72 * 8
    str     xzr, [x3]
    dsb     ish
    VMALLS12
    MOV64   x4, T1_L3B | D_TABLE
    str     x4, [x3]
    dsb     ish
    isb
    READ    "VMID 1 T1 P after (A4)", P
    READ    "VMID 1 T1 P+0x3000 after (A4, read/write)", P + 0x3000
    INC     "VMID 1 T1 inc P+0x3008", P + 0x3008
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 P", P
    PUTLN   "== T1 (VMID 1): the table swapped back, TLBI VMALLS12E1IS with VTTBR_EL2 = T3, VMID 1 (stage 2 off)"
    MOV64   x0, T3_L2 | (1 << 48)
    bl      use_flat
    MOV64   x3, T1_L2_ID + 72 * 8
    str     xzr, [x3]
    dsb     ish
    VMALLS12
    MOV64   x4, T1_L3 | D_TABLE
    str     x4, [x3]
    dsb     ish
    isb
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P after swapping back (A3)", P
    READ    "VMID 1 T1 P+0x3000 after swapping back (A, read-only)", P + 0x3000
    FAULT   "str P+0x3008 (read-only again)", el1_write, P + 0x3008

    PUTLN   "== T3 (VMID 3): P remapped under VMID 1, TLBI ALLE1IS"
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 P before", P
    READ    "VMID 3 T3 P+0xf000 before", P + 0xf000
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P", P
    BBM     T3_L3 + 0x900 * 8, PA_C2 | S2P_RW, alle1is
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 P after (C2)", P
    READ    "VMID 3 T3 P+0xf000 after (C2)", P + 0xf000

    PUTLN   "== T3 (VMID 3): P remapped, TLBI RIPAS2E1IS 64K pages P..P+1 + VMALLE1IS"
    READ    "VMID 3 T3 P+0xf000 before", P + 0xf000
    BBM     T3_L3 + 0x900 * 8, PA_C3 | S2P_RW, ripas2e1is, TG_64K | (P >> 16)
    READ    "VMID 3 T3 P+0xf000 after (C3)", P + 0xf000
    READ    "VMID 3 T3 P after (C3)", P

    PUTLN   "== T4 (VMID 4): P remapped, TLBI IPAS2E1IS TTL = 16K level 3 + VMALLE1IS"
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 P+0x3000 before", P + 0x3000
    READ    "VMID 4 T4 P before", P
    BBM     T4_L3 + 1024 * 8, PA_D2 | S2P_RW, ipas2e1is, TTL_16K_L3 | (P >> 12)
    READ    "VMID 4 T4 P+0x3000 after (D2)", P + 0x3000
    READ    "VMID 4 T4 P after (D2)", P
    PUTLN   "== T4 (VMID 4): P remapped, TLBI RIPAS2E1IS 16K pages P..P+1 + VMALLE1IS"
    READ    "VMID 4 T4 P+0x2000 before", P + 0x2000
    BBM     T4_L3 + 1024 * 8, PA_D3 | S2P_RW, ripas2e1is, TG_16K | (P >> 14)
    READ    "VMID 4 T4 P+0x2000 after (D3)", P + 0x2000
    READ    "VMID 4 T4 P+0x3000 after (D3)", P + 0x3000

    PUTLN   "== T2 (VMID 2): P's 2MB block remapped, TLBI IPAS2E1IS inside the block + VMALLE1IS"
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 P+0xf000 before", P + 0xf000
    READ    "VMID 2 T2 P before", P
    BBM     T2_ROOT + 584 * 8, PA_B2 | S2B_RW, ipas2e1is, (P + 0x100000) >> 12
    READ    "VMID 2 T2 P+0xf000 after (B2)", P + 0xf000
    READ    "VMID 2 T2 P after (B2)", P
    PUTLN   "== T2 (VMID 2): back to B, TLBI IPAS2E1IS TTL = 4K level 2 inside the block + VMALLE1IS"
    BBM     T2_ROOT + 584 * 8, PA_B | S2B_RW, ipas2e1is, TTL_4K_L2 | ((P + 0x1ff000) >> 12)
    READ    "VMID 2 T2 P+0xf000 after (B)", P + 0xf000
    INC     "VMID 2 T2 inc P+8", P + 8

    PUTLN   "== all stage 2s again"
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P", P
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 P", P
    USE     T3_L2, 3, VTCR3
    READ    "VMID 3 T3 P", P
    USE     T4_L2, 4, VTCR4
    READ    "VMID 4 T4 P", P
    USE     T4_L2, 0, VTCR4
    READ    "VMID 0 T4 P", P
    FLAT    7
    READ    "VM=0 VMID 7 P", P
    USE     T3_L2, 6, VTCR3
    READ    "VMID 6 T3 P", P
    USE     T2_ROOT, 2, VTCR2
    READ    "VMID 2 T2 P", P
    USE     T1_L1, 1, VTCR1
    READ    "VMID 1 T1 P", P

    PUTLN   "== stage 2 faults: T1 (4K, from level 1)"
    FAULT   "ldr level 1 hole (0xc0000000)", el1_read, 0xc0000000 + 0x10
    FAULT   "ldr level 2 hole (0x40400000)", el1_read, 0x40400000 + 0x20
    FAULT   "ldr level 3 hole (P+0x1000)", el1_read, P + 0x1000 + 0x30
    FAULT   "ldr AF = 0 (P+0x2000)", el1_read, P + 0x2000
    FAULT   "str read-only (P+0x3000)", el1_write, P + 0x3008
    READ    "P+0x3008 after the failed store", P + 0x3008
    PUTLN   "== the holes filled (no TLBI), AF set (no TLBI), RO -> RW (IPAS2E1IS + VMALLE1IS)"
    SETDESC T1_L1 + 3 * 8, 0x40000000 | S2B_RW
    READ    "0xca000000 (1GB block at level 1 -> A)", 0xca000000
    SETDESC T1_L2_ID + 2 * 8, PA_B | S2B_RW
    READ    "0x4040f000 (2MB block at level 2 -> B)", 0x4040f000
    SETDESC T1_L3 + 1 * 8, (PA_A + 0x1000) | S2P_RW
    READ    "P+0x1000 (-> A+0x1000)", P + 0x1000
    SETDESC T1_L3 + 2 * 8, (PA_A + 0x2000) | S2P_RW
    READ    "P+0x2000 (AF = 1)", P + 0x2000
    MOV64   x3, T1_L3 + 3 * 8
    MOV64   x4, (PA_A + 0x3000) | S2P_RW
    str     x4, [x3]
    dsb     ish
    MOV64   x0, (P + 0x3000) >> 12
    tlbi    ipas2e1is, x0
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    isb
    INC     "VMID 1 T1 inc P+0x3008 (read/write)", P + 0x3008
    PUTLN   "== stage 2 faults: T2 (4K, 32-bit IPA from level 2, concatenated)"
    USE     T2_ROOT, 2, VTCR2
    FAULT   "ldr level 2 hole (0x80000000)", el1_read, 0x80000000
    FAULT   "ldr beyond the 32-bit IPA space (0x100000000)", el1_read, 0x100000000
    PUTLN   "== stage 2 faults: T3 (64K from level 2)"
    USE     T3_L2, 3, VTCR3
    FAULT   "ldr level 2 hole (0x60000000)", el1_read, 0x60000000
    FAULT   "ldr level 3 hole (P+0x10000)", el1_read, P + 0x10000
    FAULT   "str level 3 hole (P+0x10000)", el1_write, P + 0x10008
    PUTLN   "== stage 2 faults: T4 (16K from level 2)"
    USE     T4_L2, 4, VTCR4
    FAULT   "ldr level 2 hole (0x42000000)", el1_read, 0x42000000
    FAULT   "ldr level 3 hole (P+0x4000)", el1_read, P + 0x4000
    SETDESC T4_L3 + 1025 * 8, PA_D | S2P_RW
    READ    "P+0x4000 filled (-> D)", P + 0x4000

    // Blocks larger than the shadow's 2MB: a shadow keeps several pieces of
    // one guest block, and an invalidation of any address in the block must
    // drop them all.
    PUTLN   "== T4 (VMID 4): the level 2 hole filled with a 32MB block, remapped with RIPAS2E1IS at its start"
    SETDESC T4_L2 + 33 * 8, 0x4c000000 | S2B_RW
    READ    "0x42000000 (-> 0x4c000000)", 0x42000000
    READ    "0x43f00000 (-> 0x4df00000)", 0x43f00000
    BBM     T4_L2 + 33 * 8, 0x4e000000 | S2B_RW, ripas2e1is, TG_16K | (0x42000000 >> 14)
    READ    "0x43f00000 after (-> 0x4ff00000)", 0x43f00000
    READ    "0x42000000 after (-> 0x4e000000)", 0x42000000
    PUTLN   "== T4 (VMID 4): back, TLBI IPAS2E1IS TTL = 16K level 2 + VMALLE1IS"
    READ    "0x43f00000 before", 0x43f00000
    BBM     T4_L2 + 33 * 8, 0x4c000000 | S2B_RW, ipas2e1is, TTL_16K_L2 | (0x42000000 >> 12)
    READ    "0x43f00000 after (-> 0x4df00000)", 0x43f00000
    PUTLN   "== T3 (VMID 3): the level 2 hole filled with a 512MB block, remapped with IPAS2E1IS inside it"
    USE     T3_L2, 3, VTCR3
    SETDESC T3_L2 + 3 * 8, 0x60000000 | S2B_RW
    READ    "0x6a000000 (-> 0x6a000000)", 0x6a000000
    READ    "0x7a000000 (-> 0x7a000000)", 0x7a000000
    BBM     T3_L2 + 3 * 8, 0x40000000 | S2B_RW, ipas2e1is, 0x6a000000 >> 12
    READ    "0x7a000000 after (-> 0x5a000000)", 0x7a000000
    READ    "0x6a000000 after (-> 0x4a000000, A)", 0x6a000000
    PUTLN   "== T3 (VMID 3): back, TLBI IPAS2E1IS TTL = 64K level 2 + VMALLE1IS"
    READ    "0x7a000000 before", 0x7a000000
    BBM     T3_L2 + 3 * 8, 0x60000000 | S2B_RW, ipas2e1is, TTL_64K_L2 | (0x60000000 >> 12)
    READ    "0x7a000000 after (-> 0x7a000000)", 0x7a000000

    PUTLN   "== counters (read at EL2 from the PAs)"
    PCOUNT  "PA P ", P
    PCOUNT  "A    ", PA_A
    PCOUNT  "A+3000", PA_A + 0x3000
    PCOUNT  "A2   ", PA_A2
    PCOUNT  "A3   ", PA_A3
    PCOUNT  "A4   ", PA_A4
    PCOUNT  "A4+3000", PA_A4 + 0x3000
    PCOUNT  "B    ", PA_B
    PCOUNT  "B2   ", PA_B2
    PCOUNT  "C    ", PA_C
    PCOUNT  "C2   ", PA_C2
    PCOUNT  "C3   ", PA_C3
    PCOUNT  "D    ", PA_D
    PCOUNT  "D2   ", PA_D2
    PCOUNT  "D3   ", PA_D3

    // Back to the start-up state.
    mov     x0, #HCR_RW
    msr     hcr_el2, x0
    isb
    tlbi    alle1is
    dsb     ish
    isb
    PUTLN   "done"
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// use_s2(x0 = VTTBR_EL2, x1 = VTCR_EL2): switched with stage 2 off, then on.
use_s2:
    mrs     x2, hcr_el2
    bic     x2, x2, #HCR_VM
    msr     hcr_el2, x2
    isb
    msr     vtcr_el2, x1
    msr     vttbr_el2, x0
    isb
    orr     x2, x2, #HCR_VM
    msr     hcr_el2, x2
    isb
    ret

// use_flat(x0 = VTTBR_EL2): stage 2 off, then the VMID.
use_flat:
    mrs     x2, hcr_el2
    bic     x2, x2, #HCR_VM
    msr     hcr_el2, x2
    isb
    msr     vttbr_el2, x0
    isb
    ret

// fill_region(x0 = PA, x1 = tag): 16 pages of 4K, each with TAG << 48 |
// offset at +0 and a zero counter at +8.
fill_region:
    lsl     x1, x1, #48
    mov     x2, #16
1:  str     x1, [x0]
    str     xzr, [x0, #8]
    add     x0, x0, #0x1000
    add     x1, x1, #0x1000
    subs    x2, x2, #1
    b.ne    1b
    ret

// ---------------------------------------------------------------------------
// EL1 (stage 1 off: x0 is an IPA).
el1_read:
    ldr     x0, [x0]
    ret

el1_inc:
    ldr     x1, [x0]
    add     x1, x1, #1
    str     x1, [x0]
    mov     x0, x1
    ret

el1_write:
    str     x0, [x0]
    ret

    FAULT_VECTORS 2
    FAULT_WRITE_DESCS
    FAULT_DATA

    .section .rodata
    .balign 8
regions:
    .quad   P, 0x5050
    .quad   PA_A, 0xaa01
    .quad   PA_A2, 0xaa02
    .quad   PA_A3, 0xaa03
    .quad   PA_A4, 0xaa04
    .quad   PA_B, 0xbb01
    .quad   PA_B2, 0xbb02
    .quad   PA_C, 0xcc01
    .quad   PA_C2, 0xcc02
    .quad   PA_C3, 0xcc03
    .quad   PA_D, 0xdd01
    .quad   PA_D2, 0xdd02
    .quad   PA_D3, 0xdd03
    .quad   0x4c000000, 0x4c00
    .quad   0x4df00000, 0x4df0
    .quad   0x4e000000, 0x4e00
    .quad   0x4ff00000, 0x4ff0
    .quad   0x5a000000, 0x5a00
    .quad   0x6a000000, 0x6a00
    .quad   0x7a000000, 0x7a00
    .quad   0, 0

s2_tables:
    // T1: 4K, level 1 root.
    .quad   T1_L1 + 0 * 8, T1_L2_LOW + D_TABLE
    .quad   T1_L1 + 1 * 8, T1_L2_ID + D_TABLE
    .quad   T1_L2_LOW + 72 * 8, 0x09000000 + S2B_DEV
    .quad   T1_L2_ID + 0 * 8, 0x40000000 + S2B_RW
    .quad   T1_L2_ID + 1 * 8, 0x40200000 + S2B_RW
    .quad   T1_L2_ID + 72 * 8, T1_L3 + D_TABLE
    .quad   T1_L3 + 0 * 8, PA_A + S2P_RW
    .quad   T1_L3 + 2 * 8, PA_A + 0x2000 + S2P_RW - D_AF   // AF = 0
    .quad   T1_L3 + 3 * 8, PA_A + 0x3000 + S2P_RO
    .quad   T1_L3B + 0 * 8, PA_A4 + S2P_RW
    .quad   T1_L3B + 3 * 8, PA_A4 + 0x3000 + S2P_RW
    // T2: 4K, level 2 root of 4 concatenated tables (index = IPA >> 21).
    .quad   T2_ROOT + 72 * 8, 0x09000000 + S2B_DEV
    .quad   T2_ROOT + 512 * 8, 0x40000000 + S2B_RW
    .quad   T2_ROOT + 513 * 8, 0x40200000 + S2B_RW
    .quad   T2_ROOT + 584 * 8, PA_B + S2B_RW
    // T3: 64K, level 2 root (512MB blocks); the image pages are written by main.
    .quad   T3_L2 + 0 * 8, 0x00000000 + S2B_DEV
    .quad   T3_L2 + 2 * 8, T3_L3 + D_TABLE
    .quad   T3_L3 + 0x900 * 8, PA_C + S2P_RW
    // T4: 16K, level 2 root (32MB blocks).
    .quad   T4_L2 + 4 * 8, 0x08000000 + S2B_DEV
    .quad   T4_L2 + 32 * 8, 0x40000000 + S2B_RW
    .quad   T4_L2 + 36 * 8, T4_L3 + D_TABLE
    .quad   T4_L3 + 1024 * 8, PA_D + S2P_RW
    .quad   0, 0
