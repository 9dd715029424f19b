#!/usr/bin/env python3
"""Fixtures that pin Sources/Embedding (our Barnes-Hut t-SNE) to scikit-learn.

Writes Tests/EmbeddingTests/Fixtures/:
  tsne_perplexity.json     60 points in 5-D: scikit-learn's exact 18 nearest neighbours
                           (squared distances), `_binary_search_perplexity` at perplexity 6
                           (conditional P, [n, k]) and `_joint_probabilities_nn` (the symmetric
                           sparse P, as row/column/value triplets).
  tsne_trustworthiness.json 150 points in 6-D and a noisy 2-D projection of them, with
                           `sklearn.manifold.trustworthiness` at 5 and 10 neighbours.
  tsne_mixture.json        1,000 points of a 10-cluster Gaussian mixture in 10-D (centres
                           N(0, 3²) per coordinate, unit noise, 100 points a cluster) and the final
                           KL divergence and trustworthiness (10 neighbours) of scikit-learn's
                           Barnes-Hut t-SNE on them, for three seeds.

The t-SNE settings are ours (Sources/Embedding/TSNE.swift): perplexity 30, angle 0.5, 1,000
iterations of which 250 with early exaggeration 12, momentum 0.5 then 0.8, init 'random' (std
1e-4). Learning rate: our steps follow bhtsne/openTSNE, which move along the forces
F = gradient / 4; scikit-learn's `_kl_divergence_bh` multiplies its gradient by 4
(c = 2(dof + 1)/dof = 4), so the same steps need scikit-learn's learning_rate = ours / 4:
our 200 is scikit-learn's 50. Early stopping is switched off (n_iter_without_progress,
min_grad_norm) so both run all 1,000 iterations.

Data are rounded to 3 decimals and stored as written, so Swift parses the same float32 values.

Run from the repository root, with scikit-learn in a virtual environment outside the repo:
    python3 -m venv /tmp/venv-tsne && /tmp/venv-tsne/bin/pip install scikit-learn
    /tmp/venv-tsne/bin/python tools/golden/make_tsne_fixtures.py
Generated with scikit-learn 1.9.1, numpy 2.4.6.
"""

import json
import os

import numpy as np
import scipy.sparse
import sklearn
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.manifold._utils import _binary_search_perplexity
from sklearn.neighbors import NearestNeighbors

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "Tests", "EmbeddingTests", "Fixtures")


def rounded(x):
    """float32 values that are exactly the 3-decimal numbers written to the file."""
    return np.round(np.asarray(x, dtype=np.float64), 3).astype(np.float32)


def data_list(x):
    return [round(float(v), 3) for v in np.asarray(x, dtype=np.float64).reshape(-1)]


def mixture(rng, n, dimensions, clusters, spread=3.0):
    centres = rng.normal(0.0, spread, size=(clusters, dimensions))
    labels = np.arange(n) % clusters
    return rounded(centres[labels] + rng.normal(size=(n, dimensions)))


def digits9(values):
    """Floats to 9 significant digits (float32 values round-trip exactly; float64 to ~1e-9)."""
    return [float(f"{float(v):.9g}") for v in np.asarray(values).reshape(-1)]


def write(name, obj):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {os.path.getsize(path)} bytes")


def perplexity_fixture():
    rng = np.random.default_rng(13)
    n = 60
    x = mixture(rng, n, 5, 3)
    perplexity, k = 6.0, 18
    knn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="euclidean").fit(x)
    distances, indices = knn.kneighbors(return_distance=True)      # self excluded
    squared = (distances.astype(np.float64) ** 2).astype(np.float32)
    conditional = _binary_search_perplexity(squared, perplexity, 0)
    graph = scipy.sparse.csr_matrix((squared.reshape(-1).astype(np.float64), indices.reshape(-1),
                                     np.arange(0, n * k + 1, k)), shape=(n, n))
    joint = _joint_probabilities_nn(graph, perplexity, 0).tocoo()
    write("tsne_perplexity.json", {
        "points": data_list(x), "count": n, "dimensions": 5, "perplexity": perplexity, "k": k,
        "indices": indices.reshape(-1).tolist(),
        "squaredDistances": digits9(squared),
        "conditional": digits9(conditional),
        "jointRows": joint.row.tolist(), "jointColumns": joint.col.tolist(),
        "jointValues": digits9(joint.data),
    })


def trustworthiness_fixture():
    rng = np.random.default_rng(7)
    high = mixture(rng, 150, 6, 4, spread=2.0)
    low = rounded(high[:, :2] + 0.8 * rng.normal(size=(150, 2)))
    write("tsne_trustworthiness.json", {
        "high": data_list(high), "low": data_list(low), "count": 150, "dimensions": 6,
        "neighbours": [5, 10],
        "trustworthiness": [float(trustworthiness(high.astype(np.float64), low.astype(np.float64),
                                                  n_neighbors=k)) for k in (5, 10)],
    })


def mixture_fixture():
    rng = np.random.default_rng(2020)
    x = mixture(rng, 1000, 10, 10)
    runs = []
    for seed in (0, 1, 2):
        tsne = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate=50.0,
                    max_iter=1000, n_iter_without_progress=1000, min_grad_norm=0.0,
                    init="random", method="barnes_hut", angle=0.5, random_state=seed)
        y = tsne.fit_transform(x.astype(np.float64))
        runs.append({"seed": seed, "klDivergence": float(tsne.kl_divergence_),
                     "iterations": int(tsne.n_iter_) + 1,
                     "trustworthiness": float(trustworthiness(x, y, n_neighbors=10))})
        print(runs[-1])
    write("tsne_mixture.json", {
        "points": data_list(x), "count": 1000, "dimensions": 10, "perplexity": 30.0,
        "sklearnLearningRate": 50.0, "sklearnVersion": sklearn.__version__, "sklearn": runs,
    })


if __name__ == "__main__":
    import sys
    os.makedirs(FIXTURES, exist_ok=True)
    chosen = sys.argv[1:] or ["perplexity", "trustworthiness", "mixture"]   # regenerate a subset
    for name in chosen:
        globals()[f"{name}_fixture"]()
