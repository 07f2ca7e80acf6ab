// Writes an imported model as a `*.train.json` text: plain JSON with comments that say where it
// came from, what each layer was in Keras (name and class), what was left out or changed and why,
// and, for placeholder data, that training waits for real data.

export interface WrittenLayer {
  layer: Record<string, unknown>;
  /** "conv1 (Conv2D)"; several Keras layers can stand behind one line. */
  comment?: string;
  /** A residual block's branch and shortcut, written expanded. */
  branch?: WrittenLayer[];
  shortcut?: WrittenLayer[];
}

export interface WrittenConfig {
  header: string[];
  name: string;
  seed: number;
  data: Record<string, unknown>;
  dataComment: string[];
  input: number[];
  layers: WrittenLayer[];
  training: Record<string, unknown>;
  trainingComment: string[];
}

/** One-line JSON with a space after colons and commas: `{ "type": "dense", "units": 10 }`. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

const commentLines = (lines: string[], indent: string) => lines.map((line) => `${indent}// ${line}`);

function writeLayers(layers: WrittenLayer[], indent: string): string[] {
  const out: string[] = [];
  layers.forEach((entry, i) => {
    const comma = i < layers.length - 1 ? ',' : '';
    const comment = entry.comment ? `  // ${entry.comment}` : '';
    if (!entry.branch) {
      out.push(`${indent}${inlineJson(entry.layer)}${comma}${comment}`);
      return;
    }
    const inner = `${indent}  `;
    out.push(`${indent}{${comment}`);
    out.push(`${inner}"type": "residual",`);
    out.push(`${inner}"layers": [`, ...writeLayers(entry.branch, `${inner}  `), `${inner}]${entry.shortcut ? ',' : ''}`);
    if (entry.shortcut) out.push(`${inner}"shortcut": [`, ...writeLayers(entry.shortcut, `${inner}  `), `${inner}]`);
    out.push(`${indent}}${comma}`);
  });
  return out;
}

function writeObjectBody(object: Record<string, unknown>, indent: string): string[] {
  const entries = Object.entries(object);
  return entries.map(([key, value], i) => `${indent}${JSON.stringify(key)}: ${inlineJson(value)}${i < entries.length - 1 ? ',' : ''}`);
}

export function writeImportedConfig(config: WrittenConfig): string {
  const lines = [
    ...commentLines(config.header, ''),
    '{',
    `  "name": ${JSON.stringify(config.name)},`,
    `  "seed": ${config.seed},`,
    '  "data": {',
    ...commentLines(config.dataComment, '    '),
    ...writeObjectBody(config.data, '    '),
    '  },',
    '  "model": {',
    `    "input": ${inlineJson(config.input)},`,
    '    "layers": [',
    ...writeLayers(config.layers, '      '),
    '    ]',
    '  },',
    '  "training": {',
    ...commentLines(config.trainingComment, '    '),
    ...writeObjectBody(config.training, '    '),
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
