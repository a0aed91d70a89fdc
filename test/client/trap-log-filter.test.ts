/** The trap log's filter: all words, none of the excluded ones, any case, over the fields shown. */
import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../client/src/trap-log-filter.js';

const FORWARD = { type: 'forward', what: 'MRS x1, ID_AA64PFR0_EL1', via: 'TID3', entry: 'default.traps:241', pc: '0x0000000040000034' };
const HVC = { type: 'forward', what: 'HVC #0x0', via: 'HVC from a guest always goes to the guest hypervisor', pc: '0x000000004000000c' };
const LOCAL = { type: 'local', what: 'MRS x1, ID_AA64PFR0_EL1', reason: "no trap-table entry forwards it under the guest hypervisor's controls", pc: '0x0000000040000034' };

describe('matchesFilter', () => {
  it('keeps entries with every word, in any case, from what is shown of them', () => {
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, 'id_aa64pfr0_el1'))).toEqual([FORWARD, LOCAL]);
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, 'forward tid3'))).toEqual([FORWARD]);
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, '241'))).toEqual([FORWARD]);
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, '0x000000004000000c'))).toEqual([HVC]);
  });

  it('drops entries with a word written with a leading -, and an empty filter keeps all', () => {
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, 'x1 -local'))).toEqual([FORWARD]);
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, 'guest -hvc'))).toEqual([LOCAL]);
    expect([FORWARD, HVC, LOCAL].filter((e) => matchesFilter(e, '  - '))).toEqual([FORWARD, HVC, LOCAL]);
  });
});
