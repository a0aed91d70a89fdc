/** Stage-2 attributes in words, as the Arm ARM reads them without FEAT_S2FWB. */
import { describe, expect, it } from 'vitest';
import { describeStage2Mapping, memAttrText } from '../../debug-adapter/src/stage2-describe.js';

describe('stage-2 mapping descriptions', () => {
  it('reads MemAttr as Device kinds or Normal outer/inner cacheability', () => {
    expect([0b0000, 0b0001, 0b0010, 0b0011].map(memAttrText)).toEqual(['Device-nGnRnE', 'Device-nGnRE', 'Device-nGRE', 'Device-GRE']);
    expect([0b0101, 0b1010, 0b1111, 0b1101, 0b0111, 0b0100].map(memAttrText)).toEqual(['Normal NC', 'Normal WT', 'Normal WB', 'Normal outer WB inner NC', 'Normal outer NC inner WB', 'Normal outer NC inner reserved']);
  });

  it('gives the range, the output, the size and the permissions', () => {
    expect(describeStage2Mapping({ ipa: 0x8000_0000, pa: 0x1_0000_0000, size: 2 ** 31, level: 1, memAttr: 0b1111, s2ap: 0b01, sh: 3, xn: 0b10 })).toEqual({
      range: 'IPA 0x80000000..0xffffffff',
      target: 'PA 0x100000000 (2G, RO, Normal WB, not executable)',
    });
    expect(describeStage2Mapping({ ipa: 0, pa: 0x9000_0000, size: 3 * 4096, level: 3, memAttr: 0b0001, s2ap: 0b10, sh: 0, xn: 0b01 }).target).toBe('PA 0x90000000 (12K, WO, Device-nGnRE, not executable at EL1)');
  });
});
