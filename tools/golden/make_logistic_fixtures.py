"""Golden fixtures for Metrics' LogisticRegression: scikit-learn's default LogisticRegression.

For three fixed data sets (multinomial 4 classes, binomial 2 classes, multinomial 6 classes
with βVAE-like non-negative features) it fits scikit-learn's `LogisticRegression()` twice:
with its defaults (lbfgs, C = 1, tol 1e-4, max_iter 100) and converged tightly (tol 1e-10,
max_iter 10,000), and writes Tests/MetricsTests/Fixtures/logistic_<name>.json holding the
features, labels, both fits' coef_, intercept_, n_iter_ and predictions on the features.
Features are rounded to 4 decimals before fitting, so the JSON holds exactly the values fitted.

Run with scikit-learn installed (a venv outside the repository):
    python -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn
    /tmp/venv/bin/python tools/golden/make_logistic_fixtures.py
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "MetricsTests" / "Fixtures"


def gaussian_classes(rng, n, features, classes, spread):
    labels = rng.integers(0, classes, size=n)
    centres = rng.normal(0.0, spread, size=(classes, features))
    x = centres[labels] + rng.normal(0.0, 1.0, size=(n, features))
    return np.round(x, 4), labels


def betavae_like(rng, n, features, classes):
    # Mean absolute differences: class k has small values on its own block of dimensions.
    labels = rng.integers(0, classes, size=n)
    x = np.abs(rng.normal(0.5, 0.25, size=(n, features)))
    block = features // classes
    for i, k in enumerate(labels):
        x[i, k * block:(k + 1) * block] *= rng.uniform(0.1, 0.9)
    return np.round(x, 4), labels


def fit(x, y, **options):
    model = LogisticRegression(**options).fit(x, y)
    return {
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "n_iter": int(model.n_iter_[0]),
        "predictions": model.predict(x).tolist(),
        "classes": model.classes_.tolist(),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20170401)
    cases = {
        "multinomial4": gaussian_classes(rng, 300, 8, 4, 1.0),
        "binomial": gaussian_classes(rng, 200, 5, 2, 0.8),
        "betavae6": betavae_like(rng, 400, 20, 6),
    }
    for name, (x, y) in cases.items():
        fixture = {
            "name": name,
            "sklearn": sklearn.__version__,
            "rows": int(x.shape[0]),
            "features": int(x.shape[1]),
            "x": x.ravel().tolist(),
            "labels": y.tolist(),
            "default": fit(x, y),
            "converged": fit(x, y, tol=1e-10, max_iter=10000),
        }
        path = OUT / f"logistic_{name}.json"
        path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
        print(f"{path.name}: {path.stat().st_size} bytes, default n_iter {fixture['default']['n_iter']}, "
              f"converged n_iter {fixture['converged']['n_iter']}")


if __name__ == "__main__":
    main()
