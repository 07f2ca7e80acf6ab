// The redraw throttle: many requests, one frame; at most one redraw per interval; parts on
// consecutive frames.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_INTERVAL_MS, RedrawScheduler, REDRAW_INTERVAL_MS, type FrameClock } from '../../webview/src/redrawScheduler';

class FakeClock implements FrameClock {
  time = 0;
  frames: (() => void)[] = [];
  timers: { at: number; callback: () => void }[] = [];
  now = () => this.time;
  requestFrame = (callback: () => void) => void this.frames.push(callback);
  setTimer = (callback: () => void, delayMs: number) => void this.timers.push({ at: this.time + delayMs, callback });

  /** Advances time by `ms`, firing due timers, then runs one animation frame. */
  tick(ms = 16): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.callback();
    const frames = this.frames;
    this.frames = [];
    for (const frame of frames) frame();
  }
}

test('requests before the frame are merged into one draw', () => {
  const clock = new FakeClock();
  let draws = 0;
  const scheduler = new RedrawScheduler(() => void draws++, clock);
  for (let i = 0; i < 50; i++) scheduler.request();
  assert.equal(scheduler.pending, true);
  clock.tick();
  assert.equal(draws, 1);
  assert.equal(scheduler.pending, false);
});

test('at most one draw per interval while requests keep coming', () => {
  const clock = new FakeClock();
  const drawTimes: number[] = [];
  const scheduler = new RedrawScheduler(() => void drawTimes.push(clock.time), clock);
  // A batch of events every 10 ms for 2 s.
  for (let t = 0; t < 2000; t += 10) {
    scheduler.request();
    clock.tick(10);
  }
  for (let i = 1; i < drawTimes.length; i++) {
    assert.ok(drawTimes[i] - drawTimes[i - 1] >= REDRAW_INTERVAL_MS, `draws ${drawTimes[i - 1]} and ${drawTimes[i]} too close`);
  }
  assert.ok(drawTimes.length >= 6 && drawTimes.length <= 9, `${drawTimes.length} draws in 2 s`);
});

test('the first request after a quiet period draws on the next frame', () => {
  const clock = new FakeClock();
  let draws = 0;
  const scheduler = new RedrawScheduler(() => void draws++, clock);
  scheduler.request();
  clock.tick();
  clock.tick(1000);
  scheduler.request();
  clock.tick(16);
  assert.equal(draws, 2);
});

test('a draw in parts takes one frame per part; a request made meanwhile gets a draw of its own after the interval', () => {
  const clock = new FakeClock();
  const parts: number[] = [];
  let part = 0;
  const scheduler = new RedrawScheduler(() => {
    parts.push(clock.time);
    part = (part + 1) % 3;
    return part !== 0;
  }, clock);
  scheduler.request();
  clock.tick();
  scheduler.request();
  assert.equal(scheduler.pending, true);
  clock.tick();
  clock.tick();
  assert.deepEqual(parts, [16, 32, 48]);
  assert.equal(scheduler.pending, true, 'the parts drawn first may be older than the request');
  for (let i = 0; i < 20; i++) clock.tick();
  const [first, second, third, ...more] = parts.slice(3);
  assert.ok(first >= 48 + REDRAW_INTERVAL_MS, `the next draw waits for the interval (${first})`);
  assert.deepEqual([second - first, third - second, more.length], [16, 16, 0]);
  assert.equal(scheduler.pending, false);
});

test('without requests in between, a draw in parts ends the work', () => {
  const clock = new FakeClock();
  let calls = 0;
  const scheduler = new RedrawScheduler(() => ++calls % 2 === 1, clock);
  scheduler.request();
  for (let i = 0; i < 30; i++) clock.tick();
  assert.equal(calls, 2);
  assert.equal(scheduler.pending, false);
});

