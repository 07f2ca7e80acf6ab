import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTag, parseOverrides, parseRole, roleOf } from '../../../../src/core/interop/tensorboard/tagMapping';

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
  ];
  for (const [tag, kind, split, expected] of cases) {
    it(`${tag} (${kind}${split === 'validation' ? ', validation folder' : ''})`, () => {
      assert.deepEqual(classifyTag(tag, kind, split), expected);
    });
  }

  it('leaves aside what it does not recognise, saying why', () => {
    for (const [tag, kind] of [['dense/bias_0', 'histogram'], ['fc1.bias.grad', 'histogram'], ['global_step/sec', 'scalar'], ['average_loss', 'scalar'], ['lax/foo', 'scalar']] as const) {
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
});
