import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activationStatistics, decodeActivationStats } from '../../../../src/core/engine/layerStatistics';
import type { TrackedLayer } from '../../../../src/core/engine/modelBuilder';
import { wasmRuntime } from '../../engine/engineFixtures';
import { exportToTemp, runPython, skipReason } from './pytorchHarness';

/** Channels-last [batch, height, width, channels] test activations; channel 1 is negative everywhere (dead after relu). */
const SHAPE = [8, 4, 5, 3];
const raw = Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => {
  const channel = i % 3;
  const value = 3 * Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.3);
  return channel === 1 ? -Math.abs(value) - 0.1 : value;
});
const KINDS = ['relu', 'relu6', 'tanh', 'sigmoid', 'hardSigmoid', 'linear', 'batchNormalization'];

describe('exported PyTorch script: activation statistics', { skip: skipReason() }, () => {
  it('computes mean, std, zero, dead and saturated fractions as the engine defines them (conv layout and flat)', async () => {
    const { tf } = await wasmRuntime();
    const { script } = exportToTemp('examples/mnist-mlp.train.json');
    const driver = [
      'import importlib.util, json, sys, torch',
      'spec = importlib.util.spec_from_file_location("exported", sys.argv[1])',
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      `x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float32).reshape(${SHAPE.join(', ')})`,
      'act = {"relu": torch.relu, "relu6": lambda v: torch.clamp(v, 0, 6), "tanh": torch.tanh, "sigmoid": torch.sigmoid,',
      '       "hardSigmoid": lambda v: torch.clamp(0.2 * v + 0.5, 0, 1), "linear": lambda v: v, "batchNormalization": lambda v: v}',
      'out = {}',
      'for kind in json.loads(sys.argv[3]):',
      '    y = act[kind](x)',
      // Conv layout: NCHW view of channels-last memory, as convolutions leave it; and flat.
      '    out[kind] = [m.activation_stats(m.channels_first(y), kind).tolist(), m.activation_stats(y.reshape(8, -1), kind).tolist()]',
      'print(json.dumps(out))',
    ].join('\n');
    const run = runPython(['-c', driver, script, JSON.stringify(raw), JSON.stringify(KINDS)]);
    assert.equal(run.status, 0, run.stderr);
    const torchStats = JSON.parse(run.stdout.replace(/NaN/g, 'null')) as Record<string, (number | null)[][]>;

    const applied: Record<string, (t: ReturnType<typeof tf.tensor>) => ReturnType<typeof tf.tensor>> = {
      relu: (t) => tf.relu(t), relu6: (t) => tf.clipByValue(t, 0, 6), tanh: (t) => tf.tanh(t), sigmoid: (t) => tf.sigmoid(t),
      hardSigmoid: (t) => tf.clipByValue(tf.add(tf.mul(t, 0.2), 0.5), 0, 1), linear: (t) => t, batchNormalization: (t) => t,
    };
    for (const kind of KINDS) {
      for (const [form, shape] of [['conv', SHAPE], ['flat', [8, 60]]] as const) {
        const input = tf.tensor(raw, shape as number[]);
        const output = applied[kind](input);
        const [ours] = decodeActivationStats(activationStatistics(tf, [output], [{ activation: kind } as unknown as TrackedLayer], false), 0, 1);
        tf.dispose([input, output]);
        const [mean, std, zero, saturated, dead] = torchStats[kind][form === 'conv' ? 0 : 1];
        const near = (a: number | null | undefined, b: number | undefined, what: string) => {
          if (b === undefined) return assert.equal(a, null, `${kind} ${form} ${what}: not measured`);
          assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${kind} ${form} ${what}: torch ${a}, engine ${b}`);
        };
        near(mean, ours.mean, 'mean');
        near(std, ours.std, 'std');
        near(zero, ours.zeroFraction, 'zeroFraction');
        near(saturated, ours.saturatedFraction, 'saturatedFraction');
        near(dead, ours.deadFraction, 'deadFraction');
      }
    }
    assert.ok((torchStats.relu[0][4] ?? 0) > 0.3, 'the negative channel is dead after relu');
  });
});
