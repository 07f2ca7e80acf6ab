// Where a run's events go, whatever engine produced them (our TensorFlow.js loop, or a PyTorch
// script streaming events back): the run folder (metrics.jsonl, run.json), the TensorBoard event
// file beside it, the caller, and the monitors (the live rules), whose findings become finding
// events and whose stop requests the engine honours at its next step.

import { upsertFinding, type Finding } from '../diagnosis/finding';
import { TrainingEventLog } from '../interop/tensorboard/trainingEventLog';
import type { RunFolder } from './runFolder';
import type { RunEndedEvent, RunStatus, TrainingEvent } from './trainingEvents';

/** Something watching a run (the live diagnosis rules): may report findings or stop the run. */
export interface RunMonitor {
  observe(event: TrainingEvent): { findings?: Finding[]; stop?: { status: 'failed' | 'stopped-early'; reason: string } } | void;
}

export class RunRecorder {
  readonly findings: Finding[] = [];
  /** Why the run should end at its next step (a monitor's verdict, a disk that filled up). */
  stopRequest?: { status: RunStatus; reason: string };
  private readonly tensorboardLog = new TrainingEventLog();
  readonly started = Date.now();

  constructor(
    readonly folder: RunFolder | undefined,
    private readonly onEvent: ((event: TrainingEvent) => void) | undefined,
    private readonly monitors: RunMonitor[] = [],
  ) {}

  emit(event: TrainingEvent): void {
    this.folder?.append(event);
    // A run folder that can no longer be written (a full disk) ends the run at the next step.
    if (this.folder?.failure && !this.stopRequest) this.stopRequest = { status: 'failed', reason: this.folder.failure };
    // The run as a TensorBoard event file beside metrics.jsonl (written only where a run folder is).
    const tensorboardFailure = this.tensorboardLog.append(event);
    if (tensorboardFailure) this.emit({ type: 'log', level: 'warning', message: tensorboardFailure });
    this.onEvent?.(event);
    for (const monitor of this.monitors) {
      const verdict = monitor.observe(event);
      if (!verdict) continue;
      for (const finding of verdict.findings ?? []) {
        // A finding that grew or was withdrawn replaces its earlier version (same id).
        upsertFinding(this.findings, finding);
        const findingEvent: TrainingEvent = { type: 'finding', finding };
        this.folder?.append(findingEvent);
        this.onEvent?.(findingEvent);
      }
      if (verdict.stop && !this.stopRequest) this.stopRequest = verdict.stop;
    }
  }

  /**
   * Ends the run: the record first (whoever hears run-ended may read run.json at once), then the
   * run-ended event with the findings. A write that failed last still fails the run.
   */
  finish(end: Omit<RunEndedEvent, 'type' | 'findings' | 'durationMs'>): RunEndedEvent {
    let { status, reason } = end;
    if (this.folder?.failure && status !== 'failed') {
      status = 'failed';
      reason = this.folder.failure;
    }
    const ended: RunEndedEvent = {
      type: 'run-ended', status, reason, epochsCompleted: end.epochsCompleted, steps: end.steps,
      durationMs: Date.now() - this.started, bestEpoch: end.bestEpoch, final: end.final, findings: this.findings,
    };
    this.folder?.finish({
      status, reason, endedAt: new Date().toISOString(), durationMs: ended.durationMs,
      epochsCompleted: ended.epochsCompleted, steps: ended.steps, final: ended.final, findingCount: this.findings.length,
    });
    this.emit(ended);
    return ended;
  }
}
