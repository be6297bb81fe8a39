/**
 * Crash-safe file replacement: write a temporary file in the target's directory, fsync it,
 * rename it over the target, fsync the directory. At every instant the target path holds
 * either the old complete file or the new complete file, never a partial one. A failed write
 * removes its temporary file and leaves the target untouched.
 */

let tempCounter = 0;

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
 * Replaces `path` with what `write` produces. `write` gets the open temporary file; the
 * result is `write`'s result once the new file is durable under its final name.
 */
export async function replaceFile<T>(
  path: string,
  write: (file: Deno.FsFile) => Promise<T>,
): Promise<T> {
  const dir = dirOf(path);
  await Deno.mkdir(dir, { recursive: true });
  const temp = tempPathFor(path);
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  let renamed = false;
  try {
    const result = await write(file);
    await file.syncData();
    await Deno.rename(temp, path);
    renamed = true;
    await syncDir(dir);
    return result;
  } finally {
    file.close();
    if (!renamed) await Deno.remove(temp).catch(() => {});
  }
}
