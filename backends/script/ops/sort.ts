/**
 * `sort` and `topk` on the CPU: values with INT64 indices along one dimension. The sort is
 * stable and puts NaN last (first when descending), as PyTorch does.
 */
import { chargeWork, numbers, opError, output, ScriptTensor } from "./script_tensor.ts";
import { normDim, stridesOf } from "./shape.ts";

function compare(x: number, y: number): number {
  const nx = Number.isNaN(x);
  const ny = Number.isNaN(y);
  if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts along `dim`; keeps the first `k` of each row (all when `k` is undefined). */
function sortRows(
  t: ScriptTensor,
  dim: number,
  descending: boolean,
  k: number | undefined,
): [ScriptTensor, ScriptTensor] {
  const nd = t.shape.length;
  const d = normDim(dim, nd);
  const size = nd === 0 ? 1 : t.shape[d] as number;
  const keep = k ?? size;
  if (keep < 0 || keep > size) throw opError("selected index k out of range");
  const stride = nd === 0 ? 1 : stridesOf(t.shape)[d] as number;
  const shape = nd === 0 ? [] : t.shape.map((s, i) => (i === d ? keep : s));
  chargeWork(t.size * Math.max(1, Math.ceil(Math.log2(size + 1))));
  const x = numbers(t);
  const values = output(t.dtype, shape);
  const indices = output("INT64", shape);
  const outer = t.size / Math.max(size * stride, 1);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < stride; s++) {
      const base = o * size * stride + s;
      const outBase = o * keep * stride + s;
      for (let i = 0; i < size; i++) order[i] = i;
      order.sort((a, b) => {
        const c = compare(x[base + a * stride] as number, x[base + b * stride] as number);
        return (descending ? -c : c) || a - b;
      });
      for (let i = 0; i < keep; i++) {
        const from = order[i] as number;
        values.values[outBase + i * stride] = x[base + from * stride] as number;
        indices.values[outBase + i * stride] = from;
      }
    }
  }
  return [values.done(), indices.done()];
}

export function sort(
  t: ScriptTensor,
  dim: number,
  descending: boolean,
): [ScriptTensor, ScriptTensor] {
  return sortRows(t, dim, descending, undefined);
}

export function topk(
  t: ScriptTensor,
  k: number,
  dim: number,
  largest: boolean,
): [ScriptTensor, ScriptTensor] {
  return sortRows(t, dim, largest, k);
}
