// Runtime shared by the differential test guests (QEMU virt and nvlab).
//
//   _start       known EL2 state, vectors, stack, .bss cleared; calls main and
//                exits through semihosting SYS_EXIT with main's return value.
//   print_*      UART output that preserves every register and NZCV.
//   vectors      EL2 and EL1 tables: each synchronous exception prints one line
//                (level, vector, EC, ESR, ELR, SPSR, FAR when the architecture
//                defines it) and resumes after the faulting instruction.
//   run_el1/run_el1t/run_el0
//                call fn(arg) at a lower EL; fn's return value comes back at
//                EL2 through HVC/SVC #RET_IMM.
//
// Only deterministic state is printed: ESR with the QEMU ISV deviation masked
// (docs/qemu-deviations.md), SPSR without the bits that depend on features nvlab
// does not share with QEMU's -cpu max (BTYPE, SSBS, TCO, ALLINT) or that an
// illegal return leaves UNKNOWN (UAO, DIT).

    .include "macros.inc"

    .equ FRAME, 256
    .equ SPSR_PRINT_MASK, 0xf07003df
    .equ DABT_ISS_MASK, 0x7ff << 14     // ISV, SAS, SSE, SRT, SF, AR

    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x0, =SCTLR_EL2_INIT
    msr     sctlr_el2, x0
    ldr     x0, =SCTLR_EL1_INIT
    msr     sctlr_el1, x0
    mov     x0, #HCR_RW                 // EL1 is AArch64
    msr     hcr_el2, x0
    mov     x0, #0x80800000             // TCR_EL2: RES1 bits only, so TBI = 0
    msr     tcr_el2, x0
    msr     tcr_el1, xzr
    ldr     x0, =vectors_el2
    msr     vbar_el2, x0
    ldr     x0, =vectors_el1
    msr     vbar_el1, x0
    isb
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  ldr     x0, =stack_el2_top
    mov     sp, x0
    mov     x29, #0
    mov     x30, #0
    bl      main
    b       exit

// exit(x0): SYS_EXIT with ADP_Stopped_ApplicationExit and status x0 (EL1 or EL2).
    .text
    .global exit
exit:
    adrp    x1, exit_block
    add     x1, x1, :lo12:exit_block
    ldr     x2, =ADP_Stopped_ApplicationExit
    stp     x2, x0, [x1]
    mov     x0, #SYS_EXIT
    hlt     #0xf000
3:  b       3b

// ---------------------------------------------------------------------------
// Printing. Nothing here sets flags; callers' registers survive (x30 aside).

// putc(w0)
    .global putc
