/**
 * The decoder for format version 1 (see snapshot_writer.ts for the snapshot grammar). The
 * append-only log continues the same grammar after its snapshot preamble, in groups that end
 * with a `["commit"]` record:
 *
 * ```
 * ["c", db, [arg, ...]]                      a write command, replayed through the table
 * ["db", db] ["entry", ...] blobs items      a key's resulting value (model and script runs)
 * ["x", db, key, atMs]                       an absolute expiry time
 * ["del", db, key]
 * ["commit"]
 * ```
 *
 * Every value read is checked; anything malformed becomes a `CorruptFileError` at the offset
 * of the frame it came from. A decoder never changes the keyspace: it hands back what it read.
 *
 * Large blob bodies are read in the background while the records after them are scanned
 * (`FrameReader.bodyAhead()`); entries are decoded and handed back in file order (`InOrder`),
 * so results and the error reported for a damaged file are those of a sequential read.
 */
import type { Entry } from "../keyspace.ts";
import { allocTensorBytes } from "../tensor.ts";
import {
  asArray,
  asBytesArray,
  asCount,
  asString,
  decodeRecord,
  RecordShapeError,
} from "./codec.ts";
import { codecForTag, LoadContext } from "./entry_codecs.ts";
import { FrameReader, KIND_BLOB, KIND_RECORD } from "./frame.ts";
import { InOrder, Pending } from "./in_order.ts";
import type { FormatDecoder, LoadedEntry, LogOp, SnapshotInfo } from "./snapshot_reader.ts";

/** Entries scanned ahead of the one being decoded (their blob bodies may be in flight). */
const ENTRIES_AHEAD_MAX = 32;

interface Rec {
  readonly value: unknown[];
  readonly tag: string;
  readonly offset: number;
}

function shaped<T>(r: FrameReader, offset: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RecordShapeError) throw r.corrupt(e.message, offset);
    throw e;
  }
}

async function nextRecord(r: FrameReader): Promise<Rec> {
  const header = await r.header();
  if (header === undefined) throw r.corrupt("unexpected end of file", r.offset, true);
  if (header.kind !== KIND_RECORD) throw r.corrupt("expected a record frame", header.offset);
  const body = await r.body(header);
  return shaped(r, header.offset, () => {
    const value = asArray(decodeRecord(body), "a record");
    return { value, tag: asString(value[0], "a record tag"), offset: header.offset };
  });
}

/** Settles when every read has, then rejects with the first failure (in file order). */
function allChecked(reads: readonly Promise<void>[]): Promise<void> {
  const ready = Promise.allSettled(reads).then((results) => {
    for (const r of results) if (r.status === "rejected") throw r.reason;
  });
  ready.catch(() => {});
  return ready;
}

/** Reads a blob's frames; large bodies may still be arriving (see `reads`) on return. */
async function readBlob(
  r: FrameReader,
  length: number,
  shared: boolean,
  reads: Promise<void>[],
): Promise<Uint8Array> {
  if (length > r.sizeBytes - r.offset) {
    throw r.corrupt("blob runs past the end of the file", r.offset, true);
  }
  const dest = shared ? allocTensorBytes(length) : new Uint8Array(length);
  for (let filled = 0; filled < length;) {
    const header = await r.header();
    if (header === undefined) throw r.corrupt("unexpected end of file", r.offset, true);
    if (header.kind !== KIND_BLOB || header.bodyBytes === 0 || header.bodyBytes > length - filled) {
      throw r.corrupt("expected a blob frame", header.offset);
    }
    const read = await r.bodyAhead(header, dest.subarray(filled, filled + header.bodyBytes));
    reads.push(read.checked);
    filled += header.bodyBytes;
  }
  return dest;
}

interface ReadEntry {
  readonly key: string;
  readonly entry: Entry;
  readonly expireAtMs: number | undefined;
}

/**
 * Reads the frames of an entry whose `["entry", ...]` record is `rec`: its blobs (whose bodies
 * may still be arriving) and items. Finishing it waits for the blobs and decodes the entry.
 */
