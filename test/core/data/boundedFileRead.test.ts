// Reading a data file: only a regular file, never blocking on what is not one, never past a budget.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { readRegularFile } from '../../../src/core/data/boundedFileRead';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'td-bounded-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const unix = process.platform !== 'win32';

describe('readRegularFile', () => {
  it('reads a regular file as UTF-8 text', async () => {
    const file = path.join(dir, 'a.csv');
    fs.writeFileSync(file, 'é,x\n1,2\n');
    assert.deepEqual(await readRegularFile(file, 100), { type: 'text', text: 'é,x\n1,2\n' });
  });

  it('says missing, directory, and too large (by its size, before reading)', async () => {
    assert.deepEqual(await readRegularFile(path.join(dir, 'nope.csv'), 100), { type: 'missing' });
    assert.deepEqual(await readRegularFile(dir, 100), { type: 'directory' });
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, 'x'.repeat(101));
    assert.deepEqual(await readRegularFile(big, 100), { type: 'too-large', limit: 100 });
    assert.equal((await readRegularFile(big, 101)).type, 'text', 'exactly the budget is fine');
  });

  it('stops at the budget when the size says 0 but the content goes on (/proc)', { skip: !fs.existsSync('/proc/self/maps') }, async () => {
    assert.equal(fs.statSync('/proc/self/maps').size, 0);
    assert.deepEqual(await readRegularFile('/proc/self/maps', 64), { type: 'too-large', limit: 64 });
  });

  it('refuses a FIFO without waiting for a writer, a device, and a socket', { skip: !unix }, async (t) => {
    const fifo = path.join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return t.skip('mkfifo is not available');
    }
    assert.deepEqual(await readRegularFile(fifo, 100), { type: 'not-a-file', kind: 'a named pipe (FIFO)' });
    assert.deepEqual(await readRegularFile('/dev/null', 100), { type: 'not-a-file', kind: 'a character device' });
    const socket = path.join(dir, 'sock');
    const server = net.createServer().listen(socket);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      assert.deepEqual(await readRegularFile(socket, 100), { type: 'not-a-file', kind: 'a socket' });
    } finally {
      server.close();
    }
  });
});
