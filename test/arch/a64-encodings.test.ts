import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { a64Lookup, a64Mnemonic } from '../../emulator/arch/a64-mnemonic.js';
import { importGenerator, input, itRegenerates } from '../util/aarchmrs.js';
import {
  A64_ENCODINGS,
  A64_FEATURES,
  A64_FEATURE_EXPRS,
  A64_FIELD_TESTS,
} from '../../emulator/arch/generated/a64-encodings.js';

interface GeneratorModule {
  OUTPUT_PATH: string;
  generateA64EncodingsText(opts?: { tarball?: string }): string;
}
const generator = await importGenerator<GeneratorModule>('gen-a64-encodings.mjs');

describe('generated table', () => {
  itRegenerates('regenerates byte-for-byte from the AARCHMRS tarball', (t) => [
    [generator.OUTPUT_PATH, generator.generateA64EncodingsText({ tarball: t })],
  ]);

  it('rows are well-formed', () => {
    expect(A64_ENCODINGS.length).toBeGreaterThan(4000);
    const names = new Set<string>();
    for (const [mask, value, mnemonic, name] of A64_ENCODINGS) {
      expect((value & ~mask) >>> 0, name).toBe(0);
      expect(mnemonic).toMatch(/^[A-Z][A-Z0-9]*$/);
      expect(names.has(name), name).toBe(false);
      names.add(name);
    }
  });
});

