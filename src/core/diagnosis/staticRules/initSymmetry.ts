// init.symmetry: a dense/conv layer whose kernel starts constant (zeros, ones, a constant). All of
// its units then compute the same thing; they only ever become different if something downstream
// treats them differently. When the next layer's weights are constant too, or the units sit at
// ReLU's flat zero, nothing does: they stay copies forever and the layer is as good as one unit.

import type { InitializerConfig } from '../../config/trainConfig';
import { fixReference } from '../fixes/fixReference';
import { asLayerArgument } from '../fixes/layerTargets';
import type { FindingDraft, StaticContext, StaticRule } from '../rule';
import { initializerMoments, isConstantInitializer } from '../varianceModel';
import { isHeFamilyActivation } from './activationFamilies';
import { layerPropertyPath } from './findingLocation';
import { describeLayer, followingActivation, isOutputLayer, lastWeightedPosition, shapeAt, unitCount, weightedSites, type WeightedSite } from './layerSites';
import { num } from './messageText';

/** Activations whose slope at 0 is 0 (tfjs takes relu'(0) = 0): a zero pre-activation passes no gradient. */
const FLAT_AT_ZERO = new Set(['relu', 'relu6']);

function describeInitializer(init: InitializerConfig): string {
  switch (init.type) {
    case 'zeros': return 'every kernel weight equal to 0';
    case 'ones': return 'every kernel weight equal to 1';
    default: return `every kernel weight equal to ${num(initializerMoments(init, 1, 1, 1).mean)}`;
  }
}

/** Why the units can never separate, or undefined when the next layer's random weights will separate them. */
function whyStuck(site: WeightedSite, next: WeightedSite | undefined, activation: string): string | undefined {
  if (next && isConstantInitializer(next.layer.kernelInitializer)) {
    return `the next weighted layer (${next.indexPath.join('.')}) starts constant too, so every unit also receives the same gradient`;
  }
  const value = initializerMoments(site.layer.kernelInitializer, 1, 1, 1).mean;
  const bias = site.layer.useBias ? initializerMoments(site.layer.biasInitializer, 1, 1, 1) : { mean: 0, variance: 0 };
  if (value === 0 && FLAT_AT_ZERO.has(activation) && bias.variance === 0 && bias.mean <= 0) {
    return `every pre-activation is ${bias.mean === 0 ? '0' : 'negative'}, where ${activation} has zero slope, so no gradient reaches these weights at all`;
  }
  return undefined;
}

export const initSymmetryRule: StaticRule = {
  id: 'init.symmetry',
  kind: 'static',
  defaultSeverity: 'error',
  thresholds: {},
  docs: {
    title: 'Kernel initialized to a constant',
    description:
      'A dense or conv layer whose kernel starts with all weights equal (zeros, ones or a constant) makes all of its units ' +
      'compute the same output. Units that start equal also get equal updates unless something downstream tells them apart, ' +
      'so they can stay copies of each other for the whole run and the layer behaves like a single unit ("symmetry"). ' +
      'Random initialization (He for ReLU-family activations, Glorot for tanh, sigmoid and linear) breaks the tie. ' +
      'Not reported for the output layer (its units have different targets) nor for the zero-initialized last layer of a ' +
      'residual branch, a deliberate trick that makes the block start as the identity.',
  },
  fixes: ['fix.he-init', 'fix.glorot-init'],
  check(context: StaticContext): FindingDraft[] {
    const { config } = context;
    const sites = weightedSites(config);
    const findings: FindingDraft[] = [];
    sites.forEach((site, k) => {
      const init = site.layer.kernelInitializer;
      if (!isConstantInitializer(init) || isOutputLayer(config, site) || unitCount(site.layer) === 1) return;
      const value = initializerMoments(init, 1, 1, 1).mean;
      const residualTrick = site.inBranch && value === 0 && lastWeightedPosition(site.sequence) === site.position;
      if (residualTrick) return;

      const { activation } = followingActivation(site);
      const units = unitCount(site.layer);
      const stuck = whyStuck(site, sites[k + 1], activation);
      const he = isHeFamilyActivation(activation);
      const shape = shapeAt(context.shapes, site.indexPath);
      const std = shape ? (he ? Math.sqrt(2 / shape.fanIn) : Math.sqrt(2 / (shape.fanIn + shape.fanOut))) : undefined;
      const here = shape && std !== undefined ? (he ? ` = √(2/${shape.fanIn}) = ${num(std)}` : ` = √(2/(${shape.fanIn} + ${shape.fanOut})) = ${num(std)}`) : '';
      const recommended = he
        ? `heNormal (std √(2/fan_in)${here}) suits its ${activation} activation`
        : `glorotUniform (std √(2/(fan_in + fan_out))${here}) suits its ${activation} activation`;
      const what = `${describeLayer(site)} starts with ${describeInitializer(init)}, so its ${units} ${site.layer.type === 'dense' ? 'units' : 'filters'} all compute the same output.`;
      const why = stuck
        ? ` They cannot become different: ${stuck}. The layer learns like a single unit.`
        : ' Only the random weights of the next layer tell them apart, so they start as copies and separate slowly.';
      const layers = asLayerArgument([site.indexPath]);
      findings.push({
        severity: stuck ? 'error' : 'warning',
        message: `${what}${why} Initialize the kernel randomly: ${recommended}.`,
        layer: site.top,
        path: layerPropertyPath(context, site.indexPath, 'kernelInitializer'),
        evidence: { initializer: init.type, value, units, activation, staysSymmetric: stuck !== undefined },
        fixes: [
          fixReference('fix.he-init', config, { layers }, he),
          fixReference('fix.glorot-init', config, { layers }, !he),
        ],
      });
    });
    return findings;
  },
};
