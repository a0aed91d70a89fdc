/**
 * A tiny A64 encoder for the instruction forms the random-sequence generator
 * emits and the image builder needs. Encodings follow the Arm ARM (DDI 0487,
 * chapter C4 "A64 Instruction Set Encoding" and the per-instruction pages in
 * C6). Each function returns the word together with the assembler text GNU as
 * accepts for it; the text is only a description for humans (failure
 * messages, the repro tool) and was used during development to check every
 * form against aarch64-linux-gnu-as. Nothing here decodes or executes.
 */

export interface Insn {
  /** The instruction word, as an unsigned 32-bit number. */
  w: number;
  /** GNU as syntax, or `.inst 0x...` for words with no assembler form. */
  asm: string;
}

const u = (x: number): number => x >>> 0;

function hex(v: number | bigint): string {
  return (v < 0 ? '-0x' : '0x') + (v < 0 ? -v : v).toString(16);
}

export function raw(w: number, note = ''): Insn {
  return { w: u(w), asm: `.inst ${hex(u(w))}${note ? ` // ${note}` : ''}` };
}

/** Register name: `sf` selects X/W; encoding 31 is SP or ZR as the operand's kind says. */
export function reg(n: number, sf: number, kind: 'zr' | 'sp' = 'zr'): string {
  if (n === 31) return kind === 'sp' ? (sf ? 'sp' : 'wsp') : sf ? 'xzr' : 'wzr';
  return (sf ? 'x' : 'w') + n;
}

const xs = (n: number): string => reg(n, 1, 'sp');

export const COND = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'] as const;
export const SHIFT = ['lsl', 'lsr', 'asr', 'ror'] as const;
export const EXTEND = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'] as const;

// ---------------------------------------------------------------- data processing, immediate

/** ADD/ADDS/SUB/SUBS (immediate): sf op S 100010 sh imm12 Rn Rd. */
export function addSubImm(sf: number, sub: number, s: number, sh: number, imm12: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (sub << 30) | (s << 29) | (0b100010 << 23) | (sh << 22) | (imm12 << 10) | (rn << 5) | rd;
  const name = (sub ? 'sub' : 'add') + (s ? 's' : '');
  return { w: u(w), asm: `${name} ${reg(rd, sf, s ? 'zr' : 'sp')}, ${reg(rn, sf, 'sp')}, #${imm12}${sh ? ', lsl #12' : ''}` };
}

/** Logical (immediate): sf opc 100100 N immr imms Rn Rd. `value` is the decoded mask (for the text only). */
export function logicalImm(sf: number, opc: number, n: number, immr: number, imms: number, rn: number, rd: number, value: bigint | null): Insn {
  const w = (sf << 31) | (opc << 29) | (0b100100 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd;
  if (value === null) return raw(w, `logical immediate N=${n} immr=${immr} imms=${imms} (reserved)`);
  const name = ['and', 'orr', 'eor', 'ands'][opc]!;
  return { w: u(w), asm: `${name} ${reg(rd, sf, opc === 3 ? 'zr' : 'sp')}, ${reg(rn, sf)}, #${hex(value)}` };
}

/** MOVN/MOVZ/MOVK: sf opc 100101 hw imm16 Rd. opc 0 MOVN, 2 MOVZ, 3 MOVK. */
export function moveWide(sf: number, opc: number, hw: number, imm16: number, rd: number): Insn {
  const w = (sf << 31) | (opc << 29) | (0b100101 << 23) | (hw << 21) | (imm16 << 5) | rd;
  if (opc === 1 || (!sf && hw >= 2)) return raw(w, 'move wide (unallocated)');
  const name = ['movn', '', 'movz', 'movk'][opc]!;
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, #${hex(imm16)}${hw ? `, lsl #${hw * 16}` : ''}` };
}

/** SBFM/BFM/UBFM: sf opc 100110 N immr imms Rn Rd. */
export function bitfield(sf: number, opc: number, n: number, immr: number, imms: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (opc << 29) | (0b100110 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd;
  if (opc === 3 || n !== sf || (!sf && (immr >= 32 || imms >= 32))) return raw(w, 'bitfield (unallocated)');
  const name = ['sbfm', 'bfm', 'ubfm'][opc]!;
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, #${immr}, #${imms}` };
}

/** EXTR: sf 00 100111 N 0 Rm imms Rn Rd. */
export function extr(sf: number, n: number, rm: number, imms: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (0b100111 << 23) | (n << 22) | (rm << 16) | (imms << 10) | (rn << 5) | rd;
  if (n !== sf || (!sf && imms >= 32)) return raw(w, 'extr (unallocated)');
  return { w: u(w), asm: `extr ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}, #${imms}` };
}

/** ADR/ADRP: op immlo 10000 immhi Rd; `imm` is the signed 21-bit immediate (pages for ADRP). */
export function adr(page: number, imm: number, rd: number): Insn {
  const i = imm & 0x1fffff;
  const w = (page << 31) | ((i & 3) << 29) | (0b10000 << 24) | ((i >>> 2) << 5) | rd;
  return { w: u(w), asm: page ? `adrp ${reg(rd, 1)}, .+${hex(imm * 4096)} /*page-relative*/` : `adr ${reg(rd, 1)}, .+${imm}` };
}

// ---------------------------------------------------------------- data processing, register

/** ADD/SUB (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd. */
export function addSubShifted(sf: number, sub: number, s: number, shift: number, rm: number, imm6: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (sub << 30) | (s << 29) | (0b01011 << 24) | (shift << 22) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd;
  if (shift === 3 || (!sf && imm6 >= 32)) return raw(w, 'add/sub shifted (reserved shift)');
  const name = (sub ? 'sub' : 'add') + (s ? 's' : '');
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}, ${SHIFT[shift]} #${imm6}` };
}

/** ADD/SUB (extended register): sf op S 01011 00 1 Rm option imm3 Rn Rd. */
export function addSubExtended(sf: number, sub: number, s: number, rm: number, option: number, imm3: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (sub << 30) | (s << 29) | (0b01011 << 24) | (1 << 21) | (rm << 16) | (option << 13) | (imm3 << 10) | (rn << 5) | rd;
  if (imm3 > 4) return raw(w, 'add/sub extended (shift > 4)');
  const name = (sub ? 'sub' : 'add') + (s ? 's' : '');
  const mX = sf && (option & 3) === 3 ? 1 : 0;
  return { w: u(w), asm: `${name} ${reg(rd, sf, s ? 'zr' : 'sp')}, ${reg(rn, sf, 'sp')}, ${reg(rm, mX)}, ${EXTEND[option]} #${imm3}` };
}

/** Logical (shifted register): sf opc 01010 shift N Rm imm6 Rn Rd. */
export function logicalShifted(sf: number, opc: number, shift: number, n: number, rm: number, imm6: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (opc << 29) | (0b01010 << 24) | (shift << 22) | (n << 21) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd;
  if (!sf && imm6 >= 32) return raw(w, 'logical shifted (imm6 >= 32)');
  const name = n ? ['bic', 'orn', 'eon', 'bics'][opc]! : ['and', 'orr', 'eor', 'ands'][opc]!;
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}, ${SHIFT[shift]} #${imm6}` };
}

/** ADC/ADCS/SBC/SBCS: sf op S 11010000 Rm 000000 Rn Rd. */
export function adcSbc(sf: number, sub: number, s: number, rm: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (sub << 30) | (s << 29) | (0b11010000 << 21) | (rm << 16) | (rn << 5) | rd;
  const name = (sub ? 'sbc' : 'adc') + (s ? 's' : '');
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}` };
}

/** CCMN/CCMP (register or immediate): sf op 1 11010010 Rm|imm5 cond imm 0 Rn 0 nzcv. */
export function condCompare(sf: number, sub: number, isImm: number, rmOrImm: number, cond: number, rn: number, nzcv: number): Insn {
  const w = (sf << 31) | (sub << 30) | (1 << 29) | (0b11010010 << 21) | (rmOrImm << 16) | (cond << 12) | (isImm << 11) | (rn << 5) | nzcv;
  const b = isImm ? `#${rmOrImm}` : reg(rmOrImm, sf);
  return { w: u(w), asm: `${sub ? 'ccmp' : 'ccmn'} ${reg(rn, sf)}, ${b}, #${nzcv}, ${COND[cond]}` };
}

