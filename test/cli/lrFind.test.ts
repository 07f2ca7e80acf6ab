// `training-doctor lr-find`: the suggestion, the curve file, and the human summary.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, readJson, removeDir, runCli, show, tempDir, writeSpiralsConfig } from './cliTestHelpers';

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('training-doctor lr-find', () => {
  let dir: string;
  before(() => {
    assertBuilt();
    dir = tempDir('lrfind');
    writeSpiralsConfig(dir, 'lr.train.json', { name: 'cli-lr' });
  });
  after(() => removeDir(dir));

  it('--json --steps 60: a suggestion with low <= suggested <= high, and the curve written to the file it names', async () => {
    const result = await runCli(['lr-find', 'lr.train.json', '--json', '--steps', '60'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const report = JSON.parse(result.stdout);
    assert.equal(report.optimizer, 'adam');
    assert.equal(report.configuredRate, 0.01);
    assert.ok(Array.isArray(report.points) && report.points.length >= 10 && report.points.length <= 60, `at most 60 points: ${report.points?.length}`);
    const rates = report.points.map((p: { learningRate: number }) => p.learningRate);
    for (let k = 1; k < rates.length; k++) assert.ok(rates[k] > rates[k - 1], 'the learning rate increases at every step');
    assert.ok(rates[0] >= 1e-7 * 0.999 && rates.at(-1) <= 10 * 1.001, `the sweep stays within 1e-7..10: ${rates[0]}..${rates.at(-1)}`);

    const s = report.suggestion;
    assert.ok(s, 'a suggestion');
    for (const key of ['suggested', 'low', 'high']) assert.ok(isPositive(s[key]), `suggestion.${key} is a positive number: ${s[key]}`);
    assert.ok(s.low <= s.suggested && s.suggested <= s.high, `low ${s.low} <= suggested ${s.suggested} <= high ${s.high}`);
    assert.ok(s.suggested >= rates[0] && s.suggested <= rates.at(-1), 'the suggestion lies in the swept range');

    assert.equal(typeof report.curveFile, 'string');
    assert.ok(path.isAbsolute(report.curveFile));
    assert.equal(fs.realpathSync(path.dirname(report.curveFile)), fs.realpathSync(path.join(dir, '.training-doctor', 'lr-find')), 'by default under ./.training-doctor/lr-find');
    const curve = readJson(report.curveFile);
    assert.deepEqual(curve.points, report.points, 'the file holds the curve that was printed');
    assert.deepEqual(curve.suggestion, report.suggestion);
  });

  it('people: "Suggested learning rate", the range, and the curve file (in --out) named', async () => {
    const out = path.join(dir, 'curves');
    const result = await runCli(['lr-find', 'lr.train.json', '--steps', '60', '--out', out], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /^Learning-rate range test for "cli-lr" \(adam\)/);
    const suggested = /^Suggested learning rate: (\S+) \(loss falls fastest; plausible range (\S+) to (\S+)\)\.$/m.exec(result.stdout);
    assert.ok(suggested, `the suggestion line:\n${result.stdout}`);
    const [rate, low, high] = suggested.slice(1).map(Number);
    assert.ok(low <= rate && rate <= high, `${low} <= ${rate} <= ${high}`);
    const curve = /Curve: (.+)$/m.exec(result.stdout);
    assert.ok(curve, 'the curve file is named');
    const file = path.resolve(dir, curve[1]);
    assert.equal(fs.realpathSync(path.dirname(file)), fs.realpathSync(out));
    const record = readJson(file);
    assert.ok(Array.isArray(record.points) && record.points.length > 0);
    // The printed (4 significant digits) suggestion is the recorded one.
    assert.ok(Math.abs(record.suggestion.suggested - rate) <= 1e-3 * rate, `${record.suggestion.suggested} printed as ${rate}`);
  });
});
