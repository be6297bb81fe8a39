/**
 * Kernels where one workgroup owns one output row and its threads cooperate through workgroup
 * memory: reductions over any set of axes (ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare and
 * global pooling), Softmax/LogSoftmax and LayerNormalization. Plus ArgMax/ArgMin, one output
 * per thread. Reduced and kept dims are unflattened with strides from uniforms, so no
 * transpose is ever needed; ranks are in the key.
 */
import {
  dimsField,
  ElemType,
  flatMain,
  FloatType,
  Kernel,
  kernel,
  load,
  store,
  unflatten,
} from "./kernel.ts";

/** Threads cooperating on one output row. */
export const ROW_WORKGROUP_SIZE = 64;

export type ReduceOp = "sum" | "mean" | "max" | "min" | "prod" | "l1" | "l2" | "sumsquare";

const REDUCE: Readonly<Record<ReduceOp, { init: string; map: string; join: string; end: string }>> =
  {
    sum: { init: "0.0", map: "v", join: "a + b", end: "r" },
    mean: { init: "0.0", map: "v", join: "a + b", end: "r / f32(u.reduce_count)" },
    max: { init: "-3.402823e38", map: "v", join: "max(a, b)", end: "r" },
    min: { init: "3.402823e38", map: "v", join: "min(a, b)", end: "r" },
    prod: { init: "1.0", map: "v", join: "a * b", end: "r" },
    l1: { init: "0.0", map: "abs(v)", join: "a + b", end: "r" },
    l2: { init: "0.0", map: "v * v", join: "a + b", end: "sqrt(r)" },
    sumsquare: { init: "0.0", map: "v * v", join: "a + b", end: "r" },
  };

/** WGSL: the row index of a workgroup on a folded grid, and the shared tree reduction. */
function rowPrelude(joins: readonly string[]): string {
  const fns = joins.map((join, i) =>
    `fn join${i}(a: f32, b: f32) -> f32 { return ${join}; }
fn reduce${i}(lid: u32, value: f32) -> f32 {
  workgroupBarrier();
  scratch[lid] = value;
  for (var step = ${ROW_WORKGROUP_SIZE / 2}u; step > 0u; step = step / 2u) {
    workgroupBarrier();
    if (lid < step) { scratch[lid] = join${i}(scratch[lid], scratch[lid + step]); }
  }
  workgroupBarrier();
  return scratch[0];
}`
  );
  return `var<workgroup> scratch: array<f32, ${ROW_WORKGROUP_SIZE}>;\n${fns.join("\n")}\n`;
}

function rowMain(body: string): string {
  return `@compute @workgroup_size(${ROW_WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let row = wid.y * groups.x + wid.x;
  if (row >= u.rows) { return; }
${body}
}
`;
}

export interface ReduceOptions {
  readonly keptRank: number;
  readonly reducedRank: number;
  readonly type: FloatType;
  /** One thread per output instead of one workgroup. */
  readonly serial?: boolean;
}

/**
 * Reduces `X` over `reducedRank` dims (uniforms `rdims`, `rstrides`) for each output of the
 * `keptRank` kept dims (`kdims`, `kstrides`); uniforms `rows` (outputs) and `reduce_count`.
 * Cooperative: one workgroup per output (`flatGrid(rows, 1)`). Serial: one thread per output
 * (`flatGrid(rows, FLAT_WORKGROUP_SIZE)`), which avoids the tree's barriers and wins when
 * each output sums few elements and there are many outputs.
 */
export function reduceKernel(op: ReduceOp, options: ReduceOptions): Kernel {
  const { keptRank, reducedRank, type, serial = false } = options;
  const r = REDUCE[op];
  const fields = [
    { name: "rows", type: "u32" as const },
    { name: "reduce_count", type: "u32" as const },
    dimsField("kdims", keptRank),
    dimsField("kstrides", keptRank),
    dimsField("rdims", reducedRank),
    dimsField("rstrides", reducedRank),
  ];
  const row = serial ? "i" : "row";
  const base = keptRank === 0
    ? "  let base = 0u;"
    : `${unflatten(row, "kdims", keptRank, [["base", "kstrides"]])}`;
  const loop = serial
    ? "var j = 0u; j < u.reduce_count; j++"
    : `var j = lid; j < u.reduce_count; j += ${ROW_WORKGROUP_SIZE}u`;
  const io = { inputs: [["X", type]] as const, outputs: [["out", type]] as const };
  const key = `reduce:${op}:k${keptRank}:r${reducedRank}`;
  if (serial) {
    return kernel(
      `${key}:serial`,
      io,
      fields,
      () =>
        `fn join0(a: f32, b: f32) -> f32 { return ${r.join}; }\n` + flatMain(
          "u.rows",
          `${base}
  var acc = ${r.init};
  for (${loop}) {
    ${unflatten("j", "rdims", reducedRank, [["off", "rstrides"]], "r").trim()}
    let v = ${load(type, "X[base + off]")};
    acc = join0(acc, ${r.map});
  }
  let r = acc;
  out[i] = ${store(type, r.end)};`,
        ),
    );
  }
  const body = `${base}
  var acc = ${r.init};
  for (${loop}) {
    ${unflatten("j", "rdims", reducedRank, [["off", "rstrides"]], "r").trim()}
    let v = ${load(type, "X[base + off]")};
    acc = join0(acc, ${r.map});
  }
  let total = reduce0(lid, acc);
  if (lid == 0u) {
    let r = total;
    out[row] = ${store(type, r.end)};
  }`;
  return kernel(key, io, fields, () => rowPrelude([r.join]) + rowMain(body));
}

