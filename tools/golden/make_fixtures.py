#!/usr/bin/env python3
"""Golden fixtures that pin our Swift layers to an independent implementation (PyTorch).

Every fixture is computed in float64 from float32 parameters and inputs, then stored as
float32 values in OUR layouts (docs/CONVENTIONS.md gives each conversion). A layer fixture
holds its configuration, parameters, input, output, a fixed random projection `r`, and the
gradients of the scalar loss `sum(output * r)` with respect to the input and every parameter.

Run from the repository root:  python3 tools/golden/make_fixtures.py
PyTorch is a tool for generating these files only; the Swift tests read the JSON.
"""

import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "Tests", "NeuralLayersTests", "Fixtures")


# ---------------------------------------------------------------- storage helpers

def as_float32(t):
    """The float64 tensor holding exactly the float32 rounding of `t`."""
    return t.detach().to(torch.float32).to(torch.float64)


class Draw:
    """Seeded float32-representable draws, so Swift starts from bit-identical values."""

    def __init__(self, seed):
        self.generator = torch.Generator().manual_seed(seed)

    def normal(self, *shape, scale=1.0):
        return as_float32(torch.randn(*shape, generator=self.generator) * scale)

    def uniform(self, *shape, low=0.0, high=1.0):
        return as_float32(low + (high - low) * torch.rand(*shape, generator=self.generator))


def stored(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "values": [float(v) for v in t.reshape(-1).tolist()]}


def format_json(value):
    """JSON with float32 values written in 9 significant digits (exact round trip)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {format_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(format_json(v) for v in value) + "]"
    if isinstance(value, float):
        text = f"{value:.9g}"
        return text if any(c in text for c in ".en") else text + ".0"
    return json.dumps(value)


WRITTEN = []


def write_fixture(name, description, config, tensors, folder=None, generator="tools/golden/make_fixtures.py"):
    """Writes one fixture (the layer fixtures by default; make_model_fixtures.py passes its own
    folder and name) and records its size in WRITTEN."""
    document = {
        "name": name,
        "description": description,
        "generator": generator,
        "torch": torch.__version__,
        "config": {k: float(v) for k, v in config.items()},
        "tensors": {k: stored(v) for k, v in tensors.items()},
    }
    path = os.path.join(folder or FIXTURES, f"{name}.json")
    with open(path, "w") as f:
        f.write(format_json(document) + "\n")
    WRITTEN.append((name, os.path.getsize(path)))


def away_from_zero(values, margin, what):
    """Relu kinks: a pre-activation this close to 0 could change sign between float32 and
    float64 and make the reference gradient meaningless there."""
    smallest = values.abs().min().item()
    if smallest < margin:
        sys.exit(f"{what}: pre-activation {smallest} within {margin} of the relu kink; change the seed")


def leaf(t):
    return t.clone().requires_grad_(True)


def projected_gradients(output, leaves, seed, keep_graph=False):
    """r ~ N(0, 1) of the output's shape and the gradients of sum(output * r)."""
    r = Draw(seed).normal(*output.shape)
    grads = torch.autograd.grad((output * r).sum(), leaves, allow_unused=True, retain_graph=keep_graph)
    return r, [torch.zeros_like(x) if g is None else g for g, x in zip(grads, leaves)]


# ---------------------------------------------------------------- layers

def dense_fixtures():
    activations = {
        "linear": lambda t: t,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "softmax": lambda t: torch.softmax(t, dim=-1),
        "softplus": F.softplus,
    }
    for index, (name, activation) in enumerate(activations.items()):
        draw = Draw(100 + index)
        linear = torch.nn.Linear(5, 4)
        with torch.no_grad():
            linear.weight.copy_(draw.normal(4, 5, scale=0.6))
            linear.bias.copy_(draw.normal(4, scale=0.3))
        x = leaf(draw.normal(3, 5))
        pre = linear(x)
        if name == "relu":
            away_from_zero(pre, 1e-3, "dense relu")
        y = activation(pre)
        r, (gx, gw, gb) = projected_gradients(y, [x, linear.weight, linear.bias], 200 + index)
        write_fixture(
            f"dense_{name}", f"Dense 5→4, {name}: weight = Linear.weight.T",
            {"inputSize": 5, "outputSize": 4},
            {"input": x, "weight": linear.weight.T, "bias": linear.bias, "output": y,
             "projection": r, "grad.input": gx, "grad.weight": gw.T, "grad.bias": gb})


