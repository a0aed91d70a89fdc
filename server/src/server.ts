/**
 * The nvlab language server: `.traps` files get the checker's diagnostics
 * and every navigation feature; assembly and C files get register cards on
 * hover. Runs over stdio (`--stdio`) or Node IPC, as the client starts it.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Connection,
  DiagnosticSeverity,
  ErrorCodes,
  MessageType,
  type Diagnostic as LspDiagnostic,
  type Location,
  ProposedFeatures,
  ResponseError,
  type SymbolInformation,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type TextEdit,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Reparser } from '../../emulator/traps/reparse.js';
import type { Diagnostic } from '../../emulator/traps/source.js';
import { type Analysis, type AnalysisOptions, analyse, entryAt, occurrences } from './analysis.js';
import { codeLenses, inlayHints } from './annotations.js';
import { ArmDocs } from './arm-docs.js';
import type { DocsLookup } from './register-card.js';
import { codeActions } from './code-actions.js';
import { formatTraps } from './format.js';
import { registerHoverAt } from './register-hover.js';
import { TOKEN_MODIFIERS, TOKEN_TYPES, semanticTokens } from './semantic-tokens.js';
import { complete, documentSymbols, foldingRanges, hover, lspRange, resolveCompletion } from './traps-features.js';

/** Quiet time after an edit before the document is checked again. */
const DIAGNOSTICS_DELAY_MS = 40;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['control', 'combine', 'trap', 'finetrap', 'include', 'forwards', 'reads', 'writes', 'all', 'even', 'in', 'host', 'when', 'builtin', 'with', 'unless', 'to']);

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  /** Per document: its re-parser, and the work kept per item between analyses (forgotten with the item). */
  const reparsers = new Map<string, { reparser: Reparser; memo: NonNullable<AnalysisOptions['memo']> }>();
  const timers = new Map<string, NodeJS.Timeout>();
  // nvlab.armSpecPath: the user's own Registers.json (full AARCHMRS release) for register prose.
  let armSpecPath: string | null = null;
  let canConfigure = false;
  // A notification: nothing waits for the user to dismiss it.
  const armDocs = new ArmDocs((message) => void connection.sendNotification('window/showMessage', { type: MessageType.Warning, message }));
  const docs: DocsLookup = (names) => armDocs.lookup(armSpecPath, names);
  const refreshSettings = async (): Promise<void> => {
    if (!canConfigure) return;
    try {
      const [v] = (await connection.workspace.getConfiguration([{ section: 'nvlab.armSpecPath' }])) as unknown[];
      armSpecPath = typeof v === 'string' && v.trim() !== '' ? v : null;
    } catch (e) {
      connection.console.error(`cannot read the nvlab settings: ${(e as Error).message}`);
    }
  };

  const pathOf = (uri: string): string => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  const uriOf = (path: string): string => (path.includes(':') && !path.startsWith('/') ? path : pathToFileURL(path).href);
  const isTraps = (doc: TextDocument): boolean => doc.languageId === 'nvlab-traps' || doc.uri.endsWith('.traps');

  // Includes are read from open editors first, so unsaved edits count.
  const readFile = (path: string): string | null => {
    const open = documents.get(uriOf(path));
    if (open) return open.getText();
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };

  const analysisOf = (doc: TextDocument): Analysis => {
    const cached = analyses.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const file = pathOf(doc.uri);
    let kept = reparsers.get(doc.uri);
    if (!kept || kept.reparser.file !== file) {
      const reparser = new Reparser(file);
      reparsers.set(doc.uri, (kept = { reparser, memo: { check: reparser.memo(), entries: reparser.memo() } }));
    }
    const { reparser, memo } = kept;
    const text = doc.getText();
    // The re-parser's own string: the checker compares the file of work it kept per item with
    // this one, for every item, and the same string compares at once.
    const a = analyse(text, reparser.file, doc.version, { readFile, resolve: (from, p) => resolvePath(dirname(from), p), parsed: reparser.parse(text), memo });
    analyses.set(doc.uri, a);
    return a;
  };

  const toLsp = (d: Diagnostic): LspDiagnostic => ({
    range: lspRange(d.range),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    source: 'nvlab',
    message: d.message,
    ...(d.related ? { relatedInformation: d.related.map((r) => ({ location: { uri: uriOf(r.file), range: lspRange(r.range) }, message: r.message })) } : {}),
    ...(d.fix ? { data: { fix: d.fix } } : {}),
  });

  const publish = (uri: string): void => {
    timers.delete(uri);
    const doc = documents.get(uri);
    if (!doc || !isTraps(doc)) return;
    const a = analysisOf(doc);
    // An edit that arrived while checking makes these stale: its own run publishes.
    if (documents.get(uri)?.version !== a.version) return;
    void connection.sendDiagnostics({ uri, version: a.version, diagnostics: a.result.diagnostics.filter((d) => d.file === a.file).map(toLsp) });
  };

  const schedule = (doc: TextDocument): void => {
    if (!isTraps(doc)) return;
    const t = timers.get(doc.uri);
    if (t) clearTimeout(t);
    timers.set(doc.uri, setTimeout(() => publish(doc.uri), DIAGNOSTICS_DELAY_MS));
  };

  connection.onInitialized(() => void refreshSettings());
  connection.onDidChangeConfiguration(() => void refreshSettings());

  connection.onInitialize((params) => {
    canConfigure = params.capabilities.workspace?.configuration === true;
    return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', ' '], resolveProvider: true },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
    },
    serverInfo: { name: 'nvlab', version: '0.1.0' },
    };
  });

  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    analyses.delete(e.document.uri);
    reparsers.delete(e.document.uri);
    if (isTraps(e.document)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    if (!isTraps(doc)) return registerHoverAt(doc.getText(), doc.offsetAt(p.position), docs);
    return hover(analysisOf(doc), doc.offsetAt(p.position), docs);
  });

  connection.onCompletion((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return null;
    return complete(analysisOf(doc), doc.getText(), doc.offsetAt(p.position));
  });
  connection.onCompletionResolve((item) => resolveCompletion(item, docs));

  connection.onDefinition((p): Location | null => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return null;
    const a = analysisOf(doc);
    const e = entryAt(a, doc.offsetAt(p.position));
    if (!e || (e.kind !== 'control-ref' && e.kind !== 'control-def')) return null;
    const local = a.defs.get(e.name);
    if (local) return { uri: doc.uri, range: lspRange(local.range) };
    const def = a.controls.get(e.name);
    return def ? { uri: uriOf(def.file), range: lspRange(def.item.name.range) } : null;
  });

  connection.onReferences((p): Location[] => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return [];
    const a = analysisOf(doc);
    const e = entryAt(a, doc.offsetAt(p.position));
    if (!e || (e.kind !== 'control-ref' && e.kind !== 'control-def')) return [];
    return occurrences(a, e.name)
      .filter((o) => p.context.includeDeclaration || o.kind !== 'control-def')
      .map((o) => ({ uri: doc.uri, range: lspRange(o.range) }));
  });

  connection.onPrepareRename((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return null;
    const a = analysisOf(doc);
    const e = entryAt(a, doc.offsetAt(p.position));
    if (!e || (e.kind !== 'control-ref' && e.kind !== 'control-def') || !a.defs.has(e.name)) return null;
    return { range: lspRange(e.range), placeholder: e.name };
  });

  connection.onRenameRequest((p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return null;
    const a = analysisOf(doc);
    const e = entryAt(a, doc.offsetAt(p.position));
    if (!e || (e.kind !== 'control-ref' && e.kind !== 'control-def') || !a.defs.has(e.name)) return null;
    // Refusals are answers, not failures: the editor shows the message as it is.
    if (!NAME.test(p.newName) || RESERVED.has(p.newName)) return new ResponseError(ErrorCodes.InvalidParams, `'${p.newName.slice(0, 80)}' is not a valid control name (letters, digits and _, not a keyword)`);
    if (a.defs.has(p.newName) && p.newName !== e.name) return new ResponseError(ErrorCodes.InvalidParams, `a control or combination named '${p.newName}' exists already (line ${a.defs.get(p.newName)!.range.start.line + 1})`);
    const edits: TextEdit[] = occurrences(a, e.name).map((o) => ({ range: lspRange(o.range), newText: p.newName }));
    return { changes: { [doc.uri]: edits } };
  });

  connection.onDocumentSymbol((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc && isTraps(doc) ? documentSymbols(analysisOf(doc)) : [];
  });

  connection.onFoldingRanges((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc && isTraps(doc) ? foldingRanges(analysisOf(doc)) : [];
  });

  connection.onWorkspaceSymbol((p) => {
    const q = p.query.toLowerCase();
    const out: SymbolInformation[] = [];
    for (const doc of documents.all()) {
      if (!isTraps(doc)) continue;
      for (const d of analysisOf(doc).defs.values()) {
        if (q && !d.name.toLowerCase().includes(q)) continue;
        out.push({ name: d.name, kind: d.item.kind === 'combine' ? SymbolKind.Module : SymbolKind.Function, location: { uri: doc.uri, range: lspRange(d.range) } });
      }
    }
    return out;
  });

  connection.onDocumentFormatting((p): TextEdit[] => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !isTraps(doc)) return [];
    const formatted = formatTraps(analysisOf(doc).root);
    if (formatted === null || formatted === doc.getText()) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: formatted }];
  });

  connection.onCodeAction((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc && isTraps(doc) ? codeActions(doc.uri, doc.getText(), p.context.diagnostics, analysisOf(doc)) : [];
  });

  connection.languages.inlayHint.on((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc && isTraps(doc) ? inlayHints(analysisOf(doc), p.range.start.line, p.range.end.line) : [];
  });

  connection.onCodeLens((p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc && isTraps(doc) ? codeLenses(analysisOf(doc)) : [];
  });

  connection.languages.semanticTokens.on((p) => {
    const doc = documents.get(p.textDocument.uri);
    return { data: doc && isTraps(doc) ? semanticTokens(analysisOf(doc)) : [] };
  });

  // A failed promise somewhere must cost one answer, not the server (and every open table's diagnostics).
  process.on('unhandledRejection', (e) => connection.console.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

  documents.listen(connection);
  connection.listen();
}

startServer(createConnection(ProposedFeatures.all));
