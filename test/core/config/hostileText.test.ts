// Texts that are not reasonable configs (nested thousands deep, megabytes of noise, UTF-16, a
// byte-order mark) get one clear, located problem or a bounded list of them: never a stack
// overflow, never an output that grows with the garbage.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile } from '../../../src/core/config/loadConfigFile';
import { MAX_CONFIG_BYTES, MAX_NESTING_DEPTH } from '../../../src/core/config/configTextChecks';
import { MAX_REPORTED_PROBLEMS } from '../../../src/core/config/problemCap';
import { assertWellFormed, configText, parse, parseValid } from './configTestHelpers';

/** Residual blocks nested `depth` deep, each around the next, with a dense layer at the bottom. */
function nestedResiduals(depth: number): string {
  let layer: unknown = { type: 'dense', units: 8, activation: 'relu' };
  for (let i = 0; i < depth; i++) layer = { type: 'residual', layers: [layer] };
  // Compact, as the probe wrote it (17 KB for 560 levels): indentation would make it grow quadratically.
  return JSON.stringify(JSON.parse(configText({ layers: [{ type: 'dense', units: 8 }, layer, { type: 'dense', units: 10, activation: 'softmax' }] })));
}

/** The codes of the problems of a text. */
function codes(text: string): string[] {
  return parse(text).problems.map((p) => p.code);
}

