"""Predictions of a model of K >= 3 classes: K logits per row, softmax probabilities.

``Z = X W^T + b`` (n, K). Probabilities, log-probabilities and labels come from the
*shifted* logits ``S = Z - max_k Z`` of each row (log-sum-exp: every exponent <= 0, so
nothing overflows). A row whose products overflow (features near 1.8e308) gets its
logits from the row and W divided by powers of two, ``Z = 2^q I``, and ``S = 2^q (I -
max I)`` (-inf where the gap is beyond float64): never NaN, rows always sum to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import _fitting
from .data import Source, is_dask

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["accuracy", "decision", "labels", "log_proba", "proba"]

Array = NDArray[np.floating]


def _scaled(X: Any, W: Array, b: Array) -> tuple[Array, Array]:
    """``(I, q)`` with ``X W^T + b = 2^q I`` per row, I finite (powers of two bring every
    row and W to at most 1 first)."""
    rows = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    _, e = np.frexp(np.abs(rows).max(axis=1) if rows.shape[1] else np.zeros(len(rows)))
    _, f = np.frexp(np.max(np.abs(W)) if W.size else 0.0)
    power = e + f
    inner = np.ldexp(rows, -e[:, None]) @ np.ldexp(np.asarray(W, dtype=np.float64), -f).T
    inner += np.ldexp(b[None, :], -power[:, None])
    return inner, power


def _logits(X: Any, W: Array, b: Array) -> Array:
    """``Z = X W^T + b`` (n, K); ±inf where a logit is beyond float64, never NaN."""
    with np.errstate(over="ignore", invalid="ignore"):
        Z = np.asarray(X @ W.T.astype(X.dtype, copy=False), dtype=np.float64) + b
    bad = ~np.all(np.isfinite(Z), axis=1)
    if bad.any():
        inner, power = _scaled(X[np.flatnonzero(bad)], W, b)
        with np.errstate(over="ignore"):
            Z[bad] = np.ldexp(inner, power[:, None])
    return Z


def _shifted(X: Any, W: Array, b: Array) -> Array:
    """``S = Z - max_k Z`` per row (max 0, finite or -inf), for rows of any finite size."""
    with np.errstate(over="ignore", invalid="ignore"):
        Z = np.asarray(X @ W.T.astype(X.dtype, copy=False), dtype=np.float64) + b
    bad = ~np.all(np.isfinite(Z), axis=1)
    with np.errstate(invalid="ignore"):  # rows with inf - inf are recomputed below
        Z -= Z.max(axis=1, keepdims=True) if len(Z) else 0.0
    if bad.any():
        inner, power = _scaled(X[np.flatnonzero(bad)], W, b)
        inner -= inner.max(axis=1, keepdims=True)
        with np.errstate(over="ignore"):
            Z[bad] = np.ldexp(inner, power[:, None])
    return Z


def _proba(S: Array) -> Array:
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    return P


def _log_proba(S: Array) -> Array:
    return S - np.log(np.exp(S).sum(axis=1, keepdims=True))


def _apply(est: LogisticRegression, X: Any, function: Callable[[Any], Array], K: int) -> Any:
    """``function`` of the rows of X (arrays, a data source read block by block, or dask:
    lazily, where the chunks live), shape (n, K)."""
    if is_dask(X):
        from ._predicting import dask_matrix

        Xd = dask_matrix(est, X)
        return Xd.map_blocks(function, chunks=(Xd.chunks[0], (K,)), dtype=np.float64)
    if isinstance(X, Source):
        if X.n_features != est.n_features_in_:
            raise ValueError(
                f"X has {X.n_features} features, but the model was fitted with {est.n_features_in_}"
            )
        parts = [function(block.X) for block in X.blocks()]
        return np.concatenate(parts) if parts else np.empty((0, K))
    return function(_fitting.check_X(est, X))


def _coef(est: LogisticRegression) -> tuple[Array, Array]:
    return np.asarray(est.coef_, dtype=np.float64), np.asarray(est.intercept_, dtype=np.float64)


def decision(est: LogisticRegression, X: Any) -> Any:
    W, b = _coef(est)
    return _apply(est, X, lambda rows: _logits(rows, W, b), len(W))


def proba(est: LogisticRegression, X: Any) -> Any:
    W, b = _coef(est)
    return _apply(est, X, lambda rows: _proba(_shifted(rows, W, b)), len(W))


def log_proba(est: LogisticRegression, X: Any) -> Any:
    W, b = _coef(est)
    return _apply(est, X, lambda rows: _log_proba(_shifted(rows, W, b)), len(W))


def labels(est: LogisticRegression, X: Any) -> Any:
    W, b = _coef(est)
    classes = est.classes_
    S = _apply(est, X, lambda rows: _shifted(rows, W, b), len(W))
    if is_dask(S):
        return S.map_blocks(
            lambda s: classes[np.argmax(s, axis=1)], drop_axis=1, dtype=classes.dtype
        )
    return classes[np.argmax(S, axis=1)]


def accuracy(est: LogisticRegression, source: Source) -> float:
    """The fraction of an encoded source's rows (class codes) classified correctly."""
    W, b = _coef(est)
    correct = total = 0
    for block in source.blocks():
        predicted = np.argmax(_shifted(block.X, W, b), axis=1)
        correct += int(np.count_nonzero(predicted == block.sign))
        total += block.n_rows
    return correct / total if total else float("nan")
