import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLayer } from '../../../src/core/config/normalizeConfig';
import { inferShapes } from '../../../src/core/config/shapeInference';
import { assertUnderlines, configText, IMAGE_MNIST, onlyProblem, parse, parseValid, underlined } from './configTestHelpers';

const image = (layers: unknown[]) => configText({ data: IMAGE_MNIST, input: [28, 28, 1], layers });

describe('parseTrainConfig: shape problems', () => {
  it('shape.dense-needs-flat: dense after conv2d without flatten', () => {
    const text = image([
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]);
    const p = onlyProblem(text, 'shape.dense-needs-flat');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'type']);
    assert.match(p.message, /\[26, 26, 8\]/);
    assert.match(p.message, /flatten/);
    assertUnderlines(text, p, '"dense"');
  });

  it('shape.needs-image: conv2d on a flat [784] input', () => {
    const text = configText({ layers: [{ type: 'conv2d', filters: 8, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 10 }] });
    const p = onlyProblem(text, 'shape.needs-image');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'type']);
    assert.match(p.message, /\[784\]/);
    assert.match(p.message, /"shape": "image"/);
    assertUnderlines(text, p, '"conv2d"');
  });

  it('shape.needs-image: pooling and global pooling on vectors', () => {
    for (const type of ['maxPooling2d', 'averagePooling2d', 'globalAveragePooling2d']) {
      const text = configText({ layers: [{ type: 'dense', units: 16 }, { type }, { type: 'dense', units: 10 }] });
      assert.deepEqual(onlyProblem(text, 'shape.needs-image').path, ['model', 'layers', 1, 'type'], type);
    }
  });

  it('shape.too-small: a 5×5 valid convolution on a 3×3 input', () => {
    const text = configText({
      data: { dataset: { synthetic: 'gaussian', features: 9 } },
      input: [3, 3, 1],
      layers: [{ type: 'conv2d', filters: 4, kernelSize: 5 }, { type: 'flatten' }, { type: 'dense', units: 2 }],
    });
    const p = onlyProblem(text, 'shape.too-small');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'kernelSize']);
    assert.match(p.message, /5×5 kernel .* 3×3 input/);
    assertUnderlines(text, p, '5');
  });

  it('a 5×5 convolution on a 3×3 input fits with "same" padding', () => {
    const report = inferShapes([normalizeLayer({ type: 'conv2d', filters: 4, kernelSize: 5, padding: 'same' })], [3, 3, 1]);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.outputShape, [3, 3, 4]);
  });

  it('shape.too-small: pooling larger than what is left of the image', () => {
    const text = image([
      { type: 'conv2d', filters: 4, kernelSize: 3, strides: 4 },
      { type: 'maxPooling2d', poolSize: 8 },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    const p = onlyProblem(text, 'shape.too-small');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'poolSize']);
    assert.match(p.message, /8×8 pool .* 7×7 input/);
    assert.equal(underlined(text, p), '8');
    assert.equal(p.range?.offset, text.indexOf('"poolSize": 8') + '"poolSize": '.length);
  });

  it('shape.too-small for a default pool size underlines the layer, since there is no poolSize to point at', () => {
    const text = image([
      { type: 'conv2d', filters: 4, kernelSize: 3, strides: 28, padding: 'same' },
      { type: 'maxPooling2d' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    const p = onlyProblem(text, 'shape.too-small');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'poolSize']);
    assert.match(p.message, /2×2 pool .* 1×1 input/);
    assertUnderlines(text, p, '{', 4);
  });

  it('shape.residual-mismatch: a flatten inside a residual branch', () => {
    const text = image([
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' },
      { type: 'residual', layers: [{ type: 'flatten' }] },
      { type: 'dense', units: 10 },
    ]);
    const p = onlyProblem(text, 'shape.residual-mismatch');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'layers']);
    assert.match(p.message, /\[28, 28, 4\] into \[3136\]/);
    assert.match(p.message, /flatten/);
    assertUnderlines(text, p, '"layers"', 1);
  });

  it('shape.residual-mismatch: a valid-padded branch no 1×1 projection can follow', () => {
    const text = image([
      { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }] },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    const p = onlyProblem(text, 'shape.residual-mismatch');
    assert.deepEqual(p.path, ['model', 'layers', 0, 'layers']);
    assert.match(p.message, /\[28, 28, 1\] into \[26, 26, 4\]/);
    assert.match(p.message, /"padding": "same"/);
  });

  it('shape problems inside a residual branch carry the nested path', () => {
    const text = image([
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' },
      { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' }, { type: 'dense', units: 4 }] },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    const p = onlyProblem(text, 'shape.dense-needs-flat');
    assert.deepEqual(p.path, ['model', 'layers', 1, 'layers', 1, 'type']);
    assert.match(p.message, /Layer 1\.1 \(dense\)/);
  });

  it('shape.input-mismatch: model.input [28, 28, 1] with flat MNIST', () => {
    const text = configText({ input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] });
    const p = onlyProblem(text, 'shape.input-mismatch');
    assert.deepEqual(p.path, ['model', 'input']);
    assert.match(p.message, /\[28, 28, 1\].*\[784\]/);
    assert.match(p.message, /"shape": "flat"/);
    assertUnderlines(text, p, '"input"');
  });

  it('shape.input-mismatch: gaussian data with 20 features (the default) and input [10]', () => {
    const text = configText({ data: { dataset: { synthetic: 'gaussian' } }, input: [10], layers: [{ type: 'dense', units: 2 }] });
    const p = onlyProblem(text, 'shape.input-mismatch');
    assert.match(p.message, /model\.input is \[10\] but the data has shape \[20\]/);
  });

  it('shape.output-mismatch: a last dense layer of 5 units on MNIST\'s 10 classes', () => {
    const text = configText({ layers: [{ type: 'dense', units: 64 }, { type: 'dense', units: 5, activation: 'softmax' }] });
    const p = onlyProblem(text, 'shape.output-mismatch');
    assert.deepEqual(p.path, ['model', 'layers', 1]);
    assert.match(p.message, /ends in \[5\] but the data has 10 classes/);
    assertUnderlines(text, p, '{', 4);
  });

  it('shape.output-mismatch: 3 spiral classes and 2 output units', () => {
    const text = configText({ data: { dataset: { synthetic: 'spirals', classes: 3 } }, input: [2], layers: [{ type: 'dense', units: 2 }] });
    const p = onlyProblem(text, 'shape.output-mismatch');
    assert.match(p.message, /\[2\] but the data has 3 classes/);
  });

  it('shape.output-mismatch: binaryCrossentropy needs a single output unit', () => {
    const text = configText({
      data: { dataset: { synthetic: 'blobs', classes: 2 } },
      input: [2],
      layers: [{ type: 'dense', units: 2, activation: 'sigmoid' }],
      training: { epochs: 1, optimizer: { type: 'adam' }, loss: 'binaryCrossentropy' },
    });
    assert.match(onlyProblem(text, 'shape.output-mismatch').message, /single output unit/);
  });

  it('loss.activation-mismatch: categoricalCrossentropy with a sigmoid output', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10, activation: 'sigmoid' }] });
    const p = onlyProblem(text, 'loss.activation-mismatch');
    assert.deepEqual(p.path, ['model', 'layers', 0]);
    assert.match(p.message, /not "sigmoid"/);
  });

  it('loss.activation-mismatch looks through dropout to the last activation', () => {
    const text = configText({ layers: [{ type: 'dense', units: 10, activation: 'relu' }, { type: 'dropout', rate: 0.1 }] });
    const p = onlyProblem(text, 'loss.activation-mismatch');
    assert.deepEqual(p.path, ['model', 'layers', 1]);
    assert.match(p.message, /not "relu"/);
  });

  it('accepts softmax and linear (logits) outputs for categoricalCrossentropy', () => {
    parseValid(configText({ layers: [{ type: 'dense', units: 10, activation: 'softmax' }] }));
    parseValid(configText({ layers: [{ type: 'dense', units: 10 }] }));
  });
});

