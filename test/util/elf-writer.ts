/** A minimal ELF64 (little-endian, EM_AARCH64, ET_EXEC): header, program headers, segments. */
export function writeElf(entry: number, segments: { addr: number; bytes: Uint8Array; flags: number }[]): Uint8Array {
  const EHDR = 64;
  const PHDR = 56;
  let off = Math.ceil((EHDR + PHDR * segments.length) / 4096) * 4096;
  const placed = segments.map((s) => {
    const o = off;
    off += Math.ceil(s.bytes.length / 4096) * 4096;
    return { ...s, off: o };
  });
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELFCLASS64, ELFDATA2LSB, EV_CURRENT, SYSV
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 183, true); // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  dv.setBigUint64(40, 0n, true); // e_shoff
  dv.setUint16(52, EHDR, true);
  dv.setUint16(54, PHDR, true);
  dv.setUint16(56, segments.length, true);
  dv.setUint16(58, 64, true);
  placed.forEach((s, i) => {
    const p = EHDR + i * PHDR;
    dv.setUint32(p, 1, true); // PT_LOAD
    dv.setUint32(p + 4, s.flags, true);
    dv.setBigUint64(p + 8, BigInt(s.off), true);
    dv.setBigUint64(p + 16, BigInt(s.addr), true);
    dv.setBigUint64(p + 24, BigInt(s.addr), true);
    dv.setBigUint64(p + 32, BigInt(s.bytes.length), true);
    dv.setBigUint64(p + 40, BigInt(s.bytes.length), true);
    dv.setBigUint64(p + 48, 4096n, true);
    out.set(s.bytes, s.off);
  });
  return out;
}
