/**
 * One line per range a stage 2 maps, for the debugger's Shadow stage-2 MMUs
 * scope and the client's view: "IPA 0x40000000..0x40001fff -> PA 0x41000000
 * (8K, RW, Normal WB, executable)". Stage-2 attributes as the Arm ARM reads
 * them without FEAT_S2FWB: MemAttr[3:2] = 0 is Device (MemAttr[1:0] the
 * kind), else Normal with outer [3:2] and inner [1:0] cacheability; S2AP
 * read/write; XN[1:0] with FEAT_XNX.
 */
import type { Stage2Mapping } from '../../emulator/nested/stage2-tables.js';

const CACHE = ['?', 'NC', 'WT', 'WB'];
const DEVICE = ['Device-nGnRnE', 'Device-nGnRE', 'Device-nGRE', 'Device-GRE'];
const ACCESS = ['no access', 'RO', 'WO', 'RW'];
const EXEC = ['executable', 'not executable at EL1', 'not executable', 'not executable at EL0'];

function sizeText(n: number): string {
  for (const [unit, bytes] of [['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) if (n >= bytes && n % bytes === 0) return `${n / bytes}${unit}`;
  return `${n} bytes`;
}

export function memAttrText(memAttr: number): string {
  const outer = (memAttr >>> 2) & 3;
  const inner = memAttr & 3;
  if (outer === 0) return DEVICE[inner]!;
  return outer === inner ? `Normal ${CACHE[outer]}` : `Normal outer ${CACHE[outer]} inner ${CACHE[inner] === '?' ? 'reserved' : CACHE[inner]}`;
}

export function describeStage2Mapping(r: Stage2Mapping): { range: string; target: string } {
  const hex = (n: number): string => '0x' + n.toString(16);
  return {
    range: `IPA ${hex(r.ipa)}..${hex(r.ipa + r.size - 1)}`,
    target: `PA ${hex(r.pa)} (${sizeText(r.size)}, ${ACCESS[r.s2ap]}, ${memAttrText(r.memAttr)}, ${EXEC[r.xn]})`,
  };
}
