// Writes 8-bit pixels (row-major, channels-last, 1 or 3 channels) as PNG or JPEG bytes, with the
// same pure-JavaScript libraries that decode them (imageDecoding). Used to make image folders:
// the example's synthetic shapes and the tests' fixtures.

import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** PNG, grey (colour type 0) or RGB (colour type 2), so a reader sees the channel count the image has. */
export function encodePng(image: PixelImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(toRgba(image));
  return PNG.sync.write(png, { colorType: image.channels === 1 ? 0 : 2, inputColorType: 6 });
}

/** Baseline JPEG; jpeg-js writes three components even for a grey picture. */
export function encodeJpeg(image: PixelImage, quality = 90): Buffer {
  return jpeg.encode({ width: image.width, height: image.height, data: toRgba(image) }, quality).data;
}

function toRgba(image: PixelImage): Uint8Array {
  const count = image.width * image.height;
  const rgba = new Uint8Array(count * 4);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.pixels[p * image.channels + (image.channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}
