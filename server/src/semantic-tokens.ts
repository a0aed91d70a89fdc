/**
 * Semantic tokens for `.traps`: what the grammar cannot know, from the
 * checked document (a name is a control only if the table defines it, a
 * register only if the database has it).
 */
import { SemanticTokensBuilder } from 'vscode-languageserver';
import { tokenize } from '../../emulator/traps/lexer.js';
import type { Analysis } from './analysis.js';
import { findRegister } from './register-card.js';

export const TOKEN_TYPES = ['keyword', 'function', 'variable', 'property', 'enumMember', 'number', 'comment', 'operator', 'string'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary'] as const;
const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<(typeof TOKEN_TYPES)[number], number>;
const KEYWORDS = new Set(['control', 'combine', 'trap', 'finetrap', 'include', 'forwards', 'reads', 'writes', 'and', 'all', 'even', 'in', 'host', 'EL0', 'when', 'builtin', 'with', 'unless', 'to']);

export function semanticTokens(a: Analysis): number[] {
  const b = new SemanticTokensBuilder();
  const byOffset = new Map<number, { type: number; mods: number }>();
  for (const e of a.entries) {
    const at = e.range.start.offset;
    switch (e.kind) {
      case 'control-def':
        byOffset.set(at, { type: T.function, mods: 1 });
        break;
      case 'control-ref':
        if (a.defs.has(e.name) || a.controls.has(e.name)) byOffset.set(at, { type: T.function, mods: 0 });
        break;
      case 'register':
        // The read/write pairs of fine-grained trap registers (HFGxTR_EL2) are names of the language, not of Arm's.
        if (!e.name.includes(' ') && (findRegister(e.name) || /^HD?FGxTR2?_EL2$/.test(e.name))) byOffset.set(at, { type: T.variable, mods: 2 });
        break;
      case 'field':
        byOffset.set(at, { type: T.property, mods: 0 });
        break;
      case 'fgt-bit':
        byOffset.set(at, { type: T.enumMember, mods: 0 });
        break;
      case 'builtin':
        byOffset.set(at, { type: T.function, mods: 2 });
        break;
      default:
        break;
    }
  }
  const { tokens, comments } = tokenize(a.root.text);
  const all: { line: number; col: number; len: number; type: number; mods: number }[] = [];
  for (const t of tokens) {
    if (t.kind === 'eof') continue;
    const r = t.range;
    const known = byOffset.get(r.start.offset);
    const type = known ? known.type : t.kind === 'number' ? T.number : t.kind === 'string' ? T.string : t.kind === 'word' && KEYWORDS.has(t.text) ? T.keyword : t.kind === 'punct' && /^(==|!=|&&|\+|=)$/.test(t.text) ? T.operator : -1;
    if (type >= 0) all.push({ line: r.start.line, col: r.start.col, len: r.end.offset - r.start.offset, type, mods: known?.mods ?? 0 });
  }
  for (const c of comments) all.push({ line: c.range.start.line, col: c.range.start.col, len: c.range.end.offset - c.range.start.offset, type: T.comment, mods: 0 });
  all.sort((x, y) => x.line - y.line || x.col - y.col);
  for (const t of all) b.push(t.line, t.col, t.len, t.type, t.mods);
  return b.build().data;
}
