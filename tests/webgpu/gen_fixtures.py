#!/usr/bin/python3
"""Generates the WebGPU conformance fixtures: one JSON file per op family under fixtures/.

Expected values come from NumPy reference implementations written here, independently of the
TypeScript kernels. Run with Debian's python3-numpy (no network, no onnxruntime):

    /usr/bin/python3 tests/webgpu/gen_fixtures.py

Each case is {name, op, opset, attributes, inputs, expected, tolerance}. Attributes are typed
({"f": 0.5}, {"i": 1}, {"s": "linear"}, {"ints": [...]}, {"floats": [...]}); an input with
"initializer": true is given to the graph as an initializer (weights, shapes, axes).
The random seed is fixed, so rerunning reproduces the same files.

float16.json reruns the float32 families with random inputs drawn as float16 values, relabels
their float tensors float16 (expected values rounded to float16; cases whose inputs are not
float16 values are left out) and adds casts to and from float16. The kernels compute in float32
and round once, so these cases differ from NumPy by at most one float16 ulp.
"""
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261124)
TYPES = {np.float32: "float32", np.float16: "float16", np.int64: "int64", np.bool_: "bool",
         np.int32: "int32"}
# While true, random floats are float16 values (see float16()).
HALF = False


def tensor(array, initializer=False):
    array = np.asarray(array)
    kind = TYPES[array.dtype.type]
    data = array.reshape(-1).tolist()
    if kind == "bool":
        data = [int(v) for v in data]
    elif kind == "float32":
        # Nine significant digits round-trip every float32 and keep the files small.
        data = [float(f"{v:.9g}") for v in data]
    elif kind == "float16":
        data = [float(v) for v in data]
    out = {"type": kind, "shape": list(array.shape), "data": data}
    if initializer:
        out["initializer"] = True
    return out


def case(name, op, inputs, expected, attributes=None, opset=13, tolerance=1e-4):
    return {
        "name": name,
        "op": op,
        "opset": opset,
        "attributes": attributes or {},
        "inputs": [None if i is None else (i if isinstance(i, dict) else tensor(i)) for i in inputs],
        "expected": [tensor(e) for e in expected],
        "tolerance": tolerance,
    }


def randf(*shape, low=-2.0, high=2.0):
    values = rng.uniform(low, high, size=shape).astype(np.float32)
    return values.astype(np.float16).astype(np.float32) if HALF else values


def randq(*shape):
    """Quarters in [-2, 2]: products and sums stay exact and print short (big cases)."""
    return (rng.integers(-8, 9, size=shape) / 4).astype(np.float32)


def ints(v):
    return {"ints": [int(x) for x in v]}


# ---------------------------------------------------------------- elementwise
def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64)).astype(np.float32)


