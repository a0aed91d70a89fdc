// alu: add/sub (immediate, shifted, extended, SP forms), flags and carries,
// adc/sbc, logical (immediate and shifted, every shift type), ccmp/ccmn,
// the csel family, move wide, variable shifts, adr/adrp.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    bl      addsub_imm
    bl      sp_forms
    bl      flag_matrix
    bl      shifted
    bl      extended
    bl      carries
    bl      logical_imm
    bl      logical_shifted
    bl      cond_compare
    bl      cond_select
    bl      move_wide
    bl      var_shifts
    bl      pcrel
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
addsub_imm:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== add/sub immediate"
    MOV64   x1, 0x7ffffffffffff001
    add     x2, x1, #0xfff
    PX      "add x,#0xfff", x2
    add     x2, x1, #0xfff, lsl #12
    PX      "add x,#0xfff,lsl12", x2
    sub     x2, x1, #1
    PX      "sub x,#1", x2
    sub     x2, x1, #0x800, lsl #12
    PX      "sub x,#0x800,lsl12", x2
    add     w2, w1, #0xfff
    PX      "add w,#0xfff", x2
    sub     w2, w1, #2
    PX      "sub w,#2", x2
    mov     x3, #0
    sub     x2, x3, #1
    PX      "0-1", x2
    sub     w2, w3, #1
    PX      "0-1 w", x2
    msr     nzcv, xzr
    adds    x2, x1, #0xfff
    PXF     "adds x,#0xfff", x2
    adds    w2, w1, #0xfff
    PXF     "adds w,#0xfff", x2
    subs    x2, x3, #1
    PXF     "subs 0-1", x2
    subs    w2, w3, #0
    PXF     "subs w 0-0", x2
    cmp     x1, #1
    PF      "cmp x,#1"
    cmn     x1, #0xfff
    PF      "cmn x,#0xfff"
    MOV64   x4, 0xffffffffffffffff
    cmn     x4, #1
    PF      "cmn -1,#1"
    cmn     w4, #1
    PF      "cmn w -1,#1"
    MOV64   x4, 0x80000000
    cmp     w4, #1
    PF      "cmp w INT_MIN,#1"
    subs    xzr, x4, #0x1, lsl #12
    PF      "subs xzr"
    adds    wzr, w4, w4
    PF      "adds wzr INT_MIN+INT_MIN"
    mov     w5, #0x7fffffff
    adds    w2, w5, #1
    PXF     "adds w MAX+1", x2
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// SP as source and destination of ADD/SUB (immediate and extended) and of
// the logical immediates; the results are printed relative to the entry SP.
sp_forms:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== SP forms"
    sub     sp, sp, #256                // room for the SP moves below
    mov     x28, sp
    add     sp, sp, #0x20
    mov     x2, sp
    sub     x2, x2, x28
    PX      "add sp,sp,#0x20", x2
    sub     sp, sp, #0x40
    mov     x2, sp
    sub     x2, x28, x2
    PX      "sub sp,sp,#0x40", x2
    mov     sp, x28
    add     x2, sp, #0x18
    sub     x2, x2, x28
    PX      "add x,sp,#0x18", x2
    mov     x3, #0x30
    sub     sp, sp, x3
    mov     x2, sp
    sub     x2, x28, x2
    PX      "sub sp,sp,x3", x2
    add     sp, sp, x3, uxtx #0
    mov     x2, sp
    sub     x2, x2, x28
    PX      "add sp,sp,x3,uxtx", x2
    mov     w4, #4
    add     x2, sp, w4, uxtw #3
    sub     x2, x2, x28
    PX      "add x,sp,w,uxtw#3", x2
    mov     x5, #-2
    add     x2, sp, x5, sxtx #4
    sub     x2, x28, x2
    PX      "add x,sp,x,sxtx#4", x2
    add     w2, wsp, #8
    sub     w2, w2, w28
    PX      "add w,wsp,#8", x2
    msr     nzcv, xzr
    adds    x2, sp, #0
    sub     x2, x2, x28
    PXF     "adds x,sp,#0", x2
    cmp     sp, x28
    PF      "cmp sp,x28"
    cmp     sp, #0
    PF      "cmp sp,#0"
    cmn     sp, x5
    PF      "cmn sp,-2"
    subs    x2, sp, x28, uxtx #0
    PXF     "subs x,sp,x", x2
    and     sp, x28, #0xfffffffffffffff0
    mov     x2, sp
    sub     x2, x2, x28
    PX      "and sp,x,#~15", x2
    eor     sp, x28, #0x10
    mov     x2, sp
    sub     x2, x2, x28
    PX      "eor sp,x,#0x10", x2
    add     sp, x28, #256
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// ADDS/SUBS/ADCS/SBCS, 32 and 64 bits, over every pair of interesting values.
flag_matrix:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    PUTLN   "== flag matrix"
    adr     x21, vals
    mov     x19, #0
