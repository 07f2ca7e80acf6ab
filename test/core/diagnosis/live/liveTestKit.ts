// Shared setup for the live-rule tests: configs parsed from plain objects through the real parser,
// hand-built training events (a run's announcement, steps, statistics samples, epoch ends) and a
// replay that feeds them to the live diagnosis and collects what it reports.

import assert from 'node:assert/strict';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import type { ShapeReport } from '../../../../src/core/config/shapeInference';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import type { InputStatistics } from '../../../../src/core/data/dataset';
import { LiveDiagnosis } from '../../../../src/core/diagnosis/diagnosisRegistry';
import { allLiveRules } from '../../../../src/core/diagnosis/liveRules/allLiveRules';
import type { Finding } from '../../../../src/core/diagnosis/finding';
import type { ActivationStats, LayerStats } from '../../../../src/core/engine/layerStatistics';
import type {
  EpochEndEvent, LayerStatsEvent, RunStartedEvent, StepEvent, TrainingEvent,
} from '../../../../src/core/engine/trainingEvents';

export interface ParsedFixture {
  config: TrainConfig;
  shapes: ShapeReport;
}

/** Parses a config given as a plain object (or text); fails the test on any error. */
export function parseFixture(raw: object | string, fileName = 'x.train.json'): ParsedFixture {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw, null, 2);
  const parsed = parseTrainConfig(text, fileName);
  assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error').map((p) => p.message), [], 'the test config should be valid');
  assert.ok(parsed.config && parsed.shapes);
  return { config: parsed.config, shapes: parsed.shapes };
}

