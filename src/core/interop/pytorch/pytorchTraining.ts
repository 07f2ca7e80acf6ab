// The training side of the exported script that depends on the config: targets, loss and
// metrics as Keras/tfjs compute them, the optimizer with tfjs's conventions, and the
// learning-rate schedule and early stopping of the engine.

import type { LossName, MetricName, OptimizerConfig, Task } from '../../config/trainConfig';
import { pyFloat, pyValue } from './pythonSource';

export interface LossSetup {
  task: Task;
  loss: LossName;
  metrics: MetricName[];
  /** 'linear' output: the loss takes logits (the stable from-logits form). */
  outputActivation: string;
}

function lossBody(setup: LossSetup): string {
  const logits = setup.outputActivation === 'linear';
  switch (setup.loss) {
    case 'categoricalCrossentropy':
      return logits
        ? '    # Linear output: softmax cross-entropy from logits (numerically stable).\n    return -(t * F.log_softmax(pred, dim=-1)).sum(-1).mean()'
        : '    # Probabilities clipped to [ε, 1 − ε] before the log, as Keras does.\n    return -(t * torch.log(pred.clamp(EPSILON, 1.0 - EPSILON))).sum(-1).mean()';
    case 'binaryCrossentropy':
      return logits
        ? '    return F.binary_cross_entropy_with_logits(pred, t)'
        : '    p = pred.clamp(EPSILON, 1.0 - EPSILON)\n    return -(t * torch.log(p) + (1.0 - t) * torch.log(1.0 - p)).mean()';
    case 'meanSquaredError': return '    return ((pred - t) ** 2).mean()';
    case 'meanAbsoluteError': return '    return (pred - t).abs().mean()';
    case 'huber': return '    return F.huber_loss(pred, t, delta=1.0)';
  }
}

const METRIC_KEYS: Record<MetricName, string> = { accuracy: 'accuracy', meanAbsoluteError: 'mae', meanSquaredError: 'mse' };

function metricLine(metric: MetricName, setup: LossSetup): string {
  switch (metric) {
    case 'accuracy':
      if (setup.task === 'regression') return 'torch.tensor(float("nan"))';
      if (setup.loss === 'binaryCrossentropy') return `((pred > ${setup.outputActivation === 'linear' ? '0.0' : '0.5'}) == (t > 0.5)).float().sum()`;
      return '(pred.argmax(-1) == t.argmax(-1)).float().sum()';
    case 'meanAbsoluteError': return '(pred - t).abs().sum() / t.shape[1]';
    case 'meanSquaredError': return '((pred - t) ** 2).sum() / t.shape[1]';
  }
}

/** encode_targets, data_loss and metric_sums for the config's task, loss and metrics. */
export function lossCode(setup: LossSetup, classes: string): string {
  const oneHot = setup.task === 'classification' && setup.loss !== 'binaryCrossentropy';
  const metrics = setup.metrics.map((m) => `            ${JSON.stringify(METRIC_KEYS[m])}: ${metricLine(m, setup)},`).join('\n');
  return `
EPSILON = 1e-7  # Keras' backend epsilon
METRIC_NAMES = ${pyValue(setup.metrics.map((m) => METRIC_KEYS[m]))}


def encode_targets(y):
    """${oneHot ? 'Class indices → one-hot rows.' : 'Targets as a column [N, 1].'}"""
    return ${oneHot ? `F.one_hot(y.long(), ${classes}).float()` : 'y.float().view(-1, 1)'}


def data_loss(pred, t):
    """${setup.loss}, as Keras/tfjs compute it (mean over the batch)."""
${lossBody(setup)}


def metric_sums(pred, t):
    """Sums over the batch (not means), so epoch values are exact weighted averages."""
    with torch.no_grad():
        return {
${metrics}
        }
`;
}

const TFJS_OPTIMIZER = String.raw`
class TfjsOptimizer(torch.optim.Optimizer):
    """An optimizer with TensorFlow.js's update rule (update(): one tensor's step, given its state)."""
    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, p.grad, self.state[p], group)
`;

