/**
 * What the editor shows between and above the lines of a `.traps` file:
 * inlay hints (the encoding after a register name, the mask and value
 * after a control's condition) and code lenses (how many registers a
 * control traps, how many encodings a trap item maps).
 */
import { type CodeLens, type InlayHint, InlayHintKind } from 'vscode-languageserver';
import { findSysreg, sysregEncodingsByKey, sysregKeyFields } from '../../emulator/arch/sysreg-db.js';
import type { Analysis } from './analysis.js';
import { lspRange } from './traps-features.js';

const hex = (lo: number, hi: number): string => (hi === 0 ? `0x${(lo >>> 0).toString(16)}` : `0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`);

export function inlayHints(a: Analysis, fromLine: number, toLine: number): InlayHint[] {
  const out: InlayHint[] = [];
  for (const item of a.root.items) {
    if (item.range.end.line < fromLine || item.range.start.line > toLine) continue;
    if (item.kind === 'trap' || item.kind === 'finetrap') {
      for (const t of item.targets) {
        if (t.kind !== 'name') continue;
        const m = findSysreg(t.name.text.toUpperCase());
        const e = m?.encodings[0];
        if (!e) continue;
        const f = sysregKeyFields(e.key);
        out.push({ position: lspRange(t.name.range).end, label: `(${f.op0}, ${f.op1}, ${f.crn}, ${f.crm}, ${f.op2})`, kind: InlayHintKind.Type, paddingLeft: true });
      }
    } else if (item.kind === 'control' && item.condition.kind === 'tests') {
      const def = a.controls.get(item.name.text);
      if (!def || def.kind !== 'control' || def.item !== item) continue;
      const label = def.tests.map((t) => `${t.register} & ${hex(t.maskLo, t.maskHi)} == ${hex(t.valueLo, t.valueHi)}`).join(', ');
      if (label) out.push({ position: lspRange(item.range).end, label, kind: InlayHintKind.Parameter, paddingLeft: true });
    }
  }
  return out;
}

function namedCount(from: number, to: number): number {
  let n = 0;
  for (let k = from; k <= to; k++) if (sysregEncodingsByKey(k).length > 0) n++;
  return n;
}

export function codeLenses(a: Analysis): CodeLens[] {
  const out: CodeLens[] = [];
  const byControl = new Map<string, Set<number>>();
  const add = (name: string, from: number, to: number): void => {
    let s = byControl.get(name);
    if (!s) byControl.set(name, (s = new Set()));
    for (let k = from; k <= to; k++) if (sysregEncodingsByKey(k).length > 0) s.add(k);
  };
  for (const m of a.table.traps) {
    add(m.def.name, m.from, m.to);
    if (m.def.kind === 'combine') for (const c of m.def.members) add(c.name, m.from, m.to);
  }
  for (const [name, def] of a.defs) {
    const n = byControl.get(name)?.size ?? 0;
    out.push({ range: lspRange(def.range), command: { title: `traps ${n} register${n === 1 ? '' : 's'}`, command: '' } });
  }
  for (const item of a.root.items) {
    if (item.kind !== 'trap' && item.kind !== 'finetrap') continue;
    let n = 0;
    for (const m of item.kind === 'trap' ? a.table.traps : a.table.fineTraps) if (m.item === item) n += namedCount(m.from, m.to);
    if (item.targets.length > 1 || item.targets.some((t) => t.kind === 'range')) out.push({ range: lspRange(item.range), command: { title: `maps ${n} register${n === 1 ? '' : 's'}`, command: '' } });
  }
  return out;
}
