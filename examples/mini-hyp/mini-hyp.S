// mini-hyp: a small non-VHE guest hypervisor with two guests.
//
// It starts at EL2 (virtual EL2 under `nvlab run --mode nested`), gives each
// guest its own stage 2 and VMID, and runs guest 1, guest 2, then guest 1
// again, printing a transcript of what it does for them:
//
//   - stage 2 is filled lazily: it starts empty, and every stage-2 fault
//     (the guest's first instruction fetch, its data pages, the UART) maps
//     one 4K page, RAM as Normal memory, the UART as Device memory;
//   - HVCs are the guests' hypercalls: hello, print a value, remap a page,
//     done;
//   - HCR_EL2.TID3 traps the guests' ID register reads: the hypervisor
//     emulates ID_AA64PFR0_EL1 with a fixed value;
//   - HCR_EL2.TVM traps the guests' SCTLR_EL1 writes: the hypervisor logs
//     them and does the write;
//   - the remap hypercall moves a guest page to another physical page with
//     break-before-make and TLBI IPAS2E1IS + TLBI VMALLE1IS, and the guest
//     reads the new page's contents.
//
// The guests run at EL1 with their MMU off (stage 1 off), so their IPAs are
// the addresses they use: code at 0x4000_0000, data at 0x4001_0000, the UART
// at 0x0900_0000. Guest n's RAM is PA 0x4000_0000 + 0x0100_0000 * n.
//
//   nvlab run --mode nested --stats examples/mini-hyp/mini-hyp.elf
//   nvlab run examples/mini-hyp/mini-hyp.elf                 (at the real EL2)
//   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -m 1G \
//       -nographic -semihosting -kernel examples/mini-hyp/mini-hyp.elf

    .equ UART, 0x09000000
    .equ UART_FR, 0x18
    .equ SYS_EXIT, 0x18
    .equ ADP_Stopped_ApplicationExit, 0x20026

    // HCR_EL2: RW (EL1 is AArch64), VM (stage 2 on), TID3, TVM.
    .equ HCR_GUEST, (1 << 31) | (1 << 26) | (1 << 18) | (1 << 0)
    .equ HCR_HOST, (1 << 31)
    // VTCR_EL2: T0SZ = 32 (4 GiB IPA space), SL0 = 1 (start at level 1),
    // Normal WB walks, Inner Shareable, 4K granule, PS = 32 bits, RES1 bit 31.
    .equ VTCR_VAL, (1 << 31) | (3 << 12) | (1 << 10) | (1 << 8) | (1 << 6) | 32
    // Stage-2 page descriptors: valid page, AF, S2AP read/write; Normal WB
    // Inner Shareable (MemAttr 0b1111, SH 0b11), or Device-nGnRE (MemAttr
    // 0b0001) and execute-never (XN[1], bit 54).
    .equ S2_PAGE_NORMAL, 0x7ff
    .equ S2_PAGE_DEVICE_LO, 0x4c7
    .equ S2_TABLE, 0x3
    // SPSR_EL2 for a guest entry: EL1h, DAIF masked.
    .equ SPSR_EL1H, 0x3c5

    .equ GUEST_IPA, 0x40000000
    .equ GUEST_DATA_IPA, 0x40010000
    .equ GUEST_RAM_SIZE, 0x01000000
    .equ GUEST_ALT_OFFSET, 0x00800000       // where the remap moves the data page

    // Hypercalls: x0 = function.
    .equ HC_HELLO, 0
    .equ HC_PRINT, 1                         // x1 = value, x2 = label number
    .equ HC_REMAP, 2                         // x1 = IPA
    .equ HC_DONE, 3

    // A guest record: id, VTTBR_EL2 (root | VMID << 48), PA of its RAM.
    .equ G_ID, 0
    .equ G_VTTBR, 8
    .equ G_PA, 16
    .equ G_SIZE, 32

    // The exception frame: x0..x30 at 8 * n, then ELR_EL2.
    .equ FRAME, 256

    .section .text.boot, "ax"
    .global _start
