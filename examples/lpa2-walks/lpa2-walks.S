// lpa2-walks: 52-bit translation table walks, one configuration at a time.
//
// The example stays at EL2 and uses the EL1&0 translation regime as a
// laboratory: it writes stage 1 and stage 2 tables into RAM, programs
// TCR_EL1/TTBR0_EL1 and VTCR_EL2/VTTBR_EL2, and asks the MMU what a virtual
// address translates to with AT S12E1R (stage 1 then stage 2, as a read from
// EL1). PAR_EL1 holds the answer; every line of output shows it, followed by
// an explanation of the walk.
//
//   A  4K granule, TCR_EL1.DS = 1: a 52-bit VA space whose walk starts at
//      level -1, a 512GB block at level 0, a 52-bit PA from stage 2
//   B  16K granule, DS = 1: 52-bit output addresses (OA[51:50] in bits [9:8]
//      of the descriptor, OA[49:48] in bits [49:48]), a 64GB block at level 1
//   C  64K granule with FEAT_LPA/FEAT_LVA: 52-bit VAs, OA[51:48] in bits
//      [15:12] of the descriptor, a 4TB block at level 1
//   D  a stage 2 that starts with 16 concatenated level 1 tables (stage 1 off)
//
//   nvlab run examples/lpa2-walks/lpa2-walks.elf
//   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max \
//       -m 1G -nographic -semihosting -kernel examples/lpa2-walks/lpa2-walks.elf
//
// PAR_EL1 after a successful walk: ATTR[63:56] (MAIR encoding), PA[51:12],
// bit 11 (RES1), SH[8:7], F[0] = 0. After a fault: FST[6:1], PTW[8], S[9]
// (stage 2), bit 11, F = 1. Bits the architecture leaves UNKNOWN or
// IMPLEMENTATION DEFINED are cleared before printing (NS and bit 10 with
// F = 0, bits [63:48] with F = 1).

    .equ UART_DR, 0x09000000
    .equ UART_FR, 0x09000018
    .equ SYS_EXIT, 0x18
    .equ ADP_Stopped_ApplicationExit, 0x20026

// ---------------------------------------------------------------------------
// Descriptor fields.

    .equ VALID, 1 << 0
    .equ TABLE, 3 << 0                  // table descriptor (levels < 3)
    .equ PAGE, 3 << 0                   // page descriptor (level 3)
    .equ BLOCK, 1 << 0                  // block descriptor (levels < 3)
    .equ AF, 1 << 10                    // Access flag: set, or the walk faults
    .equ SH_IS, 3 << 8                  // Inner Shareable (only when DS = 0)
    // Stage 1: AttrIndx[2:0] = 0 selects MAIR_EL1.Attr0, AP[2:1] = 00 is EL1 read/write.
    .equ S1_RW, AF | (0 << 2) | (0 << 6)
    // Stage 2: MemAttr[3:0] = 0b1111 is Normal Write-Back, S2AP = 11 read/write.
    .equ S2_RW, AF | (0xf << 2) | (3 << 6)

// The output-address field of a descriptor, by format:
//   plain (48-bit)  OA[47:n] in bits [47:n]
//   DS = 1          OA[49:n] in bits [49:n], OA[51:50] in bits [9:8]
//   64K, FEAT_LPA   OA[47:16] in bits [47:16], OA[51:48] in bits [15:12]
.macro PUT table, index, value
    ldr     x0, =(\table + (\index) * 8)
    ldr     x1, =(\value)
    str     x1, [x0]
.endm
.macro DESC table, index, oa, attrs
    PUT     \table, \index, ((\oa) & 0x0000fffffffff000) | (\attrs)
.endm
.macro DESC_DS table, index, oa, attrs
    PUT     \table, \index, ((\oa) & 0x0003fffffffff000) | ((((\oa) >> 50) & 3) << 8) | (\attrs)
.endm
.macro DESC_LPA table, index, oa, attrs
    PUT     \table, \index, ((\oa) & 0x0000ffffffff0000) | ((((\oa) >> 48) & 0xf) << 12) | (\attrs)
.endm

// SET sysreg, value
.macro SET reg, value
    ldr     x0, =(\value)
    msr     \reg, x0
.endm

