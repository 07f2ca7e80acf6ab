// Files our own writer produces, read back: the TF2 tensor forms that the shared real files lack
// (rank-0 scalars with plugin `scalars`, [k, 3] histograms with plugin `histograms`, packed or
// listed, float or double, metadata on the first value only), the legacy forms, and the reader's
// behaviour on files being written, damaged or hostile.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventDecoder, type DecodedEvent, type SummaryEntry } from '../../../../src/core/interop/tensorboard/eventDecoding';
import { fileVersionEvent, histogramOf, histogramValue, scalarValue, summaryEvent } from '../../../../src/core/interop/tensorboard/eventEncoding';
import { EventFileTail } from '../../../../src/core/interop/tensorboard/eventFileTail';
import { EventFileWriter } from '../../../../src/core/interop/tensorboard/eventFileWriter';
import { TensorboardWatcher } from '../../../../src/core/interop/tensorboard/tensorboardWatcher';
import { frameRecord, maskedCrc32c } from '../../../../src/core/interop/tensorboard/tfRecordFraming';
import { encodeEventMessage } from '../../../../src/core/interop/tensorboard/eventProto';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'training-doctor-tbevents-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let serial = 0;
const freshDir = () => fs.mkdirSync(path.join(root, `case-${serial++}`), { recursive: true }) as string;

function entries(events: DecodedEvent[]): (SummaryEntry & { step: number })[] {
  return events.flatMap((e) => (e.type === 'summary' ? e.entries.map((entry) => ({ ...entry, step: e.step })) : []));
}

describe('TF2 tensor forms and legacy forms', () => {
  it('reads rank-0 scalar tensors: packed float, listed float, packed and listed double', () => {
    const decoder = new EventDecoder();
    const cases = [
      scalarValue('a', 0.25, { form: 'tensor' }),
      scalarValue('b', 0.5, { form: 'tensor', listed: true }),
      scalarValue('c', 0.1, { form: 'tensor', dtype: 'double' }),
      scalarValue('d', 0.3, { form: 'tensor', dtype: 'double', listed: true }),
      scalarValue('e', 0.75, { form: 'legacy' }),
    ];
    const event = decoder.decode(summaryEvent(7, 1000.5, cases));
    assert.equal(event.type, 'summary');
    assert.equal(event.step, 7);
    assert.equal(event.wallTime, 1000.5);
    assert.deepEqual(entries([event]).map((e) => [e.tag, e.type, e.type === 'scalar' ? e.value : undefined]), [
      ['a', 'scalar', 0.25], ['b', 'scalar', 0.5], ['c', 'scalar', 0.1], ['d', 'scalar', 0.3], ['e', 'scalar', 0.75],
    ]);
  });

  it('remembers a tag\'s plugin from its first value (TF2 leaves the metadata off later ones)', () => {
    const decoder = new EventDecoder();
    const histogram = histogramOf([1, 2, 3, 4], 2);
    decoder.decode(summaryEvent(0, 0, [histogramValue('w', histogram, { form: 'tensor' })]));
    const later = decoder.decode(summaryEvent(1, 0, [histogramValue('w', histogram, { form: 'tensor', withMetadata: false })]));
    assert.equal(entries([later])[0].type, 'histogram');
    // Without any declaration, a [k, 3] tensor is not taken for a histogram.
    const stranger = new EventDecoder().decode(summaryEvent(1, 0, [histogramValue('w', histogram, { form: 'tensor', withMetadata: false })]));
    assert.deepEqual(entries([stranger]).map((e) => e.type === 'other' && e.kind), ['tensor:no-plugin']);
  });

  it('reads [k, 3] histogram tensors and HistogramProto alike', () => {
    const values = [-2, -1, -1, 0, 0, 0, 1, 5];
    const histogram = histogramOf(values, 7);
    for (const form of ['tensor', 'legacy'] as const) {
      const [entry] = entries([new EventDecoder().decode(summaryEvent(3, 0, [histogramValue('h', histogram, { form })]))]);
      assert.equal(entry.type, 'histogram', form);
      if (entry.type !== 'histogram') continue;
      assert.equal(entry.histogram.count, 8, form);
      assert.equal(entry.histogram.min, -2, form);
      assert.equal(entry.histogram.max, 5, form);
      assert.deepEqual(entry.histogram.buckets.map((b) => b.count), histogram.buckets.map((b) => b.count), form);
      assert.deepEqual(entry.histogram.buckets.map((b) => b.right), histogram.buckets.map((b) => b.right), form);
      // HistogramProto gives right edges only: a bucket after empty ones must not reach back over them.
      assert.deepEqual(entry.histogram.buckets.map((b) => b.left), histogram.buckets.map((b) => b.left), form);
    }
  });
});

