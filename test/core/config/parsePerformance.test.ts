import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { configText } from './configTestHelpers';
import { medianMs } from '../../support/medianTime';

/** 200 layers: a conv stem, residual blocks of conv/BN/activation, then a dense head. */
function bigConfig(): string {
  const layers: unknown[] = [
    { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: 'kaimingNormal' },
    { type: 'batchNormalization' },
  ];
  while (layers.length < 196) {
    layers.push({ type: 'residual', layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: { type: 'heNormal' } },
      { type: 'batchNormalization', momentum: 0.9 },
    ] });
    layers.push({ type: 'activation', activation: 'relu' });
  }
  layers.push({ type: 'globalAveragePooling2d' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dropout', rate: 0.2 });
  layers.push({ type: 'dense', units: 10, activation: 'softmax' });
  return `// generated\n${configText({ data: { dataset: 'mnist', shape: 'image' }, input: [28, 28, 1], layers })}`;
}

describe('parseTrainConfig performance', () => {
  it('parses and checks a 200-layer config in well under 50 ms', () => {
    const text = bigConfig();
    const first = parseTrainConfig(text, 'big.train.json');
    assert.deepEqual(first.problems, []);
    assert.equal(first.config?.model.layers.length, 200);
    assert.equal(first.shapes?.layers.length, 200);

    const ms = medianMs(() => parseTrainConfig(text, 'big.train.json'));
    console.log(`parse + validate + shapes of a 200-layer config (${text.length} chars): median ${ms.toFixed(2)} ms`);
    assert.ok(ms < 50, `median ${ms.toFixed(2)} ms`);
  });

  it('reports problems in a 200-layer config just as fast', () => {
    const text = bigConfig().replace(/"relu"/g, '"relux"');
    const problems = parseTrainConfig(text, 'big.train.json').problems.length;
    assert.ok(problems > 100, `${problems} misspelled activations reported`);
    const ms = medianMs(() => parseTrainConfig(text, 'big.train.json'));
    console.log(`parse of a 200-layer config with ${problems} problems: median ${ms.toFixed(2)} ms`);
    assert.ok(ms < 50, `median ${ms.toFixed(2)} ms`);
  });
});
