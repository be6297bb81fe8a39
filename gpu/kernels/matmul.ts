/**
 * MatMul (batched, NumPy batch broadcasting) and Gemm (transposes via strides, alpha, beta·C
 * with broadcasting, fused activation) on the tiled GEMM template of `gemm.ts`. Loads are
 * strided (`a_rs`, `a_cs`, ...), so transposed operands cost nothing extra and one pipeline
 * serves every shape.
 */
import { Activation, ACTIVATION_FIELDS, activationWgsl } from "./activation.ts";
import { gemmKernel, GemmTile } from "./gemm.ts";
import {
  BindingType,
  dimsField,
  ElemType,
  FloatType,
  Kernel,
  kernel,
  load,
  loadVec4,
  store,
  unflatten,
} from "./kernel.ts";
import type { UniformField } from "../uniforms.ts";

export interface MatmulOptions {
  readonly tile: GemmTile;
  /** Rank of the (broadcast) batch dims after coalescing; 0 for plain 2-D. */
  readonly batchRank: number;
  /** Gemm's C: `none`, or a matrix read with strides `c_rs`, `c_cs` (0 where broadcast). */
  readonly bias: "none" | "matrix";
  readonly activation: Activation;
  /** How A, B, C and the output are stored. */
  readonly type: FloatType;
}

/** The inputs, uniforms and batch prologue both MatMul kernels share. */
function matmulParts(options: Omit<MatmulOptions, "tile">) {
  const { batchRank, bias, type } = options;
  const inputs: (readonly [string, ElemType])[] = [["A", type], ["B", type]];
  if (bias === "matrix") inputs.push(["C", type]);
  const fields: UniformField[] = [
    { name: "alpha", type: "f32" },
    { name: "beta", type: "f32" },
    { name: "a_rs", type: "u32" },
    { name: "a_cs", type: "u32" },
    { name: "b_rs", type: "u32" },
    { name: "b_cs", type: "u32" },
    { name: "c_rs", type: "u32" },
    { name: "c_cs", type: "u32" },
  ];
  if (batchRank > 0) {
    fields.push(dimsField("batch", batchRank), dimsField("a_bs", batchRank));
    fields.push(dimsField("b_bs", batchRank));
  }
  const prologue = batchRank === 0
    ? "  let a_base = 0u;\n  let b_base = 0u;\n  let o_base = 0u;"
    : `${unflatten("batch", "batch", batchRank, [["a_off", "a_bs"], ["b_off", "b_bs"]])}
  let a_base = a_off;
  let b_base = b_off;
  let o_base = batch * u.M * u.N;`;
  const biasTerm = bias === "matrix"
    ? ` + u.beta * ${load(type, "C[m * u.c_rs + n * u.c_cs]")}`
    : "";
  return { inputs, fields, prologue, epilogue: `u.alpha * dot${biasTerm}` };
}

/**
 * MatMul / Gemm: `out = act(alpha · A·B + beta · C)` where A is read at
 * `a_base + m·a_rs + k·a_cs`, B at `b_base + k·b_rs + n·b_cs`. Batch `z` unflattens over
 * `batch` with strides `a_bs`, `b_bs`; the output is contiguous `[batch, M, N]`.
 */
export function matmulKernel(options: MatmulOptions): Kernel {
  const { inputs, fields, prologue, epilogue } = matmulParts(options);
  const loaders = `var<private> a_base_p: u32;
var<private> b_base_p: u32;
fn loadA(m: u32, k: u32) -> f32 {
  if (m >= u.M || k >= u.K) { return 0.0; }
  return ${load(options.type, "A[a_base_p + m * u.a_rs + k * u.a_cs]")};
}
fn loadB(k: u32, n: u32) -> f32 {
  if (k >= u.K || n >= u.N) { return 0.0; }
  return ${load(options.type, "B[b_base_p + k * u.b_rs + n * u.b_cs]")};
}
`;
  return gemmKernel({
    key: `matmul:b${options.batchRank}:${options.bias}`,
    tile: options.tile,
    type: options.type,
    inputs,
    fields,
    prologue: `${prologue}\n  a_base_p = a_base;\n  b_base_p = b_base;`,
    loaders,
    epilogue,
    activation: options.activation,
  });
}