async function scanEntry(r: FrameReader, rec: Rec, ctx: LoadContext): Promise<Pending<ReadEntry>> {
  const { value, offset } = rec;
  const head = shaped(r, offset, () => {
    const type = asString(value[2], "an entry type");
    const codec = codecForTag(type);
    if (codec === undefined) throw new RecordShapeError(`unknown entry type '${type}'`);
    return {
      key: asString(value[1], "a key"),
      type,
      codec,
      expireAtMs: value[3] === null ? undefined : asCount(value[3], "an expiry time"),
      blobLengths: asArray(value[5], "blob lengths").map((n) => asCount(n, "a blob length")),
      itemCount: asCount(value[6], "an item count"),
    };
  });
  const reads: Promise<void>[] = [];
  const blobs: Uint8Array[] = [];
  try {
    for (const length of head.blobLengths) {
      blobs.push(await readBlob(r, length, head.codec.sharedBlobs, reads));
    }
    const items: unknown[] = [];
    while (items.length < head.itemCount) {
      const batch = await nextRecord(r);
      const more = shaped(r, batch.offset, () => asArray(batch.value[1], "items"));
      if (batch.tag !== "items" || items.length + more.length > head.itemCount) {
        throw r.corrupt("expected the entry's items", batch.offset);
      }
      for (const item of more) items.push(item);
    }
    const ready = allChecked(reads);
    const finish = async (): Promise<ReadEntry> => {
      await ready;
      let entry: Entry;
      try {
        entry = await head.codec.decode({ head: value[4], blobs, items }, ctx);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw r.corrupt(`cannot load ${head.type} entry: ${why}`, offset);
      }
      return { key: head.key, entry, expireAtMs: head.expireAtMs };
    };
    return { ready, finish };
  } catch (e) {
    // This entry's own blob bodies come before the failure: theirs is reported first.
    await allChecked(reads);
    throw e;
  }
}

function dbIndex(r: FrameReader, rec: Rec, raw: unknown, ctx: LoadContext): number {
  const index = shaped(r, rec.offset, () => asCount(raw, "a database index"));
  const count = ctx.server.keyspace.dbs.length;
  if (index >= count) {
    throw r.corrupt(`database ${index} out of range (databases is ${count})`, rec.offset);
  }
  return index;
}

async function snapshot(
  r: FrameReader,
  ctx: LoadContext,
  onEntry: (entry: LoadedEntry) => void,
): Promise<SnapshotInfo> {
  const meta = await nextRecord(r);
  if (meta.tag !== "meta") throw r.corrupt("expected the meta record", meta.offset);
  const createdMs = shaped(r, meta.offset, () => {
    const fields = meta.value[1];
    if (typeof fields !== "object" || fields === null) throw new RecordShapeError("bad meta");
    return asCount((fields as Record<string, unknown>).createdMs, "a creation time");
  });
  let db = -1;
  let keys = 0;
  const entries = new InOrder(ENTRIES_AHEAD_MAX, onEntry);
  try {
    for (;;) {
      const rec = await nextRecord(r);
      if (rec.tag === "db") {
        db = dbIndex(r, rec, rec.value[1], ctx);
      } else if (rec.tag === "entry" && db >= 0) {
        const index = db;
        const scanned = await scanEntry(r, rec, ctx);
        await entries.push({
          ready: scanned.ready,
          finish: async () => ({ db: index, ...(await scanned.finish()) }),
        });
        keys++;
      } else if (rec.tag === "end") {
        await entries.drain();
        const expected = shaped(r, rec.offset, () => asCount(rec.value[1], "a key count"));
        if (expected !== keys) {
          throw r.corrupt(`end record counts ${expected} keys, file holds ${keys}`, rec.offset);
        }
        return { createdMs, keys };
      } else {
        throw r.corrupt(`unexpected '${rec.tag}' record`, rec.offset);
      }
    }
  } catch (e) {
    return await entries.fail(e);
  }
}

async function logGroup(r: FrameReader, ctx: LoadContext): Promise<LogOp[] | undefined> {
  const ops: LogOp[] = [];
  let db = 0;
  for (;;) {
    if (r.offset >= r.sizeBytes) {
      if (ops.length === 0) return undefined;
      throw r.corrupt("the last write group has no commit record", r.offset, true);
    }
    const rec = await nextRecord(r);
    const v = rec.value;
    switch (rec.tag) {
      case "commit":
        return ops;
      case "c":
        ops.push({
          kind: "command",
          db: dbIndex(r, rec, v[1], ctx),
          args: shaped(r, rec.offset, () => asBytesArray(v[2], "command arguments")),
        });
        break;
      case "db":
        db = dbIndex(r, rec, v[1], ctx);
        break;
      case "entry":
        ops.push({ kind: "entry", db, ...(await (await scanEntry(r, rec, ctx)).finish()) });
        break;
      case "x":
      case "del": {
        const index = dbIndex(r, rec, v[1], ctx);
        const key = shaped(r, rec.offset, () => asString(v[2], "a key"));
        ops.push(
          rec.tag === "del" ? { kind: "delete", db: index, key } : {
            kind: "expire",
            db: index,
            key,
            atMs: shaped(r, rec.offset, () => asCount(v[3], "an expiry time")),
          },
        );
        break;
      }
      default:
        throw r.corrupt(`unexpected '${rec.tag}' record`, rec.offset);
    }
  }
}

export const formatV1: FormatDecoder = { snapshot, logGroup };
