/**
 * The trap log's filter (no editor API here, so it is tested on its own):
 * an entry shows when it contains every word of the filter, and none of the
 * words written with a leading `-`, case-insensitively.
 */

/** The text an entry is filtered on: its kind, what trapped, the deciding control and entry, the PC, the reason. */
export function logEventText(e: Record<string, unknown>): string {
  return [e.type, e.what, e.via, e.entry, e.pc, e.reason].filter((x) => x !== undefined).join(' ');
}

export function matchesFilter(e: Record<string, unknown>, filter: string): boolean {
  const text = logEventText(e).toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '' && w !== '-')
    .every((w) => (w.startsWith('-') ? !text.includes(w.slice(1)) : text.includes(w)));
}
