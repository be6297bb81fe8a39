/**
 * HTTP errors in one place: the table from `CommandError.kind` to HTTP status, and the JSON
 * error body `{"error": "<Redis-style message>"}` every route answers with. Failures that only
 * HTTP knows (unknown route, body too large, unsupported media type) are `HttpError`s carrying
 * their own status; everything else is a `CommandError` from a handler or from translating the
 * request, and takes its status from the table.
 */
import { CommandError, ErrorKind } from "../../core/errors.ts";

/** The one table from error kind to HTTP status. */
export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  bad_request: 400,
  auth: 401,
  not_found: 404,
  wrong_type: 409,
  busy: 503,
  unavailable: 503,
  timeout: 504,
  oom: 507,
  internal: 500,
};

/** A failure of the HTTP layer itself, with its status (405, 406, 408, 413, 415, 431, ...). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: HeadersInit = {}) {
    super(message);
  }
}

export const httpErrors = {
  notFound: () => new HttpError(404, "ERR no such route"),
  method: (allowed: readonly string[]) =>
    new HttpError(405, "ERR method not allowed", { allow: allowed.join(", ") }),
  tooLarge: (limitBytes: number) =>
    new HttpError(413, `ERR request body exceeds the limit of ${limitBytes} bytes`),
  mediaType: (type: string, accepted: readonly string[]) =>
    new HttpError(415, `ERR unsupported content type '${type}' (use ${accepted.join(", ")})`),
  contentCoding: (coding: string) =>
    new HttpError(
      415,
      `ERR unsupported content coding '${coding}' (use gzip, deflate or identity)`,
    ),
  badCoding: (coding: string) => new HttpError(400, `ERR the request body is not valid ${coding}`),
  notAcceptable: (accepted: readonly string[]) =>
    new HttpError(406, `ERR cannot produce the requested type (use ${accepted.join(", ")})`),
  slowClient: () => new HttpError(408, "ERR timed out waiting for the request body"),
  unauthorized: () =>
    new HttpError(401, "ERR authentication required", { "www-authenticate": "Bearer" }),
} as const;

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** The response for any thrown value; unexpected exceptions are logged and answered 500. */
export function errorResponse(e: unknown): Response {
  if (e instanceof HttpError) return jsonResponse({ error: e.message }, e.status, e.headers);
  if (e instanceof CommandError) return jsonResponse({ error: e.message }, STATUS_BY_KIND[e.kind]);
  console.error("inferdb: internal error in an HTTP route:", e);
  return jsonResponse({ error: "ERR internal error" }, 500);
}
