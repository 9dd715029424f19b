#!/usr/bin/env python3
"""openTSNE on the data of vae-bench's t-SNE figure, for the side-by-side time ratio.

vae-bench writes the points (float32, row-major [n, d]) to a file, runs this script, and
computes the trustworthiness of the map it writes back with the same Swift function as its
own, so both are judged alike.

    python3 tools/bench/tsne_reference.py --data points.f32 --dimensions 10 --output map.f32 \
        [--threads 2] [--seed 0]

Prints one JSON object: {"library", "version", "seconds", "threads", "n"}. The settings are
ours (Sources/Embedding/TSNE.swift): Barnes-Hut with theta 0.5, exact neighbours, perplexity
30, learning rate 200 (openTSNE, like us and bhtsne, steps along gradient / 4, so the numbers
mean the same), 250 iterations with exaggeration 12 and momentum 0.5, then 750 with momentum
0.8, Gaussian initialisation with std 1e-4, no gradient or step clipping.
openTSNE belongs in a virtual environment for the bench only (never a product dependency):
    python3 -m venv /tmp/venv-bench && /tmp/venv-bench/bin/pip install openTSNE
    vae-bench --tsne-only --tsne-python /tmp/venv-bench/bin/python
"""
import argparse
import json
import time

import numpy as np
import openTSNE

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--dimensions", type=int, required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

x = np.fromfile(args.data, dtype=np.float32).reshape(-1, args.dimensions).astype(np.float64)
start = time.perf_counter()
init = np.random.default_rng(args.seed).normal(0.0, 1e-4, size=(x.shape[0], 2))
tsne = openTSNE.TSNE(
    n_components=2, perplexity=30, learning_rate=200, early_exaggeration_iter=250,
    early_exaggeration=12, n_iter=750, theta=0.5, initialization=init,
    initial_momentum=0.5, final_momentum=0.8, max_grad_norm=None, max_step_norm=None,
    negative_gradient_method="bh", neighbors="exact", n_jobs=args.threads, random_state=args.seed)
y = np.asarray(tsne.fit(x))
seconds = time.perf_counter() - start
y.astype(np.float32).tofile(args.output)
print(json.dumps({"library": "openTSNE", "version": openTSNE.__version__, "seconds": seconds,
                  "threads": args.threads, "n": int(x.shape[0])}))