// WALK "label", va, "explanation": AT S12E1R va, then print
//   label va=<va> par=<PAR_EL1>
//      explanation
.macro WALK label, va, text
    adr     x0, 1f
    ldr     x1, =(\va)
    adr     x2, 2f
    bl      walk
    .pushsection .rodata
1:  .asciz  "\label"
2:  .asciz  "\text"
    .popsection
.endm

// Register fields.
    .equ TCR_SH0_IS, 3 << 12            // with DS = 1 also the shareability of the mappings
    .equ TCR_EPD1, 1 << 23              // no TTBR1 walks (T1SZ = T0SZ all the same)
    .equ TCR_IPS_52, 6 << 32            // 0b110: 52-bit intermediate physical addresses
    .equ TCR_DS, 1 << 59
    .equ VTCR_SH0_IS, 3 << 12
    .equ VTCR_PS_48, 5 << 16
    .equ VTCR_PS_52, 6 << 16
    .equ VTCR_RES1, 1 << 31
    .equ VTCR_DS, 1 << 32
    .equ TG0_4K, 0 << 14                // TCR_EL1.TG0 and VTCR_EL2.TG0 share the encoding
    .equ TG0_16K, 2 << 14
    .equ TG0_64K, 1 << 14
    .equ TG1_4K, 2 << 30                // TG1 does not
    .equ TG1_16K, 1 << 30
    .equ TG1_64K, 3 << 30
    .equ SCTLR_EL1_RES1, 0x30d00800
    .equ SCTLR_MMU_ON, SCTLR_EL1_RES1 | (1 << 12) | (1 << 2) | (1 << 0)   // I, C, M
    .equ HCR_RW, 1 << 31
    .equ HCR_VM, 1 << 0

// ---------------------------------------------------------------------------
// Table addresses (each aligned to its size).

    .equ S1A_LM1, 0x49000000            // A: 4K stage 1, levels -1..3
    .equ S1A_L0, 0x49001000
    .equ S1A_L1, 0x49002000
    .equ S1A_L2, 0x49003000
    .equ S1A_L3, 0x49004000
    .equ S2A_L1, 0x49005000             // A: 4K stage 2, starts at level 1

    .equ S1B_L0, 0x49010000             // B: 16K stage 1, levels 0..3
    .equ S1B_L1, 0x49014000
    .equ S1B_L2, 0x49018000
    .equ S1B_L3, 0x4901c000
    .equ S2B_L2, 0x49020000             // B: 16K stage 2, starts at level 2
    .equ S2B_L3, 0x49024000

    .equ S1C_L1, 0x49040000             // C: 64K stage 1, levels 1..3
    .equ S1C_L2, 0x49050000
    .equ S1C_L3, 0x49060000
    .equ S2C_L2, 0x49070000             // C: 64K stage 2, starts at level 2
    .equ S2C_L3, 0x49080000

    .equ S2D_L1, 0x49100000             // D: 16 concatenated 4K level 1 tables (64KB)

    .section .text.boot, "ax"
    .global _start
_start:
    ldr     x0, =stack_top
    mov     sp, x0
    SET     hcr_el2, HCR_RW
    SET     mair_el1, 0xff              // Attr0: Normal, Write-Back, read/write-allocate
    isb
    bl      walk_a
    bl      walk_b
    bl      walk_c
    bl      walk_d
    adr     x0, str_done
    bl      puts
    adr     x1, exit_block
    mov     w0, #SYS_EXIT
    hlt     #0xf000
1:  b       1b

