/**
 * KServe v2 / Open Inference Protocol routes. Model names are inferdb model keys; a model's
 * inputs and outputs come from AI.MODELGET META; inference is AI.MODELEXECUTE through
 * `dispatch` inside a read-only DAG (same run queues, batching and stats as RESP) with the
 * request's tensors as inline inputs. Versions in URLs are accepted and ignored: a key holds one model.
 */
import type { TensorSpec } from "../../backends/backend.ts";
import { CommandError } from "../../core/errors.ts";
import { bytesToKey } from "../../core/keys.ts";
import { readBody } from "./body.ts";
import { jsonResponse } from "./errors.ts";
import { runWithTensors } from "./execute.ts";
import { datatypeOf, inferResponse, parseInferRequest, RequestedOutput } from "./kserve_codec.ts";
import type { JsonValue } from "./reply_json.ts";
import { param, RequestContext, Route, RouteHandler } from "./router.ts";
import { modelExecuteOp, modelMeta } from "./routes_models.ts";
import { INFERDB_VERSION } from "../../core/version.ts";

/** The server version `GET /v2` reports. */

const PLATFORMS: Readonly<Record<string, string>> = {
  ONNX: "onnxruntime_onnx",
  TORCH: "pytorch_libtorch",
  TF: "tensorflow_graphdef",
  TFLITE: "tensorflow_lite",
};

const decoder = new TextDecoder();

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A tensor spec as v2 metadata: dynamic dims are -1, unknown types and shapes left out. */
function tensorMetadata(spec: TensorSpec): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { name: spec.name };
  if (spec.dtype !== undefined) out.datatype = datatypeOf(spec.dtype);
  if (spec.shape !== undefined) out.shape = spec.shape.map((d) => d ?? -1);
  return out;
}

/**
 * `GET /v2/models/{name}`: AI.MODELGET META (through dispatch: auth, errors, stats), plus the
 * input and output types and shapes, which only the loaded session knows (read, not changed).
 */
async function modelMetadata(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "name");
  const meta = await modelMeta(ctx, key);
  const entry = ctx.server.keyspace.db(ctx.client.dbIndex).getTyped(bytesToKey(key), "model");
  const specs = (list: unknown, loaded: readonly TensorSpec[] | undefined) =>
    names(list).map((name, i) =>
      tensorMetadata(loaded?.[i] ?? { name, dtype: undefined, shape: undefined })
    );
  return jsonResponse({
    name: decoder.decode(key),
    versions: ["1"],
    platform: PLATFORMS[String(meta.backend)] ?? String(meta.backend),
    inputs: specs(meta.inputs, entry?.value.loaded.inputs),
    outputs: specs(meta.outputs, entry?.value.loaded.outputs),
  });
}

async function modelReady(ctx: RequestContext): Promise<Response> {
  await modelMeta(ctx, param(ctx, "name"));
  return jsonResponse({ name: decoder.decode(param(ctx, "name")), ready: true });
}

/** Puts request inputs in the model's input order (by name; by position if names are blank). */
function orderInputs<T extends { name: string }>(given: readonly T[], expected: string[]): T[] {
  if (given.length !== expected.length) {
    throw new CommandError(`ERR expected ${expected.length} inputs but got ${given.length}`);
  }
  if (expected.every((n) => n === "")) return [...given];
  return expected.map((name) => {
    const input = given.find((g) => g.name === name);
    if (input === undefined) {
      throw new CommandError(
        `ERR the model expects input '${name}'; given: ${given.map((g) => g.name).join(", ")}`,
      );
    }
    return input;
  });
}

async function infer(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "name");
  const headerBytes = ctx.req.headers.get("inference-header-content-length");
  const body = await readBody(ctx.req, ctx.limits);
  const request = parseInferRequest(body, headerBytes === null ? undefined : Number(headerBytes));
  const meta = await modelMeta(ctx, key);
  const outputNames = names(meta.outputs);
  const inputs = orderInputs(request.inputs, names(meta.inputs));
  const wanted: readonly RequestedOutput[] = request.outputs ??
    outputNames.map((name) => ({ name, binary: request.binaryOutputs }));
  const indexes = wanted.map(({ name }) => {
    const i = outputNames.indexOf(name);
    if (i < 0) throw new CommandError(`ERR the model has no output '${name}'`);
    return i;
  });
  const results = await runWithTensors(ctx, {
    routing: key,
    inputs: inputs.map(({ tensor }) => ({ tensor })),
    outputs: outputNames.length,
    returnOutputs: true,
    timeout: undefined,
    readOnlyOp: true,
    op: modelExecuteOp(key),
  });
  // An output that is not a tensor (an ONNX-ML ZipMap sequence) is left out, as AI.MODELEXECUTE
  // leaves it unstored, unless the request names it.
  const outputs = wanted.flatMap(({ name, binary }, j) => {
    const tensor = results[indexes[j] as number];
    if (tensor !== undefined) return [{ name, binary, tensor }];
    if (request.outputs === undefined) return [];
    throw new CommandError(`ERR the model's output '${name}' is not a tensor`);
  });
  return inferResponse(decoder.decode(key), request.id, outputs);
}

/** The route at `/v2/models/{name}...` and `/v2/models/{name}/versions/{version}...`. */
function modelRoute(method: Route["method"], suffix: string, handler: RouteHandler): Route[] {
  return [
    { method, path: `/v2/models/:name${suffix}`, handler },
    { method, path: `/v2/models/:name/versions/:version${suffix}`, handler },
  ];
}

export const kserveRoutes: readonly Route[] = [
  {
    method: "GET",
    path: "/v2",
    handler: () =>
      jsonResponse({
        name: "inferdb",
        version: INFERDB_VERSION,
        extensions: ["binary_tensor_data"],
      }),
  },
  {
    method: "GET",
    path: "/v2/health/live",
    handler: () => jsonResponse({ live: true }),
    public: true,
  },
  {
    method: "GET",
    path: "/v2/health/ready",
    handler: ({ server }) => {
      const ready = server.persistence?.loading !== true;
      return jsonResponse({ ready }, ready ? 200 : 503);
    },
    public: true,
  },
  ...modelRoute("GET", "", modelMetadata),
  ...modelRoute("GET", "/ready", modelReady),
  ...modelRoute("POST", "/infer", infer),
];
