// The layer graph of a Keras/TF.js model, turned into Training Doctor's structure: a chain of
// layers in which a fork that meets again in an Add becomes a residual block (the longer path is
// the branch F, the other one the shortcut: empty for x + F(x), a projection such as conv 1×1 +
// BatchNorm otherwise). Sequential models are chains already. Graphs that are not single-input,
// single-output chains of such blocks are reported, each cause once.

import type { JsonPath } from '../../config/configProblem';
import { importProblem, isObject, own, type ImportProblem, type RawObject } from './importProblem';
import type { KerasLayer } from './kerasLayerMapping';

export type PlanItem =
  | { kind: 'layer'; layer: KerasLayer }
  | { kind: 'residual'; branch: PlanItem[]; shortcut: PlanItem[]; add: KerasLayer };

export interface ModelPlan {
  inputShape: number[];
  /** The layers in graph order (the InputLayer and Adds included), for counting. */
  layers: KerasLayer[];
  items: PlanItem[];
  /** Said in the written config's header: outputs ignored, etc. */
  notes: string[];
}

export interface PlanOptions {
  /** For a model with several outputs: the output layer to import. */
  output?: string;
}

interface Graph {
  nodes: Map<string, KerasLayer>;
  inputs: Map<string, string[]>;
  consumers: Map<string, string[]>;
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

export function planModel(model: RawObject, modelPath: JsonPath, options: PlanOptions = {}): { plan?: ModelPlan; problems: ImportProblem[] } {
  const className = own(model, 'class_name');
  const config = own(model, 'config');
  if (className === 'Sequential') return planSequential(config, [...modelPath, 'config'], own(model, 'build_input_shape'));
  if (className === 'Model' || className === 'Functional') return planFunctional(config, [...modelPath, 'config'], options);
  return {
    problems: [importProblem('import.unsupported-model', [...modelPath, 'class_name'],
      `The model is a ${JSON.stringify(className)}, not a Sequential or functional Model: a subclassed model has no layer graph in its JSON. ` +
      'Rebuild it with the Sequential or functional API and export it again.')],
  };
}

/** Every layer the model lists (for reporting what cannot be imported even when the graph cannot be planned). */
export function listModelLayers(model: RawObject, modelPath: JsonPath): KerasLayer[] {
  const config = own(model, 'config');
  if (Array.isArray(config)) return readLayers(config, [...modelPath, 'config'], []);
  return isObject(config) ? readLayers(own(config, 'layers'), [...modelPath, 'config', 'layers'], []) : [];
}

function readLayers(list: unknown, path: JsonPath, problems: ImportProblem[]): KerasLayer[] {
  if (!Array.isArray(list)) {
    problems.push(importProblem('import.unknown-format', path, 'The model has no list of layers.'));
    return [];
  }
  const layers: KerasLayer[] = [];
  list.forEach((raw, i) => {
    const layerPath = [...path, i];
    const className = isObject(raw) ? own(raw, 'class_name') : undefined;
    const config = isObject(raw) ? own(raw, 'config') : undefined;
    if (typeof className !== 'string' || !isObject(config)) {
      problems.push(importProblem('import.unknown-format', layerPath, `Layer ${i} has no class_name and config.`));
      return;
    }
    const name = String(own(raw as RawObject, 'name') ?? own(config, 'name') ?? `${className}_${i}`);
    if (MODEL_CLASSES.has(className)) {
      problems.push(importProblem('import.nested-model', layerPath,
        `Layer "${name}" is itself a model (${className}); nested models are not supported. Flatten it into one model (e.g. build the outer model from the inner model's layers) and export again.`,
        { name, className }));
      return;
    }
    layers.push({ name, className, config, path: layerPath });
  });
  return layers;
}

/** [null, 28, 28, 1] → [28, 28, 1]; a None dimension other than the batch is a problem. */
function inputShapeOf(shape: unknown, path: JsonPath, problems: ImportProblem[], owner?: KerasLayer): number[] | undefined {
  if (!Array.isArray(shape) || shape.length < 2) return undefined;
  const dims = shape.slice(1);
  if (dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) return dims as number[];
  const whose = owner ? `Layer "${owner.name}" (${owner.className}): the` : 'The';
  problems.push(importProblem('import.unknown-input-size', path,
    `${whose} input shape ${JSON.stringify(shape)} has a dimension of unknown size (null): Training Doctor needs every size but the batch's ` +
    '(variable-length inputs are not supported). Give the input a fixed shape, e.g. Input(shape=(28, 28, 1)).', owner));
  return undefined;
}

function declaredInputShape(layer: KerasLayer, problems: ImportProblem[]): number[] | undefined {
  for (const key of ['batch_input_shape', 'batch_shape']) {
    const value = own(layer.config, key);
    if (value !== undefined && value !== null) return inputShapeOf(value, [...layer.path, 'config', key], problems, layer);
  }
  return undefined;
}

function planSequential(config: unknown, path: JsonPath, buildInputShape: unknown): { plan?: ModelPlan; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const listPath = Array.isArray(config) ? path : [...path, 'layers'];
  const layers = readLayers(Array.isArray(config) ? config : isObject(config) ? own(config, 'layers') : undefined, listPath, problems);
  let inputShape = layers.length > 0 ? declaredInputShape(layers[0], problems) : undefined;
  const fromBuild = isObject(config) ? own(config, 'build_input_shape') ?? buildInputShape : buildInputShape;
  if (!inputShape && fromBuild) inputShape = inputShapeOf(fromBuild, [...path, 'build_input_shape'], problems);
  if (!inputShape && problems.length === 0) {
    problems.push(importProblem('import.unknown-input-size', listPath,
      'The Sequential model does not record its input shape (it was never built). Build it (model.build((None, ...)) or an Input layer first) and export again.'));
  }
  if (problems.length > 0 || !inputShape) return { problems };
  const items: PlanItem[] = layers.filter((l) => l.className !== 'InputLayer').map((layer) => ({ kind: 'layer', layer }));
  return { plan: { inputShape, layers, items, notes: [] }, problems };
}

/** The tensors a node reads: Keras 2 / TF.js [[name, node, tensor, kwargs], ...]; Keras 3 {args: [...keras_tensor...]}. */
function inboundNames(inboundNodes: unknown, layer: KerasLayer, problems: ImportProblem[]): string[] | undefined {
  const list = Array.isArray(inboundNodes) ? inboundNodes : [];
  if (list.length > 1) {
    problems.push(importProblem('import.shared-layer', layer.path,
      `Layer "${layer.name}" (${layer.className}) is applied ${list.length} times (a shared layer); shared weights are not supported. Use separate layers and export again.`, layer));
    return undefined;
  }
  if (list.length === 0) return [];
  const names: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      if (value.length >= 3 && typeof value[0] === 'string' && typeof value[1] === 'number') names.push(value[0]);
      else value.forEach(visit);
    } else if (isObject(value)) {
      const history = isObject(own(value, 'config')) ? own(own(value, 'config') as RawObject, 'keras_history') : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else if (own(value, 'args') !== undefined) visit(own(value, 'args'));
    }
  };
  visit(list[0]);
  return names;
}

