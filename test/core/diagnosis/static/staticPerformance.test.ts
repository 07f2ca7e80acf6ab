import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import { conv, dense, MNIST_IMAGES } from './staticTestHelpers';
import { medianMs } from '../../../support/medianTime';

/** A config written the way people write them: one layer per line. */
function compactConfig(data: unknown, input: number[], layers: unknown[], training: unknown): string {
  return [
    '// generated',
    '{',
    `  "data": ${JSON.stringify(data)},`,
    '  "model": {',
    `    "input": ${JSON.stringify(input)},`,
    '    "layers": [',
    layers.map((l) => `      ${JSON.stringify(l)}`).join(',\n'),
    '    ]',
    '  },',
    `  "training": ${JSON.stringify(training)}`,
    '}',
  ].join('\n');
}

/** 200 top-level layers: a conv stem, residual blocks (conv, BN, relu, conv, BN at gamma 1), relu, then a dense head. */
function residualConfig(): string {
  const layers: unknown[] = [conv(8, 'relu', 'heNormal'), { type: 'batchNormalization' }];
  while (layers.length < 196) {
    layers.push({ type: 'residual', layers: [conv(8, 'relu', 'heNormal'), { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' }, conv(8, 'linear', 'heNormal'), { type: 'batchNormalization' }] });
    layers.push({ type: 'activation', activation: 'relu' });
  }
  layers.push({ type: 'globalAveragePooling2d' }, dense(32, 'tanh'), { type: 'dropout', rate: 0.2 }, dense(10, 'softmax'));
  return compactConfig(MNIST_IMAGES, [28, 28, 1], layers, { epochs: 5, optimizer: { type: 'adam' } });
}

/** 200 dense tanh layers with tiny weights and biases under a penalty: many rules have work to do. */
function deepMlpConfig(): string {
  const layers = Array.from({ length: 199 }, () => dense(64, 'tanh', { type: 'randomNormal', stddev: 0.05 }, { biasRegularizer: { l2: 0.01 } }));
  layers.push(dense(10, 'softmax'));
  return compactConfig({ dataset: { synthetic: 'gaussian', features: 64, classes: 10 } }, [64], layers, { epochs: 50, optimizer: { type: 'sgd', learningRate: 3 } });
}

describe('static analysis performance', () => {
  for (const [name, text] of [['residual CNN', residualConfig()], ['deep MLP', deepMlpConfig()]] as const) {
    it(`parses, predicts and runs every static rule on a 200-layer ${name} in well under 50 ms`, () => {
      const analyze = () => {
        const parsed = parseTrainConfig(text, 'big.train.json');
        assert.ok(parsed.config && parsed.shapes);
        return runStaticRules({ config: parsed.config, shapes: parsed.shapes });
      };
      const findings = analyze();
      assert.ok(findings.length > 0, 'the rules have something to say');
      const total = medianMs(analyze);
      const parsed = parseTrainConfig(text, 'big.train.json');
      const rulesOnly = medianMs(() => runStaticRules({ config: parsed.config!, shapes: parsed.shapes! }));
      console.log(`200-layer ${name} (${text.length} chars): parse + variance model + ${findings.length} findings: median ${total.toFixed(2)} ms (variance model + rules alone: ${rulesOnly.toFixed(2)} ms)`);
      assert.ok(total < 50, `median ${total.toFixed(2)} ms`);
    });
  }
});
