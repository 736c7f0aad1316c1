"""The model as the plots see it: a fitted estimator or the textbook's ``{"W", "b"}`` as one
neuron's numbers (:class:`LinearModel`), how many classes it separates, and its class
probabilities at given rows (``predict_proba``, or a recorded weight snapshot's).

The plots hold no learning maths of their own: one neuron's probability is
:func:`oneneuron._numerics.sigmoid` and K classes' the softmax of :mod:`oneneuron.loss`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._numerics import sigmoid
from ..loss import softmax

__all__ = [
    "LinearModel",
    "as_linear_model",
    "is_multiclass",
    "model_proba",
    "n_classes_of",
    "proba_at",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class LinearModel:
    """The one neuron as plain numbers: ``P(classes[1] | x) = sigmoid(x . w + b)``."""

    w: Array  # (n_features,)
    b: float
    classes: NDArray[Any]  # (2,)
    threshold: float

    def proba(self, X: ArrayLike) -> Array:
        """P(classes[1]) for each row of X (n, n_features); shape (n,)."""
        return np.asarray(sigmoid(np.asarray(X, dtype=np.float64) @ self.w + self.b), np.float64)


def as_linear_model(model: Any, *, name: str = "model") -> LinearModel:
    """View a fitted estimator (``coef_``, ``intercept_``) or a dict ``{"W", "b"}`` as a neuron.

    Parameters
    ----------
    model : LogisticRegression, any fitted binary linear classifier, or dict
        A dict holds the textbook parameters: ``"W"`` of shape (n_features, 1) or
        (n_features,) and ``"b"`` a number; its classes are 0 and 1 and its threshold 0.5
        (or ``"threshold"`` when given).
    name : str
        The argument's name, for error messages.

    Returns
    -------
    LinearModel
    """
    if isinstance(model, Mapping):
        missing = {"W", "b"} - set(model)
        if missing:
            raise ValueError(
                f"{name} as a dict needs keys 'W' (n_features, 1) and 'b'; "
                f"missing {sorted(missing)}"
            )
        W = np.asarray(model["W"], dtype=np.float64)
        if W.ndim > 2 or (W.ndim == 2 and W.shape[1] != 1):
            raise ValueError(
                f"{name}['W'] must have shape (n_features, 1) or (n_features,); got {W.shape}"
            )
        b = np.asarray(model["b"], dtype=np.float64)
        if b.size != 1:
            raise ValueError(f"{name}['b'] must be a single number; got shape {b.shape}")
        return LinearModel(
            W.reshape(-1),
            float(b.reshape(-1)[0]),
            np.array([0, 1]),
            float(model.get("threshold", 0.5)),
        )
    if not hasattr(model, "coef_"):
        if hasattr(model, "fit"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"this {type(model).__name__} is not fitted yet; call fit before plotting"
            )
        raise TypeError(
            f"{name} must be a fitted LogisticRegression or a dict {{'W': ..., 'b': ...}}; "
            f"got {type(model).__name__}"
        )
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.ndim == 2 and coef.shape[0] != 1:
        raise ValueError(
            f"{name} has {coef.shape[0]} rows of coefficients; only binary "
            "(one-neuron) models can be plotted"
        )
    intercept = np.asarray(getattr(model, "intercept_", 0.0), dtype=np.float64).reshape(-1)
    classes = np.asarray(getattr(model, "classes_", [0, 1]))
    return LinearModel(
        coef.reshape(-1),
        float(intercept[0]) if intercept.size else 0.0,
        classes,
        float(getattr(model, "threshold", 0.5)),
    )


def n_classes_of(model: Any) -> int:
    """How many classes a fitted model (or textbook dict) separates: 2 for one neuron."""
    if isinstance(model, Mapping):
        return 2
    classes = getattr(model, "classes_", None)
    if classes is not None:
        return len(classes)
    coef = np.asarray(getattr(model, "coef_", np.zeros((1, 0))))
    return 2 if coef.ndim < 2 or coef.shape[0] == 1 else int(coef.shape[0])


def is_multiclass(model: Any) -> bool:
    """True for a fitted model of K >= 3 classes (K neurons, one per class)."""
    return n_classes_of(model) >= 3


def model_proba(model: Any, X: Array) -> Array:
    """``model.predict_proba`` at the rows of X (n, d), with the model's feature names when
    it was fitted on a DataFrame (no warning about missing names); shape (n, K)."""
    names = getattr(model, "feature_names_in_", None)
    rows: Any = X
    if names is not None and len(names) == X.shape[1]:
        import pandas as pd

        rows = pd.DataFrame(X, columns=[str(n) for n in names])
    return np.asarray(model.predict_proba(rows), dtype=np.float64)


def proba_at(coef: ArrayLike, intercept: ArrayLike, X: ArrayLike) -> Array:
    """Class probabilities (n, K) of one weight snapshot at the rows of X (n, d).

    ``coef`` of shape (K, d) with ``intercept`` (K,) for K >= 3 classes: the softmax of
    ``X W^T + b`` (:func:`oneneuron.loss.softmax`); ``coef`` of shape (d,) or (1, d) with
    one intercept for one neuron: the columns ``1 - p`` and ``p = sigmoid(x . w + b)``.
    Training animations use it to draw the model at a recorded iteration; a candidate to
    move into the estimator (the plots hold no learning maths of their own).
    """
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    b = np.asarray(intercept, dtype=np.float64).reshape(-1)
    Z = np.asarray(X, dtype=np.float64) @ W.T + b
    if W.shape[0] == 1:
        p = np.asarray(sigmoid(Z[:, 0]), dtype=np.float64)
        return np.column_stack([1.0 - p, p])
    return np.asarray(softmax(Z), dtype=np.float64)
