"""Whether the design ``[X 1]`` has full column rank, and which columns depend on others.

With ``alpha = 0`` a rank-deficient design (a constant or all-zero column, a duplicated
column, a column that is a combination of others, fewer samples than parameters) has a
whole set of optimal coefficients, all with the same loss and predictions on the
training data; which one a solver returns depends on the solver and its start. The
estimator warns (:func:`warning`).

The test costs little (and is made only when ``alpha = 0``): the Gram matrix
``[X 1]^T diag(s) [X 1]`` of a strided sample of rows has full rank whenever the whole
design has (a subset of rows spans no more), so a
pass over all of X is made only when the sample is rank deficient (to tell a deficient
design from a sample that missed the rows that make it full rank). Designs with more
than :data:`MAX_PARAMS` parameters are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._messages import listing

__all__ = ["MAX_PARAMS", "dependent_columns", "warning"]

Array = NDArray[np.floating]

#: Designs with more parameters than this are not checked (the Gram matrix of the sample
#: costs 4096 p^2: about 20 ms at 200).
MAX_PARAMS = 200
#: Rows in the sample whose Gram matrix is tried first.
SAMPLE_ROWS = 4096
#: An eigenvalue of the column-normalised Gram matrix below this (times the largest)
#: counts as zero: exact dependences give ~1e-16, near ones (correlation 1 - 1e-9) 1e-9.
RELATIVE = 1e-11


def dependent_columns(source: Any, fit_intercept: bool) -> list[int] | None:
    """Columns of ``[X 1]`` (index d: the intercept) that are linearly dependent, or None
    when the design has full column rank (or is too large to check)."""
    d = source.n_features
    p = d + int(fit_intercept)
    if p > MAX_PARAMS:
        return None
    sample = source.cheap_sample(SAMPLE_ROWS)
    scale = None
    if sample is not None:
        scale = _column_units(sample.X)
        found = _dependent(_gram([sample], d, fit_intercept, scale))
        if not found:
            return None
    return _dependent(_gram(source.blocks(), d, fit_intercept, scale))


def warning(columns: list[int], n_features: int) -> str:
    """The warning's text for :func:`dependent_columns`' answer."""
    names = [c for c in columns if c < n_features]
    intercept = n_features in columns
    if len(names) == 1 and not intercept:
        what = f"X column {names[0]} is all zero (on the rows that have weight)"
    else:
        parts = [f"X column {names[0]}" if len(names) == 1 else f"X columns {listing(names)}"]
        parts += ["the intercept"] if intercept else []
        what = (
            f"{' and '.join(parts)} are linearly dependent (a constant, repeated or combined "
            "column)"
        )
    return (
        f"{what}: with alpha=0 the coefficients are not unique; the solver returned one of "
        "many that fit the training data equally well, and another solver may return "
        "another. Set alpha > 0 for a unique solution, or drop the redundant columns"
    )


def _column_units(X: Any) -> Array:
    """Powers of two near each column's largest |x| (so that the Gram matrix cannot
    overflow); 1 for all-zero columns."""
    top = np.asarray(abs(X).max(axis=0).toarray() if hasattr(X, "toarray") else np.abs(X).max(0))
    top = top.ravel().astype(np.float64)
    _, e = np.frexp(top)
    return np.where(top > 0, np.ldexp(1.0, np.clip(e - 1, -1022, 1023)), 1.0)


def _gram(blocks: Iterable[Any], d: int, fit_intercept: bool, scale: Array | None) -> Array:
    """``[X/scale 1]^T diag(s) [X/scale 1]`` over the blocks, in float64."""
    p = d + int(fit_intercept)
    out = np.zeros((p, p))
    with np.errstate(over="ignore", invalid="ignore"):
        for block in blocks:
            X = block.X.astype(np.float64)
            if scale is not None:
                X = X.multiply(1.0 / scale).tocsr() if hasattr(X, "multiply") else X / scale
            w = np.ones(block.n_rows) if block.weight is None else block.weight.astype(float)
            WX = X.multiply(w[:, None]).tocsr() if hasattr(X, "multiply") else X * w[:, None]
            xx = X.T @ WX
            out[:d, :d] += xx.toarray() if hasattr(xx, "toarray") else xx
            if fit_intercept:
                col = np.asarray(WX.sum(axis=0)).ravel()
                out[:d, d] += col
                out[d, :d] += col
                out[d, d] += w.sum()
    return out


def _dependent(gram: Array) -> list[int] | None:
    """The columns in the (near) null space of a Gram matrix, or None for full rank (or a
    matrix that overflowed, where nothing can be said)."""
    if not np.all(np.isfinite(gram)):
        return None
    diag = np.diag(gram).copy()
    zero = diag <= 0
    diag[zero] = 1.0
    unit = 1.0 / np.sqrt(diag)
    normalised = gram * unit[:, None] * unit[None, :]
    values, vectors = np.linalg.eigh(normalised)
    null = values <= RELATIVE * max(float(values[-1]), 1.0)
    if not null.any() and not zero.any():
        return None
    involved = np.any(np.abs(vectors[:, null]) > 1e-3, axis=1) | zero
    return [int(j) for j in np.flatnonzero(involved)]
