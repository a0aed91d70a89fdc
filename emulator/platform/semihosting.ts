/**
 * Arm semihosting (HLT #0xF000 in A64): the operation number is in W0, the
 * parameter (usually a pointer to a block of 64-bit words) in X1, the result
 * goes to X0. Console operations write to stderr as QEMU 7.2 does; a handle
 * opened on ":tt" for writing goes to stdout, for appending to stderr.
 * Host files are deliberately not reachable from the guest. Time comes from
 * the instruction count, so runs stay deterministic.
 */
import type { Cpu } from '../cpu/cpu.js';
import { peekVirtual, pokeVirtual } from '../cpu/memory-access.js';
import { fmtAddr } from '../cpu/u64.js';
import { EmulationStop } from './bus.js';

export const ADP_STOPPED_APPLICATION_EXIT = 0x20026;

const ENOENT = 2;
const EBADF = 9;
const EFAULT = 14;
const EINVAL = 22;

/** SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR, behind the magic ":semihosting-features" file. */
const FEATURE_BYTES = new Uint8Array([0x53, 0x48, 0x46, 0x42, 0x03]);

type Handle = { kind: 'stdin' } | { kind: 'stdout' } | { kind: 'stderr' } | { kind: 'features'; pos: number };

export interface SemihostingIo {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

export const SEMIHOSTING_OPS: Readonly<Record<number, string>> = {
  0x01: 'SYS_OPEN',
  0x02: 'SYS_CLOSE',
  0x03: 'SYS_WRITEC',
  0x04: 'SYS_WRITE0',
  0x05: 'SYS_WRITE',
  0x06: 'SYS_READ',
  0x07: 'SYS_READC',
  0x08: 'SYS_ISERROR',
  0x09: 'SYS_ISTTY',
  0x0a: 'SYS_SEEK',
  0x0c: 'SYS_FLEN',
  0x0d: 'SYS_TMPNAM',
  0x0e: 'SYS_REMOVE',
  0x0f: 'SYS_RENAME',
  0x10: 'SYS_CLOCK',
  0x11: 'SYS_TIME',
  0x12: 'SYS_SYSTEM',
  0x13: 'SYS_ERRNO',
  0x15: 'SYS_GET_CMDLINE',
  0x16: 'SYS_HEAPINFO',
  0x18: 'SYS_EXIT',
  0x20: 'SYS_EXIT_EXTENDED',
  0x30: 'SYS_ELAPSED',
  0x31: 'SYS_TICKFREQ',
};

const TWO32 = 4294967296;
/** Ticks of SYS_ELAPSED: one per instruction, a nominal 1 GHz clock. */
const TICK_FREQ = 1_000_000_000;

export interface HeapInfo {
  heapBase: number;
  heapLimit: number;
  stackBase: number;
  stackLimit: number;
}

export class Semihosting {
  private handles = new Map<number, Handle>();
  private errno = 0;

  constructor(
    private readonly io: SemihostingIo,
    private readonly heap: HeapInfo,
  ) {}

  reset(): void {
    this.handles.clear();
    this.errno = 0;
  }

  call(cpu: Cpu): void {
    const op = cpu.xlo[0]!;
    const name = SEMIHOSTING_OPS[op];
    cpu.events.semihosting(cpu, name ?? `0x${(op >>> 0).toString(16)}`, op >>> 0);
    const ret = this.dispatch(cpu, op, cpu.xlo[1]!, cpu.xhi[1]!);
    // Results are 64-bit; negative values are sign-extended.
    cpu.xlo[0] = ret | 0;
    cpu.xhi[0] = ret < 0 ? -1 : Math.floor(ret / TWO32) | 0;
  }

