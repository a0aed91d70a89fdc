// reset: PSCI SYSTEM_RESET. QEMU reloads the image and restarts it at its
// entry point in EL2; RAM outside the image keeps its contents. The first boot
// leaves a marker at 0x48000000 (outside the image), changes a variable in
// .data and resets; the second boot finds the marker, shows that .data was
// reloaded, clears the marker and exits.
    .include "macros.inc"

    .equ MARKER_ADDR, 0x48000000
    .equ MAGIC, 0x5245534554212121     // "RESET!!!"
    .equ SYSTEM_RESET, 0x84000009

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    mov     x9, #MARKER_ADDR
    ldr     x1, [x9]
    MOV64   x2, MAGIC
    cmp     x1, x2
    b.eq    second_boot
    PUTLN   "first boot"
    adrp    x10, var
    ldr     x3, [x10, :lo12:var]
    PX      "var", x3
    mrs     x3, CurrentEL
    PX      "CurrentEL", x3
    str     x2, [x9]
    MOV64   x3, 0xdddddddddddddddd
    str     x3, [x10, :lo12:var]
    str     x3, [x9, #8]
    PUTLN   "resetting"
    MOV64   x0, SYSTEM_RESET
    smc     #0
    PUTLN   "not reached"
    ldp     x29, x30, [sp], #16
    mov     x0, #1
    ret

second_boot:
    PUTLN   "second boot"
    adrp    x10, var
    ldr     x3, [x10, :lo12:var]
    PX      "var (reloaded from the image)", x3
    ldr     x3, [x9, #8]
    PX      "RAM outside the image (kept)", x3
    mrs     x3, CurrentEL
    PX      "CurrentEL", x3
    mrs     x3, SPSel
    PX      "SPSel", x3
    mrs     x3, DAIF
    PX      "DAIF", x3
    stp     xzr, xzr, [x9]
    ldp     x29, x30, [sp], #16
    mov     x0, #0
    ret

    .data
    .balign 8
var:
    .quad   0x1111111111111111
