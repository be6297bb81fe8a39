/**
 * HTTP/1.1 request heads (RFC 9112): finds the end of a head in received bytes and parses the
 * request line and header fields into a `RequestHead` that also says how the body is framed
 * and whether the connection stays open. It refuses what would make framing ambiguous
 * (obsolete line folding, conflicting Content-Length values, Transfer-Encoding without
 * `chunked` last) with the status RFC 9112 names, so no request can be smuggled past it.
 */
import { HttpError } from "./errors.ts";

export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin form `/path?query`, or absolute form). */
  readonly target: string;
  /** Header fields in arrival order, names lower-cased. */
  readonly headers: [string, string][];
  readonly host: string | undefined;
  /** How the body is framed: a length (0: none) or chunked. */
  readonly body: { readonly kind: "length"; readonly bytes: number } | { readonly kind: "chunked" };
  /** False when the client asked to close or framing requires it (HTTP/1.0, TE with CL). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue`: send an interim 100 before reading the body. */
  readonly expectContinue: boolean;
}

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible bytes, spaces and tabs (no CR, LF or NUL). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^\d+$/;
const latin1 = new TextDecoder("latin1");

/** The index just past the blank line that ends the head in `bytes[from, to)`, or -1. */
export function headEnd(bytes: Uint8Array, from: number, to: number): number {
  const view = bytes.subarray(0, to);
  for (let i = view.indexOf(LF, from); i >= 0; i = view.indexOf(LF, i + 1)) {
    if (i + 2 < to && view[i + 1] === CR && view[i + 2] === LF && view[i - 1] === CR) {
      return i + 3;
    }
  }
  return -1;
}

/** A 400 for a request that breaks HTTP/1.1's syntax, saying how. */
export function malformed(reason: string): HttpError {
  return new HttpError(400, `ERR malformed HTTP request: ${reason}`);
}

/** Parses the head in `bytes` (everything up to and including its blank line). */
export function parseHead(bytes: Uint8Array): RequestHead {
  const lines = latin1.decode(bytes).split("\r\n");
  const [method, target, version, extra] = (lines[0] ?? "").split(" ");
  if (method === undefined || !TOKEN.test(method) || extra !== undefined) {
    throw malformed("bad request line");
  }
  if (target === undefined || target === "" || version === undefined) {
    throw malformed("bad request line");
  }
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    if (/^HTTP\/\d\.\d$/.test(version)) {
      throw new HttpError(505, "ERR HTTP version not supported");
    }
    throw malformed("bad HTTP version");
  }
  const headers: [string, string][] = [];
  // The head ends with an empty line, so the split's last two entries are empty.
  for (let i = 1; i < lines.length - 2; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed("bad header line");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw malformed(`bad header name '${name.slice(0, 64)}'`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) throw malformed(`bad value for header '${name}'`);
    headers.push([name.toLowerCase(), value]);
  }
  return describe(method, target, version === "HTTP/1.1", headers);
}

function describe(
  method: string,
  target: string,
  http11: boolean,
  headers: [string, string][],
): RequestHead {
  let host: string | undefined;
  let hosts = 0;
  let length: string | undefined;
  let codings: string[] | undefined;
  let connection = "";
  let expectContinue = false;
  for (const [name, value] of headers) {
    switch (name) {
      case "host":
        host = value;
        hosts++;
        break;
      case "content-length":
        for (const item of value.split(",")) {
          const n = item.trim();
          if (!DIGITS.test(n) || (length !== undefined && n !== length)) {
            throw malformed("bad Content-Length");
          }
          length = n;
        }
        break;
      case "transfer-encoding":
        codings = [...codings ?? [], ...value.toLowerCase().split(",").map((c) => c.trim())];
        break;
      case "connection":
        connection += `,${value.toLowerCase()}`;
        break;
      case "expect":
        expectContinue = http11 && value.toLowerCase() === "100-continue";
        break;
    }
  }
  if (http11 ? hosts !== 1 : hosts > 1) throw malformed("exactly one Host header is required");
  const tokens = connection.split(",").map((t) => t.trim());
  let keepAlive = http11 ? !tokens.includes("close") : tokens.includes("keep-alive");
  let body: RequestHead["body"];
  if (codings !== undefined) {
    if (codings.at(-1) !== "chunked") throw malformed("Transfer-Encoding must end in chunked");
    if (codings.length > 1) throw new HttpError(501, "ERR unsupported transfer coding");
    body = { kind: "chunked" };
    // With both framings a proxy may have read the body differently: answer, then close.
    if (length !== undefined) keepAlive = false;
  } else {
    const bytes = length === undefined ? 0 : Number(length);
    if (!Number.isSafeInteger(bytes)) throw malformed("bad Content-Length");
    body = { kind: "length", bytes };
  }
  return { method, target, headers, host, body, keepAlive, expectContinue };
}
