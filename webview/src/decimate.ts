// Keeps long per-step series drawable: a 20,000-step run becomes at most `maxPoints` points that
// still show every spike (min and max of each bucket, in step order) and every gap (a null where
// the loss was NaN or infinite), so what the eye sees is what happened.

export interface SeriesPoint {
  x: number;
  y: number | null;
}

/**
 * Min/max decimation of (x[i], y[i]). The first and last points are always kept, so a live curve
 * ends at the latest step. Returns all points when there are at most `maxPoints` (at least 5).
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number | null>, maxPoints: number): SeriesPoint[] {
  const n = Math.min(x.length, y.length);
  const budget = Math.max(5, Math.floor(maxPoints));
  const out: SeriesPoint[] = [];
  if (n <= budget) {
    for (let i = 0; i < n; i++) out.push({ x: x[i], y: y[i] });
    return out;
  }
  let gaps = 0;
  for (let i = 0; i < n; i++) if (y[i] === null) gaps++;
  // Each bucket emits its min, its max and, when it holds a gap, one null: at most
  // 2 + 2·buckets + min(buckets, gaps) points, which this bucket count keeps within maxPoints.
  const buckets = Math.max(Math.floor((budget - 2) / 3), Math.floor((budget - 2 - gaps) / 2));
  const inner = n - 2;
  out.push({ x: x[0], y: y[0] });
  const picked: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let minI = -1;
    let maxI = -1;
    let gapI = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (v === null) {
        if (gapI < 0) gapI = i;
        continue;
      }
      if (minI < 0 || v < (y[minI] as number)) minI = i;
      if (maxI < 0 || v > (y[maxI] as number)) maxI = i;
    }
    picked.length = 0;
    if (minI >= 0) picked.push(minI);
    if (maxI >= 0 && maxI !== minI) picked.push(maxI);
    if (gapI >= 0) picked.push(gapI);
    picked.sort((a, b2) => a - b2);
    for (const i of picked) out.push({ x: x[i], y: y[i] });
  }
  out.push({ x: x[n - 1], y: y[n - 1] });
  return out;
}
