"""From a fitted model's coefficients to logits, probabilities and labels, for every input.

Arrays in memory (dense or sparse) give arrays; Dask collections give lazy dask arrays
(computed where their chunks live); other sources (files read in chunks) are read block
by block. No maths beyond ``z = X w + b``: probabilities come from the stable functions of
:mod:`oneneuron._numerics`. A model of K >= 3 classes (multinomial) has K logits per row
(:mod:`._predicting_multi`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import _fitting
from ._numerics import log_sigmoid, logit, sigmoid
from .data import Source, is_dask

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["accuracy", "decision", "labels", "log_proba", "proba"]


def _logits(X: Any, coef: NDArray[np.floating], intercept: float) -> NDArray[np.floating]:
    """``X w + b`` per row; a row whose products overflow gets its logit from the rescaled
    row (exactly ``±inf`` when the logit is beyond float64, never NaN)."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ coef.astype(X.dtype, copy=False) + intercept
    z = np.array(z, dtype=np.float64).ravel()
    bad = ~np.isfinite(z)
    if bad.any():
        z[bad] = _scaled_logits(X[bad], coef, intercept)
    return z


def _scaled_logits(X: Any, coef: NDArray[np.floating], intercept: float) -> NDArray[np.floating]:
    """``X w + b`` as ``2^(e_i + f) (X_i / 2^e_i . w / 2^f + b / 2^(e_i + f))``: powers of
    two bring every row and the weights to at most 1, so the dot products cannot
    overflow; only the last, exact, scaling can, to ±inf."""
    rows = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    _, e = np.frexp(np.abs(rows).max(axis=1) if rows.shape[1] else np.zeros(len(rows)))
    _, f = np.frexp(np.max(np.abs(coef)) if coef.size else 0.0)
    power = e + f
    inner = np.ldexp(rows, -e[:, None]) @ np.ldexp(np.asarray(coef, dtype=np.float64), -f)
    inner += np.ldexp(float(intercept), -power)
    with np.errstate(over="ignore"):
        return np.ldexp(inner, power)  # type: ignore[no-any-return]


def decision(est: LogisticRegression, X: Any) -> Any:
    """``z = X w + b`` per row: an ndarray, or a lazy dask array for dask input."""
    if len(est.classes_) > 2:
        return _multi.decision(est, X)
    coef, intercept = est.coef_[0], float(est.intercept_[0])
    if is_dask(X):
        return _dask_logits(est, X, coef, intercept)
    if isinstance(X, Source):
        if X.n_features != est.n_features_in_:
            raise ValueError(
                f"X has {X.n_features} features, but the model was fitted with {est.n_features_in_}"
            )
        parts = [_logits(block.X, coef, intercept) for block in X.blocks()]
        return np.concatenate(parts) if parts else np.empty(0)
    Xa = _fitting.check_X(est, X)
    return _logits(Xa, coef, intercept)


def _dask_logits(est: LogisticRegression, X: Any, coef: Any, intercept: float) -> Any:
    X = dask_matrix(est, X)
    return X.map_blocks(_logits, coef, intercept, drop_axis=1, dtype=np.float64)


def dask_matrix(est: LogisticRegression, X: Any) -> Any:
    """A dask DataFrame or array as a 2-D dask array of the model's columns, one chunk
    across the columns."""
    import dask.array as da

    names = getattr(est, "feature_names_in_", None)
    if hasattr(X, "columns"):
        columns = [str(c) for c in X.columns]
        if names is not None and columns != [str(n) for n in names]:
            raise ValueError(
                f"X has columns {columns[:12]}, but the model was fitted with "
                f"{[str(n) for n in names][:12]}"
            )
        X = X.to_dask_array(lengths=True)
    if not isinstance(X, da.Array) or X.ndim != 2 or X.shape[1] != est.n_features_in_:
        raise ValueError(
            f"X must be a 2-D dask array with {est.n_features_in_} columns; got shape "
            f"{getattr(X, 'shape', None)}"
        )
    return X.rechunk({1: -1})


def _columns(z: Any, function: Any) -> Any:
    """``[f(-z), f(z)]`` as columns, lazily for a dask array."""
    if is_dask(z):
        return z.map_blocks(
            lambda b: np.column_stack([function(-b), function(b)]),
            new_axis=1,
            chunks=(z.chunks[0], (2,)),
            dtype=np.float64,
        )
    return np.column_stack([function(-z), function(z)])


def proba(est: LogisticRegression, X: Any) -> Any:
    if len(est.classes_) > 2:
        return _multi.proba(est, X)
    return _columns(decision(est, X), sigmoid)


def log_proba(est: LogisticRegression, X: Any) -> Any:
    if len(est.classes_) > 2:
        return _multi.log_proba(est, X)
    return _columns(decision(est, X), log_sigmoid)


def labels(est: LogisticRegression, X: Any) -> Any:
    if len(est.classes_) > 2:
        return _multi.labels(est, X)
    z = decision(est, X)
    cut, classes = logit(est.threshold), est.classes_
    if is_dask(z):
        return z.map_blocks(lambda b: classes[(b >= cut).astype(int)], dtype=classes.dtype)
    return classes[(z >= cut).astype(int)]


def accuracy(est: LogisticRegression, source: Source) -> float:
    """The fraction of a labelled source's rows the model classifies correctly (one pass)."""
    labels = np.asarray(source.labels())
    unknown = np.setdiff1d(labels, est.classes_)
    if len(unknown):
        raise ValueError(
            f"the data hold labels {unknown.tolist()!r} that are not among the classes "
            f"{est.classes_.tolist()!r} this model was trained on"
        )
    source.encode(est.classes_)
    if len(est.classes_) > 2:
        return _multi.accuracy(est, source)
    coef, intercept, cut = est.coef_[0], float(est.intercept_[0]), logit(est.threshold)
    correct = total = 0
    for block in source.blocks():
        predicted = _logits(block.X, coef, intercept) >= cut
        correct += int(np.count_nonzero(predicted == block.is_positive()))
        total += block.n_rows
    return correct / total if total else float("nan")


from . import _predicting_multi as _multi  # noqa: E402  (it imports this module)
