/**
 * Register cards in assembly and C: the word under the cursor is a system
 * register or instruction if it names one in any of the spellings kernels
 * and hypervisors use: `hcr_el2`, `HCR_EL2`, `SYS_ID_AA64PFR0_EL1` (Linux's
 * sysreg.h), `S3_4_C1_C1_0`, `read_sysreg(vttbr_el2)`.
 */
import { type Hover, MarkupKind } from 'vscode-languageserver';
import { type DocsLookup, findRegister, registerCard } from './register-card.js';

const WORD = /[A-Za-z0-9_]/;

function wordAt(text: string, offset: number): { word: string; start: number; end: number } | null {
  let start = offset;
  let end = offset;
  while (start > 0 && WORD.test(text[start - 1]!)) start--;
  while (end < text.length && WORD.test(text[end]!)) end++;
  if (start === end) return null;
  return { word: text.slice(start, end), start, end };
}

function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, character: offset - last - 1 };
}

export function registerHoverAt(text: string, offset: number, docs?: DocsLookup): Hover | null {
  const w = wordAt(text, offset);
  if (!w) return null;
  // Register names have an _ELx suffix or are generic encodings; short words are never looked up.
  const candidates = [w.word, w.word.replace(/^SYS_/i, '')];
  for (const c of candidates) {
    if (!/_EL[0-3][0-9]?$/i.test(c) && !/^S[0-3]_[0-7]_C\d+_C\d+_[0-7]$/i.test(c)) continue;
    const m = findRegister(c);
    if (m) return { contents: { kind: MarkupKind.Markdown, value: registerCard(m, [], docs) }, range: { start: position(text, w.start), end: position(text, w.end) } };
  }
  return null;
}
