import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from 'jsonc-parser';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import type { InputStatistics } from '../../../../src/core/data/dataset';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import type { Finding, FixReference } from '../../../../src/core/diagnosis/finding';
import { allFixes } from '../../../../src/core/diagnosis/fixes/allFixes';
import { applyFix } from '../../../../src/core/diagnosis/fixes/applyFix';
import type { TextEdit } from '../../../../src/core/diagnosis/fixes/editLog';
import { fixReference } from '../../../../src/core/diagnosis/fixes/fixReference';
import { configText, conv, dense, MNIST_IMAGES, mlp, resnet, stats } from '../static/staticTestHelpers';

const EXAMPLES = path.join(__dirname, '../../../../examples');
const read = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
const HOUSES = stats(28, 39, { featureMeanAbsMax: 94, featureStdMin: 0.5, featureStdMax: 33 });

/** Configs whose static findings, together, exercise every static rule and every fix they offer. */
function corpus(): { name: string; text: string; inputStats?: InputStatistics }[] {
  const files = fs.readdirSync(path.join(EXAMPLES, 'broken')).map((f) => `broken/${f}`)
    .concat(fs.readdirSync(path.join(EXAMPLES, 'seeds')).map((f) => `seeds/${f}`));
  const generated: [string, string][] = [
    ['deep default-Glorot ReLU MLP, SGD for 40 epochs', configText({ layers: mlp(9, 32, 'relu'), training: { epochs: 40, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 }, lrSchedule: { type: 'constant', warmupEpochs: 1 } } })],
    ['He before tanh', configText({ layers: mlp(5, 32, 'tanh', 'heUniform') })],
    ['ResNet without zero-init, 4 blocks', configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(4, 'ones') })],
    ['dense residual blocks without BatchNorm', configText({ layers: [dense(32, 'relu', 'heNormal'), ...Array.from({ length: 3 }, () => ({ type: 'residual', layers: [dense(32, 'relu', 'heNormal'), dense(32, 'linear', 'heNormal')] })), dense(10, 'softmax')] })],
    ['constant conv kernels and a bias penalty in a branch', configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: [
      conv(8, 'relu', 'ones'), conv(8, 'relu', 'ones'),
      { type: 'residual', layers: [conv(8, 'relu', 'heNormal', { biasRegularizer: { l1: 0.01 } }), conv(8, 'linear', 'zeros')] },
      { type: 'flatten' }, dense(10, 'softmax'),
    ] })],
    ['Adam far too high, raw MNIST images', configText({ data: { dataset: 'mnist', shape: 'image' }, input: [28, 28, 1], layers: [conv(8, 'relu', 'heNormal'), { type: 'flatten' }, dense(10, 'softmax')], training: { epochs: 2, optimizer: { type: 'adam', learningRate: 0.5 } } })],
    ['SGD far too low, off-centre Gaussian', configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 8 } }, layers: mlp(2, 32, 'relu', 'heNormal'), training: { epochs: 2, optimizer: { type: 'sgd', learningRate: 1e-7 } } })],
    ['exploding residual branch', configText({ layers: [dense(64, 'relu', 'heNormal'), { type: 'residual', layers: [dense(64, 'relu', { type: 'randomNormal', stddev: 1 }), dense(64, 'relu', { type: 'randomNormal', stddev: 1 }), dense(64, 'linear', 'zeros')] }, dense(10, 'softmax')] })],
  ];
  return [
    ...files.map((name) => ({ name, text: read(name), inputStats: name.includes('unnormalized') ? HOUSES : undefined })),
    ...generated.map(([name, text]) => ({ name, text: `// ${name}\n${text.replace('{\n', '{\n  // a comment the fixes must keep\n')}` })),
  ].filter(({ text }) => parseTrainConfig(text, 'x.train.json').config);
}

function staticFindings(text: string, inputStats?: InputStatistics): Finding[] {
  const parsed = parseTrainConfig(text, 'x.train.json');
  assert.ok(parsed.config && parsed.shapes, 'parses without errors');
  return runStaticRules({ config: parsed.config, shapes: parsed.shapes, inputStats });
}

/** Rules that report one finding per layer: the fix must remove that finding; the others must go silent. */
const PER_LAYER = new Set(['init.symmetry', 'reg.bias-regularized']);

