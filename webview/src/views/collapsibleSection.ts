// A titled section whose collapsed state survives reloads; charts in a collapsed section are not
// drawn at all.

import { h } from '../domBuilder';
import type { ViewContext } from '../viewContext';

export class CollapsibleSection {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly heading: HTMLButtonElement;
  private readonly count: HTMLElement;

  constructor(readonly id: string, title: string, private readonly context: ViewContext) {
    this.count = h('span', { class: 'section-count' });
    const bodyId = `section-${id}`;
    this.heading = h('button', {
      class: 'section-toggle',
      attrs: { type: 'button', 'aria-controls': bodyId },
      on: { click: () => this.toggle() },
    }, h('span', { class: 'chevron', attrs: { 'aria-hidden': 'true' } }), h('span', { class: 'section-title', text: title }), this.count);
    this.body = h('div', { class: 'section-body', attrs: { id: bodyId } });
    this.element = h('section', { class: `section section-${id}`, dataset: { section: id } }, h('h2', {}, this.heading), this.body);
    this.sync();
  }

  get collapsed(): boolean {
    return this.context.ui.isCollapsed(this.id);
  }

  setCount(text: string): void {
    if (this.count.textContent !== text) this.count.textContent = text;
  }

  private toggle(): void {
    this.context.ui.setCollapsed(this.id, !this.collapsed);
    this.sync();
    this.context.requestRedraw();
  }

  private sync(): void {
    this.element.classList.toggle('collapsed', this.collapsed);
    this.heading.setAttribute('aria-expanded', String(!this.collapsed));
  }
}
