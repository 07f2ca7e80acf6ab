// The variance model on colour images: after "meanSubtract" per channel, the inputs' spread is
// each channel's own spread about its mean (a colour cast no longer counts), as measured on data.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { forgetDecodedImages } from '../../../../src/core/data/imageFolderDataset';
import { loadDataset } from '../../../../src/core/data/loadDataset';
import { writeShapeFolder } from '../../../../src/core/data/syntheticShapes';
import { predictVariance } from '../../../../src/core/diagnosis/varianceModel';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-colour-variance-')));
after(() => {
  fs.rmSync(top, { recursive: true, force: true });
  forgetDecodedImages();
});
writeShapeFolder(path.join(top, 'shapes'), { perClass: 5, size: 16, seed: 9 });

function parsed(per: string) {
  const result = parseTrainConfig(JSON.stringify({
    data: { dataset: { images: 'shapes', size: [16, 16] }, validationSplit: 0.2, preprocess: { normalize: 'meanSubtract', per } },
    model: { input: [16, 16, 3], layers: [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }] },
    training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
  }), path.join(top, 'x.train.json'));
  assert.ok(result.config && result.shapes);
  return { config: result.config, shapes: result.shapes };
}

describe('variance model: colour images after per-channel mean subtraction', () => {
  it('predicts the spread the preprocessed training inputs really have', async () => {
    const { config, shapes } = parsed('channel');
    const data = await loadDataset(config.data, config.seed, top);
    const x = data.train.x;
    const measured = Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);
    const predicted = predictVariance(config, shapes, data.rawInputStats).input;
    assert.ok(Math.abs(predicted.mean) < 1e-9);
    assert.ok(Math.abs(predicted.std / measured - 1) < 1e-3, `predicted ${predicted.std}, measured ${measured}`);
    // The overall raw std also counts the spread of the channel means: larger.
    assert.ok(data.rawInputStats.std > predicted.std);
  });
});
