import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Conv2dLayerConfig, DenseLayerConfig, PoolingLayerConfig } from '../../../src/core/config/trainConfig';
import { configText, IMAGE_MNIST, parseValid } from './configTestHelpers';

const root = path.resolve(__dirname, '../../..');

describe('parseTrainConfig: valid configs', () => {
  it('parses examples/mnist-mlp.train.json with no problems and keeps what it says', () => {
    const text = fs.readFileSync(path.join(root, 'examples/mnist-mlp.train.json'), 'utf8');
    const config = parseValid(text);
    assert.equal(config.name, 'mnist-mlp');
    assert.equal(config.seed, 1);
    assert.deepEqual(config.data.dataset, { kind: 'mnist', shape: 'flat' });
    assert.equal(config.data.trainSize, 8000);
    assert.equal(config.data.validationSize, 2000);
    assert.deepEqual(config.data.preprocess, { normalize: 'standardize', per: 'channel' });
    assert.deepEqual(config.model.input, [784]);
    assert.deepEqual(config.model.layers.map((l) => l.type), ['dense', 'dropout', 'dense']);
    const first = config.model.layers[0] as DenseLayerConfig;
    assert.deepEqual(first.kernelInitializer, { type: 'heNormal' });
    assert.equal(config.training.batchSize, 64);
    assert.deepEqual(config.training.optimizer, { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false });
    assert.deepEqual(config.training.lrSchedule, { type: 'cosine', minLearningRate: 0, warmupEpochs: 0 });
    assert.deepEqual(config.training.earlyStopping, { monitor: 'val_loss', patience: 3, minDelta: 0, restoreBestWeights: false });
  });

  it('fills the defaults from the schema when the config leaves them out', () => {
    const config = parseValid(configText({
      layers: [
        { type: 'dense', units: 10 },
        { type: 'batchNormalization' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    }));
    assert.equal(config.seed, 0);
    assert.equal(config.backend, 'auto');
    assert.equal(config.training.batchSize, 32);
    assert.equal(config.data.validationSplit, 0.2);
    assert.equal(config.data.trainSize, undefined);
    assert.deepEqual(config.data.preprocess, { normalize: 'none', per: 'feature' });
    assert.deepEqual(config.data.augment, { translate: 0, rotate: 0, crop: 0, flipHorizontal: false, noise: 0 });
    assert.deepEqual(config.diagnostics, { every: 10, rules: {}, stopOnDivergence: true });
    assert.deepEqual(config.training.optimizer, { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    assert.deepEqual(config.training.lrSchedule, { type: 'constant', warmupEpochs: 0 });
    assert.equal(config.training.earlyStopping, undefined);

    const dense = config.model.layers[0] as DenseLayerConfig;
    assert.equal(dense.activation, 'linear');
    assert.equal(dense.useBias, true);
    assert.deepEqual(dense.kernelInitializer, { type: 'glorotUniform' });
    assert.deepEqual(dense.biasInitializer, { type: 'zeros' });
    assert.equal(dense.kernelRegularizer, undefined);

    assert.deepEqual(config.model.layers[1], {
      type: 'batchNormalization', momentum: 0.99, epsilon: 0.001, center: true, scale: true,
      gammaInitializer: { type: 'ones' }, betaInitializer: { type: 'zeros' },
    });
  });

  it('fills defaults inside partly written objects without overwriting what is written', () => {
    const config = parseValid(configText({
      data: { dataset: 'mnist', preprocess: { normalize: 'standardize' }, augment: { noise: 0.1 } },
      training: {
        epochs: 2,
        optimizer: { type: 'sgd', momentum: 0.9 },
        lrSchedule: { type: 'reduceOnPlateau', patience: 2 },
        earlyStopping: { patience: 7 },
      },
      top: { diagnostics: { every: 5, rules: { 'grad.exploding': { severity: 'error', threshold: 100 } } } },
    }));
    assert.deepEqual(config.data.preprocess, { normalize: 'standardize', per: 'feature' });
    assert.deepEqual(config.data.augment, { translate: 0, rotate: 0, crop: 0, flipHorizontal: false, noise: 0.1 });
    assert.deepEqual(config.training.optimizer, { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: false });
    assert.deepEqual(config.training.lrSchedule, {
      type: 'reduceOnPlateau', monitor: 'val_loss', factor: 0.1, patience: 2, minDelta: 0.0001, minLearningRate: 0, warmupEpochs: 0,
    });
    assert.deepEqual(config.training.earlyStopping, { monitor: 'val_loss', patience: 7, minDelta: 0, restoreBestWeights: false });
    assert.deepEqual(config.diagnostics, { every: 5, rules: { 'grad.exploding': { severity: 'error', threshold: 100 } }, stopOnDivergence: true });
  });

  it('takes the name from the file name when the config has none, and the written name otherwise', () => {
    const text = configText();
    assert.equal(parseValid(text).name, 'test');
    assert.equal(parseValid(configText({ top: { name: 'my-run' } })).name, 'my-run');
  });

  it('infers categoricalCrossentropy and accuracy for classification data', () => {
    for (const data of [
      { dataset: 'mnist' },
      { dataset: { synthetic: 'blobs', features: 784, classes: 10 } },
      { dataset: { csv: 'iris.csv', label: 'species' } },
    ]) {
      const config = parseValid(configText({ data }));
      assert.equal(config.training.loss, 'categoricalCrossentropy', JSON.stringify(data));
      assert.deepEqual(config.training.metrics, ['accuracy'], JSON.stringify(data));
    }
  });

  it('infers meanSquaredError and meanAbsoluteError for CSV regression', () => {
    const config = parseValid(configText({
      data: { dataset: { csv: 'houses.csv', label: 'price', task: 'regression' } },
      input: [8],
      layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 1 }],
    }));
    assert.deepEqual(config.data.dataset, { kind: 'csv', csv: 'houses.csv', label: 'price', task: 'regression', delimiter: ',' });
    assert.equal(config.training.loss, 'meanSquaredError');
    assert.deepEqual(config.training.metrics, ['meanAbsoluteError']);
  });

  it('keeps an explicitly written loss and metrics instead of inferring them', () => {
    const config = parseValid(configText({
      training: { epochs: 1, optimizer: { type: 'adam' }, loss: 'huber', metrics: ['meanSquaredError'] },
      data: { dataset: { csv: 'houses.csv', label: 'price', task: 'regression' } },
      input: [8],
      layers: [{ type: 'dense', units: 1 }],
    }));
    assert.equal(config.training.loss, 'huber');
    assert.deepEqual(config.training.metrics, ['meanSquaredError']);
  });

  it('resolves initializer aliases in string form', () => {
    const config = parseValid(configText({
      layers: [
        { type: 'dense', units: 32, kernelInitializer: 'xavierNormal' },
        { type: 'dense', units: 32, kernelInitializer: 'kaimingUniform' },
        { type: 'dense', units: 32, kernelInitializer: 'msraNormal', biasInitializer: 'xavierUniform' },
        { type: 'dense', units: 10, kernelInitializer: 'kaimingNormal', biasInitializer: 'msraUniform' },
      ],
    }));
    const dense = config.model.layers as DenseLayerConfig[];
    assert.deepEqual(dense.map((l) => l.kernelInitializer.type), ['glorotNormal', 'heUniform', 'heNormal', 'heNormal']);
    assert.deepEqual(dense.map((l) => l.biasInitializer.type), ['zeros', 'zeros', 'glorotUniform', 'heUniform']);
  });

  it('resolves initializer aliases in {"type": ...} form and keeps parameterized initializers', () => {
    const config = parseValid(configText({
      layers: [
        { type: 'dense', units: 32, kernelInitializer: { type: 'xavierNormal' } },
        { type: 'dense', units: 32, kernelInitializer: { type: 'kaimingUniform' } },
        { type: 'dense', units: 32, kernelInitializer: { type: 'msraNormal' } },
        { type: 'dense', units: 32, kernelInitializer: { type: 'randomNormal', stddev: 0.01 } },
        { type: 'dense', units: 32, kernelInitializer: { type: 'orthogonal' }, biasInitializer: { type: 'constant', value: 0.1 } },
        { type: 'dense', units: 10, kernelInitializer: { type: 'randomUniform', maxval: 0.2 } },
      ],
    }));
    const dense = config.model.layers as DenseLayerConfig[];
    assert.deepEqual(dense.map((l) => l.kernelInitializer), [
      { type: 'glorotNormal' },
      { type: 'heUniform' },
      { type: 'heNormal' },
      { type: 'randomNormal', mean: 0, stddev: 0.01 },
      { type: 'orthogonal', gain: 1 },
      { type: 'randomUniform', minval: -0.05, maxval: 0.2 },
    ]);
    assert.deepEqual(dense[4].biasInitializer, { type: 'constant', value: 0.1 });
  });

  it('widens a scalar kernelSize and strides to [height, width] pairs and keeps written pairs', () => {
    const config = parseValid(configText({
      data: IMAGE_MNIST,
      input: [28, 28, 1],
      layers: [
        { type: 'conv2d', filters: 8, kernelSize: 3 },
        { type: 'conv2d', filters: 8, kernelSize: [5, 3], strides: 2, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    }));
    const [a, b] = config.model.layers as Conv2dLayerConfig[];
    assert.deepEqual(a.kernelSize, [3, 3]);
    assert.deepEqual(a.strides, [1, 1]);
    assert.equal(a.padding, 'valid');
    assert.deepEqual(b.kernelSize, [5, 3]);
    assert.deepEqual(b.strides, [2, 2]);
    assert.equal(b.padding, 'same');
  });

  it('defaults pooling strides to the pool size (non-overlapping windows)', () => {
    const config = parseValid(configText({
      data: IMAGE_MNIST,
      input: [28, 28, 1],
      layers: [
        { type: 'maxPooling2d' },
        { type: 'averagePooling2d', poolSize: 3 },
        { type: 'maxPooling2d', poolSize: [2, 1], strides: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    }));
    const [a, b, c] = config.model.layers as PoolingLayerConfig[];
    assert.deepEqual([a.poolSize, a.strides], [[2, 2], [2, 2]]);
    assert.deepEqual([b.poolSize, b.strides], [[3, 3], [3, 3]]);
    assert.deepEqual([c.poolSize, c.strides], [[2, 1], [1, 1]]);
  });

  it('normalizes the layers inside residual blocks', () => {
    const config = parseValid(configText({
      layers: [
        { type: 'dense', units: 64, activation: 'relu' },
        { type: 'residual', layers: [{ type: 'dense', units: 64, kernelInitializer: 'kaimingNormal' }, { type: 'activation', activation: 'relu' }] },
        { type: 'dense', units: 10 },
      ],
    }));
    const block = config.model.layers[1];
    assert.equal(block.type, 'residual');
    assert.ok(block.type === 'residual');
    const inner = block.layers[0] as DenseLayerConfig;
    assert.deepEqual(inner.kernelInitializer, { type: 'heNormal' });
    assert.equal(inner.activation, 'linear');
    assert.deepEqual(block.layers[1], { type: 'activation', activation: 'relu' });
  });

  it('accepts comments, trailing commas and CRLF line endings', () => {
    const text = [
      '// A config with everything JSONC allows',
      '{',
      '  /* the data */',
      '  "data": { "dataset": "mnist", },',
      '  "model": {',
      '    "input": [784,], // flat MNIST',
      '    "layers": [',
      '      { "type": "dense", "units": 10, "activation": "softmax", },',
      '    ],',
      '  },',
      '  "training": { "epochs": 3, "optimizer": { "type": "sgd", "learningRate": 0.1 }, },',
      '}',
      '',
    ].join('\r\n');
    const config = parseValid(text);
    assert.deepEqual(config.model.input, [784]);
    assert.equal(config.training.epochs, 3);
    assert.equal(config.training.optimizer.learningRate, 0.1);
  });

  it('accepts the $schema property editors use', () => {
    parseValid(configText({ top: { $schema: '../schemas/train.schema.json' } }));
  });
});
