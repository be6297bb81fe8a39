/**
 * A small closed-loop RESP load generator for benchmarks with big payloads (which
 * redis-benchmark cannot send): each connection sends one pre-encoded request, reads its whole
 * reply (skipping bulk payloads without keeping them), and repeats. Replies are checked only
 * for errors; a `-ERR` reply fails the run.
 */

const READ_BYTES = 1024 * 1024;
const CR = 13;

/** One connection that sends requests and skips over their replies. */
export class LoadConn {
  private readonly buf = new Uint8Array(READ_BYTES);
  private start = 0;
  private end = 0;

  private constructor(private readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<LoadConn> {
    const conn = await Deno.connect({ port, hostname: "127.0.0.1" });
    conn.setNoDelay(true);
    return new LoadConn(conn);
  }

  /** Sends `request` and waits for its reply; returns the reply's payload length. */
  async request(request: Uint8Array): Promise<number> {
    let offset = 0;
    while (offset < request.length) offset += await this.conn.write(request.subarray(offset));
    return await this.reply();
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }

  private async reply(): Promise<number> {
    const line = await this.line();
    const type = line[0];
    if (type === "-") throw new Error(`server error: ${line}`);
    if (type !== "$") return 0;
    const len = Number(line.slice(1));
    await this.skip(len + 2);
    return len;
  }

  /** The next CRLF-terminated line, without CRLF. */
  private async line(): Promise<string> {
    for (;;) {
      const cr = this.buf.subarray(this.start, this.end).indexOf(CR);
      if (cr >= 0 && this.start + cr + 1 < this.end) {
        const text = String.fromCharCode(...this.buf.subarray(this.start, this.start + cr));
        this.start += cr + 2;
        return text;
      }
      await this.fill();
    }
  }

  private async skip(n: number): Promise<void> {
    for (;;) {
      const have = this.end - this.start;
      if (have >= n) {
        this.start += n;
        return;
      }
      n -= have;
      this.start = this.end = 0;
      await this.fill();
    }
  }

  private async fill(): Promise<void> {
    if (this.start === this.end) this.start = this.end = 0;
    if (this.end === this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    const n = await this.conn.read(this.buf.subarray(this.end));
    if (n === null) throw new Error("connection closed by server");
    this.end += n;
  }
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * Runs `total` requests over `clients` connections (each keeps one request in flight);
 * `request(client, n)` gives the bytes client `client` sends as the run's `n`-th request.
 */
export async function runLoad(
  port: number,
  options: { clients: number; total: number; request: (client: number, n: number) => Uint8Array },
): Promise<LoadResult> {
  const conns = await Promise.all(
    Array.from({ length: options.clients }, () => LoadConn.connect(port)),
  );
  let issued = 0;
  const startMs = performance.now();
  try {
    await Promise.all(conns.map(async (conn, i) => {
      while (issued < options.total) {
        await conn.request(options.request(i, issued++));
      }
    }));
  } finally {
    for (const c of conns) c.close();
  }
  const seconds = (performance.now() - startMs) / 1000;
  return { requests: issued, seconds, perSecond: issued / seconds };
}
