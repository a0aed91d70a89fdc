// psci: QEMU virt's PSCI firmware over SMC from EL2. VERSION, FEATURES for
// every PSCI function ID (32- and 64-bit) and for IDs that are not PSCI,
// AFFINITY_INFO, CPU_ON of this CPU and of absent ones, MIGRATE_INFO_TYPE,
// MIGRATE, unknown function IDs (NOT_SUPPORTED, as SMCCC requires of
// firmware; the SMC does not become UNDEFINED), the registers a call leaves
// alone, HVC (not the conduit), and finally SYSTEM_OFF, which exits with
// status 0.
    .include "macros.inc"

    .equ PSCI_VERSION, 0x84000000
    .equ CPU_ON, 0x84000003
    .equ CPU_ON64, 0xc4000003
    .equ AFFINITY_INFO, 0x84000004
    .equ AFFINITY_INFO64, 0xc4000004
    .equ MIGRATE_INFO_TYPE, 0x84000006
    .equ SYSTEM_OFF, 0x84000008
    .equ FEATURES, 0x8400000a

// CALL fid, a1, a2, a3: SMC; prints "name: fid x0".
.macro CALL name, fid, a1=0, a2=0, a3=0
    MOV64   x0, \fid
    MOV64   x1, \a1
    MOV64   x2, \a2
    MOV64   x3, \a3
    mov     x20, x0
    smc     #0
    PXX     "\name", x20, x0
.endm

    .text
    .global main
main:
    stp     x29, x30, [sp, #-16]!
    PUTLN   "== version"
    CALL    "PSCI_VERSION", PSCI_VERSION
    CALL    "MIGRATE_INFO_TYPE", MIGRATE_INFO_TYPE

    PUTLN   "== features"
    adr     x19, fids
1:  ldr     x21, [x19], #8
    cmn     x21, #1
    b.eq    2f
    MOV64   x0, FEATURES
    mov     x1, x21
    smc     #0
    PXX     "FEATURES", x21, x0
    b       1b
2:
    PUTLN   "== affinity_info"
    CALL    "AFFINITY_INFO self L0", AFFINITY_INFO, 0, 0
    CALL    "AFFINITY_INFO64 self L0", AFFINITY_INFO64, 0, 0
    CALL    "AFFINITY_INFO cpu1 L0", AFFINITY_INFO, 1, 0
    CALL    "AFFINITY_INFO aff1=1 L0", AFFINITY_INFO, 0x100, 0
    CALL    "AFFINITY_INFO cpu1 L1", AFFINITY_INFO, 1, 1
    CALL    "AFFINITY_INFO self L2", AFFINITY_INFO, 0, 2
    CALL    "AFFINITY_INFO64 aff3=1 L0", AFFINITY_INFO64, 0x100000000, 0

    PUTLN   "== cpu_on"
    adr     x22, 3f
    CALL    "CPU_ON self", CPU_ON, 0, 0x40080000, 0
    CALL    "CPU_ON64 self", CPU_ON64, 0, 0x40080000, 0x1234
    CALL    "CPU_ON cpu1", CPU_ON, 1, 0x40080000, 0
    CALL    "CPU_ON64 aff2=1", CPU_ON64, 0x10000, 0x40080000, 0
3:
    PUTLN   "== not PSCI"
    CALL    "MIGRATE", 0x84000005, 0
    CALL    "MIGRATE64", 0xc4000005, 0
    CALL    "MIGRATE_INFO_UP_CPU", 0x84000007
    CALL    "unknown PSCI 0x84000099", 0x84000099
    CALL    "SMCCC_VERSION", 0x80000000
    CALL    "SiP 0x82000000", 0x82000000
    CALL    "0", 0
    CALL    "0x12345678", 0x12345678
    CALL    "VERSION with X0[32] set", 0x184000000

    PUTLN   "== registers after a call"
    MOV64   x0, PSCI_VERSION
    MOV64   x1, 0x1111111111111111
    MOV64   x2, 0x2222222222222222
    MOV64   x3, 0x3333333333333333
    MOV64   x4, 0x4444444444444444
    MOV64   x17, 0x1717171717171717
    mov     x5, #(0xa << 28)
    msr     nzcv, x5
    smc     #0x1234
    PXF     "x0", x0
    PXX     "x1 x2", x1, x2
    PXX     "x3 x4", x3, x4
    PX      "x17", x17

    PUTLN   "== hvc is not the conduit"
    MOV64   x0, PSCI_VERSION
    hvc     #0
    PX      "x0 after hvc", x0

    PUTLN   "== system_off"
    MOV64   x0, SYSTEM_OFF
    smc     #0
    PUTLN   "not reached"
    ldp     x29, x30, [sp], #16
    mov     x0, #1
    ret

    .section .rodata
    .balign 8
fids:
    .quad   0x84000000, 0x84000001, 0x84000002, 0x84000003, 0x84000004
    .quad   0x84000005, 0x84000006, 0x84000007, 0x84000008, 0x84000009
    .quad   0x8400000a, 0x8400000b, 0x8400000c, 0x8400000d, 0x8400000e
    .quad   0x8400000f, 0x84000010, 0x84000011, 0x84000012, 0x84000013
    .quad   0x84000014, 0x84000015
    .quad   0xc4000001, 0xc4000003, 0xc4000004, 0xc4000005, 0xc4000007
    .quad   0xc400000c, 0xc400000e, 0xc4000011, 0xc4000012, 0xc4000013
    .quad   0xc4000014, 0xc4000015, 0xc4000000, 0xc4000008, 0xc400000a
    .quad   0x80000000, 0x80000001, 0x82000000, 0x00000000, 0x184000000
    .quad   -1
