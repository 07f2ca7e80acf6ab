// Drawing is the expensive part of a live dashboard, so it is throttled: events are folded into
// the model as they arrive, and the charts are redrawn on an animation frame at most once per
// interval however many batches came in between. A redraw may come in parts (the draw function
// returns true while it has more to do), one per frame, so no single frame carries all the charts.
//
// The interval also follows what a redraw costs. In VS Code for the browser the webviews share
// the workbench's main thread, and with a software-rendered canvas the paint after the script
// can cost more than the script; a redraw's cost is measured from the start of each part to the
// next animation frame (script, style, layout and paint of that frame), and a redraw starts at
// least DRAW_BUDGET_DIVISOR times that cost after the previous one (at most MAX_INTERVAL_MS), so
// drawing keeps to about a quarter of the thread however heavy the charts become.

export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): void;
  setTimer(callback: () => void, delayMs: number): void;
}

export const REDRAW_INTERVAL_MS = 250;
/** Redraws start at least this many times their measured cost apart. */
export const DRAW_BUDGET_DIVISOR = 4;
/** However costly, the charts are redrawn at least this often while data arrives. */
export const MAX_INTERVAL_MS = 1000;

export class RedrawScheduler {
  private scheduled = false;
  /** Between the first and the last part of a draw. */
  private inParts = false;
  /** A request came in after a draw had begun: what it drew first may be stale. */
  private again = false;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  /** The redraw being measured: its cost so far and when its latest part started. */
  private measuring: { cost: number; partStartedAt: number } | undefined;
  /** What the last complete redraw cost (ms), frames included. */
  private lastCostMs = 0;

  constructor(
    /** Draws; returns true when it has another part to draw on the next frame. */
    private readonly draw: () => boolean | void,
    private readonly clock: FrameClock,
    private readonly minIntervalMs = REDRAW_INTERVAL_MS,
    /** Where a draw's error goes; without it, the error propagates (after the scheduler is ready for the next request). */
    private readonly onError?: (error: unknown) => void,
  ) {}

  /** Asks for a redraw; calls made before it happens are merged into it (made while it is drawn in parts, into the next one). */
  request(): void {
    if (this.scheduled) {
      if (this.inParts) this.again = true;
      return;
    }
    this.scheduled = true;
    const wait = this.lastDrawAt + this.intervalMs - this.clock.now();
    if (wait > 0) this.clock.setTimer(() => this.clock.requestFrame(this.run), wait);
    else this.clock.requestFrame(this.run);
  }

  get pending(): boolean {
    return this.scheduled;
  }

  /** The least time between the starts of two redraws, given what the last one cost. */
  get intervalMs(): number {
    return Math.min(MAX_INTERVAL_MS, Math.max(this.minIntervalMs, this.lastCostMs * DRAW_BUDGET_DIVISOR));
  }

  get lastRedrawCostMs(): number {
    return this.lastCostMs;
  }

  private readonly run = (): void => {
    const now = this.clock.now();
    // The interval runs from the latest part, so the frames right after a long redraw stay free.
    this.lastDrawAt = now;
    if (this.measuring) this.measuring.cost += now - this.measuring.partStartedAt;
    else this.measuring = { cost: 0, partStartedAt: now };
    this.measuring.partStartedAt = now;
    // A draw that throws (bad data that got through, a bug) ends its redraw like one that
    // finished: otherwise `scheduled` would stay set and no later request would ever draw.
    let more = false;
    try {
      more = this.draw() === true;
    } catch (error) {
      if (!this.onError) throw error;
      this.onError(error);
    } finally {
      if (more) {
        this.inParts = true;
        this.clock.requestFrame(this.run);
      } else {
        this.finish();
      }
    }
  };

  private finish(): void {
    this.scheduled = false;
    this.inParts = false;
    // The last part's cost shows at the next frame.
    this.clock.requestFrame(this.measured);
    if (this.again) {
      this.again = false;
      this.request();
    }
  }

  private readonly measured = (): void => {
    if (!this.measuring) return;
    this.lastCostMs = this.measuring.cost + (this.clock.now() - this.measuring.partStartedAt);
    this.measuring = undefined;
  };
}
