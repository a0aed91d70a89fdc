/**
 * Storage slots of the system registers: generated from Arm's specification
 * together with the access rules (emulator/arch/generated/sysreg-rules.ts).
 * The CPU core addresses the registers it needs for exception handling by slot.
 */
export { SR, SR_LAYOUT } from '../arch/generated/sysreg-rules.js';
