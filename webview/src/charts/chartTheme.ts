// Chart colors and fonts come from the VS Code theme's CSS variables (read when the theme
// changes), so the charts follow light, dark and high-contrast themes like the rest of the UI.

export interface ChartPalette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  train: string;
  validation: string;
  compare: string;
  learningRate: string;
  mean: string;
  weights: string;
  dead: string;
  saturated: string;
  zeros: string;
  /** Shallow → deep layers are drawn from the first color towards the second. */
  depthFrom: string;
  depthTo: string;
}

const FALLBACK: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-charts-lines': 'rgba(128, 128, 128, 0.35)',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-foreground': '#cccccc',
};

export function readPalette(element: Element = document.documentElement): ChartPalette {
  const style = getComputedStyle(element);
  const v = (name: string): string => style.getPropertyValue(name).trim() || FALLBACK[name] || '#888888';
  const fontSize = Number.parseFloat(v('--vscode-font-size'));
  return {
    foreground: v('--vscode-charts-foreground'),
    muted: v('--vscode-descriptionForeground'),
    grid: v('--vscode-charts-lines'),
    background: v('--vscode-editor-background'),
    fontFamily: v('--vscode-font-family'),
    fontSize: Number.isFinite(fontSize) ? Math.max(10, fontSize - 2) : 11,
    train: v('--vscode-charts-blue'),
    validation: v('--vscode-charts-orange'),
    compare: v('--vscode-charts-purple'),
    learningRate: v('--vscode-charts-green'),
    mean: v('--vscode-charts-yellow'),
    weights: v('--vscode-charts-purple'),
    dead: v('--vscode-charts-red'),
    saturated: v('--vscode-charts-orange'),
    zeros: v('--vscode-charts-yellow'),
    depthFrom: v('--vscode-charts-blue'),
    depthTo: v('--vscode-charts-red'),
  };
}

type Rgba = [number, number, number, number];

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS color as RGBA (the canvas normalizes names, hsl(), etc.); undefined if unreadable. */
export function parseColor(color: string): Rgba | undefined {
  const direct = parseRgb(color);
  if (direct) return direct;
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return undefined;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  return parseRgb(String(probe.fillStyle));
}

function parseRgb(color: string): Rgba | undefined {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (hex) {
    let digits = hex[1];
    if (digits.length === 3 || digits.length === 4) digits = [...digits].map((d) => d + d).join('');
    if (digits.length !== 6 && digits.length !== 8) return undefined;
    const n = (i: number) => Number.parseInt(digits.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), digits.length === 8 ? n(6) / 255 : 1];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
  if (rgb) {
    const alpha = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? Number.parseFloat(rgb[4]) / 100 : Number.parseFloat(rgb[4]);
    return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), alpha];
  }
  return undefined;
}

const css = ([r, g, b, a]: Rgba): string => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${Number(a.toFixed(3))})`;

export function withAlpha(color: string, alpha: number): string {
  const rgba = parseColor(color);
  return rgba ? css([rgba[0], rgba[1], rgba[2], rgba[3] * alpha]) : color;
}

/** The color `t` ∈ [0, 1] of the way from `from` to `to`. */
export function mix(from: string, to: string, t: number): string {
  const a = parseColor(from);
  const b = parseColor(to);
  if (!a || !b) return t < 0.5 ? from : to;
  return css([0, 1, 2, 3].map((i) => a[i] + (b[i] - a[i]) * t) as Rgba);
}