/** CSEL/CSINC/CSINV/CSNEG: sf op 0 11010100 Rm cond 0 o2 Rn Rd. */
export function condSelect(sf: number, op: number, o2: number, rm: number, cond: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (op << 30) | (0b11010100 << 21) | (rm << 16) | (cond << 12) | (o2 << 10) | (rn << 5) | rd;
  const name = [
    ['csel', 'csinc'],
    ['csinv', 'csneg'],
  ][op]![o2]!;
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}, ${COND[cond]}` };
}

/** Data-processing (3 source): sf 00 11011 op31 Rm o0 Ra Rn Rd. */
export function threeSource(sf: number, op31: number, o0: number, rm: number, ra: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (0b11011 << 24) | (op31 << 21) | (rm << 16) | (o0 << 15) | (ra << 10) | (rn << 5) | rd;
  switch (op31) {
    case 0:
      return { w: u(w), asm: `${o0 ? 'msub' : 'madd'} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}, ${reg(ra, sf)}` };
    case 1:
    case 5: {
      const name = (op31 === 1 ? 's' : 'u') + (o0 ? 'msubl' : 'maddl');
      return { w: u(w), asm: `${name} ${reg(rd, 1)}, ${reg(rn, 0)}, ${reg(rm, 0)}, ${reg(ra, 1)}` };
    }
    default:
      return { w: u(w), asm: `${op31 === 2 ? 'smulh' : 'umulh'} ${reg(rd, 1)}, ${reg(rn, 1)}, ${reg(rm, 1)}` };
  }
}

/** Data-processing (2 source): sf 0 0 11010110 Rm opcode Rn Rd. */
export function twoSource(sf: number, opcode: number, rm: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (0b11010110 << 21) | (rm << 16) | (opcode << 10) | (rn << 5) | rd;
  const names: Record<number, string> = { 2: 'udiv', 3: 'sdiv', 8: 'lslv', 9: 'lsrv', 10: 'asrv', 11: 'rorv' };
  if (names[opcode]) return { w: u(w), asm: `${names[opcode]} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}` };
  if ((opcode & 0b111000) === 0b010000) {
    const sz = opcode & 3;
    if ((sz === 3) !== (sf === 1)) return raw(w, 'crc32 with mismatched sf (unallocated)');
    const name = `crc32${opcode & 4 ? 'c' : ''}${'bhwx'[sz]}`;
    return { w: u(w), asm: `${name} ${reg(rd, 0)}, ${reg(rn, 0)}, ${reg(rm, sz === 3 ? 1 : 0)}` };
  }
  return raw(w, 'data-processing 2-source (unallocated)');
}

/** Data-processing (1 source): sf 1 0 11010110 00000 opcode Rn Rd. */
export function oneSource(sf: number, opcode: number, rn: number, rd: number): Insn {
  const w = (sf << 31) | (1 << 30) | (0b11010110 << 21) | (opcode << 10) | (rn << 5) | rd;
  const names = sf ? ['rbit', 'rev16', 'rev32', 'rev', 'clz', 'cls'] : ['rbit', 'rev16', 'rev', '', 'clz', 'cls'];
  const name = names[opcode];
  if (!name) return raw(w, 'data-processing 1-source (unallocated)');
  return { w: u(w), asm: `${name} ${reg(rd, sf)}, ${reg(rn, sf)}` };
}

/** RMIF Xn, #shift, #mask (FEAT_FlagM): 1 0 1 11010000 imm6 00001 Rn 0 mask. */
export function rmif(imm6: number, rn: number, mask: number): Insn {
  const w = (1 << 31) | (1 << 29) | (0b11010000 << 21) | (imm6 << 15) | (0b00001 << 10) | (rn << 5) | mask;
  return { w: u(w), asm: `rmif ${reg(rn, 1)}, #${imm6}, #${mask}` };
}

