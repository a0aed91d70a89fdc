/**
 * A real VS Code for the end-to-end tests: code-server (installed by
 * ../shared/tools/setup-code-server.sh) with the packaged .vsix installed into
 * a fresh profile, opened on a workspace in headless Chromium driven by
 * playwright-core. Screenshots of every step go to test-artifacts/e2e/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');

function toolEnv(): { codeServer: string; chromium: string } {
  const file = process.env.NVLAB_E2E_ENV ?? join(homedir(), '.cache', 'nvlab-e2e', 'env.sh');
  if (!existsSync(file)) throw new Error(`code-server is not installed: run ../shared/tools/setup-code-server.sh (looked for ${file})`);
  const vars = Object.fromEntries([...readFileSync(file, 'utf8').matchAll(/^export (\w+)="?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!]));
  return { codeServer: vars.CODE_SERVER!, chromium: vars.CHROMIUM ?? '/usr/bin/chromium' };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Editor {
  readonly page: Page;
  readonly workspace: string;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds the .vsix, installs it in a fresh profile, starts code-server on `workspace` and opens it in Chromium. */
export async function openEditor(files: Record<string, string | Uint8Array>): Promise<Editor> {
  const { codeServer, chromium: chromiumPath } = toolEnv();
  const vsix = join(ROOT, 'nvlab.vsix');
  const pkg = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (pkg.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed:\n${pkg.stdout}\n${pkg.stderr}`);
  const base = mkdtempSync(join(tmpdir(), 'nvlab-e2e-'));
  const userData = join(base, 'user');
  const extensions = join(base, 'extensions');
  const workspace = join(base, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'editor.hover.delay': 200,
      'workbench.colorTheme': 'Default Dark Modern',
      // The chat panel would take a third of every screenshot.
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }),
  );
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(workspace, rel, '..'), { recursive: true });
    writeFileSync(join(workspace, rel), content);
  }
  const install = spawnSync(codeServer, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);
  const port = await freePort();
  const server: ChildProcess = spawn(codeServer, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverLog = '';
  server.stdout!.on('data', (d) => (serverLog += d));
  server.stderr!.on('data', (d) => (serverLog += d));
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/.test(serverLog)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`code-server did not start:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  let n = 0;
  return {
    page,
    workspace,
    shot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${String(++n).padStart(2, '0')}-${name}.png`) });
    },
    close: async () => {
      await browser.close();
      server.kill();
    },
  };
}

/** Files of the example the tests open: mini-hyp and its sources. */
export function exampleFiles(): Record<string, Uint8Array> {
  const dir = join(ROOT, 'examples', 'mini-hyp');
  const out: Record<string, Uint8Array> = {};
  for (const f of ['mini-hyp.S', 'mini-hyp.elf']) out[f] = readFileSync(join(dir, f));
  return out;
}

export { cpSync };
