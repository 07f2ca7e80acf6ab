// How runs end: NaN/Inf failures, cancellation, early stopping (with restored weights) and stops
// requested by monitors; each must end with a status and a coherent run folder, never a throw.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainConfig } from '../../../src/core/config/trainConfig';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { computeLoss, encodeTargets } from '../../../src/core/engine/lossAndMetrics';
import { loadSavedModel } from '../../../src/core/engine/modelSaver';
import { readRun } from '../../../src/core/engine/runFolderReader';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import type { EpochEndEvent, RunStartedEvent } from '../../../src/core/engine/trainingEvents';
import { EarlyStopper } from '../../../src/core/engine/trainingSession';
import { configFrom, divergingConfig, gaussianConfig, tempDir, train, wasmRuntime, type RunResult, type Tensor } from './engineFixtures';

const runs = tempDir('outcomes');
after(runs.cleanup);

let tf: Tf;
before(async () => {
  tf = (await wasmRuntime()).tf;
});

function runDirOf(result: RunResult): string {
  const started = result.events.find((e): e is RunStartedEvent => e.type === 'run-started');
  assert.ok(started?.runDir, 'a run folder was written');
  return started.runDir;
}

function epochsOf(result: RunResult): EpochEndEvent[] {
  return result.events.filter((e): e is EpochEndEvent => e.type === 'epoch-end');
}

/** The record on disk agrees with the events the run emitted. */
function assertFolderMatches(result: RunResult): ReturnType<typeof readRun> {
  const dir = runDirOf(result);
  const stored = readRun(dir);
  assert.equal(stored.record?.status, result.ended.status);
  assert.equal(stored.record?.reason, result.ended.reason);
  assert.equal(stored.record?.steps, result.ended.steps);
  assert.equal(stored.record?.epochsCompleted, result.ended.epochsCompleted);
  assert.ok(stored.record?.endedAt);
  assert.deepEqual(stored.events, JSON.parse(JSON.stringify(result.events)));
  assert.equal(stored.events[0].type, 'run-started');
  assert.equal(stored.events.at(-1)!.type, 'run-ended');
  // Applied steps are counted; a non-finite step is reported (as evidence) but never applied.
  const reported = stored.events.filter((e) => e.type === 'step') as { loss: number | null }[];
  assert.equal(reported.filter((e) => e.loss !== null && Number.isFinite(e.loss)).length, result.ended.steps);
  return stored;
}

describe('a run whose loss overflows', () => {
  it('ends as failed with a NaN/infinite reason, without throwing, and with a coherent folder without weights', async () => {
    const result = await train(divergingConfig(), { runsDir: runs.dir, saveWeights: true });
    assert.equal(result.ended.status, 'failed');
    assert.match(result.ended.reason ?? '', /NaN|infinite/);
    assert.match(result.ended.reason ?? '', new RegExp(`at step ${result.ended.steps} \\(epoch 1\\)`));
    assert.ok(result.ended.steps >= 1, 'the first steps were finite');
    const last = result.steps.at(-1)!;
    assert.ok(!Number.isFinite(last.loss) || !Number.isFinite(last.gradNorm), 'the failing step is reported with its non-finite value');
    assert.equal(last.step, result.ended.steps, 'it is the step after the last applied one');
    assert.ok(result.steps.slice(0, -1).every((s) => Number.isFinite(s.loss)), 'every applied step had a finite loss');
    assert.equal(result.ended.epochsCompleted, 0);
    assert.equal(result.ended.final.loss, undefined);
    const stored = assertFolderMatches(result);
    assert.equal(stored.record?.status, 'failed');
    assert.equal(fs.existsSync(path.join(runDirOf(result), 'model')), false, 'a failed run saves no weights');
    assert.equal(fs.existsSync(path.join(runDirOf(result), 'run.json.tmp')), false);
  });
});

