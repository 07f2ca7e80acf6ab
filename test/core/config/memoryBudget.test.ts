// Resource bombs are refused from the config alone, before anything is allocated: the estimate of
// a model's and a data set's memory, and the located problems when they exceed the budget. These
// tests only parse configs; nothing here allocates what the configs describe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigProblemError } from '../../../src/core/config/configProblem';
import {
  assertModelFits, DEFAULT_DATA_BUDGET_GIB, DEFAULT_MODEL_BUDGET_GIB, estimateMemory, GIB, memoryProblems, WASM_MODEL_BUDGET_GIB,
} from '../../../src/core/config/memoryEstimate';
import { configText, IMAGE_MNIST, parse, parseValid } from './configTestHelpers';

const SOFTMAX_10 = { type: 'dense', units: 10, activation: 'softmax' };
/** The probe's finding: an MNIST CNN with 1,024 filters per conv layer. */
const WIDE_CONV = [
  { type: 'conv2d', filters: 1024, kernelSize: 3, activation: 'relu' },
  { type: 'conv2d', filters: 1024, kernelSize: 3, activation: 'relu' },
  { type: 'flatten' },
  SOFTMAX_10,
];

function problemsOf(text: string): { code: string; path: string }[] {
  return parse(text).problems.map((p) => ({ code: p.code, path: p.path.join('.') }));
}

describe('estimateMemory', () => {
  it('counts every parameter as many times as a training step holds it (adam: 19, measured), and the activations of a batch', () => {
    const config = parseValid(configText({ training: { epochs: 1, batchSize: 32, optimizer: { type: 'adam' } } }));
    const params = 784 * 256 + 256 + 256 * 10 + 10;
    const estimate = estimateMemory(config);
    assert.equal(estimate.parameterBytes, params * 19 * 4);
    // Kept per example: the product, the bias sum and the activation of both dense layers.
    const kept = 3 * 256 + 3 * 10;
    const training = 32 * 4 * (784 + 2 * kept);
    const evaluation = 256 * 4 * (784 + kept);
    assert.equal(estimate.activationBytes, Math.max(training, evaluation));
    assert.equal(estimate.modelBytes, estimate.parameterBytes + estimate.activationBytes);
  });

  it('parameter copies by optimizer (sgd 6, with momentum 7, adagrad 7, rmsprop 8; early stopping\'s best weights one more); a probe holds 5', () => {
    const configWith = (training: Record<string, unknown>) => parseValid(configText({
      layers: [{ type: 'dense', units: 10, activation: 'softmax' }], training: { epochs: 1, ...training },
    }));
    const bytesWith = (training: Record<string, unknown>) => estimateMemory(configWith(training)).parameterBytes;
    const copy = (784 * 10 + 10) * 4;
    assert.equal(bytesWith({ optimizer: { type: 'sgd' } }), 6 * copy);
    assert.equal(bytesWith({ optimizer: { type: 'sgd', momentum: 0.9 } }), 7 * copy);
    assert.equal(bytesWith({ optimizer: { type: 'adagrad' } }), 7 * copy);
    assert.equal(bytesWith({ optimizer: { type: 'rmsprop' } }), 8 * copy);
    assert.equal(bytesWith({ optimizer: { type: 'adam' }, earlyStopping: { restoreBestWeights: true } }), 20 * copy);
    assert.equal(estimateMemory(configWith({ optimizer: { type: 'adam' } }), undefined, 256, false).parameterBytes, 5 * copy);
  });

  it('activations grow with the batch size (above the evaluation batch); the data with the samples', () => {
    const config = parseValid(configText({ input: [28, 28, 1], data: IMAGE_MNIST, layers: WIDE_CONV }));
    const at = (batch: number) => estimateMemory(config, undefined, batch).activationBytes;
    assert.equal(at(1024), 2 * at(512));
    // Below the evaluation batch (here 33: 256 examples would keep more than 512 MB of layer outputs), evaluation is what counts.
    assert.equal(at(2), at(4));
    const spirals = (samples: number) => estimateMemory(parseValid(configText({
      data: { dataset: { synthetic: 'spirals', samples } }, input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }],
    }))).dataBytes;
    assert.equal(spirals(2000), 10 * spirals(200));
  });
});

