import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { RunEndedEvent, TrainingEvent } from '../../../../src/core/engine/trainingEvents';
import { train } from '../../engine/engineFixtures';
import { exportToTemp, jsonLines, loadExample, runPython, skipReason, torchPython } from './pytorchHarness';

const smallMnist = (config: import('../../../../src/core/config/trainConfig').TrainConfig) => {
  config.data.trainSize = 2000;
  config.data.validationSize = 500;
  config.training.epochs = 2;
};

/** Starts the script, sends `signal` once the first step event is out, and collects what it printed. */
function interrupted(script: string, cwd: string, signal: NodeJS.Signals): Promise<{ code: number | null; events: TrainingEvent[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(torchPython()!, [script, '--events-jsonl', '--threads', '1', '--epochs', '50'], { cwd, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let out = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!sent && out.includes('"type":"step"')) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, events: jsonLines(out) as TrainingEvent[] }));
  });
}

describe('exported PyTorch script: training', { skip: skipReason() }, () => {
  it('reaches an accuracy on the MNIST MLP comparable to the engine\'s, on the same data', async () => {
    const { script, dir } = exportToTemp('examples/mnist-mlp.train.json', smallMnist);
    const run = runPython([script, '--events-jsonl', '--threads', '1'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const torchEnd = (jsonLines(run.stdout) as TrainingEvent[]).pop() as RunEndedEvent;

    const { config } = loadExample('examples/mnist-mlp.train.json');
    smallMnist(config);
    const ours = await train(config);
    const engine = ours.ended.final.valMetrics.accuracy;
    const torch = torchEnd.final.valMetrics.accuracy;
    console.log(`validation accuracy after 2 epochs on 2000 MNIST digits: engine ${engine.toFixed(4)}, PyTorch ${torch.toFixed(4)}`);
    assert.equal(torchEnd.status, 'completed');
    assert.ok(engine > 0.85 && torch > 0.85, `both learn (engine ${engine}, torch ${torch})`);
    assert.ok(Math.abs(engine - torch) < 0.05, `comparable (engine ${engine}, torch ${torch})`);
  });

  it('stops on a NaN loss as the engine does: the step reported, not applied, the run failed', () => {
    const { script, dir } = exportToTemp('examples/spirals-mlp.train.json', (config) => {
      config.training.optimizer = { type: 'sgd', learningRate: 1e30, momentum: 0, nesterov: false };
      config.training.lrSchedule = { type: 'constant', warmupEpochs: 0 };
    });
    const run = runPython([script, '--events-jsonl', '--threads', '1'], { cwd: dir });
    assert.equal(run.status, 1, run.stderr);
    const events = jsonLines(run.stdout) as TrainingEvent[];
    const ended = events[events.length - 1] as RunEndedEvent;
    const last = events[events.length - 2];
    assert.equal(ended.status, 'failed');
    assert.match(ended.reason ?? '', /became (NaN|infinite) at step \d+ \(epoch \d+\); training stopped before applying that update/);
    assert.ok(last.type === 'step' && (last.loss === null || last.gradNorm === null), 'the bad step is reported with null (JSON\'s NaN)');
  });

  for (const [signal, code] of [['SIGTERM', 0], ['SIGINT', 130]] as const) {
    it(`finishes the current step on ${signal}, ends the run as cancelled and exits ${code}`, async () => {
      const { script, dir } = exportToTemp('examples/spirals-mlp.train.json');
      const result = await interrupted(script, dir, signal);
      assert.equal(result.code, code);
      const ended = result.events[result.events.length - 1] as RunEndedEvent;
      assert.equal(ended.type, 'run-ended');
      assert.equal(ended.status, 'cancelled');
      assert.ok(ended.steps >= 1 && ended.epochsCompleted < 50);
    });
  }
});
