"""Between the solver's theta and the model's ``coef_`` and ``intercept_``: the
standardisation's statistics, the parametrisation, starting values and storing a result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import _scaling
from ._fit_checks import n_outputs
from ._messages import plain
from .data import Source
from .objective import Standardization

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["parametrization", "set_scaling", "store", "to_theta"]

Array = NDArray[np.floating]


def set_scaling(
    est: LogisticRegression, source: Source, absmax: Array | None = None
) -> Array | None:
    """``x_mean_`` and ``x_scale_`` from the source's column moments (no copy of X), free
    of overflow for columns of any finite magnitude (see :func:`._scaling.moments`).

    Returns the columns' largest |x|: ``absmax`` (a sample's), or the exact ones when
    they had to be found.
    """
    est.x_mean_ = None
    est.x_scale_ = None
    if est.standardize:
        source.check_finite()  # the statistics of a column with NaN would be NaN
        mean, std, absmax = _scaling.moments(source, absmax)
        est.x_mean_ = mean
        est.x_scale_ = np.where(std > 0, std, 1.0)
    return absmax


def parametrization(
    est: LogisticRegression, n_features: int, scale: Array | None = None
) -> Standardization:
    """The map between the solver's theta and the raw ``coef_``, ``intercept_``: the
    standardisation, or the exact solvers' column units ``scale`` (see :mod:`._scaling`)."""
    if scale is None:
        scale = getattr(est, "x_scale_", None)
    return Standardization(
        getattr(est, "x_mean_", None), scale, est.fit_intercept, n_features, n_outputs(est)
    )


def to_theta(
    est: LogisticRegression,
    coef: Any,
    intercept: Any,
    d: int,
    param: Standardization | None = None,
) -> Array:
    """Raw-space (coef, intercept) to the solver's theta (standardised space)."""
    K = n_outputs(est)
    if K > 1:
        W = np.zeros((K, d)) if coef is None else _start("coef_init", coef, [(K, d)], d)
        bk = np.zeros(K) if intercept is None else _start("intercept_init", intercept, [(K,)], d)
        return (param or parametrization(est, d)).from_raw(W, bk)
    w = np.zeros(d) if coef is None else _start("coef_init", coef, [(d,), (1, d)], d)
    b = 0.0 if intercept is None else float(_start("intercept_init", intercept, [(), (1,)], d)[0])
    return (param or parametrization(est, d)).from_raw(w, b)


def _start(name: str, value: Any, shapes: list[tuple[int, ...]], d: int) -> Array:
    """A starting value as finite floats of one of ``shapes``, flattened."""
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers; got {plain(value)}") from None
    if values.shape not in shapes:
        wanted = " or ".join(str(s) for s in shapes)
        raise ValueError(
            f"{name} has {values.size} values; X has {d} features, so it must have shape "
            f"{wanted}; got {values.shape}"
        )
    flat = values.reshape(-1)
    bad = np.flatnonzero(~np.isfinite(flat))
    if bad.size:
        raise ValueError(f"{name} holds {plain(flat[bad[0]])} at index {bad[0]}; it must be finite")
    return flat


def store(est: LogisticRegression, theta: Array, param: Standardization | None = None) -> None:
    """Set ``coef_`` and ``intercept_`` (raw units) from the solver's theta."""
    w, b = (param or parametrization(est, est.n_features_in_)).raw(theta)
    if n_outputs(est) > 1:  # K rows of weights, K intercepts
        est.coef_ = np.array(w, dtype=float)
        est.intercept_ = np.array(b, dtype=float)
        return
    est.coef_ = np.array(w, dtype=float).reshape(1, -1)
    est.intercept_ = np.array([b])
