import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDirectory, keyText, readBinaryEntry, writeBinaryEntry } from '../../../src/core/data/dataCache';
import { loadDataset, loadInputStatistics } from '../../../src/core/data/loadDataset';
import { readDigitFiles } from '../../../src/core/data/mnistDataset';
import type { DataConfig } from '../../../src/core/config/trainConfig';

let cacheDir: string;
let previous: string | undefined;

before(() => {
  previous = process.env.TRAINING_DOCTOR_CACHE;
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-cache-test-'));
  process.env.TRAINING_DOCTOR_CACHE = cacheDir;
});

after(() => {
  if (previous === undefined) delete process.env.TRAINING_DOCTOR_CACHE;
  else process.env.TRAINING_DOCTOR_CACHE = previous;
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const entries = (prefix: string) => fs.readdirSync(cacheDir).filter((name) => name.startsWith(prefix)).map((name) => path.join(cacheDir, name));
/** The statistics entry whose key mentions `text`. */
const statisticsEntry = (text: string) => entries('statistics').find((file) => (JSON.parse(fs.readFileSync(file, 'utf8')).key as string).includes(text))!;

function gaussianData(patch: Partial<DataConfig> = {}): DataConfig {
  return {
    dataset: { kind: 'gaussian', features: 6, samples: 300, classes: 3, mean: 2, std: 3, labelNoise: 0 },
    validationSize: 50, validationSplit: 0.2,
    preprocess: { normalize: 'standardize', per: 'feature' },
    augment: { translate: 0, flipHorizontal: false, noise: 0 },
    ...patch,
  };
}

describe('the cache folder', () => {
  it('is TRAINING_DOCTOR_CACHE when set, none for "off", else the OS cache folder', () => {
    assert.equal(cacheDirectory({ TRAINING_DOCTOR_CACHE: '/tmp/x' }, 'linux'), path.resolve('/tmp/x'));
    assert.equal(cacheDirectory({ TRAINING_DOCTOR_CACHE: 'off' }, 'linux'), undefined);
    assert.equal(cacheDirectory({ XDG_CACHE_HOME: '/xdg' }, 'linux'), path.join('/xdg', 'training-doctor'));
    assert.equal(cacheDirectory({}, 'linux'), path.join(os.homedir(), '.cache', 'training-doctor'));
    assert.equal(cacheDirectory({}, 'darwin'), path.join(os.homedir(), 'Library', 'Caches', 'training-doctor'));
    assert.equal(cacheDirectory({ LOCALAPPDATA: 'C:\\L' }, 'win32'), path.join('C:\\L', 'training-doctor', 'Cache'));
  });

  it('keys do not depend on the order of object fields', () => {
    assert.equal(keyText({ a: 1, b: { c: 2, d: [1, { f: 1, e: 2 }] } }), keyText({ b: { d: [1, { e: 2, f: 1 }], c: 2 }, a: 1 }));
    assert.notEqual(keyText({ a: 1 }), keyText({ a: 2 }));
  });
});

describe('binary entries', () => {
  it('read back what was written, and nothing for another key', () => {
    const payload = Uint8Array.from({ length: 103 }, (_, i) => (i * 7) & 255);
    writeBinaryEntry('test-bin', { k: 1 }, payload);
    assert.deepEqual(readBinaryEntry('test-bin', { k: 1 }, 1000), payload);
    assert.equal(readBinaryEntry('test-bin', { k: 2 }, 1000), undefined);
    assert.equal(readBinaryEntry('test-bin', { k: 1 }, 50), undefined, 'longer than the caller accepts');
  });

  it('reject a flipped byte, a truncated file and garbage', () => {
    const payload = new Uint8Array(64).fill(9);
    writeBinaryEntry('test-corrupt', 'key', payload);
    const [file] = entries('test-corrupt');
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] ^= 1;
    fs.writeFileSync(file, flipped);
    assert.equal(readBinaryEntry('test-corrupt', 'key', 1000), undefined);
    fs.writeFileSync(file, good.subarray(0, good.length - 3));
    assert.equal(readBinaryEntry('test-corrupt', 'key', 1000), undefined);
    fs.writeFileSync(file, 'not a cache entry at all');
    assert.equal(readBinaryEntry('test-corrupt', 'key', 1000), undefined);
    fs.writeFileSync(file, good);
    assert.deepEqual(readBinaryEntry('test-corrupt', 'key', 1000), payload);
  });
});

describe('cached MNIST digit files', () => {
  // Ten tiny digit files in the mnist package's format: one 28×28 image each.
  function writeDigits(dir: string, value: number): string[] {
    return Array.from({ length: 10 }, (_, digit) => {
      const file = path.join(dir, `${digit}.json`);
      fs.writeFileSync(file, JSON.stringify({ data: new Array(784).fill(digit === 3 ? value : 0.5) }));
      return file;
    });
  }

  it('hit while the files keep their size and time, miss when one changes, recompute over a corrupt entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-digits-'));
    try {
      const files = writeDigits(dir, 0.25);
      // Whole seconds, so that setting the time back below restores it exactly.
      const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
      for (const file of files) fs.utimesSync(file, mtime, mtime);
      const first = readDigitFiles(files);
      assert.equal(first.count, 10);
      assert.deepEqual(Array.from(first.y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(first.x[3 * 784], 0.25);
      assert.equal(entries('mnist-digits').length, 1);

      // Same size, same time, other content: only a cache hit still returns the old pixels.
      fs.writeFileSync(files[3], JSON.stringify({ data: new Array(784).fill(0.75) }));
      fs.utimesSync(files[3], mtime, mtime);
      assert.equal(readDigitFiles(files).x[3 * 784], 0.25, 'served from the cache');

      // A newer modification time is a changed source.
      const later = new Date(mtime.getTime() + 5000);
      fs.utimesSync(files[3], later, later);
      assert.equal(readDigitFiles(files).x[3 * 784], 0.75, 'decoded again');

      // A corrupt entry is decoded again from the files, and rewritten.
      for (const entry of entries('mnist-digits')) fs.writeFileSync(entry, Buffer.alloc(64, 1));
      assert.equal(readDigitFiles(files).x[3 * 784], 0.75);
      assert.equal(readDigitFiles(files).x[3 * 784], 0.75);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cached data statistics', () => {
  it('a second load gives bit-identical data and statistics to a load without the cache', async () => {
    for (const data of [gaussianData(), gaussianData({ preprocess: { normalize: 'standardize', per: 'channel' } })]) {
      process.env.TRAINING_DOCTOR_CACHE = 'off';
      const fresh = await loadDataset(data, 4, '/');
      process.env.TRAINING_DOCTOR_CACHE = cacheDir;
      await loadDataset(data, 4, '/');
      const again = await loadDataset(data, 4, '/');
      assert.deepEqual(again.rawInputStats, fresh.rawInputStats);
      assert.deepEqual(again.preprocessing, fresh.preprocessing);
      assert.deepEqual(again.train, fresh.train);
      assert.deepEqual(again.validation, fresh.validation);
    }
  });

  it('lint reads them from the cache, and misses when an option or the seed changes', async () => {
    const data = gaussianData({ trainSize: 200 });
    const measured = await loadInputStatistics(data, 11, '/');
    const entry = statisticsEntry('"trainSize":200');
    // Planting a different (valid) value shows which calls read the entry.
    const stored = JSON.parse(fs.readFileSync(entry, 'utf8'));
    stored.value.rawInputStats.mean = 123;
    fs.writeFileSync(entry, JSON.stringify(stored));
    assert.equal((await loadInputStatistics(data, 11, '/')).mean, 123, 'a hit');
    assert.equal((await loadInputStatistics(data, 12, '/')).mean === 123, false, 'another seed misses');
    assert.equal((await loadInputStatistics({ ...data, trainSize: 199 }, 11, '/')).mean === 123, false, 'another trainSize misses');
    assert.equal((await loadInputStatistics({ ...data, preprocess: { normalize: 'none', per: 'feature' } }, 11, '/')).mean === 123, false);
    assert.notEqual(measured.mean, 123);
  });

  it('recomputes over a corrupt or hostile entry', async () => {
    const data = gaussianData({ validationSize: 60 });
    process.env.TRAINING_DOCTOR_CACHE = 'off';
    const truth = await loadInputStatistics(data, 5, '/');
    process.env.TRAINING_DOCTOR_CACHE = cacheDir;
    await loadInputStatistics(data, 5, '/');
    const entry = statisticsEntry('"validationSize":60');
    const good = JSON.parse(fs.readFileSync(entry, 'utf8'));
    const hostile: ((value: Record<string, any>) => unknown)[] = [
      (v) => ({ ...v, rawInputStats: { ...v.rawInputStats, mean: 'NaN' } }),
      (v) => ({ ...v, rawInputStats: { ...v.rawInputStats, std: null } }),
      (v) => ({ ...v, rawInputStats: { ...v.rawInputStats, labelCounts: [1, -2, 3] } }),
      (v) => ({ ...v, rawInputStats: { ...v.rawInputStats, __proto__: { polluted: true }, extra: 1 } }),
      (v) => ({ ...v, std: v.std.map(() => 0) }),
      (v) => ({ ...v, mean: v.mean.slice(1) }),
      () => 'a string',
      () => null,
    ];
    for (const change of hostile) {
      fs.writeFileSync(entry, JSON.stringify({ ...good, value: change(good.value) }));
      assert.deepEqual(await loadInputStatistics(data, 5, '/'), truth, String(change));
      fs.writeFileSync(entry, JSON.stringify({ ...good, value: change(good.value) }));
      const loaded = await loadDataset(data, 5, '/');
      assert.deepEqual(loaded.rawInputStats, truth);
    }
    for (const text of ['{', '', '\u0000\u0001', JSON.stringify({ key: 'another key', value: good.value }), 'x'.repeat(5 * 1024 * 1024)]) {
      fs.writeFileSync(entry, text);
      assert.deepEqual(await loadInputStatistics(data, 5, '/'), truth);
    }
  });
});
