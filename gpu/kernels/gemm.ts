/**
 * The tiled GEMM template shared by MatMul/Gemm (`matmul.ts`) and the implicit-GEMM
 * convolution (`conv.ts`): a workgroup computes a `tileM × tileN` block of the output; each
 * thread keeps a `rowsPerThread × 4` block of accumulators in registers. Tiles of A and B go
 * through workgroup memory as vec4s `tileK` columns at a time, so each element read from
 * global memory feeds many multiply-adds. The caller supplies the loads (`loadA`, `loadB`) and
 * the epilogue, so strides, im2col and bias live outside the template.
 */
import { Activation, ACTIVATION_FIELDS, activationWgsl } from "./activation.ts";
import { ElemType, FloatType, Kernel, kernel, store } from "./kernel.ts";
import type { UniformField } from "../uniforms.ts";

export interface GemmTile {
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  /** Output rows per thread, a multiple of 4; columns per thread are always 4. */
  readonly rowsPerThread: number;
  /** No tiling: one output per thread, a plain dot product (for outputs of a few pixels). */
  readonly dot?: true;
}

/**
 * Tiles measured on lavapipe. Keeping A and B tiles in workgroup memory as vec4s (one load
 * feeds 16 multiply-adds) ran 1.5–2× faster at 1024³ than scalar tiles, and 1.5-2× faster
 * for the 8-row products of mobile CNNs. 64 × 64 × 32 tiles of 256 threads fit WebGPU's
 * default 16 KiB of workgroup memory and ran as fast as larger ones. For the small products of
 * mobile CNNs (M ≤ 400, N ≤ 1024) big tiles are mostly padding; 32 × 32 (or 32 × 16 for a few
 * pixels) tiles of 64 threads ran 1.3–2× faster there.
 */
export const TILE_LARGE: GemmTile = { tileM: 64, tileN: 64, tileK: 32, rowsPerThread: 4 };
export const TILE_SQUARE: GemmTile = { tileM: 32, tileN: 32, tileK: 16, rowsPerThread: 4 };
export const TILE_NARROW: GemmTile = { tileM: 32, tileN: 16, tileK: 16, rowsPerThread: 4 };
/** For a few rows (GEMV-like): 8 × 64 tiles, 16 × 2 threads. */
export const TILE_GEMV: GemmTile = { tileM: 8, tileN: 64, tileK: 32, rowsPerThread: 4 };

/**
 * One output per thread without workgroup memory: for products with a handful of columns
 * (squeeze-excite convolutions after global pooling) a tiled workgroup is mostly padding and
 * its barriers dominate; measured 2-8× faster there.
 */
export const TILE_DOT: GemmTile = { tileM: 1, tileN: 64, tileK: 1, rowsPerThread: 1, dot: true };

/** Outputs this narrow use `TILE_DOT`. */
const DOT_COLUMNS_MAX = 4;

/** Large tiles only when they waste at most this share of the work on padding. */
const LARGE_PADDING_MAX = 1.15;
/** ... and still give both cores of a small machine several workgroups. */
const LARGE_WORKGROUPS_MIN = 4;

/** Picks the tile for an `m × n` output (per batch entry). */
export function gemmTileFor(m: number, n: number): GemmTile {
  if (n <= DOT_COLUMNS_MAX) return TILE_DOT;
  if (m <= 8) return TILE_GEMV;
  const rows = Math.ceil(m / TILE_LARGE.tileM);
  const cols = Math.ceil(n / TILE_LARGE.tileN);
  const padding = (rows * TILE_LARGE.tileM * cols * TILE_LARGE.tileN) / (m * n);
  if (padding <= LARGE_PADDING_MAX && rows * cols >= LARGE_WORKGROUPS_MIN) return TILE_LARGE;
  return n <= 16 ? TILE_NARROW : TILE_SQUARE;
}

/** The parts of a tiled GEMM that differ between MatMul/Gemm and convolution. */
export interface GemmTemplate {
  readonly key: string;
  readonly tile: GemmTile;
  readonly inputs: readonly (readonly [string, ElemType])[];
  /** How the output is stored. */
  readonly type: FloatType;
  readonly fields: readonly UniformField[];
  /** WGSL statements run first; define `a_base`, `b_base`, `o_base` from `batch`. */
  readonly prologue: string;
  /** WGSL `fn loadA(m: u32, k: u32) -> f32` and `fn loadB(k: u32, n: u32) -> f32`. */
  readonly loaders: string;
  /** WGSL expression of the final value from the dot product `dot` at row `m`, column `n`. */
  readonly epilogue: string;
  readonly activation: Activation;
}

/** Workgroup counts for an `m × n` output per batch entry, `batch` entries. */
export function gemmGrid(
  tile: GemmTile,
  m: number,
  n: number,
  batch: number,
): [number, number, number] {
  if (tile.dot === true) return [Math.ceil((m * n) / DOT_WORKGROUP_SIZE), 1, batch];
  return [Math.ceil(n / tile.tileN), Math.ceil(m / tile.tileM), batch];
}

const DOT_WORKGROUP_SIZE = 64;

