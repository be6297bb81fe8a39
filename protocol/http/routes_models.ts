/**
 * Model routes: `PUT /models/{key}` (AI.MODELSTORE; options in the query string, the model
 * bytes as the body, read under the bulk limit), `GET /models/{key}` (AI.MODELGET META as a
 * JSON object, or `?blob=1` for the stored bytes), `DELETE` (AI.MODELDEL) and
 * `POST /models/{key}/execute` (AI.MODELEXECUTE over keys or inline tensors, outputs stored
 * or returned inline).
 */
import { CommandError } from "../../core/errors.ts";
import type { Reply } from "../../core/reply.ts";
import { readBody, readJson } from "./body.ts";
import { Arg, Caller, callOk } from "./call.ts";
import { jsonResponse } from "./errors.ts";
import { partsResponse } from "./http1_response.ts";
import { parseInputList, parseKeyList, RunPlan, runWithTensors } from "./execute.ts";
import { jsonBytes, jsonToArg, JsonValue, replyToJson } from "./reply_json.ts";
import { param, RequestContext, Route } from "./router.ts";
import { tensorToJson } from "./tensor_forms.ts";

/** Query options of `PUT /models/{key}`, in AI.MODELSTORE's order. */
const STORE_OPTIONS = [
  ["tag", "TAG"],
  ["batchsize", "BATCHSIZE"],
  ["minbatchsize", "MINBATCHSIZE"],
  ["minbatchtimeout", "MINBATCHTIMEOUT"],
] as const;

async function putModel(ctx: RequestContext): Promise<Response> {
  const q = ctx.url.searchParams;
  const args: Arg[] = [
    "AI.MODELSTORE",
    param(ctx, "key"),
    q.get("backend") ?? "ONNX",
    q.get("device") ?? "CPU",
  ];
  for (const [name, keyword] of STORE_OPTIONS) {
    const value = q.get(name);
    if (value !== null) args.push(keyword, value);
  }
  for (const [name, keyword] of [["inputs", "INPUTS"], ["outputs", "OUTPUTS"]] as const) {
    const list = q.get(name);
    if (list === null) continue;
    const names = list.split(",").filter((n) => n !== "");
    args.push(keyword, String(names.length), ...names);
  }
  args.push("BLOB", await readBody(ctx.req, ctx.limits));
  return jsonResponse(replyToJson(await callOk(ctx, args)));
}

/** A flat `name, value, name, value...` reply as an object. */
export function pairsToObject(reply: Reply): Record<string, JsonValue> {
  const items = Array.isArray(reply) ? reply as readonly Reply[] : [];
  const out: Record<string, JsonValue> = {};
  for (let i = 0; i + 1 < items.length; i += 2) {
    out[String(replyToJson(items[i] as Reply))] = replyToJson(items[i + 1] as Reply);
  }
  return out;
}

/** AI.MODELGET META as an object (backend, device, tag, batch sizes, inputs, outputs). */
export async function modelMeta(caller: Caller, key: Arg): Promise<Record<string, JsonValue>> {
  return pairsToObject(await callOk(caller, ["AI.MODELGET", key, "META"]));
}

async function getModel(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "key");
  const blob = ctx.url.searchParams.get("blob");
  if (blob === null || blob === "0" || blob === "false") {
    return jsonResponse(await modelMeta(ctx, key));
  }
  const reply = await callOk(ctx, ["AI.MODELGET", key, "BLOB"]);
  const chunks = Array.isArray(reply) ? reply as readonly Reply[] : [reply];
  const parts = chunks.filter((c): c is Uint8Array => c instanceof Uint8Array);
  return partsResponse(parts, new Headers({ "content-type": "application/octet-stream" }));
}

async function deleteModel(ctx: RequestContext): Promise<Response> {
  await callOk(ctx, ["AI.MODELDEL", param(ctx, "key")]);
  return new Response(null, { status: 204 });
}

/** Fields of an execute body: inputs, outputs, timeout and whether to return outputs. */
export interface ExecuteBody {
  readonly fields: Record<string, unknown>;
  readonly timeout: Arg | undefined;
  readonly returnOutputs: boolean;
}

export async function readExecuteBody(ctx: RequestContext): Promise<ExecuteBody> {
  const body = await readJson(ctx.req, ctx.limits);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CommandError('ERR the body must be a JSON object like {"inputs": [...]}');
  }
  const fields = body as Record<string, unknown>;
  const timeout = fields.timeout === undefined ? undefined : jsonToArg(fields.timeout);
  const returnOutputs = fields.return === true || ctx.url.searchParams.get("return") === "1";
  return { fields, timeout, returnOutputs };
}

/** The output tensors of a run, each named, as `{"outputs": [{name, dtype, shape, values}]}`. */
export function outputsResponse(
  names: readonly JsonValue[],
  outputs: readonly (ReturnType<typeof tensorToJson> | undefined)[],
): Response {
  return jsonResponse({
    outputs: outputs.flatMap((t, i) => t === undefined ? [] : [{ name: names[i] ?? null, ...t }]),
  });
}

/** The AI.MODELEXECUTE op of a run plan for the model at `key`. */
export function modelExecuteOp(key: Uint8Array): RunPlan["op"] {
  return (ins, outs) => [
    "AI.MODELEXECUTE",
    key,
    "INPUTS",
    String(ins.length),
    ...ins,
    "OUTPUTS",
    String(outs.length),
    ...outs,
  ];
}

async function executeModel(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "key");
  const { fields, timeout, returnOutputs } = await readExecuteBody(ctx);
  const inputs = parseInputList(fields.inputs);
  // The model is looked up first, as AI.MODELEXECUTE does (a DAG would check LOAD keys first).
  const meta = await modelMeta(ctx, key);
  const modelOutputs = Array.isArray(meta.outputs) ? meta.outputs : [];
  const outputs = fields.outputs === undefined
    ? modelOutputs.length
    : parseKeyList(fields.outputs, "outputs");
  const results = await runWithTensors(ctx, {
    routing: key,
    inputs,
    outputs,
    returnOutputs,
    timeout,
    readOnlyOp: true,
    op: modelExecuteOp(key),
  });
  if (typeof outputs !== "number" && !returnOutputs) return jsonResponse("OK");
  const names = typeof outputs === "number" ? modelOutputs : outputs.map(jsonBytes);
  return outputsResponse(names, results.map((t) => t && tensorToJson(t)));
}

export const modelRoutes: readonly Route[] = [
  { method: "PUT", path: "/models/:key", handler: putModel },
  { method: "GET", path: "/models/:key", handler: getModel },
  { method: "DELETE", path: "/models/:key", handler: deleteModel },
  { method: "POST", path: "/models/:key/execute", handler: executeModel },
];
