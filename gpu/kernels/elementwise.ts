/**
 * Elementwise kernels: unary, binary and ternary ops with NumPy broadcasting. Each op is a WGSL
 * expression over `a`, `b`, `c` (the inputs) and the scalar uniforms `u.alpha`, `u.beta`. The
 * host coalesces dims and gives broadcast dims stride 0, so a kernel only walks output
 * coordinates; rank 0 means every input has the output's shape and indexes it directly.
 * f16 operands are computed in f32 (see `kernel.ts`), so an op's expression is chosen for the
 * compute types and its bindings keep the stored ones.
 */
import { dimsField, ElemType, flatMain, Kernel, kernel, load, store, unflatten } from "./kernel.ts";

export interface ElementwiseOp {
  /** WGSL expression producing the output element (in the compute type). */
  readonly expr: string;
  /** Stored types of the inputs and the output. */
  readonly inputs: readonly ElemType[];
  readonly output: ElemType;
}

const ERF = `fn erf_approx(x: f32) -> f32 {
  // Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
    0.254829592) * t * exp(-x * x);
  return select(-y, y, x >= 0.0);
}
fn pow_real(x: f32, y: f32) -> f32 {
  // WGSL's pow is undefined for x < 0; NumPy's is defined for integral y.
  if (y == 2.0) { return x * x; }
  if (y == 1.0) { return x; }
  if (y == 0.0) { return 1.0; }
  let p = pow(abs(x), y);
  if (x >= 0.0) { return p; }
  if (floor(y) != y) { return bitcast<f32>(0x7fc00000u); }
  return select(p, -p, (i32(y) & 1) == 1);
}
`;

const F = ["f32"] as const;
const FF = ["f32", "f32"] as const;

/** Float unary ops by ONNX name. */
export const UNARY_F32: Readonly<Record<string, string>> = {
  Relu: "max(a, 0.0)",
  LeakyRelu: "select(a * u.alpha, a, a >= 0.0)",
  Elu: "select(u.alpha * (exp(a) - 1.0), a, a >= 0.0)",
  Sigmoid: "1.0 / (1.0 + exp(-a))",
  Tanh: "tanh(clamp(a, -20.0, 20.0))",
  Exp: "exp(a)",
  Log: "log(a)",
  Sqrt: "sqrt(a)",
  Abs: "abs(a)",
  Neg: "-a",
  Reciprocal: "1.0 / a",
  Floor: "floor(a)",
  Ceil: "ceil(a)",
  Round: "round(a)",
  Sin: "sin(a)",
  Cos: "cos(a)",
  Sign: "sign(a)",
  Softplus: "select(log(1.0 + exp(a)), a, a > 20.0)",
  Clip: "min(max(a, u.alpha), u.beta)",
  Erf: "erf_approx(a)",
  HardSigmoid: "max(0.0, min(1.0, u.alpha * a + u.beta))",
  HardSwish: "a * max(0.0, min(1.0, a / 6.0 + 0.5))",
};

/** Binary arithmetic valid for f32 and i32 (Pow is f32 only). */
export const BINARY_ARITH: Readonly<Record<string, string>> = {
  Add: "a + b",
  Sub: "a - b",
  Mul: "a * b",
  Div: "a / b",
  Max: "max(a, b)",
  Min: "min(a, b)",
};

/** Comparisons: any numeric inputs, BOOL output. */
export const COMPARE: Readonly<Record<string, string>> = {
  Equal: "a == b",
  Greater: "a > b",
  Less: "a < b",
  GreaterOrEqual: "a >= b",
  LessOrEqual: "a <= b",
};

/** Logical ops on BOOL (u32 0/1). */
export const LOGICAL: Readonly<Record<string, string>> = {
  And: "a & b",
  Or: "a | b",
  Xor: "a ^ b",
};

/** The type an element stored as `type` is computed in. */
function computeType(type: ElemType): ElemType {
  return type === "f16" ? "f32" : type;
}

/**
 * The op for an ONNX elementwise node over inputs stored as `types`, or `undefined` when the
 * types don't fit. A float result is stored as f16 when a float input is.
 */
export function elementwiseOp(
  name: string,
  types: readonly ElemType[],
): ElementwiseOp | undefined {
  const found = computeOp(name, types.map(computeType));
  if (found === undefined) return undefined;
  const output = found.output === "f32" && types.includes("f16") ? "f16" : found.output;
  return { expr: found.expr, inputs: types, output };
}

