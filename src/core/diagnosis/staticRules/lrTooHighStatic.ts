// lr.too-high-static: a learning rate far outside the range its optimizer works in, visible before
// training. Too high and each step overshoots the minimum: the loss oscillates or diverges to NaN.
// Too low and the weights hardly move: the loss crawls. Adaptive optimizers (adam, rmsprop)
// normalize the gradient, so their step is about the learning rate itself and their usable range
// is much lower than plain SGD's.

import type { OptimizerConfig } from '../../config/trainConfig';
import { fixReference } from '../fixes/fixReference';
import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { firstWrittenPath } from './findingLocation';
import { num } from './messageText';

const NAME: Record<OptimizerConfig['type'], string> = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop', adagrad: 'Adagrad' };

/** The usual starting rate for each optimizer (the Keras/tfjs defaults), which the fixes suggest. */
export const USUAL_RATE: Record<OptimizerConfig['type'], number> = { sgd: 0.01, adam: 0.001, rmsprop: 0.001, adagrad: 0.01 };

function limits(type: OptimizerConfig['type'], t: Record<string, number>): { low: number; high: number } {
  switch (type) {
    case 'adam':
    case 'rmsprop': return { low: t.minAdaptive, high: t.maxAdaptive };
    case 'sgd': return { low: t.minSgd, high: t.maxSgd };
    case 'adagrad': return { low: t.minSgd, high: t.maxAdagrad };
  }
}

export const lrTooHighStaticRule: StaticRule = {
  id: 'lr.too-high-static',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { maxAdaptive: 0.05, maxSgd: 1, maxAdagrad: 1, minAdaptive: 1e-6, minSgd: 1e-5 },
  docs: {
    title: 'Learning rate far outside the usual range',
    description:
      'The learning rate sets the step size. Far too high, every step overshoots the minimum and the loss oscillates or ' +
      'diverges (often to NaN within a few steps); far too low, the weights barely move and the loss crawls. Adam and ' +
      'RMSprop normalize the gradient, so their step is about the learning rate itself and they want much smaller rates ' +
      'than SGD. Reported when the rate exceeds maxAdaptive (adam, rmsprop), maxSgd (sgd) or maxAdagrad (adagrad), or ' +
      'falls below minAdaptive (adam, rmsprop) or minSgd (sgd, adagrad).',
  },
  fixes: ['fix.lower-lr', 'fix.raise-lr'],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const { config } = context;
    const optimizer = config.training.optimizer;
    const rate = optimizer.learningRate;
    const { low, high } = limits(optimizer.type, settings.thresholds);
    const usual = USUAL_RATE[optimizer.type];
    const path = firstWrittenPath(context, [['training', 'optimizer', 'learningRate'], ['training', 'optimizer', 'type'], ['training', 'optimizer']]);
    const evidence = { optimizer: optimizer.type, learningRate: rate, limit: rate > high ? high : low, usual };
    if (rate > high) {
      return [{
        message:
          `${NAME[optimizer.type]} with learningRate ${num(rate)} is far above its usual range (above ${num(high)}; ${num(usual)} is a ` +
          'common start). Steps this large overshoot the minimum: the loss oscillates or diverges, often to NaN within a few ' +
          `steps. Lower it to about ${num(usual)}${optimizer.type === 'sgd' ? ' (momentum already multiplies the effective step)' : ''}.`,
        path,
        evidence,
        fixes: [fixReference('fix.lower-lr', config, { learningRate: usual }, true)],
      }];
    }
    if (rate < low) {
      return [{
        message:
          `${NAME[optimizer.type]} with learningRate ${num(rate)} is far below its usual range (below ${num(low)}; ${num(usual)} is a ` +
          'common start). Steps this small barely move the weights: the loss will crawl and the run ends long before it ' +
          `converges. Raise it to about ${num(usual)}.`,
        path,
        evidence,
        fixes: [fixReference('fix.raise-lr', config, { learningRate: usual }, true)],
      }];
    }
    return [];
  },
};
