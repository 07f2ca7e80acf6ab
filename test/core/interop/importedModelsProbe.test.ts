// The imported real models run: each probes (one small batch forward and backward, wasm backend)
// with finite statistics for every layer, and on ResNet50 and MobileNetV1 the variance model's
// predicted per-layer std agrees with the probe's measurement (ResNet50's last three layers with a
// forward pass over 16 examples: see why below). Also: lint time of both.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { lintFindings } from '../../../src/core/diagnosis/lintConfig';
import { predictVariance } from '../../../src/core/diagnosis/varianceModel';
import { buildModel } from '../../../src/core/engine/modelBuilder';
import { defaultProbeBatch, probeModel, type ProbeReport } from '../../../src/core/engine/probe';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { importKerasModel } from '../../../src/core/interop/keras/importKerasModel';
import { wasmRuntime, type Tensor } from '../engine/engineFixtures';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const modelsDir = path.resolve(repoRoot, '..', 'shared', 'data', 'keras-models');
const present = fs.existsSync(modelsDir);
const skipReason = `${modelsDir} is absent (the shared data folder beside the repository): the real-model probe tests need it`;

const RESNET50 = 'tensorspace/examples/resnet50/resnet50Model/model.json';
const MOBILENET = 'tensorspace/examples/mobilenetv1/mobilenetv1/model.json';

/** Batch sizes; for the two big models the probe's default, which keeps their layer outputs under 300 MB. */
const PROBED: [string, number, string?][] = [
  ['dl4j-test-resources/configs/keras2/keras2_mlp_config.json', 8],
  ['dl4j-test-resources/configs/keras2/keras2_mnist_cnn_tf_config.json', 8],
  ['dl4j-test-resources/configs/keras2/model_2_2_4.json', 8],
  ['dl4j-test-resources/examples/agz/dual_res.json', 4, 'value_head_output'],
  ['tensorspace/docs/tfjs/rawModel/mnist.json', 8],
  ['tfjs-examples/abalone-node/trainedModel/model.json', 8],
  [MOBILENET, 4],
  [RESNET50, 2],
];

function importedText(file: string, output?: string): string {
  const result = importKerasModel(fs.readFileSync(path.join(modelsDir, file)), file, { output });
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('\n'));
  return result.text;
}

