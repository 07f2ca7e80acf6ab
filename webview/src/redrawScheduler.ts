// Drawing is the expensive part of a live dashboard, so it is throttled: events are folded into
// the model as they arrive, and the charts are redrawn on an animation frame at most once per
// interval however many batches came in between. A redraw may come in parts (the draw function
// returns true while it has more to do), one per frame, so no single frame carries all the charts.

export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): void;
  setTimer(callback: () => void, delayMs: number): void;
}

export const REDRAW_INTERVAL_MS = 250;

export class RedrawScheduler {
  private scheduled = false;
  /** Between the first and the last part of a draw. */
  private inParts = false;
  /** A request came in after a draw had begun: what it drew first may be stale. */
  private again = false;
  private lastDrawAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** Draws; returns true when it has another part to draw on the next frame. */
    private readonly draw: () => boolean | void,
    private readonly clock: FrameClock,
    private readonly minIntervalMs = REDRAW_INTERVAL_MS,
  ) {}

  /** Asks for a redraw; calls made before it happens are merged into it (made while it is drawn in parts, into the next one). */
  request(): void {
    if (this.scheduled) {
      if (this.inParts) this.again = true;
      return;
    }
    this.scheduled = true;
    const wait = this.lastDrawAt + this.minIntervalMs - this.clock.now();
    if (wait > 0) this.clock.setTimer(() => this.clock.requestFrame(this.run), wait);
    else this.clock.requestFrame(this.run);
  }

  get pending(): boolean {
    return this.scheduled;
  }

  private readonly run = (): void => {
    this.lastDrawAt = this.clock.now();
    if (this.draw() === true) {
      this.inParts = true;
      this.clock.requestFrame(this.run);
      return;
    }
    this.scheduled = false;
    this.inParts = false;
    if (this.again) {
      this.again = false;
      this.request();
    }
  };
}