def elementwise():
    x = randf(2, 3, 4)
    pos = randf(2, 3, 4, low=0.1, high=3.0)
    cases = []
    unary = {
        "Relu": lambda a: np.maximum(a, 0),
        "Sigmoid": lambda a: 1 / (1 + np.exp(-a)),
        "Tanh": np.tanh,
        "Exp": np.exp,
        "Abs": np.abs,
        "Neg": np.negative,
        "Erf": erf,
        "HardSwish": lambda a: a * np.clip(a / 6 + 0.5, 0, 1),
        "Softplus": lambda a: np.log1p(np.exp(a)),
        "Floor": np.floor,
        "Ceil": np.ceil,
        "Sin": np.sin,
        "Cos": np.cos,
        "Sign": np.sign,
    }
    for op, fn in unary.items():
        cases.append(case(op, op, [x], [fn(x).astype(np.float32)]))
    cases.append(case("Log", "Log", [pos], [np.log(pos)]))
    cases.append(case("Sqrt", "Sqrt", [pos], [np.sqrt(pos)]))
    cases.append(case("Reciprocal", "Reciprocal", [pos], [(1 / pos).astype(np.float32)]))
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6], np.float32)
    cases.append(case("Round_half_even", "Round", [halves], [np.round(halves)]))
    cases.append(case("LeakyRelu", "LeakyRelu", [x], [np.where(x >= 0, x, 0.1 * x)], {"alpha": {"f": 0.1}}))
    cases.append(case("LeakyRelu_default", "LeakyRelu", [x], [np.where(x >= 0, x, 0.01 * x)]))
    cases.append(case("Elu", "Elu", [x], [np.where(x >= 0, x, 0.5 * (np.exp(x) - 1))], {"alpha": {"f": 0.5}}))
    cases.append(case("HardSigmoid_default", "HardSigmoid", [x], [np.clip(0.2 * x + 0.5, 0, 1)]))
    cases.append(case("HardSigmoid", "HardSigmoid", [x], [np.clip(0.25 * x + 0.4, 0, 1)],
                      {"alpha": {"f": 0.25}, "beta": {"f": 0.4}}))
    lo, hi = np.float32(-0.5), np.float32(1.0)
    cases.append(case("Clip_inputs", "Clip", [x, tensor(lo, True), tensor(hi, True)], [np.clip(x, lo, hi)]))
    cases.append(case("Clip_min_only", "Clip", [x, tensor(lo, True)], [np.maximum(x, lo)]))
    cases.append(case("Clip_attrs_opset6", "Clip", [x], [np.clip(x, -1, 0.5)],
                      {"min": {"f": -1.0}, "max": {"f": 0.5}}, opset=6))
    b = randf(4)
    col = randf(3, 1)
    cases.append(case("Add_broadcast_last", "Add", [x, b], [x + b]))
    a21 = randf(2, 1, 4)
    cases.append(case("Sub_broadcast_both", "Sub", [a21, col], [a21 - col]))
    s = np.float32(1.5)
    cases.append(case("Mul_scalar", "Mul", [x, np.array(s)], [x * s]))
    cases.append(case("Div", "Div", [x, pos], [(x / pos).astype(np.float32)]))
    base = np.array([-2, -1.5, 0, 1.5, 2, 3], np.float32).reshape(2, 3)
    expo = np.array([2, 3, 2, 0.5, -1, 2], np.float32).reshape(2, 3)
    cases.append(case("Pow_mixed_signs", "Pow", [base, expo], [np.power(base, expo)]))
    cases.append(case("Max", "Max", [x, b], [np.maximum(x, b)]))
    cases.append(case("Min", "Min", [x, b], [np.minimum(x, b)]))
    slope = randf(3, 1)
    cases.append(case("PRelu", "PRelu", [x, slope], [np.where(x >= 0, x, x * slope)]))
    y = np.round(randf(2, 3, 4))
    xr = np.round(x)
    for op, fn in {"Equal": np.equal, "Greater": np.greater, "Less": np.less,
                   "GreaterOrEqual": np.greater_equal, "LessOrEqual": np.less_equal}.items():
        cases.append(case(op, op, [xr, y], [fn(xr, y)]))
    p = rng.integers(0, 2, size=(2, 3)).astype(np.bool_)
    q = rng.integers(0, 2, size=(3,)).astype(np.bool_)
    for op, fn in {"And": np.logical_and, "Or": np.logical_or, "Xor": np.logical_xor}.items():
        cases.append(case(op, op, [p, q], [fn(p, q)]))
    cases.append(case("Not", "Not", [p], [np.logical_not(p)]))
    i1 = rng.integers(-50, 50, size=(2, 3)).astype(np.int64)
    i2 = rng.integers(1, 9, size=(3,)).astype(np.int64)
    cases.append(case("Add_int64", "Add", [i1, i2], [i1 + i2]))
    cases.append(case("Mul_int64", "Mul", [i1, i2], [i1 * i2]))
    cases.append(case("Div_int64_truncates", "Div", [i1, i2], [np.trunc(i1 / i2).astype(np.int64)]))
    cond = rng.integers(0, 2, size=(2, 3)).astype(np.bool_)
    wx, wy = randf(2, 3), randf(3)
    cases.append(case("Where", "Where", [cond, wx, wy], [np.where(cond, wx, wy)]))
    cases.append(case("Cast_float_to_int64", "Cast", [x * 3], [np.trunc(x * 3).astype(np.int64)], {"to": {"i": 7}}))
    cases.append(case("Cast_int64_to_float", "Cast", [i1], [i1.astype(np.float32)], {"to": {"i": 1}}))
    zs = np.array([0, 1.5, -2, 0], np.float32)
    cases.append(case("Cast_float_to_bool", "Cast", [zs], [zs != 0], {"to": {"i": 9}}))
    cases.append(case("Cast_bool_to_float", "Cast", [p], [p.astype(np.float32)], {"to": {"i": 1}}))
    big = randf(2, 70, 33)
    row = randf(33)
    cases.append(case("Add_large_broadcast", "Add", [big, row], [big + row]))
    return cases