function stillThere(before: Finding, after: Finding[]): boolean {
  if (!PER_LAYER.has(before.rule)) return after.some((f) => f.rule === before.rule);
  return after.some((f) => f.rule === before.rule && JSON.stringify(f.path) === JSON.stringify(before.path));
}

/** The edits are sorted and disjoint, reproduce the new text, and the text between them is untouched. */
function assertMinimalEdits(original: string, result: { text: string; edits: TextEdit[] }, where: string): void {
  assert.ok(result.edits.length > 0, `${where}: something changed`);
  assert.equal(applyEdits(original, result.edits), result.text, `${where}: the edits reproduce the text`);
  let shift = 0;
  let previousEnd = 0;
  for (const edit of result.edits) {
    assert.ok(edit.offset >= previousEnd, `${where}: edits sorted and disjoint`);
    const between = original.slice(previousEnd, edit.offset);
    assert.equal(result.text.slice(previousEnd + shift, edit.offset + shift), between, `${where}: text between edits unchanged`);
    shift += edit.content.length - edit.length;
    previousEnd = edit.offset + edit.length;
    // Small: a fix replaces a value or inserts/removes an entry, never a whole section.
    assert.ok(edit.length <= 200 && edit.content.length <= 200, `${where}: edit of ${edit.length} → ${edit.content.length} characters`);
  }
  assert.equal(result.text.slice(previousEnd + shift), original.slice(previousEnd), `${where}: tail unchanged`);
  for (const comment of original.match(/\/\/[^\n]*/g) ?? []) assert.ok(result.text.includes(comment), `${where}: keeps ${comment}`);
}

describe('static fixes: every fix of every static finding', () => {
  const cases = corpus();
  it('the corpus offers every fix a static rule can offer', () => {
    const offered = new Set(cases.flatMap(({ text, inputStats }) => staticFindings(text, inputStats).flatMap((f) => f.fixes.map((x) => x.id))));
    assert.deepEqual([...offered].sort(), ['fix.add-batchnorm', 'fix.glorot-init', 'fix.he-init', 'fix.lower-lr', 'fix.lr-decay', 'fix.normalize-inputs', 'fix.raise-lr', 'fix.unregularize-bias', 'fix.zero-init-residual']);
  });

  for (const { name, text, inputStats } of cases) {
    it(`${name}: applies cleanly, keeps the rest of the text, and the finding goes away`, () => {
      for (const finding of staticFindings(text, inputStats)) {
        for (const fix of finding.fixes) {
          const where = `${finding.rule} → ${fix.id}`;
          const result = applyFix(text, finding, fix);
          assert.ok(!('error' in result), `${where}: ${'error' in result ? result.error : ''}`);
          assertMinimalEdits(text, result, where);
          const after = staticFindings(result.text, inputStats);
          assert.ok(!stillThere(finding, after), `${where}: finding gone, left ${JSON.stringify(after.map((f) => [f.rule, f.path]))}`);
        }
      }
    });
  }
});

function configOf(text: string): TrainConfig {
  const parsed = parseTrainConfig(text, 'x.train.json');
  assert.ok(parsed.config, parsed.problems.map((p) => p.message).join('; '));
  return parsed.config;
}

/** A finding as a live rule would report it, to drive the fixes static rules never offer. */
function liveFinding(rule: string, layer?: number): Finding {
  return { rule, severity: 'warning', message: 'test', evidence: {}, fixes: [], ...(layer === undefined ? {} : { layer }) };
}

function apply(text: string, id: string, args?: Record<string, unknown>, layer?: number): { text: string; config: TrainConfig; fix: FixReference } {
  const fix = fixReference(id, configOf(text), args);
  const result = applyFix(text, liveFinding('test.rule', layer), fix);
  assert.ok(!('error' in result), 'error' in result ? result.error : '');
  assertMinimalEdits(text, result, id);
  return { text: result.text, config: configOf(result.text), fix };
}

