// The backends a run can be asked for: the TensorFlow.js ones (chosen and loaded by
// tensorflowRuntime.ts) and "pytorch", which runs the exported PyTorch script under the user's
// Python (src/core/pytorchBackend/). Probe, lr-find and fix measure the model with TensorFlow.js
// whatever the choice.

import type { BackendPreference } from './tensorflowRuntime';

export type BackendChoice = BackendPreference | 'pytorch';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu', 'pytorch'];

export function isBackendChoice(value: unknown): value is BackendChoice {
  return typeof value === 'string' && (BACKEND_CHOICES as readonly string[]).includes(value);
}

/** The TensorFlow.js backend for a job that only TensorFlow.js runs: "pytorch" runs it on the default. */
export function tfjsPreference(choice: BackendChoice | undefined): BackendPreference | undefined {
  return choice === 'pytorch' ? 'auto' : choice;
}