# ---------------------------------------------------------------- matmul
def matmul():
    cases = []
    for name, sa, sb in [
        ("2d", (3, 4), (4, 5)),
        ("batched", (2, 3, 4), (4, 5)),
        ("broadcast_batch", (2, 1, 3, 4), (3, 4, 5)),
        ("vector_left", (4,), (4, 5)),
        ("vector_right", (3, 4), (4,)),
        ("edges_large_tile", (70, 33), (33, 65)),
        ("gemv", (1, 256), (256, 10)),
        ("tall", (130, 20), (20, 7)),
        ("vec4_tiles_edges", (250, 12), (12, 60)),
    ]:
        big = np.prod(sa) * np.prod(sb) > 100_000
        a, b = (randq(*sa), randq(*sb)) if big else (randf(*sa), randf(*sb))
        cases.append(case(f"MatMul_{name}", "MatMul", [a, b], [np.matmul(a, b)], tolerance=1e-4))
    a, b = randf(4, 3), randf(5, 4)
    c = randf(5)
    cases.append(case("Gemm_transA_transB_bias", "Gemm", [a, b, c], [a.T @ b.T + c],
                      {"transA": {"i": 1}, "transB": {"i": 1}}, opset=13))
    a, b = randf(3, 4), randf(4, 5)
    cm = randf(3, 1)
    cases.append(case("Gemm_alpha_beta_column_bias", "Gemm", [a, b, cm], [0.5 * (a @ b) + 2.0 * cm],
                      {"alpha": {"f": 0.5}, "beta": {"f": 2.0}}))
    cases.append(case("Gemm_no_bias", "Gemm", [a, b], [a @ b]))
    cs = randf(1)
    cases.append(case("Gemm_scalar_bias", "Gemm", [a, tensor(b, True), tensor(cs, True)], [a @ b + cs]))
    a, b, cm = randq(250, 12), randq(12, 60), randq(250, 1)
    cases.append(case("Gemm_vec4_path_bias", "Gemm", [a, b, cm], [a @ b + cm]))
    return cases


# ---------------------------------------------------------------- conv / pool
def pad_hw(x, pads, value=0.0):
    t, l, b, r = pads
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def conv2d(x, w, bias, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1):
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w.shape
    xp = pad_hw(x, pads)
    sh, sw = strides
    dh, dw = dilations
    oh = (h + pads[0] + pads[2] - ((kh - 1) * dh + 1)) // sh + 1
    ow = (wd + pads[1] + pads[3] - ((kw - 1) * dw + 1)) // sw + 1
    out = np.zeros((n, oc, oh, ow), np.float64)
    ocg = oc // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * ocg:(g + 1) * ocg].astype(np.float64)
        for i in range(oh):
            for j in range(ow):
                patch = xs[:, :, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw]
                out[:, g * ocg:(g + 1) * ocg, i, j] = np.einsum("nckl,ockl->no", patch, ws)
    if bias is not None:
        out += bias.reshape(1, -1, 1, 1)
    return out.astype(np.float32)


def conv_transpose2d(x, w, bias, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1,
                     output_padding=(0, 0)):
    n, c, h, wd = x.shape
    _, ocg, kh, kw = w.shape
    sh, sw = strides
    dh, dw = dilations
    full_h = sh * (h - 1) + output_padding[0] + (kh - 1) * dh + 1
    full_w = sw * (wd - 1) + output_padding[1] + (kw - 1) * dw + 1
    out = np.zeros((n, ocg * group, full_h, full_w), np.float64)
    cg = c // group
    for g in range(group):
        for ci in range(cg):
            ic = g * cg + ci
            for i in range(h):
                for j in range(wd):
                    for a in range(kh):
                        for b in range(kw):
                            out[:, g * ocg:(g + 1) * ocg, i * sh + a * dh, j * sw + b * dw] += (
                                x[:, ic, i, j][:, None] * w[ic, :, a, b][None, :])
    out = out[:, :, pads[0]:full_h - pads[2], pads[1]:full_w - pads[3]]
    if bias is not None:
        out += bias.reshape(1, -1, 1, 1)
    return out.astype(np.float32)


