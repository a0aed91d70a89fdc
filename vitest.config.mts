import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * esbuild inlines enum members when it bundles, so the interpreter's
 * `switch` over `Op` compiles to a jump table. Vitest transforms files one
 * by one, which leaves `Op.X` as property loads and makes V8 emit a chain of
 * compares: emulation-heavy tests would run 30x slower than the product.
 * This plugin does the same inlining for the emulator's dispatch enums.
 */
function inlineDispatchEnums(): Plugin {
  const enums = new Map<string, Map<string, number>>();
  for (const [file, name] of [
    ['emulator/cpu/ops.ts', 'Op'],
    ['emulator/arch/generated/sysreg-rules.ts', 'SR'],
  ] as const) {
    const src = readFileSync(new URL(file, import.meta.url), 'utf8');
    const body = new RegExp(`export enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(src);
    if (!body) throw new Error(`vitest.config: cannot find enum ${name} in ${file}`);
    const members = new Map<string, number>();
    let next = 0;
    for (const line of body[1]!.split('\n')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*(\d+))?\s*,/.exec(line);
      if (!m) continue;
      const v = m[2] !== undefined ? Number(m[2]) : next;
      members.set(m[1]!, v);
      next = v + 1;
    }
    enums.set(name, members);
  }
  const pattern = new RegExp(`\\b(${[...enums.keys()].join('|')})\\.([A-Za-z_][A-Za-z0-9_]*)\\b`, 'g');
  return {
    name: 'nvlab-inline-dispatch-enums',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/emulator\/.*\.ts$/.test(id) || /\/emulator\/(cpu\/ops|arch\/generated\/sysreg-rules)\.ts$/.test(id)) return null;
      return code.replace(pattern, (whole, e: string, member: string) => {
        const v = enums.get(e)!.get(member);
        return v === undefined ? whole : `${v} /* ${e}.${member} */`;
      });
    },
  };
}

/** `.traps` files imported as text, as esbuild's text loader does for the bundles. */
function trapsAsText(): Plugin {
  return {
    name: 'nvlab-traps-text',
    transform(code, id) {
      return id.endsWith('.traps') ? `export default ${JSON.stringify(code)};` : null;
    },
  };
}

export default defineConfig({
  plugins: [inlineDispatchEnums(), trapsAsText()],
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite needs code-server and Chromium: `npm run test:e2e` (.ci/run installs them).
    exclude: ['test/e2e/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
