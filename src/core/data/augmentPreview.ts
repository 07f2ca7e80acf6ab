// A few augmented training images for the dashboard, so a person can see what the model sees:
// the first training example of each class (then the next ones, up to PREVIEW_IMAGES), augmented
// as training augments them but with a generator of their own (the run's own draws stay as they
// are), turned back into raw units, scaled to 0–255 for display and shrunk to at most
// PREVIEW_SIDE pixels a side. Carried by the run-started event, so its size is bounded.

import type { AugmentConfig } from '../config/trainConfig';
import { PREVIEW_IMAGES, PREVIEW_SIDE, type AugmentedPreview } from '../engine/trainingEvents';
import { deriveSeed, SeededRandom } from '../random';
import { augmentBatch, isAugmentationActive } from './augment';
import type { LoadedData } from './dataset';
import { resizeImage } from './imageResize';
import { normalizationGroups, normalizedZero } from './preprocess';


/** Undefined when the data is not images or nothing augments them. */
export function augmentedPreview(data: LoadedData, augment: AugmentConfig, seed: number): AugmentedPreview | undefined {
  const image = data.image;
  if (!image || (image.channels !== 1 && image.channels !== 3) || !isAugmentationActive(augment, image) || data.train.count === 0) return undefined;
  const rows = previewRows(data);
  const { featureSize } = data;
  const x = new Float32Array(rows.length * featureSize);
  rows.forEach((row, i) => x.set(data.train.x.subarray(row * featureSize, (row + 1) * featureSize), i * featureSize));
  const { preprocessing } = data;
  const background = normalizedZero(preprocessing, featureSize, preprocessing.per, image);
  const augmented = augmentBatch(x, rows.length, featureSize, augment, image, new SeededRandom(deriveSeed(seed, 'augment-preview')), background);

  const { groupOf } = normalizationGroups(featureSize, preprocessing.per, image);
  const raw = (value: number, f: number) => (preprocessing.mode === 'none' ? value : value * preprocessing.std[groupOf[f]] + preprocessing.mean[groupOf[f]]);
  const { min, max } = data.rawInputStats;
  const scale = max > min ? 255 / (max - min) : 0;
  const shrink = Math.min(1, PREVIEW_SIDE / Math.max(image.height, image.width));
  const height = Math.max(1, Math.round(image.height * shrink));
  const width = Math.max(1, Math.round(image.width * shrink));
  const images = rows.map((row, i) => {
    const display = new Float32Array(featureSize);
    for (let f = 0; f < featureSize; f++) display[f] = (raw(augmented[i * featureSize + f], f) - min) * scale;
    const small = resizeImage(display, image.height, image.width, image.channels, height, width);
    const bytes = Uint8Array.from(small, (v) => Math.max(0, Math.min(255, Math.round(v))));
    const label = data.classNames?.[data.train.y[row]] ?? String(data.train.y[row]);
    return { label, pixels: Buffer.from(bytes).toString('base64') };
  });
  return { width, height, channels: image.channels, images };
}

/** One example per class first (in class order), then the following ones, up to PREVIEW_IMAGES. */
function previewRows(data: LoadedData): number[] {
  const firstOfClass = new Map<number, number>();
  for (let row = 0; row < data.train.count && firstOfClass.size < PREVIEW_IMAGES; row++) {
    if (!firstOfClass.has(data.train.y[row])) firstOfClass.set(data.train.y[row], row);
  }
  const rows = [...firstOfClass.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  for (let row = 0; row < data.train.count && rows.length < PREVIEW_IMAGES; row++) if (!rows.includes(row)) rows.push(row);
  return rows;
}
