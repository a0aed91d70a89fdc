/**
 * The expression language of emulator/arch/generated/features.ts: feature
 * names, register-field comparisons and the connectives of Arm's
 * Features.json (&&, ||, !, -->, <->). gen-features.mjs prints the
 * constraints in this syntax so the generated file stays readable; this
 * module parses them back and evaluates them.
 *
 * Syntax (gen-features.mjs `printExpr` is the other half; a test checks that
 * every generated expression parses and prints back to the same text):
 *   expr    := or (('-->' | '<->') or)?        non-associative: chains need ()
 *   or      := and ('||' and)*
 *   and     := unary ('&&' unary)*
 *   unary   := '!' unary | primary
 *   primary := '(' expr ')' | 'TRUE' | 'FALSE' | field op INT | NAME
 *   field   := REG '.' FIELD | 'SInt(' REG '.' FIELD ')'   (signed comparison)
 *   op      := '==' | '!=' | '>=' | '<=' | '>' | '<'
 */

export type CmpOp = '==' | '!=' | '>=' | '<=' | '>' | '<';

export type Expr =
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'bool'; readonly value: boolean }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'and' | 'or'; readonly es: readonly Expr[] }
  | { readonly k: 'imp' | 'iff'; readonly l: Expr; readonly r: Expr }
  | {
      readonly k: 'cmp';
      readonly op: CmpOp;
      readonly reg: string;
      readonly field: string;
      readonly signed: boolean;
      readonly value: number;
    };

export class ExprSyntaxError extends Error {
  constructor(text: string, pos: number, what: string) {
    super(`cannot parse feature expression at ${pos}: ${what}\n  ${text}`);
    this.name = 'ExprSyntaxError';
  }
}

