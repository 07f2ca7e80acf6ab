import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { predictVariance, type VariancePrediction } from '../../../../src/core/diagnosis/varianceModel';
import { configText, conv, dense, MNIST_IMAGES, resnet, stats } from './staticTestHelpers';

const SEEDS = path.join(__dirname, '../../../../examples/seeds');

function predict(text: string, inputStats = stats(0, 1)): VariancePrediction {
  const parsed = parseTrainConfig(text, 'test.train.json');
  assert.ok(parsed.config && parsed.shapes, 'test setup: valid config');
  return predictVariance(parsed.config, parsed.shapes, inputStats);
}

function predictSeed(file: string): VariancePrediction {
  return predict(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
}

/** The lecture's measured activation std of layers 1–6 of the 6-layer, 4096-wide MLP on N(0, 1) inputs. */
const MEASURED: Record<string, number[]> = {
  'mlp4096-linear-std0.02.train.json': [1.28, 1.64, 2.10, 2.69, 3.44, 4.40],
  'mlp4096-linear-std0.01.train.json': [0.64, 0.41, 0.26, 0.17, 0.11, 0.069],
  'mlp4096-linear-xavier.train.json': [1, 1, 1, 1, 1, 1],
  'mlp4096-relu-xavier.train.json': [0.58, 0.41, 0.29, 0.205, 0.145, 0.10],
  'mlp4096-relu-kaiming.train.json': [0.82, 0.82, 0.82, 0.82, 0.82, 0.82],
};

describe('variance model against the seeds\' measured activation stds', () => {
  for (const [file, measured] of Object.entries(MEASURED)) {
    it(`${file}: layers 1–6 within 10%`, () => {
      const predicted = predictSeed(file).layers.slice(0, 6).map((l) => l.std);
      const rows = predicted.map((p, i) => `L${i + 1} measured ${measured[i]} predicted ${p.toFixed(3)} (${((p / measured[i] - 1) * 100).toFixed(1)}%)`);
      console.log(`${file}\n  ${rows.join('\n  ')}`);
      predicted.forEach((p, i) => assert.ok(Math.abs(p / measured[i] - 1) < 0.1, rows[i]));
    });
  }

  it('ReLU with N(0, 1/D): layer 1 has mean ≈ 0.40 and std ≈ 0.58 (half the inputs zeroed)', () => {
    const first = predictSeed('mlp4096-relu-xavier.train.json').layers[0];
    assert.ok(Math.abs(first.mean - 0.40) < 0.01, `mean ${first.mean}`);
    assert.ok(Math.abs(first.std - 0.58) < 0.01, `std ${first.std}`);
  });

  it('tanh with N(0, 0.01²): near-linear for small inputs, so it shrinks like the linear net (a bit faster)', () => {
    const tanh = predictSeed('mlp4096-tanh-std0.01.train.json').layers.slice(0, 6).map((l) => l.std);
    const linear = predictSeed('mlp4096-linear-std0.01.train.json').layers.slice(0, 6).map((l) => l.std);
    tanh.forEach((s, i) => assert.ok(s <= linear[i] && s > 0.6 * linear[i], `layer ${i + 1}: tanh ${s} vs linear ${linear[i]}`));
  });
});

describe('variance model: layer by layer', () => {
  it('dense: var(y) = fan_in·var(w)·E[x²], with E[x²] including the mean of the input', () => {
    const text = configText({ input: [100], data: { dataset: { synthetic: 'gaussian', features: 100, classes: 10, mean: 2, std: 1 } },
      layers: [dense(50, 'linear', { type: 'randomNormal', stddev: 0.1 }, { useBias: false }), dense(10, 'softmax')] });
    const layer = predict(text, stats(2, 1)).layers[0];
    // E[x²] = 2² + 1 = 5; var(y) = 100·0.01·5 = 5.
    assert.ok(Math.abs(layer.std ** 2 - 5) < 1e-9, `var ${layer.std ** 2}`);
    assert.equal(layer.mean, 0);
  });

  it('named initializers have the variance the engine gives them', () => {
    const cases: [unknown, number][] = [
      ['glorotUniform', 2 / (200 + 100)], ['glorotNormal', 2 / 300], ['heNormal', 2 / 200], ['heUniform', 2 / 200],
      ['leCunNormal', 1 / 200], ['leCunUniform', 1 / 200],
      [{ type: 'truncatedNormal', stddev: 0.1 }, 0.01 * 0.87962566103423978 ** 2],
      [{ type: 'randomUniform', minval: -0.1, maxval: 0.1 }, 0.04 / 12],
      [{ type: 'orthogonal' }, 1 / 200],
    ];
    for (const [init, variance] of cases) {
      const text = configText({ input: [200], layers: [dense(100, 'linear', init, { useBias: false }), dense(10, 'softmax')] });
      const layer = predict(text).layers[0];
      assert.ok(Math.abs(layer.std ** 2 / (200 * variance) - 1) < 1e-9, `${JSON.stringify(init)}: var ${layer.std ** 2} vs ${200 * variance}`);
    }
  });

  it('a constant bias adds its square to the second moment; a constant kernel is flagged', () => {
    const text = configText({ layers: [dense(32, 'linear', 'heNormal', { biasInitializer: { type: 'constant', value: 0.5 } }), dense(32, 'relu', 'ones'), dense(10, 'softmax')] });
    const [biased, constant] = predict(text).layers;
    assert.ok(Math.abs(biased.mean - 0.5) < 1e-12);
    assert.ok(Math.abs(biased.secondMoment - (2 + 0.25)) < 1e-9);
    assert.equal(constant.flag, 'constant-kernel');
    assert.equal(biased.flag, undefined);
  });

  it('saturating activations: small inputs pass almost unchanged, large ones are squashed to at most 1', () => {
    const small = predict(configText({ layers: [dense(64, 'tanh', { type: 'randomNormal', stddev: 0.001 }, { useBias: false }), dense(10, 'softmax')] })).layers[0];
    assert.ok(Math.abs(small.std / (Math.sqrt(64) * 0.001) - 1) < 0.01, `small: ${small.std}`);
    const large = predict(configText({ layers: [dense(64, 'tanh', { type: 'randomNormal', stddev: 10 }), dense(64, 'sigmoid', { type: 'randomNormal', stddev: 10 }), dense(10, 'softmax')] })).layers;
    assert.ok(large[0].secondMoment > 0.95 && large[0].secondMoment <= 1, `tanh saturates: ${large[0].secondMoment}`);
    assert.ok(Math.abs(large[1].mean - 0.5) < 0.05 && large[1].std > 0.45 && large[1].std <= 0.5, `sigmoid saturates to 0 or 1: ${large[1].mean}, ${large[1].std}`);
  });

  it('leakyRelu keeps α² of the negative half; softmax outputs have mean 1/K', () => {
    const layers = predict(configText({ layers: [dense(64, 'leakyRelu', 'heNormal'), dense(10, 'softmax')] })).layers;
    // var(pre) = 2; E[y²] = 2·(1 + 0.3²)/2 = 1.09.
    assert.ok(Math.abs(layers[0].secondMoment - 1.09) < 1e-6, `${layers[0].secondMoment}`);
    assert.ok(Math.abs(layers[1].mean - 0.1) < 1e-12);
    assert.ok(layers[1].std > 0 && layers[1].std < 0.3);
  });

  it('BatchNorm resets to mean 0, variance gamma²; zero gamma silences; dropout scales E[y²] by 1/(1 − rate)', () => {
    const layers = predict(configText({ layers: [
      dense(64, 'linear', { type: 'randomNormal', stddev: 1 }), { type: 'batchNormalization' },
      { type: 'dropout', rate: 0.5 }, { type: 'batchNormalization', gammaInitializer: 'zeros' }, dense(10, 'softmax'),
    ] })).layers;
    assert.ok(layers[0].std > 7);
    assert.ok(Math.abs(layers[1].std - 1) < 1e-4 && layers[1].mean === 0);
    assert.ok(Math.abs(layers[2].secondMoment - 2 * layers[1].secondMoment) < 1e-9);
    assert.equal(layers[3].secondMoment, 0);
  });

  it('pooling: max raises the mean, average keeps it and shrinks the spread; flatten changes nothing', () => {
    const layers = predict(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(8, 'relu', 'heNormal'), { type: 'maxPooling2d' }, conv(8, 'relu', 'heNormal'), { type: 'averagePooling2d' },
      { type: 'flatten' }, dense(10, 'softmax'),
    ] })).layers;
    assert.ok(layers[1].mean > layers[0].mean && layers[1].secondMoment > layers[0].secondMoment, 'max pooling');
    assert.ok(Math.abs(layers[3].mean - layers[2].mean) < 1e-12 && layers[3].std < layers[2].std, 'average pooling');
    assert.deepEqual({ ...layers[4], index: 0, indexPath: [], type: 'x', gain: 0 }, { ...layers[3], index: 0, indexPath: [], type: 'x', gain: 0 });
  });

  it('residual: variances of skip and branch add; a zero-gamma branch leaves the skip path; predictions nest', () => {
    const growing = predict(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(3, 'ones') })).layers;
    const blocks = growing.filter((l) => l.type === 'residual');
    assert.equal(blocks.length, 3);
    for (const block of blocks) {
      const branch = block.branch?.at(-1);
      assert.ok(branch && block.skip);
      assert.ok(Math.abs(block.std ** 2 - (block.skip.std ** 2 + branch.std ** 2)) < 1e-9);
      assert.deepEqual(block.branch?.map((b) => b.indexPath.length), [2, 2, 2, 2, 2]);
    }
    const identity = predict(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(3, 'zeros') })).layers;
    for (const block of identity.filter((l) => l.type === 'residual')) assert.equal(block.std, block.skip?.std);
  });

  it('a strided residual block gets a glorotUniform 1×1 projection on its skip path', () => {
    const layers = predict(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(16, 'relu', 'heNormal'),
      { type: 'residual', layers: [conv(32, 'relu', 'heNormal', { strides: 2 }), conv(32, 'linear', 'zeros')] },
      { type: 'flatten' }, dense(10, 'softmax'),
    ] })).layers;
    const input = layers[0];
    // Projection 16 → 32 channels: var = 16·(2/48)·E[x²].
    assert.ok(Math.abs(layers[1].skip!.secondMoment - 16 * (2 / 48) * input.secondMoment) < 1e-9);
  });

  it('input moments follow the preprocessing: standardize, meanSubtract, none; noise augmentation adds variance', () => {
    const raw = stats(3, 2);
    const withMode = (preprocess: unknown, augment?: unknown) => predict(configText({
      data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10 }, preprocess, ...(augment ? { augment } : {}) }, layers: [dense(10, 'softmax')],
    }), raw).input;
    assert.deepEqual(withMode({ normalize: 'standardize' }), { mean: 0, std: 1, secondMoment: 1 });
    assert.deepEqual(withMode({ normalize: 'meanSubtract' }), { mean: 0, std: 2, secondMoment: 4 });
    assert.deepEqual(withMode({ normalize: 'none' }), { mean: 3, std: 2, secondMoment: 13 });
    assert.ok(Math.abs(withMode({ normalize: 'standardize' }, { noise: 0.5 }).std ** 2 - 1.25) < 1e-12);
  });

  it('without data statistics: synthetic settings, typical MNIST pixels, standardized CSV', () => {
    const parse = (data: unknown, input = [64], layers: unknown[] = [dense(10, 'softmax')]) => {
      const parsed = parseTrainConfig(configText({ data, input, layers }), 'test.train.json');
      assert.ok(parsed.config && parsed.shapes);
      return predictVariance(parsed.config, parsed.shapes).input;
    };
    assert.deepEqual(parse({ dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 5, std: 2 } }), { mean: 5, std: 2, secondMoment: 29 });
    const mnist = parse({ dataset: 'mnist' }, [784]);
    assert.ok(Math.abs(mnist.mean - 0.13) < 0.01 && Math.abs(mnist.std - 0.31) < 0.01);
    assert.deepEqual(parse({ dataset: { csv: 'x.csv', label: 'y', task: 'regression' } }, [5], [dense(1)]), { mean: 0, std: 1, secondMoment: 1 });
  });

  it('one prediction per top-level layer, stopping where shape inference stopped', () => {
    const parsed = parseTrainConfig(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [conv(8, 'relu'), dense(10, 'softmax')] }), 'bad.train.json');
    assert.ok(parsed.shapes);
    assert.equal(parsed.config, undefined, 'test setup: dense after conv is invalid');
    const config = JSON.parse(JSON.stringify({ ...parseTrainConfig(configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [conv(8, 'relu'), { type: 'flatten' }, dense(10, 'softmax')] }), 'ok.train.json').config }));
    config.model.layers.splice(1, 1);
    assert.equal(predictVariance(config, parsed.shapes).layers.length, 1);
  });
});
