/**
 * The receive side of one HTTP/1.1 connection: a buffer over the socket from which request
 * heads are read under a size limit, and request bodies (by length or chunked) handed out as
 * async iterables of chunks the consumer owns. Bodies are read only as the consumer pulls, so
 * a handler that refuses a request (too large, unauthorized) never makes the client upload
 * it. Invariant: bytes handed out are copies or fresh buffers, never views of the receive
 * buffer, which the next request reuses.
 */
import { HttpError } from "./errors.ts";
import { headEnd, malformed, parseHead, RequestHead } from "./http1_head.ts";

/** Largest request head (request line and all header fields) accepted: 431 beyond. */
export const HEAD_BYTES_MAX = 64 * 1024;
/** Bodies up to this size are read whole before the request is handled. */
export const SMALL_BODY_BYTES_MAX = 64 * 1024;
/** Receive buffer size a connection starts with (heads and small bodies fit). */
const BUFFER_BYTES = 16 * 1024;
/** Most bytes one body read asks the socket for. */
const PIECE_BYTES = 256 * 1024;
/** Longest chunk-size line (with extensions) or trailer line of a chunked body. */
const LINE_BYTES_MAX = 4 * 1024;
const LF = 10;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/;

function badBody(reason: string): HttpError {
  return new HttpError(400, `ERR malformed HTTP request body: ${reason}`);
}

/** Where the bytes come from: a socket, or a scripted source in tests. */
export interface ByteSource {
  read(into: Uint8Array): Promise<number | null>;
}

export class Http1Input {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(BUFFER_BYTES);
  private start = 0;
  private end = 0;
  /** When the head now arriving began (`performance.now()`); undefined between requests. */
  headSinceMs: number | undefined;
  /** True once a body was cut short or misframed: the connection can't carry another request. */
  broken = false;

  constructor(private readonly conn: ByteSource) {}

  /** The next request head; null when the peer closed cleanly between requests. */
  async head(): Promise<RequestHead | null> {
    for (let scanned = 0;;) {
      const end = headEnd(this.buf, this.start + Math.max(0, scanned - 3), this.end);
      if (end >= 0) {
        const head = parseHead(this.buf.subarray(this.start, end));
        this.start = end;
        this.headSinceMs = undefined;
        return head;
      }
      scanned = this.end - this.start;
      if (scanned >= HEAD_BYTES_MAX) throw new HttpError(431, "ERR request headers too large");
      // The clock starts with a head's first byte: an idle keep-alive connection is not slow.
      if (scanned > 0) this.headSinceMs ??= performance.now();
      if (!(await this.fill())) {
        if (this.end === this.start) return null;
        throw malformed("connection closed mid-head");
      }
    }
  }

  /**
   * A whole body of `n` bytes (at most `SMALL_BODY_BYTES_MAX`), waiting for what has not
   * arrived yet under the same clock as the head; a copy the caller owns.
   */
  async receive(n: number): Promise<Uint8Array<ArrayBuffer>> {
    while (this.end - this.start < n) {
      this.headSinceMs ??= performance.now();
      if (!(await this.fill())) throw this.fail(badBody("connection closed mid-body"));
    }
    this.headSinceMs = undefined;
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }

  /** A chunked body's data, chunk by chunk; trailer fields are read and dropped. */
  async *chunked(beforeRead: () => Promise<void>): AsyncGenerator<Uint8Array> {
    for (;;) {
      const match = CHUNK_SIZE.exec(await this.line(beforeRead));
      if (match === null) throw this.fail(badBody("bad chunk size"));
      const size = parseInt(match[1] as string, 16);
      if (size === 0) break;
      yield* this.fixed(size, beforeRead);
      if ((await this.line(beforeRead)) !== "") {
        throw this.fail(badBody("chunk longer than its size"));
      }
    }
    while ((await this.line(beforeRead)) !== "");
  }

  private fail(e: HttpError): HttpError {
    this.broken = true;
    return e;
  }

  /**
   * A body of `n` bytes as the consumer pulls: what is buffered first, then straight from the
   * socket into new arrays. `beforeRead` runs before each socket read (the interim 100
   * Continue goes there).
   */
  async *fixed(n: number, beforeRead: () => Promise<void>): AsyncGenerator<Uint8Array> {
    let left = n;
    const buffered = Math.min(left, this.end - this.start);
    if (buffered > 0) {
      left -= buffered;
      yield this.buf.slice(this.start, this.start += buffered);
    }
    let spare: Uint8Array | undefined;
    while (left > 0) {
      await beforeRead();
      const piece = spare !== undefined && spare.length <= left
        ? spare
        : new Uint8Array(Math.min(left, PIECE_BYTES));
      spare = undefined;
      const got = await this.conn.read(piece);
      if (got === null) throw this.fail(badBody("connection closed mid-body"));
      left -= got;
      if (got === piece.length) {
        yield piece;
      } else {
        // A short read: hand out a right-sized copy and read into this array again.
        yield piece.slice(0, got);
        spare = piece;
      }
    }
  }

  /** One CRLF-terminated line of a chunked body, without its CRLF. */
  private async line(beforeRead: () => Promise<void>): Promise<string> {
    for (let scanned = 0;;) {
      const at = this.buf.subarray(this.start + scanned, this.end).indexOf(LF);
      if (at >= 0) {
        const lineEnd = this.start + scanned + at;
        if (lineEnd === this.start || this.buf[lineEnd - 1] !== 13) {
          throw this.fail(badBody("bare LF"));
        }
        const text = String.fromCharCode(...this.buf.subarray(this.start, lineEnd - 1));
        this.start = lineEnd + 1;
        return text;
      }
      scanned = this.end - this.start;
      if (scanned > LINE_BYTES_MAX) throw this.fail(badBody("chunk line too long"));
      await beforeRead();
      if (!(await this.fill())) throw this.fail(badBody("connection closed mid-body"));
    }
  }

  /** Reads more bytes into the buffer, making room first; false at end of stream. */
  private async fill(): Promise<boolean> {
    if (this.end === this.buf.length) {
      const kept = this.end - this.start;
      if (this.start === 0) {
        const grown = new Uint8Array(this.buf.length * 2);
        grown.set(this.buf);
        this.buf = grown;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
        this.start = 0;
        this.end = kept;
      }
    }
    const got = await this.conn.read(this.buf.subarray(this.end));
    if (got === null) return false;
    this.end += got;
    return true;
  }
}
