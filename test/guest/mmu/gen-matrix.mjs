#!/usr/bin/env node
// Generates the MMU configuration-matrix guests test/guest/mmu-matrix-{4k,16k,64k}.S.
//
// Each guest walks through every valid translation configuration of one
// granule (in the spirit of the FEAT_LPA2 boot matrix run on the FVP):
//
//   input size   stage 1: every TxSZ with a distinct start level (level -1 with
//                4K and DS=1, 52-bit VAs with DS=1 or, for 64K, FEAT_LVA);
//                stage 2: (T0SZ, SL0[, SL2]) choices for every start level,
//                with and without concatenated first-level tables (2..16)
//   output size  IPS/PS 48 and 52 bits (52 without LPA/LPA2 is the
//                "constrained" case: 4K/16K with DS=0 treat it as 48 bits),
//                plus one 40-bit configuration per granule and stage for
//                address size faults that 48 bits cannot express
//   OA format    none (48-bit), LPA (64K, OA[51:48] in bits [15:12]),
//                LPA2 (4K/16K with TCR.DS/VTCR.DS = 1: OA[51:50] in bits [9:8],
//                shareability from TCR/VTCR.SH0/SH1)
//   stages       stage 1 only (EL1&0, SCTLR_EL1.M = 1, AT S1E1R/W),
//                stage 2 only (SCTLR_EL1.M = 0, HCR_EL2.VM = 1, AT S12E1R/W),
//                both (AT S1E1R for the IPA, AT S12E1R/W for the PA)
//
// For every configuration the guest writes the configuration's translation
// tables (a list of (address, descriptor) stores into a fresh table area
// above the image: RAM is zero at reset and every configuration gets its own
// area, so nothing needs clearing), programs the system registers, does
// TLBI VMALLS12E1, and prints one line per AT instruction:
//
//   <config id> <case> <AT op> va=<input address> par=<PAR_EL1, masked>
//
// after a header line "== <config id>: granule=... stage=... PS=... mode=...".
// Which PAR_EL1 bits are masked (architecturally UNKNOWN or IMPLEMENTATION
// DEFINED) is explained in the generated runtime below.
//
// The generator also contains a model of the walks (the Arm ARM rules these
// cases exercise) that annotates every AT line with what it must print;
// `--expect` prints the model's output for comparing with QEMU's golden.
//
//   node test/guest/mmu/gen-matrix.mjs            (re)write the three .S files
//   node test/guest/mmu/gen-matrix.mjs --check    exit 1 if a committed .S is stale
//   node test/guest/mmu/gen-matrix.mjs --expect 4k   the model's expected stdout
//   node test/guest/mmu/gen-matrix.mjs --include-deviations --out DIR
//                                               also emit the cases QEMU 7.2 gets
//                                               wrong (docs/qemu-deviations.md), elsewhere
//
// Then: node test/guest/build-guests.mjs --record mmu-matrix-4k mmu-matrix-16k mmu-matrix-64k
//
// Plain Node ESM, no dependencies.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const GUEST_DIR = join(HERE, '..');
const ROOT = join(GUEST_DIR, '..', '..');

// ---------------------------------------------------------------------------
// Bits and numbers (all addresses and descriptors are BigInt).

const B = BigInt;
const bit = (n) => 1n << B(n);
const mask = (n) => (n <= 0 ? 0n : (1n << B(n)) - 1n);
const hex = (v, digits = 16) => B.asUintN(64, v).toString(16).padStart(digits, '0');
const M64 = mask(64);

/** splitmix64: deterministic, seeded from the configuration id. */
class Rng {
  constructor(seed) {
    let h = 0xcbf29ce484222325n;
    for (const c of seed) h = B.asUintN(64, (h ^ B(c.charCodeAt(0))) * 0x100000001b3n);
    this.s = h;
  }
  next() {
    this.s = B.asUintN(64, this.s + 0x9e3779b97f4a7c15n);
    let z = this.s;
    z = B.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = B.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
}

// ---------------------------------------------------------------------------
// Architecture facts (Arm ARM, DDI 0487; the profile is QEMU 7.2 -cpu max and
// nvlab: PAMax = 52, FEAT_LPA, FEAT_LVA, FEAT_LPA2, FEAT_TTST, no EL3).

/**
 * Translation granules. TG0 (TCR_EL1.TG0, VTCR_EL2.TG0): 00 4K, 01 64K, 10 16K;
 * TG1 (TCR_EL1.TG1): 01 16K, 10 4K, 11 64K. sl0: VTCR_EL2.SL0 for each start
 * level (4K level -1 is SL2 = 1 with SL0 = 0 and DS = 1; 4K level 3, SL0 = 3,
 * needs FEAT_TTST, which QEMU 7.2's -cpu max and nvlab have).
 */
const GRANULES = {
  '4K': { name: '4K', bits: 12, stride: 9, tg0: 0b00n, tg1: 0b10n, sl0: { 2: 0n, 1: 1n, 0: 2n, 3: 3n, [-1]: 0n } },
  '16K': { name: '16K', bits: 14, stride: 11, tg0: 0b10n, tg1: 0b01n, sl0: { 3: 0n, 2: 1n, 1: 2n, 0: 3n } },
  '64K': { name: '64K', bits: 16, stride: 13, tg0: 0b01n, tg1: 0b11n, sl0: { 3: 0n, 2: 1n, 1: 2n } },
};

/** Input address bits below the index of a level (the size of a block or page there). */
const shiftOf = (g, level) => g.bits + g.stride * (3 - level);

/** Stage 1 start level: 4 - RoundUp((inputsize - granulebits) / stride). */
const s1StartLevel = (g, ia) => 4 - Math.ceil((ia - g.bits) / g.stride);

/**
 * AArch64.BlockDescSupported: 4K blocks at levels 1 and 2, and 0 with DS = 1;
 * 16K at level 2, and 1 with DS = 1; 64K at level 2, and 1 when PAMax is 52.
 */
function blockOK(g, ds, level) {
  if (g.bits === 12) return level === 1 || level === 2 || (level === 0 && ds);
  if (g.bits === 14) return level === 2 || (level === 1 && ds);
  return level === 1 || level === 2;
}

const PS_FIELD = { 40: 0b010n, 48: 0b101n, 52: 0b110n };

/**
 * AArch64.PhysicalAddressSize: PS = 0b110 (52 bits) gives 52 bits only with the
 * 64K granule (FEAT_LPA) or DS = 1; 4K/16K with DS = 0 are limited to 48.
 */
const effectivePS = (g, ds, ps) => (g.bits !== 16 && !ds ? Math.min(ps, 48) : ps);

/** Fault status codes (PAR_EL1.FST, ESR DFSC) with their level. */
function fsc(type, level) {
  switch (type) {
    case 'addr':
      return level < 0 ? 0b101001 : level;
    case 'trans':
      return level < 0 ? 0b101011 : 0b000100 | level;
    case 'af':
      return 0b001000 | level;
    case 'perm':
      return 0b001100 | level;
  }
  throw new Error(type);
}
const FAULT_NAMES = { addr: 'address size', trans: 'translation', af: 'access flag', perm: 'permission' };

/**
 * Output (or next-level table) address field of a descriptor: OA[47:g] in
 * bits [47:g]; with the 64K granule (PAMax 52) OA[51:48] in bits [15:12]
 * (AArch64.LeafBase/NextTableBase); with DS = 1 OA[49:48] in bits [49:48] and
 * OA[51:50] in bits [9:8].
 */
function encodeAddr(g, ds, a) {
  if (g.bits === 16) return (a & mask(48) & ~mask(16)) | (((a >> 48n) & 0xfn) << 12n);
  if (ds) return (a & mask(50) & ~mask(g.bits)) | (((a >> 50n) & 3n) << 8n);
  if (a >> 48n) throw new Error(`address ${hex(a)} needs 64K or DS = 1`);
  return a & ~mask(g.bits);
}
function decodeAddr(g, ds, d) {
  let a = d & mask(48) & ~mask(g.bits);
  if (g.bits === 16) a |= ((d >> 12n) & 0xfn) << 48n;
  else if (ds) a |= (d & (3n << 48n)) | (((d >> 8n) & 3n) << 50n);
  return a;
}

// Descriptor bits.
const D_VALID = 1n;
const D_TABLE = 2n; // table (levels < 3) or page (level 3)
const D_AF = bit(10);
const attrIndx = (i) => B(i) << 2n; // stage 1 AttrIndx[2:0], bits [4:2]
const AP_RW = 0n; // AP[2:1] = 00: EL1 read/write, no EL0 access
const AP_RO = 2n << 6n; // AP[2:1] = 10: EL1 read-only
const memAttr = (m) => B(m) << 2n; // stage 2 MemAttr[3:0], bits [5:2]
const s2ap = (ap) => B(ap) << 6n; // S2AP, bits [7:6]: bit 6 read, bit 7 write

/** MAIR_EL1: Attr0 Normal WB RW-allocate, Attr1 Normal Non-cacheable, Attr2 Device-nGnRE. */
const MAIR = 0x0000000000_04_44_ffn;
const MAIR_ATTR = [0xff, 0x44, 0x04];
const S2_WB = 0b1111; // Normal, Outer and Inner Write-Back
const S2_WT = 0b1010;
const S2_NC = 0b0101;
const S2_DEV = 0b0001; // Device-nGnRE

const SCTLR_EL1_INIT = 0x30d00800n; // lib/macros.inc
const SCTLR_M = 1n;
const SCTLR_C = 1n << 2n;
const SCTLR_I = 1n << 12n;
const HCR_RW = 1n << 31n;
const HCR_VM = 1n;

/**
 * A TTBR's base address field: with DS = 1, or the 64K granule with PS = 52
 * (FEAT_LPA), BADDR[51:48] are bits [5:2] (AArch64.S1TTBaseAddress,
 * S2TTBaseAddress); otherwise bits [47:1] hold the address.
 */
const ttbrWide = (g, ds, ps) => ds || (g.bits === 16 && ps === 52);
function encodeTTBR(g, ds, ps, a) {
  if (ttbrWide(g, ds, ps)) return (a & mask(48) & ~mask(6)) | (((a >> 48n) & 0xfn) << 2n);
  if (a >> 48n) throw new Error(`TTBR address ${hex(a)} needs BADDR[51:48]`);
  return a;
}
function decodeTTBR(g, ds, ps, r) {
  if (ttbrWide(g, ds, ps)) return (r & mask(48) & ~mask(6)) | (((r >> 2n) & 0xfn) << 48n);
  return r & mask(48) & ~1n;
}

const RAM_END = 0x80000000n;
const TABLE_AREA = 0x48000000n; // lib/link.ld: free RAM above the image

// ---------------------------------------------------------------------------
// Translation table builder.

/**
 * One translation stage's tables. `kind` is 's1' or 's2'; `ia` the input
 * address size; `start` the start level (the root table has
 * 2^(ia - shift(start)) entries: more than one granule means concatenated
 * tables). `tableAddr(pa)` is what descriptors and TTBRs hold for a table
 * written at pa (the PA itself, or an IPA when stage 2 translates the walk).
 */
class Tables {
  constructor({ kind, g, ds, ia, start, mem, alloc, tableAddr = (t) => t.pa, onNewTable = () => {} }) {
    Object.assign(this, { kind, g, ds, ia, start, mem, alloc, tableAddr, onNewTable });
    this.tables = [];
    this.root = this.newTable(start, 2 ** (ia - shiftOf(g, start)));
  }

