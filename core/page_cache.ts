/**
 * Giving a file's cached pages back to the kernel once they have been read. A snapshot load
 * reads each byte once, into tensor memory of its own, so the page cache's copy is dead weight:
 * left there, loading N GiB holds 2N GiB until the kernel reclaims the cache under pressure.
 * Redis 7.2 drops an RDB file's pages after loading or saving it for the same reason.
 *
 * Dropping them while the load is under way also makes the load cheaper: the pages freed
 * behind the reader are the ones the kernel hands out for the next reads, recently used and
 * still backed by the host. Without that, every page of the file comes from memory untouched
 * since boot or given back to the hypervisor (a VM with free page reporting), at the price of
 * a host fault.
 *
 * It is advice (`posix_fadvise` DONTNEED): the kernel never drops dirty data for it, so the
 * worst a wrong range can do is cost a second read from the disk. Where `libc()` is
 * unavailable `PageCache.open()` gives `undefined` and nothing is dropped.
 */
import { type Libc, libc } from "./libc.ts";

/** Linux's POSIX_FADV_DONTNEED. */
const POSIX_FADV_DONTNEED = 4;

/** A descriptor on one file, for advice about its cached pages. */
export class PageCache {
  /** The advice given so far, in order; the descriptor closes after the last. */
  private given: Promise<unknown> = Promise.resolve();

  private constructor(private readonly lib: Libc, private readonly fd: number) {}

  /** `undefined` where advice can't be given (no glibc, no FFI permission, no such file). */
  static open(path: string): PageCache | undefined {
    const lib = libc();
    const fd = lib?.openRead(path) ?? -1;
    return lib !== null && fd >= 0 ? new PageCache(lib, fd) : undefined;
  }

  /**
   * Drops the cached pages wholly inside `bytes` bytes at `offset` (0 bytes: to the end of the
   * file); resolves once the kernel has done so. A large folio (the page cache holds a file in
   * pieces of up to 2 MiB on x86-64) that straddles either end stays, so callers drop long
   * stretches, not one read's.
   */
  drop(offset: number, bytes: number): Promise<void> {
    const done = this.given.then(() =>
      this.lib.fadvise(this.fd, BigInt(offset), BigInt(bytes), POSIX_FADV_DONTNEED)
    );
    this.given = done;
    return done.then(() => {});
  }

  /** Closes the descriptor once the advice given so far is done. */
  close(): Promise<void> {
    return this.given.then(() => this.lib.close(this.fd));
  }
}
