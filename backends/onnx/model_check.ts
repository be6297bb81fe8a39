/**
 * Checks made on ONNX model bytes before any runtime sees them. ONNX Runtime would follow an
 * initializer's `external_data` location and read that file from the server's disk; RedisAI
 * refuses such models outright, and so do we, with its text. The scan walks every place a
 * tensor can hide: graph initializers (dense and sparse), node attributes, subgraphs
 * (Loop/If/Scan bodies) and model-local functions.
 *
 * Bytes that don't parse as a protobuf pass the check: the runtime then reports its own error
 * (`No graph was found in the protobuf.`), as RedisAI does.
 */
import { CommandError } from "../../core/errors.ts";
import { ProtobufError, ProtoReader, WIRE_BYTES, WIRE_VARINT } from "../webgpu/protobuf_reader.ts";

export const EXTERNAL_DATA_ERROR = "Initializer tensors with external data is not allowed.";

/** Subgraphs nest (a Loop body inside an If branch ...); deeper than this is refused. */
const DEPTH_MAX = 64;

type Message = "model" | "function" | "graph" | "node" | "attribute" | "sparse" | "tensor";

/** For each message type: field number → the message type it holds. */
const CHILDREN: Readonly<Record<Message, Readonly<Record<number, Message>>>> = {
  model: { 7: "graph", 25: "function" },
  function: { 7: "node" },
  graph: { 1: "node", 5: "tensor", 15: "sparse" },
  node: { 5: "attribute" },
  attribute: { 5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse" },
  sparse: { 1: "tensor", 2: "tensor" },
  tensor: {},
};

/** TensorProto: `external_data` entries, and `data_location` (1 = EXTERNAL). */
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;

/** Throws RedisAI's error when a tensor anywhere in the model keeps its data outside it. */
export function checkOnnxModel(blob: Uint8Array): void {
  let external: boolean;
  try {
    external = hasExternalData(blob, "model", 0);
  } catch (e) {
    if (e instanceof ProtobufError) return;
    throw e;
  }
  if (external) throw new CommandError(EXTERNAL_DATA_ERROR);
}

function hasExternalData(bytes: Uint8Array, type: Message, depth: number): boolean {
  if (depth > DEPTH_MAX) {
    throw new CommandError(`ERR the model's graphs nest more than ${DEPTH_MAX} levels deep`);
  }
  const reader = new ProtoReader(bytes);
  const children = CHILDREN[type];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (type === "tensor") {
      if (field === TENSOR_EXTERNAL_DATA) return true;
      if (field === TENSOR_DATA_LOCATION && wire === WIRE_VARINT) {
        if (reader.varint() === 1) return true;
      } else {
        reader.skip(wire);
      }
      continue;
    }
    const child = children[field];
    if (child !== undefined && wire === WIRE_BYTES) {
      if (hasExternalData(reader.bytes(), child, depth + 1)) return true;
    } else {
      reader.skip(wire);
    }
  }
  return false;
}
