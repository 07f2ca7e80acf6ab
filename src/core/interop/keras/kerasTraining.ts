// The training settings a Keras/TF.js file may carry (Keras 2 / TF.js training_config, Keras 3
// compile_config) → our `training` section, and the task the model's output implies when the file
// has none. Training settings are not the model: what has no equivalent is left at our default
// and said in a note (the written config's header), not treated as an import failure.

import { serializedObject } from './kerasInitializers';
import { isObject, own, type RawObject } from './importProblem';

export interface TrainingImport {
  training: RawObject;
  task: 'classification' | 'regression';
  notes: string[];
}

const LOSSES: Record<string, string> = {
  categorical_crossentropy: 'categoricalCrossentropy', sparse_categorical_crossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy', mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError', mae: 'meanAbsoluteError', huber: 'huber', huber_loss: 'huber',
};

const METRICS: Record<string, string> = {
  accuracy: 'accuracy', acc: 'accuracy', categorical_accuracy: 'accuracy', sparse_categorical_accuracy: 'accuracy', binary_accuracy: 'accuracy',
  mean_absolute_error: 'meanAbsoluteError', mae: 'meanAbsoluteError', mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
};

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function lossName(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length === 1) return lossName(value[0]);
  const spec = serializedObject(value);
  return spec ? snake(spec.className) : undefined;
}

function optimizer(value: unknown, notes: string[]): RawObject | undefined {
  const spec = serializedObject(value);
  if (!spec) return undefined;
  const c = spec.config;
  let rate = num(own(c, 'learning_rate')) ?? num(own(c, 'lr'));
  const schedule = serializedObject(own(c, 'learning_rate'));
  if (rate === undefined && schedule) {
    rate = num(own(schedule.config, 'initial_learning_rate'));
    notes.push(`the learning-rate schedule ${schedule.className} was not imported (its initial rate ${rate ?? 'unknown'} was); set training.lrSchedule`);
  }
  if (num(own(c, 'decay'))) notes.push(`the optimizer's decay ${own(c, 'decay')} was not imported; set training.lrSchedule`);
  const learningRate = rate === undefined ? {} : { learningRate: Number(rate.toPrecision(7)) };
  switch (spec.className.toLowerCase()) {
    case 'sgd': return { type: 'sgd', ...learningRate, ...prune({ momentum: round(own(c, 'momentum')) || undefined, nesterov: own(c, 'nesterov') === true ? true : undefined }) };
    case 'adam': {
      if (own(c, 'amsgrad') === true) notes.push('Adam\'s amsgrad variant is not supported; plain Adam is used');
      return { type: 'adam', ...learningRate, ...prune({ beta1: round(own(c, 'beta_1')), beta2: round(own(c, 'beta_2')), epsilon: round(own(c, 'epsilon')) }) };
    }
    case 'rmsprop': return { type: 'rmsprop', ...learningRate, ...prune({ decay: round(own(c, 'rho')), momentum: round(own(c, 'momentum')) || undefined, epsilon: round(own(c, 'epsilon')) }) };
    case 'adagrad': return { type: 'adagrad', ...learningRate, ...prune({ initialAccumulatorValue: round(own(c, 'initial_accumulator_value')) }) };
    default:
      notes.push(`the optimizer ${spec.className} has no equivalent (sgd, adam, rmsprop, adagrad); adam with ${rate === undefined ? 'the default rate' : `rate ${rate}`} is written instead`);
      return { type: 'adam', ...learningRate };
  }
}

/** Keras stores float32 values (0.8999999761581421); 7 significant digits give back the number that was typed. */
function round(value: unknown): number | undefined {
  const n = num(value);
  return n === undefined ? undefined : Number(n.toPrecision(7));
}

function prune(object: RawObject): RawObject {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

function metricNames(value: unknown, notes: string[]): string[] {
  const flat: unknown[] = [];
  const visit = (v: unknown) => (Array.isArray(v) ? v.forEach(visit) : isObject(v) && own(v, 'class_name') === undefined ? Object.values(v).forEach(visit) : flat.push(v));
  visit(value);
  const names = new Set<string>();
  for (const metric of flat) {
    const spec = serializedObject(metric);
    const mapped = spec ? METRICS[snake(spec.className)] : undefined;
    if (mapped) names.add(mapped);
    else if (spec) notes.push(`the metric ${spec.className} was not imported`);
  }
  return [...names];
}

/**
 * `outputActivation` and `outputUnits` describe the model's last layer; they decide the task when
 * the file has no training settings (softmax or several units: classification; one linear unit:
 * regression; one sigmoid unit: binary classification).
 */
export function mapTraining(raw: RawObject | undefined, outputActivation: string, outputUnits: number): TrainingImport {
  const notes: string[] = [];
  const training: RawObject = { epochs: 10, batchSize: 32 };
  const loss = lossName(raw ? own(raw, 'loss') : undefined);
  const mapped = loss ? LOSSES[loss] : undefined;
  if (raw && loss && !mapped) notes.push(`the loss ${loss} has no equivalent; the loss follows from the task instead`);
  if (raw && own(raw, 'loss') !== undefined && !loss) notes.push('a loss per output (or a custom loss) was not imported; the loss follows from the task');
  if (raw) {
    const opt = optimizer(own(raw, 'optimizer_config') ?? own(raw, 'optimizer'), notes);
    if (opt) training.optimizer = opt;
    const metrics = metricNames(own(raw, 'metrics'), notes);
    if (metrics.length > 0) training.metrics = metrics;
  }
  if (!training.optimizer) training.optimizer = { type: 'adam', learningRate: 0.001 };
  let task: TrainingImport['task'];
  if (mapped) {
    task = mapped === 'meanSquaredError' || mapped === 'meanAbsoluteError' || mapped === 'huber' ? 'regression' : 'classification';
    if (mapped === 'binaryCrossentropy' && outputUnits !== 1) {
      notes.push(`binary_crossentropy over ${outputUnits} outputs (multi-label) is not supported; categoricalCrossentropy is used`);
      training.loss = 'categoricalCrossentropy';
    } else {
      training.loss = mapped;
    }
  } else {
    task = outputUnits === 1 && outputActivation !== 'sigmoid' ? 'regression' : 'classification';
    if (outputUnits === 1 && outputActivation === 'sigmoid') training.loss = 'binaryCrossentropy';
  }
  return { training, task, notes };
}
