"""Pointwise losses of the logits and their derivatives: logistic (one neuron) and softmax
cross-entropy (a layer of K neurons).

For a label y in {0, 1} and a logit z = x.w + b::

    l(y, z)        = log(1 + exp(z)) - y z  = log1pexp(s z),   s = 1 - 2y
    dl/dz          = sigmoid(z) - y         = s sigmoid(s z)
    d2l/dz2        = sigmoid(z) (1 - sigmoid(z))

Writing the loss through the sign ``s`` avoids the cancellation in
``log1pexp(z) - z`` for large positive z with y = 1, and ``s sigmoid(s z)`` avoids the
cancellation in ``sigmoid(z) - 1``: both are exact to the last bit where the naive
forms lose everything.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._numerics import log1pexp

__all__ = [
    "label_sign",
    "log_softmax",
    "loss",
    "loss_gradient",
    "loss_gradient_hessian",
    "loss_terms_into",
    "null_loglik",
    "softmax",
    "softmax_loss_gradient",
    "softmax_terms_into",
]

Array = NDArray[np.floating]


def label_sign(y01: NDArray[np.generic], dtype: Any = np.float64) -> Array:
    """``s = 1 - 2y``: +1 for class 0, -1 for class 1, as floats of ``dtype``."""
    return (1.0 - 2.0 * np.asarray(y01, dtype=dtype)).astype(dtype, copy=False)


def loss(sign: Array, z: Array) -> Array:
    """Per-sample logistic loss ``log1pexp(s z)``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
        ``1 - 2y`` for labels y in {0, 1}.
    z : ndarray of shape (n,)
        Logits.

    Returns
    -------
    ndarray of shape (n,)
        Non-negative losses.
    """
    return log1pexp(sign * z)


def loss_terms_into(
    sign: Array,
    z: Array,
    value: Array,
    dloss: Array,
    hess: Array | None,
    work: tuple[Array, Array, NDArray[np.bool_]],
) -> None:
    """Loss, ``dl/dz`` (and ``d2l/dz2``) of every sample, written into given buffers.

    The one implementation of the derivatives: :func:`loss_gradient`,
    :func:`loss_gradient_hessian` and the objective's block loop all call it; the
    objective passes buffers it reuses, so the hot path allocates nothing.

    Parameters
    ----------
    sign, z : ndarray of shape (n,)
    value, dloss : ndarray of shape (n,)
        Outputs: ``log1pexp(s z)`` and ``s sigmoid(s z)``.
    hess : ndarray of shape (n,) or None
        Output ``sigmoid(z) sigmoid(-z)`` when given.
    work : (ndarray (n,), ndarray (n,), bool ndarray (n,))
        Scratch space.

    Notes
    -----
    With t = s z and e = exp(-|t|) in (0, 1]: ``log1pexp(t) = max(t, 0) + log1p(e)``,
    ``sigmoid(|t|) = 1 / (1 + e)`` and ``sigmoid(-|t|) = e / (1 + e)``. No exp of a
    positive number, no subtraction of nearly equal numbers.
    """
    t, e, mask = work
    np.multiply(sign, z, out=t)
    np.abs(t, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=value)
    np.maximum(t, 0.0, out=dloss)
    value += dloss
    np.add(e, 1.0, out=dloss)
    np.divide(1.0, dloss, out=dloss)  # sigmoid(|t|)
    np.multiply(e, dloss, out=e)  # sigmoid(-|t|)
    if hess is not None:
        np.multiply(dloss, e, out=hess)
    np.greater_equal(t, 0.0, out=mask)
    np.copyto(e, dloss, where=mask)  # sigmoid(t)
    np.multiply(e, sign, out=dloss)


def _terms(sign: Array, z: Array, hessian: bool) -> tuple[Array, Array, Array | None]:
    sign, z = np.broadcast_arrays(np.asarray(sign, dtype=float), np.asarray(z, dtype=float))
    value, dloss, t, e = (np.empty(z.shape) for _ in range(4))
    hess = np.empty(z.shape) if hessian else None
    loss_terms_into(sign, z, value, dloss, hess, (t, e, np.empty(z.shape, dtype=bool)))
    return value, dloss, hess


def loss_gradient(sign: Array, z: Array) -> tuple[Array, Array]:
    """Per-sample loss and its derivative ``dl/dz = sigmoid(z) - y = s sigmoid(s z)``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
    z : ndarray of shape (n,)

    Returns
    -------
    loss : ndarray of shape (n,)
    dloss : ndarray of shape (n,)
    """
    value, dloss, _ = _terms(sign, z, hessian=False)
    return value, dloss


def loss_gradient_hessian(sign: Array, z: Array) -> tuple[Array, Array, Array]:
    """Per-sample loss, ``dl/dz`` and ``d2l/dz2 = p (1 - p)``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
    z : ndarray of shape (n,)

    Returns
    -------
    loss, dloss, d2loss : ndarrays of shape (n,)

    Notes
    -----
    ``p (1 - p) = sigmoid(|t|) sigmoid(-|t|)`` for either sign, so that neither factor
    suffers cancellation (see :func:`loss_terms_into`).
    """
    value, dloss, hess = _terms(sign, z, hessian=True)
    assert hess is not None
    return value, dloss, hess


# ------------------------------------------------------------------------- softmax
def softmax_terms_into(
    codes: NDArray[np.integer],
    Z: Array,
    value: Array,
    dloss: Array,
    rowmax: Array,
) -> None:
    """Softmax cross-entropy of every row and its derivative, written into buffers.

    For K logits ``z`` of a sample with class ``y`` in ``0..K-1``::

        l(y, z)   = log sum_k exp(z_k) - z_y                   (log-sum-exp)
        dl/dz_k   = p_k - [k == y],       p = softmax(z)
        d2l/dz dz = diag(p) - p p^T

    Parameters
    ----------
    codes : ndarray of shape (m,), int
        Class of each row.
    Z : ndarray of shape (m, K)
        Logits; left shifted by each row's maximum (``Z - max_k Z``) on return.
    value : ndarray of shape (m,)
        Output: the losses.
    dloss : ndarray of shape (m, K)
        Output: ``P - onehot(y)``.
    rowmax : ndarray of shape (m,)
        Scratch space.

    Notes
    -----
    Shifting each row by its maximum makes every exponent ``<= 0``, so nothing
    overflows for any finite logits, and the largest term of the sum is exactly 1, so
    ``log`` never sees 0: the loss is exact where ``-log(softmax(z)_y)`` would give inf.
    """
    m = Z.shape[0]
    rows = np.arange(m)
    np.max(Z, axis=1, out=rowmax)
    Z -= rowmax[:, None]
    np.exp(Z, out=dloss)
    total = dloss.sum(axis=1)
    np.log(total, out=value)
    value -= Z[rows, codes]
    dloss /= total[:, None]
    dloss[rows, codes] -= 1.0


def softmax_loss_gradient(codes: NDArray[np.integer], Z: Array) -> tuple[Array, Array]:
    """Per-sample softmax cross-entropy (m,) and ``dl/dz = P - onehot(y)`` (m, K)."""
    Z = np.array(Z, dtype=np.float64)
    value, dloss, rowmax = np.empty(len(Z)), np.empty_like(Z), np.empty(len(Z))
    softmax_terms_into(np.asarray(codes), Z, value, dloss, rowmax)
    return value, dloss


def softmax(Z: Array) -> Array:
    """Row-wise softmax of logits (m, K), exact for every finite input."""
    Z = np.array(Z, dtype=np.float64)
    Z -= Z.max(axis=-1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


def log_softmax(Z: Array) -> Array:
    """Row-wise log-softmax of logits (m, K), without forming the probabilities."""
    Z = np.array(Z, dtype=np.float64)
    Z -= Z.max(axis=-1, keepdims=True)
    Z -= np.log(np.exp(Z).sum(axis=-1, keepdims=True))
    return Z


def softmax_directional(
    codes: NDArray[np.integer], Z: Array, U: Array
) -> tuple[Array, Array, Array]:
    """Per row, the softmax loss along ``Z + t U`` at t = 0 and its first two derivatives.

    ``d/dt l = (P - Y) . u`` and ``d2/dt2 l = u^T (diag(p) - p p^T) u = sum_k p_k u_k^2 -
    (p . u)^2`` (clipped at 0 against rounding): the line search and curvature estimate
    of K outputs, without forming a Hessian.

    Returns
    -------
    value, slope, curvature : ndarrays of shape (m,)
    """
    value, dloss = softmax_loss_gradient(codes, Z)
    P = dloss.copy()
    P[np.arange(len(P)), np.asarray(codes)] += 1.0
    slope = np.einsum("ik,ik->i", dloss, U)
    pu = np.einsum("ik,ik->i", P, U)
    curvature = np.maximum(np.einsum("ik,ik,ik->i", P, U, U) - pu * pu, 0.0)
    return value, slope, curvature


def null_loglik(weight_sum: float, positive: float, fit_intercept: bool) -> float:
    """The log-likelihood of the intercept-only model (all logits 0 without an intercept)
    of rows weighing ``weight_sum`` in all, ``positive`` of it in class 1: with the
    intercept at its optimum, every row's probability is the share of class 1."""
    if not fit_intercept:
        return -weight_sum * float(np.log(2.0))
    from scipy.special import xlogy

    mean = positive / weight_sum
    return float(weight_sum * (xlogy(mean, mean) + xlogy(1 - mean, 1 - mean)))
