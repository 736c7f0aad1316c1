"""Features and weights of extreme but finite magnitude: found cheaply, worked safely.

A fit must give the same model for ``X`` as for ``X`` with its columns rescaled, and no
overflow, whatever finite values it is given. Three things make that true:

* **Weights** are multiplied by a power of two that brings their largest value to
  ``[0.5, 1)`` (J is invariant to a common factor, and the product is exact), so that
  weights of 1e307 or 1e-320 each fit as weights of 1 do.
* **The exact solvers** (``newton``, ``lbfgs``) work on ``theta_j = c_j w_j``: columns
  whose largest ``|x|`` lies outside ``[2^-10, 2^30]`` are measured in units of a power
  of two ``c_j`` near it (a diagonal change of parameters, like standardisation; the
  penalty is weighted by ``1 / c_j`` so that it still acts on the user's coefficients).
  Their gradients, Hessians and stopping rule then see every column at unit scale (the
  rule ``max |dJ/dtheta| <= tol`` is absolute: a tiny column's gradient is tiny, which is
  why the lower bound is tighter).
* **Raw arithmetic** on values outside ``[2^-400, 2^400]`` (squares in the Hessian and
  the variances, sums of n products) would overflow or underflow: such columns are
  divided by ``c_j`` in a block-sized copy before any product (:class:`~oneneuron.
  objective.Objective`'s ``row_scale``), and their column statistics are computed on
  ``X / c_j``. ``gd`` and ``sgd`` step in the units of X (the seeds' update): on such
  columns they are refused unless ``standardize=True``, and warned about outside
  ``[2^-30, 2^30]``.

Finding the columns costs no pass over X in the usual case: a strided sample of rows
shows columns that are extreme throughout, and the run's first evaluation (which the
solver needs anyway, and gets without a second pass) shows rare extreme values by a
gradient or Hessian that only such columns can give. Only data with extreme columns pay
for the exact per-column maxima (one pass).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _kernels, _kernels_small

__all__ = [
    "LIMIT",
    "SAFE",
    "column_absmax",
    "column_scale",
    "coordinates",
    "extreme_columns",
    "first_shows_extremes",
    "moments",
    "normalise_weights",
    "sample_absmax",
]

Array = NDArray[np.floating]

#: Exact solvers take columns whose largest |x| is within [2^-LIMIT[0], 2^LIMIT[1]] as they
#: are.
LIMIT = (10, 30)
#: Products, squares and sums of n values within [2^-SAFE, 2^SAFE] stay finite and normal.
SAFE = (400, 400)
#: gd and sgd (in the units of X) are warned about columns outside [2^-30, 2^30].
STEP_LIMIT = (30, 30)
#: Columns inside [2^-10, 2^30] need nothing in any case.
_WIDEST = (min(LIMIT[0], SAFE[0], STEP_LIMIT[0]), min(LIMIT[1], SAFE[1], STEP_LIMIT[1]))
#: Rows in the strided sample that finds columns extreme throughout.
SAMPLE_ROWS = 4096


def exponents(values: Array) -> NDArray[np.intp]:
    """``e`` with ``|v| = m 2^e``, ``m`` in [0.5, 1); 0 for zeros."""
    _, e = np.frexp(np.asarray(values, dtype=np.float64))
    return np.where(np.asarray(values) == 0, 0, e)


def extreme_columns(absmax: Array, limit: tuple[int, int]) -> NDArray[np.bool_]:
    """Columns whose largest |x| is non-zero and outside ``[2^-limit[0], 2^limit[1]]``."""
    e = exponents(absmax)
    return (np.asarray(absmax) != 0) & ((e > limit[1]) | (e <= -limit[0]))


def column_scale(absmax: Array, limit: tuple[int, int], alpha: float = 0.0) -> Array | None:
    """Powers of two ``c_j <= |x|_max < 2 c_j`` for the columns outside
    ``[2^-limit[0], 2^limit[1]]`` (1 elsewhere); None when there are none.

    With a penalty a tiny column's coefficient is held by the penalty, not the data, so
    its unit is ``sqrt(alpha)`` at least (then ``alpha / c_j^2 <= 1``; and at least
    ``2^-500``, so that ``1 / c_j^2`` is finite).
    """
    absmax = np.asarray(absmax, dtype=np.float64)
    size = absmax if alpha <= 0 else np.maximum(absmax, max(np.sqrt(alpha), 2.0**-500))
    extreme = extreme_columns(size, limit)
    if not extreme.any():
        return None
    # 2^(e - 1) <= |x| < 2^e: unit 2^(e - 1), within the normal floats (1 / c is finite)
    powers = np.clip(exponents(size) - 1, -1022, 1023)
    return np.where(extreme, np.ldexp(1.0, powers), 1.0)


def column_absmax(source: Any) -> Array:
    """The largest |x| of every column (one pass over the source)."""
    out = np.zeros(source.n_features)
    for block in source.blocks():
        _absmax_into(out, block.X)
    return out


def sample_absmax(source: Any) -> Array | None:
    """The largest |x| of every column over a strided sample of rows (None for a source
    that has no sample without a pass of its own: see :meth:`~oneneuron.data.Source.
    cheap_sample`)."""
    sample = source.cheap_sample(SAMPLE_ROWS)
    if sample is None:
        return None
    out = np.zeros(source.n_features)
    _absmax_into(out, sample.X)
    return out


def _absmax_into(out: Array, X: Any) -> None:
    if X.shape[0] == 0:
        return
    compiled = _kernels_small.column_absmax is not None and _kernels.wanted()
    if isinstance(X, np.ndarray):
        if compiled:  # one read, no ufunc call per row
            _kernels_small.column_absmax(X, out)  # type: ignore[misc]
            return
        # max(max x, -min x): |x|'s column maxima without an |X| copy of the sample
        np.maximum(out, np.maximum(X.max(axis=0), -X.min(axis=0)), out=out)
    elif X.format == "csr":  # the stored values' column maxima, no CSC conversion
        if compiled:
            _kernels_small.csr_column_absmax(X.data, X.indices, out)  # type: ignore[misc]
            return
        with np.errstate(invalid="ignore"):  # a NaN is named later, by the finite check
            np.maximum.at(out, X.indices, np.abs(X.data))
    else:
        np.maximum(out, abs(X).max(axis=0).toarray().ravel(), out=out)


def first_shows_extremes(evaluation: Any, n_features: int, raw: bool) -> bool:
    """Whether a run's first evaluation shows columns of extreme magnitude.

    Non-finite values from finite data always do. In raw coordinates (``raw``), so does
    ``|dJ/dw_j| > 2^30`` (it is a weighted mean of ``r_i x_ij`` with ``|r_i| <= 1``, so at
    most the column's largest |x|) and a Hessian diagonal ``> 4^30`` (at most
    ``max x_j^2 / 4``).
    """
    grad, hess = np.asarray(evaluation.grad), evaluation.hess
    if not (np.isfinite(evaluation.loss) and np.all(np.isfinite(grad))):
        return True
    if hess is not None and not np.all(np.isfinite(hess)):
        return True
    if not raw:
        return False
    if np.any(np.abs(grad[:n_features]) > 2.0 ** LIMIT[1]):
        return True
    return hess is not None and bool(np.any(np.diag(hess)[:n_features] > 4.0 ** LIMIT[1]))


def normalise_weights(weights: Array | None) -> tuple[Array | None, float]:
    """Weights times the power of two that brings their largest value to [0.5, 1), and
    that power's inverse: the factor back to the weights given (inf if it overflows)."""
    if weights is None:
        return None, 1.0
    top = float(np.max(weights)) if weights.size else 0.0
    if top == 0.0:
        return weights, 1.0
    _, e = np.frexp(top)
    with np.errstate(over="ignore"):
        return (weights if e == 0 else np.ldexp(weights, -e)), float(np.ldexp(1.0, e))


