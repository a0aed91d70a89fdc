// Generates emulator/arch/generated/a64-encodings.ts from Arm's
// machine-readable specification (Instructions.json in the AARCHMRS BSD
// release): one row per A64 instruction encoding, enough to tell which
// instruction a 32-bit word is, or that it is unallocated.
//
//   node emulator/arch/gen/gen-a64-encodings.mjs          (npm run gen:arch)
//   node emulator/arch/gen/gen-a64-encodings.mjs --check  (exit 1 if stale)
//
// How the specification describes encodings (verified against the 2024-12
// release; anything else makes the generator stop with the node's name):
//  * A tree: InstructionSet > InstructionGroup* > Instruction, with
//    InstructionAlias nodes under instructions (aliases reuse the encoding of
//    their instruction, so they are skipped).
//  * Every node has an encodeset of Field (named) and Bits items, each a bit
//    range with a pattern of '0'/'1'/'x'. A leaf's encoding is the
//    conjunction of its own and all ancestors' encodesets.
//  * Every node has a condition that must also hold. It mixes feature tests
//    (IsFeatureImplemented(FEAT_X)) with tests on encoding fields
//    (U == '1', opc != '11', Rt IN {'11xxx'}). A field name refers to the
//    nearest definition on the path from the node to the root (names such
//    as op0 are reused at different positions at different depths).
//  * In this release conditions are always a conjunction of parts that are
//    either purely about features or purely about fields; we rely on that to
//    keep the two apart (features: runtime-selectable; fields: folded into
//    the word tests) and refuse input that mixes them under || or !.

import { join } from 'node:path';
import { AarchmrsError, REPO_ROOT, generatedHeader, openAarchmrs, requireAarchmrsTarball } from './aarchmrs-input.mjs';
import { runGeneratorCli } from './generator-cli.mjs';

export const OUTPUT_PATH = join(REPO_ROOT, 'emulator', 'arch', 'generated', 'a64-encodings.ts');
const SCRIPT = 'emulator/arch/gen/gen-a64-encodings.mjs';

function fail(node, msg) {
  throw new AarchmrsError(`gen-a64-encodings: ${node ? `${node}: ` : ''}${msg}`);
}

// ---------------------------------------------------------------------------
// Small helpers for 32-bit masks. All masks/values are kept as unsigned
// numbers (0..2^32-1) in the generator, so comparisons are plain ===.

const u32 = (n) => n >>> 0;
const popcount = (n) => {
  let c = 0;
  for (let x = u32(n); x; x = u32(x & (x - 1))) c++;
  return c;
};

/** Parse "'1x0'" (MSB first, quotes included) into its bit characters. */
function patternBits(valueNode, where) {
  if (!valueNode || valueNode._type !== 'Values.Value' || typeof valueNode.value !== 'string') {
    fail(where, `expected a Values.Value bit pattern, got ${JSON.stringify(valueNode)?.slice(0, 120)}`);
  }
  const m = /^'([01x]*)'$/.exec(valueNode.value);
  if (!m) fail(where, `unsupported bit pattern ${valueNode.value}`);
  return m[1];
}

/** Mask/value over the word of a pattern placed at bit `start`. */
function placePattern(bits, start, where) {
  const width = bits.length;
  if (start < 0 || start + width > 32) fail(where, `bit range ${start}+${width} outside the 32-bit word`);
  let mask = 0;
  let value = 0;
  for (let i = 0; i < width; i++) {
    const c = bits[width - 1 - i]; // MSB first in the string
    if (c === 'x') continue;
    mask = u32(mask | (1 << (start + i)));
    if (c === '1') value = u32(value | (1 << (start + i)));
  }
  return { mask, value };
}

// ---------------------------------------------------------------------------
// Conditions.

/** 'F' = only feature tests, 'W' = only field tests, 'C' = constant, 'M' = mixed. */
function kindOf(ast, where) {
  switch (ast?._type) {
    case 'AST.Bool':
      return 'C';
    case 'AST.Function':
      return 'F';
    case 'AST.Identifier':
    case 'Values.Value':
    case 'AST.Set':
      return 'W';
    case 'AST.UnaryOp':
      return kindOf(ast.expr, where);
    case 'AST.BinaryOp': {
      const l = kindOf(ast.left, where);
      const r = kindOf(ast.right, where);
      if (l === r || r === 'C') return l;
      if (l === 'C') return r;
      return 'M';
    }
    default:
      return fail(where, `unsupported condition node ${ast?._type}`);
  }
}

