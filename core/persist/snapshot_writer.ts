/**
 * Writing snapshots (the latest format version). A snapshot is the 12-byte file header (magic,
 * `u32le` version) then frames:
 *
 * ```
 * ["meta", {createdMs, keys}]
 * ["db", index, entryCount]                         once per non-empty database
 * ["entry", key, type, expireAtMs|null, head, blobLengths, itemCount]
 *     blob frames (each blob's bytes, ≤ 1 MiB a frame), then ["items", [...]] batches
 * ["end", keyCount]
 * ```
 *
 * `captureKeyspace` takes a point-in-time view synchronously (the entry list, expiry times,
 * shallow copies of values that commands mutate in place); `writeSnapshot` then streams it
 * while the server keeps serving. Memory beyond the capture stays bounded by the write buffer
 * and one item batch.
 */
import type { Entry, Keyspace } from "../keyspace.ts";
import { replaceFile } from "./atomic_file.ts";
import { encodeRecord } from "./codec.ts";
import { codecOf } from "./entry_codecs.ts";
import { BLOB_PIECE_BYTES, FrameWriter, KIND_BLOB, KIND_RECORD } from "./frame.ts";

/** `\x89IDB\r\n\x1a\n`: binary, catches newline translation and truncated text copies. */
export const MAGIC = new Uint8Array([0x89, 0x49, 0x44, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
export const FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = MAGIC.byteLength + 4;

const ITEM_BATCH_BYTES = 64 * 1024;
const ITEM_BATCH_COUNT_MAX = 4096;

export interface Frame {
  readonly kind: number;
  readonly body: Uint8Array;
}

export interface CapturedEntry {
  readonly key: string;
  readonly entry: Entry;
  readonly expireAtMs: number | undefined;
}

export interface CapturedDb {
  readonly index: number;
  readonly entries: readonly CapturedEntry[];
}

/** A point-in-time view of the keyspace, safe to write while commands keep running. */
export interface Capture {
  readonly createdMs: number;
  readonly dbs: readonly CapturedDb[];
  readonly keyCount: number;
}

/** The file header: magic and format version. */
export function fileHeader(): Uint8Array {
  const header = new Uint8Array(FILE_HEADER_BYTES);
  header.set(MAGIC);
  new DataView(header.buffer).setUint32(MAGIC.byteLength, FORMAT_VERSION, true);
  return header;
}

/** An entry whose value no later command can change (see `EntryCodec.capture`). */
export function captureEntry(entry: Entry): Entry {
  return { ...entry, value: codecOf(entry.type).capture(entry.value) } as Entry;
}

/** Captures every live entry of every database, synchronously. */
export function captureKeyspace(keyspace: Keyspace): Capture {
  const nowMs = keyspace.now();
  let keyCount = 0;
  const dbs: CapturedDb[] = [];
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    const entries: CapturedEntry[] = [];
    for (const [key, entry] of db.entries) {
      const expireAtMs = db.expires.get(key);
      if (expireAtMs !== undefined && expireAtMs <= nowMs) continue;
      entries.push({ key, entry: captureEntry(entry), expireAtMs });
    }
    keyCount += entries.length;
    dbs.push({ index: db.index, entries });
  }
  return { createdMs: nowMs, dbs, keyCount };
}

/** A record frame. */
export function recordFrame(value: unknown): Frame {
  return { kind: KIND_RECORD, body: encodeRecord(value) };
}

function itemBytes(item: unknown): number {
  if (item instanceof Uint8Array) return item.byteLength + 5;
  return typeof item === "string" ? item.length + 5 : 9;
}

/** The frames of one entry: its record, its blob pieces (views, not copies), its item batches. */
export function* entryFrames(
  key: string,
  entry: Entry,
  expireAtMs: number | undefined,
): Generator<Frame> {
  const { head, blobs, items, itemCount } = codecOf(entry.type).encode(entry.value);
  const blobLengths = blobs.map((b) => b.byteLength);
  yield recordFrame(["entry", key, entry.type, expireAtMs ?? null, head, blobLengths, itemCount]);
  for (const blob of blobs) {
    for (let at = 0; at < blob.byteLength; at += BLOB_PIECE_BYTES) {
      yield { kind: KIND_BLOB, body: blob.subarray(at, at + BLOB_PIECE_BYTES) };
    }
  }
  let batch: unknown[] = [];
  let batchBytes = 0;
  for (const item of items) {
    batch.push(item);
    batchBytes += itemBytes(item);
    if (batchBytes >= ITEM_BATCH_BYTES || batch.length >= ITEM_BATCH_COUNT_MAX) {
      yield recordFrame(["items", batch]);
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length > 0) yield recordFrame(["items", batch]);
}

/** Streams `capture` as a complete snapshot; `signal` aborts between frames. */
export async function writeSnapshot(
  out: FrameWriter,
  capture: Capture,
  signal?: AbortSignal,
): Promise<void> {
  await out.raw(fileHeader());
  await out.record(["meta", { createdMs: capture.createdMs, keys: capture.keyCount }]);
  for (const db of capture.dbs) {
    await out.record(["db", db.index, db.entries.length]);
    for (const { key, entry, expireAtMs } of db.entries) {
      for (const frame of entryFrames(key, entry, expireAtMs)) {
        signal?.throwIfAborted();
        await out.frame(frame.kind, frame.body);
      }
    }
  }
  await out.record(["end", capture.keyCount]);
  await out.flush();
}

/** Writes `capture` to `path` crash-safely (temp file, fsync, rename); returns the byte size. */
export function saveSnapshotFile(
  path: string,
  capture: Capture,
  signal?: AbortSignal,
): Promise<number> {
  return replaceFile(path, async (sink) => {
    const out = new FrameWriter((chunk) => sink.write(chunk));
    await writeSnapshot(out, capture, signal);
    return out.bytesWritten;
  });
}
