/**
 * `nvlab sysreg NAME|op0,op1,CRn,CRm,op2|S3_0_C1_C0_0 [--json] [--views]`:
 * what the specification says about a system register or system
 * instruction. Kept out of main.ts so the command line's dispatcher stays
 * small; main.ts only routes to cmdSysreg.
 */
import {
  conditionText,
  lookupSysreg,
  suggestSysregNames,
  sysregFieldsText,
  sysregGenericName,
  sysregPatternFields,
  sysregPatternName,
  SysregQueryError,
  type Sysreg,
  type SysregEncoding,
  type SysregField,
  type SysregMatch,
  type SysregRule,
} from '../arch/sysreg-db.js';

export const SYSREG_USAGE = 'nvlab sysreg [--json] [--views] NAME|op0,op1,CRn,CRm,op2|S<op0>_<op1>_C<n>_C<m>_<op2>';

const HELP = `usage: ${SYSREG_USAGE}

  NAME        a register or system instruction: SCTLR_EL1, HCR_EL2, 'TLBI VAE2IS', DC ZVA
  op0,...     the encoding as five numbers, or the generic S<op0>_<op1>_C<n>_C<m>_<op2> name
  --views     also list the per-value views of DYNAMIC fields
  --json      print the report as JSON

Prints the register's encodings (MRS/MSR, aliases, registers sharing the encoding),
its fields for each layout with the features and state that select them, and the
access rules per exception level as Arm's specification states them.
`;

const EXIT_OK = 0;
const EXIT_BAD_INPUT = 2;

function usageError(msg: string): number {
  process.stderr.write(`nvlab: sysreg: ${msg} (usage: ${SYSREG_USAGE})\n`);
  return EXIT_BAD_INPUT;
}

const hex = (n: number, w = 4): string => `0x${n.toString(16).padStart(w, '0')}`;

function bits(msb: number, lsb: number): string {
  return msb === lsb ? `[${msb}]` : `[${msb}:${lsb}]`;
}

/** Rows of cells as aligned text; the last column is not padded. */
function table(rows: readonly (readonly string[])[], indent: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).trimEnd(),
  );
}

/**
 * The generic name and field list of an encoding, with free bits shown:
 * S3_*_C0b1x11_C*_* for the IMPLEMENTATION DEFINED space, CRm=* for
 * MSR (immediate).
 */
function encodingText(key: number, mask: number): { generic: string; fields: string } {
  if (mask === 0xffff) return { generic: sysregGenericName(key), fields: sysregFieldsText(key) };
  const [op0, op1, crn, crm, op2] = sysregPatternFields(key, mask);
  return { generic: sysregPatternName(key, mask), fields: `op0=${op0} op1=${op1} CRn=${crn} CRm=${crm} op2=${op2}` };
}

const when = (cond: string): string => (cond === '' ? 'always' : conditionText(cond));

function accessVerb(kind: string): string {
  if (kind === 'MRS' || kind === 'MRRS') return 'read';
  if (kind === 'MSR' || kind === 'MSRR' || kind === 'MSRimm') return 'write';
  return 'operation';
}

function widthText(reg: Sysreg): string {
  const ws = [...new Set(reg.layouts.map((l) => l.width))];
  if (ws.length === 0) return 'no register operand layout in the specification';
  if (ws.length === 1) return `${ws[0]} bits`;
  return reg.layouts.map((l) => `${l.width} bits${l.condition ? ` when ${conditionText(l.condition)}` : ''}`).join('; ');
}

function fieldRows(fields: readonly SysregField[]): string[][] {
  return fields.map((f) => [
    bits(f.msb, f.lsb),
    f.name || '-',
    f.kind + (f.value ? ` ${f.value.length === 1 ? f.value : `0b${f.value}`}` : ''),
    f.condition ? `when ${conditionText(f.condition)}` : '',
  ]);
}

/** Outcomes longer than this (TLBI calls, masked writes) push only their own condition to the right. */
const OUTCOME_COLUMN = 32;

function rulesLines(label: string, rules: readonly SysregRule[]): string[] {
  if (rules.length === 0) return [`    ${label}  (no access rules in the specification)`];
  const pad = Math.min(OUTCOME_COLUMN, Math.max(...rules.map((r) => r.text.length)));
  return rules.map((r, i) => {
    const head = `    ${i === 0 ? label : ' '.repeat(label.length)}  `;
    return r.condition ? `${head}${r.text.padEnd(pad)}  if ${conditionText(r.condition)}` : `${head}${r.text}`;
  });
}

function textReport(matches: readonly SysregMatch[], key: number | undefined, showViews: boolean): string {
  const out: string[] = [];
  if (key !== undefined) {
    const who = matches.map((m) => {
      const kinds = [...new Set(m.encodings.map((e) => e.kind))].join('/');
      const via = m.encodings[0]!.asm !== m.register.name ? ` via ${m.encodings[0]!.asm}` : '';
      const role = m.encodings.every((e) => e.role === 'shared') ? ', shared encoding' : '';
      return `${m.register.name}${via} (${kinds}${role})`;
    });
    out.push(`${sysregGenericName(key)}  ${sysregFieldsText(key)}  key ${hex(key)}: ${who.join(', ')}`, '');
  }
  // A key can name several registers; shared encodings are listed above and
  // described in full under the register they belong to.
  let shown = matches.filter((m) => m.encodings.some((e) => e.role !== 'shared'));
  if (shown.length === 0) shown = matches.slice(0, 1);
  shown.forEach((m, i) => {
    if (i > 0) out.push('');
    out.push(...registerReport(m, showViews));
  });
  return out.join('\n') + '\n';
}

