// Shared helpers for the static-rule tests: config texts built from parts, generated
// architectures (MLP, CNN, residual), and the analysis the editor and the CLI run on a config.

import assert from 'node:assert/strict';
import type { Node as JsonNode } from 'jsonc-parser';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import type { TrainConfig } from '../../../../src/core/config/trainConfig';
import type { InputStatistics } from '../../../../src/core/data/dataset';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import type { Finding } from '../../../../src/core/diagnosis/finding';
import type { StaticContext } from '../../../../src/core/diagnosis/rule';
import { resolveSettings } from '../../../../src/core/diagnosis/ruleSettings';
import { allStaticRules } from '../../../../src/core/diagnosis/staticRules/allStaticRules';
import { predictVariance } from '../../../../src/core/diagnosis/varianceModel';

export interface ConfigParts {
  data?: unknown;
  input?: number[];
  layers: unknown[];
  training?: Record<string, unknown>;
  rules?: Record<string, unknown>;
}

export const ADAM = { epochs: 5, optimizer: { type: 'adam', learningRate: 0.001 } };

/** Pretty-printed, so that every layer sits on its own lines like a hand-written config. */
export function configText(parts: ConfigParts): string {
  return JSON.stringify({
    data: parts.data ?? { dataset: { synthetic: 'gaussian', features: parts.input?.[0] ?? 64, classes: 10 } },
    model: { input: parts.input ?? [64], layers: parts.layers },
    training: parts.training ?? ADAM,
    ...(parts.rules ? { diagnostics: { rules: parts.rules } } : {}),
  }, null, 2);
}

export function dense(units: number, activation = 'linear', kernelInitializer?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'dense', units, activation, ...(kernelInitializer === undefined ? {} : { kernelInitializer }), ...extra };
}

export function conv(filters: number, activation = 'linear', kernelInitializer?: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'conv2d', filters, kernelSize: 3, padding: 'same', activation, ...(kernelInitializer === undefined ? {} : { kernelInitializer }), ...extra };
}

/** `depth` hidden dense layers of `width` units, then a 10-way softmax. */
export function mlp(depth: number, width: number, activation: string, kernelInitializer?: unknown): unknown[] {
  return [...Array.from({ length: depth }, () => dense(width, activation, kernelInitializer)), dense(10, 'softmax')];
}

/** A conv stem on MNIST images, `blocks` residual blocks conv-BN-relu-conv-BN, GAP and a softmax head. */
export function resnet(blocks: number, lastGamma: 'ones' | 'zeros'): unknown[] {
  const layers: unknown[] = [conv(8, 'linear', 'heNormal', { useBias: false }), { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' }];
  for (let b = 0; b < blocks; b++) {
    layers.push({ type: 'residual', layers: [
      conv(8, 'linear', 'heNormal', { useBias: false }),
      { type: 'batchNormalization' },
      { type: 'activation', activation: 'relu' },
      conv(8, 'linear', 'heNormal', { useBias: false }),
      { type: 'batchNormalization', ...(lastGamma === 'zeros' ? { gammaInitializer: 'zeros' } : {}) },
    ] });
    layers.push({ type: 'activation', activation: 'relu' });
  }
  layers.push({ type: 'globalAveragePooling2d' }, dense(10, 'softmax'));
  return layers;
}

export const MNIST_IMAGES = { dataset: 'mnist', shape: 'image', preprocess: { normalize: 'standardize', per: 'channel' } };
export const MNIST_FLAT = { dataset: 'mnist', preprocess: { normalize: 'standardize' } };

export interface Analysis {
  text: string;
  config: TrainConfig;
  tree: JsonNode;
  findings: Finding[];
}

/** Parses (the config must be valid) and runs every static rule through the registry. */
export function analyze(text: string, inputStats?: InputStatistics): Analysis {
  const parsed = parseTrainConfig(text, 'test.train.json');
  assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error').map((p) => p.message), [], 'test setup: the config is valid');
  assert.ok(parsed.config && parsed.shapes && parsed.tree);
  return { text, config: parsed.config, tree: parsed.tree, findings: runStaticRules({ config: parsed.config, shapes: parsed.shapes, inputStats }) };
}

export function findingsOf(analysis: Analysis | Finding[], rule: string): Finding[] {
  const findings = Array.isArray(analysis) ? analysis : analysis.findings;
  return findings.filter((f) => f.rule === rule);
}

/** Runs one rule as the registry does, but with the parse tree in the context (so paths can fall back to "type"). */
export function checkWithTree(ruleId: string, text: string, inputStats?: InputStatistics): Finding[] {
  const parsed = parseTrainConfig(text, 'test.train.json');
  assert.ok(parsed.config && parsed.shapes && parsed.tree);
  const rule = allStaticRules.find((r) => r.id === ruleId);
  assert.ok(rule, `rule ${ruleId} exists`);
  const settings = resolveSettings(rule, parsed.config);
  const context: StaticContext & { tree: JsonNode } = {
    config: parsed.config, shapes: parsed.shapes, inputStats, tree: parsed.tree,
    variance: predictVariance(parsed.config, parsed.shapes, inputStats),
  };
  return rule.check(context, settings).map((d) => ({ rule: ruleId, severity: d.severity ?? (settings.severity === 'off' ? 'info' : settings.severity), ...d }));
}

/** Raw input statistics as the data loader reports them. */
export function stats(mean: number, std: number, extra: Partial<InputStatistics> = {}): InputStatistics {
  return { mean, std, min: mean - 3 * std, max: mean + 3 * std, featureMeanAbsMax: Math.abs(mean), featureStdMin: std, featureStdMax: std, ...extra };
}

/** Statistics with the training split's label counts, as a classification loader reports them. */
export function withLabels(inputStats: InputStatistics, labelCounts: number[]): InputStatistics {
  return { ...inputStats, labelCounts };
}
