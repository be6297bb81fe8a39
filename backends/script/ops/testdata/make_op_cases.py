#!/usr/bin/env python3
"""Writes op_cases.json: script expressions over fixed inputs with results computed by numpy.

The expected values are computed independently of inferdb (and of PyTorch, which is not
installed): each case spells out the PyTorch semantics in numpy terms (result dtype, casts
before computing, floor division, half-to-even rounding). Run from this directory:
    python3 make_op_cases.py
"""
import json

import numpy as np

rng = np.random.default_rng(20240611)
f32 = np.float32

A = rng.uniform(-2, 2, (2, 3)).astype(f32)
B = rng.uniform(-2, 2, (3,)).astype(f32)
P = rng.uniform(0.1, 3, (2, 3)).astype(f32)
C = np.array([[-7, -2, 0], [3, 5, 8]], dtype=np.int64)
U = np.array([[0, 1, 200], [255, 7, 128]], dtype=np.uint8)
M = np.array([[True, False, True], [False, False, True]])
D = np.array([0.1, 0.2, 0.3], dtype=np.float64)
T3 = rng.uniform(-1, 1, (2, 3, 4)).astype(f32)
Q = rng.uniform(-1, 1, (3, 2)).astype(f32)
I = np.array([2, 0], dtype=np.int64)
H = np.array([[0.5, 1.5, 2.5], [-0.5, -1.5, 2.4999]], dtype=f32)

NAMES = {np.dtype(f32): "FLOAT", np.dtype(np.float64): "DOUBLE", np.dtype(np.int64): "INT64",
         np.dtype(np.int32): "INT32", np.dtype(np.uint8): "UINT8", np.dtype(np.bool_): "BOOL"}


def tensor(a):
    a = np.asarray(a)
    values = a.reshape(-1).tolist()
    if a.dtype == np.bool_:
        values = [int(v) for v in values]
    return {"dtype": NAMES[a.dtype], "shape": list(a.shape), "values": values}


