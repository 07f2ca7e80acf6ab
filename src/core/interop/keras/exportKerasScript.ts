// `training-doctor export --to keras`: a config as a tf.keras (TensorFlow 2) training script. The
// model is the one `--to keras-json` describes, written out as functional-API code; the data
// pipeline is the PyTorch export's (NumPy, Training Doctor's seeded order and split); the
// optimizer, learning-rate schedule (per step, as the engine sets it), early stopping and
// gradient clipping follow the config. It cannot be run where TensorFlow is not installed.

import * as path from 'node:path';
import { finalActivation, type ShapeReport } from '../../config/shapeInference';
import type { TrainConfig } from '../../config/trainConfig';
import { dataConstants, datasetImports, sharedSections, taskOf, trainingConstants, type DataLocationOptions } from '../pytorch/pythonDataPipeline';
import { indent, pyFloat, pyValue, trainingScriptName } from '../pytorch/pythonSource';
import { exportKerasJson } from './exportKerasJson';
import { isObject, type RawObject } from './importProblem';

const NAMESPACES: Record<string, string> = { _initializer: 'keras.initializers', _regularizer: 'keras.regularizers', _constraint: 'keras.constraints' };

/** A Keras config value as Python: a serialized object ({class_name, config}) becomes its constructor call. */
function kerasValue(key: string, value: unknown): string {
  if (isObject(value) && typeof value.class_name === 'string' && isObject(value.config)) {
    const namespace = Object.entries(NAMESPACES).find(([suffix]) => key.endsWith(suffix))?.[1] ?? 'keras.initializers';
    return `${namespace}.${value.class_name}(${kerasArguments(value.config as RawObject)})`;
  }
  return pyValue(value);
}

function kerasArguments(config: RawObject): string {
  return Object.entries(config)
    .filter(([key, value]) => value !== null && value !== undefined && key !== 'name' && key !== 'trainable' && key !== 'dtype')
    .map(([key, value]) => `${key}=${kerasValue(key, value)}`)
    .join(', ');
}

