// hyp-init: an EL2 hypervisor brings up its stage-1 MMU in two steps, the way
// KVM/arm64's nVHE hyp-init did with its boot and runtime page tables
// (boot_hyp_pgd / hyp_pgd and the "trampoline dance"):
//
//   1. MMU off, at the load PA: build two EL2 stage-1 tables in RAM.
//        boot table    = identity map of the init page
//                      + the whole image at its runtime VA + the UART
//        runtime table = the whole image at its runtime VA + the UART
//   2. MMU on with the boot table, still executing at the identity VA.
//   3. Jump to the same init code at its runtime VA (the "trampoline"), which
//      is mapped identically in both tables, and switch TTBR0_EL2 to the
//      runtime table from there. The identity VAs are now unmapped, but the
//      TLBs may still hold them: TLBI ALLE2 removes them.
//   4. Run at the runtime VA: use .data and the stack, install the vectors,
//      and show that the old identity VA now takes a translation fault.
//
// hyp-init-stale.S is this file without that TLBI.
//
// Memory map (HYP_VA_OFFSET = 0x0000_8000_0000_0000):
//   PA 0x40080000  .idmap.text  VA 0x40080000 (boot table only)
//                               and 0x0000_8000_4008_0000 (both tables)
//   PA 0x40081000  .text, .rodata, .data/.bss  at PA + HYP_VA_OFFSET
//   PA 0x09000000  PL011 UART                  at 0x0000_8000_0900_0000
//
//   nvlab run examples/hyp-init/hyp-init.elf
//   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -m 1G \
//       -nographic -semihosting -kernel examples/hyp-init/hyp-init.elf
//
// The image is linked at its PA and runs at two VAs, so all code is
// position-independent: adr/adrp and PC-relative branches only, never the
// absolute address of a symbol (KVM's nVHE hyp code lives under the same
// rule, as it is linked at kernel VAs but runs at hyp VAs).

    .equ PAGE_SIZE, 4096
    .equ HYP_VA_OFFSET, 0x0000800000000000     // VA bit 47: TTBR0 range with T0SZ = 16

    .equ UART_PA, 0x09000000
    .equ UART_VA, UART_PA + HYP_VA_OFFSET
    .equ UART_FR, 0x18
    .equ SYS_EXIT, 0x18
    .equ ADP_Stopped_ApplicationExit, 0x20026

    // HCR_EL2: RW (EL1 is AArch64, as a KVM host sets it); E2H = 0 and
    // TGE = 0, so EL2 has its own single-VA-range regime: TTBR0_EL2 only,
    // no ASIDs, the non-VHE TCR_EL2 layout.
    .equ HCR_EL2_VAL, 1 << 31

    // SCTLR_EL2 (E2H = 0): the RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29.
    .equ SCTLR_EL2_RES1, (3 << 28) | (3 << 22) | (1 << 18) | (1 << 16) | (1 << 11) | (3 << 4)
    .equ SCTLR_M, 1 << 0
    .equ SCTLR_C, 1 << 2
    .equ SCTLR_I, 1 << 12

    // MAIR_EL2: Attr0 = Normal, Inner/Outer Write-Back non-transient,
    // read/write-allocate; Attr1 = Device-nGnRE.
    .equ MT_NORMAL, 0
    .equ MT_DEVICE_nGnRE, 1
    .equ MAIR_EL2_VAL, (0xff << (8 * MT_NORMAL)) | (0x04 << (8 * MT_DEVICE_nGnRE))

    // TCR_EL2, non-VHE layout. Bits 31 and 23 are RES1. 48-bit VA (T0SZ = 16,
    // so the walk starts at level 0), 4K granule (TG0 = 0), walks Inner
    // Shareable and Write-Back cacheable, TBI = 0. PS [18:16] is filled in at
    // run time from ID_AA64MMFR0_EL1.PARange.
    .equ TCR_RES1, (1 << 31) | (1 << 23)
    .equ TCR_T0SZ, 64 - 48
    .equ TCR_IRGN0_WBWA, 1 << 8
    .equ TCR_ORGN0_WBWA, 1 << 10
    .equ TCR_SH0_INNER, 3 << 12
    .equ TCR_TG0_4K, 0 << 14
    .equ TCR_PS_SHIFT, 16
    .equ TCR_EL2_VAL, TCR_RES1 | TCR_TG0_4K | TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA | TCR_T0SZ

    // VMSAv8-64 descriptors, 4K granule, 48-bit OA.
    .equ PTE_VALID, 1 << 0
    .equ PTE_TABLE, 3                   // levels 0-2: valid, table
    .equ PTE_PAGE, 3                    // level 3: valid, page
    .equ PTE_ATTRINDX_SHIFT, 2
    .equ PTE_AP_RES1, 1 << 6            // AP[1]: RES1 in a one-EL regime (KVM's "AP_RW = 1")
    .equ PTE_AP_RO, 1 << 7              // AP[2]: read-only
    .equ PTE_SH_INNER, 3 << 8
    .equ PTE_AF, 1 << 10                // no hardware AF update (TCR_EL2.HA = 0): set it or fault
    .equ PTE_XN, 1 << 54                // one-EL regime: bit 54 is XN, bit 53 is RES0
    .equ PTE_ADDR_MASK, 0x0000fffffffff000

    .equ PROT_NORMAL, PTE_PAGE | (MT_NORMAL << PTE_ATTRINDX_SHIFT) | PTE_AP_RES1 | PTE_SH_INNER | PTE_AF
    .equ PROT_TEXT, PROT_NORMAL | PTE_AP_RO
    .equ PROT_RO, PROT_NORMAL | PTE_AP_RO | PTE_XN
    .equ PROT_RW, PROT_NORMAL | PTE_XN
    .equ PROT_DEVICE, PTE_PAGE | (MT_DEVICE_nGnRE << PTE_ATTRINDX_SHIFT) | PTE_AP_RES1 | PTE_SH_INNER | PTE_AF | PTE_XN

    .equ ESR_EC_SHIFT, 26
    .equ EC_DABT_CUR, 0x25

