"""The objective along directions: exact line minimum, curvature, Hessian-vector products.

Theta to raw coefficients is linear, so a direction ``p`` in theta maps to raw
coefficients the same way, and the logits along a line are ``z + t u`` with
``u = X p_raw``: every method here reads blocks through :func:`._blocks.logits`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from ..loss import loss_gradient_hessian, loss_terms_into
from ._blocks import logits, standardised_rows

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["curvature", "hessian_product", "line_minimum", "model_logits"]

Array = NDArray[np.floating]


def model_logits(obj: Objective, block: Block, theta: Array) -> Array:
    """``X_b w_raw + b_raw`` for theta, or ``X_b p_raw`` for a direction."""
    w, b = obj.param.raw(theta)
    return logits(block, w, b, obj._standardised)


def line_minimum(
    obj: Objective, theta: Array, p: Array, step: float = 1.0, max_iter: int = 8
) -> float:
    """The step t > 0 that minimises ``J(theta + t p)``, by 1-D Newton from ``step``.

    One read of the source gives the logits ``z`` and ``u = X p`` of every row, after
    which each 1-D Newton iteration costs O(n) (the per-sample terms of
    :func:`~oneneuron.loss.loss_terms_into`), not a pass. J is convex in t, so the
    iteration converges; it stops when t moves by less than 1% (the next Newton
    direction corrects the rest). Worth its read when X is small (Newton uses it
    then): on nearly separable data the best step is often 2-4, where a unit step
    creeps. Keeps a few n-vectors: for sources in memory.
    """
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    zs, us, signs, weights = [], [], [], []
    for block in obj.source.blocks():
        zs.append(model_logits(obj, block, theta))
        us.append(model_logits(obj, block, p))
        signs.append(block.sign)
        if block.weight is not None:
            weights.append(block.weight)
    z, u = np.concatenate(zs), np.concatenate(us)
    sign = np.concatenate(signs).astype(np.float64, copy=False)
    su = u if not weights else np.concatenate(weights).astype(np.float64) * u
    suu = su * u
    w, _ = obj.split(theta)
    pw, _ = obj.split(p)
    n = obj.n_samples
    zt, value, dl, d2l, t_, e_ = np.empty((6, n))
    work = (t_, e_, np.empty(n, dtype=bool))
    penalty_curv = float(pw @ (obj.penalty.hessian_diag(w) * pw))
    t = float(step)
    for _ in range(max_iter):
        np.multiply(u, t, out=zt)
        zt += z
        loss_terms_into(sign, zt, value, dl, d2l, work)
        penalty_slope = float(pw @ obj.penalty.gradient(w + t * pw))
        slope = float(dl @ su) / obj.weight_sum + penalty_slope
        curv = float(d2l @ suu) / obj.weight_sum + penalty_curv
        if not (curv > 0 and np.isfinite(slope) and np.isfinite(curv)):
            break
        t_new = max(t - slope / curv, 0.25 * t)  # stay positive; J is convex
        done = abs(t_new - t) <= 1e-2 * t
        t = t_new
        if done:
            break
    return t


def curvature(obj: Objective, theta: Array, v: Array, max_rows: int = 4096) -> float:
    """An estimate of ``v^T H(theta) v`` from at most ``max_rows`` rows spread over X.

    Exact when the source has at most ``max_rows`` rows; otherwise every k-th row is
    used (no pass over the source). Sizes a first step along v.
    """
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    block = obj.source.strided(max_rows)
    _, _, h = loss_gradient_hessian(block.sign, model_logits(obj, block, theta))
    weight = float(h.size)
    if block.weight is not None:
        h = h * block.weight
        weight = float(np.sum(block.weight, dtype=np.float64))
    u = model_logits(obj, block, v)
    w, _ = obj.split(theta)
    vw, _ = obj.split(v)
    penalty = float(vw @ (obj.penalty.hessian_diag(w) * vw))
    return float(h @ (u * u)) / max(weight, 1e-300) + penalty


def hessian_product(obj: Objective, theta: Array) -> Callable[[Array], Array]:
    """A function ``v -> H(theta) v``; each call is one pass over the source.

    Stores nothing of size n: each pass recomputes the curvature weights
    ``s_i d2l/dz2`` from the logits alongside ``u = X v``.
    """
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    w, _ = obj.split(theta)
    diag = obj.penalty.hessian_diag(w)
    k = obj.n_features

    def hessp(v: Array) -> Array:
        v = np.asarray(v, dtype=np.float64)
        gw = np.zeros(k)
        gb = 0.0
        for block in obj.source.blocks():
            _, _, h = loss_gradient_hessian(block.sign, model_logits(obj, block, theta))
            if block.weight is not None:
                h = h * block.weight
            hu = h * model_logits(obj, block, v)
            X: Any = block.X
            if obj._standardised is not None:
                X = standardised_rows(block, obj._standardised)
            gw += np.asarray(X.T @ hu, dtype=np.float64).ravel()
            gb += float(hu.sum())
        out = obj.param.pull_gradient(gw, gb)
        out /= obj.weight_sum
        vw, _ = obj.split(v)
        out[:k] += diag * vw
        return out

    return hessp