def conv2d_fixture(stride):
    draw = Draw(300 + stride)
    k, cin, cout = 3, 3, 4
    conv = torch.nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cout, cin, k, k, scale=0.4))
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 6, 5, cin))  # NHWC, odd width pins the floor of the output size
    y = conv(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 400 + stride)
    write_fixture(
        f"conv2d_stride{stride}", f"Conv2D k3 stride {stride} pad 1, NHWC; filter = weight.permute(2,3,1,0)",
        {"kernelSize": k, "stride": stride, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 3, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 3, 1, 0), "grad.bias": gb})


def conv_transpose2d_fixture(stride):
    draw = Draw(500 + stride)
    k, cin, cout = 3, 3, 2
    conv = torch.nn.ConvTranspose2d(cin, cout, k, stride=stride, padding=(k - 1) // 2,
                                    output_padding=stride - 1)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cin, cout, k, k, scale=0.4))  # [in, out, kh, kw]
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 3, 4, cin))
    y = conv(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 600 + stride)
    write_fixture(
        f"conv_transpose2d_stride{stride}",
        f"ConvTranspose2D k3 stride {stride} pad 1 outputPadding {stride - 1}, NHWC; "
        "filter [kh,kw,out,in] = weight.permute(2,3,1,0)",
        {"kernelSize": k, "stride": stride, "outputPadding": stride - 1,
         "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 3, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 3, 1, 0), "grad.bias": gb})


def winograd_fixtures():
    """3×3 stride-1 layers with 16 channels on both sides, the smallest that take Winograd's
    F(4×4, 3×3) path: a convolution whose 5×4 output ends one row into its second row of tiles,
    and the transposed convolution of Table 14's decoder (3×5: both end inside a tile)."""
    draw = Draw(700)
    cin, cout = 16, 16
    conv = torch.nn.Conv2d(cin, cout, 3, stride=1, padding=1)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cout, cin, 3, 3, scale=0.15))
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 5, 4, cin))
    y = conv(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 701)
    write_fixture(
        "conv2d_winograd", "Conv2D k3 stride 1 pad 1, 16→16 channels (Winograd F(4×4, 3×3)), NHWC 5×4; "
        "filter = weight.permute(2,3,1,0)",
        {"kernelSize": 3, "stride": 1, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 3, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 3, 1, 0), "grad.bias": gb})

    transposed = torch.nn.ConvTranspose2d(cin, cout, 3, stride=1, padding=1)
    with torch.no_grad():
        transposed.weight.copy_(draw.normal(cin, cout, 3, 3, scale=0.15))  # [in, out, kh, kw]
        transposed.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 3, 5, cin))
    y = transposed(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, transposed.weight, transposed.bias], 702)
    write_fixture(
        "conv_transpose2d_winograd",
        "ConvTranspose2D k3 stride 1 pad 1, 16→16 channels (Winograd F(4×4, 3×3)), NHWC 3×5; "
        "filter [kh,kw,out,in] = weight.permute(2,3,1,0)",
        {"kernelSize": 3, "stride": 1, "outputPadding": 0, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": transposed.weight.permute(2, 3, 1, 0), "bias": transposed.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 3, 1, 0), "grad.bias": gb})


def conv1d_fixture():
    draw = Draw(720)
    k, stride, cin, cout = 3, 2, 3, 4
    conv = torch.nn.Conv1d(cin, cout, k, stride=stride, padding=(k - 1) // 2)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cout, cin, k, scale=0.4))  # [out, in, k]
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 9, cin))  # [batch, time, c]; odd length pins the floor of the output length
    y = conv(x.permute(0, 2, 1)).permute(0, 2, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 721)
    write_fixture(
        "conv1d_stride2", "Conv1D k3 stride 2 pad 1, [batch, time, c]; filter [k,in,out] = weight.permute(2,1,0)",
        {"kernelSize": k, "stride": stride, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 1, 0), "grad.bias": gb})


