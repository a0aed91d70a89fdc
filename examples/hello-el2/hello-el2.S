// hello-el2: the smallest nvlab guest. QEMU's -kernel (and `nvlab run`) start it
// at EL2h with the MMU off; it reports CurrentEL on the PL011 UART and exits
// with status 0 through Arm semihosting.
//
//   nvlab run examples/hello-el2/hello-el2.elf
//   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max \
//       -nographic -semihosting -kernel examples/hello-el2/hello-el2.elf

    .equ UART_DR, 0x09000000
    .equ UART_FR, 0x09000018
    .equ FR_TXFF, 1 << 5
    .equ SYS_EXIT, 0x18
    .equ ADP_Stopped_ApplicationExit, 0x20026

    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x0, =stack_top
    mov     sp, x0

    adr     x0, greeting
    bl      puts

    mrs     x19, CurrentEL
    ubfx    x19, x19, #2, #2            // CurrentEL.EL is bits [3:2]
    adr     x0, el_msg
    bl      puts
    add     w0, w19, #'0'
    bl      putc
    adr     x0, newline
    bl      puts

    // SYS_EXIT takes a pointer to {reason, subcode}; subcode is the exit status.
    adr     x1, exit_block
    mov     w0, #SYS_EXIT
    hlt     #0xf000
1:  b       1b

// putc(w0): wait until the transmit FIFO has room, then write the byte.
putc:
    ldr     x1, =UART_FR
2:  ldr     w2, [x1]
    tbnz    w2, #5, 2b                   // FR.TXFF
    ldr     x1, =UART_DR
    strb    w0, [x1]
    ret

// puts(x0): write a NUL-terminated string.
puts:
    mov     x3, x30
    mov     x4, x0
3:  ldrb    w0, [x4], #1
    cbz     w0, 4f
    bl      putc
    b       3b
4:  ret     x3

    .section .rodata
greeting:
    .asciz  "Hello from nvlab's hello-el2 example!\n"
el_msg:
    .asciz  "Running at EL"
newline:
    .asciz  "\n"

    .balign 8
exit_block:
    .quad   ADP_Stopped_ApplicationExit, 0

    .bss
    .balign 16
    .space  4096
stack_top:
