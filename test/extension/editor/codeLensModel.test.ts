import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { configLenses } from '../../../src/extension/editor/codeLensModel';
import { TextPositions } from '../../../src/extension/editor/textPositions';
import { exampleText } from './editorTestHelpers';

const lensesOf = (text: string) => configLenses(parseTrainConfig(text, 'test.train.json'), new TextPositions(text));

describe('code lenses', () => {
  it('puts Train, Probe init and Find learning rate on the root object\'s line, below the leading comments', () => {
    const { text } = exampleText('mnist-mlp.train.json');
    const lenses = lensesOf(text);
    assert.deepEqual(lenses.map((l) => [l.title, l.command]), [
      ['▶ Train', 'trainingDoctor.trainModel'],
      ['Probe init', 'trainingDoctor.probeInitialization'],
      ['Find learning rate', 'trainingDoctor.findLearningRate'],
    ]);
    const rootLine = text.split('\n').findIndex((line) => line.startsWith('{'));
    assert.ok(lenses.every((l) => l.span.start.line === rootLine && l.span.length === 1 && text[l.span.offset] === '{'));
  });

  it('stays on a config with errors (the commands report them), so the lenses do not come and go while typing', () => {
    assert.equal(lensesOf(exampleText('broken/typos.train.json').text).length, 3);
    assert.equal(lensesOf('{ "model": { "layers": [ ').length, 3);
  });

  it('in an untrusted workspace, shows one lens that says why nothing runs and opens the trust editor', () => {
    const text = exampleText('mnist-mlp.train.json').text;
    const lenses = configLenses(parseTrainConfig(text, 'test.train.json'), new TextPositions(text), { trusted: false });
    assert.deepEqual(lenses.map((l) => [l.title, l.command]), [['$(shield) Training needs a trusted workspace', 'workbench.trust.manage']]);
    assert.match(lenses[0].tooltip, /Linting and quick fixes work everywhere/);
  });

  it('shows nothing on a file that is no config object', () => {
    assert.deepEqual(lensesOf(''), []);
    assert.deepEqual(lensesOf('// just a comment'), []);
    assert.deepEqual(lensesOf('[1, 2]'), []);
  });
});
