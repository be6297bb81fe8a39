/**
 * The runtime's floor for issue 3's benchmark: the least a Deno server can do to store and
 * return blobs over RESP, run beside inferdb and redis-server so the gap between them can be
 * split into what Deno costs and what inferdb adds. It answers `SET key value` (+OK), `GET
 * key` (the bulk, or a null bulk) and an inline line such as `PING` (+PONG), nothing else: no
 * command table, no types, no limits, no persistence.
 *
 * It keeps what any store must: every value in memory of its own. A small value is copied out
 * of the receive buffer; a large one is read straight into a buffer of its own, as inferdb's
 * reader does. Replies to the requests one read brought in go out in one write from a reused
 * buffer; a large GET value is written from the stored bytes, not copied.
 *
 * `deno run -A tests/bench/floor_server.ts --port N`
 */

import { closeQuietly, writeAll } from "../../protocol/conn_io.ts";

const RECEIVE_BYTES = 64 * 1024;
/** A bulk of at least this many bytes is read into a buffer of its own. */
const OWN_BUFFER_BYTES_MIN = 64 * 1024;
const CR = 13;
const encoder = new TextEncoder();
const OK = encoder.encode("+OK\r\n");
const PONG = encoder.encode("+PONG\r\n");
const NULL_BULK = encoder.encode("$-1\r\n");
const CRLF = encoder.encode("\r\n");

/** Reads requests (arrays of bulk strings, or inline lines) off one connection. */
class RequestReader {
  private buffer = new Uint8Array(RECEIVE_BYTES);
  private start = 0;
  private end = 0;
  /** The request being read: its arguments so far, and how many are still to come. */
  private args: Uint8Array[] = [];
  private argsLeft = -1;
  /** A large bulk being read into its own buffer. */
  private big: { dest: Uint8Array; got: number } | undefined;

  constructor(private readonly conn: Deno.Conn) {}

  /** The next complete request from the bytes already read; `undefined` if it needs more. */
  next(): Uint8Array[] | "inline" | undefined {
    for (;;) {
      if (this.big !== undefined) {
        const { dest, got } = this.big;
        if (got < dest.length || this.end - this.start < 2) return undefined;
        this.start += 2;
        this.big = undefined;
        this.take(dest);
        continue;
      }
      if (this.argsLeft === 0) {
        const args = this.args;
        this.args = [];
        this.argsLeft = -1;
        return args;
      }
      const lineEnd = this.buffer.subarray(0, this.end).indexOf(CR, this.start);
      if (lineEnd < 0 || lineEnd + 1 >= this.end) return undefined;
      const first = this.buffer[this.start];
      const value = this.number(this.start + 1, lineEnd);
      const after = lineEnd + 2;
      if (this.argsLeft < 0) {
        this.start = after;
        if (first !== 0x2a) return "inline"; // not '*'
        this.argsLeft = value;
        continue;
      }
      if (value >= OWN_BUFFER_BYTES_MIN) {
        const dest = new Uint8Array(value);
        const buffered = Math.min(value, this.end - after);
        dest.set(this.buffer.subarray(after, after + buffered));
        this.start = after + buffered;
        this.big = { dest, got: buffered };
        continue;
      }
      if (after + value + 2 > this.end) return undefined;
      this.start = after + value + 2;
      this.take(this.buffer.slice(after, after + value));
    }
  }

  /** Reads more bytes; false at the end of the stream. */
  async more(): Promise<boolean> {
    const big = this.big;
    if (big !== undefined && big.got < big.dest.length) {
      const n = await this.conn.read(big.dest.subarray(big.got));
      if (n === null) return false;
      big.got += n;
      return true;
    }
    this.buffer.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    if (this.end === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    const n = await this.conn.read(this.buffer.subarray(this.end));
    if (n === null) return false;
    this.end += n;
    return true;
  }

  private take(arg: Uint8Array): void {
    this.args.push(arg);
    this.argsLeft--;
  }

  /** The decimal number in `buffer[from, to)`. */
  private number(from: number, to: number): number {
    let value = 0;
    for (let i = from; i < to; i++) value = value * 10 + (this.buffer[i] as number) - 48;
    return value;
  }
}

const store = new Map<string, Uint8Array>();
const decoder = new TextDecoder();

/** The reply parts for one request. */
function reply(request: Uint8Array[] | "inline"): Uint8Array[] {
  if (request === "inline" || request.length === 1) return [PONG];
  const [name, key, value] = request;
  if (name?.length === 3 && (name[0] === 0x53 || name[0] === 0x73) && value !== undefined) {
    store.set(decoder.decode(key), value);
    return [OK];
  }
  const found = key === undefined ? undefined : store.get(decoder.decode(key));
  if (found === undefined) return [NULL_BULK];
  return [encoder.encode(`$${found.length}\r\n`), found, CRLF];
}

/**
 * Replies gathered into one reused buffer, without a promise per reply; a large part is queued
 * to be written from its own bytes, in order.
 */
class ReplyWriter {
  private buffer = new Uint8Array(RECEIVE_BYTES);
  private used = 0;
  /** Where the part of `buffer` not yet queued begins. */
  private open = 0;
  private readonly queue: Uint8Array[] = [];

  constructor(private readonly conn: Deno.Conn) {}

  add(part: Uint8Array): void {
    if (part.length >= OWN_BUFFER_BYTES_MIN) {
      this.seal();
      this.queue.push(part);
      return;
    }
    if (this.used + part.length > this.buffer.length) {
      this.seal();
      this.buffer = new Uint8Array(Math.max(RECEIVE_BYTES, part.length));
      this.used = this.open = 0;
    }
    this.buffer.set(part, this.used);
    this.used += part.length;
  }

  async flush(): Promise<void> {
    this.seal();
    await writeAll(this.conn, this.queue);
    this.queue.length = 0;
    this.used = this.open = 0;
  }

  private seal(): void {
    if (this.used > this.open) this.queue.push(this.buffer.subarray(this.open, this.used));
    this.open = this.used;
  }
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const reader = new RequestReader(conn);
  const writer = new ReplyWriter(conn);
  try {
    for (;;) {
      for (let request = reader.next(); request !== undefined; request = reader.next()) {
        for (const part of reply(request)) writer.add(part);
      }
      await writer.flush();
      if (!(await reader.more())) return;
    }
  } catch {
    // A client that goes away mid-write ends its connection only.
  } finally {
    closeQuietly(conn);
  }
}

const portAt = Deno.args.indexOf("--port");
const port = Number(Deno.args[portAt + 1]);
for await (const conn of Deno.listen({ hostname: "127.0.0.1", port })) serve(conn);
