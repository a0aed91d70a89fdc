/**
 * `nvlab import-kvm FILE.c`: converts KVM/arm64's nested-virtualization trap
 * tables (a file in the format of Linux's arch/arm64/kvm/emulate-nested.c)
 * into a `.traps` file on stdout; what cannot be translated is reported on
 * stderr as `file:line: warning: ...`. Exit 0, 1 when nothing could be
 * imported, 2 when the file cannot be read. The importer is
 * emulator/traps/import-kvm.ts.
 */
import { readFileSync } from 'node:fs';
import { formatImportWarning, importKvm } from '../traps/import-kvm.js';

export const IMPORT_KVM_USAGE = 'nvlab import-kvm FILE.c';

const HELP = `usage: ${IMPORT_KVM_USAGE}

Reads KVM's trap tables from FILE.c (the format of Linux's
arch/arm64/kvm/emulate-nested.c: coarse_trap_bits, coarse_control_combo,
ccc, encoding_to_cgt, encoding_to_fgt) and writes them as a .traps file
(docs/trap-language.md) to stdout, each item after a comment naming its
line in FILE.c. Entries that cannot be translated are left out, with a
comment at their place and a warning on stderr.

  nvlab import-kvm emulate-nested.c > kvm.traps && nvlab check kvm.traps

Exit status: 0, 1 when nothing could be imported, 2 when FILE.c cannot be read.
`;

export function cmdImportKvm(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const files: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      out(HELP);
      return 0;
    }
    if (a.startsWith('-') && a !== '-') {
      err(`nvlab: import-kvm: unknown option ${a} (usage: ${IMPORT_KVM_USAGE})\n`);
      return 2;
    }
    files.push(a);
  }
  if (files.length !== 1) {
    err(`nvlab: import-kvm: ${files.length === 0 ? 'no file given' : 'one file at a time'} (usage: ${IMPORT_KVM_USAGE})\n`);
    return 2;
  }
  const file = files[0]!;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    err(`nvlab: import-kvm: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  const r = importKvm(text, file === '-' ? '<stdin>' : file);
  out(r.text);
  for (const w of r.warnings) err(formatImportWarning(w) + '\n');
  if (r.imported === 0) {
    err(`nvlab: import-kvm: nothing could be imported from ${file}\n`);
    return 1;
  }
  return 0;
}
