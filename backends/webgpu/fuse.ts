/**
 * Graph rewrites run once at load, before planning, that shrink the number of passes over
 * memory without changing results beyond float32 rounding:
 *
 * 1. Constant nodes holding a tensor become initializers.
 * 2. Conv → BatchNormalization / Mul / Add by per-channel or scalar constants fold into the
 *    Conv's weights and bias (ONNX Runtime's ConvBNFusion, ConvMulFusion, ConvAddFusion).
 * 3. `x · clip(x + 3, 0, 6) / 6` becomes HardSwish.
 * 4. An activation after Conv, ConvTranspose, Gemm, MatMul or BatchNormalization joins that
 *    node's epilogue, and so does a scalar Mul/Add after such an activation.
 *
 * A rewrite only absorbs a value that exactly one node reads and that is not a graph output.
 */
import { attrFloat, AttributeValue, Graph, GraphNode } from "./graph.ts";
import { hostNumbers, HostTensor, hostTensor } from "./host_tensor.ts";
import { FUSED_ACTIVATION, FUSED_ADD, FUSED_ALPHA, FUSED_BETA, FUSED_MUL } from "./ops/fused.ts";

const EPILOGUE_HOSTS = new Set(["Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization"]);

class Rewriter {
  nodes: GraphNode[];
  readonly initializers: Map<string, HostTensor>;
  readonly #outputs: Set<string>;
  #readers = new Map<string, number>();
  #fresh = 0;

  constructor(readonly graph: Graph) {
    this.nodes = [...graph.nodes];
    this.initializers = new Map(graph.initializers);
    this.#outputs = new Set(graph.outputs.map((o) => o.name));
  }

  countReaders(): void {
    this.#readers = new Map();
    for (const node of this.nodes) {
      for (const name of node.inputs) this.#readers.set(name, (this.#readers.get(name) ?? 0) + 1);
    }
  }

