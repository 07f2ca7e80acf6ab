// `training-doctor import`: a Keras or TF.js model definition → the text of a `*.train.json`
// config that builds the same model (same layers, shapes, parameter count and initializers), or
// every reason it cannot, one located problem per cause. Nothing half-imported is returned as a
// config: either the whole model maps, or no config at all.

import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import * as path from 'node:path';
import { formatPath, type JsonPath } from '../../config/configProblem';
import { LineIndex, locateProblems, parseTrainConfig } from '../../config/parseConfig';
import { finalActivation, type LayerShape } from '../../config/shapeInference';
import { listModelLayers, planModel, type PlanItem } from './kerasGraph';
import { AXIS_MARK, mapKerasLayer, type KerasLayer } from './kerasLayerMapping';
import { mapTraining } from './kerasTraining';
import { tfjsNormalInitializerNote } from './tfjsNormalInitializers';
import { readKerasSource, type KerasSource } from './kerasSource';
import { writeImportedConfig, type WrittenLayer } from './importedConfigText';
import { groupByCause, ImportFailure, importProblem, isObject, own, type ImportProblem, type RawObject } from './importProblem';

export type ImportDataSpec =
  | { kind: 'placeholder' }
  | { kind: 'mnist' }
  | { kind: 'synthetic' }
  /** `label`: the CSV's target column; `path` as it should appear in the config (relative to it). */
  | { kind: 'csv'; path: string; label: string };

export interface ImportOptions {
  data?: ImportDataSpec;
  /** For a model with several outputs: the layer to import as the output. */
  output?: string;
  /** The config's "name" (default: the model's name, else the file's). */
  name?: string;
}

export interface ImportSummary {
  format: KerasSource['format'];
  description: string;
  /** Keras layers imported (the InputLayer and the residual Adds included, as Keras lists them). */
  kerasLayers: number;
  /** Top-level layers of the written config (a residual block counts once). */
  configLayers: number;
  /** Layers added by the import (a flatten before the loss), not in the original. */
  addedLayers: number;
  params: number;
  inputShape: number[];
  outputShape: number[];
}

export type ImportResult =
  | { ok: true; text: string; summary: ImportSummary; notes: string[] }
  | { ok: false; problems: ImportProblem[]; locationName: string };

interface MappedLayer extends WrittenLayer {
  from?: KerasLayer;
  branch?: MappedLayer[];
  shortcut?: MappedLayer[];
}

/** Problems that rule a layer out entirely, whatever its options. */
const UNIMPORTABLE_LAYER = new Set(['import.unsupported-layer', 'import.unknown-layer']);