/** SETF8/SETF16 Wn (FEAT_FlagM): 0 0 1 11010000 000000 sz 0010 Rn 0 1101. */
export function setf(sixteen: number, rn: number): Insn {
  const w = (1 << 29) | (0b11010000 << 21) | (sixteen << 14) | (0b0010 << 10) | (rn << 5) | 0b01101;
  return { w: u(w), asm: `setf${sixteen ? 16 : 8} ${reg(rn, 0)}` };
}

export const CFINV: Insn = { w: 0xd500401f, asm: 'cfinv' };
export const XAFLAG: Insn = { w: 0xd500403f, asm: 'xaflag' };
export const AXFLAG: Insn = { w: 0xd500405f, asm: 'axflag' };
export const NOP: Insn = { w: 0xd503201f, asm: 'nop' };
export const ISB: Insn = { w: 0xd5033fdf, asm: 'isb' };
export const CLREX: Insn = { w: 0xd5033f5f, asm: 'clrex' };
export const ERET: Insn = { w: 0xd69f03e0, asm: 'eret' };

// ---------------------------------------------------------------- system

/** System register key op0:op1:CRn:CRm:op2 as in instruction bits [20:5]. */
export function sysreg(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}
export const SYSREG = {
  NZCV: { key: sysreg(3, 3, 4, 2, 0), name: 'nzcv' },
  VBAR_EL2: { key: sysreg(3, 4, 12, 0, 0), name: 'vbar_el2' },
  ESR_EL2: { key: sysreg(3, 4, 5, 2, 0), name: 'esr_el2' },
  ELR_EL2: { key: sysreg(3, 4, 4, 0, 1), name: 'elr_el2' },
} as const;