  newTable(level, entries = 2 ** this.g.stride) {
    const bytes = B(Math.max(entries * 8, 2 ** this.g.bits));
    const t = { level, entries, pa: this.alloc(bytes), slots: new Map(), order: [], n: this.tables.length };
    t.addr = null;
    this.tables.push(t);
    this.onNewTable(t);
    if (t.addr === null) t.addr = this.tableAddr(t);
    return t;
  }

  /** Free entries of a table, in a fixed spread order (the root starts at its top entry). */
  *freeIndexes(t) {
    const n = t.entries;
    const step = n <= 2 ? 1 : (Math.floor(n * 0.382) | 1);
    let i = t === this.root ? n - 1 : Math.min(5, n - 1);
    for (let k = 0; k < n; k++, i = (i + step) % n) if (!t.slots.has(i)) yield i;
  }

  write(t, idx, desc, what, kind) {
    this.mem.write(t.pa + B(idx) * 8n, desc, what);
    if (!t.slots.has(idx)) t.order.push(idx);
    t.slots.set(idx, { kind, desc });
  }

  reserve(t, idx) {
    t.order.push(idx);
    t.slots.set(idx, { kind: 'reserved' });
  }

  tableDesc(t) {
    return D_VALID | D_TABLE | encodeAddr(this.g, this.ds, t.addr);
  }

  /**
   * Finds an input address whose walk ends at a free entry at `level`,
   * creating tables on the way, and returns { t, idx, input }. Existing tables
   * are reused unless `fresh` names a level where the walk must take a free
   * entry and continue through new tables.
   */
  place(level, fresh = null, optional = false) {
    const rec = (t, prefix) => {
      const sh = B(shiftOf(this.g, t.level));
      if (t.level === level) {
        for (const idx of this.freeIndexes(t)) return { t, idx, input: prefix | (B(idx) << sh) };
        return null;
      }
      if (fresh !== t.level) {
        for (const idx of t.order) {
          const s = t.slots.get(idx);
          if (s.kind !== 'table') continue;
          const r = rec(s.table, prefix | (B(idx) << sh));
          if (r) return r;
        }
      }
      for (const idx of this.freeIndexes(t)) {
        const nt = this.newTable(t.level + 1);
        this.write(t, idx, this.tableDesc(nt), `L${t.level}[${idx}] table -> ${describeTable(nt)}`, 'table');
        t.slots.get(idx).table = nt;
        return rec(nt, prefix | (B(idx) << sh));
      }
      return null;
    };
    // A table with a free entry at `level` below it may not exist (small roots).
    const r = rec(this.root, 0n);
    if (!r && !optional) throw new Error(`no room for a level ${level} entry`);
    return r;
  }

  /** Writes a leaf (block or page) at a new place and returns its input address. */
  leaf(level, oa, attrs, what = '', fresh = null) {
    const p = this.place(level, fresh);
    const desc = D_VALID | (level === 3 ? D_TABLE : 0n) | encodeAddr(this.g, this.ds, oa) | attrs;
    const kind = level === 3 ? 'page' : 'block';
    this.write(p.t, p.idx, desc, `L${level}[${p.idx}] ${kind} OA ${hex(oa, 13)}${what ? ` ${what}` : ''}`, 'leaf');
    return p.input;
  }

  /** A raw descriptor at a new place at `level`; returns its input address (null: no room). */
  raw(level, desc, what) {
    const p = this.place(level, null, true);
    if (!p) return null;
    this.write(p.t, p.idx, desc, `L${level}[${p.idx}] ${what}`, 'raw');
    return p.input;
  }