export function importKerasModel(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): ImportResult {
  let source: KerasSource;
  try {
    source = readKerasSource(bytes, fileName);
  } catch (error) {
    if (!(error instanceof ImportFailure)) throw error;
    const text = new TextDecoder('utf-8').decode(bytes);
    return { ok: false, problems: locate(error.problems, parseTree(text), text), locationName: fileName };
  }
  const fail = (problems: ImportProblem[]): ImportResult => ({ ok: false, problems: locate(problems, source.tree, source.text), locationName: source.locationName });

  const { plan, problems: planProblems } = planModel(source.model, source.modelPath, { output: options.output });
  if (!plan) {
    // Say everything that stands in the way at once: the graph's problems and every layer's.
    const reported = new Set(planProblems.map((p) => `${p.layer?.name} ${p.code}`));
    const layerProblems = listModelLayers(source.model, source.modelPath).flatMap((layer) => {
      const mapped = mapKerasLayer(layer);
      return mapped.kind === 'failed' ? mapped.problems.filter((p) => !reported.has(`${layer.name} ${p.code}`)) : [];
    });
    // A layer that cannot be imported at all needs no word on the size of its input.
    const unimportable = new Set(layerProblems.filter((p) => UNIMPORTABLE_LAYER.has(p.code)).map((p) => p.layer?.name));
    const graphProblems = planProblems.filter((p) => !(p.code === 'import.unknown-input-size' && unimportable.has(p.layer?.name)));
    return fail(groupByCause([...graphProblems, ...layerProblems]));
  }
  const problems: ImportProblem[] = [];
  const notes = [...plan.notes];
  const layers = mapItems(plan.items, problems);
  for (const layer of plan.layers) {
    if (own(layer.config, 'trainable') === false) notes.push(`layer "${layer.name}" is frozen in Keras (trainable false); Training Doctor trains every layer`);
  }
  const tfjsNormals = tfjsNormalInitializerNote(source, plan.layers);
  if (tfjsNormals) notes.push(tfjsNormals);
  if (problems.length > 0) return fail(groupByCause(problems));
  if (layers.length === 0) return fail([importProblem('import.empty-model', source.modelPath, 'The model has no layers besides its input.')]);

  // The layers alone through the same validation and shape inference lint runs, so a layer Keras
  // accepts but Training Doctor cannot build (or a damaged option) is caught here, named.
  const axes = takeAxisMarks(layers);
  const provisional = parseTrainConfig(writeImportedConfig({
    header: [], name: 'provisional', seed: 1, data: { dataset: { synthetic: 'placeholder', shape: plan.inputShape, task: 'regression' } }, dataComment: [],
    input: plan.inputShape, layers, training: { epochs: 1, batchSize: 1, optimizer: { type: 'sgd' }, loss: 'meanSquaredError' }, trainingComment: [],
  }), 'imported.train.json');
  // Memory depends on the batch size, chosen below: not a problem of the layers.
  const layerProblems = provisional.problems.filter((p) => p.severity === 'error' && p.path[0] === 'model' && !p.code.startsWith('memory.'));
  const shapes = provisional.shapes;
  if (layerProblems.length > 0 || !provisional.config || !shapes?.outputShape) {
    const mapped = layerProblems.map((p) => kerasProblemFor(p.path, p.code.startsWith('shape.') ? p.message : `The imported layer would be invalid (${p.code}: ${p.message}).`, layers));
    return fail(mapped.length > 0 ? mapped : [importProblem('import.invalid', source.modelPath, 'The imported model would not be a valid config.')]);
  }
  const axisIssues = axisProblems(layers, shapes.layers, plan.inputShape, axes);
  if (axisIssues.length > 0) return fail(axisIssues);

  let outputShape = shapes.outputShape;
  let addedLayers = 0;
  if (outputShape.length > 1) {
    if (outputShape.slice(0, -1).some((d) => d !== 1)) {
      const last = layers[layers.length - 1].from;
      return fail([importProblem('import.unsupported-output', last?.path ?? source.modelPath,
        `The model outputs a [${outputShape.join(', ')}] tensor per example; Training Doctor's losses compare one vector per example (classes or targets). ` +
        'End the model with a Flatten/GlobalAveragePooling2D and Dense layer, or import it up to such a layer with --output.', last)]);
    }
    layers.push({ layer: { type: 'flatten' }, comment: `added by import: the model ends in [${outputShape.join(', ')}] and the loss takes a flat vector` });
    addedLayers++;
    outputShape = [outputShape[outputShape.length - 1]];
  }

  const outputUnits = outputShape[0];
  const { training, task, notes: trainingNotes } = mapTraining(source.training, finalActivation(provisional.config.model.layers), outputUnits);
  notes.push(...trainingNotes);
  const data = dataSection(options.data ?? { kind: 'placeholder' }, plan.inputShape, task, outputUnits, training);
  if ('problem' in data) return fail([importProblem('import.data-mismatch', [], data.problem)]);

  const params = shapes.layers.reduce((sum, l) => sum + l.params, 0);
  const kerasLayers = plan.layers.length;
  const header = [
    `Imported by \`training-doctor import\` from ${path.basename(source.locationName)}: ${source.description}.`,
    `${kerasLayers} Keras layers (input and residual Adds included) → ${layers.length} config layers; ${params.toLocaleString('en-US')} parameters (as Keras counts them).`,
    ...notes.map((n) => `Note: ${n}.`),
    'Weights are not imported: the model starts from its initializers, which is what lint and probe diagnose.',
  ];
  const write = (extraTrainingComment: string[]) => writeImportedConfig({
    header,
    name: options.name ?? modelName(source, fileName),
    seed: 1,
    data: data.section,
    dataComment: data.comment,
    input: plan.inputShape,
    layers,
    training,
    trainingComment: [
      ...(source.training ? [`From the file's ${source.trainingPath?.join('.') ?? 'training settings'}.`] : ['The file has no training settings: Training Doctor\'s defaults.']),
      ...extraTrainingComment,
    ],
  });
  let text = write([]);
  let parsed = parseTrainConfig(text, 'imported.train.json');
  // A big model (ResNet50 at 224×224) may not fit the memory budget at the default batch of 32:
  // halve the batch until it does, and say so (lint would otherwise refuse the imported config).
  const firstBatch = Number(training.batchSize);
  while (parsed.problems.some((p) => p.code === 'memory.model-over-budget') && Number(training.batchSize) > 1) {
    training.batchSize = Math.max(1, Math.floor(Number(training.batchSize) / 2));
    text = write([`batchSize ${training.batchSize}: at ${firstBatch} the model would need more memory to train than the default budget (see "memoryBudget").`]);
    parsed = parseTrainConfig(text, 'imported.train.json');
  }

  // The written text must be a valid config; anything else is the importer's bug, reported as such.
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    return fail(errors.map((p) => kerasProblemFor(p.path, `The imported config would be invalid (${p.code}: ${p.message}).`, layers)));
  }
  return {
    ok: true, text, notes,
    summary: {
      format: source.format, description: source.description, kerasLayers, configLayers: layers.length, addedLayers, params,
      inputShape: plan.inputShape, outputShape,
    },
  };
}

