/**
 * Reading persistence files: the header names the format version, and each version has its
 * own decoder, so files written by older builds stay readable after the format moves on.
 *
 * `readSnapshotFile` is all-or-nothing: entries are collected while the whole file is checked
 * (every frame's CRC, the end record's key count) and handed back only when it is complete; a
 * damaged file fails with a `CorruptFileError` naming the file and the byte offset.
 */
import type { Entry, Keyspace } from "../keyspace.ts";
import type { LoadContext } from "./entry_codecs.ts";
import { formatV1 } from "./format_v1.ts";
import { FrameReader } from "./frame.ts";
import { ReadPool } from "./read_pool.ts";
import { FILE_HEADER_BYTES, MAGIC } from "./snapshot_writer.ts";

/** One key read from a snapshot. */
export interface LoadedEntry {
  readonly db: number;
  readonly key: string;
  readonly entry: Entry;
  readonly expireAtMs: number | undefined;
}

export interface SnapshotInfo {
  readonly createdMs: number;
  readonly keys: number;
}

/** One operation of the append-only log, after its snapshot preamble. */
export type LogOp =
  | { readonly kind: "command"; readonly db: number; readonly args: Uint8Array[] }
  | {
    readonly kind: "entry";
    readonly db: number;
    readonly key: string;
    readonly entry: Entry;
    readonly expireAtMs: number | undefined;
  }
  | { readonly kind: "expire"; readonly db: number; readonly key: string; readonly atMs: number }
  | { readonly kind: "delete"; readonly db: number; readonly key: string };

/** Everything one format version knows how to read. */
export interface FormatDecoder {
  /** Reads a snapshot body (after the file header) up to and including its end record. */
  snapshot(
    r: FrameReader,
    ctx: LoadContext,
    onEntry: (entry: LoadedEntry) => void,
  ): Promise<SnapshotInfo>;
  /** The next committed group of log operations; `undefined` at a clean end of file. */
  logGroup(r: FrameReader, ctx: LoadContext): Promise<LogOp[] | undefined>;
}

const DECODERS: ReadonlyMap<number, FormatDecoder> = new Map([[1, formatV1]]);

/** Checks the file header and picks the decoder for its format version. */
export async function readFileHeader(r: FrameReader): Promise<FormatDecoder> {
  const header = await r.bytes(FILE_HEADER_BYTES, true);
  if (header === undefined) throw r.corrupt("empty file", 0, true);
  if (!MAGIC.every((b, i) => header[i] === b)) {
    throw r.corrupt("not an inferdb data file (bad magic)", 0);
  }
  const version = new DataView(header.buffer).getUint32(MAGIC.byteLength, true);
  const decoder = DECODERS.get(version);
  if (decoder === undefined) {
    const known = [...DECODERS.keys()].join(", ");
    throw r.corrupt(`unsupported format version ${version} (this build reads ${known})`, 8);
  }
  return decoder;
}

/** An open data file with a frame reader at its start. */
export interface OpenedFile {
  readonly reader: FrameReader;
  /** Closes the file and the reader's extra handles. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Extra handles for reading large blob bodies in parallel (0: read everything in order on
   * one handle). By default 4 for files of 4 MiB or more, none for smaller ones.
   */
  readonly readHandles?: number;
}

const POOL_FILE_BYTES_MIN = 4 * 1024 * 1024;
const POOL_HANDLES = 4;

/** Opens `path` for reading; `undefined` when it does not exist. */
export async function openDataFile(
  path: string,
  options: OpenOptions = {},
): Promise<OpenedFile | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    const info = await file.stat();
    const handles = options.readHandles ?? (info.size >= POOL_FILE_BYTES_MIN ? POOL_HANDLES : 0);
    const pool = handles > 0 ? await ReadPool.open(path, { same: info, handles }) : undefined;
    const reader = new FrameReader(file, path, info.size, pool);
    return {
      reader,
      close: async () => {
        file.close();
        await reader.close();
      },
    };
  } catch (e) {
    file.close();
    throw e;
  }
}

export interface SnapshotContents extends SnapshotInfo {
  readonly entries: readonly LoadedEntry[];
}

/** Reads a whole snapshot file; `undefined` when it does not exist. */
export async function readSnapshotFile(
  path: string,
  ctx: LoadContext,
  options: OpenOptions = {},
): Promise<SnapshotContents | undefined> {
  const opened = await openDataFile(path, options);
  if (opened === undefined) return undefined;
  const { reader } = opened;
  try {
    const decoder = await readFileHeader(reader);
    const entries: LoadedEntry[] = [];
    const info = await decoder.snapshot(reader, ctx, (e) => entries.push(e));
    if (reader.offset !== reader.sizeBytes) {
      throw reader.corrupt("unexpected data after the end record", reader.offset);
    }
    return { ...info, entries };
  } finally {
    await opened.close();
  }
}

/** Stores a loaded entry (and its expiry time) in the keyspace. */
export function installEntry(keyspace: Keyspace, loaded: LoadedEntry): void {
  const db = keyspace.db(loaded.db);
  db.set(loaded.key, loaded.entry);
  if (loaded.expireAtMs !== undefined) db.setExpire(loaded.key, loaded.expireAtMs);
}
