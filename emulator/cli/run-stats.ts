/**
 * `nvlab run --stats`: what happened in a run, counted, printed at exit:
 * events per kind, and in nested mode the L0 host's exits, world switches,
 * shadow stage-2 activity, and forwarded traps per trap-table entry.
 */
import type { NvEvent } from '../events.js';
import type { HostStats } from '../nested/l0-host.js';

export class EventCounter {
  readonly byType = new Map<string, number>();

  add(e: NvEvent): void {
    this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
  }
}

const EC_NAMES: Record<string, string> = {
  '0': 'unknown reason',
  '1': 'WFI/WFE',
  '7': 'FP/SIMD access',
  '15': 'SVC',
  '16': 'HVC',
  '17': 'SMC',
  '18': 'MSR/MRS/SYS',
  '1a': 'ERET',
  '20': 'instruction abort',
  '24': 'data abort',
};

function table(rows: readonly (readonly [string, number])[], indent = '  '): string {
  if (rows.length === 0) return `${indent}(none)\n`;
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, n]) => `${indent}${k.padEnd(w)}  ${String(n).padStart(9)}\n`).join('');
}

const sorted = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

export function formatStats(instructions: number, events: EventCounter, host: HostStats | undefined): string {
  let out = `nvlab: run statistics: ${instructions} instructions\n`;
  out += 'events by kind:\n' + table(sorted(events.byType));
  if (!host) return out;
  const exits = sorted(host.exits).map(([k, n]): [string, number] => {
    const [ctx, ec] = k.split(':') as [string, string];
    return [`${ctx === 'hyp' ? 'guest hypervisor' : 'its guest'}: EC 0x${ec} ${EC_NAMES[ec] ?? ''}`.trimEnd(), n];
  });
  out += 'exits to the L0 host:\n' + table(exits);
  out += 'L0 host:\n' + table([
    ['world switches (vEL2 <-> guest)', host.worldSwitches],
    ['guest hypervisor ERETs emulated', host.erets],
    ['exceptions injected into vEL2', host.injections],
    ['guest hypervisor TLBIs applied', host.tlbis],
    ['shadow stage-2 hits', host.mmuSwitches.hit],
    ['shadow stage-2 misses', host.mmuSwitches.miss],
    ['shadow stage-2 recycles', host.mmuSwitches.recycle],
    ['canonical stage-2 faults mapped', host.s2Faults.canonical],
    ['shadow stage-2 faults mapped', host.s2Faults.shadowMapped],
    ['stage-2 faults forwarded', host.s2Faults.forwarded],
  ]);
  out += 'forwarded to vEL2, by trap-table entry or reason:\n' + table(sorted(host.forwards));
  out += 'handled by the L0 host:\n' + table(sorted(host.locals));
  return out;
}