def conv():
    cases = []
    x = randf(1, 3, 7, 8)
    w = randf(5, 3, 3, 3)
    bias = randf(5)
    cases.append(case("Conv_basic_gemm_path", "Conv", [x, tensor(w, True)], [conv2d(x, w, None)]))
    cases.append(case("Conv_pads_strides_bias", "Conv", [x, tensor(w, True), tensor(bias, True)],
                      [conv2d(x, w, bias, (2, 2), (1, 1, 1, 1))],
                      {"strides": ints([2, 2]), "pads": ints([1, 1, 1, 1]), "kernel_shape": ints([3, 3])}))
    cases.append(case("Conv_dilations_asym_pads", "Conv", [x, tensor(w, True)],
                      [conv2d(x, w, None, (1, 2), (0, 2, 1, 0), (2, 1))],
                      {"strides": ints([1, 2]), "pads": ints([0, 2, 1, 0]), "dilations": ints([2, 1])}))
    x4 = randf(2, 4, 6, 6)
    w2 = randf(8, 2, 3, 3)
    b8 = randf(8)
    cases.append(case("Conv_groups2", "Conv", [x4, tensor(w2, True), tensor(b8, True)],
                      [conv2d(x4, w2, b8, (1, 1), (1, 1, 1, 1), (1, 1), 2)],
                      {"group": {"i": 2}, "pads": ints([1, 1, 1, 1])}))
    wd = randf(4, 1, 3, 3)
    bd = randf(4)
    cases.append(case("Conv_depthwise_direct_path", "Conv", [x4, tensor(wd, True), tensor(bd, True)],
                      [conv2d(x4, wd, bd, (2, 2), (1, 1, 1, 1), (1, 1), 4)],
                      {"group": {"i": 4}, "strides": ints([2, 2]), "pads": ints([1, 1, 1, 1])}))
    w1 = randf(6, 4, 1, 1)
    cases.append(case("Conv_pointwise", "Conv", [x4, tensor(w1, True)], [conv2d(x4, w1, None)]))
    ws = randf(4, 4, 3, 3)
    # SAME_UPPER on 6x6 with stride 2: out 3x3, total pad 1 -> (0 before, 1 after)
    cases.append(case("Conv_auto_pad_same_upper", "Conv", [x4, tensor(ws, True)],
                      [conv2d(x4, ws, None, (2, 2), (0, 0, 1, 1))],
                      {"auto_pad": {"s": "SAME_UPPER"}, "strides": ints([2, 2])}))
    x1 = randf(2, 3, 10)
    w1d = randf(4, 3, 3)
    ref1 = conv2d(x1[:, :, None, :], w1d[:, :, None, :], None, (1, 2), (0, 1, 0, 1))[:, :, 0, :]
    cases.append(case("Conv_1d", "Conv", [x1, tensor(w1d, True)], [ref1],
                      {"strides": ints([2]), "pads": ints([1, 1])}))
    xt = randf(1, 4, 3, 3)
    wt = randf(4, 2, 2, 2)
    bt = randf(2)
    cases.append(case("ConvTranspose_stride2", "ConvTranspose", [xt, tensor(wt, True), tensor(bt, True)],
                      [conv_transpose2d(xt, wt, bt, (2, 2))], {"strides": ints([2, 2])}))
    wt3 = randf(4, 3, 3, 3)
    cases.append(case("ConvTranspose_pads_output_padding", "ConvTranspose", [xt, tensor(wt3, True)],
                      [conv_transpose2d(xt, wt3, None, (2, 2), (1, 1, 1, 1), (1, 1), 1, (1, 1))],
                      {"strides": ints([2, 2]), "pads": ints([1, 1, 1, 1]), "output_padding": ints([1, 1])}))
    wtg = randf(4, 1, 3, 3)
    cases.append(case("ConvTranspose_groups_dilations", "ConvTranspose", [xt, tensor(wtg, True)],
                      [conv_transpose2d(xt, wtg, None, (1, 1), (0, 0, 0, 0), (2, 2), 2)],
                      {"group": {"i": 2}, "dilations": ints([2, 2])}))
    return cases


