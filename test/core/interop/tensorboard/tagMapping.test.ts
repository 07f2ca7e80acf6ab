import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifyTag, parseOverrides, parseRole, roleOf } from '../../../../src/core/interop/tensorboard/tagMapping';
import { loadOverrides } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';
import { tempLogdir } from './tensorboardFixtures';

describe('tag mapping: auto-detection', () => {
  const cases: [string, 'scalar' | 'histogram', 'train' | 'validation', object][] = [
    // Keras callback, TF2 (split folders) and TF1 (one folder)
    ['epoch_loss', 'scalar', 'train', { role: 'loss', split: 'train', granularity: 'epoch' }],
    ['epoch_loss', 'scalar', 'validation', { role: 'loss', split: 'validation', granularity: 'epoch' }],
    ['epoch_accuracy', 'scalar', 'train', { role: 'metric', name: 'accuracy', split: 'train', granularity: 'epoch' }],
    ['batch_loss', 'scalar', 'train', { role: 'loss', split: 'train', granularity: 'step' }],
    ['epoch_val_loss', 'scalar', 'train', { role: 'loss', split: 'validation', granularity: 'epoch' }],
    ['val_acc', 'scalar', 'train', { role: 'metric', name: 'acc', split: 'validation' }],
    ['batch_sparse_categorical_accuracy', 'scalar', 'train', { role: 'metric', name: 'sparse_categorical_accuracy', split: 'train', granularity: 'step' }],
    // PyTorch habits
    ['Loss/train', 'scalar', 'train', { role: 'loss', split: 'train' }],
    ['loss/val', 'scalar', 'train', { role: 'loss', split: 'validation' }],
    ['train_loss', 'scalar', 'train', { role: 'loss', split: 'train' }],
    ['val_loss', 'scalar', 'train', { role: 'loss', split: 'validation' }],
    ['training loss', 'scalar', 'train', { role: 'loss', split: 'train' }],
    ['lr', 'scalar', 'train', { role: 'learning-rate' }],
    ['learning_rate', 'scalar', 'train', { role: 'learning-rate' }],
    ['lr-Adam', 'scalar', 'train', { role: 'learning-rate' }],
    ['epoch', 'scalar', 'train', { role: 'epoch-counter' }],
    ['grad_norm', 'scalar', 'train', { role: 'gradient-norm' }],
    ['train/grad_norm', 'scalar', 'train', { role: 'gradient-norm' }],
    ['gradients/global_norm', 'scalar', 'train', { role: 'gradient-norm' }],
    // TF1 Estimator
    ['dnn/hiddenlayer_0/fraction_of_zero_values', 'scalar', 'train', { role: 'zero-fraction', layer: 'dnn/hiddenlayer_0' }],
    ['dnn/hiddenlayer_0/activation', 'histogram', 'train', { role: 'activations', layer: 'dnn/hiddenlayer_0' }],
    // weights and gradients
    ['dense/kernel_0', 'histogram', 'train', { role: 'weights', layer: 'dense' }],
    ['fc1.weight', 'histogram', 'train', { role: 'weights', layer: 'fc1' }],
    ['layer1.0.conv1.weight', 'histogram', 'train', { role: 'weights', layer: 'layer1.0.conv1' }],
    ['fc1.weight.grad', 'histogram', 'train', { role: 'gradients', layer: 'fc1' }],
    ['grad/fc1.weight', 'histogram', 'train', { role: 'gradients', layer: 'fc1' }],
    ['gradients/fc2.weight', 'histogram', 'train', { role: 'gradients', layer: 'fc2' }],
    ['dense_1/kernel_0_grad', 'histogram', 'train', { role: 'gradients', layer: 'dense_1' }],
    ['fc1/activations', 'histogram', 'train', { role: 'activations', layer: 'fc1' }],
    // Training Doctor's own runs (trainingEventLog.ts), whatever the layer's name says
    ['03_3_dense/weights', 'histogram', 'train', { role: 'weights', layer: '3_dense' }],
    ['04_4_grad_output/activations', 'histogram', 'train', { role: 'activations', layer: '4_grad_output' }],
    ['04_4_grad_output/gradients', 'histogram', 'train', { role: 'gradients', layer: '4_grad_output' }],
    ['01_1_dense/dead_fraction', 'scalar', 'train', { role: 'layer-statistic', layer: '1_dense', statistic: 'deadFraction' }],
    ['01_1_dense/update_ratio', 'scalar', 'train', { role: 'layer-statistic', layer: '1_dense', statistic: 'updateRatio' }],
    ['01_1_dense/activation_std', 'scalar', 'train', { role: 'layer-statistic', layer: '1_dense', statistic: 'activationStd' }],
  ];
  for (const [tag, kind, split, expected] of cases) {
    it(`${tag} (${kind}${split === 'validation' ? ', validation folder' : ''})`, () => {
      assert.deepEqual(classifyTag(tag, kind, split), expected);
    });
  }

  it('leaves aside what it does not recognise, saying why', () => {
    for (const [tag, kind] of [['00_0_dense/grad_norm', 'scalar'], ['00_0_dense/weight_std', 'scalar'], ['dense/bias_0', 'histogram'], ['fc1.bias.grad', 'histogram'], ['global_step/sec', 'scalar'], ['average_loss', 'scalar'], ['lax/foo', 'scalar']] as const) {
      const role = classifyTag(tag, kind, 'train');
      assert.equal(role.role, 'ignored', tag);
      assert.ok(role.role === 'ignored' && role.reason.length > 10, tag);
    }
  });
});

