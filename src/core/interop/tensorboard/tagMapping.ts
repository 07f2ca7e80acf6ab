// Which of a run's TensorBoard tags mean what to Training Doctor: the training and validation
// loss and metrics, the learning rate, and per-layer weight, gradient and activation histograms.
// Auto-detection follows the names Keras, TF1 Estimators, PyTorch and Lightning users write
// (`epoch_loss` in `validation/`, `Loss/train`, `val_loss`, `lr`, `dense/kernel_0`, `fc1.weight`,
// `fc1.weight.grad`, `dnn/hiddenlayer_0/activation`, ...) and Training Doctor's own per-layer tags
// (`03_3_dense/weights`, `03_3_dense/dead_fraction`); a `*.tb.json` sidecar or `--map` flags
// override it tag by tag (see README, "Reading TensorBoard logs").

import type { Split } from './logdirScan';

export type Granularity = 'step' | 'epoch';

export type TagRole =
  | { role: 'loss'; split: Split; granularity?: Granularity }
  | { role: 'metric'; name: string; split: Split; granularity?: Granularity }
  | { role: 'learning-rate' }
  | { role: 'gradient-norm' }
  | { role: 'epoch-counter' }
  | { role: 'weights'; layer: string }
  | { role: 'gradients'; layer: string }
  | { role: 'activations'; layer: string }
  | { role: 'zero-fraction'; layer: string }
  | { role: 'layer-statistic'; layer: string; statistic: LayerStatistic }
  | { role: 'ignored'; reason: string };

export type ValueKind = 'scalar' | 'histogram';

/**
 * Per-layer values our own runs log as scalars that no histogram gives exactly (activation
 * histograms count the first examples of a batch only; the moments are the whole batch's).
 */
export type LayerStatistic = 'activationMean' | 'activationStd' | 'zeroFraction' | 'deadFraction' | 'saturatedFraction' | 'updateRatio';

/** Training Doctor's own per-layer tags, `<NN>_<layer>/<what>` (trainingEventLog.ts). */
const OWN_LAYER_TAG = /^\d{2,}_([^/]+)\/([a-z_]+)$/;
const OWN_HISTOGRAMS: Record<string, 'activations' | 'weights' | 'gradients'> = { activations: 'activations', weights: 'weights', gradients: 'gradients' };
const OWN_STATISTICS: Record<string, LayerStatistic> = {
  activation_mean: 'activationMean', activation_std: 'activationStd', zero_fraction: 'zeroFraction', dead_fraction: 'deadFraction', saturated_fraction: 'saturatedFraction', update_ratio: 'updateRatio',
};
/** Our per-layer moments of weights and gradients: the (whole) histograms beside them give the same numbers. */
const OWN_MOMENTS = new Set(['weight_mean', 'weight_std', 'grad_norm']);

function ownLayerTag(tag: string, kind: ValueKind): TagRole | undefined {
  const match = OWN_LAYER_TAG.exec(tag);
  if (!match) return undefined;
  const [, layer, what] = match;
  if (kind === 'histogram') return Object.prototype.hasOwnProperty.call(OWN_HISTOGRAMS, what) ? { role: OWN_HISTOGRAMS[what], layer } : undefined;
  if (Object.prototype.hasOwnProperty.call(OWN_STATISTICS, what)) return { role: 'layer-statistic', layer, statistic: OWN_STATISTICS[what] };
  if (OWN_MOMENTS.has(what)) return { role: 'ignored', reason: 'a per-layer moment of a Training Doctor run (its histograms give the same)' };
  return undefined;
}

const VALIDATION_WORDS = new Set(['val', 'validation', 'valid', 'eval', 'evaluation', 'test', 'dev']);
const TRAIN_WORDS = new Set(['train', 'training']);
const EPOCH_WORDS = new Set(['epoch', 'epochs']);
const STEP_WORDS = new Set(['batch', 'step', 'steps', 'iter', 'iteration']);
const METRIC_WORDS = new Set([
  'acc', 'accuracy', 'mae', 'mse', 'rmse', 'auc', 'precision', 'recall', 'f1', 'top1', 'top5', 'iou', 'perplexity', 'ppl',
  'sparse', 'categorical', 'binary', 'mean', 'absolute', 'squared', 'error',
]);
const GRADIENT = /(^|[/._-])(grad|grads|gradient|gradients)(?=$|[/._:-])/i;
const ACTIVATION = /(^|[/._-])(activation|activations|act|acts|output|outputs)(?=$|[/._:-])/i;
/** `<layer><sep><parameter>[_N][:N]`: Keras `dense/kernel_0`, PyTorch `fc1.weight`, TF1 `layer/weights`. */
const PARAMETER = /^(.*?)[/.](kernel|weight|weights|w|bias|biases|b|gamma|beta|moving_mean|moving_variance|running_mean|running_var)(_\d+)?(:\d+)?$/i;
const MAIN_PARAMETERS = new Set(['kernel', 'weight', 'weights', 'w', 'gamma']);

