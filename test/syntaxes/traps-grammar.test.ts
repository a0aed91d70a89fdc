/**
 * The TextMate grammar of `.traps` files, tokenized by vscode-textmate with
 * the Oniguruma engine VS Code uses: the scope of every construct.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, type IGrammar, Registry, parseRawGrammar } from 'vscode-textmate';

const require = createRequire(import.meta.url);
const GRAMMAR = new URL('../../syntaxes/traps.tmLanguage.json', import.meta.url);
let grammar: IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.nvlab-traps' ? parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR.pathname) : null),
  });
  grammar = (await registry.loadGrammar('source.nvlab-traps'))!;
});

/** Each non-blank token of the lines as "text: innermost scope". */
function scopes(text: string): string[] {
  let state = INITIAL;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim() === '') continue;
      out.push(`${s.trim()}: ${t.scopes[t.scopes.length - 1]!.replace(/\.nvlab-traps$/, '')}`);
    }
    state = r.ruleStack;
  }
  return out;
}

describe('traps grammar', () => {
  it('scopes a control definition: keyword, name, access, condition', () => {
    expect(scopes('control TID3 forwards reads even in host EL0 when HCR_EL2.TID3 == 1 && MDCR_EL2[13:12] != 0b01 # comment')).toEqual([
      'control: keyword.declaration.control',
      'TID3: entity.name.function.control',
      'forwards: keyword.other',
      'reads: keyword.other',
      'even: keyword.other',
      'in: keyword.other',
      'host: keyword.other',
      'EL0: keyword.other',
      'when: keyword.other',
      'HCR_EL2: support.variable.register',
      '.: punctuation.accessor',
      'TID3: variable.other.field',
      '==: keyword.operator.comparison',
      '1: constant.numeric',
      '&&: keyword.operator.comparison',
      'MDCR_EL2: support.variable.register',
      '[: punctuation.section.brackets',
      '13: constant.numeric',
      ':: punctuation.separator',
      '12: constant.numeric',
      ']: punctuation.section.brackets',
      '!=: keyword.operator.comparison',
      '0b01: constant.numeric',
      '#: punctuation.definition.comment',
      'comment: comment.line.number-sign',
    ]);
  });

  it('scopes built-ins, combinations and includes', () => {
    expect(scopes('control EL1PCTEN forwards all when builtin cnthctl_el1pcten')).toContain('cnthctl_el1pcten: support.function.builtin');
    expect(scopes('combine TVM_TRVM = TVM + TRVM')).toEqual([
      'combine: keyword.declaration.combine',
      'TVM_TRVM: entity.name.function.combine',
      '=: keyword.operator',
      'TVM: variable.function.control',
      '+: keyword.operator',
      'TRVM: variable.function.control',
    ]);
    expect(scopes('include "kvm.traps"')).toEqual(['include: keyword.control.import', '"kvm.traps": string.quoted.double']);
  });

  it('scopes trap targets: names, instructions, generic names, encodings, ranges, and the control', () => {
    expect(scopes('trap SCTLR_EL1, TLBI VAE1IS, S3_0_C11_C0_0,\n     (3, 0, 11, 0, 0) to (3, 0, 11, 15, 7) with TVM_TRVM')).toEqual([
      'trap: keyword.declaration.trap',
      'SCTLR_EL1: support.variable.register',
      ',: punctuation.separator',
      'TLBI: support.function.instruction',
      'VAE1IS: support.function.instruction',
      ',: punctuation.separator',
      'S3_0_C11_C0_0: support.variable.register.generic',
      ',: punctuation.separator',
      '(: punctuation.section.parens',
      '3: constant.numeric',
      ',: punctuation.separator',
      '0: constant.numeric',
      ',: punctuation.separator',
      '11: constant.numeric',
      ',: punctuation.separator',
      '0: constant.numeric',
      ',: punctuation.separator',
      '0: constant.numeric',
      '): punctuation.section.parens',
      'to: keyword.other',
      '(: punctuation.section.parens',
      '3: constant.numeric',
      ',: punctuation.separator',
      '0: constant.numeric',
      ',: punctuation.separator',
      '11: constant.numeric',
      ',: punctuation.separator',
      '15: constant.numeric',
      ',: punctuation.separator',
      '7: constant.numeric',
      '): punctuation.section.parens',
      'with: keyword.other.with',
      'TVM_TRVM: variable.function.control',
    ]);
  });

  it('scopes fine-grained traps: the register, the bit, the polarity and unless', () => {
    expect(scopes('finetrap TLBI VAE1NXS with HFGITR_EL2.TLBIVAE1 == 0 unless HCRX_EL2.FGTnXS == 1')).toEqual([
      'finetrap: keyword.declaration.trap',
      'TLBI: support.function.instruction',
      'VAE1NXS: support.function.instruction',
      'with: keyword.other',
      'HFGITR_EL2: support.variable.register.fine-grained',
      '.: punctuation.accessor',
      'TLBIVAE1: variable.other.field',
      '==: keyword.operator.comparison',
      '0: constant.numeric',
      'unless: keyword.other',
      'HCRX_EL2: support.variable.register',
      '.: punctuation.accessor',
      'FGTnXS: variable.other.field',
      '==: keyword.operator.comparison',
      '1: constant.numeric',
    ]);
    expect(scopes('finetrap TPIDR2_EL0 with HFGxTR_EL2.nTPIDR2_EL0 == 0')).toContain('HFGxTR_EL2: support.variable.register.fine-grained');
  });

  it('tokenizes the whole default table without a line left unscoped beyond white space', () => {
    const text = readFileSync(new URL('../../emulator/traps/default.traps', import.meta.url), 'utf8');
    const bare = scopes(text).filter((s) => s.endsWith(': source'));
    expect(bare).toEqual([]);
  });
});

describe('the language contribution', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { language: string; scopeName: string; path: string }[] };
  };

  it('registers .traps with its grammar and configuration', () => {
    const lang = manifest.contributes.languages.find((l) => l.id === 'nvlab-traps')!;
    expect(lang.extensions).toEqual(['.traps']);
    const g = manifest.contributes.grammars.find((x) => x.language === 'nvlab-traps')!;
    expect(g.scopeName).toBe('source.nvlab-traps');
    expect(JSON.parse(readFileSync(new URL(`../../${g.path}`, import.meta.url), 'utf8')).scopeName).toBe(g.scopeName);
    const conf = JSON.parse(readFileSync(new URL(`../../${lang.configuration}`, import.meta.url), 'utf8')) as { comments: { lineComment: string }; wordPattern: string };
    expect(conf.comments.lineComment).toBe('#');
    // Register names are one word, _EL2 included; so are numbers with their prefix.
    const words = (s: string): string[] => s.match(new RegExp(conf.wordPattern, 'g')) ?? [];
    expect(words('trap HCR_EL2.TID3 == 0x1_0 with TID3')).toEqual(['trap', 'HCR_EL2', 'TID3', '0x1_0', 'with', 'TID3']);
  });
});
