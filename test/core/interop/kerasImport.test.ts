import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { importKerasModel } from '../../../src/core/interop/keras/importKerasModel';

const fixtures = path.join(__dirname, 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name));

function imported(bytes: Uint8Array, name: string, options = {}) {
  const result = importKerasModel(bytes, name, options);
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => `${p.range?.line}:${p.range?.column} ${p.message}`).join('\n'));
  const parsed = parseTrainConfig(result.text, 'imported.train.json');
  assert.deepEqual(parsed.problems, []);
  return { result, config: parsed.config!, shapes: parsed.shapes! };
}

/** 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('import: Keras 2 Sequential (dict config) with training settings', () => {
  const { result, config, shapes } = imported(read('keras2-sequential-cnn.json'), 'keras2-sequential-cnn.json');

  it('maps every layer with its options', () => {
    assert.deepEqual(config.model.input, [28, 28, 1]);
    assert.deepEqual(config.model.layers.map((l) => l.type), ['conv2d', 'batchNormalization', 'maxPooling2d', 'flatten', 'dropout', 'dense']);
    const [conv, bn, , , dropout, dense] = config.model.layers;
    assert.deepEqual(conv, {
      type: 'conv2d', filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true,
      kernelInitializer: { type: 'heNormal' }, biasInitializer: { type: 'zeros' }, kernelRegularizer: { l1: 0, l2: 0.0005 }, biasRegularizer: undefined,
    });
    assert.equal(bn.type === 'batchNormalization' && bn.scale, false);
    assert.equal(bn.type === 'batchNormalization' && bn.momentum, 0.9);
    assert.equal(bn.type === 'batchNormalization' && bn.epsilon, 1e-5);
    assert.equal(dropout.type === 'dropout' && dropout.rate, 0.25);
    assert.equal(dense.type === 'dense' && dense.kernelInitializer.type, 'glorotUniform');
  });

  it('counts parameters as Keras does (conv 80, BN without scale 3·8, dense 14·14·8·10 + 10)', () => {
    assert.equal(result.summary.params, 80 + 24 + 1568 * 10 + 10);
    assert.equal(shapes.layers.reduce((s, l) => s + l.params, 0), result.summary.params);
  });

  it('takes the optimizer, loss and metrics from training_config', () => {
    assert.deepEqual(config.training.optimizer, { type: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true });
    assert.equal(config.training.loss, 'categoricalCrossentropy');
    assert.deepEqual(config.training.metrics, ['accuracy']);
  });

  it('writes placeholder data of the input shape, says so, and names each Keras layer in a comment', () => {
    assert.deepEqual(config.data.dataset, { kind: 'placeholder', shape: [28, 28, 1], task: 'classification', classes: 10, samples: 64 });
    assert.match(result.text, /Placeholder data: N\(0, 1\) inputs of shape \[28, 28, 1\]/);
    assert.match(result.text, /`train` refuses it/);
    assert.ok(lineOf(result.text, '// conv_a (Conv2D)') > 0);
    assert.ok(lineOf(result.text, '// logits (Dense)') > lineOf(result.text, '// conv_a (Conv2D)'));
  });

  it('uses MNIST when asked, and refuses a dataset that cannot fit the model', () => {
    const mnist = imported(read('keras2-sequential-cnn.json'), 'm.json', { data: { kind: 'mnist' } });
    assert.deepEqual(mnist.config.data.dataset, { kind: 'mnist', shape: 'image' });
    const synthetic = importKerasModel(read('keras2-sequential-cnn.json'), 'm.json', { data: { kind: 'synthetic' } });
    assert.ok(!synthetic.ok && synthetic.problems[0].code === 'import.data-mismatch');
  });
});

describe('import: Keras 3 functional model (module/registered_name, DTypePolicy, keras_history)', () => {
  const bytes = read('keras3-functional-residual.json');
  const { result, config, shapes } = imported(bytes, 'keras3-functional-residual.json');

  it('turns the fork that meets in an Add into a residual block with its projection shortcut', () => {
    assert.equal(result.summary.format, 'keras3');
    assert.deepEqual(config.model.layers.map((l) => l.type), ['conv2d', 'residual', 'activation', 'globalAveragePooling2d', 'dense']);
    const block = config.model.layers[1];
    assert.ok(block.type === 'residual');
    assert.deepEqual(block.layers.map((l) => l.type), ['conv2d', 'batchNormalization']);
    assert.deepEqual(block.shortcut?.map((l) => l.type), ['conv2d']);
    const shortcut = block.shortcut![0];
    assert.ok(shortcut.type === 'conv2d' && shortcut.kernelInitializer.type === 'leCunNormal' && !shortcut.useBias && shortcut.strides[0] === 2);
    const bn = block.layers[1];
    assert.ok(bn.type === 'batchNormalization' && bn.gammaInitializer.type === 'zeros');
    assert.deepEqual(shapes.layers[1].outputShape, [8, 8, 16]);
  });

  it('maps the Keras 3 initializer and regularizer objects and the ReLU layer', () => {
    const stem = config.model.layers[0];
    assert.ok(stem.type === 'conv2d' && stem.kernelInitializer.type === 'heNormal' && stem.kernelRegularizer?.l2 === 0.0001 && !stem.useBias);
    const relu = config.model.layers[2];
    assert.ok(relu.type === 'activation' && relu.activation === 'relu');
  });

  it('counts 9 Keras layers and Keras\'s parameters (stem 216, branch 1168 + 64, shortcut 128, head 85)', () => {
    assert.equal(result.summary.kerasLayers, 9);
    assert.equal(result.summary.params, 216 + (3 * 3 * 8 * 16 + 16) + 4 * 16 + 8 * 16 + (16 * 5 + 5));
  });

  it('reads compile_config', () => {
    assert.deepEqual(config.training.optimizer, { type: 'adam', learningRate: 0.0005, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    assert.equal(config.training.loss, 'categoricalCrossentropy');
  });

  it('reads the same model from a .keras archive (config.json in a zip) and names Keras 3 from metadata.json', () => {
    const archive = zipSync({
      'config.json': bytes, 'metadata.json': strToU8(JSON.stringify({ keras_version: '3.6.0', date_saved: '2024-10-01' })), 'model.weights.h5': new Uint8Array(16),
    });
    const fromZip = imported(archive, 'tiny.keras');
    assert.equal(fromZip.result.summary.format, 'keras3-archive');
    assert.match(fromZip.result.summary.description, /Keras 3\.6\.0 \.keras archive/);
    assert.deepEqual(fromZip.config.model, config.model);
  });

  it('reports a zip without config.json clearly', () => {
    const result = importKerasModel(zipSync({ 'weights.h5': new Uint8Array(4) }), 'weights.zip');
    assert.ok(!result.ok);
    assert.equal(result.problems[0].code, 'import.unknown-format');
    assert.match(result.problems[0].message, /without a config\.json/);
  });
});

describe('import: TF.js layers-model (format "layers-model")', () => {
  const { result, config, shapes } = imported(read('tfjs-layers-model-mobile.json'), 'model.json');

  it('maps separable, depthwise, layer-norm, global max pooling, reshape, conv1d and maxPooling1d layers', () => {
    assert.equal(result.summary.format, 'tfjs-layers-model');
    assert.deepEqual(config.model.layers.map((l) => l.type), [
      'separableConv2d', 'depthwiseConv2d', 'layerNormalization', 'globalMaxPooling2d', 'reshape', 'conv1d', 'maxPooling1d', 'flatten', 'dense',
    ]);
    const sep = config.model.layers[0];
    assert.ok(sep.type === 'separableConv2d' && sep.depthMultiplier === 2 && sep.kernelInitializer.type === 'heNormal' && sep.depthwiseInitializer.type === 'glorotUniform');
    const conv1d = config.model.layers[5];
    assert.ok(conv1d.type === 'conv1d' && conv1d.kernelSize === 3 && conv1d.activation === 'elu' && conv1d.biasInitializer.type === 'constant');
    assert.deepEqual(shapes.layers.map((l) => l.outputShape), [[12, 12, 12], [5, 5, 12], [5, 5, 12], [12], [12, 1], [12, 4], [6, 4], [24], [1]]);
  });

  it('counts parameters from kernel shapes (separable 54 + 72 + 12, depthwise 108, layer norm 24, conv1d 16, dense 25)', () => {
    assert.equal(result.summary.params, 3 * 3 * 3 * 2 + 6 * 12 + 12 + 3 * 3 * 12 + 24 + (3 * 1 * 4 + 4) + 25);
  });

  it('makes a single sigmoid output a binary classification', () => {
    assert.equal(config.training.loss, 'binaryCrossentropy');
    assert.deepEqual(config.data.dataset, { kind: 'placeholder', shape: [12, 12, 3], task: 'classification', classes: 2, samples: 64 });
  });
});

describe('import: tfjs-layers\' narrower normal initializers', () => {
  const dense = (name: string, distribution: string, extra: object = {}) => ({ class_name: 'Dense', config: {
    name, units: 4, activation: 'relu', kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution, seed: null } }, ...extra,
  } });
  const layers = [dense('h1', 'normal', { batch_input_shape: [null, 3] }), dense('h2', 'uniform'), dense('out', 'normal', { activation: 'softmax' })];

  it('notes the layers a model written by tfjs-layers initialized from its unwidened truncated normal', () => {
    const tfjs = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
      modelTopology: { class_name: 'Sequential', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js', config: { name: 'm', layers } } };
    const { result } = imported(strToU8(JSON.stringify(tfjs)), 'model.json');
    const note = result.notes.find((n) => n.includes('without widening'));
    assert.ok(note?.startsWith('layers "h1", "out" were initialized by tfjs-layers 4.22.0 from a normal truncated at ±2σ'), JSON.stringify(result.notes));
    assert.match(result.text, /Note: layers "h1", "out" were initialized by tfjs-layers 4\.22\.0/);
  });

  it('says nothing for the same initializers written by Keras (its truncated normal has the exact variance)', () => {
    const keras = { class_name: 'Sequential', keras_version: '2.2.4', backend: 'tensorflow', config: { name: 'm', layers } };
    const { result } = imported(strToU8(JSON.stringify(keras)), 'keras.json');
    assert.deepEqual(result.notes.filter((n) => n.includes('without widening')), []);
  });
});

describe('import: what cannot be imported', () => {
  it('reports one located problem per cause (Lambda bytecode, an unknown initializer, an unknown activation) and writes nothing', () => {
    const bytes = read('keras2-unsupported.json');
    const text = bytes.toString('utf8');
    const result = importKerasModel(bytes, 'keras2-unsupported.json');
    assert.ok(!result.ok);
    const byLayer = new Map(result.problems.map((p) => [p.layer?.name, p]));
    assert.deepEqual([...byLayer.keys()].sort(), ['h1', 'h2', 'scale']);
    const lambda = byLayer.get('scale')!;
    assert.equal(lambda.code, 'import.unsupported-layer');
    assert.match(lambda.message, /Layer "scale" \(Lambda\) cannot be imported: its function is Python code .* never executed .* What to do: replace the Lambda/);
    assert.equal(lambda.range?.line, lineOf(text, '"name": "scale"'));
    assert.match(byLayer.get('h1')!.message, /the initializer Identity has no equivalent/);
    assert.match(byLayer.get('h2')!.message, /the activation "exponential" has no equivalent/);
    assert.equal(byLayer.get('h2')!.range?.line, lineOf(text, '"exponential"'));
  });

  it('reports an Embedding of variable-length input once, as unsupported, not also for its unknown size (which only matters for a layer that imports)', () => {
    const model = { class_name: 'Sequential', keras_version: '2.0.6', backend: 'tensorflow', config: [
      { class_name: 'Embedding', config: { name: 'tokens', batch_input_shape: [null, null], input_dim: 100, output_dim: 8 } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } },
    ] };
    const result = importKerasModel(strToU8(JSON.stringify(model, null, 2)), 'variable-length.json');
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => `${p.code} ${p.layer?.className}`), ['import.unsupported-layer Embedding']);
  });

  it('names a TF.js graph model, a Keras 1 file and a file that is no model at all', () => {
    const graph = importKerasModel(strToU8(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } })), 'g.json');
    assert.ok(!graph.ok && graph.problems[0].code === 'import.graph-model');
    const keras1 = importKerasModel(strToU8(JSON.stringify({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { output_dim: 3, init: 'glorot_uniform', batch_input_shape: [null, 4] } }] })), 'k1.json');
    assert.ok(!keras1.ok && keras1.problems[0].code === 'import.keras1');
    const other = importKerasModel(strToU8('{"name": "not a model"}'), 'o.json');
    assert.ok(!other.ok && other.problems[0].code === 'import.unknown-format');
    const h5 = importKerasModel(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'model.h5');
    assert.ok(!h5.ok && /HDF5 file .*model\.to_json\(\)/.test(h5.problems[0].message), h5.ok ? '' : h5.problems[0].message);
    const broken = importKerasModel(strToU8('{"class_name": "Model",\n  "config": [1, 2'), 'b.json');
    assert.ok(!broken.ok && broken.problems[0].code === 'import.json-syntax');
    assert.equal(broken.problems[0].range?.line, 2);
  });

  it('reports a multi-output graph with the way out (--output), and imports one head when asked', () => {
    const model = JSON.parse(read('keras3-functional-residual.json').toString('utf8'));
    model.config.output_layers = [['head', 0, 0], ['stem', 0, 0]];
    // stem lies on head's path: that is a tap, not a second head; add a real second head.
    model.config.layers.push({ ...model.config.layers[8], name: 'head2', config: { ...model.config.layers[8].config, name: 'head2' } });
    model.config.output_layers = [['head', 0, 0], ['head2', 0, 0]];
    const bytes = strToU8(JSON.stringify(model));
    const result = importKerasModel(bytes, 'two-heads.json');
    assert.ok(!result.ok);
    assert.equal(result.problems[0].code, 'import.multi-output');
    assert.match(result.problems[0].message, /2 outputs \(head, head2\).*--output head/);
    const one = imported(bytes, 'two-heads.json', { output: 'head2' });
    assert.equal(one.result.summary.kerasLayers, 9);
  });
});

describe('imported fixtures build and run (wasm)', () => {
  for (const name of ['tfjs-layers-model-mobile.json', 'keras3-functional-residual.json', 'keras2-sequential-cnn.json']) {
    it(`${name}: the tfjs model has the shapes and parameter counts shape inference predicts, and every layer gets a gradient`, async () => {
      const { loadTensorflow } = await import('../../../src/core/engine/tensorflowRuntime');
      const { probeModel } = await import('../../../src/core/engine/probe');
      const { config, shapes } = imported(read(name), name);
      const runtime = await loadTensorflow({ preference: 'wasm' });
      const { report } = await probeModel(config, { runtime, baseDir: fixtures, batchSize: 4 });
      assert.deepEqual(report.layers.map((l) => l.outputShape), shapes.layers.map((l) => l.outputShape));
      assert.deepEqual(report.layers.map((l) => l.params), shapes.layers.map((l) => l.params));
      for (const layer of report.layers) if (layer.weights) assert.ok((layer.gradNorm ?? 0) > 0, `${layer.name}: gradient ${layer.gradNorm}`);
    });
  }
});

describe('import: LeakyReLU with its own slope', () => {
  it('keeps the slope (read from float32) on the activation layer, and export writes it back', async () => {
    const { exportKerasJson } = await import('../../../src/core/interop/keras/exportKerasJson');
    const model = JSON.parse(read('keras2-sequential-cnn.json').toString('utf8'));
    model.config.layers.splice(1, 0, { class_name: 'LeakyReLU', config: { name: 'leaky', trainable: true, alpha: 0.10000000149011612 } });
    const { config, shapes } = imported(strToU8(JSON.stringify(model)), 'leaky.json');
    assert.deepEqual(config.model.layers[1], { type: 'activation', activation: 'leakyRelu', alpha: 0.1 });
    const again = imported(strToU8(JSON.stringify(exportKerasJson(config, shapes))), 'exported.json');
    assert.deepEqual(again.config.model.layers[1], { type: 'activation', activation: 'leakyRelu', alpha: 0.1 });
  });
});
