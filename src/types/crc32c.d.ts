// crc-32 ships typings for its CRC-32 entry point only; its CRC-32C one (crc32c.js) has the same API.
declare module 'crc-32/crc32c' {
  /** CRC-32C (Castagnoli) of the bytes, as a signed 32-bit integer. */
  export function buf(data: Uint8Array, seed?: number): number;
}
