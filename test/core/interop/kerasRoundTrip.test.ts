import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { isWeightedLayer, type LayerConfig } from '../../../src/core/config/trainConfig';
import type { LayerShape } from '../../../src/core/config/shapeInference';
import { projectionStrides } from '../../../src/core/config/shapeInference';
import { exportKerasJson } from '../../../src/core/interop/keras/exportKerasJson';
import { importKerasModel } from '../../../src/core/interop/keras/importKerasModel';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function exampleConfigs(dir = path.join(repoRoot, 'examples')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return exampleConfigs(full);
    return entry.name.endsWith('.train.json') ? [full] : [];
  });
}

/**
 * The same model written the way an export spells it: activations Keras has no name for become
 * their own layer, an automatic residual projection becomes its explicit shortcut, zero penalties
 * disappear. Two configs with equal canonical forms build the same model.
 */
function canonical(layers: LayerConfig[], shapes: LayerShape[]): unknown[] {
  return layers.flatMap((layer, i) => {
    const shape = shapes[i];
    if (layer.type === 'residual') {
      let shortcut = layer.shortcut ? canonical(layer.shortcut, shape.shortcut ?? []) : undefined;
      if (!shortcut && shape.projection) {
        const common = { activation: 'linear', useBias: false, kernelInitializer: { type: 'glorotUniform' }, biasInitializer: { type: 'zeros' } };
        shortcut = shape.outputShape.length === 1
          ? [{ type: 'dense', units: shape.outputShape[0], ...common }]
          : [{ type: 'conv2d', filters: shape.outputShape[2], kernelSize: [1, 1], strides: projectionStrides(shape.inputShape, shape.outputShape), padding: 'same', ...common }];
      }
      return [{ type: 'residual', layers: canonical(layer.layers, shape.branch ?? []), ...(shortcut ? { shortcut } : {}) }];
    }
    const copy = JSON.parse(JSON.stringify(layer)) as Record<string, unknown>;
    for (const key of ['kernelRegularizer', 'biasRegularizer']) {
      const r = copy[key] as { l1: number; l2: number } | undefined;
      if (r && r.l1 === 0 && r.l2 === 0) delete copy[key];
    }
    const split = (activation: string) => activation === 'leakyRelu' || activation === 'relu6';
    if (isWeightedLayer(layer) && split(layer.activation)) return [{ ...copy, activation: 'linear' }, { type: 'activation', activation: layer.activation }];
    return [copy];
  });
}

describe('export --to keras-json, then import: the same model', () => {
  const files = exampleConfigs();

  it('finds the example configs', () => {
    assert.ok(files.length >= 15, `only ${files.length} examples`);
  });

  for (const file of files) {
    const name = path.relative(repoRoot, file);
    it(name, (t) => {
      const original = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
      if (!original.config || !original.shapes) {
        t.skip(`${name} is an invalid example on purpose (${original.problems[0]?.code}); export needs a valid config`);
        return;
      }
      const json = JSON.stringify(exportKerasJson(original.config, original.shapes));
      const imported = importKerasModel(new TextEncoder().encode(json), 'exported.json');
      assert.ok(imported.ok, imported.ok ? '' : imported.problems.map((p) => p.message).join('\n'));
      const reparsed = parseTrainConfig(imported.text, 'reimported.train.json');
      assert.ok(reparsed.config && reparsed.shapes, reparsed.problems.map((p) => p.message).join('\n'));
      assert.deepEqual(reparsed.config.model.input, original.config.model.input);
      assert.deepEqual(canonical(reparsed.config.model.layers, reparsed.shapes.layers), canonical(original.config.model.layers, original.shapes.layers));
      const params = (shapes: LayerShape[]) => shapes.reduce((sum, l) => sum + l.params, 0);
      assert.equal(params(reparsed.shapes.layers), params(original.shapes.layers));
      assert.equal(reparsed.config.training.loss, original.config.training.loss);
      assert.deepEqual(reparsed.config.training.optimizer, original.config.training.optimizer);
    });
  }
});
