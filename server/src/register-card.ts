/**
 * The register card: what a hover shows for a system register or system
 * instruction, in Markdown. Encodings in every notation, the fields of each
 * layout with their bit ranges (RES0/RES1 and conditions marked), the VNCR
 * offset, and what traps it to EL2 per Arm's access rules. The `.traps`
 * hover adds what this table maps to it; assembly and C hovers show the card
 * alone.
 */
import {
  type Sysreg,
  type SysregEncoding,
  type SysregMatch,
  findSysreg,
  lookupSysreg,
  sysregFields,
  sysregGenericName,
  sysregKeyFields,
} from '../../emulator/arch/sysreg-db.js';
import { directionOf, encodingFacts, rulesFor } from '../../emulator/traps/architecture.js';
import type { RegisterDocs } from './arm-docs.js';

/** Looks up the user's Arm documentation for a register by its names (nvlab.armSpecPath). */
export type DocsLookup = (names: readonly string[]) => RegisterDocs | undefined;

/** The names a register's documentation may be filed under: its own, its array's. */
export function docNames(reg: Sysreg): string[] {
  return reg.array ? [reg.name, reg.array.name] : [reg.name];
}

const ARCH = { features: (): boolean => true };
const hex = (n: number, w = 4): string => '0x' + n.toString(16).padStart(w, '0');

/** A register or instruction found from any of the names people write for it. */
export function findRegister(word: string): SysregMatch | undefined {
  const direct = findSysreg(word.toUpperCase());
  if (direct) return direct;
  try {
    const r = lookupSysreg(word);
    return r.matches[0];
  } catch {
    return undefined;
  }
}

function encodingRow(e: SysregEncoding): string {
  const f = sysregKeyFields(e.key);
  const alias = e.role === 'alias' ? ' (alias)' : e.role === 'shared' ? ' (shared)' : '';
  return `| \`${e.kind} ${e.asm}\`${alias} | ${f.op0}, ${f.op1}, ${f.crn}, ${f.crm}, ${f.op2} | \`${sysregGenericName(e.key)}\` | ${hex(e.key)} |`;
}

function fieldRows(reg: Sysreg): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const f of sysregFields(reg, ARCH)) {
    const bits = f.msb === f.lsb ? `${f.msb}` : `${f.msb}:${f.lsb}`;
    const name = f.name || (f.kind !== '' ? f.kind : '-');
    const kind = f.name && f.kind !== '' ? ` ${f.kind}` : '';
    const when = f.condition ? ` when ${f.condition}` : '';
    const row = `| ${bits} | ${name}${kind} |${when} |`;
    if (seen.has(row)) continue;
    seen.add(row);
    rows.push(row);
  }
  return rows;
}

/** Trap-to-EL2 conditions of the encodings, per direction, from Arm's access rules (EL1 and EL0). */
function architectureTraps(encodings: readonly SysregEncoding[]): string[] {
  const out: string[] = [];
  for (const e of encodings) {
    const dir = directionOf(e.kind);
    const texts = new Set<string>();
    for (const f of encodingFacts(e.key)) for (const r of rulesFor(f, dir)) texts.add(`EL${r.el}: ${r.text.replace(/`/g, '')}`);
    if (texts.size === 0) continue;
    const list = [...texts];
    const shown = list.slice(0, 8).map((t) => `  - \`${t}\``);
    if (list.length > 8) shown.push(`  - … ${list.length - 8} more`);
    out.push(`- \`${e.kind} ${e.asm}\` traps to EL2 if`, ...shown);
  }
  return out;
}

/** The card for a register or instruction; `extra` is appended (what a trap table says about it). */
export function registerCard(m: SysregMatch, extra: readonly string[] = [], docs?: DocsLookup): string {
  const reg = m.register;
  const d = docs?.(docNames(reg));
  const encodings = reg.encodings;
  const width = reg.layouts[0]?.width ?? 64;
  const head = [`**${reg.name}**${reg.layouts.length > 0 ? ` — ${width}-bit register` : ''}${reg.condition ? ` (when ${reg.condition})` : ''}`];
  if (reg.vncr !== undefined) head.push(`VNCR_EL2 page offset ${hex(reg.vncr, 3)} (FEAT_NV2)`);
  if (d?.title) head.push(`*${d.title}*`);
  const prose = d?.purpose ? ['', d.purpose] : [];
  const parts = [head.join('  \n'), ...prose, '', '| access | op0, op1, CRn, CRm, op2 | generic name | key |', '| --- | --- | --- | --- |', ...encodings.map(encodingRow)];
  const fields = fieldRows(reg);
  if (fields.length > 0) parts.push('', '| bits | field | |', '| --- | --- | --- |', ...fields);
  const traps = architectureTraps(m.encodings.length > 0 ? m.encodings : encodings);
  if (traps.length > 0) parts.push('', '**Arm ARM**', ...traps);
  if (extra.length > 0) parts.push('', ...extra);
  return parts.join('\n');
}
