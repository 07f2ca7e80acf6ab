// Reads a model definition and tells which of the formats Keras and TF.js write it is in:
// Keras 2 `model.to_json()`, Keras 3 `to_json()` or a `.keras` archive's config.json, a TF.js
// layers-model `model.json` (tfjs-layers ≥ 1 with "format", old converter output with
// `model_config`, tfjs-layers 0.x `model.save()` output), and says clearly what it cannot read
// (Keras 1, TF.js graph models, anything else). Only the JSON is read: weights are not needed.

import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { strFromU8, unzipSync } from 'fflate';
import type { JsonPath } from '../../config/configProblem';
import { ImportFailure, importProblem, isObject, own, type RawObject } from './importProblem';

export type KerasFormat = 'keras2' | 'keras3' | 'keras3-archive' | 'tfjs-layers-model' | 'tfjs-converter-legacy' | 'tfjs-layers-legacy';

export interface KerasSource {
  format: KerasFormat;
  /** "Keras 2.2.4 model.to_json()", "TF.js layers-model (tfjs-layers v1.3.2)", ... */
  description: string;
  kerasVersion?: string;
  /** The model object: {class_name, config}. */
  model: RawObject;
  modelPath: JsonPath;
  /** Keras 2 / tfjs training_config or Keras 3 compile_config, when the file has one. */
  training?: RawObject;
  trainingPath?: JsonPath;
  /** The JSON text the paths point into (for an archive: its config.json). */
  text: string;
  tree: JsonNode;
  /** The file name problems should name (an archive's config.json: "model.keras:config.json"). */
  locationName: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46];

export function readKerasSource(bytes: Uint8Array, fileName: string): KerasSource {
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return readArchive(bytes, fileName);
  if (HDF5_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new ImportFailure([importProblem('import.unknown-format', [],
      `${fileName} is an HDF5 file (Keras's .h5 format), whose architecture is not stored as a JSON file import can read. ` +
      'In Keras, write it with open("model.json", "w").write(model.to_json()) or save the model as name.keras, and import that.')]);
  }
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  return detectFormat(text, fileName, false);
}

function readArchive(bytes: Uint8Array, fileName: string): KerasSource {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => file.name === 'config.json' || file.name === 'metadata.json' });
  } catch (error) {
    throw new ImportFailure([importProblem('import.unreadable', [], `${fileName} looks like a zip archive but cannot be read: ${(error as Error).message}.`)]);
  }
  const config = entries['config.json'];
  if (!config) {
    throw new ImportFailure([importProblem('import.unknown-format', [],
      `${fileName} is a zip archive without a config.json, so it is not a Keras 3 .keras file. Save the model with model.save("name.keras"), or export model.to_json().`)]);
  }
  let version: string | undefined;
  const metadata = entries['metadata.json'];
  if (metadata) {
    try {
      const parsed = JSON.parse(strFromU8(metadata)) as unknown;
      const v = isObject(parsed) ? own(parsed, 'keras_version') : undefined;
      if (typeof v === 'string') version = v;
    } catch {
      // metadata.json only tells the version; its absence or damage changes nothing.
    }
  }
  const source = detectFormat(strFromU8(config), `${fileName}:config.json`, true);
  return { ...source, kerasVersion: version ?? source.kerasVersion, description: `Keras ${version ?? '3'} .keras archive (config.json)` };
}

function parseJson(text: string, fileName: string): { tree: JsonNode; value: unknown } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const what = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'no JSON value';
    const problem = importProblem('import.json-syntax', [], `${fileName} is not JSON (${what}). Import reads Keras model.to_json() output, a TF.js model.json or a .keras archive.`);
    if (first) problem.range = { offset: first.offset, length: Math.max(1, first.length), line: 0, column: 0 };
    throw new ImportFailure([problem]);
  }
  return { tree, value: JSON.parse(JSON.stringify(nodeValue(tree))) };
}

/** The plain value of a tree node (jsonc-parser's getNodeValue, without its prototype-less objects). */
function nodeValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const result: RawObject = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) Object.defineProperty(result, String(key.value), { value: nodeValue(value), enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'array': return (node.children ?? []).map(nodeValue);
    default: return node.value;
  }
}

/** By the recorded version; without one, by option names only Keras 1 used (Embedding's output_dim is Keras 2 too). */
function isKeras1(model: RawObject, version: string | undefined): boolean {
  if (version) return /^1\./.test(version);
  const config = own(model, 'config');
  const layers = Array.isArray(config) ? config : isObject(config) ? own(config, 'layers') : undefined;
  if (!Array.isArray(layers)) return false;
  return layers.some((layer) => {
    const c = isObject(layer) ? own(layer, 'config') : undefined;
    return isObject(c) && ['init', 'W_regularizer', 'b_regularizer', 'nb_filter'].some((k) => own(c, k) !== undefined);
  });
}

