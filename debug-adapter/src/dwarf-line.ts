/**
 * DWARF line tables (`.debug_line`, versions 2 to 5, 32- and 64-bit
 * formats; version 5 file names from `.debug_line_str` or `.debug_str`):
 * which source line each instruction address belongs to, for source
 * breakpoints, stack frames and stepping by line.
 */
import { isAbsolute, join, normalize } from 'node:path';

export interface LineRow {
  readonly address: number;
  /** The file as the table names it (directory joined), not yet resolved against the image's directory. */
  readonly file: string;
  readonly line: number;
  readonly isStmt: boolean;
  /** The first address after a sequence: no code here belongs to the row's line. */
  readonly endSequence: boolean;
}

export class DwarfError extends Error {}

interface Section {
  readonly offset: number;
  readonly size: number;
}

/** The image's sections by name (offset and size in the file). */
export function elfSections(elf: Uint8Array): Map<string, Section> {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const out = new Map<string, Section>();
  if (elf.length < 64 || dv.getUint32(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) return out;
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > elf.length || shstrndx >= shnum) return out;
  const hdr = (i: number): { name: number; offset: number; size: number } => {
    const b = shoff + i * shentsize;
    return { name: dv.getUint32(b, true), offset: Number(dv.getBigUint64(b + 0x18, true)), size: Number(dv.getBigUint64(b + 0x20, true)) };
  };
  const strtab = hdr(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const h = hdr(i);
    let end = strtab.offset + h.name;
    while (end < elf.length && elf[end] !== 0) end++;
    const name = new TextDecoder().decode(elf.subarray(strtab.offset + h.name, end));
    if (h.offset + h.size <= elf.length) out.set(name, { offset: h.offset, size: h.size });
  }
  return out;
}

class Reader {
  constructor(
    private readonly dv: DataView,
    public pos: number,
    private readonly end: number,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DwarfError(`.debug_line is truncated at offset 0x${this.pos.toString(16)}`);
  }
  u8(): number {
    this.need(1);
    return this.dv.getUint8(this.pos++);
  }
  i8(): number {
    this.need(1);
    return this.dv.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = Number(this.dv.getBigUint64(this.pos, true));
    this.pos += 8;
    return v;
  }
  uleb(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
  }
  sleb(): number {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return b & 0x40 ? v - mul : v;
  }
  cstr(): string {
    const start = this.pos;
    while (this.u8() !== 0);
    return new TextDecoder().decode(new Uint8Array(this.dv.buffer, this.dv.byteOffset + start, this.pos - 1 - start));
  }
}

function strAt(elf: Uint8Array, s: Section | undefined, off: number, what: string): string {
  if (!s || off >= s.size) throw new DwarfError(`${what} offset 0x${off.toString(16)} is outside the string section`);
  let end = s.offset + off;
  while (end < s.offset + s.size && elf[end] !== 0) end++;
  return new TextDecoder().decode(elf.subarray(s.offset + off, end));
}

