// bitfield: SBFM/BFM/UBFM over a grid of immr/imms (extract and insert
// forms, edge positions), every alias (asr/lsl/lsr immediate, sbfiz, sbfx,
// sxtb/h/w, bfi, bfxil, bfc, ubfiz, ubfx, uxtb/h), EXTR and ROR immediate.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    MOV64   x1, 0x8badf00ddeadbeef      // source
    MOV64   x2, 0x0123456789abcdef      // destination for BFM

    PUTLN   "== sbfm/ubfm/bfm 64-bit grid"
    .irp r, 0, 1, 7, 31, 32, 33, 63
    .irp s, 0, 1, 6, 7, 31, 32, 62, 63
    sbfm    x3, x1, #\r, #\s
    PX      "sbfm \r \s", x3
    ubfm    x3, x1, #\r, #\s
    PX      "ubfm \r \s", x3
    mov     x3, x2
    bfm     x3, x1, #\r, #\s
    PX      "bfm \r \s", x3
    .endr
    .endr

    PUTLN   "== sbfm/ubfm/bfm 32-bit grid"
    .irp r, 0, 1, 8, 15, 16, 31
    .irp s, 0, 1, 7, 15, 16, 30, 31
    sbfm    w3, w1, #\r, #\s
    PX      "sbfm.w \r \s", x3
    ubfm    w3, w1, #\r, #\s
    PX      "ubfm.w \r \s", x3
    mov     x3, x2
    bfm     w3, w1, #\r, #\s
    PX      "bfm.w \r \s", x3
    .endr
    .endr

    PUTLN   "== aliases"
    asr     x3, x1, #0
    PX      "asr #0", x3
    asr     x3, x1, #1
    PX      "asr #1", x3
    asr     x3, x1, #63
    PX      "asr #63", x3
    asr     w3, w1, #31
    PX      "asr.w #31", x3
    asr     w3, w1, #4
    PX      "asr.w #4", x3
    lsl     x3, x1, #1
    PX      "lsl #1", x3
    lsl     x3, x1, #63
    PX      "lsl #63", x3
    lsl     w3, w1, #31
    PX      "lsl.w #31", x3
    lsl     w3, w1, #0
    PX      "lsl.w #0", x3
    lsr     x3, x1, #63
    PX      "lsr #63", x3
    lsr     x3, x1, #32
    PX      "lsr #32", x3
    lsr     w3, w1, #31
    PX      "lsr.w #31", x3
    ror     x3, x1, #8
    PX      "ror #8", x3
    ror     x3, x1, #63
    PX      "ror #63", x3
    ror     w3, w1, #1
    PX      "ror.w #1", x3
    sbfiz   x3, x1, #4, #12
    PX      "sbfiz 4,12", x3
    sbfiz   x3, x1, #63, #1
    PX      "sbfiz 63,1", x3
    sbfiz   w3, w1, #28, #4
    PX      "sbfiz.w 28,4", x3
    sbfx    x3, x1, #60, #4
    PX      "sbfx 60,4", x3
    sbfx    x3, x1, #0, #64
    PX      "sbfx 0,64", x3
    sbfx    w3, w1, #31, #1
    PX      "sbfx.w 31,1", x3
    sbfx    w3, w1, #4, #8
    PX      "sbfx.w 4,8", x3
    sxtb    x3, w1
    PX      "sxtb", x3
    sxth    x3, w1
    PX      "sxth", x3
    sxtw    x3, w1
    PX      "sxtw", x3
    sxtb    w3, w1
    PX      "sxtb.w", x3
    sxth    w3, w1
    PX      "sxth.w", x3
    ubfiz   x3, x1, #8, #16
    PX      "ubfiz 8,16", x3
    ubfiz   x3, x1, #63, #1
    PX      "ubfiz 63,1", x3
    ubfiz   w3, w1, #1, #31
    PX      "ubfiz.w 1,31", x3
    ubfx    x3, x1, #32, #32
    PX      "ubfx 32,32", x3
    ubfx    x3, x1, #63, #1
    PX      "ubfx 63,1", x3
    ubfx    w3, w1, #16, #16
    PX      "ubfx.w 16,16", x3
    uxtb    w3, w1
    PX      "uxtb", x3
    uxth    w3, w1
    PX      "uxth", x3
    mov     x3, x2
    bfi     x3, x1, #0, #1
    PX      "bfi 0,1", x3
    mov     x3, x2
    bfi     x3, x1, #60, #4
    PX      "bfi 60,4", x3
    mov     x3, x2
    bfi     x3, x1, #1, #63
    PX      "bfi 1,63", x3
    mov     x3, x2
    bfi     w3, w1, #8, #8
    PX      "bfi.w 8,8", x3
    mov     x3, x2
    bfxil   x3, x1, #0, #64
    PX      "bfxil 0,64", x3
    mov     x3, x2
    bfxil   x3, x1, #56, #8
    PX      "bfxil 56,8", x3
    mov     x3, x2
    bfxil   w3, w1, #31, #1
    PX      "bfxil.w 31,1", x3
    mov     x3, x2
    bfc     x3, #4, #56
    PX      "bfc 4,56", x3
    mov     x3, x2
    bfc     w3, #0, #32
    PX      "bfc.w 0,32", x3
    // The destination is also a source for BFM: Xd == Xn.
    mov     x3, x2
    bfi     x3, x3, #16, #16
    PX      "bfi self", x3
    // XZR as source and destination.
    sbfx    x3, xzr, #0, #1
    PX      "sbfx xzr", x3
    mov     x3, x2
    bfxil   x3, xzr, #8, #8
    PX      "bfxil xzr", x3
    ubfx    xzr, x1, #0, #8
    PX      "ubfx to xzr (x1)", x1

    PUTLN   "== extr"
    .irp l, 0, 1, 31, 32, 63
    extr    x3, x1, x2, #\l
    PX      "extr \l", x3
    .endr
    .irp l, 0, 1, 16, 31
    extr    w3, w1, w2, #\l
    PX      "extr.w \l", x3
    .endr
    extr    x3, x1, x1, #13
    PX      "extr same (ror 13)", x3
    extr    x3, xzr, x1, #4
    PX      "extr xzr:x1", x3
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret
