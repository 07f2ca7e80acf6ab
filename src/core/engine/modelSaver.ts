// Writes a model's topology and weights to a folder in the tfjs layers format (model.json +
// weights.bin), loadable with tf.loadLayersModel. We write the files ourselves because the
// file:// handler exists only in tfjs-node, which is optional.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWriteError } from './diskWrites';
import { faultPoint } from './faultPoints';
import type { LayersModel } from './modelBuilder';
import { seededDropoutClass } from './seededDropout';
import type { Tf } from './tensorflowRuntime';

/**
 * Saves into `<dir>.partial` and renames that to `dir` when both files are written, so `dir`
 * holds a complete model or does not exist: a kill or a full disk mid-save never leaves weights
 * that look like a model. Throws a DiskWriteError that says what went wrong.
 */
export async function saveModel(tf: Tf, model: LayersModel, dir: string): Promise<void> {
  const partial = `${dir}.partial`;
  try {
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial);
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData
        ? Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
        : Buffer.alloc(0);
      fs.writeFileSync(path.join(partial, 'weights.bin'), weights);
      await faultPoint('model-save');
      const json = {
        format: 'layers-model',
        generatedBy: 'Training Doctor',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      fs.writeFileSync(path.join(partial, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(partial, dir);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw describeWriteError('the model', dir, error);
  }
}

/** Loads a model written by saveModel (used by tests and by comparing runs). */
export async function loadSavedModel(tf: Tf, dir: string): Promise<LayersModel> {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  // Models with dropout name our layer class, which tfjs knows only once it is registered: in a
  // process that has not built a model yet, loading would fail with "Unknown layer".
  seededDropoutClass(tf);
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData,
  }));
}