_start:
    adr     x0, stack_top
    mov     sp, x0
    adr     x0, vectors
    msr     vbar_el2, x0
    ldr     x0, =HCR_HOST
    msr     hcr_el2, x0
    ldr     x0, =VTCR_VAL
    msr     vtcr_el2, x0
    isb

    adr     x0, s_banner
    bl      puts
    mrs     x0, CurrentEL
    ubfx    x0, x0, #2, #2
    add     w0, w0, #'0'
    bl      putc
    adr     x0, s_nl
    bl      puts

    // Each guest: a stage-2 root, VMID = id, its RAM loaded with the guest code.
    adr     x19, guests
    mov     x20, #1
1:  bl      alloc_table
    orr     x0, x0, x20, lsl #48
    str     x20, [x19, #G_ID]
    str     x0, [x19, #G_VTTBR]
    mov     x1, #GUEST_RAM_SIZE
    mul     x1, x1, x20
    mov     x2, #GUEST_IPA
    add     x1, x1, x2
    str     x1, [x19, #G_PA]
    mov     x0, x1
    adr     x1, guest_code
    adr     x2, guest_code_end
    bl      copy
    add     x19, x19, #G_SIZE
    add     x20, x20, #1
    cmp     x20, #3
    b.ne    1b

    adr     x19, guests
    mov     x0, x19
    bl      run_guest
    add     x0, x19, #G_SIZE
    bl      run_guest
    adr     x0, s_again
    bl      puts
    mov     x0, x19
    bl      run_guest

    adr     x0, s_summary1
    bl      puts
    adr     x1, counters
    ldr     x0, [x1, #0]
    bl      putdec
    adr     x0, s_summary2
    bl      puts
    adr     x1, counters
    ldr     x0, [x1, #8]
    bl      putdec
    adr     x0, s_summary3
    bl      puts
    adr     x1, counters
    ldr     x0, [x1, #16]
    bl      putdec
    adr     x0, s_summary4
    bl      puts
    mov     x0, #0
    b       exit

// run_guest(x0 = guest record): enter the guest at EL1; returns when it
// makes the done hypercall.
run_guest:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    adr     x1, host_sp
    mov     x2, sp
    str     x2, [x1]
    adr     x1, current
    str     x0, [x1]
    ldr     x1, [x0, #G_VTTBR]
    msr     vttbr_el2, x1
    ldr     x1, =HCR_GUEST
    msr     hcr_el2, x1
    mov     x1, #SPSR_EL1H
    msr     spsr_el2, x1
    mov     x1, #GUEST_IPA
    msr     elr_el2, x1
    msr     sctlr_el1, xzr
    isb
    ldr     x0, [x0, #G_ID]
    eret

// Back from a guest's done hypercall: drop the exception frame, return from run_guest.
guest_exited:
    ldr     x1, =HCR_HOST
    msr     hcr_el2, x1
    isb
    adr     x1, host_sp
    ldr     x2, [x1]
    mov     sp, x2
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret

// ---- exceptions from the guests ------------------------------------------------

lower_sync:
    sub     sp, sp, #FRAME
    stp     x0, x1, [sp, #0]
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
    mov     x19, sp                          // the frame
    adr     x20, current
    ldr     x20, [x20]                       // the guest record
    mrs     x21, esr_el2
    lsr     x22, x21, #26                    // EC
    cmp     x22, #0x16
    b.eq    do_hvc
    cmp     x22, #0x18
    b.eq    do_sysreg
    cmp     x22, #0x20
    b.eq    do_s2fault
    cmp     x22, #0x24
    b.eq    do_s2fault
    adr     x0, s_unexpected
    bl      puts
    mov     x0, x21
    bl      puthex
    adr     x0, s_nl
    bl      puts
    mov     x0, #1
    b       exit

resume:
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
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
    add     sp, sp, #FRAME
    eret

skip_insn:
    mrs     x0, elr_el2
    add     x0, x0, #4
    msr     elr_el2, x0
    b       resume

// Prints "[hyp] guest N " as the start of a transcript line.
hyp_guest_prefix:
    stp     x29, x30, [sp, #-16]!
    adr     x0, s_hyp_guest
    bl      puts
    ldr     x0, [x20, #G_ID]
    add     w0, w0, #'0'
    bl      putc
    mov     w0, #' '
    bl      putc
    ldp     x29, x30, [sp], #16
    ret

counter_inc:                                 // x0 = counter offset
    adr     x1, counters
    ldr     x2, [x1, x0]
    add     x2, x2, #1
    str     x2, [x1, x0]
    ret

do_hvc:
    mov     x0, #8
    bl      counter_inc
    ldr     x0, [x19, #0]                    // the guest's x0: function
    cmp     x0, #HC_HELLO
    b.eq    hc_hello
    cmp     x0, #HC_PRINT
    b.eq    hc_print
    cmp     x0, #HC_REMAP
    b.eq    hc_remap
    cmp     x0, #HC_DONE
    b.eq    hc_done
    bl      hyp_guest_prefix
    adr     x0, s_bad_hvc
    bl      puts
    mov     x0, #1
    b       exit

hc_hello:
    bl      hyp_guest_prefix
    adr     x0, s_hello
    bl      puts
    mrs     x0, vttbr_el2
    lsr     x0, x0, #48
    bl      putdec
    adr     x0, s_close
    bl      puts
    b       resume

hc_print:
    adr     x0, s_guest
    bl      puts
    ldr     x0, [x20, #G_ID]
    add     w0, w0, #'0'
    bl      putc
    adr     x0, s_bracket
    bl      puts
    ldr     x0, [x19, #16]                   // x2: label number
    adr     x1, labels
    ldr     x0, [x1, x0, lsl #3]
    adr     x1, labels
    add     x0, x0, x1
    bl      puts
    adr     x0, s_equals
    bl      puts
    ldr     x0, [x19, #8]
    bl      puthex
    adr     x0, s_nl
    bl      puts
    b       resume

// Move the guest's page at IPA x1 to its alternate page, which the
// hypervisor fills with 0x2222_2222_2222_2222 * id first: break (invalid
// descriptor), TLBI the IPA and the stage-1+2 entries, make.
hc_remap:
    ldr     x22, [x19, #8]                   // IPA
    and     x22, x22, #~0xfff
    ldr     x23, [x20, #G_PA]
    mov     x0, #GUEST_ALT_OFFSET
    add     x23, x23, x0                     // the alternate page
    ldr     x0, [x20, #G_ID]
    mov     x1, #0x2222
    movk    x1, #0x2222, lsl #16
    movk    x1, #0x2222, lsl #32
    movk    x1, #0x2222, lsl #48
    mul     x1, x1, x0
    str     x1, [x23]
    bl      hyp_guest_prefix
    adr     x0, s_remap1
    bl      puts
    mov     x0, x22
    bl      puthex
    adr     x0, s_remap2
    bl      puts
    mov     x0, x23
    bl      puthex
    adr     x0, s_remap3
    bl      puts
    ldr     x0, [x20, #G_VTTBR]
    and     x0, x0, #0xfffffffffff
    mov     x1, x22
    bl      s2_entry                         // x0 = address of the level-3 descriptor
    str     xzr, [x0]
    dsb     ishst
    lsr     x1, x22, #12
    tlbi    ipas2e1is, x1
    dsb     ish
    tlbi    vmalle1is
    dsb     ish
    mov     x1, #S2_PAGE_NORMAL
    orr     x1, x1, x23
    str     x1, [x0]
    dsb     ishst
    isb
    b       skip_insn_after_hvc

hc_done:
    bl      hyp_guest_prefix
    adr     x0, s_done
    bl      puts
    b       guest_exited

// HVC's ELR_EL2 is already the next instruction.
skip_insn_after_hvc:
    b       resume

// EC 0x18: TID3 (ID_AA64PFR0_EL1 reads) and TVM (SCTLR_EL1 writes).
do_sysreg:
    mov     x0, #16
    bl      counter_inc
    ubfx    x23, x21, #5, #5                 // Rt
    ldr     x0, =0x3ffc1e
    and     x24, x21, x0                     // Op0, Op2, Op1, CRn, CRm
    and     x25, x21, #1                     // direction: 1 = read
    ldr     x0, =ISS_ID_AA64PFR0_EL1
    cmp     x24, x0
    b.eq    sys_idreg
    ldr     x0, =ISS_SCTLR_EL1
    cmp     x24, x0
    b.eq    sys_sctlr
    bl      hyp_guest_prefix
    adr     x0, s_bad_sys
    bl      puts
    mov     x0, x21
    bl      puthex
    adr     x0, s_nl
    bl      puts
    mov     x0, #1
    b       exit

sys_idreg:
    cbz     x25, sys_bad_dir
    bl      hyp_guest_prefix
    adr     x0, s_tid3
    bl      puts
    // What the guests are told: EL0 and EL1 AArch64 only, nothing else.
    mov     x0, #0x11
    cmp     x23, #31
    b.eq    1f
    str     x0, [x19, x23, lsl #3]
1:  b       skip_insn

sys_sctlr:
    cbnz    x25, sys_bad_dir
    bl      hyp_guest_prefix
    adr     x0, s_tvm
    bl      puts
    mov     x0, xzr
    cmp     x23, #31
    b.eq    1f
    ldr     x0, [x19, x23, lsl #3]
1:  mov     x24, x0
    bl      puthex
    adr     x0, s_nl
    bl      puts
    msr     sctlr_el1, x24
    isb
    b       skip_insn

sys_bad_dir:
    adr     x0, s_bad_sys
    bl      puts
    mov     x0, #1
    b       exit

// Instruction and data aborts from a guest: stage-2 faults (its stage 1 is
// off). Map the page: RAM IPAs to the guest's RAM, the UART IPA to the UART.
do_s2fault:
    mov     x0, #0
    bl      counter_inc
    mrs     x22, hpfar_el2
    lsl     x22, x22, #8
    and     x22, x22, #~0xfff                // the faulting IPA's page
    bl      hyp_guest_prefix
    adr     x0, s_fault1
    bl      puts
    lsr     x0, x21, #26
    cmp     x0, #0x20
    adr     x0, s_fetch
    b.eq    1f
    adr     x0, s_read
    tbz     x21, #6, 1f                      // WnR
    adr     x0, s_write
1:  bl      puts
    adr     x0, s_fault2
    bl      puts
    mov     x0, x22
    bl      puthex
    mov     x0, #UART
    cmp     x22, x0
    b.eq    map_uart
    mov     x0, #GUEST_IPA
    subs    x23, x22, x0
    b.lo    unbacked
    mov     x0, #GUEST_RAM_SIZE
    cmp     x23, x0
    b.hs    unbacked
    ldr     x0, [x20, #G_PA]
    add     x23, x23, x0                     // PA
    mov     x24, #S2_PAGE_NORMAL
    b       map_it
map_uart:
    mov     x23, x22
    mov     x24, #S2_PAGE_DEVICE_LO
    orr     x24, x24, #(1 << 54)
map_it:
    adr     x0, s_fault3
    bl      puts
    mov     x0, x23
    bl      puthex
    cmp     x24, #S2_PAGE_NORMAL
    adr     x0, s_normal
    b.eq    1f
    adr     x0, s_device
1:  bl      puts
    ldr     x0, [x20, #G_VTTBR]
    and     x0, x0, #0xfffffffffff
    mov     x1, x22
    bl      s2_entry
    orr     x1, x23, x24
    str     x1, [x0]
    dsb     ishst
    isb
    b       resume                           // retry the access
unbacked:
    adr     x0, s_unbacked
    bl      puts
    mov     x0, #1
    b       exit

// s2_entry(x0 = root table PA, x1 = IPA): address of the level-3 descriptor
// for the IPA, making the level-2 and level-3 tables it needs.
s2_entry:
    stp     x29, x30, [sp, #-32]!
    stp     x19, x20, [sp, #16]
    mov     x20, x1
    ubfx    x2, x20, #30, #2                 // level-1 index
    add     x19, x0, x2, lsl #3
    bl      next_table
    ubfx    x2, x20, #21, #9                 // level-2 index
    add     x19, x0, x2, lsl #3
    bl      next_table
    ubfx    x2, x20, #12, #9                 // level-3 index
    add     x0, x0, x2, lsl #3
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #32
    ret

// next_table(x19 = address of a table descriptor): the table it points to,
// allocated and installed if the descriptor is invalid.
next_table:
    stp     x29, x30, [sp, #-16]!
    ldr     x0, [x19]
    tbnz    x0, #0, 1f
    bl      alloc_table
    orr     x1, x0, #S2_TABLE
    str     x1, [x19]
    dsb     ishst
    ldp     x29, x30, [sp], #16
    ret
1:  and     x0, x0, #0xfffffffff000
    ldp     x29, x30, [sp], #16
    ret

// alloc_table: the next zeroed page of the table pool.
alloc_table:
    adr     x1, next_free
    ldr     x0, [x1]
    cbnz    x0, 1f
    adr     x0, table_pool
1:  add     x2, x0, #4096
    str     x2, [x1]
    adr     x3, table_pool_end
    cmp     x0, x3
    b.hs    2f
    ret
2:  adr     x0, s_no_tables
    bl      puts
    mov     x0, #1
    b       exit

// ---- helpers -------------------------------------------------------------------

// copy(x0 = destination, x1 = start, x2 = end): 8 bytes at a time.
copy:
1:  cmp     x1, x2
    b.hs    2f
    ldr     x3, [x1], #8
    str     x3, [x0], #8
    b       1b
2:  ret

putc:
    mov     x1, #UART
1:  ldr     w2, [x1, #UART_FR]
    tbnz    w2, #5, 1b
    strb    w0, [x1]
    ret

puts:
    mov     x6, x30
    mov     x7, x0
1:  ldrb    w0, [x7], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ret     x6

// puthex(x0): "0x" and 16 hex digits.
puthex:
    mov     x6, x30
    mov     x7, x0
    mov     w0, #'0'
    bl      putc
    mov     w0, #'x'
    bl      putc
    mov     x8, #60
1:  lsr     x0, x7, x8
    and     x0, x0, #0xf
    cmp     x0, #10
    add     x9, x0, #'0'
    add     x10, x0, #('a' - 10)
    csel    x0, x9, x10, lo
    bl      putc
    subs    x8, x8, #4
    b.pl    1b
    ret     x6

// putdec(x0): unsigned decimal.
putdec:
    mov     x6, x30
    adr     x9, decbuf_end
    mov     x10, #10
    strb    wzr, [x9, #-1]!
1:  udiv    x11, x0, x10
    msub    x12, x11, x10, x0
    add     w12, w12, #'0'
    strb    w12, [x9, #-1]!
    mov     x0, x11
    cbnz    x0, 1b
    mov     x7, x9
2:  ldrb    w0, [x7], #1
    cbz     w0, 3f
    bl      putc
    b       2b
3:  ret     x6

// exit(x0 = status) through Arm semihosting SYS_EXIT.
exit:
    adr     x1, exit_block
    str     x0, [x1, #8]
    mov     w0, #SYS_EXIT
    hlt     #0xf000
1:  b       1b

    .ltorg

    // ISS Op0/Op2/Op1/CRn/CRm of ESR_EL2 for a trapped MRS/MSR (bits [21:10], [4:1]).
    .equ ISS_ID_AA64PFR0_EL1, (3 << 20) | (0 << 17) | (0 << 14) | (0 << 10) | (4 << 1)
    .equ ISS_SCTLR_EL1, (3 << 20) | (0 << 17) | (0 << 14) | (1 << 10) | (0 << 1)

// ---- the guest ---------------------------------------------------------------
// Copied to each guest's RAM and entered at IPA 0x4000_0000 with x0 = its id.
// Position-independent, no stack, no literal pool.
    .balign 8
guest_code:
    mov     x19, x0
    mov     x0, #HC_HELLO
    hvc     #0
    // A line through the UART itself (a Device page the hypervisor maps on demand).
    mov     x20, #UART
    mov     w1, #'g'
    strb    w1, [x20]
    add     w1, w19, #'0'
    strb    w1, [x20]
    adr     x21, g_msg
1:  ldrb    w1, [x21], #1
    cbz     w1, 2f
    strb    w1, [x20]
    b       1b
2:  mrs     x1, id_aa64pfr0_el1              // TID3
    mov     x0, #HC_PRINT
    mov     x2, #0
    hvc     #0
    movz    x1, #0x0800
    movk    x1, #0x30d0, lsl #16             // SCTLR_EL1 RES1 bits and C, MMU still off
    msr     sctlr_el1, x1                    // TVM
    movz    x22, #(GUEST_DATA_IPA >> 16), lsl #16
    movz    x1, #0x1111
    movk    x1, #0x1111, lsl #16
    movk    x1, #0x1111, lsl #32
    movk    x1, #0x1111, lsl #48
    mul     x1, x1, x19
    str     x1, [x22]                        // a stage-2 fault on the data page
    ldr     x1, [x22]
    mov     x0, #HC_PRINT
    mov     x2, #1
    hvc     #0
    mov     x0, #HC_REMAP
    mov     x1, x22
    hvc     #0
    ldr     x1, [x22]                        // the new page
    mov     x0, #HC_PRINT
    mov     x2, #2
    hvc     #0
    mov     x0, #HC_DONE
    hvc     #0
3:  b       3b
g_msg:
    .asciz  " writes to the UART directly\n"
    .balign 8
guest_code_end:

// ---- vectors -------------------------------------------------------------------
    .balign 2048
vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7
    .balign 128
    b       unexpected_vector
    .endr
    .balign 128
    b       lower_sync                       // lower EL, AArch64, synchronous
    .irp n, 9, 10, 11, 12, 13, 14, 15
    .balign 128
    b       unexpected_vector
    .endr

unexpected_vector:
    adr     x0, s_vector
    bl      puts
    mrs     x0, esr_el2
    bl      puthex
    adr     x0, s_nl
    bl      puts
    mov     x0, #1
    b       exit

    .section .rodata
s_banner:       .asciz "mini-hyp: a guest hypervisor with two guests, running at EL"
s_again:        .asciz "mini-hyp: guest 1 again (its stage 2 is still populated)\n"
s_summary1:     .asciz "mini-hyp: done: "
s_summary2:     .asciz " stage-2 faults, "
s_summary3:     .asciz " hypercalls, "
s_summary4:     .asciz " trapped system-register accesses\n"
s_hyp_guest:    .asciz "[hyp] guest "
s_hello:        .asciz "says hello (VMID "
s_close:        .asciz ")\n"
s_guest:        .asciz "[guest "
s_bracket:      .asciz "] "
s_equals:       .asciz " = "
s_remap1:       .asciz "remaps IPA "
s_remap2:       .asciz " to PA "
s_remap3:       .asciz ": break, TLBI IPAS2E1IS, TLBI VMALLE1IS, make\n"
s_done:         .asciz "is done\n"
s_tid3:         .asciz "reads ID_AA64PFR0_EL1 (TID3): emulated as 0x11\n"
s_tvm:          .asciz "writes SCTLR_EL1 (TVM): "
s_fault1:       .asciz "stage-2 fault ("
s_fetch:        .asciz "fetch"
s_read:         .asciz "read"
s_write:        .asciz "write"
s_fault2:       .asciz ") at IPA "
s_fault3:       .asciz " -> PA "
s_normal:       .asciz " (Normal)\n"
s_device:       .asciz " (Device)\n"
s_unbacked:     .asciz ": no memory there\n"
s_unexpected:   .asciz "mini-hyp: unexpected exception from a guest, ESR_EL2 = "
s_vector:       .asciz "mini-hyp: unexpected exception at EL2, ESR_EL2 = "
s_bad_hvc:      .asciz "made an unknown hypercall\n"
s_bad_sys:      .asciz "trapped on an unexpected system register, ESR_EL2 = "
s_no_tables:    .asciz "mini-hyp: out of stage-2 table pages\n"
s_nl:           .asciz "\n"
l_idreg:        .asciz "ID_AA64PFR0_EL1"
l_before:       .asciz "data page before the remap"
l_after:        .asciz "data page after the remap"
    .balign 8
labels:
    .quad   l_idreg - labels, l_before - labels, l_after - labels

    .data
    .balign 8
exit_block:     .quad ADP_Stopped_ApplicationExit, 0
guests:         .space G_SIZE * 2
current:        .quad 0
host_sp:        .quad 0
next_free:      .quad 0
counters:       .quad 0, 0, 0            // stage-2 faults, hypercalls, system-register traps
decbuf:         .space 24
decbuf_end:

    .bss
    .balign 4096
table_pool:     .space 4096 * 16
table_pool_end:
    .balign 16
    .space  8192
stack_top:
