// `training-doctor import <model.json | model.keras>`: writes a *.train.json that builds the same
// model as a Keras or TF.js definition, or prints every reason it cannot (file:line:col, exit 1).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { importKerasModel, type ImportDataSpec } from '../../core/interop/keras/importKerasModel';
import type { ImportProblem } from '../../core/interop/keras/importProblem';
import { UsageError } from '../cliArguments';
import { EXIT } from '../commandContext';
import { location, relativeToCwd } from '../formatting';

export interface ImportCommandContext {
  modelPath: string;
  flags: Record<string, string | true>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** --data mnist | synthetic | placeholder | csv:<path> (label: --label, else the CSV's last column). */
export function parseDataSpec(value: string | true | undefined, label: string | true | undefined, outDir: string): ImportDataSpec {
  if (value === undefined || value === 'placeholder') return { kind: 'placeholder' };
  if (value === 'mnist' || value === 'synthetic') return { kind: value };
  if (typeof value === 'string' && value.startsWith('csv:') && value.length > 4) {
    const csvPath = path.resolve(value.slice(4));
    let header: string;
    try {
      header = fs.readFileSync(csvPath, 'utf8').split(/\r?\n/, 1)[0] ?? '';
    } catch (error) {
      throw new UsageError(`--data ${value}: cannot read ${csvPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    const columns = header.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')).filter((c) => c.length > 0);
    const chosen = typeof label === 'string' ? label : columns[columns.length - 1];
    if (!chosen || !columns.includes(chosen)) {
      throw new UsageError(`--data ${value}: the CSV header has no column ${JSON.stringify(chosen ?? '')} (columns: ${columns.join(', ') || 'none'}). Name the target with --label.`);
    }
    const relative = path.relative(outDir, csvPath).split(path.sep).join('/');
    return { kind: 'csv', path: relative, label: chosen };
  }
  throw new UsageError(`--data must be mnist, synthetic, placeholder or csv:<path>, not ${JSON.stringify(value)}.`);
}

function formatImportProblem(fileName: string, p: ImportProblem): string {
  return `${location(fileName, p.range)}: error ${p.code}: ${p.message}`;
}

export async function runImport({ modelPath, flags, stdout, stderr }: ImportCommandContext): Promise<number> {
  const json = flags.json === true;
  const absolute = path.resolve(modelPath);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    stderr.write(`${relativeToCwd(absolute)}: error file.unreadable: ${code === 'ENOENT' ? 'No such file.' : `Cannot read it: ${(error as Error).message}`}\n`);
    return EXIT.usage;
  }
  const base = path.basename(absolute).replace(/\.(json|keras)$/i, '');
  const outPath = path.resolve(typeof flags.out === 'string' ? flags.out : `${base}.train.json`);
  if (!outPath.endsWith('.train.json')) throw new UsageError(`--out must name a *.train.json file, not ${JSON.stringify(flags.out)}.`);
  const data = parseDataSpec(flags.data, flags.label, path.dirname(outPath));
  const result = importKerasModel(bytes, absolute, {
    data, output: typeof flags.output === 'string' ? flags.output : undefined, name: path.basename(outPath, '.train.json'),
  });
  if (!result.ok) {
    const where = result.locationName.startsWith(absolute) ? result.locationName : absolute;
    if (json) stdout.write(JSON.stringify({ file: absolute, ok: false, problems: result.problems }, null, 2) + '\n');
    else for (const p of result.problems) stderr.write(formatImportProblem(where, p) + '\n');
    if (!json) stderr.write(`${relativeToCwd(absolute)}: not imported (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}); no config was written.\n`);
    return EXIT.failed;
  }
  if (fs.existsSync(outPath) && flags.force !== true) {
    throw new UsageError(`${relativeToCwd(outPath)} exists; choose another --out or add --force to replace it.`);
  }
  fs.writeFileSync(outPath, result.text);
  if (json) {
    stdout.write(JSON.stringify({ file: absolute, ok: true, out: outPath, summary: result.summary, notes: result.notes }, null, 2) + '\n');
    return EXIT.ok;
  }
  const s = result.summary;
  stdout.write(`Imported ${relativeToCwd(absolute)} (${s.description}) → ${relativeToCwd(outPath)}\n`);
  stdout.write(`  ${s.kerasLayers} Keras layers → ${s.configLayers} config layers, ${s.params.toLocaleString('en-US')} parameters, input [${s.inputShape.join(', ')}] → output [${s.outputShape.join(', ')}]\n`);
  for (const note of result.notes) stdout.write(`  note: ${note}\n`);
  if (data.kind === 'placeholder') stdout.write('  data: placeholder N(0, 1) inputs (lint and probe work; train waits for real data: set data.dataset, or import again with --data)\n');
  stdout.write(`Next: training-doctor lint ${relativeToCwd(outPath)}   and   training-doctor probe ${relativeToCwd(outPath)}\n`);
  return EXIT.ok;
}
