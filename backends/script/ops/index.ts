/**
 * Tensor indexing on the CPU: `t[items]` and `t[items] = value` with integers, slices,
 * `None`, `...` and one tensor index (an integer index tensor or a boolean mask), following
 * PyTorch's (NumPy's) rules and IndexError texts; plus `index_select` and `nonzero`.
 * Results are copies; assignment writes through to the indexed tensor (copying shared
 * storage first).
 */
import { elementCount } from "../../../core/tensor.ts";
import { cast, expand } from "./elementwise.ts";
import { Operand, scalarDType } from "./promote.ts";
import { gather } from "./layout.ts";
import {
  allocate,
  isFloating,
  numbers,
  opError,
  output,
  ScriptTensor,
  shapeText,
  storeAt,
} from "./script_tensor.ts";
import { stridesOf } from "./shape.ts";

export type IndexItem =
  | { readonly k: "int"; readonly i: number }
  | {
    readonly k: "slice";
    readonly start: number | undefined;
    readonly stop: number | undefined;
    readonly step: number;
  }
  | { readonly k: "none" }
  | { readonly k: "ellipsis" }
  | { readonly k: "tensor"; readonly t: ScriptTensor };

/** One output axis: a strided run, or a table of offsets (the tensor-indexed axes, flattened). */
type Axis = { readonly size: number; readonly stride: number; readonly table?: readonly number[] };

interface Plan {
  readonly offset: number;
  readonly axes: readonly Axis[];
  readonly shape: readonly number[];
}

const FULL: IndexItem = { k: "slice", start: undefined, stop: undefined, step: 1 };

function consumed(item: IndexItem): number {
  if (item.k === "int" || item.k === "slice") return 1;
  if (item.k === "tensor") return item.t.dtype === "BOOL" ? Math.max(item.t.shape.length, 1) : 1;
  return 0;
}

/** Expands `...` and pads with full slices so that every dimension is addressed. */
function normalize(shape: readonly number[], items: readonly IndexItem[]): IndexItem[] {
  const used = items.reduce((n, item) => n + consumed(item), 0);
  if (used > shape.length) {
    throw opError(`too many indices for tensor of dimension ${shape.length}`);
  }
  const ellipses = items.filter((item) => item.k === "ellipsis").length;
  if (ellipses > 1) throw opError("an index can only have a single ellipsis ('...')");
  if (items.filter((item) => item.k === "tensor").length > 1) {
    throw opError("indexing with more than one tensor index is not supported in scripts");
  }
  const fill = new Array<IndexItem>(shape.length - used).fill(FULL);
  const at = items.findIndex((item) => item.k === "ellipsis");
  return at < 0 ? [...items, ...fill] : [...items.slice(0, at), ...fill, ...items.slice(at + 1)];
}

function checkIndex(i: number, size: number, dim: number): number {
  if (i < -size || i >= size) {
    throw opError(`index ${i} is out of bounds for dimension ${dim} with size ${size}`);
  }
  return i < 0 ? i + size : i;
}

function sliceAxis(item: Extract<IndexItem, { k: "slice" }>, size: number): [number, number] {
  if (item.step <= 0) throw opError("step must be greater than zero");
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = item.start === undefined ? 0 : clamp(item.start);
  const stop = item.stop === undefined ? size : clamp(item.stop);
  return [start, Math.max(0, Math.ceil((stop - start) / item.step))];
}

/** Offsets (relative to the tensor start) selected by a tensor index at dimension `d`. */
function tableOf(
  t: ScriptTensor,
  shape: readonly number[],
  strides: readonly number[],
  d: number,
): {
  table: number[];
  shape: readonly number[];
} {
  const v = numbers(t);
  if (t.dtype === "BOOL") {
    const dims = Math.max(t.shape.length, 1);
    const own = shape.slice(d, d + dims);
    const mask = t.shape.length === 0 ? [1] : t.shape;
    mask.forEach((size, k) => {
      if (size !== own[k]) {
        throw opError(
          `The shape of the mask ${
            shapeText(t.shape)
          } at index ${k} does not match the shape of the indexed tensor ${
            shapeText(shape)
          } at index ${d + k}`,
        );
      }
    });
    const maskStrides = stridesOf(own);
    const table: number[] = [];
    for (let i = 0; i < v.length; i++) {
      if (v[i] === 0) continue;
      let off = 0;
      for (let k = 0; k < dims; k++) {
        off += Math.floor(i / (maskStrides[k] as number)) % (own[k] as number) *
          (strides[d + k] as number);
      }
      table.push(off);
    }
    return { table, shape: [table.length] };
  }
  if (isFloating(t.dtype)) {
    throw opError("tensors used as indices must be long, int, byte or bool tensors");
  }
  const size = shape[d] as number;
  const table = Array.from(v, (i) => checkIndex(i, size, d) * (strides[d] as number));
  return { table, shape: t.shape };
}

