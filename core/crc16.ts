/**
 * CRC16-XMODEM (polynomial 0x1021, initial value 0) and Redis Cluster's key hash slot:
 * `crc16(key) mod 16384`, where a non-empty `{tag}` (first `{`, then the first `}` after it)
 * hashes only the tag, so related keys land in one slot. Keys are raw bytes (binary-safe).
 */

/** Number of hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC16-XMODEM of `bytes` (what Redis's crc16.c computes). */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = ((crc << 8) & 0xff00) ^ (TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc;
}

/** The hash slot of `key`, honouring `{hash tags}` exactly as Redis's keyHashSlot. */
export function keyHashSlot(key: Uint8Array): number {
  const open = key.indexOf(0x7b); // '{'
  if (open >= 0) {
    const close = key.indexOf(0x7d, open + 1); // '}'
    if (close > open + 1) return crc16(key.subarray(open + 1, close)) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}