  /** Reserves a free entry at `level` (left invalid); returns its input address (null: no room). */
  hole(level) {
    const p = this.place(level, null, true);
    if (!p) return null;
    this.reserve(p.t, p.idx);
    return p.input;
  }
}

function describeTable(t) {
  return t.addr === t.pa ? hex(t.pa, 8) : `IPA ${hex(t.addr, 8)} (PA ${hex(t.pa, 8)})`;
}

/** The memory image a configuration writes, in program order. */
class Mem {
  constructor() {
    this.writes = [];
    this.map = new Map();
  }
  write(pa, desc, what) {
    if (pa < TABLE_AREA || pa >= RAM_END) throw new Error(`table write outside the table area: ${hex(pa)}`);
    this.writes.push({ pa, desc, what });
    this.map.set(pa, desc);
  }
  read(pa) {
    return this.map.get(pa) ?? 0n;
  }
}

// ---------------------------------------------------------------------------
// The model: what AT must return for these tables (Arm ARM rules, restricted
// to what the cases exercise: no HA/HD, no hierarchical permissions, no TBI).

/**
 * A stage's walk parameters: { kind, g, ds, ia, start, ps (effective bits),
 * ttbr: [TTBR0, TTBR1] addresses, sh: [SH0, SH1] }.
 * Returns { ok: true, oa, attr, sh, level } (attr: MAIR byte for stage 1,
 * MemAttr for stage 2) or { ok: false, type, level, s2, ptw }.
 */
function walk(P, input, write, mem, s2 = null) {
  const fault = (type, level) => ({ ok: false, type, level, s2: P.kind === 's2', ptw: false });
  let sel = 0;
  const top = input >> B(P.ia);
  if (P.kind === 's1') {
    if (top === mask(64 - P.ia)) sel = 1;
    else if (top !== 0n) return fault('trans', 0); // AArch64.VAIsOutOfRange
  } else if (top !== 0n) return fault('trans', 0); // AArch64.IPAIsOutOfRange
  let table = P.ttbr[sel];
  if (table >= bit(P.ps)) return fault('addr', 0); // TTBR out of range: level 0
  for (let level = P.start; ; ) {
    const sh = shiftOf(P.g, level);
    const idxBits = level === P.start ? P.ia - sh : P.g.stride;
    let addr = table + ((input >> B(sh)) & mask(idxBits)) * 8n;
    if (s2) {
      const r = walk(s2, addr, false, mem);
      if (!r.ok) return { ...r, s2: true, ptw: true };
      addr = r.oa;
    }
    const d = mem.read(addr);
    if (!(d & D_VALID) || (level === 3 && !(d & D_TABLE))) return fault('trans', level);
    if (level < 3 && d & D_TABLE) {
      table = decodeAddr(P.g, P.ds, d);
      if (table >= bit(P.ps)) return fault('addr', level);
      level++;
      continue;
    }
    if (level < 3 && !blockOK(P.g, P.ds, level)) return fault('trans', level);
    const oa = decodeAddr(P.g, P.ds, d) & ~mask(sh);
    if (oa >= bit(P.ps)) return fault('addr', level);
    if (!(d & D_AF)) return fault('af', level);
    if (P.kind === 's1') {
      if (write && d & bit(7)) return fault('perm', level);
      const attr = MAIR_ATTR[Number((d >> 2n) & 7n)];
      return { ok: true, oa: oa | (input & mask(sh)), attr, sh: P.ds ? P.sh[sel] : Number((d >> 8n) & 3n), level };
    }
    const ap = (d >> 6n) & 3n;
    if (!(ap & (write ? 2n : 1n))) return fault('perm', level);
    return { ok: true, oa: oa | (input & mask(sh)), attr: Number((d >> 2n) & 0xfn), sh: P.ds ? P.sh[0] : Number((d >> 8n) & 3n), level };
  }
}

const isDevice = (attr) => (attr & 0xf0) === 0;

/** Shareability the PAR reports: Device and Normal Inner/Outer Non-cacheable are Outer Shareable. */
const parSH = (attr, sh) => (isDevice(attr) || attr === 0x44 ? 2 : sh);

/** Combining stage 1 (MAIR byte, SH) with stage 2 (MemAttr, SH), HCR_EL2.FWB = 0. */
function combine(a1, sh1, m2, sh2) {
  let attr;
  const dev2 = (m2 & 0b1100) === 0;
  if (isDevice(a1) || dev2) {
    const t1 = isDevice(a1) ? (a1 >> 2) & 3 : 3;
    const t2 = dev2 ? m2 & 3 : 3;
    attr = Math.min(t1, t2) << 2; // the more restrictive Device type
  } else {
    // Per half (outer, inner): Non-cacheable wins, then Write-Through; the
    // allocation hints (and transience) come from stage 1.
    const nibble = (n1, c2) => {
      if (n1 === 0b0100 || c2 === 0b01) return 0b0100;
      const wt1 = (n1 >> 2) === 0b00 || (n1 >> 2) === 0b10;
      if (wt1 || c2 !== 0b10) return n1;
      return ((n1 >> 2) === 0b01 ? 0b0000 : 0b1000) | (n1 & 3);
    };
    attr = (nibble(a1 >> 4, m2 >> 2) << 4) | nibble(a1 & 15, m2 & 3);
  }
  const sh = sh1 === 2 || sh2 === 2 ? 2 : sh1 === 3 || sh2 === 3 ? 3 : 0;
  return { attr, sh: parSH(attr, sh) };
}

/** PAR_EL1 as the guest prints it (see the mask in the runtime). */
function parOf(r) {
  if (!r.ok) return 1n | (B(fsc(r.type, r.level)) << 1n) | (r.ptw ? bit(8) : 0n) | (r.s2 ? bit(9) : 0n) | bit(11);
  return (B(r.attr) << 56n) | (r.oa & mask(52) & ~mask(12)) | (B(r.sh) << 7n) | bit(11);
}

function describe(r) {
  if (!r.ok) {
    const stage = r.s2 ? (r.ptw ? 'stage 2 (on the stage 1 walk)' : 'stage 2') : 'stage 1';
    return `${stage} ${FAULT_NAMES[r.type]} fault, level ${r.level}`;
  }
  const sh = ['NSH', '?', 'OSH', 'ISH'][r.sh];
  return `PA ${hex(r.oa, 13)} ATTR ${hex(B(r.attr), 2)} ${sh}`;
}

/**
 * AT as the model sees it. S1E1*: stage 1 only (its walk through stage 2 when
 * HCR_EL2.VM = 1); S12E1*: then stage 2 on the IPA (stage 1 disabled: VA =
 * IPA, Device-nGnRnE, and an address size fault above PAMax).
 */
function modelAT(cfg, op, va, mem) {
  const write = op.endsWith('W');
  const s2 = cfg.s2 ?? null;
  let r1;
  if (cfg.s1) {
    r1 = walk(cfg.s1, va, write, mem, s2);
    if (!r1.ok) return r1;
    if (op.startsWith('S1E1')) return { ...r1, sh: parSH(r1.attr, r1.sh) };
  } else {
    if (va >> 52n) return { ok: false, type: 'addr', level: 0, s2: false, ptw: false };
    r1 = { ok: true, oa: va, attr: 0x00, sh: 2 };
  }
  if (!s2) return { ...r1, sh: parSH(r1.attr, r1.sh) };
  const r2 = walk(s2, r1.oa, write, mem);
  if (!r2.ok) return r2;
  return { ...r2, ...combine(r1.attr, r1.sh, r2.attr, r2.sh), oa: r2.oa };
}

// ---------------------------------------------------------------------------
// Configurations.

/**
 * Stage 1 input sizes: one T0SZ per distinct start level (and 52-bit VAs).
 * 4K: 48/39/30/21 bits start at levels 0/1/2/3 (21 bits: T0SZ = 43,
 * FEAT_TTST), 52 bits (DS = 1) at level -1.
 * 16K: 48 bits at level 0 (2 entries), 47/36/25 at levels 1/2/3, 52 bits (DS = 1) at 0.
 * 64K: 52 (FEAT_LVA) and 48 bits at level 1, 42 at 2, 25 at 3.
 */
const S1_T0SZ = {
  '4K': { none: [16, 25, 34, 43], lpa2: [12, 16, 25, 34], ps40: [16] },
  '16K': { none: [16, 17, 28, 39], lpa2: [12, 16, 17, 28, 39], ps40: [17] },
  '64K': { none: [12, 16, 22, 39], lpa: [12, 16, 22, 39], ps40: [22] },
};

/**
 * Stage 2 (T0SZ, start level) choices: AArch64.S2InvalidSL and
 * S2InconsistentSL allow, per start level, input sizes from one bit more
 * than the levels below resolve up to a full table plus 4 bits of
 * concatenation (2..16 tables). T0SZ 16 (12 with DS = 1 or 64K) .. 39, and
 * 4K level 3 (SL0 = 3) with FEAT_TTST's T0SZ up to 48.
 */
const S2_CHOICES = {
  '4K': {
    none: [[16, 0], [25, 1], [24, 1], [21, 1], [34, 2], [32, 2], [30, 2], [44, 3], [40, 3]],
    lpa2: [[12, -1], [15, -1], [16, 0], [15, 0], [14, 0], [13, 0], [12, 0], [23, 1], [25, 1], [31, 2]],
    ps40: [[25, 1]],
  },
  '16K': {
    none: [[16, 1], [17, 1], [28, 2], [26, 2], [24, 2], [39, 3], [36, 3]],
    lpa2: [[12, 0], [16, 0], [13, 1], [14, 1], [15, 1], [16, 1], [27, 2], [35, 3]],
    ps40: [[28, 2]],
  },
  '64K': {
    none: [[16, 1], [22, 2], [20, 2], [18, 2], [35, 3], [33, 3], [31, 3]],
    lpa: [[12, 1], [14, 1], [16, 1], [22, 2], [20, 2], [18, 2], [35, 3], [33, 3], [31, 3]],
    ps40: [[28, 2]],
  },
};

/** Both stages: (stage 1 T0SZ, [stage 2 T0SZ, start level]) pairs per mode and PS. */
const S12_PAIRS = {
  '4K': {
    'none/48': [[16, [16, 0]], [25, [24, 1]], [34, [30, 2]], [16, [21, 1]]],
    'none/52': [[25, [16, 0]], [16, [32, 2]], [34, [34, 2]]],
    'lpa2/48': [[12, [16, 0]], [16, [25, 1]], [25, [31, 2]], [34, [23, 1]]],
    'lpa2/52': [[12, [12, -1]], [12, [12, 0]], [16, [15, -1]], [25, [23, 1]], [16, [31, 2]], [34, [15, 0]], [25, [14, 0]]],
    'ps40/40': [[25, [25, 1]]],
  },
  '16K': {
    'none/48': [[16, [16, 1]], [17, [26, 2]], [28, [36, 3]]],
    'none/52': [[17, [17, 1]], [28, [24, 2]]],
    'lpa2/48': [[16, [16, 1]], [28, [27, 2]], [17, [35, 3]]],
    'lpa2/52': [[12, [12, 0]], [12, [13, 1]], [17, [16, 0]], [16, [14, 1]], [28, [15, 1]], [12, [35, 3]]],
    'ps40/40': [[28, [28, 2]]],
  },
  '64K': {
    'none/48': [[16, [16, 1]], [22, [20, 2]], [22, [35, 3]]],
    'lpa/52': [[12, [12, 1]], [16, [18, 2]], [22, [31, 3]], [16, [33, 3]], [12, [16, 1]]],
    'ps40/40': [[22, [28, 2]]],
  },
};

/** Output sizes per mode: 'none' with 52 is the constrained case for 4K/16K. */
function modePS(gname, mode) {
  if (mode === 'ps40') return [40];
  if (mode === 'lpa' || mode === 'lpa2') return gname === '64K' ? [52] : [48, 52];
  return gname === '64K' ? [48] : [48, 52];
}

const modeName = (g, mode, ps) => {
  if (mode === 'lpa2') return 'LPA2';
  if (mode === 'lpa') return 'LPA';
  if (ps === 52) return 'none(52->48)';
  return 'none';
};

/** Every configuration of a granule, in a fixed order. */
function configsFor(gname) {
  const out = [];
  const g = GRANULES[gname];
  const gid = gname.toLowerCase();
  const modes = Object.keys(S1_T0SZ[gname]);
  for (const mode of modes) {
    for (const ps of modePS(gname, mode)) {
      for (const t0sz of S1_T0SZ[gname][mode]) {
        const ds = mode === 'lpa2';
        out.push({ stage: 'S1', g, gid, mode, ds, ps, t0sz, id: `${gid}.s1.${mode}.t${t0sz}.ps${ps}` });
      }
    }
  }
  for (const mode of modes) {
    for (const ps of modePS(gname, mode)) {
      for (const [t0sz, level] of S2_CHOICES[gname][mode]) {
        const ds = mode === 'lpa2';
        if (64 - t0sz > effectivePS(g, ds, ps)) continue; // IPAs wider than the output size are not used
        out.push({ stage: 'S2', g, gid, mode, ds, ps, vt0sz: t0sz, vstart: level, id: `${gid}.s2.${mode}.t${t0sz}.l${level}.ps${ps}` });
      }
    }
  }
  for (const [key, pairs] of Object.entries(S12_PAIRS[gname])) {
    const [mode, psText] = key.split('/');
    const ps = Number(psText);
    for (const [t0sz, [vt0sz, vstart]] of pairs) {
      const ds = mode === 'lpa2';
      out.push({ stage: 'S12', g, gid, mode, ds, ps, t0sz, vt0sz, vstart, id: `${gid}.s12.${mode}.t${t0sz}.v${vt0sz}l${vstart}.ps${ps}` });
    }
  }
  const seen = new Set();
  for (const c of out) {
    c.deviation = isDeviationConfig(c);
    if (seen.has(c.id)) throw new Error(`duplicate configuration ${c.id}`);
    seen.add(c.id);
  }
  return out;
}

/**
 * Cases QEMU 7.2 gets wrong (docs/qemu-deviations.md), left out of the
 * goldens unless --include-deviations:
 *   'oa-hi-ps48'  OA bits above PS that only DS = 1 bits [9:8] or 64K bits
 *                 [15:12] hold, with PS < 52: QEMU ignores those bits (section 14)
 *   'bad-block'   a block descriptor at a level that has no blocks: QEMU
 *                 treats it as a block (section 15)
 *   's1-par-sh'   PAR_EL1.SH of a stage 1 result in Device or Normal
 *                 Non-cacheable memory: QEMU returns the descriptor's SH, not
 *                 0b10 (section 16)
 * and configurations (isDeviationConfig): stage 2 start levels QEMU 7.2
 * refuses (section 18).
 */
const DEVIATION_CASES = new Set(['oa-hi-ps48', 'bad-block', 's1-par-sh']);

// ---------------------------------------------------------------------------
// Building one configuration: tables, registers, AT cases.

/**
 * QEMU 7.2 faults every walk of a stage 2 that starts at 4K level -1 with
 * fewer than 52 IPA bits, or at 16K level 0 (section 18).
 */
function isDeviationConfig(c) {
  if (c.stage === 'S1') return false;
  return (c.g.bits === 12 && c.vstart === -1 && c.vt0sz !== 12) || (c.g.bits === 14 && c.vstart === 0);
}

function buildConfig(c, alloc, opts) {
  const { g, ds } = c;
  const rng = new Rng(c.id);
  const mem = new Mem();
  const psEff = effectivePS(g, ds, c.ps);
  const tests = [];
  const cases = (kind) => opts.includeDeviations || !DEVIATION_CASES.has(kind);
  const at = (tag, op, va) => {
    if (va !== null) tests.push({ tag, op, va });
  };
  /** An OA of a leaf at `level` within `bits` bits, its top bit set. */
  const oaIn = (bits, level) => ((rng.next() & mask(bits)) | bit(bits - 1)) & ~mask(shiftOf(g, level));
  const offsetIn = (level) => rng.next() & mask(shiftOf(g, level)) & ~7n;
  const blockLevels = (start) => [-1, 0, 1, 2].filter((l) => l >= start && blockOK(g, ds, l));
  const badBlockLevels = (start) => [-1, 0, 1, 2].filter((l) => l >= start && !blockOK(g, ds, l));
  /** Can a descriptor of this granule/DS express an address with bit n set? */
  const canEncode = (n) => n < 48 || g.bits === 16 || ds;
  const osh = 2;
  const ish = 3;
  // With DS = 1, descriptor bits [9:8] are OA[51:50]; the shareability comes from TCR/VTCR.
  const shField = (sh) => (ds ? 0n : B(sh) << 8n);

  let s1 = null;
  let s1hi = null;
  let s2 = null;
  let s1P = null;
  let s2P = null;
  const regs = {
    tcr: 0n,
    ttbr0: 0n,
    ttbr1: 0n,
    mair: 0n,
    sctlr: SCTLR_EL1_INIT,
    vtcr: 0n,
    vttbr: 0n,
    hcr: HCR_RW,
  };

  if (c.stage !== 'S1') {
    const ia = 64 - c.vt0sz;
    s2 = new Tables({ kind: 's2', g, ds, ia, start: c.vstart, mem, alloc });
    const sl2 = c.vstart === -1 ? 1n : 0n;
    regs.vtcr =
      B(c.vt0sz) |
      (g.sl0[c.vstart] << 6n) |
      (B(ish) << 12n) | // SH0 (with DS = 1 also the shareability of the mappings)
      (g.tg0 << 14n) |
      (PS_FIELD[c.ps] << 16n) |
      bit(31) | // RES1
      ((ds ? 1n : 0n) << 32n) |
      (sl2 << 33n);
    regs.vttbr = encodeTTBR(g, ds, c.ps, s2.root.pa);
    regs.hcr |= HCR_VM;
    s2P = { kind: 's2', g, ds, ia, start: c.vstart, ps: psEff, ttbr: [decodeTTBR(g, ds, c.ps, regs.vttbr)], sh: [ish] };
  }
  if (c.stage !== 'S2') {
    const ia = 64 - c.t0sz;
    const start = s1StartLevel(g, ia);
    // Stage 1 tables are reached through stage 2 when both are on: each gets
    // a stage 2 page of its own (unless a case wants its walk to fault).
    let pendingWalkFault = null;
    const s1Opts = { kind: 's1', g, ds, ia, start, mem, alloc };
    if (s2) {
      s1Opts.onNewTable = (t) => {
        const how = pendingWalkFault;
        pendingWalkFault = null;
        const p = s2.place(3);
        t.addr = p.input;
        if (how === 'unmapped') s2.reserve(p.t, p.idx);
        else {
          const attrs = memAttr(S2_WB) | shField(ish) | (how === 'af' ? 0n : D_AF) | s2ap(how === 'noaccess' ? 0b00 : 0b11);
          s2.write(p.t, p.idx, D_VALID | D_TABLE | encodeAddr(g, ds, t.pa) | attrs, `L3[${p.idx}] page OA ${hex(t.pa, 13)} (stage 1 table)${how ? ` ${how}` : ''}`, 'leaf');
        }
      };
      s1Opts.setPendingWalkFault = (how) => (pendingWalkFault = how);
    }
    s1 = new Tables(s1Opts);
    s1hi = c.ps === 40 && !s2 ? null : new Tables({ ...s1Opts });
    const [sh0, sh1] = ds ? [osh, ish] : [ish, ish];
    regs.tcr =
      B(c.t0sz) |
      (B(sh0) << 12n) |
      (g.tg0 << 14n) |
      (B(c.t0sz) << 16n) | // T1SZ = T0SZ
      (B(sh1) << 28n) |
      (g.tg1 << 30n) |
      (PS_FIELD[c.ps] << 32n) | // IPS
      ((ds ? 1n : 0n) << 59n);
    regs.ttbr0 = encodeTTBR(g, ds, c.ps, s1.root.addr);
    // With a 40-bit output size, TTBR1 points above it: an address size fault.
    regs.ttbr1 = s1hi ? encodeTTBR(g, ds, c.ps, s1hi.root.addr) : bit(40) | 0x10000n;
    regs.mair = MAIR;
    regs.sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
    s1P = { kind: 's1', g, ds, ia, start, ps: psEff, ttbr: [regs.ttbr0, regs.ttbr1].map((r) => decodeTTBR(g, ds, c.ps, r)), sh: [sh0, sh1] };
    s1.setPendingWalkFault = s1Opts.setPendingWalkFault;
  }
  const cfg = { s1: s1P, s2: s2P };

  const upper = (input) => (input === null ? null : (M64 ^ mask(s1P.ia)) | input);

  if (c.stage === 'S1') {
    const T = s1;
    const start = s1P.start;
    const bls = blockLevels(start);
    const top = bls[0];
    const v = (va, level) => (va === null ? null : va | offsetIn(level));
    const page = v(T.leaf(3, oaIn(psEff, 3), attrIndx(0) | shField(ish) | D_AF | AP_RW), 3);
    at('page', 'S1E1R', page);
    at('page', 'S1E1W', page);
    for (const l of bls) at(`blk-L${l}`, 'S1E1R', v(T.leaf(l, oaIn(psEff, l), attrIndx(0) | shField(ish) | D_AF | AP_RW), l));
    if (!ds) at('sh-osh', 'S1E1R', v(T.leaf(3, oaIn(psEff, 3), attrIndx(0) | shField(osh) | D_AF | AP_RW), 3));
    if (cases('s1-par-sh')) {
      at('attr-nc', 'S1E1R', v(T.leaf(3, oaIn(psEff, 3), attrIndx(1) | shField(ish) | D_AF | AP_RW), 3));
      at('attr-dev', 'S1E1R', v(T.leaf(3, oaIn(psEff, 3), attrIndx(2) | shField(ish) | D_AF | AP_RW), 3));
    }
    const ro = v(T.leaf(3, oaIn(psEff, 3), attrIndx(0) | shField(ish) | D_AF | AP_RO), 3);
    at('ro', 'S1E1R', ro);
    at('ro', 'S1E1W', ro);
    if (top !== undefined) at(`ro-blk-L${top}`, 'S1E1W', v(T.leaf(top, oaIn(psEff, top), attrIndx(0) | shField(ish) | D_AF | AP_RO), top));
    at('af-L3', 'S1E1R', v(T.leaf(3, oaIn(psEff, 3), attrIndx(0) | shField(ish) | AP_RW), 3));
    if (top !== undefined) at(`af-L${top}`, 'S1E1R', v(T.leaf(top, oaIn(psEff, top), attrIndx(0) | shField(ish) | AP_RW), top));
    at('res-L3', 'S1E1R', v(T.raw(3, D_VALID | encodeAddr(g, ds, oaIn(psEff, 3)) | D_AF, 'reserved encoding 0b01'), 3));
    at(`unmapped-L${start}`, 'S1E1R', v(T.hole(start), start));
    if (cases('bad-block')) {
      for (const l of badBlockLevels(start)) {
        at(`badblk-L${l}`, 'S1E1R', v(T.raw(l, D_VALID | D_AF | encodeAddr(g, ds, oaIn(Math.min(psEff, 48), 3) & ~mask(shiftOf(g, l))), 'block where none is allowed'), l));
      }
    }
    if (start < 3) at('unmapped-L3', 'S1E1R', v(T.hole(3), 3));
    addressSizeCases(T, start, (tag, va) => at(tag, 'S1E1R', va));
    if (s1hi) {
      at('ttbr1', 'S1E1R', upper(v(s1hi.leaf(3, oaIn(psEff, 3), attrIndx(0) | shField(ish) | D_AF | AP_RW), 3)));
      at(`ttbr1-unm-L${start}`, 'S1E1R', upper(v(s1hi.hole(start), start)));
    } else {
      at('ttbr1-asf', 'S1E1R', upper(0x123456789000n & mask(s1P.ia)));
    }
    at('gap', 'S1E1R', bit(s1P.ia) | 0x1000n);
  }

  if (c.stage === 'S2') {
    const T = s2;
    const start = c.vstart;
    const bls = blockLevels(start);
    const top = bls[0];
    const v = (ipa, level) => (ipa === null ? null : ipa | offsetIn(level));
    const rw = memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b11);
    const page = v(T.leaf(3, oaIn(psEff, 3), rw), 3);
    at('page', 'S12E1R', page);
    at('page', 'S12E1W', page);
    for (const l of bls) at(`blk-L${l}`, 'S12E1R', v(T.leaf(l, oaIn(psEff, l), rw), l));
    const ro = v(T.leaf(3, oaIn(psEff, 3), memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b01)), 3);
    at('s2ap-ro', 'S12E1R', ro);
    at('s2ap-ro', 'S12E1W', ro);
    const wo = v(T.leaf(3, oaIn(psEff, 3), memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b10)), 3);
    at('s2ap-wo', 'S12E1R', wo);
    at('s2ap-wo', 'S12E1W', wo);
    at('s2ap-none', 'S12E1R', v(T.leaf(3, oaIn(psEff, 3), memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b00)), 3));
    if (top !== undefined) at(`ro-blk-L${top}`, 'S12E1W', v(T.leaf(top, oaIn(psEff, top), memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b01)), top));
    at('af-L3', 'S12E1R', v(T.leaf(3, oaIn(psEff, 3), memAttr(S2_WB) | shField(ish) | s2ap(0b11)), 3));
    if (top !== undefined) at(`af-L${top}`, 'S12E1R', v(T.leaf(top, oaIn(psEff, top), memAttr(S2_WB) | shField(ish) | s2ap(0b11)), top));
    at('res-L3', 'S12E1R', v(T.raw(3, D_VALID | encodeAddr(g, ds, oaIn(psEff, 3)) | D_AF | s2ap(0b11), 'reserved encoding 0b01'), 3));
    at(`unmapped-L${start}`, 'S12E1R', v(T.hole(start), start));
    if (cases('bad-block')) {
      for (const l of badBlockLevels(start)) {
        at(`badblk-L${l}`, 'S12E1R', v(T.raw(l, D_VALID | D_AF | s2ap(0b11) | encodeAddr(g, ds, oaIn(Math.min(psEff, 48), 3) & ~mask(shiftOf(g, l))), 'block where none is allowed'), l));
      }
    }
    if (start < 3) at('unmapped-L3', 'S12E1R', v(T.hole(3), 3));
    addressSizeCases(T, start, (tag, va) => at(tag, 'S12E1R', va));
    if (s2P.ia < 52) at('gap', 'S12E1R', bit(s2P.ia) | 0x1000n);
    at('s1off-asf', 'S12E1R', bit(52) | 0x1000n);
  }

  if (c.stage === 'S12') {
    const start1 = s1P.start;
    const v1 = (va, level) => (va === null ? null : va | offsetIn(level));
    // A stage 2 page for an IPA stage 1 produces, with its own attributes.
    const s2page = (attrs, what) => {
      const p = s2.place(3);
      s2.write(p.t, p.idx, D_VALID | D_TABLE | encodeAddr(g, ds, oaIn(psEff, 3)) | attrs, `L3[${p.idx}] page ${what}`, 'leaf');
      return p.input;
    };
    const rw2 = memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b11);
    const rw1 = attrIndx(0) | shField(ish) | D_AF | AP_RW;
    const s1page = (ipa, attrs1, fresh = null) => v1(s1.leaf(3, ipa, attrs1, '', fresh), 3);
    const page = s1page(s2page(rw2, 'data'), rw1);
    at('page', 'S1E1R', page);
    at('page', 'S12E1R', page);
    at('page', 'S12E1W', page);
    // A stage 1 block over a stage 2 page, a stage 1 page over a stage 2 block.
    const b1 = blockLevels(start1).at(-1); // the smallest stage 1 block
    if (b1 !== undefined) {
      const ipaPage = s2page(rw2, 'under a stage 1 block');
      const blockBase = ipaPage & ~mask(shiftOf(g, b1));
      const within = ipaPage - blockBase;
      // The block's OA is the IPA page's block-aligned base; the VA reaches the page.
      const p = s1.place(b1);
      s1.write(p.t, p.idx, D_VALID | encodeAddr(g, ds, blockBase) | rw1, `L${b1}[${p.idx}] block OA ${hex(blockBase, 13)}`, 'leaf');
      at(`s1blk-L${b1}`, 'S12E1R', p.input | within | (rng.next() & mask(g.bits) & ~7n));
    }
    const b2 = blockLevels(c.vstart)[0];
    if (b2 !== undefined) {
      const p = s2.place(b2);
      s2.write(p.t, p.idx, D_VALID | encodeAddr(g, ds, oaIn(psEff, b2)) | rw2, `L${b2}[${p.idx}] block`, 'leaf');
      const ipa = p.input | (rng.next() & mask(shiftOf(g, b2)) & ~mask(g.bits));
      at(`s2blk-L${b2}`, 'S12E1R', s1page(ipa, rw1));
    }
    at('s2-nc', 'S12E1R', s1page(s2page(memAttr(S2_NC) | shField(ish) | D_AF | s2ap(0b11), 'Normal NC'), rw1));
    at('s2-dev', 'S12E1R', s1page(s2page(memAttr(S2_DEV) | shField(ish) | D_AF | s2ap(0b11), 'Device-nGnRE'), rw1));
    at('s2-wt', 'S12E1R', s1page(s2page(memAttr(S2_WT) | shField(ish) | D_AF | s2ap(0b11), 'Normal WT'), rw1));
    if (!ds) at('s2-osh', 'S12E1R', s1page(s2page(memAttr(S2_WB) | shField(osh) | D_AF | s2ap(0b11), 'OSH'), rw1));
    const s2ro = s1page(s2page(memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b01), 'read-only'), rw1);
    at('s2-ro', 'S12E1R', s2ro);
    at('s2-ro', 'S12E1W', s2ro);
    const s1ro = s1page(s2page(rw2, 'under a read-only stage 1 page'), attrIndx(0) | shField(ish) | D_AF | AP_RO);
    at('s1-ro', 'S12E1W', s1ro);
    at('s1-af', 'S12E1R', s1page(s2page(rw2, 'under a stage 1 page without AF'), attrIndx(0) | shField(ish) | AP_RW));
    at('s2-af', 'S12E1R', s1page(s2page(memAttr(S2_WB) | shField(ish) | s2ap(0b11), 'AF = 0'), rw1));
    at(`s1-unm-L${start1}`, 'S12E1R', v1(s1.hole(start1), start1));
    // Stage 1 maps to an IPA stage 2 does not map (at its start level).
    const hole2 = s2.hole(c.vstart);
    if (hole2 !== null) at(`s2-unm-L${c.vstart}`, 'S12E1R', s1page(hole2, rw1));
    // Faults on the stage 1 walk: the first new table of a fresh branch sits
    // at an IPA stage 2 leaves unmapped, maps without AF, or maps with no
    // access. That table is a level 3 table and the stage 2 fault is at level
    // 3 too: QEMU 7.2 reports the stage 1 level instead of the stage 2 one
    // (docs/qemu-deviations.md, section 17), and here both are 3.
    const fresh = 2;
    for (const how of ['unmapped', 'af', 'noaccess']) {
      s1.setPendingWalkFault(how);
      const va = s1page(s2page(rw2, `behind a stage 1 table (${how})`), rw1, fresh);
      at(`ptw-${how}`, 'S12E1R', va);
      if (how === 'unmapped') at(`ptw-${how}`, 'S1E1R', va);
    }
    if (s1hi) at('ttbr1', 'S12E1R', upper(v1(s1hi.leaf(3, s2page(rw2, 'TTBR1 data'), rw1), 3)));
    addressSizeCases(s2, c.vstart, (tag, ipa) => at(`s2-${tag}`, 'S12E1R', s1page(ipa, rw1)));
  }

  /**
   * Address size faults: a leaf and a table descriptor at the start level
   * whose address is above the output size, where a descriptor can hold it.
   */
  function addressSizeCases(T, start, add) {
    const v = (x, level) => (x === null ? null : x | offsetIn(level));
    if (psEff < 52 && canEncode(psEff)) {
      const over = psEff === 48 && g.bits === 16 ? 'oa-hi-ps48' : null;
      if (!over || cases(over)) {
        const attrs = T.kind === 's1' ? attrIndx(0) | shField(ish) | D_AF | AP_RW : memAttr(S2_WB) | shField(ish) | D_AF | s2ap(0b11);
        const oa = bit(psEff) | (oaIn(psEff, 3) & mask(psEff));
        add('asf-L3', v(T.leaf(3, oa, attrs, '(above PS)'), 3));
        // At the start level, or the next one when the root has no free entry left.
        for (let l = start; l < 3; l++) {
          const va = T.raw(l, D_VALID | D_TABLE | encodeAddr(g, ds, bit(psEff) | T.root.pa), 'table above PS');
          if (va === null) continue;
          add(`asf-tbl-L${l}`, v(va, l));
          break;
        }
      }
    }
    // DS = 1 with PS = 48: OA[51:50] in bits [9:8].
    if (ds && psEff === 48 && cases('oa-hi-ps48')) {
      const attrs = T.kind === 's1' ? attrIndx(0) | D_AF | AP_RW : memAttr(S2_WB) | D_AF | s2ap(0b11);
      add('asf-hi-L3', v(T.leaf(3, bit(50) | (oaIn(48, 3) & mask(48)), attrs, '(OA[51:50] above PS)'), 3));
    }
  }

  return { c, mem, regs, tests, cfg };
}

