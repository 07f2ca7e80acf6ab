// `training-doctor import` and `export` as a user runs them: the config written, its placeholder
// data refused by train, located problems for what cannot be imported, the Keras JSON exported.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, EXAMPLES, REPO, removeDir, runCli, show, tempDir } from './cliTestHelpers';

const FIXTURES = path.join(REPO, 'test', 'core', 'interop', 'fixtures');
const CNN = path.join(FIXTURES, 'keras2-sequential-cnn.json');
const UNSUPPORTED = path.join(FIXTURES, 'keras2-unsupported.json');

describe('training-doctor import / export', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('td-import-cli-');
  });
  after(() => removeDir(dir));

  it('writes a config that lints, says what it did, and will not overwrite it without --force', async () => {
    const result = await runCli(['import', CNN, '--out', 'cnn.train.json'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    // conv 3·3·1·8 + 8, BatchNorm without scale 3·8, dense 14·14·8·10 + 10.
    assert.match(result.stdout, /6 Keras layers → 6 config layers, 15,794 parameters, input \[28, 28, 1\] → output \[10\]/);
    assert.match(result.stdout, /data: placeholder N\(0, 1\) inputs/);
    const lint = await runCli(['lint', 'cnn.train.json'], { cwd: dir });
    assert.equal(lint.code, 0, show(lint));
    const again = await runCli(['import', CNN, '--out', 'cnn.train.json'], { cwd: dir });
    assert.equal(again.code, 2, show(again));
    assert.match(again.stderr, /cnn\.train\.json exists; choose another --out or add --force/);
  });

  it('train refuses the placeholder data with a located problem, lr-find too', async () => {
    const train = await runCli(['train', 'cnn.train.json'], { cwd: dir });
    assert.equal(train.code, 2, show(train));
    const text = fs.readFileSync(path.join(dir, 'cnn.train.json'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.trim().startsWith('"dataset"')) + 1;
    assert.match(train.stderr, new RegExp(`cnn\\.train\\.json:${line}:\\d+: error data\\.placeholder: Cannot train on placeholder data`));
    const lrFind = await runCli(['lr-find', 'cnn.train.json'], { cwd: dir });
    assert.equal(lrFind.code, 2, show(lrFind));
    assert.match(lrFind.stderr, /data\.placeholder: Cannot run a learning-rate range test on placeholder data/);
  });

  it('probe judges the model, not the placeholder\'s random labels: no data findings', async () => {
    // 1000 classes drawn at random for a few dozen examples: most classes have none, some two.
    const model = { class_name: 'Sequential', keras_version: '2.2.4', backend: 'tensorflow', config: { name: 'wide', layers: [
      { class_name: 'Dense', config: { name: 'hidden', units: 16, activation: 'relu', batch_input_shape: [null, 8], kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal' } } } },
      { class_name: 'Dense', config: { name: 'scores', units: 1000, activation: 'softmax' } },
    ] } };
    fs.writeFileSync(path.join(dir, 'wide.json'), JSON.stringify(model));
    assert.equal((await runCli(['import', 'wide.json'], { cwd: dir })).code, 0);
    const probe = await runCli(['probe', 'wide.train.json', '--json', '--backend', 'wasm'], { cwd: dir });
    assert.equal(probe.code, 0, show(probe));
    const rules = (JSON.parse(probe.stdout).findings as { rule: string }[]).map((f) => f.rule);
    assert.deepEqual(rules.filter((r) => r.startsWith('data.')), []);
  });

  it('uses the data given with --data (mnist; a CSV with its label column)', async (t) => {
    const mnist = await runCli(['import', CNN, '--out', 'mnist.train.json', '--data', 'mnist'], { cwd: dir });
    assert.equal(mnist.code, 0, show(mnist));
    assert.match(fs.readFileSync(path.join(dir, 'mnist.train.json'), 'utf8'), /"dataset": "mnist",\s*\n?\s*"shape": "image"/);
    const abalone = path.resolve(REPO, '..', 'shared', 'data', 'keras-models', 'tfjs-examples', 'abalone-node', 'trainedModel', 'model.json');
    const csv = path.join(dir, 'abalone.csv');
    fs.writeFileSync(csv, 'a,b,c,d,e,f,g,h,rings\n' + Array.from({ length: 40 }, (_, i) => `${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => (i * k) % 7).join(',')},${i % 11}`).join('\n') + '\n');
    if (!fs.existsSync(abalone)) return t.skip(`${abalone} is absent (the shared data folder beside the repository): the CSV case needs its regression model`);
    const result = await runCli(['import', abalone, '--out', 'abalone.train.json', '--data', `csv:${csv}`], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const written = fs.readFileSync(path.join(dir, 'abalone.train.json'), 'utf8');
    assert.match(written, /"dataset": \{ "csv": "abalone\.csv", "label": "rings", "task": "regression" \}/);
    const lint = await runCli(['lint', 'abalone.train.json'], { cwd: dir });
    assert.equal(lint.code, 0, show(lint));
  });

  it('prints every reason a model cannot be imported, located, writes nothing and exits 1', async () => {
    const result = await runCli(['import', UNSUPPORTED, '--out', 'bad.train.json'], { cwd: dir });
    assert.equal(result.code, 1, show(result));
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.filter((l) => / error import\./.test(l)).length, 3);
    assert.match(result.stderr, /keras2-unsupported\.json:\d+:\d+: error import\.unsupported-layer: Layer "scale" \(Lambda\) cannot be imported/);
    assert.match(result.stderr, /not imported \(3 problems\); no config was written/);
    assert.ok(!fs.existsSync(path.join(dir, 'bad.train.json')));
  });

  it('exports a config as Keras JSON that imports back', async () => {
    const result = await runCli(['export', path.join(EXAMPLES, 'mnist-resnet.train.json'), '--to', 'keras-json', '--out', 'resnet.json'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'resnet.json'), 'utf8'));
    assert.equal(json.class_name, 'Model');
    assert.ok(json.config.layers.some((l: { class_name: string }) => l.class_name === 'Add'));
    const back = await runCli(['import', 'resnet.json', '--out', 'resnet-back.train.json'], { cwd: dir });
    assert.equal(back.code, 0, show(back));
    const wrong = await runCli(['export', path.join(EXAMPLES, 'mnist-resnet.train.json'), '--to', 'onnx'], { cwd: dir });
    assert.equal(wrong.code, 2, show(wrong));
    assert.match(wrong.stderr, /export needs --to keras-json, pytorch or keras, not "onnx"/);
  });

  it('exports a config as a PyTorch or Keras training script, train_<name>.py by default', async () => {
    const pytorch = await runCli(['export', path.join(EXAMPLES, 'mnist-mlp.train.json'), '--to', 'pytorch'], { cwd: dir });
    assert.equal(pytorch.code, 0, show(pytorch));
    const script = fs.readFileSync(path.join(dir, 'train_mnist_mlp.py'), 'utf8');
    assert.match(script, /^#!\/usr\/bin\/env python3\n"""mnist-mlp: a PyTorch training script exported by Training Doctor from mnist-mlp\.train\.json/);
    assert.match(script, /DistributedDataParallel/);
    assert.match(pytorch.stderr, /Wrote train_mnist_mlp\.py \(PyTorch training script/);
    const keras = await runCli(['export', path.join(EXAMPLES, 'mnist-mlp.train.json'), '--to', 'keras', '--out', '-'], { cwd: dir });
    assert.equal(keras.code, 0, show(keras));
    assert.match(keras.stdout, /from tensorflow import keras/);
  });
});
