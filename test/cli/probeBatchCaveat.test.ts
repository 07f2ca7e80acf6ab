// `training-doctor probe` says when BatchNorm over a small probe batch lowers what it measures
// after a global pooling (the default for big imported models: ResNet50 probes 2 examples).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

const CONFIG = {
  name: 'bn-gap', seed: 1,
  data: { dataset: { synthetic: 'placeholder', shape: [8, 8, 3], classes: 4 } },
  model: {
    input: [8, 8, 3],
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' },
      { type: 'batchNormalization' },
      { type: 'activation', activation: 'relu' },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 4, activation: 'softmax' },
    ],
  },
  training: { epochs: 1, optimizer: { type: 'adam' } },
};

describe('training-doctor probe: the small-batch BatchNorm note', () => {
  let dir: string;
  let config: string;
  before(() => {
    assertBuilt();
    dir = tempDir('probe-caveat');
    config = path.join(dir, 'bn-gap.train.json');
    fs.writeFileSync(config, JSON.stringify(CONFIG, null, 2));
  });
  after(() => removeDir(dir));

  it('notes it under the batch line at --batch 2, naming the pooling layer', async () => {
    const result = await runCli(['probe', config, '--batch', '2', '--backend', 'wasm'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /batch: 2 training examples.*\n {2}note: BatchNorm normalizes over these 2 examples only, so from layer 3 \(globalAveragePooling2d\) on/);
  });

  it('has no note at a batch of 16', async () => {
    const result = await runCli(['probe', config, '--batch', '16', '--backend', 'wasm'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.doesNotMatch(result.stdout, /note: BatchNorm/);
  });
});
