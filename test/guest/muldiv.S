// muldiv: MADD/MSUB (and MUL/MNEG), SMADDL/SMSUBL/UMADDL/UMSUBL (and
// SMULL/UMULL/SMNEGL/UMNEGL), SMULH/UMULH, UDIV/SDIV including division by
// zero and INT_MIN / -1, 32 and 64 bits, over every pair of a value table.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    adr     x21, vals
    MOV64   x5, 0x0f0f0f0f0f0f0f0f      // accumulator
    mov     x19, #0
1:  mov     x20, #0
2:  ldr     x1, [x21, x19, lsl #3]
    ldr     x2, [x21, x20, lsl #3]
    PXX     "operands", x1, x2
    mul     x3, x1, x2
    PX      " mul", x3
    madd    x3, x1, x2, x5
    PX      " madd", x3
    msub    x3, x1, x2, x5
    PX      " msub", x3
    mneg    x3, x1, x2
    PX      " mneg", x3
    mul     w3, w1, w2
    PX      " mul.w", x3
    madd    w3, w1, w2, w5
    PX      " madd.w", x3
    msub    w3, w1, w2, w5
    PX      " msub.w", x3
    smull   x3, w1, w2
    PX      " smull", x3
    umull   x3, w1, w2
    PX      " umull", x3
    smaddl  x3, w1, w2, x5
    PX      " smaddl", x3
    smsubl  x3, w1, w2, x5
    PX      " smsubl", x3
    umaddl  x3, w1, w2, x5
    PX      " umaddl", x3
    umsubl  x3, w1, w2, x5
    PX      " umsubl", x3
    smnegl  x3, w1, w2
    PX      " smnegl", x3
    umnegl  x3, w1, w2
    PX      " umnegl", x3
    smulh   x3, x1, x2
    PX      " smulh", x3
    umulh   x3, x1, x2
    PX      " umulh", x3
    udiv    x3, x1, x2
    PX      " udiv", x3
    sdiv    x3, x1, x2
    PX      " sdiv", x3
    udiv    w3, w1, w2
    PX      " udiv.w", x3
    sdiv    w3, w1, w2
    PX      " sdiv.w", x3
    add     x20, x20, #1
    cmp     x20, #NVALS
    b.lo    2b
    add     x19, x19, #1
    cmp     x19, #NVALS
    b.lo    1b

    PUTLN   "== special cases"
    MOV64   x1, 0x8000000000000000
    mov     x2, #-1
    sdiv    x3, x1, x2
    PX      "INT64_MIN/-1", x3
    mov     w1, #0x80000000
    sdiv    w3, w1, w2
    PX      "INT32_MIN/-1", x3
    sdiv    x3, x2, xzr
    PX      "-1/0", x3
    udiv    w3, w2, wzr
    PX      "udiv.w /0", x3
    mov     x4, #7
    mov     x6, #-7
    mov     x7, #2
    sdiv    x3, x6, x7
    PX      "-7/2", x3
    sdiv    x3, x4, x2
    PX      "7/-1", x3
    sdiv    w3, w6, w7
    PX      "-7/2.w", x3
    msub    x3, x3, x7, x6
    PX      "remainder -7%2", x3
    // Flags are untouched by multiply and divide.
    mov     x8, #(0xa << 28)
    msr     nzcv, x8
    mul     x3, x4, x6
    sdiv    x3, x3, x7
    umulh   x3, x3, x3
    PF      "flags after mul/div"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

    .section .rodata
    .balign 8
    .equ NVALS, 10
vals:
    .quad   0, 1, 3, 0xffffffff, 0x80000000, 0x7fffffff
    .quad   0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    .quad   0xfedcba9876543210
