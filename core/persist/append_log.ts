/**
 * The append-only log writer. Successful writes are appended as frames (format_v1.ts) to an
 * in-memory group; a group is written to the file with one write per chunk, ending in a
 * commit record, at the end of the event-loop turn (every client's writes of that turn
 * together), or earlier when a reply must wait for it. A MULTI/EXEC runs without yielding, so
 * its commands always share one group: replay applies a group whole or, if the file ends
 * inside it, not at all.
 *
 * fsync policy (`appendfsync`, read at each use): under `always`, `durable()` (which
 * transports await before sending replies) writes the group and resolves once it is fsynced,
 * batching every group written meanwhile into the same fsync (group commit), so nothing
 * acknowledged is ever lost; `everysec` fsyncs from `tick()` about once a second, so a crash
 * loses at most about a second of writes; `no` leaves it to the OS.
 *
 * Until a file is adopted (while the first rewrite writes the base snapshot), groups wait in
 * memory. A failed write is cut off the file again and retried with the next group.
 */
import { dirOf, syncDir, writeAllSync } from "./atomic_file.ts";
import { encodeRecord } from "./codec.ts";
import type { Entry } from "../keyspace.ts";
import { KIND_RECORD } from "./frame.ts";
import { FrameBuffer } from "./frame_buffer.ts";
import { entryFrames } from "./snapshot_writer.ts";

export type FsyncPolicy = "always" | "everysec" | "no";

