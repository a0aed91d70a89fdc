/**
 * The translation-walk view: a webview that draws a walk of the running
 * session level by level — each descriptor read, its type and fields, the
 * output address or the fault — because people would rather look at a walk
 * than read it.
 */
import * as vscode from 'vscode';
import { type Walk, walkHtml } from './walk-html.js';

export async function showWalk(): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.type !== 'nvlab') {
    void vscode.window.showErrorMessage('Translation walk: start an nvlab debug session first');
    return;
  }
  let pc = '';
  try {
    pc = ((await session.customRequest('evaluate', { expression: 'pc', context: 'repl' })) as { result: string }).result;
  } catch {
    // Running: the user types an address.
  }
  const address = await vscode.window.showInputBox({ prompt: 'Virtual address to walk', value: pc });
  if (!address) return;
  // A hypervisor cares about two regimes: its own, and its guests' (through its stage 2).
  const regimes = [
    { label: 'EL2', description: "the image's own regime (EL2 or EL2&0)", el: 2, stage12: false },
    { label: 'EL1&0, stage 1 + stage 2', description: 'as its guests see it, through its stage 2', el: 1, stage12: true },
    { label: 'EL1&0, stage 1 only', description: "its guests' own tables", el: 1, stage12: false },
  ];
  const regime = await vscode.window.showQuickPick(regimes, { placeHolder: `Walk ${address} in which translation regime?` });
  if (!regime) return;
  try {
    const w = (await session.customRequest('nvlabWalk', { address, el: regime.el, stage12: regime.stage12 })) as Walk;
    const panel = vscode.window.createWebviewPanel('nvlab.walk', `Walk ${address}`, vscode.ViewColumn.Beside, {});
    panel.webview.html = walkHtml(w);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
  }
}