describe('tag mapping: overrides', () => {
  it('parses roles, with granularity after @', () => {
    assert.deepEqual(parseRole('loss@epoch'), { role: 'loss', split: 'train', granularity: 'epoch' });
    assert.deepEqual(parseRole('val_metric:top5'), { role: 'metric', name: 'top5', split: 'validation' });
    assert.deepEqual(parseRole('gradients:encoder.0'), { role: 'gradients', layer: 'encoder.0' });
    assert.match(parseRole('weights') as string, /needs a layer name/);
    assert.match(parseRole('loss@batch') as string, /"epoch" or "step"/);
    assert.match(parseRole('banana') as string, /is not a role/);
  });

  it('a mapping wins over auto-detection', () => {
    const { overrides, problems } = parseOverrides({ tags: { 'lax/foo': 'loss', 'Loss/train': 'ignore' }, activations: { fc1: 'tanh' }, epochs: 30 }, 'run.tb.json');
    assert.deepEqual(problems, []);
    assert.deepEqual(roleOf('lax/foo', 'scalar', 'train', overrides), { role: 'loss', split: 'train' });
    assert.equal(roleOf('Loss/train', 'scalar', 'train', overrides).role, 'ignored');
    assert.equal(overrides.activations.fc1, 'tanh');
    assert.equal(overrides.epochs, 30);
  });

  it('reports every problem of a sidecar with where it is, and keeps the rest', () => {
    const { overrides, problems } = parseOverrides({ tags: { a: 'loss', b: 7, c: 'nonsense' }, activations: { fc1: 'swishy' }, epochs: -1, extra: true }, 'logs/x.tb.json');
    assert.deepEqual(overrides.tags, { a: 'loss' });
    assert.equal(problems.length, 5);
    for (const p of problems) assert.match(p, /^logs\/x\.tb\.json: /);
    assert.deepEqual(parseOverrides([1], 'y.tb.json').problems, ['y.tb.json: expected a JSON object']);
  });

  it('a sidecar that is not JSON is reported at its line and column, and the --map entries still apply', async () => {
    const root = tempLogdir('sidecar');
    try {
      const file = path.join(root.dir, 'run.tb.json');
      fs.writeFileSync(file, '{\n  "tags": { "a": "loss" }\n  "epochs": 3\n}\n');
      const { overrides, problems } = await loadOverrides(root.dir, root.dir, { b: 'lr' });
      assert.equal(problems.length, 1);
      assert.match(problems[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:3: not JSON \\(comma expected\\)$`));
      assert.deepEqual(overrides.tags, { b: 'lr' });
    } finally {
      root.cleanup();
    }
  });
});
