// System-register benchmark: MRS/MSR of plain read/write registers at EL2,
// 8 instructions per iteration (6 of them MRS/MSR), 10 million iterations;
// exits with status 0 through semihosting.
    .text
    .global _start
_start:
    ldr     x0, =10000000
    mov     x1, #0
1:  mrs     x1, tpidr_el2
    add     x1, x1, #1
    msr     tpidr_el2, x1
    mrs     x2, elr_el2
    msr     elr_el2, x1
    mrs     x3, hcr_el2
    mrs     x4, esr_el2
    subs    x0, x0, #1
    b.ne    1b
    // Keep the loop honest: 10^7 increments must have happened.
    ldr     x5, =10000000
    cmp     x1, x5
    cset    w6, ne
    adr     x1, exit_block
    str     x6, [x1, #8]
    mov     w0, #0x18
    hlt     #0xf000

    .data
    .balign 8
exit_block:
    .quad   0x20026, 0