// ---------------------------------------------------------------------------
// A. 4K granule, DS = 1, T0SZ = 12: a 52-bit VA needs five levels, -1 to 3.
//    Level -1 has 16 entries, indexed by VA[51:48]. The stage 2 (VT0SZ = 25,
//    a 39-bit IPA space, SL0 = 1: start at level 1) maps the tables' IPAs
//    onto themselves and IPA 0x80000000 onto a PA above 2^51.
walk_a:
    stp     x29, x30, [sp, #-16]!
    adr     x0, str_a
    bl      puts
    // Stage 1: VA 0x000f_0000_8000_0000 -> IPA 0x8000_0000 through every level.
    DESC_DS S1A_LM1, 0xf, S1A_L0, TABLE                 // VA[51:48] = 0xf
    DESC_DS S1A_L0, 0, S1A_L1, TABLE                    // VA[47:39] = 0
    DESC_DS S1A_L1, 2, S1A_L2, TABLE                    // VA[38:30] = 2
    DESC_DS S1A_L2, 0, S1A_L3, TABLE                    // VA[29:21] = 0
    DESC_DS S1A_L3, 0, 0x80000000, PAGE | S1_RW         // VA[20:12] = 0
    // A 512GB block at level 0 (only with DS = 1): VA[47:39] = 1 -> IPA 0.
    DESC_DS S1A_L0, 1, 0, BLOCK | S1_RW
    // Stage 2: 1GB blocks at level 1, IPA[38:30] indexes the root.
    DESC_DS S2A_L1, 1, 0x40000000, BLOCK | S2_RW        // RAM, where the tables are
    DESC_DS S2A_L1, 2, 0x000c001240000000, BLOCK | S2_RW  // OA[51:50] = 0b11 -> bits [9:8]
    dsb     sy
    SET     tcr_el1, 12 | (12 << 16) | TG0_4K | TCR_SH0_IS | TCR_EPD1 | TG1_4K | TCR_IPS_52 | TCR_DS
    SET     ttbr0_el1, S1A_LM1
    SET     vtcr_el2, 25 | (1 << 6) | TG0_4K | VTCR_SH0_IS | VTCR_PS_52 | VTCR_RES1 | VTCR_DS
    SET     vttbr_el2, S2A_L1
    SET     sctlr_el1, SCTLR_MMU_ON
    SET     hcr_el2, HCR_RW | HCR_VM
    bl      flush
    WALK    "A1", 0x000f000080000abc, "   L-1[15] L0[0] L1[2] L2[0] L3[0]: 4KB page -> IPA 0x80000abc; stage 2 L1[2]: 1GB block -> PA 0x000c001240000abc"
    WALK    "A2", 0x000f008080002000, "   L-1[15] L0[1]: 512GB block (level 0, DS = 1) -> IPA 0x80002000; stage 2 L1[2] -> PA 0x000c001240002000"
    WALK    "A3", 0x0007000000000000, "   L-1[7] is invalid: translation fault at level -1, FST = 0b101011"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// B. 16K granule, DS = 1, T0SZ = 16: a 48-bit VA starts at level 0, which has
//    two entries (VA[47]). The stage 2 (VT0SZ = 28, a 36-bit IPA space, SL0 = 1:
//    start at level 2) produces 52-bit PAs: with DS = 1 a descriptor holds
//    OA[49:14] in bits [49:14] and OA[51:50] in bits [9:8], and the mapping's
//    shareability comes from TCR_EL1.SH0/VTCR_EL2.SH0 instead.
walk_b:
    stp     x29, x30, [sp, #-16]!
    adr     x0, str_b
    bl      puts
    DESC_DS S1B_L0, 0, S1B_L1, TABLE                    // VA[47] = 0
    DESC_DS S1B_L1, 0, S1B_L2, TABLE                    // VA[46:36] = 0
    DESC_DS S1B_L1, 1, 0, BLOCK | S1_RW                 // 64GB block (level 1, DS = 1) -> IPA 0
    DESC_DS S1B_L2, 0, S1B_L3, TABLE                    // VA[35:25] = 0
    DESC_DS S1B_L3, 3, 0x4000, PAGE | S1_RW             // VA[24:14] = 3 -> IPA 0x4000
    DESC_DS S1B_L3, 5, 0xc000, PAGE | S1_RW             // VA[24:14] = 5 -> IPA 0xc000
    DESC_DS S2B_L2, 0x24, 0x48000000, BLOCK | S2_RW     // 32MB of RAM holding the tables
    DESC_DS S2B_L2, 0, S2B_L3, TABLE                    // IPA[35:25] = 0
    DESC_DS S2B_L3, 1, 0x000abcdef0004000, PAGE | S2_RW // bits [9:8] = 0b10, [49:48] = 0b10
    DESC_DS S2B_L3, 2, 0x000b000000008000, PAGE | S2_RW // bits [9:8] = 0b10, [49:48] = 0b11
    dsb     sy                                          // (S2B_L3[3], IPA 0xc000, stays invalid)
    SET     tcr_el1, 16 | (16 << 16) | TG0_16K | TCR_SH0_IS | TCR_EPD1 | TG1_16K | TCR_IPS_52 | TCR_DS
    SET     ttbr0_el1, S1B_L0
    SET     vtcr_el2, 28 | (1 << 6) | TG0_16K | VTCR_SH0_IS | VTCR_PS_52 | VTCR_RES1 | VTCR_DS
    SET     vttbr_el2, S2B_L2
    bl      flush
    WALK    "B1", 0x000000000000c456, "   L0[0] L1[0] L2[0] L3[3]: 16KB page -> IPA 0x4456; stage 2 L2[0] L3[1] -> PA 0x000abcdef0004456"
    WALK    "B2", 0x0000001000008123, "   L0[0] L1[1]: 64GB block (level 1, DS = 1) -> IPA 0x8123; stage 2 L3[2] -> PA 0x000b000000008123"
    WALK    "B3", 0x0000000000014789, "   stage 1 -> IPA 0xc789; stage 2 L3[3] is invalid: stage 2 translation fault at level 3 (S = 1)"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// C. 64K granule, T0SZ = 12 (FEAT_LVA: 52-bit VAs) and IPS = 52 (FEAT_LPA):
//    the walk starts at level 1 with 1024 entries (VA[51:42]); descriptors
//    hold OA[51:48] in bits [15:12]. Stage 2: VT0SZ = 22 (42-bit IPAs),
//    SL0 = 1: start at level 2 (8192 entries, IPA[41:29]).
walk_c:
    stp     x29, x30, [sp, #-16]!
    adr     x0, str_c
    bl      puts
    DESC_LPA S1C_L1, 1023, 0, BLOCK | SH_IS | S1_RW     // 4TB block at level 1 -> IPA 0
    DESC_LPA S1C_L1, 0, S1C_L2, TABLE
    DESC_LPA S1C_L2, 0, S1C_L3, TABLE
    DESC_LPA S1C_L3, 5, 0x23450000, PAGE | SH_IS | S1_RW  // VA[28:16] = 5
    DESC_LPA S2C_L2, 2, 0x40000000, BLOCK | SH_IS | S2_RW // 512MB of RAM holding the tables
    DESC_LPA S2C_L2, 1, 0x0009876000000000, BLOCK | SH_IS | S2_RW  // OA[51:48] = 9 -> bits [15:12]
    DESC_LPA S2C_L2, 0, S2C_L3, TABLE
    DESC_LPA S2C_L3, 1, 0x000f000012340000, PAGE | SH_IS | S2_RW   // OA[51:48] = 0xf
    dsb     sy
    SET     tcr_el1, 12 | (12 << 16) | TG0_64K | TCR_SH0_IS | TCR_EPD1 | TG1_64K | TCR_IPS_52
    SET     ttbr0_el1, S1C_L1
    SET     vtcr_el2, 22 | (1 << 6) | TG0_64K | VTCR_SH0_IS | VTCR_PS_52 | VTCR_RES1
    SET     vttbr_el2, S2C_L2
    bl      flush
    WALK    "C1", 0x000ffc0000010abc, "   L1[1023]: 4TB block (64K, level 1) -> IPA 0x10abc; stage 2 L2[0] L3[1]: 64KB page -> PA 0x000f000012340abc"
    WALK    "C2", 0x0000000000050def, "   L1[0] L2[0] L3[5]: 64KB page -> IPA 0x23450def; stage 2 L2[1]: 512MB block -> PA 0x0009876003450def"
    ldp     x29, x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// D. Stage 2 only (SCTLR_EL1.M = 0: VA = IPA, Device-nGnRnE from stage 1),
//    4K granule, VT0SZ = 21 (43-bit IPAs), SL0 = 1: level 1 would resolve
//    IPA[38:30] with one table; the four bits above it select one of 16
//    concatenated level 1 tables, so the root is 16 x 4KB = 64KB (8192
//    entries, IPA[42:30]), aligned to 64KB.
walk_d:
    stp     x29, x30, [sp, #-16]!
    adr     x0, str_d
    bl      puts
    DESC    S2D_L1, 1, 0x0000800040000000, BLOCK | SH_IS | S2_RW     // first table, entry 1
    DESC    S2D_L1, 8191, 0x0000abcdc0000000, BLOCK | SH_IS | S2_RW  // 16th table, entry 511
    dsb     sy
    SET     vtcr_el2, 21 | (1 << 6) | TG0_4K | VTCR_SH0_IS | VTCR_PS_48 | VTCR_RES1
    SET     vttbr_el2, S2D_L1
    SET     sctlr_el1, SCTLR_EL1_RES1
    bl      flush
    WALK    "D1", 0x0000000040001234, "   root entry 1 (table 0): 1GB block -> PA 0x800040001234; ATTR 0x00 and SH 0b10: stage 1 is off"
    WALK    "D2", 0x000007ffc0005678, "   root entry 8191 (table 15, entry 511): 1GB block -> PA 0xabcdc0005678"
    WALK    "D3", 0x0000040000000000, "   root entry 4096 (table 8) is invalid: stage 2 translation fault at level 1"
    SET     hcr_el2, HCR_RW
    isb
    ldp     x29, x30, [sp], #16
    ret

// flush: make the new tables and registers visible to the next AT.
flush:
    isb
    tlbi    vmalls12e1
    dsb     sy
    isb
    ret

// ---------------------------------------------------------------------------
// walk(x0 label, x1 VA, x2 explanation): AT S12E1R and the two output lines.
walk:
    stp     x29, x30, [sp, #-48]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    at      s12e1r, x20
    isb
    mrs     x22, par_el1
    tbnz    x22, #0, 1f
    bic     x22, x22, #0x600            // F = 0: NS (UNKNOWN here), bit 10 (IMPLEMENTATION DEFINED)
    b       2f
1:  and     x22, x22, #0x0000ffffffffffff   // F = 1: bits [63:48] IMPLEMENTATION DEFINED
2:  mov     x0, x19
    bl      puts
    adr     x0, str_va
    bl      puts
    mov     x0, x20
    bl      put_hex64
    adr     x0, str_par
    bl      puts
    mov     x0, x22
    bl      put_hex64
    mov     w0, #'\n'
    bl      putc
    mov     x0, x21
    bl      puts
    mov     w0, #'\n'
    bl      putc
    ldp     x21, x22, [sp, #32]
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #48
    ret

// putc(w0)
putc:
    ldr     x9, =UART_FR
1:  ldr     w10, [x9]
    tbnz    w10, #5, 1b                 // FR.TXFF: transmit FIFO full
    ldr     x9, =UART_DR
    strb    w0, [x9]
    ret

// puts(x0): a NUL-terminated string
puts:
    stp     x29, x30, [sp, #-16]!
    mov     x11, x0
1:  ldrb    w0, [x11], #1
    cbz     w0, 2f
    bl      putc
    b       1b
2:  ldp     x29, x30, [sp], #16
    ret

// put_hex64(x0): 16 hex digits
put_hex64:
    stp     x29, x30, [sp, #-16]!
    mov     x12, x0
    mov     x13, #64
1:  sub     x13, x13, #4
    lsr     x0, x12, x13
    and     x0, x0, #15
    cmp     x0, #10
    add     x14, x0, #'0'
    add     x0, x0, #('a' - 10)
    csel    x0, x14, x0, lo
    bl      putc
    cbnz    x13, 1b
    ldp     x29, x30, [sp], #16
    ret

    .ltorg

    .section .rodata
str_a:  .asciz "== A: 4K, DS=1, T0SZ=12 (52-bit VA, start level -1); stage 2 4K DS=1 VT0SZ=25 (start level 1), PS=52\n"
str_b:  .asciz "== B: 16K, DS=1, T0SZ=16 (start level 0, 2 entries); stage 2 16K DS=1 VT0SZ=28 (start level 2), PS=52\n"
str_c:  .asciz "== C: 64K, FEAT_LVA/LPA, T0SZ=12 (52-bit VA, start level 1); stage 2 64K VT0SZ=22 (start level 2), PS=52\n"
str_d:  .asciz "== D: stage 2 only, 4K, VT0SZ=21, SL0=1: 16 concatenated level 1 tables, PS=48\n"
str_va: .asciz " S12E1R va="
str_par: .asciz " par="
str_done: .asciz "done\n"

    .balign 8
exit_block:
    .quad   ADP_Stopped_ApplicationExit, 0

    .bss
    .balign 16
    .space  4096
stack_top:
