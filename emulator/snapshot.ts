/**
 * Snapshots of a machine's whole state, restored in place: what makes
 * reverse execution in the debugger start from a recent checkpoint instead
 * of the reset.
 *
 * The state is taken generically, by walking the object graph from the
 * machine: every object's own fields (references kept as references),
 * arrays, Maps and Sets by their contents, and the bytes of every
 * ArrayBuffer behind a typed array or DataView (RAM chunks, register files,
 * TLB tags). Restoring writes all of it back into the same objects, so
 * everything that held a reference into the machine (the debugger's
 * breakpoints, the fetch window's view of a RAM chunk) stays valid, and
 * objects made after the snapshot simply drop out of reach. A generic walk
 * cannot forget a field that someone adds to the CPU later; the cost is a
 * few thousand objects per snapshot, about a millisecond.
 *
 * Not captured, by construction: state held only in closures or in
 * ECMAScript #private fields (the emulator has none), and objects in `skip`
 * (immutable data such as the loaded image, and caches that are valid in
 * every state, such as the decode cache keyed by instruction word).
 *
 * Buffers whose bytes equal the previous snapshot's copy share that copy, so
 * a series of snapshots costs only the memory that changed between them.
 */

type Fields = [key: string, value: unknown][];

interface ObjectRecord {
  readonly target: object;
  readonly kind: 'object' | 'array' | 'map' | 'set';
  /** object: own enumerable fields; array: elements; map: entries; set: members. */
  readonly data: unknown[] | Fields;
}

export class Snapshot {
  constructor(
    readonly records: readonly ObjectRecord[],
    /** Each buffer reached, with a copy of its bytes when it was taken. */
    readonly buffers: ReadonlyMap<ArrayBufferLike, Uint8Array>,
  ) {}

  /** Bytes held by buffer copies (shared copies counted once per snapshot). */
  get bytes(): number {
    let n = 0;
    for (const c of this.buffers.values()) n += c.byteLength;
    return n;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // Word compares where the lengths allow: RAM chunks are 64 KiB.
  if (a.byteLength % 4 === 0 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Int32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    const y = new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Records the state reachable from `root`. `previous` (an earlier snapshot
 * of the same machine) lets unchanged buffers share its copies.
 */
export function takeSnapshot(root: object, skip: ReadonlySet<object> = new Set(), previous?: Snapshot): Snapshot {
  const records: ObjectRecord[] = [];
  const buffers = new Map<ArrayBufferLike, Uint8Array>();
  const seen = new Set<object>();
  const stack: object[] = [root];
  const visit = (v: unknown): void => {
    if (v !== null && typeof v === 'object' && !seen.has(v)) stack.push(v);
  };
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (skip.has(o) || Object.isFrozen(o)) continue;
    if (ArrayBuffer.isView(o)) {
      const buf = o.buffer;
      if (!buffers.has(buf)) {
        const now = new Uint8Array(buf);
        const before = previous?.buffers.get(buf);
        buffers.set(buf, before && sameBytes(before, now) ? before : now.slice());
      }
      continue;
    }
    if (o instanceof ArrayBuffer) {
      if (!buffers.has(o)) buffers.set(o, new Uint8Array(o).slice());
      continue;
    }
    if (Array.isArray(o)) {
      const data = o.slice();
      data.forEach(visit);
      records.push({ target: o, kind: 'array', data });
    } else if (o instanceof Map) {
      const data: Fields = [];
      for (const [k, v] of o) {
        data.push([k as string, v]);
        visit(k);
        visit(v);
      }
      records.push({ target: o, kind: 'map', data });
    } else if (o instanceof Set) {
      const data = [...o];
      data.forEach(visit);
      records.push({ target: o, kind: 'set', data });
    } else {
      const data: Fields = [];
      for (const k of Object.keys(o)) {
        const v = (o as Record<string, unknown>)[k];
        data.push([k, v]);
        visit(v);
      }
      records.push({ target: o, kind: 'object', data });
    }
  }
  return new Snapshot(records, buffers);
}

/** Puts every recorded object and buffer back as it was when `s` was taken. */
export function restoreSnapshot(s: Snapshot): void {
  for (const [buf, bytes] of s.buffers) new Uint8Array(buf).set(bytes);
  for (const r of s.records) {
    switch (r.kind) {
      case 'array': {
        const a = r.target as unknown[];
        const d = r.data as unknown[];
        // Holes stay holes (the TLB's per-size maps are sparse arrays).
        a.length = 0;
        a.length = d.length;
        for (let i = 0; i < d.length; i++) if (i in d) a[i] = d[i];
        break;
      }
      case 'map': {
        const m = r.target as Map<unknown, unknown>;
        m.clear();
        for (const [k, v] of r.data as Fields) m.set(k, v);
        break;
      }
      case 'set': {
        const set = r.target as Set<unknown>;
        set.clear();
        for (const v of r.data as unknown[]) set.add(v);
        break;
      }
      default: {
        const o = r.target as Record<string, unknown>;
        const d = r.data as Fields;
        // A field added after the snapshot would keep its value: drop it (rare; costs the object its fast shape).
        if (Object.keys(o).length !== d.length) {
          const keep = new Set(d.map(([k]) => k));
          for (const k of Object.keys(o)) if (!keep.has(k)) delete o[k];
        }
        for (const [k, v] of d) o[k] = v;
      }
    }
  }
}
