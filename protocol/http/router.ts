/**
 * Routes as data: a method, a path pattern (`/tensors/:key`; `:name` segments capture) and a
 * handler. Captured segments are percent-decoded to raw bytes, so any binary key can be named
 * in a URL (`%00`, `%FF` and `%2F` for a slash inside a key all work). HEAD is answered by the
 * GET route (the writer sends its headers only), as RFC 9110 asks of every GET resource.
 */
import type { ServerState } from "../../core/server_state.ts";
import type { BodyLimits } from "./body.ts";
import type { Caller } from "./call.ts";
import { assert } from "../../core/errors.ts";
import { httpErrors } from "./errors.ts";
import type { HttpRequest } from "./http_request.ts";

export interface RequestContext extends Caller {
  readonly req: HttpRequest;
  readonly url: URL;
  /** Captured path segments, percent-decoded to bytes. */
  readonly params: ReadonlyMap<string, Uint8Array>;
  readonly limits: BodyLimits;
  readonly server: ServerState;
}

export type RouteHandler = (ctx: RequestContext) => Response | Promise<Response>;

export interface Route {
  readonly method: "GET" | "PUT" | "POST" | "DELETE";
  readonly path: string;
  readonly handler: RouteHandler;
  /** Answered without the bearer token (liveness probes). */
  readonly public?: boolean;
}

export interface Match {
  readonly route: Route;
  readonly params: ReadonlyMap<string, Uint8Array>;
}

/** Routes with their patterns split once, ready for `matchRoute`. */
export interface RouteTable {
  readonly entries: readonly { readonly route: Route; readonly parts: readonly string[] }[];
}

export function routeTable(routes: readonly Route[]): RouteTable {
  return { entries: routes.map((route) => ({ route, parts: route.path.split("/") })) };
}

/** Finds the route for a method and raw (still percent-encoded) path; 404 or 405 otherwise. */
export function matchRoute(table: RouteTable, method: string, path: string): Match {
  const segments = path.split("/");
  const wanted = method === "HEAD" ? "GET" : method;
  const allowed: string[] = [];
  for (const { route, parts } of table.entries) {
    const params = matchPath(parts, segments);
    if (params === undefined) continue;
    if (route.method === wanted) return { route, params };
    allowed.push(route.method);
    if (route.method === "GET") allowed.push("HEAD");
  }
  if (allowed.length === 0) throw httpErrors.notFound();
  throw httpErrors.method(allowed);
}

function matchPath(
  parts: readonly string[],
  segments: readonly string[],
): ReadonlyMap<string, Uint8Array> | undefined {
  if (parts.length !== segments.length) return undefined;
  let params: Map<string, Uint8Array> | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      (params ??= new Map()).set(part.slice(1), percentDecode(segment));
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params ?? NO_PARAMS;
}

const NO_PARAMS: ReadonlyMap<string, Uint8Array> = new Map();

/** Decodes `%XX` escapes to bytes; other characters are taken as UTF-8. */
export function percentDecode(segment: string): Uint8Array {
  const utf8 = new TextEncoder().encode(segment);
  const out = new Uint8Array(utf8.length);
  let n = 0;
  for (let i = 0; i < utf8.length; i++) {
    const b = utf8[i] as number;
    if (b === 0x25 && i + 2 < utf8.length && isHex(utf8[i + 1]) && isHex(utf8[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(utf8[i + 1] as number, utf8[i + 2] as number), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

function isHex(b: number | undefined): boolean {
  return b !== undefined &&
    ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** The captured segment `name` (the pattern guarantees it exists). */
export function param(ctx: RequestContext, name: string): Uint8Array {
  const value = ctx.params.get(name);
  assert(value !== undefined, `route has no parameter '${name}'`);
  return value;
}
