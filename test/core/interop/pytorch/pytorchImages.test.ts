// The exported scripts on an image folder (examples/shapes-cnn.train.json pointed at a folder the
// test draws itself, so that no `npm run make-images` is needed): the same files in the same
// split, the same per-channel statistics as our loader, unreadable files skipped, a short run
// trained with rotation and crop; the Keras script compiles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { inferShapes } from '../../../../src/core/config/shapeInference';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import { augmentBatch } from '../../../../src/core/data/augment';
import { DATA_ANYWHERE } from '../../../../src/core/data/dataAccessPolicy';
import { encodePng } from '../../../../src/core/data/imageEncoding';
import type { LoadedData } from '../../../../src/core/data/dataset';
import { loadDataset } from '../../../../src/core/data/loadDataset';
import { writeShapeFolder } from '../../../../src/core/data/syntheticShapes';
import { SeededRandom } from '../../../../src/core/random';
import type { RunStartedEvent } from '../../../../src/core/engine/trainingEvents';
import { exportKerasScript } from '../../../../src/core/interop/keras/exportKerasScript';
import { exportToTemp, jsonLines, loadExample, runPython, skipReason, torchPython } from './pytorchHarness';

const EXAMPLE = 'examples/shapes-cnn.train.json';

function pillowSkipReason(): string | false {
  const torch = skipReason();
  if (torch) return torch;
  const probe = spawnSync(torchPython()!, ['-c', 'import PIL'], { encoding: 'utf8' });
  return probe.status === 0 ? false : `the Python with torch (${torchPython()}) has no Pillow`;
}
const skip = pillowSkipReason();

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-pytorch-images-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));

/**
 * 40×40 shapes (shrunk to 32×32: a ratio of 1.25, so the area weights are fractional), half PNG
 * half JPEG, plus what a real folder has: a truncated PNG, a text file named .jpg, a grey picture
 * among colour ones, a hidden file and a file with another extension.
 */
function drawFolder(name: string, perClass: number, pngOnly = false): string {
  const folder = path.join(top, name);
  writeShapeFolder(folder, { perClass, size: 40, seed: 3 });
  if (pngOnly) {
    for (const shape of fs.readdirSync(folder)) {
      for (const file of fs.readdirSync(path.join(folder, shape))) if (file.endsWith('.jpg')) fs.rmSync(path.join(folder, shape, file));
    }
  }
  const png = fs.readFileSync(path.join(folder, 'circle', 'circle-0000.png'));
  fs.writeFileSync(path.join(folder, 'circle', 'broken.png'), png.subarray(0, png.length >> 1));
  fs.writeFileSync(path.join(folder, 'square', 'notes.jpg'), 'not a picture');
  const grey = new Uint8Array(48 * 24).map((_, i) => (i * 7) % 256);
  fs.writeFileSync(path.join(folder, 'triangle', 'grey.png'), encodePng({ width: 24, height: 48, channels: 1, pixels: grey }));
  fs.writeFileSync(path.join(folder, 'triangle', '.hidden.png'), png);
  fs.writeFileSync(path.join(folder, 'triangle', 'readme.txt'), 'ignored');
  return folder;
}

function pointAt(folder: string, edit?: (config: TrainConfig) => void): (config: TrainConfig) => void {
  return (config) => {
    assert.equal(config.data.dataset.kind, 'images');
    if (config.data.dataset.kind === 'images') config.data.dataset.images = folder;
    edit?.(config);
  };
}