const COMMIT = encodeRecord(["commit"]);

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class AppendLog {
  private file: Deno.FsFile | undefined;
  /** The group being built. */
  private readonly buffer = new FrameBuffer();
  /** Complete groups not yet in the file (a failed write is retried from here). */
  private unwritten: Uint8Array[] = [];
  private writtenSeq = 0;
  private syncedSeq = 0;
  private waiters: Waiter[] = [];
  private syncRun: Promise<void> | undefined;
  private dirDirty = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Bytes in the file (all complete groups). */
  sizeBytes = 0;
  /** Size right after the last rewrite (INFO `aof_base_size`). */
  baseBytes = 0;
  /** The last write or fsync error, cleared by the next success. */
  lastError: Error | undefined;

  constructor(readonly path: string, private readonly policy: () => FsyncPolicy) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  /** False until the first rewrite has written the file's base snapshot. */
  get hasFile(): boolean {
    return this.file !== undefined;
  }

  /** Bytes waiting in memory (INFO `aof_buffer_length`). */
  get bufferedBytes(): number {
    return this.unwritten.reduce((n, c) => n + c.byteLength, this.buffer.byteLength);
  }

  private get pending(): boolean {
    return this.buffer.byteLength > 0 || this.unwritten.length > 0;
  }

  /** Logs a write command that ran in database `db`. */
  appendCommand(db: number, args: readonly Uint8Array[]): void {
    if (this.closed) return;
    this.buffer.command(db, args);
    this.scheduleFlush();
  }

  /** Logs the value now at `key` (or its absence), instead of the command that produced it. */
  appendEntry(db: number, key: string, entry: Entry | undefined, expireAtMs?: number): void {
    if (this.closed) return;
    if (entry === undefined) return this.appendRecord(["del", db, key]);
    this.appendRecord(["db", db]);
    for (const frame of entryFrames(key, entry, expireAtMs)) {
      this.buffer.frame(frame.kind, frame.body);
    }
  }

  /** Logs an absolute expiry time (relative ones would drift on replay). */
  appendExpire(db: number, key: string, atMs: number): void {
    this.appendRecord(["x", db, key, atMs]);
  }

  /** Writes the pending group to the file (a no-op until a file is adopted). */
  flush(): void {
    if (this.file === undefined) return;
    if (this.buffer.byteLength > 0) {
      this.buffer.frame(KIND_RECORD, COMMIT);
      for (const chunk of this.buffer.take()) this.unwritten.push(chunk);
    }
    if (this.unwritten.length === 0) return;
    let written = 0;
    try {
      for (const chunk of this.unwritten) {
        writeAllSync(this.file, chunk);
        written += chunk.byteLength;
      }
    } catch (e) {
      this.fail(e, written);
      return;
    }
    this.unwritten = [];
    this.sizeBytes += written;
    this.writtenSeq++;
    this.lastError = undefined;
  }

  /**
   * Under `appendfsync always`, writes what is pending and resolves once it is fsynced;
   * `undefined` when replies need not wait.
   */
  durable(): Promise<void> | undefined {
    if (this.policy() !== "always") return undefined;
    this.flush();
    if (this.lastError !== undefined && this.pending) return Promise.reject(this.lastError);
    if (this.syncedSeq >= this.writtenSeq && !this.pending) return undefined;
    return new Promise((resolve, reject) => {
      const seq = this.writtenSeq + (this.pending ? 1 : 0);
      this.waiters.push({ seq, resolve, reject });
      void this.startSync();
    });
  }

  /** Once a second: write what is pending and, under `everysec`, fsync. */
  tick(): void {
    this.flush();
    if (this.policy() === "everysec") void this.startSync();
  }

  /**
   * Makes `file` the log: `sizeBytes` long, its first `baseBytes` a snapshot, positioned at
   * its end. What waits in memory is written to it.
   */
  adopt(file: Deno.FsFile, sizeBytes: number, baseBytes: number): void {
    this.file?.close();
    this.file = file;
    this.sizeBytes = sizeBytes;
    this.baseBytes = baseBytes;
    this.dirDirty = true;
    this.flush();
    void this.startSync();
  }

  /** Writes and fsyncs everything, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    clearTimeout(this.flushTimer);
    await this.startSync();
    this.closed = true;
    this.file?.close();
    this.file = undefined;
    this.release(new Error("append-only log closed"));
  }

  private appendRecord(value: unknown): void {
    if (this.closed) return;
    this.buffer.frame(KIND_RECORD, encodeRecord(value));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 0);
  }

  private fail(e: unknown, partialBytes: number): void {
    this.lastError = e instanceof Error ? e : new Error(String(e));
    console.error(`inferdb: writing ${this.path} failed (will retry):`, this.lastError.message);
    if (partialBytes > 0) {
      try {
        this.file?.truncateSync(this.sizeBytes);
      } catch (t) {
        console.error(`inferdb: could not remove a partial write from ${this.path}:`, t);
      }
    }
    this.release(this.lastError);
  }

  /** Resolves the waiters covered by `syncedSeq`; with `error`, rejects them all. */
  private release(error?: Error): void {
    const waiting: Waiter[] = [];
    for (const w of this.waiters) {
      if (error !== undefined) w.reject(error);
      else if (w.seq <= this.syncedSeq) w.resolve();
      else waiting.push(w);
    }
    this.waiters = waiting;
  }

  /** Starts (or joins) the fsync loop; it settles when every written group is durable. */
  private startSync(): Promise<void> {
    if (this.syncRun !== undefined) return this.syncRun;
    if (this.file === undefined) return Promise.resolve();
    if (this.syncedSeq >= this.writtenSeq && !this.dirDirty) return Promise.resolve();
    this.syncRun = this.syncLoop();
    return this.syncRun;
  }

  private async syncLoop(): Promise<void> {
    // Yield first, so `syncRun` is set before this loop can finish.
    await Promise.resolve();
    try {
      while (this.file !== undefined && (this.syncedSeq < this.writtenSeq || this.dirDirty)) {
        const target = this.writtenSeq;
        if (this.dirDirty) {
          this.dirDirty = false;
          await syncDir(dirOf(this.path));
        }
        await this.file.syncData();
        this.syncedSeq = target;
        this.release();
      }
    } catch (e) {
      this.lastError = e instanceof Error ? e : new Error(String(e));
      console.error(`inferdb: fsync of ${this.path} failed:`, this.lastError.message);
      this.release(this.lastError);
    } finally {
      this.syncRun = undefined;
    }
  }
}