export function mrs(rt: number, r: { key: number; name: string }): Insn {
  return { w: u(0xd5200000 | (r.key << 5) | rt), asm: `mrs ${reg(rt, 1)}, ${r.name}` };
}
export function msr(r: { key: number; name: string }, rt: number): Insn {
  return { w: u(0xd5000000 | (r.key << 5) | rt), asm: `msr ${r.name}, ${reg(rt, 1)}` };
}

// ---------------------------------------------------------------- exceptions and branches

export function svc(imm16: number): Insn {
  return { w: u(0xd4000001 | (imm16 << 5)), asm: `svc #${hex(imm16)}` };
}
export function hvc(imm16: number): Insn {
  return { w: u(0xd4000002 | (imm16 << 5)), asm: `hvc #${hex(imm16)}` };
}
export function brk(imm16: number): Insn {
  return { w: u(0xd4200000 | (imm16 << 5)), asm: `brk #${hex(imm16)}` };
}
export function hlt(imm16: number): Insn {
  return { w: u(0xd4400000 | (imm16 << 5)), asm: `hlt #${hex(imm16)}` };
}
export function udf(imm16: number): Insn {
  return { w: imm16 & 0xffff, asm: `udf #${imm16 & 0xffff}` };
}

/** B.cond: 0101010 0 imm19 0 cond; `off` in bytes. */
export function bcond(cond: number, off: number): Insn {
  return { w: u(0x54000000 | (((off >> 2) & 0x7ffff) << 5) | cond), asm: `b.${COND[cond]} .+${off}` };
}
/** CBZ/CBNZ: sf 011010 op imm19 Rt. */
export function cbz(sf: number, nz: number, rt: number, off: number): Insn {
  const w = (sf << 31) | (0b011010 << 25) | (nz << 24) | (((off >> 2) & 0x7ffff) << 5) | rt;
  return { w: u(w), asm: `${nz ? 'cbnz' : 'cbz'} ${reg(rt, sf)}, .+${off}` };
}
/** TBZ/TBNZ: b5 011011 op b40 imm14 Rt. */
export function tbz(nz: number, rt: number, bit: number, off: number): Insn {
  const w = ((bit >>> 5) << 31) | (0b011011 << 25) | (nz << 24) | ((bit & 31) << 19) | (((off >> 2) & 0x3fff) << 5) | rt;
  return { w: u(w), asm: `${nz ? 'tbnz' : 'tbz'} ${reg(rt, bit >= 32 ? 1 : 0)}, #${bit}, .+${off}` };
}
/** B/BL: op 00101 imm26. */
export function b(link: number, off: number): Insn {
  return { w: u((link << 31) | (0b00101 << 26) | ((off >> 2) & 0x3ffffff)), asm: `${link ? 'bl' : 'b'} .+${off}` };
}
export function br(rn: number): Insn {
  return { w: u(0xd61f0000 | (rn << 5)), asm: `br ${reg(rn, 1)}` };
}
export function ret(rn = 30): Insn {
  return { w: u(0xd65f0000 | (rn << 5)), asm: rn === 30 ? 'ret' : `ret ${reg(rn, 1)}` };
}

// ---------------------------------------------------------------- loads and stores

