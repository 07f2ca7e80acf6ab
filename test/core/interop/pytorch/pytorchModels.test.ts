import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inferShapes } from '../../../../src/core/config/shapeInference';
import { parameterStatistics } from '../../../../src/core/engine/layerStatistics';
import { buildModel } from '../../../../src/core/engine/modelBuilder';
import { exportKerasScript } from '../../../../src/core/interop/keras/exportKerasScript';
import { wasmRuntime } from '../../engine/engineFixtures';
import { exportToTemp, repoRoot, runPython, skipReason } from './pytorchHarness';

function configsUnder(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return configsUnder(relative);
    return entry.name.endsWith('.train.json') ? [relative] : [];
  });
}

/** Configs that are broken on purpose in ways that stop an export (syntax, shapes). */
const NOT_EXPORTABLE = new Set(['examples/broken/typos.train.json', 'examples/broken/dense-after-conv.train.json']);
const EVERY_LAYER = 'test/core/interop/pytorch/fixtures/every-layer.train.json';
const examples = configsUnder('examples').filter((f) => !NOT_EXPORTABLE.has(f));
const seeds = examples.filter((f) => f.startsWith('examples/seeds/'));
/** Built and compared here (the seeds' 4096-wide models would take 400 MB each, so they are only compiled). */
const built = [...examples.filter((f) => !seeds.includes(f)), EVERY_LAYER];

interface InitReport {
  layers: { index: number; name: string; params: number; outputShape: number[]; weights: { mean: number; std: number } | null }[];
}

/** Each script's --init-report, all in one Python process (importing torch once). */
function initReports(scripts: string[]): InitReport[] {
  const driver = [
    'import importlib.util, json, sys',
    'for i, path in enumerate(sys.argv[1:]):',
    '    spec = importlib.util.spec_from_file_location("exported_%d" % i, path)',
    '    module = importlib.util.module_from_spec(spec)',
    '    spec.loader.exec_module(module)',
    '    module.torch.set_num_threads(1)',
    '    print(json.dumps(module.init_report()))',
  ].join('\n');
  const run = runPython(['-c', driver, ...scripts]);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as InitReport);
}

describe('exported PyTorch scripts: models', { skip: skipReason() }, () => {
  it('exports every example and seed config, to PyTorch and to Keras, and every script compiles', () => {
    assert.ok(seeds.length >= 6 && examples.length >= 18, `found ${examples.length} configs`);
    const scripts = [...examples, EVERY_LAYER].flatMap((f) => {
      const { script, config } = exportToTemp(f);
      const keras = script.replace(/\.py$/, '_keras.py');
      fs.writeFileSync(keras, exportKerasScript(config, inferShapes(config.model.layers, config.model.input), { mnistDir: 'digits' }));
      return [script, keras];
    });
    const compiled = runPython(['-m', 'py_compile', ...scripts]);
    assert.equal(compiled.status, 0, compiled.stderr);
  });

  it('builds each model with the config\'s parameter counts and output shapes, layer by layer', () => {
    const exported = built.map((f) => exportToTemp(f));
    const reports = initReports(exported.map((e) => e.script));
    exported.forEach(({ config }, k) => {
      const shapes = inferShapes(config.model.layers, config.model.input);
      assert.deepEqual(
        reports[k].layers.map((l) => [l.name, l.params, l.outputShape]),
        shapes.layers.map((s, i) => [`${i}:${s.type}`, s.params, s.outputShape]),
        built[k],
      );
    });
  });

  it('draws initial weights with the engine\'s spread (per-layer std within sampling noise)', async () => {
    const runtime = await wasmRuntime();
    const { tf } = runtime;
    const chosen = ['examples/mnist-mlp.train.json', 'examples/broken/deep-tanh-tiny-init.train.json', 'examples/broken/exploding-relu-init.train.json', 'examples/mnist-resnet.train.json', EVERY_LAYER];
    const exported = chosen.map((f) => exportToTemp(f));
    const reports = initReports(exported.map((e) => e.script));
    const rows: string[] = [];
    exported.forEach(({ config }, k) => {
      const model = buildModel(tf, config.model.layers, config.model.input, config.seed);
      // Without gradients or an update: only the weight mean and std (after 2n NaN) are used.
      const values = parameterStatistics(tf, model.tracked, { grads: {}, gradSquares: new Map(), histograms: false }).subarray(2 * model.tracked.length);
      reports[k].layers.forEach((layer, i) => {
        const std = values[2 * i + 1];
        if (Number.isNaN(values[2 * i])) {
          assert.equal(layer.weights, null, `${chosen[k]} ${layer.name}: no main weight in the engine`);
          return;
        }
        assert.ok(layer.weights, `${chosen[k]} ${layer.name}: a main weight`);
        // The std of n draws estimates σ with a relative error of about 1/√(2n) (a little more for
        // uniform and truncated draws, and for a residual block's mix of kernels): 6 of those, plus a floor.
        const n = Math.max(1, layer.params);
        const tolerance = 6 / Math.sqrt(2 * n) * std + 1e-6;
        rows.push(`${chosen[k]} ${layer.name}: engine ${std.toPrecision(4)}, torch ${layer.weights.std.toPrecision(4)}`);
        assert.ok(Math.abs(layer.weights.std - std) <= tolerance, rows[rows.length - 1]);
      });
      model.model.dispose();
    });
    console.log(rows.join('\n'));
  });
});
