// One load per page across 1024 pages (4 MiB), over and over: more pages
// than the 256-entry data TLB holds, so each load is a TLB lookup
// (a hit in the architectural TLB) without a table walk.
    .include "mmu-setup.inc"
    .text
    .global _start
_start:
    MMU_ON
    ldr     x0, =4000000
    ldr     x8, =0x40400000
    mov     x10, #0
    ldr     x9, =0x3ff000
1:  ldr     x2, [x8, x10]
    add     x10, x10, #0x1000
    and     x10, x10, x9
    subs    x0, x0, #1
    b.ne    1b
    EXIT_OK
