// One cell per layer, colored by the state of its latest statistics sample (healthy, vanishing,
// exploding, dead, saturated), with the numbers in a tooltip.

import type { RunData } from '../../../src/core/dashboard/runData';
import { h, replaceChildren } from '../domBuilder';
import { HEALTH_LABELS, layerHealth, type LayerHealthState } from '../layerHealth';

export class LayerHealthStrip {
  readonly element: HTMLElement;
  private readonly cells: HTMLElement;
  private readonly legend: HTMLElement;
  private signature = '';

  constructor() {
    this.cells = h('div', { class: 'health-cells', attrs: { role: 'list', 'aria-label': 'Layer health' } });
    this.legend = h('div', { class: 'health-legend' });
    this.element = h('div', { class: 'health-strip' }, this.cells, this.legend);
  }

  render(run: RunData | undefined): void {
    const sample = run?.layerStats[run.layerStats.length - 1];
    const signature = `${run?.runId}:${sample?.step ?? ''}:${run?.layerStats.length ?? 0}`;
    if (signature === this.signature) return;
    this.signature = signature;
    if (!sample) {
      replaceChildren(this.cells, h('span', { class: 'muted', text: run ? 'Waiting for the first statistics sample…' : 'No run.' }));
      replaceChildren(this.legend);
      return;
    }
    const health = layerHealth(sample.layers);
    replaceChildren(this.cells, ...health.map((layer) => h('div', {
      class: `health-cell health-${layer.state}`,
      title: [`${HEALTH_LABELS[layer.state]} — step ${sample.step}`, ...layer.details].join('\n'),
      attrs: { role: 'listitem', 'aria-label': `${layer.name}: ${HEALTH_LABELS[layer.state]}` },
      dataset: { state: layer.state, layer: String(layer.index) },
    }, h('span', { class: 'health-index', text: String(layer.index) }))));
    const states = [...new Set(health.map((l) => l.state))] as LayerHealthState[];
    replaceChildren(this.legend, ...states.map((state) => h('span', { class: 'legend-item' }, h('span', { class: `legend-swatch health-${state}` }), HEALTH_LABELS[state])));
  }
}
