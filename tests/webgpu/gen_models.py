#!/usr/bin/python3
"""Builds the small ONNX models the decoder and executor tests read (fixtures/models/), with
Debian's python3-onnx, offline:

    /usr/bin/python3 tests/webgpu/gen_models.py

typed_fields.onnx stores tensors in every data field ONNX has (float_data, int32_data,
int64_data, double_data, raw_data) and attributes of every kind; typed_fields.json lists what
a decoder must read back. fused_cnn.onnx is a Conv → BatchNormalization → Relu, Conv → Mul →
Add → HardSwish-pattern network whose output fused_cnn.json gives (NumPy, float64). tile.onnx
uses an op only ONNX Runtime's WebGPU provider has (the GPU fallback path); matmul_1024.onnx is
the benchmark's one-node MatMul. mnist_fp16.onnx is the RedisAI test mnist converted to float16
inside with FLOAT inputs and outputs (a Cast at each edge), as onnxconverter-common's
convert_float_to_float16(keep_io_types=True) makes served fp16 models.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "models")
rng = np.random.default_rng(7)


def typed_fields():
    inits = [
        helper.make_tensor("f_typed", TensorProto.FLOAT, [2, 2], [1.5, -2.0, 3.25, 0.0]),
        helper.make_tensor("f_raw", TensorProto.FLOAT, [3], np.array([0.5, 1e-8, -7], np.float32).tobytes(), raw=True),
        helper.make_tensor("i64_typed", TensorProto.INT64, [3], [-1, 9223372036854775807, 42]),
        helper.make_tensor("i32_typed", TensorProto.INT32, [2], [-5, 2147483647]),
        helper.make_tensor("i8_typed", TensorProto.INT8, [3], [-128, 0, 127]),
        helper.make_tensor("u8_raw", TensorProto.UINT8, [2], bytes([0, 255]), raw=True),
        helper.make_tensor("bool_typed", TensorProto.BOOL, [3], [True, False, True]),
        helper.make_tensor("f64_typed", TensorProto.DOUBLE, [2], [0.1, -1e300]),
        helper.make_tensor("scalar", TensorProto.FLOAT, [], [4.0]),
    ]
    then_graph = helper.make_graph([helper.make_node("Identity", ["x"], ["t"])], "then", [],
                                   [helper.make_tensor_value_info("t", TensorProto.FLOAT, [2, 2])])
    node = helper.make_node(
        "Custom", ["x", "", "f_typed"], ["y", "z"], name="custom", domain="inferdb.test",
        f=0.25, i=-3, s="text", floats=[1.0, 2.5], ints=[-1, 0, 7], strings=["a", "bc"],
        t=helper.make_tensor("t", TensorProto.INT64, [2], [5, 6]), g=then_graph)
    add = helper.make_node("Add", ["x", "f_typed"], ["w"], name="add")
    graph = helper.make_graph(
        [add, node], "typed",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2]),
         helper.make_tensor_value_info("f_typed", TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("w", TensorProto.FLOAT, ["batch", 2]),
         helper.make_tensor_value_info("y", TensorProto.INT64, None)],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("inferdb.test", 1),
                                                    helper.make_opsetid("", 14)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "typed_fields.onnx"))
    expected = {
        "opset": 14,
        "inputs": [{"name": "x", "type": "float32", "shape": ["batch", 2]}],
        "outputs": [{"name": "w", "type": "float32", "shape": ["batch", 2]}, {"name": "y", "type": "int64"}],
        "initializers": {
            "f_typed": ["float32", [2, 2], [1.5, -2.0, 3.25, 0.0]],
            "f_raw": ["float32", [3], [float(v) for v in np.array([0.5, 1e-8, -7], np.float32)]],
            "i64_typed": ["int64", [3], ["-1", "9223372036854775807", "42"]],
            "i32_typed": ["int32", [2], [-5, 2147483647]],
            "i8_typed": ["int8", [3], [-128, 0, 127]],
            "u8_raw": ["uint8", [2], [0, 255]],
            "bool_typed": ["bool", [3], [1, 0, 1]],
            "f64_typed": ["float64", [2], [0.1, -1e300]],
            "scalar": ["float32", [], [4.0]],
        },
        "node": {
            "name": "custom", "opType": "Custom", "domain": "inferdb.test",
            "inputs": ["x", "", "f_typed"], "outputs": ["y", "z"],
            "attributes": {"f": ["float", 0.25], "i": ["int", -3], "s": ["string", "text"],
                           "floats": ["floats", [1.0, 2.5]], "ints": ["ints", [-1, 0, 7]],
                           "strings": ["strings", ["a", "bc"]], "t": ["tensor", ["int64", [2], ["5", "6"]]],
                           "g": ["unsupported", "graph"]},
        },
    }
    with open(os.path.join(OUT, "typed_fields.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def conv(x, w, b):
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, oc, h, wd))
    for i in range(h):
        for j in range(wd):
            out[:, :, i, j] = np.einsum("nckl,ockl->no", xp[:, :, i:i + kh, j:j + kw], w)
    return out + b.reshape(1, -1, 1, 1)


def fused_cnn():
    x = rng.uniform(-1, 1, (1, 3, 6, 6))
    w1, b1 = rng.uniform(-0.5, 0.5, (8, 3, 3, 3)), rng.uniform(-0.5, 0.5, 8)
    scale, bias, mean = rng.uniform(0.5, 1.5, 8), rng.uniform(-0.5, 0.5, 8), rng.uniform(-0.2, 0.2, 8)
    var = rng.uniform(0.5, 1.5, 8)
    w2, b2 = rng.uniform(-0.5, 0.5, (4, 8, 3, 3)), rng.uniform(-0.5, 0.5, 4)
    f32 = lambda a: np.asarray(a, np.float32)
    inits = [numpy_helper.from_array(f32(v), n) for n, v in [
        ("w1", w1), ("b1", b1), ("scale", scale), ("bias", bias), ("mean", mean), ("var", var),
        ("w2", w2), ("b2", b2), ("k_mul", 0.75), ("k_add", 0.25), ("three", 3.0), ("zero", 0.0),
        ("six", 6.0)]]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "scale", "bias", "mean", "var"], ["bn"], epsilon=1e-5),
        helper.make_node("Relu", ["bn"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["k_mul", "c2"], ["m"]),
        helper.make_node("Add", ["m", "k_add"], ["a"]),
        helper.make_node("Add", ["a", "three"], ["a3"]),
        helper.make_node("Clip", ["a3", "zero", "six"], ["cl"]),
        helper.make_node("Mul", ["a", "cl"], ["ms"]),
        helper.make_node("Div", ["ms", "six"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "fused", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "fused_cnn.onnx"))
    xs = f32(x).astype(np.float64)
    r = lambda v: v.reshape(1, -1, 1, 1)
    c1 = conv(xs, f32(w1), f32(b1))
    bn = (c1 - r(f32(mean))) / np.sqrt(r(f32(var)) + 1e-5) * r(f32(scale)) + r(f32(bias))
    a = 0.75 * conv(np.maximum(bn, 0), f32(w2), f32(b2)) + 0.25
    y = a * np.clip(a + 3, 0, 6) / 6
    with open(os.path.join(OUT, "fused_cnn.json"), "w") as f:
        json.dump({"input": f32(x).reshape(-1).tolist(), "output": y.reshape(-1).tolist()}, f)
        f.write("\n")


def tile_model():
    """An op ONNX Runtime's WebGPU provider has and our executor lacks (Tile)."""
    repeats = numpy_helper.from_array(np.array([1, 2], np.int64), "repeats")
    graph = helper.make_graph([helper.make_node("Tile", ["x", "repeats"], ["y"])], "tile",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 6])],
                              initializer=[repeats])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "tile.onnx"))


