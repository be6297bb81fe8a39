/**
 * The one home of msgpackr: encodes and decodes the small structured records of snapshot and
 * append-only files (entry headers, hash and list items, logged commands), and narrows decoded
 * `unknown` values to typed ones. Large byte payloads (tensor data, strings, model blobs) never
 * pass through here in one piece: the snapshot writer streams them as raw blob frames.
 *
 * Decoded binary values are copies (`copyBuffers`), plain `Uint8Array`s (not Node `Buffer`s),
 * so a record's frame buffer is never kept alive by a value taken from it.
 */
import { Packr } from "msgpackr";

/** Thrown when a decoded record does not have the expected shape. */
export class RecordShapeError extends Error {}

const packr = new Packr({
  useRecords: false,
  // Maps and objects with more than 65,535 keys need map32 headers.
  variableMapSize: true,
  mapsAsObjects: true,
  copyBuffers: true,
});

/** Encodes one record (arrays, numbers, strings, `Uint8Array`s, null, plain objects). */
export function encodeRecord(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes one record; a malformed encoding throws `RecordShapeError`. */
export function decodeRecord(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (e) {
    throw new RecordShapeError(`malformed record: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function fail(what: string, value: unknown): never {
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
  throw new RecordShapeError(`expected ${what}, found ${shown}`);
}

/** Narrows to an array. */
export function asArray(value: unknown, what = "an array"): unknown[] {
  return Array.isArray(value) ? value : fail(what, value);
}

/** Narrows to a string. */
export function asString(value: unknown, what = "a string"): string {
  return typeof value === "string" ? value : fail(what, value);
}

/** Narrows to a safe non-negative integer. */
export function asCount(value: unknown, what = "a count"): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? value
    : fail(what, value);
}

/** Narrows to bytes, as a plain `Uint8Array` view of the same memory. */
export function asBytes(value: unknown, what = "bytes"): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(what, value);
  return Object.getPrototypeOf(value) === Uint8Array.prototype
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Narrows to an array of bytes (a logged command's arguments, a list's elements). */
export function asBytesArray(value: unknown, what = "an array of bytes"): Uint8Array[] {
  return asArray(value, what).map((v) => asBytes(v, what));
}

/** Where `writeCommandRecord` puts bytes (big-endian integers, as msgpack wants). */
export interface ByteSink {
  u8(n: number): void;
  u16(n: number): void;
  u32(n: number): void;
  bytes(b: Uint8Array): void;
}

function binHeaderBytes(n: number): number {
  return n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

function uintBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x10000 ? 3 : 5;
}

function arrayHeaderBytes(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

/** The encoded size of `["c", db, [...args]]` (see `writeCommandRecord`). */
export function commandRecordBytes(db: number, args: readonly Uint8Array[]): number {
  let n = 1 + 2 + uintBytes(db) + arrayHeaderBytes(args.length);
  for (const a of args) n += binHeaderBytes(a.byteLength) + a.byteLength;
  return n;
}

/**
 * Encodes the append-only log's hottest record, `["c", db, [...args]]`, straight into `out`
 * (what `encodeRecord` would produce, decodable by `decodeRecord`, without its allocations).
 */
export function writeCommandRecord(out: ByteSink, db: number, args: readonly Uint8Array[]): void {
  out.u8(0x93);
  out.u8(0xa1);
  out.u8(0x63);
  if (db < 0x80) out.u8(db);
  else sized(out, db, 0xcd, 0xce);
  if (args.length < 16) out.u8(0x90 | args.length);
  else sized(out, args.length, 0xdc, 0xdd);
  for (const a of args) {
    if (a.byteLength < 0x100) {
      out.u8(0xc4);
      out.u8(a.byteLength);
    } else {
      sized(out, a.byteLength, 0xc5, 0xc6);
    }
    out.bytes(a);
  }
}

/** A 16- or 32-bit msgpack length or integer with its type byte. */
function sized(out: ByteSink, n: number, mark16: number, mark32: number): void {
  if (n < 0x10000) {
    out.u8(mark16);
    out.u16(n);
  } else {
    out.u8(mark32);
    out.u32(n);
  }
}
