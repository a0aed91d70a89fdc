// branches: B.cond for all 16 conditions under all 16 NZCV values (and the
// same conditions through CSET for cross-checking), CBZ/CBNZ and TBZ/TBNZ
// (bits 0, 31, 32, 63; W forms ignore the upper half), B/BL/BR/BLR/RET with
// the link register, branches to other pages and straight-line execution
// across a page boundary.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    bl      conds
    bl      compare_branch
    bl      test_branch
    bl      indirect
    bl      pages
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
conds:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== b.cond taken masks (bit i = condition i, eq..nv)"
    mov     x1, #0
1:  lsl     x3, x1, #28
    msr     nzcv, x3
    mov     x2, #0
    .set    bit, 0
    .irp c, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
    b.\c    3f
    b       4f
3:  orr     x2, x2, #(1 << bit)
4:
    .set    bit, bit + 1
    .endr
    PXX     "nzcv/taken", x3, x2
    // The flags are unchanged by the branches; CSINC sees the same conditions.
    mov     x5, #0
    .set    bit, 0
    .irp c, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
    csinc   x4, xzr, xzr, \c            // 0 if the condition holds, else 1
    eor     x4, x4, #1
    orr     x5, x5, x4, lsl #bit
    .set    bit, bit + 1
    .endr
    cmp     x2, x5
    b.eq    5f
    PX      "  csinc disagrees", x5
5:  add     x1, x1, #1
    cmp     x1, #16
    b.lo    1b
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro CB insn, reg, name
    mov     x2, #0
    \insn   \reg, 1f
    b       2f
1:  mov     x2, #1
2:  PX      "\name", x2
.endm

compare_branch:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== cbz/cbnz"
    mov     x1, #0
    CB      cbz, x1, "cbz x 0"
    CB      cbnz, x1, "cbnz x 0"
    CB      cbz, w1, "cbz w 0"
    MOV64   x1, 0x100000000
    CB      cbz, x1, "cbz x 1<<32"
    CB      cbnz, x1, "cbnz x 1<<32"
    CB      cbz, w1, "cbz w 1<<32"
    CB      cbnz, w1, "cbnz w 1<<32"
    MOV64   x1, 0x8000000000000000
    CB      cbnz, x1, "cbnz x 1<<63"
    mov     x1, #1
    CB      cbnz, w1, "cbnz w 1"
    CB      cbz, xzr, "cbz xzr"
    CB      cbnz, wzr, "cbnz wzr"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro TB insn, reg, bitno
    mov     x2, #0
    \insn   \reg, #\bitno, 1f
    b       2f
1:  mov     x2, #1
2:  PX      "\insn \reg #\bitno", x2
.endm

test_branch:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== tbz/tbnz"
    MOV64   x1, 0x8000000180000001
    .irp b, 0, 1, 31, 32, 33, 62, 63
    TB      tbz, x1, \b
    TB      tbnz, x1, \b
    .endr
    TB      tbz, w1, 0
    TB      tbnz, w1, 31
    TB      tbz, w1, 30
    TB      tbnz, xzr, 63
    TB      tbz, xzr, 5
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
indirect:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== br/blr/ret"
    adr     x9, leaf
    blr     x9
9:  adr     x10, 9b
    sub     x1, x0, x10
    PX      "blr link - return site", x1
    adr     x9, 1f
    br      x9
    PUTLN   "not reached"
1:  PUTLN   "br reached"
    bl      2f
8:  b       3f
2:  adr     x10, 8b
    sub     x1, x30, x10
    PX      "bl link - return site", x1
    ret
3:  // ret through a register other than x30
    adr     x11, 4f
    ret     x11
    PUTLN   "not reached"
4:  PUTLN   "ret x11 reached"
    // blr with the link register as the target register
    adr     x30, leaf
    blr     x30
7:  adr     x10, 7b
    sub     x1, x0, x10
    PX      "blr x30 link - return site", x1
    // b and bl far forward and backward
    bl      far_fn
    PX      "far_fn", x0
    b       5f
6:  PUTLN   "backward b reached"
    b       10f
5:  b       6b
10: ldp     x29, x30, [sp], #16
    ret

// leaf: returns its own link register in x0
leaf:
    mov     x0, x30
    ret

// ---------------------------------------------------------------------------
// Code in other pages: a call chain bouncing between pages, and a run of
// straight-line code crossing a page boundary.
pages:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== pages"
    mov     x0, #0
    bl      page_a
    PX      "page chain", x0
    mov     x1, #0
    bl      straddle
    PX      "straddle", x1
    ldp     x29, x30, [sp], #16
    ret

    .section .text.far, "ax"
    .balign 4096
page_a:
    add     x0, x0, #1
    adr     x9, page_b
    br      x9
    .balign 4096
page_b:
    add     x0, x0, #0x10
    cbz     xzr, page_c
    .balign 4096
page_c:
    add     x0, x0, #0x100
    tbnz    x0, #8, 1f
    ret
1:  add     x0, x0, #0x1000
    ret
    .balign 4096
    .skip   4096 - 12
straddle:
    add     x1, x1, #1
    add     x1, x1, #2
    add     x1, x1, #4                  // first word of the next page
    add     x1, x1, #8
    b.al    1f
    add     x1, x1, #0x100
1:  ret

far_fn:
    mov     x0, #0x77
    ret
