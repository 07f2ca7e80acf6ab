import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';

function parse(input: number[], layers: object[], head: object[] = [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }]) {
  return parseTrainConfig(JSON.stringify({
    name: 'shapes', data: { dataset: { synthetic: 'placeholder', shape: input, classes: 3 } },
    model: { input, layers: [...layers, ...head] }, training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
  }), 'shapes.train.json');
}

describe('shapes and parameters of the layers real CNNs need', () => {
  it('zeroPadding2d in its three spellings, depthwise and separable convolutions, global max pooling, reshape', () => {
    const parsed = parse([10, 10, 4], [
      { type: 'zeroPadding2d', padding: 1 },
      { type: 'zeroPadding2d', padding: [2, 0] },
      { type: 'zeroPadding2d', padding: [[0, 1], [3, 0]] },
      { type: 'depthwiseConv2d', kernelSize: 3, strides: 2, depthMultiplier: 2 },
      { type: 'separableConv2d', filters: 6, kernelSize: [3, 1], padding: 'same', useBias: false },
      { type: 'globalMaxPooling2d' },
      { type: 'reshape', targetShape: [-1, 2] },
      { type: 'layerNormalization', center: false },
    ]);
    assert.deepEqual(parsed.problems, []);
    const layers = parsed.shapes!.layers;
    assert.deepEqual(layers.slice(0, 8).map((l) => l.outputShape), [[12, 12, 4], [16, 12, 4], [17, 15, 4], [8, 7, 8], [8, 7, 6], [6], [3, 2], [3, 2]]);
    assert.deepEqual(layers.slice(0, 8).map((l) => l.params), [0, 0, 0, 3 * 3 * 4 * 2 + 8, 3 * 1 * 8 + 8 * 6, 0, 0, 2]);
  });

  it('conv1d and maxPooling1d on [steps, channels], and a clear problem on anything else', () => {
    const ok = parse([20, 3], [{ type: 'conv1d', filters: 5, kernelSize: 4, strides: 2 }, { type: 'maxPooling1d', poolSize: 3, padding: 'same' }]);
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.shapes!.layers.slice(0, 2).map((l) => [l.outputShape, l.params]), [[[9, 5], 4 * 3 * 5 + 5], [[3, 5], 0]]);
    const wrong = parse([8, 8, 3], [{ type: 'conv1d', filters: 5, kernelSize: 3 }]);
    assert.deepEqual(wrong.problems.map((p) => p.code), ['shape.needs-sequence']);
  });

  it('reports a reshape whose sizes do not multiply out, located at targetShape', () => {
    const parsed = parse([4, 4, 2], [{ type: 'reshape', targetShape: [5, -1] }]);
    assert.deepEqual(parsed.problems.map((p) => [p.code, p.message]), [['shape.reshape-mismatch', 'Layer 0 (reshape) cannot reshape [4, 4, 2] (32 values) to [5, -1]: the sizes must multiply to 32, with at most one -1.']]);
    assert.ok(parsed.problems[0].range && parsed.problems[0].range.length > 0);
  });

  it('a residual block with shortcut layers adds their parameters, and their shape must match the branch\'s', () => {
    const block = (shortcutFilters: number) => ({
      type: 'residual',
      layers: [{ type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'same' }, { type: 'batchNormalization', scale: false }],
      shortcut: [{ type: 'conv2d', filters: shortcutFilters, kernelSize: 1, strides: 2, useBias: false }, { type: 'batchNormalization' }],
    });
    const ok = parse([8, 8, 4], [block(8)]);
    assert.deepEqual(ok.problems, []);
    const shape = ok.shapes!.layers[0];
    assert.deepEqual(shape.outputShape, [4, 4, 8]);
    assert.equal(shape.params, (3 * 3 * 4 * 8 + 8) + 3 * 8 + 4 * 8 + 4 * 8);
    assert.equal(shape.projection, undefined);
    const wrong = parse([8, 8, 4], [block(6)]);
    assert.deepEqual(wrong.problems.map((p) => p.code), ['shape.residual-mismatch']);
    assert.match(wrong.problems[0].message, /the shortcut gives \[4, 4, 6\] but the branch gives \[4, 4, 8\]/);
  });
});
