// TLBI VAE2 then a load of the same page, over 1024 pages: every load walks
// the four levels of tables again.
    .include "mmu-setup.inc"
    .text
    .global _start
_start:
    MMU_ON
    ldr     x0, =1000000
    ldr     x8, =0x40400000
    mov     x10, #0
    ldr     x9, =0x3ff000
1:  add     x11, x8, x10
    lsr     x12, x11, #12
    tlbi    vae2, x12
    dsb     ish
    ldr     x2, [x11]
    add     x10, x10, #0x1000
    and     x10, x10, x9
    subs    x0, x0, #1
    b.ne    1b
    EXIT_OK