// mov_q: any 64-bit constant without a literal pool.
.macro mov_q reg, imm
    movz    \reg, #((\imm) & 0xffff)
    movk    \reg, #(((\imm) >> 16) & 0xffff), lsl #16
    movk    \reg, #(((\imm) >> 32) & 0xffff), lsl #32
    movk    \reg, #(((\imm) >> 48) & 0xffff), lsl #48
.endm

// MAP root, start, end, offset, prot: map [start, end) (PC-relative symbols,
// so PAs while the MMU is off) at VA = PA + offset.
.macro MAP root, start, end, offset, prot
    mov     x0, \root
    adrp    x2, \start
    adrp    x3, \end
    sub     x3, x3, x2
    mov_q   x1, \offset
    add     x1, x1, x2
    mov_q   x4, \prot
    bl      map_range
.endm

// The mappings the two tables share: the hypervisor image at its runtime VA
// and the UART. They must be identical in both, because the code that
// switches TTBR0_EL2 runs from them across the switch.
.macro MAP_HYP root
    MAP     \root, __text_start, __text_end, HYP_VA_OFFSET, PROT_TEXT
    MAP     \root, __rodata_start, __rodata_end, HYP_VA_OFFSET, PROT_RO
    MAP     \root, __data_start, __data_end, HYP_VA_OFFSET, PROT_RW
    mov     x0, \root
    mov_q   x1, UART_VA
    mov_q   x2, UART_PA
    mov     x3, #PAGE_SIZE
    mov_q   x4, PROT_DEVICE
    bl      map_range
.endm

// PUTS label: print a NUL-terminated string.
.macro PUTS label
    adr     x0, \label
    bl      puts
.endm

// PUTX label, reg: print the string, then the register as 0x<16 hex digits>.
.macro PUTX label, reg
    adr     x0, \label
    bl      puts
    mov     x0, \reg
    bl      put_hex64
.endm

// ===========================================================================
// The init page: identity-mapped in the boot table, and mapped at its
// runtime VA in both tables. Entered at _start with the MMU off.

    .section .idmap.text, "ax"
    .global _start
