/**
 * Generic routes: `POST /command` runs any command given as a JSON array of arguments (or a
 * pipeline: an array of such arrays, run in order on one client, so MULTI/EXEC works inside one
 * request) and answers its reply as JSON; `GET /keys` pages through the keyspace with SCAN;
 * `GET /healthz` answers while the server runs.
 */
import { CommandError } from "../../core/errors.ts";
import type { Reply } from "../../core/reply.ts";
import { readJson } from "./body.ts";
import { call, callOk } from "./call.ts";
import { jsonResponse, STATUS_BY_KIND } from "./errors.ts";
import { jsonToArg, replyToJson } from "./reply_json.ts";
import type { RequestContext, Route } from "./router.ts";

/** Most commands one pipelined `POST /command` may carry. */
const PIPELINE_COMMANDS_MAX = 10_000;

async function runCommand(ctx: RequestContext): Promise<Response> {
  const body = await readJson(ctx.req, ctx.limits);
  if (!Array.isArray(body) || body.length === 0) {
    throw new CommandError("ERR the body must be a JSON array of command arguments");
  }
  if (!body.every(Array.isArray)) {
    const reply = await call(ctx, body.map(jsonToArg));
    const status = reply instanceof CommandError ? STATUS_BY_KIND[reply.kind] : 200;
    return jsonResponse(replyToJson(reply), status);
  }
  if (body.length > PIPELINE_COMMANDS_MAX) {
    throw new CommandError(`ERR at most ${PIPELINE_COMMANDS_MAX} commands per request`);
  }
  const commands = (body as unknown[][]).map((args) => args.map(jsonToArg));
  const replies: Reply[] = [];
  for (const args of commands) replies.push(await call(ctx, args));
  return jsonResponse(replies.map(replyToJson));
}

async function listKeys(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const args = ["SCAN", q.get("cursor") ?? "0"];
  for (const [name, option] of [["match", "MATCH"], ["type", "TYPE"], ["count", "COUNT"]]) {
    const value = q.get(name as string);
    if (value !== null && value !== "") args.push(option as string, value);
  }
  const reply = await callOk(ctx, args);
  const [cursor, keys] = Array.isArray(reply) ? reply : [];
  return jsonResponse({
    cursor: replyToJson(cursor as Reply),
    keys: replyToJson((keys ?? []) as Reply),
  });
}

export const commandRoutes: readonly Route[] = [
  { method: "POST", path: "/command", handler: runCommand },
  { method: "GET", path: "/keys", handler: listKeys },
  { method: "GET", path: "/healthz", handler: () => jsonResponse({ status: "ok" }), public: true },
];
