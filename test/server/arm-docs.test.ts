/**
 * `nvlab.armSpecPath`: register prose from the user's own Registers.json
 * (the full AARCHMRS release), asked for through workspace/configuration,
 * reloaded when the file changes, and a clear warning for a bad path.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const dir = mkdtempSync(join(tmpdir(), 'nvlab-armspec-'));
const registers = (title: string): string =>
  JSON.stringify([
    {
      _type: 'Register',
      name: 'HCR_EL2',
      title,
      purpose: [['Provides configuration controls for virtualization,', 'including defining whether various operations are trapped to EL2.']],
      fieldsets: [{ _type: 'Fieldset', values: [{ _type: 'Field', name: 'TID3', description: { _type: 'Description', before: ['Trap ID group 3.'] } }] }],
    },
    { _type: 'RegisterArray', name: 'DBGBVR<n>_EL1', title: 'Debug Breakpoint Value Registers', purpose: null, fieldsets: [] },
  ]);

let c: LspClient;
let setting: string = dir;
const warnings: string[] = [];
const URI = 'file:///tmp/nvlab-armspec/t.traps';
type H = { contents: { value: string } } | null;
const hover = (line: number, character: number): Promise<H> => c.request('textDocument/hover', { textDocument: { uri: URI }, position: { line, character } });

beforeAll(async () => {
  writeFileSync(join(dir, 'Registers.json'), registers('Hypervisor Configuration Register'));
  c = new LspClient();
  c.conn.onRequest('workspace/configuration', () => [setting]);
  c.conn.onNotification('window/showMessage', (p: { message: string }) => warnings.push(p.message));
  await c.initialize({ workspace: { configuration: true } });
  await c.open(URI, 'control TID3 forwards reads when HCR_EL2.TID3 == 1\ntrap DBGBVR3_EL1 with TID3\n');
  await new Promise((r) => setTimeout(r, 200));
});
afterAll(async () => {
  await c.close();
});

describe('nvlab.armSpecPath', () => {
  it('adds the title, purpose and field descriptions to hovers', async () => {
    const card = (await hover(0, 35))!.contents.value;
    expect(card).toContain('*Hypervisor Configuration Register*');
    expect(card).toContain('Provides configuration controls for virtualization, including defining whether various operations are trapped to EL2.');
    expect((await hover(0, 43))!.contents.value).toContain('Trap ID group 3.');
    // Array instances take their array's documentation.
    expect((await hover(1, 7))!.contents.value).toContain('*Debug Breakpoint Value Registers*');
  });

  it('reloads the file when it changes', async () => {
    writeFileSync(join(dir, 'Registers.json'), registers('HCR, second edition'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'Registers.json'), later, later);
    expect((await hover(0, 35))!.contents.value).toContain('*HCR, second edition*');
  });

  it('warns once about a path it cannot use, and hovers go on without prose', async () => {
    setting = join(dir, 'missing');
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((r) => setTimeout(r, 200));
    const card = (await hover(0, 35))!.contents.value;
    expect(card).toContain('**HCR_EL2**');
    expect(card).not.toContain('second edition');
    await hover(0, 35);
    expect(warnings.filter((w) => w.startsWith('nvlab.armSpecPath: cannot use'))).toHaveLength(1);
  });
});
