/**
 * `nvlab esr VALUE [--json]`: decodes an ESR_ELx value field by field. The
 * decoding itself is emulator/arch/esr-decode.ts; this file parses the
 * argument and prints.
 */
import { decodeEsr, type DecodedEsr, type EsrField } from '../arch/esr-decode.js';
import { sysregNameForKey } from '../arch/sysreg-db.js';

export const ESR_USAGE = 'usage: nvlab esr VALUE [--json]';

export const ESR_HELP = `${ESR_USAGE}

  VALUE   the ESR_ELx value: 0x..., decimal or 0b...; '_' separators allowed (0x9200_0046)
  --json  print the decoding as JSON instead of a table`;

// System-register names come from the database (sysregNameForKey); the decoder
// prints the generic S<op0>_<op1>_C<n>_C<m>_<op2> form where it has none.

const SEPARATED = {
  hex: /^0x[0-9a-f]+(?:_[0-9a-f]+)*$/i,
  bin: /^0b[01]+(?:_[01]+)*$/i,
  dec: /^[0-9]+(?:_[0-9]+)*$/,
};

/** Parses VALUE; returns a one-line error message instead of a value when it is not a 64-bit number. */
export function parseEsrValue(text: string): bigint | { error: string } {
  const t = text.trim();
  if (!SEPARATED.hex.test(t) && !SEPARATED.bin.test(t) && !SEPARATED.dec.test(t)) {
    return { error: `esr: cannot parse '${text}' as a number (use 0x..., decimal or 0b...; '_' separators are allowed between digits)` };
  }
  // BigInt() reads 0x/0b prefixes itself but not separators.
  const v = BigInt(t.replace(/_/g, '').replace(/^0X/, '0x').replace(/^0B/, '0b'));
  if (v >> 64n) return { error: `esr: '${text}' does not fit in 64 bits (ESR_ELx is a 64-bit register)` };
  return v;
}

function fieldValue(f: EsrField): string {
  const v = typeof f.value === 'bigint' ? f.value : BigInt(f.value);
  const width = f.bits[0] - f.bits[1] + 1;
  if (width === 1) return v.toString();
  if (width <= 6) return '0b' + v.toString(2).padStart(width, '0');
  return '0x' + v.toString(16);
}

function bitsText(f: EsrField): string {
  return f.bits[0] === f.bits[1] ? `[${f.bits[0]}]` : `[${f.bits[0]}:${f.bits[1]}]`;
}

/** Summary line, then one aligned row per field, then the warnings. */
export function formatEsrText(d: DecodedEsr): string {
  const rows = [
    ['bits', 'field', 'value', 'meaning'],
    ...d.fields.map((f) => [bitsText(f), f.name, fieldValue(f), f.warning ? `${f.meaning}  [!] ${f.warning}` : f.meaning]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [d.summary];
  for (const r of rows) lines.push('  ' + r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd());
  for (const w of d.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** JSON form: the 64-bit value as a hex string, field values as numbers. */
export function formatEsrJson(d: DecodedEsr): string {
  return (
    JSON.stringify(
      { ...d, value: '0x' + d.value.toString(16).padStart(16, '0') },
      // Field values are at most 25 bits wide, so a bigint one is exact as a number.
      (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v),
      2,
    ) + '\n'
  );
}

/** Runs the command; returns the exit status (2 for bad arguments, with one line of explanation and the usage). */
export function cmdEsr(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let json = false;
  let text: string | undefined;
  const fail = (message: string): number => {
    err(`nvlab: ${message}\n${ESR_USAGE}\n`);
    return 2;
  };
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') {
      out(ESR_HELP + '\n');
      return 0;
    } else if (arg.startsWith('-')) return fail(`esr: unknown option ${arg}`);
    else if (text !== undefined) return fail(`esr: more than one value given ('${text}' and '${arg}')`);
    else text = arg;
  }
  if (text === undefined) return fail('esr: no value given');
  const v = parseEsrValue(text);
  if (typeof v !== 'bigint') return fail(v.error);
  const decoded = decodeEsr(v, { sysregName: sysregNameForKey });
  out(json ? formatEsrJson(decoded) : formatEsrText(decoded));
  return 0;
}