def softmax(x, axis):
    e = np.exp(x.astype(np.float64) - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(f32)


def sigmoid(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(f32)


def f64(fn, x):
    return fn(x.astype(np.float64)).astype(f32)


CASES = [
    # arithmetic, broadcasting and promotion
    ("x + y", [A, B], A + B, 0),
    ("x - y", [C, C[::-1]], C - C[::-1], 0),
    ("x * 0.5", [C], (C * 0.5).astype(f32), 0),
    ("x / 2", [C], (C / 2).astype(f32), 0),
    ("x // 2", [C], C // 2, 0),
    ("x % 3", [C], C % 3, 0),
    ("x - 1", [U], U - np.uint8(1), 0),
    ("1 - x", [A], f32(1) - A, 0),
    ("x ** 2", [A], A * A, 1e-6),
    ("x > y", [A, B], A > B, 0),
    ("x == 2", [C], C == 2, 0),
    ("x + y", [A, D], A.astype(np.float64) + D, 0),
    ("x + y", [A, np.array(0.1, dtype=np.float64)], A + f32(0.1), 0),
    ("x * y", [C, np.array(1.5, dtype=np.float64)], (C * 1.5).astype(np.float64), 0),
    ("x.float().div(255)", [U], U.astype(f32) / f32(255), 0),
    ("x.add(y, alpha=2)", [A, B], A + f32(2) * B, 1e-6),
    ("x.sub(y).mul(3)", [A, B], (A - B) * f32(3), 1e-6),
    ("(x + y) * 0.5", [A, A[::-1]], (A + A[::-1]) * f32(0.5), 0),
    ("-x", [C], -C, 0),
    ("~x", [M], ~M, 0),
    ("x & y", [M, M[::-1]], M & M[::-1], 0),
    # reductions
    ("x.sum()", [A], A.astype(np.float64).sum().astype(f32), 1e-6),
    ("x.sum(1)", [A], A.astype(np.float64).sum(1).astype(f32), 1e-6),
    ("x.sum(0, keepdim=True)", [A], A.astype(np.float64).sum(0, keepdims=True).astype(f32), 1e-6),
    ("x.sum()", [C], C.sum(), 0),
    ("x.sum(dim=1)", [M], M.sum(1).astype(np.int64), 0),
    ("x.mean()", [A], A.astype(np.float64).mean().astype(f32), 1e-6),
    ("x.mean(1)", [A], A.astype(np.float64).mean(1).astype(f32), 1e-6),
    ("x.max(1)[0]", [A], A.max(1), 0),
    ("x.max(1)[1]", [A], A.argmax(1), 0),
    ("x.max(1)[1] - 1", [A], A.argmax(1) - 1, 0),
    ("x.max()", [C], C.max(), 0),
    ("x.min(0)[1]", [A], A.argmin(0), 0),
    ("x.min(dim=0, keepdim=True)[0]", [A], A.min(0, keepdims=True), 0),
    ("x.argmax()", [A], np.int64(A.argmax()), 0),
    ("torch.argmax(x, 1)", [A], A.argmax(1), 0),
    ("x.prod(1)", [C], C.prod(1), 0),
    # math
    ("torch.softmax(x, dim=1)", [A], softmax(A, 1), 1e-6),
    ("torch.softmax(x, 0)", [A], softmax(A, 0), 1e-6),
    ("torch.log_softmax(x, 1)", [A], np.log(softmax(A, 1).astype(np.float64)).astype(f32), 1e-5),
    ("torch.sigmoid(x)", [A], sigmoid(A), 1e-6),
    ("torch.exp(x)", [A], f64(np.exp, A), 1e-6),
    ("torch.exp(x)", [C], f64(np.exp, C.astype(f32)), 1e-6),
    ("torch.log(x)", [P], f64(np.log, P), 1e-6),
    ("torch.tanh(x)", [A], f64(np.tanh, A), 1e-6),
    ("torch.relu(x)", [A], np.maximum(A, 0), 0),
    ("x.sqrt()", [P], f64(np.sqrt, P), 1e-6),
    ("x.abs()", [C], np.abs(C), 0),
    ("x.round()", [H], np.round(H), 0),
    ("x.floor()", [A], np.floor(A), 0),
    ("x.ceil()", [A], np.ceil(A), 0),
    ("x.clamp(0, 1)", [A], np.clip(A, 0, 1), 0),
    ("torch.max(x, y)", [A, B], np.maximum(A, B), 0),
    ("torch.min(x, y)", [A, B], np.minimum(A, B), 0),
    ("torch.where(x > 0, x, y)", [A, B], np.where(A > 0, A, B), 0),
    ("x.masked_fill(x > 0, 0.0)", [A], np.where(A > 0, f32(0), A), 0),
    ("x.long()", [A * 3], np.trunc(A * 3).astype(np.int64), 0),
    ("x.int()", [A * 3], np.trunc(A * 3).astype(np.int32), 0),
    ("x.bool()", [C], C != 0, 0),
    ("x.to(torch.float64)", [C], C.astype(np.float64), 0),
    # layout
    ("x.permute(1, 0)", [A], A.T, 0),
    ("x.permute(2, 0, 1)", [T3], T3.transpose(2, 0, 1), 0),
    ("x.t()", [A], A.T, 0),
    ("x.transpose(0, 1)", [A], A.T, 0),
    ("x.unsqueeze(0)", [A], A[None], 0),
    ("x.unsqueeze(-1)", [A], A[..., None], 0),
    ("x.unsqueeze(1).unsqueeze(1)", [B], B[:, None, None], 0),
    ("x.squeeze()", [A[None, :, None, :]], A, 0),
    ("x.view(3, 2)", [A], A.reshape(3, 2), 0),
    ("x.reshape(-1)", [A], A.reshape(-1), 0),
    ("x.reshape(1, 1)", [np.array(5, dtype=np.int64)], np.array([[5]], dtype=np.int64), 0),
    ("x.flatten()", [T3], T3.reshape(-1), 0),
    ("x.flatten(1)", [T3], T3.reshape(2, 12), 0),
    ("x.repeat(2, 1)", [A], np.tile(A, (2, 1)), 0),
    ("x.repeat(2, 2)", [B], np.tile(B, (2, 2)), 0),
    ("x.expand(2, 3)", [B], np.broadcast_to(B, (2, 3)), 0),
    ("torch.cat((x, y))", [A, A[::-1]], np.concatenate([A, A[::-1]]), 0),
    ("torch.cat([x, y], dim=1)", [A, T3[:, 0]], np.concatenate([A, T3[:, 0]], 1), 0),
    ("torch.cat([x, y])", [C, A], np.concatenate([C.astype(f32), A]), 0),
    ("torch.stack([x, y])", [A, A[::-1]], np.stack([A, A[::-1]]), 0),
    ("torch.stack([x, y], dim=1)", [B, B * 2], np.stack([B, B * 2], 1), 0),
    ("torch.stack([x, y]).sum()", [np.array(40.0, dtype=f32), np.array(10.0, dtype=f32)], np.array(50.0, dtype=f32), 0),
    # linear algebra
    ("torch.matmul(x, y)", [A, Q], (A.astype(np.float64) @ Q).astype(f32), 1e-6),
    ("x @ y", [A, Q], (A.astype(np.float64) @ Q).astype(f32), 1e-6),
    ("torch.matmul(x, y)", [A, B], (A.astype(np.float64) @ B).astype(f32), 1e-6),
    ("torch.matmul(x, y)", [B, B], np.array((B.astype(np.float64) @ B), dtype=f32), 1e-6),
    ("torch.matmul(x, y)", [T3.transpose(0, 2, 1), A.T], (T3.transpose(0, 2, 1).astype(np.float64) @ A.T).astype(f32), 1e-6),
    # sorting and selection
    ("torch.sort(x)[0]", [A], np.sort(A, 1), 0),
    ("torch.sort(x, descending=True)[1]", [A], np.argsort(-A, 1, kind="stable"), 0),
    ("torch.sort(x, dim=0)[0]", [A], np.sort(A, 0), 0),
    ("x.topk(2)[0]", [A], -np.sort(-A, 1)[:, :2], 0),
    ("x.nonzero()", [M], np.argwhere(M), 0),
    ("torch.nonzero(x)", [C], np.argwhere(C), 0),
    ("torch.index_select(x, 1, y)", [A, I], A[:, I], 0),
    ("x.index_select(0, y)", [A, np.array([1, 1, 0], dtype=np.int64)], A[[1, 1, 0]], 0),
    # indexing
    ("x[:, :, :-1]", [T3], T3[:, :, :-1], 0),
    ("x[:, 1]", [A], A[:, 1], 0),
    ("x[1, 2]", [A], A[1, 2], 0),
    ("x[0]", [T3], T3[0], 0),
    ("x[..., 1]", [T3], T3[..., 1], 0),
    ("x[None, 0]", [A], A[None, 0], 0),
    ("x[:, ::2]", [T3], T3[:, ::2], 0),
    ("x[1:]", [T3], T3[1:], 0),
    ("x[-1, -2:]", [A], A[-1, -2:], 0),
    ("x[x > 0]", [A], A[A > 0], 0),
    ("x[y]", [A, np.array([1, 0, 1], dtype=np.int64)], A[[1, 0, 1]], 0),
    ("x[:, y]", [A, I], A[:, I], 0),
    ("x[y, 1:]", [T3, np.array([1, 1], dtype=np.int64)], T3[[1, 1], 1:], 0),
    # creation
    ("torch.arange(5)", [], np.arange(5, dtype=np.int64), 0),
    ("torch.arange(1, 2, 0.25)", [], np.arange(1, 2, 0.25, dtype=f32), 0),
    ("torch.linspace(0, 1, 5)", [], np.linspace(0, 1, 5, dtype=f32), 0),
    ("torch.linspace(-1, 2, 7)", [], np.linspace(-1, 2, 7).astype(f32), 1e-6),
    ("torch.zeros(2, 3)", [], np.zeros((2, 3), dtype=f32), 0),
    ("torch.ones(2, dtype=torch.int64)", [], np.ones(2, dtype=np.int64), 0),
    ("torch.full((2, 2), 7)", [], np.full((2, 2), 7, dtype=np.int64), 0),
    ("torch.full([2], 1.5)", [], np.full(2, 1.5, dtype=f32), 0),
    ("torch.tensor([[1.0, 2.0], [3.0, 4.0]])", [], np.array([[1, 2], [3, 4]], dtype=f32), 0),
    ("torch.tensor(3)", [], np.array(3, dtype=np.int64), 0),
    ("torch.tensor(1.1)", [], np.array(1.1, dtype=f32), 0),
    ("torch.tensor([True, False])", [], np.array([True, False]), 0),
    ("torch.tensor([1, 2], dtype=torch.float32)", [], np.array([1, 2], dtype=f32), 0),
    ("torch.zeros_like(x)", [C], np.zeros_like(C), 0),
    ("torch.ones_like(x, dtype=torch.float32)", [C], np.ones(C.shape, dtype=f32), 0),
]


def main():
    cases = []
    for expr, inputs, expected, tolerance in CASES:
        cases.append({
            "expr": expr,
            "inputs": [tensor(np.asarray(x).copy()) for x in inputs],
            "expected": tensor(np.asarray(expected)),
            "tolerance": tolerance,
        })
    with open("op_cases.json", "w") as out:
        json.dump({"generator": "make_op_cases.py", "numpy": np.__version__, "cases": cases}, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main()