describe('cancellation', () => {
  it('an abort after step 3 ends the run as cancelled before the next step, keeping the folder and the weights', async () => {
    const controller = new AbortController();
    const config = configFrom(gaussianConfig({ training: { epochs: 20, batchSize: 16 } }));
    const result = await train(config, {
      runsDir: runs.dir, saveWeights: true, signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step' && event.step === 3) controller.abort();
      },
    });
    assert.equal(result.ended.status, 'cancelled');
    assert.deepEqual(result.steps.map((s) => s.step), [0, 1, 2, 3]);
    assert.equal(result.ended.steps, 4);
    assertFolderMatches(result);
    const model = await loadSavedModel(tf, path.join(runDirOf(result), 'model'));
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    model.dispose();
  });

  it('an already-aborted signal ends the run before its first step', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await train(configFrom(gaussianConfig()), { signal: controller.signal });
    assert.equal(result.ended.status, 'cancelled');
    assert.equal(result.ended.steps, 0);
    assert.equal(result.events[0].type, 'run-started');
  });
});

describe('early stopping', () => {
  /** 40 noisy examples and a wide network: the validation loss turns up within a few epochs. */
  function overfitting(restoreBestWeights: boolean): TrainConfig {
    return configFrom(gaussianConfig({
      dataset: { samples: 240, labelNoise: 2 },
      data: { trainSize: 40, validationSize: 200 },
      layers: [
        { type: 'dense', units: 256, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dense', units: 256, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      training: { epochs: 200, batchSize: 40, optimizer: { type: 'adam', learningRate: 0.01 }, earlyStopping: { monitor: 'val_loss', patience: 1, restoreBestWeights } },
    }));
  }

  async function savedValidationLoss(config: TrainConfig, result: RunResult): Promise<number> {
    const model = await loadSavedModel(tf, path.join(runDirOf(result), 'model'));
    const data = await loadDataset(config.data, config.seed, '.');
    const encoding = { task: data.task, numClasses: data.numClasses, loss: config.training.loss, outputActivation: 'softmax' };
    const loss = tf.tidy(() => {
      const predictions = model.predict(tf.tensor2d(data.validation.x, [data.validation.count, data.featureSize])) as Tensor;
      return computeLoss(tf, encodeTargets(tf, data.validation.y, encoding), predictions, encoding).dataSync()[0];
    });
    model.dispose();
    return loss;
  }

  it('patience 1 stops an overfitting run one epoch after its best, and restoreBestWeights saves the best epoch\'s weights', async () => {
    const config = overfitting(true);
    const result = await train(config, { runsDir: runs.dir, saveWeights: true });
    assert.equal(result.ended.status, 'stopped-early', result.ended.reason);
    const epochs = epochsOf(result);
    const best = result.ended.bestEpoch!;
    assert.ok(best !== undefined && best >= 1, `bestEpoch ${best}`);
    assert.equal(epochs.length, best + 2, 'stopped right after the first epoch without improvement');
    const valLosses = epochs.map((e) => e.valLoss!);
    assert.equal(Math.min(...valLosses), valLosses[best]);
    assert.ok(valLosses[best + 1] >= valLosses[best]);
    assert.match(result.ended.reason ?? '', new RegExp(`best was epoch ${best + 1} \\(its weights restored\\)`));
    assertFolderMatches(result);
    const restored = await savedValidationLoss(config, result);
    assert.ok(Math.abs(restored - valLosses[best]) < 1e-5 * valLosses[best], `saved model val loss ${restored} vs best ${valLosses[best]}`);
  });

  it('without restoreBestWeights the saved weights are the last epoch\'s', async () => {
    const config = overfitting(false);
    const result = await train(config, { runsDir: runs.dir, saveWeights: true });
    assert.equal(result.ended.status, 'stopped-early');
    const last = epochsOf(result).at(-1)!;
    const saved = await savedValidationLoss(config, result);
    assert.ok(Math.abs(saved - last.valLoss!) < 1e-5 * last.valLoss!, `saved ${saved} vs last ${last.valLoss}`);
    assert.ok(saved > epochsOf(result)[result.ended.bestEpoch!].valLoss!);
  });

  it('EarlyStopper: patience, minDelta, accuracy monitors, missing values and the no-validation fallback', () => {
    const stopper = new EarlyStopper({ monitor: 'val_loss', patience: 2, minDelta: 0.1, restoreBestWeights: false }, true);
    assert.deepEqual(stopper.update({ val_loss: 1 }, 0), { improved: true, stop: false });
    assert.deepEqual(stopper.update({ val_loss: 0.95 }, 1), { improved: false, stop: false }, 'within minDelta is no improvement');
    assert.deepEqual(stopper.update({ val_loss: 0.8 }, 2), { improved: true, stop: false });
    assert.deepEqual(stopper.update({ val_loss: NaN }, 3), { improved: false, stop: false }, 'non-finite values are ignored');
    assert.deepEqual(stopper.update({ loss: 0.1 }, 4), { improved: false, stop: false }, 'a missing monitor is ignored');
    assert.deepEqual(stopper.update({ val_loss: 0.85 }, 5), { improved: false, stop: false });
    assert.deepEqual(stopper.update({ val_loss: 0.75 }, 6), { improved: false, stop: true });
    assert.equal(stopper.bestEpoch, 2);

    const accuracy = new EarlyStopper({ monitor: 'val_accuracy', patience: 1, minDelta: 0, restoreBestWeights: true }, true);
    assert.equal(accuracy.update({ val_accuracy: 0.5 }, 0).improved, true);
    assert.equal(accuracy.update({ val_accuracy: 0.7 }, 1).improved, true, 'higher accuracy is better');
    assert.deepEqual(accuracy.update({ val_accuracy: 0.6 }, 2), { improved: false, stop: true });
    assert.equal(accuracy.bestEpoch, 1);

    const fallback = new EarlyStopper({ monitor: 'val_accuracy', patience: 0, minDelta: 0, restoreBestWeights: false }, false);
    assert.equal(fallback.fellBack, true);
    assert.equal(fallback.monitor, 'accuracy');
    assert.equal(fallback.update({ accuracy: 0.4 }, 0).improved, true);
    assert.deepEqual(fallback.update({ accuracy: 0.3 }, 1), { improved: false, stop: true }, 'patience 0 stops at the first miss');
  });

  it('falls back to the training value (with a warning) when there is no validation split', async () => {
    const result = await train(configFrom(gaussianConfig({
      data: { validationSize: 0 },
      training: { epochs: 50, earlyStopping: { monitor: 'val_loss', patience: 0, minDelta: 10 } },
    })));
    assert.equal(result.ended.status, 'stopped-early');
    assert.equal(result.ended.epochsCompleted, 2);
    assert.ok(result.events.some((e) => e.type === 'log' && e.level === 'warning' && /no validation split/.test(e.message)));
  });
});

describe('monitors', () => {
  it('a monitor can report findings and stop the run; both reach the events and the folder', async () => {
    const finding = { rule: 'test.rule', severity: 'error' as const, message: 'stop here', evidence: {}, fixes: [] };
    const result = await train(configFrom(gaussianConfig({ training: { epochs: 5 } })), {
      runsDir: runs.dir, saveWeights: true,
      monitors: [{
        observe: (event) => event.type === 'step' && event.step === 2
          ? { findings: [{ ...finding, step: event.step }], stop: { status: 'failed', reason: 'test.rule stopped the run' } }
          : undefined,
      }],
    });
    assert.equal(result.ended.status, 'failed');
    assert.equal(result.ended.reason, 'test.rule stopped the run');
    assert.equal(result.ended.steps, 3);
    assert.deepEqual(result.ended.findings, [{ ...finding, step: 2 }]);
    assert.ok(result.events.some((e) => e.type === 'finding'));
    assertFolderMatches(result);
    assert.equal(fs.existsSync(path.join(runDirOf(result), 'model')), false);
  });
});
