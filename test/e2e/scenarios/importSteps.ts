// Steps the import scenarios share: wait for the "Import into Training Doctor…" CodeLens of the
// active editor, click it and answer the data question with placeholder data.

import type { Session } from '../harness/session';

export const DATA_PICK_TITLE = 'Data for the imported model';

export async function dataPickShown(s: Session): Promise<boolean> {
  const quickInput = s.page.locator('.quick-input-widget');
  return (await quickInput.isVisible()) && (await quickInput.innerText()).includes(DATA_PICK_TITLE);
}

/**
 * The text of the Import CodeLens of the active editor. VS Code asks for lenses only while the
 * editor has focus, so it is given the focus first, but not with the harness's focusEditor: that
 * clicks the text's top-left corner, where this lens (above line 1) may already be drawn; a click
 * on it would start the import, and Playwright waits for it to move away instead. Clicked a few
 * lines lower, below the lens.
 */
export async function importLensText(s: Session, description: string): Promise<string> {
  const editor = s.activeEditor();
  await editor.locator('.view-lines').first().click({ position: { x: 300, y: 150 }, timeout: 5000 }).catch(() => undefined);
  return s.waitFor(description, async () => {
    const text = (await editor.locator('.codelens-decoration').allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
    return text.includes('Import into Training Doctor') ? text : undefined;
  }, { timeout: 30_000 });
}

/** Clicks the Import CodeLens, picks "Placeholder data" and waits for the quick pick to close. */
export async function importFromLensWithPlaceholderData(s: Session, screenshot: string): Promise<void> {
  const editor = s.activeEditor();
  // VS Code re-renders the lens while the file's lenses are refreshed, so a click aimed at an
  // element can find another copy in its place (Playwright then retries and scrolls the editor
  // away): click where the lens is now, as a user would, until the quick pick opens.
  await s.waitFor(`the "${DATA_PICK_TITLE}" quick pick after clicking the lens`, async () => {
    if (await dataPickShown(s)) return true;
    const box = await editor.locator('.codelens-decoration a', { hasText: 'Import into Training Doctor' }).first().boundingBox();
    if (box) await s.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    return s.waitFor('the quick pick', () => dataPickShown(s), { timeout: 3000, quiet: true }).catch(() => false);
  }, { timeout: 20_000 });
  const placeholderRow = s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="Placeholder data"]').first();
  await placeholderRow.waitFor({ state: 'visible' });
  await s.screenshot(screenshot);
  await placeholderRow.click();
  await s.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}
