// TrainProgress: plain lines in logs, a redrawn bar on a terminal (which the black-box tests,
// running without a TTY, cannot see).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingEvent } from '../../src/core/engine/trainingEvents';
import { TrainProgress } from '../../src/cli/trainProgress';

function events(): TrainingEvent[] {
  const list = [
    { type: 'run-started', runId: 'r', runDir: '/runs/r', configName: 'demo', backend: 'wasm', backendDetail: 'WebAssembly', dataset: 'toy', trainExamples: 64, validationExamples: 0, epochs: 2, stepsPerEpoch: 2, batchSize: 32, statsEvery: 10, layers: [], inputStats: {}, startedAt: '' },
    { type: 'step', step: 0, epoch: 0, loss: 0.9, gradNorm: 1, learningRate: 0.1, metrics: { accuracy: 0.5 } },
    { type: 'log', level: 'info', message: 'an info message' },
    { type: 'step', step: 1, epoch: 0, loss: 0.8, gradNorm: 1, learningRate: 0.1, metrics: { accuracy: 0.6 } },
    { type: 'epoch-end', epoch: 0, step: 2, loss: 0.85, metrics: { accuracy: 0.55 }, valMetrics: {}, learningRate: 0.1, durationMs: 1200 },
    { type: 'step', step: 2, epoch: 1, loss: 0.7, gradNorm: 1, learningRate: 0.1, metrics: { accuracy: 0.7 } },
    { type: 'log', level: 'warning', message: 'a warning' },
    { type: 'step', step: 3, epoch: 1, loss: 0.6, gradNorm: 1, learningRate: 0.1, metrics: { accuracy: 0.8 } },
    { type: 'epoch-end', epoch: 1, step: 4, loss: 0.65, metrics: { accuracy: 0.75 }, valLoss: 0.7, valMetrics: { accuracy: 0.7 }, learningRate: 0.05, durationMs: 900 },
    { type: 'run-ended', status: 'completed', epochsCompleted: 2, steps: 4, durationMs: 2100, final: { metrics: {}, valMetrics: {} }, findings: [] },
  ];
  return list as unknown as TrainingEvent[];
}

function render(isTTY: boolean, columns?: number): string {
  let out = '';
  const progress = new TrainProgress({ write: (text) => (out += text), isTTY, columns });
  for (const event of events()) progress.handle(event);
  return out;
}

describe('TrainProgress', () => {
  it('in a log: plain lines only, one per epoch, info logs included, no control characters', () => {
    const out = render(false);
    assert.doesNotMatch(out, /[\r\x1b]/);
    assert.deepEqual(out.split('\n'), [
      'Training "demo" on wasm (WebAssembly)',
      '  data: toy; 2 epochs × 2 steps of 32',
      '  run folder: /runs/r',
      '  info: an info message',
      'epoch 1/2  loss 0.85  accuracy 0.55  lr 0.1  1.2s',
      '  warning: a warning',
      'epoch 2/2  loss 0.65  accuracy 0.75  val_loss 0.7  val_accuracy 0.7  lr 0.05  0.9s',
      'Run completed after 2 epoch(s), 4 steps, 2.1s.',
      '',
    ]);
  });

  it('on a terminal: the bar is redrawn in place and cleared before every printed line; info logs hidden', () => {
    const out = render(true);
    assert.match(out, /\r\x1b\[2Kepoch 1\/2 \[#+-*\] \d\/2 loss /, 'a bar drawn with carriage return + clear line');
    assert.doesNotMatch(out, /an info message/);
    // The last step of an epoch is always drawn (full bar), however fast the steps come.
    assert.match(out, /epoch 1\/2 \[#{24}\] 2\/2 /);
    // What remains visible: strip every bar (from \r\x1b[2K up to the next clear) and the lines read as in a log.
    const visible = out.replace(/\r\x1b\[2K[^\r\n]*(?=\r\x1b\[2K)/g, '').replace(/\r\x1b\[2K/g, '');
    assert.deepEqual(visible.split('\n').filter((l) => l.startsWith('epoch')), [
      'epoch 1/2  loss 0.85  accuracy 0.55  lr 0.1  1.2s',
      'epoch 2/2  loss 0.65  accuracy 0.75  val_loss 0.7  val_accuracy 0.7  lr 0.05  0.9s',
    ]);
    assert.ok(out.endsWith('Run completed after 2 epoch(s), 4 steps, 2.1s.\n'));
  });

  it('on a terminal: the bar is cut to the terminal width', () => {
    const out = render(true, 30);
    const bars = out.split('\r\x1b[2K').map((s) => s.split('\n')[0]).filter((s) => s.startsWith('epoch') && s.includes('['));
    assert.ok(bars.length > 0);
    for (const bar of bars) assert.ok(bar.length <= 29, `${JSON.stringify(bar)} fits in 30 columns`);
  });
});