test('costly redraws are spaced by four times their cost (script and the frame after), up to a second', () => {
  // The test feeds a batch every 10 ms and each tick is a frame: the frame after a draw comes 10 ms later.
  for (const [costMs, expectedGap] of [[20, REDRAW_INTERVAL_MS], [100, 4 * (100 + 10)], [400, MAX_INTERVAL_MS]] as const) {
    const clock = new FakeClock();
    const drawTimes: number[] = [];
    // Each draw takes `costMs` of script; then the frame after it.
    const scheduler = new RedrawScheduler(() => {
      drawTimes.push(clock.time);
      clock.time += costMs;
    }, clock);
    for (let t = 0; t < 6000; t += 10) {
      scheduler.request();
      clock.tick(10);
    }
    const gaps = drawTimes.slice(2).map((t, i) => t - drawTimes[i + 1]);
    const least = Math.min(...gaps);
    assert.ok(least >= expectedGap && least <= expectedGap + costMs + 30, `cost ${costMs} ms: least gap ${least} ms, expected about ${expectedGap} ms (gaps ${gaps.slice(0, 5).join(', ')})`);
    assert.ok(Math.max(...gaps) <= Math.max(expectedGap, MAX_INTERVAL_MS) + costMs + 30, `cost ${costMs} ms: a gap of ${Math.max(...gaps)} ms`);
  }
});

test('a redraw in parts is measured over all its parts', () => {
  const clock = new FakeClock();
  let part = 0;
  const scheduler = new RedrawScheduler(() => {
    clock.time += 50;
    part++;
    return part % 2 === 1; // two parts per redraw
  }, clock);
  scheduler.request();
  clock.tick(); // part 1 (50 ms)
  clock.tick(); // part 2 (50 ms)
  clock.tick(); // the frame after: measured
  assert.equal(scheduler.pending, false);
  // Each part: 50 ms of script + the 16 ms to the next frame.
  assert.equal(scheduler.lastRedrawCostMs, 2 * (50 + 16));
  assert.equal(scheduler.intervalMs, 4 * 2 * (50 + 16));
});

test('cheap redraws leave the interval at its minimum', () => {
  const clock = new FakeClock();
  const scheduler = new RedrawScheduler(() => undefined, clock);
  scheduler.request();
  clock.tick();
  clock.tick();
  assert.equal(scheduler.intervalMs, REDRAW_INTERVAL_MS);
});

test('a draw that throws does not stop later redraws (its error goes to onError)', () => {
  const clock = new FakeClock();
  const errors: unknown[] = [];
  let draws = 0;
  const scheduler = new RedrawScheduler(() => {
    draws++;
    if (draws === 1) throw new Error('bad data');
  }, clock, REDRAW_INTERVAL_MS, (error) => errors.push(error));
  scheduler.request();
  clock.tick();
  assert.deepEqual(errors.map((e) => (e as Error).message), ['bad data']);
  assert.equal(scheduler.pending, false, 'the failed redraw is over');
  scheduler.request();
  for (let i = 0; i < 30; i++) clock.tick();
  assert.equal(draws, 2, 'the next request is drawn');
});

test('a part that throws ends its redraw; without onError the error propagates and the scheduler still works', () => {
  const clock = new FakeClock();
  const calls: string[] = [];
  let failing = true;
  const scheduler = new RedrawScheduler(() => {
    calls.push(failing ? 'part 1' : 'draw');
    if (!failing) return false;
    if (calls.length === 1) return true;
    throw new Error('part 2 failed');
  }, clock);
  scheduler.request();
  clock.tick();
  scheduler.request(); // made during the parts: would be drawn after them
  assert.throws(() => clock.tick(), /part 2 failed/);
  failing = false;
  for (let i = 0; i < 30; i++) clock.tick();
  assert.equal(scheduler.pending, false);
  scheduler.request();
  for (let i = 0; i < 30; i++) clock.tick();
  assert.ok(calls.filter((c) => c === 'draw').length >= 1, `drawn again after the failure: ${calls.join(', ')}`);
  assert.equal(scheduler.pending, false);
});
