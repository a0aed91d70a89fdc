// Access to Arm's machine-readable architecture specification (AARCHMRS,
// BSD release) straight from the release tarball.
//
// Why read the tarball instead of an unpacked copy: the tarball is the
// artifact whose checksum is recorded (PROVENANCE.txt, and the header of
// every generated file), so generating from it means the recorded checksum
// really describes the input. Unpacking by hand would add an unrecorded
// step where a stale or edited copy could sneak in.
//
// Plain Node ESM without dependencies, so generators can run from a fresh
// checkout with nothing but `node`.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The release the committed generated files were made from. */
export const DEFAULT_TARBALL_NAME = 'AARCHMRS_BSD_A_profile-2024-12.tar.gz';

/** Environment variable that overrides where the tarball is looked for. */
export const TARBALL_ENV = 'NVLAB_AARCHMRS';

/** This file lives in <repo>/emulator/arch/gen/. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Errors from this module carry a one-line message meant to be shown to a
 * person as-is, so generator entry points can print `err.message` and exit
 * without a stack trace.
 */
export class AarchmrsError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AarchmrsError';
  }
}

/**
 * Where the tarball should be, without checking that it exists.
 * NVLAB_AARCHMRS may name the tarball itself or a directory holding it.
 * Returns { path, lookedIn } where lookedIn describes the search for errors.
 */
function candidatePath(env = process.env) {
  const override = env[TARBALL_ENV];
  if (override) {
    const p = resolve(override);
    if (existsSync(p) && statSync(p).isDirectory()) {
      return { path: pickInDirectory(p), lookedIn: `${p} (from ${TARBALL_ENV})` };
    }
    return { path: p, lookedIn: `${p} (from ${TARBALL_ENV})` };
  }
  const dir = resolve(REPO_ROOT, '..', 'shared', 'data', 'aarchmrs');
  return { path: join(dir, DEFAULT_TARBALL_NAME), lookedIn: join(dir, DEFAULT_TARBALL_NAME) };
}

/**
 * In a directory given by the user, prefer the release we know; otherwise
 * accept a single AARCHMRS tarball. Refusing to choose among several keeps
 * the output from changing silently when another release is dropped in.
 */
function pickInDirectory(dir) {
  const known = join(dir, DEFAULT_TARBALL_NAME);
  if (existsSync(known)) return known;
  const found = readdirSync(dir).filter((f) => /^AARCHMRS.*\.tar\.gz$/i.test(f)).sort();
  if (found.length === 1) return join(dir, found[0]);
  if (found.length > 1) {
    throw new AarchmrsError(
      `aarchmrs: several AARCHMRS tarballs in ${dir} (${found.join(', ')}); set ${TARBALL_ENV} to the file to use`,
    );
  }
  return known; // reported as missing by the caller
}

/** Path of the tarball if it exists, else null (used to skip tests cleanly). */
export function findAarchmrsTarball(env = process.env) {
  try {
    const { path } = candidatePath(env);
    return existsSync(path) && statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

/** Path of the tarball, or an AarchmrsError explaining where we looked. */
export function requireAarchmrsTarball(env = process.env) {
  const { path, lookedIn } = candidatePath(env);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new AarchmrsError(
      `aarchmrs: tarball not found at ${lookedIn}; set ${TARBALL_ENV}=/path/to/${DEFAULT_TARBALL_NAME} (or its directory)`,
    );
  }
  return path;
}

// ---------------------------------------------------------------------------
// Tar reading. Only what release tarballs use: ustar/GNU/pax headers with
// regular files and directories. Sizes may exceed 8 GiB in principle (base-256
// size field); we accept that encoding but the data must fit in memory anyway.

const BLOCK = 512;

function cString(buf, off, len) {
  let end = off;
  while (end < off + len && buf[end] !== 0) end++;
  return buf.toString('utf8', off, end);
}

function octalField(buf, off, len, what, where) {
  // GNU base-256 encoding: high bit of the first byte set.
  if (buf[off] & 0x80) {
    let n = buf[off] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + buf[off + i];
    return n;
  }
  const s = cString(buf, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new AarchmrsError(`aarchmrs: bad ${what} field ${JSON.stringify(s)} in tar header at offset ${where}`);
  }
  return parseInt(s, 8);
}

function headerChecksumOk(buf, off) {
  const stored = octalField(buf, off + 148, 8, 'checksum', off);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    // The checksum field itself counts as spaces.
    sum += i >= 148 && i < 156 ? 0x20 : buf[off + i];
  }
  return sum === stored;
}

function isZeroBlock(buf, off) {
  for (let i = 0; i < BLOCK; i++) if (buf[off + i] !== 0) return false;
  return true;
}

/** pax extended header records: "<len> <key>=<value>\n" repeated. */
function parsePax(data, where) {
  const out = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.toString('utf8', pos, sp), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) {
      throw new AarchmrsError(`aarchmrs: malformed pax header at offset ${where}`);
    }
    const rec = data.toString('utf8', sp + 1, pos + len - 1); // drop trailing \n
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/**
 * Index a tar image: Map from member path (no leading "./") to
 * { offset, size } of its data within `tar`.
 */
