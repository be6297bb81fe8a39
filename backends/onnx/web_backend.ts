/**
 * The onnxruntime-web providers: `onnxruntime-web` (the WASM build, available everywhere,
 * including a compiled binary) and `onnxruntime-web-webgpu` (the WebGPU execution provider,
 * for GPU devices when an adapter exists; ops it lacks fall back to WASM kernels).
 *
 * WASM inference runs on the calling thread and one session must never run twice at once
 * (that aborts the process), so the engine hosts these backends in Workers and gives each
 * one request at a time. A run can't be interrupted from outside; `RunOptions.signal` is
 * ignored and the engine retires the whole Worker instead.
 */
import type { DType } from "../../core/dtype.ts";
import { blankNewlines, CommandError } from "../../core/errors.ts";
import {
  allocTensorBytes,
  numericTensor,
  stringAt,
  stringTensor,
  Tensor,
  tensorBytes,
} from "../../core/tensor.ts";
import { webGpu } from "../../gpu/web_gpu.ts";
import type { Backend, LoadOptions, ModelSession, TensorSpec } from "../backend.ts";
import { checkOnnxModel } from "./model_check.ts";
import { dtypeOfWebType, webTypeOf } from "./onnx_types.ts";
import {
  loadOrtWeb,
  OrtWebFlavor,
  OrtWebModule,
  OrtWebResults,
  OrtWebSession,
  OrtWebTensor,
  OrtWebValueMetadata,
} from "./ort.ts";

export const WASM_PROVIDER = "onnxruntime-web";
export const WEBGPU_PROVIDER = "onnxruntime-web-webgpu";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** onnxruntime-web wraps the runtime's message; clients get the runtime's message alone. */
const WRAPPERS = [
  /^Can't create a session\. ERROR_CODE: \d+, ERROR_MESSAGE: /,
  /^failed to call OrtRun\(\)\. ERROR_CODE: \d+, ERROR_MESSAGE: /,
];

/** The runtime's message from an onnxruntime-web error. */
export function webErrorText(e: unknown): string {
  let text = e instanceof Error ? e.message : String(e);
  for (const wrapper of WRAPPERS) text = text.replace(wrapper, "");
  return blankNewlines(text.trimEnd());
}

export class WebOnnxBackend implements Backend {
  readonly name: string;
  readonly #flavor: OrtWebFlavor;
  #ort: OrtWebModule | undefined;

  constructor(flavor: OrtWebFlavor) {
    this.#flavor = flavor;
    this.name = flavor === "wasm" ? WASM_PROVIDER : WEBGPU_PROVIDER;
  }

  get version(): string | undefined {
    return this.#ort?.env.versions.web;
  }

  async available(): Promise<boolean> {
    if (this.#flavor === "wasm") return true;
    return (await webGpu()?.requestAdapter().catch(() => null) ?? null) !== null;
  }

  async #runtime(options: LoadOptions): Promise<OrtWebModule> {
    if (this.#ort !== undefined) return this.#ort;
    // ONNX Runtime asks `navigator.gpu` for its adapter itself: on the same backends as ours.
    if (this.#flavor === "webgpu") webGpu();
    const ort = await loadOrtWeb(this.#flavor);
    // Global to this thread's WASM instance: fixed by the first load.
    ort.env.wasm.numThreads = Math.max(1, options.intraOpThreads);
    ort.env.logLevel = "fatal";
    this.#ort = ort;
    return ort;
  }

  async load(blob: Uint8Array, options: LoadOptions): Promise<ModelSession> {
    checkOnnxModel(blob);
    const ort = await this.#runtime(options);
    let session: OrtWebSession;
    try {
      session = await ort.InferenceSession.create(blob, {
        executionProviders: [this.#flavor === "wasm" ? "wasm" : "webgpu"],
        graphOptimizationLevel: "all",
        logSeverityLevel: 4,
      });
    } catch (e) {
      throw new CommandError(webErrorText(e));
    }
    return new WebSession(ort, session, this.name);
  }
}

function specsOf(metadata: readonly OrtWebValueMetadata[]): TensorSpec[] {
  return metadata.map((m) =>
    m.isTensor
      ? {
        name: m.name,
        dtype: dtypeOfWebType(m.type),
        shape: m.shape.map((d: number | string) => typeof d === "number" && d >= 0 ? d : null),
      }
      : { name: m.name, dtype: undefined, shape: undefined }
  );
}

class WebSession implements ModelSession {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly #fetches: readonly string[];

  constructor(
    private readonly ort: OrtWebModule,
    private readonly session: OrtWebSession,
    readonly provider: string,
  ) {
    this.inputs = specsOf(session.inputMetadata);
    this.outputs = specsOf(session.outputMetadata);
    this.#fetches = this.outputs.filter((o) => o.dtype !== undefined).map((o) => o.name);
  }

  async run(inputs: readonly Tensor[]): Promise<(Tensor | undefined)[]> {
    if (inputs.length !== this.inputs.length) {
      throw new CommandError(`ERR Expected ${this.inputs.length} inputs but got ${inputs.length}`);
    }
    const feeds: Record<string, OrtWebTensor> = {};
    this.inputs.forEach((spec, i) => {
      feeds[spec.name] = this.#toWeb(inputs[i] as Tensor);
    });
    let results: OrtWebResults;
    try {
      results = await this.session.run(feeds, [...this.#fetches]);
    } catch (e) {
      throw new CommandError(webErrorText(e));
    }
    return this.outputs.map((spec) => {
      const out = results[spec.name];
      return spec.dtype === undefined || out === undefined ? undefined : fromWeb(out);
    });
  }

  #toWeb(tensor: Tensor): OrtWebTensor {
    const dims = [...tensor.shape];
    if (tensor.dtype !== "STRING") {
      return new this.ort.Tensor(webTypeOf(tensor.dtype), tensor.data, dims);
    }
    const count = tensor.offsets?.length ?? 0;
    const strings = Array.from({ length: count }, (_, i) => decoder.decode(stringAt(tensor, i)));
    return new this.ort.Tensor("string", strings, dims);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function fromWeb(out: OrtWebTensor): Tensor {
  const dtype: DType | undefined = dtypeOfWebType(out.type);
  if (dtype === undefined) throw new CommandError(`ERR unsupported tensor type ${out.type}`);
  const shape = out.dims.map(Number);
  const data = out.data;
  if (dtype === "STRING") {
    const encoded = (data as string[]).map((s) => encoder.encode(s));
    const blob = allocTensorBytes(encoded.reduce((n, e) => n + e.length + 1, 0));
    const offsets = new Uint32Array(encoded.length);
    let at = 0;
    encoded.forEach((e, i) => {
      offsets[i] = at;
      blob.set(e, at);
      at += e.length + 1;
    });
    return stringTensor(shape, blob, offsets);
  }
  const view = data as Exclude<typeof data, string[]>;
  const bytes = allocTensorBytes(view.byteLength);
  bytes.set(tensorBytes({ dtype, shape, data: view as Tensor["data"] }));
  return numericTensor(dtype, shape, bytes);
}