/** Whether `matmulVec4Kernel` serves a tile and operands: 4 × 4 blocks, K and N in fours. */
export function vec4Applies(tile: GemmTile, k: number, n: number): boolean {
  return tile.dot !== true && tile.rowsPerThread === 4 && k % 4 === 0 && n % 4 === 0;
}

/**
 * MatMul / Gemm with row-major, untransposed A and B whose K and N are multiples of 4 (see
 * `vec4Applies`): tiles are read from global memory as vec4s (a quarter of the loads) and each
 * thread owns a 4 × 4 block of adjacent rows and columns, so one vec4 of A and one of B feed
 * 16 multiply-adds. Same uniforms as `matmulKernel`; dispatch with `gemmGrid(tile, ...)`.
 */
export function matmulVec4Kernel(options: MatmulOptions): Kernel {
  const V4 = {
    tileM: options.tile.tileM,
    tileN: options.tile.tileN,
    tileK: options.tile.tileK,
    rows: 4,
  };
  const parts = matmulParts(options);
  const inputs = parts.inputs.map(([name, type]): readonly [string, BindingType] => [
    name,
    name === "C" ? type : `vec4<${options.type}>`,
  ]);
  const [tx, ty] = [V4.tileN / 4, V4.tileM / V4.rows];
  const threads = tx * ty;
  const fields = [
    { name: "M", type: "u32" as const },
    { name: "N", type: "u32" as const },
    { name: "K", type: "u32" as const },
    ...ACTIVATION_FIELDS,
    ...parts.fields,
  ];
  const accumulate = [0, 1, 2, 3].map((j) =>
    `      acc[${j}] = fma(vec4<f32>(a[${j}]), b, acc[${j}]);`
  );
  return kernel(
    `matmul4:b${options.batchRank}:${options.bias}:t${V4.tileM}x${V4.tileN}x${V4.tileK}:${options.activation}`,
    { inputs, outputs: [["out", options.type]] },
    fields,
    () =>
      `var<workgroup> As: array<vec4<f32>, ${(V4.tileM * V4.tileK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(V4.tileN * V4.tileK) / 4}>;
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let batch = wid.z;
${parts.prologue}
  let m0 = wid.y * ${V4.tileM}u;
  let n0 = wid.x * ${V4.tileN}u;
  let k4 = u.K / 4u;
  let n4 = u.N / 4u;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 += ${V4.tileK}u) {
    // A: each load is 4 consecutive k of one row, spread over 4 rows of the k-major tile.
    for (var e = li; e < ${(V4.tileM * V4.tileK) / 4}u; e += ${threads}u) {
      let mm = e / ${V4.tileK / 4}u;
      let kq = e % ${V4.tileK / 4}u;
      let m = m0 + mm;
      let kv = k0 / 4u + kq;
      var v = vec4<f32>();
      if (m < u.M && kv < k4) { v = ${loadVec4(options.type, "A[a_base / 4u + m * k4 + kv]")}; }
      for (var j = 0u; j < 4u; j++) { As[(kq * 4u + j) * ${
        V4.tileM / 4
      }u + mm / 4u][mm % 4u] = v[j]; }
    }
    // B: each load is 4 consecutive columns of one k, stored as they are.
    for (var e = li; e < ${(V4.tileN * V4.tileK) / 4}u; e += ${threads}u) {
      let kk = e / ${V4.tileN / 4}u;
      let nq = n0 / 4u + e % ${V4.tileN / 4}u;
      var v = vec4<f32>();
      if (k0 + kk < u.K && nq < n4) { v = ${
        loadVec4(options.type, "B[b_base / 4u + (k0 + kk) * n4 + nq]")
      }; }
      Bs[e] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${V4.tileK}u; kk++) {
      let b = Bs[kk * ${tx}u + lid.x];
      let a = As[kk * ${V4.tileM / 4}u + lid.y];
${accumulate.join("\n")}
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + lid.y * 4u + r;
    if (m >= u.M) { continue; }
    for (var c = 0u; c < 4u; c++) {
      let n = n0 + lid.x * 4u + c;
      if (n >= u.N) { continue; }
      let dot = acc[r][c];
      let v = ${parts.epilogue};
      out[o_base + m * u.N + n] = ${store(options.type, activationWgsl(options.activation, "v"))};
    }
  }
}
`,
  );
}
