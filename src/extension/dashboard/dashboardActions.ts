// What the dashboards ask the rest of the extension to do, as one interface: the webviews only
// post requests, the training controller (or a test double) carries them out.

export interface FixOutcome {
  ok: boolean;
  /** Shown in the webview next to the fix button, e.g. "Set kernelInitializer on layers 0–5" or why it failed. */
  message: string;
}

type Done = void | PromiseLike<unknown>;

export interface DashboardActions {
  /** Applies fix `fixId` of finding `findingIndex` (an index into the run's findings) to the run's config. */
  applyFix(runId: string, findingIndex: number, fixId: string): PromiseLike<FixOutcome> | FixOutcome;
  /** Trains the run's config again. */
  rerun(runId: string): Done;
  stop(runId: string): Done;
  /** Opens the run in its own dashboard panel. */
  openRun(runId: string): Done;
  /** Overlays another run on this run's curves; without `otherRunId` the user picks it. */
  compare(runId: string, otherRunId?: string): Done;
  /** Opens the run's config, at the finding's location when there is one. */
  revealConfig(runId: string, findingIndex?: number): Done;
}
