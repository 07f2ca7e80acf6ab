// Scenario 6: a workspace the user has not trusted (Restricted Mode). Linting and quick fixes
// work; training does not start: the palette does not offer Train Model, the CodeLens says why
// and opens VS Code's trust editor. Trusting the folder there brings Train back, without a reload.

import type { Scenario } from '../harness/scenario';

const CONFIG = 'broken/zero-init.train.json';

export const s6Untrusted: Scenario = {
  id: 's6-untrusted',
  title: 'untrusted workspace: diagnostics work, training is offered only after trusting it',
  session: { trust: 'restricted' },
  timeoutMs: 120_000,
  async run(s, t) {
    const restricted = await s.waitFor('the "Restricted Mode" indicator', async () => {
      const text = await s.page.locator('#workbench\\.parts\\.statusbar, .monaco-workbench .banner').allInnerTexts();
      return text.join(' ').includes('Restricted Mode') ? true : undefined;
    }, { timeout: 20_000 });
    await t.ok(restricted, 'the window is in Restricted Mode');

    // --- linting works ----------------------------------------------------------------------------
    await s.openFile(CONFIG);
    const rows = await s.waitFor('init.symmetry rows for zero-init.train.json in the Problems panel', async () => {
      // One finding for both zero layers (one per rule and cause), its second layer as related information.
      const r = (await s.problems()).filter((x) => x.file.includes('zero-init.train.json') && x.text.includes('init.symmetry'));
      return r.length >= 1 ? r : undefined;
    }, { timeout: 30_000 });
    t.note(`Restricted Mode: ${rows.length} init.symmetry rows (${rows.map((r) => `Ln ${r.line}`).join(', ')})`);
    const editor = s.activeEditor();
    const squiggles = await s.waitFor('an error squiggle in the editor', async () => {
      const n = await editor.locator('.squiggly-error').count();
      return n >= 1 ? n : undefined;
    }, { timeout: 15_000 });
    t.note(`${squiggles} squiggles in the editor`);

    // --- training is not offered ---------------------------------------------------------------------
    // codeLensText focuses the editor (the Problems panel has the focus now).
    const lens = await s.codeLensText('the CodeLens above the config', (text) => text !== '');
    await t.ok(lens.includes('Training needs a trusted workspace') && !lens.includes('Probe init'), `the CodeLens says training needs trust instead of offering it: "${lens}"`);
    const paletteBefore = await s.paletteRows('Training Doctor');
    t.note(`palette in Restricted Mode: ${paletteBefore.map((r) => r.split(',')[0]).join(' | ')}`);
    await t.ok(paletteBefore.some((r) => r.startsWith('Training Doctor: Open Dashboard')), 'the palette lists Training Doctor commands that need no trust (Open Dashboard)');
    await t.ok(!paletteBefore.some((r) => /^Training Doctor: (Train Model|Probe Initialization|Find Learning Rate)/.test(r)), 'the palette does not offer Train Model, Probe Initialization or Find Learning Rate');
    await s.screenshot('s6-untrusted-01-restricted');

    // --- the lens opens the trust editor; trusting brings training back ----------------------------
    await editor.locator('.codelens-decoration a', { hasText: 'Training needs a trusted workspace' }).first().click();
    const trustButton = s.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trustButton.waitFor({ state: 'visible', timeout: 15_000 });
    await s.screenshot('s6-untrusted-02-trust-editor');
    await trustButton.click();
    await s.waitFor('the Restricted Mode indicator to go', async () => !(await s.page.locator('#workbench\\.parts\\.statusbar').innerText()).includes('Restricted Mode'), { timeout: 15_000 });
    await s.openFile(CONFIG);
    const trustedLens = await s.codeLensText('the Train | Probe init | Find learning rate CodeLens', (text) => /Train.*Probe init.*Find learning rate/.test(text));
    t.note(`after trusting: CodeLens "${trustedLens}"`);
    const paletteAfter = await s.paletteRows('Training Doctor: Train Model');
    await t.ok(paletteAfter.some((r) => r.startsWith('Training Doctor: Train Model')), `the palette offers Train Model once trusted (rows: ${paletteAfter.slice(0, 4).join(' | ')})`);
    await t.equal(s.runRecords().length, 0, 'no run was started while the workspace was untrusted');
    await s.screenshot('s6-untrusted-03-trusted');
  },
};