function plan(shape: readonly number[], items: readonly IndexItem[]): Plan {
  const strides = stridesOf(shape);
  const axes: Axis[] = [];
  const out: number[] = [];
  let offset = 0;
  let d = 0;
  for (const item of normalize(shape, items)) {
    if (item.k === "none") {
      axes.push({ size: 1, stride: 0 });
      out.push(1);
    } else if (item.k === "int") {
      offset += checkIndex(item.i, shape[d] as number, d) * (strides[d] as number);
      d++;
    } else if (item.k === "slice") {
      const [start, size] = sliceAxis(item, shape[d] as number);
      offset += start * (strides[d] as number);
      axes.push({ size, stride: (strides[d] as number) * item.step });
      out.push(size);
      d++;
    } else if (item.k === "tensor") {
      const { table, shape: indexShape } = tableOf(item.t, shape, strides, d);
      axes.push({ size: table.length, stride: 0, table });
      out.push(...indexShape);
      d += consumed(item);
    }
  }
  return { offset, axes, shape: out };
}

/** Calls `visit(i, offset)` for each selected element in output order. */
function forEach(p: Plan, visit: (i: number, offset: number) => void): void {
  const n = p.axes.reduce((m, a) => m * a.size, 1);
  const at = (a: Axis, j: number) => (a.table === undefined ? j * a.stride : a.table[j] as number);
  const index = new Array<number>(p.axes.length).fill(0);
  let off = p.offset + p.axes.reduce((s, a) => s + (a.size > 0 ? at(a, 0) : 0), 0);
  for (let i = 0; i < n; i++) {
    visit(i, off);
    for (let k = p.axes.length - 1; k >= 0; k--) {
      const a = p.axes[k] as Axis;
      const j = (index[k] as number) + 1;
      if (j < a.size) {
        off += at(a, j) - at(a, j - 1);
        index[k] = j;
        break;
      }
      off -= at(a, j - 1) - at(a, 0);
      index[k] = 0;
    }
  }
}

/** `t[items]`. */
export function getIndex(t: ScriptTensor, items: readonly IndexItem[]): ScriptTensor {
  const p = plan(t.shape, items);
  const data = allocate(t.dtype, elementCount(p.shape));
  if (p.axes.every((a) => a.table === undefined)) {
    gather(t.data, p.offset, p.axes.map((a) => a.size), p.axes.map((a) => a.stride), data);
  } else {
    const src = t.data as unknown as number[];
    const dst = data as unknown as number[];
    forEach(p, (i, off) => dst[i] = src[off] as number);
  }
  return new ScriptTensor(t.dtype, p.shape, data);
}

/** `t[items] = value`, broadcasting `value` to the indexed shape. */
export function setIndex(t: ScriptTensor, items: readonly IndexItem[], value: Operand): void {
  const p = plan(t.shape, items);
  const from = value instanceof ScriptTensor ? cast(value, t.dtype) : undefined;
  const valueShape = from?.shape ?? [];
  const lead = p.shape.length - valueShape.length;
  if (lead < 0 || valueShape.some((d, i) => d !== 1 && d !== p.shape[lead + i])) {
    throw opError(
      `shape mismatch: value tensor of shape ${
        shapeText(valueShape)
      } cannot be broadcast to indexing result of shape ${shapeText(p.shape)}`,
    );
  }
  const values = from === undefined
    ? [convertScalar(value as Exclude<Operand, ScriptTensor>, t)]
    : expand(numbers(from), valueShape, p.shape);
  t.own();
  const one = values.length === 1;
  forEach(p, (i, off) => storeAt(t.data, t.dtype, off, values[one ? 0 : i] as number));
}

function convertScalar(s: Exclude<Operand, ScriptTensor>, t: ScriptTensor): number {
  if (!isFloating(t.dtype) && scalarDType(s) === "FLOAT") return Math.trunc(s.value);
  return s.value;
}

/** `index_select(dim, index)`. */
export function indexSelect(t: ScriptTensor, dim: number, index: ScriptTensor): ScriptTensor {
  if (index.shape.length > 1) throw opError("index_select(): Index is supposed to be a vector");
  if (index.dtype !== "INT64" && index.dtype !== "INT32") {
    throw opError("index_select(): Expected dtype int32 or int64 for index");
  }
  const nd = Math.max(t.shape.length, 1);
  const d = dim < 0 ? dim + nd : dim;
  if (d < 0 || d >= nd) {
    throw opError(
      `Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${dim})`,
    );
  }
  const flat = new ScriptTensor(index.dtype, [index.size], index.data);
  return getIndex(t, [...new Array<IndexItem>(d).fill(FULL), { k: "tensor", t: flat }]);
}

/** `nonzero()`: INT64 `[n, ndim]` coordinates of the non-zero elements. */
export function nonzero(t: ScriptTensor): ScriptTensor {
  const v = numbers(t);
  const strides = stridesOf(t.shape);
  const hits: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) hits.push(i);
  const nd = t.shape.length;
  const o = output("INT64", [hits.length, nd]);
  hits.forEach((flat, r) => {
    for (let k = 0; k < nd; k++) {
      o.values[r * nd + k] = Math.floor(flat / (strides[k] as number)) % (t.shape[k] as number);
    }
  });
  return o.done();
}
