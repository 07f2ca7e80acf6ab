// grad.exploding: gradients far larger than the network started with, or growing on their way
// back to the first layers. Large gradients mean large, erratic steps: the loss jumps around,
// and a few such steps later the values overflow (grad.nonfinite).

import type { LayerStatsEvent, StepEvent } from '../../engine/trainingEvents';
import type { FindingDraft, LiveRule } from '../rule';
import { hiddenWeightedLayers, LEARNING_RATE_PATH, layerPath } from './configLayers';
import { gradientProfile, normsByLayer } from './gradientFlow';
import { addBatchNormalization, fixList, gradientClipping, lowerLearningRate } from './liveFixes';
import { LossHistory, median } from './lossHistory';
import { epochText, num } from './numberText';
import { ReportLedger } from './reportLedger';
import { SampleGate } from './sampleGate';

export const gradientExploding: LiveRule = {
  id: 'grad.exploding',
  kind: 'live',
  defaultSeverity: 'error',
  thresholds: { maxRatio: 70, maxNorm: 1e3, growthFactor: 100, burstFactor: 1e4, baselineSteps: 10, maxFirstStep: 10, samples: 3 },
  docs: {
    title: 'Gradients explode',
    description:
      'The gradient is multiplied by every layer\'s weights on its way back from the loss; when those factors are large ' +
      'it grows geometrically with depth, and steps become so large that the loss jumps around and finally overflows. ' +
      'The rule watches the gradient norm of every step against its level during the first steps (growth by ' +
      '`growthFactor` is an error), each layer\'s gradient norm against `maxNorm` (scaled by the initial error for ' +
      'squared-error losses, whose gradients grow with the targets), and the first layer\'s gradient against the last ' +
      'one\'s (AUTOTRAINER\'s ratio, 70). A single jump to `burstFactor` times the first step\'s norm is reported at once ' +
      '(such runs overflow within a step or two). In a probe with plain SGD it also projects the first step: a gradient ' +
      'that would move a layer\'s weights by more than `maxFirstStep` times their own size is reported.',
  },
  fixes: ['fix.gradient-clipping', 'fix.lower-lr', 'fix.add-batchnorm'],

  start(context, settings) {
    const { config } = context;
    const t = settings.thresholds;
    const gate = new SampleGate(t.samples);
    const ledger = new ReportLedger(settings);
    const losses = new LossHistory();
    const baseline: number[] = [];
    let growthStreak = 0;
    let stepNormsSeen = false;
    let firstNorm: number | undefined;

    const fixes = () => fixList([
      gradientClipping(config, true),
      lowerLearningRate(config, config.training.gradientClipping !== undefined),
      addBatchNormalization(config, hiddenWeightedLayers(config)),
    ]);
    const clippingNote = () => config.training.gradientClipping
      ? ` Clipping is on (norm ${num(config.training.gradientClipping.norm)}) and the norms here are measured before it, so the steps are bounded, but something upstream still produces these gradients.`
      : '';

    /** Gradients scale with the error for squared-error losses: judge them against the initial error. */
    const normScale = (): number | undefined => {
      if (config.training.loss !== 'meanSquaredError') return 1;
      return losses.first !== undefined ? Math.max(1, Math.sqrt(losses.first)) : undefined;
    };

    const growth = (norm: number, step: number, epoch: number): FindingDraft | undefined => {
      if (!Number.isFinite(norm)) return undefined;
      firstNorm ??= norm;
      if (firstNorm > 0 && norm > t.burstFactor * firstNorm && ledger.claim('run', 'error')) {
        return {
          severity: 'error',
          message:
            `The gradient norm jumped to ${num(norm)} at step ${step} (${epochText(epoch)}), ${num(norm / firstNorm)} times its ` +
            `first value (${num(firstNorm)}). The gradients are feeding on themselves: each oversized step makes the next ` +
            `gradient larger, and the values overflow within a step or two. Clip the gradient norm and lower the learning rate.${clippingNote()}`,
          path: config.training.gradientClipping ? LEARNING_RATE_PATH : ['training'],
          step,
          epoch,
          evidence: { gradNorm: norm, firstGradNorm: firstNorm, growth: norm / firstNorm },
          fixes: fixes(),
        };
      }
      if (baseline.length < t.baselineSteps) {
        baseline.push(norm);
        return undefined;
      }
      const reference = median(baseline);
      growthStreak = reference > 0 && norm > t.growthFactor * reference ? growthStreak + 1 : 0;
      if (growthStreak < t.samples || !ledger.claim('run', 'error')) return undefined;
      return {
        severity: 'error',
        message:
          `The gradient norm has been over ${num(t.growthFactor)} times its starting level for ${growthStreak} steps ` +
          `(${num(norm)} at step ${step}, ${epochText(epoch)}, against ${num(reference)} during the first ${baseline.length} steps). ` +
          'Steps this large throw the weights around and usually end in an overflow. Clip the gradient norm so a ' +
          `step cannot exceed a set size, and lower the learning rate.${clippingNote()}`,
        path: config.training.gradientClipping ? LEARNING_RATE_PATH : ['training'],
        step,
        epoch,
        evidence: { gradNorm: norm, baselineGradNorm: reference, growth: norm / reference, steps: growthStreak },
        fixes: fixes(),
      };
    };

    /**
     * Plain SGD's first step is exactly lr·g (Nesterov: lr·g·(1+μ)); compared with the weights'
     * norm (from their mean/std and count) it says how far the first update throws each layer.
     * Adaptive optimizers normalize the gradient, so their first step says nothing about it.
     */
    const firstStepProjection = (event: LayerStatsEvent) => {
      const optimizer = config.training.optimizer;
      if (optimizer.type !== 'sgd') return undefined;
      const factor = optimizer.learningRate * (optimizer.nesterov ? 1 + optimizer.momentum : 1);
      let worst: { index: number; gradNorm: number; weightNorm: number; ratio: number } | undefined;
      for (const layer of event.layers) {
        const params = context.shapes.layers.find((l) => l.index[0] === layer.index)?.params;
        if (layer.gradNorm === undefined || !Number.isFinite(layer.gradNorm) || !layer.weights || !params) continue;
        const weightNorm = Math.sqrt(params * (layer.weights.std ** 2 + layer.weights.mean ** 2));
        if (weightNorm <= 0) continue;
        const ratio = (factor * layer.gradNorm) / weightNorm;
        if (!worst || ratio > worst.ratio) worst = { index: layer.index, gradNorm: layer.gradNorm, weightNorm, ratio };
      }
      return worst;
    };

    const onStep = (event: StepEvent): FindingDraft | undefined => {
      losses.observe(event);
      const norm = event.gradNorm as number | undefined;
      if (norm === undefined) return undefined;
      stepNormsSeen = true;
      return growth(norm, event.step, event.epoch);
    };

    const onStats = (event: LayerStatsEvent): FindingDraft[] => {
      const drafts: FindingDraft[] = [];
      // Without per-step norms (older engines), the statistics samples carry the growth signal.
      if (!stepNormsSeen && !gate.inProbe) {
        const grown = growth(event.gradNorm, event.step, event.epoch);
        if (grown) drafts.push(grown);
      }
      const profile = gradientProfile(event.layers);
      const when = gate.inProbe ? 'at initialization' : `at step ${event.step} (${epochText(event.epoch)})`;
      const timing = gate.inProbe ? {} : { step: event.step, epoch: event.epoch };

      const { first, last, ratio } = profile;
      if (gate.holds('ratio', ratio !== undefined && ratio > t.maxRatio) && first && last && ratio !== undefined && ledger.claim(first.index, 'warning')) {
        drafts.push({
          severity: 'warning',
          message:
            `The gradient at layer ${first.index} (${first.type}) is ${num(ratio)} times the one at layer ${last.index} ` +
            `(norms ${num(first.gradNorm)} vs ${num(last.gradNorm)}) ${when}${gate.inProbe ? '' : `, for ${gate.streak('ratio')} samples in a row`}. ` +
            'The gradient grows as it flows back through the layers, so the first layers take much larger steps than the ' +
            `rest and become unstable. Clip the gradient norm, lower the learning rate, or add batch normalization to keep each layer's scale steady.${clippingNote()}`,
          layer: first.index,
          path: layerPath(first.index),
          ...timing,
          evidence: { ratio, firstLayer: first.index, lastLayer: last.index, gradNorms: normsByLayer(profile) },
          fixes: fixes(),
        });
      }

      if (gate.inProbe) {
        const projected = firstStepProjection(event);
        if (projected && projected.ratio > t.maxFirstStep && ledger.claim(projected.index, 'warning')) {
          drafts.push({
            severity: 'warning',
            message:
              `At initialization layer ${projected.index} has a gradient norm of ${num(projected.gradNorm)} against weights of norm ` +
              `${num(projected.weightNorm)}: the first SGD step at learning rate ${num(config.training.optimizer.learningRate)} would ` +
              `move them by ${num(projected.ratio)} times their own size. Gradients this large (often from unscaled targets or ` +
              `inputs) throw the weights far off at once and the run diverges. Clip the gradient norm, lower the learning rate, or ` +
              'rescale the data.',
            layer: projected.index,
            path: layerPath(projected.index),
            evidence: { gradNorm: projected.gradNorm, weightNorm: projected.weightNorm, firstStepRatio: projected.ratio },
            fixes: fixes(),
          });
        }
      }

      const scale = normScale();
      const limit = scale === undefined ? Infinity : t.maxNorm * scale;
      const worst = profile.layers.reduce<typeof profile.first>((w, l) => (!w || l.gradNorm > w.gradNorm ? l : w), undefined);
      if (gate.holds('absolute', worst !== undefined && worst.gradNorm > limit) && worst && ledger.claim(worst.index, 'warning')) {
        drafts.push({
          severity: 'warning',
          message:
            `Layer ${worst.index} (${worst.type}) has a gradient norm of ${num(worst.gradNorm)} ${when}` +
            `${gate.inProbe ? '' : `, above ${num(limit)} for ${gate.streak('absolute')} samples in a row`}. ` +
            `Gradients this large make every step a jump; clip the gradient norm and lower the learning rate.${clippingNote()}`,
          layer: worst.index,
          path: layerPath(worst.index),
          ...timing,
          evidence: { gradNorm: worst.gradNorm, limit, gradNorms: normsByLayer(profile) },
          fixes: fixes(),
        });
      }
      return drafts;
    };

    return {
      observe(event) {
        gate.see(event);
        const drafts: FindingDraft[] = [];
        if (event.type === 'step') {
          const draft = onStep(event);
          if (draft) drafts.push(draft);
        } else if (event.type === 'layer-stats') {
          drafts.push(...onStats(event));
        }
        return drafts.length > 0 ? { findings: drafts } : undefined;
      },
    };
  },
};