describe('hostile tensors', () => {
  it('a histogram tensor claiming a billion buckets is set aside; a scalar with extra content keeps its first value', () => {
    const decoder = new EventDecoder();
    const huge = encodeEventMessage({
      step: 1,
      summary: { value: [{ tag: 'h', metadata: { plugin_data: { plugin_name: 'histograms' } }, tensor: { dtype: 2, tensor_shape: { dim: [{ size: 1e9 }, { size: 3 }] }, tensor_content: new Uint8Array(48) } }] },
    });
    assert.deepEqual(entries([decoder.decode(huge)]).map((e) => e.type === 'other' && e.kind), ['tensor:histograms']);
    const content = new Uint8Array(4 * 1000);
    new DataView(content.buffer).setFloat32(0, 0.5, true);
    const scalar = encodeEventMessage({ step: 2, summary: { value: [{ tag: 's', metadata: { plugin_data: { plugin_name: 'scalars' } }, tensor: { dtype: 1, tensor_shape: {}, tensor_content: content } }] } });
    assert.deepEqual(entries([decoder.decode(scalar)]).map((e) => e.type === 'scalar' && e.value), [0.5]);
  });
});

describe('EventFileWriter', () => {
  it('writes a header record then framed events that the reader gets back, in both forms', async () => {
    for (const form of ['tensor', 'legacy'] as const) {
      const writer = new EventFileWriter(freshDir(), form, () => 1_700_000_000_000);
      for (let step = 0; step < 5; step++) writer.addScalars(step, { 'loss/train': 1 / (step + 1), lr: 0.01 });
      writer.addHistograms(4, { 'fc1.weight': histogramOf([0.1, -0.2, 0.3, 0.05]) });
      writer.close();
      assert.match(path.basename(writer.filePath), /^events\.out\.tfevents\.1700000000\./);
      const bytes = fs.readFileSync(writer.filePath);
      // Byte level: the first record is the 'brain.Event:2' header with valid masked CRCs.
      const length = Number(bytes.readBigUInt64LE(0));
      assert.equal(bytes.readUInt32LE(8), maskedCrc32c(bytes.subarray(0, 8)));
      assert.equal(bytes.readUInt32LE(12 + length), maskedCrc32c(bytes.subarray(12, 12 + length)));
      assert.ok(bytes.subarray(12, 12 + length).includes(Buffer.from('brain.Event:2')));

      const read = await new EventFileTail(writer.filePath).readNew();
      assert.deepEqual(read.issues, []);
      assert.equal(read.events[0].type, 'file-version');
      const values = entries(read.events);
      assert.deepEqual(values.filter((v) => v.tag === 'loss/train').map((v) => [v.step, v.type === 'scalar' && v.value]),
        [0, 1, 2, 3, 4].map((s) => [s, Math.fround(1 / (s + 1))]), form);
      const weights = values.find((v) => v.tag === 'fc1.weight');
      assert.equal(weights?.type, 'histogram', form);
      assert.equal(weights?.type === 'histogram' && weights.histogram.count, 4, form);
    }
  });
});