/** Keras 2 [[name, 0, 0], ...] or Keras 3's single [name, 0, 0]. */
function endpointNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  if (value.length >= 2 && typeof value[0] === 'string' && typeof value[1] === 'number') return [value[0]];
  return value.filter((v): v is unknown[] => Array.isArray(v) && typeof v[0] === 'string').map((v) => v[0] as string);
}

function planFunctional(config: unknown, path: JsonPath, options: PlanOptions): { plan?: ModelPlan; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  if (!isObject(config)) return { problems: [importProblem('import.unknown-format', path, 'The functional model has no config object.')] };
  const layers = readLayers(own(config, 'layers'), [...path, 'layers'], problems);
  const rawList = own(config, 'layers') as unknown[];
  const graph: Graph = { nodes: new Map(), inputs: new Map(), consumers: new Map() };
  for (const layer of layers) {
    const raw = rawList[layer.path[layer.path.length - 1] as number] as RawObject;
    const names = inboundNames(own(raw, 'inbound_nodes'), layer, problems);
    graph.nodes.set(layer.name, layer);
    graph.inputs.set(layer.name, names ?? []);
    for (const name of names ?? []) graph.consumers.set(name, [...(graph.consumers.get(name) ?? []), layer.name]);
  }
  for (const [name, inputs] of graph.inputs) {
    for (const input of inputs) {
      if (!graph.nodes.has(input)) problems.push(importProblem('import.unknown-format', graph.nodes.get(name)!.path, `Layer "${name}" reads from "${input}", which is not a layer of the model.`));
    }
  }
  if (problems.length > 0) return { problems };

  const inputNames = endpointNames(own(config, 'input_layers'));
  const outputNames = endpointNames(own(config, 'output_layers'));
  if (inputNames.length !== 1) {
    return {
      problems: [importProblem('import.multi-input', [...path, 'input_layers'],
        `The model has ${inputNames.length} inputs (${inputNames.join(', ')}); only single-input models can be imported. ` +
        'Import each input\'s branch as its own model, or merge the inputs into one tensor before the model.')],
    };
  }
  const ancestors = (name: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const input of graph.inputs.get(current) ?? []) if (!seen.has(input)) { seen.add(input); stack.push(input); }
    }
    return seen;
  };
  // Outputs on the path to another output are taps (tensorspace models list every layer): not heads.
  const heads = outputNames.filter((o) => !outputNames.some((other) => other !== o && ancestors(other).has(o)));
  let output: string;
  const notes: string[] = [];
  if (options.output !== undefined) {
    if (!graph.nodes.has(options.output)) {
      return { problems: [importProblem('import.unknown-output', [...path, 'output_layers'], `There is no layer "${options.output}" to import as the output; the model's outputs are ${heads.join(', ')}.`)] };
    }
    output = options.output;
    if (heads.length > 1 || !heads.includes(output)) notes.push(`imported up to layer "${output}" (chosen with --output); the model's outputs are ${heads.join(', ')}`);
  } else if (heads.length !== 1) {
    return {
      problems: [importProblem('import.multi-output', [...path, 'output_layers'],
        `The model has ${heads.length} outputs (${heads.join(', ')}); Training Doctor trains single-output models. ` +
        `Import one head with --output NAME (e.g. --output ${heads[0] ?? 'NAME'}), which keeps the layers that lead to it.`)],
    };
  } else {
    output = heads[0];
    if (outputNames.length > 1) notes.push(`the file lists ${outputNames.length} outputs; all but "${output}" lie on its path (intermediate outputs), and Training Doctor measures every layer anyway`);
  }
  const inputName = inputNames[0];
  const kept = ancestors(output);
  kept.add(output);
  if (!kept.has(inputName)) return { problems: [importProblem('import.unknown-format', [...path, 'output_layers'], `The output "${output}" does not depend on the input "${inputName}".`)] };
  const unused = layers.filter((l) => !kept.has(l.name));
  if (unused.length > 0 && options.output !== undefined) notes.push(`left out ${unused.length} layers that do not lead to "${output}"`);
  const inputLayer = graph.nodes.get(inputName)!;
  const inputShape = declaredInputShape(inputLayer, problems);
  if (!inputShape) {
    if (problems.length === 0) problems.push(importProblem('import.unknown-input-size', inputLayer.path, `The input layer "${inputName}" records no shape.`, inputLayer));
    return { problems };
  }
  const walker = new ChainWalker(graph, kept, output);
  const { items, end } = walker.sequence(inputName);
  if (end && walker.problems.length === 0) {
    const merge = graph.nodes.get(end)!;
    walker.problems.push(importProblem('import.unsupported-graph', merge.path,
      `Layer "${end}" (${merge.className}) merges the main chain with a tensor that does not fork from it; only residual forks (two paths from one layer joined by an Add) can be imported.`, merge));
  }
  if (walker.problems.length > 0) return { problems: walker.problems };
  return { plan: { inputShape, layers: layers.filter((l) => kept.has(l.name)), items, notes }, problems: [] };
}