function dotKernel(t: GemmTemplate, key: string, fields: readonly UniformField[]): Kernel {
  return kernel(key, { inputs: t.inputs, outputs: [["out", t.type]] }, fields, () =>
    `${t.loaders}
@compute @workgroup_size(${DOT_WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let batch = wid.z;
${t.prologue}
  let t = wid.x * ${DOT_WORKGROUP_SIZE}u + li;
  if (t >= u.M * u.N) { return; }
  {
    // A block of its own: the prologue may already have named an \`n\` or an \`m\`.
    let m = t / u.N;
    let n = t % u.N;
    var dot = 0.0;
    for (var k = 0u; k < u.K; k++) { dot = fma(loadA(m, k), loadB(k, n), dot); }
    let v = ${t.epilogue};
    out[o_base + m * u.N + n] = ${store(t.type, activationWgsl(t.activation, "v"))};
  }
}
`);
}

/**
 * The GEMM kernel for a template; uniforms must include `M`, `N`, `K`. Tiles keep A and B in
 * workgroup memory as vec4s: thread `(x, y)` owns rows `y, y + ty, y + 2ty, ...` and columns
 * `x, x + tx, x + 2tx, x + 3tx`, so one vec4 of B and one of A feed 16 multiply-adds.
 */
export function gemmKernel(t: GemmTemplate): Kernel {
  const { tileM, tileN, tileK, rowsPerThread } = t.tile;
  const shape = t.tile.dot === true ? "dot" : `t${tileM}x${tileN}x${tileK}r${rowsPerThread}`;
  const key = `${t.key}:${shape}:${t.activation}`;
  const fields = [
    { name: "M", type: "u32" as const },
    { name: "N", type: "u32" as const },
    { name: "K", type: "u32" as const },
    ...ACTIVATION_FIELDS,
    ...t.fields,
  ];
  if (t.tile.dot === true) return dotKernel(t, key, fields);
  if (rowsPerThread % 4 !== 0) throw new Error("inferdb internal: tile rows must come in fours");
  return tiledKernel(t, key, fields, tileN / 4, tileM / rowsPerThread);
}

function tiledKernel(
  t: GemmTemplate,
  key: string,
  fields: readonly UniformField[],
  threadsX: number,
  threadsY: number,
): Kernel {
  const { tileM, tileN, tileK, rowsPerThread } = t.tile;
  const threads = threadsX * threadsY;
  const groups = rowsPerThread / 4;
  const value = store(t.type, activationWgsl(t.activation, "v"));
  const accumulate: string[] = [];
  for (let g = 0; g < groups; g++) {
    accumulate.push(
      `      let a${g} = As[kk * ${threadsY * groups}u + lid.y * ${groups}u + ${g}u];`,
    );
    for (let j = 0; j < 4; j++) {
      accumulate.push(
        `      acc[${g * 4 + j}] = fma(vec4<f32>(a${g}[${j}]), b, acc[${g * 4 + j}]);`,
      );
    }
  }
  return kernel(
    key,
    { inputs: t.inputs, outputs: [["out", t.type]] },
    fields,
    () =>
      `var<workgroup> As: array<vec4<f32>, ${(tileM * tileK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(tileN * tileK) / 4}>;
${t.loaders}
@compute @workgroup_size(${threadsX}, ${threadsY})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let batch = wid.z;
${t.prologue}
  let m0 = wid.y * ${tileM}u;
  let n0 = wid.x * ${tileN}u;
  var acc: array<vec4<f32>, ${rowsPerThread}>;
  for (var k0 = 0u; k0 < u.K; k0 += ${tileK}u) {
    for (var e = li; e < ${(tileM * tileK) / 4}u; e += ${threads}u) {
      let kk = e / ${threadsY * groups}u;
      let yg = e % ${threadsY * groups}u;
      let y = yg / ${groups}u;
      let g = yg % ${groups}u;
      let m = m0 + y + g * ${4 * threadsY}u;
      As[e] = vec4<f32>(loadA(m, k0 + kk), loadA(m + ${threadsY}u, k0 + kk),
        loadA(m + ${2 * threadsY}u, k0 + kk), loadA(m + ${3 * threadsY}u, k0 + kk));
    }
    for (var e = li; e < ${(tileN * tileK) / 4}u; e += ${threads}u) {
      let kk = e / ${threadsX}u;
      let n = n0 + e % ${threadsX}u;
      Bs[e] = vec4<f32>(loadB(k0 + kk, n), loadB(k0 + kk, n + ${threadsX}u),
        loadB(k0 + kk, n + ${2 * threadsX}u), loadB(k0 + kk, n + ${3 * threadsX}u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${tileK}u; kk++) {
      let b = Bs[kk * ${threadsX}u + lid.x];
${accumulate.join("\n")}
    }
    workgroupBarrier();
  }
  for (var g = 0u; g < ${groups}u; g++) {
    for (var j = 0u; j < 4u; j++) {
      let m = m0 + lid.y + (g * 4u + j) * ${threadsY}u;
      if (m >= u.M) { continue; }
      for (var c = 0u; c < 4u; c++) {
        let n = n0 + lid.x + c * ${threadsX}u;
        if (n >= u.N) { continue; }
        let dot = acc[g * 4u + j][c];
        let v = ${t.epilogue};
        out[o_base + m * u.N + n] = ${value};
      }
    }
  }
}
`,
  );
}
