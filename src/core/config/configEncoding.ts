// The text of a config file from its bytes: UTF-8, with or without a byte-order mark (kept in the
// text; parseTrainConfig accepts it). A UTF-16 byte-order mark gets one clear problem instead of
// thousands of syntax errors; UTF-16 without one is recognised in the text (configTextChecks).

import { utf16Message } from './configTextChecks';

export type DecodedConfig = { text: string } | { problem: { code: 'file.encoding'; message: string } };

export function decodeConfigBytes(bytes: Uint8Array): DecodedConfig {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16('little-endian, with a byte-order mark');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16('big-endian, with a byte-order mark');
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
}

function utf16(detail: string): DecodedConfig {
  return { problem: { code: 'file.encoding', message: utf16Message(detail) } };
}
