// The documented resize: area averaging where an axis shrinks, bilinear (half-pixel centres) where it grows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resizeImage } from '../../../src/core/data/imageResize';

describe('resizeImage', () => {
  it('shrinks by area averaging: each output pixel is the mean of the block it covers', () => {
    const grey = Float32Array.from({ length: 16 }, (_, i) => i);
    assert.deepEqual(Array.from(resizeImage(grey, 4, 4, 1, 2, 2)), [2.5, 4.5, 10.5, 12.5]);
  });

  it('weights a partly covered source pixel by the fraction covered (3 → 2 columns)', () => {
    const row = Float32Array.from([0, 30, 60]);
    const out = resizeImage(row, 1, 3, 1, 1, 2);
    // Output 0 covers [0, 1.5): (0·1 + 30·0.5) / 1.5; output 1 covers [1.5, 3): (30·0.5 + 60·1) / 1.5.
    assert.ok(Math.abs(out[0] - 10) < 1e-5 && Math.abs(out[1] - 50) < 1e-5, String(Array.from(out)));
  });

  it('grows bilinearly between pixel centres, clamping at the edges', () => {
    const row = Float32Array.from([0, 100]);
    const out = Array.from(resizeImage(row, 1, 2, 1, 1, 4));
    assert.deepEqual(out, [0, 25, 75, 100]);
  });

  it('keeps the channels apart and a constant picture constant', () => {
    const rgb = new Float32Array(5 * 7 * 3);
    for (let p = 0; p < 35; p++) rgb.set([10, 120, 250], p * 3);
    const out = resizeImage(rgb, 5, 7, 3, 3, 11);
    for (let p = 0; p < 33; p++) assert.deepEqual(Array.from(out.subarray(p * 3, p * 3 + 3)).map((v) => Math.round(v * 1e4) / 1e4), [10, 120, 250]);
  });
});