putc:
    stp     x9, x10, [sp, #-16]!
    mov     x9, #UART_BASE
1:  ldr     w10, [x9, #0x18]
    tbnz    w10, #5, 1b                 // FR.TXFF
    strb    w0, [x9]
    ldp     x9, x10, [sp], #16
    ret

// puts(x0): NUL-terminated string
    .global puts
puts:
    stp     x0, x9, [sp, #-32]!
    str     x30, [sp, #16]
    mov     x9, x0
1:  ldrb    w0, [x9], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ldr     x30, [sp, #16]
    ldp     x0, x9, [sp], #32
    ret

// put_hex(x0 value, x1 digits): the low x1 hex digits of x0
    .global put_hex
put_hex:
    stp     x0, x9, [sp, #-48]!
    stp     x10, x11, [sp, #16]
    str     x30, [sp, #32]
    mov     x10, x0
    adr     x11, hexdigits
    lsl     x9, x1, #2
1:  cbz     x9, 2f
    sub     x9, x9, #4
    lsr     x0, x10, x9
    and     x0, x0, #15
    ldrb    w0, [x11, x0]
    bl      putc
    b       1b
2:  ldr     x30, [sp, #32]
    ldp     x10, x11, [sp, #16]
    ldp     x0, x9, [sp], #48
    ret

// put_hex64(x0)
    .global put_hex64
put_hex64:
    stp     x1, x30, [sp, #-16]!
    mov     x1, #16
    bl      put_hex
    ldp     x1, x30, [sp], #16
    ret

// put_nzcv(x0 = NZCV in bits [31:28]): "NZCV=N-C-"
put_nzcv:
    stp     x0, x9, [sp, #-32]!
    stp     x10, x30, [sp, #16]
    mov     x10, x0
    adr     x0, str_nzcv
    bl      puts
    mov     w0, #'N'
    tbnz    x10, #31, 1f
    mov     w0, #'-'
1:  bl      putc
    mov     w0, #'Z'
    tbnz    x10, #30, 1f
    mov     w0, #'-'
1:  bl      putc
    mov     w0, #'C'
    tbnz    x10, #29, 1f
    mov     w0, #'-'
1:  bl      putc
    mov     w0, #'V'
    tbnz    x10, #28, 1f
    mov     w0, #'-'
1:  bl      putc
    ldp     x10, x30, [sp, #16]
    ldp     x0, x9, [sp], #32
    ret

// print_kv(x0 label, x1 value): "label: <hex64>\n"
    .global print_kv
print_kv:
    stp     x0, x30, [sp, #-16]!
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x1
    bl      put_hex64
    mov     w0, #'\n'
    bl      putc
    ldp     x0, x30, [sp], #16
    ret

// print_kv2(x0 label, x1, x2): "label: <hex64> <hex64>\n"
    .global print_kv2
print_kv2:
    stp     x0, x30, [sp, #-16]!
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x1
    bl      put_hex64
    mov     w0, #' '
    bl      putc
    mov     x0, x2
    bl      put_hex64
    mov     w0, #'\n'
    bl      putc
    ldp     x0, x30, [sp], #16
    ret

// print_kvf(x0 label, x1 value): "label: <hex64> NZCV=....\n"
    .global print_kvf
print_kvf:
    stp     x0, x30, [sp, #-32]!
    str     x9, [sp, #16]
    mrs     x9, nzcv
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x1
    bl      put_hex64
    mov     w0, #' '
    bl      putc
    mov     x0, x9
    bl      put_nzcv
    mov     w0, #'\n'
    bl      putc
    ldr     x9, [sp, #16]
    ldp     x0, x30, [sp], #32
    ret

// print_flags(x0 label): "label: NZCV=....\n"
    .global print_flags
print_flags:
    stp     x0, x30, [sp, #-32]!
    str     x9, [sp, #16]
    mrs     x9, nzcv
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x9
    bl      put_nzcv
    mov     w0, #'\n'
    bl      putc
    ldr     x9, [sp, #16]
    ldp     x0, x30, [sp], #32
    ret

// ---------------------------------------------------------------------------
// Running code at EL1 and EL0.

// run_el1(x0 fn, x1 arg) -> x0: fn(arg) at EL1h. run_el1t: at EL1t (SP_EL0).
// run_el0: at EL0t. DAIF stays masked. SP_EL1 and SP_EL0 get fresh stacks.
// Callee-saved registers (x19-x30) and SP_EL2 are restored on return.
    .global run_el1, run_el1t, run_el0
run_el1:
    mov     x2, #SPSR_EL1h
    adr     x3, el1_trampoline
    b       run_lower
run_el1t:
    mov     x2, #SPSR_EL1t
    adr     x3, el1_trampoline
    b       run_lower
run_el0:
    mov     x2, #SPSR_EL0t
    adr     x3, el0_trampoline
run_lower:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mov     x9, sp
    adrp    x10, saved_sp_el2
    str     x9, [x10, :lo12:saved_sp_el2]
    msr     elr_el2, x0
    msr     spsr_el2, x2
    ldr     x9, =stack_el1_top
    msr     sp_el1, x9
    ldr     x9, =stack_el0_top
    msr     sp_el0, x9
    mov     x0, x1
    mov     x30, x3
    eret

// fn returns here at EL1 or EL0 with its result in x0.
el1_trampoline:
    hvc     #RET_IMM
    b       .
el0_trampoline:
    svc     #RET_IMM
    b       .

// The EL2 handler comes here for HVC/SVC #RET_IMM from a lower EL (x0 = result).
lower_return:
    adrp    x1, saved_sp_el2
    ldr     x1, [x1, :lo12:saved_sp_el2]
    mov     sp, x1
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret

// ---------------------------------------------------------------------------
// Exception vectors and the reporting handler, one copy per EL.

.macro VECTORS el
    .balign 2048
    .global vectors_el\el
vectors_el\el:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 128
    sub     sp, sp, #FRAME
    stp     x0, x1, [sp]
    mov     x0, #\n
    b       exc_common_el\el
    .endr

exc_common_el\el:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x19, x0                     // vector index: group * 4 + kind
    mrs     x20, esr_el\el
    mrs     x21, elr_el\el
    mrs     x22, spsr_el\el
    mrs     x23, far_el\el
    ubfx    x24, x20, #26, #6           // EC
    and     x0, x19, #3
    cbnz    x0, 90f                     // IRQ, FIQ, SError: none expected
    // The run_el* return service: HVC, SVC or trapped SMC #RET_IMM from a
    // lower EL (the SMC form is for code that runs with HCR_EL2.HCD set).
    cmp     x19, #8
    b.lo    10f
    and     x0, x20, #0xffff
    mov     x1, #RET_IMM
    cmp     x0, x1
    b.ne    10f
    cmp     x24, #0x15
    b.lo    10f
    cmp     x24, #0x17
    b.hi    10f
5:
.if \el == 2
    ldr     x0, [sp]
    b       lower_return
.else
    ldr     x0, [sp]
    hvc     #RET_IMM                    // EL0 result on to EL2
    b       .
.endif
10: // "EL2 cur-spx EC=15 SVC ESR=... ELR=... SPSR=... [FAR=...]"
    adr     x0, str_el\el
    bl      puts
    adr     x0, vecnames
    lsr     x1, x19, #2
    ldr     x0, [x0, x1, lsl #3]
    bl      puts
    adr     x0, str_ec
    bl      puts
    mov     x0, x24
    mov     x1, #2
    bl      put_hex
    mov     w0, #' '
    bl      putc
    mov     x0, x24
    bl      ec_name
    bl      puts
    adr     x0, str_esr
    bl      puts
    mov     x0, x20
    cmp     x24, #0x24
    b.eq    11f
    cmp     x24, #0x25
    b.ne    12f
11: and     x0, x0, #~DABT_ISS_MASK     // QEMU sets ISV for stage-1 aborts to EL2
12: bl      put_hex64
    adr     x0, str_elr
    bl      puts
    mov     x0, x21
    bl      put_hex64
    adr     x0, str_spsr
    bl      puts
    ldr     x1, =SPSR_PRINT_MASK
    and     x0, x22, x1
    mov     x1, #8
    bl      put_hex
    // FAR is valid for instruction/data aborts and PC alignment faults.
    cmp     x24, #0x20
    b.lo    13f
    cmp     x24, #0x25
    b.hi    13f
    cmp     x24, #0x23
    b.eq    13f
    adr     x0, str_far
    bl      puts
    mov     x0, x23
    bl      put_hex64
13: mov     w0, #'\n'
    bl      putc
    // Resume: an illegal-state exception returns to the same instruction
    // with PSTATE.IL clear; SVC/HVC already point past the instruction;
    // everything else resumes after the faulting one, unless the test set
    // exc_resume_el<el>.
    cmp     x24, #0x0e
    b.ne    14f
    bic     x22, x22, #(1 << 20)
    msr     spsr_el\el, x22
14: adrp    x0, exc_resume_el\el
    ldr     x1, [x0, :lo12:exc_resume_el\el]
    cbz     x1, 15f
    str     xzr, [x0, :lo12:exc_resume_el\el]
    msr     elr_el\el, x1
    b       20f
15: cmp     x24, #0x0e
    b.eq    20f
    cmp     x24, #0x15
    b.eq    20f
    cmp     x24, #0x16
    b.eq    20f
    add     x21, x21, #4
    msr     elr_el\el, x21
20: ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp]
    add     sp, sp, #FRAME
    eret

90: // An asynchronous exception: nothing in these tests raises one.
    adr     x0, str_el\el
    bl      puts
    adr     x0, str_unexpected
    bl      puts
    mov     x0, x19
    mov     x1, #2
    bl      put_hex
    mov     w0, #'\n'
    bl      putc
    mov     x0, #99
    b       exit
.endm

    .text
    VECTORS 2
    VECTORS 1

// ec_name(x0 EC) -> x0 name string
ec_name:
    adr     x1, ecnames
1:  ldr     x2, [x1], #16
    cmp     x2, #0xff
    b.eq    2f
    cmp     x2, x0
    b.ne    1b
2:  ldur    x0, [x1, #-8]
    ret

    .section .rodata
    .balign 8
vecnames:
    .quad   str_cur_sp0, str_cur_spx, str_low_a64, str_low_a32
ecnames:
    .quad   0x00, str_ec_unknown
    .quad   0x01, str_ec_wfx
    .quad   0x07, str_ec_fp
    .quad   0x0e, str_ec_illegal
    .quad   0x15, str_ec_svc
    .quad   0x16, str_ec_hvc
    .quad   0x17, str_ec_smc
    .quad   0x18, str_ec_sys
    .quad   0x19, str_ec_sve
    .quad   0x1a, str_ec_eret
    .quad   0x20, str_ec_iabt_low
    .quad   0x21, str_ec_iabt_cur
    .quad   0x22, str_ec_pc_align
    .quad   0x24, str_ec_dabt_low
    .quad   0x25, str_ec_dabt_cur
    .quad   0x26, str_ec_sp_align
    .quad   0x2f, str_ec_serror
    .quad   0x3c, str_ec_brk
    .quad   0xff, str_ec_other
hexdigits:      .ascii "0123456789abcdef"
str_colon:      .asciz ": "
str_nzcv:       .asciz "NZCV="
str_el2:        .asciz "EL2 "
str_el1:        .asciz "EL1 "
str_cur_sp0:    .asciz "cur-sp0"
str_cur_spx:    .asciz "cur-spx"
str_low_a64:    .asciz "low-a64"
str_low_a32:    .asciz "low-a32"
str_ec:         .asciz " EC="
str_esr:        .asciz " ESR="
str_elr:        .asciz " ELR="
str_spsr:       .asciz " SPSR="
str_far:        .asciz " FAR="
str_unexpected: .asciz "unexpected asynchronous exception, vector "
str_ec_unknown: .asciz "UNKNOWN"
str_ec_wfx:     .asciz "WFX"
str_ec_fp:      .asciz "FP"
str_ec_illegal: .asciz "ILLEGAL"
str_ec_svc:     .asciz "SVC"
str_ec_hvc:     .asciz "HVC"
str_ec_smc:     .asciz "SMC"
str_ec_sys:     .asciz "SYS"
str_ec_sve:     .asciz "SVE"
str_ec_eret:    .asciz "ERET"
str_ec_iabt_low: .asciz "IABT-LOW"
str_ec_iabt_cur: .asciz "IABT-CUR"
str_ec_pc_align: .asciz "PC-ALIGN"
str_ec_dabt_low: .asciz "DABT-LOW"
str_ec_dabt_cur: .asciz "DABT-CUR"
str_ec_sp_align: .asciz "SP-ALIGN"
str_ec_serror:  .asciz "SERROR"
str_ec_brk:     .asciz "BRK"
str_ec_other:   .asciz "?"

    .bss
    .balign 16
    .global exc_resume_el2, exc_resume_el1
exc_resume_el2: .quad 0
exc_resume_el1: .quad 0
saved_sp_el2:   .quad 0
    .balign 16
exit_block:     .quad 0, 0
    .balign 16
    .space  16384
stack_el2_top:
    .space  8192
stack_el1_top:
    .space  8192
    .global stack_el0_top
stack_el0_top:
