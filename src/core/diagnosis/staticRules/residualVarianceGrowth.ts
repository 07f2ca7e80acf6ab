// residual.variance-growth: residual blocks whose branch starts at full scale. At initialization
// the branch F(x) and the skip path x are independent, so Var(x + F(x)) = Var(x) + Var(F(x)): every
// such block adds its branch's variance, and the scale grows with the number of blocks. Starting
// the branch at zero (its last layer, or the gamma of its final BatchNorm) makes each block the
// identity at first; the block then learns how much to add.

import { type InitializerConfig, type LayerConfig, type ResidualLayerConfig, isWeightedLayer } from '../../config/trainConfig';
import { fixReference } from '../fixes/fixReference';
import { zeroInitTarget } from '../fixes/zeroInitResidualFix';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { initializerMoments, isConstantInitializer } from '../varianceModel';
import { layerPropertyPath } from './findingLocation';
import { num, shortList } from './messageText';

function isZero(init: InitializerConfig): boolean {
  return isConstantInitializer(init) && initializerMoments(init, 1, 1, 1).mean === 0;
}

/** The branch's output starts at exactly zero: a zero kernel last, or a zero-gamma BatchNorm after the last kernel. */
function startsSilent(branch: LayerConfig[]): boolean {
  let sawZeroGamma = false;
  for (let j = branch.length - 1; j >= 0; j--) {
    const layer = branch[j];
    if (layer.type === 'batchNormalization' && isZero(layer.gammaInitializer) && isZero(layer.betaInitializer)) sawZeroGamma = true;
    if (isWeightedLayer(layer)) return sawZeroGamma || isZero(layer.kernelInitializer);
  }
  return true;
}

/** "≈ 1" when the values agree within 10%, else "0.5 to 2". */
function spread(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return high <= 1.1 * low ? `≈ ${num((low + high) / 2)}` : `${num(low)} to ${num(high)}`;
}

export const residualVarianceGrowthRule: StaticRule = {
  id: 'residual.variance-growth',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { minBlocks: 3, minGrowth: 2 },
  docs: {
    title: 'Residual blocks add variance at initialization',
    description:
      'A residual block outputs x + F(x). At initialization F(x) is independent of x, so their variances add: with every ' +
      'block at full scale, the activations grow block after block. Initializing the last layer of each branch to zero (or ' +
      'the gamma of the BatchNorm that ends it) makes each block start as the identity, so the variance stays put and the ' +
      'network starts as a shallow one. Reported when at least minBlocks residual blocks start at full scale; a warning when ' +
      'the predicted std grows by minGrowth or more over them, else info (with BatchNorm inside the branches, as in the ' +
      'standard ResNets, the growth stays small and they train well).',
  },
  fixes: ['fix.zero-init-residual'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { config, variance } = context;
    const growing: number[] = [];
    config.model.layers.forEach((layer, i) => {
      if (layer.type === 'residual' && zeroInitTarget(layer.layers, i) && !startsSilent(layer.layers)) growing.push(i);
    });
    if (growing.length < settings.thresholds.minBlocks || growing.length === 0) return [];
    const first = growing[0];
    const target = zeroInitTarget((config.model.layers[first] as ResidualLayerConfig).layers, first);
    const stds = growing.map((i) => variance.layers[i]?.std).filter((s): s is number => s !== undefined);
    const branchStds = growing.map((i) => variance.layers[i]?.branch?.at(-1)?.std).filter((s): s is number => s !== undefined);
    const trend = stds.length >= 2 ? ` Predicted std after these blocks: ${shortList(stds.map(num))}.` : '';
    // How much the blocks grow the scale: the largest std after them against the std after the first
    // (the first block's own addition onto a ReLU output is no compounding).
    const growth = stds.length >= 2 && stds[0] > 0 ? Math.max(...stds) / stds[0] : undefined;
    const mild = growth !== undefined && growth < settings.thresholds.minGrowth;
    return [{
      severity: mild ? 'info' : undefined,
      message:
        `${growing.length} residual blocks (at ${shortList(growing.map(String))}) start with their branch at full scale ` +
        `(predicted branch std ${spread(branchStds)}). At initialization x and F(x) are independent, ` +
        `so Var(x + F(x)) = Var(x) + Var(F(x)): each block adds its branch's variance and the scale grows with depth.${trend} ` +
        'Start every block as the identity: zero the gamma of the BatchNorm that ends the branch (or, without one, the ' +
        'last dense/conv kernel); the blocks then learn how much to add.' +
        (mild ? ` Here the growth is mild (×${num(growth!)} over the blocks, BatchNorm keeps each branch near 1), so this is advice: standard ResNets train well like this.` : ''),
      layer: first,
      path: target ? layerPropertyPath(context, target.layer, target.property) : ['model', 'layers', first, 'type'],
      evidence: { blocks: growing, predictedStd: stds, predictedBranchStd: branchStds, growth: growth ?? null },
      fixes: [fixReference('fix.zero-init-residual', config, { blocks: growing }, true)],
    }];
  },
};
