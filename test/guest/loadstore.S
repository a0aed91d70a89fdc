// loadstore: every access size with zero/sign extension; unsigned-offset
// (incl. the largest scaled offsets), unscaled, pre/post-indexed and
// register-offset addressing with every extend; literal loads; pairs
// (LDP/STP/LDNP/STNP/LDPSW, all index modes); LDTR/STTR; PRFM; XZR as data
// and SP as base. Every access is aligned: with the MMU off data accesses are
// Device memory, where QEMU 7.2 does not fault unaligned ones (see
// docs/qemu-deviations.md).
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    adrp    x9, buf
    add     x9, x9, :lo12:buf
    add     x9, x9, #0x8000             // base: offsets reach both ways
    mov     x28, x9
    bl      fill
    bl      sizes
    bl      offsets
    bl      indexed
    bl      regoffset
    bl      stores
    bl      literal
    bl      pairs
    bl      unpriv
    bl      zr_sp
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// Fills 64 bytes around the base with a pattern whose bytes have the top bit
// set in alternate positions.
fill:
    MOV64   x1, 0x8877665544332211
    MOV64   x2, 0x00ff7f807fff8000
    MOV64   x3, 0xfedcba9876543210
    MOV64   x4, 0x80000000ffff0001
    stp     x1, x2, [x9, #-32]
    stp     x3, x4, [x9, #-16]
    stp     x1, x2, [x9]
    stp     x3, x4, [x9, #16]
    ret

// dump(x0 = address): prints the 4 doublewords at x0
dump:
    stp     x29, x30, [sp, #-16]!
    ldp     x1, x2, [x0]
    PXX     " mem", x1, x2
    ldp     x1, x2, [x0, #16]
    PXX     " mem", x1, x2
    ldp     x29, x30, [sp], #16
    ret

sizes:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== sizes and extension"
    .irp o, 0, 1, 2, 3, 8, 9, 10, 11, 15
    ldrb    w1, [x9, #\o]
    PX      "ldrb +\o", x1
    ldrsb   w1, [x9, #\o]
    PX      "ldrsb.w +\o", x1
    ldrsb   x1, [x9, #\o]
    PX      "ldrsb.x +\o", x1
    .endr
    .irp o, 0, 2, 4, 6, 8, 10, 14
    ldrh    w1, [x9, #\o]
    PX      "ldrh +\o", x1
    ldrsh   w1, [x9, #\o]
    PX      "ldrsh.w +\o", x1
    ldrsh   x1, [x9, #\o]
    PX      "ldrsh.x +\o", x1
    .endr
    .irp o, 0, 4, 8, 12, 24, 28
    ldr     w1, [x9, #\o]
    PX      "ldr.w +\o", x1
    ldrsw   x1, [x9, #\o]
    PX      "ldrsw +\o", x1
    .endr
    .irp o, 0, 8, 16, 24
    ldr     x1, [x9, #\o]
    PX      "ldr.x +\o", x1
    .endr
    ldp     x29, x30, [sp], #16
    ret

offsets:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== immediate offsets"
    // The largest unsigned offsets: 4095 scaled by the size.
    mov     x1, #0x5a
    strb    w1, [x9, #4095]
    ldrb    w2, [x9, #4095]
    PX      "strb/ldrb #4095", x2
    mov     x1, #0x1234
    strh    w1, [x9, #8190]
    ldrsh   x2, [x9, #8190]
    PX      "strh/ldrsh #8190", x2
    MOV64   x1, 0x89abcdef
    str     w1, [x9, #16380]
    ldrsw   x2, [x9, #16380]
    PX      "str/ldrsw #16380", x2
    MOV64   x1, 0x1122334455667788
    str     x1, [x9, #32760]
    ldr     x2, [x9, #32760]
    PX      "str/ldr #32760", x2
    // Unscaled offsets, -256..255.
    ldur    x2, [x9, #-256]
    PX      "ldur -256", x2
    ldur    x2, [x9, #-32]
    PX      "ldur -32", x2
    ldur    w2, [x9, #-28]
    PX      "ldur.w -28", x2
    ldursw  x2, [x9, #-4]
    PX      "ldursw -4", x2
    ldurh   w2, [x9, #-2]
    PX      "ldurh -2", x2
    ldursh  w2, [x9, #-10]
    PX      "ldursh.w -10", x2
    ldursh  x2, [x9, #-10]
    PX      "ldursh.x -10", x2
    ldurb   w2, [x9, #-1]
    PX      "ldurb -1", x2
    ldursb  x2, [x9, #-13]
    PX      "ldursb.x -13", x2
    ldursb  w2, [x9, #255]
    PX      "ldursb.w 255", x2
    mov     x1, #0x77
    sturb   w1, [x9, #255]
    ldurb   w2, [x9, #255]
    PX      "sturb 255", x2
    sturh   w1, [x9, #-254]
    ldurh   w2, [x9, #-254]
    PX      "sturh -254", x2
    stur    w1, [x9, #-252]
    ldur    w2, [x9, #-252]
    PX      "stur.w -252", x2
    stur    x1, [x9, #248]
    ldur    x2, [x9, #248]
    PX      "stur.x 248", x2
    ldp     x29, x30, [sp], #16
    ret

indexed:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== pre/post-indexed"
    mov     x10, x9
    ldr     x1, [x10, #8]!
    sub     x2, x10, x9
    PXX     "ldr pre +8", x1, x2
    ldr     x1, [x10], #-16
    sub     x2, x10, x9
    PXX     "ldr post -16", x1, x2
    ldrsw   x1, [x10, #-4]!
    sub     x2, x10, x9
    PXX     "ldrsw pre -4", x1, x2
    ldrh    w1, [x10], #6
    sub     x2, x10, x9
    PXX     "ldrh post +6", x1, x2
    ldrsb   x1, [x10, #255]!
    sub     x2, x10, x9
    PXX     "ldrsb pre +255", x1, x2
    ldrb    w1, [x10], #-256
    sub     x2, x10, x9
    PXX     "ldrb post -256", x1, x2
    mov     x10, x9
    ldrsh   w1, [x10, #2]!
    sub     x2, x10, x9
    PXX     "ldrsh.w pre +2", x1, x2
    ldr     w1, [x10, #2]!
    sub     x2, x10, x9
    PXX     "ldr.w pre +2", x1, x2
    add     x10, x9, #64
    mov     x1, #0xab
    strb    w1, [x10], #1
    strb    w1, [x10, #1]!
    sub     x2, x10, x9
    PX      "strb post/pre", x2
    mov     x1, #0xcdef
    strh    w1, [x10, #2]!
    strh    w1, [x10], #2
    sub     x2, x10, x9
    PX      "strh pre/post", x2
    MOV64   x1, 0x13579bdf
    add     x10, x9, #72
    str     w1, [x10], #4
    str     w1, [x10, #-8]!
    sub     x2, x10, x9
    PX      "str.w post/pre", x2
    MOV64   x1, 0x0102030405060708
    add     x10, x9, #80
    str     x1, [x10], #8
    str     x1, [x10, #8]!
    sub     x2, x10, x9
    PX      "str.x post/pre", x2
    add     x0, x9, #64
    bl      dump
    ldp     x29, x30, [sp], #16
    ret

.macro REGOFF name, ld, reg, idx, ext
    \ld     \reg, [x9, \idx, \ext]
    PX      "\name", x1
.endm

regoffset:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== register offset"
    mov     x10, #8
    mov     x11, #-8
    mov     w12, #2
    mov     w13, #-2
    ldr     x1, [x9, x10]
    PX      "ldr [x,x]", x1
    ldr     x1, [x9, x11]
    PX      "ldr [x,-x]", x1
    ldr     x1, [x9, x10, lsl #0]
    PX      "ldr [x,x,lsl0]", x1
    ldr     x1, [x9, x12, lsl #3]
    PX      "ldr [x,x,lsl3]", x1
    ldr     x1, [x9, w10, uxtw]
    PX      "ldr [x,w,uxtw]", x1
    ldr     x1, [x9, w12, uxtw #3]
    PX      "ldr [x,w,uxtw3]", x1
    ldr     x1, [x9, w13, sxtw #3]
    PX      "ldr [x,w,sxtw3]", x1
    ldr     x1, [x9, x11, sxtx]
    PX      "ldr [x,x,sxtx]", x1
    ldr     x1, [x9, x13, sxtx #3]
    PX      "ldr [x,x,sxtx3]", x1
    // uxtw ignores the upper half of the index; sxtw sign-extends the lower.
    MOV64   x14, 0xffffffff00000008
    ldr     x1, [x9, w14, uxtw]
    PX      "ldr [x,w,uxtw] hi ignored", x1
    MOV64   x15, 0x00000001fffffff8
    ldr     x1, [x9, w15, sxtw]
    PX      "ldr [x,w,sxtw] neg", x1
    ldr     w1, [x9, x12, lsl #2]
    PX      "ldr.w [x,x,lsl2]", x1
    ldrsw   x1, [x9, w13, sxtw #2]
    PX      "ldrsw [x,w,sxtw2]", x1
    ldrsw   x1, [x9, x10]
    PX      "ldrsw [x,x]", x1
    ldrh    w1, [x9, x12, lsl #1]
    PX      "ldrh [x,x,lsl1]", x1
    ldrsh   x1, [x9, w13, sxtw #1]
    PX      "ldrsh.x [x,w,sxtw1]", x1
    ldrsh   w1, [x9, w12, uxtw]
    PX      "ldrsh.w [x,w,uxtw]", x1
    ldrb    w1, [x9, x12, lsl #0]
    PX      "ldrb [x,x,lsl0]", x1
    ldrsb   x1, [x9, w13, sxtw]
    PX      "ldrsb.x [x,w,sxtw]", x1
    ldrsb   w1, [x9, x10]
    PX      "ldrsb.w [x,x]", x1
    add     x16, x9, #128
    mov     x1, #0x99
    strb    w1, [x16, x12]
    strh    w1, [x16, w12, uxtw #1]
    str     w1, [x16, x12, lsl #2]
    str     x1, [x16, w12, sxtw #3]
    str     x1, [x16, w13, sxtw #3]
    mov     x0, x16
    bl      dump
    sub     x0, x16, #32
    bl      dump
    prfm    pldl1keep, [x9, x10]
    prfm    pstl2strm, [x9, w12, sxtw #3]
    ldp     x29, x30, [sp], #16
    ret

stores:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== store sizes"
    add     x16, x9, #256
    MOV64   x1, 0xf1e2d3c4b5a69788
    stp     xzr, xzr, [x16]
    stp     xzr, xzr, [x16, #16]
    strb    w1, [x16, #1]
    strh    w1, [x16, #6]
    str     w1, [x16, #12]
    str     x1, [x16, #16]
    stur    x1, [x16, #24]
    mov     x0, x16
    bl      dump
    ldp     x29, x30, [sp], #16
    ret

literal:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== literal"
    ldr     w1, lit
    PX      "ldr.w lit", x1
    ldr     x1, lit
    PX      "ldr.x lit", x1
    ldrsw   x1, lit + 4
    PX      "ldrsw lit+4", x1
    ldr     x1, lit_back
    PX      "ldr.x backward", x1
    prfm    pldl1keep, lit
    ldr     x1, =0x1234567890abcdef
    PX      "ldr =const", x1
    ldp     x29, x30, [sp], #16
    ret
    .balign 8
lit:
    .quad   0x80000001fedcba98

pairs:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== pairs"
    ldp     x1, x2, [x9]
    PXX     "ldp", x1, x2
    ldp     x1, x2, [x9, #-32]
    PXX     "ldp -32", x1, x2
    ldp     w1, w2, [x9, #8]
    PXX     "ldp.w +8", x1, x2
    ldpsw   x1, x2, [x9, #24]
    PXX     "ldpsw +24", x1, x2
    ldpsw   x1, x2, [x9, #-8]
    PXX     "ldpsw -8", x1, x2
    ldnp    x1, x2, [x9, #16]
    PXX     "ldnp +16", x1, x2
    ldnp    w1, w2, [x9, #-16]
    PXX     "ldnp.w -16", x1, x2
    mov     x10, x9
    ldp     x1, x2, [x10, #16]!
    sub     x3, x10, x9
    PXX     "ldp pre", x1, x2
    PX      " base", x3
    ldp     x1, x2, [x10], #-32
    sub     x3, x10, x9
    PXX     "ldp post", x1, x2
    PX      " base", x3
    ldpsw   x1, x2, [x10, #8]!
    sub     x3, x10, x9
    PXX     "ldpsw pre", x1, x2
    PX      " base", x3
    ldpsw   x1, x2, [x10], #24
    sub     x3, x10, x9
    PXX     "ldpsw post", x1, x2
    PX      " base", x3
    ldp     w1, w2, [x10, #-8]!
    sub     x3, x10, x9
    PXX     "ldp.w pre", x1, x2
    PX      " base", x3
    ldp     x1, x2, [x9, #504]
    PXX     "ldp +504", x1, x2
    ldp     x1, x2, [x9, #-512]
    PXX     "ldp -512", x1, x2
    add     x16, x9, #512
    MOV64   x1, 0xaaaaaaaabbbbbbbb
    MOV64   x2, 0xccccccccdddddddd
    stp     x1, x2, [x16]
    stp     w2, w1, [x16, #16]
    stnp    w1, w2, [x16, #24]
    mov     x0, x16
    bl      dump
    mov     x10, x16
    stp     x2, x1, [x10, #16]!
    stp     w1, w1, [x10], #-8
    stnp    x1, xzr, [x16]
    sub     x3, x10, x16
    PX      "stp pre/post base", x3
    mov     x0, x16
    bl      dump
    ldp     x29, x30, [sp], #16
    ret

// LDTR/STTR at EL2 without E2H behave as the ordinary forms.
unpriv:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== ldtr/sttr"
    ldtr    x1, [x9, #8]
    PX      "ldtr", x1
    ldtr    w1, [x9, #-4]
    PX      "ldtr.w -4", x1
    ldtrsw  x1, [x9, #4]
    PX      "ldtrsw", x1
    ldtrh   w1, [x9, #-2]
    PX      "ldtrh", x1
    ldtrsh  x1, [x9, #2]
    PX      "ldtrsh.x", x1
    ldtrsh  w1, [x9, #2]
    PX      "ldtrsh.w", x1
    ldtrb   w1, [x9, #255]
    PX      "ldtrb", x1
    ldtrsb  x1, [x9, #3]
    PX      "ldtrsb.x", x1
    ldtrsb  w1, [x9, #3]
    PX      "ldtrsb.w", x1
    add     x16, x9, #768
    MOV64   x1, 0x5566778899aabbcc
    sttr    x1, [x16]
    sttr    w1, [x16, #8]
    sttrh   w1, [x16, #14]
    sttrb   w1, [x16, #-1]
    sub     x0, x16, #16
    bl      dump
    ldp     x29, x30, [sp], #16
    ret

zr_sp:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== xzr and sp"
    add     x16, x9, #1024
    MOV64   x1, 0xffffffffffffffff
    stp     x1, x1, [x16]
    stp     x1, x1, [x16, #16]
    str     xzr, [x16]
    strb    wzr, [x16, #9]
    stp     wzr, wzr, [x16, #16]
    stp     xzr, x1, [x16, #16]
    mov     x0, x16
    bl      dump
    ldr     xzr, [x16, #8]              // loads into XZR are discarded
    ldp     xzr, x2, [x16, #8]
    PX      "ldp xzr,x2", x2
    // SP as the base register.
    MOV64   x1, 0x1111222233334444
    MOV64   x2, 0x5555666677778888
    sub     sp, sp, #64
    stp     x1, x2, [sp]
    str     x1, [sp, #16]
    strb    w2, [sp, #24]
    ldr     x3, [sp, #8]
    PX      "ldr [sp,#8]", x3
    ldrb    w3, [sp, #24]
    PX      "ldrb [sp,#24]", x3
    ldur    w3, [sp, #20]
    PX      "ldur [sp,#20]", x3
    mov     x10, #16
    ldr     x3, [sp, x10]
    PX      "ldr [sp,x]", x3
    mov     x11, sp
    stp     x2, x1, [sp, #-16]!
    mov     x13, sp
    sub     x12, x11, x13
    PX      "stp [sp,#-16]! moved", x12
    ldp     x3, x4, [sp], #16
    PXX     "ldp [sp],#16", x3, x4
    mov     x13, sp
    sub     x12, x11, x13
    PX      "sp restored", x12
    ldr     x3, [sp], #8
    ldr     x4, [sp, #-8]!
    PXX     "ldr post/pre sp", x3, x4
    add     sp, sp, #64
    ldp     x29, x30, [sp], #16
    ret

    .section .rodata
    .balign 8
lit_back:
    .quad   0x0badc0de0badc0de

    .bss
    .balign 16
buf:
    .space  0x10000