describe('nesting depth', () => {
  it('json.too-deep: residual blocks nested 560 deep (17 KB) are refused, not a stack overflow', () => {
    const text = nestedResiduals(560);
    const { problems, config } = parse(text);
    assert.deepEqual(problems.map((p) => p.code), ['json.too-deep']);
    assert.equal(config, undefined);
    assert.match(problems[0].message, new RegExp(`${MAX_NESTING_DEPTH}`));
    // Located on the first bracket beyond the limit.
    const offset = problems[0].range!.offset;
    assert.ok(text[offset] === '{' || text[offset] === '[', `underlines a bracket, not ${JSON.stringify(text[offset])}`);
  });

  it('json.too-deep: {"name": [[[…10,000 levels…]]]}', () => {
    const text = `{"name": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    assert.deepEqual(codes(text), ['json.too-deep']);
  });

  it('json.too-deep: unclosed brackets 100,000 deep are refused too', () => {
    assert.deepEqual(codes(`{"name": ${'['.repeat(100_000)}`), ['json.too-deep']);
  });

  it('a config nested as deep as the limit allows still validates (20 residual levels)', () => {
    const config = parseValid(nestedResiduals(20));
    assert.equal(config.model.layers.length, 3);
  });

  it('brackets inside strings (escaped quotes too) and comments do not count', () => {
    const deepString = `"${'['.repeat(5000)}\\"{`;
    const text = configText({ top: { name: deepString } }).replace('{', `{\n// ${'{'.repeat(5000)}\n/* ${'['.repeat(5000)} */`);
    assert.equal(parseValid(text).name, deepString);
  });
});

describe('size and encoding', () => {
  it(`file.too-large: a text over ${MAX_CONFIG_BYTES} characters is refused with one problem`, () => {
    const text = configText({ top: { name: 'x'.repeat(MAX_CONFIG_BYTES) } });
    const { problems } = parse(text);
    assert.deepEqual(problems.map((p) => p.code), ['file.too-large']);
    assert.match(problems[0].message, /1 MiB/);
  });

  it('file.encoding: UTF-16 text read as UTF-8 (a NUL after every character) is named as such', () => {
    const utf16 = Buffer.from(configText(), 'utf16le').toString('utf8');
    const { problems } = parse(utf16);
    assert.deepEqual(problems.map((p) => p.code), ['file.encoding']);
    assert.match(problems[0].message, /UTF-16/);
    assert.match(problems[0].message, /UTF-8/);
  });

  it('file.encoding: a stray NUL character is reported where it is', () => {
    const text = configText().replace('"epochs"', '"ep\u0000ochs"');
    const { problems } = parse(text);
    assert.deepEqual(problems.map((p) => p.code), ['file.encoding']);
    assert.equal(problems[0].range!.offset, text.indexOf('\u0000'));
  });

  it('a UTF-8 byte-order mark at the start is accepted, and ranges still point into the text as given', () => {
    const text = `\uFEFF${configText({ layers: [{ type: 'dense', units: 10, activation: 'softmaxx' }] })}`;
    const { problems } = parse(text);
    assert.deepEqual(problems.map((p) => p.code), ['schema.invalid-value']);
    const range = problems[0].range!;
    assert.equal(text.slice(range.offset, range.offset + range.length), '"softmaxx"');
    assert.ok(parseValid(`\uFEFF${configText()}`));
  });
});

describe('the number of problems', () => {
  it(`400 KB of noise yields at most ${MAX_REPORTED_PROBLEMS} problems and one "N more"`, () => {
    const text = `{"name": [${'1 '.repeat(200_000)}]}`;
    const { problems } = parse(text);
    assert.equal(problems.length, MAX_REPORTED_PROBLEMS + 1);
    const last = problems[problems.length - 1];
    assert.equal(last.code, 'problems.truncated');
    const more = Number(/^(\d[\d,]*) more/.exec(last.message)?.[1].replace(/,/g, ''));
    assert.ok(more > 1000, `counts the omitted problems: ${last.message}`);
    assert.ok(problems.slice(0, -1).every((p) => p.code === 'json.syntax'));
  });

  it(`${MAX_REPORTED_PROBLEMS} problems or fewer are all reported, without an "N more"`, () => {
    const layers = Array.from({ length: MAX_REPORTED_PROBLEMS - 1 }, () => ({ type: 'dense', units: 8, activation: 'reluu' }));
    const { problems } = parse(configText({ layers: [...layers, { type: 'dense', units: 10 }] }));
    assert.equal(problems.length, MAX_REPORTED_PROBLEMS - 1);
    assert.ok(problems.every((p) => p.code === 'schema.invalid-value'));
  });

  it('a schema error repeated 300 times is reported 100 times, then "200 more problems"', () => {
    const layers = Array.from({ length: 300 }, () => ({ type: 'dense', units: 8, activation: 'reluu' }));
    const { problems } = parse(configText({ layers }));
    assert.equal(problems.length, MAX_REPORTED_PROBLEMS + 1);
    assert.match(problems[MAX_REPORTED_PROBLEMS].message, /^200 more problems/);
    // Located where the first problem left out is.
    assert.deepEqual(problems[MAX_REPORTED_PROBLEMS].path, ['model', 'layers', MAX_REPORTED_PROBLEMS, 'activation']);
  });
});

describe('loadConfigFile on hostile files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-hostile-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  for (const [label, bytes] of [
    ['UTF-16LE with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(configText(), 'utf16le')])],
    ['UTF-16BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(configText(), 'utf16le').swap16()])],
    ['UTF-16LE without a byte-order mark', Buffer.from(configText(), 'utf16le')],
  ] as const) {
    it(`file.encoding: ${label} is one problem saying to save it as UTF-8`, async () => {
      const loaded = await loadConfigFile(write(`${label.replace(/\W+/g, '-')}.train.json`, bytes));
      assertWellFormed(loaded.problems, loaded.text);
      assert.deepEqual(loaded.problems.map((p) => p.code), ['file.encoding']);
      assert.match(loaded.problems[0].message, /UTF-16.*save it as UTF-8/s);
    });
  }

  it('a UTF-8 file with a byte-order mark loads', async () => {
    const loaded = await loadConfigFile(write('bom.train.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(configText())])));
    assert.deepEqual(loaded.problems, []);
    assert.ok(loaded.config);
  });

  it(`file.too-large: a file over ${MAX_CONFIG_BYTES} bytes is refused before it is parsed`, async () => {
    const file = write('huge.train.json', Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20));
    const loaded = await loadConfigFile(file);
    assertWellFormed(loaded.problems, loaded.text);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['file.too-large']);
    assert.match(loaded.problems[0].message, /1 MiB/);
  });

  it('file.unreadable: a directory is not a config file', async () => {
    const loaded = await loadConfigFile(dir);
    assert.deepEqual(loaded.problems.map((p) => p.code), ['file.unreadable']);
    assert.match(loaded.problems[0].message, /not a regular file/);
  });
});
