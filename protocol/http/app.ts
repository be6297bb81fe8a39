/**
 * The HTTP app: a plain `(HttpRequest) => Promise<Response>` function (a `Request` is one) over the route tables. It
 * enforces the request limits (URL and header size; body limits are applied as routes read
 * their bodies), checks `Authorization: Bearer <requirepass>` exactly as RESP requires AUTH (a
 * 401 that says nothing about why), gives the request its own synthetic client, and turns
 * anything thrown into a JSON error with the status from the one error table.
 */
import { LatencyHistogram } from "../../core/latency_histogram.ts";
import type { ServerState } from "../../core/server_state.ts";
import { StallWatch } from "./body.ts";
import type { HttpRequest } from "./http_request.ts";
import { callOk, httpClient, releaseClient } from "./call.ts";
import { errorResponse, HttpError, httpErrors } from "./errors.ts";
import { matchRoute, routeTable } from "./router.ts";
import { commandRoutes } from "./routes_command.ts";
import { kserveRoutes } from "./routes_kserve.ts";
import { metricsRoutes } from "./routes_metrics.ts";
import { modelRoutes } from "./routes_models.ts";
import { scriptRoutes } from "./routes_scripts.ts";
import { tensorRoutes } from "./routes_tensors.ts";

/** Longest request target accepted (414 beyond). */
const URL_BYTES_MAX = 8 * 1024;
/** Most header bytes (names and values) accepted (431 beyond). */
const HEADER_BYTES_MAX = 32 * 1024;
/** Default longest pause between two chunks of a request body (408 beyond). */
const BODY_IDLE_MS = 30_000;

export interface HttpAppOptions {
  /** Longest pause between body chunks before the request is answered 408. */
  readonly bodyIdleMs?: number;
}

/** Requests served, by route and status, with latencies per route: `/metrics` shows them. */
export class HttpStats {
  /** `METHOD path-pattern status` → count. */
  readonly requests = new Map<string, number>();
  readonly latency = new Map<string, LatencyHistogram>();
  inFlight = 0;

  record(route: string, status: number, durationUs: number): void {
    const key = `${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (h === undefined) this.latency.set(route, h = new LatencyHistogram());
    h.observe(durationUs);
  }
}

/** Where the request came from (the connection's peer). */
export interface ConnInfo {
  readonly remoteAddr: Deno.Addr;
}

/** The app: a plain request handler, plus `close()` to stop its body-stall timer. */
export type HttpApp = ((req: HttpRequest, info?: ConnInfo) => Promise<Response>) & {
  close(): void;
};

/** Builds the app for `server`; `stats` collects per-route counters for `/metrics`. */
export function httpApp(
  server: ServerState,
  options: HttpAppOptions = {},
  stats: HttpStats = new HttpStats(),
): HttpApp {
  const routes = routeTable([
    ...commandRoutes,
    ...metricsRoutes(stats),
    ...tensorRoutes,
    ...modelRoutes,
    ...scriptRoutes,
    ...kserveRoutes,
  ]);
  const stalls = new StallWatch(options.bodyIdleMs ?? BODY_IDLE_MS);
  const handler = async (req: HttpRequest, info?: ConnInfo): Promise<Response> => {
    const startMs = performance.now();
    stats.inFlight++;
    let routeName = "unmatched";
    let response: Response;
    try {
      checkLimits(req);
      const url = new URL(req.url);
      const { route, params } = matchRoute(routes, req.method, url.pathname);
      routeName = `${route.method} ${route.path}`;
      if (!route.public && !authorized(req, server.config.requirepass)) {
        throw httpErrors.unauthorized();
      }
      const client = httpClient(server, addrText(info?.remoteAddr), "http");
      const caller = { server, client };
      try {
        const db = url.searchParams.get("db");
        if (db !== null) await callOk(caller, ["SELECT", db]);
        const limits = { bytesMax: server.config["proto-max-bulk-len"], stalls };
        response = await route.handler({ ...caller, req, url, params, limits });
        // As on RESP: no answer leaves before the writes it acknowledges are durable.
        await server.persistence?.durable();
      } finally {
        releaseClient(server, client);
      }
    } catch (e) {
      response = errorResponse(e);
    } finally {
      stats.inFlight--;
    }
    stats.record(routeName, response.status, Math.round((performance.now() - startMs) * 1000));
    return response;
  };
  return Object.assign(handler, { close: () => stalls.close() });
}

function checkLimits(req: HttpRequest): void {
  if (req.url.length > URL_BYTES_MAX) throw new HttpError(414, "ERR request URL too long");
  let headerBytes = 0;
  for (const [name, value] of req.headers) headerBytes += name.length + value.length + 4;
  if (headerBytes > HEADER_BYTES_MAX) {
    throw new HttpError(431, "ERR request headers too large");
  }
}

const encoder = new TextEncoder();

/** True when no password is set, or the bearer token equals it (compared in constant time). */
function authorized(req: HttpRequest, password: string): boolean {
  if (password === "") return true;
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer (.*)$/i.exec(header);
  if (match === null) return false;
  const given = encoder.encode(match[1]);
  const wanted = encoder.encode(password);
  let diff = given.length ^ wanted.length;
  for (let i = 0; i < wanted.length; i++) diff |= (given[i] ?? 0) ^ (wanted[i] as number);
  return diff === 0;
}

function addrText(addr: Deno.Addr | undefined): string {
  if (addr === undefined || addr.transport !== "tcp") return "http";
  return `${addr.hostname}:${addr.port}`;
}
