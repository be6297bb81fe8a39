/**
 * Tensor bodies in three forms chosen by Content-Type (requests) and Accept (responses):
 * JSON (`application/json`), raw BLOB bytes (`application/octet-stream` with `X-Tensor-Dtype`
 * and `X-Tensor-Shape` headers) and NumPy `.npy` (`application/x-npy`). A request with no
 * Content-Type or a client's default one (curl's form type, fetch's `text/plain` for a string)
 * is recognised by its first bytes and headers.
 * Responses carry `X-Tensor-Dtype`/`X-Tensor-Shape` in every form.
 */
import { DTYPES } from "../../core/dtype.ts";
import { tensorErrors } from "../../core/tensor_parse.ts";
import { parseJson } from "./body.ts";
import { httpErrors, jsonResponse } from "./errors.ts";
import { partsResponse } from "./http1_response.ts";
import type { HttpRequest } from "./http_request.ts";
import { npyHeader, parseNpy } from "./npy.ts";
import { parseDtypeName, tensorFromJson, tensorToJson, WireTensor } from "./tensor_forms.ts";

export type TensorForm = "json" | "raw" | "npy";

const MEDIA: Readonly<Record<TensorForm, string>> = {
  json: "application/json",
  raw: "application/octet-stream",
  npy: "application/x-npy",
};
const MEDIA_TYPES = Object.values(MEDIA);
const FORM_BY_MEDIA = new Map<string, TensorForm>([
  ["application/json", "json"],
  ["application/octet-stream", "raw"],
  ["application/x-npy", "npy"],
  ["application/npy", "npy"],
]);
/** Content types clients send by default, where the body's own form is recognised. */
const SNIFFED = new Set(["", "application/x-www-form-urlencoded", "text/plain"]);
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function mediaType(header: string): string {
  return (header.split(";", 1)[0] ?? "").trim().toLowerCase();
}

/** The form of a request body, from Content-Type or, failing that, its first bytes. */
export function requestForm(req: HttpRequest, body: Uint8Array): TensorForm {
  const type = mediaType(req.headers.get("content-type") ?? "");
  const form = FORM_BY_MEDIA.get(type);
  if (form !== undefined) return form;
  if (!SNIFFED.has(type)) throw httpErrors.mediaType(type, MEDIA_TYPES);
  if (NPY_MAGIC.every((b, i) => body[i] === b)) return "npy";
  if (req.headers.has("x-tensor-dtype")) return "raw";
  return "json";
}

/** Reads a tensor from a request body in any form. */
export function requestTensor(req: HttpRequest, body: Uint8Array): WireTensor {
  switch (requestForm(req, body)) {
    case "json":
      return tensorFromJson(parseJson(body));
    case "npy": {
      const { dtype, shape, data } = parseNpy(body);
      return { dtype, shape, blob: data };
    }
    case "raw": {
      const dtype = parseDtypeName(req.headers.get("x-tensor-dtype") ?? "");
      const shapeHeader = req.headers.get("x-tensor-shape");
      const size = DTYPES[dtype].bytes;
      const shape = shapeHeader === null
        ? [size === 0 ? 1 : Math.max(1, Math.floor(body.length / size))]
        : parseShapeHeader(shapeHeader);
      return { dtype, shape, blob: body };
    }
  }
}

/** `2,3`, `[2, 3]` or `2x3`; empty or `[]` is a scalar. */
export function parseShapeHeader(header: string): number[] {
  const inner = header.trim().replace(/^[[(]/, "").replace(/[\])]$/, "").trim();
  if (inner === "") return [];
  return inner.split(/[,x]/).map((d) => {
    const t = d.trim();
    if (!/^[1-9]\d*$/.test(t) || !Number.isSafeInteger(Number(t))) throw tensorErrors.shape();
    return Number(t);
  });
}

/** Accept ranges that may name a form, most specific first (RFC 9110 §12.5.1). */
const RANGE_MATCHERS: readonly ((media: string, form: TensorForm) => boolean)[] = [
  (media, form) => FORM_BY_MEDIA.get(media) === form,
  (media) => media === "application/*",
  (media) => media === "*/*",
];

/**
 * The response form the Accept header asks for (JSON when it names none in particular). Each
 * form takes the q of the most specific range that covers it; the highest q wins, then the
 * range listed first.
 */
export function acceptedForm(req: HttpRequest): TensorForm {
  const accept = req.headers.get("accept");
  if (accept === null || accept.trim() === "") return "json";
  const ranges = accept.split(",").map((item) => {
    const [type = "", ...params] = item.split(";");
    const q = Number(/^\s*q=([\d.]+)/.exec(params.find((p) => /^\s*q=/.test(p)) ?? "")?.[1] ?? 1);
    return { media: type.trim().toLowerCase(), q };
  });
  let best: { form: TensorForm; q: number; at: number } | undefined;
  for (const form of Object.keys(MEDIA) as TensorForm[]) {
    for (const matches of RANGE_MATCHERS) {
      const at = ranges.findIndex(({ media }) => matches(media, form));
      if (at < 0) continue;
      const q = ranges[at]?.q ?? 0;
      if (q > 0 && (best === undefined || q > best.q || (q === best.q && at < best.at))) {
        best = { form, q, at };
      }
      break;
    }
  }
  if (best === undefined) throw httpErrors.notAcceptable(MEDIA_TYPES);
  return best.form;
}

/** X-Tensor-Dtype and X-Tensor-Shape for a tensor. */
export function tensorHeaders(t: WireTensor): Headers {
  return new Headers({ "x-tensor-dtype": t.dtype, "x-tensor-shape": t.shape.join(",") });
}

/**
 * A tensor as a response in `form`. The writer sends only the headers for HEAD: the bytes forms
 * still declare their length (they cost nothing to measure); JSON is not built for HEAD.
 */
export function tensorResponse(t: WireTensor, form: TensorForm, head = false): Response {
  const headers = tensorHeaders(t);
  if (form === "json") {
    if (!head) return jsonResponse(tensorToJson(t), 200, headers);
    headers.set("content-type", MEDIA.json);
    return new Response(null, { headers });
  }
  headers.set("content-type", MEDIA[form]);
  const parts = form === "raw" ? [t.blob] : [npyHeader(t.dtype, t.shape), t.blob];
  return partsResponse(parts, headers);
}