/** Walks forward from the input, following single consumers and folding forks that meet in an Add. */
class ChainWalker {
  readonly problems: ImportProblem[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly graph: Graph, private readonly kept: Set<string>, private readonly output: string) {}

  private consumers(name: string): string[] {
    return (this.graph.consumers.get(name) ?? []).filter((c) => this.kept.has(c));
  }

  private fanIn(name: string): number {
    return (this.graph.inputs.get(name) ?? []).length;
  }

  private report(name: string, code: string, message: string): void {
    if (this.reported.has(name)) return;
    this.reported.add(name);
    const layer = this.graph.nodes.get(name)!;
    this.problems.push(importProblem(code, layer.path, message, layer));
  }

  /** The items after `start` until a merge node is reached (returned as `end`) or the output. */
  sequence(start: string): { items: PlanItem[]; end?: string } {
    const items: PlanItem[] = [];
    let current = start;
    for (let guard = 0; guard <= this.graph.nodes.size; guard++) {
      if (current === this.output) return { items };
      const next = this.consumers(current);
      if (next.length === 1) {
        const node = next[0];
        if (this.fanIn(node) >= 2) return { items, end: node };
        items.push({ kind: 'layer', layer: this.graph.nodes.get(node)! });
        current = node;
        continue;
      }
      if (next.length === 2) {
        const block = this.residual(current, next);
        if (!block) return { items };
        items.push(block.item);
        current = block.merge;
        continue;
      }
      const layer = this.graph.nodes.get(current)!;
      this.report(current, 'import.unsupported-graph', `Layer "${current}" (${layer.className}) feeds ${next.length} layers (${next.join(', ')}); ` +
        'only chains and residual forks (two paths that meet again in an Add) can be imported.');
      return { items };
    }
    return { items };
  }