/** Mnemonic stem and register width of a load/store with `size` and `opc` (C4.1.66 tables). */
function ldstName(size: number, opc: number): { name: string; sf: number } | null {
  const sfx = ['b', 'h', '', ''][size]!;
  switch (opc) {
    case 0:
      return { name: 'str' + sfx, sf: size === 3 ? 1 : 0 };
    case 1:
      return { name: 'ldr' + sfx, sf: size === 3 ? 1 : 0 };
    case 2:
      return size === 3 ? null : { name: 'ldrs' + ['b', 'h', 'w'][size], sf: 1 };
    default:
      return size >= 2 ? null : { name: 'ldrs' + sfx, sf: 0 };
  }
}

/** LDR (literal): opc 011 0 00 imm19 Rt; opc 0 LDR Wt, 1 LDR Xt, 2 LDRSW, 3 PRFM. `off` in bytes. */
export function ldrLiteral(opc: number, off: number, rt: number): Insn {
  const w = (opc << 30) | (0b011000 << 24) | (((off >> 2) & 0x7ffff) << 5) | rt;
  const text = opc === 3 ? `prfm #${rt}` : opc === 2 ? `ldrsw ${reg(rt, 1)}` : `ldr ${reg(rt, opc)}`;
  return { w: u(w), asm: `${text}, .+${off}` };
}

/** HINT #imm (CRm:op2): NOP, YIELD, SEVL, DGH, CSDB and friends. */
export function hint(imm: number): Insn {
  const names: Record<number, string> = { 0: 'nop', 1: 'yield', 4: 'sev', 5: 'sevl', 6: 'dgh', 20: 'csdb' };
  return { w: u(0xd503201f | (imm << 5)), asm: names[imm] ?? `hint #${imm}` };
}

/** Load/store register (unsigned immediate): size 111 0 01 opc imm12 Rn Rt; `imm12` unscaled field. */
export function ldstUimm(size: number, opc: number, imm12: number, rn: number, rt: number): Insn {
  const w = (size << 30) | (0b111001 << 24) | (opc << 22) | (imm12 << 10) | (rn << 5) | rt;
  if (size === 3 && opc === 2) return { w: u(w), asm: `prfm #${rt}, [${xs(rn)}, #${imm12 * 8}]` };
  const k = ldstName(size, opc);
  if (!k) return raw(w, 'load/store unsigned offset (unallocated)');
  return { w: u(w), asm: `${k.name} ${reg(rt, k.sf)}, [${xs(rn)}, #${imm12 << size}]` };
}

/**
 * Load/store register (unscaled, post-index, unprivileged, pre-index):
 * size 111 0 00 opc 0 imm9 type Rn Rt, type 00 LDUR, 01 post, 10 LDTR, 11 pre.
 */
export function ldstImm9(size: number, opc: number, imm9: number, type: number, rn: number, rt: number): Insn {
  const w = (size << 30) | (0b111 << 27) | (opc << 22) | ((imm9 & 0x1ff) << 12) | (type << 10) | (rn << 5) | rt;
  if (size === 3 && opc === 2) return type === 0 ? { w: u(w), asm: `prfum #${rt}, [${xs(rn)}, #${imm9}]` } : raw(w, 'unallocated');
  const k = ldstName(size, opc);
  if (!k) return raw(w, 'load/store imm9 (unallocated)');
  const r = reg(rt, k.sf);
  switch (type) {
    case 0:
      return { w: u(w), asm: `${k.name.replace(/^(ld|st)r/, '$1ur')} ${r}, [${xs(rn)}, #${imm9}]` };
    case 1:
      return { w: u(w), asm: `${k.name} ${r}, [${xs(rn)}], #${imm9}` };
    case 2:
      return { w: u(w), asm: `${k.name.replace(/^(ld|st)r/, '$1tr')} ${r}, [${xs(rn)}, #${imm9}]` };
    default:
      return { w: u(w), asm: `${k.name} ${r}, [${xs(rn)}, #${imm9}]!` };
  }
}

/** Load/store register (register offset): size 111 0 00 opc 1 Rm option S 10 Rn Rt. */
export function ldstReg(size: number, opc: number, rm: number, option: number, s: number, rn: number, rt: number): Insn {
  const w = (size << 30) | (0b111 << 27) | (opc << 22) | (1 << 21) | (rm << 16) | (option << 13) | (s << 12) | (0b10 << 10) | (rn << 5) | rt;
  const k = size === 3 && opc === 2 ? { name: 'prfm', sf: 1 } : ldstName(size, opc);
  if (!k || (option & 2) === 0) return raw(w, 'load/store register offset (unallocated)');
  const amount = s ? ` #${size}` : '';
  const ext = option === 3 ? (s ? `, lsl${amount}` : '') : `, ${EXTEND[option]}${amount}`;
  const t = k.name === 'prfm' ? `#${rt}` : reg(rt, k.sf);
  return { w: u(w), asm: `${k.name} ${t}, [${xs(rn)}, ${reg(rm, option & 1)}${ext}]` };
}