/** The functional-API code of the exported Keras model. */
function modelCode(config: TrainConfig, shapes: ShapeReport): string {
  const json = exportKerasJson(config, shapes) as { config: { layers: { class_name: string; name: string; config: RawObject; inbound_nodes: unknown[][][] }[]; output_layers: unknown[][] } };
  const lines: string[] = [];
  for (const layer of json.config.layers) {
    const variable = layer.name;
    if (layer.class_name === 'InputLayer') {
      const shape = (layer.config.batch_input_shape as number[]).slice(1);
      lines.push(`${variable} = keras.Input(shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''}), name=${pyValue(variable)})`);
      continue;
    }
    const inputs = (layer.inbound_nodes[0] ?? []).map((node) => String(node[0]));
    const call = inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`;
    const args = kerasArguments(layer.config);
    lines.push(`${variable} = keras.layers.${layer.class_name}(${args}${args ? ', ' : ''}name=${pyValue(variable)})(${call})`);
  }
  const output = String(json.config.output_layers[0][0]);
  const input = json.config.layers[0].name;
  return `def build_model():
    """The config's layers as Keras layers (same initializers, with Keras' fans and truncation, and regularizers)."""
${indent(lines.join('\n'))}
    return keras.Model(inputs=${input}, outputs=${output}, name=${pyValue(config.name)})
`;
}

function lossAndMetrics(config: TrainConfig, classes: number): string {
  const logits = finalActivation(config.model.layers) === 'linear';
  const training = config.training;
  const fromLogits = logits ? 'from_logits=True' : '';
  const loss = {
    categoricalCrossentropy: `keras.losses.CategoricalCrossentropy(${fromLogits})`,
    binaryCrossentropy: `keras.losses.BinaryCrossentropy(${fromLogits})`,
    meanSquaredError: 'keras.losses.MeanSquaredError()',
    meanAbsoluteError: 'keras.losses.MeanAbsoluteError()',
    huber: 'keras.losses.Huber(delta=1.0)',
  }[training.loss];
  const task = taskOf(config.data.dataset);
  const metrics = training.metrics.flatMap((m) => {
    if (m === 'accuracy') {
      if (task === 'regression') return [];
      if (training.loss === 'binaryCrossentropy') return [`keras.metrics.BinaryAccuracy(name="accuracy", threshold=${logits ? '0.0' : '0.5'})`];
      return ['keras.metrics.CategoricalAccuracy(name="accuracy")'];
    }
    return [m === 'meanAbsoluteError' ? 'keras.metrics.MeanAbsoluteError(name="mae")' : 'keras.metrics.MeanSquaredError(name="mse")'];
  });
  const oneHot = task === 'classification' && training.loss !== 'binaryCrossentropy';
  return `
def encode_targets(y):
    return ${oneHot ? `keras.utils.to_categorical(y.astype(np.int64), ${classes}).astype(np.float32)` : 'y.astype(np.float32).reshape(-1, 1)'}


LOSS = ${loss}
METRICS = [${metrics.join(', ')}]
`;
}

function optimizerCode(config: TrainConfig): string {
  const o = config.training.optimizer;
  const clip = config.training.gradientClipping ? `, global_clipnorm=${pyFloat(config.training.gradientClipping.norm)}` : '';
  const lr = `learning_rate=${pyFloat(o.learningRate)}`;
  switch (o.type) {
    case 'sgd': return `keras.optimizers.SGD(${lr}, momentum=${pyFloat(o.momentum)}, nesterov=${pyValue(o.nesterov)}${clip})`;
    // Keras adds ε to √v̂ after folding the bias corrections into the rate (ε̂ = ε·√(1−β₂ᵗ)): a difference only while v is tiny.
    case 'adam': return `keras.optimizers.Adam(${lr}, beta_1=${pyFloat(o.beta1)}, beta_2=${pyFloat(o.beta2)}, epsilon=${pyFloat(o.epsilon)}${clip})`;
    case 'rmsprop': return `keras.optimizers.RMSprop(${lr}, rho=${pyFloat(o.decay)}, momentum=${pyFloat(o.momentum)}, epsilon=${pyFloat(o.epsilon)}${clip})`;
    case 'adagrad': return `keras.optimizers.Adagrad(${lr}, initial_accumulator_value=${pyFloat(o.initialAccumulatorValue)}, epsilon=1e-7${clip})`;
  }
}

const KERAS_TRAINING = String.raw`
# ---------------------------------------------------------------------------------------------
# Batches in Training Doctor's order, the per-step learning rate, and the run.
# ---------------------------------------------------------------------------------------------
def fail_setup(message):
    raise SystemExit("error: " + message)


class TrainingBatches(keras.utils.Sequence):
    """The training split in a fresh seeded order every epoch (Training Doctor's batch order), augmented."""
    def __init__(self, data):
        self.data = data
        self.x, self.y = data["train_x"], data["train_y"]
        self.batch = min(BATCH_SIZE, self.x.shape[0])
        self.order_rng = SeededRandom(derive_seed(SEED, "batch-order"))
        self.augment_rng = SeededRandom(derive_seed(SEED, "augment"))
        self.noise_rng = np.random.default_rng(derive_seed(SEED, "augment-noise"))
        self.augmenting = augmenting(data["image"])
        self.on_epoch_end()

    def on_epoch_end(self):
        self.order = list(range(self.x.shape[0]))
        self.order_rng.shuffle(self.order)

    def __len__(self):
        return math.ceil(self.x.shape[0] / self.batch)

    def __getitem__(self, b):
        rows = self.order[b * self.batch:(b + 1) * self.batch]
        x = self.x[rows]
        if self.augmenting:
            x = augment(x, self.data["image"], self.augment_rng, self.data["background"], self.noise_rng)
        return x.reshape(-1, *INPUT_SHAPE), encode_targets(self.y[rows])


class StepLearningRate(keras.callbacks.Callback):
    """Sets the rate before every step from the global step, as Training Doctor does (warm-up, step,
    exponential, cosine), and lowers it at epoch ends for reduceOnPlateau."""
    def __init__(self, steps_per_epoch, epochs):
        super().__init__()
        self.schedule = LearningRateSchedule(LR_SCHEDULE, LEARNING_RATE)
        self.steps_per_epoch, self.epochs, self.step = steps_per_epoch, epochs, 0

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate.assign(self.schedule.rate_at(self.step, self.steps_per_epoch, self.epochs))
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        if self.schedule.end_epoch(dict(logs or {})):
            print("reduceOnPlateau: learning rate lowered after epoch %d." % (epoch + 1))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, help="override the config's epochs")
    parser.add_argument("--logdir", help="also write TensorBoard logs here (keras.callbacks.TensorBoard, histograms every epoch)")
    parser.add_argument("--save", help="save the trained model here (a .keras file or a SavedModel folder)")
    add_data_arguments(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    keras.utils.set_random_seed(SEED)
    data = load_data(SEED, args)
    print(data["description"])
    epochs = args.epochs if args.epochs is not None else EPOCHS
    batches = TrainingBatches(data)
    model = build_model()
    model.compile(optimizer=OPTIMIZER, loss=LOSS, metrics=METRICS)
    model.summary()
    callbacks = [StepLearningRate(len(batches), epochs)]
    has_validation = data["val_x"].shape[0] > 0
    if EARLY_STOPPING:
        monitor = EARLY_STOPPING["monitor"]
        if not has_validation and monitor.startswith("val_"):
            monitor = monitor[4:]  # as Training Doctor does without a validation split
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, patience=EARLY_STOPPING["patience"], min_delta=EARLY_STOPPING["minDelta"],
                                                       restore_best_weights=EARLY_STOPPING["restoreBestWeights"],
                                                       mode="max" if monitor.endswith("accuracy") else "min"))
    if args.logdir:
        # histogram_freq=1: per-layer weight histograms every epoch, which Training Doctor's TensorBoard reader uses.
        callbacks.append(keras.callbacks.TensorBoard(log_dir=args.logdir, histogram_freq=1, update_freq="batch"))
    validation = (data["val_x"].reshape(-1, *INPUT_SHAPE), encode_targets(data["val_y"])) if has_validation else None
    model.fit(batches, epochs=epochs, shuffle=False, validation_data=validation, validation_batch_size=EVALUATION_BATCH, callbacks=callbacks)
    if args.save:
        model.save(args.save)