function registerReport(m: SysregMatch, showViews: boolean): string[] {
  const r = m.register;
  const out: string[] = [];
  out.push(r.name + (r.array ? `  (instance ${r.array.index} of ${r.array.name}, n = ${r.array.first}..${r.array.last})` : ''));
  const facts: string[][] = [
    ['title', 'not given (the BSD release of the specification has no descriptions)'],
    ['exists', when(r.condition)],
    ['width', widthText(r)],
    ['reset', 'not given (the BSD release of the specification has no reset values)'],
    ['VNCR_EL2', r.vncr === undefined ? 'none' : `offset ${hex(r.vncr, 3)} in the VNCR_EL2 page`],
  ];
  out.push(...table(facts, '  '));

  out.push('', 'Encodings');
  const encRows = r.encodings.map((e) => {
    const note: string[] = [];
    if (e.role === 'alias') note.push('alias');
    if (e.role === 'shared') note.push(`shared: ${e.asm} also reaches ${r.name}`);
    if (e.condition) note.push(`when ${conditionText(e.condition)}`);
    if (e.vncr !== undefined && e.role !== 'shared') note.push(`VNCR ${hex(e.vncr, 3)}`);
    if (m.encodings.includes(e) && m.encodings.length !== r.encodings.length) note.unshift('*');
    const t = encodingText(e.key, e.mask);
    const keyText = e.mask === 0xffff ? `key ${hex(e.key)}` : `key ${hex(e.key)}/${hex(e.mask)}`;
    return [e.kind, e.asm, t.generic, t.fields, keyText, note.join(', ')];
  });
  out.push(...table(encRows, '  '));

  r.layouts.forEach((l, i) => {
    const head = r.layouts.length > 1 ? `Fields, layout ${i + 1} of ${r.layouts.length} (${l.width} bits, when ${when(l.condition)})` : `Fields (${l.width} bits)`;
    out.push('', head);
    const base = l.fields.filter((f) => f.view === '');
    out.push(...table(fieldRows(base), '  '));
    const views = [...new Set(l.fields.filter((f) => f.view !== '').map((f) => f.view))];
    if (views.length === 0) return;
    if (!showViews) {
      out.push(`  (${views.length} variants of DYNAMIC fields, chosen by another field's value; --views lists them)`);
      return;
    }
    for (const v of views) {
      out.push('', `  ${v}`);
      out.push(...table(fieldRows(l.fields.filter((f) => f.view === v)), '    '));
    }
  });

  out.push('', 'Access (first matching rule applies; PE without EL3)');
  for (const e of r.encodings) {
    if (e.role === 'shared') continue;
    const label = e.asm.startsWith(`${e.kind} `) ? e.asm : `${e.kind} ${e.asm}`;
    out.push(`  ${label} (${accessVerb(e.kind)})`);
    out.push(...rulesLines('EL2', e.el2), ...rulesLines('EL1', e.el1), ...rulesLines('EL0', e.el0));
  }
  const shared = r.encodings.filter((e) => e.role === 'shared').map((e) => `${e.kind} ${e.asm}`);
  if (shared.length) out.push(`  (${[...new Set(shared)].join(', ')}: the rules are listed under ${[...new Set(r.encodings.filter((e) => e.role === 'shared').map((e) => e.asm))].join(', ')})`);
  return out;
}

function ruleJson(r: SysregRule): object {
  return { condition: r.condition, text: conditionText(r.condition), outcome: r.text, ...r.outcome };
}

function encodingJson(e: SysregEncoding): object {
  return {
    asm: e.asm,
    kind: e.kind,
    role: e.role,
    key: e.key,
    mask: e.mask,
    ...encodingText(e.key, e.mask),
    condition: e.condition,
    vncr: e.vncr ?? null,
    el2: e.el2.map(ruleJson),
    el1: e.el1.map(ruleJson),
    el0: e.el0.map(ruleJson),
  };
}

function jsonReport(query: string, matches: readonly SysregMatch[], key: number | undefined): string {
  const registers = matches.map((m) => ({
    name: m.register.name,
    array: m.register.array ?? null,
    condition: m.register.condition,
    reset: null,
    vncr: m.register.vncr ?? null,
    layouts: m.register.layouts,
    encodings: m.register.encodings.map(encodingJson),
    matched: m.register.encodings.map((e, i) => (m.encodings.includes(e) ? i : -1)).filter((i) => i >= 0),
  }));
  return JSON.stringify({ query, key: key ?? null, generic: key === undefined ? null : sysregGenericName(key), registers }, null, 2) + '\n';
}

export function cmdSysreg(argv: readonly string[]): number {
  let json = false;
  let views = false;
  const queries: string[] = [];
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--views') views = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(HELP);
      return EXIT_OK;
    }
    else if (a.startsWith('--')) return usageError(`unknown option ${a}`);
    else queries.push(a);
  }
  if (queries.length === 0) return usageError('no register given');
  if (queries.length > 1) return usageError(`one register at a time (got ${queries.map((q) => `'${q}'`).join(', ')}; quote names with spaces: 'TLBI VAE2IS')`);
  const query = queries[0]!;
  let result;
  try {
    result = lookupSysreg(query);
  } catch (e) {
    if (e instanceof SysregQueryError) return usageError(e.message);
    throw e;
  }
  const { key, matches } = result;
  if (matches.length === 0) {
    if (key !== undefined) {
      process.stderr.write(`nvlab: sysreg: no system register or instruction is encoded as ${sysregFieldsText(key)} (${sysregGenericName(key)})\n`);
    } else {
      const near = suggestSysregNames(query);
      process.stderr.write(`nvlab: sysreg: unknown system register '${query}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}\n`);
    }
    return EXIT_BAD_INPUT;
  }
  process.stdout.write(json ? jsonReport(query, matches, key) : textReport(matches, key, views));
  return EXIT_OK;
}