1:  mov     x20, #0
2:  ldr     x1, [x21, x19, lsl #3]
    ldr     x2, [x21, x20, lsl #3]
    PXX     "operands", x1, x2
    adds    x3, x1, x2
    PXF     " adds", x3
    subs    x3, x1, x2
    PXF     " subs", x3
    adds    w3, w1, w2
    PXF     " adds.w", x3
    subs    w3, w1, w2
    PXF     " subs.w", x3
    mov     x4, #(1 << 29)
    msr     nzcv, x4
    adcs    x3, x1, x2
    PXF     " adcs c1", x3
    msr     nzcv, xzr
    sbcs    x3, x1, x2
    PXF     " sbcs c0", x3
    msr     nzcv, x4
    adcs    w3, w1, w2
    PXF     " adcs.w c1", x3
    msr     nzcv, xzr
    sbcs    w3, w1, w2
    PXF     " sbcs.w c0", x3
    add     x20, x20, #1
    cmp     x20, #NVALS
    b.lo    2b
    add     x19, x19, #1
    cmp     x19, #NVALS
    b.lo    1b
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
shifted:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== add/sub shifted register"
    MOV64   x1, 0x0123456789abcdef
    MOV64   x2, 0xfedcba9876543210
    add     x3, x1, x2, lsl #0
    PX      "add lsl0", x3
    add     x3, x1, x2, lsl #1
    PX      "add lsl1", x3
    add     x3, x1, x2, lsl #63
    PX      "add lsl63", x3
    add     x3, x1, x2, lsr #4
    PX      "add lsr4", x3
    add     x3, x1, x2, lsr #63
    PX      "add lsr63", x3
    add     x3, x1, x2, asr #4
    PX      "add asr4", x3
    add     x3, x1, x2, asr #63
    PX      "add asr63", x3
    sub     x3, x1, x2, lsl #12
    PX      "sub lsl12", x3
    sub     x3, x1, x2, lsr #32
    PX      "sub lsr32", x3
    sub     x3, x1, x2, asr #33
    PX      "sub asr33", x3
    add     w3, w1, w2, lsl #31
    PX      "add.w lsl31", x3
    add     w3, w1, w2, lsr #31
    PX      "add.w lsr31", x3
    add     w3, w1, w2, asr #31
    PX      "add.w asr31", x3
    sub     w3, w1, w2, asr #7
    PX      "sub.w asr7", x3
    msr     nzcv, xzr
    adds    x3, x1, x2, lsl #4
    PXF     "adds lsl4", x3
    subs    x3, x1, x2, lsr #60
    PXF     "subs lsr60", x3
    adds    w3, w1, w2, asr #1
    PXF     "adds.w asr1", x3
    subs    w3, w2, w1, lsl #3
    PXF     "subs.w lsl3", x3
    neg     x3, x1
    PX      "neg", x3
    neg     x3, x1, lsl #4
    PX      "neg lsl4", x3
    neg     w3, w1, asr #2
    PX      "neg.w asr2", x3
    negs    x3, xzr
    PXF     "negs 0", x3
    MOV64   x4, 0x8000000000000000
    negs    x3, x4
    PXF     "negs INT64_MIN", x3
    negs    w3, w4, asr #31
    PXF     "negs.w asr31", x3
    mov     w4, #0x80000000
    negs    w3, w4
    PXF     "negs.w INT32_MIN", x3
    cmp     x1, x2, asr #63
    PF      "cmp asr63"
    cmn     w1, w2, lsl #8
    PF      "cmn.w lsl8"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Add/sub extended register: every extend option with shifts 0..4.
extended:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== add/sub extended register"
    MOV64   x1, 0x1000000000000000
    MOV64   x2, 0x80808080f0e08182
    add     x3, x1, w2, uxtb
    PX      "uxtb", x3
    add     x3, x1, w2, uxtb #4
    PX      "uxtb#4", x3
    add     x3, x1, w2, uxth #1
    PX      "uxth#1", x3
    add     x3, x1, w2, uxtw #2
    PX      "uxtw#2", x3
    add     x3, x1, x2, uxtx #3
    PX      "uxtx#3", x3
    add     x3, x1, w2, sxtb
    PX      "sxtb", x3
    add     x3, x1, w2, sxtb #3
    PX      "sxtb#3", x3
    add     x3, x1, w2, sxth #4
    PX      "sxth#4", x3
    add     x3, x1, w2, sxtw #1
    PX      "sxtw#1", x3
    add     x3, x1, x2, sxtx #2
    PX      "sxtx#2", x3
    sub     x3, x1, w2, sxtb #2
    PX      "sub sxtb#2", x3
    sub     x3, x1, w2, uxth
    PX      "sub uxth", x3
    add     w3, w1, w2, uxtb #1
    PX      "add.w uxtb#1", x3
    add     w3, w1, w2, sxth #2
    PX      "add.w sxth#2", x3
    add     w3, w1, w2, uxtw #4
    PX      "add.w uxtw#4", x3
    sub     w3, w1, w2, sxtb
    PX      "sub.w sxtb", x3
    msr     nzcv, xzr
    adds    x3, x2, w2, sxtw
    PXF     "adds sxtw", x3
    subs    x3, x1, w2, uxtw #4
    PXF     "subs uxtw#4", x3
    adds    w3, w2, w2, sxtb #4
    PXF     "adds.w sxtb#4", x3
    subs    w3, w2, w2, uxth #0
    PXF     "subs.w uxth", x3
    cmp     x2, w2, sxtw
    PF      "cmp sxtw"
    cmn     w2, w2, uxtb
    PF      "cmn.w uxtb"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
carries:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== adc/sbc"
    MOV64   x1, 0xffffffffffffffff
    mov     x2, #1
    mov     x9, #(1 << 29)
    msr     nzcv, xzr
    adc     x3, x1, x2
    PXF     "adc c0", x3
    msr     nzcv, x9
    adc     x3, x1, x2
    PXF     "adc c1", x3
    msr     nzcv, x9
    adc     w3, w1, w1
    PXF     "adc.w c1", x3
    msr     nzcv, xzr
    sbc     x3, x2, x2
    PXF     "sbc c0", x3
    msr     nzcv, x9
    sbc     w3, w2, w1
    PXF     "sbc.w c1", x3
    msr     nzcv, xzr
    ngc     x3, x2
    PXF     "ngc c0", x3
    msr     nzcv, x9
    ngc     w3, w2
    PXF     "ngc.w c1", x3
    msr     nzcv, xzr
    ngcs    x3, xzr
    PXF     "ngcs 0 c0", x3
    msr     nzcv, x9
    ngcs    x3, xzr
    PXF     "ngcs 0 c1", x3
    msr     nzcv, x9
    ngcs    w3, w1
    PXF     "ngcs.w -1 c1", x3
    // A 128-bit add and subtract via the carry chain.
    MOV64   x4, 0xffffffffffffffff
    MOV64   x5, 0x7fffffffffffffff
    mov     x6, #1
    mov     x7, #0
    adds    x10, x4, x6
    adcs    x11, x5, x7
    PXX     "add128", x11, x10
    PF      "add128 flags"
    subs    x10, x7, x6
    sbcs    x11, x7, x7
    PXX     "sub128", x11, x10
    PF      "sub128 flags"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
logical_imm:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== logical immediate"
    MOV64   x1, 0x0123456789abcdef
    and     x2, x1, #0x5555555555555555
    PX      "and e2", x2
    orr     x2, x1, #0x3333333333333333
    PX      "orr e4", x2
    eor     x2, x1, #0x0f0f0f0f0f0f0f0f
    PX      "eor e8", x2
    and     x2, x1, #0x00ff00ff00ff00ff
    PX      "and e16", x2
    orr     x2, x1, #0x0000ffff0000ffff
    PX      "orr e32", x2
    eor     x2, x1, #0x00000000ffffffff
    PX      "eor e64", x2
    and     x2, x1, #0x8000000000000001
    PX      "and rot", x2
    orr     x2, xzr, #0xfffffffffffffffe
    PX      "orr ~1", x2
    eor     x2, x1, #0x7ffffffffffffffe
    PX      "eor 7..e", x2
    and     w2, w1, #0x0ff00ff0
    PX      "and.w", x2
    orr     w2, w1, #0xc0000003
    PX      "orr.w rot", x2
    eor     w2, w1, #0xfffffffe
    PX      "eor.w", x2
    mov     x2, #0xaaaaaaaaaaaaaaaa
    PX      "mov bitmask", x2
    mov     w2, #0xff0000ff
    PX      "mov.w bitmask", x2
    msr     nzcv, xzr
    ands    x2, x1, #0x8000000000000000
    PXF     "ands 0", x2
    MOV64   x3, 0xf000000000000000
    ands    x2, x3, #0xc000000000000000
    PXF     "ands neg", x2
    mov     x4, #(0xf << 28)
    msr     nzcv, x4
    ands    w2, w1, #0x80000000
    PXF     "ands.w (CV cleared)", x2
    tst     x1, #1
    PF      "tst #1"
    tst     w3, #0xff
    PF      "tst.w #0xff"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro LOGSH op, name
    \op     x3, x1, x2
    PX      "\name", x3
    \op     x3, x1, x2, lsl #4
    PX      "\name lsl4", x3
    \op     x3, x1, x2, lsr #36
    PX      "\name lsr36", x3
    \op     x3, x1, x2, asr #60
    PX      "\name asr60", x3
    \op     x3, x1, x2, ror #12
    PX      "\name ror12", x3
    \op     x3, x1, x2, ror #63
    PX      "\name ror63", x3
    \op     w3, w1, w2, lsl #31
    PX      "\name.w lsl31", x3
    \op     w3, w1, w2, lsr #5
    PX      "\name.w lsr5", x3
    \op     w3, w1, w2, asr #17
    PX      "\name.w asr17", x3
    \op     w3, w1, w2, ror #9
    PX      "\name.w ror9", x3
.endm

logical_shifted:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== logical shifted register"
    MOV64   x1, 0x0123456789abcdef
    MOV64   x2, 0xf0e1d2c3b4a59687
    LOGSH   and, "and"
    LOGSH   orr, "orr"
    LOGSH   eor, "eor"
    LOGSH   bic, "bic"
    LOGSH   orn, "orn"
    LOGSH   eon, "eon"
    mvn     x3, x2
    PX      "mvn", x3
    mvn     x3, x2, ror #8
    PX      "mvn ror8", x3
    mvn     w3, w2, asr #3
    PX      "mvn.w asr3", x3
    mov     w3, w2
    PX      "mov.w", x3
    mov     x4, #(0xf << 28)
    msr     nzcv, x4
    ands    x3, x1, x2, lsl #8
    PXF     "ands lsl8", x3
    ands    x3, x1, x2, ror #40
    PXF     "ands ror40", x3
    bics    x3, x2, x2
    PXF     "bics self", x3
    bics    w3, w2, w1, lsr #1
    PXF     "bics.w lsr1", x3
    ands    w3, w2, w2, asr #31
    PXF     "ands.w asr31", x3
    tst     x2, x1, ror #4
    PF      "tst ror4"
    tst     w1, w1, lsl #24
    PF      "tst.w lsl24"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// CCMP/CCMN with the condition true (compare) and false (flags from #nzcv).
cond_compare:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== ccmp/ccmn"
    mov     x1, #5
    mov     x2, #7
    MOV64   x3, 0x8000000000000000
    cmp     x1, x1                      // Z=1, C=1
    ccmp    x1, x2, #0xf, eq
    PF      "ccmp eq-true"
    cmp     x1, x2
    ccmp    x1, x2, #0xa, eq
    PF      "ccmp eq-false #a"
    cmp     x1, x2
    ccmp    x2, x1, #0, lt
    PF      "ccmp lt-true"
    cmp     x1, x2
    ccmp    x3, #1, #0, mi
    PF      "ccmp imm INT64_MIN-1"
    cmp     x1, x2
    ccmp    x1, #31, #0x5, pl
    PF      "ccmp imm pl-false #5"
    cmp     x2, x1
    ccmn    x3, x3, #0, hi
    PF      "ccmn hi-true"
    cmp     x2, x1
    ccmn    x1, #2, #0xc, ls
    PF      "ccmn imm ls-false #c"
    cmp     x2, x1
    ccmn    w3, #0, #0, ne
    PF      "ccmn.w ne-true 0"
    mov     w4, #0x7fffffff
    cmp     x1, x1
    ccmp    w4, #0, #3, al
    PF      "ccmp.w al"
    cmp     x1, x1
    ccmn    w4, w4, #0, nv
    PF      "ccmn.w nv (always)"
    MOV64   x5, 0xffffffff
    cmp     x1, x1
    ccmn    w5, #1, #0, ge
    PF      "ccmn.w ge -1+1"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro CSEL_ALL cond
    csel    x3, x1, x2, \cond
    PX      "csel \cond", x3
    csinc   x3, x1, x2, \cond
    PX      "csinc \cond", x3
    csinv   w3, w1, w2, \cond
    PX      "csinv.w \cond", x3
    csneg   x3, x1, x2, \cond
    PX      "csneg \cond", x3
    csinc   w3, wzr, wzr, \cond
    PX      "csinc.w zr \cond", x3
.endm

.macro CSET_ALL cond
    CSEL_ALL \cond
    cset    w3, \cond
    PX      "cset \cond", x3
    csetm   x3, \cond
    PX      "csetm \cond", x3
.endm

cond_select:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== csel family"
    MOV64   x1, 0x1111111111111111
    MOV64   x2, 0xfffffffffffffffe
    mov     x4, #(0x6 << 28)            // Z=1 C=1
    msr     nzcv, x4
    CSET_ALL eq
    CSET_ALL ne
    CSET_ALL hi
    CSET_ALL ls
    mov     x4, #(0x9 << 28)            // N=1 V=1
    msr     nzcv, x4
    CSET_ALL ge
    CSET_ALL lt
    CSET_ALL gt
    CSET_ALL le
    CSET_ALL vs
    CSEL_ALL al
    CSEL_ALL nv
    csinc   w3, w1, w2, vc
    PX      "csinc.w vc", x3
    csneg   w3, w1, w2, mi
    PX      "csneg.w mi", x3
    csneg   w3, w2, w2, pl
    PX      "csneg.w pl", x3
    csinv   x3, x2, x2, cc
    PX      "csinv cc", x3
    MOV64   x5, 0xffffffffffffffff
    csinc   x3, x1, x5, cs
    PX      "csinc cs wrap", x3
    cinc    x3, x1, mi
    PX      "cinc mi", x3
    cinv    w3, w1, pl
    PX      "cinv.w pl", x3
    cneg    x3, x1, vs
    PX      "cneg vs", x3
    MOV64   x6, 0x8000000000000000
    cneg    x3, x6, mi
    PX      "cneg INT64_MIN", x3
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
move_wide:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== move wide"
    movz    x1, #0xbeef
    PX      "movz", x1
    movz    x1, #0xbeef, lsl #16
    PX      "movz lsl16", x1
    movz    x1, #0xbeef, lsl #32
    PX      "movz lsl32", x1
    movz    x1, #0xbeef, lsl #48
    PX      "movz lsl48", x1
    movn    x1, #0x1234
    PX      "movn", x1
    movn    x1, #0x1234, lsl #16
    PX      "movn lsl16", x1
    movn    x1, #0x1234, lsl #32
    PX      "movn lsl32", x1
    movn    x1, #0, lsl #48
    PX      "movn 0 lsl48", x1
    movz    w1, #0xcafe, lsl #16
    PX      "movz.w lsl16", x1
    movn    w1, #0xcafe
    PX      "movn.w", x1
    movn    w1, #0xffff, lsl #16
    PX      "movn.w ffff lsl16", x1
    MOV64   x1, 0x0123456789abcdef
    movk    x1, #0xaaaa
    PX      "movk 0", x1
    movk    x1, #0xbbbb, lsl #16
    PX      "movk 16", x1
    movk    x1, #0xcccc, lsl #32
    PX      "movk 32", x1
    movk    x1, #0xdddd, lsl #48
    PX      "movk 48", x1
    MOV64   x1, 0xffffffffffffffff
    movk    w1, #0x1111
    PX      "movk.w 0 (clears upper)", x1
    movk    w1, #0x2222, lsl #16
    PX      "movk.w 16", x1
    mov     x1, #-2
    PX      "mov -2", x1
    mov     w1, #-2
    PX      "mov.w -2", x1
    mov     x1, #0x10000
    PX      "mov 0x10000", x1
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
var_shifts:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== variable shifts"
    MOV64   x1, 0x8123456789abcdef
    adr     x9, shift_amounts
    mov     x10, #0
1:  ldr     x2, [x9, x10, lsl #3]
    PX      "amount", x2
    lsl     x3, x1, x2
    PX      " lslv", x3
    lsr     x3, x1, x2
    PX      " lsrv", x3
    asr     x3, x1, x2
    PX      " asrv", x3
    ror     x3, x1, x2
    PX      " rorv", x3
    lsl     w3, w1, w2
    PX      " lslv.w", x3
    lsr     w3, w1, w2
    PX      " lsrv.w", x3
    asr     w3, w1, w2
    PX      " asrv.w", x3
    ror     w3, w1, w2
    PX      " rorv.w", x3
    add     x10, x10, #1
    cmp     x10, #8
    b.lo    1b
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
pcrel:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== adr/adrp"
    adr     x1, pcrel
    PX      "adr", x1
    adr     x1, .
    PX      "adr .", x1
    adrp    x1, vals
    PX      "adrp vals", x1
    add     x1, x1, :lo12:vals
    adr     x2, vals
    sub     x1, x1, x2
    PX      "adrp+lo12 - adr", x1
    adrp    x1, far_target
    PX      "adrp far", x1
    ldp     x29, x30, [sp], #16
    ret

    .section .rodata
    .balign 8
    .equ NVALS, 9
vals:
    .quad   0, 1, 0x7fffffff, 0x80000000, 0xffffffff
    .quad   0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    .quad   0x123456789abcdef0
shift_amounts:
    .quad   0, 1, 31, 32, 33, 63, 64, 0xffffffffffffff85

    .equ far_target, 0x7ff12345
