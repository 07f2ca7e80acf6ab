// Small 16×16 icons drawn with currentColor, so CSS colors them from the theme (no icon font,
// no image requests).

import type { FindingSeverity } from '../../src/core/diagnosis/finding';
import type { RunListStatus } from '../../src/core/dashboard/dashboardProtocol';

const SVG_NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  error: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm2.8 8.4-.9.9L8 8.9l-1.9 1.9-.9-.9L7.1 8 5.2 6.1l.9-.9L8 7.1l1.9-1.9.9.9L8.9 8z',
  warning: 'M8.6 1.9a.7.7 0 0 0-1.2 0L1.1 13.3a.7.7 0 0 0 .6 1h12.6a.7.7 0 0 0 .6-1zM8.7 12.3H7.3V11h1.4zm0-2.5H7.3V5.5h1.4z',
  info: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm.7 10H7.3V7h1.4zm0-5.6H7.3V4.5h1.4z',
  check: 'M13.4 4.3 6.5 11.2 2.6 7.3l1-1 2.9 2.9 5.9-5.9z',
  stopped: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM5.5 5.5h5v5h-5z',
  cancelled: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm0 1.4a5.1 5.1 0 0 1 4 8.2L4.9 4a5.1 5.1 0 0 1 3.1-1.1zM3.1 5a5.1 5.1 0 0 0 7.9 6.5z',
  // A ring with a play triangle: static. A spinning icon repaints its webview at every frame,
  // which in VS Code for the browser (software-rendered, on the workbench's thread) cost about a
  // sixth of that thread while a run trained.
  running: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm0 1.4a5.1 5.1 0 1 1 0 10.2A5.1 5.1 0 0 1 8 2.9zM6.6 5.4v5.2L10.8 8z',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName, label?: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('class', `icon icon-${name}`);
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = label;
    svg.appendChild(title);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('fill-rule', 'evenodd');
  svg.appendChild(path);
  return svg;
}

export function severityIcon(severity: FindingSeverity): SVGSVGElement {
  return icon(severity, severity);
}

const STATUS_ICONS: Record<RunListStatus, IconName> = {
  running: 'running',
  completed: 'check',
  'stopped-early': 'stopped',
  cancelled: 'cancelled',
  failed: 'error',
  interrupted: 'warning',
  unknown: 'info',
};

export function statusIcon(status: RunListStatus): SVGSVGElement {
  const svg = icon(STATUS_ICONS[status] ?? 'info', status);
  svg.classList.add(`status-${status}`);
  return svg;
}
