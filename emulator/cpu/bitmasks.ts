/**
 * DecodeBitMasks from the Arm ARM (shared pseudocode), used by logical
 * immediates and the bitfield instructions. Runs once per decoded word, so it
 * favours clarity (BigInt) over speed.
 */
export interface BitMasks {
  wmask: bigint;
  tmask: bigint;
}

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

function replicate(elem: bigint, esize: number, width: number): bigint {
  let r = 0n;
  for (let i = 0; i < width; i += esize) r |= elem << BigInt(i);
  return r;
}

function ror(x: bigint, shift: number, esize: number): bigint {
  if (shift === 0) return x;
  const m = ones(esize);
  const s = BigInt(shift);
  return ((x >> s) | (x << BigInt(esize - shift))) & m;
}

/** Returns null where the pseudocode says UNDEFINED. */
export function decodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean, width: 32 | 64): BitMasks | null {
  const combined = (immN << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  if (width === 32 && len > 5) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null;
  const s = imms & levels;
  const r = immr & levels;
  const diff = (s - r) & 0x3f;
  const esize = 1 << len;
  const d = diff & levels;
  const welem = ones(s + 1);
  const telem = ones(d + 1);
  return {
    wmask: replicate(ror(welem, r, esize), esize, width),
    tmask: replicate(telem, esize, width),
  };
}
