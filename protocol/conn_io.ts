/**
 * Socket helpers both servers (RESP and HTTP) use: writing whole chunks, closing without
 * caring whether the peer already did, and telling a peer's disconnect from a real failure.
 */

/** Writes every chunk in full, in order. */
export async function writeAll(conn: Deno.Conn, chunks: readonly Uint8Array[]): Promise<void> {
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) offset += await conn.write(chunk.subarray(offset));
  }
}

export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** True for the errors a socket throws when its peer went away (or we closed it). */
export function isDisconnect(e: unknown): boolean {
  return e instanceof Deno.errors.BadResource || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.Interrupted ||
    e instanceof Deno.errors.ConnectionAborted;
}