describe('EventFileTail on files being written, damaged or hostile', () => {
  it('waits on a torn last record and resumes from there when the rest arrives', async () => {
    const file = path.join(freshDir(), 'events.out.tfevents.1.host');
    const first = frameRecord(fileVersionEvent(1));
    const second = frameRecord(summaryEvent(1, 2, [scalarValue('loss', 0.5, { form: 'legacy' })]));
    fs.writeFileSync(file, Buffer.concat([first, second.subarray(0, 10)]));
    const tail = new EventFileTail(file);
    const before = await tail.readNew();
    assert.deepEqual(before.issues, []);
    assert.equal(before.waitingForMore, true);
    assert.equal(before.events.length, 1);
    assert.equal(tail.offset, first.length);
    fs.appendFileSync(file, second.subarray(10, 30));
    assert.equal((await tail.readNew()).events.length, 0);
    fs.appendFileSync(file, second.subarray(30));
    const afterRest = await tail.readNew();
    assert.deepEqual(afterRest.issues, []);
    assert.equal(afterRest.waitingForMore, false);
    assert.deepEqual(entries(afterRest.events).map((e) => [e.tag, e.step]), [['loss', 1]]);
  });

  it('skips a record with a bad checksum and warns with the file and the offset', async () => {
    const file = path.join(freshDir(), 'events.out.tfevents.2.host');
    const records = [0, 1, 2].map((step) => frameRecord(summaryEvent(step, 0, [scalarValue('loss', step, { form: 'legacy' })])));
    records[1][records[1].length - 6] ^= 0x55;
    fs.writeFileSync(file, Buffer.concat(records));
    const read = await new EventFileTail(file).readNew();
    assert.deepEqual(entries(read.events).map((e) => e.step), [0, 2]);
    assert.equal(read.issues.length, 1);
    assert.equal(read.issues[0].offset, records[0].length);
    assert.match(read.issues[0].message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at byte ${records[0].length}: .*checksum`));
  });

  it('reads a huge length field as damage, allocating nothing of its size', async () => {
    const file = path.join(freshDir(), 'events.out.tfevents.3.host');
    const header = Buffer.alloc(12);
    header.writeBigUInt64LE(0xffffffffffn, 0);
    header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
    const good = frameRecord(summaryEvent(5, 0, [scalarValue('loss', 1, { form: 'legacy' })]));
    fs.writeFileSync(file, Buffer.concat([header, Buffer.alloc(20), good]));
    const read = await new EventFileTail(file).readNew();
    assert.deepEqual(entries(read.events).map((e) => e.step), [5]);
    assert.match(read.issues[0].message, /claims 1099511627775 bytes/);
  });

  it('a record that frames correctly but is not an Event is skipped with a warning', async () => {
    const file = path.join(freshDir(), 'events.out.tfevents.4.host');
    fs.writeFileSync(file, Buffer.concat([frameRecord(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), frameRecord(fileVersionEvent(1))]));
    const read = await new EventFileTail(file).readNew();
    assert.equal(read.events.length, 1);
    assert.match(read.issues[0].message, /not a TensorBoard Event/);
  });

  it('reads a record larger than its read chunk', async () => {
    const file = path.join(freshDir(), 'events.out.tfevents.5.host');
    const big = histogramOf(Float64Array.from({ length: 1000 }, (_, i) => i), 1000);
    const record = frameRecord(summaryEvent(1, 0, [histogramValue('big', big, { form: 'tensor' })]));
    fs.writeFileSync(file, Buffer.concat([frameRecord(fileVersionEvent(0)), record]));
    assert.ok(record.length > 4 * 1024);
    const read = await new EventFileTail(file, { chunkBytes: 1024 }).readNew();
    assert.deepEqual(read.issues, []);
    assert.equal(read.events.length, 2);
    assert.equal(entries(read.events)[0].type, 'histogram');
  });

  it('hostile files never crash the watcher: random bytes, and random records with valid framing', async () => {
    const dir = freshDir();
    let seed = 99;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    fs.writeFileSync(path.join(dir, 'events.out.tfevents.1.noise'), Buffer.from(Array.from({ length: 50_000 }, random)));
    // Random protobuf-ish records, some built on a real summary with bytes flipped.
    const base = summaryEvent(3, 1, [scalarValue('loss', 1, { form: 'tensor' }), histogramValue('fc1.weight', histogramOf([1, 2, 3]), { form: 'tensor' })]);
    const records = Array.from({ length: 300 }, (_, i) => {
      if (i % 2 === 0) return frameRecord(Buffer.from(Array.from({ length: 1 + (random() % 64) }, random)));
      const mutated = Buffer.from(base);
      for (let k = 0; k < 3; k++) mutated[random() % mutated.length] = random();
      return frameRecord(mutated);
    });
    fs.writeFileSync(path.join(dir, 'events.out.tfevents.2.fuzz'), Buffer.concat([frameRecord(fileVersionEvent(0)), ...records]));
    const watcher = new TensorboardWatcher(dir);
    const result = await watcher.poll(true);
    assert.ok(result.issues.length > 0);
    assert.ok(result.issues.every((issue) => issue.message.startsWith(issue.file)));
    assert.equal(watcher.watchedRuns().length, 1);
  });
});
