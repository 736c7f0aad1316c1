"""The Hessian of J estimated from a sample of rows: its product with any vector and its
diagonal, for one output or K, without forming it.

Newton-CG (:mod:`oneneuron.solvers.newton_cg`) solves ``H p = -g`` by conjugate gradients,
which only needs ``v -> H v``. On a tall source the rows' curvature is nearly the same
in any large enough sample, so the products come from a fixed sample of rows held in
memory (:meth:`~oneneuron.data.Source.strided`, every k-th row), rescaled to the whole
source's weight: each costs two products with the sample, not a pass. J and its gradient
stay exact (the solver's line search reads the source), so the iterates still converge to
the exact optimum. With every row in the sample this is the exact Hessian.

One output, with ``h_i = s_i d2l/dz2`` at theta on the sample's rows, raw direction
``(w_v, b_v) = A v`` and ``u = X w_v + b_v``::

    H v = A^T [X 1]^T (h * u) W / (W_S W) + P'' v        (W_S: the sample's weight)

K outputs: ``U = X W_v^T + b_v`` (m, K) and the rows' softmax probabilities P, the same
with ``h * u`` replaced by ``P * (U - sum_k P U)``, plus the centring term.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from ..loss import loss_gradient_hessian, softmax
from ._blocks import _transposed, standardised_rows
from ._evaluation import _diagonal
from ._softmax_directions import centring

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["sampled_hessian"]

Array = NDArray[np.floating]


def sampled_hessian(
    obj: Objective, theta: Array, block: Block
) -> tuple[Callable[[Array], Array], Array]:
    """``(v -> H_S v, diag(H_S))``: J's Hessian at theta estimated from ``block``'s rows
    (a sample of the source, such as :meth:`~oneneuron.data.Source.strided`), in theta's
    coordinates, the penalty's Hessian included."""
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    X: Any = block.X
    if obj._standardised is not None:
        X = standardised_rows(block, obj._standardised)
    elif X.dtype != np.float64:
        X = X.astype(np.float64)
    sw = block.weight
    sample_weight = float(block.n_rows if sw is None else np.sum(sw, dtype=np.float64))
    # per-row factors: the sample's sums stand for the whole source's
    scale = np.full(block.n_rows, obj.weight_sum / max(sample_weight, 1e-300))
    if sw is not None:
        scale *= sw
    k = obj.n_weights
    penalty = obj.penalty.hessian_diag(theta[:k])
    if obj.n_outputs > 1:
        product, sums = _softmax_rows(obj, theta, X, block, scale)
    else:
        product, sums = _logistic_rows(obj, theta, X, block, scale)

    def hessp(v: Array) -> Array:
        v = np.asarray(v, dtype=np.float64)
        gw, gb = product(v)
        out = obj.param.pull_gradient(gw, gb)
        out /= obj.weight_sum
        out[:k] += penalty * v[:k]
        if obj.n_outputs > 1:
            out += centring(obj, v)
        return out

    return hessp, _diagonal(obj, theta, sums)


def _raw_logits(obj: Objective, X: Any, v: Array) -> Array:
    """``X w_raw + b_raw`` of theta or a direction (K outputs: ``X W_raw^T + b_raw``)."""
    w, b = obj.param.raw(v)
    if obj.n_outputs > 1:
        return np.asarray(X @ np.asarray(w).T, dtype=np.float64) + b  # type: ignore[no-any-return]
    return np.asarray(X @ w, dtype=np.float64).ravel() + b  # type: ignore[no-any-return]


def _squares(X: Any) -> Any:
    return X.multiply(X) if not isinstance(X, np.ndarray) else X * X


def _logistic_rows(
    obj: Objective, theta: Array, X: Any, block: Block, scale: Array
) -> tuple[Callable[[Array], tuple[Array, Any]], tuple[Array, Array, Any]]:
    _, _, h = loss_gradient_hessian(block.sign, _raw_logits(obj, X, theta))
    h = h * scale
    XT = _transposed(X)

    def product(v: Array) -> tuple[Array, Any]:
        hu = h * _raw_logits(obj, X, v)
        return np.asarray(XT @ hu, dtype=np.float64).ravel(), float(hu.sum())

    hxx = np.asarray(_transposed(_squares(X)) @ h, dtype=np.float64).ravel()
    hx = np.asarray(XT @ h, dtype=np.float64).ravel()
    return product, (hxx, hx, float(h.sum()))


def _softmax_rows(
    obj: Objective, theta: Array, X: Any, block: Block, scale: Array
) -> tuple[Callable[[Array], tuple[Array, Any]], tuple[Array, Array, Any]]:
    P = softmax(_raw_logits(obj, X, theta))
    XT = _transposed(X)

    def product(v: Array) -> tuple[Array, Any]:
        U = _raw_logits(obj, X, v)
        HU = P * (U - np.einsum("ik,ik->i", P, U)[:, None])
        HU *= scale[:, None]
        return np.asarray(XT @ HU, dtype=np.float64).T, HU.sum(axis=0)

    H = P * (1.0 - P) * scale[:, None]  # (m, K): the diagonal's per-row factors
    hxx = np.asarray(_transposed(_squares(X)) @ H, dtype=np.float64).T
    hx = np.asarray(XT @ H, dtype=np.float64).T
    return product, (hxx, hx, H.sum(axis=0))