function mapItems(items: PlanItem[], problems: ImportProblem[]): MappedLayer[] {
  const out: MappedLayer[] = [];
  for (const item of items) {
    if (item.kind === 'layer') {
      const mapped = mapKerasLayer(item.layer);
      if (mapped.kind === 'failed') problems.push(...mapped.problems);
      else if (mapped.kind === 'layer') out.push({ layer: mapped.layer, comment: `${item.layer.name} (${item.layer.className})`, from: item.layer });
      else problems.push(importProblem('import.unsupported-graph', item.layer.path, `Layer "${item.layer.name}" (${item.layer.className}) cannot stand in the middle of the chain.`, item.layer));
      continue;
    }
    const branch = mapItems(item.branch, problems);
    const shortcut = mapItems(item.shortcut, problems);
    if (item.branch.length === 0) {
      problems.push(importProblem('import.unsupported-graph', item.add.path, `Layer "${item.add.name}" (Add) adds a tensor to itself; there is no residual branch to import.`, item.add));
      continue;
    }
    const layer: RawObject = { type: 'residual', layers: branch.map((b) => b.layer) };
    if (shortcut.length > 0) layer.shortcut = shortcut.map((s) => s.layer);
    const comment = `${item.add.name} (Add): ${shortcut.length > 0 ? 'shortcut(x)' : 'x'} + F(x)`;
    out.push({ layer, comment, from: item.add, branch, ...(shortcut.length > 0 ? { shortcut } : {}) });
  }
  return out;
}

/** Every mapped layer with the JSON path it gets in the written config. */
function withPaths(layers: MappedLayer[], base: JsonPath = ['model', 'layers']): { layer: MappedLayer; path: JsonPath }[] {
  return layers.flatMap((layer, i) => [
    { layer, path: [...base, i] },
    ...(layer.branch ? withPaths(layer.branch, [...base, i, 'layers']) : []),
    ...(layer.shortcut ? withPaths(layer.shortcut, [...base, i, 'shortcut']) : []),
  ]);
}

/** A problem of the generated config, told about the Keras layer it comes from. */
function kerasProblemFor(configPath: JsonPath, message: string, layers: MappedLayer[]): ImportProblem {
  const candidates = withPaths(layers).filter(({ path: p }) => formatPath(configPath).startsWith(formatPath(p)));
  const best = candidates.sort((a, b) => b.path.length - a.path.length)[0];
  const from = best?.layer.from;
  const text = message.replace(/Layer [\d.]+ \((\w+)\)/, from ? `Layer "${from.name}" (${from.className})` : 'A layer ($1)');
  return importProblem('import.shape', from?.path ?? [], from ? `${text}` : message, from);
}

/** Takes the explicit BatchNormalization axes off the mapped layers (they are not config options). */
function takeAxisMarks(layers: MappedLayer[]): Map<MappedLayer, number> {
  const axes = new Map<MappedLayer, number>();
  for (const { layer } of withPaths(layers)) {
    const axis = layer.layer[AXIS_MARK];
    if (typeof axis === 'number') axes.set(layer, axis);
    delete layer.layer[AXIS_MARK];
  }
  return axes;
}

