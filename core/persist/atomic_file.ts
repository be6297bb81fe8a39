/**
 * Crash-safe file replacement: write a temporary file in the target's directory, fsync it,
 * rename it over the target, fsync the directory. At every instant the target path holds
 * either the old complete file or the new complete file, never a partial one. A failed write
 * removes its temporary file and leaves the target untouched. Large files are fsynced behind
 * the writes (`SyncedWriter`), so the final fsync has little left to do.
 */
import { PageCache } from "../page_cache.ts";

let tempCounter = 0;

/** `SyncedWriter` starts a background fsync each time this much more has been written. */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/** The directory part of a path (`.` for a bare name). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
}

/** Joins a directory and a file name. */
export function joinPath(dir: string, name: string): string {
  return name.startsWith("/") ? name : `${dir.replace(/\/+$/, "")}/${name}`;
}

/** A fresh temporary path beside `path` (same directory, so rename is atomic). */
export function tempPathFor(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return joinPath(dirOf(path), `temp-${base}-${Deno.pid}-${++tempCounter}.tmp`);
}

/** Writes every byte of `chunk`. */
export async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.byteLength;) at += await file.write(chunk.subarray(at));
}

/** Writes every byte of `chunk`, blocking (the append-only log's hot path). */
export function writeAllSync(file: Deno.FsFile, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.byteLength;) at += file.writeSync(chunk.subarray(at));
}

/**
 * Writes a new file front to back, fsyncing in the background as it goes: whenever
 * `SYNC_EVERY_BYTES` more have been written, an fsync of what is there so far starts on a
 * handle of its own (one at a time), so the disk writes out the file while later parts are
 * still being copied into the page cache, and the final `sync()` has little left to do. Redis
 * does the same when it saves (`rdb-save-incremental-fsync`); without it the kernel starts
 * writing only at the final fsync, and a large snapshot pays for the copy and the disk one
 * after the other.
 *
 * The background fsyncs are only a head start: `sync()` always ends with a full fsync of the
 * file, and a failed background fsync fails the next write or `sync()`.
 *
 * Once on disk, the written pages leave the page cache (`PageCache`), as Redis's do when it
 * saves: the server keeps the data in its own memory, so the cached copy is dead weight, and
 * the pages freed are the ones the kernel hands out for the next writes.
 */
export class SyncedWriter {
  private syncing: Promise<void> | undefined;
  private syncError: unknown;
  private writtenBytes = 0;
  /** `writtenBytes` when the last fsync began. */
  private syncedUpTo = 0;
  /** The file's pages below this offset have been dropped from the cache. */
  private droppedBelow = 0;

  private constructor(
    private readonly file: Deno.FsFile,
    /** A second handle on the file, for background fsyncs. */
    private readonly syncFile: Deno.FsFile,
    private readonly cache: PageCache | undefined,
  ) {}

  /** Writes through `file`, which was just created at `path`. */
  static async open(file: Deno.FsFile, path: string): Promise<SyncedWriter> {
    return new SyncedWriter(file, await Deno.open(path, { read: true }), PageCache.open(path));
  }

  /** Writes every byte of `chunk`. */
  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    await writeAll(this.file, chunk);
    this.writtenBytes += chunk.byteLength;
    if (this.writtenBytes - this.syncedUpTo >= SYNC_EVERY_BYTES && this.syncing === undefined) {
      const upTo = this.syncedUpTo = this.writtenBytes;
      this.syncing = this.syncFile.syncData().then(() => this.dropBelow(upTo)).catch((e) => {
        this.syncError = e;
      }).finally(() => {
        this.syncing = undefined;
      });
    }
  }

  /** Makes everything written so far durable. */
  async sync(): Promise<void> {
    await this.syncing;
    this.throwIfFailed();
    await this.file.syncData();
    this.syncedUpTo = this.writtenBytes;
    // The whole file: earlier drops leave the large folios that straddle their ends.
    await this.cache?.drop(0, 0);
  }

  /** Closes the second handle (not `file`), once any background fsync is over. */
  async close(): Promise<void> {
    await this.syncing;
    this.syncFile.close();
    await this.cache?.close();
  }

  /** Drops the cached pages below `offset`, all of them written out by an fsync. */
  private async dropBelow(offset: number): Promise<void> {
    if (this.cache === undefined || offset <= this.droppedBelow) return;
    const from = this.droppedBelow;
    this.droppedBelow = offset;
    await this.cache.drop(from, offset - from);
  }

  private throwIfFailed(): void {
    if (this.syncError !== undefined) throw this.syncError;
  }
}

/** Makes a rename or create in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

/**
 * Replaces `path` with what `write` produces. `write` gets a writer on the temporary file
 * (which fsyncs behind the writes); the result is `write`'s result once the new file is
 * durable under its final name.
 */
export async function replaceFile<T>(
  path: string,
  write: (out: SyncedWriter) => Promise<T>,
): Promise<T> {
  const dir = dirOf(path);
  await Deno.mkdir(dir, { recursive: true });
  const temp = tempPathFor(path);
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  let out: SyncedWriter | undefined;
  let renamed = false;
  try {
    out = await SyncedWriter.open(file, temp);
    const result = await write(out);
    await out.sync();
    await Deno.rename(temp, path);
    renamed = true;
    await syncDir(dir);
    return result;
  } finally {
    await out?.close();
    file.close();
    if (!renamed) await Deno.remove(temp).catch(() => {});
  }
}
