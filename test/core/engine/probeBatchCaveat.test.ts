// The probe's caveat for BatchNorm over a handful of examples: said where a global pooling follows
// a BatchNorm and the batch is small (the big imported models' default), not otherwise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BATCHNORM_RELIABLE_BATCH, probeBatchCaveat } from '../../../src/core/engine/probeBatchCaveat';
import { configFrom } from './engineFixtures';

function cnn(layers: object[]) {
  return configFrom({
    name: 'caveat', seed: 1,
    data: { dataset: { synthetic: 'placeholder', shape: [8, 8, 3], classes: 4 } },
    model: { input: [8, 8, 3], layers },
    training: { epochs: 1, optimizer: { type: 'adam' } },
  });
}

const conv = { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same' };
const head = { type: 'dense', units: 4, activation: 'softmax' };

describe('probeBatchCaveat', () => {
  it('names the global pooling after a BatchNorm (in a residual branch too) when the batch is small', () => {
    const config = cnn([conv, { type: 'residual', layers: [conv, { type: 'batchNormalization' }] }, { type: 'globalAveragePooling2d' }, head]);
    const caveat = probeBatchCaveat(config, 2);
    assert.ok(caveat?.includes('these 2 examples') && caveat.includes('from layer 2 (globalAveragePooling2d) on'), caveat);
    assert.equal(probeBatchCaveat(config, BATCHNORM_RELIABLE_BATCH), undefined);
  });

  it('counts an average pooling as large as its input (ResNet\'s 7×7) as a global pooling, not a smaller one', () => {
    const bn = { type: 'batchNormalization' };
    assert.ok(probeBatchCaveat(cnn([conv, bn, { type: 'averagePooling2d', poolSize: 8 }, { type: 'flatten' }, head]), 4)?.includes('from layer 2 (averagePooling2d)'));
    assert.equal(probeBatchCaveat(cnn([conv, bn, { type: 'averagePooling2d', poolSize: 2 }, { type: 'flatten' }, head]), 4), undefined);
  });

  it('says nothing without a BatchNorm before the pooling', () => {
    assert.equal(probeBatchCaveat(cnn([conv, { type: 'globalAveragePooling2d' }, head]), 2), undefined);
    assert.equal(probeBatchCaveat(cnn([conv, { type: 'globalMaxPooling2d' }, { type: 'batchNormalization' }, head]), 2), undefined);
  });
});