describe('parseTrainConfig: shapes that fit', () => {
  it('a "same" conv with strides 2 turns 28×28 into 14×14', () => {
    const { shapes } = parse(image([
      { type: 'conv2d', filters: 16, kernelSize: 3, strides: 2, padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]));
    assert.deepEqual(shapes?.problems, []);
    assert.deepEqual(shapes?.layers.map((l) => l.outputShape), [[14, 14, 16], [3136], [10]]);
  });

  it('"same" padding rounds odd sizes up: 7×7 with stride 2 gives 4×4, for convs and pools', () => {
    const { shapes } = parse(image([
      { type: 'conv2d', filters: 8, kernelSize: 3, strides: 4, padding: 'same' },
      { type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'same' },
      { type: 'maxPooling2d', poolSize: 3, strides: 2, padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]));
    assert.deepEqual(shapes?.problems, []);
    assert.deepEqual(shapes?.layers.map((l) => l.outputShape), [[7, 7, 8], [4, 4, 8], [2, 2, 8], [32], [10]]);
  });

  it('counts parameters, fan-in and fan-out of dense and conv layers', () => {
    const mlp = parse(configText({ layers: [{ type: 'dense', units: 256 }, { type: 'dense', units: 10, useBias: false }] })).shapes;
    assert.deepEqual(mlp?.layers.map((l) => l.params), [784 * 256 + 256, 2560]);
    assert.equal(mlp?.layers[0].params, 200960);
    assert.deepEqual([mlp?.layers[0].fanIn, mlp?.layers[0].fanOut], [784, 256]);

    const cnn = parse(image([
      { type: 'conv2d', filters: 16, kernelSize: 3 },
      { type: 'maxPooling2d' },
      { type: 'batchNormalization' },
      { type: 'conv2d', filters: 32, kernelSize: [3, 5], padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ])).shapes;
    assert.deepEqual(cnn?.problems, []);
    assert.deepEqual(cnn?.layers.map((l) => l.outputShape), [[26, 26, 16], [13, 13, 16], [13, 13, 16], [13, 13, 32], [5408], [10]]);
    assert.equal(cnn?.layers[0].params, 160);
    assert.deepEqual([cnn?.layers[0].fanIn, cnn?.layers[0].fanOut], [9, 144]);
    assert.equal(cnn?.layers[2].params, 4 * 16, 'BatchNorm: gamma, beta, moving mean and variance per channel');
    assert.equal(cnn?.layers[3].params, 3 * 5 * 16 * 32 + 32);
    assert.deepEqual(cnn?.outputShape, [10]);
  });

  it('a residual block that keeps the shape needs no projection', () => {
    const { shapes } = parse(image([
      { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same' },
      { type: 'residual', layers: [
        { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'batchNormalization' },
      ] },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]));
    assert.deepEqual(shapes?.problems, []);
    const block = shapes?.layers[1];
    assert.deepEqual(block?.outputShape, [28, 28, 16]);
    assert.equal(block?.projection, undefined);
    assert.deepEqual(block?.branch?.map((l) => l.index), [[1, 0], [1, 1]]);
    assert.equal(block?.params, (9 * 16 * 16 + 16) + 4 * 16);
    assert.deepEqual(shapes?.layers[2].outputShape, [16], 'globalAveragePooling2d keeps the channels');
  });

  it('a residual block that changes channels and stride gets a strided 1×1 projection', () => {
    const { shapes } = parse(image([
      { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same' },
      { type: 'residual', layers: [{ type: 'conv2d', filters: 32, kernelSize: 3, strides: 2, padding: 'same' }] },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 10 },
    ]));
    assert.deepEqual(shapes?.problems, []);
    const block = shapes?.layers[1];
    assert.deepEqual(block?.outputShape, [14, 14, 32]);
    assert.deepEqual(block?.projection, { kind: 'conv1x1', strides: [2, 2], params: 16 * 32 });
    assert.equal(block?.params, 9 * 16 * 32 + 32 + 16 * 32);
  });

  it('a residual block that changes only the channels gets an unstrided projection, and vectors a dense one', () => {
    const conv = parse(image([
      { type: 'residual', layers: [{ type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same' }] },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ])).shapes;
    assert.deepEqual(conv?.layers[0].projection, { kind: 'conv1x1', strides: [1, 1], params: 8 });

    const dense = parse(configText({ layers: [{ type: 'residual', layers: [{ type: 'dense', units: 64 }] }, { type: 'dense', units: 10 }] })).shapes;
    assert.deepEqual(dense?.problems, []);
    assert.deepEqual(dense?.layers[0].projection, { kind: 'dense', strides: [1, 1], params: 784 * 64 });
  });

  it('inferShapes stops at the first impossible layer instead of cascading errors', () => {
    const layers = [
      { type: 'conv2d', filters: 4, kernelSize: 3 },
      { type: 'conv2d', filters: 4, kernelSize: 3 },
      { type: 'dense', units: 10 },
    ].map((l) => normalizeLayer(l));
    const report = inferShapes(layers, [784]);
    assert.deepEqual(report.problems.map((p) => p.code), ['shape.needs-image']);
    assert.equal(report.outputShape, undefined);
    assert.deepEqual(report.layers, []);
  });
});