/**
 * Split a condition into its top-level conjuncts and sort them into feature
 * parts and field parts. Returns false if the condition is constantly false.
 */
function splitCondition(ast, where, featParts, wordParts) {
  if (ast?._type === 'AST.Bool') {
    if (typeof ast.value !== 'boolean') fail(where, 'AST.Bool without a boolean value');
    return ast.value;
  }
  if (ast?._type === 'AST.BinaryOp' && ast.op === '&&') {
    const l = splitCondition(ast.left, where, featParts, wordParts);
    const r = splitCondition(ast.right, where, featParts, wordParts);
    return l && r;
  }
  const k = kindOf(ast, where);
  if (k === 'F') featParts.push(ast);
  else if (k === 'W') wordParts.push(ast);
  else if (k === 'C') fail(where, 'constant sub-expression in condition (not expected in this data)');
  else fail(where, 'condition mixes feature tests and field tests under || or !; cannot separate them');
  return true;
}

// Feature expressions are kept in disjunctive normal form: an array of
// terms, each an array of literals "FEAT_X" or "!FEAT_X"; [] is false and
// [[]] is true. DNF makes the runtime test a flat loop, and the expressions
// in the data are small (a few ORs of ANDs) so it does not blow up.

function dnfAnd(a, b) {
  const out = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function featureDnf(ast, neg, where) {
  switch (ast._type) {
    case 'AST.Bool':
      return ast.value !== neg ? [[]] : [];
    case 'AST.Function': {
      const args = ast.arguments ?? [];
      if (ast.name !== 'IsFeatureImplemented' || args.length !== 1 || args[0]._type !== 'AST.Identifier') {
        fail(where, `unsupported function in condition: ${ast.name}/${args.length}`);
      }
      const feat = args[0].value;
      if (typeof feat !== 'string' || !/^FEAT_\w+$/.test(feat)) fail(where, `odd feature name ${feat}`);
      return [[neg ? `!${feat}` : feat]];
    }
    case 'AST.UnaryOp':
      if (ast.op !== '!') fail(where, `unsupported unary operator ${ast.op}`);
      return featureDnf(ast.expr, !neg, where);
    case 'AST.BinaryOp': {
      const isAnd = ast.op === '&&';
      if (!isAnd && ast.op !== '||') fail(where, `unsupported operator ${ast.op} in a feature test`);
      const l = featureDnf(ast.left, neg, where);
      const r = featureDnf(ast.right, neg, where);
      // De Morgan: under negation && becomes || and vice versa.
      return isAnd !== neg ? dnfAnd(l, r) : [...l, ...r];
    }
    default:
      return fail(where, `unsupported node ${ast._type} in a feature test`);
  }
}

/** Canonical DNF: sorted literals, no contradictory terms, no absorbed terms, sorted terms. */
function simplifyDnf(dnf) {
  let terms = [];
  for (const t of dnf) {
    const lits = [...new Set(t)].sort();
    if (lits.some((l) => !l.startsWith('!') && lits.includes(`!${l}`))) continue;
    terms.push(lits);
  }
  // A term that contains all literals of another term adds nothing.
  terms = terms.filter(
    (t, i) => !terms.some((o, j) => j !== i && o.every((l) => t.includes(l)) && (o.length < t.length || j < i)),
  );
  const key = (t) => t.join('&');
  terms.sort((a, b) => a.length - b.length || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return terms;
}

// Field tests become conjunctive normal form over word literals: clauses
// (ORs) of literals { mask, value, neg } meaning ((w & mask) === value) !== neg.
// CNF suits the data: almost everything is a single literal, and single
// positive literals can then be folded into the encoding's mask/value.

function fieldLiteral(identNode, valueNode, neg, scope, where) {
  if (identNode?._type !== 'AST.Identifier') fail(where, `expected a field name, got ${identNode?._type}`);
  const field = scope.get(identNode.value);
  if (!field) fail(where, `condition refers to unknown field ${identNode.value}`);
  const bits = patternBits(valueNode, where);
  if (bits.length !== field.width) {
    fail(where, `field ${identNode.value} is ${field.width} bits but is compared with ${bits.length}-bit ${valueNode.value}`);
  }
  return { ...placePattern(bits, field.start, where), neg };
}

function wordCnf(ast, neg, scope, where) {
  switch (ast._type) {
    case 'AST.UnaryOp':
      if (ast.op !== '!') fail(where, `unsupported unary operator ${ast.op}`);
      return wordCnf(ast.expr, !neg, scope, where);
    case 'AST.BinaryOp':
      switch (ast.op) {
        case '==':
        case '!=':
          return [[fieldLiteral(ast.left, ast.right, (ast.op === '!=') !== neg, scope, where)]];
        case 'IN': {
          if (ast.right?._type !== 'AST.Set' || !Array.isArray(ast.right.values)) fail(where, 'IN without a set');
          const lits = ast.right.values.map((v) => fieldLiteral(ast.left, v, neg, scope, where));
          // x IN {a,b}: one clause (a | b); !(x IN {a,b}): clauses !a, !b.
          return neg ? lits.map((l) => [l]) : [lits];
        }
        case '&&':
        case '||': {
          const l = wordCnf(ast.left, neg, scope, where);
          const r = wordCnf(ast.right, neg, scope, where);
          if ((ast.op === '&&') !== neg) return [...l, ...r];
          const out = [];
          for (const x of l) for (const y of r) out.push([...x, ...y]);
          return out;
        }
        default:
          return fail(where, `unsupported operator ${ast.op} in a field test`);
      }
    default:
      return fail(where, `unsupported node ${ast._type} in a field test`);
  }
}

/**
 * Simplify field clauses against the fixed bits of the encoding, folding
 * unit positive clauses into the fixed bits until nothing changes.
 * Returns { mask, value, clauses } or fails if the encoding is unreachable
 * (that would mean we misread the data, so it is an error, not a skip).
 */
function foldClauses(mask, value, clauses, where) {
  let pending = clauses;
  for (;;) {
    const next = [];
    let folded = false;
    for (const clause of pending) {
      const lits = [];
      let satisfied = false;
      for (const lit of clause) {
        // Bits of the literal already fixed by the encoding decide part of it.
        const clash = u32(lit.mask & mask & (lit.value ^ value)) !== 0;
        const free = u32(lit.mask & ~mask);
        const truth = clash ? false : free === 0 ? true : null; // null: depends on free bits
        if (truth === null) {
          lits.push({ mask: free, value: u32(lit.value & free), neg: lit.neg });
        } else if (truth !== lit.neg) {
          satisfied = true;
          break;
        }
      }
      if (satisfied) continue;
      if (lits.length === 0) fail(where, 'conditions contradict the encoding; the instruction would be unreachable');
      if (lits.length === 1 && !lits[0].neg && !folded) {
        mask = u32(mask | lits[0].mask);
        value = u32(value | lits[0].value);
        folded = true; // re-simplify everything against the new fixed bits
        continue;
      }
      next.push(lits);
    }
    pending = next;
    if (!folded) break;
  }
  // Canonical order so output does not depend on how the AST was nested.
  const litKey = (l) => `${l.neg ? 1 : 0}:${l.mask}:${l.value}`;
  const canon = new Map();
  for (const c of pending) {
    const lits = [...new Map(c.map((l) => [litKey(l), l])).values()].sort((a, b) =>
      litKey(a) < litKey(b) ? -1 : litKey(a) > litKey(b) ? 1 : 0,
    );
    canon.set(lits.map(litKey).join('|'), lits);
  }
  const keys = [...canon.keys()].sort();
  return { mask, value, clauses: keys.map((k) => canon.get(k)) };
}

// ---------------------------------------------------------------------------
// Flattening.

/**
 * Walk Instructions.json and return one record per Instruction leaf, in
 * document order:
 *   { name, mnemonic, group, mask, value, clauses, features }
 * where clauses are the field tests left after folding (CNF) and features
 * the feature requirement (DNF).
 */
export function flattenA64(instructionsJson) {
  const roots = instructionsJson?.instructions;
  if (!Array.isArray(roots)) fail(null, 'Instructions.json has no "instructions" array');
  const a64 = roots.filter((r) => r?._type === 'Instruction.InstructionSet' && r.name === 'A64');
  if (a64.length !== 1) fail(null, `expected one A64 InstructionSet, found ${a64.length}`);
  const leaves = [];
  const seenNames = new Set();

  function visit(node, path, scope, mask, value, featParts, wordParts, sbMask, sbValue) {
    const where = [...path, node.name].join('/');
    const t = node._type;
    if (t === 'Instruction.InstructionAlias') return; // same encoding as its parent instruction
    if (t !== 'Instruction.InstructionSet' && t !== 'Instruction.InstructionGroup' && t !== 'Instruction.Instruction') {
      fail(where, `unexpected node type ${t}`);
    }
    if (typeof node.name !== 'string' || node.name === '') fail(where, 'node without a name');
    const enc = node.encoding;
    if (!enc || enc._type !== 'Instruction.Encodeset.Encodeset' || !Array.isArray(enc.values)) {
      fail(where, 'node without an encodeset');
    }
    if (enc.width !== undefined && enc.width !== 32) fail(where, `encodeset width ${enc.width}, expected 32`);

    const ownScope = new Map(scope);
    const ownNames = new Set();
    for (const item of enc.values) {
      if (item._type !== 'Instruction.Encodeset.Field' && item._type !== 'Instruction.Encodeset.Bits') {
        fail(where, `unexpected encodeset item ${item._type}`);
      }
      const { start, width } = item.range ?? {};
      if (!Number.isInteger(start) || !Number.isInteger(width) || width < 1) fail(where, 'encodeset item without a range');
      const bits = patternBits(item.value, where);
      if (bits.length !== width) fail(where, `pattern ${item.value.value} does not fill its ${width}-bit range`);
      // should_be_mask marks SBO/SBZ bits. The pattern still shows the
      // expected value there (LDXR's Rs is '11111' with should_be_mask
      // '11111'), but a word with other values in those bits is the same
      // instruction (CONSTRAINED UNPREDICTABLE), not an unallocated one, so
      // those bits are removed from the decode mask.
      const sbBits = patternBits(item.should_be_mask ?? { _type: 'Values.Value', value: `'${'0'.repeat(width)}'` }, where);
      if (sbBits.length !== width || sbBits.includes('x')) fail(where, `odd should_be_mask ${item.should_be_mask?.value}`);
      const shouldBe = placePattern(sbBits.replace(/0/g, 'x'), start, where).mask;
      const placed = placePattern(bits, start, where);
      // Keep the expected values of should-be bits: a word that differs there
      // is CONSTRAINED UNPREDICTABLE, which decoders and tests need to know.
      sbMask = u32(sbMask | shouldBe);
      sbValue = u32((sbValue & ~shouldBe) | (placed.value & shouldBe));
      placed.mask = u32(placed.mask & ~shouldBe);
      placed.value = u32(placed.value & ~shouldBe);
      if (u32(placed.mask & mask & (placed.value ^ value)) !== 0) {
        fail(where, 'encodeset contradicts an ancestor; the node would be unreachable');
      }
      mask = u32(mask | placed.mask);
      value = u32(value | placed.value);
      if (item._type === 'Instruction.Encodeset.Field') {
        if (typeof item.name !== 'string' || item.name === '') fail(where, 'Field without a name');
        if (ownNames.has(item.name)) fail(where, `field ${item.name} defined twice in one encodeset`);
        ownNames.add(item.name);
        ownScope.set(item.name, { start, width });
      }
    }

    const feats = [...featParts];
    const words = [...wordParts];
    const wordAsts = [];
    if (!node.condition) fail(where, 'node without a condition');
    if (!splitCondition(node.condition, where, feats, wordAsts)) fail(where, 'condition is constantly false');
    // Field tests are compiled in this node's scope, now, because a
    // descendant may reuse the name for different bits.
    for (const w of wordAsts) words.push(...wordCnf(w, false, ownScope, where));

    if (t === 'Instruction.Instruction') {
      if (path.length < 2) fail(where, 'instruction outside any top-level group');
      const sym = node.assembly?.symbols?.[0];
      if (sym?._type !== 'Instruction.Symbols.Literal' || typeof sym.value !== 'string' || !/^[A-Z][A-Z0-9]*$/.test(sym.value)) {
        fail(where, `cannot find the mnemonic (first assembly symbol is ${JSON.stringify(sym)?.slice(0, 80)})`);
      }
      if (seenNames.has(node.name)) fail(where, 'duplicate instruction name');
      seenNames.add(node.name);
      const folded = foldClauses(mask, value, words, where);
      let features = [[]];
      for (const f of feats) features = dnfAnd(features, featureDnf(f, false, where));
      features = simplifyDnf(features);
      if (features.length === 0) fail(where, 'feature condition can never hold');
      leaves.push({
        name: node.name,
        mnemonic: sym.value,
        group: path[1],
        mask: folded.mask,
        value: folded.value,
        clauses: folded.clauses,
        features,
        sbMask,
        sbValue,
      });
      for (const c of node.children ?? []) {
        if (c._type !== 'Instruction.InstructionAlias') fail(`${where}/${c.name}`, `unexpected ${c._type} under an instruction`);
      }
      return;
    }
    const children = node.children;
    if (!Array.isArray(children) || children.length === 0) fail(where, 'group without children');
    for (const c of children) visit(c, [...path, node.name], ownScope, mask, value, feats, words, sbMask, sbValue);
  }

  visit(a64[0], [], new Map(), 0, 0, [], [], 0, 0);
  return leaves;
}

// ---------------------------------------------------------------------------
// Overlaps.

/** Do the residual field tests of `leaf` hold for word w? */
function fieldTestsHold(leaf, w) {
  return leaf.clauses.every((c) => c.some((l) => (u32(w & l.mask) === l.value) !== l.neg));
}

/**
 * Find every pair of encodings that some word satisfies both of (with all
 * features implemented; features only ever remove matches). The check is
 * exact: words in the intersection only differ in the bits the residual
 * field tests look at, and those are few, so we enumerate them.
 *
 * The runtime resolves an overlap by trying encodings with more fixed bits
 * first. That is only well defined if, for each overlapping pair, one mask
 * strictly contains the other; anything else is reported as an error so a
 * new release with a different kind of overlap gets looked at by a person.
 * In the 2024-12 release the only overlaps are the named hints (NOP, BTI,
 * PACIASP, ...) inside the generic HINT encoding. More specific first is
 * also what the architecture wants there: a hint whose feature is not
 * implemented executes as a plain HINT (a NOP).
 */
export function findOverlaps(leaves) {
  const overlaps = [];
  for (let i = 0; i < leaves.length; i++) {
    const a = leaves[i];
    for (let j = i + 1; j < leaves.length; j++) {
      const b = leaves[j];
      if (u32((a.value ^ b.value) & a.mask & b.mask) !== 0) continue;
      const fixed = u32(a.mask | b.mask);
      const base = u32(a.value | b.value);
      let probe = 0;
      for (const c of [...a.clauses, ...b.clauses]) for (const l of c) probe = u32(probe | l.mask);
      probe = u32(probe & ~fixed);
      if (popcount(probe) > 20) fail(`${a.name}/${b.name}`, 'too many constrained bits to check overlap exactly');
      let overlapping = false;
      // Enumerate all subsets of `probe` (standard subset-walk).
      let s = 0;
      do {
        const w = u32(base | s);
        if (fieldTestsHold(a, w) && fieldTestsHold(b, w)) {
          overlapping = true;
          break;
        }
        s = u32((s - probe) & probe);
      } while (s !== 0);
      if (!overlapping) continue;
      const both = u32(a.mask & b.mask);
      let general;
      let specific;
      if (both === a.mask && a.mask !== b.mask) [general, specific] = [a, b];
      else if (both === b.mask && a.mask !== b.mask) [general, specific] = [b, a];
      else {
        fail(
          `${a.name}/${b.name}`,
          'encodings overlap but neither mask contains the other; "more specific wins" cannot resolve them',
        );
      }
      overlaps.push({ general: general.name, specific: specific.name });
    }
  }
  return overlaps;
}

// ---------------------------------------------------------------------------
// Output.

const hex32 = (n) => `0x${u32(n).toString(16).padStart(8, '0')}`;

/** Generate the TypeScript source text (no file is written). */
export function generateA64EncodingsText({ tarball = requireAarchmrsTarball() } = {}) {
  const release = openAarchmrs(tarball);
  const json = release.json('Instructions.json');
  const leaves = flattenA64(json);
  const overlaps = findOverlaps(leaves);
  const meta = json._meta ?? {};
  const ver = meta.version ?? {};

  const groups = [];
  for (const l of leaves) if (!groups.includes(l.group)) groups.push(l.group);

  const featureNames = [
    ...new Set(leaves.flatMap((l) => l.features.flat().map((x) => x.replace(/^!/, '')))),
  ].sort();
  const featIndex = new Map(featureNames.map((f, i) => [f, i]));

  // Deduplicated side tables; index 0 is "no requirement" in both.
  const featExprs = ['[[]]'];
  const fieldTests = ['[]'];
  const intern = (table, text) => {
    let i = table.indexOf(text);
    if (i < 0) i = table.push(text) - 1;
    return i;
  };

  const rows = leaves.map((l) => {
    const fe = `[${l.features
      .map((t) => `[${t.map((x) => (x.startsWith('!') ? ~featIndex.get(x.slice(1)) : featIndex.get(x))).join(',')}]`)
      .join(',')}]`;
    const ft = `[${l.clauses.map((c) => `[${c.map((x) => `${hex32(x.mask)},${hex32(x.value)},${x.neg ? 1 : 0}`).join(',')}]`).join(',')}]`;
    const sb = l.sbMask ? `,${hex32(l.sbMask)},${hex32(l.sbValue)}` : '';
    return `[${hex32(l.mask)},${hex32(l.value)},'${l.mnemonic}','${l.name}',${groups.indexOf(l.group)},${intern(featExprs, fe)},${intern(fieldTests, ft)}${sb}],`;
  });

  const out = [];
  out.push(
    ...generatedHeader(
      SCRIPT,
      release,
      [
        `  Instructions.json: architecture ${ver.architecture}, build ${ver.build}, schema ${ver.schema}, ${ver.timestamp}`,
        `${leaves.length} encodings. ${overlaps.length} pairs overlap, each a specific encoding inside a more`,
        `general one (${[...new Set(overlaps.map((o) => o.general))].sort().join(', ') || 'none'}); the matcher tries more fixed bits first.`,
      ],
      meta,
    ),
  );
  out.push(
    '// Layout (see emulator/arch/a64-mnemonic.ts for the matcher):',
    '//  A64_ENCODINGS rows, in specification order:',
    '//    [mask, value, mnemonic, name, group, featureExpr, fieldTest, shouldBeMask?, shouldBeValue?]',
    '//    shouldBeMask/Value: SBZ/SBO bits and their expected values (absent: none);',
    '//    a word with other values there is the same instruction, CONSTRAINED UNPREDICTABLE.',
    '//    A word w is this encoding when (w & mask) === value, the field test',
    '//    holds and the feature expression holds. Field conditions that simply',
    '//    fix bits are already folded into mask/value.',
    '//  A64_FEATURE_EXPRS: disjunctive normal form, a list of terms each a list of',
    '//    A64_FEATURES indices that must all be implemented (~i: must not be).',
    '//    Index 0 is "no feature needed".',
    '//  A64_FIELD_TESTS: conjunctive normal form over the word, a list of clauses;',
    '//    a clause is a flat list of (mask, value, negate) triples and holds if',
    '//    ((w & mask) === value) !== negate for any triple. Index 0 is "none".',
    '',
    'export type A64EncodingRow = readonly [',
    '  mask: number,',
    '  value: number,',
    '  mnemonic: string,',
    '  name: string,',
    '  group: number,',
    '  featureExpr: number,',
    '  fieldTest: number,',
    '  shouldBeMask?: number,',
    '  shouldBeValue?: number,',
    '];',
    '',
    'export const A64_SOURCE = {',
    `  tarball: '${release.fileName}',`,
    `  sha256: '${release.sha256}',`,
    `  architecture: '${ver.architecture}',`,
    `  build: '${ver.build}',`,
    '} as const;',
    '',
    `export const A64_GROUPS: readonly string[] = [${groups.map((g) => `'${g}'`).join(', ')}];`,
    '',
    'export const A64_FEATURES: readonly string[] = [',
  );
  for (let i = 0; i < featureNames.length; i += 6) {
    out.push(`  ${featureNames.slice(i, i + 6).map((f) => `'${f}'`).join(', ')},`);
  }
  out.push(
    '];',
    '',
    'export const A64_FEATURE_EXPRS: readonly (readonly (readonly number[])[])[] = [',
    ...featExprs.map((e) => `${e},`),
    '];',
    '',
    'export const A64_FIELD_TESTS: readonly (readonly (readonly number[])[])[] = [',
    ...fieldTests.map((e) => `${e},`),
    '];',
    '',
    'export const A64_ENCODINGS: readonly A64EncodingRow[] = [',
    ...rows,
    '];',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------

runGeneratorCli(import.meta.url, () => [[OUTPUT_PATH, generateA64EncodingsText()]]);
