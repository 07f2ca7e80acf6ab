import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buf as crc32c } from 'crc-32/crc32c';
import { frameRecord, maskedCrc32c, scanRecords } from '../../../../src/core/interop/tensorboard/tfRecordFraming';

// The first record of a real file (r-tfevents-minimal, read off `xxd`): length 24, then its masked CRC.
const REAL_HEADER = Buffer.from('1800000000000000a37f4b22', 'hex');
const REAL_FILE_VERSION_DATA = Buffer.from('090000408e7d26d9411a0d627261696e2e4576656e743a32', 'hex');
const REAL_DATA_CRC = Buffer.from('bb1fb79d', 'hex').readUInt32LE(0);

describe('TFRecord framing', () => {
  it('uses CRC-32C (Castagnoli): the check value of "123456789" is 0xE3069283', () => {
    assert.equal(crc32c(Buffer.from('123456789')) >>> 0, 0xe3069283);
  });

  it('masks CRCs as TensorFlow does: the header and data checksums of a real file match', () => {
    assert.equal(maskedCrc32c(REAL_HEADER.subarray(0, 8)), REAL_HEADER.readUInt32LE(8));
    assert.equal(REAL_FILE_VERSION_DATA.length, 24);
    assert.equal(maskedCrc32c(REAL_FILE_VERSION_DATA), REAL_DATA_CRC);
  });

  it('frames a record byte for byte: length, masked CRC of the length, data, masked CRC of the data', () => {
    const framed = frameRecord(REAL_FILE_VERSION_DATA);
    assert.equal(framed.length, 8 + 4 + 24 + 4);
    assert.deepEqual(framed.subarray(0, 12), REAL_HEADER);
    assert.deepEqual(framed.subarray(12, 36), REAL_FILE_VERSION_DATA);
    assert.equal(framed.readUInt32LE(36), REAL_DATA_CRC);
    const empty = frameRecord(new Uint8Array(0));
    assert.equal(empty.length, 16);
    assert.equal(empty.readBigUInt64LE(0), 0n);
  });

  it('scans consecutive records and reports their offsets', () => {
    const a = frameRecord(Buffer.from('first'));
    const b = frameRecord(Buffer.from('second record'));
    const scan = scanRecords(Buffer.concat([a, b]), 100);
    assert.deepEqual(scan.records.map((r) => [r.offset, r.data.toString()]), [[100, 'first'], [100 + a.length, 'second record']]);
    assert.deepEqual(scan.issues, []);
    assert.equal(scan.consumed, a.length + b.length);
  });

  it('leaves a record cut off at the end for later, at any cut', () => {
    const a = frameRecord(Buffer.from('complete'));
    const b = frameRecord(Buffer.from('still being written'));
    const whole = Buffer.concat([a, b]);
    for (let cut = a.length; cut < whole.length; cut++) {
      const scan = scanRecords(whole.subarray(0, cut));
      assert.deepEqual(scan.records.map((r) => r.data.toString()), ['complete'], `cut at ${cut}`);
      assert.deepEqual(scan.issues, [], `cut at ${cut}`);
      assert.equal(scan.consumed, a.length, `cut at ${cut}`);
    }
  });

  it('skips a record whose data checksum fails, says where, and goes on', () => {
    const a = frameRecord(Buffer.from('good one'));
    const b = frameRecord(Buffer.from('damaged'));
    const c = frameRecord(Buffer.from('good two'));
    b[14] ^= 0xff;
    const scan = scanRecords(Buffer.concat([a, b, c]));
    assert.deepEqual(scan.records.map((r) => r.data.toString()), ['good one', 'good two']);
    assert.deepEqual(scan.issues, [{ type: 'data-crc-mismatch', offset: a.length, length: 7 }]);
  });

  it('refuses an absurd length with a valid checksum without allocating it, and resynchronises', () => {
    const hostile = Buffer.alloc(12);
    hostile.writeBigUInt64LE(1n << 40n, 0);
    hostile.writeUInt32LE(maskedCrc32c(hostile.subarray(0, 8)), 8);
    const after = frameRecord(Buffer.from('after'));
    const scan = scanRecords(Buffer.concat([hostile, after]));
    assert.deepEqual(scan.issues, [{ type: 'length-too-large', offset: 0, length: 2 ** 40, resumedAt: 12 }]);
    assert.deepEqual(scan.records.map((r) => r.data.toString()), ['after']);
  });

  it('survives garbage: a damaged header is reported and the next valid record found', () => {
    const garbage = Buffer.from('this is not a TFRecord file at all, just text');
    const after = frameRecord(Buffer.from('found'));
    const scan = scanRecords(Buffer.concat([garbage, after]));
    assert.deepEqual(scan.issues, [{ type: 'length-crc-mismatch', offset: 0, resumedAt: garbage.length }]);
    assert.deepEqual(scan.records.map((r) => r.data.toString()), ['found']);
  });

  it('never throws on random bytes', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
    for (let round = 0; round < 50; round++) {
      const bytes = Buffer.from(Array.from({ length: 64 + round * 7 }, random));
      const scan = scanRecords(bytes);
      assert.ok(scan.consumed <= bytes.length);
    }
  });
});