_start:
    msr     daifset, #0xf               // no vectors until the runtime VA is live
    mov_q   x0, HCR_EL2_VAL
    msr     hcr_el2, x0
    mov_q   x0, SCTLR_EL2_RES1          // MMU and caches off, whatever the loader left
    msr     sctlr_el2, x0
    isb

    // x20/x21: the page-table pool (next free page, end); x22: boot table;
    // x23: runtime table. All PAs. map_range allocates from the pool.
    adrp    x20, __pgtables_start
    adrp    x21, __pgtables_end
    bl      alloc_table
    mov     x22, x9
    bl      alloc_table
    mov     x23, x9

    MAP     x22, __idmap_text_start, __idmap_text_end, 0, PROT_TEXT
    MAP_HYP x22
    MAP_HYP x23

    // The tables were written with the MMU off, i.e. with Device-nGnRnE
    // stores that bypass the caches, but the walker will read them through
    // the Write-Back cacheable path (TCR_EL2.IRGN0/ORGN0). Discard any line
    // of the pool a cache may already hold (clean, or speculatively
    // fetched), so that walks see what is in memory. The DSB before makes
    // the stores reach memory first; the one after completes the invalidation
    // before the first walk. (Linux's head.S does the same for its idmap.)
    dsb     sy
    adrp    x0, __pgtables_start
    mrs     x1, ctr_el0
    ubfx    x1, x1, #16, #4             // CTR_EL0.DminLine: log2(words per line)
    mov     x2, #4
    lsl     x2, x2, x1
1:  dc      ivac, x0
    add     x0, x0, x2
    cmp     x0, x20
    b.lo    1b
    dsb     sy

    mov_q   x0, MAIR_EL2_VAL
    msr     mair_el2, x0
    // PS: the PA size, as KVM does: PARange, capped at 48 bits, because a
    // 52-bit PS needs TCR_EL2.DS (FEAT_LPA2) with the 4K granule.
    mov_q   x0, TCR_EL2_VAL
    mrs     x1, id_aa64mmfr0_el1
    ubfx    x1, x1, #0, #4
    mov     x2, #5                      // 0b101: 48 bits
    cmp     x1, x2
    csel    x1, x1, x2, lo
    bfi     x0, x1, #TCR_PS_SHIFT, #3
    msr     tcr_el2, x0
    msr     ttbr0_el2, x22              // CnP = 0
    // The EL2 TLB entries are UNKNOWN out of reset and may hold the
    // firmware's: invalidate before the MMU goes on. Local TLBI, but DSB ISH
    // is what KVM uses and it covers NSH. The ISB then makes the MAIR, TCR
    // and TTBR writes take effect before the SCTLR write that relies on them.
    tlbi    alle2
    dsb     ish
    isb
    mov_q   x0, SCTLR_EL2_RES1 | SCTLR_I | SCTLR_C | SCTLR_M
    msr     sctlr_el2, x0
    // Context synchronization: instructions after this are fetched and
    // executed with the MMU on. They are at the identity VA, which is why
    // the init page must be identity-mapped.
    isb

    PUTS    str_mmu_on
    adr     x0, .
    bl      put_hex64
    PUTS    str_nl

    // To the trampoline: the same init page at its runtime VA. Only an
    // absolute branch can leave the identity map; the target is computed
    // from the PC, the code being position-independent.
    mov_q   x0, HYP_VA_OFFSET
    adr     x1, trampoline
    add     x1, x1, x0
    br      x1

trampoline:
    PUTS    str_trampoline
    adr     x0, .
    bl      put_hex64
    PUTS    str_nl

    // This code and the next instructions are mapped at the same VA, to the
    // same PA, with the same attributes, in both tables: that is what lets
    // it switch tables under its own feet. No break-before-make: nothing is
    // changed in a live table; TTBR0_EL2 moves to a different, complete one.
    msr     ttbr0_el2, x23
    // The TTBR write must take effect before the TLBI: an invalidation
    // that ran while the boot table was still current could be undone by
    // walks of that table (speculative ones included) before the switch.
    isb
    // The TTBR switch does not touch the TLBs, and with E2H = 0 EL2 has no
    // ASIDs to tell the two tables apart: the boot table's identity entries
    // stay usable until invalidated.
    tlbi    alle2
    dsb     ish
    isb

    PUTX    str_runtime_live, x23
    PUTS    str_runtime_live2
    b       hyp_main

// ---------------------------------------------------------------------------
// Helpers used with the MMU off (table building) and at both VAs (printing,
// exit). They take no stack, as there is none before hyp_main.

