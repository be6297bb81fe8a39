/**
 * The few glibc calls that Deno does not expose, through FFI: `madvise` for fresh memory and
 * `posix_fadvise` for the page cache, with what they need (`sysconf`, `open`, `close`). They
 * are optimisations, so they are only tried where they can work: Linux, glibc, and the FFI
 * permission already granted. Asking would prompt on a terminal, and an optimisation never
 * asks for a permission. Anywhere else `libc()` is `null` and callers carry on without.
 *
 * The calls that can take a while (`madvise`, `posix_fadvise`) run on Deno's blocking thread
 * pool, off the event loop.
 */

/** sysconf's _SC_PAGESIZE on Linux. */
const SC_PAGESIZE = 30;
/** open(2) flags on Linux. */
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;

export interface Libc {
  madvise(address: Deno.PointerValue, bytes: bigint, advice: number): Promise<number>;
  fadvise(fd: number, offset: bigint, bytes: bigint, advice: number): Promise<number>;
  /** A read-only descriptor on `path`, or -1. */
  openRead(path: string): number;
  close(fd: number): void;
  readonly pageBytes: bigint;
}

/** `undefined` until first asked for; `null` where it is unavailable. */
let loaded: Libc | null | undefined;

function load(): Libc | null {
  if (Deno.build.os !== "linux") return null;
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
  try {
    const { symbols } = Deno.dlopen("libc.so.6", {
      madvise: { parameters: ["pointer", "usize", "i32"], result: "i32", nonblocking: true },
      posix_fadvise: {
        parameters: ["i32", "i64", "i64", "i32"],
        result: "i32",
        nonblocking: true,
      },
      sysconf: { parameters: ["i32"], result: "i64" },
      open: { parameters: ["buffer", "i32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
    });
    const pageBytes = BigInt(symbols.sysconf(SC_PAGESIZE));
    if (pageBytes <= 0n) return null;
    const encoder = new TextEncoder();
    return {
      madvise: symbols.madvise,
      fadvise: symbols.posix_fadvise,
      openRead: (path) => symbols.open(encoder.encode(`${path}\0`), O_RDONLY | O_CLOEXEC),
      close: (fd) => void symbols.close(fd),
      pageBytes,
    };
  } catch {
    return null; // no glibc
  }
}

/** glibc's calls, or `null` where they can't be used. */
export function libc(): Libc | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}
