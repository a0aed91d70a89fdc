/**
 * Robustness: thousands of random incremental edits (characters, tokens,
 * whole lines, deletions) replayed against the server, with hover,
 * completion, definition, symbols and folding asked at random places in
 * between. The server must answer every request, and the diagnostics it
 * publishes for the final version must be those of a fresh check of the
 * final text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraps } from '../../emulator/traps/checker.js';
import { Rng } from '../util/rng.js';
import { LspClient } from './lsp-client.js';

const START = `# random-edit seed table
control TID3 forwards reads when HCR_EL2.TID3 == 1
control TVM forwards writes when HCR_EL2.TVM == 1
control TRVM forwards reads when HCR_EL2.TRVM == 1
combine TVM_TRVM = TVM + TRVM
trap ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1 with TID3
trap SCTLR_EL1, TTBR0_EL1, TCR_EL1 with TVM_TRVM
trap (3, 0, 0, 5, 0) to (3, 0, 0, 5, 7) with TID3
finetrap TPIDR_EL1 with HFGxTR_EL2.TPIDR_EL1
finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 unless HCRX_EL2.FGTnXS == 1
`;
const PIECES = [' ', '\n', 'trap ', 'control ', 'combine ', 'finetrap ', 'with ', 'TID3', 'HCR_EL2', '.', 'TVM', '==', '!=', '1', '0x', '(', ')', ',', ' to ', '#', 'when ', 'forwards ', 'reads', '&&', 'HFGxTR_EL2.', '[3:1]', 'include "x.traps"', '+', '=', 'é', '\t'];
const URI = 'file:///tmp/nvlab-lsp/random.traps';
const EDITS = 2500;

let c: LspClient;
beforeAll(async () => {
  c = new LspClient();
  await c.initialize();
});
afterAll(async () => {
  await c.close();
});

describe('random edits', () => {
  it(`survives ${EDITS} edits with requests in between, and ends with the diagnostics of a fresh check`, async () => {
    const rng = new Rng(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[rng.u32() % xs.length]!;
    let text = START;
    let version = 1;
    await c.open(URI, text);
    let answered = 0;
    for (let i = 0; i < EDITS; i++) {
      const start = rng.u32() % (text.length + 1);
      const kind = rng.u32() % 4;
      const end = kind === 0 ? Math.min(text.length, start + (rng.u32() % 12)) : start;
      const insert = kind === 0 ? '' : kind === 3 ? pick(PIECES) + pick(PIECES) : pick(PIECES);
      ({ text, version } = await c.edit(URI, text, start, end, insert));
      if (i % 3 === 0) {
        const o = rng.u32() % (text.length + 1);
        const before = text.slice(0, o);
        const position = { line: before.split('\n').length - 1, character: o - (before.lastIndexOf('\n') + 1) };
        const method = pick(['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/references', 'textDocument/prepareRename']);
        const params = method === 'textDocument/references' ? { textDocument: { uri: URI }, position, context: { includeDeclaration: true } } : { textDocument: { uri: URI }, position };
        await c.request(method, params);
        answered++;
      }
      // Keep the text from growing without bound.
      if (text.length > 4000) ({ text, version } = await c.edit(URI, text, 2000, text.length, ''));
    }
    expect(answered).toBeGreaterThan(EDITS / 4);
    expect(c.proc.exitCode).toBeNull();
    const d = await c.diagnostics(URI, version);
    const fresh = checkTraps(text, '/tmp/nvlab-lsp/random.traps', { readFile: () => null }).diagnostics;
    const key = (l: number, ch: number, m: string): string => `${l}:${ch} ${m}`;
    expect(d.diagnostics.map((x) => key(x.range.start.line, x.range.start.character, x.message)).sort()).toEqual(fresh.map((x) => key(x.range.start.line, x.range.start.col, x.message)).sort());
  });
});
