// Label-preserving random changes to a training batch (shift, mirror, slight rotation, random
// crop with padding, noise), drawn from the run's seeded generator. Works on an already-normalized
// batch and returns a new array, so the dataset itself stays untouched across epochs. Each moves
// every channel of a pixel together, so colour images keep their colours.

import type { AugmentConfig } from '../config/trainConfig';
import type { SeededRandom } from '../random';
import type { ImageGeometry } from './dataset';

export function isAugmentationActive(config: AugmentConfig, image: ImageGeometry | undefined): boolean {
  return config.noise > 0 || (image !== undefined && movesImages(config));
}

function movesImages(config: AugmentConfig): boolean {
  return config.translate > 0 || config.flipHorizontal || (config.rotate ?? 0) > 0 || (config.crop ?? 0) > 0;
}

/**
 * `x` is count×featureSize, row-major, images channels-last. Translation, flipping, rotation and
 * cropping need `image` and are skipped without it; noise applies to any data.
 *
 * `crop` pads the image by that many pixels on every side and cuts a window of its own size at a
 * random place (as for CIFAR): the same as a shift by up to `crop` pixels, drawn on its own and
 * applied after the rotation. `rotate` turns the image about its centre by a uniform angle in
 * ±rotate degrees, sampling bilinearly.
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
  const moves = image !== undefined && movesImages(config);
  if (moves && image.height * image.width * image.channels !== featureSize) {
    throw new Error(`augmentBatch: image ${image.height}×${image.width}×${image.channels} does not match featureSize ${featureSize}`);
  }
  const fill = moves ? backgroundPerPosition(background, featureSize, image) : undefined;
  const shift = Math.max(0, Math.floor(config.translate));
  const maxDegrees = Math.max(0, config.rotate ?? 0);
  const cropPadding = Math.max(0, Math.floor(config.crop ?? 0));
  const scratch = moves && (maxDegrees > 0 || cropPadding > 0) ? new Float32Array(featureSize) : undefined;

  for (let row = 0; row < count; row++) {
    const offset = row * featureSize;
    if (moves && fill) {
      // Draw order is fixed (dy, dx, flip, angle, crop, then noise; the new ones only when on, so
      // configs without them draw as before) so a seed always gives the same batch.
      const dy = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
      const dx = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
      const flip = config.flipHorizontal && rng.next() < 0.5;
      const degrees = maxDegrees > 0 ? (2 * rng.next() - 1) * maxDegrees : 0;
      const cropY = cropPadding > 0 ? rng.int(2 * cropPadding + 1) - cropPadding : 0;
      const cropX = cropPadding > 0 ? rng.int(2 * cropPadding + 1) - cropPadding : 0;
      if (dy !== 0 || dx !== 0 || flip) moveImage(x, out, offset, image, dy, dx, flip, fill);
      if (scratch && degrees !== 0) {
        scratch.set(out.subarray(offset, offset + featureSize));
        rotateImage(scratch, out, offset, image, degrees, fill);
      }
      if (scratch && (cropY !== 0 || cropX !== 0)) {
        scratch.set(out.subarray(offset, offset + featureSize));
        moveImage(scratch, out, 0, image, cropY, cropX, false, fill, offset);
      }
    }
    if (config.noise > 0) {
      for (let f = 0; f < featureSize; f++) out[offset + f] += config.noise * rng.normal();
    }
  }
  return out;
}

/**
 * Mirrors (optional) then shifts by (dy, dx) one channels-last image from `source` (at `offset`)
 * into `target` (at `targetOffset`, the same by default).
 */
function moveImage(source: Float32Array, target: Float32Array, offset: number, image: ImageGeometry, dy: number, dx: number, flip: boolean, fill: Float32Array, targetOffset = offset): void {
  const { height, width, channels } = image;
  for (let r = 0; r < height; r++) {
    const fromRow = r - dy;
    for (let c = 0; c < width; c++) {
      const shiftedColumn = c - dx;
      const fromColumn = flip ? width - 1 - shiftedColumn : shiftedColumn;
      const inside = fromRow >= 0 && fromRow < height && shiftedColumn >= 0 && shiftedColumn < width;
      for (let ch = 0; ch < channels; ch++) {
        const to = (r * width + c) * channels + ch;
        target[targetOffset + to] = inside ? source[offset + (fromRow * width + fromColumn) * channels + ch] : fill[to];
      }
    }
  }
}

/**
 * Rotates one image (`source`, a single image) by `degrees` about its centre into `target` at
 * `offset`: each output pixel samples the source bilinearly at the point that turns onto it; a
 * point outside the picture takes the background.
 */
export function rotateImage(source: Float32Array, target: Float32Array, offset: number, image: ImageGeometry, degrees: number, fill: Float32Array): void {
  const { height, width, channels } = image;
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const centreY = (height - 1) / 2;
  const centreX = (width - 1) / 2;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      // The inverse rotation: where in the source this output pixel comes from.
      const y = centreY + (r - centreY) * cos - (c - centreX) * sin;
      const x = centreX + (r - centreY) * sin + (c - centreX) * cos;
      const to = (r * width + c) * channels;
      if (y < -0.5 || y > height - 0.5 || x < -0.5 || x > width - 0.5) {
        for (let ch = 0; ch < channels; ch++) target[offset + to + ch] = fill[to + ch];
        continue;
      }
      const top = Math.max(0, Math.min(height - 1, Math.floor(y)));
      const left = Math.max(0, Math.min(width - 1, Math.floor(x)));
      const bottom = Math.min(height - 1, top + 1);
      const right = Math.min(width - 1, left + 1);
      const ty = Math.max(0, Math.min(1, y - top));
      const tx = Math.max(0, Math.min(1, x - left));
      for (let ch = 0; ch < channels; ch++) {
        const at = (row: number, column: number) => source[(row * width + column) * channels + ch];
        const upper = at(top, left) * (1 - tx) + at(top, right) * tx;
        const lower = at(bottom, left) * (1 - tx) + at(bottom, right) * tx;
        target[offset + to + ch] = upper * (1 - ty) + lower * ty;
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
