// Turns the bytes of one PNG or JPEG file into 8-bit pixels, or says why it cannot. The format
// is told by the file's first bytes, not its name, and the dimensions are read from the header
// before anything is decoded, so a small file that claims a huge picture (a decompression bomb)
// is refused without allocating it. Decoders: pngjs and jpeg-js, both pure JavaScript (see the
// README's "Dependencies, and why").

import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** What the file stores: 1 for grey, 3 for colour (alpha is not counted; palettes are colour). */
  channels: 1 | 3;
}

/** Pixels row-major, channels-last, `channels` values (0–255) per pixel. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

export type DecodeResult =
  | { type: 'image'; image: DecodedImage; header: ImageHeader }
  | { type: 'failed'; reason: string };

/** The most pixels one image may have (40 megapixels, e.g. 8000×5000): a bigger one is refused before decoding. */
export const MAX_IMAGE_PIXELS = 40_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The header of a PNG or JPEG, or why there is none. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | { reason: string } {
  if (bytes.length === 0) return { reason: 'an empty file (0 bytes)' };
  const format = sniffFormat(bytes);
  if (format === undefined) return { reason: 'neither a PNG nor a JPEG (its first bytes say so, whatever its name)' };
  return format === 'png' ? readPngHeader(bytes) : readJpegHeader(bytes);
}

function readPngHeader(bytes: Uint8Array): ImageHeader | { reason: string } {
  // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), depth (1), colour type (1).
  if (bytes.length < 26 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return { reason: 'a PNG without its header (truncated?)' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colourType = bytes[25];
  // Colour types 0 (grey) and 4 (grey + alpha) are grey; 2, 3 (palette) and 6 are colour.
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), channels: colourType === 0 || colourType === 4 ? 1 : 3 };
}

/** Walks the JPEG markers to the first start-of-frame, which holds the size and the component count. */
function readJpegHeader(bytes: Uint8Array): ImageHeader | { reason: string } {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return { reason: 'a damaged JPEG (no marker where one belongs)' };
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 10 > bytes.length) break;
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      const components = bytes[at + 9];
      return { format: 'jpeg', width, height, channels: components === 1 ? 1 : 3 };
    }
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  return { reason: 'a JPEG without a frame header (truncated?)' };
}

/** Decodes `bytes`, refusing pictures over `maxPixels` before decoding and truncated files after. */
export function decodeImage(bytes: Uint8Array, maxPixels = MAX_IMAGE_PIXELS): DecodeResult {
  const header = readImageHeader(bytes);
  if ('reason' in header) return { type: 'failed', reason: header.reason };
  const { width, height } = header;
  if (width === 0 || height === 0) return { type: 'failed', reason: `its header says ${width}×${height} pixels` };
  if (width * height > maxPixels) {
    return { type: 'failed', reason: `${width}×${height} pixels, over the ${(maxPixels / 1e6).toFixed(0)}-megapixel cap on one image` };
  }
  try {
    const pixels = header.format === 'png' ? decodePng(bytes, header) : decodeJpeg(bytes, header, maxPixels);
    return { type: 'image', image: { width, height, channels: header.channels, pixels }, header };
  } catch (error) {
    return { type: 'failed', reason: `the ${header.format === 'png' ? 'PNG' : 'JPEG'} decoder failed (${(error as Error).message}; truncated or damaged?)` };
  }
}

function decodePng(bytes: Uint8Array, header: ImageHeader): Uint8Array {
  // The last chunk of every PNG is IEND; without it the decoder's own complaint is cryptic.
  if (String.fromCharCode(...bytes.subarray(bytes.length - 8, bytes.length - 4)) !== 'IEND') throw new Error('the file ends before its IEND chunk');
  // pngjs always hands back 8-bit RGBA (16-bit samples scaled down, palettes expanded).
  const rgba = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).data;
  return dropAlpha(rgba, header.width * header.height, header.channels);
}

function decodeJpeg(bytes: Uint8Array, header: ImageHeader, maxPixels: number): Uint8Array {
  // Without this, the decoder paints the missing rest of a truncated file grey and says nothing.
  if (!endsWithEndOfImage(bytes)) throw new Error('the file ends before its end-of-image marker');
  const decoded = jpeg.decode(bytes, {
    useTArray: true, formatAsRGBA: true, tolerantDecoding: false,
    maxResolutionInMP: Math.ceil(maxPixels / 1e6), maxMemoryUsageInMB: 1024,
  });
  return dropAlpha(decoded.data, header.width * header.height, header.channels);
}

/** A JPEG ends in FF D9; some writers pad after it, so a few trailing zero bytes are allowed. */
function endsWithEndOfImage(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 2 && bytes.length - end < 64 && bytes[end - 1] === 0) end--;
  return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/** RGBA → RGB, or → grey (the R of a grey picture, whose R, G and B are equal). Alpha is dropped, as Keras does with channels=3. */
function dropAlpha(rgba: Uint8Array, pixelCount: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(pixelCount * channels);
  for (let p = 0; p < pixelCount; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[p * 4 + c];
  }
  return out;
}
