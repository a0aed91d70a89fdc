/**
 * Trap tables compiled for the L0 host's hot path: two 64K-entry arrays
 * indexed by the 16-bit op0:op1:CRn:CRm:op2 key (fine-grained and coarse
 * mappings), the controls flattened into typed arrays of masks and values,
 * and decide() evaluating them against the guest hypervisor's virtual EL2
 * registers without allocating. The result names the table entry (file,
 * line) that forwarded the access, so traces can point at it.
 */
import type { BuiltinCondition, RegisterFile } from './builtins.js';
import type { CheckedTable, ControlDef } from './checker.js';

/** What decided a forwarded access. */
export interface TableEntry {
  readonly kind: 'trap' | 'finetrap';
  readonly file: string;
  /** One-based, as editors and compilers show them. */
  readonly line: number;
  readonly col: number;
  /** The control (or fine-grained bit) that forwarded. */
  readonly via: string;
}

/** Behaviour bits of a control, ORed over a combination as KVM's compute_trap_behaviour() does. */
const READ = 1;
const WRITE = 2;
const IN_HOST_EL0 = 4;
/** Words per test: slot, maskLo, maskHi, valueLo, valueHi. */
const TEST_WORDS = 5;

export class CompiledTraps {
  /** Key → fine-grained entry index, -1 for none. */
  private readonly fineByKey = new Int32Array(65536).fill(-1);
  /** Key → coarse mapping index, -1 for none. */
  private readonly coarseByKey = new Int32Array(65536).fill(-1);
  /** Fine entries: readSlot, readBit, writeSlot, writeBit, polarity, unless test (5 words, slot -1 for none), entry. */
  private readonly fineData: Int32Array;
  /** Coarse mappings: offset into mappingControls, count, entry. */
  private readonly mappingData: Int32Array;
  private readonly mappingControls: Int32Array;
  /** Controls: behaviour (READ | WRITE | IN_HOST_EL0), unused, first test, test count, builtin index (-1). */
  private readonly controlData: Int32Array;
  private readonly tests: Int32Array;
  private readonly builtins: BuiltinCondition[] = [];
  readonly entries: TableEntry[] = [];
  /** Names of the controls, by index (for the entry of a coarse decision). */
  private readonly controlNames: string[] = [];
  /** The control that forwarded in the last decide() (index into the compiled controls), -1 for a fine-grained trap. */
  lastControl = -1;

  constructor(table: CheckedTable) {
    const controlIndex = new Map<ControlDef, number>();
    const controls: ControlDef[] = [];
    for (const d of table.controls.values()) {
      for (const c of d.kind === 'control' ? [d] : d.members) {
        if (!controlIndex.has(c)) {
          controlIndex.set(c, controls.length);
          controls.push(c);
        }
      }
    }
    const testWords: number[] = [];
    this.controlData = new Int32Array(controls.length * 5);
    controls.forEach((c, i) => {
      this.controlNames.push(c.name);
      const o = i * 5;
      this.controlData[o] = (c.access === 'read' ? READ : c.access === 'write' ? WRITE : READ | WRITE) | (c.hostEl0 ? IN_HOST_EL0 : 0);
      this.controlData[o + 2] = testWords.length / TEST_WORDS;
      this.controlData[o + 3] = c.tests.length;
      this.controlData[o + 4] = c.builtin ? this.builtins.push(c.builtin) - 1 : -1;
      for (const t of c.tests) testWords.push(t.slot, t.maskLo, t.maskHi, t.valueLo, t.valueHi);
      // A control whose definition had errors has neither tests nor a builtin: it must never hold.
      if (c.tests.length === 0 && !c.builtin) this.controlData[o] = 0;
    });
    const fineWords: number[] = [];
    for (const f of table.fineTraps) {
      const entry = this.entries.push({ kind: 'finetrap', file: f.file, line: f.item.range.start.line + 1, col: f.item.range.start.col + 1, via: `${f.item.register.text}.${f.bitName}` }) - 1;
      const idx = fineWords.length / 11;
      const u = f.unless;
      fineWords.push(f.read?.slot ?? -1, f.read?.bit ?? 0, f.write?.slot ?? -1, f.write?.bit ?? 0, f.polarity, u ? u.slot : -1, u?.maskLo ?? 0, u?.maskHi ?? 0, u?.valueLo ?? 0, u?.valueHi ?? 0, entry);
      for (let k = f.from; k <= f.to; k++) if (this.fineByKey[k] === -1) this.fineByKey[k] = idx;
    }
    this.fineData = Int32Array.from(fineWords);
    const mapWords: number[] = [];
    const memberWords: number[] = [];
    for (const m of table.traps) {
      const members = m.def.kind === 'control' ? [m.def] : m.def.members;
      const entry = this.entries.push({ kind: 'trap', file: m.file, line: m.item.range.start.line + 1, col: m.item.range.start.col + 1, via: m.def.name }) - 1;
      const idx = mapWords.length / 3;
      mapWords.push(memberWords.length, members.length, entry);
      for (const c of members) memberWords.push(controlIndex.get(c)!);
      for (let k = m.from; k <= m.to; k++) if (this.coarseByKey[k] === -1) this.coarseByKey[k] = idx;
    }
    this.mappingData = Int32Array.from(mapWords);
    this.mappingControls = Int32Array.from(memberWords);
    this.tests = Int32Array.from(testWords);
  }

