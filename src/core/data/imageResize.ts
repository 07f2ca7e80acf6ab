// Resizes an image to the config's `size`. Each axis is resampled on its own: where it shrinks,
// by area averaging (an output pixel is the mean of the source pixels it covers, partly covered
// ones weighted by the covered fraction, as OpenCV's INTER_AREA does), so no source pixel is
// skipped and a shrunk photo does not alias; where it grows, by bilinear interpolation between
// pixel centres (half-pixel centres, edges clamped). The aspect ratio is not kept: the picture is
// stretched to `size`, as Keras's image_dataset_from_directory does by default.

/** For each output index, the source indices it reads and their weights (summing to 1). */
interface AxisTaps {
  index: Int32Array[];
  weight: Float32Array[];
}

export function axisTaps(from: number, to: number): AxisTaps {
  const index: Int32Array[] = [];
  const weight: Float32Array[] = [];
  const scale = from / to;
  for (let o = 0; o < to; o++) {
    if (scale > 1) {
      const start = o * scale;
      const end = start + scale;
      const first = Math.floor(start);
      const last = Math.min(from - 1, Math.ceil(end) - 1);
      const ids: number[] = [];
      const ws: number[] = [];
      for (let i = first; i <= last; i++) {
        const covered = Math.min(end, i + 1) - Math.max(start, i);
        if (covered > 0) { ids.push(i); ws.push(covered / scale); }
      }
      index.push(Int32Array.from(ids));
      weight.push(Float32Array.from(ws));
    } else {
      const centre = Math.min(from - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const left = Math.floor(centre);
      const right = Math.min(from - 1, left + 1);
      const t = centre - left;
      index.push(Int32Array.from([left, right]));
      weight.push(Float32Array.from([1 - t, t]));
    }
  }
  return { index, weight };
}

/** Resizes channels-last `pixels` (height×width×channels) to outHeight×outWidth; values stay in the source's units. */
export function resizeImage(pixels: ArrayLike<number>, height: number, width: number, channels: number, outHeight: number, outWidth: number): Float32Array {
  const columns = axisTaps(width, outWidth);
  const rows = axisTaps(height, outHeight);
  // Columns first (height × outWidth), then rows.
  const wide = new Float32Array(height * outWidth * channels);
  for (let r = 0; r < height; r++) {
    for (let o = 0; o < outWidth; o++) {
      const ids = columns.index[o];
      const ws = columns.weight[o];
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < ids.length; k++) sum += ws[k] * pixels[(r * width + ids[k]) * channels + c];
        wide[(r * outWidth + o) * channels + c] = sum;
      }
    }
  }
  const out = new Float32Array(outHeight * outWidth * channels);
  for (let o = 0; o < outHeight; o++) {
    const ids = rows.index[o];
    const ws = rows.weight[o];
    for (let col = 0; col < outWidth; col++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < ids.length; k++) sum += ws[k] * wide[(ids[k] * outWidth + col) * channels + c];
        out[(o * outWidth + col) * channels + c] = sum;
      }
    }
  }
  return out;
}
