// The load/store loop of ldst-loop.S with the EL2 MMU on: 64 KiB of buffer
// in 16 pages, so every access after the first round hits the data TLB.
    .include "mmu-setup.inc"
    .text
    .global _start
_start:
    MMU_ON
    ldr     x0, =20000000
    ldr     x8, =0x40600000
    mov     x1, x8
    mov     x9, #0xffe0
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
    EXIT_OK
