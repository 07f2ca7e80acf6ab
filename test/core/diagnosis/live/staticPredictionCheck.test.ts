// A run tests the static rules' predictions: measured activations that are fine withdraw a
// predicted vanishing, a loss that falls well withdraws "the learning rate is too high".

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { currentFindings, type Finding } from '../../../../src/core/diagnosis/finding';
import { RunDiagnosis } from '../../../../src/core/diagnosis/runDiagnosis';
import type { TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { epochEnd, layer, layerStats, mlpConfig, parseFixture, runStarted, step } from './liveTestKit';

const tiny = { type: 'randomNormal', stddev: 0.01 };
const deepTiny = () => parseFixture(mlpConfig({ hidden: [1, 2, 3, 4, 5].map(() => ({ type: 'dense', units: 64, activation: 'tanh', kernelInitializer: tiny })) }));

function run(fixture: ReturnType<typeof parseFixture>, events: TrainingEvent[]): Finding[] {
  const diagnosis = new RunDiagnosis(fixture.config, fixture.shapes);
  const all: Finding[] = [];
  for (const event of events) all.push(...(diagnosis.observe(event)?.findings ?? []));
  return currentFindings(all);
}

const sample = (stds: number[]) => layerStats(0, [...stds.map((std, i) => layer(i, 'dense', { std }, { gradNorm: 0.5 })), layer(stds.length, 'dense', { mean: 0.1, std: 0.2 }, { gradNorm: 0.5 })]);

describe('static predictions checked by the run', () => {
  it('a predicted vanishing that the first statistics sample does not show is withdrawn, saying what was measured', () => {
    const findings = run(deepTiny(), [runStarted(), sample([0.9, 0.85, 0.8, 0.8, 0.75])]);
    const [predicted] = findings.filter((f) => f.rule === 'init.vanishing-activations');
    assert.ok(predicted, 'the static rule predicted it');
    assert.equal(predicted.state, 'resolved');
    assert.match(predicted.resolution ?? '', /^Measured at the first training step \(step 0\): std 0\.75 to 0\.9/);
  });

  it('a predicted vanishing that the run confirms stays open', () => {
    const findings = run(deepTiny(), [runStarted(), sample([0.3, 0.03, 0.003, 3e-4, 3e-5])]);
    const vanishing = findings.filter((f) => f.rule === 'init.vanishing-activations');
    assert.ok(vanishing.length >= 1);
    assert.ok(vanishing.every((f) => f.state !== 'resolved'));
  });

  it('"learning rate too high" (Adam at 0.1) is withdrawn when the loss halves by epoch 2 without overshooting', () => {
    const fixture = parseFixture(mlpConfig({ training: { optimizer: { type: 'adam', learningRate: 0.1 } } }));
    const steps = Array.from({ length: 32 }, (_, i) => step(i, 2.3 * Math.exp(-i / 15), { epoch: Math.floor(i / 16) }));
    const findings = run(fixture, [runStarted(), ...steps.slice(0, 16), epochEnd(0, 1.2), ...steps.slice(16), epochEnd(1, 0.3)]);
    const [static_] = findings.filter((f) => f.rule === 'lr.too-high-static');
    assert.ok(static_, 'predicted from the config');
    assert.equal(static_.state, 'resolved');
    assert.match(static_.resolution ?? '', /trains well at this rate: by epoch 2 the training loss fell from/);
    const stuck = run(fixture, [runStarted(), ...Array.from({ length: 32 }, (_, i) => step(i, 2.3, { epoch: Math.floor(i / 16) })), epochEnd(0, 2.3), epochEnd(1, 2.3)]);
    assert.equal(stuck.find((f) => f.rule === 'lr.too-high-static')?.state, undefined, 'a loss that does not fall: the prediction stands');
  });

  it('a growth predicted at a linear output stands when the measured logits are that large, and is withdrawn when they are not', () => {
    const normal01 = { type: 'randomNormal', stddev: 0.1 };
    const fixture = parseFixture({
      name: 'basecnn-random-init', seed: 1,
      data: { dataset: 'mnist', shape: 'image', trainSize: 100, validationSize: 0, preprocess: { normalize: 'none' } },
      model: {
        input: [28, 28, 1],
        layers: [
          { type: 'conv2d', filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: normal01 }, { type: 'maxPooling2d', poolSize: 2 },
          { type: 'conv2d', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: normal01 }, { type: 'maxPooling2d', poolSize: 2 },
          { type: 'flatten' }, { type: 'dense', units: 512, activation: 'relu', kernelInitializer: normal01 }, { type: 'dense', units: 10, kernelInitializer: normal01 },
        ],
      },
      training: { epochs: 2, optimizer: { type: 'sgd', learningRate: 0.1 } },
    });
    const measured = (outputStd: number) => layerStats(0, [
      layer(0, 'conv2d', { std: 0.1 }, { gradNorm: 0.5 }), layer(2, 'conv2d', { std: 0.16 }, { gradNorm: 0.5 }),
      layer(5, 'dense', { std: 0.9 }, { gradNorm: 0.5 }), layer(6, 'dense', { std: outputStd }, { gradNorm: 0.5 }),
    ]);
    const pixels = { mean: 0.13, std: 0.31, min: 0, max: 1, featureMeanAbsMax: 0.55, featureStdMin: 0.02, featureStdMax: 0.45 };
    const confirmed = run(fixture, [runStarted(pixels), measured(2.4)]).filter((f) => f.rule === 'init.exploding-activations');
    assert.equal(confirmed.length, 1, 'predicted from the config');
    assert.equal(confirmed[0].state, undefined, 'logits of std 2.4: the prediction holds');
    const refuted = run(fixture, [runStarted(pixels), measured(1.1)]).filter((f) => f.rule === 'init.exploding-activations');
    assert.equal(refuted[0]?.state, 'resolved');
  });
});
