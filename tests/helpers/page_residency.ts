/**
 * Which of a file's pages are in the kernel's page cache, by `mmap` and `mincore` through FFI
 * (Linux, glibc), and whether temporary files can have theirs dropped at all: what the
 * page-cache tests check and where they run.
 */
import assert from "node:assert/strict";

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

/** Which of the file's pages are cached: one entry per 4 KiB page, true where resident. */
export function residentPages(path: string): boolean[] {
  const bytes = Deno.statSync(path).size;
  const lib = Deno.dlopen("libc.so.6", {
    open: { parameters: ["buffer", "i32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
    mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
    munmap: { parameters: ["pointer", "usize"], result: "i32" },
    mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
  });
  const fd = lib.symbols.open(new TextEncoder().encode(`${path}\0`), 0);
  assert.ok(fd >= 0, `open ${path}`);
  try {
    const at = lib.symbols.mmap(null, BigInt(bytes), PROT_READ, MAP_SHARED, fd, 0n);
    assert.ok(at !== null && Deno.UnsafePointer.value(at) !== -1n, "mmap");
    try {
      const vec = new Uint8Array(Math.ceil(bytes / PAGE_BYTES));
      assert.equal(lib.symbols.mincore(at, BigInt(bytes), vec), 0);
      return [...vec].map((v) => (v & 1) === 1);
    } finally {
      lib.symbols.munmap(at, BigInt(bytes));
    }
  } finally {
    lib.symbols.close(fd);
    lib.close();
  }
}
