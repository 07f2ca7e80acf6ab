// An independent reading of a Keras / TF.js model JSON for the import tests: each layer's output
// shape and parameter count straight from the layer configs (kernel sizes, filters, units), as
// Keras's model.summary() counts them. It shares no code with the importer on purpose.

type Json = Record<string, any>;

export interface ReferenceLayer {
  name: string;
  className: string;
  outputShape: number[];
  params: number;
}

export interface ReferenceModel {
  layers: ReferenceLayer[];
  params: number;
  inputShape: number[];
}

/** The Keras model object of any of the formats (to_json, TF.js model.json old and new). */
export function kerasModelOf(file: Json): Json {
  const topology = file.modelTopology;
  if (!topology) return file;
  return topology.model_config ?? topology;
}

const pairOf = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);
const out = (size: number, k: number, s: number, padding: string) => (padding === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);

function inboundOf(layer: Json): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length === 0) return [];
  return (nodes[0] as unknown[][]).map((input) => input[0] as string);
}

export function referenceModel(file: Json, outputName?: string): ReferenceModel {
  const model = kerasModelOf(file);
  const sequential = model.class_name === 'Sequential';
  const list: Json[] = Array.isArray(model.config) ? model.config : model.config.layers;
  const shapes = new Map<string, number[]>();
  const layers: ReferenceLayer[] = [];
  let previous: string | undefined;
  let inputShape: number[] = [];
  for (const layer of list) {
    const c = layer.config;
    const name: string = layer.name ?? c.name;
    let input: number[] | undefined;
    if (sequential) {
      input = previous ? shapes.get(previous) : (c.batch_input_shape as number[]).slice(1);
      if (!previous) inputShape = input!;
    } else if (layer.class_name !== 'InputLayer') {
      input = shapes.get(inboundOf(layer)[0]);
    }
    const [h, w, ch] = input ?? [];
    let shape: number[];
    let params = 0;
    switch (layer.class_name) {
      case 'InputLayer':
        shape = (c.batch_input_shape as number[]).slice(1);
        inputShape = shape;
        break;
      case 'Dense':
        shape = [...input!.slice(0, -1), c.units];
        params = input![input!.length - 1] * c.units + (c.use_bias ? c.units : 0);
        break;
      case 'Conv2D': {
        const [kh, kw] = pairOf(c.kernel_size);
        const [sh, sw] = pairOf(c.strides);
        shape = [out(h, kh, sh, c.padding), out(w, kw, sw, c.padding), c.filters];
        params = kh * kw * ch * c.filters + (c.use_bias ? c.filters : 0);
        break;
      }
      case 'DepthwiseConv2D': {
        const [kh, kw] = pairOf(c.kernel_size);
        const [sh, sw] = pairOf(c.strides);
        const m = c.depth_multiplier ?? 1;
        shape = [out(h, kh, sh, c.padding), out(w, kw, sw, c.padding), ch * m];
        params = kh * kw * ch * m + (c.use_bias ? ch * m : 0);
        break;
      }
      case 'BatchNormalization':
        shape = input!;
        params = input![input!.length - 1] * (2 + (c.center === false ? 0 : 1) + (c.scale === false ? 0 : 1));
        break;
      case 'ZeroPadding2D': {
        const p = c.padding;
        const [[t, b], [l, r]] = typeof p === 'number' ? [[p, p], [p, p]] : (p as unknown[]).map((v) => (Array.isArray(v) ? v : [v, v])) as number[][];
        shape = [h + t + b, w + l + r, ch];
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const [ph, pw] = pairOf(c.pool_size);
        const [sh, sw] = pairOf(c.strides ?? c.pool_size);
        shape = [out(h, ph, sh, c.padding), out(w, pw, sw, c.padding), ch];
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        shape = [ch];
        break;
      case 'Flatten':
        shape = [input!.reduce((a, b) => a * b, 1)];
        break;
      case 'Reshape':
        shape = c.target_shape;
        break;
      default: // Activation, ReLU, LeakyReLU, Dropout, Add: the shape passes through.
        shape = input!;
    }
    shapes.set(name, shape);
    layers.push({ name, className: layer.class_name, outputShape: shape, params });
    previous = name;
  }
  // A chosen output keeps only the layers that lead to it.
  const kept = outputName ? ancestorsOf(list, outputName) : undefined;
  const chosen = kept ? layers.filter((l) => kept.has(l.name)) : layers;
  return { layers: chosen, params: chosen.reduce((s, l) => s + l.params, 0), inputShape };
}

function ancestorsOf(list: Json[], output: string): Set<string> {
  const byName = new Map(list.map((l) => [l.name ?? l.config.name, l]));
  const seen = new Set<string>([output]);
  const stack = [output];
  while (stack.length > 0) {
    const layer = byName.get(stack.pop()!);
    for (const name of layer ? (layer.inbound_nodes ?? []).flatMap((node: unknown[][]) => node.map((i) => i[0] as string)) : []) {
      if (!seen.has(name)) {
        seen.add(name);
        stack.push(name);
      }
    }
  }
  return seen;
}
