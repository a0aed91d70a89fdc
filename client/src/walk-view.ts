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
  try {
    const w = (await session.customRequest('nvlabWalk', { address })) as Walk;
    const panel = vscode.window.createWebviewPanel('nvlab.walk', `Walk ${address}`, vscode.ViewColumn.Beside, {});
    panel.webview.html = walkHtml(w);
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
  }
}
