/**
 * Tensor routes: `PUT /tensors/{key}` (AI.TENSORSET ... BLOB from a JSON, raw or .npy body),
 * `GET`/`HEAD /tensors/{key}` (AI.TENSORGET ... META BLOB, answered in the Accept form) and
 * `DELETE /tensors/{key}` (AI.TENSORGET META to check it is a tensor, then DEL, in one tick so
 * nothing runs between the two).
 */
import { readBody } from "./body.ts";
import { CommandError } from "../../core/errors.ts";
import { callOk, invoke } from "./call.ts";
import { jsonResponse } from "./errors.ts";
import { acceptedForm, requestTensor, tensorResponse } from "./media.ts";
import { replyToJson } from "./reply_json.ts";
import { param, RequestContext, Route } from "./router.ts";
import { tensorSetArgs, wireTensorFromReply } from "./tensor_forms.ts";

async function putTensor(ctx: RequestContext): Promise<Response> {
  const body = await readBody(ctx.req, ctx.limits);
  const tensor = requestTensor(ctx.req, body);
  const reply = await callOk(ctx, tensorSetArgs(param(ctx, "key"), tensor));
  return jsonResponse(replyToJson(reply));
}

async function getTensor(ctx: RequestContext): Promise<Response> {
  const form = acceptedForm(ctx.req);
  const reply = await callOk(ctx, ["AI.TENSORGET", param(ctx, "key"), "META", "BLOB"]);
  return tensorResponse(wireTensorFromReply(reply), form, ctx.req.method === "HEAD");
}

async function deleteTensor(ctx: RequestContext): Promise<Response> {
  const key = param(ctx, "key");
  const checked = invoke(ctx, ["AI.TENSORGET", key, "META"]);
  if (checked instanceof CommandError) throw checked;
  await callOk(ctx, ["DEL", key]);
  return new Response(null, { status: 204 });
}

export const tensorRoutes: readonly Route[] = [
  { method: "PUT", path: "/tensors/:key", handler: putTensor },
  { method: "GET", path: "/tensors/:key", handler: getTensor },
  { method: "DELETE", path: "/tensors/:key", handler: deleteTensor },
];
