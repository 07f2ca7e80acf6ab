// The live rules on a TensorBoard run. The rules were written for runs of our own configs, so the
// run is described to them by a stand-in config: one dense layer per layer found in the logs, with
// the activation function the mapping or the histograms give (linear when unknown), inputs taken
// as standardized, no early stopping, no clipping. Their findings keep their message and
// evidence, lose the config paths and config-edit fixes (there is no config to edit), and gain
// advice in the words of the framework that wrote the logs.

import { inferShapes } from '../../config/shapeInference';
import type { TrainConfig } from '../../config/trainConfig';
import { normalizeConfig } from '../../config/normalizeConfig';
import { LiveDiagnosis } from '../../diagnosis/diagnosisRegistry';
import type { Finding } from '../../diagnosis/finding';
import type { TrainingEvent } from '../../engine/trainingEvents';
import type { AvailableData, MappedLayer } from './tensorboardTrainingEvents';

export function standInConfig(name: string, layers: MappedLayer[], learningRate: number | undefined, epochs: number): TrainConfig {
  const modelLayers = (layers.length > 0 ? layers : [{ activation: 'linear' as const }]).map((l) => ({ type: 'dense', units: 1, activation: l.activation }));
  return normalizeConfig({
    name,
    data: { dataset: { synthetic: 'blobs', features: 1, samples: 1, classes: 2 }, preprocess: { normalize: 'standardize' } },
    model: { input: [1], layers: modelLayers },
    training: { epochs: Math.max(1, epochs), loss: 'categoricalCrossentropy', optimizer: { type: 'adam', learningRate: learningRate ?? NaN } },
  }, name);
}

/** Why a rule cannot judge this run, or undefined when the data it needs is there. */
export function missingData(rule: string, data: AvailableData, layers: MappedLayer[]): string | undefined {
  const reluLayers = layers.filter((l) => l.has.activations && l.activation === 'relu').length;
  const saturating = layers.filter((l) => l.has.activations && (l.activation === 'tanh' || l.activation === 'sigmoid')).length;
  switch (rule) {
    case 'grad.nonfinite': return data.stepLoss === 'none' && layers.length === 0 ? 'no training loss and no histograms' : undefined;
    case 'grad.exploding': return data.gradientLayers === 0 && !data.gradientNorm ? 'no gradient norm nor gradient histograms (log them, e.g. `grad_norm` or `fc1.weight.grad`)' : undefined;
    case 'grad.vanishing': return data.gradientLayers < 2 ? 'gradient histograms of at least two layers are needed' : undefined;
    case 'init.exploding-activations':
    case 'init.vanishing-activations': return data.activationLayers === 0 ? 'no activation histograms' : undefined;
    case 'act.dead-relu': return reluLayers === 0 ? 'no activation histograms of ReLU layers' : undefined;
    case 'act.saturated': return saturating === 0 ? 'no activation histograms of tanh or sigmoid layers' : undefined;
    case 'lr.too-high': return data.stepLoss === 'none' ? 'no training loss' : undefined;
    case 'lr.too-low':
    case 'train.frozen-layer':
      return data.updateRatioLayers === 0 ? 'needs the size of each step\'s weight update (‖Δθ‖/‖θ‖), which histograms do not record (Training Doctor\'s own event files log it as `update_ratio`)' : undefined;
    // The stand-in config cannot say what these need: they would never fire, so they are named here.
    case 'loss.initial-mismatch': return 'needs the number of classes and the loss function, which the logs do not say';
    case 'lr.no-decay': return 'needs the optimizer and its schedule (plain SGD with a constant rate), which the logs do not say';
    case 'probe.cannot-overfit-batch': return 'a check of Training Doctor\'s own probe, which trains the model itself';
    case 'fit.underfitting': return data.epochLoss === 'none' ? 'no epoch-level training loss (nor validation points to average over)' : undefined;
    case 'fit.overfitting': return data.epochLoss === 'none' || !data.validationLoss ? 'needs both a training and a validation loss per epoch' : undefined;
    default: return undefined;
  }
}