describe('fixes for live findings, on several configs', () => {
  // The examples, for realistic formatting; plus generated configs where a test needs an exact structure.
  const mnistCnn = read('mnist-cnn.train.json');
  const houses = read('houses-regression.train.json');
  const mnistMlp = configText({ data: { dataset: 'mnist' }, input: [784], layers: [dense(256, 'relu', 'heNormal'), { type: 'dropout', rate: 0.3 }, dense(10, 'softmax')], training: { epochs: 10, optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 } } });
  const spirals = configText({ input: [2], data: { dataset: { synthetic: 'spirals' } }, layers: [dense(64, 'tanh', 'glorotUniform'), dense(64, 'tanh', 'glorotUniform'), dense(2, 'softmax')], training: { epochs: 60, optimizer: { type: 'adam', learningRate: 0.01 } } });
  const regression = configText({ input: [5], data: { dataset: { csv: 'h.csv', label: 'y', task: 'regression' } }, layers: [dense(32, 'relu', 'heNormal'), dense(32, 'relu', 'heNormal'), dense(1)] });
  const resnetText = configText({ data: MNIST_IMAGES, input: [28, 28, 1], layers: resnet(2, 'zeros') });

  it('fix.add-dropout: after every hidden dense layer (after its activation layer), or the given ones', () => {
    const { config, fix } = apply(spirals, 'fix.add-dropout');
    assert.deepEqual(config.model.layers.map((l) => l.type), ['dense', 'dropout', 'dense', 'dropout', 'dense']);
    assert.equal(fix.title, 'Insert {"type": "dropout", "rate": 0.3} after layers 0 and 1');
    const chosen = apply(regression, 'fix.add-dropout', { layers: [1], rate: 0.5 }).config;
    assert.deepEqual(chosen.model.layers.map((l) => (l.type === 'dropout' ? `dropout ${l.rate}` : l.type)), ['dense', 'dense', 'dropout 0.5', 'dense']);
    const again = applyFix(mnistMlp, liveFinding('test.rule'), fixReference('fix.add-dropout', configOf(mnistMlp)));
    assert.match((again as { error: string }).error, /nothing to change/, 'no second dropout');
  });

  it('fix.weight-decay: L2 on every kernel, branches included, keeping an existing L1', () => {
    const { config, fix } = apply(resnetText, 'fix.weight-decay');
    const kernels = config.model.layers.flatMap((l) => (l.type === 'residual' ? l.layers : [l])).filter((l) => l.type === 'dense' || l.type === 'conv2d');
    assert.ok(kernels.every((l) => (l.type === 'dense' || l.type === 'conv2d') && l.kernelRegularizer?.l2 === 1e-4));
    assert.equal(fix.title, 'Set "kernelRegularizer": {"l2": 0.0001} on layers 0, 3.0, 3.3, 5.0, 5.3 and 8');
    const l1 = configText({ layers: [dense(16, 'relu', 'heNormal', { kernelRegularizer: { l1: 0.01 } }), dense(10, 'softmax')] });
    const kept = apply(l1, 'fix.weight-decay', { layers: [0], l2: 0.001 }).config.model.layers[0];
    assert.deepEqual(kept.type === 'dense' && kept.kernelRegularizer, { l1: 0.01, l2: 0.001 });
  });

  it('fix.early-stopping: replaces or adds training.earlyStopping', () => {
    for (const text of [mnistCnn, spirals]) {
      assert.deepEqual(apply(text, 'fix.early-stopping').config.training.earlyStopping, { monitor: 'val_loss', patience: 5, minDelta: 0, restoreBestWeights: true });
    }
  });

  it('fix.augment: translation for images, noise for vectors', () => {
    assert.equal(apply(resnetText, 'fix.augment').config.data.augment.translate, 2);
    assert.equal(apply(mnistCnn, 'fix.augment', { translate: 3 }).config.data.augment.translate, 3);
    const { config, fix } = apply(regression, 'fix.augment');
    assert.equal(config.data.augment.noise, 0.05);
    assert.match(fix.title, /"noise": 0\.05/);
  });

  it('fix.augment: colour photos are also mirrored and slightly rotated; grey digits are never mirrored', () => {
    const photos = configText({ data: { dataset: { images: 'photos', size: [64, 64], channels: 3 } }, input: [64, 64, 3], layers: [conv(8, 'relu', 'heNormal'), { type: 'flatten' }, dense(5, 'softmax')] });
    const colour = apply(photos, 'fix.augment');
    assert.equal(colour.config.data.augment.flipHorizontal, true);
    assert.ok((colour.config.data.augment.rotate ?? 0) > 0 && (colour.config.data.augment.rotate ?? 0) <= 15, 'a slight rotation');
    assert.ok(colour.config.data.augment.translate >= 2 && colour.config.data.augment.translate <= 64 / 8, 'a few pixels at 64×64');
    assert.match(colour.fix.title, /"flipHorizontal": true/);
    const digits = apply(mnistCnn, 'fix.augment');
    assert.equal(digits.config.data.augment.flipHorizontal, false, 'a mirrored digit is another symbol (or none)');
    assert.equal(digits.config.data.augment.translate, 2);
    assert.doesNotMatch(digits.fix.title, /flip/i);
  });

  it('fix.gradient-clipping and fix.raise-lr / fix.lower-lr by a factor of 10', () => {
    assert.deepEqual(apply(mnistMlp, 'fix.gradient-clipping').config.training.gradientClipping, { norm: 1 });
    assert.deepEqual(apply(houses, 'fix.gradient-clipping', { norm: 5 }).config.training.gradientClipping, { norm: 5 });
    assert.deepEqual(apply(regression, 'fix.gradient-clipping').config.training.gradientClipping, { norm: 1 });
    const raised = apply(mnistMlp, 'fix.raise-lr');
    assert.equal(raised.config.training.optimizer.learningRate, 0.5);
    assert.equal(raised.fix.title, 'Raise "learningRate" from 0.05 to 0.5');
    assert.equal(apply(spirals, 'fix.lower-lr').config.training.optimizer.learningRate, 0.001);
  });

  it('fix.lr-decay keeps a warm-up, and replaces another schedule', () => {
    const warm = configText({ layers: mlp(1, 8, 'relu', 'heNormal'), training: { epochs: 30, optimizer: { type: 'sgd' }, lrSchedule: { type: 'constant', warmupEpochs: 2 } } });
    assert.deepEqual(apply(warm, 'fix.lr-decay').config.training.lrSchedule, { type: 'cosine', warmupEpochs: 2, minLearningRate: 0 });
    assert.equal(apply(spirals, 'fix.lr-decay').config.training.lrSchedule.type, 'cosine');
  });

  it('fix.he-init accepts an explicit initializer; fix.normalize-inputs works on image data', () => {
    const leCun = apply(spirals, 'fix.he-init', { layers: [0, 1], initializer: 'leCunNormal' });
    assert.deepEqual(leCun.config.model.layers.slice(0, 2).map((l) => l.type === 'dense' && l.kernelInitializer.type), ['leCunNormal', 'leCunNormal']);
    const raw = configText({ data: { dataset: 'mnist', shape: 'image' }, input: [28, 28, 1], layers: [{ type: 'flatten' }, dense(10, 'softmax')] });
    assert.deepEqual(apply(raw, 'fix.normalize-inputs').config.data.preprocess, { normalize: 'standardize', per: 'channel' });
  });

  it('every registered fix is exercised by the tests above or the static corpus', () => {
    const exercised = ['fix.add-dropout', 'fix.weight-decay', 'fix.early-stopping', 'fix.augment', 'fix.gradient-clipping', 'fix.raise-lr', 'fix.lower-lr', 'fix.lr-decay', 'fix.he-init', 'fix.normalize-inputs', 'fix.glorot-init', 'fix.add-batchnorm', 'fix.unregularize-bias', 'fix.zero-init-residual'];
    assert.deepEqual(allFixes.map((f) => f.id).sort(), exercised.sort());
  });
});

describe('applyFix refuses what it cannot do', () => {
  const text = configText({ layers: [dense(8, 'relu'), { type: 'dropout', rate: 0.2 }, dense(10, 'softmax')] });
  const finding = liveFinding('test.rule', 1);

  it('unknown fixes, configs with errors, and layers of the wrong kind', () => {
    assert.match((applyFix(text, finding, { id: 'fix.nope', title: '' }) as { error: string }).error, /Unknown fix/);
    assert.match((applyFix('{ "model": ', finding, { id: 'fix.he-init', title: '' }) as { error: string }).error, /errors/);
    assert.match((applyFix(text, finding, { id: 'fix.he-init', title: '' }) as { error: string }).error, /dropout layer/);
    assert.match((applyFix(text, liveFinding('x'), { id: 'fix.unregularize-bias', title: '' }) as { error: string }).error, /needs "layers"/);
  });
});