describe('imported real models: probe on wasm, variance model against the probe', () => {
  let runtime: TensorflowRuntime;
  const reports = new Map<string, ProbeReport>();

  before(async () => {
    if (present) runtime = await wasmRuntime();
  });

  for (const [file, batchSize, output] of PROBED) {
    it(`probes ${file} at a batch of ${batchSize}: every layer measured, finite, with gradients`, async (t) => {
      // (the small models' default would be 256 examples; 8 are enough here)
      if (!present) return t.skip(skipReason);
      const parsed = parseTrainConfig(importedText(file, output), 'imported.train.json');
      assert.ok(parsed.config);
      const big = file === MOBILENET || file === RESNET50;
      // ResNet50 at 224×224 needs more than the wasm heap's 4 GB for 4 examples with every layer's output kept.
      if (big) assert.equal(defaultProbeBatch(parsed.config), batchSize);
      const { report } = await probeModel(parsed.config, { runtime, baseDir: os.tmpdir(), batchSize: big ? undefined : batchSize });
      assert.equal(runtime.backend, 'wasm');
      assert.equal(report.batchSize, batchSize);
      assert.equal(report.layers.length, parsed.config.model.layers.length);
      for (const layer of report.layers) {
        assert.ok(Number.isFinite(layer.activation.std) && Number.isFinite(layer.activation.mean), `${layer.name}: activation`);
        if (layer.weights) assert.ok(layer.gradNorm !== null && Number.isFinite(layer.gradNorm) && layer.gradNorm > 0, `${layer.name}: gradient ${layer.gradNorm}`);
      }
      assert.ok(Number.isFinite(report.loss));
      reports.set(file, report);
    });
  }

  /** Per layer: predicted std / measured std − 1. */
  function deviations(file: string): { name: string; measured: number; predicted: number; deviation: number }[] {
    const parsed = parseTrainConfig(importedText(file), 'imported.train.json');
    const prediction = predictVariance(parsed.config!, parsed.shapes!);
    const report = reports.get(file)!;
    return report.layers.map((layer, i) => ({
      name: layer.name, measured: layer.activation.std, predicted: prediction.layers[i].std, deviation: prediction.layers[i].std / layer.activation.std - 1,
    }));
  }

  it('MobileNetV1: the predicted std of every one of its 91 layers is within 10% of the probe\'s', (t) => {
    if (!present) return t.skip(skipReason);
    assert.ok(reports.has(MOBILENET), 'the MobileNetV1 probe ran');
    const off = deviations(MOBILENET).filter((d) => Math.abs(d.deviation) > 0.1);
    assert.deepEqual(off, []);
  });

  it('ResNet50: within 10% on every layer up to the global average pooling', (t) => {
    if (!present) return t.skip(skipReason);
    assert.ok(reports.has(RESNET50), 'the ResNet50 probe ran');
    const all = deviations(RESNET50);
    const pooling = all.findIndex((d) => d.name.endsWith(':averagePooling2d'));
    assert.equal(pooling, all.length - 3);
    const off = all.slice(0, pooling).filter((d) => Math.abs(d.deviation) > 0.1);
    assert.deepEqual(off, []);
    // From the 7×7 average on, the probe's 2 examples measure less than the model predicts (the
    // prediction is 42% above at the pooling): BatchNorm normalizes each channel over those 2
    // examples only, which removes most of the example-to-example spread that the global average
    // keeps. The test below measures the same weights without that artifact.
    console.log(`ResNet50 probe, batch 2, at the pooling: ${JSON.stringify(all[pooling])}`);
    assert.ok(all[pooling].deviation > 0.1, `the batch-of-2 artifact at the pooling: ${JSON.stringify(all[pooling])}`);
  });

  it('ResNet50\'s last three layers, with BatchNorm over 16 examples (forward only): the pooling within 10%, the classifier\'s logits within 10%', async (t) => {
    // The probe is limited to 2 examples by its backward pass on wasm's 4 GB heap; a forward pass
    // alone holds 16 (BatchNorm still in training mode, on the batch's statistics, as the probe
    // and the variance model have it). With the same weights, the prediction's excess at the
    // pooling shrinks with the batch: +33% at 2, +14% at 4, +10% at 8, +6% at 16, so the probe is
    // what is off there, not the model (docs/rules.md, The variance model).
    if (!present) return t.skip(skipReason);
    const parsed = parseTrainConfig(importedText(RESNET50), 'imported.train.json');
    const config = parsed.config!;
    const prediction = predictVariance(config, parsed.shapes!).layers;
    const { tf } = runtime;
    const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
    try {
      const last = config.model.layers.length - 1;
      const classifier = built.tracked[last];
      assert.equal(classifier.type, 'dense');
      const [kernel, bias] = classifier.tfLayers[0].getWeights();
      const measured = tf.tidy(() => {
        const x = tf.randomNormal([16, ...config.model.input], 0, 1, 'float32', 7);
        const outputs = built.model.apply(x, { training: true }) as Tensor[];
        const std = (tensor: Tensor) => Math.sqrt(tf.moments(tensor).variance.dataSync()[0]);
        const logits = tf.add(tf.matMul(outputs[last - 1], kernel), bias);
        return { pooled: std(outputs[last - 2]), flattened: std(outputs[last - 1]), logits: std(logits) };
      });
      const deviation = (predicted: number, value: number) => predicted / value - 1;
      const found = {
        pooled: deviation(prediction[last - 2].std, measured.pooled),
        flattened: deviation(prediction[last - 1].std, measured.flattened),
        logits: deviation(prediction[last].preActivation!.std, measured.logits),
      };
      console.log(`ResNet50, batch 16, forward only: ${JSON.stringify(measured)}; deviations ${JSON.stringify(found)}`);
      for (const [what, d] of Object.entries(found)) assert.ok(Math.abs(d) <= 0.1, `${what}: predicted/measured − 1 = ${d}`);
      // The softmax's output is not compared: its std over 1000 classes hangs on a few large
      // logits of one weight draw. The pooled features are nearly the same for every example
      // (mean 1.03, std 0.15), so every example gets nearly the same logits, and the measurement
      // is a sample of about 1000 heavy-tailed values, not 16 000. Three weight seeds at a batch
      // of 4 measured 0.00155, 0.00168 and 0.00221 (mean 0.00181) where the model predicts
      // 0.00179, with their logits' std within 3% of the prediction each time.
    } finally {
      built.model.dispose();
    }
  });

  it('global average pooling after BatchNorm: the probe approaches the prediction as the batch grows (small residual net, noise inputs)', async (t) => {
    if (!present) return t.skip(skipReason);
    const conv = { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same' };
    const block = { type: 'residual', layers: [conv, { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' }, conv, { type: 'batchNormalization' }] };
    const text = JSON.stringify({
      name: 'small-resnet', seed: 1,
      data: { dataset: { synthetic: 'placeholder', shape: [14, 14, 16], classes: 10, samples: 80 } },
      model: { input: [14, 14, 16], layers: [block, { type: 'activation', activation: 'relu' }, block, { type: 'activation', activation: 'relu' }, { type: 'globalAveragePooling2d' }, { type: 'dense', units: 10, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'adam' } },
    });
    const parsed = parseTrainConfig(text, 'small.train.json');
    const predicted = predictVariance(parsed.config!, parsed.shapes!).layers[4].std;
    const measured: number[] = [];
    for (const batchSize of [2, 64]) {
      const { report } = await probeModel(parsed.config!, { runtime, baseDir: os.tmpdir(), batchSize });
      measured.push(report.layers[4].activation.std);
    }
    assert.ok(measured[0] < 0.8 * predicted, `batch 2: ${measured[0]} vs predicted ${predicted}`);
    assert.ok(Math.abs(measured[1] / predicted - 1) <= 0.1, `batch 64: ${measured[1]} vs predicted ${predicted}`);
  });

  it('lints ResNet50 and MobileNetV1 (validation, shapes, variance model, every static rule) well within a second of CPU', async (t) => {
    if (!present) return t.skip(skipReason);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-lint-'));
    try {
      for (const file of [RESNET50, MOBILENET]) {
        const configPath = path.join(dir, `${path.basename(path.dirname(path.dirname(file)))}.train.json`);
        fs.writeFileSync(configPath, importedText(file));
        const lint = async () => {
          const start = process.cpuUsage();
          const loaded = await loadConfigFile(configPath);
          const { findings } = await lintFindings(loaded);
          const used = process.cpuUsage(start);
          assert.deepEqual(loaded.problems, []);
          return { ms: (used.user + used.system) / 1000, findings };
        };
        const first = await lint();
        const runs = [await lint(), await lint(), await lint(), await lint(), await lint()].map((r) => r.ms).sort((a, b) => a - b);
        console.log(`lint ${file}: first ${first.ms.toFixed(1)} ms CPU, then median ${runs[2].toFixed(1)} ms CPU; ${first.findings.length} findings`);
        // A generous bound: it catches an order-of-magnitude regression, not a busy machine.
        assert.ok(runs[2] < 1000, `median lint ${runs[2]} ms of CPU`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
