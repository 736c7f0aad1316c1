"""Numerically stable scalar functions of the logit z: sigmoid, log1pexp, log-sigmoid.

Every function here is pure, works elementwise on arrays of any shape, and emits no
RuntimeWarning for any finite input (the test suite turns RuntimeWarning into an error).
Nothing is clipped: the formulas are exact in floating point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_expit

__all__ = ["log1pexp", "log_sigmoid", "logit", "sigmoid"]


def sigmoid(z: ArrayLike, out: NDArray[np.floating] | None = None) -> NDArray[np.floating]:
    """The logistic function ``1 / (1 + exp(-z))``.

    Parameters
    ----------
    z : array_like of any shape
        Logits.
    out : ndarray, optional
        Where to write the result (same shape as ``z``).

    Returns
    -------
    ndarray, same shape as ``z``
        Values in [0, 1].

    Notes
    -----
    Computed by :func:`scipy.special.expit`, which evaluates
    ``exp(z) / (1 + exp(z))`` for negative z and ``1 / (1 + exp(-z))`` for positive z,
    so ``exp`` never overflows. The naive formula overflows for z < -709.
    """
    return expit(z, out=out) if out is not None else expit(z)


def log_sigmoid(z: ArrayLike) -> NDArray[np.floating]:
    """``log(sigmoid(z))`` without forming ``sigmoid(z)``.

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray, same shape as ``z``

    Notes
    -----
    ``log(sigmoid(z)) = -log1pexp(-z)``; for z = -800 this is -800, where
    ``log(sigmoid(z))`` would be ``log(0) = -inf``.
    """
    return log_expit(z)


def log1pexp(z: ArrayLike, out: NDArray[np.floating] | None = None) -> NDArray[np.floating]:
    """``log(1 + exp(z))``, the softplus, exact for every finite z.

    Parameters
    ----------
    z : array_like of any shape
    out : ndarray, optional
        Where to write the result.

    Returns
    -------
    ndarray, same shape as ``z``

    Notes
    -----
    ``log1pexp(z) = max(z, 0) + log1p(exp(-|z|))``, which :func:`numpy.logaddexp`
    computes as ``logaddexp(0, z)``.
    """
    if out is not None:
        return np.logaddexp(0.0, z, out=out)
    return np.logaddexp(0.0, z)


def logit(p: float) -> float:
    """The inverse of the sigmoid, ``log(p / (1 - p))``, for a threshold p in [0, 1].

    Returns -inf for p = 0 and +inf for p = 1 without a warning.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability must be in [0, 1], got {p!r}")
    if p == 0.0:
        return -np.inf
    if p == 1.0:
        return np.inf
    return float(np.log(p) - np.log1p(-p))