describe('exported PyTorch script: an image folder', { skip }, () => {
  /** The script's run-started event and our loader's data for the same folder. */
  async function bothSides(folder: string): Promise<{ started: RunStartedEvent; ours: LoadedData; stderr: string }> {
    const { script, dir, config } = exportToTemp(EXAMPLE, pointAt(folder));
    const run = runPython([script, '--events-jsonl', '--epochs', '0'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const started = jsonLines(run.stdout)[0] as RunStartedEvent;
    const ours = await loadDataset(config.data, config.seed, path.dirname(loadExample(EXAMPLE).file), DATA_ANYWHERE);
    assert.equal(started.dataset, ours.source, 'same counts, skips and conversions in the description');
    assert.equal(started.trainExamples, ours.train.count);
    assert.equal(started.validationExamples, ours.validation.count);
    assert.deepEqual(started.inputStats.labelCounts, ours.rawInputStats.labelCounts, 'the same files in the training split');
    return { started, ours, stderr: run.stderr };
  }

  it('reads PNGs exactly as our loader does: same files, split, conversion, resize and statistics', async () => {
    const { started, ours, stderr } = await bothSides(drawFolder('png-only', 24, true));
    assert.match(stderr, /2 images in .* could not be used and were skipped: circle\/broken\.png \(.*\), square\/notes\.jpg \(neither a PNG nor a JPEG/);
    assert.match(started.dataset, /37 images in 3 classes, resized to 32×32×3; 2 skipped as unreadable, 1 converted to the channel count/);
    // PNG decoding is lossless in both, and the resize is the same arithmetic: only float rounding may differ.
    const { labelCounts, channelMeans, channelStds, ...measured } = started.inputStats;
    const engine = ours.rawInputStats;
    for (const [key, value] of Object.entries(measured)) {
      const expected = engine[key as keyof typeof measured];
      assert.ok(Math.abs(value - expected!) <= 1e-6 * Math.max(1, Math.abs(expected!)), `${key}: script ${value}, ours ${expected}`);
    }
    assert.equal(channelMeans?.length, 3);
    channelMeans!.forEach((m, c) => assert.ok(Math.abs(m - engine.channelMeans![c]) <= 1e-4, `channel ${c} mean: script ${m}, ours ${engine.channelMeans![c]}`));
    channelStds!.forEach((s, c) => assert.ok(Math.abs(s - engine.channelStds![c]) <= 1e-4, `channel ${c} std: script ${s}, ours ${engine.channelStds![c]}`));
    assert.equal(labelCounts?.reduce((a, b) => a + b), started.trainExamples);
  });

  it('reads JPEGs as our loader does, up to the decoders\' rounding', async () => {
    const { started, ours } = await bothSides(drawFolder('mixed', 30));
    const script = started.inputStats;
    const engine = ours.rawInputStats;
    // jpeg-js (ours) truncates its YCbCr→RGB result to an integer where libjpeg (Pillow) rounds,
    // so our colour JPEG pixels are on average up to half a level darker; half the files here are
    // JPEG, so a channel mean is up to 0.5·½ higher in the script (measured on an all-JPEG folder:
    // 0.29–0.49; on this one 0.15–0.25). The shift barely changes the spread (measured up to 0.04
    // here). A wrong file, channel order or resize would move these by whole levels.
    for (let c = 0; c < 3; c++) {
      const meanGap = script.channelMeans![c] - engine.channelMeans![c];
      const stdGap = Math.abs(script.channelStds![c] - engine.channelStds![c]);
      assert.ok(meanGap >= 0 && meanGap <= 0.3, `channel ${c} mean: script ${script.channelMeans![c]}, ours ${engine.channelMeans![c]}`);
      assert.ok(stdGap <= 0.1, `channel ${c} std: script ${script.channelStds![c]}, ours ${engine.channelStds![c]}`);
    }
    assert.ok(script.mean - engine.mean >= 0 && script.mean - engine.mean <= 0.3 && Math.abs(script.std - engine.std) <= 0.1, `${script.mean}/${script.std} vs ${engine.mean}/${engine.std}`);
  });

  it('trains an epoch with rotation, crop and flips on the training split', () => {
    const folder = drawFolder('trained', 8);
    const { script, dir } = exportToTemp(EXAMPLE, pointAt(folder, (config) => {
      config.training.batchSize = 8;
      config.data.augment = { ...config.data.augment, rotate: 15, crop: 3, translate: 1, flipHorizontal: true };
    }));
    const run = runPython([script, '--events-jsonl', '--epochs', '1', '--threads', '1'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const events = jsonLines(run.stdout) as { type: string; status?: string; loss?: number }[];
    const ended = events[events.length - 1];
    assert.equal(ended.type, 'run-ended');
    assert.equal(ended.status, 'completed');
    assert.ok(events.some((e) => e.type === 'epoch-end'));
    assert.ok(events.filter((e) => e.type === 'step').every((e) => Number.isFinite(e.loss)));
  });

  it('augments a batch exactly as our engine does: translate, flip, rotate and crop from the same draws', () => {
    const { script, dir, config } = exportToTemp(EXAMPLE, (edited) => {
      edited.data.augment = { translate: 1, flipHorizontal: true, rotate: 20, crop: 2, noise: 0 };
    });
    const image = { height: 9, width: 7, channels: 3 };
    const featureSize = image.height * image.width * image.channels;
    const count = 40;
    const values = new SeededRandom(7);
    const x = Float32Array.from({ length: count * featureSize }, () => 4 * values.next() - 2);
    const background = [-1, 0.5, 2];
    fs.writeFileSync(path.join(dir, 'batch.f32'), Buffer.from(x.buffer));
    // Imported, not run: the script trains only as __main__.
    const run = runPython(['-c', `
import importlib.util, numpy as np
spec = importlib.util.spec_from_file_location("exported", ${JSON.stringify(script)})
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)
x = np.fromfile("batch.f32", dtype=np.float32).reshape(${count}, -1)
fill = np.tile(np.asarray(${JSON.stringify(background)}, dtype=np.float32), ${image.height * image.width})
out = script.augment(x, (${image.height}, ${image.width}, ${image.channels}), script.SeededRandom(123), fill, None)
out.astype(np.float32).tofile("augmented.f32")
`], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const theirs = new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, 'augmented.f32'))).buffer);
    const ours = augmentBatch(x, count, featureSize, config.data.augment, image, new SeededRandom(123), background);
    assert.equal(theirs.length, ours.length);
    let changed = 0;
    let largest = 0;
    for (let i = 0; i < ours.length; i++) {
      largest = Math.max(largest, Math.abs(theirs[i] - ours[i]));
      if (ours[i] !== x[i]) changed++;
    }
    assert.ok(changed > ours.length / 2, 'most pixels moved');
    // The same arithmetic in float64 both sides; libm's sin/cos may differ in the last bit.
    assert.ok(largest <= 1e-5, `largest difference ${largest}`);
  });

  it('says clearly when the folder is not there', () => {
    const { script, dir } = exportToTemp(EXAMPLE, pointAt(path.join(top, 'nowhere')));
    const run = runPython([script, '--epochs', '0'], { cwd: dir });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /cannot read the image folder .*nowhere .*--images/);
    assert.doesNotMatch(run.stderr, /Traceback/);
  });

  it('says clearly when Pillow is missing', () => {
    const { script, dir } = exportToTemp(EXAMPLE, pointAt(drawFolder('no-pillow', 2)));
    // A PIL package that fails to import stands in for a Python without Pillow.
    fs.mkdirSync(path.join(dir, 'fake', 'PIL'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'fake', 'PIL', '__init__.py'), 'raise ImportError("No module named PIL")\n');
    const run = runPython([script, '--epochs', '0'], { cwd: dir, env: { PYTHONPATH: path.join(dir, 'fake') } });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /needs Pillow: pip install Pillow/);
    assert.doesNotMatch(run.stderr, /Traceback/);
  });

  it('writes a Keras script for the same config that compiles', () => {
    const { config, file } = loadExample(EXAMPLE);
    const keras = path.join(top, 'train_shapes_keras.py');
    fs.writeFileSync(keras, exportKerasScript(config, inferShapes(config.model.layers, config.model.input), { configPath: file, baseDir: path.dirname(file) }));
    const compiled = runPython(['-m', 'py_compile', keras]);
    assert.equal(compiled.status, 0, compiled.stderr);
  });
});
