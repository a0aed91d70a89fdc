/** The walk view's HTML: every level drawn, the fault shown, nothing from the guest unescaped. */
import { describe, expect, it } from 'vitest';
import { walkHtml } from '../../client/src/walk-html.js';

describe('walkHtml', () => {
  it('draws each level and the fault, escaping what it shows', () => {
    const html = walkHtml({
      address: '0x400804a0',
      el: 2,
      steps: [
        { level: 0, address: '0x40086000', pa: '0x40086000', descriptor: '0x0000000040087003', type: 'table', output: '0x40087000', fields: {} },
        { level: 1, address: '0x40087008', pa: '0x40087008', descriptor: '0x0000000000000000', type: 'invalid', output: '0x0', fields: {} },
      ],
      result: { fault: 'translation fault, level 1 <x>' },
    });
    expect(html).toContain('Level 0 — table');
    expect(html).toContain('Level 1 — invalid');
    expect(html).toContain('<code>0x0000000040087003</code>');
    expect(html).toContain('Fault: translation fault, level 1 &lt;x&gt;');
    expect(html).not.toContain('<x>');
    expect(html.match(/class="arrow"/g)).toHaveLength(1);
  });

  it('names the regime and the stage of each level when the adapter says them', () => {
    const html = walkHtml({
      address: '0x40000000',
      el: 1,
      regime: 'EL1&0, stage 1 + stage 2',
      steps: [{ stage: 2, level: 3, address: '0x40086000', pa: '0x40086000', descriptor: '0x00000000410007ff', type: 'page', output: '0x41000000', fields: { 'AF [10]': 1 } }],
      result: { pa: '0x41000000', size: 4096 },
    });
    expect(html).toContain('<h2>Walk of 0x40000000 (EL1&amp;0, stage 1 + stage 2 regime)</h2>');
    expect(html).toContain('Stage 2, level 3 — page');
    expect(html).toContain('PA 0x41000000 (4096 byte page)');
  });
});