// ---------------------------------------------------------------------------
// Emitting the guest.

const OPS = { S1E1R: 0, S1E1W: 1, S12E1R: 2, S12E1W: 3 };

function headerOf(c, built) {
  const parts = [`granule=${c.g.name}`, `stage=${c.stage === 'S12' ? 'S1+S2' : c.stage}`];
  if (c.stage !== 'S2') parts.push(`T0SZ=${c.t0sz}`, `start=L${built.cfg.s1.start}`);
  if (c.stage !== 'S1') {
    const ia = 64 - c.vt0sz;
    const concat = 2 ** Math.max(0, ia - shiftOf(c.g, c.vstart) - c.g.stride);
    parts.push(`VT0SZ=${c.vt0sz}`, `s2start=L${c.vstart}`, `concat=${concat}`);
  }
  parts.push(`PS=${c.ps}`, `mode=${modeName(c.g, c.mode, c.ps)}`);
  return `== ${c.id}: ${parts.join(' ')}`;
}

function lineOf(c, t, par) {
  return `${c.id} ${t.tag.padEnd(14)} ${t.op.padEnd(6)} va=${hex(t.va)} par=${hex(par)}`;
}

function regComment(name, c, built) {
  const r = built.regs;
  switch (name) {
    case 'tcr':
      return c.stage === 'S2' ? 'TCR_EL1: unused' : `TCR_EL1: T0SZ=T1SZ=${c.t0sz} TG0=${c.g.name} TG1=${c.g.name} IPS=${hex((r.tcr >> 32n) & 7n, 1)} DS=${c.ds ? 1 : 0}`;
    case 'vtcr':
      return c.stage === 'S1' ? 'VTCR_EL2: unused' : `VTCR_EL2: T0SZ=${c.vt0sz} SL0=${(r.vtcr >> 6n) & 3n} SL2=${(r.vtcr >> 33n) & 1n} TG0=${c.g.name} PS=${hex((r.vtcr >> 16n) & 7n, 1)} DS=${c.ds ? 1 : 0}`;
  }
  return '';
}

