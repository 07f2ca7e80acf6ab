// Every model definition in ../shared/data/keras-models (real files from dl4j test resources,
// tensorspace and tfjs-examples): the supported ones import to a config that lints and has the
// original's layers, shapes and parameter count (computed independently from the JSON by
// kerasReference.ts); the others fail with one clear problem per cause.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import type { LayerShape } from '../../../src/core/config/shapeInference';
import { lintFindings } from '../../../src/core/diagnosis/lintConfig';
import { importKerasModel } from '../../../src/core/interop/keras/importKerasModel';
import { referenceModel } from './kerasReference';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const modelsDir = path.resolve(repoRoot, '..', 'shared', 'data', 'keras-models');
const present = fs.existsSync(modelsDir);
const skipReason = `${modelsDir} is absent (the shared data folder beside the repository): the real-model import tests need it`;

/** Supported files, with the output to import when the model has several. */
const SUPPORTED: Record<string, { output?: string }> = {
  'dl4j-test-resources/configs/keras2/keras2_mlp_config.json': {},
  'dl4j-test-resources/configs/keras2/keras2_mnist_cnn_tf_config.json': {},
  'dl4j-test-resources/configs/keras2/mnist_mlp_tf_keras_2_config.json': {},
  'dl4j-test-resources/configs/keras2/model_2_2_2.json': {},
  'dl4j-test-resources/configs/keras2/model_2_2_4.json': {},
  'dl4j-test-resources/examples/agz/dual_res.json': { output: 'value_head_output' },
  'tensorspace/docs/tfjs/rawModel/mnist.json': {},
  'tensorspace/examples/mobilenetv1/mobilenetv1/model.json': {},
  'tensorspace/examples/resnet50/resnet50Model/model.json': {},
  'tfjs-examples/abalone-node/trainedModel/model.json': {},
};

/** Unsupported files: the problems expected, as "code layer-class" (or just the code for whole-model causes). */
const UNSUPPORTED: Record<string, string[]> = {
  'dl4j-test-resources/configs/keras1/mlp_config.json': ['import.keras1'],
  'dl4j-test-resources/configs/keras2/imdb_lstm_tf_keras_2_config.json': ['import.unsupported-layer Embedding', 'import.unsupported-layer LSTM'],
  'dl4j-test-resources/configs/keras2/bidirectional_lstm_tf_keras_2_config.json': ['import.unsupported-layer Bidirectional', 'import.unsupported-layer Embedding'],
  'dl4j-test-resources/configs/keras2/simple_add_tf_keras_2.json': ['import.multi-input'],
  'dl4j-test-resources/configs/keras2/yolo9000_tf_keras_2.json': ['import.unsupported-layer Concatenate', 'import.unsupported-layer Lambda'],
  'dl4j-test-resources/examples/agz/dual_res.json': ['import.multi-output'],
  'tensorspace/examples/acgan/acganGenModel/model.json': ['import.multi-input', 'import.unknown-layer UpSampling2D', 'import.unsupported-layer Embedding', 'import.unsupported-layer Multiply'],
  'tfjs-examples/translation-node/model.json': ['import.multi-input', 'import.unsupported-layer LSTM'],
};

function modelFiles(dir = modelsDir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return modelFiles(full);
    return entry.name.endsWith('.json') ? [path.relative(modelsDir, full).split(path.sep).join('/')] : [];
  });
}

/** Output shapes of every config layer (branch and shortcut layers, and each block's sum, included). */
function configShapes(layers: LayerShape[]): string[] {
  return layers.flatMap((l) => [
    ...(l.branch ? configShapes(l.branch) : []), ...(l.shortcut ? configShapes(l.shortcut) : []), `[${l.outputShape.join(',')}]`,
  ]);
}

