// atomics: exclusives (LDXR/STXR/LDAXR/STLXR, pairs) with successful and
// failing store-exclusives, the exclusive-monitor questions (cleared by ERET?
// by taking an exception? by an ordinary store?), load-acquire/store-release
// (LDAR/STLR, LDAPR, LDAPUR/STLUR, LDLAR/STLLR), CAS and CASP (success and
// failure, every ordering), every LD<op>, ST<op> and SWP size and ordering.
    .include "macros.inc"

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    adrp    x21, mem
    add     x21, x21, :lo12:mem
    adr     x20, pairs_tab
    bl      exclusives
    bl      monitor
    bl      acqrel
    bl      cas_tests
    bl      casp_tests
    bl      ldop_tests
    ldp     x21, x22, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

// ---------------------------------------------------------------------------
.macro EXCL_OK ld, st, reg, name
    MOV64   x7, 0x8899aabbccddeeff
    str     x7, [x21]
    mov     x3, #-1
    \ld     \reg\()3, [x21]
    MOV64   x6, 0x0123456789abcdef
    mov     w5, #7
    \st     w5, \reg\()6, [x21]
    ldr     x4, [x21]
    PXX     "\name value/mem", x3, x4
    PX      "\name status", x5
.endm

exclusives:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== exclusives"
    EXCL_OK ldxrb, stxrb, w, "xrb"
    EXCL_OK ldxrh, stxrh, w, "xrh"
    EXCL_OK ldxr, stxr, w, "xr.w"
    EXCL_OK ldxr, stxr, x, "xr.x"
    EXCL_OK ldaxrb, stlxrb, w, "axrb"
    EXCL_OK ldaxrh, stlxrh, w, "axrh"
    EXCL_OK ldaxr, stlxr, w, "axr.w"
    EXCL_OK ldaxr, stlxr, x, "axr.x"
    // Pairs.
    MOV64   x7, 0x1111111122222222
    MOV64   x8, 0x3333333344444444
    stp     x7, x8, [x21]
    ldxp    x2, x3, [x21]
    PXX     "ldxp", x2, x3
    MOV64   x6, 0x5555555566666666
    mov     w5, #7
    stxp    w5, x6, x7, [x21]
    ldp     x2, x3, [x21]
    PXX     "stxp mem", x2, x3
    PX      "stxp status", x5
    ldaxp   w2, w3, [x21]
    PXX     "ldaxp.w", x2, x3
    stlxp   w5, w8, w7, [x21]
    ldp     x2, x3, [x21]
    PXX     "stlxp.w mem", x2, x3
    PX      "stlxp.w status", x5
    ldxp    x2, x3, [x21]
    stlxp   w5, xzr, x8, [x21]
    ldp     x2, x3, [x21]
    PXX     "stlxp xzr mem", x2, x3
    PX      "stlxp xzr status", x5
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Store-exclusive outcomes. Each case arms the monitor with LDXR on [x21]
// (unless it says otherwise), does something, then STXR w5 to [x21].
.macro STX_CASE name
    mov     w5, #7
    stxr    w5, x6, [x21]
    PX      "\name", x5
.endm

