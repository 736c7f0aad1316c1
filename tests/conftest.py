"""Shared datasets for the tests: small, seeded, built on the fly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.preprocessing import StandardScaler


def _classification(n=300, d=5, seed=0, weights=None, flip=0.1):
    X, y = make_classification(
        n_samples=n,
        n_features=d,
        n_informative=min(d, 3),
        n_redundant=0,
        weights=weights,
        flip_y=flip,
        random_state=seed,
    )
    return X, y


@pytest.fixture(scope="session")
def small():
    """300 x 5, overlapping classes (a unique, finite optimum even with alpha=0)."""
    return _classification()


@pytest.fixture(scope="session")
def imbalanced():
    """400 x 4 with 10% positives."""
    return _classification(n=400, d=4, seed=1, weights=[0.9])


@pytest.fixture(scope="session")
def cancer():
    """Standardised breast-cancer data, 569 x 30."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def datasets_for_oracle():
    """(name, X, y, sample_weight) cases for the scikit-learn oracle tests."""
    rng = np.random.default_rng(3)
    X1, y1 = _classification()
    X2, y2 = _classification(n=400, d=4, seed=1, weights=[0.9])
    X3, y3 = load_breast_cancer(return_X_y=True)
    X3 = StandardScaler().fit_transform(X3)
    X4, y4 = _classification(n=250, d=8, seed=5)
    return [
        ("small", X1, y1, None),
        ("imbalanced", X2, y2, None),
        ("cancer", X3, y3, None),
        ("weighted", X4, y4, rng.uniform(0.1, 3.0, size=len(y4))),
    ]
