// Draws a folder of small colour pictures of shapes, one class per shape, and writes it as PNG
// and JPEG files in the layout image folders are read in (<folder>/<class>/<file>). A fresh clone
// makes the colour example's data with it (`npm run make-images`), and tests make fixtures. The
// shape decides the class; colours, position, size and background vary at random (the shape is
// always the lighter), so a model has to learn the shape and not a colour.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeededRandom } from '../random';
import { encodeJpeg, encodePng, type PixelImage } from './imageEncoding';

export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

/** One picture: a shape of random colour on a random, slightly noisy background. */
export function drawShape(shape: ShapeClass, size: number, rng: SeededRandom): PixelImage {
  const pixels = new Uint8Array(size * size * 3);
  // The shape is always the lighter one, by a clear margin: random hues, but one sign of contrast,
  // so that a small network learns the outline in a few epochs.
  let background = randomColour(rng);
  let foreground = randomColour(rng);
  while (luma(foreground) - luma(background) < 60) {
    background = randomColour(rng);
    foreground = randomColour(rng);
  }
  const radius = size * (0.22 + 0.14 * rng.next());
  const centreX = radius + rng.next() * (size - 2 * radius);
  const centreY = radius + rng.next() * (size - 2 * radius);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const inside = insideShape(shape, (col + 0.5 - centreX) / radius, (row + 0.5 - centreY) / radius);
      const colour = inside ? foreground : background;
      for (let c = 0; c < 3; c++) {
        const noisy = colour[c] + 12 * rng.normal();
        pixels[(row * size + col) * 3 + c] = Math.max(0, Math.min(255, Math.round(noisy)));
      }
    }
  }
  return { width: size, height: size, channels: 3, pixels };
}

/** (x, y) relative to the centre, in units of the radius. */
function insideShape(shape: ShapeClass, x: number, y: number): boolean {
  switch (shape) {
    case 'circle': return x * x + y * y <= 1;
    case 'square': return Math.abs(x) <= 0.85 && Math.abs(y) <= 0.85;
    // Apex up, base at y = 0.8: inside when below the two slanted sides.
    case 'triangle': return y <= 0.8 && y >= -1 && Math.abs(x) <= (y + 1) / 1.8;
  }
}

function randomColour(rng: SeededRandom): [number, number, number] {
  return [rng.int(256), rng.int(256), rng.int(256)];
}

function luma(colour: number[]): number {
  return 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2];
}

export interface ShapeFolderOptions {
  perClass: number;
  /** Side of the square pictures, in pixels. */
  size: number;
  seed: number;
}

/** Writes `perClass` pictures of every shape under `folder`, alternately PNG and JPEG; returns how many. */
export function writeShapeFolder(folder: string, options: ShapeFolderOptions): number {
  const rng = new SeededRandom(options.seed);
  let written = 0;
  for (const shape of SHAPE_CLASSES) {
    const classFolder = path.join(folder, shape);
    fs.mkdirSync(classFolder, { recursive: true });
    for (let i = 0; i < options.perClass; i++) {
      const image = drawShape(shape, options.size, rng);
      const name = `${shape}-${String(i).padStart(4, '0')}`;
      if (i % 2 === 0) fs.writeFileSync(path.join(classFolder, `${name}.png`), encodePng(image));
      else fs.writeFileSync(path.join(classFolder, `${name}.jpg`), encodeJpeg(image));
      written++;
    }
  }
  return written;
}