// map_range(x0 root, x1 VA, x2 PA, x3 size, x4 leaf attributes): map
// [VA, VA + size) to PA with 4K pages, allocating tables from x20.
// Fresh tables only: an entry is never overwritten, so no break-before-make.
// Clobbers x1-x3, x5-x10, x15.
map_range:
    mov     x15, x30
1:  mov     x5, x0                      // level-0 table
    mov     x6, #39                     // VA shift of the level-0 index
2:  lsr     x7, x1, x6
    and     x7, x7, #0x1ff
    add     x7, x5, x7, lsl #3          // the entry for VA at this level
    cmp     x6, #12
    b.eq    4f
    ldr     x8, [x7]
    tbnz    x8, #0, 3f
    bl      alloc_table
    orr     x8, x9, #PTE_TABLE
    str     x8, [x7]
3:  and     x5, x8, #PTE_ADDR_MASK      // next-level table
    sub     x6, x6, #9
    b       2b
4:  ldr     x8, [x7]
    cbnz    x8, init_fail               // already mapped: a bug in the map list
    orr     x8, x2, x4
    str     x8, [x7]
    add     x1, x1, #PAGE_SIZE
    add     x2, x2, #PAGE_SIZE
    subs    x3, x3, #PAGE_SIZE
    b.hi    1b
    ret     x15

// alloc_table() -> x9: a zeroed 4K page from the pool (PA). Clobbers x10.
alloc_table:
    cmp     x20, x21
    b.hs    init_fail
    mov     x9, x20
    add     x20, x20, #PAGE_SIZE
    mov     x10, x9
1:  stp     xzr, xzr, [x10], #16
    cmp     x10, x20
    b.lo    1b
    ret

init_fail:
    mov     x0, #1
    b       semihost_exit

// semihost_exit(x0 = 0 or 1): SYS_EXIT, ADP_Stopped_ApplicationExit with
// that status. The parameter blocks are in this page, so any VA works.
    .global semihost_exit
semihost_exit:
    adr     x1, exit_block_ok
    cbz     x0, 1f
    adr     x1, exit_block_fail
1:  mov     w0, #SYS_EXIT
    hlt     #0xf000
    b       .

// putc(w0): PL011 at UART_VA. Clobbers x9, x10.
putc:
    mov_q   x9, UART_VA
