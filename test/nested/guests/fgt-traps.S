// fgt-traps: a guest hypervisor that traps its EL1 guest with the
// fine-grained trap registers (FEAT_FGT): SVC (HFGITR_EL2.SVC_EL1), ERET
// (HFGITR_EL2.ERET), TLBI VMALLE1 and DC ZVA (HFGITR_EL2), and reads and
// writes of TPIDR_EL1 (HFGRTR_EL2/HFGWTR_EL2.TPIDR_EL1). Its EL2 handler
// prints each trap's ESR_EL2 and ELR_EL2 and resumes. QEMU 7.2 has no
// FEAT_FGT, so there is no QEMU golden: the test compares nested mode with
// direct mode (test/nested/equivalence.test.ts).
    .equ UART, 0x09000000
    .equ HCR_RW, 1 << 31
    .equ SPSR_EL1H, 0x3c5

    .text
    .global _start
_start:
    adr     x0, stack_top
    mov     sp, x0
    adr     x0, vectors
    msr     vbar_el2, x0
    mov     x0, #HCR_RW
    msr     hcr_el2, x0
    // HFGITR_EL2: SVC_EL1 (53), ERET (51), TLBIVMALLE1 (42), DCZVA (11).
    mov     x0, #(1 << 11)
    orr     x0, x0, #(1 << 42)
    orr     x0, x0, #(1 << 51)
    orr     x0, x0, #(1 << 53)
    msr     S3_4_C1_C1_6, x0             // HFGITR_EL2
    // HFGRTR_EL2 and HFGWTR_EL2: TPIDR_EL1 (33).
    mov     x0, #(1 << 33)
    msr     S3_4_C1_C1_4, x0             // HFGRTR_EL2
    msr     S3_4_C1_C1_5, x0             // HFGWTR_EL2
    msr     sctlr_el1, xzr
    mov     x0, #SPSR_EL1H
    msr     spsr_el2, x0
    adr     x0, guest
    msr     elr_el2, x0
    adr     x0, s_banner
    bl      puts
    isb
    eret

guest:
    svc     #0x12
    mrs     x0, tpidr_el1
    msr     tpidr_el1, x0
    tlbi    vmalle1
    adr     x1, buf
    dc      zva, x1
    eret
    hvc     #0x34

// Lower EL synchronous: print EC, ESR and ELR; resume after the instruction
// (HVC: exit). Every one is a trap: ELR_EL2 is the trapped instruction,
// the SVC included (AArch64.CheckSVCTrap).
lower_sync:
    mrs     x19, esr_el2
    mrs     x20, elr_el2
    adr     x0, s_trap
    bl      puts
    lsr     x0, x19, #26
    mov     x1, #2
    bl      puthex
    adr     x0, s_esr
    bl      puts
    mov     x0, x19
    mov     x1, #8
    bl      puthex
    adr     x0, s_elr
    bl      puts
    adr     x1, guest
    sub     x0, x20, x1
    mov     x1, #4
    bl      puthex
    mov     w0, #'\n'
    bl      putc
    lsr     x0, x19, #26
    cmp     x0, #0x16
    b.eq    done
    add     x20, x20, #4
    msr     elr_el2, x20
    eret
done:
    adr     x1, exit_block
    mov     w0, #0x18
    hlt     #0xf000

putc:
    mov     x9, #UART
    strb    w0, [x9]
    ret

puts:
    mov     x10, x30
    mov     x11, x0
1:  ldrb    w0, [x11], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ret     x10

// puthex(x0 = value, x1 = digits)
puthex:
    mov     x10, x30
    mov     x11, x0
    lsl     x12, x1, #2
1:  sub     x12, x12, #4
    lsr     x0, x11, x12
    and     x0, x0, #0xf
    cmp     x0, #10
    add     x13, x0, #'0'
    add     x14, x0, #('a' - 10)
    csel    x0, x13, x14, lo
    bl      putc
    cbnz    x12, 1b
    ret     x10

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

    .section .rodata
s_banner:   .asciz "fgt-traps: HFGITR_EL2 SVC_EL1 ERET TLBIVMALLE1 DCZVA, HFGxTR_EL2 TPIDR_EL1\n"
s_trap:     .asciz "trap EC="
s_esr:      .asciz " ESR="
s_elr:      .asciz " at guest+"

    .data
    .balign 8
exit_block:
    .quad   0x20026, 0
    .balign 64
buf:
    .space  64

    .bss
    .balign 16
    .space  4096
stack_top:
