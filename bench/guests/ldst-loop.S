// Load/store benchmark: walks a 64 KiB buffer with single and pair loads and
// stores (read-modify-write), 10 instructions per iteration, 20 million
// iterations; exits with status 0 through semihosting.
    .text
    .global _start
_start:
    ldr     x0, =20000000
    ldr     x8, =buffer
    mov     x1, x8
    mov     x9, #0xffe0                  // offset mask: 64 KiB, 32-byte steps
    mov     x10, #0
1:  ldr     x2, [x1]
    add     x2, x2, #1
    str     x2, [x1]
    ldp     x3, x4, [x1, #8]
    stp     x4, x3, [x1, #8]
    ldr     w5, [x1, #24]
    add     x10, x10, #32
    and     x10, x10, x9
    add     x1, x8, x10
    subs    x0, x0, #1
    b.ne    1b
    adr     x1, exit_block
    mov     w0, #0x18
    hlt     #0xf000

    .balign 8
exit_block:
    .quad   0x20026, 0

    .bss
    .balign 4096
buffer:
    .space  65536
