/**
 * Random `.traps` inputs for the fuzz tests: items generated from the
 * language's grammar with real register, field, built-in and fine-grained
 * bit names, token soup from its vocabulary, and mutations of valid tables
 * (deletions, insertions, swaps, truncations, random bytes, long lines,
 * deep and huge inputs). Deterministic for a seed (test/util/rng.ts).
 */
import { allSysregs, findSysreg, sysregFields } from '../../emulator/arch/sysreg-db.js';
import { BUILTINS } from '../../emulator/traps/builtins.js';
import { Rng } from '../util/rng.js';

const ALL = { features: () => true };
const REGS: readonly string[] = allSysregs().map((r) => r.name);
const EL2_REGS: readonly string[] = ['HCR_EL2', 'HCRX_EL2', 'MDCR_EL2', 'CPTR_EL2', 'CNTHCTL_EL2', 'ICH_HCR_EL2', 'HSTR_EL2', 'VTCR_EL2'];
const FIELDS = new Map<string, string[]>(
  [...EL2_REGS, 'HFGRTR_EL2', 'HFGWTR_EL2', 'HFGITR_EL2', 'HDFGRTR_EL2', 'HDFGWTR_EL2', 'HAFGRTR_EL2', 'HFGRTR2_EL2', 'HFGITR2_EL2', 'HDFGRTR2_EL2'].map((r) => [
    r,
    [...new Set(sysregFields(findSysreg(r)!.register, ALL, false).map((f) => f.name).filter((n) => n && n !== '-'))],
  ]),
);
const FGT_REGS: readonly [string, string][] = [
  ['HFGxTR_EL2', 'HFGRTR_EL2'],
  ['HFGRTR_EL2', 'HFGRTR_EL2'],
  ['HFGWTR_EL2', 'HFGWTR_EL2'],
  ['HFGITR_EL2', 'HFGITR_EL2'],
  ['HDFGxTR_EL2', 'HDFGRTR_EL2'],
  ['HDFGWTR_EL2', 'HDFGWTR_EL2'],
  ['HAFGRTR_EL2', 'HAFGRTR_EL2'],
  ['HFGxTR2_EL2', 'HFGRTR2_EL2'],
  ['HFGRTR2_EL2', 'HFGRTR2_EL2'],
  ['HFGITR2_EL2', 'HFGITR2_EL2'],
  ['HDFGxTR2_EL2', 'HDFGRTR2_EL2'],
  ['HFGxTR_EL3', 'HFGRTR_EL2'],
];
const INSTRUCTIONS: readonly string[] = REGS.filter((r) => r.includes(' '));
const BUILTIN_NAMES: readonly string[] = [...BUILTINS.keys()];

export const VOCABULARY: readonly string[] = [
  'control', 'combine', 'trap', 'finetrap', 'include', 'forwards', 'reads', 'writes', 'and', 'all', 'even', 'in', 'host', 'EL0',
  'when', 'builtin', 'with', 'to', 'unless', '==', '!=', '&&', '+', '=', '.', ',', '(', ')', '[', ']', ':', '0', '1', '2', '3', '7',
  '15', '16', '63', '64', '0b102', '0x1f', '0b1', '0x', '1_0', '99999999999999999999', '"a.traps"', '"', '# comment\n', '\n', '\n',
  '\t', '$', '@', '!', '&', '|', '<', '>', 'TLBI', 'VAE1IS', 'HCR_EL2', 'TVM', 'HFGxTR_EL2', 'SCTLR_EL1', 'cptr_tta', 'A', 'B', 'C',
];

/** The number of kinds of big input. */
export const BIG_KINDS = 7;

export class TrapsGen {
  private names: string[] = [];
  constructor(readonly rng: Rng) {}

