/**
 * Binary-safe keys. Keys arrive as bytes; the keyspace indexes them by a "byte string": one
 * UTF-16 code unit per byte (0–255), so any byte sequence (NUL included) round-trips exactly.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Bytes → byte string (one char per byte). */
export function bytesToKey(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n < 64) {
    // Four chars per call: each `+=` allocates, so fewer, larger steps are faster.
    let out = "";
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      out += String.fromCharCode(
        bytes[i] as number,
        bytes[i + 1] as number,
        bytes[i + 2] as number,
        bytes[i + 3] as number,
      );
    }
    for (; i < n; i++) out += String.fromCharCode(bytes[i] as number);
    return out;
  }
  let out = "";
  for (let i = 0; i < n; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(n, i + 8192)));
  }
  return out;
}

/** Byte string → bytes. */
export function keyToBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** Bytes → text, for keywords, numbers and names (invalid UTF-8 becomes U+FFFD). */
export function text(bytes: Uint8Array): string {
  if (bytes.length < 32) {
    let ascii = true;
    let out = "";
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) {
        ascii = false;
        break;
      }
      out += String.fromCharCode(b);
    }
    if (ascii) return out;
  }
  return decoder.decode(bytes);
}

/** Text → UTF-8 bytes. */
export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}

/** Byte string of a UTF-8 text (for keys built from text, e.g. over HTTP). */
export function textToKey(value: string): string {
  return bytesToKey(encoder.encode(value));
}

/** Upper-cased keyword of an argument (ASCII only, cheap). */
export function keyword(bytes: Uint8Array): string {
  return text(bytes).toUpperCase();
}
