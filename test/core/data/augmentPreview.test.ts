// The dashboard's strip of augmented training images: made from the training split as training
// augments it, bounded, and checked on arrival (a bad picture is dropped, the run still shown).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { PayloadIssues } from '../../../src/core/dashboard/payloadReader';
import { readTrainingEvents } from '../../../src/core/dashboard/trainingEventValidation';
import type { AugmentConfig } from '../../../src/core/config/trainConfig';
import { augmentedPreview } from '../../../src/core/data/augmentPreview';
import { forgetDecodedImages } from '../../../src/core/data/imageFolderDataset';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { writeShapeFolder } from '../../../src/core/data/syntheticShapes';
import { PREVIEW_IMAGES, type RunStartedEvent } from '../../../src/core/engine/trainingEvents';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-preview-')));
after(() => {
  fs.rmSync(top, { recursive: true, force: true });
  forgetDecodedImages();
});
writeShapeFolder(path.join(top, 'shapes'), { perClass: 6, size: 64, seed: 2 });

const augment: AugmentConfig = { translate: 2, rotate: 10, crop: 0, flipHorizontal: true, noise: 0 };

async function shapes(size: number) {
  return loadDataset({
    dataset: { kind: 'images', images: 'shapes', size: [size, size], channels: 3 }, validationSplit: 0.2,
    preprocess: { normalize: 'standardize', per: 'channel' }, augment,
  }, 1, top);
}

describe('augmentedPreview', () => {
  it('one training image per class first, then more, up to 8, shrunk to at most 48 pixels a side, in 0–255', async () => {
    const data = await shapes(64);
    const preview = augmentedPreview(data, augment, 1);
    assert.ok(preview);
    assert.deepEqual([preview.width, preview.height, preview.channels], [48, 48, 3]);
    assert.equal(preview.images.length, PREVIEW_IMAGES);
    assert.deepEqual(preview.images.slice(0, 3).map((i) => i.label), ['circle', 'square', 'triangle']);
    for (const image of preview.images) {
      const bytes = Buffer.from(image.pixels, 'base64');
      assert.equal(bytes.length, 48 * 48 * 3);
      assert.ok(Math.max(...bytes) > 150, 'a shape is lighter than its background');
    }
    assert.deepEqual(augmentedPreview(data, augment, 1), preview, 'seeded');
  });

  it('is absent without augmentation or without images', async () => {
    const data = await shapes(16);
    assert.equal(augmentedPreview(data, { translate: 0, flipHorizontal: false, noise: 0 }, 1), undefined);
    assert.equal(augmentedPreview({ ...data, image: undefined }, augment, 1), undefined);
  });
});

describe('augmentedPreview on arrival', () => {
  const started = (augmentedPreview: unknown): RunStartedEvent => ({
    type: 'run-started', runId: 'r1', configName: 'c', backend: 'wasm', backendDetail: 'd', dataset: 'images', trainExamples: 1,
    validationExamples: 0, epochs: 1, stepsPerEpoch: 1, batchSize: 1, statsEvery: 1, layers: [],
    inputStats: { mean: 0, std: 1, min: 0, max: 1, featureMeanAbsMax: 0, featureStdMin: 1, featureStdMax: 1 },
    startedAt: '2026-01-01T00:00:00Z', augmentedPreview,
  } as RunStartedEvent);
  const pixels = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

  it('keeps a good preview as it is', () => {
    const preview = { width: 2, height: 3, channels: 3, images: [{ label: 'cat', pixels: pixels(18) }] };
    const issues = new PayloadIssues();
    const [event] = readTrainingEvents([started(preview)], 'events', issues);
    assert.deepEqual((event as RunStartedEvent).augmentedPreview, preview);
    assert.equal(issues.notes.length, 0);
  });

  it('drops a picture of the wrong size or not base64, and more than 8 pictures, with a note', () => {
    const good = { label: 'ok', pixels: pixels(4) };
    const preview = { width: 2, height: 2, channels: 1, images: [good, { label: 'short', pixels: pixels(3) }, { label: 'html', pixels: '<img/>\'"' }, ...Array(10).fill(good)] };
    const issues = new PayloadIssues();
    const [event] = readTrainingEvents([started(preview)], 'events', issues);
    const kept = (event as RunStartedEvent).augmentedPreview!;
    assert.ok(kept.images.every((i) => i.label === 'ok'));
    assert.equal(kept.images.length, 6, 'the first 8 read, the 2 bad among them dropped');
    assert.match(issues.summary(), /only the first 8 kept/);
    assert.match(issues.summary(), /images\[1\]\.pixels: expected 4 bytes in base64/);
  });

  it('leaves out a preview too big to be one (the run-started event itself is kept)', () => {
    const issues = new PayloadIssues();
    const [event] = readTrainingEvents([started({ width: 4000, height: 4000, channels: 3, images: [] })], 'events', issues);
    assert.equal(event.type, 'run-started');
    assert.equal((event as RunStartedEvent).augmentedPreview, undefined);
    assert.match(issues.summary(), /augmentedPreview\.width: expected 1 to 48 pixels/);
  });
});
