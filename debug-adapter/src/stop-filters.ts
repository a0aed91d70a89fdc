/**
 * Exception breakpoint filters: which events of the run stop it, under
 * which condition, and how the stop is described. Conditions test event
 * fields: `ec == 0x18 && reg == "ID_AA64PFR0_EL1"`, `vmid == 2`,
 * `level != 3`, `resolution == "forwarded"` (== and != joined by &&; values
 * are numbers, 0x numbers or strings).
 */
import { decodeEsr } from '../../emulator/arch/esr-decode.js';
import { sysregNameForKey } from '../../emulator/arch/sysreg-db.js';
import type { NvEvent } from '../../emulator/events.js';

export interface FilterInfo {
  readonly filter: string;
  readonly label: string;
  readonly description: string;
  readonly supportsCondition: boolean;
  readonly conditionDescription: string;
}

export const FILTERS: readonly FilterInfo[] = [
  { filter: 'trap', label: 'EL2 trap', description: 'Any exit to the L0 host (nested mode)', supportsCondition: true, conditionDescription: 'e.g. ec == 0x18, context == "guest"' },
  { filter: 'forward', label: 'Forwarded trap', description: 'A guest trap the L0 host hands to the guest hypervisor', supportsCondition: true, conditionDescription: 'e.g. reg == "ID_AA64PFR0_EL1", via == "TID3"' },
  { filter: 'local', label: 'Handled locally', description: 'A guest trap the L0 host handles itself', supportsCondition: true, conditionDescription: 'e.g. reg == "SCTLR_EL1"' },
  { filter: 'mmu-switch', label: 'Shadow-MMU switch', description: 'A shadow stage-2 context loaded for a guest', supportsCondition: true, conditionDescription: 'e.g. vmid == 2, outcome == "recycle"' },
  { filter: 's2-fault', label: 'Stage-2 fault', description: 'A stage-2 fault (the image\'s own, or one the L0 host resolved)', supportsCondition: true, conditionDescription: 'e.g. level == 3, resolution == "forwarded"' },
  { filter: 'exception', label: 'Guest exception', description: 'Any exception the image or its guests take', supportsCondition: true, conditionDescription: 'e.g. ec == 0x16, toEl == 2' },
  { filter: 'stale-tlb', label: 'Stale TLB use', description: 'A TLB entry used after the tables changed without TLB maintenance (needs "staleTlbCheck")', supportsCondition: true, conditionDescription: 'e.g. regime == "EL2"' },
  { filter: 'unimplemented', label: 'Unimplemented instruction', description: 'An instruction or device nvlab does not model', supportsCondition: false, conditionDescription: '' },
];

type Value = number | string;
interface Test {
  readonly field: string;
  readonly op: '==' | '!=';
  readonly value: Value;
}

/** A parsed condition, or the message that says why it cannot be read. */
export function parseCondition(text: string): Test[] | string {
  const tests: Test[] = [];
  for (const part of text.split('&&')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(0x[0-9a-fA-F]+|\d+)|([A-Za-z_][A-Za-z0-9_]*))\s*$/.exec(part);
    if (!m) return `cannot read the condition "${part.trim()}": write FIELD == VALUE (VALUE a number, 0x number or "string"), joined by &&`;
    const value: Value = m[5] !== undefined ? Number(m[5]) : (m[3] ?? m[4] ?? m[6])!;
    tests.push({ field: m[1]!, op: m[2] as '==' | '!=', value });
  }
  return tests;
}

/** The register a trapped MSR/MRS/SYS names in an event's text ("MRS x1, ID_AA64PFR0_EL1" → ID_AA64PFR0_EL1). */
function registerOf(what: string): string | undefined {
  const m = /^(?:MRS\s+\w+,\s*(\S+)|MSR\s+([^,\s]+),|SYSL\s+\w+,\s*(.+)|((?:TLBI|AT|DC|IC)\s+\w+))/.exec(what);
  return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
}