function indexTar(tar, label) {
  const members = new Map();
  let off = 0;
  let longName = null; // from a GNU 'L' record, applies to the next header
  let paxPath = null; // from a pax 'x' record, applies to the next header
  let sawEnd = false;
  while (off + BLOCK <= tar.length) {
    if (isZeroBlock(tar, off)) {
      sawEnd = true;
      break;
    }
    if (!headerChecksumOk(tar, off)) {
      throw new AarchmrsError(`aarchmrs: ${label}: corrupt tar header at offset ${off} (bad checksum)`);
    }
    const size = octalField(tar, off + 124, 12, 'size', off);
    const type = String.fromCharCode(tar[off + 156] || 0x30); // NUL means regular file
    const dataStart = off + BLOCK;
    if (dataStart + size > tar.length) {
      throw new AarchmrsError(`aarchmrs: ${label}: tar is truncated (member at offset ${off} needs ${size} bytes)`);
    }
    const data = tar.subarray(dataStart, dataStart + size);
    if (type === 'L') {
      longName = cString(data, 0, data.length);
    } else if (type === 'x') {
      const pax = parsePax(data, off);
      if (pax.path !== undefined) paxPath = pax.path;
    } else if (type === 'g') {
      // Global pax defaults: nothing we need (no global path makes sense).
    } else {
      let name = cString(tar, off, 100);
      const magic = cString(tar, off + 257, 6);
      if (magic.startsWith('ustar')) {
        const prefix = cString(tar, off + 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      if (longName !== null) name = longName;
      if (paxPath !== null) name = paxPath;
      longName = null;
      paxPath = null;
      name = name.replace(/^(\.\/)+/, '');
      if (type === '0' || type === '7') members.set(name, { offset: dataStart, size });
    }
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!sawEnd) {
    throw new AarchmrsError(`aarchmrs: ${label}: tar is truncated (no end-of-archive marker)`);
  }
  return members;
}

// ---------------------------------------------------------------------------

/**
 * An opened release: decompressed once, members read on demand.
 * Returned object: { path, fileName, sha256, members(), has(name), text(name), json(name) }.
 */
export function openAarchmrs(tarballPath = requireAarchmrsTarball()) {
  let gz;
  try {
    gz = readFileSync(tarballPath);
  } catch (e) {
    throw new AarchmrsError(`aarchmrs: cannot read ${tarballPath}: ${e.message}`);
  }
  const label = basename(tarballPath);
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) {
    throw new AarchmrsError(`aarchmrs: ${tarballPath} is not a gzip file`);
  }
  let tar;
  try {
    tar = gunzipSync(gz);
  } catch (e) {
    throw new AarchmrsError(`aarchmrs: ${label}: gzip data is truncated or corrupt (${e.message})`);
  }
  const index = indexTar(tar, label);
  const sha256 = createHash('sha256').update(gz).digest('hex');

  function raw(name) {
    const m = index.get(name);
    if (!m) {
      throw new AarchmrsError(`aarchmrs: ${label} has no member ${JSON.stringify(name)}`);
    }
    return tar.subarray(m.offset, m.offset + m.size);
  }

  return {
    path: tarballPath,
    fileName: label,
    sha256,
    members: () => [...index.keys()],
    has: (name) => index.has(name),
    text: (name) => raw(name).toString('utf8'),
    json(name) {
      const text = raw(name).toString('utf8');
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new AarchmrsError(`aarchmrs: ${label}: member ${name} is not valid JSON (${e.message})`);
      }
    },
  };
}

/** Convenience: parsed JSON of one member of the (default or given) tarball. */
export function readAarchmrsJson(member, tarballPath = requireAarchmrsTarball()) {
  return openAarchmrs(tarballPath).json(member);
}

/**
 * Arm's license text from docs/notice.html inside the release, so the notice
 * travels with the data it belongs to: the paragraphs verbatim, one per entry,
 * markup removed. Every generated file carries it.
 */
export function armNotice(release) {
  const where = `${release.fileName}: docs/notice.html`;
  const html = release.text('docs/notice.html');
  const body = /<div class="row static-markdown">([\s\S]*?)<\/div>/.exec(html);
  if (!body) throw new AarchmrsError(`aarchmrs: ${where}: cannot find the license text`);
  const paras = [...body[1].matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1].replace(/\s+/g, ' ').trim());
  if (!paras[0]?.startsWith('Copyright') || !paras.some((p) => p.startsWith('THIS SOFTWARE IS PROVIDED'))) {
    throw new AarchmrsError(`aarchmrs: ${where}: license text does not have the expected copyright line and disclaimer`);
  }
  if (paras.some((p) => /[<>]|&\w+;/.test(p))) throw new AarchmrsError(`aarchmrs: ${where}: unexpected markup in license text`);
  return paras;
}

/**
 * The comment block every generated file starts with: what made it, from
 * which release, a summary of its contents (`summary`, one line each), and
 * Arm's copyright and license notice, which must travel with anything
 * derived from the BSD release. `meta` is the _meta object of the JSON file
 * read, whose license fields are quoted when present. `release` is an open
 * release, or { fileName, sha256, notice } for a test's made-up one.
 */
export function generatedHeader(script, release, summary, meta = {}) {
  const out = [
    '// GENERATED FILE - DO NOT EDIT.',
    `// Generated by ${script} (npm run gen:arch)`,
    `// from ${release.fileName}`,
    `//   sha256 ${release.sha256}`,
    ...summary.map((l) => (l ? `// ${l}` : '//')),
    '//',
    '// Derived from the Arm Architecture Machine Readable Specification (BSD release):',
    '//',
  ];
  if (meta.license?.copyright || meta.license?.info) {
    if (meta.license.copyright) out.push(`// ${meta.license.copyright}`);
    if (meta.license.info) out.push(`// ${meta.license.info}`);
    out.push('//');
  }
  for (const p of release.notice ?? armNotice(release)) out.push(`// ${p}`, '//');
  return out;
}
