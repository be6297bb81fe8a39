/**
 * Socket helpers both servers (RESP and HTTP) use: an accept loop that outlives failed
 * accepts, writing whole chunks, closing without caring whether the peer already did, and
 * telling a peer's disconnect from a real failure.
 */

/** Pause after a failed accept (out of file descriptors, say) before trying again. */
const ACCEPT_RETRY_MS = 100;

/**
 * Hands every accepted connection to `onConn` until the listener is closed. A failed accept
 * (EMFILE when the process is out of descriptors) is logged and retried after a pause: it
 * must not stop the server from ever accepting again.
 */
export async function acceptEach(
  listener: Pick<Deno.TcpListener, "accept">,
  onConn: (conn: Deno.TcpConn) => void,
): Promise<void> {
  for (;;) {
    let conn: Deno.TcpConn;
    try {
      conn = await listener.accept();
    } catch (e) {
      if (e instanceof Deno.errors.BadResource) return;
      console.error("inferdb: accepting a connection failed (retrying):", e);
      await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
      continue;
    }
    onConn(conn);
  }
}

/** Writes every chunk in full, in order. */
export async function writeAll(
  conn: Pick<Deno.Conn, "write">,
  chunks: readonly Uint8Array[],
): Promise<void> {
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
