// The redraw throttle: many requests, one frame; at most one redraw per interval; parts on
// consecutive frames.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedrawScheduler, REDRAW_INTERVAL_MS, type FrameClock } from '../../webview/src/redrawScheduler';

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
