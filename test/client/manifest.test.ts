/**
 * The extension manifest holds together: every command a menu, walkthrough
 * step or activation event names is contributed; languages and grammars
 * point at files that exist; walkthrough steps have their media; the debug
 * type's launch attributes are the ones the adapter accepts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;
const commands = new Set<string>(c.commands.map((x: { command: string }) => x.command));

describe('package.json', () => {
  it('names only contributed commands in menus, walkthroughs and activation events', () => {
    const named: string[] = [];
    for (const list of Object.values(c.menus) as { command: string }[][]) for (const m of list) named.push(m.command);
    for (const w of c.walkthroughs) {
      for (const s of w.steps) {
        for (const ev of s.completionEvents ?? []) if (ev.startsWith('onCommand:')) named.push(ev.slice('onCommand:'.length));
        for (const m of (s.description as string).matchAll(/\(command:([\w.]+)\)/g)) named.push(m[1]!);
      }
    }
    for (const ev of pkg.activationEvents as string[]) if (ev.startsWith('onCommand:')) named.push(ev.slice('onCommand:'.length));
    expect(named.filter((n) => !commands.has(n))).toEqual([]);
  });

  it('points languages, grammars and walkthrough media at files that exist', () => {
    expect(c.languages.map((l: { id: string }) => l.id)).toEqual(['nvlab-traps']);
    const files = [...c.languages.map((l: { configuration: string }) => l.configuration), ...c.grammars.map((g: { path: string }) => g.path)];
    for (const w of c.walkthroughs) for (const s of w.steps) files.push(s.media.markdown ?? s.media.image);
    expect(files.filter((f: string) => !existsSync(join(ROOT, f)))).toEqual([]);
    expect(c.walkthroughs[0].steps.map((s: { id: string }) => s.id)).toEqual(['example', 'table', 'debug', 'explore']);
  });

  it("declares the launch attributes the adapter accepts, and only those", () => {
    const declared = Object.keys(c.debuggers[0].configurationAttributes.launch.properties).sort();
    const src = readFileSync(join(ROOT, 'debug-adapter', 'src', 'launch-config.ts'), 'utf8');
    const known = /nvlab knows ([^)]+)\)/.exec(src)![1]!.split(', ').filter((k) => k !== 'cwd').sort();
    expect(declared.filter((k) => k !== 'cwd')).toEqual(known);
  });
});