/** Every row of every line program in the image; empty when it has no `.debug_line`. */
export function readLineTable(elf: Uint8Array): LineRow[] {
  const secs = elfSections(elf);
  const line = secs.get('.debug_line');
  if (!line) return [];
  const lineStr = secs.get('.debug_line_str');
  const str = secs.get('.debug_str');
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const rows: LineRow[] = [];
  let unit = line.offset;
  const sectionEnd = line.offset + line.size;
  while (unit < sectionEnd) {
    const r = new Reader(dv, unit, sectionEnd);
    let length = r.u32();
    let offsetSize = 4;
    if (length === 0xffffffff) {
      length = r.u64();
      offsetSize = 8;
    }
    const end = r.pos + length;
    if (end > sectionEnd) throw new DwarfError(`.debug_line unit at 0x${(unit - line.offset).toString(16)} runs past the section`);
    const u = new Reader(dv, r.pos, end);
    const version = u.u16();
    if (version < 2 || version > 5) throw new DwarfError(`.debug_line version ${version} is not supported (2 to 5 are)`);
    let addressSize = 8;
    if (version >= 5) {
      addressSize = u.u8();
      u.u8(); // segment selector size
    }
    const headerLength = offsetSize === 8 ? u.u64() : u.u32();
    const programStart = u.pos + headerLength;
    const minInst = u.u8();
    const maxOps = version >= 4 ? u.u8() : 1;
    const defaultIsStmt = u.u8() !== 0;
    const lineBase = u.i8();
    const lineRange = u.u8();
    const opcodeBase = u.u8();
    if (lineRange === 0 || maxOps === 0) throw new DwarfError('.debug_line header has a zero line range or operations per instruction');
    const opLengths: number[] = [0];
    for (let i = 1; i < opcodeBase; i++) opLengths.push(u.u8());
    const dirs: string[] = [];
    const files: string[] = [];
    const readForm = (form: number): string | number => {
      switch (form) {
        case 0x08:
          return u.cstr();
        case 0x1f:
          return strAt(elf, lineStr, offsetSize === 8 ? u.u64() : u.u32(), 'DW_FORM_line_strp');
        case 0x0e:
          return strAt(elf, str, offsetSize === 8 ? u.u64() : u.u32(), 'DW_FORM_strp');
        case 0x0f:
          return u.uleb();
        case 0x0b:
          return u.u8();
        case 0x05:
          return u.u16();
        case 0x06:
          return u.u32();
        case 0x07:
          return u.u64();
        case 0x1e:
          u.pos += 16;
          return 0;
        case 0x09: {
          const n = u.uleb();
          u.pos += n;
          return 0;
        }
        default:
          throw new DwarfError(`.debug_line uses attribute form 0x${form.toString(16)}, which nvlab does not read`);
      }
    };
    if (version >= 5) {
      const entries = (): { path: string; dir: number }[] => {
        const formats: [number, number][] = [];
        const n = u.u8();
        for (let i = 0; i < n; i++) formats.push([u.uleb(), u.uleb()]);
        const count = u.uleb();
        const out: { path: string; dir: number }[] = [];
        for (let i = 0; i < count; i++) {
          let path = '';
          let dir = 0;
          for (const [type, form] of formats) {
            const v = readForm(form);
            if (type === 1) path = String(v);
            else if (type === 2) dir = Number(v);
          }
          out.push({ path, dir });
        }
        return out;
      };
      for (const d of entries()) dirs.push(d.path);
      for (const f of entries()) files.push(isAbsolute(f.path) ? f.path : join(dirs[f.dir] ?? '', f.path));
    } else {
      dirs.push('');
      for (let d = u.cstr(); d !== ''; d = u.cstr()) dirs.push(d);
      files.push('');
      for (let f = u.cstr(); f !== ''; f = u.cstr()) {
        const dir = u.uleb();
        u.uleb();
        u.uleb();
        files.push(isAbsolute(f) ? f : join(dirs[dir] ?? '', f));
      }
    }
    void addressSize;
    // The line program's state machine.
    const p = new Reader(dv, programStart, end);
    let address = 0;
    let file = 1;
    let lineNo = 1;
    let isStmt = defaultIsStmt;
    const reset = (): void => {
      address = 0;
      file = 1;
      lineNo = 1;
      isStmt = defaultIsStmt;
    };
    const emit = (endSequence: boolean): void => {
      rows.push({ address, file: normalize(files[file] ?? `file ${file}`), line: lineNo, isStmt, endSequence });
    };
    while (p.pos < end) {
      const op = p.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        address += Math.floor(adj / lineRange) * minInst;
        lineNo += lineBase + (adj % lineRange);
        emit(false);
        continue;
      }
      switch (op) {
        case 0: {
          const len = p.uleb();
          const next = p.pos + len;
          const ext = p.u8();
          if (ext === 1) {
            emit(true);
            reset();
          } else if (ext === 2) address = len - 1 === 8 ? p.u64() : p.u32();
          else if (ext === 3) files.push(p.cstr());
          p.pos = next;
          break;
        }
        case 1:
          emit(false);
          break;
        case 2:
          address += p.uleb() * minInst;
          break;
        case 3:
          lineNo += p.sleb();
          break;
        case 4:
          file = p.uleb();
          break;
        case 5:
          p.uleb();
          break;
        case 6:
          isStmt = !isStmt;
          break;
        case 7:
          break;
        case 8:
          address += Math.floor((255 - opcodeBase) / lineRange) * minInst;
          break;
        case 9:
          address += p.u16();
          break;
        default:
          for (let i = 0; i < (opLengths[op] ?? 0); i++) p.uleb();
      }
    }
    unit = end;
  }
  return rows;
}

/** Address → line lookups and line → addresses, over rows resolved against a base directory. */
export class LineIndex {
  private readonly rows: (LineRow & { path: string })[];

  constructor(rows: readonly LineRow[], baseDir: string) {
    this.rows = rows.map((r) => ({ ...r, path: isAbsolute(r.file) ? r.file : normalize(join(baseDir, r.file)) })).sort((a, b) => a.address - b.address);
  }

  get size(): number {
    return this.rows.length;
  }

  /** The source line of the instruction at `address`, or undefined. */
  lineAt(address: number): { path: string; line: number } | undefined {
    let lo = 0;
    let hi = this.rows.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.rows[mid]!.address <= address) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Several rows may share an address (an end of sequence and a start): the last non-ending one wins.
    while (found >= 0 && this.rows[found]!.endSequence && this.rows[found]!.address === address) found--;
    const r = found >= 0 ? this.rows[found] : undefined;
    if (!r || r.endSequence) return undefined;
    return { path: r.path, line: r.line };
  }

  /**
   * Where a breakpoint on `line` of `path` goes: the first line at or after
   * it that has code (within 50 lines), and the first address of each run of
   * that line.
   */
  addressesFor(path: string, line: number): { line: number; addresses: number[] } | undefined {
    const p = normalize(path);
    const candidates = this.rows.filter((r) => r.path === p && !r.endSequence && r.isStmt && r.line >= line && r.line < line + 50);
    if (candidates.length === 0) return undefined;
    const best = Math.min(...candidates.map((r) => r.line));
    const addresses: number[] = [];
    let prevLine = -1;
    for (const r of this.rows) {
      if (r.path === p && r.line === best && !r.endSequence && prevLine !== best) addresses.push(r.address);
      prevLine = r.path === p ? r.line : -1;
    }
    return { line: best, addresses };
  }
}
