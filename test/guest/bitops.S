// bitops: CLZ, CLS, RBIT, REV, REV16, REV32 (32 and 64 bits) over a value
// table, and CRC32B/H/W/X and CRC32CB/H/W/X including a multi-byte checksum.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    adr     x21, vals
    mov     x19, #0
1:  ldr     x1, [x21, x19, lsl #3]
    PX      "value", x1
    clz     x3, x1
    PX      " clz", x3
    clz     w3, w1
    PX      " clz.w", x3
    cls     x3, x1
    PX      " cls", x3
    cls     w3, w1
    PX      " cls.w", x3
    rbit    x3, x1
    PX      " rbit", x3
    rbit    w3, w1
    PX      " rbit.w", x3
    rev     x3, x1
    PX      " rev", x3
    rev     w3, w1
    PX      " rev.w", x3
    rev16   x3, x1
    PX      " rev16", x3
    rev16   w3, w1
    PX      " rev16.w", x3
    rev32   x3, x1
    PX      " rev32", x3
    MOV64   x4, 0x12345678
    crc32b  w3, w4, w1
    PX      " crc32b", x3
    crc32h  w3, w4, w1
    PX      " crc32h", x3
    crc32w  w3, w4, w1
    PX      " crc32w", x3
    crc32x  w3, w4, x1
    PX      " crc32x", x3
    crc32cb w3, w4, w1
    PX      " crc32cb", x3
    crc32ch w3, w4, w1
    PX      " crc32ch", x3
    crc32cw w3, w4, w1
    PX      " crc32cw", x3
    crc32cx w3, w4, x1
    PX      " crc32cx", x3
    add     x19, x19, #1
    cmp     x19, #NVALS
    b.lo    1b

    // CRC-32 and CRC-32C of "123456789" (check values cbf43926, e3069283).
    PUTLN   "== checksums"
    adr     x9, digits
    mov     w3, #-1
    mov     w5, #-1
    mov     x10, #0
2:  ldrb    w6, [x9, x10]
    crc32b  w3, w3, w6
    crc32cb w5, w5, w6
    add     x10, x10, #1
    cmp     x10, #9
    b.lo    2b
    mvn     w3, w3
    mvn     w5, w5
    PX      "crc32 123456789", x3
    PX      "crc32c 123456789", x5
    // The same bytes 8, then 1 at a time, through the wide forms.
    ldr     x6, [x9]
    mov     w3, #-1
    crc32x  w3, w3, x6
    ldrb    w6, [x9, #8]
    crc32b  w3, w3, w6
    mvn     w3, w3
    PX      "crc32x+b", x3
    ldr     w6, [x9]
    mov     w5, #-1
    crc32cw w5, w5, w6
    ldrh    w6, [x9, #4]
    crc32ch w5, w5, w6
    ldrh    w6, [x9, #6]
    crc32ch w5, w5, w6
    ldrb    w6, [x9, #8]
    crc32cb w5, w5, w6
    mvn     w5, w5
    PX      "crc32cw+h+h+b", x5
    // The accumulator's upper half is ignored.
    MOV64   x3, 0xffffffff00000000
    crc32w  w3, w3, w3
    PX      "crc32w upper ignored", x3
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

    .section .rodata
    .balign 8
    .equ NVALS, 11
vals:
    .quad   0, 1, 0x80, 0x7fffffff, 0x80000000, 0xffffffff
    .quad   0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    .quad   0x0123456789abcdef, 0x00000000fffe0001
digits:
    .ascii  "123456789"
