/**
 * The nvlab commands: decode an ESR value or an encoding, show a register
 * card, translate an address in the running session, create a trap table
 * from the default one, import KVM's emulate-nested.c.
 */
import * as vscode from 'vscode';
import { decodeEsr } from '../../emulator/arch/esr-decode.js';
import { allSysregs, lookupSysreg, sysregNameForKey } from '../../emulator/arch/sysreg-db.js';
import { DEFAULT_TRAPS_TEXT } from '../../emulator/traps/default-table.js';
import { formatImportWarning, importKvm } from '../../emulator/traps/import-kvm.js';
import { registerCard } from '../../server/src/register-card.js';
import { openTrapEntry } from './debug-views.js';
import { showWalk } from './walk-view.js';

async function showMarkdown(content: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'markdown' });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
}

export function registerCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const reg = (id: string, f: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, f));
  };

  reg('nvlab.decodeEsr', async (value?: unknown) => {
    const text = typeof value === 'string' ? value : await vscode.window.showInputBox({ prompt: 'ESR_ELx value', placeHolder: '0x62300029' });
    if (!text) return;
    let v: bigint;
    try {
      v = BigInt(text.trim());
    } catch {
      void vscode.window.showErrorMessage(`'${text}' is not a number (0x..., 0b... or decimal)`);
      return;
    }
    const d = decodeEsr(v, { sysregName: sysregNameForKey });
    const rows = d.fields.map((f) => `| ${f.bits[0] === f.bits[1] ? f.bits[0] : `${f.bits[0]}:${f.bits[1]}`} | ${f.name} | 0x${f.value.toString(16)} | ${f.meaning.replace(/\|/g, '\\|')}${f.warning ? ` ⚠ ${f.warning}` : ''} |`);
    await showMarkdown([`# ESR 0x${v.toString(16)}`, '', d.summary, '', '| bits | field | value | meaning |', '| --- | --- | --- | --- |', ...rows, ...d.warnings.map((w) => `\n⚠ ${w}`)].join('\n'));
  });

  const card = async (query: string): Promise<void> => {
    let r: ReturnType<typeof lookupSysreg>;
    try {
      r = lookupSysreg(query);
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
      return;
    }
    if (r.matches.length === 0) {
      void vscode.window.showErrorMessage(`no system register or instruction '${query}'`);
      return;
    }
    await showMarkdown(r.matches.map((m) => registerCard(m)).join('\n\n---\n\n'));
  };

  reg('nvlab.showRegister', async (name?: unknown) => {
    const pick = typeof name === 'string' ? name : (await vscode.window.showQuickPick(allSysregs().map((s) => s.name), { placeHolder: 'A system register or instruction' })) ?? '';
    if (pick) await card(pick);
  });

  reg('nvlab.decodeEncoding', async () => {
    const q = await vscode.window.showInputBox({ prompt: 'An encoding: op0,op1,CRn,CRm,op2 or S3_4_C1_C1_0', placeHolder: '3,4,1,1,0' });
    if (q) await card(q);
  });

  reg('nvlab.translateAddress', async () => {
    const session = vscode.debug.activeDebugSession;
    if (!session || session.type !== 'nvlab') {
      void vscode.window.showErrorMessage('Translate an address: start an nvlab debug session first');
      return;
    }
    const q = await vscode.window.showInputBox({ prompt: 'AT operation and address', value: 's12e1r 0x40000000' });
    if (!q) return;
    try {
      const r = (await session.customRequest('evaluate', { expression: `at ${q}`, context: 'repl' })) as { result: string };
      void vscode.window.showInformationMessage(`AT ${q}: ${r.result}`);
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
    }
  });

  reg('nvlab.newTrapTable', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: DEFAULT_TRAPS_TEXT, language: 'nvlab-traps' });
    await vscode.window.showTextDocument(doc);
  });

  reg('nvlab.importKvm', async () => {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import', filters: { 'KVM emulate-nested.c': ['c'] } });
    const uri = files?.[0];
    if (!uri) return;
    const src = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const r = importKvm(src, uri.fsPath);
    for (const w of r.warnings) log.warn(formatImportWarning(w));
    const doc = await vscode.workspace.openTextDocument({ content: r.text, language: 'nvlab-traps' });
    await vscode.window.showTextDocument(doc);
    void vscode.window.showInformationMessage(`Imported ${r.imported} items from ${uri.fsPath}${r.leftOut ? `; ${r.leftOut} left out (see the nvlab output)` : ''}`);
  });

  const example = (file: string): vscode.Uri => vscode.Uri.joinPath(context.extensionUri, 'examples', 'mini-hyp', file);

  reg('nvlab.openExample', async () => {
    await vscode.window.showTextDocument(example('mini-hyp.S'));
  });

  reg('nvlab.debugExample', async () => {
    await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'nvlab',
      request: 'launch',
      name: 'mini-hyp (nested)',
      program: example('mini-hyp.elf').fsPath,
      mode: 'nested',
      stopAt: ['forward'],
    });
  });

  reg('nvlab.showWalk', showWalk);

  reg('nvlab.openTrapEntry', (entry: unknown) => (typeof entry === 'string' ? openTrapEntry(entry) : undefined));
}
