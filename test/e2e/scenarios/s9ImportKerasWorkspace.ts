// Scenario 9: a workspace with nothing of Training Doctor's in it but a Keras model.to_json() file
// of any name (no *.train.json, no model.json, no .keras): opening that JSON file starts the
// extension, whose CodeLens offers the import; the config it writes has the model's problem in the
// Problems panel (two conv layers initialized to zeros: init.symmetry, an error).

import * as path from 'node:path';
import { FIXTURES_DIR } from '../harness/paths';
import type { Scenario } from '../harness/scenario';
import { importFromLensWithPlaceholderData, importLensText } from './importSteps';

const MODEL = 'convnet.json';
const IMPORTED = 'convnet.train.json';

export const s9ImportKerasWorkspace: Scenario = {
  id: 's9-import-keras-only',
  title: 'a workspace holding only a Keras JSON: opening it offers the import; the imported config shows its init.symmetry error',
  session: { fixture: path.join(FIXTURES_DIR, 'keras-workspace') },
  timeoutMs: 90_000,
  async run(s, t) {
    await s.openFile(MODEL);
    const lens = await importLensText(s, `the "Import into Training Doctor…" CodeLens above ${MODEL}`);
    t.note(`CodeLens on ${MODEL}: ${lens}`);
    await importFromLensWithPlaceholderData(s, 's9-import-keras-only-01-data-pick');

    await s.page.locator(`.tabs-container .tab.active[aria-label*="${IMPORTED}"]`).waitFor({ state: 'visible', timeout: 20_000 });
    const text = s.readWorkspaceFile(IMPORTED);
    const firstConvLine = text.split('\n').findIndex((l) => l.includes('"type": "conv2d"')) + 1;
    await t.ok(firstConvLine > 0 && text.includes('"kernelInitializer": "zeros"'), `${IMPORTED} keeps the zero-initialized conv layers`);
    const row = await s.waitFor(`the init.symmetry row for ${IMPORTED}`, async () => {
      const rows = (await s.problems()).filter((r) => r.file.includes(IMPORTED) && r.text.includes('init.symmetry'));
      return rows.length === 1 ? rows[0] : undefined;
    });
    await t.equal(row.severity, 'error', 'the init.symmetry finding\'s severity');
    await t.equal(row.line, firstConvLine, 'the finding is located at the first conv layer');
    t.note(`Problems: ${row.text.slice(0, 100)}… [Ln ${row.line}]`);
    await s.screenshot('s9-import-keras-only-02-imported-config');
  },
};
