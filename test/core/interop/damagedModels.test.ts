// Damaged model files (keys dropped, values replaced by junk, array items lost) never crash the
// importer: each gives a config or located problems. Deterministic: a seeded generator picks the damage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importKerasModel } from '../../../src/core/interop/keras/importKerasModel';

const fixtures = path.join(__dirname, 'fixtures');
const JUNK: unknown[] = [null, 0, -1, 1e9, 'x', [], {}, true, [null], { class_name: 'Dense' }, { __proto__: { units: 3 } }, 'constructor'];

function damage(value: unknown, random: () => number): unknown {
  const junk = () => JUNK[Math.floor(random() * JUNK.length)];
  if (Array.isArray(value)) return value.filter(() => random() > 0.01).map((v) => (random() < 0.03 ? junk() : damage(v, random)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (random() < 0.02) continue;
      out[k] = random() < 0.03 ? junk() : damage(v, random);
    }
    return out;
  }
  return value;
}

describe('import of damaged model files', () => {
  it('refuses a Reshape whose target_shape is not a list of sizes, naming the layer (it used to throw)', () => {
    const model = JSON.parse(fs.readFileSync(path.join(fixtures, 'tfjs-layers-model-mobile.json'), 'utf8'));
    model.modelTopology.config.layers[4].config.target_shape = null;
    const text = JSON.stringify(model);
    const result = importKerasModel(Buffer.from(text), 'model.json');
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((p) => p.layer?.name), ['to_sequence']);
    assert.match(result.problems[0].message, /Layer "to_sequence" \(Reshape\)|targetShape/);
  });

  it('never throws, and every problem is located (1200 damaged copies of the fixtures)', () => {
    let state = 20261205;
    const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
    const files = fs.readdirSync(fixtures).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(fixtures, f), 'utf8')));
    const outcomes = { imported: 0, refused: 0 };
    for (let i = 0; i < 1200; i++) {
      const text = JSON.stringify(damage(files[i % files.length], random));
      const result = importKerasModel(Buffer.from(text), `damaged-${i}.json`);
      if (result.ok) {
        outcomes.imported++;
        continue;
      }
      outcomes.refused++;
      for (const p of result.problems) {
        assert.ok(p.message.length > 0 && p.range && p.range.line >= 1 && p.range.offset <= text.length, `${i}: ${p.code} ${p.message}`);
      }
    }
    assert.ok(outcomes.refused > 0 && outcomes.imported > 0, JSON.stringify(outcomes));
  });
});
