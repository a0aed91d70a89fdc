/** Hit counts for the trap-table code lenses, from the adapter's forward events. */
import { describe, expect, it } from 'vitest';
import { HitCounts } from '../../client/src/hit-counts.js';

describe('HitCounts', () => {
  it('counts forwards per table file and line, ignores other events, resets', () => {
    const h = new HitCounts();
    expect(h.add([{ type: 'trap', entry: 'default.traps:3' }])).toBe(false);
    expect(
      h.add([
        { type: 'forward', entry: 'default.traps:241', via: 'TID3' },
        { type: 'forward', entry: 'default.traps:241', via: 'TID3' },
        { type: 'forward', entry: '/w/my.traps:7' },
        { type: 'forward', via: 'HCR_EL2.TSC' },
      ]),
    ).toBe(true);
    expect(h.forFile('default.traps')).toEqual([[241, 2]]);
    expect(h.forFile('/w/my.traps')).toEqual([[7, 1]]);
    h.clear();
    expect(h.forFile('default.traps')).toEqual([]);
  });
});
