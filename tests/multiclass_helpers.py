"""K-class models for the tests of the K-class pictures, report and commands."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression


def k_class_model(**params: Any) -> Any:
    """An unfitted K-class classifier: oneneuron's multinomial model."""
    return LogisticRegression(**params)


def recorded_k_class_model(X: np.ndarray, y: np.ndarray, n_records: int = 8) -> Any:
    """A K-class model fitted by gd with its weight snapshots recorded per iteration
    (``coef`` (K, d) and ``intercept`` (K,) per record; record 0 is the start)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(
            solver="gd", max_iter=n_records - 1, record_weights=True, alpha=1e-2
        ).fit(X, y)