// Words assembled with `aarch64-linux-gnu-as -march=armv9.2-a+sve2+sme+crc+lse+crypto`
// (binutils 2.40) and read back with objdump. Aliases resolve to the
// instruction they alias (mov -> ORR, cmp -> SUBS, lsl -> UBFM, ...), since
// the table has one row per encoding, not per assembler spelling.
const SPOT: [word: number, mnemonic: string, name: string][] = [
  // dpimm
  [0x91000420, 'ADD', 'ADD_64_addsub_imm'], // add x0, x1, #1
  [0x31001020, 'ADDS', 'ADDS_32S_addsub_imm'], // adds w0, w1, #4
  [0xf100041f, 'SUBS', 'SUBS_64S_addsub_imm'], // cmp x0, #1
  [0xd2a24680, 'MOVZ', 'MOVZ_64_movewide'], // movz x0, #0x1234, lsl #16
  [0x7297dde3, 'MOVK', 'MOVK_32_movewide'], // movk w3, #0xbeef
  [0x90000000, 'ADRP', 'ADRP_only_pcreladdr'], // adrp x0, .
  [0x92401c20, 'AND', 'AND_64_log_imm'], // and x0, x1, #0xff
  [0xd37df020, 'UBFM', 'UBFM_64M_bitfield'], // lsl x0, x1, #3
  // dpreg
  [0x8b020c20, 'ADD', 'ADD_64_addsub_shift'], // add x0, x1, x2, lsl #3
  [0x8b224be0, 'ADD', 'ADD_64_addsub_ext'], // add x0, sp, w2, uxtw #2
  [0xaa0103e0, 'ORR', 'ORR_64_log_shift'], // mov x0, x1
  [0x9b027c20, 'MADD', 'MADD_64A_dp_3src'], // mul x0, x1, x2
  [0x1ac20820, 'UDIV', 'UDIV_32_dp_2src'], // udiv w0, w1, w2
  [0x9a820020, 'CSEL', 'CSEL_64_condsel'], // csel x0, x1, x2, eq
  // ldst
  [0xf9400420, 'LDR', 'LDR_64_ldst_pos'], // ldr x0, [x1, #8]
  [0xf8408420, 'LDR', 'LDR_64_ldst_immpost'], // ldr x0, [x1], #8
  [0xf85f0c20, 'LDR', 'LDR_64_ldst_immpre'], // ldr x0, [x1, #-16]!
  [0xb8627820, 'LDR', 'LDR_32_ldst_regoff'], // ldr w0, [x1, x2, lsl #2]
  [0x58000040, 'LDR', 'LDR_64_loadlit'], // ldr x0, .+8
  [0x39400020, 'LDRB', 'LDRB_32_ldst_pos'], // ldrb w0, [x1]
  [0xf85ff020, 'LDUR', 'LDUR_64_ldst_unscaled'], // ldur x0, [x1, #-1]
  [0xa94107e0, 'LDP', 'LDP_64_ldstpair_off'], // ldp x0, x1, [sp, #16]
  [0xa9be7bfd, 'STP', 'STP_64_ldstpair_pre'], // stp x29, x30, [sp, #-32]!
  [0xc8007c41, 'STXR', 'STXR_SR64_ldstexclr'], // stxr w0, x1, [x2]
  [0xc85ffc20, 'LDAXR', 'LDAXR_LR64_ldstexclr'], // ldaxr x0, [x1]
  [0xc8a07c41, 'CAS', 'CAS_C64_comswap'], // cas x0, x1, [x2]
  [0x88e0fc41, 'CASAL', 'CASAL_C32_comswap'], // casal w0, w1, [x2]
  [0xf8200041, 'LDADD', 'LDADD_64_memop'], // ldadd x0, x1, [x2]
  [0xb8e00041, 'LDADDAL', 'LDADDAL_32_memop'], // ldaddal w0, w1, [x2]
  [0xf8208041, 'SWP', 'SWP_64_memop'], // swp x0, x1, [x2]
  [0x4c407000, 'LD1', 'LD1_asisdlse_R1_1v'], // ld1 {v0.16b}, [x0]
  [0xf9800000, 'PRFM', 'PRFM_P_ldst_pos'], // prfm pldl1keep, [x0]
  // control
  [0x14000004, 'B', 'B_only_branch_imm'], // b .+16
  [0x97fffffc, 'BL', 'BL_only_branch_imm'], // bl .-16
  [0x54000041, 'B', 'B_only_condbranch'], // b.ne .+8 (the mnemonic is the first literal, "B")
  [0xb4000040, 'CBZ', 'CBZ_64_compbranch'], // cbz x0, .+8
  [0x35000040, 'CBNZ', 'CBNZ_32_compbranch'], // cbnz w0, .+8
  [0xb6400040, 'TBZ', 'TBZ_only_testbranch'], // tbz x0, #40, .+8
  [0x37180040, 'TBNZ', 'TBNZ_only_testbranch'], // tbnz w0, #3, .+8
  [0xd61f0000, 'BR', 'BR_64_branch_reg'], // br x0
  [0xd63f0020, 'BLR', 'BLR_64_branch_reg'], // blr x1
  [0xd65f03c0, 'RET', 'RET_64R_branch_reg'], // ret
  [0xd69f03e0, 'ERET', 'ERET_64E_branch_reg'], // eret
  [0xd4000001, 'SVC', 'SVC_EX_exception'], // svc #0
  [0xd4000002, 'HVC', 'HVC_EX_exception'], // hvc #0
  [0xd4000003, 'SMC', 'SMC_EX_exception'], // smc #0
  [0xd4207d00, 'BRK', 'BRK_EX_exception'], // brk #0x3e8
  [0xd4400000, 'HLT', 'HLT_EX_exception'], // hlt #0
  [0xd5380000, 'MRS', 'MRS_RS_systemmove'], // mrs x0, midr_el1
  [0xd5181000, 'MSR', 'MSR_SR_systemmove'], // msr sctlr_el1, x0
  [0xd50342df, 'MSR', 'MSR_SI_pstate'], // msr daifset, #2
  [0xd503477f, 'MSR', 'MSR_SI_pstate'], // smstart (an alias of MSR immediate)
  [0xd503201f, 'NOP', 'NOP_HI_hints'], // nop
  [0xd503203f, 'YIELD', 'YIELD_HI_hints'], // yield
  [0xd503207f, 'WFI', 'WFI_HI_hints'], // wfi
  [0xd5032e1f, 'HINT', 'HINT_HM_hints'], // hint #0x70
  [0xd503245f, 'BTI', 'BTI_HB_hints'], // bti c
  [0xd503233f, 'PACIASP', 'PACIASP_HI_hints'], // paciasp
  [0xd5033bbf, 'DMB', 'DMB_BO_barriers'], // dmb ish
  [0xd5033f9f, 'DSB', 'DSB_BO_barriers'], // dsb sy
  [0xd5033fdf, 'ISB', 'ISB_BI_barriers'], // isb
  [0xd508871f, 'SYS', 'SYS_CR_systeminstrs'], // tlbi vmalle1
  [0xd50b7420, 'SYS', 'SYS_CR_systeminstrs'], // dc zva, x0
  // simd_dp
  [0x1e622820, 'FADD', 'FADD_D_floatdp2'], // fadd d0, d1, d2
  [0x4e22d420, 'FADD', 'FADD_asimdsame_only'], // fadd v0.4s, v1.4s, v2.4s
  [0x9e670020, 'FMOV', 'FMOV_D64_float2int'], // fmov d0, x1
  [0x1e2e1000, 'FMOV', 'FMOV_S_floatimm'], // fmov s0, #1.0
  [0x4ea28420, 'ADD', 'ADD_asimdsame_only'], // add v0.4s, v1.4s, v2.4s
  [0x4ea11c20, 'ORR', 'ORR_asimdsame_only'], // mov v0.16b, v1.16b
  [0x4e0c1c20, 'INS', 'INS_asimdins_IR_r'], // mov v0.s[1], w1
  [0x9e620020, 'SCVTF', 'SCVTF_D64_float2int'], // scvtf d0, x1
  [0x4e284820, 'AESE', 'AESE_B_cryptoaes'], // aese v0.16b, v1.16b
  // sve
  [0x04a20020, 'ADD', 'add_z_zz_'], // add z0.s, z1.s, z2.s
  [0xa400a000, 'LD1B', 'ld1b_z_p_bi_u8'], // ld1b {z0.b}, p0/z, [x0]
  [0x2598e3e0, 'PTRUE', 'ptrue_p_s_'], // ptrue p0.s
  [0x25a11c00, 'WHILELO', 'whilelo_p_p_rr_'], // whilelo p0.s, x0, x1
  // sme
  [0xc00800ff, 'ZERO', 'zero_za_i_'], // zero {za}
  [0x80812000, 'FMOPA', 'fmopa_za_pp_zz_32'], // fmopa za0.s, p0/m, p1/m, z0.s, z1.s
  [0xe09f0000, 'LD1W', 'ld1w_za_p_rrr_'], // ld1w {za0h.s[w12, 0]}, p0/z, [x0]
  // reserved
  [0x00000000, 'UDF', 'UDF_only_perm_undef'], // udf #0
];