describe('configs over the memory budget are lint errors, located', () => {
  it('memory.data-over-budget: synthetic "samples": 1e9, at data.dataset.samples', () => {
    const text = configText({ data: { dataset: { synthetic: 'spirals', samples: 1e9 } }, input: [2], layers: [{ type: 'dense', units: 2, activation: 'softmax' }] });
    assert.deepEqual(problemsOf(text), [{ code: 'memory.data-over-budget', path: 'data.dataset.samples' }]);
  });

  it('memory.data-over-budget: gaussian 20,000 samples × 10,000 classes, at data.dataset.classes', () => {
    const text = configText({
      data: { dataset: { synthetic: 'gaussian', features: 4, samples: 20_000, classes: 10_000 } }, input: [4],
      layers: [{ type: 'dense', units: 10_000, activation: 'softmax' }],
    });
    const problems = parse(text).problems;
    assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['memory.data-over-budget', 'data.dataset.classes']]);
    assert.match(problems[0].message, new RegExp(`${DEFAULT_DATA_BUDGET_GIB}\\.0 GiB budget`));
  });

  it('memory.model-over-budget: a dense layer of 1,000,000 units, at its "units"', () => {
    const text = configText({ layers: [{ type: 'dense', units: 1_000_000, activation: 'relu' }, SOFTMAX_10] });
    const problems = parse(text).problems;
    assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['memory.model-over-budget', 'model.layers.0.units']]);
    assert.match(problems[0].message, /785,000,000 parameters/);
    assert.match(problems[0].message, new RegExp(`${DEFAULT_MODEL_BUDGET_GIB}\\.0 GiB budget`));
  });

  it('1,024-filter convolutions: accepted on native tfjs at batch 128, refused on wasm (config "backend": "wasm")', () => {
    // (At 128 the training step dominates; evaluation runs in batches that keep its layer outputs under 512 MB.)
    const base = { input: [28, 28, 1], data: IMAGE_MNIST, layers: WIDE_CONV, training: { epochs: 1, batchSize: 128, optimizer: { type: 'adam' } } };
    assert.deepEqual(problemsOf(configText({ ...base, top: { backend: 'tensorflow' } })), []);
    const onWasm = parse(configText({ ...base, top: { backend: 'wasm' } })).problems;
    assert.equal(onWasm.length, 1);
    assert.equal(onWasm[0].code, 'memory.model-over-budget');
    assert.match(onWasm[0].path.join('.'), /^model\.layers\.[01]\.filters$/);
    assert.match(onWasm[0].message, new RegExp(`${WASM_MODEL_BUDGET_GIB}\\.0 GiB budget on the WebAssembly backend`));
  });

  it('the backend a run really gets is checked again: "auto" that lands on wasm, or a probe\'s batch of 256', () => {
    const config = parseValid(configText({ input: [28, 28, 1], data: IMAGE_MNIST, layers: WIDE_CONV, training: { epochs: 1, batchSize: 128, optimizer: { type: 'adam' } } }));
    assert.deepEqual(memoryProblems(config, undefined, { backend: 'tensorflow' }), []);
    assert.deepEqual(memoryProblems(config, undefined, { backend: 'wasm' }).map((p) => p.code), ['memory.model-over-budget']);
    assert.deepEqual(memoryProblems(config, undefined, { backend: 'tensorflow', batchSize: 256, purpose: 'for a probe of 256 examples' }).map((p) => p.code), ['memory.model-over-budget']);
    assert.throws(() => assertModelFits(config, { backend: 'wasm' }), (e: unknown) => e instanceof ConfigProblemError && e.problems[0].code === 'memory.model-over-budget');
    assert.doesNotThrow(() => assertModelFits(config, { backend: 'cpu' }));
  });

  it('memory.model-over-budget: an input of 100,000 × 100,000 × 3 pixels, at model.input', () => {
    const text = configText({ input: [100_000, 100_000, 3], data: IMAGE_MNIST, layers: [{ type: 'globalAveragePooling2d' }, SOFTMAX_10] });
    const codes = problemsOf(text);
    assert.deepEqual(codes.filter((p) => p.code.startsWith('memory.')), [{ code: 'memory.model-over-budget', path: 'model.input' }]);
  });

  it('"memoryBudget" raises (or lowers) the budget', () => {
    const layers = [{ type: 'dense', units: 1_000_000, activation: 'relu' }, SOFTMAX_10];
    assert.deepEqual(problemsOf(configText({ layers, top: { memoryBudget: { modelGiB: 64 } } })), []);
    assert.deepEqual(problemsOf(configText({ top: { memoryBudget: { modelGiB: 0.001 } } })).map((p) => p.code), ['memory.model-over-budget']);
    const config = parseValid(configText({ layers, top: { memoryBudget: { modelGiB: 64, dataGiB: 2 } } }));
    assert.deepEqual(config.memoryBudget, { modelGiB: 64, dataGiB: 2 });
    assert.ok(estimateMemory(config).modelBytes > DEFAULT_MODEL_BUDGET_GIB * GIB);
  });

  it('"memoryBudget" is validated like the rest of the config', () => {
    assert.deepEqual(problemsOf(configText({ top: { memoryBudget: { modelGB: 16 } } })), [{ code: 'schema.unknown-property', path: 'memoryBudget.modelGB' }]);
    assert.deepEqual(problemsOf(configText({ top: { memoryBudget: { dataGiB: 0 } } })), [{ code: 'schema.out-of-range', path: 'memoryBudget.dataGiB' }]);
  });

  it('the examples are far below the budget', () => {
    const config = parseValid(configText({ input: [28, 28, 1], data: IMAGE_MNIST, layers: [{ type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, SOFTMAX_10] }));
    assert.ok(estimateMemory(config).modelBytes < 0.1 * WASM_MODEL_BUDGET_GIB * GIB);
  });
});