/**
 * Softmax or LogSoftmax along an axis of `axis_dim` elements with stride `inner`: rows are
 * (outer, inner) pairs. Uniforms `rows`, `axis_dim`, `inner`.
 */
export function softmaxKernel(log: boolean, type: FloatType): Kernel {
  const fields = ["rows", "axis_dim", "inner"].map((name) => ({ name, type: "u32" as const }));
  const x = (at: string) => load(type, `X[${at}]`);
  const write = log ? `(${x("at")} - peak) - log(sum)` : `exp(${x("at")} - peak) / sum`;
  const body = `  let base = (row / u.inner) * u.axis_dim * u.inner + row % u.inner;
  var m = -3.402823e38;
  for (var j = lid; j < u.axis_dim; j += ${ROW_WORKGROUP_SIZE}u) { m = max(m, ${
    x("base + j * u.inner")
  }); }
  let peak = reduce0(lid, m);
  var s = 0.0;
  for (var j = lid; j < u.axis_dim; j += ${ROW_WORKGROUP_SIZE}u) { s += exp(${
    x("base + j * u.inner")
  } - peak); }
  let sum = reduce1(lid, s);
  for (var j = lid; j < u.axis_dim; j += ${ROW_WORKGROUP_SIZE}u) {
    let at = base + j * u.inner;
    out[at] = ${store(type, write)};
  }`;
  return kernel(
    `softmax:${log ? "log" : "plain"}`,
    { inputs: [["X", type]], outputs: [["out", type]] },
    fields,
    () => rowPrelude(["max(a, b)", "a + b"]) + rowMain(body),
  );
}

/**
 * LayerNormalization over the last `norm_size` elements of each row, with `Scale` (and `Bias`)
 * of that size. Uniforms `rows`, `norm_size`, `epsilon`.
 */
export function layerNormKernel(bias: boolean, type: FloatType): Kernel {
  const fields = [
    { name: "rows", type: "u32" as const },
    { name: "norm_size", type: "u32" as const },
    { name: "epsilon", type: "f32" as const },
  ];
  const inputs: (readonly [string, ElemType])[] = [["X", type], ["Scale", type]];
  if (bias) inputs.push(["Bias", type]);
  const x = load(type, "X[base + j]");
  const value = `(${x} - mean) * inv * ${load(type, "Scale[j]")}${
    bias ? ` + ${load(type, "Bias[j]")}` : ""
  }`;
  const body = `  let base = row * u.norm_size;
  var s = 0.0;
  for (var j = lid; j < u.norm_size; j += ${ROW_WORKGROUP_SIZE}u) { s += ${x}; }
  let mean = reduce0(lid, s) / f32(u.norm_size);
  var q = 0.0;
  for (var j = lid; j < u.norm_size; j += ${ROW_WORKGROUP_SIZE}u) {
    let d = ${x} - mean;
    q += d * d;
  }
  let inv = inverseSqrt(reduce0(lid, q) / f32(u.norm_size) + u.epsilon);
  for (var j = lid; j < u.norm_size; j += ${ROW_WORKGROUP_SIZE}u) {
    out[base + j] = ${store(type, value)};
  }`;
  return kernel(
    `layernorm:${bias ? "bias" : "nobias"}`,
    { inputs, outputs: [["out", type]] },
    fields,
    () => rowPrelude(["a + b"]) + rowMain(body),
  );
}

/**
 * ArgMax / ArgMin along an axis (`axis_dim` elements, stride `inner`), one output per thread;
 * ties go to the first index, or the last with `selectLast`. Uniforms `count`, `axis_dim`,
 * `inner`.
 */
export function argReduceKernel(max: boolean, selectLast: boolean, type: ElemType): Kernel {
  const fields = ["count", "axis_dim", "inner"].map((name) => ({ name, type: "u32" as const }));
  const better = `${max ? ">" : "<"}${selectLast ? "=" : ""}`;
  const body = `  let base = (i / u.inner) * u.axis_dim * u.inner + i % u.inner;
  var best = X[base];
  var at = 0u;
  for (var j = 1u; j < u.axis_dim; j++) {
    let v = X[base + j * u.inner];
    if (v ${better} best) { best = v; at = j; }
  }
  out[i] = i32(at);`;
  return kernel(
    `arg:${max ? "max" : "min"}:${selectLast ? "last" : "first"}:${type}`,
    { inputs: [["X", type]], outputs: [["out", "i32"]] },
    fields,
    () => flatMain("u.count", body),
  );
}