def conv_transpose1d_fixture():
    draw = Draw(730)
    k, stride, cin, cout = 3, 2, 4, 2
    conv = torch.nn.ConvTranspose1d(cin, cout, k, stride=stride, padding=(k - 1) // 2, output_padding=stride - 1)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cin, cout, k, scale=0.4))  # [in, out, k]
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    x = leaf(draw.normal(2, 5, cin))
    y = conv(x.permute(0, 2, 1)).permute(0, 2, 1)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 731)
    write_fixture(
        "conv_transpose1d_stride2",
        "ConvTranspose1D k3 stride 2 pad 1 outputPadding 1, [batch, time, c]; filter [k,out,in] = weight.permute(2,1,0)",
        {"kernelSize": k, "stride": stride, "outputPadding": stride - 1, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 1, 0), "grad.bias": gb})


def causal_conv(x, conv, k, dilation):
    """[batch, time, c] → [batch, time, out] with left padding (k−1)·d."""
    trim = (k - 1) * dilation
    y = conv(x.permute(0, 2, 1))
    return (y[:, :, :-trim] if trim > 0 else y).permute(0, 2, 1)


def make_causal_conv(draw, cin, cout, k, dilation, scale):
    conv = torch.nn.Conv1d(cin, cout, k, dilation=dilation, padding=(k - 1) * dilation)
    with torch.no_grad():
        conv.weight.copy_(draw.normal(cout, cin, k, scale=scale))
        conv.bias.copy_(draw.normal(cout, scale=0.2))
    return conv


def causal_conv1d_fixture():
    draw = Draw(700)
    k, d, cin, cout = 4, 2, 3, 5
    conv = make_causal_conv(draw, cin, cout, k, d, 0.4)
    x = leaf(draw.normal(2, 9, cin))
    y = causal_conv(x, conv, k, d)
    r, (gx, gw, gb) = projected_gradients(y, [x, conv.weight, conv.bias], 701)
    write_fixture(
        "causal_conv1d", "CausalConv1D k4 dilation 2; filter [k,in,out] = weight.permute(2,1,0)",
        {"kernelSize": k, "dilation": d, "inputChannels": cin, "outputChannels": cout},
        {"input": x, "filter": conv.weight.permute(2, 1, 0), "bias": conv.bias, "output": y,
         "projection": r, "grad.input": gx, "grad.filter": gw.permute(2, 1, 0), "grad.bias": gb})


def temporal_block_fixture():
    draw = Draw(800)
    k, d, cin, cout = 3, 2, 3, 5
    conv1 = make_causal_conv(draw, cin, cout, k, d, 0.5)
    conv2 = make_causal_conv(draw, cout, cout, k, d, 0.4)
    skip = make_causal_conv(draw, cin, cout, 1, 1, 0.5)
    x = leaf(draw.normal(2, 8, cin))
    h1 = causal_conv(x, conv1, k, d)
    away_from_zero(h1, 1e-3, "temporal block conv1")
    h2 = causal_conv(torch.relu(h1), conv2, k, d)
    away_from_zero(h2, 1e-3, "temporal block conv2")
    residual = causal_conv(x, skip, 1, 1)
    total = residual + torch.relu(h2)
    away_from_zero(total, 1e-3, "temporal block sum")
    y = torch.relu(total)
    parameters = [conv1.weight, conv1.bias, conv2.weight, conv2.bias, skip.weight, skip.bias]
    r, grads = projected_gradients(y, [x] + parameters, 801)
    gx, g1w, g1b, g2w, g2b, gsw, gsb = grads
    write_fixture(
        "temporal_block",
        "TemporalBlock k3 dilation 2, 3→5 channels with a 1×1 skip, dropout 0: "
        "relu(skip(x) + relu(conv2(relu(conv1(x)))))",
        {"kernelSize": k, "dilation": d, "inputChannels": cin, "outputChannels": cout, "dropout": 0},
        {"input": x,
         "conv1.filter": conv1.weight.permute(2, 1, 0), "conv1.bias": conv1.bias,
         "conv2.filter": conv2.weight.permute(2, 1, 0), "conv2.bias": conv2.bias,
         "skip.filter": skip.weight.permute(2, 1, 0), "skip.bias": skip.bias,
         "output": y, "projection": r, "grad.input": gx,
         "grad.conv1.filter": g1w.permute(2, 1, 0), "grad.conv1.bias": g1b,
         "grad.conv2.filter": g2w.permute(2, 1, 0), "grad.conv2.bias": g2b,
         "grad.skip.filter": gsw.permute(2, 1, 0), "grad.skip.bias": gsb})


