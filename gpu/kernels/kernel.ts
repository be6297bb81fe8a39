/**
 * What every kernel generator returns, and the WGSL pieces they share. A kernel binds its
 * storage buffers first (inputs read-only, then outputs read-write) and its uniforms last;
 * every declared binding is used by the source, because pipelines use `layout: "auto"`, which
 * drops unused bindings. Shapes and strides are uniforms; ranks, element types and tile sizes
 * are in the key, so one pipeline serves every shape of a rank.
 *
 * Float tensors are stored as f32, or as f16 where the device has `shader-f16`: an f16 kernel
 * binds `array<f16>`, converts each element to f32 as it loads it (`load`) and back as it stores
 * (`store`), so storage and bandwidth are halved while sums and products keep f32 precision.
 * `kernel()` adds `enable f16;` and the binding types to the key of every kernel that binds f16.
 */
import type { KernelSource } from "../pipeline_cache.ts";
import { uniformAt, UniformField, UniformLayout, vec4Count } from "../uniforms.ts";

/** Element types as stored on the GPU (ints widen to i32, BOOL to u32, floats f32 or f16). */
export type ElemType = "f32" | "f16" | "i32" | "u32";

/** How a float tensor is stored. */
export type FloatType = "f32" | "f16";

/** What a storage binding holds: elements, or floats read four at a time. */
export type BindingType = ElemType | "vec4<f32>" | "vec4<f16>";

/** WGSL reading the stored element `expr` of `type` as the type arithmetic runs in. */
export function load(type: ElemType, expr: string): string {
  return type === "f16" ? `f32(${expr})` : expr;
}

/** WGSL reading four stored floats `expr` of `type` as a `vec4<f32>`. */
export function loadVec4(type: FloatType, expr: string): string {
  return type === "f16" ? `vec4<f32>(${expr})` : expr;
}

/** WGSL turning the computed value `expr` into an element stored as `type`. */
export function store(type: ElemType, expr: string): string {
  return type === "f16" ? `f16(${expr})` : expr;
}

export interface Kernel extends KernelSource {
  readonly uniforms: UniformLayout;
  /** Storage bindings: `inputs` read-only ones, then `outputs` read-write ones. */
  readonly inputs: number;
  readonly outputs: number;
  /** Binds f16 storage: the device needs the `shader-f16` feature. */
  readonly f16: boolean;
}

/** Threads per workgroup of the flat (one item per thread) kernels. */
export const FLAT_WORKGROUP_SIZE = 128;

/** The storage and uniform declarations of a kernel. */
export function bindings(
  inputs: readonly (readonly [string, BindingType])[],
  outputs: readonly (readonly [string, BindingType])[],
  uniforms: UniformLayout,
): string {
  const lines: string[] = [];
  inputs.forEach(([name, type], i) =>
    lines.push(`@group(0) @binding(${i}) var<storage, read> ${name}: array<${type}>;`)
  );
  outputs.forEach(([name, type], i) =>
    lines.push(
      `@group(0) @binding(${inputs.length + i}) var<storage, read_write> ${name}: array<${type}>;`,
    )
  );
  return `${lines.join("\n")}\n${uniforms.wgsl}`;
}

/** Builds a `Kernel`: uniforms bind after the storage buffers. */
export function kernel(
  key: string,
  io: {
    inputs: readonly (readonly [string, BindingType])[];
    outputs: readonly (readonly [string, BindingType])[];
  },
  fields: readonly UniformField[],
  body: (uniforms: UniformLayout) => string,
): Kernel {
  const uniforms = new UniformLayout(fields, io.inputs.length + io.outputs.length);
  const types = [...io.inputs, ...io.outputs].map(([, type]) => type);
  const f16 = types.some((type) => type.includes("f16"));
  const source = `${f16 ? "enable f16;\n" : ""}${bindings(io.inputs, io.outputs, uniforms)}\n${
    body(uniforms)
  }`;
  return {
    key: f16 ? `${key}:${types.join(",")}` : key,
    source,
    uniforms,
    inputs: io.inputs.length,
    outputs: io.outputs.length,
    f16,
  };
}

/** A `vec4<u32>` array field holding `rank` dims or strides. */
export function dimsField(name: string, rank: number): UniformField {
  return { name, type: "vec4<u32>", count: vec4Count(rank) };
}

/**
 * WGSL that splits the flat index `flat` over the dims in uniform `shape` (rank `rank`) and
 * accumulates, for each `[offsetVar, stridesField]`, the dot product of the coordinates with
 * that strides field. Unrolled: `rank` is part of the kernel key. Coordinates are `c0`, `c1`,
 * ... (after `prefix`). Strides may be negative, stored as u32: wrapping arithmetic still
 * yields the right offset.
 */
export function unflatten(
  flat: string,
  shape: string,
  rank: number,
  targets: readonly (readonly [string, string])[],
  prefix = "",
): string {
  const rem = `${prefix}rem`;
  const lines = [`var ${rem} = ${flat};`];
  for (const [offset] of targets) lines.push(`var ${offset} = 0u;`);
  for (let d = rank - 1; d >= 0; d--) {
    const dim = uniformAt(shape, d);
    const c = `${prefix}c${d}`;
    lines.push(
      d === 0 ? `let ${c} = ${rem};` : `let ${c} = ${rem} % ${dim}; ${rem} = ${rem} / ${dim};`,
    );
    for (const [offset, strides] of targets) {
      lines.push(`${offset} += ${c} * ${uniformAt(strides, d)};`);
    }
  }
  return lines.map((line) => `  ${line}`).join("\n");
}

/** The compute entry point header for flat kernels: `i` is the item, returned if `i >= n`. */
export function flatMain(countExpr: string, body: string): string {
  return `@compute @workgroup_size(${FLAT_WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let i = (wid.y * groups.x + wid.x) * ${FLAT_WORKGROUP_SIZE}u + lid;
  if (i >= ${countExpr}) { return; }
${body}
}
`;
}