1:  ldr     w10, [x9, #UART_FR]
    tbnz    w10, #5, 1b                 // FR.TXFF
    strb    w0, [x9]
    ret

// puts(x0): NUL-terminated string. Clobbers x0, x9-x12.
puts:
    mov     x12, x30
    mov     x11, x0
1:  ldrb    w0, [x11], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ret     x12

// put_hex64(x0): "0x" and 16 hex digits. Clobbers x0, x9-x13.
put_hex64:
    mov     x12, x30
    mov     x11, x0
    mov     w0, #'0'
    bl      putc
    mov     w0, #'x'
    bl      putc
    mov     x13, #60
1:  lsr     x0, x11, x13
    and     x0, x0, #0xf
    add     w0, w0, #'0'
    cmp     w0, #'9'
    b.ls    2f
    add     w0, w0, #('a' - '9' - 1)
2:  bl      putc
    subs    x13, x13, #4
    b.ge    1b
    ret     x12

    .balign 8
exit_block_ok:
    .quad   ADP_Stopped_ApplicationExit, 0
exit_block_fail:
    .quad   ADP_Stopped_ApplicationExit, 1

// Printed at the identity VA: its bytes were read through the boot table's
// identity entry, so that entry is in the TLB (hyp_main loads from here again).
    .balign 16
idmap_banner:
str_mmu_on:
    .asciz  "hyp-init: MMU on with the boot table, executing at identity VA "
str_trampoline:
    .asciz  "hyp-init: at the trampoline (runtime VA) "
str_runtime_live:
    .asciz  "hyp-init: TTBR0_EL2 = runtime table "
str_runtime_live2:
    .asciz  ", boot-table TLB entries invalidated\n"
str_nl:
    .asciz  "\n"

// ===========================================================================
// The hypervisor proper: runs only at its runtime VA, on the runtime table.

    .text
hyp_main:
    adrp    x0, hyp_stack_top
    add     x0, x0, :lo12:hyp_stack_top
    mov     sp, x0
    adr     x0, hyp_vectors
    msr     vbar_el2, x0
    isb                                 // the new VBAR before anything can fault

    adr     x19, .
    PUTX    str_hyp_pc, x19
    mrs     x19, vbar_el2
    PUTX    str_hyp_vbar, x19
    PUTS    str_nl

    // .data through its runtime VA: a string, then a variable, read, written
    // and read back.
    PUTS    str_hyp_say
    adrp    x0, hyp_message
    add     x0, x0, :lo12:hyp_message
    bl      puts

    adrp    x20, hyp_counter
    add     x20, x20, :lo12:hyp_counter
    ldr     x19, [x20]
    PUTX    str_counter, x20
    PUTX    str_counter_old, x19
    add     x19, x19, #1
    str     x19, [x20]
    ldr     x19, [x20]
    PUTX    str_counter_new, x19
    PUTS    str_nl

    // The identity VA of idmap_banner: hyp-init's puts read it through
    // the boot table's identity entry. The runtime table has no level-0
    // entry for it, and the TLBI above removed the cached one, so this
    // load takes a level-0 translation fault (ESR_EL2 0x96000004). LDP
    // because its syndrome never has ISV; QEMU 7.2 sets ISV for a
    // single-register stage-1 abort (docs/qemu-deviations.md, section 2).
    adr     x0, idmap_banner
    mov_q   x1, HYP_VA_OFFSET
    sub     x19, x0, x1
    PUTX    str_probe, x19
    PUTS    str_nl
idmap_probe:
    ldp     x0, x1, [x19]
    PUTS    str_probe_done

    mov     x0, #0
    b       semihost_exit

// ---------------------------------------------------------------------------
// EL2 vectors, at the runtime VA. Only the synchronous exception from the
// current EL with SP_EL2 is expected, and only a data abort.

    .balign 2048
hyp_vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 128
    .if \n == 4
    b       hyp_sync
    .else
    mov     x19, #(\n * 0x80)
    b       hyp_unexpected
    .endif
    .endr

// Report the abort and resume after the faulting instruction. x0-x15 and
// x30 are what the printing helpers clobber.
hyp_sync:
    sub     sp, sp, #144
    stp     x0, x1, [sp]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    str     x30, [sp, #128]
    mrs     x14, esr_el2
    ubfx    x0, x14, #ESR_EC_SHIFT, #6
    cmp     x0, #EC_DABT_CUR
    mov     x19, #0x200
    b.ne    hyp_unexpected
    PUTX    str_sync_esr, x14
    mrs     x14, far_el2
    PUTX    str_sync_far, x14
    mrs     x14, elr_el2
    PUTX    str_sync_elr, x14
    PUTS    str_nl
    add     x14, x14, #4
    msr     elr_el2, x14
    ldp     x0, x1, [sp]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldr     x30, [sp, #128]
    add     sp, sp, #144
    eret

// x19: vector offset. Report and exit with status 1.
hyp_unexpected:
    PUTX    str_unexp, x19
    mrs     x19, esr_el2
    PUTX    str_unexp_esr, x19
    mrs     x19, elr_el2
    PUTX    str_sync_elr, x19
    PUTS    str_nl
    mov     x0, #1
    b       semihost_exit

    .section .rodata
str_hyp_pc:      .asciz "hyp: running at runtime VA "
str_hyp_vbar:    .asciz ", VBAR_EL2 = "
str_hyp_say:     .asciz "hyp: .data says: "
str_counter:     .asciz "hyp: hyp_counter at "
str_counter_old: .asciz " was "
str_counter_new: .asciz ", now "
str_probe:       .asciz "hyp: loading from the old identity VA "
str_probe_done:  .asciz "hyp: the identity map is gone, done\n"
str_sync_esr:    .asciz "hyp: data abort: ESR_EL2 = "
str_sync_far:    .asciz " FAR_EL2 = "
str_sync_elr:    .asciz " ELR_EL2 = "
str_unexp:       .asciz "hyp: unexpected exception at vector offset "
str_unexp_esr:   .asciz " ESR_EL2 = "

    .data
hyp_message:
    .asciz  "hello from the runtime VA\n"
    .balign 8
hyp_counter:
    .quad   41

    .bss
    .balign 16
    .space  4096
hyp_stack_top:

    .section .pgtables, "aw", %nobits
    .balign PAGE_SIZE
    .space  16 * PAGE_SIZE
