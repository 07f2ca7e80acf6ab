// Decimation keeps per-step series drawable without hiding what matters: spikes, gaps, the ends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimate } from '../../webview/src/decimate';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('short series are drawn as they are', () => {
  const x = range(10);
  const y = x.map((v) => v * 2);
  assert.deepEqual(decimate(x, y, 2000), x.map((v) => ({ x: v, y: v * 2 })));
});

test('a 20,000-point series becomes at most 2,000 points, first and last kept, in x order', () => {
  const x = range(20_000);
  const y = x.map((v) => Math.sin(v / 100));
  const points = decimate(x, y, 2000);
  assert.ok(points.length <= 2000 && points.length > 1900, `${points.length} points`);
  assert.deepEqual(points[0], { x: 0, y: y[0] });
  assert.deepEqual(points[points.length - 1], { x: 19_999, y: y[19_999] });
  for (let i = 1; i < points.length; i++) assert.ok(points[i].x > points[i - 1].x, 'strictly increasing x');
});

test('a single spike survives decimation', () => {
  const x = range(50_000);
  const y = x.map((v) => (v === 31_337 ? 100 : 1));
  const points = decimate(x, y, 500);
  assert.ok(points.some((p) => p.x === 31_337 && p.y === 100));
  assert.ok(points.every((p) => p.y === 1 || p.x === 31_337));
});

test('NaN losses (null) stay gaps, and the budget still holds', () => {
  const x = range(20_000);
  const y: (number | null)[] = x.map((v) => (v % 1000 === 500 ? null : v));
  const points = decimate(x, y, 2000);
  assert.ok(points.length <= 2000, `${points.length} points`);
  assert.equal(points.filter((p) => p.y === null).length, 20, 'every gap is kept');
  const allNull = decimate(x, x.map(() => null), 2000);
  assert.ok(allNull.length <= 2000 && allNull.every((p) => p.y === null));
  const halfNull = decimate(x, x.map((v) => (v % 2 ? null : v)), 300);
  assert.ok(halfNull.length <= 300, `${halfNull.length} points`);
});

test('min and max of a bucket are both kept', () => {
  const x = range(1000);
  const y = x.map((v) => (v % 2 === 0 ? -1 : 1));
  const points = decimate(x, y, 100);
  assert.ok(points.length <= 100);
  assert.ok(points.some((p) => p.y === -1) && points.some((p) => p.y === 1));
});