  /** A path starting at `first` (a consumer of the fork) up to its merge. */
  private path(first: string): { items: PlanItem[]; end?: string } {
    if (this.fanIn(first) >= 2) return { items: [], end: first };
    const rest = this.sequence(first);
    return { items: [{ kind: 'layer', layer: this.graph.nodes.get(first)! }, ...rest.items], end: rest.end };
  }

  private residual(fork: string, next: string[]): { item: PlanItem; merge: string } | undefined {
    const [a, b] = next.map((n) => this.path(n));
    const forkLayer = this.graph.nodes.get(fork)!;
    if (!a.end || a.end !== b.end) {
      this.report(fork, 'import.unsupported-graph', `Layer "${fork}" (${forkLayer.className}) feeds two paths that do not meet again in one layer; ` +
        'only residual forks (two paths joined by an Add) can be imported.');
      return undefined;
    }
    const merge = this.graph.nodes.get(a.end)!;
    if (merge.className !== 'Add' || this.fanIn(a.end) !== 2) {
      const why = merge.className === 'Add' ? `adds ${this.fanIn(a.end)} tensors` : `is a ${merge.className}`;
      this.report(a.end, merge.className === 'Add' ? 'import.unsupported-graph' : 'import.unsupported-layer',
        `Layer "${merge.name}" (${merge.className}) joins the paths that start at "${fork}" but ${why}; only an Add of two paths (a residual block) can be imported. ` +
        'Restructure it as x + F(x), or diagnose the branches as separate models.');
      return undefined;
    }
    const [branch, shortcut] = a.items.length >= b.items.length ? [a.items, b.items] : [b.items, a.items];
    return { item: { kind: 'residual', branch, shortcut, add: merge }, merge: a.end };
  }
}
