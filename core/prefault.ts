/**
 * Faulting in the pages of freshly allocated memory in one system call, before a read fills
 * it. A large ArrayBuffer comes from an anonymous mapping whose pages the kernel supplies one
 * fault at a time on first touch: loading a 1 GiB snapshot took about 262,000 of them inside
 * `read`, 0.55–0.6 s of CPU per GiB on the benchmark VM. Linux's `madvise` with
 * MADV_POPULATE_WRITE supplies the same pages in one call for about 0.38 s per GiB, and runs on
 * Deno's blocking thread pool, off the event loop.
 *
 * It goes through glibc (`libc.ts`), and needs a kernel of 5.14 or later. Anywhere else, or
 * after the first refusal, `prefault` does nothing and the pages fault in as before. The
 * contents never change: the pages come in zero-filled, as they would on first touch.
 */

import { libc } from "./libc.ts";

/** Linux's MADV_POPULATE_WRITE (since 5.14). */
const MADV_POPULATE_WRITE = 23;
/** Below this a buffer has too few pages to be worth a system call. */
export const PREFAULT_BYTES_MIN = 256 * 1024;

/** Set once the kernel has refused: it would refuse every time. */
let refused = false;

/**
 * Brings in the whole pages of `bytes` (a buffer just allocated, about to be filled) if the
 * platform allows it; resolves to whether it did.
 */
export async function prefault(bytes: Uint8Array): Promise<boolean> {
  const lib = libc();
  if (bytes.byteLength < PREFAULT_BYTES_MIN || lib === null || refused) return false;
  const { pageBytes } = lib;
  const start = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
  const first = (start + pageBytes - 1n) / pageBytes * pageBytes;
  const end = (start + BigInt(bytes.byteLength)) / pageBytes * pageBytes;
  const done = await lib.madvise(
    Deno.UnsafePointer.create(first),
    end - first,
    MADV_POPULATE_WRITE,
  );
  // EINVAL from a kernel before 5.14 will not change; ENOMEM can, but the pages fault in anyway.
  if (done !== 0) refused = true;
  return done === 0;
}