// Unallocated according to both the table and GNU objdump 2.40
// (`objdump -D -b binary -maarch64` prints ".inst ... ; undefined").
const UNALLOCATED: [word: number, why: string][] = [
  [0x00010000, 'reserved space, only UDF (bits 31:16 zero) is allocated'],
  [0x00800000, 'reserved space'],
  [0xffffffff, 'all ones'],
  [0xd4000000, 'exception generation with LL=00 and opc=000'],
  [0xd4000004, 'exception generation, opc=000 LL=00 with an extra bit'],
  [0xd4a00000, 'exception generation, opc=101 is DCPS but LL=00'],
  [0xd6000000, 'unconditional branch (register), opc=0000 op2!=11111'],
  [0xd65f0001, 'RET with op4 != 00000'],
  [0xd69f03e1, 'ERET with op4 != 00000'],
  [0x1ea01000, 'FP immediate with ftype=10'],
  [0x38e0c000, 'atomic memory op with unallocated opc'],
  [0x3a000400, 'add/subtract with carry, bits 15:10 != 000000'],
  [0x13c00000, 'extract with sf=0, N=1'],
  [0x7e000000, 'Advanced SIMD scalar, unallocated'],
  [0x1f800000, 'FP data-processing 3-source with ftype=10'],
  [0xfe000000, 'top-level unallocated'],
];

