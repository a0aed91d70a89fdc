// ALU benchmark: a dependent chain of integer operations, 7 instructions per
// iteration, 50 million iterations; exits with status 0 through semihosting.
    .text
    .global _start
_start:
    ldr     x0, =50000000
    mov     x1, #0
    mov     x2, #3
1:  add     x1, x1, x2
    eor     x3, x1, x2, lsl #3
    orr     x4, x3, #0xff
    sub     x2, x4, x1
    and     x5, x2, x1
    subs    x0, x0, #1
    b.ne    1b
    adr     x1, exit_block
    mov     w0, #0x18
    hlt     #0xf000

    .balign 8
exit_block:
    .quad   0x20026, 0