/** A BatchNormalization with an explicit axis must normalize the last one (channels_last). */
function axisProblems(layers: MappedLayer[], shapes: LayerShape[], input: number[], axes: Map<MappedLayer, number>): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const visit = (list: MappedLayer[], shapeList: LayerShape[] | undefined) => {
    list.forEach((layer, i) => {
      const shape = shapeList?.[i];
      const axis = axes.get(layer);
      const rank = (shape?.inputShape ?? input).length;
      if (axis !== undefined && axis !== rank && layer.from) {
        problems.push(importProblem('import.unsupported-option', [...layer.from.path, 'config', 'axis'],
          `Layer "${layer.from.name}" (${layer.from.className}) normalizes axis ${axis} of a rank-${rank + 1} tensor; only the last axis (${rank}, channels_last) is supported.`, layer.from));
      }
      if (layer.branch) visit(layer.branch, shape?.branch);
      if (layer.shortcut) visit(layer.shortcut, shape?.shortcut);
    });
  };
  visit(layers, shapes);
  return problems;
}

function modelName(source: KerasSource, fileName: string): string {
  const config = own(source.model, 'config');
  const name = isObject(config) ? own(config, 'name') : undefined;
  const base = path.basename(fileName).replace(/\.(json|keras|h5)$/i, '');
  return typeof name === 'string' && name.length > 0 && !/^(sequential|model|functional)(_\d+)?$/.test(name) ? name : base;
}

function dataSection(spec: ImportDataSpec, input: number[], task: 'classification' | 'regression', outputUnits: number, training: RawObject):
  { section: RawObject; comment: string[] } | { problem: string } {
  const classes = task === 'classification' ? (outputUnits === 1 ? 2 : outputUnits) : undefined;
  const shape = `[${input.join(', ')}]`;
  switch (spec.kind) {
    case 'placeholder':
      return {
        section: { dataset: { synthetic: 'placeholder', shape: input, ...(task === 'regression' ? { task } : { classes }) } },
        comment: [
          `Placeholder data: N(0, 1) inputs of shape ${shape} and random ${task === 'regression' ? 'targets' : 'labels'}, enough for lint and probe.`,
          '`train` refuses it: set "dataset" to "mnist", {"csv": "file.csv", "label": "column"} or a synthetic set first.',
        ],
      };
    case 'mnist': {
      const image = input.length === 3 && input.join() === '28,28,1';
      if (!image && input.join() !== '784') return { problem: `--data mnist gives [784] or [28, 28, 1] inputs, but the model takes ${shape}.` };
      if (classes !== 10) return { problem: `--data mnist has 10 classes, but the model ends in ${outputUnits} ${task === 'regression' ? 'regression output' : 'classes'}.` };
      return {
        section: { dataset: 'mnist', shape: image ? 'image' : 'flat', trainSize: 8000, validationSize: 2000, preprocess: { normalize: 'standardize', per: 'feature' } },
        comment: ['MNIST digits (the mnist package), standardized with training-split statistics.'],
      };
    }
    case 'synthetic':
      if (input.length !== 1 || task !== 'classification') {
        return { problem: `--data synthetic generates flat Gaussian classification data, but the model takes ${shape}${task === 'regression' ? ' and is a regression' : ''}. Use mnist, csv:<path>, or leave --data out for placeholder data.` };
      }
      if (training.loss === 'binaryCrossentropy') return { section: { dataset: { synthetic: 'gaussian', features: input[0], classes: 2 } }, comment: ['Synthetic Gaussian data with 2 classes.'] };
      return { section: { dataset: { synthetic: 'gaussian', features: input[0], classes } }, comment: [`Synthetic Gaussian data with ${classes} classes.`] };
    case 'csv':
      if (input.length !== 1) return { problem: `--data csv gives one row of numbers per example, but the model takes ${shape}.` };
      return {
        section: { dataset: { csv: spec.path, label: spec.label, task }, validationSplit: 0.2, preprocess: { normalize: 'standardize', per: 'feature' } },
        comment: [`The CSV file's column "${spec.label}" is the ${task === 'regression' ? 'target' : 'class'}; every other column is an input feature.`],
      };
  }
}

/** Locates problems in the source text (line:column of their JSON path, or of a syntax error's offset). */
function locate(problems: ImportProblem[], tree: JsonNode | undefined, text: string): ImportProblem[] {
  const lines = new LineIndex(text);
  return problems.map((p) => {
    if (p.range) return { ...p, range: lines.range(Math.min(p.range.offset, text.length), p.range.length) };
    const [located] = locateProblems([{ code: p.code, severity: 'error', message: p.message, path: p.path }], tree, text);
    return { ...p, range: located.range };
  });
}
