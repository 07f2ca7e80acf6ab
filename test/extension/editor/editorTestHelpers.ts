// Shared helpers for the editor-model tests: example files, a hand-driven clock, a 200-layer
// config, and the text a span covers (so tests can say what is underlined, not just where).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '../../../src/extension/editor/keyedDebouncer';
import type { TextSpan } from '../../../src/extension/editor/textPositions';

export const EXAMPLES = path.join(__dirname, '../../../examples');

export function exampleText(relative: string): { file: string; text: string } {
  const file = path.join(EXAMPLES, relative);
  return { file, text: fs.readFileSync(file, 'utf8') };
}

export function coveredText(text: string, span: TextSpan): string {
  return text.slice(span.offset, span.offset + span.length);
}

/** 0-based position of the n-th occurrence of `needle` (independent of the code under test). */
export function positionOf(text: string, needle: string, occurrence = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`"${needle}" #${occurrence} not in the text`);
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Timers that fire only when the test advances time. */
export class FakeClock implements Clock {
  now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = target;
  }
}

/** Lets pending promise callbacks run (the data pass awaits its loaders). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A 200-layer MNIST residual CNN, one layer per line like a hand-written config, with a few faults to report. */
export function twoHundredLayerConfig(): string {
  const conv = (activation: string, init: unknown) => ({ type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', activation, kernelInitializer: init });
  const layers: unknown[] = [conv('relu', 'heNormal'), { type: 'batchNormalization' }];
  while (layers.length < 196) {
    layers.push({ type: 'residual', layers: [conv('relu', 'heNormal'), { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' }, conv('linear', 'heNormal'), { type: 'batchNormalization' }] });
    layers.push({ type: 'activation', activation: 'relu' });
  }
  layers.push({ type: 'globalAveragePooling2d' }, { type: 'dense', units: 32, activation: 'tanh', biasRegularizer: { l2: 0.01 } }, { type: 'dropout', rate: 0.2 });
  layers.push({ type: 'dense', units: 10, activation: 'softmax' });
  return [
    '// generated: 200 layers',
    '{',
    '  "data": { "dataset": "mnist", "shape": "image" },',
    '  "model": {',
    '    "input": [28, 28, 1],',
    '    "layers": [',
    layers.map((l) => `      ${JSON.stringify(l)}`).join(',\n'),
    '    ]',
    '  },',
    '  "training": { "epochs": 50, "optimizer": { "type": "sgd", "learningRate": 0.1 } },',
    // Training this deep net on 28×28 images would take ~9 GiB (memoryEstimate); it is here to be analyzed, not trained.
    '  "memoryBudget": { "modelGiB": 64 }',
    '}',
  ].join('\n');
}
