import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../../src/core/config/parseConfig';
import { loadDataset } from '../../../../src/core/data/loadDataset';
import { runStaticRules } from '../../../../src/core/diagnosis/diagnosisRegistry';
import type { Finding } from '../../../../src/core/diagnosis/finding';

const EXAMPLES = path.join(__dirname, '../../../../examples');

function configFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.train.json')).map((f) => path.join(dir, f)).sort();
}

/** Static findings of an example, without data and with the statistics of its loaded training split. */
async function findings(file: string): Promise<{ withoutData: Finding[]; withData: Finding[] }> {
  const parsed = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
  assert.ok(parsed.config && parsed.shapes, `${file} is valid`);
  const data = await loadDataset(parsed.config.data, parsed.config.seed, path.dirname(file));
  return {
    withoutData: runStaticRules({ config: parsed.config, shapes: parsed.shapes }),
    withData: runStaticRules({ config: parsed.config, shapes: parsed.shapes, inputStats: data.rawInputStats }),
  };
}

const summary = (list: Finding[]) => list.map((f) => `${f.severity} ${f.rule}${f.layer === undefined ? '' : `@${f.layer}`}`);

describe('static rules on the examples', () => {
  for (const file of configFiles(EXAMPLES)) {
    it(`healthy ${path.basename(file)}: no warnings or errors, with or without its data`, async () => {
      const { withoutData, withData } = await findings(file);
      assert.deepEqual(summary([...withoutData, ...withData].filter((f) => f.severity !== 'info')), []);
    });
  }

  const expected: Record<string, string[]> = {
    'bias-regularized.train.json': ['warning reg.bias-regularized@0'],
    'deep-tanh-tiny-init.train.json': ['warning init.vanishing-activations@1'],
    'exploding-relu-init.train.json': ['warning init.exploding-activations@0'],
    'lr-too-high.train.json': ['warning lr.too-high-static'],
    'overfitting.train.json': [],
    'unnormalized-inputs.train.json': ['warning data.unnormalized', 'info lr.no-decay'],
    'zero-init.train.json': ['error init.symmetry@0'],
  };
  for (const [name, rules] of Object.entries(expected)) {
    it(`broken ${name}: ${rules.join(', ') || 'nothing static (its problem shows during training)'}`, async () => {
      const { withData } = await findings(path.join(EXAMPLES, 'broken', name));
      assert.deepEqual(summary(withData), rules);
    });
  }

  const seeds: Record<string, string[]> = {
    'mlp4096-linear-std0.01.train.json': ['warning init.vanishing-activations@4'],
    'mlp4096-linear-std0.02.train.json': ['warning init.exploding-activations@4'],
    'mlp4096-linear-xavier.train.json': [],
    'mlp4096-relu-kaiming.train.json': [],
    'mlp4096-relu-xavier.train.json': ['warning init.vanishing-activations@5'],
    'mlp4096-tanh-std0.01.train.json': ['warning init.vanishing-activations@3'],
  };
  for (const [name, rules] of Object.entries(seeds)) {
    it(`seeds ${name}: ${rules.join(', ') || 'quiet'}`, async () => {
      const parsed = parseTrainConfig(fs.readFileSync(path.join(EXAMPLES, 'seeds', name), 'utf8'), name);
      assert.ok(parsed.config && parsed.shapes);
      assert.deepEqual(summary(runStaticRules({ config: parsed.config, shapes: parsed.shapes })), rules);
    });
  }
});
