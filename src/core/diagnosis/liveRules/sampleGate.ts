// Persistence gating for statistics samples: a condition counts once it has held for N
// consecutive samples, so one noisy batch does not raise a finding. A probe (statistics of the
// initial model with no run around it) is a single, larger sample of a deterministic state, so
// there it counts at once.

import type { TrainingEvent } from '../../engine/trainingEvents';

export class SampleGate {
  private readonly streaks = new Map<string, number>();
  private runStarted = false;

  constructor(private readonly required: number) {}

  /** Call with every event before judging it: a run announces itself, a probe does not. */
  see(event: TrainingEvent): void {
    if (event.type === 'run-started') this.runStarted = true;
  }

  /** A layer-stats event that did not come from a run is a probe's. */
  get inProbe(): boolean {
    return !this.runStarted;
  }

  /** Records this sample's verdict for `key`; true when it has held long enough to report. */
  holds(key: string | number, condition: boolean): boolean {
    const id = String(key);
    const streak = condition ? (this.streaks.get(id) ?? 0) + 1 : 0;
    this.streaks.set(id, streak);
    return condition && (this.inProbe || streak >= Math.max(1, Math.round(this.required)));
  }

  streak(key: string | number): number {
    return this.streaks.get(String(key)) ?? 0;
  }
}
