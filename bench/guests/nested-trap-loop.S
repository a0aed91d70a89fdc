// Nested-mode benchmark: a minimal non-VHE guest hypervisor and one guest.
// The guest touches 4096 pages its stage 2 maps lazily (4096 stage-2 faults
// the hypervisor handles), then reads ID_AA64MMFR0_EL1 20000 times with
// HCR_EL2.TID3 set (20000 traps the hypervisor emulates), then makes an
// HVC to finish. The hypervisor exits with status 0 through semihosting if
// the guest saw every emulated value. Run directly this is exception-heavy;
// nested, each trap is a round trip through the L0 host.
    .equ DATA, 0x41000000
    .equ PAGES, 4096
    .equ TRAPS, 20000
    .equ HCR_VAL, (1 << 31) | (1 << 18) | (1 << 0)      // RW, TID3, VM
    .equ VTCR_VAL, (1 << 31) | (3 << 12) | (1 << 10) | (1 << 8) | (1 << 6) | 32
    .equ S2_BLOCK, 0x7fd                                // Normal WB, RW, AF, block
    .equ S2_PAGE, 0x7ff
    .equ EMULATED, 0x1234

    .text
    .global _start
_start:
    adr     x0, stack_top
    mov     sp, x0
    adr     x0, vectors
    msr     vbar_el2, x0
    // Stage 2: L1[1] -> L2; L2[0] = the image's 2 MiB block; L2[8..15] -> eight level-3 tables, empty.
    adr     x1, l1
    adr     x2, l2
    orr     x3, x2, #3
    str     x3, [x1, #8]
    mov     x3, #0x40000000
    mov     x4, #S2_BLOCK
    orr     x3, x3, x4
    str     x3, [x2]
    adr     x3, l3
    mov     x4, #8
    add     x5, x2, #64
1:  orr     x6, x3, #3
    str     x6, [x5], #8
    add     x3, x3, #4096
    subs    x4, x4, #1
    b.ne    1b
    dsb     ish
    ldr     x0, =VTCR_VAL
    msr     vtcr_el2, x0
    adr     x0, l1
    orr     x0, x0, #(1 << 48)
    msr     vttbr_el2, x0
    ldr     x0, =HCR_VAL
    msr     hcr_el2, x0
    mov     x0, #0x3c5
    msr     spsr_el2, x0
    adr     x0, guest
    msr     elr_el2, x0
    isb
    eret

guest:
    mov     x1, #DATA
    mov     x2, #PAGES
1:  str     x2, [x1]
    add     x1, x1, #4096
    subs    x2, x2, #1
    b.ne    1b
    mov     x3, #TRAPS
    mov     x4, #0
2:  mrs     x0, id_aa64mmfr0_el1
    add     x4, x4, x0
    subs    x3, x3, #1
    b.ne    2b
    hvc     #0

// Lower EL synchronous: EC 0x18 -> x0 = EMULATED, skip; EC 0x24 -> map the page; EC 0x16 -> done.
lower_sync:
    mrs     x9, esr_el2
    lsr     x9, x9, #26
    cmp     x9, #0x18
    b.ne    1f
    mov     x0, #EMULATED
    mrs     x9, elr_el2
    add     x9, x9, #4
    msr     elr_el2, x9
    eret
1:  cmp     x9, #0x24
    b.ne    2f
    mrs     x9, hpfar_el2
    lsl     x9, x9, #8
    and     x9, x9, #~0xfff
    mov     x10, #DATA
    sub     x10, x9, x10
    lsr     x10, x10, #9                // page index * 8
    adr     x11, l3
    add     x10, x10, x11
    mov     x11, #S2_PAGE
    orr     x9, x9, x11
    str     x9, [x10]
    dsb     ishst
    eret
2:  // HVC: the guest is done; x4 must be TRAPS * EMULATED.
    ldr     x9, =TRAPS * EMULATED
    cmp     x4, x9
    cset    w9, ne
    adr     x1, exit_block
    str     x9, [x1, #8]
    mov     w0, #0x18
    hlt     #0xf000

    .ltorg
    .balign 2048
vectors:
    .rept 8
    .balign 128
    b       .
    .endr
    .balign 128
    b       lower_sync
    .rept 7
    .balign 128
    b       .
    .endr

    .data
    .balign 8
exit_block:
    .quad   0x20026, 0

    .bss
    .balign 4096
l1: .space 4096
l2: .space 4096
l3: .space 4096 * 8
    .space 4096
stack_top:
