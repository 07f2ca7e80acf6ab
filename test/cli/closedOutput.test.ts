// `training-doctor … | head -1`: when the reader of its output goes away, the command stops
// quietly (exit 141, as a tool stopped by SIGPIPE; a training run is cancelled first, as with
// Ctrl+C), never with an unhandled EPIPE stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, BIN, removeDir, tempDir, writeSpiralsConfig } from './cliTestHelpers';

interface ClosedRun { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Runs the command with its stdout closed before it writes anything. */
function runWithClosedStdout(args: string[], cwd: string): Promise<ClosedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`training-doctor ${args.join(' ')} did not end with its stdout closed\nstderr:\n${stderr}`));
    }, 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('training-doctor with its output closed', () => {
  let dir: string;
  let many: string;
  before(() => {
    assertBuilt();
    dir = tempDir('closed-output');
    // 90 misspelled activations: 90 lines of problems, more than any pipe takes before the reader is gone.
    const layers = [...Array.from({ length: 90 }, () => ({ type: 'dense', units: 8, activation: 'reluu' })), { type: 'dense', units: 10 }];
    many = path.join(dir, 'many.train.json');
    fs.writeFileSync(many, JSON.stringify({ data: { dataset: 'mnist' }, model: { input: [784], layers }, training: { epochs: 1, optimizer: { type: 'adam' } } }, null, 2));
  });
  after(() => removeDir(dir));

  for (const args of [['lint'], ['lint', '--json'], ['probe', '--json']]) {
    it(`${args.join(' ')}: exits 141 without a word on stderr`, async () => {
      const result = await runWithClosedStdout([args[0], many, ...args.slice(1)], dir);
      assert.equal(result.stderr, '', 'nothing on stderr');
      assert.equal(result.code, 141);
    });
  }

  it('--help: exits 141 quietly', async () => {
    const result = await runWithClosedStdout(['--help'], dir);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 141);
  });

  it('an output that cannot be written (a full disk: /dev/full) is one line on stderr and exit 1, not a stack trace', { skip: !fs.existsSync('/dev/full') }, async () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const result = await new Promise<ClosedRun>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'lint', many], { cwd: dir, stdio: ['ignore', full, 'pipe'] });
        let stderr = '';
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => (stderr += chunk));
        child.on('close', (code, signal) => resolve({ code, signal, stderr }));
      });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'training-doctor: cannot write the output: ENOSPC: no space left on device, write\n');
    } finally {
      fs.closeSync(full);
    }
  });

  it('train --json: the run is cancelled as with Ctrl+C (exit 130) and says nothing on stderr', async () => {
    const config = writeSpiralsConfig(dir, 'spirals.train.json', { epochs: 50 });
    const result = await runWithClosedStdout(['train', config, '--json', '--backend', 'cpu', '--out', path.join(dir, 'runs')], dir);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 130);
  });
});
