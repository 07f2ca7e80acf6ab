// A strip of a few augmented training images under the run's header, so a person can see what the
// model sees (shifted, turned, cropped, mirrored, noisy). The pictures come with the run-started
// event, already checked (augmentedPreviewValidation); they are drawn once per run.

import type { AugmentedPreview } from '../../../src/core/engine/trainingEvents';
import type { DashboardModel } from '../dashboardModel';
import { h, replaceChildren } from '../domBuilder';

export class AugmentedStrip {
  readonly element: HTMLElement;
  private readonly images: HTMLElement;
  private drawn?: AugmentedPreview;

  constructor(private readonly model: DashboardModel) {
    this.images = h('div', { class: 'augmented-images' });
    this.element = h('section', { class: 'augmented-strip', attrs: { 'aria-label': 'Augmented training images' } },
      h('div', { class: 'augmented-title', text: 'What the model sees: augmented training images' }), this.images);
    this.element.hidden = true;
  }

  render(): void {
    const preview = this.model.run?.started?.augmentedPreview;
    this.element.hidden = preview === undefined || preview.images.length === 0;
    if (!preview || preview === this.drawn) return;
    this.drawn = preview;
    replaceChildren(this.images, ...preview.images.map((image) => {
      const canvas = h('canvas', { class: 'augmented-image', attrs: { width: String(preview.width), height: String(preview.height) } });
      drawPixels(canvas, preview, image.pixels);
      return h('figure', { class: 'augmented-figure', title: image.label }, canvas, h('figcaption', { text: image.label }));
    }));
  }
}

function drawPixels(canvas: HTMLCanvasElement, preview: AugmentedPreview, base64: string): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const data = context.createImageData(preview.width, preview.height);
  for (let p = 0; p < preview.width * preview.height; p++) {
    for (let c = 0; c < 3; c++) data.data[p * 4 + c] = bytes[p * preview.channels + (preview.channels === 1 ? 0 : c)];
    data.data[p * 4 + 3] = 255;
  }
  context.putImageData(data, 0, 0);
}