def pool2d(x, kind, kernel, strides, pads, dilations=(1, 1), ceil=False, include_pad=False):
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = strides
    dh, dw = dilations
    outs = []
    for size, k, s, d, b, e in [(h, kh, sh, dh, pads[0], pads[2]), (w, kw, sw, dw, pads[1], pads[3])]:
        extent = size + b + e - ((k - 1) * d + 1)
        o = (math.ceil(extent / s) if ceil else extent // s) + 1
        if ceil and (o - 1) * s >= size + b:
            o -= 1
        outs.append(o)
    oh, ow = outs
    out = np.zeros((n, c, oh, ow), np.float32)
    for i in range(oh):
        for j in range(ow):
            vals, inside, padded = [], 0, 0
            for a in range(kh):
                for bb in range(kw):
                    y = i * sh - pads[0] + a * dh
                    xx = j * sw - pads[1] + bb * dw
                    if y < h + pads[2] and xx < w + pads[3]:
                        padded += 1
                    if 0 <= y < h and 0 <= xx < w:
                        vals.append(x[:, :, y, xx])
                        inside += 1
            stack = np.stack(vals)
            if kind == "max":
                out[:, :, i, j] = stack.max(0)
            else:
                out[:, :, i, j] = stack.sum(0) / (padded if include_pad else inside)
    return out


def pool():
    x = randf(2, 3, 7, 7)
    cases = [
        case("MaxPool_2x2_s2", "MaxPool", [x], [pool2d(x, "max", (2, 2), (2, 2), (0, 0, 0, 0))],
             {"kernel_shape": ints([2, 2]), "strides": ints([2, 2])}),
        case("MaxPool_3x3_s2_pads", "MaxPool", [x], [pool2d(x, "max", (3, 3), (2, 2), (1, 1, 1, 1))],
             {"kernel_shape": ints([3, 3]), "strides": ints([2, 2]), "pads": ints([1, 1, 1, 1])}),
        case("MaxPool_ceil_mode", "MaxPool", [x], [pool2d(x, "max", (2, 2), (2, 2), (0, 0, 0, 0), ceil=True)],
             {"kernel_shape": ints([2, 2]), "strides": ints([2, 2]), "ceil_mode": {"i": 1}}),
        case("MaxPool_dilations", "MaxPool", [x], [pool2d(x, "max", (2, 2), (1, 1), (0, 0, 0, 0), (2, 2))],
             {"kernel_shape": ints([2, 2]), "dilations": ints([2, 2])}),
        case("AveragePool_pads_exclude", "AveragePool", [x],
             [pool2d(x, "avg", (3, 3), (2, 2), (1, 1, 1, 1))],
             {"kernel_shape": ints([3, 3]), "strides": ints([2, 2]), "pads": ints([1, 1, 1, 1])}),
        case("AveragePool_pads_include", "AveragePool", [x],
             [pool2d(x, "avg", (3, 3), (2, 2), (1, 1, 1, 1), include_pad=True)],
             {"kernel_shape": ints([3, 3]), "strides": ints([2, 2]), "pads": ints([1, 1, 1, 1]),
              "count_include_pad": {"i": 1}}),
        case("GlobalAveragePool", "GlobalAveragePool", [x], [x.mean((2, 3), keepdims=True)]),
        case("GlobalMaxPool", "GlobalMaxPool", [x], [x.max((2, 3), keepdims=True)]),
    ]
    x1 = randf(2, 3, 9)
    ref = pool2d(x1[:, :, None, :], "max", (1, 3), (1, 2), (0, 0, 0, 0))[:, :, 0, :]
    cases.append(case("MaxPool_1d", "MaxPool", [x1], [ref], {"kernel_shape": ints([3]), "strides": ints([2])}))
    big = randf(1, 2, 40, 50)
    cases.append(case("GlobalAveragePool_large", "GlobalAveragePool", [big], [big.mean((2, 3), keepdims=True)]))
    return cases


# ---------------------------------------------------------------- norm / softmax / reduce
def norm():
    x = randf(2, 3, 4, 5)
    scale, bias, mean = randf(3), randf(3), randf(3)
    var = randf(3, low=0.2, high=2.0)
    r = lambda v: v.reshape(1, 3, 1, 1)
    bn = (x - r(mean)) / np.sqrt(r(var) + 1e-5) * r(scale) + r(bias)
    cases = [case("BatchNormalization", "BatchNormalization",
                  [x, tensor(scale, True), tensor(bias, True), tensor(mean, True), tensor(var, True)], [bn])]
    y = randf(3, 4, 6)
    g, b = randf(6), randf(6)
    m = y.mean(-1, keepdims=True)
    v = ((y - m) ** 2).mean(-1, keepdims=True)
    cases.append(case("LayerNormalization_last_axis", "LayerNormalization", [y, tensor(g, True), tensor(b, True)],
                      [(y - m) / np.sqrt(v + 1e-5) * g + b], opset=17))
    g2 = randf(4, 6)
    m2 = y.mean((1, 2), keepdims=True)
    v2 = ((y - m2) ** 2).mean((1, 2), keepdims=True)
    cases.append(case("LayerNormalization_axis1_no_bias", "LayerNormalization", [y, tensor(g2, True)],
                      [(y - m2) / np.sqrt(v2 + 1e-3) * g2], {"axis": {"i": 1}, "epsilon": {"f": 1e-3}}, opset=17))
    return cases


def softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def reduce_cases():
    x = randf(2, 3, 4)
    cases = [
        case("Softmax_last", "Softmax", [x], [softmax(x, -1)]),
        case("Softmax_axis1", "Softmax", [x], [softmax(x, 1)], {"axis": {"i": 1}}),
        case("Softmax_legacy_coerce_2d", "Softmax", [x], [softmax(x.reshape(2, 12), 1).reshape(2, 3, 4)],
             {"axis": {"i": 1}}, opset=11),
        case("LogSoftmax_last", "LogSoftmax", [x], [np.log(softmax(x, -1))]),
    ]
    wide = randf(2, 700)
    cases.append(case("Softmax_wide_row", "Softmax", [wide], [softmax(wide, -1)]))
    cases.append(case("ReduceSum_axes_input", "ReduceSum", [x, tensor(np.array([1], np.int64), True)],
                      [x.sum(1)], {"keepdims": {"i": 0}}))
    cases.append(case("ReduceMean_attr_axes", "ReduceMean", [x], [x.mean(-1, keepdims=True)], {"axes": ints([-1])}))
    cases.append(case("ReduceMax_all", "ReduceMax", [x], [x.max(keepdims=True)]))
    cases.append(case("ReduceMin_0_2", "ReduceMin", [x], [x.min((0, 2))], {"axes": ints([0, 2]), "keepdims": {"i": 0}}))
    cases.append(case("ReduceProd", "ReduceProd", [x], [x.prod(1, keepdims=True)], {"axes": ints([1])}))
    cases.append(case("ReduceL1", "ReduceL1", [x], [np.abs(x).sum(2, keepdims=True)], {"axes": ints([2])}))
    cases.append(case("ReduceL2", "ReduceL2", [x], [np.sqrt((x * x).sum(0, keepdims=True))], {"axes": ints([0])}))
    cases.append(case("ReduceSumSquare", "ReduceSumSquare", [x], [(x * x).sum((0, 1), keepdims=True)],
                      {"axes": ints([0, 1])}))
    ties = np.array([[1, 3, 3, 0], [2, 2, 1, 2], [0, 0, 0, 0]], np.float32)
    cases.append(case("ArgMax_axis1", "ArgMax", [ties], [np.argmax(ties, 1)[:, None].astype(np.int64)],
                      {"axis": {"i": 1}}))
    last = ties.shape[1] - 1 - np.argmin(ties[:, ::-1], 1)
    cases.append(case("ArgMin_select_last", "ArgMin", [ties], [last.astype(np.int64)],
                      {"axis": {"i": 1}, "keepdims": {"i": 0}, "select_last_index": {"i": 1}}))
    cases.append(case("ArgMax_axis0", "ArgMax", [x], [np.argmax(x, 0)[None].astype(np.int64)]))
    return cases


# ---------------------------------------------------------------- layout
def i64(v):
    return tensor(np.array(v, np.int64), True)


def layout():
    x = randf(2, 3, 4)
    cases = [
        case("Transpose_default", "Transpose", [x], [x.transpose()]),
        case("Transpose_perm", "Transpose", [x], [x.transpose(1, 0, 2)], {"perm": ints([1, 0, 2])}),
    ]
    a, b, c = randf(2, 1, 4), randf(2, 2, 4), randf(2, 3, 4)
    cases.append(case("Concat_axis1", "Concat", [a, b, c], [np.concatenate([a, b, c], 1)], {"axis": {"i": 1}}))
    cases.append(case("Concat_last", "Concat", [x, x], [np.concatenate([x, x], -1)], {"axis": {"i": -1}}))
    cases.append(case("Slice_basic", "Slice", [x, i64([0, 1]), i64([2, 3]), i64([1, 2])], [x[:, 0:2, 1:3]]))
    cases.append(case("Slice_negative_step", "Slice", [x, i64([-1]), i64([-100]), i64([2]), i64([-2])],
                      [x[:, :, ::-2]]))
    cases.append(case("Slice_clamped_ends", "Slice", [x, i64([1]), i64([9223372036854775807]), i64([0])], [x[1:]]))
    cases.append(case("Slice_opset1_attrs", "Slice", [x], [x[:, 1:, :3]],
                      {"starts": ints([1, 0]), "ends": ints([3, 3]), "axes": ints([1, 2])}, opset=1))
    idx = np.array([[2, -1], [0, 1]], np.int64)
    idx0 = np.array([1, -2, 1], np.int64)
    cases.append(case("Gather_axis0", "Gather", [x, idx0], [x[idx0]]))
    cases.append(case("Gather_axis1_2d_indices", "Gather", [x, idx], [np.take(x, idx, axis=1)], {"axis": {"i": 1}}))
    parts = np.split(x, [1, 3], axis=2)
    cases.append(case("Split_explicit", "Split", [x, i64([1, 2, 1])], parts, {"axis": {"i": 2}}))
    cases.append(case("Split_equal", "Split", [x], np.split(x, 2, axis=0)))
    cases[-1]["outputs"] = 2
    pads = [0, 1, 2, 0, 2, 1]
    npads = ((0, 0), (1, 2), (2, 1))
    cases.append(case("Pad_constant", "Pad", [x, i64(pads), tensor(np.array(1.5, np.float32), True)],
                      [np.pad(x, npads, constant_values=1.5)]))
    cases.append(case("Pad_reflect", "Pad", [x, i64(pads)], [np.pad(x, npads, mode="reflect")],
                      {"mode": {"s": "reflect"}}))
    cases.append(case("Pad_edge", "Pad", [x, i64(pads)], [np.pad(x, npads, mode="edge")], {"mode": {"s": "edge"}}))
    cases.append(case("Pad_negative_crops", "Pad", [x, i64([0, -1, 1, 0, 0, 0])], [np.pad(x[:, 1:], ((0, 0), (0, 0), (1, 0)))]))
    e = randf(3, 1)
    cases.append(case("Expand", "Expand", [e, i64([2, 3, 4])], [np.broadcast_to(e, (2, 3, 4)).copy()]))
    cases.append(case("Reshape_minus1_zero", "Reshape", [x, i64([0, -1])], [x.reshape(2, 12)]))
    cases.append(case("Flatten_axis2", "Flatten", [x], [x.reshape(6, 4)], {"axis": {"i": 2}}))
    s1 = randf(2, 1, 4, 1)
    cases.append(case("Squeeze_axes", "Squeeze", [s1, i64([1])], [s1.reshape(2, 4, 1)]))
    cases.append(case("Squeeze_all", "Squeeze", [s1], [s1.reshape(2, 4)]))
    cases.append(case("Unsqueeze", "Unsqueeze", [x, i64([0, -1])], [x.reshape(1, 2, 3, 4, 1)]))
    cases.append(case("Identity", "Identity", [x], [x]))
    cases.append(case("Shape", "Shape", [x], [np.array([2, 3, 4], np.int64)]))
    cases.append(case("Shape_start_end", "Shape", [x], [np.array([3], np.int64)],
                      {"start": {"i": 1}, "end": {"i": -1}}, opset=15))
    return cases


# ---------------------------------------------------------------- resize
def original(mode, x, scale, in_size, out_size):
    if mode == "half_pixel":
        return (x + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if out_size > 1 else 0.0
    if mode == "align_corners":
        return 0.0 if out_size == 1 else x * (in_size - 1) / (out_size - 1)
    if mode == "asymmetric":
        return x / scale
    if mode == "tf_half_pixel_for_nn":
        return (x + 0.5) / scale
    raise ValueError(mode)


def nearest_index(v, mode, size):
    if mode == "round_prefer_floor":
        i = math.floor(v) if v - math.floor(v) == 0.5 else round(v)
    elif mode == "round_prefer_ceil":
        i = math.ceil(v) if v - math.floor(v) == 0.5 else round(v)
    elif mode == "floor":
        i = math.floor(v)
    else:
        i = math.ceil(v)
    return min(max(int(i), 0), size - 1)


def resize_ref(x, out_shape, scales, mode, coord, nearest="round_prefer_floor"):
    out = np.zeros(out_shape, np.float64)
    for index in np.ndindex(*out_shape):
        corners = [([], 1.0)]
        for d, o in enumerate(index):
            size = x.shape[d]
            v = original(coord, o, scales[d], size, out_shape[d])
            v = min(max(v, 0.0), size - 1)
            if mode == "nearest" or out_shape[d] == size and scales[d] == 1:
                i = nearest_index(v, nearest, size) if mode == "nearest" else int(math.floor(v))
                corners = [(c + [i], w) for c, w in corners]
            else:
                lo = int(math.floor(v))
                hi = min(lo + 1, size - 1)
                f = v - lo
                corners = [(c + [lo], w * (1 - f)) for c, w in corners] + [(c + [hi], w * f) for c, w in corners]
        out[index] = sum(w * x[tuple(c)] for c, w in corners)
    return out.astype(np.float32)


def resize():
    x = randf(1, 2, 3, 4)
    empty = tensor(np.zeros(0, np.float32), True)
    cases = []
    sc = np.array([1, 1, 2, 1.5], np.float32)
    shape = (1, 2, 6, 6)
    for coord, nearest in [("asymmetric", "floor"), ("half_pixel", "round_prefer_floor"),
                           ("align_corners", "round_prefer_ceil"), ("tf_half_pixel_for_nn", "ceil")]:
        cases.append(case(f"Resize_nearest_{coord}", "Resize", [x, empty, tensor(sc, True)],
                          [resize_ref(x, shape, sc, "nearest", coord, nearest)],
                          {"mode": {"s": "nearest"}, "coordinate_transformation_mode": {"s": coord},
                           "nearest_mode": {"s": nearest}}))
    for coord in ["half_pixel", "align_corners", "pytorch_half_pixel", "asymmetric"]:
        cases.append(case(f"Resize_linear_{coord}", "Resize", [x, empty, tensor(sc, True)],
                          [resize_ref(x, shape, sc, "linear", coord)],
                          {"mode": {"s": "linear"}, "coordinate_transformation_mode": {"s": coord}}))
    sizes = np.array([1, 2, 2, 7], np.int64)
    sc2 = sizes / np.array(x.shape)
    cases.append(case("Resize_linear_sizes_downsample", "Resize", [x, empty, empty, tensor(sizes, True)],
                      [resize_ref(x, tuple(sizes), sc2, "linear", "half_pixel")], {"mode": {"s": "linear"}}))
    cases.append(case("Resize_opset10_nearest", "Resize", [x, tensor(np.array([1, 1, 2, 2], np.float32), True)],
                      [resize_ref(x, (1, 2, 6, 8), [1, 1, 2, 2], "nearest", "asymmetric", "floor")], opset=10))
    return cases


# ---------------------------------------------------------------- float16
F16_TOLERANCE = 2e-3
# Inputs that stay float32 whatever the data type (Resize's roi and scales).
F32_INPUTS = {"Resize": {1, 2}}
# Cases with more elements than this are left out of the float16 family (file size).
F16_ELEMENTS_MAX = 3000


def as_half(t):
    """A float32 fixture tensor as float16, or None when a value is not a float16 value."""
    values = np.array(t["data"], np.float32)
    half = values.astype(np.float16)
    if not np.array_equal(half.astype(np.float32), values, equal_nan=True):
        return None
    return {**t, "type": "float16", "data": [float(v) for v in half]}


def to_half(c):
    """The case with its float tensors as float16, or None when it does not carry over."""
    if c["op"] == "Cast":
        return None
    tensors = [t for t in c["inputs"] + c["expected"] if t is not None]
    if sum(len(t["data"]) for t in tensors) > F16_ELEMENTS_MAX:
        return None
    inputs = []
    for i, t in enumerate(c["inputs"]):
        if t is None or t["type"] != "float32" or i in F32_INPUTS.get(c["op"], ()):
            inputs.append(t)
            continue
        half = as_half(t)
        if half is None:
            return None
        inputs.append(half)
    if inputs == c["inputs"]:
        return None
    expected = []
    for t in c["expected"]:
        if t["type"] != "float32":
            expected.append(t)
            continue
        values = np.array(t["data"], np.float32)
        half = values.astype(np.float16)
        if np.any(np.isfinite(values) & ~np.isfinite(half)):
            return None
        expected.append({**t, "type": "float16", "data": [float(v) for v in half]})
    return {**c, "name": f"{c['name']}_f16", "inputs": inputs, "expected": expected,
            "tolerance": max(c["tolerance"], F16_TOLERANCE)}


def float16():
    global HALF
    HALF = True
    try:
        base = [c for family in (elementwise, matmul, conv, pool, norm, reduce_cases, layout, resize)
                for c in family()]
    finally:
        HALF = False
    cases = [h for h in map(to_half, base) if h is not None]
    x = rng.uniform(-3, 3, size=(3, 7)).astype(np.float32)
    h = x.astype(np.float16)
    i = rng.integers(-50, 50, size=(2, 3)).astype(np.int64)
    b = rng.integers(0, 2, size=(2, 3)).astype(np.bool_)
    zs = np.array([0, 1.5, -2, 0, 65504, -0.000061035156], np.float16)
    cases.append(case("Cast_float_to_float16", "Cast", [x], [h], {"to": {"i": 10}},
                      tolerance=F16_TOLERANCE))
    # Nine digits print a float32 to within 1e-8.
    cases.append(case("Cast_float16_to_float", "Cast", [h], [h.astype(np.float32)], {"to": {"i": 1}},
                      tolerance=1e-8))
    cases.append(case("Cast_float16_to_int64", "Cast", [h * 3], [np.trunc(h * 3).astype(np.int64)],
                      {"to": {"i": 7}}, tolerance=0))
    cases.append(case("Cast_int64_to_float16", "Cast", [i], [i.astype(np.float16)], {"to": {"i": 10}},
                      tolerance=0))
    cases.append(case("Cast_float16_to_bool", "Cast", [zs], [zs != 0], {"to": {"i": 9}}, tolerance=0))
    cases.append(case("Cast_bool_to_float16", "Cast", [b], [b.astype(np.float16)], {"to": {"i": 10}},
                      tolerance=0))
    cases.append(case("Cast_float16_to_float16", "Cast", [zs], [zs], {"to": {"i": 10}}, tolerance=0))
    # GEMM tilings the small float32 cases above don't reach: vec4 loads, 32 × 32 tiles.
    a, b = randf(2, 40, 32).astype(np.float16), randf(32, 24).astype(np.float16)
    cases.append(case("MatMul_vec4_path_f16", "MatMul", [a, b], [half_matmul(a, b)],
                      tolerance=F16_TOLERANCE))
    a, b = randf(33, 20).astype(np.float16), randf(20, 18).astype(np.float16)
    cases.append(case("MatMul_square_tile_f16", "MatMul", [a, b], [half_matmul(a, b)],
                      tolerance=F16_TOLERANCE))
    a, b, c = (randf(40, 12).astype(np.float16), randf(20, 12).astype(np.float16),
               randf(20).astype(np.float16))
    cases.append(case("Gemm_transB_bias_f16", "Gemm", [a, b, c],
                      [(np.matmul(a, b.T, dtype=np.float32) + c).astype(np.float16)],
                      {"transB": {"i": 1}}, tolerance=F16_TOLERANCE))
    return cases


def half_matmul(a, b):
    return np.matmul(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)


def main():
    families = {
        "elementwise": elementwise(),
        "matmul": matmul(),
        "conv": conv(),
        "pool": pool(),
        "norm": norm(),
        "reduce": reduce_cases(),
        "layout": layout(),
        "resize": resize(),
        # Last: it draws from the shared generator after the float32 families.
        "float16": float16(),
    }
    out_dir = os.path.join(HERE, "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    for family, cases in families.items():
        with open(os.path.join(out_dir, f"{family}.json"), "w") as f:
            json.dump(cases, f, separators=(",", ":"))
            f.write("\n")
        print(f"{family}: {len(cases)} cases")


if __name__ == "__main__":
    main()