def batch_norm_fixtures():
    eps, momentum = 1e-3, 0.99
    for layout, shape in (("nhwc", (3, 4, 3, 5)), ("dense", (6, 5))):
        c = shape[-1]
        draw = Draw(900 + len(shape))
        scale = draw.uniform(c, low=0.5, high=1.5)
        offset = draw.normal(c, scale=0.3)
        running_mean = draw.normal(c, scale=0.5)
        running_variance = draw.uniform(c, low=0.5, high=2.0)
        x = leaf(draw.normal(*shape, scale=1.5) + 0.7)
        module = torch.nn.BatchNorm2d(c, eps=eps, momentum=1 - momentum) if len(shape) == 4 \
            else torch.nn.BatchNorm1d(c, eps=eps, momentum=1 - momentum)
        with torch.no_grad():
            module.weight.copy_(scale)
            module.bias.copy_(offset)
            module.running_mean.copy_(running_mean)
            module.running_var.copy_(running_variance)

        def apply(t):
            if len(shape) == 4:
                return module(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
            return module(t)

        for phase in ("training", "inference"):
            module.train(phase == "training")
            with torch.no_grad():
                module.running_mean.copy_(running_mean)
                module.running_var.copy_(running_variance)
            y = apply(x)
            r, (gx, gs, go) = projected_gradients(y, [x, module.weight, module.bias],
                                                  950 + len(shape) + (phase == "training"))
            tensors = {"input": x, "scale": scale, "offset": offset,
                       "runningMean": running_mean, "runningVariance": running_variance,
                       "output": y, "projection": r,
                       "grad.input": gx, "grad.scale": gs, "grad.offset": go}
            if phase == "training":
                # Our running statistics use the biased batch variance (Keras), PyTorch's the
                # unbiased one, so the expected update is computed here directly.
                flat = x.detach().reshape(-1, c)
                tensors["runningMeanAfter"] = momentum * running_mean + (1 - momentum) * flat.mean(0)
                tensors["runningVarianceAfter"] = (momentum * running_variance
                                                   + (1 - momentum) * flat.var(0, unbiased=False))
            write_fixture(
                f"batchnorm_{layout}_{phase}",
                f"BatchNorm over every axis but the last, {phase}; eps 1e-3, momentum 0.99; "
                "running statistics are the values before the step",
                {"epsilon": eps, "momentum": momentum, "channels": c}, tensors)


def lstm_fixture():
    draw = Draw(1000)
    batch, time, n_in, hidden = 2, 5, 3, 4
    lstm = torch.nn.LSTM(n_in, hidden, batch_first=True)
    input_weight = draw.normal(n_in, 4 * hidden, scale=0.5)
    recurrent_weight = draw.normal(hidden, 4 * hidden, scale=0.5)
    bias = draw.normal(4 * hidden, scale=0.3)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(input_weight.T)
        lstm.weight_hh_l0.copy_(recurrent_weight.T)
        lstm.bias_ih_l0.copy_(bias)
        lstm.bias_hh_l0.zero_()
    x = leaf(draw.normal(batch, time, n_in))
    y, _ = lstm(x)
    r, (gx, gi, gh, gb) = projected_gradients(
        y, [x, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0], 1001)
    write_fixture(
        "lstm", "LSTM in 3, hidden 4, gates i,f,g,o, zero initial state, every step returned; "
        "inputWeight = weight_ih_l0.T, recurrentWeight = weight_hh_l0.T, bias = bias_ih + bias_hh",
        {"inputSize": n_in, "hiddenSize": hidden},
        {"input": x, "inputWeight": input_weight, "recurrentWeight": recurrent_weight, "bias": bias,
         "output": y, "projection": r, "grad.input": gx, "grad.inputWeight": gi.T,
         "grad.recurrentWeight": gh.T, "grad.bias": gb})


# ---------------------------------------------------------------- losses

def loss_fixture(name, description, config, inputs, per_example, seed, constants=None):
    """Stores the per-example values, their batch mean, and the gradients of both
    sum(perExample * r) and the mean with respect to every input (not the constants)."""
    leaves = list(inputs.values())
    r, projected = projected_gradients(per_example, leaves, seed, keep_graph=True)
    mean = per_example.mean()
    mean_grads = torch.autograd.grad(mean, leaves)
    tensors = dict(inputs)
    tensors.update(constants or {})
    tensors.update({"output": per_example, "projection": r, "batchMean": mean})
    for key, g in zip(inputs, projected):
        tensors[f"grad.{key}"] = g
    for key, g in zip(inputs, mean_grads):
        tensors[f"gradBatchMean.{key}"] = g
    write_fixture(name, description, config, tensors)


def loss_fixtures():
    batch, features, latent = 4, 6, 3
    draw = Draw(1100)

    x = leaf(draw.uniform(batch, features))
    logits = leaf(draw.normal(batch, features, scale=2.0))
    log_likelihood = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
    loss_fixture("loss_bernoulli", "Bernoulli log-likelihood from logits, Σ_d x·l − softplus(l), per example",
                 {}, {"x": x, "logits": logits}, log_likelihood, 1101)

    variance = 0.5
    x = leaf(draw.normal(batch, features))
    mean = leaf(draw.normal(batch, features))
    normal = torch.distributions.Normal(mean, math.sqrt(variance))
    loss_fixture("loss_gaussian_fixed", "Gaussian log-likelihood with fixed variance σ² = 0.5, per example",
                 {"variance": variance}, {"x": x, "mean": mean}, normal.log_prob(x).sum(-1), 1102)

    x = leaf(draw.normal(batch, features))
    mean = leaf(draw.normal(batch, features))
    raw = leaf(draw.normal(batch, features))
    normal = torch.distributions.Normal(mean, F.softplus(raw).sqrt())
    loss_fixture("loss_gaussian_learned", "Gaussian log-likelihood, variance softplus(raw), per example",
                 {}, {"x": x, "mean": mean, "rawVariance": raw}, normal.log_prob(x).sum(-1), 1103)

    mu = leaf(draw.normal(batch, latent))
    log_var = leaf(draw.normal(batch, latent, scale=0.8))
    posterior = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    prior = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    kl = torch.distributions.kl_divergence(posterior, prior).sum(-1)
    loss_fixture("loss_kl", "KL(N(μ, e^logVar) ‖ N(0, I)), per example",
                 {}, {"mu": mu, "logVar": log_var}, kl, 1104)

    masked_cross_entropy_fixture(draw)
    beta_vae_fixture(draw)
    vabc_fixture(draw)


def masked_cross_entropy_fixture(draw):
    batch, classes, alpha = 5, 3, 1.5
    logits = leaf(draw.normal(batch, classes, scale=1.5))
    labels = torch.tensor([2, 0, 1, 1, 0])
    mask = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    one_hot = F.one_hot(labels, classes).to(torch.float64)
    probabilities = leaf(torch.softmax(logits, -1).detach())
    per_example = F.cross_entropy(logits, labels, reduction="none")
    loss = alpha * (mask * per_example).sum() / mask.sum()
    (grad_logits,) = torch.autograd.grad(loss, [logits])
    # The same loss written on probabilities, −(α/#labeled) Σ m_i Σ_c y_ic log π_ic, for an
    # API that takes π rather than logits.
    loss_on_probabilities = -alpha * (mask[:, None] * one_hot * probabilities.log()).sum() / mask.sum()
    (grad_probabilities,) = torch.autograd.grad(loss_on_probabilities, [probabilities])
    write_fixture(
        "loss_masked_cross_entropy",
        "Masked categorical cross-entropy (semisupervised-vae eq. 5): −(α/#labeled) Σ_i m_i Σ_c y_ic log π_ic, "
        "π = softmax(logits); a scalar for the batch",
        {"alpha": alpha, "classes": classes},
        {"logits": logits, "probabilities": probabilities, "labels": one_hot, "mask": mask,
         "loss": loss, "grad.logits": grad_logits, "grad.probabilities": grad_probabilities})


def beta_vae_fixture(draw):
    batch, beta, capacity = 4, 4.0, 0.5
    reconstruction = leaf(draw.uniform(batch, low=1.0, high=5.0))
    # KL values on both sides of C, none near the kink of |KL − C|.
    kl = leaf(torch.tensor([0.1, 0.9, 2.0, 0.3]))
    per_example = reconstruction + beta * (kl - capacity).abs()
    loss_fixture("loss_beta_vae_capacity",
                 "β-VAE with capacity: reconstruction + β·|KL − C| per example (β 4, C 0.5)",
                 {"beta": beta, "capacity": capacity},
                 {"reconstruction": reconstruction, "kl": kl}, per_example, 1105)


def vabc_fixture(draw):
    batch, features, latent, gamma, variance = 4, 5, 2, 0.7, 0.8
    x = leaf(draw.normal(batch, features))
    reconstruction = leaf(draw.normal(batch, features))
    mu = leaf(draw.normal(batch, latent))
    log_var = leaf(draw.normal(batch, latent, scale=0.5))
    y = torch.tensor([1.0, 0.0, 1.0, 0.0])
    vae = ((x - reconstruction) ** 2).sum(-1) / (2 * variance)
    kl = 0.5 * (mu ** 2 + log_var.exp() - 1 - log_var).sum(-1)
    per_example = kl + y * vae - (1 - y) * torch.log(-torch.expm1(-gamma * vae))
    loss_fixture("loss_vabc",
                 "V-ABC: KL + y·L_VAE − (1−y)·log(1 − exp(−γ·L_VAE)), L_VAE = ‖x − x̂‖²/(2σ²), per example",
                 {"gamma": gamma, "variance": variance},
                 {"x": x, "reconstruction": reconstruction, "mu": mu, "logVar": log_var},
                 per_example, 1106, constants={"label": y})


# ---------------------------------------------------------------- one training step

def semi_supervised_step_fixture():
    """The dense semi-supervised VAE (semisupervised-vae Table 13) at small widths: one
    loss evaluation, its gradients, and one RMSprop and one Adam step from the same start."""
    n_in, hidden, latent, classes, batch, labeled = 16, 12, 2, 3, 6, 3
    alpha = 1.0
    draw = Draw(1200)

    def linear(i, o):
        layer = torch.nn.Linear(i, o)
        limit = math.sqrt(6 / (i + o))
        with torch.no_grad():
            layer.weight.copy_(draw.uniform(o, i, low=-limit, high=limit))
            layer.bias.copy_(draw.normal(o, scale=0.1))
        return layer

    # Our names, in the order the Swift model lists them.
    layers = {
        "encoder1": linear(n_in, hidden), "encoder2": linear(hidden, hidden),
        "mu": linear(hidden, latent), "logVar": linear(hidden, latent), "classLogits": linear(hidden, classes),
        "decoder1": linear(latent + classes, hidden), "decoder2": linear(hidden, hidden),
        "decoderOutput": linear(hidden, n_in),
    }
    x = draw.uniform(batch, n_in)
    epsilon = draw.normal(batch, latent)
    labels = torch.tensor([2, 0, 1, 0, 0, 0])
    mask = torch.tensor([1.0] * labeled + [0.0] * (batch - labeled))
    one_hot = F.one_hot(labels, classes).to(torch.float64) * mask[:, None]

    def loss_of(check_kinks=False):
        def relu(t, what):
            if check_kinks:
                away_from_zero(t, 1e-4, what)
            return torch.relu(t)
        h = relu(layers["encoder1"](x), "encoder1")
        h = relu(layers["encoder2"](h), "encoder2")
        mu, log_var, class_logits = layers["mu"](h), layers["logVar"](h), layers["classLogits"](h)
        z = mu + (0.5 * log_var).exp() * epsilon
        d = torch.cat([z, torch.softmax(class_logits, -1)], -1)
        d = relu(layers["decoder1"](d), "decoder1")
        d = relu(layers["decoder2"](d), "decoder2")
        logits = layers["decoderOutput"](d)
        log_likelihood = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
        kl = 0.5 * (mu ** 2 + log_var.exp() - 1 - log_var).sum(-1)
        cross_entropy = F.cross_entropy(class_logits, labels, reduction="none")
        classification = alpha * (mask * cross_entropy).sum() / mask.sum()
        return (kl - log_likelihood).mean() + classification

    parameters = []
    for name, layer in layers.items():
        parameters += [(f"{name}.weight", layer.weight), (f"{name}.bias", layer.bias)]

    def ours(name, t):
        """A copy in our layout: the optimisers below change the parameters in place."""
        return (t.T if name.endswith(".weight") else t).detach().clone()

    tensors = {"x": x, "epsilon": epsilon, "labels": one_hot, "mask": mask}
    for name, p in parameters:
        tensors[f"param.{name}"] = ours(name, p)

    loss = loss_of(check_kinks=True)
    gradients = torch.autograd.grad(loss, [p for _, p in parameters])
    tensors["loss"] = loss
    for (name, _), g in zip(parameters, gradients):
        tensors[f"grad.{name}"] = ours(name, g)

    start = [p.detach().clone() for _, p in parameters]
    for optimizer_name, make in (
            ("rmsprop", lambda ps: torch.optim.RMSprop(ps, lr=5e-4, alpha=0.9, eps=1e-7, momentum=0)),
            ("adam", lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8))):
        with torch.no_grad():
            for (_, p), s in zip(parameters, start):
                p.copy_(s)
        optimizer = make([p for _, p in parameters])
        optimizer.zero_grad()
        loss_of().backward()
        optimizer.step()
        for name, p in parameters:
            tensors[f"{optimizer_name}.{name}"] = ours(name, p)

    write_fixture(
        "semisupervised_step",
        "One training step of the dense semi-supervised VAE (Table 13 at widths 16→12→12, latent 2, "
        "3 classes, batch 6 with the first 3 labeled): z = μ + exp(½ logVar)·ε, decoder on z ⊕ softmax(π), "
        "loss = mean_i[−bernoulliLogLik + KL] + (α/#labeled) masked CE, α = 1; parameters after one "
        "RMSprop (lr 5e-4, ρ 0.9, ε 1e-7, no momentum) and one Adam step (lr 1e-3, β 0.9/0.999, ε 1e-8), "
        "each from the stored start; weights in our [in, out] layout",
        {"inputSize": n_in, "hiddenSize": hidden, "latentSize": latent, "classes": classes,
         "batch": batch, "labeled": labeled, "alpha": alpha,
         "rmspropLearningRate": 5e-4, "rmspropRho": 0.9, "rmspropEpsilon": 1e-7,
         "adamLearningRate": 1e-3, "adamBeta1": 0.9, "adamBeta2": 0.999, "adamEpsilon": 1e-8},
        tensors)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    dense_fixtures()
    conv2d_fixture(1)
    conv2d_fixture(2)
    conv_transpose2d_fixture(2)
    conv_transpose2d_fixture(1)
    winograd_fixtures()
    causal_conv1d_fixture()
    conv1d_fixture()
    conv_transpose1d_fixture()
    temporal_block_fixture()
    batch_norm_fixtures()
    lstm_fixture()
    loss_fixtures()
    semi_supervised_step_fixture()
    total = 0
    for name, size in WRITTEN:
        print(f"{size:8d}  {name}.json")
        total += size
    print(f"{total:8d}  total (torch {torch.__version__})")


if __name__ == "__main__":
    main()
