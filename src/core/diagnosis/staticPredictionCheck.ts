// A run tests what the static rules predicted from the config alone. Where the run measures the
// very thing a prediction is about and finds it fine, the prediction is withdrawn (resolved, with
// the measurement as the reason), as a live finding that later proves wrong is:
//   init.vanishing-activations / init.exploding-activations: the first statistics sample measures
//     the activations the variance model predicted; if the live half of the rule, which judges that
//     sample, raised nothing at warning level, the prediction did not hold for this model (a
//     predicted growth at a linear output, which the live half does not judge, holds when the
//     measured output's std passes the same absolute bar as the prediction's RMS);
//   lr.too-high-static: a rate above the usual range is a guess about the steps; a run whose loss
//     fell to at most `minDropToClear` of its start by epoch `clearAfterEpochs`, without a live
//     lr.too-high, trains well at that rate (the TensorFlow regression tutorial uses Adam at 0.1).

import type { TrainConfig } from '../config/trainConfig';
import type { TrainingEvent } from '../engine/trainingEvents';
import { isAlarm, type Finding } from './finding';
import { depthProfile } from './liveRules/activationDepthProfile';
import { num } from './liveRules/numberText';
import { ProgressTracker } from './liveRules/trainingProgress';
import { EXPLODED_RMS } from './staticRules/activationScale';
import { outputLayerIndex } from './staticRules/layerSites';

const MEASURED_BY_FIRST_SAMPLE = ['init.vanishing-activations', 'init.exploding-activations'];
/** The loss must have fallen by at least this much (relative) by `CLEAR_AFTER_EPOCHS`. */
const MIN_DROP_TO_CLEAR = 0.5;
const CLEAR_AFTER_EPOCHS = 2;

export class StaticPredictionCheck {
  private readonly open = new Map<string, Finding[]>();
  private readonly liveAlarms = new Set<string>();
  private readonly progress = new ProgressTracker();
  private firstSampleSeen = false;

  constructor(private readonly config: TrainConfig, staticFindings: Finding[]) {
    for (const f of staticFindings) {
      if (!isAlarm(f) || (!MEASURED_BY_FIRST_SAMPLE.includes(f.rule) && f.rule !== 'lr.too-high-static')) continue;
      this.open.set(f.rule, [...(this.open.get(f.rule) ?? []), f]);
    }
  }

  /** The live findings just raised (to know what the run confirmed), then the event they came from. */
  observe(event: TrainingEvent, liveFindings: Finding[]): Finding[] {
    for (const f of liveFindings) if (isAlarm(f)) this.liveAlarms.add(f.rule);
    this.progress.observe(event);
    if (event.type === 'layer-stats' && !this.firstSampleSeen) {
      this.firstSampleSeen = true;
      this.keepConfirmedOutput(event);
      return MEASURED_BY_FIRST_SAMPLE.flatMap((rule) => this.liveAlarms.has(rule) ? this.keep(rule) : this.withdraw(rule, this.measuredReason(event, rule)));
    }
    if (event.type === 'epoch-end' && event.epoch + 1 >= CLEAR_AFTER_EPOCHS && this.open.has('lr.too-high-static')) {
      const seen = this.progress.snapshot(event);
      if (this.liveAlarms.has('lr.too-high') || !seen || seen.progress < MIN_DROP_TO_CLEAR) return [];
      return this.withdraw('lr.too-high-static',
        `The run trains well at this rate: by epoch ${event.epoch + 1} the training loss fell from ${num(seen.initialLoss)} to ${num(seen.currentLoss)} (−${Math.round(seen.progress * 100)}%) without overshooting.`);
    }
    return [];
  }

  /** A growth predicted at the (linear) output stays open when the measured output is as large as predicted. */
  private keepConfirmedOutput(event: Extract<TrainingEvent, { type: 'layer-stats' }>): void {
    const output = outputLayerIndex(this.config);
    const measured = event.layers.find((l) => l.index === output)?.activation.std;
    const findings = this.open.get('init.exploding-activations');
    if (!findings || measured === undefined || !(measured > EXPLODED_RMS)) return;
    const rest = findings.filter((f) => f.layer !== output);
    if (rest.length === findings.length) return;
    if (rest.length > 0) this.open.set('init.exploding-activations', rest);
    else this.open.delete('init.exploding-activations');
  }

  private keep(rule: string): Finding[] {
    this.open.delete(rule);
    return [];
  }

  private withdraw(rule: string, reason: string): Finding[] {
    const findings = this.open.get(rule) ?? [];
    this.open.delete(rule);
    return findings.map((f) => ({ ...f, state: 'resolved', resolution: reason }));
  }

  private measuredReason(event: Extract<TrainingEvent, { type: 'layer-stats' }>, rule: string): string {
    // The hidden layers the live rule judges (no output, dropout, flatten or pooling).
    const stds = depthProfile(event.layers, this.config).points.map((p) => p.std).filter((s) => Number.isFinite(s));
    const range = stds.length > 0 ? `std ${num(Math.min(...stds))} to ${num(Math.max(...stds))} across the hidden layers` : 'the hidden layers';
    const what = rule === 'init.vanishing-activations' ? 'vanishing' : 'exploding';
    return `Measured at the first training step (step ${event.step}): ${range}, not ${what} enough to report. The variance model's prediction did not hold for this model and data.`;
  }
}
