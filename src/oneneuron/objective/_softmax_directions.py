"""The K-output objective along directions: line minimum, curvature, Hessian products.

The multinomial versions of :mod:`._directions` (which dispatches here when the
objective has K outputs): the logits along a line are ``Z + t U`` with ``U = X P_raw^T``
for a direction P, and every quantity is a per-row sum of
:func:`oneneuron.loss.softmax_directional`'s terms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..loss import softmax, softmax_directional
from ._blocks import logits, standardised_rows

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = [
    "centring",
    "centring_matrix",
    "curvature",
    "hessian_product",
    "hessian_rows",
    "line_minimum",
]

Array = NDArray[np.floating]


def _centres_weights(obj: Objective) -> bool:
    """Whether W is centred too: only without a penalty (a penalty that is not zero
    already makes the optimum unique; with an L1 part it need not have centred rows)."""
    return float(getattr(obj.penalty, "alpha", 1.0)) == 0.0


def centring(obj: Objective, v: Array) -> Array:
    """``M v`` for the centring term ``C(theta) = theta^T M theta / 2`` of K outputs.

    Adding a constant to every class's logit changes no probability, so J is flat
    along ``b + c 1`` (and, without a penalty, along ``W_k + u`` for all k): the Hessian
    is singular there. ``C = (sum_k b_k)^2 / 2K`` (plus ``|sum_k W_k|^2 / 2K`` without a
    penalty) removes that freedom: it is zero at the centred model, which has the same
    probabilities and a penalty no larger, so J's minimum is unchanged and becomes
    unique in those directions (the model scikit-learn returns: sum_k b_k = 0).
    """
    K, kd = obj.n_outputs, obj.n_weights
    out = np.zeros_like(v)
    if obj.fit_intercept:
        out[kd:] = v[kd:].sum() / K
    if _centres_weights(obj):
        out[:kd] = np.tile(v[:kd].reshape(K, -1).sum(axis=0) / K, K)
    return out


def centring_matrix(obj: Objective) -> Array:
    """M as a dense (n_params, n_params) matrix (for the Hessian)."""
    K, kd, d = obj.n_outputs, obj.n_weights, obj.n_features
    M = np.zeros((obj.n_params, obj.n_params))
    if obj.fit_intercept:
        M[kd:, kd:] = 1.0 / K
    if _centres_weights(obj):
        M[:kd, :kd] = np.kron(np.ones((K, K)), np.eye(d)) / K
    return M


def _logits(obj: Objective, block: Any, theta: Array) -> Array:
    W, b = obj.param.raw(theta)
    return logits(block, W, b, obj._standardised)


def _penalty_terms(obj: Objective, theta: Array, p: Array) -> tuple[Array, Array, Array]:
    w, _ = obj.split(theta)
    pw, _ = obj.split(p)
    return w, pw, obj.penalty.hessian_diag(w)


def line_minimum(
    obj: Objective, theta: Array, p: Array, step: float = 1.0, max_iter: int = 8
) -> float:
    """The step t > 0 minimising ``J(theta + t p)`` by 1-D Newton (one read of the rows)."""
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    from ._line import read_along

    Z, U, y, s = read_along(obj, theta, p, _logits)
    s = np.ones(len(y)) if s is None else s
    w, pw, hdiag = _penalty_terms(obj, theta, p)
    Mp = centring(obj, p)
    penalty_curv = float(pw @ (hdiag * pw)) + float(p @ Mp)
    t = float(step)
    for _ in range(max_iter):
        _, slope_i, curv_i = softmax_directional(y, Z + t * U, U)
        slope = float(slope_i @ s) / obj.weight_sum + float(pw @ obj.penalty.gradient(w + t * pw))
        slope += float(Mp @ (theta + t * p))
        curv = float(curv_i @ s) / obj.weight_sum + penalty_curv
        if not (curv > 0 and np.isfinite(slope) and np.isfinite(curv)):
            break
        t_new = max(t - slope / curv, 0.25 * t)
        done = abs(t_new - t) <= 1e-2 * t
        t = t_new
        if done:
            break
    return t


def curvature(obj: Objective, theta: Array, v: Array, max_rows: int = 4096) -> float:
    """An estimate of ``v^T H(theta) v`` from at most ``max_rows`` rows spread over X."""
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    block = obj.source.strided(max_rows)
    _, _, curv = softmax_directional(block.sign, _logits(obj, block, theta), _logits(obj, block, v))
    weight = float(curv.size)
    if block.weight is not None:
        curv = curv * block.weight
        weight = float(np.sum(block.weight, dtype=np.float64))
    _, vw, hdiag = _penalty_terms(obj, theta, v)
    penalty = float(vw @ (hdiag * vw)) + float(v @ centring(obj, v))
    return float(curv.sum()) / max(weight, 1e-300) + penalty


def hessian_rows(P: Array, U: Array) -> Array:
    """Each row's Hessian of the softmax loss applied to its logits' change U (m, K):
    ``(diag(p) - p p^T) u = p * (u - p.u)`` for the rows' probabilities P."""
    return P * (U - np.einsum("ik,ik->i", P, U)[:, None])  # type: ignore[no-any-return]


def hessian_product(obj: Objective, theta: Array) -> Callable[[Array], Array]:
    """A function ``v -> H(theta) v``; each call is one pass over the source."""
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    w, _ = obj.split(theta)
    diag = obj.penalty.hessian_diag(w)
    kd, K = obj.n_weights, obj.n_outputs

    def hessp(v: Array) -> Array:
        v = np.asarray(v, dtype=np.float64)
        gw = np.zeros((K, obj.n_features))
        gb = np.zeros(K)
        for block in obj.source.blocks():
            P = softmax(_logits(obj, block, theta))
            U = _logits(obj, block, v)
            HU = hessian_rows(P, U)
            if block.weight is not None:
                HU *= block.weight[:, None]
            X: Any = block.X
            if obj._standardised is not None:
                X = standardised_rows(block, obj._standardised)
            gw += np.asarray((X.T @ HU).T, dtype=np.float64)
            gb += HU.sum(axis=0)
        out = obj.param.pull_gradient(gw, gb)
        out /= obj.weight_sum
        vw, _ = obj.split(v)
        out[:kd] += diag * vw
        out += centring(obj, v)
        return out

    return hessp
