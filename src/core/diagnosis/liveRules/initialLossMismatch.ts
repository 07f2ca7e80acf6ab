// loss.initial-mismatch: the loss of the model as initialized is far from what an untrained
// classifier should score (TheDeepChecker's and Karpathy's "verify the loss at init"). With small
// random logits a softmax over C classes predicts about 1/C for every class, so the cross-entropy
// starts near ln C (ln 2 for one sigmoid). Far above it, the initial logits are large: the model is
// confidently wrong before it has learnt anything (a badly scaled output layer, activations blown
// up by the init or by raw inputs), and its first steps are spent undoing that. Far below it, the
// untrained model already "knows" the labels: the labels leak into the inputs, or the loss is
// computed on something else than intended.
//
// Judged on the first step's loss (the initialized model on one batch) or a probe's. The distance
// above ln C is measured in nats, not as a ratio: the excess grows with the scale of the logits
// whatever the number of classes; healthy He-initialized nets start up to ~4.1 nats above (a
// 4-conv He CNN with two max-pools and a Glorot softmax), the faulty ones of the suite 5.4 and more.
// Regression losses have no such reference and are not judged; neither is the excess of a model
// with weight penalties, whose step loss includes them.

import type { TrainConfig, LayerConfig } from '../../config/trainConfig';
import type { StepEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { chanceLevelLoss, inputsLookUnscaled, layerPath, layersWithUnsuitedInit } from './configLayers';
import { fixList, initializerFixes, normalizeInputs } from './liveFixes';
import { num } from './numberText';

function hasWeightPenalty(layers: LayerConfig[]): boolean {
  return layers.some((layer) => {
    if (layer.type === 'residual') return hasWeightPenalty(layer.layers);
    if (layer.type !== 'dense' && layer.type !== 'conv2d') return false;
    return [layer.kernelRegularizer, layer.biasRegularizer].some((r) => r !== undefined && (r.l1 > 0 || r.l2 > 0));
  });
}

/** The last top-level dense/conv2d layer: the one that scales the logits. */
function outputWeightedLayer(config: TrainConfig): number | undefined {
  for (let i = config.model.layers.length - 1; i >= 0; i--) {
    const type = config.model.layers[i].type;
    if (type === 'dense' || type === 'conv2d') return i;
  }
  return undefined;
}

/** Entropy (nats) of the class frequencies: the loss of the best constant guess, below ln C when classes are imbalanced. */
function priorEntropy(counts: number[] | undefined): number | undefined {
  if (!counts) return undefined;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  return -counts.reduce((sum, c) => (c > 0 ? sum + (c / total) * Math.log(c / total) : sum), 0);
}

export const initialLossMismatch: LiveRule = {
  id: 'loss.initial-mismatch',
  kind: 'live',
  defaultSeverity: 'warning',
  thresholds: { maxExcess: 5, minFraction: 0.1 },
  docs: {
    title: 'The initial loss is far from what an untrained model should score',
    description:
      'An untrained classifier with small random logits predicts about 1/C for each of C classes, so its cross-entropy ' +
      'starts near ln C (ln 2 for a sigmoid). A first loss more than `maxExcess` nats above that means large initial ' +
      'logits: the model is confidently wrong before learning anything (a badly scaled output layer, activations blown up ' +
      'by the initialization or by raw inputs) and spends its first steps undoing it. A first loss below `minFraction` of ' +
      'the loss of the best constant guess means the untrained model already knows the labels: they leak into the inputs, ' +
      'or the loss is not computed on what was intended. Judged on the first step (or the probe), for cross-entropy ' +
      'losses only (a regression loss has no such reference); a model with weight penalties is only judged on the low ' +
      'side, since its loss includes the penalty.',
  },
  fixes: ['fix.normalize-inputs', 'fix.glorot-init', 'fix.he-init'],

  start(context, settings) {
    const { config, shapes } = context;
    let inputStats = context.inputStats;
    const t = settings.thresholds;
    const chance = chanceLevelLoss(config, shapes);
    const penalized = hasWeightPenalty(config.model.layers);
    let judged = false;

    const tooHigh = (event: StepEvent, expected: number): FindingDraft => {
      const output = outputWeightedLayer(config);
      const candidates = layersWithUnsuitedInit(config, shapes);
      const rawInputs = inputsLookUnscaled(config, inputStats);
      const excess = event.loss - expected;
      const outputUnsuited = candidates.some((c) => c.index === output);
      return {
        message:
          `The loss of the model as initialized is ${num(event.loss)}, ${num(excess)} nats above the ${num(expected)} (ln of the number of classes) ` +
          'that small random logits give: the untrained model is confidently wrong, so its initial logits are large. ' +
          `The right class gets about ${num(Math.exp(-excess))} times the probability of a uniform guess. The first steps go into undoing ` +
          'that, and large logits saturate the softmax, whose gradients then vanish. ' +
          (rawInputs ? 'The raw inputs are far from unit scale: standardize them. ' : '') +
          (candidates.length > 0 ? 'Initialize the weights for their activation (Glorot for the softmax/sigmoid output, He for ReLU) so the logits start small.' : 'Check the findings about activations: something before the output blows the signal up.'),
        layer: outputUnsuited ? output : undefined,
        path: rawInputs ? ['data', 'preprocess', 'normalize'] : output !== undefined ? layerPath(output, outputUnsuited ? 'kernelInitializer' : 'type') : ['training', 'loss'],
        step: event.step,
        epoch: event.epoch,
        evidence: { loss: event.loss, expectedLoss: expected, excessNats: excess },
        fixes: fixList([rawInputs ? normalizeInputs(config, true) : undefined, ...initializerFixes(config, candidates, output, !rawInputs)]),
      };
    };

    const tooLow = (event: StepEvent, reference: number): FindingDraft => ({
      message:
        `The loss of the model as initialized is ${num(event.loss)}, ${num(event.loss / reference)} of the ${num(reference)} that the best ` +
        'constant guess of the class frequencies scores. An untrained model cannot know the labels: they probably leak into the ' +
        'inputs (a label or an id column among the features, duplicated examples), or the loss is not computed on the targets you intended. ' +
        'Check the data file and its label column.',
      path: ['data', 'dataset'],
      step: event.step,
      epoch: event.epoch,
      evidence: { loss: event.loss, referenceLoss: reference },
      fixes: [],
    });

    return {
      observe(event) {
        if (event.type === 'run-started') inputStats ??= event.inputStats;
        if (event.type !== 'step' || judged) return;
        judged = true;
        if (chance === undefined || !Number.isFinite(event.loss)) return;
        const reference = Math.min(chance, priorEntropy(inputStats?.labelCounts) ?? chance);
        if (!penalized && event.loss - chance > t.maxExcess) return { findings: [tooHigh(event, chance)] };
        if (reference > 0 && event.loss < t.minFraction * reference) return { findings: [tooLow(event, reference)] };
      },
    };
  },
};
