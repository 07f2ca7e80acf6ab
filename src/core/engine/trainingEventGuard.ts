// Checks a training event read back from outside the process that made it (a run folder's
// metrics.jsonl, which anyone can edit or commit): every field a reader uses has the type the
// event types promise, so a bad line is skipped with a reason instead of breaking a dashboard,
// a run list or the CLI later. Measured numbers may be null: JSON writes NaN and Infinity so.

import type { TrainingEvent } from './trainingEvents';

export type EventCheck = { event: TrainingEvent } | { problem: string };

type Check = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const isCount: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
/** A measurement: a number, or null where it was NaN or infinite. */
const isMeasure: Check = (v) => v === null || typeof v === 'number';
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);
const recordOf = (check: Check): Check => (v) => isObject(v) && Object.values(v).every(check);

/** The first field of `value` that fails its check, or undefined when all pass. */
function badField(value: Record<string, unknown>, fields: Record<string, Check>): string | undefined {
  return Object.keys(fields).find((key) => !fields[key](Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined));
}

const shape = (fields: Record<string, Check>): Check => (v) => isObject(v) && badField(v, fields) === undefined;

const FIX = shape({ id: isString, title: isString, preferred: optional((v) => typeof v === 'boolean'), args: optional(isObject) });

const isFinding: Check = shape({
  rule: isString, severity: oneOf('error', 'warning', 'info'), message: isString,
  layer: optional(isCount), path: optional(arrayOf((v) => typeof v === 'string' || isCount(v))),
  step: optional(isCount), epoch: optional(isCount), evidence: isObject, fixes: arrayOf(FIX),
});

const LAYER_STATS = shape({
  index: isCount, name: isString, type: isString,
  activation: shape({ mean: isMeasure, std: isMeasure, zeroFraction: optional(isMeasure), deadFraction: optional(isMeasure), saturatedFraction: optional(isMeasure) }),
  weights: optional(shape({ mean: isMeasure, std: isMeasure })), gradNorm: optional(isMeasure), updateRatio: optional(isMeasure),
});

const LAYER_SUMMARY = shape({ index: isCount, name: isString, type: isString, activation: isString, outputShape: arrayOf((v) => isCount(v) || v === null), params: isCount });

const INPUT_STATS = shape({ mean: isMeasure, std: isMeasure, min: isMeasure, max: isMeasure, featureMeanAbsMax: isMeasure, featureStdMin: isMeasure, featureStdMax: isMeasure });

const FIELDS: Record<TrainingEvent['type'], Record<string, Check>> = {
  'run-started': {
    runId: isString, runDir: optional(isString), configName: isString, configPath: optional(isString),
    backend: oneOf('tensorflow', 'wasm', 'cpu'), backendDetail: isString, dataset: isString,
    trainExamples: isCount, validationExamples: isCount, epochs: isCount, stepsPerEpoch: isCount, batchSize: isCount,
    statsEvery: isCount, layers: arrayOf(LAYER_SUMMARY), inputStats: INPUT_STATS, startedAt: isString,
  },
  step: { step: isCount, epoch: isCount, loss: isMeasure, gradNorm: isMeasure, learningRate: isNumber, metrics: recordOf(isMeasure) },
  'layer-stats': { step: isCount, epoch: isCount, layers: arrayOf(LAYER_STATS), gradNorm: isMeasure },
  'epoch-end': {
    epoch: isCount, step: isCount, loss: isMeasure, metrics: recordOf(isMeasure), valLoss: optional(isMeasure),
    valMetrics: recordOf(isMeasure), learningRate: isNumber, durationMs: isMeasure,
  },
  finding: { finding: isFinding },
  log: { level: oneOf('info', 'warning', 'error'), message: isString },
  'run-ended': {
    status: oneOf('completed', 'stopped-early', 'cancelled', 'failed'), reason: optional(isString),
    epochsCompleted: isCount, steps: isCount, durationMs: isMeasure, bestEpoch: optional(isCount),
    final: shape({ loss: optional(isMeasure), valLoss: optional(isMeasure), metrics: recordOf(isMeasure), valMetrics: recordOf(isMeasure) }),
    findings: arrayOf(isFinding),
  },
};

export function checkTrainingEvent(value: unknown): EventCheck {
  if (!isObject(value)) return { problem: 'not an object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(FIELDS, type)) {
    return { problem: `unknown event type ${JSON.stringify(type)?.slice(0, 40)}` };
  }
  const field = badField(value, FIELDS[type as TrainingEvent['type']]);
  if (field !== undefined) return { problem: `${type} event with a missing or malformed "${field}"` };
  return { event: value as unknown as TrainingEvent };
}

