/**
 * The `Backend` for ONNX models on our WebGPU executor (provider `inferdb-webgpu`): decode with
 * our protobuf reader, refuse models with ops the executor lacks (naming them), order and plan
 * the graph, and hand out `WebGpuSession`s. A float16 model on a device without `shader-f16` is
 * refused like a model with unsupported ops, so the GPU chooser can hand it to another
 * backend. Errors reach clients as backend texts (no `ERR`
 * prefix, as RedisAI passes backend messages through).
 */
import type { Backend, LoadOptions } from "../backend.ts";
import type { GpuRuntime } from "../../gpu/gpu_runtime.ts";
import { Graph, GraphError } from "./graph.ts";
import { FLOAT16_UNSUPPORTED } from "./gpu_plan.ts";
import { onnxCodeOf } from "./host_tensor.ts";
import { decodeOnnxModel } from "./onnx_decoder.ts";
import { fuseGraph } from "./fuse.ts";
import { unsupportedOps } from "./ops/registry.ts";
import { topologicalOrder } from "./topological_order.ts";
import { PROVIDER, WebGpuSession } from "./webgpu_session.ts";
import { unsupportedError, webgpuError } from "./webgpu_errors.ts";

/** Decodes ONNX bytes; throws the client-facing error for a malformed model. */
export function decodeModel(blob: Uint8Array): Graph {
  try {
    return decodeOnnxModel(blob);
  } catch (error) {
    throw webgpuError(error);
  }
}

/**
 * What keeps an ONNX model off our executor (empty when it can run it all), for the device
 * chooser: our executor when empty, else ONNX Runtime's WebGPU EP, else an error naming these.
 */
export function unsupportedOnnxOps(blob: Uint8Array): string[] {
  return unsupportedOps(decodeModel(blob));
}

export class WebGpuBackend implements Backend {
  readonly name = PROVIDER;

  constructor(readonly runtime: GpuRuntime) {}

  available(): Promise<boolean> {
    return this.runtime.available();
  }

  async load(blob: Uint8Array, _options: LoadOptions): Promise<WebGpuSession> {
    return await this.loadGraph(decodeModel(blob));
  }

  /** Prepares a decoded graph (fused, ordered, planned when its shapes are static). */
  async loadGraph(graph: Graph): Promise<WebGpuSession> {
    const problems = unsupportedOps(graph);
    if (problems.length > 0) throw unsupportedError(problems);
    let session: WebGpuSession | undefined;
    try {
      if (usesFloat16(graph) && !(await this.runtime.acquire()).shaderF16) {
        throw new GraphError(FLOAT16_UNSUPPORTED);
      }
      const fused = fuseGraph(graph);
      session = new WebGpuSession(fused, topologicalOrder(fused), this.runtime);
      await session.prepare();
      return session;
    } catch (error) {
      await session?.close();
      throw webgpuError(error);
    }
  }
}

const FLOAT16_CODE = onnxCodeOf("float16");

/** Whether float16 tensors appear in `graph`: as values, initializers, constants or casts. */
function usesFloat16(graph: Graph): boolean {
  const values = [...graph.inputs, ...graph.outputs, ...graph.initializers.values()];
  if (values.some((value) => value.type === "float16")) return true;
  return graph.nodes.some((node) =>
    [...node.attributes].some(([name, attr]) =>
      (attr.type === "tensor" && attr.value.type === "float16") ||
      (node.opType === "Cast" && name === "to" && attr.type === "int" &&
        attr.value === FLOAT16_CODE)
    )
  );
}
