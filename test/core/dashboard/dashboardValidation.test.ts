// What the webview accepts from the host, and the host from run folders: real runs pass
// unchanged; bad items are dropped one by one with a located note, the good ones around them
// kept; nothing malformed throws, whatever its size or shape.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostToWebview, parseWebviewMessage, type HostToWebview, type RunListEntry } from '../../../src/core/dashboard/dashboardProtocol';
import { compareRunsNewestFirst, readRunListEntry } from '../../../src/core/dashboard/dashboardValidation';
import { PayloadIssues, PAYLOAD_LIMITS } from '../../../src/core/dashboard/payloadReader';
import { readTrainingEvents } from '../../../src/core/dashboard/trainingEventValidation';
import { emptyRunData } from '../../../src/core/dashboard/runData';
import type { TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { fullRun, historyEntry, readEvents } from '../../webview/webviewHarness';

const FIXTURES = ['mnist-mlp.metrics.jsonl', 'deep-tanh-tiny-init.metrics.jsonl'];
const finding = { rule: 'grad.vanishing', severity: 'warning', message: 'Gradients fade.', evidence: { ratio: 0.01 }, fixes: [{ id: 'fix.he-init', title: 'Use He', preferred: true }] };
const step = { type: 'step', step: 3, epoch: 0, loss: 1.5, gradNorm: 0.5, learningRate: 0.1, metrics: { accuracy: 0.5 } };

function parse(value: unknown): { message: HostToWebview | undefined; issues: PayloadIssues } {
  const issues = new PayloadIssues(100);
  return { message: parseHostToWebview(value, issues), issues };
}

function appended(events: unknown[]): { events: TrainingEvent[]; notes: string[] } {
  const { message, issues } = parse({ type: 'append', runId: 'r1', events });
  assert.equal(message?.type, 'append');
  return { events: message.type === 'append' ? message.events : [], notes: issues.notes };
}

test('the events, snapshots and history of real runs pass unchanged, with nothing noted', () => {
  for (const fixture of FIXTURES) {
    const events = readEvents(fixture);
    const run = fullRun(fixture);
    const messages: HostToWebview[] = [
      { type: 'append', runId: run.runId, events },
      { type: 'snapshot', kind: 'panel', run, compare: run, history: [historyEntry(run)], activeRunId: run.runId },
      { type: 'history', history: [historyEntry(run)] },
    ];
    for (const sent of messages) {
      // As VS Code delivers them: through JSON.
      const { message, issues } = parse(JSON.parse(JSON.stringify(sent)));
      assert.deepEqual(issues.notes, [], `${fixture}: ${sent.type}`);
      assert.deepEqual(message, JSON.parse(JSON.stringify(sent)), `${fixture}: ${sent.type}`);
    }
  }
});

test('a null finding, a bad severity and a finding without fixes are dropped; the good events beside them are kept', () => {
  const { events, notes } = appended([
    { type: 'finding', finding: null },
    { type: 'finding', finding: { ...finding, severity: 'a b' } },
    { type: 'finding', finding: { ...finding, fixes: null } },
    { type: 'finding', finding },
    step,
  ]);
  assert.deepEqual(events, [{ type: 'finding', finding }, step]);
  assert.deepEqual(notes, [
    'append.events[0].finding: expected an object',
    'append.events[1].finding.severity: expected error, warning or info',
    'append.events[2].finding.fixes: expected a list',
  ]);
});

test('a bad fix is dropped from its finding, which stays', () => {
  const { events, notes } = appended([{ type: 'finding', finding: { ...finding, fixes: [null, { id: '', title: 't' }, finding.fixes[0]] } }]);
  assert.deepEqual(events, [{ type: 'finding', finding }]);
  assert.equal(notes.length, 2);
  assert.match(notes[1], /^append\.events\[0\]\.finding\.fixes\[1\]\.id: expected an id/);
});

test('numbers: NaN, Infinity and null pass where a run measured them; strings, NaN steps and fractions of a step do not', () => {
  const { events, notes } = appended([
    { ...step, loss: Number.NaN, gradNorm: Number.POSITIVE_INFINITY },
    { ...step, loss: null, gradNorm: null },
    { ...step, loss: 'high' },
    { ...step, step: Number.NaN },
    { ...step, step: 'a' },
    { ...step, epoch: 1.5 },
    { ...step, step: -1 },
    { ...step, metrics: { accuracy: 'good', loss: 2 } },
  ]);
  assert.equal(events.length, 3);
  assert.ok(Number.isNaN((events[0] as { loss: number }).loss));
  assert.equal((events[1] as { loss: number | null }).loss, null);
  assert.deepEqual((events[2] as { metrics: unknown }).metrics, { loss: 2 }, 'only the bad metric is dropped');
  assert.deepEqual(notes.slice(0, 5), [
    'append.events[2].loss: expected a number',
    'append.events[3].step: expected a whole number ≥ 0',
    'append.events[4].step: expected a whole number ≥ 0',
    'append.events[5].epoch: expected a whole number ≥ 0',
    'append.events[6].step: expected a whole number ≥ 0',
  ]);
});

test('run-started and run-ended: a number for a date, an unknown status, null findings are refused', () => {
  const started = readEvents(FIXTURES[0])[0];
  const ended = readEvents(FIXTURES[1]).find((e) => e.type === 'run-ended')!;
  const { events, notes } = appended([
    { ...started, startedAt: 5 },
    { ...started, startedAt: 'yesterday-ish' },
    { ...started, layers: 'many' },
    { ...started, backend: 'abacus' },
    { ...ended, status: 'a b' },
    { ...ended, findings: null },
    { ...ended, findings: [null, finding] },
  ]);
  assert.deepEqual(events, [{ ...ended, findings: [finding] }]);
  assert.deepEqual(notes.map((n) => n.replace(/: .*/, '')), [
    'append.events[0].startedAt', 'append.events[1].startedAt', 'append.events[2].layers', 'append.events[3].backend',
    'append.events[4].status', 'append.events[5].findings', 'append.events[6].findings[0]',
  ]);
});

test('layer statistics: a bad layer is dropped from its sample, a sample without a list of layers is dropped', () => {
  const layer = { index: 0, name: '0:dense', type: 'dense', activation: { mean: 0.1, std: null, deadFraction: 0 }, gradNorm: 1 };
  const { events, notes } = appended([
    { type: 'layer-stats', step: 0, epoch: 0, gradNorm: 1, layers: [null, { ...layer, activation: null }, { ...layer, weights: { mean: 'x', std: 1 } }, layer] },
    { type: 'layer-stats', step: 10, epoch: 0, gradNorm: 1, layers: null },
  ]);
  assert.deepEqual(events, [{ type: 'layer-stats', step: 0, epoch: 0, gradNorm: 1, layers: [layer] }]);
  assert.equal(notes.length, 4);
});

test('layer histograms: good ones pass unchanged; a bad or oversized one is dropped on its own, its layer kept', () => {
  const histogram = { min: -1, max: 1, count: 6, sum: 0.5, sumSquares: 2, counts: [1, 0, 2, 3] };
  const layer = { index: 0, name: '0:dense', type: 'dense', activation: { mean: 0.1, std: 0.2 }, gradNorm: 1 };
  const good = { ...layer, histograms: { activation: histogram, weights: { ...histogram, min: null }, gradients: histogram } };
  const { events, notes } = appended([
    { type: 'layer-stats', step: 0, epoch: 0, gradNorm: 1, layers: [good] },
    {
      type: 'layer-stats', step: 10, epoch: 0, gradNorm: 1, layers: [
        { ...layer, histograms: { activation: { ...histogram, counts: new Array(PAYLOAD_LIMITS.histogramBuckets + 1).fill(0) }, weights: histogram } },
        { ...layer, histograms: { activation: { ...histogram, counts: [1, 2] }, gradients: { ...histogram, count: -1 } } },
        { ...layer, histograms: 'many' },
      ],
    },
  ]);
  assert.deepEqual(events, [
    { type: 'layer-stats', step: 0, epoch: 0, gradNorm: 1, layers: [good] },
    { type: 'layer-stats', step: 10, epoch: 0, gradNorm: 1, layers: [{ ...layer, histograms: { weights: histogram } }, { ...layer, histograms: {} }, layer] },
  ]);
  assert.deepEqual(notes.map((n) => n.replace(/: .*/, '')), [
    'append.events[1].layers[0].histograms.activation.counts',
    'append.events[1].layers[1].histograms.activation.counts',
    'append.events[1].layers[1].histograms.gradients.count',
    'append.events[1].layers[2].histograms',
  ]);
});

test('a snapshot keeps the good parts of a run: bad steps, epochs and findings go, the run stays', () => {
  const run = fullRun(FIXTURES[1]);
  const steps = { ...run.steps, step: [...run.steps.step], loss: [...run.steps.loss] };
  steps.step[5] = Number.NaN;
  steps.loss[6] = 'x' as never;
  steps.loss.push(1); // one longer than the others
  const { message, issues } = parse({
    type: 'snapshot', kind: 'panel', history: [],
    run: { ...run, steps, findings: [null, ...run.findings], epochs: [{ ...run.epochs[0], metrics: null }, ...run.epochs], ended: { ...run.ended, status: 'a b' } },
  });
  assert.equal(message?.type, 'snapshot');
  const shown = message.type === 'snapshot' ? message.run! : emptyRunData('none');
  assert.equal(shown.steps.step.length, run.steps.step.length - 2);
  assert.deepEqual(shown.findings, run.findings);
  assert.deepEqual(shown.epochs, run.epochs);
  assert.equal(shown.ended, undefined, 'an end with an unknown status is dropped, not shown as something else');
  assert.deepEqual(shown.layerStats, run.layerStats);
  assert.deepEqual(issues.notes.map((n) => n.replace(/:.*/, '')), [
    'snapshot.run.steps', 'snapshot.run.steps', 'snapshot.run.epochs[0].metrics', 'snapshot.run.findings[0]', 'snapshot.run.ended.status',
  ]);
});

test('a snapshot whose run is unusable still shows the history; one without a kind is dropped', () => {
  const entry = historyEntry(fullRun(FIXTURES[0]));
  const { message } = parse({ type: 'snapshot', kind: 'sidebar', run: { runId: 'x', steps: null }, history: [entry] });
  assert.deepEqual(message, { type: 'snapshot', kind: 'sidebar', run: { ...emptyRunData('x') }, history: [entry] });
  assert.deepEqual(parse({ type: 'snapshot', kind: 'sidebar', run: { steps: {} }, history: [entry] }).message, { type: 'snapshot', kind: 'sidebar', history: [entry] });
  for (const value of [null, 5, 'snapshot', [], { type: 'snapshot' }, { type: 'snapshot', kind: 'tab', history: [] }, { type: 'nonsense' }, { type: 'append', runId: 'r', events: null }]) {
    const { message: dropped, issues } = parse(value);
    assert.equal(dropped, undefined, JSON.stringify(value));
    assert.equal(issues.count, 1, JSON.stringify(value));
  }
});

test('history: an unknown status shows as unknown, a number for a date as no date; only a bad run id drops the line', () => {
  const good = historyEntry(fullRun(FIXTURES[0]));
  const { message, issues } = parse({
    type: 'history',
    history: [null, { ...good, runId: '' }, { ...good, runId: 'a', status: 'a b' }, { ...good, runId: 'b', startedAt: 5, epochsCompleted: Number.NaN, findingCount: 'three', configName: 7 }, good],
  });
  assert.equal(message?.type, 'history');
  const history = message.type === 'history' ? message.history : [];
  assert.deepEqual(history, [
    { ...good, runId: 'a', status: 'unknown' },
    { ...good, runId: 'b', startedAt: '', epochsCompleted: 0, findingCount: 0, configName: 'b' },
    good,
  ]);
  assert.equal(issues.count, 7);
  assert.deepEqual(parse({ type: 'history', history: 'none' }).message, undefined);
});

test('the run list sorts newest first, whatever run.json files say, and never throws', () => {
  const issues = new PayloadIssues();
  const raw = [
    { runId: 'old', configName: 'c', status: 'completed', startedAt: '2026-01-01T00:00:00.000Z', epochsCompleted: 1, findingCount: 0 },
    { runId: 'five', configName: 'c', status: 'a b', startedAt: 5, epochsCompleted: 1, findingCount: 0 },
    { runId: 'new', configName: 'c', status: 'running', startedAt: '2026-03-01T00:00:00.000Z', epochsCompleted: 1, findingCount: 0 },
  ];
  const entries = raw.map((r) => readRunListEntry(r, `${r.runId}/run.json`, issues)!);
  assert.deepEqual(entries.sort(compareRunsNewestFirst).map((e) => [e.runId, e.status]), [['new', 'running'], ['old', 'completed'], ['five', 'unknown']]);
  assert.deepEqual(issues.notes, ['five/run.json.status: expected a run status, shown as unknown', 'five/run.json.startedAt: expected a date']);
  // Even entries that were never checked.
  const unchecked = [...raw, { runId: 7 }, {}] as unknown as RunListEntry[];
  assert.doesNotThrow(() => unchecked.sort(compareRunsNewestFirst));
  assert.equal(unchecked[0].runId, 'new');
});

test('absurd sizes: ids too long are refused, text is cut, lists are capped, deep or huge evidence is refused', () => {
  const giant = 'x'.repeat(3_000_000);
  assert.equal(parse({ type: 'append', runId: giant, events: [] }).message, undefined);
  const { events, notes } = appended([{ type: 'finding', finding: { ...finding, message: giant } }, { type: 'log', level: 'info', message: giant }]);
  assert.equal(events.length, 2);
  assert.equal((events[0] as { finding: { message: string } }).finding.message.length, PAYLOAD_LIMITS.textLength + 1);
  assert.ok(notes.every((n) => n.length < 200), 'a note never echoes the value');

  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const huge = new Array(1_000_000).fill(0.5);
  const refused = appended([{ type: 'finding', finding: { ...finding, evidence: { deep } } }, { type: 'finding', finding: { ...finding, evidence: { huge } } }]);
  assert.deepEqual(refused.events, []);
  assert.deepEqual(refused.notes.map((n) => n.replace(/\[.*|: .*/, '')), ['append.events', 'append.events']);

  const many = parse({ type: 'history', history: new Array(200_000).fill(historyEntry(fullRun(FIXTURES[0]))) });
  assert.equal(many.message?.type === 'history' && many.message.history.length, PAYLOAD_LIMITS.history);
  assert.deepEqual(many.issues.notes, [`history.history: 200000 items, only the first ${PAYLOAD_LIMITS.history} kept`]);
  const flood = parse({ type: 'append', runId: 'r1', events: new Array(300_000).fill(7) });
  assert.equal(flood.message?.type === 'append' && flood.message.events.length, 0);
  assert.equal(flood.issues.count, 300_000);
  assert.equal(flood.issues.notes.length, 100, 'the notes kept are bounded');
});

test('prototype keys are plain data: they neither pass as metrics nor reach a prototype', () => {
  const { events } = appended([JSON.parse('{"type":"step","step":0,"epoch":0,"loss":1,"gradNorm":1,"learningRate":0.1,"metrics":{"__proto__":{"polluted":1},"constructor":2}}')]);
  const metrics = (events[0] as { metrics: Record<string, unknown> }).metrics;
  assert.deepEqual(Object.keys(metrics), ['constructor']);
  assert.equal(Object.getPrototypeOf(metrics), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const inherited = appended([Object.assign(Object.create({ step: 1, epoch: 0, loss: 1, gradNorm: 1, learningRate: 0.1, metrics: {} }), { type: 'step' })]);
  assert.deepEqual(inherited.events, [], 'inherited fields do not count');
});

test('the notes say how many more there were', () => {
  const issues = new PayloadIssues(2);
  for (let i = 0; i < 5; i++) issues.add(`note ${i}`);
  assert.equal(issues.summary(), 'note 0; note 1; and 3 more');
});

test('events read back from a run folder: the good ones are kept, in order', () => {
  const issues = new PayloadIssues();
  const events = readTrainingEvents([step, { type: 'finding', finding: null }, null, { type: 'unknown' }, { type: 'log', level: 'info', message: 'hi' }], 'run/metrics.jsonl event', issues);
  assert.deepEqual(events, [step, { type: 'log', level: 'info', message: 'hi' }]);
  assert.deepEqual(issues.notes, [
    'run/metrics.jsonl event[1].finding: expected an object', 'run/metrics.jsonl event[2]: expected an object', 'run/metrics.jsonl event[3].type: expected a training event type',
  ]);
});

test('the webview may report problems to the host as log messages, bounded', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'warning', message: 'skipped' }), { type: 'log', level: 'warning', message: 'skipped' });
  const long = parseWebviewMessage({ type: 'log', level: 'error', message: 'y'.repeat(1_000_000) });
  assert.ok(long?.type === 'log' && long.message.length <= 2_001);
  for (const bad of [{ type: 'log', level: 'info', message: 'x' }, { type: 'log', level: 'error', message: 5 }, { type: 'log', level: 'error' }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});
