/**
 * The nvlab extension: starts the language server (IPC) from the bundle,
 * registers the commands, and feeds the debug views (trap log, shadow
 * stage-2 MMUs) from the debug adapter's custom events. The debug adapter
 * itself is declared in package.json and started by VS Code.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerCommands } from './commands.js';
import { ShadowMmuView, TrapLogView, goToGuestPc } from './debug-views.js';
import { HitCounts } from './hit-counts.js';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('nvlab', { log: true });
  context.subscriptions.push(log);
  const serverModule = context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'nvlab-traps' },
      // Register cards on hover in assembly and C.
      { scheme: 'file', pattern: '**/*.{S,s,asm}' },
      { language: 'c' },
      { language: 'cpp' },
    ],
    outputChannel: log,
    synchronize: { configurationSection: 'nvlab' },
  };
  client = new LanguageClient('nvlab', 'nvlab language server', serverOptions, clientOptions);
  // Not awaited: activation (and the editor) need not wait for the server to load the register database.
  const c = client;
  c.start().then(
    () => log.info(`language server ready ${Date.now() - t0} ms after activation began`),
    (e: unknown) => log.error(`the language server did not start: ${(e as Error).message}`),
  );

  registerCommands(context, log);

  const trapLog = new TrapLogView();
  const trapLogView = vscode.window.createTreeView('nvlab.trapLog', { treeDataProvider: trapLog });
  const describeLog = (): void => {
    trapLogView.description = trapLog.summary();
  };
  trapLog.onDidChangeTreeData(describeLog);
  context.subscriptions.push(
    vscode.commands.registerCommand('nvlab.trapLog.filter', async () => {
      const text = await vscode.window.showInputBox({
        prompt: 'Show the trap-log entries containing all these words (a word starting with - must not occur)',
        placeHolder: 'e.g. TID3, ID_AA64PFR0_EL1, local, forward -HVC',
        value: trapLog.filter,
      });
      if (text === undefined) return;
      trapLog.setFilter(text);
      void vscode.commands.executeCommand('setContext', 'nvlab.trapLogFiltered', trapLog.filter !== '');
    }),
    vscode.commands.registerCommand('nvlab.trapLog.clearFilter', () => {
      trapLog.setFilter('');
      void vscode.commands.executeCommand('setContext', 'nvlab.trapLogFiltered', false);
    }),
    vscode.commands.registerCommand('nvlab.trapLog.goToPc', (e: Record<string, unknown> | undefined) => goToGuestPc(e)),
  );
  const mmus = new ShadowMmuView();
  // "forwarded N times" above the trap-table entries that forwarded in the debug session.
  const hits = new HitCounts();
  const lensesChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(
      { language: 'nvlab-traps' },
      {
        onDidChangeCodeLenses: lensesChanged.event,
        provideCodeLenses: (doc) => {
          // The built-in table opened from the trap log is an untitled copy of default.traps.
          const file = doc.isUntitled ? 'default.traps' : doc.uri.fsPath;
          return hits.forFile(file).filter(([line]) => line <= doc.lineCount).map(([line, n]) => new vscode.CodeLens(new vscode.Range(line - 1, 0, line - 1, 0), { title: `forwarded ${n} time${n === 1 ? '' : 's'} in the debug session`, command: '' }));
        },
      },
    ),
  );
  context.subscriptions.push(
    trapLogView,
    vscode.window.registerTreeDataProvider('nvlab.shadowMmus', mmus),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== 'nvlab') return;
      if (e.event !== 'nvlabEvents') return;
      const batch = e.body as { events: Record<string, unknown>[]; dropped: number };
      trapLog.add(batch);
      if (hits.add(batch.events)) lensesChanged.fire();
    }),
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== 'nvlab') return;
      trapLog.clear();
      hits.clear();
      lensesChanged.fire();
    }),
    // After every stop, ask the adapter for the shadow MMUs.
    vscode.debug.registerDebugAdapterTrackerFactory('nvlab', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && m.event === 'stopped') void mmus.refresh(session);
          if (m.type === 'event' && m.event === 'terminated') mmus.clear();
        },
      }),
    }),
  );
  log.info(`activated in ${Date.now() - t0} ms`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