function emit(gname, opts) {
  const configs = configsFor(gname);
  let next = TABLE_AREA;
  const alloc = (bytes) => {
    next = (next + bytes - 1n) & ~(bytes - 1n);
    const pa = next;
    next += bytes;
    if (next > RAM_END) throw new Error('table area exhausted');
    return pa;
  };
  const built = configs.filter((c) => opts.includeDeviations || !c.deviation).map((c) => buildConfig(c, alloc, opts));
  const expected = [];
  const out = [];
  const file = `mmu-matrix-${gname.toLowerCase()}`;
  out.push(
    `// ${file}: AT results for every translation configuration of the ${gname} granule.`,
    '//',
    '// GENERATED by test/guest/mmu/gen-matrix.mjs: do not edit. Regenerate with',
    '//   node test/guest/mmu/gen-matrix.mjs',
    `//   node test/guest/build-guests.mjs --record ${file}`,
    '// and check with `node test/guest/mmu/gen-matrix.mjs --check`.',
    '//',
    `// ${built.length} configurations (${['S1', 'S2', 'S12'].map((s) => `${built.filter((b) => b.c.stage === s).length} ${s === 'S12' ? 'S1+S2' : s}`).join(', ')}),`,
    `// ${built.reduce((n, b) => n + b.tests.length, 0)} AT instructions. Each configuration writes its translation`,
    '// tables into its own fresh (zero) area from 0x48000000 up, programs the',
    '// EL1&0 and stage 2 registers and prints, after a header line, one line',
    '// per AT: "<config> <case> <op> va=<VA or IPA> par=<PAR_EL1>". The comment',
    "// on each case is the generator's model of the Arm ARM: what it must print.",
    '//',
    '// Case names: page/blk-Ln (successful walks), ro/s2ap-*/s1-ro/s2-ro',
    '// (permissions), af-Ln (access flag), unmapped-Ln/s1-unm/s2-unm and res-L3',
    '// (translation faults), asf-* (address size faults), ttbr1 (upper VA range),',
    '// gap (input address out of range), ptw-* (stage 2 faults on the stage 1',
    '// walk), s2-nc/s2-dev/s2-wt/s2-osh/sh-osh (memory attributes), s1off-asf',
    '// (stage 1 off, VA above PAMax).',
    '',
    '    .include "macros.inc"',
    '',
    '    // Configuration record (see config_list below).',
    '    .equ CFG_HEADER, 0',
    '    .equ CFG_TCR, 8',
    '    .equ CFG_TTBR0, 16',
    '    .equ CFG_TTBR1, 24',
    '    .equ CFG_MAIR, 32',
    '    .equ CFG_SCTLR, 40',
    '    .equ CFG_VTCR, 48',
    '    .equ CFG_VTTBR, 56',
    '    .equ CFG_HCR, 64',
    '    .equ CFG_NWRITES, 72',
    '    .equ CFG_WRITES, 80',
    '    .equ CFG_NTESTS, 88',
    '    .equ CFG_TESTS, 96',
    '',
    '    .text',
    '    .global main',
    'main:',
    '    stp     x29, x30, [sp, #-16]!',
    '    stp     x19, x20, [sp, #-16]!',
    '    adr     x19, config_list',
    '1:  ldr     x20, [x19], #8',
    '    cbz     x20, 2f',
    '    bl      run_config',
    '    b       1b',
    '2:  // Back to the start-up state: no stage 2, EL1&0 MMU off.',
    '    mov     x0, #HCR_RW',
    '    msr     hcr_el2, x0',
    '    ldr     x0, =SCTLR_EL1_INIT',
    '    msr     sctlr_el1, x0',
    '    isb',
    '    tlbi    vmalls12e1',
    '    dsb     sy',
    '    isb',
    '    PUTLN   "done"',
    '    ldp     x19, x20, [sp], #16',
    '    ldp     x29, x30, [sp], #16',
    '    mov     x0, #0',
    '    ret',
    '',
    '// run_config(x20 = configuration record)',
    'run_config:',
    '    stp     x29, x30, [sp, #-16]!',
    '    stp     x21, x22, [sp, #-16]!',
    '    stp     x23, x24, [sp, #-16]!',
    '    ldr     x0, [x20, #CFG_HEADER]',
    '    bl      puts',
    "    mov     w0, #'\\n'",
    '    bl      putc',
    '    // The translation tables: (address, descriptor) stores into zeroed RAM.',
    '    ldr     x1, [x20, #CFG_NWRITES]',
    '    ldr     x2, [x20, #CFG_WRITES]',
    '1:  cbz     x1, 2f',
    '    ldp     x3, x4, [x2], #16',
    '    str     x4, [x3]',
    '    sub     x1, x1, #1',
    '    b       1b',
    '2:  dsb     sy',
    '    // The guest stays at EL2: SCTLR_EL1.M and HCR_EL2.VM only affect the',
    '    // EL1&0 regime the AT instructions look up.',
    '    ldr     x0, [x20, #CFG_TCR]',
    '    msr     tcr_el1, x0',
    '    ldr     x0, [x20, #CFG_TTBR0]',
    '    msr     ttbr0_el1, x0',
    '    ldr     x0, [x20, #CFG_TTBR1]',
    '    msr     ttbr1_el1, x0',
    '    ldr     x0, [x20, #CFG_MAIR]',
    '    msr     mair_el1, x0',
    '    ldr     x0, [x20, #CFG_VTCR]',
    '    msr     vtcr_el2, x0',
    '    ldr     x0, [x20, #CFG_VTTBR]',
    '    msr     vttbr_el2, x0',
    '    ldr     x0, [x20, #CFG_SCTLR]',
    '    msr     sctlr_el1, x0',
    '    ldr     x0, [x20, #CFG_HCR]',
    '    msr     hcr_el2, x0',
    '    isb',
    '    tlbi    vmalls12e1',
    '    dsb     sy',
    '    isb',
    '    ldr     x21, [x20, #CFG_NTESTS]',
    '    ldr     x22, [x20, #CFG_TESTS]',
    '3:  cbz     x21, 9f',
    '    ldr     x0, [x22]                   // "<config> <case> <op> va="',
    '    bl      puts',
    '    ldr     x23, [x22, #16]',
    '    mov     x0, x23',
    '    bl      put_hex64',
    '    ldr     x1, [x22, #8]',
    '    cmp     x1, #1',
    '    b.eq    11f',
    '    cmp     x1, #2',
    '    b.eq    12f',
    '    cmp     x1, #3',
    '    b.eq    13f',
    '    at      s1e1r, x23',
    '    b       14f',
    '11: at      s1e1w, x23',
    '    b       14f',
    '12: at      s12e1r, x23',
    '    b       14f',
    '13: at      s12e1w, x23',
    '14: isb',
    '    mrs     x24, par_el1',
    '    // PAR_EL1 with F = 0: bit 9 (NS) is UNKNOWN for a result from a',
    '    // Non-secure translation regime (there is no EL3, the PE is Non-secure),',
    '    // bit 10 is IMPLEMENTATION DEFINED. ATTR, PA[51:12], bit 11 (RES1), SH',
    '    // and F are kept. With F = 1: bits [63:48] are IMPLEMENTATION DEFINED;',
    '    // S, PTW, FST, bit 11 (RES1) and the RES0 bits are kept.',
    '    tbnz    x24, #0, 15f',
    '    bic     x24, x24, #0x600',
    '    b       16f',
    '15: and     x24, x24, #0x0000ffffffffffff',
    '16: adr     x0, str_par',
    '    bl      puts',
    '    mov     x0, x24',
    '    bl      put_hex64',
    "    mov     w0, #'\\n'",
    '    bl      putc',
    '    add     x22, x22, #24',
    '    sub     x21, x21, #1',
    '    b       3b',
    '9:  ldp     x23, x24, [sp], #16',
    '    ldp     x21, x22, [sp], #16',
    '    ldp     x29, x30, [sp], #16',
    '    ret',
    '',
    '    .section .rodata',
    'str_par: .asciz " par="',
    '    .balign 8',
    'config_list:',
    ...built.map((b, i) => `    .quad   cfg${i}`),
    '    .quad   0',
  );
  built.forEach((b, i) => {
    const { c, regs, mem, tests } = b;
    const header = headerOf(c, b);
    expected.push(header);
    out.push('', `// ${header.slice(3)}`, '    .balign 8', `cfg${i}:`);
    out.push(`    .quad   cfg${i}_header`);
    for (const [k, label] of [
      ['tcr', 'TCR_EL1'],
      ['ttbr0', 'TTBR0_EL1'],
      ['ttbr1', 'TTBR1_EL1'],
      ['mair', 'MAIR_EL1'],
      ['sctlr', 'SCTLR_EL1'],
      ['vtcr', 'VTCR_EL2'],
      ['vttbr', 'VTTBR_EL2'],
      ['hcr', 'HCR_EL2'],
    ]) {
      out.push(`    .quad   0x${hex(regs[k])}  // ${regComment(k, c, b) || label}`);
    }
    out.push(`    .quad   ${mem.writes.length}, cfg${i}_writes`, `    .quad   ${tests.length}, cfg${i}_tests`);
    out.push(`cfg${i}_writes:`);
    for (const w of mem.writes) out.push(`    .quad   0x${hex(w.pa, 8)}, 0x${hex(w.desc)}  // ${w.what}`);
    out.push(`cfg${i}_tests:`);
    tests.forEach((t, j) => {
      const r = modelAT(b.cfg, t.op, t.va, mem);
      const par = parOf(r);
      expected.push(lineOf(c, t, par));
      out.push(`    .quad   cfg${i}_t${j}, ${OPS[t.op]}, 0x${hex(t.va)}  // ${t.tag} ${t.op}: ${describe(r)}`);
    });
    out.push(`cfg${i}_header: .asciz "${header}"`);
    tests.forEach((t, j) => out.push(`cfg${i}_t${j}: .asciz "${c.id} ${t.tag.padEnd(14)} ${t.op.padEnd(6)} va="`));
  });
  expected.push('done');
  return { text: `${out.join('\n')}\n`, expected: `${expected.join('\n')}\n`, file, count: built.length, tests: built.reduce((n, b) => n + b.tests.length, 0), tableEnd: next };
}

