/**
 * Writes a `Response` to an HTTP/1.1 connection: the status line and header fields, then the
 * body under Content-Length. The app's responses are small JSON or text (read whole) or bytes
 * given to `partsResponse`; none streams, so there is no chunked response framing. A response
 * of up to 64 KiB leaves in one write.
 *
 * `partsResponse` exists for tensor bytes: they live in shared memory, which a `Response`
 * refuses as a body, so the response carries no body object and this writer sends the parts
 * from their own storage without a copy. Only this writer sees those bytes.
 */
import { concatBytes, copyBytes } from "../../core/bytes.ts";
import { writeAll } from "../conn_io.ts";

/** Responses up to this size (head and body) are copied into one buffer and written once. */
const ONE_WRITE_BYTES_MAX = 64 * 1024;

const directBodies = new WeakMap<Response, readonly Uint8Array[]>();

/** A response whose body is `parts` back to back (views of shared memory allowed). */
export function partsResponse(parts: readonly Uint8Array[], headers: Headers): Response {
  const response = new Response(null, { headers });
  directBodies.set(response, parts);
  return response;
}

/** The whole body of any response, `partsResponse` ones included (for tests and tools). */
export async function responseBytes(response: Response): Promise<Uint8Array> {
  const parts = directBodies.get(response);
  return parts === undefined ? await response.bytes() : concatBytes(parts);
}

const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
};

/** `HTTP/1.1 100 Continue`, sent before reading a body the client holds back until asked. */
export const CONTINUE = latin1Bytes("HTTP/1.1 100 Continue\r\n\r\n");

let dateSecond = -1;
let dateText = "";

/** The Date header's value, formatted once a second. */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** Header text is ByteString (every code unit below 256): one byte per code unit. */
function latin1Bytes(text: string, out = new Uint8Array(text.length)): Uint8Array {
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export interface WriteOptions {
  /** The request was HEAD: header fields only. */
  readonly head: boolean;
  /** False adds `connection: close` (the caller closes after this response). */
  readonly keepAlive: boolean;
}

/** Writes `response` in full. */
export async function writeResponse(
  conn: Pick<Deno.Conn, "write">,
  response: Response,
  options: WriteOptions,
): Promise<void> {
  const status = response.status;
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\ndate: ${httpDate()}\r\n`;
  let declared: string | undefined;
  for (const [name, value] of response.headers) {
    if (name === "content-length") declared = value;
    else if (name !== "transfer-encoding" && name !== "connection") head += `${name}: ${value}\r\n`;
  }
  if (!options.keepAlive) head += "connection: close\r\n";
  const parts = directBodies.get(response);
  if (options.head || status === 204 || status === 304) {
    const length = declared ?? await bodyLength(response, parts);
    if (length !== undefined && status !== 204 && status !== 304) {
      head += `content-length: ${length}\r\n`;
    }
    return await writeAll(conn, [latin1Bytes(`${head}\r\n`)]);
  }
  await writeSized(conn, head, parts ?? [await response.bytes()]);
}

/** The length a HEAD answer declares: that of the body the GET would send, if it has one. */
async function bodyLength(
  response: Response,
  parts: readonly Uint8Array[] | undefined,
): Promise<string | undefined> {
  if (parts !== undefined) return String(byteLength(parts));
  return response.body === null ? undefined : String((await response.bytes()).length);
}

function byteLength(parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const p of parts) total += p.length;
  return total;
}

/** The body under Content-Length; a small response in one write. */
async function writeSized(
  conn: Pick<Deno.Conn, "write">,
  head: string,
  parts: readonly Uint8Array[],
): Promise<void> {
  const total = byteLength(parts);
  const text = `${head}content-length: ${total}\r\n\r\n`;
  if (text.length + total > ONE_WRITE_BYTES_MAX) {
    return await writeAll(conn, [latin1Bytes(text), ...parts]);
  }
  const out = latin1Bytes(text, new Uint8Array(text.length + total));
  let at = text.length;
  for (const p of parts) {
    copyBytes(out, p, at);
    at += p.length;
  }
  await writeAll(conn, [out]);
}