describe('import of every model in ../shared/data/keras-models', () => {
  it('knows what to expect of every file in the folder', (t) => {
    if (!present) return t.skip(skipReason);
    const files = modelFiles();
    assert.equal(files.length, 17);
    for (const file of files) assert.ok(file in SUPPORTED || file in UNSUPPORTED, `no expectation for ${file}`);
  });

  for (const [file, { output }] of Object.entries(SUPPORTED)) {
    it(`imports ${file}${output ? ` (--output ${output})` : ''}: lints, same layers, shapes and parameters as the original`, async (t) => {
      if (!present) return t.skip(skipReason);
      const json = JSON.parse(fs.readFileSync(path.join(modelsDir, file), 'utf8'));
      const result = importKerasModel(fs.readFileSync(path.join(modelsDir, file)), file, { output });
      assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('\n'));
      const reference = referenceModel(json, output);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-import-'));
      try {
        const configPath = path.join(dir, 'imported.train.json');
        fs.writeFileSync(configPath, result.text);
        const loaded = await loadConfigFile(configPath);
        assert.deepEqual(loaded.problems, []);
        const { findings } = await lintFindings(loaded);
        assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.rule), []);
        const shapes = loaded.shapes!;

        // Layers: every Keras layer became one config layer (an Add became its residual block; the
        // InputLayer became model.input), plus what the import added and said so.
        const inputLayers = reference.layers.filter((l) => l.className === 'InputLayer').length;
        const configLayerCount = configShapes(shapes.layers).length;
        assert.equal(result.summary.kerasLayers, reference.layers.length);
        assert.equal(configLayerCount - result.summary.addedLayers, reference.layers.length - inputLayers);

        // Shapes: the same multiset of layer output shapes, the same input and output.
        const expectedShapes = reference.layers.filter((l) => l.className !== 'InputLayer').map((l) => `[${l.outputShape.join(',')}]`).sort();
        const actualShapes = configShapes(shapes.layers).slice(0, configLayerCount - result.summary.addedLayers).sort();
        assert.deepEqual(actualShapes, expectedShapes);
        assert.deepEqual(loaded.config!.model.input, reference.inputShape);

        // Parameters, as Keras counts them (BatchNorm's moving statistics included).
        assert.equal(shapes.layers.reduce((s, l) => s + l.params, 0), reference.params);
        assert.equal(result.summary.params, reference.params);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const [file, expected] of Object.entries(UNSUPPORTED)) {
    it(`refuses ${file} with one located problem per cause: ${expected.join('; ')}`, (t) => {
      if (!present) return t.skip(skipReason);
      const text = fs.readFileSync(path.join(modelsDir, file), 'utf8');
      const result = importKerasModel(Buffer.from(text), file);
      assert.ok(!result.ok, 'a half-imported model must not be returned');
      const causes = result.problems.map((p) => (p.layer ? `${p.code} ${p.layer.className}` : p.code)).sort();
      assert.deepEqual(causes, [...expected].sort());
      for (const p of result.problems) {
        assert.ok(p.range && p.range.line >= 1 && p.range.offset < text.length, `${p.code} is located`);
        if (p.layer) assert.ok(p.message.includes(`"${p.layer.name}" (${p.layer.className})`), p.message);
      }
    });
  }
});

describe('the probe\'s default batch', () => {
  it('stays 256 for the examples and shrinks for models whose layer outputs would not fit (ResNet50: 2, MobileNetV1: 4)', async (t) => {
    const { defaultProbeBatch } = await import('../../../src/core/engine/probe');
    const { parseTrainConfig } = await import('../../../src/core/config/parseConfig');
    for (const example of ['mnist-cnn', 'mnist-resnet', 'mnist-mlp']) {
      const parsed = parseTrainConfig(fs.readFileSync(path.join(repoRoot, 'examples', `${example}.train.json`), 'utf8'), `${example}.train.json`);
      assert.equal(defaultProbeBatch(parsed.config!), 256, example);
    }
    if (!present) return t.skip(skipReason);
    for (const [file, expected] of [['tensorspace/examples/resnet50/resnet50Model/model.json', 2], ['tensorspace/examples/mobilenetv1/mobilenetv1/model.json', 4]] as const) {
      const result = importKerasModel(fs.readFileSync(path.join(modelsDir, file)), file);
      assert.ok(result.ok);
      assert.equal(defaultProbeBatch(parseTrainConfig(result.text, 'x.train.json').config!), expected, file);
    }
  });
});
