/**
 * Sparse guest RAM: 64 KiB chunks allocated on first touch, so a guest can be
 * given a large physical address range without the host paying for it.
 * Physical addresses are plain numbers: every supported PA (at most 52 bits)
 * is exactly representable.
 */
export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;

/** A RAM chunk with the two views the CPU uses: bytes/halves via DataView, instruction words via Int32Array. */
export interface Chunk {
  readonly dv: DataView;
  readonly w32: Int32Array;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('nvlab needs a little-endian host: instruction fetch reads guest words natively');
}

export class Ram {
  private readonly chunks = new Map<number, Chunk>();

  constructor(
    readonly base: number,
    readonly size: number,
  ) {
    if (base % CHUNK_SIZE !== 0) throw new Error(`RAM base ${base} is not 64 KiB aligned`);
  }

  contains(pa: number, len = 1): boolean {
    return pa >= this.base && pa + len <= this.base + this.size;
  }

  /** Chunk holding `pa` (which must be inside RAM), allocated zero-filled if new. */
  chunk(pa: number): Chunk {
    const idx = Math.floor((pa - this.base) / CHUNK_SIZE);
    let c = this.chunks.get(idx);
    if (c === undefined) {
      const buf = new ArrayBuffer(CHUNK_SIZE);
      c = { dv: new DataView(buf), w32: new Int32Array(buf) };
      this.chunks.set(idx, c);
    }
    return c;
  }

  /** Offset of `pa` inside its chunk. */
  static offset(pa: number): number {
    return pa % CHUNK_SIZE;
  }

  /** Number of chunks currently allocated (for tests and statistics). */
  get allocatedChunks(): number {
    return this.chunks.size;
  }

  /** Copies bytes into RAM; the caller has checked the range. */
  writeBytes(pa: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const c = this.chunk(pa + done);
      const off = Ram.offset(pa + done);
      const n = Math.min(CHUNK_SIZE - off, data.length - done);
      new Uint8Array(c.dv.buffer, off, n).set(data.subarray(done, done + n));
      done += n;
    }
  }

  /** Reads bytes from RAM; the caller has checked the range. Untouched RAM reads as zero without being allocated. */
  readBytes(pa: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const idx = Math.floor((pa + done - this.base) / CHUNK_SIZE);
      const off = Ram.offset(pa + done);
      const n = Math.min(CHUNK_SIZE - off, len - done);
      const c = this.chunks.get(idx);
      if (c) out.set(new Uint8Array(c.dv.buffer, off, n), done);
      done += n;
    }
    return out;
  }

  /** Drops every chunk (a cold reset of the machine's memory). */
  clear(): void {
    this.chunks.clear();
  }
}
