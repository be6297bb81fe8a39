/**
 * Resize (opset 10 and 11+): `nearest` or `linear`, scales or sizes, optional `axes`
 * (opset 18). Opset 10 behaves as ONNX Runtime does for it: asymmetric coordinates, floor
 * rounding. Cubic mode, `tf_crop_and_resize` and antialiasing are refused.
 */
import { CoordinateMode, NearestMode, resizeKernel } from "../../../gpu/kernels/resize.ts";
import { attrInt, attrInts, attrString, GraphNode } from "../graph.ts";
import {
  elementCount,
  fail,
  flatCall,
  floatType,
  hostInput,
  input,
  io,
  normalizeAxis,
  OpImpl,
  OpNode,
  stridesOf,
} from "./op.ts";

const COORDINATE_MODES: readonly string[] = [
  "half_pixel",
  "half_pixel_symmetric",
  "pytorch_half_pixel",
  "align_corners",
  "asymmetric",
  "tf_half_pixel_for_nn",
];
const NEAREST_MODES: readonly string[] = [
  "round_prefer_floor",
  "round_prefer_ceil",
  "floor",
  "ceil",
];

function check(node: GraphNode): string | undefined {
  const mode = attrString(node, "mode", "nearest");
  if (mode !== "nearest" && mode !== "linear") return `mode ${mode}`;
  const coordinate = attrString(node, "coordinate_transformation_mode", "half_pixel");
  if (!COORDINATE_MODES.includes(coordinate)) return `coordinate_transformation_mode ${coordinate}`;
  if (!NEAREST_MODES.includes(attrString(node, "nearest_mode", "round_prefer_floor"))) {
    return "nearest_mode";
  }
  if (attrInt(node, "antialias", 0) !== 0) return "antialias";
  return undefined;
}

function resizeGeometry(op: OpNode): { shape: number[]; scales: number[] } {
  const reason = check(op.node);
  if (reason !== undefined) fail(op.node, `${reason} is not supported`);
  const x = input(op, 0).shape;
  const rank = x.length;
  const axes = attrInts(op.node, "axes")?.map((a) => normalizeAxis(op.node, a, rank)) ??
    Array.from({ length: rank }, (_, d) => d);
  const scalesGiven = op.opset < 11 ? hostInput(op, 1) : hostInput(op, 2);
  const sizesGiven = op.opset < 11 ? undefined : hostInput(op, 3);
  const shape = [...x];
  const scales = x.map(() => 1);
  if (sizesGiven !== undefined && sizesGiven.length > 0) {
    if (sizesGiven.length !== axes.length) fail(op.node, "sizes must have one value per axis");
    axes.forEach((a, i) => {
      shape[a] = sizesGiven[i] ?? 0;
      scales[a] = (shape[a] ?? 0) / (x[a] || 1);
    });
  } else if (scalesGiven !== undefined && scalesGiven.length > 0) {
    if (scalesGiven.length !== axes.length) fail(op.node, "scales must have one value per axis");
    axes.forEach((a, i) => {
      scales[a] = scalesGiven[i] ?? 1;
      shape[a] = Math.floor((x[a] ?? 0) * (scales[a] ?? 1));
    });
  } else {
    fail(op.node, "needs scales or sizes");
  }
  return { shape, scales };
}

const resize: OpImpl = {
  check,
  hostInputs: [1, 2, 3],
  infer: (op) => [{ type: input(op, 0).type, shape: resizeGeometry(op).shape }],
  encode: (op) => {
    const x = input(op, 0);
    const type = floatType(op, 0);
    const { shape, scales } = resizeGeometry(op);
    const legacy = op.opset < 11;
    const mode = attrString(op.node, "mode", "nearest") as "nearest" | "linear";
    const coordinate =
      (legacy
        ? "asymmetric"
        : attrString(op.node, "coordinate_transformation_mode", "half_pixel")) as CoordinateMode;
    const nearest =
      (legacy ? "floor" : attrString(op.node, "nearest_mode", "round_prefer_floor")) as NearestMode;
    const rank = Math.max(1, shape.length);
    const linearAxes = shape.map((_, d) => d).filter((d) =>
      shape[d] !== x.shape[d] || scales[d] !== 1
    );
    const count = elementCount(shape);
    const orOne = (list: readonly number[]) => (list.length === 0 ? [1] : [...list]);
    return [flatCall(resizeKernel({ rank, mode, coordinate, nearest, linearAxes, type }), io(1), {
      count,
      in_shape: orOne(x.shape),
      out_shape: orOne(shape),
      in_strides: orOne(stridesOf(x.shape)),
      scales: orOne(scales),
    }, count)];
  },
};

export const RESIZE_OPS: Readonly<Record<string, OpImpl>> = { Resize: resize };
