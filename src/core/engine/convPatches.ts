// The patches of a channels-last convolution, read and written in place on the wasm heap: the
// unfold (im2col) the filter gradient multiplies by dy, and the fold (col2im) that sums the input
// gradient's patches back into an image. Plain loops over Float32Array views; the wasm backend's
// own gathers (GatherV2, StridedSlice with strides) measured 5–20× slower for this.

/** Where the windows of a convolution sit: output size, strides and the top/left padding. */
export interface PatchGeometry {
  height: number;
  width: number;
  channels: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

/** Output columns ow whose input column ow·s − left + j lies inside the image: [first, end). */
function insideColumns(g: PatchGeometry, j: number): [number, number] {
  const first = Math.min(g.outW, Math.max(0, Math.ceil((g.padLeft - j) / g.strideW)));
  const end = Math.max(first, Math.min(g.outW, Math.floor((g.width - 1 + g.padLeft - j) / g.strideW) + 1));
  return [first, end];
}

/**
 * Writes the transposed patches of output rows [rowStart, rowEnd) (a row: one example's output
 * row, b·outH + oh) into `patches`: [kh·kw·channels, (rowEnd − rowStart)·outW], row (i, j, c) holding
 * x[b, oh·s + i − top, ow·s + j − left, c] (0 in the padding) for every output position in order.
 * Rows ordered like the filter's [kh, kw, inC] axes, so patches · dy is the filter gradient as is.
 */
export function unfoldTransposed(x: Float32Array, g: PatchGeometry, rowStart: number, rowEnd: number, patches: Float32Array): void {
  const { height, width, channels, strideH, outH, outW, padTop } = g;
  const step = g.strideW * channels;
  let d = 0;
  for (let i = 0; i < g.kernelH; i++) {
    for (let j = 0; j < g.kernelW; j++) {
      const [first, end] = insideColumns(g, j);
      for (let c = 0; c < channels; c++) {
        for (let row = rowStart; row < rowEnd; row++) {
          const b = Math.floor(row / outH);
          const r = (row - b * outH) * strideH - padTop + i;
          if (r < 0 || r >= height) {
            patches.fill(0, d, d + outW);
            d += outW;
            continue;
          }
          for (let ow = 0; ow < first; ow++) patches[d++] = 0;
          let src = ((b * height + r) * width + first * g.strideW - g.padLeft + j) * channels + c;
          const stop = d + end - first;
          while (d < stop) {
            patches[d++] = x[src];
            src += step;
          }
          for (let ow = end; ow < outW; ow++) patches[d++] = 0;
        }
      }
    }
  }
}

/**
 * Adds patches [(rowEnd − rowStart)·outW, kh·kw·channels] (one row per output position, columns
 * (i, j, c) like the filter's axes) into the image gradient dx at the pixels they came from;
 * padding positions are dropped. dx must be zeroed before the first call.
 */
export function foldPatches(patches: Float32Array, g: PatchGeometry, rowStart: number, rowEnd: number, dx: Float32Array): void {
  if (g.channels === 1) {
    foldSingleChannel(patches, g, rowStart, rowEnd, dx);
    return;
  }
  const { height, width, channels, kernelH, kernelW, strideH, strideW, outH, outW, padTop, padLeft } = g;
  const rowLength = kernelW * channels;
  let src = 0;
  for (let row = rowStart; row < rowEnd; row++) {
    const b = Math.floor(row / outH);
    const top = (row - b * outH) * strideH - padTop;
    for (let ow = 0; ow < outW; ow++) {
      const left = ow * strideW - padLeft;
      const jStart = Math.max(0, -left);
      const jEnd = Math.min(kernelW, width - left);
      for (let i = 0; i < kernelH; i++) {
        const r = top + i;
        if (r < 0 || r >= height || jEnd <= jStart) continue;
        let d = ((b * height + r) * width + left + jStart) * channels;
        let s = src + i * rowLength + jStart * channels;
        const stop = s + (jEnd - jStart) * channels;
        while (s < stop) dx[d++] += patches[s++];
      }
      src += kernelH * rowLength;
    }
  }
}

/**
 * foldPatches for one channel, tap by tap along each output row: the general loop's runs would
 * be kw floats long (3 for a 3×3 kernel), all loop overhead.
 */
function foldSingleChannel(patches: Float32Array, g: PatchGeometry, rowStart: number, rowEnd: number, dx: Float32Array): void {
  const { height, width, kernelH, kernelW, strideH, strideW, outH, outW, padTop, padLeft } = g;
  const size = kernelH * kernelW;
  for (let row = rowStart; row < rowEnd; row++) {
    const b = Math.floor(row / outH);
    const top = (row - b * outH) * strideH - padTop;
    const rowBase = (row - rowStart) * outW * size;
    for (let i = 0; i < kernelH; i++) {
      const r = top + i;
      if (r < 0 || r >= height) continue;
      const imageRow = (b * height + r) * width - padLeft;
      for (let j = 0; j < kernelW; j++) {
        const [first, end] = insideColumns(g, j);
        let s = rowBase + first * size + i * kernelW + j;
        for (let ow = first; ow < end; ow++) {
          dx[imageRow + ow * strideW + j] += patches[s];
          s += size;
        }
      }
    }
  }
}