export function optimizerCode(optimizer: OptimizerConfig): string {
  switch (optimizer.type) {
    case 'sgd':
      return `
def make_optimizer(params):
    """SGD${optimizer.momentum > 0 ? ' with momentum' : ''}: tfjs and PyTorch both keep v = m·v + g and step by lr·v${optimizer.nesterov ? ' (Nesterov: g + m·v)' : ''}."""
    return torch.optim.SGD(params, lr=${pyFloat(optimizer.learningRate)}, momentum=${pyFloat(optimizer.momentum)}, nesterov=${pyValue(optimizer.nesterov && optimizer.momentum > 0)})
`;
    case 'adam':
      return `
def make_optimizer(params):
    """Adam: tfjs and PyTorch both add ε to √v̂ (PyTorch's default ε is 1e-8; the config's is passed)."""
    return torch.optim.Adam(params, lr=${pyFloat(optimizer.learningRate)}, betas=(${pyFloat(optimizer.beta1)}, ${pyFloat(optimizer.beta2)}), eps=${pyFloat(optimizer.epsilon)})
`;
    case 'rmsprop':
      return TFJS_OPTIMIZER + String.raw`
class TfjsRMSprop(TfjsOptimizer):
    """RMSprop as TensorFlow.js computes it: ms = ρ·ms + (1−ρ)·g²; mom = μ·mom + lr·g/√(ms + ε);
    θ −= mom. torch.optim.RMSprop adds ε outside the square root and applies lr after the
    momentum, which differs noticeably for ε = 1e-7."""
    def __init__(self, params, lr, decay, momentum, eps):
        super().__init__(params, dict(lr=lr, decay=decay, momentum=momentum, eps=eps))

    def update(self, p, grad, state, group):
        if not state:
            state["ms"] = torch.zeros_like(p)
            state["mom"] = torch.zeros_like(p)
        state["ms"].mul_(group["decay"]).addcmul_(grad, grad, value=1.0 - group["decay"])
        state["mom"].mul_(group["momentum"]).add_(group["lr"] * grad / (state["ms"] + group["eps"]).sqrt())
        p.sub_(state["mom"])


def make_optimizer(params):
    return TfjsRMSprop(params, lr=` + `${pyFloat(optimizer.learningRate)}, decay=${pyFloat(optimizer.decay)}, momentum=${pyFloat(optimizer.momentum)}, eps=${pyFloat(optimizer.epsilon)})
`;
    case 'adagrad':
      return TFJS_OPTIMIZER + String.raw`
class TfjsAdagrad(TfjsOptimizer):
    """Adagrad as TensorFlow.js computes it: acc += g²; θ −= lr·g/√(acc + 1e-7) (ε inside the root)."""
    def __init__(self, params, lr, initial_accumulator_value):
        super().__init__(params, dict(lr=lr, initial=initial_accumulator_value))

    def update(self, p, grad, state, group):
        if not state:
            state["acc"] = torch.full_like(p, group["initial"])
        state["acc"].addcmul_(grad, grad)
        p.sub_(group["lr"] * grad / (state["acc"] + 1e-7).sqrt())


def make_optimizer(params):
    return TfjsAdagrad(params, lr=` + `${pyFloat(optimizer.learningRate)}, initial_accumulator_value=${pyFloat(optimizer.initialAccumulatorValue)})
`;
  }
}

export const SCHEDULE_HELPERS = String.raw`
# ---------------------------------------------------------------------------------------------
# Learning-rate schedule and early stopping, as Training Doctor's engine runs them: the rate is
# set before every step from the global step; reduceOnPlateau and early stopping look at the
# epoch's logs (loss, val_loss, accuracy, val_accuracy, ...).
# ---------------------------------------------------------------------------------------------
def lower_is_better(monitor):
    return not monitor.endswith("accuracy")


class LearningRateSchedule:
    def __init__(self, config, base_rate):
        self.c = config
        self.base = base_rate
        self.plateau_factor = 1.0
        self.best = math.inf
        self.wait = 0

    def rate_at(self, step, steps_per_epoch, total_epochs):
        c = self.c
        progress = step / steps_per_epoch
        warmup = math.floor(c.get("warmupEpochs", 0) * steps_per_epoch + 0.5)
        if warmup > 0 and step < warmup:
            return self.base * (step + 1) / warmup  # linear warm-up; the first step already moves
        kind = c["type"]
        if kind == "constant":
            return self.base
        if kind == "step":
            return self.base * c["gamma"] ** math.floor(progress / c["stepSize"])
        if kind == "exponential":
            return self.base * c["gamma"] ** progress
        if kind == "cosine":
            total = max(1, total_epochs * steps_per_epoch - warmup)
            t = min(1.0, (step - warmup) / total)
            return c["minLearningRate"] + (self.base - c["minLearningRate"]) * 0.5 * (1 + math.cos(math.pi * t))
        if kind == "reduceOnPlateau":
            return max(c["minLearningRate"], self.base * self.plateau_factor)
        raise ValueError("unknown schedule " + kind)

    def end_epoch(self, logs):
        """Returns True when reduceOnPlateau lowered the rate."""
        c = self.c
        if c["type"] != "reduceOnPlateau":
            return False
        value = logs.get(c["monitor"])
        if value is None or not math.isfinite(value):
            return False
        score = value if lower_is_better(c["monitor"]) else -value
        if score < self.best - c["minDelta"]:
            self.best, self.wait = score, 0
            return False
        self.wait += 1
        if self.wait >= c["patience"]:
            self.wait = 0
            before = self.plateau_factor
            self.plateau_factor *= c["factor"]
            return self.base * before > c["minLearningRate"]
        return False


class EarlyStopper:
    """Keras' EarlyStopping: stop after patience epochs without an improvement larger than minDelta."""
    def __init__(self, config, has_validation):
        monitor = config["monitor"]
        self.fell_back = not has_validation and monitor.startswith("val_")
        self.monitor = monitor[4:] if self.fell_back else monitor
        self.patience = config["patience"]
        self.min_delta = abs(config["minDelta"])
        self.restore_best_weights = config["restoreBestWeights"]
        self.lower_better = lower_is_better(monitor)
        self.best = math.inf
        self.best_epoch = 0
        self.wait = 0

    def update(self, logs, epoch):
        value = logs.get(self.monitor)
        if value is None or not math.isfinite(value):
            return False, False
        score = value if self.lower_better else -value
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = score, epoch, 0
            return True, False
        self.wait += 1
        return False, self.wait >= self.patience
`;