  private num(v: number): string {
    const r = this.rng.int(6);
    return r === 0 ? `0x${v.toString(16)}` : r === 1 ? `0b${v.toString(2)}` : String(v);
  }
  private ws(): string {
    return this.rng.bool(0.9) ? ' ' : this.rng.pick(['  ', '\t', '\n  ', ' # c\n ']);
  }
  private controlName(): string {
    return this.names.length && this.rng.bool(0.85) ? this.rng.pick(this.names) : `C${this.rng.int(40)}`;
  }
  private fieldTest(): string {
    const reg = this.rng.bool(0.9) ? this.rng.pick(EL2_REGS) : this.rng.pick(REGS);
    const fields = FIELDS.get(reg);
    const r = this.rng.int(10);
    let lhs: string;
    if (r === 0) {
      const msb = this.rng.int(64);
      lhs = `${reg}[${msb}${this.rng.bool() ? `:${this.rng.int(msb + 1)}` : ''}]`;
    } else lhs = `${reg}.${fields && this.rng.bool(0.9) ? this.rng.pick(fields) : this.rng.pick(['TVM', 'NV', 'XYZ', 'E2PB', 'TTA'])}${r === 1 ? `[${this.rng.int(3)}]` : ''}`;
    return `${lhs} ${this.rng.bool(0.85) ? '==' : '!='} ${this.num(this.rng.bool(0.8) ? this.rng.int(2) : this.rng.int(20))}`;
  }
  private encoding(): string {
    const f = [this.rng.range(this.rng.bool(0.95) ? 1 : 0, 3), this.rng.int(8), this.rng.int(16), this.rng.int(16), this.rng.int(8)];
    if (this.rng.bool(0.03)) f[this.rng.int(5)] = this.rng.int(40);
    return `(${f.map((x) => this.num(x)).join(', ')})`;
  }
  private targetOne(): string {
    const r = this.rng.int(10);
    if (r < 5) return this.rng.pick(REGS);
    if (r < 7) return this.rng.pick(INSTRUCTIONS);
    if (r < 8) return `S${this.rng.int(4)}_${this.rng.int(8)}_C${this.rng.int(16)}_C${this.rng.int(16)}_${this.rng.int(8)}`;
    return this.encoding();
  }
  private target(): string {
    return this.rng.bool(0.15) ? `${this.rng.bool() ? this.encoding() : this.targetOne()} to ${this.rng.bool() ? this.encoding() : this.targetOne()}` : this.targetOne();
  }
  private targets(): string {
    const n = this.rng.range(1, 4);
    return Array.from({ length: n }, () => this.target()).join(`,${this.ws()}`);
  }

  item(): string {
    const w = this.ws.bind(this);
    switch (this.rng.weighted({ control: 4, combine: 1, trap: 4, finetrap: 3, include: 1 })) {
      case 'control': {
        const name = `C${this.rng.int(40)}`;
        this.names.push(name);
        const access = this.rng.pick(['reads', 'writes', 'reads and writes', 'writes and reads', 'all']);
        const host = this.rng.bool(0.1) ? ' even in host EL0' : '';
        const cond = this.rng.bool(0.15)
          ? `builtin ${this.rng.bool(0.9) ? this.rng.pick(BUILTIN_NAMES) : 'nope'}`
          : Array.from({ length: this.rng.range(1, 3) }, () => this.fieldTest()).join(`${w()}&&${w()}`);
        return `control ${name}${w()}forwards ${access}${host}${w()}when ${cond}`;
      }
      case 'combine': {
        const name = `K${this.rng.int(20)}`;
        const members = Array.from({ length: this.rng.range(2, 4) }, () => this.controlName());
        this.names.push(name);
        return `combine ${name} =${w()}${members.join(`${w()}+ `)}`;
      }
      case 'trap':
        return `trap ${this.targets()}${w()}with ${this.controlName()}`;
      case 'finetrap': {
        const [g, reg] = this.rng.pick(FGT_REGS);
        const bits = FIELDS.get(reg)!;
        const bit = this.rng.bool(0.95) ? this.rng.pick(bits) : 'NOPE';
        const pol = this.rng.bool(0.4) ? ` == ${this.rng.bool(0.95) ? this.rng.int(2) : 2}` : '';
        const unless = this.rng.bool(0.1) ? ` unless ${this.fieldTest()}` : '';
        return `finetrap ${this.targets()}${w()}with ${g}.${bit}${pol}${unless}`;
      }
      default:
        return `include "${this.rng.pick(['a.traps', 'b.traps', 'missing.traps', '../x/a.traps'])}"`;
    }
  }

  /** A table of grammatical items (mostly valid names). */
  table(items = this.rng.range(1, 30)): string {
    this.names = [];
    const lines: string[] = [];
    for (let i = 0; i < items; i++) {
      if (this.rng.bool(0.1)) lines.push(`# comment ${i}`);
      lines.push(this.item());
    }
    return lines.join('\n') + (this.rng.bool(0.8) ? '\n' : '');
  }