function usesKeras3Serialization(model: RawObject): boolean {
  return own(model, 'module') !== undefined || own(model, 'registered_name') !== undefined || own(model, 'class_name') === 'Functional';
}

function detectFormat(text: string, fileName: string, fromArchive: boolean): KerasSource {
  const { tree, value } = parseJson(text, fileName);
  const fail = (code: string, path: JsonPath, message: string) => new ImportFailure([importProblem(code, path, message)]);
  if (!isObject(value)) throw fail('import.unknown-format', [], `${fileName} holds ${Array.isArray(value) ? 'an array' : 'a single value'}, not a model definition.`);
  const base = { text, tree, locationName: fileName };

  const topology = own(value, 'modelTopology');
  if (topology !== undefined || own(value, 'format') !== undefined) {
    const format = own(value, 'format');
    if (format === 'graph-model') {
      throw fail('import.graph-model', ['format'],
        `${fileName} is a TF.js graph model (a frozen TensorFlow graph, "format": "graph-model"): it has no layers to import. ` +
        'Import the Keras model it was converted from, or convert a Keras model with tensorflowjs_converter --output_format tfjs_layers_model.');
    }
    if (!isObject(topology)) throw fail('import.unknown-format', ['modelTopology'], `${fileName} has no modelTopology object, so it is not a TF.js layers model.`);
    const generatedBy = own(value, 'generatedBy');
    const modelConfig = own(topology, 'model_config');
    const version = own(topology, 'keras_version');
    const versionText = typeof version === 'string' ? version : undefined;
    if (isObject(modelConfig)) {
      // tfjs-converter output: the Keras model wrapped with its version and training config.
      if (isKeras1(modelConfig, versionText)) throw keras1Failure(fileName, ['modelTopology', 'keras_version'], versionText);
      const training = own(topology, 'training_config');
      return {
        ...base, format: format === 'layers-model' ? 'tfjs-layers-model' : 'tfjs-converter-legacy',
        description: `TF.js model.json converted from Keras ${versionText ?? '(version not recorded)'}${format === 'layers-model' ? '' : ' (tfjs-converter without "format")'}`,
        kerasVersion: versionText, model: modelConfig, modelPath: ['modelTopology', 'model_config'],
        ...(isObject(training) ? { training, trainingPath: ['modelTopology', 'training_config'] } : {}),
      };
    }
    if (typeof own(topology, 'class_name') !== 'string') throw fail('import.unknown-format', ['modelTopology'], `${fileName}: modelTopology has neither class_name nor model_config, so it is not a TF.js layers model.`);
    const training = own(value, 'trainingConfig') ?? own(topology, 'training_config');
    return {
      ...base, format: format === 'layers-model' ? 'tfjs-layers-model' : 'tfjs-layers-legacy',
      description: `TF.js layers model (${typeof generatedBy === 'string' ? generatedBy : versionText ?? 'tfjs-layers'})`,
      kerasVersion: versionText, model: topology, modelPath: ['modelTopology'],
      ...(isObject(training) ? { training, trainingPath: own(value, 'trainingConfig') !== undefined ? ['trainingConfig'] : ['modelTopology', 'training_config'] } : {}),
    };
  }

  const className = own(value, 'class_name');
  if (typeof className !== 'string' || own(value, 'config') === undefined) {
    throw fail('import.unknown-format', [],
      `${fileName} is JSON but not a model definition: expected Keras model.to_json() output ({"class_name", "config", ...}), a TF.js model.json ({"modelTopology", ...}) or a .keras archive.`);
  }
  const version = own(value, 'keras_version');
  const versionText = typeof version === 'string' ? version : undefined;
  if (isKeras1(value, versionText)) throw keras1Failure(fileName, versionText ? ['keras_version'] : ['config'], versionText);
  const keras3 = fromArchive || usesKeras3Serialization(value);
  const training = own(value, 'compile_config') ?? own(value, 'training_config');
  return {
    ...base, format: keras3 ? (fromArchive ? 'keras3-archive' : 'keras3') : 'keras2',
    description: keras3 ? `Keras ${versionText ?? '3'} model JSON` : `Keras ${versionText ?? '2'} model.to_json()`,
    kerasVersion: versionText, model: value, modelPath: [],
    ...(isObject(training) ? { training, trainingPath: [own(value, 'compile_config') !== undefined ? 'compile_config' : 'training_config'] } : {}),
  };
}

function keras1Failure(fileName: string, path: JsonPath, version: string | undefined): ImportFailure {
  return new ImportFailure([importProblem('import.keras1', path,
    `${fileName} was written by Keras ${version ?? '1.x'} (Keras 1 layer options such as output_dim, init and W_regularizer), which import does not read. ` +
    'Load the model in Keras 2 or 3 and save it again with model.to_json() or model.save("name.keras").')]);
}
