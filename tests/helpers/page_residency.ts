/**
 * Which pages are resident, by `mincore` through FFI (Linux, glibc): a file's pages in the
 * kernel's page cache (through a read-only mapping) and the pages of a buffer in memory. Also
 * whether temporary files can have their cached pages dropped at all. What the page-cache and
 * prefault tests check, and where they run.
 */
import assert from "node:assert/strict";
import { libc } from "../../core/libc.ts";

/** Filesystems whose pages are the only copy: the kernel never drops them on advice. */
const MEMORY_FILESYSTEMS = new Set(["tmpfs", "ramfs"]);

/**
 * Whether the page-cache tests can run: Linux, and temporary files (Deno.makeTempDir's
 * directory) on a filesystem whose cached pages can be dropped.
 */
export function tempPagesDroppable(): boolean {
  if (Deno.build.os !== "linux") return false;
  const dir = Deno.realPathSync(Deno.env.get("TMPDIR") ?? "/tmp");
  let best = { at: "", type: "" };
  for (const line of Deno.readTextFileSync("/proc/mounts").split("\n")) {
    const [, at, type] = line.split(" ");
    if (at === undefined || type === undefined) continue;
    const inside = dir === at || dir.startsWith(at.endsWith("/") ? at : `${at}/`);
    if (inside && at.length >= best.at.length) best = { at, type };
  }
  return !MEMORY_FILESYSTEMS.has(best.type);
}

const PROT_READ = 1;
const MAP_SHARED = 1;
const PAGE_BYTES = 4096;

/** glibc's mapping calls, which `core/libc.ts` has no use for. */
function mappingCalls() {
  return Deno.dlopen("libc.so.6", {
    mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
    munmap: { parameters: ["pointer", "usize"], result: "i32" },
    mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
  });
}

/** Residency of `pages` 4 KiB pages from the page-aligned address `at`. */
function mincore(
  lib: ReturnType<typeof mappingCalls>,
  at: Deno.PointerValue,
  pages: number,
): boolean[] {
  const vec = new Uint8Array(pages);
  assert.equal(lib.symbols.mincore(at, BigInt(pages * PAGE_BYTES), vec), 0);
  return [...vec].map((v) => (v & 1) === 1);
}

/** Which of the file's pages are cached: one entry per 4 KiB page, true where resident. */
export function residentPages(path: string): boolean[] {
  const bytes = Deno.statSync(path).size;
  const c = libc();
  assert.ok(c !== null, "glibc through FFI");
  const fd = c.openRead(path);
  assert.ok(fd >= 0, `open ${path}`);
  const lib = mappingCalls();
  try {
    const at = lib.symbols.mmap(null, BigInt(bytes), PROT_READ, MAP_SHARED, fd, 0n);
    assert.ok(at !== null && Deno.UnsafePointer.value(at) !== -1n, "mmap");
    try {
      return mincore(lib, at, Math.ceil(bytes / PAGE_BYTES));
    } finally {
      lib.symbols.munmap(at, BigInt(bytes));
    }
  } finally {
    c.close(fd);
    lib.close();
  }
}

/**
 * Which of the pages wholly inside `bytes` are resident (exact for this range, whatever the
 * tests running beside it allocate or free).
 */
export function residentMemoryPages(bytes: Uint8Array): boolean[] {
  const start = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
  const first = Math.ceil(start / PAGE_BYTES) * PAGE_BYTES;
  const pages = Math.floor((start + bytes.byteLength - first) / PAGE_BYTES);
  const lib = mappingCalls();
  try {
    return mincore(lib, Deno.UnsafePointer.create(BigInt(first)), pages);
  } finally {
    lib.close();
  }
}
