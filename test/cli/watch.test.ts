// `training-doctor watch` on TensorBoard logs: the runs it finds, the tags it uses, the rules that
// could not run, findings with framework advice, JSON events, live following and a clean stop.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { histogramOf } from '../../src/core/interop/tensorboard/eventEncoding';
import { writeKerasRun, writePytorchRun, writerAt } from '../core/interop/tensorboard/tensorboardFixtures';
import { assertBuilt, removeDir, runCli, show, tempDir } from './cliTestHelpers';

let dir: string;
before(() => {
  assertBuilt();
  dir = tempDir('watch');
  writeKerasRun(path.join(dir, 'logs', 'keras'), 12, (e) => 1 / (e + 1), (e) => (e < 4 ? 1 / (e + 1) + 0.05 : 0.3 + 0.1 * (e - 4)));
  fs.mkdirSync(path.join(dir, 'logs', 'runs', 'exp1', 'pytorch'), { recursive: true });
  writePytorchRun(path.join(dir, 'logs', 'runs', 'exp1', 'pytorch'), { steps: 25, gradientStd: (s) => (s < 12 ? 0.01 : 5) });
});
after(() => removeDir(dir));

describe('training-doctor watch', () => {
  it('--once lists the runs, the tags used and not, the rules without data, and findings with advice', async () => {
    const result = await runCli(['watch', 'logs', '--once'], { cwd: dir });
    assert.equal(result.code, 1, `an error-severity finding (grad.exploding) exits 1\n${show(result)}`);
    const out = result.stdout;
    assert.match(out, /Found 2 runs under .*logs:/);
    assert.match(out, /^ {2}keras: train \(train\/: 1 event file\), validation \(validation\/: 1 event file\)$/m);
    assert.match(out, /^ {2}runs\/exp1\/pytorch: train/m);
    assert.match(out, /keras: warning fit\.overfitting .*EarlyStopping\(monitor='val_loss'/);
    assert.match(out, /runs\/exp1\/pytorch: error grad\.exploding .*clip_grad_norm_/);
    assert.match(out, /tags used \(\d+\): epoch_loss → loss \(epoch\)/);
    assert.match(out, /tags not used \(1\): dense\/bias_0 \(biases/);
    assert.match(out, /rules that could not run: grad\.exploding \(no gradient norm nor gradient histograms/);
    assert.match(out, /gradient norms are estimated from the gradient histograms/);
    assert.equal(result.stderr, '');
  });

  it('--json emits our events, one per line, each with its run', async () => {
    const result = await runCli(['watch', path.join('logs', 'keras'), '--once', '--json'], { cwd: dir });
    assert.equal(result.code, 0, show(result));
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(events.every((e) => e.run === 'keras' && typeof e.type === 'string'));
    assert.equal(events[0].type, 'run-started');
    assert.equal(events.filter((e) => e.type === 'epoch-end').length, 12);
    const finding = events.find((e) => e.type === 'finding');
    assert.equal(finding?.finding.rule, 'fit.overfitting');
    assert.deepEqual(finding?.finding.fixes, []);
    assert.equal(events[events.length - 1].type, 'tensorboard-summary');
  });

  it('--map gives a tag its role; a bad role is a usage error', async () => {
    const custom = path.join(dir, 'custom');
    const writer = writerAt(custom, 1_700_000_000, 'tensor');
    for (let step = 0; step < 5; step++) writer.addScalars(step, { 'objective/total': 1 });
    writer.close();
    const mapped = await runCli(['watch', 'custom', '--once', '--map', 'objective/total=loss'], { cwd: dir });
    assert.match(mapped.stdout, /objective\/total → loss/, show(mapped));
    const bad = await runCli(['watch', 'custom', '--once', '--map', 'objective/total'], { cwd: dir });
    assert.equal(bad.code, 2, show(bad));
    assert.match(bad.stderr, /--map: "objective\/total" is not TAG=ROLE/);
    const missing = await runCli(['watch', 'nowhere', '--once'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere: no such folder or file/);
  });

  it('a *.tb.json sidecar with problems: they are reported and the rest applied', async () => {
    const custom = path.join(dir, 'sidecar');
    const writer = writerAt(custom, 1_700_000_000, 'tensor');
    for (let step = 0; step < 5; step++) writer.addScalars(step, { 'objective/total': 1 });
    writer.close();
    fs.writeFileSync(path.join(custom, 'mapping.tb.json'), JSON.stringify({ tags: { 'objective/total': 'loss', other: 'bogus' } }));
    const result = await runCli(['watch', 'sidecar', '--once'], { cwd: dir });
    assert.match(result.stdout, /objective\/total → loss/, show(result));
    assert.match(result.stderr, /mapping\.tb\.json: tags\["other"\]: "bogus" is not a role/);
  });

  it('stops quietly when its reader goes away (watch --json | head)', async () => {
    const piped = path.join(dir, 'piped');
    const writer = writerAt(piped, 1_700_000_000, 'tensor');
    writer.addScalars(0, { 'Loss/train': 1 });
    writer.addScalars(1, { 'Loss/train': 1 });
    writer.flush();
    let closed = false;
    const result = await runCli(['watch', 'piped', '--json'], {
      cwd: dir,
      onStdout: (_soFar, child) => {
        if (closed) return;
        closed = true;
        child.stdout?.destroy();
        // More records: the watch writes again, finds nobody reading, and ends.
        for (let step = 2; step < 5; step++) writer.addScalars(step, { 'Loss/train': 1 });
        writer.flush();
      },
    });
    assert.ok(closed);
    // 141, like every command whose output closes (the code a tool killed by SIGPIPE gets).
    assert.equal(result.code, 141, show(result));
    assert.doesNotMatch(result.stderr, /EPIPE|Error/);
  });

  it('follows a live run: a finding appears once records are appended, and Ctrl+C stops it cleanly', async () => {
    const live = path.join(dir, 'live');
    const writer = writerAt(live, 1_700_000_000, 'tensor');
    writer.addScalars(0, { 'Loss/train': 1 });
    writer.flush();
    let appended = false;
    let interrupted = false;
    const result = await runCli(['watch', 'live'], {
      cwd: dir,
      timeoutMs: 60_000,
      onStdout: (soFar, child) => {
        if (!appended && soFar.includes('Watching for new records')) {
          appended = true;
          // The loss becomes NaN: grad.nonfinite, found by the next poll.
          for (let step = 1; step < 4; step++) writer.addScalars(step, { 'Loss/train': step < 2 ? 1 : NaN });
          writer.addHistograms(3, { 'fc1.weight': histogramOf([0.1, 0.2]) });
          writer.flush();
        }
        if (!interrupted && soFar.includes('grad.nonfinite')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(interrupted, show(result));
    assert.equal(result.signal, null, 'ended by itself after SIGINT, not killed');
    assert.match(result.stdout, /live: error grad\.nonfinite \(step 2/);
    assert.match(result.stdout, /Findings: 1\./);
  });
});
