/**
 * Extra read handles on one file, so that several large frame bodies can be read at their own
 * offsets at once while the frame reader moves on. Deno has no positional read, so every read
 * in flight needs a handle (and a file position) of its own; Deno runs file reads on its
 * blocking thread pool, so reads on different handles overlap, and filling fresh tensor memory
 * (page faults) on several threads is what lets a load keep up with the disk. Each destination
 * is prefaulted first (`prefault`): one system call per body instead of a fault per page.
 *
 * The handles are opened by path; each is checked to be the very file the reader has open
 * (same device and inode), so a file renamed over the path meanwhile is never read. At most
 * `handles` reads are in flight: `begin()` waits for a free handle.
 *
 * The file's cached pages are dropped behind the reads (`PageCache`): whenever everything below
 * the reads still under way is DROP_STEP_BYTES past the last drop, that stretch goes, and the
 * whole file's pages go when the pool closes. Each stretch starts a step before the last one
 * ended: a large folio across that end was kept then, and is wholly inside now. This counts on
 * reads beginning in file order, as the frame reader's do; a read out of order costs at worst
 * a second read from the disk.
 */

import { PageCache } from "../page_cache.ts";
import { prefault } from "../prefault.ts";

/** How far the reads must move on before the cached pages behind them are dropped. */
export const DROP_STEP_BYTES = 32 * 1024 * 1024;

/** A read under way; `complete` is false when the file ended before `dest` was full. */
export interface PendingRead {
  readonly complete: Promise<boolean>;
}

export class ReadPool {
  private readonly idle: Deno.FsFile[];
  private readonly waiting: ((file: Deno.FsFile) => void)[] = [];
  /** Start offsets of the reads begun and not yet settled. */
  private readonly underWay = new Set<number>();
  /** End offset of the furthest read begun. */
  private readEnd = 0;
  /** The file's pages below this offset have been dropped from the cache. */
  private droppedBelow = 0;

  private constructor(
    private readonly files: readonly Deno.FsFile[],
    private readonly cache: PageCache | undefined,
  ) {
    this.idle = [...files];
  }

  /**
   * Opens `handles` more handles on `path`, the file described by `same`; `undefined` when the
   * path no longer names that file (or the platform reports no inode numbers).
   */
  static async open(
    path: string,
    { same, handles }: { readonly same: Deno.FileInfo; readonly handles: number },
  ): Promise<ReadPool | undefined> {
    const files: Deno.FsFile[] = [];
    try {
      for (let i = 0; i < handles; i++) {
        const file = await Deno.open(path, { read: true });
        files.push(file);
        const info = await file.stat();
        if (same.ino === null || info.ino !== same.ino || info.dev !== same.dev) {
          for (const f of files) f.close();
          return undefined;
        }
      }
    } catch (e) {
      for (const f of files) f.close();
      throw e;
    }
    return new ReadPool(files, PageCache.open(path));
  }

  /** Starts reading `dest.byteLength` bytes at `offset`, once a handle is free. */
  async begin(offset: number, dest: Uint8Array): Promise<PendingRead> {
    this.underWay.add(offset);
    this.readEnd = Math.max(this.readEnd, offset + dest.byteLength);
    const file = this.idle.pop() ?? await new Promise<Deno.FsFile>((r) => this.waiting.push(r));
    return { complete: this.readAt(file, offset, dest) };
  }

  /** Closes the handles and drops the file's cached pages; every read must have settled. */
  async close(): Promise<void> {
    for (const file of this.files) file.close();
    if (this.cache === undefined) return;
    await this.cache.drop(0, 0);
    await this.cache.close();
  }

  private async readAt(file: Deno.FsFile, offset: number, dest: Uint8Array): Promise<boolean> {
    try {
      await prefault(dest);
      file.seekSync(offset, Deno.SeekMode.Start);
      for (let got = 0; got < dest.byteLength;) {
        const n = await file.read(dest.subarray(got));
        if (n === null) return false;
        got += n;
      }
      return true;
    } finally {
      this.settled(offset);
      const next = this.waiting.shift();
      if (next === undefined) this.idle.push(file);
      else next(file);
    }
  }

  /** Notes a read settled, and drops the cached pages that no read needs any more. */
  private settled(offset: number): void {
    this.underWay.delete(offset);
    const below = this.underWay.size === 0 ? this.readEnd : Math.min(...this.underWay);
    if (this.cache === undefined || below - this.droppedBelow < DROP_STEP_BYTES) return;
    const from = Math.max(0, this.droppedBelow - DROP_STEP_BYTES);
    void this.cache.drop(from, below - from);
    this.droppedBelow = below;
  }
}
