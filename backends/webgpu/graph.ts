/**
 * The executor's graph form, independent of the file format: an ONNX (or, later, TF/TFLite)
 * decoder produces it; the planner and executor consume it. Values are named by strings until
 * planning turns names into indices. Attribute accessors check types and throw a
 * `GraphError` naming the node, so a malformed model fails at load with a clear message.
 */
import { HostTensor, TensorType } from "./host_tensor.ts";

interface AttributeTypes {
  float: number;
  int: number;
  string: string;
  floats: readonly number[];
  ints: readonly number[];
  strings: readonly string[];
  tensor: HostTensor;
  /** The name of an attribute type the executor does not read (graph, sparse tensor, ...). */
  unsupported: string;
}

export type AttributeValue = {
  [K in keyof AttributeTypes]: { readonly type: K; readonly value: AttributeTypes[K] };
}[keyof AttributeTypes];

export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input value names; "" marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeValue>;
}

/** A dim: a number, a symbolic name, or `null` when unknown. */
export type Dim = number | string | null;

export interface ValueInfo {
  readonly name: string;
  readonly type: TensorType | undefined;
  readonly shape: readonly Dim[] | undefined;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** Runtime inputs (initializers excluded). */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, HostTensor>;
  /** Opset version of the default ONNX domain. */
  readonly opset: number;
}

export class GraphError extends Error {}

/** A node's display name for errors: `Conv (conv1)`. */
export function nodeLabel(node: GraphNode): string {
  return node.name === "" ? node.opType : `${node.opType} (${node.name})`;
}

function attribute<K extends keyof AttributeTypes>(
  node: GraphNode,
  name: string,
  type: K,
): AttributeTypes[K] | undefined {
  const found = node.attributes.get(name);
  if (found === undefined) return undefined;
  if (found.type !== type) {
    throw new GraphError(`${nodeLabel(node)}: attribute ${name} is ${found.type}, not ${type}`);
  }
  return found.value as AttributeTypes[K];
}

export function attrInt(node: GraphNode, name: string, fallback: number): number {
  return attribute(node, name, "int") ?? fallback;
}

export function attrFloat(node: GraphNode, name: string, fallback: number): number {
  return attribute(node, name, "float") ?? fallback;
}

export function attrString(node: GraphNode, name: string, fallback: string): string {
  return attribute(node, name, "string") ?? fallback;
}

export function attrInts(node: GraphNode, name: string): readonly number[] | undefined {
  return attribute(node, name, "ints");
}

export function attrFloats(node: GraphNode, name: string): readonly number[] | undefined {
  return attribute(node, name, "floats");
}

export function attrTensor(node: GraphNode, name: string): HostTensor | undefined {
  return attribute(node, name, "tensor");
}