function words(tag: string): string[] {
  return tag.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

/** What a tag means, judged from its name, its value kind and the folder (split) it was found in. */
export function classifyTag(tag: string, kind: ValueKind, folderSplit: Split): TagRole {
  const own = ownLayerTag(tag, kind);
  if (own) return own;
  return kind === 'histogram' ? classifyHistogram(tag) : classifyScalar(tag, folderSplit);
}

function classifyScalar(tag: string, folderSplit: Split): TagRole {
  const w = words(tag);
  const joined = w.join('_');
  if (w.length === 1 && EPOCH_WORDS.has(w[0])) return { role: 'epoch-counter' };
  if (w.includes('lr') || joined.includes('learning_rate') || joined.includes('learningrate')) return { role: 'learning-rate' };
  if (w.some((x) => x === 'grad' || x === 'gradient' || x === 'gradients') && w.includes('norm') && !w.some((x) => VALIDATION_WORDS.has(x))) return { role: 'gradient-norm' };
  const zeroFraction = /^(.*)\/fraction_of_zero_values$/.exec(tag);
  if (zeroFraction) return { role: 'zero-fraction', layer: zeroFraction[1] };
  const split: Split = folderSplit === 'validation' || w.some((x) => VALIDATION_WORDS.has(x)) ? 'validation' : 'train';
  const granularity: Granularity | undefined = w.some((x) => EPOCH_WORDS.has(x)) ? 'epoch' : w.some((x) => STEP_WORDS.has(x)) ? 'step' : undefined;
  const rest = w.filter((x) => !VALIDATION_WORDS.has(x) && !TRAIN_WORDS.has(x) && !EPOCH_WORDS.has(x) && !STEP_WORDS.has(x));
  const at = granularity ? { granularity } : {};
  if (rest.length === 1 && rest[0] === 'loss') return { role: 'loss', split, ...at };
  if (rest.length > 0 && rest.every((x) => METRIC_WORDS.has(x))) return { role: 'metric', name: rest.join('_'), split, ...at };
  if (rest.includes('loss')) return { role: 'ignored', reason: 'a loss other than the main one (the main one is named plain "loss")' };
  return { role: 'ignored', reason: 'not a loss, metric or learning rate by its name' };
}

function classifyHistogram(tag: string): TagRole {
  if (GRADIENT.test(tag)) {
    const layer = parameterLayer(tag.replace(GRADIENT, '').replace(/_grad(?=$|:)/i, ''));
    return layer ? { role: 'gradients', layer } : { role: 'ignored', reason: 'a gradient histogram whose layer cannot be told from its name (bias gradients are left out)' };
  }
  if (/_grad(:\d+)?$/i.test(tag)) {
    const layer = parameterLayer(tag.replace(/_grad(?=$|:)/i, ''));
    return layer ? { role: 'gradients', layer } : { role: 'ignored', reason: 'a bias gradient (per-layer norms use the main weights)' };
  }
  if (ACTIVATION.test(tag)) return { role: 'activations', layer: tag.replace(ACTIVATION, '').replace(/^\/+|\/+$/g, '') || tag };
  const parameter = PARAMETER.exec(tag);
  if (parameter) {
    return MAIN_PARAMETERS.has(parameter[2].toLowerCase())
      ? { role: 'weights', layer: parameter[1] }
      : { role: 'ignored', reason: 'biases and normalization statistics are not used for per-layer statistics' };
  }
  return { role: 'ignored', reason: 'a histogram that is neither weights, gradients nor activations by its name' };
}

/** The layer of a main-weight tag (`dense/kernel_0` → `dense`, `fc1.weight` → `fc1`); undefined for biases. */
function parameterLayer(tag: string): string | undefined {
  const cleaned = tag.replace(/^[/._-]+|[/._-]+$/g, '');
  const parameter = PARAMETER.exec(cleaned);
  if (!parameter) return cleaned || undefined;
  return MAIN_PARAMETERS.has(parameter[2].toLowerCase()) ? parameter[1] : undefined;
}

/**
 * A user's mapping, from a `*.tb.json` sidecar or `--map TAG=ROLE,...`. ROLE is one of `loss`,
 * `val_loss`, `lr`, `grad_norm`, `metric:NAME`, `val_metric:NAME`, `weights:LAYER`, `gradients:LAYER`,
 * `activations:LAYER`, `ignore`; `loss@epoch` / `loss@step` (and so on) fix the granularity.
 */
export interface TagOverrides {
  tags: Record<string, string>;
  /** Activation function per layer (relu, tanh, sigmoid, linear), when the histograms cannot tell. */
  activations: Record<string, string>;
  /** Planned number of epochs, when known (fit.underfitting judges after 30% of them). */
  epochs?: number;
}

export function parseRole(spec: string): TagRole | string {
  const [body, at] = spec.trim().split('@');
  if (at !== undefined && at !== 'epoch' && at !== 'step') return `"${spec}": the part after @ must be "epoch" or "step"`;
  const granularity = at === undefined ? {} : { granularity: at as Granularity };
  const [name, argument] = body.split(/:(.*)/s, 2);
  switch (name) {
    case 'loss': return { role: 'loss', split: 'train', ...granularity };
    case 'val_loss': return { role: 'loss', split: 'validation', ...granularity };
    case 'lr': return { role: 'learning-rate' };
    case 'grad_norm': return { role: 'gradient-norm' };
    case 'epoch': return { role: 'epoch-counter' };
    case 'ignore': return { role: 'ignored', reason: 'ignored by the mapping' };
    case 'metric':
    case 'val_metric':
      return argument ? { role: 'metric', name: argument, split: name === 'metric' ? 'train' : 'validation', ...granularity } : `"${spec}": ${name} needs a name (${name}:accuracy)`;
    case 'weights':
    case 'gradients':
    case 'activations':
      return argument ? { role: name, layer: argument } : `"${spec}": ${name} needs a layer name (${name}:fc1)`;
    default:
      return `"${spec}" is not a role: use loss, val_loss, lr, grad_norm, epoch, metric:NAME, val_metric:NAME, weights:LAYER, gradients:LAYER, activations:LAYER or ignore`;
  }
}

/** Reads `{ "tags": {...}, "activations": {...}, "epochs": N }`; problems are returned, not thrown. */
export function parseOverrides(value: unknown, where: string): { overrides: TagOverrides; problems: string[] } {
  const overrides: TagOverrides = { tags: {}, activations: {} };
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { overrides, problems: [`${where}: expected a JSON object`] };
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!['tags', 'activations', 'epochs', '$schema'].includes(key)) problems.push(`${where}: unknown key "${key}" (expected tags, activations, epochs)`);
  const section = (name: string): Record<string, unknown> => {
    const entry = raw[name];
    if (entry === undefined) return {};
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) return entry as Record<string, unknown>;
    problems.push(`${where}: "${name}" must be an object`);
    return {};
  };
  for (const [tag, role] of Object.entries(section('tags'))) {
    if (typeof role !== 'string') problems.push(`${where}: tags["${tag}"] must be a string`);
    else if (typeof parseRole(role) === 'string') problems.push(`${where}: tags["${tag}"]: ${parseRole(role) as string}`);
    else overrides.tags[tag] = role;
  }
  for (const [layer, activation] of Object.entries(section('activations'))) {
    if (typeof activation === 'string' && ['relu', 'tanh', 'sigmoid', 'linear'].includes(activation)) overrides.activations[layer] = activation;
    else problems.push(`${where}: activations["${layer}"] must be relu, tanh, sigmoid or linear`);
  }
  if (raw.epochs !== undefined) {
    if (typeof raw.epochs === 'number' && Number.isInteger(raw.epochs) && raw.epochs > 0) overrides.epochs = raw.epochs;
    else problems.push(`${where}: "epochs" must be a whole number of at least 1`);
  }
  return { overrides, problems };
}

/** The role of a tag: the user's mapping first, then auto-detection. */
export function roleOf(tag: string, kind: ValueKind, folderSplit: Split, overrides?: TagOverrides): TagRole {
  const spec = overrides?.tags[tag];
  if (spec !== undefined) {
    const parsed = parseRole(spec);
    if (typeof parsed !== 'string') return parsed.role === 'loss' || parsed.role === 'metric' ? { ...parsed, split: folderSplit === 'validation' ? 'validation' : parsed.split } : parsed;
  }
  return classifyTag(tag, kind, folderSplit);
}
