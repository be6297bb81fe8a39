/**
 * The HTTP listener: HTTP/1.1 over plain TCP, serving the HTTP app (an `(HttpRequest) => Response`
 * function) on the configured bind address and port. It owns the sockets and the framing:
 * keep-alive, pipelined requests answered in order, `Expect: 100-continue`, chunked request
 * bodies, a cap on head size, and a limit on how long a client may stall (sending a request
 * head, or taking none of a response). Routes, auth and body limits live in the app.
 *
 * Why not `Deno.serve`: serving mnist inference through it cost the server twice the CPU of the
 * same work over RESP, half of it in the HTTP machinery; this loop costs about what the RESP
 * reader does, and writes a tensor of any size straight from its storage.
 */
import type { ServerState } from "../../core/server_state.ts";
import { acceptEach, closeQuietly, isDisconnect, writeAll } from "../conn_io.ts";
import { HttpApp, httpApp, HttpAppOptions } from "./app.ts";
import { errorResponse, HttpError } from "./errors.ts";
import { malformed, type RequestHead } from "./http1_head.ts";
import { Http1Input, SMALL_BODY_BYTES_MAX } from "./http1_input.ts";
import { CONTINUE, writeResponse } from "./http1_response.ts";
import { IncomingRequest } from "./http_request.ts";

/**
 * Default longest a client may stall (then its connection closes): sending a request head or
 * small body once begun, or taking none of a response's bytes.
 */
const STALL_MS_MAX = 30_000;

export interface HttpListenOptions extends HttpAppOptions {
  readonly hostname: string;
  /** 0 binds a free port. */
  readonly port: number;
  /** Longest a client may stall sending a request head (or small body) or reading a response. */
  readonly stallMsMax?: number;
}

/** What the server tracks per connection. */
interface Connection {
  readonly input: Http1Input;
  /** Writes to the socket, noting when a write has been waiting (`writeSinceMs`). */
  readonly output: Pick<Deno.Conn, "write">;
  /** When the write in progress began; undefined when none is. */
  writeSinceMs: number | undefined;
  /** True while a request is being answered; `close()` waits for those. */
  busy: boolean;
}

export class HttpServer {
  private readonly listener: Deno.TcpListener;
  private readonly app: HttpApp;
  private readonly conns = new Map<Deno.TcpConn, Connection>();
  private readonly served = new Set<Promise<void>>();
  private readonly stallTimer: ReturnType<typeof setInterval>;
  private closing = false;
  private readonly accepting: Promise<void>;

  constructor(state: ServerState, options: HttpListenOptions) {
    this.app = httpApp(state, options);
    this.listener = Deno.listen({ hostname: options.hostname, port: options.port });
    const stallMs = options.stallMsMax ?? STALL_MS_MAX;
    this.stallTimer = setInterval(() => this.closeStalled(stallMs), Math.min(1000, stallMs / 4));
    this.accepting = this.accept();
  }

  /** The bound port. */
  get port(): number {
    return this.listener.addr.port;
  }

  /**
   * Stops listening, closes connections that are idle or still sending a request head (or a
   * small body), and waits for the requests being answered to finish.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.listener.close();
    await this.accepting;
    for (const [conn, { busy, input }] of this.conns) {
      if (!busy || input.headSinceMs !== undefined) closeQuietly(conn);
    }
    await Promise.all(this.served);
    clearInterval(this.stallTimer);
    this.app.close();
  }

  private accept(): Promise<void> {
    return acceptEach(this.listener, (conn) => {
      const served = this.serve(conn);
      this.served.add(served);
      served.finally(() => this.served.delete(served));
    });
  }

  private closeStalled(stallMs: number): void {
    const limitMs = performance.now() - stallMs;
    for (const [conn, { input, writeSinceMs }] of this.conns) {
      const sinceMs = Math.min(input.headSinceMs ?? Infinity, writeSinceMs ?? Infinity);
      if (sinceMs < limitMs) closeQuietly(conn);
    }
  }

  /** Answers requests on `conn` one after another until either side closes. */
  private async serve(conn: Deno.TcpConn): Promise<void> {
    conn.setNoDelay(true);
    const state: Connection = {
      input: new Http1Input(conn),
      output: {
        write: async (bytes) => {
          state.writeSinceMs = performance.now();
          try {
            return await conn.write(bytes);
          } finally {
            state.writeSinceMs = undefined;
          }
        },
      },
      writeSinceMs: undefined,
      busy: false,
    };
    this.conns.set(conn, state);
    try {
      while (!this.closing) {
        let head: RequestHead | null;
        try {
          head = await state.input.head();
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
          await writeResponse(state.output, errorResponse(e), { head: false, keepAlive: false });
          break;
        }
        if (head === null) break;
        state.busy = true;
        const keepAlive = await this.answer(conn, state, head);
        state.busy = false;
        if (!keepAlive) break;
      }
    } catch (e) {
      if (!isDisconnect(e)) console.error("inferdb: HTTP connection error:", e);
    } finally {
      this.conns.delete(conn);
      closeQuietly(conn);
    }
  }

  /** Runs one request through the app and writes its response; false: close the connection. */
  private async answer(conn: Deno.TcpConn, state: Connection, head: RequestHead): Promise<boolean> {
    const { input, output } = state;
    let request: IncomingRequest;
    let bodyDone = true;
    try {
      const url = requestUrl(head, conn.localAddr);
      const { body } = head;
      let payload: Uint8Array | ReadableStream<Uint8Array> | null = null;
      if (body.kind === "length" && body.bytes > 0 && body.bytes <= SMALL_BODY_BYTES_MAX) {
        if (head.expectContinue) await writeAll(output, [CONTINUE]);
        payload = await input.receive(body.bytes);
      } else if (body.kind === "chunked" || body.bytes > 0) {
        let continued = !head.expectContinue;
        const beforeRead = async (): Promise<void> => {
          if (continued) return;
          continued = true;
          await writeAll(output, [CONTINUE]);
        };
        bodyDone = false;
        const chunks = body.kind === "chunked"
          ? input.chunked(beforeRead)
          : input.fixed(body.bytes, beforeRead);
        payload = ReadableStream.from(finishing(chunks, () => bodyDone = true));
      }
      request = new IncomingRequest(head.method, url, head.headers, payload);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      await writeResponse(output, errorResponse(e), { head: false, keepAlive: false });
      return false;
    }
    const response = await this.app(request, { remoteAddr: conn.remoteAddr });
    // A body left unread (a refused upload) or misframed leaves the stream unusable.
    const keepAlive = head.keepAlive && bodyDone && !input.broken && !this.closing;
    await writeResponse(output, response, { head: head.method === "HEAD", keepAlive });
    return keepAlive;
  }
}

/** Yields `chunks`, then calls `done` once they are all read. */
async function* finishing(
  chunks: AsyncIterable<Uint8Array>,
  done: () => void,
): AsyncGenerator<Uint8Array> {
  yield* chunks;
  done();
}

/** The request's absolute URL: the target under the Host header (or our address). */
function requestUrl(head: RequestHead, local: Deno.Addr): string {
  const addr = local as Deno.NetAddr;
  const url = head.target.startsWith("/")
    ? `http://${head.host ?? `${addr.hostname}:${addr.port}`}${head.target}`
    : head.target;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw malformed("bad request target");
  }
  return url;
}