/** The event's fields a condition may test, with the derived ones (`reg`). */
export function eventFields(e: NvEvent): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === 'number' || typeof v === 'string') out[k] = v;
  const what = (e as { what?: string }).what;
  if (what) {
    const reg = registerOf(what);
    if (reg) out.reg = reg;
  }
  return out;
}

function holds(tests: readonly Test[], fields: Record<string, Value>): boolean {
  for (const t of tests) {
    const v = fields[t.field];
    let eq: boolean;
    if (v === undefined) eq = false;
    else if (typeof t.value === 'number') eq = (typeof v === 'number' ? v : Number(v)) === t.value;
    else eq = String(v).toLowerCase() === t.value.toLowerCase();
    if ((t.op === '==') !== eq) return false;
  }
  return true;
}

/** Which filter an event belongs to. */
export function filterOf(e: NvEvent): string | undefined {
  switch (e.type) {
    case 'trap':
    case 'forward':
    case 'local':
    case 'mmu-switch':
    case 's2-fault':
    case 'stale-tlb':
      return e.type;
    case 'exception':
    case 'inject':
      return 'exception';
    default:
      return undefined;
  }
}

export class StopFilters {
  private readonly active = new Map<string, Test[]>();

  /** Sets the enabled filters; returns an error message per filter whose condition cannot be read. */
  set(filters: readonly string[], options: readonly { filterId: string; condition?: string }[]): Map<string, string> {
    this.active.clear();
    const errors = new Map<string, string>();
    for (const f of filters) this.active.set(f, []);
    for (const o of options) {
      if (!o.condition?.trim()) {
        this.active.set(o.filterId, []);
        continue;
      }
      const c = parseCondition(o.condition);
      if (typeof c === 'string') errors.set(o.filterId, c);
      else this.active.set(o.filterId, c);
    }
    return errors;
  }

  has(filter: string): boolean {
    return this.active.has(filter);
  }

  /** The filter this event stops the run for, or undefined. */
  matches(e: NvEvent): string | undefined {
    const f = filterOf(e);
    if (!f) return undefined;
    const tests = this.active.get(f);
    if (!tests) return undefined;
    // An injection is the guest hypervisor's exception already reported as `exception` by the virtual PE.
    if (e.type === 'inject') return undefined;
    return holds(tests, eventFields(e)) ? f : undefined;
  }
}

const hex = (n: number): string => '0x' + n.toString(16);

/** The stop reason text: what happened, in the words the views use. */
export function describeStop(e: NvEvent): string {
  switch (e.type) {
    case 'forward': {
      const by = e.via ? ` by ${e.via}` : '';
      const at = e.entry ? ` at ${e.entry}` : '';
      return `Forwarded to vEL2: ${e.what} (EC ${hex(e.ec)})${by}${at}`;
    }
    case 'local':
      return `Handled by the L0 host: ${e.what} (EC ${hex(e.ec)}): ${e.reason}`;
    case 'trap':
      return `EL2 trap from ${e.context === 'hyp' ? 'the guest hypervisor' : 'its guest'} at ${e.pc}: ${e.what} (EC ${hex(e.ec)})`;
    case 'mmu-switch':
      return `Shadow stage-2 MMU ${e.outcome}: context ${e.context}, VMID ${e.vmid}${e.victim ? `, recycled from ${e.victim}` : ''}`;
    case 's2-fault':
      return `Stage-2 fault at IPA ${e.ipa} (${e.access}): ${e.fault}${e.resolution ? `, ${e.resolution}` : ''}`;
    case 'exception':
      return `Exception taken from EL${e.fromEl} to EL${e.toEl}: ${decodeEsr(BigInt(e.esr), { sysregName: sysregNameForKey }).summary} (ESR ${e.esr}, ELR ${e.elr}${e.far ? `, FAR ${e.far}` : ''})`;
    case 'stale-tlb':
      return `Stale TLB entry used at ${e.pc}: VA ${e.va} (${e.regime}) cached as ${e.cached}, tables now say ${e.current}${e.cause ? `; ${e.cause}` : ''}`;
    default:
      return e.type;
  }
}