  /** Words and punctuation from the language in random order. */
  soup(): string {
    const n = this.rng.int(80);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.rng.int(10);
      out.push(r < 7 ? this.rng.pick(VOCABULARY) : r < 9 ? this.rng.pick(REGS) : this.rng.pick(BUILTIN_NAMES));
      out.push(this.rng.bool(0.8) ? ' ' : this.rng.bool(0.5) ? '\n' : '');
    }
    return out.join('');
  }

  private randomChars(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.rng.int(10);
      s += r < 6 ? String.fromCharCode(32 + this.rng.int(95)) : r < 7 ? '\n' : r < 8 ? String.fromCharCode(this.rng.int(32)) : r < 9 ? String.fromCharCode(128 + this.rng.int(0x3000)) : this.rng.pick(['\uD83D', '\uDE00', '\uD83D\uDE00', '\u2028', '\uFEFF', '\r\n']);
    }
    return s;
  }

  /** One random edit of `text`. */
  mutate(text: string): string {
    const r = this.rng;
    const at = r.int(text.length + 1);
    const len = r.int(Math.min(40, text.length - at) + 1);
    switch (r.int(9)) {
      case 0: // delete a span
        return text.slice(0, at) + text.slice(at + len);
      case 1: // insert a word
        return text.slice(0, at) + r.pick([' ', '', '\n']) + r.pick(r.bool(0.7) ? VOCABULARY : REGS) + r.pick([' ', '', '\n']) + text.slice(at);
      case 2: {
        // swap two spans
        const b = r.int(text.length + 1);
        const [x, y] = at < b ? [at, b] : [b, at];
        const l = Math.min(len, y - x);
        return text.slice(0, x) + text.slice(y, y + l) + text.slice(x + l, y) + text.slice(x, x + l) + text.slice(y + l);
      }
      case 3: // truncate
        return text.slice(0, at);
      case 4: // random bytes
        return text.slice(0, at) + this.randomChars(r.range(1, 8)) + text.slice(at + r.int(3));
      case 5: {
        // swap two lines
        const lines = text.split('\n');
        const i = r.int(lines.length);
        const j = r.int(lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        return lines.join('\n');
      }
      case 6: // duplicate a span
        return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
      case 7: // join lines
        return text.replace(/\n/g, r.bool() ? ' ' : '');
      default: {
        // change a digit
        const m = [...text.matchAll(/\d+/g)];
        if (m.length === 0) return text;
        const x = r.pick(m);
        return text.slice(0, x.index) + r.pick(['0', '1', '4', '8', '16', '64', '0x10', '0b2', '1e3', '']) + text.slice(x.index! + x[0].length);
      }
    }
  }

  /** Several mutations of a generated table. */
  mutated(): string {
    let t = this.table();
    const n = this.rng.range(1, 5);
    for (let i = 0; i < n; i++) t = this.mutate(t);
    return t;
  }

  /** Very long lines, deep and huge inputs (`kind` 0 to 6 picks one; random by default). */
  big(kind = this.rng.int(BIG_KINDS)): string {
    const r = this.rng;
    switch (kind) {
      case 0: // one very long line of items
        return Array.from({ length: 200 }, () => this.item().replace(/\n/g, ' ')).join(' ');
      case 1: // a huge conjunction
        return `control X forwards all when ${Array.from({ length: 2000 }, () => this.fieldTest()).join(' && ')}\ntrap SCTLR_EL1 with X\n`;
      case 2: // a huge target list
        return `control X forwards all when HCR_EL2.TVM == 1\ntrap ${Array.from({ length: 2000 }, () => this.target()).join(', ')} with X\n`;
      case 3: // many items
        return this.table(1500);
      case 4: // a long word
        return `trap ${'A'.repeat(r.range(1000, 50000))} with ${'B_'.repeat(r.range(100, 5000))}\n`;
      case 5: // deep nesting of brackets and parentheses
        return `trap ${'('.repeat(r.range(100, 5000))}3, 0, 1, 0, 0${')'.repeat(r.range(0, 5000))} with X\ncontrol X forwards all when HCR_EL2${'['.repeat(r.range(100, 3000))}1]\n`;
      default: // long garbage
        return this.randomChars(r.range(1000, 20000));
    }
  }

  /** Any kind of input, mostly mutated tables. */
  any(): { kind: string; text: string } {
    const kind = this.rng.weighted({ table: 2, mutated: 6, soup: 3, chars: 1, big: 0.15 });
    const text = kind === 'table' ? this.table() : kind === 'mutated' ? this.mutated() : kind === 'soup' ? this.soup() : kind === 'chars' ? this.randomChars(this.rng.int(300)) : this.big();
    return { kind, text };
  }
}
