/** The "cpu" launch attribute: the default profile with features out or in, dependencies checked. */
import { describe, expect, it } from 'vitest';
import { parseCpu } from '../../debug-adapter/src/launch-config.js';

describe('parseCpu', () => {
  it('adds a feature that needs a later version than the profile claims (the user asked for it)', () => {
    // FEAT_XS is permitted from Armv8.6; the default profile claims Armv8.1.
    const c = parseCpu({ with: ['FEAT_XS'] });
    if (typeof c === 'string') throw new Error(c);
    expect(c.features.has('FEAT_XS')).toBe(true);
    expect(c.name).toBe('default +FEAT_XS');
    // ID_AA64ISAR1_EL1.XS [59:56] says it.
    expect((c.idRegisters.get('ID_AA64ISAR1_EL1')! >> 56n) & 0xfn).toBe(1n);
  });

  it('refuses a profile that breaks a dependency, saying which', () => {
    expect(parseCpu({ without: ['FEAT_FP'] })).toMatch(/^"cpu": .*FEAT_AdvSIMD/);
  });
});
