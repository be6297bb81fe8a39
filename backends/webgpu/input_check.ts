/**
 * Checks run inputs against the model's declared inputs before anything touches the GPU,
 * with ONNX Runtime's wording (which RedisAI passes through), so a client sees the same error
 * whichever ONNX backend runs its model.
 */
import { CommandError } from "../../core/errors.ts";
import type { Tensor } from "../../core/tensor.ts";
import type { Graph } from "./graph.ts";
import { dtypeOf, TensorType } from "./host_tensor.ts";

const ORT_TYPE_NAMES: Partial<Record<TensorType, string>> = {
  float32: "float",
  float64: "double",
};

function ortType(type: TensorType): string {
  return `tensor(${ORT_TYPE_NAMES[type] ?? type})`;
}

const DTYPE_TO_ORT: Readonly<Record<string, string>> = {
  FLOAT: "float",
  DOUBLE: "double",
  INT8: "int8",
  INT16: "int16",
  INT32: "int32",
  INT64: "int64",
  UINT8: "uint8",
  UINT16: "uint16",
  BOOL: "bool",
  STRING: "string",
};

export function checkInputs(graph: Graph, inputs: readonly Tensor[]): void {
  if (inputs.length !== graph.inputs.length) {
    throw new CommandError(`ERR model expects ${graph.inputs.length} inputs, got ${inputs.length}`);
  }
  graph.inputs.forEach((declared, i) => {
    const tensor = inputs[i];
    if (tensor === undefined || declared.type === undefined) return;
    if (dtypeOf(declared.type) !== tensor.dtype) {
      throw new CommandError(
        `Unexpected input data type. Actual: (tensor(${
          DTYPE_TO_ORT[tensor.dtype] ?? tensor.dtype
        })) , expected: (${ortType(declared.type)})`,
      );
    }
    const shape = declared.shape;
    if (shape === undefined) return;
    if (shape.length !== tensor.shape.length) {
      throw new CommandError(
        `Invalid rank for input: ${declared.name} Got: ${tensor.shape.length} Expected: ${shape.length} Please fix either the inputs/outputs or the model.`,
      );
    }
    const bad = shape.flatMap((dim, d) =>
      typeof dim === "number" && dim >= 0 && dim !== tensor.shape[d]
        ? [`\n index: ${d} Got: ${tensor.shape[d]} Expected: ${dim}`]
        : []
    );
    if (bad.length > 0) {
      throw new CommandError(
        `Got invalid dimensions for input: ${declared.name} for the following indices${
          bad.join("")
        }\n Please fix either the inputs/outputs or the model.`,
      );
    }
  });
}
