// Scenario 8: bring your own model. A TF.js model.json in the workspace gets the "Import into
// Training Doctor…" CodeLens; clicking it and picking placeholder data writes model.train.json
// beside it and opens it, and its diagnostics appear: six tanh layers drawn from N(0, 0.01²) make
// the activations vanish, which lint predicts from the config alone. A Keras 2 text model (Embedding,
// LSTM) run through Training Doctor: Import Model… from the palette is refused with one located
// Problems row per layer that cannot be imported, before any question about data, and no config.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Scenario } from '../harness/scenario';
import { dataPickShown, importFromLensWithPlaceholderData, importLensText } from './importSteps';

const TFJS_MODEL = 'imports/tanh-mlp/model.json';
const IMPORTED = 'imports/tanh-mlp/model.train.json';
const KERAS_LSTM = 'imports/sentiment-lstm.json';

export const s8Import: Scenario = {
  id: 's8-import',
  title: 'import a TF.js model from its CodeLens (config written, opened, diagnosed); a Keras LSTM from the palette is refused, located',
  timeoutMs: 120_000,
  async run(s, t) {
    // --- the offer on an open model.json -------------------------------------------------------
    await s.openFile(TFJS_MODEL);
    const lens = await importLensText(s, 'the "Import into Training Doctor…" CodeLens above model.json');
    t.note(`CodeLens on ${TFJS_MODEL}: ${lens}`);
    await s.screenshot('s8-import-01-codelens');

    // --- the data question, answered with placeholder data ---------------------------------------
    await importFromLensWithPlaceholderData(s, 's8-import-02-data-pick');

    // --- the config: written beside the model, opened, as the model is -----------------------------
    await s.page.locator('.tabs-container .tab.active[aria-label*="model.train.json"]').waitFor({ state: 'visible', timeout: 20_000 });
    const text = s.readWorkspaceFile(IMPORTED);
    const denseLines = text.split('\n').filter((l) => l.includes('"type": "dense"'));
    await t.equal(denseLines.length, 7, `${IMPORTED} has the model's 7 dense layers`);
    await t.ok(denseLines.slice(0, 6).every((l) => l.includes('"activation": "tanh"') && l.includes('"stddev": 0.01')), `the hidden layers keep tanh and N(0, 0.01²): ${denseLines[0].trim()}`);
    await t.ok(/"synthetic": "placeholder", "shape": \[20\], "classes": 3/.test(text), 'placeholder data of the model\'s input shape and classes');
    const toast = await s.waitFor('the "Imported … Keras layers" notification', async () => (await s.notifications()).find((n) => n.includes('Imported 7 Keras layers')), { timeout: 15_000 });
    await t.ok(toast.includes('22,339 parameters') && toast.includes('Placeholder data'), `the notification gives the parameter count and says the data is a placeholder: "${toast}"`);
    t.note(`notification: "${toast}"`);

    // --- its diagnostics: the vanishing activations, predicted, located at the first layer ----------
    const vanishing = await s.waitFor('the init.vanishing-activations row for model.train.json', async () => {
      const rows = (await s.problems()).filter((r) => r.file.includes('model.train.json') && r.text.includes('init.vanishing-activations'));
      return rows.length === 1 ? rows[0] : undefined;
    });
    await t.ok(vanishing.text.includes('Training Doctor'), `the row comes from Training Doctor: ${vanishing.text.slice(0, 120)}`);
    await t.equal(vanishing.severity, 'warning', 'the vanishing-activations finding\'s severity');
    const firstDenseLine = text.split('\n').indexOf(denseLines[0]) + 1;
    await t.equal(vanishing.line, firstDenseLine, 'the finding is located at the first dense layer');
    t.note(`Problems: ${vanishing.text.slice(0, 100)}… [Ln ${vanishing.line}]`);
    const squiggles = await s.waitFor('a warning squiggle in the imported config', async () => {
      const n = await s.activeEditor().locator('.squiggly-warning').count();
      return n >= 1 ? n : 0;
    }, { timeout: 10_000 });
    t.note(`${squiggles} warning squiggle(s) in ${IMPORTED}`);
    await s.screenshot('s8-import-03-imported-config');

    // --- a model that cannot be imported, from the palette --------------------------------------
    await s.openFile(KERAS_LSTM);
    await s.runCommand('Training Doctor: Import Model…');
    const refusal = await s.waitFor('the "cannot import sentiment-lstm.json" notification', async () => (await s.notifications()).find((n) => n.includes('cannot import sentiment-lstm.json')), { timeout: 15_000 });
    await t.ok(refusal.includes('2 problems') && refusal.includes('no config was written'), `the refusal counts the problems and says nothing was written: "${refusal}"`);
    await t.ok(!(await dataPickShown(s)), 'no data question for a model that cannot be imported');
    const refused = await s.waitFor('two import.unsupported-layer rows for sentiment-lstm.json', async () => {
      const rows = (await s.problems()).filter((r) => r.file.includes('sentiment-lstm.json') && r.text.includes('import.unsupported-layer'));
      return rows.length === 2 ? rows : undefined;
    });
    const embedding = refused.find((r) => r.text.includes('"words" (Embedding)'));
    const lstm = refused.find((r) => r.text.includes('"sentence" (LSTM)'));
    await t.ok(embedding && lstm, `one row per layer, naming it and its class: ${refused.map((r) => r.text.slice(0, 80)).join(' | ')}`);
    await t.ok(refused.every((r) => r.severity === 'error'), 'the rows are errors');
    // Each row points at its layer's object in the file (the model file's own lines).
    const modelLines = s.readWorkspaceFile(KERAS_LSTM).split('\n');
    await t.ok(modelLines[embedding!.line! - 1].includes('"class_name": "Embedding"') || modelLines[embedding!.line!].includes('"class_name": "Embedding"'), `the Embedding row is located at its layer (Ln ${embedding!.line})`);
    await t.ok(modelLines[lstm!.line! - 1].includes('"class_name": "LSTM"') || modelLines[lstm!.line!].includes('"class_name": "LSTM"'), `the LSTM row is located at its layer (Ln ${lstm!.line})`);
    t.note(`refused: Embedding at Ln ${embedding!.line}, LSTM at Ln ${lstm!.line}`);
    await t.ok(!fs.existsSync(path.join(s.workspaceDir, 'imports', 'sentiment-lstm.train.json')), 'no config was written for the refused model');
    await s.screenshot('s8-import-04-refused');
  },
};