/** What to do about each finding, with the words of Keras and PyTorch (there is no config to edit). */
export const TENSORBOARD_ADVICE: Record<string, string[]> = {
  'grad.nonfinite': [
    'Lower the learning rate (Keras: `optimizer=keras.optimizers.Adam(learning_rate=...)`; PyTorch: `torch.optim.Adam(model.parameters(), lr=...)`).',
    'Clip the gradient norm (Keras: `clipnorm=1.0` on the optimizer; PyTorch: `torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)` before `optimizer.step()`).',
    'Standardize the inputs (Keras: a `layers.Normalization()` adapted to the data; PyTorch: `torchvision.transforms.Normalize(mean, std)`).',
  ],
  'grad.exploding': [
    'Clip the gradient norm (Keras: `clipnorm=1.0`; PyTorch: `torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)`).',
    'Lower the learning rate, or let it decay (`keras.callbacks.ReduceLROnPlateau`, `torch.optim.lr_scheduler.ReduceLROnPlateau`).',
    'Add batch normalization after the weighted layers (`layers.BatchNormalization()`, `nn.BatchNorm1d`/`nn.BatchNorm2d`).',
  ],
  'grad.vanishing': [
    'Initialize for the activation: He for ReLU (`kernel_initializer=\'he_normal\'`; `torch.nn.init.kaiming_normal_(layer.weight, nonlinearity=\'relu\')`), Glorot for tanh/sigmoid (`\'glorot_uniform\'`; `torch.nn.init.xavier_uniform_`).',
    'Prefer ReLU-family activations to sigmoid/tanh in hidden layers, and add batch normalization or residual connections in deep networks.',
  ],
  'init.exploding-activations': [
    'Use an initializer scaled for the fan-in: `kernel_initializer=\'he_normal\'` (ReLU) or `\'glorot_uniform\'` (tanh/linear); PyTorch: `torch.nn.init.kaiming_normal_` or `torch.nn.init.xavier_uniform_`.',
    'Add batch normalization (`layers.BatchNormalization()`, `nn.BatchNorm1d`) to keep each layer\'s scale steady.',
  ],
  'init.vanishing-activations': [
    'Use an initializer scaled for the fan-in: `kernel_initializer=\'he_normal\'` (ReLU) or `\'glorot_uniform\'` (tanh/linear); PyTorch: `torch.nn.init.kaiming_normal_` or `torch.nn.init.xavier_uniform_`; never constant or zero weights.',
    'Add batch normalization (`layers.BatchNormalization()`, `nn.BatchNorm1d`), and standardize the inputs.',
  ],
  'act.dead-relu': [
    'Use a leaky ReLU (`layers.LeakyReLU()`, `nn.LeakyReLU(0.01)`), whose units can come back.',
    'Initialize with He (`kernel_initializer=\'he_normal\'`; `torch.nn.init.kaiming_normal_(layer.weight, nonlinearity=\'relu\')`) and lower the learning rate if the units died during training.',
  ],
  'act.saturated': [
    'Standardize the inputs and use Glorot initialization (`kernel_initializer=\'glorot_uniform\'`; `torch.nn.init.xavier_uniform_`).',
    'Put batch normalization before the activation, or use ReLU-family activations in hidden layers.',
  ],
  'lr.too-high': [
    'Lower the learning rate about 10×.',
    'Let it decay: `keras.callbacks.ReduceLROnPlateau(monitor=\'val_loss\', factor=0.5)`, `torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)`, or a cosine schedule.',
    'Clip the gradient norm (`clipnorm=1.0`; `torch.nn.utils.clip_grad_norm_`).',
  ],
  'train.frozen-layer': [
    'Check that the layer trains: Keras `layer.trainable = True` (and compile again); PyTorch `p.requires_grad` on its parameters, and that they are in the optimizer (`torch.optim.Adam(model.parameters())`).',
    'If it gets no gradient at all, look behind it: saturated or dead units, or all-zero weights, stop the gradient (`kernel_initializer=\'he_normal\'`; `torch.nn.init.kaiming_normal_`).',
  ],
  'lr.too-low': ['Raise the learning rate, or find one with a learning-rate range test (PyTorch Lightning: `Tuner(trainer).lr_find(model)`).'],
  'fit.underfitting': [
    'Give the model more capacity (more units or layers) or train longer.',
    'Standardize the inputs; if the loss bounces without falling, use `ReduceLROnPlateau` (Keras callback or `torch.optim.lr_scheduler`).',
  ],
  'fit.overfitting': [
    'Stop at the best epoch: `keras.callbacks.EarlyStopping(monitor=\'val_loss\', patience=3, restore_best_weights=True)`; Lightning: `EarlyStopping(monitor=\'val_loss\')`.',
    'Regularize: dropout (`layers.Dropout(0.3)`, `nn.Dropout(0.3)`), weight decay (`kernel_regularizer=keras.regularizers.l2(1e-4)`, `torch.optim.AdamW(..., weight_decay=1e-2)`), more or augmented data.',
  ],
};

/** Sentences of a rule's message that speak of our config (JSON keys, a learning rate nobody logged). */
const CONFIG_SPEAK = /[^.]*(?:"[a-zA-Z]+": "|\bNaN\)|to NaN\b|NaN at this point|training-doctor lr-find)[^.]*\.\s*/g;

export function adaptFinding(finding: Finding, layers: MappedLayer[]): Finding {
  const advice = TENSORBOARD_ADVICE[finding.rule] ?? [];
  const message = finding.message.replace(CONFIG_SPEAK, '').trim();
  const layer = finding.layer !== undefined ? layers[finding.layer]?.name : undefined;
  const adapted: Finding = {
    ...finding,
    message: advice.length > 0 ? `${message} Advice: ${advice.join(' ')}` : message,
    evidence: layer !== undefined ? { ...finding.evidence, layerName: layer } : finding.evidence,
    fixes: [],
  };
  delete adapted.path;
  return adapted;
}

/** The live rules over a TensorBoard run's events, with findings adapted as above. */
export class TensorboardDiagnosis {
  private readonly live: LiveDiagnosis;

  constructor(readonly config: TrainConfig, private readonly layers: MappedLayer[]) {
    this.live = new LiveDiagnosis({ config, shapes: inferShapes(config.model.layers, config.model.input) });
  }

  observe(event: TrainingEvent): Finding[] {
    return (this.live.observe(event)?.findings ?? []).map((f) => adaptFinding(f, this.layers));
  }
}
