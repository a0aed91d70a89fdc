/**
 * General-register file layout.
 *
 * 64-bit values live as two int32 halves in parallel typed arrays (`xlo`, `xhi`):
 * V8 keeps int32 math unboxed, while BigInt allocates on most operations.
 *
 * The decoder resolves encoding 31 once, so the executor never tests for it:
 * an operand that names XZR reads slot ZR (always zero), a destination that
 * names XZR writes the SINK slot, and SP operands use slot SP.
 */
export const ZR = 31;
export const SINK = 32;
export const SP = 33;
export const REG_SLOTS = 34;

/** Slot for register number r (0..31) where 31 means XZR, for reading. */
export function zr(r: number): number {
  return r;
}
/** Slot for register number r where 31 means XZR, for writing. */
export function zrw(r: number): number {
  return r === 31 ? SINK : r;
}
/** Slot for register number r where 31 means SP. */
export function sp(r: number): number {
  return r === 31 ? SP : r;
}
