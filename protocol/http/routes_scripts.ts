/**
 * Script and DAG routes: `PUT /scripts/{key}` (AI.SCRIPTSTORE with `?entry_points=a,b`, or
 * AI.SCRIPTSET without; the body is the source), `GET /scripts/{key}` (AI.SCRIPTGET as JSON),
 * `DELETE`, `POST /scripts/{key}/execute` (AI.SCRIPTEXECUTE over keys or inline tensors) and
 * `POST /dag` (AI.DAGEXECUTE from a JSON description; the reply per op comes back as JSON).
 */
import { CommandError } from "../../core/errors.ts";
import { readBody, readJson } from "./body.ts";
import { Arg, callOk } from "./call.ts";
import { jsonResponse } from "./errors.ts";
import { parseInputList, parseKeyList, runWithTensors } from "./execute.ts";
import { jsonBytes, jsonToArg, replyToJson } from "./reply_json.ts";
import { param, RequestContext, Route } from "./router.ts";
import { outputsResponse, pairsToObject, readExecuteBody } from "./routes_models.ts";
import { tensorToJson } from "./tensor_forms.ts";

async function putScript(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const key = param(ctx, "key");
  const device = q.get("device") ?? "CPU";
  const tag = q.get("tag");
  const entryPoints = (q.get("entry_points") ?? "").split(",").filter((n) => n !== "");
  const args: Arg[] = [entryPoints.length > 0 ? "AI.SCRIPTSTORE" : "AI.SCRIPTSET", key, device];
  if (tag !== null) args.push("TAG", tag);
  if (entryPoints.length > 0) {
    args.push("ENTRY_POINTS", String(entryPoints.length), ...entryPoints);
  }
  args.push("SOURCE", await readBody(ctx.req, ctx.limits));
  return jsonResponse(replyToJson(await callOk(ctx, args)));
}

async function getScript(ctx: RequestContext): Promise<Response> {
  const reply = await callOk(ctx, ["AI.SCRIPTGET", param(ctx, "key"), "META", "SOURCE"]);
  return jsonResponse(pairsToObject(reply));
}

async function deleteScript(ctx: RequestContext): Promise<Response> {
  await callOk(ctx, ["AI.SCRIPTDEL", param(ctx, "key")]);
  return new Response(null, { status: 204 });
}

/** `KEYWORD n items...` when `items` is non-empty. */
function scope(keyword: string, items: readonly Arg[]): Arg[] {
  return items.length === 0 ? [] : [keyword, String(items.length), ...items];
}

async function executeScript(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "key");
  const { fields, timeout, returnOutputs } = await readExecuteBody(ctx);
  if (typeof fields.function !== "string") {
    throw new CommandError('ERR "function" must name the script function to run');
  }
  const fn = fields.function;
  // The script is looked up first, as AI.SCRIPTEXECUTE does (a DAG would check LOAD keys first).
  await callOk(ctx, ["AI.SCRIPTGET", key, "META"]);
  const keys = fields.keys === undefined ? [] : parseKeyList(fields.keys, "keys");
  const args = fields.args === undefined ? [] : parseKeyList(fields.args, "args");
  const inputs = fields.inputs === undefined ? [] : parseInputList(fields.inputs);
  const outputs = typeof fields.outputs === "number"
    ? fields.outputs
    : fields.outputs === undefined
    ? []
    : parseKeyList(fields.outputs, "outputs");
  const results = await runWithTensors(ctx, {
    routing: key,
    inputs,
    outputs,
    returnOutputs,
    timeout,
    readOnlyOp: false,
    op: (ins, outs) => [
      "AI.SCRIPTEXECUTE",
      key,
      fn,
      ...scope("KEYS", keys),
      ...scope("INPUTS", ins),
      ...scope("ARGS", args),
      ...scope("OUTPUTS", outs),
    ],
  });
  if (typeof outputs !== "number" && !returnOutputs) return jsonResponse("OK");
  const names = typeof outputs === "number" ? [] : outputs.map(jsonBytes);
  return outputsResponse(names, results.map((t) => t && tensorToJson(t)));
}

/**
 * `{"load": [...], "persist": [...], "routing": key, "timeout": ms, "readonly": bool,
 * "ops": [["AI.TENSORSET", ...], ["AI.MODELEXECUTE", ...], ...]}` → AI.DAGEXECUTE[_RO].
 */
async function executeDag(ctx: RequestContext): Promise<Response> {
  const body = await readJson(ctx.req, ctx.limits);
  if (
    typeof body !== "object" || body === null || !Array.isArray((body as { ops?: unknown }).ops)
  ) {
    throw new CommandError('ERR the body must be a JSON object like {"ops": [[...], ...]}');
  }
  const dag = body as Record<string, unknown> & { ops: unknown[] };
  const args: Arg[] = [dag.readonly === true ? "AI.DAGEXECUTE_RO" : "AI.DAGEXECUTE"];
  if (dag.load !== undefined) args.push(...scope("LOAD", parseKeyList(dag.load, "load")));
  if (dag.persist !== undefined) {
    args.push(...scope("PERSIST", parseKeyList(dag.persist, "persist")));
  }
  if (dag.routing !== undefined) args.push("ROUTING", jsonToArg(dag.routing));
  if (dag.timeout !== undefined) args.push("TIMEOUT", jsonToArg(dag.timeout));
  for (const op of dag.ops) {
    if (!Array.isArray(op)) throw new CommandError("ERR each DAG op must be a JSON array");
    args.push("|>", ...op.map(jsonToArg));
  }
  return jsonResponse(replyToJson(await callOk(ctx, args)));
}

export const scriptRoutes: readonly Route[] = [
  { method: "PUT", path: "/scripts/:key", handler: putScript },
  { method: "GET", path: "/scripts/:key", handler: getScript },
  { method: "DELETE", path: "/scripts/:key", handler: deleteScript },
  { method: "POST", path: "/scripts/:key/execute", handler: executeScript },
  { method: "POST", path: "/dag", handler: executeDag },
];