  /** The only node reading `name`, when it has exactly one reader and is not a graph output. */
  soleReader(name: string): GraphNode | undefined {
    if (this.#outputs.has(name) || this.#readers.get(name) !== 1) return undefined;
    return this.nodes.find((node) => node.inputs.includes(name));
  }

  constant(name: string | undefined): HostTensor | undefined {
    return name === undefined ? undefined : this.initializers.get(name);
  }

  /** A new initializer with a unique name. */
  add(base: string, tensor: HostTensor): string {
    const name = `${base}.inferdb${this.#fresh++}`;
    this.initializers.set(name, tensor);
    return name;
  }

  /** Replaces `first` by `merged` and drops `absorbed` (whose output `merged` now makes). */
  merge(first: GraphNode, merged: GraphNode, absorbed: readonly GraphNode[]): void {
    this.nodes = this.nodes.flatMap((node) =>
      node === first ? [merged] : absorbed.includes(node) ? [] : [node]
    );
    this.countReaders();
  }

  result(): Graph {
    return { ...this.graph, nodes: this.nodes, initializers: this.initializers };
  }
}

function withAttributes(
  node: GraphNode,
  changes: Record<string, AttributeValue>,
  patch: Partial<GraphNode> = {},
): GraphNode {
  return {
    ...node,
    ...patch,
    attributes: new Map([...node.attributes, ...Object.entries(changes)]),
  };
}

const float = (value: number): AttributeValue => ({ type: "float", value });

function hoistConstants(r: Rewriter): void {
  r.nodes = r.nodes.filter((node) => {
    const value = node.attributes.get("value");
    const [output] = node.outputs;
    if (
      node.opType !== "Constant" || node.domain !== "" || value?.type !== "tensor" ||
      output === undefined
    ) {
      return true;
    }
    r.initializers.set(output, value.value);
    return false;
  });
}

/**
 * `t`'s value for each of `channels` output channels: a scalar, or C values laid out as a
 * BatchNormalization parameter (`[C]`) or as an NCHW broadcast operand (`[C,1,1]`,
 * `[1,C,1,1]`; a `[C]` operand would broadcast along W instead).
 */
function perChannel(
  t: HostTensor | undefined,
  channels: number,
  vector = false,
): number[] | undefined {
  if (t === undefined || t.type !== "float32") return undefined;
  const values = hostNumbers(t);
  if (values.length === 1) return new Array<number>(channels).fill(values[0] ?? 0);
  if (values.length !== channels) return undefined;
  const channelAxis = t.dims.indexOf(channels);
  return (vector ? t.dims.length === 1 : t.dims.length - channelAxis === 3) ? values : undefined;
}

/** Folds `y = x · scale[c] + shift[c]` after a Conv into its weights; false if it can't. */
function foldIntoConv(
  r: Rewriter,
  conv: GraphNode,
  next: GraphNode,
  scale: number[],
  shift: number[],
): boolean {
  const weights = r.constant(conv.inputs[1]);
  const biasName = conv.inputs[2];
  const bias = biasName === undefined || biasName === "" ? undefined : r.constant(biasName);
  if (weights === undefined || weights.type !== "float32" || (biasName && bias === undefined)) {
    return false;
  }
  const channels = weights.dims[0] ?? 0;
  const per = hostNumbers(weights).length / Math.max(channels, 1);
  const w = hostNumbers(weights).map((v, i) => v * (scale[Math.floor(i / per)] ?? 1));
  const b = Array.from(
    { length: channels },
    (_, c) =>
      (bias === undefined ? 0 : hostNumbers(bias)[c] ?? 0) * (scale[c] ?? 1) + (shift[c] ?? 0),
  );
  const wName = r.add(conv.inputs[1] ?? "w", hostTensor("float32", weights.dims, w));
  const bName = r.add(biasName || `${conv.name}.bias`, hostTensor("float32", [channels], b));
  const merged = { ...conv, inputs: [conv.inputs[0] ?? "", wName, bName], outputs: next.outputs };
  r.merge(conv, merged, [next]);
  return true;
}

function foldConvFollower(r: Rewriter, conv: GraphNode): boolean {
  if (conv.opType !== "Conv" || conv.attributes.has(FUSED_ACTIVATION)) return false;
  const out = conv.outputs[0] ?? "";
  const next = r.soleReader(out);
  const channels = r.constant(conv.inputs[1])?.dims[0] ?? 0;
  if (next === undefined || channels === 0) return false;
  const other = next.inputs.find((name) => name !== out);
  if (next.opType === "BatchNormalization" && next.inputs[0] === out && next.outputs.length === 1) {
    const [scale, bias, mean, variance] = next.inputs.slice(1).map((n) =>
      perChannel(r.constant(n), channels, true)
    );
    if (!scale || !bias || !mean || !variance) return false;
    const eps = attrFloat(next, "epsilon", 1e-5);
    const s = scale.map((v, c) => v / Math.sqrt((variance[c] ?? 0) + eps));
    return foldIntoConv(r, conv, next, s, s.map((v, c) => (bias[c] ?? 0) - (mean[c] ?? 0) * v));
  }
  const values = next.inputs.length === 2 ? perChannel(r.constant(other), channels) : undefined;
  if (values === undefined) return false;
  if (next.opType === "Mul") return foldIntoConv(r, conv, next, values, values.map(() => 0));
  if (next.opType === "Add") return foldIntoConv(r, conv, next, values.map(() => 1), values);
  return false;
}

/** The scalar value of a constant input, if it is one. */
function scalar(r: Rewriter, name: string | undefined): number | undefined {
  const t = r.constant(name);
  const values = t === undefined ? [] : hostNumbers(t);
  return values.length === 1 ? values[0] : undefined;
}

function clipBounds(r: Rewriter, node: GraphNode): [number, number] | undefined {
  if (r.graph.opset < 11) {
    return [attrFloat(node, "min", -Infinity), attrFloat(node, "max", Infinity)];
  }
  const lo = node.inputs[1] ? scalar(r, node.inputs[1]) : -Infinity;
  const hi = node.inputs[2] ? scalar(r, node.inputs[2]) : Infinity;
  return lo === undefined || hi === undefined ? undefined : [lo, hi];
}

function matchHardSwish(r: Rewriter, add: GraphNode): boolean {
  if (add.opType !== "Add" || add.inputs.length !== 2) return false;
  const x = add.inputs.find((name) => scalar(r, name) !== 3);
  if (x === undefined || add.inputs.every((name) => scalar(r, name) !== 3)) return false;
  const clip = r.soleReader(add.outputs[0] ?? "");
  const bounds = clip?.opType === "Clip" ? clipBounds(r, clip) : undefined;
  if (clip === undefined || bounds?.[0] !== 0 || bounds[1] !== 6) return false;
  const mul = r.soleReader(clip.outputs[0] ?? "");
  if (
    mul?.opType !== "Mul" || !mul.inputs.includes(x) || !mul.inputs.includes(clip.outputs[0] ?? "")
  ) return false;
  const div = r.soleReader(mul.outputs[0] ?? "");
  const divisor = div?.opType === "Div" && div.inputs[0] === mul.outputs[0]
    ? scalar(r, div.inputs[1])
    : undefined;
  const factor = div?.opType === "Mul"
    ? scalar(r, div.inputs.find((n) => n !== mul.outputs[0]))
    : undefined;
  if (
    div === undefined ||
    (divisor !== 6 && (factor === undefined || Math.abs(factor - 1 / 6) > 1e-7))
  ) return false;
  const hardSwish: GraphNode = {
    ...add,
    opType: "HardSwish",
    inputs: [x],
    outputs: div.outputs,
    attributes: new Map(),
  };
  r.merge(add, hardSwish, [clip, mul, div]);
  return true;
}

/** The epilogue attributes of an activation node, or `undefined` when it isn't one. */
function activationOf(r: Rewriter, node: GraphNode): Record<string, AttributeValue> | undefined {
  const as = (name: string, alpha = 0, beta = 0) => ({
    [FUSED_ACTIVATION]: { type: "string", value: name } as AttributeValue,
    [FUSED_ALPHA]: float(alpha),
    [FUSED_BETA]: float(beta),
  });
  switch (node.opType) {
    case "Relu":
      return as("relu");
    case "Sigmoid":
      return as("sigmoid");
    case "Tanh":
      return as("tanh");
    case "HardSwish":
      return as("hardswish");
    case "LeakyRelu":
      return as("leakyrelu", attrFloat(node, "alpha", 0.01));
    case "HardSigmoid":
      return as("hardsigmoid", attrFloat(node, "alpha", 0.2), attrFloat(node, "beta", 0.5));
    case "Clip": {
      const bounds = clipBounds(r, node);
      return bounds === undefined
        ? undefined
        : as("clip", Math.max(bounds[0], -3.4e38), Math.min(bounds[1], 3.4e38));
    }
  }
  return undefined;
}

function fuseEpilogue(r: Rewriter, host: GraphNode): boolean {
  if (!EPILOGUE_HOSTS.has(host.opType) || host.domain !== "" || host.outputs.length !== 1) {
    return false;
  }
  const next = r.soleReader(host.outputs[0] ?? "");
  if (next === undefined) return false;
  if (!host.attributes.has(FUSED_ACTIVATION)) {
    const activation = next.inputs.length >= 1 && next.inputs[0] === host.outputs[0]
      ? activationOf(r, next)
      : undefined;
    if (activation === undefined) return false;
    r.merge(host, withAttributes(host, activation, { outputs: next.outputs }), [next]);
    return true;
  }
  if (next.opType !== "Mul" && next.opType !== "Add") return false;
  const value = scalar(r, next.inputs.find((name) => name !== host.outputs[0]));
  if (value === undefined || next.inputs.length !== 2) return false;
  const mul = attrFloat(host, FUSED_MUL, 1);
  const add = attrFloat(host, FUSED_ADD, 0);
  const changes = next.opType === "Mul"
    ? { [FUSED_MUL]: float(mul * value), [FUSED_ADD]: float(add * value) }
    : { [FUSED_ADD]: float(add + value) };
  r.merge(host, withAttributes(host, changes, { outputs: next.outputs }), [next]);
  return true;
}

const RULES = [foldConvFollower, matchHardSwish, fuseEpilogue];

/** The graph with the rewrites above applied until none applies. */
export function fuseGraph(graph: Graph): Graph {
  const r = new Rewriter(graph);
  hoistConstants(r);
  r.countReaders();
  for (let changed = true; changed;) {
    changed = false;
    for (const node of [...r.nodes]) {
      if (!r.nodes.includes(node)) continue;
      if (RULES.some((rule) => rule(r, node))) changed = true;
    }
  }
  return r.result();
}
