/**
 * Owned copies of small stored values, carved out of shared chunks. Allocating an ArrayBuffer
 * per value costs about a microsecond in V8 (more than the rest of a SET); a view into a
 * shared chunk costs tens of nanoseconds. Stored bytes must not alias the receive buffer, so
 * that a small value does not pin a whole read slab and later reads never show through.
 *
 * Invariant: nothing ever writes into a chunk outside the view it handed out, so values never
 * change under their holders. The price is fragmentation: a chunk lives while any value in it
 * does (bounded by the peak of live small values, like malloc fragmentation). Values above
 * `SMALL_BYTES_MAX` get a buffer of their own; a buffer that is already exactly the value (a
 * big argument the reader gave a buffer of its own) is kept as is.
 */

const CHUNK_BYTES = 16 * 1024;
const SMALL_BYTES_MAX = 512;
/** Up to this many bytes a plain loop copies faster than `set` (which needs a subarray). */
export const COPY_LOOP_BYTES_MAX = 16;

let chunk = new ArrayBuffer(CHUNK_BYTES);
let chunkUsed = 0;

/** A view of `n` fresh bytes in the current chunk (`n` at most SMALL_BYTES_MAX). */
function carve(n: number): Uint8Array {
  if (chunkUsed + n > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    chunkUsed = 0;
  }
  const out = new Uint8Array(chunk, chunkUsed, n);
  chunkUsed += n;
  return out;
}

/** `bytes` itself when it is the whole of its buffer, else a copy that the caller owns. */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.length === bytes.buffer.byteLength) return bytes;
  return copiedBytes(bytes, 0, bytes.length);
}

/**
 * An owned copy of `source[start, end)`, carved like `ownedBytes` without a view of the range
 * first (lists read their elements out of node buffers that later writes reuse).
 */
export function copiedBytes(source: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > SMALL_BYTES_MAX) return source.slice(start, end);
  const out = carve(n);
  if (n <= COPY_LOOP_BYTES_MAX) {
    for (let i = 0; i < n; i++) out[i] = source[start + i] as number;
  } else {
    out.set(source.subarray(start, end));
  }
  return out;
}

/** The bytes of an ASCII string (numbers a command computed), without a TextEncoder call. */
export function asciiBytes(text: string): Uint8Array {
  const n = text.length;
  const out = n > SMALL_BYTES_MAX ? new Uint8Array(n) : carve(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}
