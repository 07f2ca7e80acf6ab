import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, configText, dense, findingsOf } from './staticTestHelpers';

const layers = [dense(32, 'relu', 'heNormal'), dense(10, 'softmax')];
const training = (optimizer: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ epochs: 30, optimizer, ...extra });

describe('lr.no-decay', () => {
  const rule = 'lr.no-decay';

  it('SGD with momentum for 30 epochs at a constant rate: info (advice, not a fault), cosine preferred', () => {
    const [finding] = findingsOf(analyze(configText({ layers, training: training({ type: 'sgd', learningRate: 0.05, momentum: 0.9 }) })), rule);
    assert.equal(finding.severity, 'info');
    assert.match(finding.message, /SGD with momentum 0\.9 runs 30 epochs at a constant learning rate of 0\.05/);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred]), [['fix.lr-decay', true]]);
    assert.match(finding.fixes[0].title, /from 0\.05 to 0 over the 30 epochs/);
  });

  it('an explicit constant schedule, even with warm-up, is no decay', () => {
    assert.equal(findingsOf(analyze(configText({ layers, training: training({ type: 'sgd' }, { lrSchedule: { type: 'constant', warmupEpochs: 1 } }) })), rule).length, 1);
  });

  it('is quiet with a decaying schedule, few epochs, or an adaptive optimizer', () => {
    for (const lrSchedule of [{ type: 'cosine' }, { type: 'step', stepSize: 10 }, { type: 'exponential' }, { type: 'reduceOnPlateau' }]) {
      assert.deepEqual(findingsOf(analyze(configText({ layers, training: training({ type: 'sgd' }, { lrSchedule }) })), rule), [], lrSchedule.type);
    }
    assert.deepEqual(findingsOf(analyze(configText({ layers, training: { epochs: 10, optimizer: { type: 'sgd' } } })), rule), []);
    assert.deepEqual(findingsOf(analyze(configText({ layers, training: training({ type: 'adam' }) })), rule), []);
  });

  it('minEpochs and severity can be set', () => {
    const short = { epochs: 5, optimizer: { type: 'sgd' } };
    assert.equal(findingsOf(analyze(configText({ layers, training: short, rules: { [rule]: { minEpochs: 5, severity: 'warning' } } })), rule)[0].severity, 'warning');
  });
});

describe('lr.too-high-static', () => {
  const rule = 'lr.too-high-static';

  it('SGD at 5 (the broken example): warning at learningRate, lower to 0.01', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../../examples/broken/lr-too-high.train.json'), 'utf8');
    const [finding] = findingsOf(analyze(text), rule);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.path, ['training', 'optimizer', 'learningRate']);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.preferred, f.args, f.title]), [['fix.lower-lr', true, { learningRate: 0.01 }, 'Lower "learningRate" from 5 to 0.01']]);
  });

  it('adaptive optimizers have a much lower ceiling than SGD', () => {
    const rate = (type: string, learningRate: number) => findingsOf(analyze(configText({ layers, training: { epochs: 1, optimizer: { type, learningRate } } })), rule).length;
    assert.equal(rate('adam', 0.1), 1);
    assert.equal(rate('rmsprop', 0.2), 1);
    assert.equal(rate('adam', 0.05), 0, 'the houses example trains Adam at 0.05');
    assert.equal(rate('sgd', 0.5), 0);
    assert.equal(rate('adagrad', 2), 1);
  });

  it('far too low rates get the raise-lr fix', () => {
    const [finding] = findingsOf(analyze(configText({ layers, training: { epochs: 1, optimizer: { type: 'adam', learningRate: 1e-8 } } })), rule);
    assert.match(finding.message, /far below/);
    assert.deepEqual(finding.fixes.map((f) => [f.id, f.args]), [['fix.raise-lr', { learningRate: 0.001 }]]);
    assert.deepEqual(findingsOf(analyze(configText({ layers, training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 1e-4 } } })), rule), []);
  });

  it('thresholds override', () => {
    const text = configText({ layers, training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 5 } }, rules: { [rule]: { maxSgd: 10 } } });
    assert.deepEqual(findingsOf(analyze(text), rule), []);
  });
});