def matmul_model():
    """One MatMul of two 1024 x 1024 runtime inputs, for tests/bench/webgpu_bench.ts."""
    spec = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1024, 1024])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul",
                              [spec("a"), spec("b")], [spec("c")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "matmul_1024.onnx"))


MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                     "testdata", "redisai", "mnist.onnx")


def float16_keep_io(model):
    """Float tensors become float16 inside; FLOAT graph inputs and outputs stay, behind Casts."""
    graph = model.graph
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    initializers = {init.name for init in graph.initializer}
    casts_in, renamed = [], {}
    for value in graph.input:
        if value.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        if value.name in initializers:
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
        else:
            renamed[value.name] = value.name + "_fp16"
            casts_in.append(helper.make_node("Cast", [value.name], [renamed[value.name]],
                                             to=TensorProto.FLOAT16))
    casts_out = []
    for value in graph.output:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            renamed[value.name] = value.name + "_fp16"
            casts_out.append(helper.make_node("Cast", [renamed[value.name]], [value.name],
                                              to=TensorProto.FLOAT))
    nodes = []
    for node in graph.node:
        node.input[:] = [renamed.get(name, name) for name in node.input]
        node.output[:] = [renamed.get(name, name) for name in node.output]
        nodes.append(node)
    del graph.value_info[:]
    del graph.node[:]
    graph.node.extend(casts_in + nodes + casts_out)
    onnx.checker.check_model(model)
    return model


def mnist_fp16():
    model = float16_keep_io(onnx.load(MNIST))
    onnx.save(model, os.path.join(OUT, "mnist_fp16.onnx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    typed_fields()
    fused_cnn()
    tile_model()
    matmul_model()
    mnist_fp16()
    print("models written to", OUT)
