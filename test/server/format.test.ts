/**
 * The `.traps` formatter: the default table is its own reference style, a
 * messy table comes out aligned, formatting twice changes nothing, and the
 * formatted table means exactly what the original did.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTraps } from '../../emulator/traps/checker.js';
import { compileTraps } from '../../emulator/traps/compiler.js';
import { parseTraps } from '../../emulator/traps/parser.js';
import { formatTraps } from '../../server/src/format.js';

const fmt = (text: string): string | null => formatTraps(parseTraps(text, 'x.traps'));

describe('formatTraps', () => {
  it('leaves the default table as it is: it is the reference style', () => {
    const text = readFileSync(new URL('../../emulator/traps/default.traps', import.meta.url), 'utf8');
    expect(fmt(text)).toBe(text);
  });

  it('normalises spacing, aligns control runs, indents continuations, keeps comments', () => {
    const messy = [
      '# virtual memory controls',
      'control   TVM forwards   writes when HCR_EL2.TVM==1   # the write side',
      'control TRVM forwards reads when HCR_EL2 . TRVM == 1',
      'control TID3 forwards reads and writes when HCR_EL2[18]==1',
      '',
      '',
      '',
      'combine TVM_TRVM=TVM+TRVM',
      'trap SCTLR_EL1 ,TTBR0_EL1,',
      '  TCR_EL1 with TVM_TRVM',
      'trap ( 3,0,0,4,0 ) to (3, 0, 0, 4, 7) with TID3',
      'finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS==1',
      '',
    ].join('\n');
    expect(fmt(messy)).toBe(
      [
        '# virtual memory controls',
        'control TVM  forwards writes           when HCR_EL2.TVM == 1 # the write side',
        'control TRVM forwards reads            when HCR_EL2.TRVM == 1',
        'control TID3 forwards reads and writes when HCR_EL2[18] == 1',
        '',
        'combine TVM_TRVM = TVM + TRVM',
        'trap SCTLR_EL1, TTBR0_EL1,',
        '     TCR_EL1 with TVM_TRVM',
        'trap (3, 0, 0, 4, 0) to (3, 0, 0, 4, 7) with TID3',
        'finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1',
        '',
      ].join('\n'),
    );
    const once = fmt(messy)!;
    expect(fmt(once)).toBe(once);
    // Same meaning: the same compiled decisions for every key, both directions.
    const a = compileTraps(checkTraps(messy, 'x.traps', { architecture: false }).table);
    const b = compileTraps(checkTraps(once, 'x.traps', { architecture: false }).table);
    const regs = { lo: new Int32Array(4096).fill(-1), hi: new Int32Array(4096).fill(-1) };
    for (let k = 0; k < 65536; k++) for (const r of [true, false]) expect(b.decide(k, r, false, regs) >= 0).toBe(a.decide(k, r, false, regs) >= 0);
  });

  it('refuses a table that does not parse', () => {
    expect(fmt('control X forwards sideways when HCR_EL2.TVM == 1\n')).toBeNull();
  });
});
