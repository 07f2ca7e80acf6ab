// A small text plot (y against log x) for terminals, so `lr-find` shows its curve without a GUI.

export function asciiCurve(xs: number[], ys: number[], options: { width: number; height: number; mark?: number }): string {
  const points = xs.map((x, i) => [Math.log10(x), ys[i]] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length < 2) return '';
  const [x0, x1] = [points[0][0], points[points.length - 1][0]];
  // Clip the top at three times the starting loss so the blow-up does not flatten the rest.
  const yMin = Math.min(...points.map(([, y]) => y));
  const yMax = Math.min(Math.max(...points.map(([, y]) => y)), yMin + 3 * Math.max(1e-12, points[0][1] - yMin));
  const grid = Array.from({ length: options.height }, () => new Array<string>(options.width).fill(' '));
  const col = (x: number) => Math.round(((x - x0) / Math.max(1e-12, x1 - x0)) * (options.width - 1));
  for (const [x, y] of points) {
    const row = Math.round(((Math.min(y, yMax) - yMin) / Math.max(1e-12, yMax - yMin)) * (options.height - 1));
    grid[options.height - 1 - row][col(x)] = '*';
  }
  if (options.mark !== undefined) {
    const c = col(Math.log10(options.mark));
    if (c >= 0 && c < options.width) for (const line of grid) if (line[c] === ' ') line[c] = '|';
  }
  const label = (v: number) => v.toPrecision(3).padStart(9);
  const lines = grid.map((line, r) => `${r === 0 ? label(yMax) : r === options.height - 1 ? label(yMin) : ' '.repeat(9)} ${line.join('')}`);
  const axis = `${' '.repeat(10)}${('1e' + Math.round(x0)).padEnd(options.width - 4)}${'1e' + Math.round(x1)}`;
  return ['loss', ...lines, axis, `${' '.repeat(10)}learning rate (log scale)${options.mark !== undefined ? ', | = suggested' : ''}`].join('\n');
}
