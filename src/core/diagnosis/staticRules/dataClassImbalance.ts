// data.class-imbalance: the training split's classes are far from balanced (SageMaker Debugger's
// ClassImbalance, UMLAUT's label-balance check). The loss is an average over examples, so the
// majority class dominates every gradient: the model can score the majority's share of accuracy by
// predicting it always, and the rare classes are learnt late or never. Judged on the label counts
// measured when the data is loaded; a config alone says nothing about them.
//
// No config edit fixes it (the format has no class weights or resampling), so the finding offers
// none and says what to do with the data instead.

import type { FindingDraft, RuleSettings, StaticContext, StaticRule } from '../rule';
import { firstWrittenPath } from './findingLocation';
import { num } from './messageText';

interface Balance {
  majority: number;
  minority: number;
  majorityCount: number;
  minorityCount: number;
  total: number;
  ratio: number;
}

function balanceOf(counts: number[]): Balance | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length < 2 || total === 0) return undefined;
  let majority = 0;
  let minority = 0;
  counts.forEach((count, label) => {
    if (count > counts[majority]) majority = label;
    if (count < counts[minority]) minority = label;
  });
  const majorityCount = counts[majority];
  const minorityCount = counts[minority];
  return { majority, minority, majorityCount, minorityCount, total, ratio: minorityCount === 0 ? Infinity : majorityCount / minorityCount };
}

const percentText = (fraction: number) => `${Number((fraction * 100).toPrecision(3))}%`;

export const dataClassImbalanceRule: StaticRule = {
  id: 'data.class-imbalance',
  kind: 'static',
  defaultSeverity: 'warning',
  thresholds: { maxRatio: 10, infoRatio: 3, minExamples: 20 },
  docs: {
    title: 'The classes of the training split are imbalanced',
    description:
      'The loss averages over examples, so a class with many more examples dominates every gradient: predicting it ' +
      'always already scores its share of accuracy, and rare classes are learnt late or not at all (accuracy then ' +
      'hides the failure). Measured on the label counts of the training split when the data is loaded. Warning when ' +
      'the largest class has `maxRatio` (10, SageMaker Debugger\'s ClassImbalance default) times the examples of the ' +
      'smallest one, or a class has none; info from `infoRatio` (3). Splits smaller than `minExamples` are not judged.',
  },
  fixes: [],
  check(context: StaticContext, settings: RuleSettings): FindingDraft[] {
    const counts = context.inputStats?.labelCounts;
    const t = settings.thresholds;
    if (!counts) return [];
    const balance = balanceOf(counts);
    if (!balance || balance.total < t.minExamples || balance.ratio < t.infoRatio) return [];
    const { majority, minority, majorityCount, minorityCount, total, ratio } = balance;
    const serious = ratio >= t.maxRatio;
    const smallest = minorityCount === 0
      ? `class ${minority} has no training example at all, so the model never sees it`
      : `class ${minority} has ${minorityCount} (${num(ratio)}× fewer)`;
    return [{
      severity: serious ? undefined : 'info',
      message:
        `The training split is imbalanced: class ${majority} has ${majorityCount} of the ${total} examples while ${smallest}. ` +
        `A model that always predicts class ${majority} already scores ${percentText(majorityCount / total)} accuracy, and the ` +
        'majority class dominates every gradient, so the rare classes are learnt late or not at all. Collect or oversample ' +
        'examples of the rare classes (or undersample the large ones) in the data file, and judge the model per class rather ' +
        'than by its accuracy.',
      path: firstWrittenPath(context, [['data', 'dataset'], ['data']]),
      evidence: { labelCounts: counts, majorityClass: majority, minorityClass: minority, ratio: Number.isFinite(ratio) ? ratio : null, examples: total },
      fixes: [],
    }];
  },
};