function computeOp(name: string, types: readonly ElemType[]): ElementwiseOp | undefined {
  const [t0, t1, t2] = types;
  if (types.length === 1 && t0 === "f32" && name in UNARY_F32) {
    return { expr: UNARY_F32[name] ?? "a", inputs: F, output: "f32" };
  }
  if (types.length === 1 && t0 === "i32" && (name === "Neg" || name === "Abs" || name === "Relu")) {
    const expr = { Neg: "-a", Abs: "abs(a)", Relu: "max(a, 0)" }[name];
    return { expr, inputs: ["i32"], output: "i32" };
  }
  if (types.length === 1 && t0 === "u32" && name === "Not") {
    return { expr: "1u - a", inputs: ["u32"], output: "u32" };
  }
  if (types.length === 2 && t0 === t1 && t0 !== undefined) {
    if (name === "Pow" && t0 === "f32") {
      return { expr: "pow_real(a, b)", inputs: FF, output: "f32" };
    }
    if (name === "PRelu" && t0 === "f32") {
      return { expr: "select(a * b, a, a >= 0.0)", inputs: FF, output: "f32" };
    }
    if (name in BINARY_ARITH && t0 !== "u32") {
      return { expr: BINARY_ARITH[name] ?? "a", inputs: [t0, t0], output: t0 };
    }
    if (name in COMPARE) {
      return { expr: `select(0u, 1u, ${COMPARE[name]})`, inputs: [t0, t0], output: "u32" };
    }
    if (name in LOGICAL && t0 === "u32") {
      return { expr: LOGICAL[name] ?? "a", inputs: [t0, t0], output: "u32" };
    }
  }
  if (name === "Where" && t0 === "u32" && t1 === t2 && t1 !== undefined) {
    return { expr: "select(c, b, a != 0u)", inputs: ["u32", t1, t1], output: t1 };
  }
  return undefined;
}

/** Cast between GPU element types (float→i32 truncates toward zero, as ONNX Cast does). */
export function castOp(from: ElemType, to: ElemType): ElementwiseOp {
  const [a, b] = [computeType(from), computeType(to)];
  const zero = a === "f32" ? "0.0" : a === "i32" ? "0" : "0u";
  const expr = a === b ? "a" : b === "u32" ? `select(0u, 1u, a != ${zero})` : `${b}(a)`;
  return { expr, inputs: [from], output: to };
}

const INPUT_NAMES = ["a", "b", "c"] as const;

/**
 * The kernel for `op` at broadcast rank `rank` (0: all inputs have the output's shape).
 * Uniforms: `count`, `alpha`, `beta`, and for rank > 0 `shape` plus `s_a`, `s_b`, `s_c`.
 */
export function elementwiseKernel(op: ElementwiseOp, rank: number): Kernel {
  const names = INPUT_NAMES.slice(0, op.inputs.length);
  const key = `elementwise:${op.inputs.join(",")}>${op.output}:r${rank}:${op.expr}`;
  const fields = [
    { name: "count", type: "u32" as const },
    { name: "alpha", type: "f32" as const },
    { name: "beta", type: "f32" as const },
    ...(rank === 0
      ? []
      : [dimsField("shape", rank), ...names.map((n) => dimsField(`s_${n}`, rank))]),
  ];
  const read = (n: string, k: number, at: string) =>
    `  let ${n} = ${load(op.inputs[k] ?? "f32", `in_${n}[${at}]`)};`;
  const loads = rank === 0 ? names.map((n, k) => read(n, k, "i")) : [
    unflatten("i", "shape", rank, names.map((n) => [`o_${n}`, `s_${n}`] as const)),
    ...names.map((n, k) => read(n, k, `o_${n}`)),
  ];
  const prelude = op.expr.includes("erf_approx") || op.expr.includes("pow_real") ? ERF : "";
  const body = `${loads.join("\n")}\n  out[i] = ${store(op.output, op.expr)};`;
  return kernel(
    key,
    {
      inputs: names.map((n, k) => [`in_${n}`, op.inputs[k] ?? "f32"] as const),
      outputs: [["out", op.output]],
    },
    fields,
    () => `${prelude}${flatMain("u.count", body)}`,
  );
}