  private holds(c: number, regs: RegisterFile, key: number): boolean {
    const o = c * 5;
    const b = this.controlData[o + 4]!;
    if (b >= 0) return this.builtins[b]!.holds(regs, key);
    const lo = regs.lo;
    const hi = regs.hi;
    const t = this.tests;
    const end = (this.controlData[o + 2]! + this.controlData[o + 3]!) * TEST_WORDS;
    for (let i = this.controlData[o + 2]! * TEST_WORDS; i < end; i += TEST_WORDS) {
      const s = t[i]!;
      if ((lo[s]! & t[i + 1]!) !== t[i + 3]! || (hi[s]! & t[i + 2]!) !== t[i + 4]!) return false;
    }
    return true;
  }

  /**
   * Decides a trapped access to encoding `key`: the index of the table entry
   * that forwards it to the guest hypervisor, or -1 when L0 handles it.
   * `fromHostEl0`: the access comes from the guest hypervisor's own EL0 in a
   * VHE host. The behaviours of the controls that hold are ORed first, so
   * one member marked `even in host EL0` lets another member's direction
   * forward from there (KVM's semantics).
   */
  decide(key: number, isRead: boolean, fromHostEl0: boolean, regs: RegisterFile): number {
    this.lastControl = -1;
    const lo = regs.lo;
    const hi = regs.hi;
    const f = this.fineByKey[key]!;
    if (f >= 0 && !fromHostEl0) {
      const o = f * 11;
      const d = this.fineData;
      const slot = isRead ? d[o]! : d[o + 2]!;
      if (slot >= 0) {
        const bit = isRead ? d[o + 1]! : d[o + 3]!;
        const v = (bit < 32 ? lo[slot]! >>> bit : hi[slot]! >>> (bit - 32)) & 1;
        const u = d[o + 5]!;
        const unless = u >= 0 && (lo[u]! & d[o + 6]!) === d[o + 8]! && (hi[u]! & d[o + 7]!) === d[o + 9]!;
        if (v === d[o + 4]! && !unless) return d[o + 10]!;
      }
    }
    const m = this.coarseByKey[key]!;
    if (m < 0) return -1;
    const md = this.mappingData;
    const dir = isRead ? READ : WRITE;
    const need = fromHostEl0 ? dir | IN_HOST_EL0 : dir;
    const first = md[m * 3]!;
    const end = first + md[m * 3 + 1]!;
    const cd = this.controlData;
    let behaviour = 0;
    let forwarder = -1;
    for (let i = first; i < end; i++) {
      const c = this.mappingControls[i]!;
      const b = cd[c * 5]!;
      // A member adding no bit the decision still lacks need not be evaluated.
      if ((b & need & ~behaviour) === 0) continue;
      if (!this.holds(c, regs, key)) continue;
      behaviour |= b;
      if (forwarder < 0 && (b & dir) !== 0) forwarder = c;
      if ((behaviour & need) === need) {
        this.lastControl = forwarder;
        return md[m * 3 + 2]!;
      }
    }
    return -1;
  }

  /** The control that forwarded in the last decide(), by name; undefined after a fine-grained trap or none. */
  lastControlName(): string | undefined {
    return this.lastControl >= 0 ? this.controlNames[this.lastControl] : undefined;
  }
}

export function compileTraps(table: CheckedTable): CompiledTraps {
  return new CompiledTraps(table);
}
