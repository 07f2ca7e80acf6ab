// Shows a run's events to a person: on a terminal a single redrawn progress line per epoch, in a
// log (not a TTY) plain lines only at epoch ends and for notable events, so CI logs stay short.

import type { TrainingEvent } from '../core/engine/trainingEvents';
import { duration, formatEpochLine, formatFinding, num } from '../core/report/textFormat';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;
/** Redraw at most this often: terminals are slow, steps are fast. */
const REDRAW_MS = 100;

export class TrainProgress {
  private epochs = 0;
  private stepsPerEpoch = 0;
  private epochStartStep = 0;
  private epochStartTime = Date.now();
  private lastDraw = 0;
  private lineOpen = false;

  constructor(private readonly out: Output) {}

  handle(event: TrainingEvent): void {
    switch (event.type) {
      case 'run-started':
        this.epochs = event.epochs;
        this.stepsPerEpoch = event.stepsPerEpoch;
        this.epochStartTime = Date.now();
        this.line(`Training "${event.configName}" on ${event.backend} (${event.backendDetail})`);
        this.line(`  data: ${event.dataset}; ${event.epochs} epochs × ${event.stepsPerEpoch} steps of ${event.batchSize}`);
        if (event.runDir) this.line(`  run folder: ${event.runDir}`);
        break;
      case 'step':
        if (this.out.isTTY) this.drawBar(event.step, event.epoch, event.loss, event.metrics);
        break;
      case 'epoch-end': {
        this.line(formatEpochLine(event, this.epochs));
        this.epochStartStep = event.step;
        this.epochStartTime = Date.now();
        break;
      }
      case 'finding':
        // A later version of a finding (more layers joined it, or its rule withdrew it) says so.
        this.line(event.finding.state === 'resolved' ? `  ✓ ${formatFinding(event.finding)}` : `  ! ${formatFinding(event.finding)}`);
        break;
      case 'log':
        if (event.level !== 'info' || !this.out.isTTY) this.line(`  ${event.level}: ${event.message}`);
        break;
      case 'run-ended':
        this.line(`Run ${event.status} after ${event.epochsCompleted} epoch(s), ${event.steps} steps, ${duration(event.durationMs)}.${event.reason ? `\n  ${event.reason}` : ''}`);
        break;
      case 'layer-stats':
        break;
    }
  }

  private drawBar(step: number, epoch: number, loss: number, metrics: Record<string, number>): void {
    const now = Date.now();
    const inEpoch = step - this.epochStartStep + 1;
    if (now - this.lastDraw < REDRAW_MS && inEpoch < this.stepsPerEpoch) return;
    this.lastDraw = now;
    const fraction = Math.min(1, inEpoch / Math.max(1, this.stepsPerEpoch));
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = inEpoch / Math.max(0.001, (now - this.epochStartTime) / 1000);
    const eta = (this.stepsPerEpoch - inEpoch) / Math.max(rate, 1e-9) * 1000;
    const shown = Object.entries(metrics).map(([k, v]) => `${k} ${num(v)}`).join(' ');
    let text = `epoch ${epoch + 1}/${this.epochs} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${inEpoch}/${this.stepsPerEpoch} loss ${num(loss)} ${shown} ${rate.toFixed(1)} steps/s eta ${duration(eta)}`;
    if (this.out.columns) text = text.slice(0, this.out.columns - 1);
    this.out.write(`\r\x1b[2K${text}`);
    this.lineOpen = true;
  }

  private line(text: string): void {
    if (this.lineOpen) this.out.write('\r\x1b[2K');
    this.lineOpen = false;
    this.out.write(text + '\n');
  }
}
