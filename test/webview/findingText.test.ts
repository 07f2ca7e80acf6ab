// How findings and numbers read in the dashboard.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEvidence, ruleDocsHref } from '../../webview/src/findingText';
import { formatNumber } from '../../webview/src/numberFormat';

test('rule ids link to their anchor in docs/rules.md, or through the host\'s template', () => {
  assert.equal(ruleDocsHref('https://example.test/docs/rules.md', 'init.vanishing-activations', false), 'https://example.test/docs/rules.md#init.vanishing-activations');
  const command = 'command:trainingDoctor.openRuleDocs?%5B%22{rule}%22%2C{live}%5D';
  const href = ruleDocsHref(command, 'grad.vanishing', true);
  assert.equal(href, 'command:trainingDoctor.openRuleDocs?%5B%22grad.vanishing%22%2Ctrue%5D');
  assert.deepEqual(JSON.parse(decodeURIComponent(href.split('?')[1])), ['grad.vanishing', true]);
});

test('numbers keep three significant digits and tiny values stay visible', () => {
  assert.equal(formatNumber(2.302584648132324), '2.3');
  assert.equal(formatNumber(0.0417), '0.0417');
  assert.equal(formatNumber(0.000027345282766952092), '2.73e-5');
  assert.equal(formatNumber(123456), '1.23e5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(undefined), '–');
});

test('evidence values: numbers, lists (long ones cut), strings, objects', () => {
  assert.equal(formatEvidence(0.04172749879961249), '0.04173');
  assert.equal(formatEvidence([0.26, 0.0417, 2.7e-5]), '[0.26, 0.0417, 2.7e-5]');
  assert.match(formatEvidence(Array.from({ length: 30 }, (_, i) => i)), /^\[0, 1, .*11, … \(30\)\]$/);
  assert.equal(formatEvidence('level'), 'level');
  assert.equal(formatEvidence({ a: 1 }), '{"a":1}');
  assert.equal(formatEvidence(null), '–');
});
