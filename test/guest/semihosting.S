// semihosting: Arm semihosting through HLT #0xF000 at EL2 (and at EL1).
// SYS_WRITE0 and SYS_WRITEC go to the console (stderr); a ":tt" handle opened
// for writing goes to stdout and one opened for appending to stderr; handles
// are allocated lowest first; SYS_ISTTY of an invalid handle, SYS_ISERROR,
// SYS_ERRNO after failed calls, SYS_CLOSE, SYS_WRITE to a closed handle (it
// reports every byte as not written); and SYS_EXIT with status 42. X0 after SYS_WRITE0/WRITEC is
// UNKNOWN ("corrupted" in the specification) and is not printed.
    .include "macros.inc"

    .equ SYS_OPEN, 0x01
    .equ SYS_CLOSE, 0x02
    .equ SYS_WRITEC, 0x03
    .equ SYS_WRITE, 0x05
    .equ SYS_ISERROR, 0x08
    .equ SYS_ISTTY, 0x09
    .equ SYS_ERRNO, 0x13

.macro SEMI op, param
    mov     x0, #\op
    adr     x1, \param
    hlt     #0xf000
.endm

.macro SEMI_REG op, reg
    mov     x0, #\op
    mov     x1, \reg
    hlt     #0xf000
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    PUTLN   "== console"
    SEMI    SYS_WRITE0, msg_write0
    SEMI    SYS_WRITEC, char_c
    SEMI    SYS_WRITEC, char_nl

    PUTLN   "== :tt handles"
    SEMI    SYS_OPEN, open_w
    mov     x19, x0
    PX      "open :tt w", x19
    SEMI    SYS_OPEN, open_a
    mov     x20, x0
    PX      "open :tt a", x20
    SEMI    SYS_OPEN, open_r
    mov     x21, x0
    PX      "open :tt r", x21
    SEMI    SYS_OPEN, open_wplus
    mov     x22, x0
    PX      "open :tt w+", x22

    adr     x9, write_block
    str     x19, [x9]
    SEMI    SYS_WRITE, write_block
    PX      "write to w (bytes not written)", x0
    str     x20, [x9]
    SEMI    SYS_WRITE, write_block
    PX      "write to a", x0
    str     x22, [x9]
    SEMI    SYS_WRITE, write_block
    PX      "write to w+", x0

    // SYS_ISTTY of a :tt handle tells whether QEMU's own stdin/stdout is a
    // terminal, which depends on the host; only the invalid handle is tested.
    adr     x9, handle_block
    mov     x1, #99
    str     x1, [x9]
    SEMI    SYS_ISTTY, handle_block
    PX      "istty 99", x0
    SEMI_REG SYS_ERRNO, xzr
    PX      "errno", x0

    PUTLN   "== iserror"
    adr     x9, iserror_vals
    mov     x10, #0
1:  ldr     x11, [x9, x10, lsl #3]
    adr     x12, handle_block
    str     x11, [x12]
    SEMI    SYS_ISERROR, handle_block
    PXX     "iserror", x11, x0
    add     x10, x10, #1
    cmp     x10, #5
    b.lo    1b

    PUTLN   "== close and errors"
    adr     x9, handle_block
    str     x20, [x9]
    SEMI    SYS_CLOSE, handle_block
    PX      "close a", x0
    SEMI    SYS_CLOSE, handle_block
    PX      "close a again", x0
    SEMI_REG SYS_ERRNO, xzr
    PX      "errno", x0
    adr     x9, write_block
    str     x20, [x9]
    SEMI    SYS_WRITE, write_block
    PX      "write to closed handle", x0
    SEMI_REG SYS_ERRNO, xzr
    PX      "errno", x0
    // The lowest free handle is reused.
    SEMI    SYS_OPEN, open_a
    PX      "reopen :tt a", x0

    PUTLN   "== from EL1"
    adr     x0, el1_semihosting
    mov     x1, x19
    bl      run_el1
    PX      "el1 write", x0

    PUTLN   "exiting with 42"
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    mov     x0, #42
    ret

// x0 = the write handle
el1_semihosting:
    adr     x9, write_block_el1
    str     x0, [x9]
    mov     x0, #SYS_WRITE
    mov     x1, x9
    hlt     #0xf000
    ret

    .data
    .balign 8
open_w:         .quad tt, 4, 3
open_a:         .quad tt, 8, 3
open_r:         .quad tt, 0, 3
open_wplus:     .quad tt, 6, 3
write_block:    .quad 0, msg_write, msg_write_end - msg_write
write_block_el1: .quad 0, msg_el1, msg_el1_end - msg_el1
handle_block:   .quad 0
iserror_vals:   .quad 0, 1, -1, -5, 0x7fffffffffffffff
tt:             .asciz ":tt"
msg_write0:     .asciz "SYS_WRITE0 to the console\n"
char_c:         .byte 'C'
char_nl:        .byte '\n'
msg_write:      .ascii "SYS_WRITE to a :tt handle\n"
msg_write_end:
msg_el1:        .ascii "SYS_WRITE from EL1\n"
msg_el1_end:
