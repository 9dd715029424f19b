#!/usr/bin/env python3
"""Re-derives each stored layer output from the stored parameters with plain loops written
directly from docs/CONVENTIONS.md (our layouts, no PyTorch), so a wrong layout conversion in
make_fixtures.py shows up here rather than as a puzzling Swift test failure.

Run from the repository root after make_fixtures.py:  python3 tools/golden/check_conversions.py
"""

import json
import math
import os
import sys

import numpy as np

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "Tests", "NeuralLayersTests", "Fixtures")


def load(name):
    with open(os.path.join(FIXTURES, f"{name}.json")) as f:
        document = json.load(f)
    tensors = {k: np.array(v["values"], dtype=np.float64).reshape(v["shape"])
               for k, v in document["tensors"].items()}
    return document["config"], tensors


def conv2d(x, w, b, stride):
    """x [n,h,w,c], w [kh,kw,in,out], padding (k−1)/2 each side, floor output size."""
    n, h, wd, _ = x.shape
    k = w.shape[0]
    pad = (k - 1) // 2
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    y = np.zeros((n, oh, ow, w.shape[3])) + b
    for i in range(oh):
        for j in range(ow):
            for di in range(k):
                for dj in range(k):
                    si, sj = i * stride + di - pad, j * stride + dj - pad
                    if 0 <= si < h and 0 <= sj < wd:
                        y[:, i, j, :] += x[:, si, sj, :] @ w[di, dj]
    return y


def conv_transpose2d(x, w, b, stride, output_padding):
    """The adjoint of conv2d with filter [kh,kw,out,in]: scatter each input pixel."""
    n, h, wd, _ = x.shape
    k = w.shape[0]
    pad = (k - 1) // 2
    oh = (h - 1) * stride - 2 * pad + k + output_padding
    ow = (wd - 1) * stride - 2 * pad + k + output_padding
    y = np.zeros((n, oh, ow, w.shape[2])) + b
    for i in range(h):
        for j in range(wd):
            for di in range(k):
                for dj in range(k):
                    oi, oj = i * stride + di - pad, j * stride + dj - pad
                    if 0 <= oi < oh and 0 <= oj < ow:
                        y[:, oi, oj, :] += x[:, i, j, :] @ w[di, dj].T
    return y


def causal_conv1d(x, w, b, dilation):
    """x [n,t,c], w [k,in,out]; output step t sees inputs t − (k−1−j)·d."""
    n, t, _ = x.shape
    k = w.shape[0]
    y = np.zeros((n, t, w.shape[2])) + b
    for s in range(t):
        for j in range(k):
            source = s - (k - 1 - j) * dilation
            if source >= 0:
                y[:, s, :] += x[:, source, :] @ w[j]
    return y


def relu(v):
    return np.maximum(v, 0)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def lstm(x, wi, wh, b):
    n, t, _ = x.shape
    hidden = wh.shape[0]
    h, c = np.zeros((n, hidden)), np.zeros((n, hidden))
    outputs = []
    for s in range(t):
        gates = x[:, s] @ wi + h @ wh + b
        i, f, g, o = (gates[:, q * hidden:(q + 1) * hidden] for q in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1)


def batch_norm(x, scale, offset, mean, variance, eps):
    return (x - mean) / np.sqrt(variance + eps) * scale + offset


def main():
    checks = []

    for stride in (1, 2):
        config, t = load(f"conv2d_stride{stride}")
        checks.append((f"conv2d_stride{stride}", conv2d(t["input"], t["filter"], t["bias"], stride), t["output"]))
        config, t = load(f"conv_transpose2d_stride{stride}")
        y = conv_transpose2d(t["input"], t["filter"], t["bias"], stride, int(config["outputPadding"]))
        checks.append((f"conv_transpose2d_stride{stride}", y, t["output"]))
        # Adjoint property: <conv(u), v> = <u, convT(v)> with the same filter array.
        rng = np.random.default_rng(stride)
        v = t["input"]
        u = rng.standard_normal(y.shape)
        forward = conv2d(u, t["filter"].transpose(0, 1, 2, 3), 0, stride)
        adjoint = conv_transpose2d(v, t["filter"], 0, stride, int(config["outputPadding"]))
        checks.append((f"conv_transpose2d_stride{stride} adjoint",
                       np.array([np.sum(forward * v)]), np.array([np.sum(u * adjoint)])))

    config, t = load("causal_conv1d")
    checks.append(("causal_conv1d", causal_conv1d(t["input"], t["filter"], t["bias"], int(config["dilation"])),
                   t["output"]))

    config, t = load("temporal_block")
    d = int(config["dilation"])
    h = relu(causal_conv1d(t["input"], t["conv1.filter"], t["conv1.bias"], d))
    h = relu(causal_conv1d(h, t["conv2.filter"], t["conv2.bias"], d))
    skip = causal_conv1d(t["input"], t["skip.filter"], t["skip.bias"], 1)
    checks.append(("temporal_block", relu(skip + h), t["output"]))

    for layout in ("nhwc", "dense"):
        config, t = load(f"batchnorm_{layout}_training")
        c = t["input"].shape[-1]
        flat = t["input"].reshape(-1, c)
        y = batch_norm(t["input"], t["scale"], t["offset"], flat.mean(0), flat.var(0), config["epsilon"])
        checks.append((f"batchnorm_{layout}_training", y, t["output"]))
        config, t = load(f"batchnorm_{layout}_inference")
        y = batch_norm(t["input"], t["scale"], t["offset"], t["runningMean"], t["runningVariance"],
                       config["epsilon"])
        checks.append((f"batchnorm_{layout}_inference", y, t["output"]))

    config, t = load("lstm")
    checks.append(("lstm", lstm(t["input"], t["inputWeight"], t["recurrentWeight"], t["bias"]), t["output"]))

    for name in ("linear", "relu", "sigmoid", "softmax", "softplus"):
        _, t = load(f"dense_{name}")
        pre = t["input"] @ t["weight"] + t["bias"]
        y = {"linear": pre, "relu": relu(pre), "sigmoid": sigmoid(pre),
             "softmax": np.exp(pre) / np.exp(pre).sum(-1, keepdims=True),
             "softplus": np.log1p(np.exp(pre))}[name]
        checks.append((f"dense_{name}", y, t["output"]))

    _, t = load("loss_kl")
    kl = 0.5 * (t["mu"] ** 2 + np.exp(t["logVar"]) - 1 - t["logVar"]).sum(-1)
    checks.append(("loss_kl", kl, t["output"]))
    config, t = load("loss_gaussian_fixed")
    v = config["variance"]
    ll = (-(t["x"] - t["mean"]) ** 2 / (2 * v) - 0.5 * math.log(2 * math.pi * v)).sum(-1)
    checks.append(("loss_gaussian_fixed", ll, t["output"]))
    config, t = load("loss_masked_cross_entropy")
    log_pi = np.log(t["probabilities"])
    ce = -config["alpha"] / t["mask"].sum() * (t["mask"][:, None] * t["labels"] * log_pi).sum()
    checks.append(("loss_masked_cross_entropy", np.array([ce]), t["loss"].reshape(1)))

    failed = False
    for name, ours, reference in checks:
        gap = np.abs(ours - reference).max()
        scale = max(1.0, np.abs(reference).max())
        status = "ok" if gap <= 1e-5 * scale else "MISMATCH"
        failed |= status != "ok"
        print(f"{status:8s} {name}: max |diff| {gap:.2e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
