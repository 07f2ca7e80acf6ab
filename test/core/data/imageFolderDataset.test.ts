// Image folders made by the tests themselves: MNIST digits written as PNG and JPEG into class
// folders, synthetic colour shapes, and every kind of bad input a real folder has (an empty
// class, a truncated or damaged file, a grey picture among colour ones, a decompression bomb, a
// folder outside the project, a data set over the memory budget).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkDataSource, loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { DATA_ANYWHERE, dataInside } from '../../../src/core/data/dataAccessPolicy';
import { decodeImage } from '../../../src/core/data/imageDecoding';
import { encodeJpeg, encodePng, type PixelImage } from '../../../src/core/data/imageEncoding';
import { forgetDecodedImages, loadImageFolderExamples } from '../../../src/core/data/imageFolderDataset';
import { listImageFolder, type ImageFolderConfig } from '../../../src/core/data/imageFolderListing';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { mnistPool } from '../../../src/core/data/mnistDataset';
import { lintFindings } from '../../../src/core/diagnosis/lintConfig';
import { writeShapeFolder } from '../../../src/core/data/syntheticShapes';
import { problemsOf } from './dataTestHelpers';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-images-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));
let folders = 0;

/** A fresh project folder (its own access root) under the temporary top. */
function freshProject(): string {
  const dir = path.join(top, `project-${folders++}`);
  fs.mkdirSync(dir);
  return dir;
}

function imagesConfig(images: string, size: [number, number], channels: 1 | 3 = 3): ImageFolderConfig {
  return { kind: 'images', images, size, channels };
}

function solid(width: number, height: number, channels: 1 | 3, value: number): PixelImage {
  return { width, height, channels, pixels: new Uint8Array(width * height * channels).fill(value) };
}

