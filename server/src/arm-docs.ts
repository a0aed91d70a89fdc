/**
 * Descriptions from the user's own copy of Arm's machine-readable
 * specification (setting `nvlab.armSpecPath`): the BSD release nvlab ships
 * with has no prose, the full release's Registers.json has titles, purposes
 * and field descriptions in the same schema. Loaded on first use, reloaded
 * when the file changes; a path that cannot be read is reported once and
 * then ignored.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RegisterDocs {
  readonly title: string;
  readonly purpose: string;
  readonly fields: ReadonlyMap<string, string>;
}

/** Arm's Text objects: a string, or paragraphs (strings, or arrays of lines of one paragraph). */
export function textOf(t: unknown): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map((p) => (Array.isArray(p) ? p.map(textOf).join(' ') : textOf(p))).filter((s) => s !== '').join('\n\n');
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    // Description objects: text before and after the generated part.
    if ('before' in o || 'after' in o) return [textOf(o.before), textOf(o.after)].filter((s) => s !== '').join('\n\n');
    if ('value' in o) return textOf(o.value);
  }
  return '';
}

interface Loaded {
  readonly path: string;
  readonly mtimeMs: number;
  readonly byName: Map<string, RegisterDocs>;
}

export class ArmDocs {
  private loaded: Loaded | null = null;
  private failed: string | null = null;

  constructor(private readonly report: (message: string) => void) {}

  private file(path: string): string {
    try {
      return statSync(path).isDirectory() ? join(path, 'Registers.json') : path;
    } catch {
      return path;
    }
  }

  /** Documentation for a register (or register array, by its `<n>` name), or undefined. */
  lookup(path: string | null, names: readonly string[]): RegisterDocs | undefined {
    if (!path) return undefined;
    const file = this.file(path);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch (e) {
      this.fail(file, (e as Error).message);
      return undefined;
    }
    if (!this.loaded || this.loaded.path !== file || this.loaded.mtimeMs !== mtimeMs) {
      try {
        this.loaded = { path: file, mtimeMs, byName: index(JSON.parse(readFileSync(file, 'utf8')) as unknown) };
        this.failed = null;
      } catch (e) {
        this.fail(file, (e as Error).message);
        return undefined;
      }
    }
    for (const n of names) {
      const d = this.loaded.byName.get(n);
      if (d) return d;
    }
    return undefined;
  }

  private fail(file: string, why: string): void {
    if (this.failed === file) return;
    this.failed = file;
    this.loaded = null;
    this.report(`nvlab.armSpecPath: cannot use ${file}: ${why}`);
  }
}

function index(json: unknown): Map<string, RegisterDocs> {
  if (!Array.isArray(json)) throw new Error('expected the array of registers of Registers.json');
  const out = new Map<string, RegisterDocs>();
  for (const r of json as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object' || typeof r.name !== 'string') continue;
    const fields = new Map<string, string>();
    const fieldsets = Array.isArray(r.fieldsets) ? (r.fieldsets as Record<string, unknown>[]) : [];
    for (const fs of fieldsets) {
      const values = Array.isArray(fs.values) ? (fs.values as Record<string, unknown>[]) : [];
      for (const f of values) {
        if (typeof f.name !== 'string' || fields.has(f.name)) continue;
        const d = textOf(f.description);
        if (d) fields.set(f.name, d);
      }
    }
    const docs = { title: textOf(r.title), purpose: textOf(r.purpose), fields };
    if (docs.title || docs.purpose || fields.size > 0) out.set(r.name, docs);
  }
  return out;
}