/** An MLP on MNIST-sized inputs: `hidden` dense layers, a softmax output over 10 classes. */
export function mlpConfig(options: {
  hidden?: object[];
  training?: object;
  diagnostics?: object;
  preprocess?: object;
  validation?: boolean;
} = {}): Record<string, unknown> {
  return {
    name: 'live-rule-test',
    seed: 1,
    data: {
      dataset: { synthetic: 'gaussian', features: 32, samples: 600, classes: 10 },
      validationSize: options.validation === false ? 0 : 100,
      preprocess: options.preprocess ?? { normalize: 'standardize' },
    },
    model: {
      input: [32],
      layers: [
        ...(options.hidden ?? [
          { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
          { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
        ]),
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    },
    training: { epochs: 10, batchSize: 32, optimizer: { type: 'sgd', learningRate: 0.01 }, ...options.training },
    diagnostics: { every: 10, ...options.diagnostics },
  };
}

export const calmInputs: InputStatistics = {
  mean: 0, std: 1, min: -4, max: 4, featureMeanAbsMax: 0.1, featureStdMin: 0.9, featureStdMax: 1.1,
};

export function runStarted(inputStats: InputStatistics = calmInputs, epochs = 10): RunStartedEvent {
  return {
    type: 'run-started', runId: 'test', configName: 'live-rule-test', backend: 'wasm', backendDetail: 'test',
    dataset: 'synthetic', trainExamples: 500, validationExamples: 100, epochs, stepsPerEpoch: 16, batchSize: 32,
    statsEvery: 10, layers: [], inputStats, startedAt: new Date(0).toISOString(),
  };
}

export function step(index: number, loss: number, options: { gradNorm?: number; epoch?: number; learningRate?: number } = {}): StepEvent {
  return {
    type: 'step', step: index, epoch: options.epoch ?? 0, loss, gradNorm: options.gradNorm ?? 1,
    learningRate: options.learningRate ?? 0.01, metrics: {},
  };
}

export function layer(index: number, type: string, activation: Partial<ActivationStats> = {}, extra: Partial<LayerStats> = {}): LayerStats {
  return { index, name: `${index}:${type}`, type, activation: { mean: 0, std: 1, ...activation }, ...extra };
}

export function layerStats(index: number, layers: LayerStats[], epoch = 0): LayerStatsEvent {
  const gradNorm = Math.sqrt(layers.reduce((sum, l) => sum + (l.gradNorm ?? 0) ** 2, 0));
  return { type: 'layer-stats', step: index, epoch, layers, gradNorm };
}

export function epochEnd(epoch: number, loss: number, valLoss?: number, options: { step?: number; learningRate?: number } = {}): EpochEndEvent {
  return {
    type: 'epoch-end', epoch, step: options.step ?? (epoch + 1) * 16, loss, metrics: {}, valLoss, valMetrics: {},
    learningRate: options.learningRate ?? 0.01, durationMs: 1,
  };
}

/** A healthy statistics sample for mlpConfig's default layers (relu 64, relu 64, softmax 10). */
export type LayerOverride = Partial<Omit<LayerStats, 'activation'>> & { activation?: Partial<ActivationStats> };

export function healthyLayers(overrides: Partial<Record<number, LayerOverride>> = {}): LayerStats[] {
  const base = [
    layer(0, 'dense', { mean: 0.5, std: 0.8, zeroFraction: 0.5, deadFraction: 0.02 }, { gradNorm: 0.8, updateRatio: 3e-3 }),
    layer(1, 'dense', { mean: 0.5, std: 0.8, zeroFraction: 0.5, deadFraction: 0.02 }, { gradNorm: 0.6, updateRatio: 3e-3 }),
    layer(2, 'dense', { mean: 0.1, std: 0.2 }, { gradNorm: 0.5, updateRatio: 3e-3 }),
  ];
  return base.map((l) => ({ ...l, ...overrides[l.index], activation: { ...l.activation, ...overrides[l.index]?.activation } }));
}

/** Feeds events to a fresh live diagnosis and keeps its findings and stop requests. */
export class Replay {
  readonly findings: Finding[] = [];
  readonly stops: { status: string; reason: string }[] = [];
  private readonly diagnosis: LiveDiagnosis;

  constructor(fixture: ParsedFixture) {
    this.diagnosis = new LiveDiagnosis({ config: fixture.config, shapes: fixture.shapes });
  }

  feed(...events: TrainingEvent[]): Finding[] {
    const fresh: Finding[] = [];
    for (const event of events) {
      const verdict = this.diagnosis.observe(event);
      if (!verdict) continue;
      fresh.push(...(verdict.findings ?? []));
      if (verdict.stop) this.stops.push(verdict.stop);
    }
    fresh.forEach(assertWellFormed);
    this.findings.push(...fresh);
    return fresh;
  }

  of(rule: string): Finding[] {
    return this.findings.filter((f) => f.rule === rule);
  }
}

/** The config with `diagnostics.rules` entries added (severity overrides, thresholds). */
export function withRuleSettings(raw: Record<string, unknown>, rules: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const diagnostics = (raw.diagnostics ?? {}) as Record<string, unknown>;
  const existing = (diagnostics.rules ?? {}) as Record<string, unknown>;
  return { ...raw, diagnostics: { ...diagnostics, rules: { ...existing, ...rules } } };
}

/** The one preferred fix of a finding (every finding with fixes must have exactly one). */
export function preferredFix(finding: Finding): Finding['fixes'][number] {
  const preferred = finding.fixes.filter((f) => f.preferred);
  assert.equal(preferred.length, 1, `exactly one preferred fix in ${JSON.stringify(finding.fixes)}`);
  return preferred[0];
}

/** Repeats a statistics sample at steps start, start+every, ... */
export function samples(count: number, layers: (k: number) => LayerStats[], start = 0, every = 10): LayerStatsEvent[] {
  return Array.from({ length: count }, (_, k) => layerStats(start + k * every, layers(k)));
}

/**
 * What every live finding must look like: a message with numbers in it, evidence, fixes the rule
 * declares (each known to the fix catalog through its title), and exactly one preferred fix.
 */
export function assertWellFormed(finding: Finding): void {
  const rule = allLiveRules.find((r) => r.id === finding.rule);
  assert.ok(rule, `${finding.rule} is a live rule`);
  assert.ok(finding.message.length > 60 && /\d/.test(finding.message), `${finding.rule}: the message says what was seen, with numbers`);
  assert.ok(Object.keys(finding.evidence).length > 0, `${finding.rule}: evidence`);
  for (const fix of finding.fixes) {
    assert.ok(rule.fixes.includes(fix.id), `${finding.rule} declares ${fix.id}`);
    assert.ok(fix.title.length > 0);
  }
  if (finding.fixes.length > 0) assert.equal(finding.fixes.filter((f) => f.preferred).length, 1, `${finding.rule}: one preferred fix`);
  assert.equal(new Set(finding.fixes.map((f) => f.id)).size, finding.fixes.length, `${finding.rule}: no fix twice`);
  if (finding.layer !== undefined) assert.ok(Number.isInteger(finding.layer) && finding.layer >= 0);
  if (finding.path) assert.ok(finding.path.length > 0);
}