function write(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

/** MNIST digits 0, 1 and 2 (`perClass` each) as 28×28 grey pictures, even ones as PNG, odd ones as JPEG. */
function writeMnistFolder(folder: string, perClass: number): Map<string, Uint8Array> {
  const pool = mnistPool();
  const written = new Map<string, Uint8Array>();
  const counts = [0, 0, 0];
  for (let i = 0; i < pool.count && counts.some((c) => c < perClass); i++) {
    const digit = pool.y[i];
    if (digit > 2 || counts[digit] >= perClass) continue;
    const pixels = Uint8Array.from(pool.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    const image: PixelImage = { width: 28, height: 28, channels: 1, pixels };
    const n = counts[digit]++;
    const name = `${digit}/${n}.${n % 2 === 0 ? 'png' : 'jpg'}`;
    write(path.join(folder, name), n % 2 === 0 ? encodePng(image) : encodeJpeg(image, 95));
    written.set(name, pixels);
  }
  return written;
}

describe('image folders: MNIST digits written as PNG and JPEG', () => {
  const project = freshProject();
  const written = writeMnistFolder(path.join(project, 'digits'), 10);

  it('reads one class per sub-folder, sorted, with the grey pixels of the PNGs exactly and the JPEGs within a few levels', async () => {
    const examples = await loadImageFolderExamples(imagesConfig('digits', [28, 28], 1), project, 1);
    assert.deepEqual(examples.classNames, ['0', '1', '2']);
    assert.deepEqual(examples.inputShape, [28, 28, 1]);
    assert.equal(examples.examples.count, 30);
    assert.deepEqual(examples.imageNotes.skipped, []);
    // jpeg-js writes three components even for grey pictures: the JPEGs are turned grey again by luma.
    assert.ok(examples.imageNotes.converted.every((c) => c.shown.endsWith('.jpg') && c.from === 3));
    // Find each written digit among the shuffled examples by its class and closeness.
    let pngMatches = 0;
    let jpegMatches = 0;
    for (const [name, pixels] of written) {
      const label = Number(name[0]);
      let best = Infinity;
      for (let row = 0; row < examples.examples.count; row++) {
        if (examples.examples.y[row] !== label) continue;
        const x = examples.examples.x.subarray(row * 784, (row + 1) * 784);
        let worst = 0;
        for (let p = 0; p < 784; p++) worst = Math.max(worst, Math.abs(x[p] - pixels[p]));
        best = Math.min(best, worst);
      }
      if (name.endsWith('.png')) { assert.equal(best, 0, name); pngMatches++; }
      else { assert.ok(best < 80, `${name}: off by ${best}`); jpegMatches++; }
    }
    assert.equal(pngMatches, 15);
    assert.equal(jpegMatches, 15);
  });

  it('shuffles with the seed: the same seed gives the same order, another seed another', async () => {
    const config = imagesConfig('digits', [14, 14], 1);
    const a = await loadImageFolderExamples(config, project, 7);
    const b = await loadImageFolderExamples(config, project, 7);
    const c = await loadImageFolderExamples(config, project, 8);
    assert.deepEqual(Array.from(a.examples.y), Array.from(b.examples.y));
    assert.notDeepEqual(Array.from(a.examples.y), Array.from(c.examples.y));
  });

  it('repeats grey digits into three channels when the config asks for colour, and says how many', async () => {
    const examples = await loadImageFolderExamples(imagesConfig('digits', [28, 28], 3), project, 1);
    assert.equal(examples.featureSize, 28 * 28 * 3);
    // The PNGs are grey; jpeg-js writes 3 components even for grey pictures, so those count as colour.
    assert.equal(examples.imageNotes.converted.length, 15);
    const x = examples.examples.x;
    for (let p = 0; p < 784; p++) assert.ok(x[p * 3] === x[p * 3 + 1] && x[p * 3 + 1] === x[p * 3 + 2]);
  });
});

describe('image folders: synthetic colour shapes', () => {
  const project = freshProject();
  writeShapeFolder(path.join(project, 'shapes'), { perClass: 6, size: 40, seed: 3 });
  fs.writeFileSync(path.join(project, 'shapes', 'LICENSE.txt'), 'CC-BY: credits for every picture\n');
  fs.writeFileSync(path.join(project, 'shapes', 'circle', 'notes.txt'), 'not an image\n');
  fs.writeFileSync(path.join(project, 'shapes', 'circle', '.DS_Store'), 'junk');

  it('loads PNG and JPEG files resized to the config size, pixels in 0–255, ignoring the LICENSE.txt at the top and non-images', async () => {
    const listing = await listImageFolder(imagesConfig('shapes', [16, 16]), project);
    assert.deepEqual(listing.classes.map((c) => c.name), ['circle', 'square', 'triangle']);
    assert.equal(listing.ignored, 3);
    const data = await loadDataset({
      dataset: imagesConfig('shapes', [16, 16]), validationSplit: 0.25,
      preprocess: { normalize: 'none', per: 'feature' }, augment: { translate: 0, flipHorizontal: false, noise: 0 },
    }, 1, project);
    assert.deepEqual(data.inputShape, [16, 16, 3]);
    assert.deepEqual(data.image, { height: 16, width: 16, channels: 3 });
    assert.equal(data.train.count + data.validation.count, 18);
    assert.ok(data.rawInputStats.min >= 0 && data.rawInputStats.max <= 255 && data.rawInputStats.max > 200);
    assert.equal(data.rawInputStats.channelMeans?.length, 3);
    assert.match(data.source, /image folder shapes \(18 images in 3 classes, resized to 16×16×3\)/);
  });

  it('standardizes per channel with statistics of the training split only', async () => {
    const data = await loadDataset({
      dataset: imagesConfig('shapes', [16, 16]), validationSplit: 0.5,
      preprocess: { normalize: 'standardize', per: 'channel' }, augment: { translate: 0, flipHorizontal: false, noise: 0 },
    }, 1, project);
    assert.equal(data.preprocessing.mean.length, 3);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      let squares = 0;
      const n = data.train.count * 256;
      for (let i = c; i < data.train.x.length; i += 3) { sum += data.train.x[i]; squares += data.train.x[i] ** 2; }
      assert.ok(Math.abs(sum / n) < 1e-4, `channel ${c} mean ${sum / n}`);
      assert.ok(Math.abs(squares / n - 1) < 1e-3, `channel ${c} variance ${squares / n}`);
    }
  });

  it('reads "per": "pixel" as one mean per pixel position and channel (the mean image)', async () => {
    const parsed = parseTrainConfig(JSON.stringify({
      data: { dataset: { images: 'shapes', size: [8, 8] }, preprocess: { normalize: 'meanSubtract', per: 'pixel' } },
      model: { input: [8, 8, 3], layers: [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
    }), 'pixel.train.json');
    assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error'), []);
    const data = await loadDataset(parsed.config!.data, 1, project);
    assert.equal(data.preprocessing.mean.length, 8 * 8 * 3);
  });

  it('notices a changed file: the pixels kept from the last load are not used for a folder that changed', async () => {
    const dir = freshProject();
    write(path.join(dir, 'two', 'a', 'x.png'), encodePng(solid(4, 4, 3, 10)));
    write(path.join(dir, 'two', 'b', 'y.png'), encodePng(solid(4, 4, 3, 10)));
    const first = await loadImageFolderExamples(imagesConfig('two', [4, 4]), dir, 1);
    assert.equal(first.examples.x[0], 10);
    write(path.join(dir, 'two', 'a', 'x.png'), encodePng(solid(4, 4, 3, 200)));
    write(path.join(dir, 'two', 'b', 'y.png'), encodePng(solid(4, 4, 3, 200)));
    fs.utimesSync(path.join(dir, 'two', 'a', 'x.png'), new Date(), new Date(Date.now() + 5000));
    const second = await loadImageFolderExamples(imagesConfig('two', [4, 4]), dir, 1);
    assert.equal(second.examples.x[0], 200);
  });
});

describe('image folders: bad input gets a located problem, never a crash', () => {
  it('an empty class folder', async () => {
    const dir = freshProject();
    write(path.join(dir, 'pics', 'cat', '1.png'), encodePng(solid(8, 8, 3, 50)));
    fs.mkdirSync(path.join(dir, 'pics', 'dog'));
    const problems = await problemsOf(loadImageFolderExamples(imagesConfig('pics', [8, 8]), dir, 1));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'data.images-empty-class');
    assert.deepEqual(problems[0].path, ['data', 'dataset', 'images']);
    assert.match(problems[0].message, /pics\/dog/);
  });

  it('truncated, damaged and mislabelled files are skipped and counted; a class left with none is an error', async () => {
    const dir = freshProject();
    const good = encodePng(solid(8, 8, 3, 50));
    const jpeg = encodeJpeg(solid(8, 8, 3, 50));
    write(path.join(dir, 'pics', 'cat', 'good.png'), good);
    write(path.join(dir, 'pics', 'cat', 'cut.png'), good.subarray(0, good.length - 30));
    write(path.join(dir, 'pics', 'cat', 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    write(path.join(dir, 'pics', 'cat', 'text.jpg'), Buffer.from('this is not a picture'));
    write(path.join(dir, 'pics', 'dog', 'good.jpg'), jpeg);
    const examples = await loadImageFolderExamples(imagesConfig('pics', [8, 8]), dir, 1);
    assert.equal(examples.examples.count, 2);
    assert.deepEqual(examples.imageNotes.skipped.map((s) => s.shown).sort(), ['cat/cut.jpg', 'cat/cut.png', 'cat/text.jpg']);
    assert.match(examples.description, /3 skipped as unreadable/);
    for (const skipped of examples.imageNotes.skipped) assert.ok(skipped.reason.length > 10, skipped.reason);

    fs.rmSync(path.join(dir, 'pics', 'dog', 'good.jpg'));
    write(path.join(dir, 'pics', 'dog', 'bad.jpg'), jpeg.subarray(0, 40));
    const problems = await problemsOf(loadImageFolderExamples(imagesConfig('pics', [8, 8]), dir, 1));
    assert.equal(problems[0].code, 'data.images-empty-class');
    assert.match(problems[0].message, /"dog".*dog\/bad\.jpg/);
  });

  it('lint reports skipped and converted images as warnings at data.dataset.images, and a class count the model does not match', async () => {
    const dir = freshProject();
    write(path.join(dir, 'pics', 'a', '1.png'), encodePng(solid(8, 8, 1, 50)));
    write(path.join(dir, 'pics', 'a', '2.png'), Buffer.from('\x89PNG\r\n\x1a\nbroken'));
    write(path.join(dir, 'pics', 'b', '1.png'), encodePng(solid(8, 8, 3, 90)));
    const parsed = parseTrainConfig(JSON.stringify({
      data: { dataset: { images: 'pics', size: [8, 8], channels: 3 } },
      model: { input: [8, 8, 3], layers: [{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
    }), path.join(dir, 'x.train.json'));
    const problems = await checkDataSource(parsed, dir);
    const byCode = new Map(problems.map((p) => [p.code, p]));
    assert.equal(byCode.get('data.images-skipped')?.severity, 'warning');
    assert.match(byCode.get('data.images-skipped')!.message, /a\/2\.png/);
    assert.equal(byCode.get('data.images-converted')?.severity, 'warning');
    assert.match(byCode.get('data.images-converted')!.message, /a\/1\.png.*|grey, and repeated into R, G and B/);
    assert.match(byCode.get('shape.output-mismatch')!.message, /2 classes/);
  });

  it('a colour picture in a grey set is turned grey by luma', async () => {
    const dir = freshProject();
    const red: PixelImage = { width: 2, height: 2, channels: 3, pixels: Uint8Array.from([200, 0, 0, 200, 0, 0, 200, 0, 0, 200, 0, 0]) };
    write(path.join(dir, 'pics', 'a', 'red.png'), encodePng(red));
    write(path.join(dir, 'pics', 'b', 'grey.png'), encodePng(solid(2, 2, 1, 7)));
    const examples = await loadImageFolderExamples(imagesConfig('pics', [2, 2], 1), dir, 1);
    const redRow = Array.from(examples.examples.y).indexOf(0);
    assert.ok(Math.abs(examples.examples.x[redRow * 4] - 0.299 * 200) < 1e-4);
    assert.deepEqual(examples.imageNotes.converted, [{ shown: 'a/red.png', from: 3 }]);
  });

  it('a decompression bomb (a small file whose header claims 100,000 × 100,000 pixels) is refused before decoding', async () => {
    const bomb = Buffer.from(encodePng(solid(8, 8, 3, 1)));
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    const decoded = decodeImage(bomb);
    assert.equal(decoded.type, 'failed');
    assert.match(decoded.type === 'failed' ? decoded.reason : '', /100000×100000 pixels, over the 40-megapixel cap/);
  });

  it('a 0-byte .png is skipped as an empty file', async () => {
    const dir = freshProject();
    write(path.join(dir, 'pics', 'a', 'ok.png'), encodePng(solid(4, 4, 3, 1)));
    write(path.join(dir, 'pics', 'b', 'ok.png'), encodePng(solid(4, 4, 3, 1)));
    write(path.join(dir, 'pics', 'b', 'empty.png'), new Uint8Array(0));
    const examples = await loadImageFolderExamples(imagesConfig('pics', [4, 4]), dir, 1);
    assert.deepEqual(examples.imageNotes.skipped, [{ shown: 'b/empty.png', reason: 'an empty file (0 bytes)' }]);
  });

  it('a file over the per-file cap is skipped without being read whole', async () => {
    const dir = freshProject();
    write(path.join(dir, 'pics', 'a', 'ok.png'), encodePng(solid(4, 4, 3, 1)));
    write(path.join(dir, 'pics', 'b', 'ok.png'), encodePng(solid(4, 4, 3, 1)));
    const huge = path.join(dir, 'pics', 'b', 'huge.png');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 33 * 1024 * 1024);
    const examples = await loadImageFolderExamples(imagesConfig('pics', [4, 4]), dir, 1);
    assert.deepEqual(examples.imageNotes.skipped, [{ shown: 'b/huge.png', reason: 'larger than the 32 MB cap on one image file' }]);
  });

  it('a folder, or a class folder linked, outside the project is refused before it is read', async () => {
    const dir = freshProject();
    const outside = freshProject();
    write(path.join(outside, 'pics', 'a', '1.png'), encodePng(solid(4, 4, 3, 1)));
    write(path.join(outside, 'pics', 'b', '1.png'), encodePng(solid(4, 4, 3, 1)));
    const access = dataInside([dir], 'Only the project.');
    const direct = await problemsOf(loadImageFolderExamples(imagesConfig(path.join(outside, 'pics'), [4, 4]), dir, 1, access));
    assert.equal(direct[0].code, 'data.outside-workspace');
    assert.match(direct[0].message, /^The image folder .* was not read/);

    write(path.join(dir, 'pics', 'a', '1.png'), encodePng(solid(4, 4, 3, 1)));
    fs.symlinkSync(path.join(outside, 'pics', 'b'), path.join(dir, 'pics', 'b'));
    const linked = await problemsOf(loadImageFolderExamples(imagesConfig('pics', [4, 4]), dir, 1, access));
    assert.equal(linked[0].code, 'data.outside-workspace');
    assert.match(linked[0].message, /symbolic link/);
    // Allowed anywhere, the same folder loads.
    assert.equal((await loadImageFolderExamples(imagesConfig('pics', [4, 4]), dir, 1, DATA_ANYWHERE)).examples.count, 2);
  });

  it('a missing folder, a file instead of a folder, loose images without class folders, a single class', async () => {
    const dir = freshProject();
    const codeOf = async (images: string) => (await problemsOf(loadImageFolderExamples(imagesConfig(images, [4, 4]), dir, 1)))[0];
    assert.equal((await codeOf('nowhere')).code, 'data.file-not-found');
    write(path.join(dir, 'file.png'), encodePng(solid(4, 4, 3, 1)));
    assert.equal((await codeOf('file.png')).code, 'data.images-not-a-folder');
    write(path.join(dir, 'loose', '1.png'), encodePng(solid(4, 4, 3, 1)));
    const loose = await codeOf('loose');
    assert.equal(loose.code, 'data.images-no-classes');
    assert.match(loose.message, /1 image directly \(1\.png\)/);
    write(path.join(dir, 'single', 'cat', '1.png'), encodePng(solid(4, 4, 3, 1)));
    assert.equal((await codeOf('single')).code, 'data.images-one-class');
  });

  it('too many files, and a data set over the memory budget, are refused before anything is decoded', async () => {
    const dir = freshProject();
    for (const name of ['a/1.png', 'a/2.png', 'b/1.png', 'b/2.png']) write(path.join(dir, 'pics', name), Buffer.from('not decoded'));
    const tooMany = await problemsOf(listImageFolder(imagesConfig('pics', [4, 4]), dir, undefined, 3));
    assert.equal(tooMany[0].code, 'data.images-too-many');
    assert.match(tooMany[0].message, /more than 3 images \(4 in its class folders up to "pics\/b", which holds 2\)/);
    // 4 images of 1024×1024×3 floats, held three times, need about 144 MiB: over a 64 MiB budget.
    const over = await problemsOf(loadImageFolderExamples(imagesConfig('pics', [1024, 1024]), dir, 1, undefined, 64 * 1024 * 1024));
    assert.equal(over[0].code, 'memory.data-over-budget');
    assert.deepEqual(over[0].path, ['data', 'dataset', 'size']);
    assert.match(over[0].message, /4 images; at 1024×1024×3 they need about 144 MiB in memory, over the 64 MiB budget/);
    // Counted from the names in every class folder before any file is resolved: links to outside in
    // the first class are not reached when the second one passes the cap.
    const outside = freshProject();
    write(path.join(outside, 'x.png'), Buffer.from('not decoded'));
    for (let i = 0; i < 2; i++) fs.symlinkSync(path.join(outside, 'x.png'), path.join(dir, 'pics', 'a', `link${i}.png`));
    const counted = await problemsOf(listImageFolder(imagesConfig('pics', [4, 4]), dir, undefined, 5));
    assert.equal(counted[0].code, 'data.images-too-many');
    assert.match(counted[0].message, /\(6 in its class folders up to "pics\/b", which holds 2\)/);
  });
});

describe('image folders: heavy class imbalance', () => {
  it('is reported by data.class-imbalance once the folder is read, from the training split\'s class counts', async () => {
    const dir = freshProject();
    for (let i = 0; i < 40; i++) write(path.join(dir, 'pics', 'common', `${i}.png`), encodePng(solid(4, 4, 3, i)));
    for (let i = 0; i < 3; i++) write(path.join(dir, 'pics', 'rare', `${i}.png`), encodePng(solid(4, 4, 3, 200 + i)));
    const file = await loadConfigFile(path.join(dir, 'pets.train.json'), JSON.stringify({
      data: { dataset: { images: 'pics', size: [4, 4] }, validationSplit: 0.1, preprocess: { normalize: 'standardize', per: 'channel' } },
      model: { input: [4, 4, 3], layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] },
      training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
    }));
    assert.deepEqual(file.problems.filter((p) => p.severity === 'error'), []);
    const { findings, inputStats } = await lintFindings(file);
    assert.equal(inputStats?.labelCounts?.reduce((a, b) => a + b, 0), 39);
    const imbalance = findings.find((f) => f.rule === 'data.class-imbalance');
    assert.ok(imbalance, findings.map((f) => f.rule).join(', '));
    assert.match(imbalance.message, /rare/);
  });
});

after(() => forgetDecodedImages());