  private dispatch(cpu: Cpu, op: number, plo: number, phi: number): number {
    const arg = (i: number): number => this.word(cpu, plo, phi, i);
    switch (op) {
      case 0x01: {
        const name = this.string(cpu, arg(0), arg(2));
        const mode = arg(1);
        return this.open(name, mode);
      }
      case 0x02:
        return this.handles.delete(arg(0)) ? 0 : this.fail(EBADF);
      case 0x03: {
        const b = peekVirtual(cpu, plo, phi, 1);
        if (!b) return this.fail(EFAULT);
        this.io.stderr(b);
        return 0;
      }
      case 0x04: {
        const s = this.cString(cpu, plo, phi);
        this.io.stderr(s);
        return 0;
      }
      case 0x05: {
        const h = this.handles.get(arg(0));
        const len = arg(2);
        if (!h) {
          // On error SYS_WRITE reports every byte as not written, not -1.
          this.errno = EBADF;
          return len;
        }
        const data = this.bytes(cpu, arg(1), len);
        if (h.kind === 'stdout') this.io.stdout(data);
        else if (h.kind === 'stderr') this.io.stderr(data);
        else return len; // nothing written
        return 0;
      }
      case 0x06: {
        const h = this.handles.get(arg(0));
        const len = arg(2);
        if (!h) return this.fail(EBADF);
        if (h.kind !== 'features') return len; // no input: end of file
        const chunk = FEATURE_BYTES.subarray(h.pos, h.pos + len);
        h.pos += chunk.length;
        if (!this.write(cpu, arg(1), chunk)) return this.fail(EFAULT);
        return len - chunk.length;
      }
      case 0x07:
        throw new EmulationStop('guest waits for console input (SYS_READC), but nvlab has no input source yet', 'unimplemented');
      case 0x08:
        // The status word is negative when an error was returned: test its sign bit
        // (as a double, 2^63 - 1 would round up to 2^63).
        return this.wordView(cpu, plo, phi, 0).getInt32(4, true) < 0 ? 1 : 0;
      case 0x09: {
        const h = this.handles.get(arg(0));
        if (!h) return this.fail(EBADF);
        return h.kind === 'features' ? 0 : 1;
      }
      case 0x0a: {
        const h = this.handles.get(arg(0));
        if (!h) return this.fail(EBADF);
        if (h.kind !== 'features') return this.fail(EINVAL);
        h.pos = Math.min(arg(1), FEATURE_BYTES.length);
        return 0;
      }
      case 0x0c: {
        const h = this.handles.get(arg(0));
        if (!h) return this.fail(EBADF);
        return h.kind === 'features' ? FEATURE_BYTES.length : 0;
      }
      case 0x0d:
      case 0x0e:
      case 0x0f:
      case 0x12:
        return this.fail(ENOENT);
      case 0x10:
        return Math.floor(cpu.instructionCount() / 10_000_000);
      case 0x11:
        return Math.floor(cpu.instructionCount() / TICK_FREQ);
      case 0x13:
        return this.errno;
      case 0x15: {
        // An empty command line: write the terminator and report length 0.
        if (arg(1) < 1 || !this.write(cpu, arg(0), new Uint8Array(1))) return this.fail(EFAULT);
        this.putWord(cpu, plo, phi, 1, 0);
        return 0;
      }
      case 0x16: {
        const block = arg(0);
        const h = this.heap;
        const ok = [h.heapBase, h.heapLimit, h.stackBase, h.stackLimit].every((v, i) => this.putWord(cpu, block, 0, i, v, true));
        return ok ? 0 : this.fail(EFAULT);
      }
      case 0x18:
      case 0x20: {
        const reason = arg(0);
        const sub = this.word(cpu, plo, phi, 1);
        const status = reason === ADP_STOPPED_APPLICATION_EXIT ? sub % 256 : 1;
        return cpu.requestStop({ kind: 'exit', status, source: 'semihosting' });
      }
      case 0x30: {
        const t = cpu.instructionCount();
        const buf = new Uint8Array(8);
        new DataView(buf.buffer).setUint32(0, t % TWO32, true);
        new DataView(buf.buffer).setUint32(4, Math.floor(t / TWO32), true);
        return this.writeAt(cpu, plo, phi, buf) ? 0 : this.fail(EFAULT);
      }
      case 0x31:
        return TICK_FREQ;
      default:
        throw new EmulationStop(
          `unsupported semihosting operation 0x${(op >>> 0).toString(16)} at ${fmtAddr(cpu.pcLo, cpu.pcHi)}`,
          'unimplemented',
        );
    }
  }

