import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, checkWithTree, configText, dense, findingsOf, stats } from './staticTestHelpers';

const rule = 'data.unnormalized';
const EXAMPLES = path.join(__dirname, '../../../../examples');
const head = [dense(32, 'relu', 'heNormal'), dense(10, 'softmax')];

/** The raw statistics of examples/data/houses.csv's training split (area in m², rooms, age, km, garden flag). */
const HOUSES = stats(28.36, 39.33, { min: 0, max: 187.7, featureMeanAbsMax: 93.9, featureStdMin: 0.495, featureStdMax: 33.5 });
const MNIST = stats(0.1306, 0.3081, { min: 0, max: 1, featureMeanAbsMax: 0.554, featureStdMin: 0.00009, featureStdMax: 0.446 });

describe('data.unnormalized', () => {
  it('warns for the raw house table: large feature means, large std, feature scales 68× apart', () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'broken/unnormalized-inputs.train.json'), 'utf8');
    const [finding] = findingsOf(analyze(text, HOUSES), rule);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /a feature has mean 93\.9/);
    assert.match(finding.message, /feature stds range from 0\.495 to 33\.5 \(67\.7×\)/);
    assert.match(finding.message, /measured on the training split/);
    assert.deepEqual(finding.path, ['data', 'preprocess', 'normalize']);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred]), [['fix.normalize-inputs', true]]);
    assert.match(finding.fixes[0].title, /"per": "feature"/);
  });

  it('says nothing about a CSV before its data is loaded', () => {
    const text = fs.readFileSync(path.join(EXAMPLES, 'broken/unnormalized-inputs.train.json'), 'utf8');
    assert.deepEqual(findingsOf(analyze(text), rule), []);
  });

  it('raw MNIST pixels are workable: info, with or without loaded statistics', () => {
    for (const shape of ['flat', 'image'] as const) {
      const input = shape === 'flat' ? [784] : [28, 28, 1];
      const layers = shape === 'flat' ? head : [{ type: 'flatten' }, ...head];
      const text = configText({ data: { dataset: 'mnist', shape }, input, layers });
      for (const found of [findingsOf(analyze(text), rule), findingsOf(analyze(text, MNIST), rule)]) {
        assert.deepEqual(found.map((f) => f.severity), ['info'], shape);
        assert.match(found[0].fixes[0].title, /"per": "channel"/, 'pixels, flat or not, are standardized per channel');
      }
    }
  });

  it('synthetic data judged from its settings: off-centre Gaussian warns, spirals at scale 1 are fine', () => {
    const offCentre = configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 10, std: 1 } }, layers: head });
    assert.deepEqual(findingsOf(analyze(offCentre), rule).map((f) => [f.severity, /from the synthetic dataset's settings/.test(f.message)]), [['warning', true]]);
    const tiny = configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, std: 0.01 } }, layers: head });
    assert.deepEqual(findingsOf(analyze(tiny), rule).map((f) => f.severity), ['warning']);
    const spirals = configText({ input: [2], data: { dataset: { synthetic: 'spirals' } }, layers: [dense(32, 'tanh'), dense(2, 'softmax')] });
    assert.deepEqual(findingsOf(analyze(spirals), rule), []);
    const scaled = configText({ input: [2], data: { dataset: { synthetic: 'spirals', scale: 100 } }, layers: [dense(32, 'tanh'), dense(2, 'softmax')] });
    assert.deepEqual(findingsOf(analyze(scaled), rule).map((f) => f.severity), ['warning']);
  });

  it('standardized inputs are fine; meanSubtract still needs a sane spread; per-channel on a table keeps feature scales apart', () => {
    const data = (preprocess: unknown) => ({ dataset: { csv: 'houses.csv', label: 'price', task: 'regression' }, preprocess });
    const regression = [dense(32, 'relu', 'heNormal'), dense(1)];
    const run = (preprocess: unknown) => findingsOf(analyze(configText({ input: [5], data: data(preprocess), layers: regression }), HOUSES), rule);
    assert.deepEqual(run({ normalize: 'standardize' }), []);
    assert.match(run({ normalize: 'meanSubtract' })[0].message, /the std is 39\.3/);
    const perChannel = run({ normalize: 'standardize', per: 'channel' });
    assert.equal(perChannel.length, 1);
    assert.match(perChannel[0].message, /one mean and std for all features/);
    assert.doesNotMatch(perChannel[0].message, /Off-centre/);
    assert.match(perChannel[0].message, /feature stds range/);
  });

  it('thresholds override: a lenient config silences the warning but keeps the info band', () => {
    const text = configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 10 } }, layers: head, rules: { [rule]: { maxAbsMean: 20 } } });
    assert.deepEqual(findingsOf(analyze(text), rule).map((f) => f.severity), ['info']);
    const off = configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 10 } }, layers: head, rules: { [rule]: { severity: 'off' } } });
    assert.deepEqual(findingsOf(analyze(off), rule), []);
  });

  it('with the parse tree and no preprocess written, points at the dataset', () => {
    const text = configText({ data: { dataset: { synthetic: 'gaussian', features: 64, classes: 10, mean: 10 } }, layers: head });
    assert.deepEqual(checkWithTree(rule, text)[0].path, ['data', 'dataset']);
  });

  describe('pixels in a CSV ([0, 1], 784 columns): the independent set\'s false alarm', () => {
    const pixelCsv = (preprocess: unknown) => configText({
      input: [784], data: { dataset: { csv: 'digits.csv', label: 'label' }, preprocess }, layers: head,
    });
    // Measured as computeInputStatistics now reports them: the near-constant border columns are left out of the smallest std.
    const measured = stats(0.13, 0.31, { min: 0, max: 1, featureMeanAbsMax: 0.55, featureStdMin: 0.02, featureStdMax: 0.45, nearConstantFeatures: 120 });
    // And as a table whose smallest std is still a nearly empty column (statistics from before the change).
    const borderColumn = stats(0.13, 0.31, { min: 0, max: 1, featureMeanAbsMax: 0.55, featureStdMin: 0.0005, featureStdMax: 0.45 });

    it('is info at most, never a warning, and recommends per-channel statistics', () => {
      for (const inputStats of [measured, borderColumn]) {
        const found = findingsOf(analyze(pixelCsv({ normalize: 'none' }), inputStats), rule);
        assert.deepEqual(found.map((f) => f.severity), ['info']);
        assert.doesNotMatch(found[0].message, /feature stds range/, 'pixel columns share one scale');
        assert.match(found[0].message, /a conventional input range/);
        assert.match(found[0].message, /per channel/);
        assert.match(found[0].fixes[0].title, /"per": "channel"/);
        assert.deepEqual(found[0].fixes[0].args, { per: 'channel' });
      }
    });

    it('0–255 pixels in a CSV still warn (spread 80), with the per-channel fix', () => {
      const raw = stats(33, 79, { min: 0, max: 255, featureMeanAbsMax: 140, featureStdMin: 5, featureStdMax: 114 });
      const [finding] = findingsOf(analyze(pixelCsv({ normalize: 'none' }), raw), rule);
      assert.equal(finding.severity, 'warning');
      assert.deepEqual(finding.fixes[0].args, { per: 'channel' });
    });

    it('a table already in [-1, 1] is info at most while its features share a scale', () => {
      const table = configText({ input: [5], data: { dataset: { csv: 'houses.csv', label: 'price', task: 'regression' }, preprocess: { normalize: 'none' } }, layers: [dense(32, 'relu', 'heNormal'), dense(1)] });
      const raw = stats(0.3, 0.2, { min: -1, max: 1, featureMeanAbsMax: 0.4, featureStdMin: 0.1, featureStdMax: 0.5 });
      assert.deepEqual(findingsOf(analyze(table, raw), rule).map((f) => f.severity), ['info']);
    });
  });

  describe('the scale of a working model: features of order one are not a fault', () => {
    const irisNet = (inputStats: ReturnType<typeof stats>) => findingsOf(analyze(configText({
      input: [4], data: { dataset: { csv: 'iris.csv', label: 'species' } }, layers: [dense(8, 'relu'), dense(3, 'softmax')],
    }), inputStats), rule);

    it('raw iris measurements (feature means up to 5.9, stds 0.4 to 1.8) are advice: info', () => {
      const iris = stats(3.47, 1.97, { min: 0.1, max: 8.3, featureMeanAbsMax: 5.86, featureStdMin: 0.41, featureStdMax: 1.77 });
      assert.deepEqual(irisNet(iris).map((f) => f.severity), ['info']);
    });

    it('a decade off unit scale still warns: a feature mean of 12, or a spread of 12', () => {
      assert.deepEqual(irisNet(stats(6, 2, { min: 0, max: 30, featureMeanAbsMax: 12, featureStdMin: 1, featureStdMax: 3 })).map((f) => f.severity), ['warning']);
      assert.deepEqual(irisNet(stats(0, 12, { min: -40, max: 40, featureMeanAbsMax: 0.5, featureStdMin: 6, featureStdMax: 14 })).map((f) => f.severity), ['warning']);
    });
  });

  describe('a table in [0, 1] whose features were squeezed (TheDeepChecker\'s double normalization)', () => {
    const table = configText({ input: [9], data: { dataset: { csv: 'autompg.csv', label: 'mpg', task: 'regression' }, preprocess: { normalize: 'none' } }, layers: [dense(64, 'relu', 'heNormal'), dense(1)] });

    it('warns: min-max scaled features share a spread of 0.1–0.5, so stds 6700× apart mean some were scaled twice', () => {
      const raw = stats(0.14, 0.31, { min: 0, max: 1, featureMeanAbsMax: 0.64, featureStdMin: 0.0000717, featureStdMax: 0.481 });
      const [finding] = findingsOf(analyze(table, raw), rule);
      assert.equal(finding.severity, 'warning');
      assert.match(finding.message, /feature stds range from/);
      assert.match(finding.message, /a conventional input range, but min-max scaled features would share a spread/);
    });
  });
});