/**
 * Load/store pair: opc 101 0 mode L imm7 Rt2 Rn Rt; mode 000 non-temporal,
 * 001 post, 010 offset, 011 pre. `imm7` is the scaled field value.
 */
export function ldstPair(opc: number, mode: number, l: number, imm7: number, rt2: number, rn: number, rt: number): Insn {
  const w = (opc << 30) | (0b101 << 27) | (mode << 23) | (l << 22) | ((imm7 & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt;
  const sf = opc === 2 ? 1 : opc === 1 ? 1 : 0;
  const scale = opc === 2 ? 3 : 2;
  if (opc === 3 || (opc === 1 && (!l || mode === 0))) return raw(w, 'load/store pair (unallocated)');
  const base = opc === 1 ? 'ldpsw' : (l ? 'ld' : 'st') + (mode === 0 ? 'np' : 'p');
  const off = imm7 << scale;
  const regs = `${reg(rt, sf)}, ${reg(rt2, sf)}`;
  const addr = mode === 1 ? `[${xs(rn)}], #${off}` : mode === 3 ? `[${xs(rn)}, #${off}]!` : `[${xs(rn)}, #${off}]`;
  return { w: u(w), asm: `${base} ${regs}, ${addr}` };
}

/** Load/store exclusive and ordered: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt. */
function exclusiveWord(size: number, o2: number, l: number, o1: number, rs: number, o0: number, rt2: number, rn: number, rt: number): number {
  return u((size << 30) | (0b001000 << 24) | (o2 << 23) | (l << 22) | (o1 << 21) | (rs << 16) | (o0 << 15) | (rt2 << 10) | (rn << 5) | rt);
}
const SZ = ['b', 'h', '', ''];

/** LDXR/LDAXR (acq) of 1 << size bytes. */
export function ldxr(size: number, acq: number, rn: number, rt: number): Insn {
  return { w: exclusiveWord(size, 0, 1, 0, 31, acq, 31, rn, rt), asm: `ld${acq ? 'a' : ''}xr${SZ[size]} ${reg(rt, size === 3 ? 1 : 0)}, [${xs(rn)}]` };
}
/** STXR/STLXR (rel): status in Ws. */
export function stxr(size: number, rel: number, rs: number, rn: number, rt: number): Insn {
  return {
    w: exclusiveWord(size, 0, 0, 0, rs, rel, 31, rn, rt),
    asm: `st${rel ? 'l' : ''}xr${SZ[size]} ${reg(rs, 0)}, ${reg(rt, size === 3 ? 1 : 0)}, [${xs(rn)}]`,
  };
}
/** LDXP/LDAXP with 32-bit (sf 0) or 64-bit elements. */
export function ldxp(sf: number, acq: number, rn: number, rt: number, rt2: number): Insn {
  return { w: exclusiveWord(2 | sf, 0, 1, 1, 31, acq, rt2, rn, rt), asm: `ld${acq ? 'a' : ''}xp ${reg(rt, sf)}, ${reg(rt2, sf)}, [${xs(rn)}]` };
}
export function stxp(sf: number, rel: number, rs: number, rn: number, rt: number, rt2: number): Insn {
  return {
    w: exclusiveWord(2 | sf, 0, 0, 1, rs, rel, rt2, rn, rt),
    asm: `st${rel ? 'l' : ''}xp ${reg(rs, 0)}, ${reg(rt, sf)}, ${reg(rt2, sf)}, [${xs(rn)}]`,
  };
}
/** LDAR (acq=1) or LDLAR (acq=0, FEAT_LOR). */
export function ldar(size: number, acq: number, rn: number, rt: number): Insn {
  return { w: exclusiveWord(size, 1, 1, 0, 31, acq, 31, rn, rt), asm: `ld${acq ? 'a' : 'la'}r${SZ[size]} ${reg(rt, size === 3 ? 1 : 0)}, [${xs(rn)}]` };
}
/** STLR (rel=1) or STLLR (rel=0, FEAT_LOR). */
export function stlr(size: number, rel: number, rn: number, rt: number): Insn {
  return { w: exclusiveWord(size, 1, 0, 0, 31, rel, 31, rn, rt), asm: `st${rel ? 'l' : 'll'}r${SZ[size]} ${reg(rt, size === 3 ? 1 : 0)}, [${xs(rn)}]` };
}
/** CAS/CASA/CASL/CASAL{B,H}: o2=1 o1=1, L = acquire, o0 = release. */
export function cas(size: number, acq: number, rel: number, rs: number, rn: number, rt: number): Insn {
  const sf = size === 3 ? 1 : 0;
  return {
    w: exclusiveWord(size, 1, acq, 1, rs, rel, 31, rn, rt),
    asm: `cas${acq ? 'a' : ''}${rel ? 'l' : ''}${SZ[size]} ${reg(rs, sf)}, ${reg(rt, sf)}, [${xs(rn)}]`,
  };
}
/** CASP/CASPA/CASPL/CASPAL: 0 sz 001000 0 L 1 Rs o0 11111 Rn Rt. */
export function casp(sf: number, acq: number, rel: number, rs: number, rn: number, rt: number): Insn {
  const p = (r: number): string => `${reg(r, sf)}, ${reg(r + 1, sf)}`;
  return { w: exclusiveWord(sf, 0, acq, 1, rs, rel, 31, rn, rt), asm: `casp${acq ? 'a' : ''}${rel ? 'l' : ''} ${p(rs)}, ${p(rt)}, [${xs(rn)}]` };
}

/** LDAPR{B,H} (FEAT_LRCPC): size 111000 1 0 1 11111 1 100 00 Rn Rt. */
export function ldapr(size: number, rn: number, rt: number): Insn {
  const w = (size << 30) | (0b111000 << 24) | (1 << 23) | (1 << 21) | (31 << 16) | (1 << 15) | (0b100 << 12) | (rn << 5) | rt;
  return { w: u(w), asm: `ldapr${SZ[size]} ${reg(rt, size === 3 ? 1 : 0)}, [${xs(rn)}]` };
}

/** STLUR/LDAPUR/LDAPURS (FEAT_LRCPC2): size 011001 opc 0 imm9 00 Rn Rt. */
export function rcpcUnscaled(size: number, opc: number, imm9: number, rn: number, rt: number): Insn {
  const w = (size << 30) | (0b011001 << 24) | (opc << 22) | ((imm9 & 0x1ff) << 12) | (rn << 5) | rt;
  let name: string;
  let sf: number;
  if (opc === 0) [name, sf] = ['stlur', size === 3 ? 1 : 0];
  else if (opc === 1) [name, sf] = ['ldapur', size === 3 ? 1 : 0];
  else if (opc === 2 && size < 3) [name, sf] = ['ldapurs', 1];
  else if (opc === 3 && size < 2) [name, sf] = ['ldapurs', 0];
  else return raw(w, 'rcpc unscaled (unallocated)');
  const sfx = name === 'ldapurs' ? ['b', 'h', 'w'][size]! : SZ[size]!;
  return { w: u(w), asm: `${name}${sfx} ${reg(rt, sf)}, [${xs(rn)}, #${imm9}]` };
}

export const ATOMIC_OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'] as const;

/** LD<op>/SWP (FEAT_LSE): size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt; `op` 0..7 LD<op>, 8 SWP. */
export function atomic(size: number, op: number, acq: number, rel: number, rs: number, rn: number, rt: number): Insn {
  const o3 = op === 8 ? 1 : 0;
  const opc = op === 8 ? 0 : op;
  const w = (size << 30) | (0b111000 << 24) | (acq << 23) | (rel << 22) | (1 << 21) | (rs << 16) | (o3 << 15) | (opc << 12) | (rn << 5) | rt;
  const sf = size === 3 ? 1 : 0;
  const name = (op === 8 ? 'swp' : 'ld' + ATOMIC_OPS[op]) + (acq ? 'a' : '') + (rel ? 'l' : '') + SZ[size];
  return { w: u(w), asm: `${name} ${reg(rs, sf)}, ${reg(rt, sf)}, [${xs(rn)}]` };
}