if __name__ == "__main__":
    main()
`;

/** The whole Keras script for a validated config and its shape report. */
export function exportKerasScript(config: TrainConfig, shapes: ShapeReport, options: DataLocationOptions & { configPath?: string } = {}): string {
  const source = options.configPath ? path.basename(options.configPath) : `${config.name}.train.json`;
  const outputShape = shapes.outputShape ?? [1];
  const imports = ['argparse', 'json', 'math', 'os', ...datasetImports(config.data.dataset)].sort();
  return [
    `#!/usr/bin/env python3
"""${config.name}: a Keras (tf.keras, TensorFlow 2) training script exported by Training Doctor from ${source}.

The same model (layers, initializers, regularizers), data (Training Doctor's seeded split and
batch order, preprocessing from the training split only, augmentation), optimizer, per-step
learning-rate schedule, early stopping, gradient clipping and seed as Training Doctor's engine.
Random streams (initial weights, dropout) are TensorFlow's own.

Run it:  python ${trainingScriptName(config.name)} [--logdir logs] [--epochs N]
Watch it: training-doctor watch logs   (TensorBoard event files, histograms every epoch)
Requires TensorFlow 2.7 or later.
"""`,
    imports.map((m) => `import ${m}`).join('\n'),
    '',
    'import numpy as np',
    'from tensorflow import keras',
    `
# ---------------------------------------------------------------------------------------------
# The experiment, as the config says it.
# ---------------------------------------------------------------------------------------------
${trainingConstants(config, shapes)}
${dataConstants(config, options)}
`,
    modelCode(config, shapes),
    lossAndMetrics(config, outputShape[outputShape.length - 1]),
    `OPTIMIZER = ${optimizerCode(config)}\n`,
    ...sharedSections(config.data.dataset, 'keras'),
    KERAS_TRAINING,
  ].join('\n').replace(/\n{3,}/g, '\n\n\n').trimEnd() + '\n';
}
