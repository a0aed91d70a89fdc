/**
 * The debug side bar's views: the trap log (every exit, forward and local
 * decision of the running session, newest first, filterable; a forwarded trap
 * opens its trap-table entry, and each entry can take you to the guest PC)
 * and the shadow stage-2 MMUs of the L0 host (refreshed at every stop).
 */
import * as vscode from 'vscode';
import { DEFAULT_TRAPS_TEXT } from '../../emulator/traps/default-table.js';
import { matchesFilter } from './trap-log-filter.js';

type LogEvent = Record<string, unknown> & { type: string };

const MAX = 2000;

export class TrapLogView implements vscode.TreeDataProvider<LogEvent> {
  private events: LogEvent[] = [];
  private dropped = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Words an entry must contain (see matchesFilter); '' shows everything. */
  filter = '';

  setFilter(filter: string): void {
    this.filter = filter.trim();
    this.changed.fire();
  }

  add(batch: { events: Record<string, unknown>[]; dropped: number }): void {
    for (const e of batch.events) if (e.type === 'trap' || e.type === 'forward' || e.type === 'local' || e.type === 'inject') this.events.push(e as LogEvent);
    this.dropped += batch.dropped;
    if (this.events.length > MAX) this.events.splice(0, this.events.length - MAX);
    this.changed.fire();
  }

  clear(): void {
    this.events = [];
    this.dropped = 0;
    this.changed.fire();
  }

  getChildren(): LogEvent[] {
    const shown = this.filter ? this.events.filter((e) => matchesFilter(e, this.filter)) : this.events;
    return [...shown].reverse();
  }

  /** "12 of 340 entries" for the view's description. */
  summary(): string {
    const total = this.events.length;
    const lost = this.dropped > 0 ? ` (${this.dropped} older not kept)` : '';
    if (!this.filter) return `${total} entries${lost}`;
    return `${this.events.filter((e) => matchesFilter(e, this.filter)).length} of ${total} matching "${this.filter}"${lost}`;
  }

  getTreeItem(e: LogEvent): vscode.TreeItem {
    const what = String(e.what ?? `EC 0x${Number(e.ec ?? 0).toString(16)}`);
    const item = new vscode.TreeItem(`${e.type === 'forward' ? '→ vEL2' : e.type === 'local' ? '↺ L0' : e.type === 'inject' ? '⇢ inject' : '⤓ exit'}  ${what}`);
    item.description = [e.via, e.entry, e.pc].filter((x) => x !== undefined).join('  ');
    item.tooltip = new vscode.MarkdownString('```json\n' + JSON.stringify(e, null, 2) + '\n```');
    if (typeof e.entry === 'string') item.command = { command: 'nvlab.openTrapEntry', title: 'Open the trap-table entry', arguments: [e.entry] };
    // The context menu's "Go to the guest PC" (package.json, view/item/context).
    if (typeof e.pc === 'string') item.contextValue = 'nvlabTrapEvent';
    return item;
  }
}

/**
 * Shows the guest instruction an entry of the trap log happened at: its
 * source line when the image has line information for it, else the
 * disassembly view (which the stopped session shows around its own PC).
 */
export async function goToGuestPc(e: Record<string, unknown> | undefined): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (!e || typeof e.pc !== 'string' || !session || session.type !== 'nvlab') return;
  try {
    const r = (await session.customRequest('nvlabLocate', { address: e.pc })) as { symbol: string | null; path?: string; line?: number };
    if (r.path && r.line) {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(r.path), { preview: true });
      const pos = new vscode.Position(r.line - 1, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
      return;
    }
    void vscode.window.showInformationMessage(`${e.pc}${r.symbol && !r.symbol.startsWith('0x') ? ` (${r.symbol})` : ''} has no source line in the image (guest code copied at run time has none): see the Disassembly view.`);
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
  } catch (err) {
    void vscode.window.showErrorMessage(`Go to the guest PC: ${(err as Error).message}`);
  }
}

/** Opens `file:line` of a trap-table entry; the built-in table opens as a read-only copy. */
export async function openTrapEntry(entry: string): Promise<void> {
  const m = /^(.*):(\d+)$/.exec(entry);
  if (!m) return;
  const line = Number(m[2]) - 1;
  const doc = m[1] === 'default.traps' ? await vscode.workspace.openTextDocument({ content: DEFAULT_TRAPS_TEXT, language: 'nvlab-traps' }) : await vscode.workspace.openTextDocument(vscode.Uri.file(m[1]!));
  const editor = await vscode.window.showTextDocument(doc, { preview: true });
  const range = new vscode.Range(line, 0, line, 0);
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
}

interface MmuContext {
  index: number;
  valid: boolean;
  loaded: boolean;
  vmid: number;
  vttbr: string;
  vtcr: string;
  byVmid: boolean;
  refs: number;
  mappings: number;
  physVmid: number;
}

/** One range a shadow stage 2 maps (the adapter's `nvlabShadowMappings`). */
interface MappingRow {
  range: string;
  target: string;
}

type MmuNode = MmuContext | MappingRow;

export class ShadowMmuView implements vscode.TreeDataProvider<MmuNode> {
  private contexts: MmuContext[] = [];
  private session: vscode.DebugSession | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  async refresh(session: vscode.DebugSession): Promise<void> {
    this.session = session;
    try {
      const r = (await session.customRequest('nvlabShadowMmus')) as { contexts: MmuContext[] };
      this.contexts = r.contexts;
    } catch {
      this.contexts = [];
    }
    this.changed.fire();
  }

  clear(): void {
    this.contexts = [];
    this.session = undefined;
    this.changed.fire();
  }

  /** The contexts; under a context, its mappings, asked of the adapter when it is expanded. */
  async getChildren(node?: MmuNode): Promise<MmuNode[]> {
    if (!node) return this.contexts;
    if (!('index' in node) || !this.session) return [];
    try {
      return ((await this.session.customRequest('nvlabShadowMappings', { index: node.index })) as { mappings: MappingRow[] }).mappings;
    } catch {
      return [];
    }
  }

  getTreeItem(node: MmuNode): vscode.TreeItem {
    if (!('index' in node)) {
      const row = new vscode.TreeItem(node.range);
      row.description = node.target;
      return row;
    }
    const c = node;
    const item = new vscode.TreeItem(`context ${c.index}${c.loaded ? ' (loaded)' : ''}: ${c.valid ? `VMID ${c.vmid}` : 'free'}`, c.valid && c.mappings > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = c.valid ? `${c.byVmid ? 'stage 2 off' : `VTTBR ${c.vttbr}`}  refs ${c.refs}  ${c.mappings} mappings` : `physical VMID ${c.physVmid}`;
    item.tooltip = `physical VMID ${c.physVmid}${c.valid && !c.byVmid ? `\nVTCR_EL2 ${c.vtcr}` : ''}`;
    return item;
  }
}