  private open(name: string, mode: number): number {
    let h: Handle;
    if (name === ':tt') {
      // Modes 0-3 read (stdin), 4-7 write (stdout), 8-11 append (stderr).
      h = mode < 4 ? { kind: 'stdin' } : mode < 8 ? { kind: 'stdout' } : { kind: 'stderr' };
    } else if (name === ':semihosting-features') {
      if (mode >= 4) return this.fail(EINVAL);
      h = { kind: 'features', pos: 0 };
    } else {
      return this.fail(ENOENT);
    }
    // Handles are allocated from 1 upwards, lowest free first.
    let fd = 1;
    while (this.handles.has(fd)) fd++;
    this.handles.set(fd, h);
    return fd;
  }

  private fail(errno: number): number {
    this.errno = errno;
    return -1;
  }

  /** The i-th 64-bit word of the parameter block; as a number (values beyond 2^53 lose precision, none are used so). */
  private word(cpu: Cpu, plo: number, phi: number, i: number): number {
    const dv = this.wordView(cpu, plo, phi, i);
    return dv.getUint32(4, true) * TWO32 + dv.getUint32(0, true);
  }

  /** The bytes of the i-th 64-bit word of the parameter block. */
  private wordView(cpu: Cpu, plo: number, phi: number, i: number): DataView {
    const s = (plo >>> 0) + i * 8;
    const b = peekVirtual(cpu, s | 0, (phi + Math.floor(s / TWO32)) | 0, 8);
    if (!b) {
      throw new EmulationStop(
        `semihosting parameter block at ${fmtAddr(plo, phi)} is not in RAM (call at ${fmtAddr(cpu.pcLo, cpu.pcHi)})`,
        'guest-error',
      );
    }
    return new DataView(b.buffer);
  }

  private putWord(cpu: Cpu, blo: number, bhi: number, i: number, v: number, isNumberBase = false): boolean {
    const base = isNumberBase ? blo : (bhi >>> 0) * TWO32 + (blo >>> 0);
    const buf = new Uint8Array(8);
    const dv = new DataView(buf.buffer);
    dv.setUint32(0, v % TWO32, true);
    dv.setUint32(4, Math.floor(v / TWO32), true);
    return this.write(cpu, base + i * 8, buf);
  }

  private bytes(cpu: Cpu, addr: number, len: number): Uint8Array {
    if (len === 0) return new Uint8Array(0);
    const b = peekVirtual(cpu, addr % TWO32 | 0, Math.floor(addr / TWO32) | 0, len);
    if (!b) throw new EmulationStop(`semihosting buffer at 0x${addr.toString(16)} (${len} bytes) is not in RAM`, 'guest-error');
    return b;
  }

  private string(cpu: Cpu, addr: number, len: number): string {
    return new TextDecoder().decode(this.bytes(cpu, addr, len));
  }

  private cString(cpu: Cpu, lo: number, hi: number): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < 1 << 20; i++) {
      const s = (lo >>> 0) + i;
      const b = peekVirtual(cpu, s | 0, (hi + Math.floor(s / TWO32)) | 0, 1);
      if (!b) throw new EmulationStop(`SYS_WRITE0 string at ${fmtAddr(lo, hi)} runs out of RAM`, 'guest-error');
      if (b[0] === 0) return Uint8Array.from(out);
      out.push(b[0]!);
    }
    throw new EmulationStop(`SYS_WRITE0 string at ${fmtAddr(lo, hi)} has no terminator within 1 MiB`, 'guest-error');
  }

  private write(cpu: Cpu, addr: number, data: Uint8Array): boolean {
    return pokeVirtual(cpu, addr % TWO32 | 0, Math.floor(addr / TWO32) | 0, data);
  }

  private writeAt(cpu: Cpu, lo: number, hi: number, data: Uint8Array): boolean {
    return pokeVirtual(cpu, lo, hi, data);
  }
}