monitor:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== monitor"
    MOV64   x6, 0x0123456789abcdef
    str     xzr, [x21]
    str     xzr, [x21, #8]
    clrex
    STX_CASE "no ldxr"
    ldxr    x3, [x21]
    clrex
    STX_CASE "clrex"
    ldxr    x3, [x21]
    stxr    w5, x6, [x21]
    STX_CASE "second stxr"
    add     x9, x21, #8
    ldxr    x3, [x9]
    STX_CASE "other address"
    ldxr    x3, [x21]
    mov     w5, #7
    stxr    w5, x6, [x9]
    PX      "stxr to other address", x5
    STX_CASE "then to the monitored one"
    ldxr    w3, [x21]
    ldxr    x3, [x9]
    mov     w5, #7
    stxr    w5, x6, [x9]
    PX      "re-armed ldxr", x5
    // Ordinary stores by this PE. A store to the monitored address may clear
    // the monitor (IMPLEMENTATION DEFINED); QEMU's behaviour is recorded.
    ldxr    x3, [x21]
    str     x3, [x21]
    STX_CASE "str same value"
    ldxr    x3, [x21]
    add     x4, x3, #1
    str     x4, [x21]
    STX_CASE "str other value"
    ldxr    x3, [x21]
    strb    w3, [x21]
    STX_CASE "strb same value"
    ldxr    x3, [x21]
    str     x4, [x21, #8]
    STX_CASE "str other address"
    ldxr    x3, [x21]
    mov     x4, #0x100
    str     x4, [x21, #16]
    STX_CASE "str other address in granule"
    // Exception return without an exception: ERET to the next instruction at EL2.
    ldxr    x3, [x21]
    mrs     x4, nzcv
    mov     x8, #SPSR_EL2h
    orr     x8, x8, x4
    msr     spsr_el2, x8
    adr     x8, 1f
    msr     elr_el2, x8
    eret
1:  STX_CASE "eret"
    // Taking an exception and returning from it.
    ldxr    x3, [x21]
    svc     #0x55
    STX_CASE "svc round trip"
    // Taking an exception without returning: a private vector table does the
    // store-exclusive in the handler and branches back.
    adr     x8, vec_mon
    msr     vbar_el2, x8
    isb
    mov     x7, x21
    ldxr    x3, [x21]
    mov     w5, #7
    brk     #0x66
mon_back:
    ldr     x8, =vectors_el2
    msr     vbar_el2, x8
    isb
    PX      "exception entry (stxr in handler)", x5
    // A load-exclusive is not disturbed by ordinary loads.
    ldxr    x3, [x21]
    ldr     x4, [x21]
    ldr     x4, [x21, #8]
    STX_CASE "plain loads"
    // Exclusive pair monitor: a 16-byte pair store needs a 16-byte pair load.
    ldxp    x2, x3, [x21]
    mov     w5, #7
    stxp    w5, x6, x6, [x21]
    PX      "ldxp/stxp", x5
    ldxr    x2, [x21]
    mov     w5, #7
    stxp    w5, x6, x6, [x21]
    PX      "ldxr/stxp", x5
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
acqrel:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== load-acquire/store-release"
    MOV64   x7, 0x80f1e2d3c4b5a697
    MOV64   x8, 0x0123456789abcdef
    stp     x7, x8, [x21]
    mov     x3, #-1
    ldarb   w3, [x21]
    PX      "ldarb", x3
    ldarh   w3, [x21, #0]
    PX      "ldarh", x3
    ldar    w3, [x21]
    PX      "ldar.w", x3
    ldar    x3, [x21]
    PX      "ldar.x", x3
    ldaprb  w3, [x21]
    PX      "ldaprb", x3
    ldaprh  w3, [x21]
    PX      "ldaprh", x3
    ldapr   w3, [x21]
    PX      "ldapr.w", x3
    ldapr   x3, [x21]
    PX      "ldapr.x", x3
    ldlarb  w3, [x21]
    PX      "ldlarb", x3
    ldlarh  w3, [x21]
    PX      "ldlarh", x3
    ldlar   w3, [x21]
    PX      "ldlar.w", x3
    ldlar   x3, [x21]
    PX      "ldlar.x", x3
    add     x9, x21, #8
    ldapur  x3, [x9, #-8]
    PX      "ldapur.x -8", x3
    ldapur  w3, [x9, #4]
    PX      "ldapur.w +4", x3
    ldapurh w3, [x9, #-2]
    PX      "ldapurh -2", x3
    ldapurb w3, [x9, #-1]
    PX      "ldapurb -1", x3
    ldapursb w3, [x9, #-1]
    PX      "ldapursb.w -1", x3
    ldapursb x3, [x9, #-1]
    PX      "ldapursb.x -1", x3
    ldapursh w3, [x9, #-2]
    PX      "ldapursh.w -2", x3
    ldapursh x3, [x9, #6]
    PX      "ldapursh.x +6", x3
    ldapursw x3, [x9, #-4]
    PX      "ldapursw -4", x3
    ldapursw x3, [x9, #4]
    PX      "ldapursw +4", x3
    MOV64   x6, 0xa5a5a5a5a5a5a5a5
    stlrb   w6, [x21]
    stlrh   w6, [x21, #0]
    ldp     x2, x3, [x21]
    PXX     "stlrb/h mem", x2, x3
    stlr    w8, [x21]
    ldp     x2, x3, [x21]
    PXX     "stlr.w mem", x2, x3
    stlr    x6, [x21]
    stllrb  w8, [x21]
    stllrh  w8, [x9]
    ldp     x2, x3, [x21]
    PXX     "stlr/stllrb/h mem", x2, x3
    stllr   w7, [x21, #0]
    stllr   x7, [x9]
    ldp     x2, x3, [x21]
    PXX     "stllr mem", x2, x3
    stlur   x8, [x9, #-8]
    stlur   w6, [x9, #4]
    stlurh  w7, [x9, #-2]
    stlurb  wzr, [x9, #1]
    ldp     x2, x3, [x21]
    PXX     "stlur mem", x2, x3
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// CAS: Rs holds the compare value and receives the old memory value.
.macro CAS1 insn, reg, idx, hit
    ldr     x7, [x20, #(\idx * 16)]
    ldr     x6, [x20, #(\idx * 16 + 8)]
    str     x7, [x21]
.if \hit
    mov     x3, x7
.else
    eor     x3, x7, #1
.endif
    \insn   \reg\()3, \reg\()6, [x21]
    ldr     x4, [x21]
    PXX     "\insn \idx hit=\hit old/mem", x3, x4
.endm

.macro CAS_SIZES ord
    CAS1    cas\ord\()b, w, 0, 1
    CAS1    cas\ord\()b, w, 1, 0
    CAS1    cas\ord\()h, w, 2, 1
    CAS1    cas\ord\()h, w, 3, 0
    CAS1    cas\ord, w, 0, 1
    CAS1    cas\ord, w, 1, 0
    CAS1    cas\ord, x, 2, 1
    CAS1    cas\ord, x, 3, 0
.endm

cas_tests:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== cas"
    CAS_SIZES
    CAS_SIZES a
    CAS_SIZES l
    CAS_SIZES al
    // Byte/halfword compares ignore the upper bits of Rs.
    mov     x7, #0x87
    str     x7, [x21]
    mov     w3, #0xffffff87
    mov     w6, #0x12
    casb    w3, w6, [x21]
    ldr     x4, [x21]
    PXX     "casb upper bits ignored", x3, x4
    mov     w3, #0x12
    mov     w6, #0x34
    cash    w3, w6, [x21]
    ldr     x4, [x21]
    PXX     "cash hit", x3, x4
    // Rs = XZR compares with zero.
    str     xzr, [x21]
    MOV64   x6, 0x6666
    cas     xzr, x6, [x21]
    ldr     x4, [x21]
    PX      "cas xzr mem", x4
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
.macro CASP1 insn, reg, hit
    MOV64   x7, 0x0011223344556677
    MOV64   x8, 0x8899aabbccddeeff
    stp     x7, x8, [x21]
    mov     x2, x7
    mov     x3, x8
.if \hit == 0
    eor     x3, x3, #0x100
.endif
    MOV64   x4, 0xfedcba9876543210
    MOV64   x5, 0x0f1e2d3c4b5a6978
    \insn   \reg\()2, \reg\()3, \reg\()4, \reg\()5, [x21]
    PXX     "\insn \reg hit=\hit old", x2, x3
    ldp     x4, x5, [x21]
    PXX     "\insn \reg hit=\hit mem", x4, x5
.endm

casp_tests:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== casp"
    .irp o, casp, caspa, caspl, caspal
    CASP1   \o, x, 1
    CASP1   \o, x, 0
    CASP1   \o, w, 1
    CASP1   \o, w, 0
    .endr
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// LD<op>/SWP: x3 receives the old value; the memory word is printed after.
.macro ATOM insn, reg, idx
    ldr     x7, [x20, #(\idx * 16)]
    ldr     x6, [x20, #(\idx * 16 + 8)]
    str     x7, [x21]
    mov     x3, #-1
    \insn   \reg\()6, \reg\()3, [x21]
    ldr     x4, [x21]
    PXX     "\insn \idx old/mem", x3, x4
.endm

.macro ATOM_ORDS base, reg, suffix
    ATOM    \base\suffix, \reg, 0
    ATOM    \base\()a\suffix, \reg, 1
    ATOM    \base\()al\suffix, \reg, 2
    ATOM    \base\()l\suffix, \reg, 3
.endm

.macro ATOM_ALL base
    ATOM_ORDS \base, w, b
    ATOM_ORDS \base, w, h
    ATOM_ORDS \base, w,
    ATOM_ORDS \base, x,
.endm

ldop_tests:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== ld<op> and swp"
    ATOM_ALL ldadd
    ATOM_ALL ldclr
    ATOM_ALL ldeor
    ATOM_ALL ldset
    ATOM_ALL ldsmax
    ATOM_ALL ldsmin
    ATOM_ALL ldumax
    ATOM_ALL ldumin
    ATOM_ALL swp
    // Operand combinations on a second value set.
    .irp i, 4, 5
    ATOM    ldsmaxb, w, \i
    ATOM    ldsminh, w, \i
    ATOM    ldumax, w, \i
    ATOM    ldumin, x, \i
    ATOM    ldsmax, x, \i
    ATOM    ldadd, w, \i
    .endr
    PUTLN   "== st<op>"
    MOV64   x7, 0x7f7f7f7f7f7f7f7f
    str     x7, [x21]
    mov     x6, #1
    stadd   x6, [x21]
    staddb  w6, [x21]
    staddlh w6, [x21]
    ldr     x4, [x21]
    PX      "stadd", x4
    mov     x6, #0xf0
    stclr   w6, [x21]
    steorl  x6, [x21]
    stset   x6, [x21]
    ldr     x4, [x21]
    PX      "stclr/steor/stset", x4
    mov     x6, #-1
    stsmaxb w6, [x21]
    stuminh w6, [x21]
    stumax  x6, [x21]
    ldr     x4, [x21]
    PX      "stsmax/stumin/stumax", x4
    mov     x6, #0
    stsmin  w6, [x21]
    ldr     x4, [x21]
    PX      "stsmin", x4
    ldp     x29, x30, [sp], #16
    ret

// A vector table for the monitor experiment: the synchronous current-EL
// entry does the store-exclusive right after exception entry.
    .balign 2048
vec_mon:
    .skip   0x200
    stxr    w5, x6, [x7]
    b       mon_back

    .section .rodata
    .balign 16
pairs_tab:
    .quad   0xf0e1d2c3b4a59687, 0x0f1e2d3c4b5a6978
    .quad   0x0000000000000001, 0xffffffffffffffff
    .quad   0x7fffffffffffff80, 0x800000000000007f
    .quad   0x8000000080008000, 0x7fffffff7fff7fff
    .quad   0x00000000000000ff, 0x0000000000000080
    .quad   0xffffffff80000000, 0x000000007fffffff

    .bss
    .balign 16
mem:
    .space  64
