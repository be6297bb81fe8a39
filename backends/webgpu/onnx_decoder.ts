/**
 * Decodes ONNX model bytes (ModelProto) into the executor's `Graph`, with our own protobuf
 * reader: opset imports, the main graph's nodes, attributes, initializers (raw_data and the
 * typed data fields), inputs and outputs with their declared types and shapes. Refuses what the
 * executor cannot honour: a model without a graph, and initializers stored as external data
 * (with ONNX Runtime's texts, as RedisAI reports them). Subgraph attributes (If, Loop) decode
 * as "unsupported", so the support check can name their nodes.
 */
import { AttributeValue, Dim, Graph, GraphNode, ValueInfo } from "./graph.ts";
import {
  allocHost,
  HostTensor,
  hostTensor,
  TensorType,
  tensorTypeFromOnnx,
} from "./host_tensor.ts";
import { ProtobufError, ProtoReader } from "./protobuf_reader.ts";

export const NO_GRAPH = "No graph was found in the protobuf.";
export const EXTERNAL_DATA = "Initializer tensors with external data is not allowed.";

export class OnnxFormatError extends Error {}

const DEFAULT_OPSET = 1;

/** Decodes a model; throws `OnnxFormatError` with the text a client should see. */
export function decodeOnnxModel(bytes: Uint8Array): Graph {
  let graph: Uint8Array | undefined;
  let opset: number | undefined;
  try {
    const reader = new ProtoReader(bytes);
    while (!reader.done) {
      const [field, wire] = reader.tag();
      if (field === 7 && wire === 2) graph = reader.bytes();
      else if (field === 8 && wire === 2) opset = defaultOpset(reader.bytes()) ?? opset;
      else reader.skip(wire);
    }
    if (graph === undefined) throw new OnnxFormatError(NO_GRAPH);
    return decodeGraph(graph, opset ?? DEFAULT_OPSET);
  } catch (error) {
    if (error instanceof ProtobufError) {
      throw new OnnxFormatError(
        graph === undefined ? NO_GRAPH : `Exception during initialization: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The version of an OperatorSetIdProto for the default domain, else `undefined`. */
function defaultOpset(bytes: Uint8Array): number | undefined {
  const reader = new ProtoReader(bytes);
  let domain = "";
  let version = 0;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 2) domain = reader.string();
    else if (field === 2 && wire === 0) version = reader.varint();
    else reader.skip(wire);
  }
  return domain === "" || domain === "ai.onnx" ? version : undefined;
}

function decodeGraph(bytes: Uint8Array, opset: number): Graph {
  const reader = new ProtoReader(bytes);
  const nodes: GraphNode[] = [];
  const initializers = new Map<string, HostTensor>();
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (wire !== 2) {
      reader.skip(wire);
      continue;
    }
    if (field === 1) nodes.push(decodeNode(reader.bytes()));
    else if (field === 5) {
      const [name, tensor] = decodeTensor(reader.bytes());
      initializers.set(name, tensor);
    } else if (field === 11) inputs.push(decodeValueInfo(reader.bytes()));
    else if (field === 12) outputs.push(decodeValueInfo(reader.bytes()));
    else reader.skip(wire);
  }
  return {
    nodes,
    inputs: inputs.filter((input) => !initializers.has(input.name)),
    outputs,
    initializers,
    opset,
  };
}

function decodeNode(bytes: Uint8Array): GraphNode {
  const reader = new ProtoReader(bytes);
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, AttributeValue>();
  let name = "";
  let opType = "";
  let domain = "";
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (wire !== 2) reader.skip(wire);
    else if (field === 1) inputs.push(reader.string());
    else if (field === 2) outputs.push(reader.string());
    else if (field === 3) name = reader.string();
    else if (field === 4) opType = reader.string();
    else if (field === 7) domain = reader.string();
    else if (field === 5) {
      const [attrName, value] = decodeAttribute(reader.bytes());
      attributes.set(attrName, value);
    } else reader.skip(wire);
  }
  return { name, opType, domain: domain === "ai.onnx" ? "" : domain, inputs, outputs, attributes };
}

const ATTRIBUTE_TYPES = [
  "undefined",
  "float",
  "int",
  "string",
  "tensor",
  "graph",
  "floats",
  "ints",
  "strings",
  "tensors",
  "graphs",
  "sparse_tensor",
  "sparse_tensors",
  "type_proto",
  "type_protos",
];

function decodeAttribute(bytes: Uint8Array): [string, AttributeValue] {
  const reader = new ProtoReader(bytes);
  let name = "";
  let type = 0;
  let f = 0;
  let i = 0;
  let s = "";
  let t: HostTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 2) name = reader.string();
    else if (field === 20 && wire === 0) type = reader.varint();
    else if (field === 2 && wire === 5) f = reader.float32();
    else if (field === 3 && wire === 0) i = reader.varint();
    else if (field === 4 && wire === 2) s = reader.string();
    else if (field === 5 && wire === 2) t = decodeTensor(reader.bytes())[1];
    else if (field === 7) reader.floats(wire, floats);
    else if (field === 8) reader.varints(wire, ints);
    else if (field === 9 && wire === 2) strings.push(reader.string());
    else reader.skip(wire);
  }
  switch (type) {
    case 1:
      return [name, { type: "float", value: f }];
    case 2:
      return [name, { type: "int", value: i }];
    case 3:
      return [name, { type: "string", value: s }];
    case 4:
      return [
        name,
        t === undefined ? { type: "unsupported", value: "tensor" } : { type: "tensor", value: t },
      ];
    case 6:
      return [name, { type: "floats", value: floats }];
    case 7:
      return [name, { type: "ints", value: ints }];
    case 8:
      return [name, { type: "strings", value: strings }];
    default:
      return [name, { type: "unsupported", value: ATTRIBUTE_TYPES[type] ?? String(type) }];
  }
}

/** Decodes a TensorProto into its name and host tensor. */
export function decodeTensor(bytes: Uint8Array): [string, HostTensor] {
  const reader = new ProtoReader(bytes);
  const dims: number[] = [];
  const numbers: number[] = [];
  let name = "";
  let code = 0;
  let raw: Uint8Array | undefined;
  let external = false;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1) reader.varints(wire, dims);
    else if (field === 2 && wire === 0) code = reader.varint();
    else if (field === 4) reader.floats(wire, numbers);
    else if (field === 5 || field === 7 || field === 11) reader.varints(wire, numbers);
    else if (field === 10) reader.doubles(wire, numbers);
    else if (field === 8 && wire === 2) name = reader.string();
    else if (field === 9 && wire === 2) raw = reader.bytes();
    else if (field === 14 && wire === 0) external = reader.varint() === 1;
    else if (field === 13) {
      external = true;
      reader.skip(wire);
    } else reader.skip(wire);
  }
  if (external) throw new OnnxFormatError(EXTERNAL_DATA);
  const type = tensorTypeFromOnnx(code) ?? "float32";
  if (code === 0 || tensorTypeFromOnnx(code) === undefined) {
    throw new ProtobufError(`tensor ${name} has an unknown data type ${code}`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  return [name, { type, dims, data: tensorData(type, count, raw, numbers) }];
}

function tensorData(
  type: TensorType,
  count: number,
  raw: Uint8Array | undefined,
  numbers: readonly number[],
): HostTensor["data"] {
  const data = allocHost(type, type === "string" ? 0 : count);
  if (type === "string") return data;
  if (raw !== undefined) {
    if (raw.byteLength !== data.byteLength) {
      throw new ProtobufError(
        `raw_data holds ${raw.byteLength} bytes, expected ${data.byteLength}`,
      );
    }
    // Copying aligns the elements (a view into the blob may start at any byte).
    new Uint8Array(data.buffer).set(raw);
    return data;
  }
  if (numbers.length !== count) {
    throw new ProtobufError(`tensor holds ${numbers.length} values, expected ${count}`);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return hostTensor(type, [count], numbers).data;
  } else if (type === "float16" || type === "bfloat16") {
    // int32_data holds the 16-bit patterns.
    new Uint16Array(data.buffer).set(numbers.map((v) => v & 0xffff));
  } else {
    data.set(numbers);
  }
  return data;
}

function decodeValueInfo(bytes: Uint8Array): ValueInfo {
  const reader = new ProtoReader(bytes);
  let name = "";
  let type: TensorType | undefined;
  let shape: Dim[] | undefined;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === 2) name = reader.string();
    else if (field === 2 && wire === 2) [type, shape] = decodeTypeProto(reader.bytes());
    else reader.skip(wire);
  }
  return { name, type, shape };
}

function decodeTypeProto(bytes: Uint8Array): [TensorType | undefined, Dim[] | undefined] {
  const reader = new ProtoReader(bytes);
  let type: TensorType | undefined;
  let shape: Dim[] | undefined;
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field !== 1 || wire !== 2) {
      reader.skip(wire);
      continue;
    }
    const tensor = new ProtoReader(reader.bytes());
    while (!tensor.done) {
      const [tf, tw] = tensor.tag();
      if (tf === 1 && tw === 0) type = tensorTypeFromOnnx(tensor.varint());
      else if (tf === 2 && tw === 2) shape = decodeShape(tensor.bytes());
      else tensor.skip(tw);
    }
  }
  return [type, shape];
}

function decodeShape(bytes: Uint8Array): Dim[] {
  const reader = new ProtoReader(bytes);
  const dims: Dim[] = [];
  while (!reader.done) {
    const [field, wire] = reader.tag();
    if (field !== 1 || wire !== 2) {
      reader.skip(wire);
      continue;
    }
    const dim = new ProtoReader(reader.bytes());
    let value: Dim = null;
    while (!dim.done) {
      const [df, dw] = dim.tag();
      if (df === 1 && dw === 0) value = dim.varint();
      else if (df === 2 && dw === 2) value = dim.string();
      else dim.skip(dw);
    }
    dims.push(value);
  }
  return dims;
}
