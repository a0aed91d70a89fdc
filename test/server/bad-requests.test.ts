/**
 * The language server answers requests it cannot serve as asked — unknown
 * documents, positions past the end or negative, reversed ranges, invalid
 * new names, unknown methods — with an empty result or a message, never a
 * handler's crash, and goes on serving the document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const URI = 'file:///tmp/nvlab-lsp/bad-requests.traps';
const TEXT = `control TID3 forwards reads when HCR_EL2.TID3 == 1
trap ID_AA64PFR0_EL1 with TID3
`;

let c: LspClient;
beforeAll(async () => {
  c = new LspClient();
  await c.initialize();
  await c.open(URI, TEXT);
  await c.open('file:///tmp/nvlab-lsp/x.S', 'mrs x0, hcr_el2\n', 'arm');
});
afterAll(async () => {
  await c.close();
});

const POSITIONS = [
  { line: -1, character: 0 },
  { line: 0, character: -5 },
  { line: 99, character: 0 },
  { line: 0, character: 9999 },
  { line: 2 ** 31, character: 2 ** 31 },
];
const DOCS = [URI, 'file:///nowhere.traps', 'untitled:x', 'file:///tmp/nvlab-lsp/x.S'];

describe('bad requests', () => {
  it('are answered without a handler crashing, and the document is still served', async () => {
    const internal: string[] = [];
    const ask = async (method: string, params: unknown): Promise<void> => {
      try {
        await Promise.race([c.request(method, params), new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer to ${method}`)), 10_000))]);
      } catch (e) {
        const msg = (e as Error).message;
        // vscode-languageserver reports a handler that threw as "Request ... failed with message: ...".
        if (/failed with message|Cannot read|TypeError|RangeError/.test(msg) || msg.startsWith('no answer')) internal.push(`${method} ${JSON.stringify(params).slice(0, 120)}: ${msg.split('\n')[0]}`);
      }
    };
    for (const uri of DOCS) {
      const textDocument = { uri };
      for (const position of POSITIONS) {
        for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/prepareRename', 'textDocument/documentHighlight']) {
          await ask(method, { textDocument, position, context: { includeDeclaration: true } });
        }
        await ask('textDocument/rename', { textDocument, position, newName: 'NEW' });
        const range = { start: position, end: { line: 0, character: 0 } };
        await ask('textDocument/codeAction', { textDocument, range, context: { diagnostics: [] } });
        await ask('textDocument/inlayHint', { textDocument, range });
        await ask('textDocument/rangeFormatting', { textDocument, range, options: { tabSize: 2, insertSpaces: true } });
        await ask('textDocument/semanticTokens/range', { textDocument, range });
      }
      for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/codeLens', 'textDocument/semanticTokens/full']) await ask(method, { textDocument });
      await ask('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } });
    }
    for (const newName of ['', 'trap', '1abc', 'a b', 'x'.repeat(5000)]) await ask('textDocument/rename', { textDocument: { uri: URI }, position: { line: 0, character: 9 }, newName });
    // A refused rename says why in its own words.
    await expect(c.request('textDocument/rename', { textDocument: { uri: URI }, position: { line: 0, character: 9 }, newName: 'trap' })).rejects.toThrow(/^'trap' is not a valid control name \(letters, digits and _, not a keyword\)$/);
    await ask('workspace/symbol', { query: '\u0000' });
    await ask('completionItem/resolve', { label: 'NOT_A_REGISTER', data: { nonsense: true } });
    await ask('no/such/method', {});
    expect(internal).toEqual([]);
    // Still serving: a hover on TID3's register field.
    const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 35 } });
    expect(hover?.contents.value).toContain('HCR_EL2');
  });
});