def moments(source: Any, absmax: Array | None) -> tuple[Array, Array, Array | None]:
    """Column means and standard deviations without overflow or underflow.

    Computed on ``X / c`` for the columns that ``absmax`` (a sample's, or None) shows
    outside ``[2^-SAFE, 2^SAFE]``; when the result still shows such columns (a rare
    extreme value the sample missed), the exact maxima are found (one pass) and the
    moments computed again. Returns ``(mean, std, absmax)``, with the exact maxima when
    they were computed (else ``absmax`` as given).
    """
    prescale = None if absmax is None else column_scale(absmax, SAFE)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean, std = source.column_moments(prescale)
    if _suspect(mean, std, prescale):
        absmax = column_absmax(source)
        prescale = column_scale(absmax, SAFE)
        with np.errstate(under="ignore"):
            mean, std = source.column_moments(prescale)
    return mean, std, absmax


def _suspect(mean: Array, std: Array, prescale: Array | None) -> bool:
    """Moments that may have overflowed or underflowed in their squares."""
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
        return True
    unit = 1.0 if prescale is None else prescale
    size = np.maximum(np.abs(mean), std) / unit
    return bool(np.any(extreme_columns(size, (SAFE[0] // 2, SAFE[1] // 2))))


def coordinates(
    absmax: Array | None, *, standardize: bool, exact: bool, alpha: float, solver: str
) -> tuple[Array | None, Array | None]:
    """``(scale, row_scale)`` for a run: the change of parameters of an unstandardised
    exact run, and the powers of two a block copy divides the rows by (see the module
    docstring). gd and sgd on unstandardised extreme columns are refused (beyond
    ``2^±400``) or warned about (beyond ``2^±30``).
    """
    if absmax is None or not extreme_columns(absmax, _WIDEST).any():  # the usual case
        return None, None
    if standardize:
        return None, column_scale(absmax, SAFE)
    if exact:
        scale = column_scale(absmax, LIMIT, alpha)
        beyond = column_scale(absmax, SAFE) is not None
        return scale, (scale if beyond and scale is not None else None)
    advice = (
        f"solver={solver!r} steps in the units of X: set standardize=True, or use an exact "
        "solver ('newton', 'lbfgs', 'auto'), which rescale such columns"
    )
    refused = np.flatnonzero(extreme_columns(absmax, SAFE))
    if refused.size:
        raise ValueError(f"{describe(absmax, refused)}; {advice}")
    outside = np.flatnonzero(extreme_columns(absmax, STEP_LIMIT))
    if outside.size:
        warnings.warn(f"{describe(absmax, outside)}; {advice}", UserWarning, stacklevel=5)
    return None, None


def describe(absmax: Array, columns: NDArray[np.intp]) -> str:
    """``X column 3 holds values as large as 1e+200 (and 2 more columns)``."""
    j = int(columns[0])
    size = float(absmax[j])
    what = "as large as" if size > 1 else "no larger than"
    more = f" (and {columns.size - 1} more columns)" if columns.size > 1 else ""
    return f"X column {j} holds values {what} {size:.3g} in magnitude{more}"