const TOKEN = /\s*(-->|<->|\|\||&&|==|!=|>=|<=|[()!<>.]|-?\d+|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(text: string): { tok: string; pos: number }[] {
  const out: { tok: string; pos: number }[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new ExprSyntaxError(text, pos, `unexpected character ${JSON.stringify(text.slice(pos).trimStart()[0])}`);
    out.push({ tok: m[1]!, pos: pos + m[0].length - m[1]!.length });
    pos = TOKEN.lastIndex;
  }
  return out;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CMP_OPS: ReadonlySet<string> = new Set(['==', '!=', '>=', '<=', '>', '<']);

export function parseExpr(text: string): Expr {
  const toks = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => toks[i]?.tok;
  const where = (): number => toks[i]?.pos ?? text.length;
  const expect = (t: string): void => {
    if (peek() !== t) throw new ExprSyntaxError(text, where(), `expected ${t}, found ${peek() ?? 'end'}`);
    i++;
  };
  const ident = (): string => {
    const t = peek();
    if (t === undefined || !IDENT.test(t)) throw new ExprSyntaxError(text, where(), `expected a name, found ${t ?? 'end'}`);
    i++;
    return t;
  };
  const comparison = (reg: string, field: string, signed: boolean): Expr => {
    const op = peek();
    if (op === undefined || !CMP_OPS.has(op)) {
      throw new ExprSyntaxError(text, where(), `expected a comparison after ${reg}.${field}`);
    }
    i++;
    const n = peek();
    if (n === undefined || !/^-?\d+$/.test(n)) throw new ExprSyntaxError(text, where(), 'expected an integer');
    i++;
    return { k: 'cmp', op: op as CmpOp, reg, field, signed, value: Number(n) };
  };
  const primary = (): Expr => {
    const t = peek();
    if (t === '(') {
      i++;
      const e = expr();
      expect(')');
      return e;
    }
    if (t === 'TRUE' || t === 'FALSE') {
      i++;
      return { k: 'bool', value: t === 'TRUE' };
    }
    if (t === 'SInt' && toks[i + 1]?.tok === '(') {
      i += 2;
      const reg = ident();
      expect('.');
      const field = ident();
      expect(')');
      return comparison(reg, field, true);
    }
    const name = ident();
    if (peek() === '.') {
      i++;
      return comparison(name, ident(), false);
    }
    return { k: 'id', name };
  };
  const unary = (): Expr => {
    if (peek() === '!') {
      i++;
      return { k: 'not', e: unary() };
    }
    return primary();
  };
  const nary = (k: 'and' | 'or', op: string, sub: () => Expr): Expr => {
    const es = [sub()];
    while (peek() === op) {
      i++;
      es.push(sub());
    }
    return es.length === 1 ? es[0]! : { k, es };
  };
  const and = (): Expr => nary('and', '&&', unary);
  const or = (): Expr => nary('or', '||', and);
  const expr = (): Expr => {
    const l = or();
    const t = peek();
    if (t !== '-->' && t !== '<->') return l;
    i++;
    const r = or();
    if (peek() === '-->' || peek() === '<->') {
      throw new ExprSyntaxError(text, where(), `${peek()} after ${t}: parenthesise chained implications`);
    }
    return { k: t === '-->' ? 'imp' : 'iff', l, r };
  };
  const e = expr();
  if (i !== toks.length) throw new ExprSyntaxError(text, where(), `unexpected ${peek()}`);
  return e;
}

const PREC = { imp: 1, iff: 1, or: 2, and: 3, cmp: 4, not: 5, id: 6, bool: 6 } as const;

/** The canonical text (the same rules as gen-features.mjs). */
export function printExpr(e: Expr): string {
  const wrap = (c: Expr, min: number): string => (PREC[c.k] < min ? `(${printExpr(c)})` : printExpr(c));
  switch (e.k) {
    case 'id':
      return e.name;
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'cmp':
      return `${e.signed ? `SInt(${e.reg}.${e.field})` : `${e.reg}.${e.field}`} ${e.op} ${e.value}`;
    case 'not':
      return `!${wrap(e.e, PREC.not)}`;
    case 'and':
      return e.es.map((c) => wrap(c, PREC.cmp)).join(' && ');
    case 'or':
      // && inside || gets parentheses too, as the generator prints it.
      return e.es.map((c) => wrap(c, PREC.and + 1)).join(' || ');
    case 'imp':
    case 'iff':
      return `${wrap(e.l, PREC.or)} ${e.k === 'imp' ? '-->' : '<->'} ${wrap(e.r, PREC.or)}`;
  }
}

/** A comparison on a field value (raw bits; interpreted as signed when the expression says so). */
export function compare(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
  }
}

/**
 * Values of names and fields for evaluation. `undefined` means unknown and
 * makes evaluate() three-valued (Kleene logic): the result is undefined
 * only if the known values do not decide it.
 */
export interface ExprEnv {
  feature(name: string): boolean | undefined;
  /** The field's value as the comparison reads it (already sign-extended when `signed`). */
  field(reg: string, field: string, signed: boolean): number | undefined;
}

export function evaluate(e: Expr, env: ExprEnv): boolean | undefined {
  switch (e.k) {
    case 'id':
      return env.feature(e.name);
    case 'bool':
      return e.value;
    case 'cmp': {
      const v = env.field(e.reg, e.field, e.signed);
      return v === undefined ? undefined : compare(e.op, v, e.value);
    }
    case 'not': {
      const v = evaluate(e.e, env);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      let unknown = false;
      for (const c of e.es) {
        const v = evaluate(c, env);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const c of e.es) {
        const v = evaluate(c, env);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'imp': {
      const l = evaluate(e.l, env);
      if (l === false) return true;
      const r = evaluate(e.r, env);
      if (r === true) return true;
      return l === undefined || r === undefined ? undefined : false;
    }
    case 'iff': {
      const l = evaluate(e.l, env);
      const r = evaluate(e.r, env);
      return l === undefined || r === undefined ? undefined : l === r;
    }
  }
}

/** Calls fn on every node, depth first. */
export function visit(e: Expr, fn: (n: Expr) => void): void {
  fn(e);
  switch (e.k) {
    case 'not':
      visit(e.e, fn);
      break;
    case 'and':
    case 'or':
      for (const c of e.es) visit(c, fn);
      break;
    case 'imp':
    case 'iff':
      visit(e.l, fn);
      visit(e.r, fn);
      break;
    default:
      break;
  }
}

/** Names (features, versions) an expression mentions. */
export function exprNames(e: Expr): Set<string> {
  const out = new Set<string>();
  visit(e, (n) => {
    if (n.k === 'id') out.add(n.name);
  });
  return out;
}

/** Fields an expression reads, as "REG.Field". */
export function exprFields(e: Expr): Set<string> {
  const out = new Set<string>();
  visit(e, (n) => {
    if (n.k === 'cmp') out.add(`${n.reg}.${n.field}`);
  });
  return out;
}
