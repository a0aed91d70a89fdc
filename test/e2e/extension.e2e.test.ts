/**
 * nvlab in a real VS Code (code-server in headless Chromium, the packaged
 * .vsix installed): a trap table's diagnostics in the Problems panel, a
 * register card on hover, field completion, and a nested debug session of
 * mini-hyp stopping at a forwarded trap with its description and the
 * decoded state. Screenshots of each step land in test-artifacts/e2e/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type Editor, exampleFiles, openEditor } from './harness.js';

const TABLE = `# An e2e table
control TID3 forwards reads when HCR_EL2.TID3 == 1
trap ID_AA64PFR0_EL1 with TID3
trap ID_AA64PFR9_EL1 with TID3
`;

const LAUNCH = JSON.stringify({
  version: '0.2.0',
  configurations: [{ type: 'nvlab', request: 'launch', name: 'mini-hyp nested', program: '${workspaceFolder}/mini-hyp.elf', mode: 'nested', stopOnEntry: true }],
});

let ed: Editor;

beforeAll(async () => {
  ed = await openEditor({ 'table.traps': TABLE, '.vscode/launch.json': LAUNCH, ...exampleFiles() });
});
afterAll(async () => {
  await ed?.close();
});
// A failed step leaves a picture of what the editor showed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await ed?.shot(`FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

async function quickOpen(name: string): Promise<void> {
  const p = ed.page;
  await p.keyboard.press('Control+P');
  await p.keyboard.type(name);
  await p.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
  await p.keyboard.press('Enter');
  await p.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 30_000 });
}

describe('nvlab in VS Code', () => {
  it('shows the checker diagnostics of a .traps file in the Problems panel', async () => {
    await quickOpen('table.traps');
    await ed.page.keyboard.press('Control+Shift+M');
    const problem = ed.page.locator('.markers-panel .monaco-list-row', { hasText: "unknown register or instruction 'ID_AA64PFR9_EL1'" });
    await problem.first().waitFor({ timeout: 60_000 });
    await ed.shot('problems');
    expect(await problem.count()).toBeGreaterThan(0);
  });

  it('shows a register card on hover', async () => {
    const p = ed.page;
    await p.locator('.view-line span', { hasText: /^HCR_EL2$/ }).first().hover();
    const hover = p.locator('.monaco-hover', { hasText: 'VNCR_EL2 page offset 0x078' });
    await hover.first().waitFor({ timeout: 30_000 });
    await ed.shot('hover-register-card');
    expect(await hover.first().innerText()).toContain('S3_4_C1_C1_0');
  });

  it('completes the fields of a register after the dot', async () => {
    const p = ed.page;
    await p.keyboard.press('Escape');
    await p.locator('.view-line', { hasText: 'ID_AA64PFR9_EL1' }).first().click();
    await p.keyboard.press('End');
    await p.keyboard.press('Enter');
    await p.keyboard.type('control TVM forwards writes when HCR_EL2.TI');
    const suggest = p.locator('.suggest-widget .monaco-list-row', { hasText: 'TID3' });
    await suggest.first().waitFor({ timeout: 30_000 });
    await ed.shot('completion-fields');
    expect(await suggest.count()).toBeGreaterThan(0);
    await p.keyboard.press('Escape');
  });

  it('debugs mini-hyp nested: stops at a forwarded trap with its description, shows registers and shadow MMUs', async () => {
    const p = ed.page;
    await p.keyboard.press('Control+Shift+D');
    await p.locator('[aria-label^="Start Debugging"]').first().click();
    // Stopped on entry; turn the "Forwarded trap" filter on in the Breakpoints view.
    await p.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    const filter = p.locator('.monaco-list-row[aria-label="Forwarded trap"]');
    await filter.first().waitFor({ timeout: 30_000 });
    await filter.first().locator('.monaco-checkbox').click();
    await p.locator('.monaco-list-row[aria-label="Forwarded trap"][aria-checked="true"]').waitFor({ timeout: 10_000 });
    await ed.shot('debug-entry-filter-on');
    // The first forwarded trap is the guest's hello HVC; continue to its ID register read.
    const hvc = p.getByText('Forwarded to vEL2: HVC #0x0 (EC 0x16) by HVC from a guest always goes to the guest hypervisor');
    const description = p.getByText(/Forwarded to vEL2: MRS x1, ID_AA64PFR0_EL1 \(EC 0x18\) by TID3 at default\.traps:\d+/);
    await p.locator('.debug-toolbar [aria-label^="Continue"]').first().click();
    await hvc.first().waitFor({ timeout: 60_000 });
    await ed.shot('debug-forwarded-hvc');
    await p.locator('.debug-toolbar [aria-label^="Continue"]').first().click();
    await description.first().waitFor({ timeout: 60_000 });
    await ed.shot('debug-forwarded-tid3');
    // The registers as the guest hypervisor sees them at its vector: x1 still holds its guest's.
    await p.locator('.monaco-list-row', { hasText: /x0\s*=\s*0x[0-9a-f]{16}/ }).first().waitFor({ timeout: 30_000 });
    // Open the shadow-MMU view (collapsed at the bottom of the side bar).
    await p.locator('.pane-header', { hasText: /Shadow Stage-2 MMUs/i }).first().click();
    const mmus = p.locator('.monaco-list-row', { hasText: /^context 0/ });
    await mmus.first().waitFor({ timeout: 30_000 });
    expect(await mmus.first().innerText()).toMatch(/context 0 \(loaded\)?: VMID 1|context 0: VMID 1/);
    // Expanded, a context lists what it maps: the guest's code page, as the guest hypervisor mapped it.
    await mmus.first().click();
    const mapping = p.locator('.monaco-list-row', { hasText: 'IPA 0x40000000..0x40000fff' });
    await mapping.first().waitFor({ timeout: 30_000 });
    expect(await mapping.first().innerText()).toContain('PA 0x41000000 (4K, RW, Normal WB, executable)');
    await ed.shot('debug-state-and-mmus');
    expect(await description.count()).toBeGreaterThan(0);
  });

  it('opens the deciding trap-table entry from the trap log, with its hit count as a code lens', async () => {
    const p = ed.page;
    await p.locator('.pane-header', { hasText: /nvlab Trap Log/i }).first().click();
    const row = p.locator('.monaco-list-row', { hasText: /→ vEL2\s+MRS x1, ID_AA64PFR0_EL1/ });
    await row.first().waitFor({ timeout: 30_000 });
    await row.first().click();
    const lens = p.locator('.codelens-decoration', { hasText: 'forwarded 1 time in the debug session' });
    await lens.first().waitFor({ timeout: 30_000 });
    // The lens sits above the entry that decided the trap (its first register is ID_PFR0_EL1).
    await p.locator('.view-line', { hasText: /^trap\s+ID_PFR0_EL1/ }).first().waitFor({ timeout: 10_000 });
    await ed.shot('trap-log-entry-hit-count');
    expect(await lens.count()).toBe(1);
  });

  it('filters the trap log', async () => {
    const p = ed.page;
    const pane = p.locator('.pane', { has: p.locator('.pane-header', { hasText: /nvlab Trap Log/i }) });
    const all = await pane.locator('.monaco-list-row').count();
    await p.keyboard.press('Control+Shift+P');
    await p.keyboard.type('nvlab: Filter the trap log');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Filter the trap log' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-message', { hasText: 'Show the trap-log entries' }).first().waitFor({ timeout: 10_000 });
    await p.keyboard.type('TID3');
    await p.keyboard.press('Enter');
    // Only the forwarded ID register read decided by TID3 is left; the header says how many match.
    await pane.locator('.pane-header', { hasText: /1 of \d+ matching "TID3"/ }).waitFor({ timeout: 10_000 });
    await ed.shot('trap-log-filtered');
    const rows = pane.locator('.monaco-list-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('ID_AA64PFR0_EL1');
    expect(all).toBeGreaterThan(1);
    await p.keyboard.press('Control+Shift+P');
    await p.keyboard.type('nvlab: Clear the trap log filter');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Clear the trap log filter' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Enter');
    await pane.locator('.pane-header', { hasText: /\d+ entries/ }).waitFor({ timeout: 10_000 });
  });

  it("draws a walk of a guest's address through the guest hypervisor's stage 2", async () => {
    const p = ed.page;
    await p.keyboard.press('Control+Shift+P');
    await p.keyboard.type('nvlab: Show a translation table walk');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Show a translation table walk' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Enter');
    // The box opens once the adapter has answered for the PC it proposes.
    await p.locator('.quick-input-message', { hasText: 'Virtual address to walk' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Control+A');
    await p.keyboard.type('0x40000000');
    await p.keyboard.press('Enter');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'EL1&0, stage 1 + stage 2' }).first().waitFor({ timeout: 10_000 });
    await p.keyboard.type('stage 1 + stage 2');
    await p.keyboard.press('Enter');
    // Webviews live two iframes deep.
    const view = p.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await view.getByText('Stage 2, level 3 — page').waitFor({ timeout: 30_000 });
    await view.getByText('Walk of 0x40000000 (EL1&0, stage 1 + stage 2 regime)').waitFor({ timeout: 10_000 });
    await ed.shot('translation-walk');
    expect(await view.locator('.level').count()).toBe(3);
    expect(await view.locator('.result').innerText()).toMatch(/^PA 0x41000000 \(4096 byte page\)$/);
  });

  it('runs the walkthrough\'s debug step: the bundled example, stopping at the first forwarded trap', async () => {
    const p = ed.page;
    await p.locator('.debug-toolbar [aria-label^="Stop"]').first().click();
    await p.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await p.keyboard.press('Control+Shift+P');
    await p.keyboard.type('nvlab: Debug the example hypervisor nested');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Debug the example hypervisor nested' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Enter');
    const stop = p.getByText('Forwarded to vEL2: HVC #0x0 (EC 0x16) by HVC from a guest always goes to the guest hypervisor');
    await stop.first().waitFor({ timeout: 60_000 });
    await ed.shot('walkthrough-debug-example');
    expect(await stop.count()).toBeGreaterThan(0);
  });
});

describe('activation', () => {
  it('is measured by VS Code itself (Show Running Extensions), for npm run bench', async () => {
    const p = ed.page;
    await p.keyboard.press('Control+Shift+P');
    await p.keyboard.type('Developer: Show Running Extensions');
    await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Running Extensions' }).first().waitFor({ timeout: 30_000 });
    await p.keyboard.press('Enter');
    const row = p.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'nvlab' });
    await row.first().waitFor({ timeout: 30_000 });
    const text = await row.first().innerText();
    await ed.shot('running-extensions');
    const ms = /(\d+)\s*ms/.exec(text);
    expect(ms, text).not.toBeNull();
    writeFileSync(join(ARTIFACTS, 'activation.json'), JSON.stringify({ activationMs: Number(ms![1]), row: text.replace(/\s+/g, ' ') }) + '\n');
  });
});
