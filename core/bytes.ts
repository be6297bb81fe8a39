/**
 * Byte-array helpers shared across layers.
 */

/** One array holding `parts` back to back. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Below this many bytes a byte-wise copy costs no more than a word-wise one. */
const WORDWISE_BYTES_MIN = 256;
/** Largest piece copied through the bounce buffer at a time. */
const BOUNCE_BYTES = 64 * 1024;
let bounce = new Uint8Array(0);

/**
 * `target.set(source, at)`, fast where a SharedArrayBuffer is involved. V8 copies to or from
 * shared memory one element at a time (relaxed atomics), so a byte array crawls there: about
 * 1 µs for 4 KiB against 0.13 µs for plain memory. This copies 32-bit words instead (about
 * 0.25 µs for 4 KiB), through an aligned bounce buffer when the unshared side is misaligned
 * (a view into a receive slab or a reply buffer usually is).
 */
export function copyBytes(target: Uint8Array, source: Uint8Array, at = 0): void {
  const n = source.length;
  const targetShared = target.buffer instanceof SharedArrayBuffer;
  const sourceShared = source.buffer instanceof SharedArrayBuffer;
  if (n < WORDWISE_BYTES_MIN || !(targetShared || sourceShared)) return target.set(source, at);
  const targetAligned = (target.byteOffset + at) % 4 === 0;
  const sourceAligned = source.byteOffset % 4 === 0;
  if (targetAligned && sourceAligned) {
    const words = n >>> 2;
    words32(target, at, words).set(words32(source, 0, words));
    target.set(source.subarray(words * 4), at + words * 4);
    return;
  }
  // Only the unshared side may be misaligned: the bounce buffer stands in for it.
  if ((targetShared && !targetAligned) || (sourceShared && !sourceAligned)) {
    return target.set(source, at);
  }
  if (bounce.length === 0) bounce = new Uint8Array(BOUNCE_BYTES);
  for (let done = 0; done < n; done += BOUNCE_BYTES) {
    const piece = source.subarray(done, done + BOUNCE_BYTES);
    const staged = bounce.subarray(0, piece.length);
    copyBytes(staged, piece);
    copyBytes(target, staged, at + done);
  }
}

/** A Uint32Array over `words` words of `bytes` from byte `at` (which must be aligned). */
function words32(bytes: Uint8Array, at: number, words: number): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset + at, words);
}

const encoder = new TextEncoder();

/**
 * `text` as UTF-8, like `TextEncoder.encode`, but a short ASCII string (command names,
 * numbers, key names) is copied in JS: the encoder's call into the runtime costs about a
 * microsecond, more than the rest of building a small argument.
 */
export function utf8Bytes(text: string): Uint8Array {
  if (text.length > 64) return encoder.encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[i] = c;
  }
  return out;
}

/** Whether `a` and `b` hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
