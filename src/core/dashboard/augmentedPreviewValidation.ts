// Checks the augmented training images a run-started event carries (see augmentPreview) before a
// dashboard draws them: a bounded number of small images, each exactly width×height×channels
// bytes of base64, so a bad or hostile payload can neither flood the webview nor draw garbage.

import { PREVIEW_IMAGES, PREVIEW_SIDE, type AugmentedPreview } from '../engine/trainingEvents';
import { field, invalid, type PayloadReader } from './payloadReader';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function side(r: PayloadReader, v: unknown, at: string): number {
  const n = r.count(v, at);
  return n >= 1 && n <= PREVIEW_SIDE ? n : invalid(at, `1 to ${PREVIEW_SIDE} pixels`);
}

export function readAugmentedPreview(this: PayloadReader, v: unknown, at: string): AugmentedPreview {
  const o = this.record(v, at);
  const width = side(this, field(o, 'width'), `${at}.width`);
  const height = side(this, field(o, 'height'), `${at}.height`);
  const channels = field(o, 'channels');
  if (channels !== 1 && channels !== 3) invalid(`${at}.channels`, '1 or 3');
  const bytes = width * height * channels;
  const base64Length = 4 * Math.ceil(bytes / 3);
  const images = this.list(field(o, 'images'), `${at}.images`, PREVIEW_IMAGES, function (this: PayloadReader, item, itemAt) {
    const image = this.record(item, itemAt);
    const pixels = field(image, 'pixels');
    if (typeof pixels !== 'string' || pixels.length !== base64Length || !BASE64.test(pixels)) invalid(`${itemAt}.pixels`, `${bytes} bytes in base64 (${base64Length} characters)`);
    return { label: this.name(field(image, 'label'), `${itemAt}.label`), pixels };
  });
  return { width, height, channels, images };
}
