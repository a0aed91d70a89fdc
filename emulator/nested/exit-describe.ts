/**
 * One-line descriptions of exits to the L0 host, in the words a hypervisor
 * engineer uses: "MRS x0, ID_AA64PFR0_EL1", "HVC #0x1", "data abort on IPA
 * 0x80001000 (translation fault, level 3)". Built only when events are read.
 */
import { exceptionClass, faultStatus } from '../arch/esr-decode.js';
import { sysregGenericName, sysregNameForKey } from '../arch/sysreg-db.js';
import { sysregIsRead, sysregKeyOfIss, sysregRtOfIss } from './exit-syndrome.js';

const reg = (rt: number): string => (rt === 31 ? 'xzr' : `x${rt}`);

/** The register or instruction a trapped MRS/MSR/SYS names. */
export function sysregAccessText(iss: number): string {
  const key = sysregKeyOfIss(iss);
  const read = sysregIsRead(iss);
  const rt = sysregRtOfIss(iss);
  const name = sysregNameForKey(key, read ? 'read' : 'write') ?? sysregGenericName(key);
  if (key >>> 14 === 1) return read ? `SYSL ${reg(rt)}, ${name}` : `${name}${rt === 31 ? '' : `, ${reg(rt)}`}`;
  return read ? `MRS ${reg(rt)}, ${name}` : `MSR ${name}, ${reg(rt)}`;
}

export function describeExit(esr: number, ipa?: number): string {
  const ec = (esr >>> 26) & 0x3f;
  const iss = esr & 0x1ffffff;
  switch (ec) {
    case 0x18:
      return sysregAccessText(iss);
    case 0x16:
      return `HVC #0x${(iss & 0xffff).toString(16)}`;
    case 0x17:
      return `SMC #0x${(iss & 0xffff).toString(16)}`;
    case 0x15:
      return `SVC #0x${(iss & 0xffff).toString(16)}`;
    case 0x1a:
      return 'ERET';
    case 0x01:
      return iss & 1 ? 'WFE' : 'WFI';
    case 0x20:
    case 0x24: {
      const f = faultStatus(iss & 0x3f, ec === 0x20 ? 'instruction' : 'data');
      const what = ec === 0x20 ? 'instruction abort' : iss & (1 << 6) && !(iss & (1 << 7)) ? 'data abort (write)' : 'data abort (read)';
      const at = ipa !== undefined ? ` on IPA 0x${ipa.toString(16)}` : '';
      return `${what}${at}: ${f.name}${iss & (1 << 7) ? ' on the stage-1 walk' : ''}`;
    }
    default:
      return exceptionClass(ec).name;
  }
}
