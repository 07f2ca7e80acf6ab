// A config's CSV path is not trusted: it may point outside the project (an absolute path, ../, a
// symbolic link), at something that is not a file (a FIFO, /dev/zero), or at a huge file; and the
// file's content must not leak into messages beyond the header names a message needs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConfigProblem } from '../../../src/core/config/configProblem';
import { CsvDatasetConfig, loadCsvExamples, MAX_CSV_BYTES } from '../../../src/core/data/csvDataset';
import { DATA_ANYWHERE } from '../../../src/core/data/dataAccessPolicy';
import { problemsOf } from './dataTestHelpers';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-csv-safety-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));
const project = path.join(top, 'project');
const elsewhere = path.join(top, 'elsewhere');
fs.mkdirSync(project);
fs.mkdirSync(elsewhere);

// A stand-in for /etc/shadow: its first line must never appear in a message.
const SECRET_LINE = 'root:$6$Zk1Tq9$VeryLongSecretHashThatMustNeverBeEchoedIntoAnyMessage0123456789abcdef:19000:0:99999:7:::';
const secret = path.join(elsewhere, 'shadow');
fs.writeFileSync(secret, `${SECRET_LINE}\ndaemon:*:19000:0:99999:7:::\n`);
fs.writeFileSync(path.join(project, 'good.csv'), 'x,species\n1,a\n2,b\n');

function config(file: string): CsvDatasetConfig {
  return { kind: 'csv', csv: file, label: 'species', task: 'classification', delimiter: ',' };
}

function assertNoSecret(problems: ConfigProblem[]): void {
  for (const p of problems) {
    assert.ok(!p.message.includes('VeryLongSecretHash'), `a message echoes the file: ${p.message}`);
    assert.ok(!p.message.includes(SECRET_LINE), p.message);
  }
}

/** A FIFO nobody writes to; undefined where mkfifo is missing. */
function makeFifo(name: string): string | undefined {
  const fifo = path.join(project, name);
  try {
    execFileSync('mkfifo', [fifo]);
    return fifo;
  } catch {
    return undefined;
  }
}

/** Opens the FIFO for writing and closes it, so a reader blocked on it (a defect) sees its end. */
function releaseFifo(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // Nobody is blocked on it.
  }
}

describe('CSV paths outside the project', () => {
  it('refuses an absolute path, located at "csv", without reading it', async () => {
    const problems = await problemsOf(loadCsvExamples(config(secret), project, 1));
    assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['data.outside-workspace', 'data.dataset.csv']]);
    assert.ok(problems[0].message.includes(secret), problems[0].message);
    assertNoSecret(problems);
  });

  it('refuses ../ and a symbolic link that leads outside', async () => {
    fs.symlinkSync(secret, path.join(project, 'innocent.csv'));
    for (const file of ['../elsewhere/shadow', 'innocent.csv', '../elsewhere/missing.csv']) {
      const problems = await problemsOf(loadCsvExamples(config(file), project, 1));
      assert.deepEqual(problems.map((p) => p.code), ['data.outside-workspace'], file);
      assertNoSecret(problems);
    }
  });

  it('reads a file outside when access is anywhere, yet echoes no raw line when the label is missing', async () => {
    const problems = await problemsOf(loadCsvExamples(config(secret), project, 1, DATA_ANYWHERE));
    assert.deepEqual(problems.map((p) => p.code), ['data.csv-label-missing']);
    assertNoSecret(problems);
  });
});

describe('CSV paths that are not regular files', () => {
  it('refuses a FIFO at once, and four of them do not starve the next read', { skip: process.platform === 'win32' }, async (t) => {
    const fifos = ['a', 'b', 'c', 'd'].map((n) => makeFifo(`pipe-${n}.csv`));
    if (fifos.some((f) => f === undefined)) return t.skip('mkfifo is not available');
    try {
      const outcomes = await Promise.all(fifos.map((fifo) => problemsOf(loadCsvExamples(config(path.basename(fifo!)), project, 1))));
      for (const problems of outcomes) {
        assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['data.not-a-regular-file', 'data.dataset.csv']]);
        assert.match(problems[0].message, /named pipe/);
      }
      const loaded = await loadCsvExamples(config('good.csv'), project, 1);
      assert.equal(loaded.examples.count, 2);
    } finally {
      for (const fifo of fifos) if (fifo) releaseFifo(fifo);
    }
  });

  it('refuses /dev/zero and /dev/urandom without reading them', { skip: !fs.existsSync('/dev/zero') }, async () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      const problems = await problemsOf(loadCsvExamples(config(device), project, 1, DATA_ANYWHERE));
      assert.deepEqual(problems.map((p) => p.code), ['data.not-a-regular-file'], device);
      assert.match(problems[0].message, /character device/);
    }
  });

  it('refuses a file over the size limit, saying the limit', async () => {
    const big = path.join(project, 'big.csv');
    fs.writeFileSync(big, 'x,species\n');
    fs.truncateSync(big, MAX_CSV_BYTES + 1); // sparse: instant, takes no disk
    const problems = await problemsOf(loadCsvExamples(config('big.csv'), project, 1));
    assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['data.csv-too-large', 'data.dataset.csv']]);
    assert.match(problems[0].message, new RegExp(`${MAX_CSV_BYTES / (1024 * 1024)} MB`));
  });
});

describe('what CSV messages may quote', () => {
  it('lists a bounded number of header names, each shortened', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `column_${i}_${'x'.repeat(200)}`);
    fs.writeFileSync(path.join(project, 'wide.csv'), `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
    const [p] = await problemsOf(loadCsvExamples(config('wide.csv'), project, 1));
    assert.equal(p.code, 'data.csv-label-missing');
    assert.ok(p.message.length < 1000, `${p.message.length} characters`);
    assert.match(p.message, /and 1\d\d more/);
    assert.ok(!p.message.includes('x'.repeat(100)), 'each name is shortened');
  });

  it('shortens a long non-numeric cell', async () => {
    const cell = 'y'.repeat(10_000);
    fs.writeFileSync(path.join(project, 'long-cell.csv'), `x,species\n${cell},a\n2,b\n`);
    const [p] = await problemsOf(loadCsvExamples(config('long-cell.csv'), project, 1));
    assert.equal(p.code, 'data.csv-not-numeric');
    assert.ok(p.message.length < 300, `${p.message.length} characters`);
  });
});