describe('a64Lookup / a64Mnemonic', () => {
  const hex = (w: number) => `0x${(w >>> 0).toString(16).padStart(8, '0')}`;

  it.each(SPOT.map(([w, m, n]) => [hex(w), m, n, w] as const))('%s is %s (%s)', (_, mnemonic, name, word) => {
    expect(a64Mnemonic(word)).toBe(mnemonic);
    expect(a64Lookup(word)?.name).toBe(name);
  });

  it('spot checks cover every top-level group', () => {
    const groups = new Set(SPOT.map(([w]) => a64Lookup(w)?.group));
    expect([...groups].sort()).toEqual(['control', 'dpimm', 'dpreg', 'ldst', 'reserved', 'simd_dp', 'sme', 'sve']);
  });

  it.each(UNALLOCATED.map(([w, why]) => [hex(w), why, w] as const))('%s is unallocated (%s)', (_, _why, word) => {
    expect(a64Mnemonic(word)).toBeNull();
    expect(a64Lookup(word)).toBeNull();
  });

  it('accepts words as signed int32 too', () => {
    expect(a64Mnemonic(0xd65f03c0 | 0)).toBe('RET');
    expect(a64Mnemonic(-1)).toBeNull();
  });

  it('returns shared, frozen entries', () => {
    const a = a64Lookup(0x91000420);
    expect(a).toBe(a64Lookup(0x91000421));
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('honours the feature set', () => {
    const without = (...feats: string[]) => (f: string) => !feats.includes(f);
    // Base instructions need no feature.
    expect(a64Lookup(0x91000420, () => false)?.mnemonic).toBe('ADD');
    // FP/SIMD, LSE, SVE and SME disappear when their features are absent.
    expect(a64Lookup(0x1e622820, without('FEAT_FP'))).toBeNull();
    expect(a64Lookup(0x4e22d420, without('FEAT_AdvSIMD'))).toBeNull();
    expect(a64Lookup(0xc8a07c41, without('FEAT_LSE'))).toBeNull();
    // SVE ADD is available with SVE or with SME (streaming mode).
    expect(a64Lookup(0x04a20020, without('FEAT_SVE'))?.mnemonic).toBe('ADD');
    expect(a64Lookup(0x04a20020, without('FEAT_SVE', 'FEAT_SME'))).toBeNull();
    expect(a64Lookup(0x80812000, without('FEAT_SME'))).toBeNull();
    expect(a64Lookup(0x04a20020, (f) => f === 'FEAT_SVE')?.mnemonic).toBe('ADD');
  });
});

describe('overlap resolution', () => {
  // The only words that match several encodings are the named hints, which
  // also match the generic HINT encoding. The most specific encoding (more
  // fixed bits) wins, and if its feature is absent the word is a plain
  // HINT, i.e. executes as a NOP, as the architecture requires.
  it('named hints win over HINT, and fall back to HINT without their feature', () => {
    expect(a64Lookup(0xd503245f)?.name).toBe('BTI_HB_hints'); // bti c
    expect(a64Lookup(0xd503245f, (f) => f !== 'FEAT_BTI')?.name).toBe('HINT_HM_hints');
    expect(a64Lookup(0xd503233f, (f) => f !== 'FEAT_PAuth')?.mnemonic).toBe('HINT'); // paciasp
    expect(a64Lookup(0xd503201f, () => false)?.mnemonic).toBe('NOP');
  });

  // Reference semantics, written as plainly as possible: scan all rows,
  // keep the full matches (mask/value, field test, features), pick the one
  // with the most fixed bits; there must never be a tie.
  it('the bucketed search agrees with a linear scan (random words, hint space)', () => {
    const popcount = (x: number) => {
      let c = 0;
      for (let v = x >>> 0; v !== 0; v = (v & (v - 1)) >>> 0) c++;
      return c;
    };
    const fieldTestHolds = (idx: number, w: number) =>
      A64_FIELD_TESTS[idx]!.every((clause) => {
        for (let i = 0; i < clause.length; i += 3) {
          if ((((w & clause[i]!) >>> 0) === clause[i + 1]) !== (clause[i + 2] !== 0)) return true;
        }
        return false;
      });
    const featuresHold = (idx: number, has: (f: string) => boolean) =>
      A64_FEATURE_EXPRS[idx]!.some((term) =>
        term.every((f) => (f >= 0 ? has(A64_FEATURES[f]!) : !has(A64_FEATURES[~f]!))),
      );
    const linear = (w: number, has: (f: string) => boolean) => {
      let best: string | null = null;
      let bestBits = -1;
      let tie = false;
      for (const [mask, value, , name, , fe, ft] of A64_ENCODINGS) {
        if (((w & mask) >>> 0) !== value || !fieldTestHolds(ft, w) || !featuresHold(fe, has)) continue;
        const bits = popcount(mask);
        if (bits > bestBits) [best, bestBits, tie] = [name, bits, false];
        else if (bits === bestBits) tie = true;
      }
      expect(tie, `several equally specific matches for 0x${w.toString(16)}`).toBe(false);
      return best;
    };

    let seed = 0x2545f491;
    const next = () => {
      // xorshift32: fixed sequence, so failures reproduce.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const all = () => true;
    const some = (f: string) => !/SVE2|SME2|FP16|PAuth|BTI|LSE/.test(f);
    const words: number[] = [];
    for (let i = 0; i < 3000; i++) words.push(next());
    for (let crmOp2 = 0; crmOp2 < 128; crmOp2++) words.push((0xd503201f | (crmOp2 << 5)) >>> 0);
    for (const w of words) {
      for (const has of [all, some]) {
        expect(a64Lookup(w, has)?.name ?? null, `0x${w.toString(16)}`).toBe(linear(w, has));
      }
    }
  });
});

describe('speed', () => {
  it('classifies at least ~1M words per second', () => {
    const n = 1_000_000;
    const words = new Uint32Array(n);
    let x = 1;
    for (let i = 0; i < n; i++) words[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    a64Mnemonic(0); // build the table outside the timed loop
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < n; i++) if (a64Mnemonic(words[i]!) !== null) hits++;
    const ms = performance.now() - t0;
    expect(hits).toBeGreaterThan(n / 4);
    // Typically ~20-50 ms; the bound leaves a wide margin for slow CI.
    expect(ms).toBeLessThan(1000);
  });
});

// ---------------------------------------------------------------------------
// Tarball reader error handling, on small synthetic archives.

/** Minimal ustar writer, enough to build test archives. */
function tar(entries: { name: string; data: string | Buffer; type?: string }[], { end = true } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
    const h = Buffer.alloc(512);
    h.write(e.name.slice(0, 99), 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write(e.type ?? '0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (end) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('aarchmrs-input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nvlab-aarchmrs-'));
  const file = (name: string, content: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const longName = `docs/${'very-long-directory-name/'.repeat(6)}notice.html`;
  const good = file(
    'good.tar.gz',
    gzipSync(
      tar([
        { name: 'Instructions.json', data: '{"a": 1}' },
        { name: 'bad.json', data: '{"a": ' },
        { name: '././@LongLink', data: `${longName}\0`, type: 'L' },
        { name: 'truncated-name', data: 'hello' },
      ]),
    ),
  );

  it('reads members, including GNU long names', () => {
    const r = input.openAarchmrs(good);
    expect(r.json('Instructions.json')).toEqual({ a: 1 });
    expect(r.text(longName)).toBe('hello');
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('explains a missing tarball and how to override', () => {
    expect(() => input.requireAarchmrsTarball({ NVLAB_AARCHMRS: join(dir, 'nope.tar.gz') })).toThrow(
      /not found at .*nope\.tar\.gz.*NVLAB_AARCHMRS/,
    );
    expect(input.findAarchmrsTarball({ NVLAB_AARCHMRS: join(dir, 'nope.tar.gz') })).toBeNull();
    expect(input.requireAarchmrsTarball({ NVLAB_AARCHMRS: good })).toBe(good);
  });

  it('rejects non-gzip, truncated gzip and truncated tar', () => {
    expect(() => input.openAarchmrs(file('plain.tar.gz', Buffer.from('hello')))).toThrow(/not a gzip file/);
    const gz = readFileSync(good);
    expect(() => input.openAarchmrs(file('cut.tar.gz', gz.subarray(0, gz.length - 20)))).toThrow(/truncated or corrupt/);
    const whole = tar([{ name: 'Instructions.json', data: 'x'.repeat(2000) }]);
    expect(() => input.openAarchmrs(file('short.tar.gz', gzipSync(whole.subarray(0, 1024))))).toThrow(
      /tar is truncated/,
    );
    expect(() => input.openAarchmrs(file('noend.tar.gz', gzipSync(tar([{ name: 'a', data: 'b' }], { end: false }))))).toThrow(
      /tar is truncated/,
    );
  });

  it('names the member that is missing or not JSON', () => {
    const r = input.openAarchmrs(good);
    expect(() => r.json('Features.json')).toThrow(/no member "Features\.json"/);
    expect(() => r.json('bad.json')).toThrow(/member bad\.json is not valid JSON/);
  });

  it('cleans up', () => {
    rmSync(dir, { recursive: true, force: true });
  });
});
