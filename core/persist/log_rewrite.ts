/**
 * Rewriting the append-only file (BGREWRITEAOF, and creating it when appendonly is turned on):
 * a new file holding a snapshot of the keyspace as its preamble, then the groups logged since
 * that snapshot was captured. The server keeps serving throughout; memory stays bounded:
 * the groups logged meanwhile are copied from the old file rather than buffered.
 *
 * The switch is synchronous, so no group can land between the last copy and the rename: the
 * final few bytes are copied with blocking calls, the new file is fsynced, renamed over the
 * old one and adopted by the log. The directory fsync follows, and replies under `appendfsync
 * always` wait for it. A failed or aborted rewrite removes its temporary file and leaves the
 * old log in use.
 */
import type { Keyspace } from "../keyspace.ts";
import type { AppendLog } from "./append_log.ts";
import { dirOf, syncDir, SyncedWriter, tempPathFor, writeAllSync } from "./atomic_file.ts";
import { FrameWriter } from "./frame.ts";
import { captureKeyspace, writeSnapshot } from "./snapshot_writer.ts";

const COPY_CHUNK_BYTES = 1024 * 1024;
/** Once less than this is left to copy, the switch copies it with blocking calls. */
const SYNC_TAIL_BYTES = 256 * 1024;

async function copyRange(
  src: Deno.FsFile,
  dst: SyncedWriter,
  from: number,
  to: number,
): Promise<void> {
  await src.seek(from, Deno.SeekMode.Start);
  const buffer = new Uint8Array(COPY_CHUNK_BYTES);
  for (let at = from; at < to;) {
    const n = await src.read(buffer.subarray(0, Math.min(buffer.length, to - at)));
    if (n === null) throw new Error("append-only file shrank during rewrite");
    await dst.write(buffer.subarray(0, n));
    at += n;
  }
}

function copyRangeSync(src: Deno.FsFile, dst: Deno.FsFile, from: number, to: number): void {
  src.seekSync(from, Deno.SeekMode.Start);
  const buffer = new Uint8Array(Math.min(COPY_CHUNK_BYTES, to - from));
  for (let at = from; at < to;) {
    const n = src.readSync(buffer.subarray(0, Math.min(buffer.length, to - at)));
    if (n === null) throw new Error("append-only file shrank during rewrite");
    writeAllSync(dst, buffer.subarray(0, n));
    at += n;
  }
}

/** Copies the log's growing tail until little is left; returns the offset copied up to. */
async function copyTail(
  log: AppendLog,
  src: Deno.FsFile,
  dst: SyncedWriter,
  from: number,
  signal?: AbortSignal,
): Promise<number> {
  let at = from;
  for (;;) {
    signal?.throwIfAborted();
    log.flush();
    const end = log.sizeBytes;
    if (end - at <= SYNC_TAIL_BYTES) return at;
    await copyRange(src, dst, at, end);
    at = end;
  }
}

/**
 * Writes a fresh append-only file at `path` from `keyspace`. With `log`, the log continues in
 * the new file (groups logged during the rewrite included); returns the new file's size.
 */
export async function rewriteAppendLog(
  path: string,
  keyspace: Keyspace,
  log: AppendLog | undefined,
  signal?: AbortSignal,
): Promise<number> {
  log?.flush();
  const tailFrom = log?.hasFile ? log.sizeBytes : undefined;
  const capture = captureKeyspace(keyspace);
  await Deno.mkdir(dirOf(path), { recursive: true });
  const temp = tempPathFor(path);
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  const src = tailFrom === undefined ? undefined : await Deno.open(path, { read: true });
  let sink: SyncedWriter | undefined;
  let state: "writing" | "renamed" | "adopted" = "writing";
  try {
    const writer = await SyncedWriter.open(file, temp);
    sink = writer;
    const out = new FrameWriter((chunk) => writer.write(chunk));
    await writeSnapshot(out, capture, signal);
    const baseBytes = out.bytesWritten;
    let copied = tailFrom;
    if (log !== undefined && src !== undefined && copied !== undefined) {
      copied = await copyTail(log, src, writer, copied, signal);
    }
    await writer.sync();
    signal?.throwIfAborted();
    if (log === undefined) {
      await Deno.rename(temp, path);
      state = "renamed";
      await syncDir(dirOf(path));
      return baseBytes;
    }
    if (!log.isOpen) throw new Error("the append-only log was closed during the rewrite");
    // From here to adopt() nothing yields: no group can slip between copy and switch.
    let size = baseBytes;
    if (src !== undefined && copied !== undefined && tailFrom !== undefined) {
      log.flush();
      copyRangeSync(src, file, copied, log.sizeBytes);
      size += log.sizeBytes - tailFrom;
      file.syncDataSync();
    }
    Deno.renameSync(temp, path);
    state = "renamed";
    log.adopt(file, size, baseBytes);
    state = "adopted";
    return size;
  } finally {
    await sink?.close();
    src?.close();
    if (state !== "adopted") file.close();
    if (state === "writing") await Deno.remove(temp).catch(() => {});
  }
}
