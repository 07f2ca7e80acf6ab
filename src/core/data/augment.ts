// Label-preserving random changes to a training batch (shift, mirror, noise), drawn from the
// run's seeded generator. Works on an already-normalized batch and returns a new array, so the
// dataset itself stays untouched across epochs.

import type { AugmentConfig } from '../config/trainConfig';
import type { SeededRandom } from '../random';
import type { ImageGeometry } from './dataset';

export function isAugmentationActive(config: AugmentConfig, image: ImageGeometry | undefined): boolean {
  return config.noise > 0 || (image !== undefined && (config.translate > 0 || config.flipHorizontal));
}

/**
 * `x` is count×featureSize, row-major, images channels-last. Translation and flipping need
 * `image` and are skipped without it; noise applies to any data.
 *
 * `background` is what an empty pixel looks like after normalization (see normalizedZero), given
 * per channel (length `channels`) or per input position (length `featureSize`); pixels shifted in
 * from outside the picture get it. Defaults to 0, right for unnormalized images.
 */
export function augmentBatch(
  x: Float32Array,
  count: number,
  featureSize: number,
  config: AugmentConfig,
  image: ImageGeometry | undefined,
  rng: SeededRandom,
  background?: ArrayLike<number>,
): Float32Array {
  const out = x.slice(0, count * featureSize);
  const moves = image !== undefined && (config.translate > 0 || config.flipHorizontal);
  if (moves && image.height * image.width * image.channels !== featureSize) {
    throw new Error(`augmentBatch: image ${image.height}×${image.width}×${image.channels} does not match featureSize ${featureSize}`);
  }
  const fill = moves ? backgroundPerPosition(background, featureSize, image) : undefined;
  const shift = Math.max(0, Math.floor(config.translate));

  for (let row = 0; row < count; row++) {
    const offset = row * featureSize;
    if (moves && fill) {
      // Draw order is fixed (dy, dx, flip, then noise) so a seed always gives the same batch.
      const dy = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
      const dx = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
      const flip = config.flipHorizontal && rng.next() < 0.5;
      if (dy !== 0 || dx !== 0 || flip) moveImage(x, out, offset, image, dy, dx, flip, fill);
    }
    if (config.noise > 0) {
      for (let f = 0; f < featureSize; f++) out[offset + f] += config.noise * rng.normal();
    }
  }
  return out;
}

/** Mirrors (optional) then shifts by (dy, dx) one channels-last image from `source` into `target`. */
function moveImage(source: Float32Array, target: Float32Array, offset: number, image: ImageGeometry, dy: number, dx: number, flip: boolean, fill: Float32Array): void {
  const { height, width, channels } = image;
  for (let r = 0; r < height; r++) {
    const fromRow = r - dy;
    for (let c = 0; c < width; c++) {
      const shiftedColumn = c - dx;
      const fromColumn = flip ? width - 1 - shiftedColumn : shiftedColumn;
      const inside = fromRow >= 0 && fromRow < height && shiftedColumn >= 0 && shiftedColumn < width;
      for (let ch = 0; ch < channels; ch++) {
        const to = (r * width + c) * channels + ch;
        target[offset + to] = inside ? source[offset + (fromRow * width + fromColumn) * channels + ch] : fill[to];
      }
    }
  }
}

function backgroundPerPosition(background: ArrayLike<number> | undefined, featureSize: number, image: ImageGeometry): Float32Array {
  const fill = new Float32Array(featureSize);
  if (background === undefined) return fill;
  if (background.length === featureSize) {
    fill.set(Array.from(background));
    return fill;
  }
  if (background.length !== image.channels) {
    throw new Error(`augmentBatch: background has ${background.length} values; expected ${image.channels} (per channel) or ${featureSize} (per position)`);
  }
  for (let f = 0; f < featureSize; f++) fill[f] = background[f % image.channels];
  return fill;
}