// ---------------------------------------------------------------------------

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const valueOf = (f) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const opts = { includeDeviations: flag('--include-deviations') };
const outDir = valueOf('--out') ?? GUEST_DIR;
const expectFor = valueOf('--expect');

if (expectFor) {
  const gname = Object.keys(GRANULES).find((k) => k.toLowerCase() === expectFor.toLowerCase());
  if (!gname) {
    console.error(`--expect: one of ${Object.keys(GRANULES).join(', ')}`);
    process.exit(2);
  }
  process.stdout.write(emit(gname, opts).expected);
} else {
  let stale = 0;
  for (const gname of Object.keys(GRANULES)) {
    const r = emit(gname, opts);
    const path = join(outDir, `${r.file}.S`);
    if (flag('--check')) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== r.text) {
        console.error(`${relative(ROOT, path)} is out of date (run: node test/guest/mmu/gen-matrix.mjs)`);
        stale++;
      }
    } else {
      writeFileSync(path, r.text);
      console.log(`wrote ${relative(ROOT, path)}: ${r.count} configurations, ${r.tests} AT lines, tables up to 0x${hex(r.tableEnd, 8)}`);
    }
  }
  if (stale) process.exit(1);
  if (flag('--check')) console.log('mmu-matrix guests are up to date');
}
