import { describe, expect, it } from 'vitest';
import { importGenerator, itRegenerates } from '../util/aarchmrs.js';

interface RulesGenerator {
  OUT: string;
  REPORT_OUT: string;
  GenError: new (message: string) => Error;
  generateSysregRulesFiles(opts?: { tarball?: string }): { ts: string; md: string };
  generateSysregRulesFilesFrom(registersJson: unknown, release: { fileName: string; sha256: string; notice: string[] }): { ts: string; md: string };
}
const gen = await importGenerator<RulesGenerator>('gen-sysreg-rules.mjs');

const RELEASE = { fileName: 'test.tar.gz', sha256: '0'.repeat(64), notice: ['Copyright test'] };

/** A minimal AArch64 register with one MRS accessor whose rule tree is `access`. */
function register(access: unknown, encodings: Record<string, unknown> = {}): unknown {
  const v = (bits: string) => ({ _type: 'Values.Value', value: `'${bits}'` });
  return {
    _type: 'Register',
    name: 'TEST_EL1',
    state: 'AArch64',
    fieldsets: [{ _type: 'Fieldset', width: 64, values: [] }],
    accessors: [
      {
        _type: 'Accessors.SystemAccessor',
        name: 'A64.MRS',
        condition: { _type: 'AST.Bool', value: true },
        encoding: [{ _type: 'Encoding', asmvalue: 'TEST_EL1', encodings: { op0: v('11'), op1: v('000'), CRn: v('1011'), CRm: v('0000'), op2: v('000'), ...encodings } }],
        access,
      },
    ],
  };
}
const undefinedLeaf = { _type: 'Accessors.Permission.SystemAccess', condition: { _type: 'AST.Bool', value: true }, access: { _type: 'AST.Function', name: 'Undefined', arguments: [] } };

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('sysreg rule generator', () => {
  itRegenerates('regenerates the rules and the report byte-for-byte', (t) => {
    const { ts, md } = gen.generateSysregRulesFiles({ tarball: t });
    return [
      [gen.OUT, ts],
      [gen.REPORT_OUT, md],
    ];
  });

  it('compiles a tiny rule tree', () => {
    const { ts } = gen.generateSysregRulesFilesFrom([register(undefinedLeaf)], RELEASE);
    // An accessor that is UNDEFINED on every path needs no function at all.
    expect(ts).toContain('export const MRS_RULES: readonly RuleRow[] = [\n\n];');
    const trapping = register([
      {
        _type: 'Accessors.Permission.SystemAccess',
        condition: { _type: 'AST.BinaryOp', op: '==', left: { _type: 'AST.DotAtom', values: [{ _type: 'AST.Identifier', value: 'PSTATE' }, { _type: 'AST.Identifier', value: 'EL' }] }, right: { _type: 'AST.Identifier', value: 'EL1' } },
        access: { _type: 'AST.Function', name: 'AArch64_SystemAccessTrap', arguments: [{ _type: 'AST.Identifier', value: 'EL2' }, { _type: 'AST.Integer', value: 24 }] },
      },
      undefinedLeaf,
    ]);
    const out = gen.generateSysregRulesFilesFrom([trapping], RELEASE).ts;
    expect(out).toMatch(/if \(\(c\.el === 1\)\) \{\n\s+return R\.trap\(c, 2, 0x18\);/);
    expect(out).toContain('[0xc580, mrs_TEST_EL1],');
  });

  it('lists untranslatable constructs in the report and makes them stop the run when reached', () => {
    const odd = register([{ ...undefinedLeaf, access: { _type: 'AST.Function', name: 'SomethingNew', arguments: [] } }]);
    const { ts, md } = gen.generateSysregRulesFilesFrom([odd], RELEASE);
    expect(ts).toContain('R.unsupported(c, "TEST_EL1 (MRS): function SomethingNew")');
    expect(md).toContain('## function SomethingNew (1)');
  });

  it('rejects malformed input with a message naming the register', () => {
    const badKind = register(undefinedLeaf) as { accessors: { name: string }[] };
    badKind.accessors[0]!.name = 'A64.FROB';
    expect(errorOf(() => gen.generateSysregRulesFilesFrom([badKind], RELEASE)).message).toBe('TEST_EL1: unknown accessor A64.FROB');
    const badTree = register([{ _type: 'Nonsense' }]);
    expect(errorOf(() => gen.generateSysregRulesFilesFrom([badTree], RELEASE)).message).toMatch(/TEST_EL1 \(MRS\): unexpected Nonsense in an access tree/);
    const badEncoding = register(undefinedLeaf, { CRm: { _type: 'Values.Value', value: 'zz' } });
    expect(errorOf(() => gen.generateSysregRulesFilesFrom([badEncoding], RELEASE)).message).toMatch(/TEST_EL1 \(MRS\): expected a quoted bit pattern/);
    for (const e of [badKind, badTree, badEncoding].map((r) => errorOf(() => gen.generateSysregRulesFilesFrom([r], RELEASE)))) {
      expect(e).toBeInstanceOf(gen.GenError);
    }
  });
});
