/**
 * Data movement without arithmetic. Elements are moved as words: 32-bit ones, so one pipeline
 * serves f32, i32 and BOOL alike, or f16 ones for f16 tensors:
 *
 * - `stridedCopyKernel`: `dst[dst_off + c·dst_strides] = src[src_off + c·src_strides]` over
 *   an iteration shape. Transpose, Slice (any steps), Split, Concat (one copy per input into
 *   its region of the output) and Expand (stride 0) are all this kernel with other strides.
 * - `gatherKernel`: Gather along one axis, negative indices counting from the end.
 * - `padKernel`: Pad in constant, reflect or edge mode.
 */
import { dimsField, ElemType, flatMain, Kernel, kernel, unflatten } from "./kernel.ts";
import { uniformAt } from "../uniforms.ts";

/** The word a copy moves per element. */
export type Word = "u32" | "f16";

/** The word that moves elements stored as `type`. */
export function wordOf(type: ElemType): Word {
  return type === "f16" ? "f16" : "u32";
}

/** Uniforms `count`, `src_off`, `dst_off`, `shape`, `src_strides`, `dst_strides`. */
export function stridedCopyKernel(rank: number, word: Word): Kernel {
  const fields = [
    { name: "count", type: "u32" as const },
    { name: "src_off", type: "u32" as const },
    { name: "dst_off", type: "u32" as const },
    dimsField("shape", rank),
    dimsField("src_strides", rank),
    dimsField("dst_strides", rank),
  ];
  const body = `${unflatten("i", "shape", rank, [["s", "src_strides"], ["d", "dst_strides"]])}
  out[u.dst_off + d] = src[u.src_off + s];`;
  return kernel(
    `copy:r${rank}`,
    { inputs: [["src", word]], outputs: [["out", word]] },
    fields,
    () => flatMain("u.count", body),
  );
}

/**
 * Gather: the output is `[outer, indices, inner]`; uniforms `count`, `axis_dim`,
 * `index_count`, `inner`. An index outside `[-axis_dim, axis_dim)` reads as 0.
 */
export function gatherKernel(word: Word): Kernel {
  const fields = ["count", "axis_dim", "index_count", "inner"].map((name) => ({
    name,
    type: "u32" as const,
  }));
  const body = `  let k = i % u.inner;
  let j = (i / u.inner) % u.index_count;
  let o = i / (u.inner * u.index_count);
  var at = indices[j];
  if (at < 0) { at += i32(u.axis_dim); }
  if (at < 0 || at >= i32(u.axis_dim)) { out[i] = ${word}(0); return; }
  out[i] = data[(o * u.axis_dim + u32(at)) * u.inner + k];`;
  return kernel(
    "gather",
    { inputs: [["data", word], ["indices", "i32"]], outputs: [["out", word]] },
    fields,
    () => flatMain("u.count", body),
  );
}

export type PadMode = "constant" | "reflect" | "edge";

/**
 * Pad: uniforms `count`, `value` (the constant's 32-bit pattern; an f32 one for f16 words),
 * `out_shape`, `in_shape`, `in_strides`, `pads` (leading pads, as u32 of possibly negative
 * values).
 */
export function padKernel(mode: PadMode, rank: number, word: Word): Kernel {
  const fields = [
    { name: "count", type: "u32" as const },
    { name: "value", type: "u32" as const },
    dimsField("out_shape", rank),
    dimsField("in_shape", rank),
    dimsField("in_strides", rank),
    dimsField("pads", rank),
  ];
  const fill = word === "f16" ? "f16(bitcast<f32>(u.value))" : "u.value";
  const lines = [unflatten("i", "out_shape", rank, [])];
  lines.push("  var src = 0u;");
  for (let d = 0; d < rank; d++) {
    const size = `i32(${uniformAt("in_shape", d)})`;
    lines.push(`  var x${d} = i32(c${d}) - i32(${uniformAt("pads", d)});`);
    if (mode === "constant") {
      lines.push(`  if (x${d} < 0 || x${d} >= ${size}) { out[i] = ${fill}; return; }`);
    } else if (mode === "edge") {
      lines.push(`  x${d} = clamp(x${d}, 0, ${size} - 1);`);
    } else {
      lines.push(`  if (${size} > 1) {
    let period = 2 * (${size} - 1);
    var r = x${d} % period;
    if (r < 0) { r += period; }
    x${d} = select(r, period - r, r >= ${size});
  } else { x${d} = 0; }`);
    }
    lines.push(`  src += u32(x${d}) * ${uniformAt("in_strides", d)};`);
  }
  lines.push("  out[i] = src_data[src];");
  return kernel(
    `pad:${mode}:r${rank}`,
    { inputs: [["src_data", word]], outputs: [["out", word]] },
    fields,
    () => flatMain("u.count", lines.join("\n")),
  );
}
