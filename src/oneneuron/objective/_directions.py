"""The objective along directions: curvature, curvature weights, Hessian-vector products
and Hessian blocks (the exact line minimum is in :mod:`._line`, re-exported here).

Theta to raw coefficients is linear, so a direction ``p`` in theta maps to raw
coefficients the same way, and the logits along a line are ``z + t u`` with
``u = X p_raw``: every method here reads blocks through :func:`._blocks.logits`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..data._streaming import take_rows
from ..loss import loss_gradient_hessian
from ._blocks import _transposed, standardised_rows
from ._line import line_minimum, model_logits

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = [
    "curvature",
    "curvature_of",
    "curvature_weights",
    "hessian_block",
    "hessian_product",
    "line_minimum",
    "model_logits",
    "row_logits",
]

Array = NDArray[np.floating]


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
            gw += np.asarray(_transposed(X) @ hu, dtype=np.float64).ravel()
            gb += float(hu.sum())
        out = obj.param.pull_gradient(gw, gb)
        out /= obj.weight_sum
        vw, _ = obj.split(v)
        out[:k] += diag * vw
        return out

    return hessp


def hessian_block(
    obj: Objective, theta: Array, cols: NDArray[np.intp], fraction: float = 1.0
) -> Array:
    """The Hessian of J in theta restricted to the weights ``cols`` and the intercept.

    One pass over the source: the logits at theta, the curvature weights
    ``s_i d2l/dz2``, and ``[X~_c 1]^T diag(s h) [X~_c 1] / S`` over the columns ``cols``
    of the rows in the coordinates of theta (``X~ = (X - m) / s`` with standardisation),
    plus the penalty's Hessian diagonal. The proximal Newton solver's quadratic model on
    its working set; it costs ``n |cols|^2`` instead of the full ``n d^2``.

    Parameters
    ----------
    obj : Objective
    theta : ndarray of shape (n_params,)
    cols : ndarray of int, shape (k,)
        Sorted weight indices.
    fraction : float in (0, 1]
        Below 1 (and with more than one block), only the first ``fraction`` of every
        block's rows enter, rescaled by their weight: the subsample of
        :meth:`Objective.evaluate`'s ``hessian_fraction``.

    Returns
    -------
    ndarray of shape (k + 1, k + 1), or (k, k) without an intercept
        Rows and columns ``cols`` then the intercept.
    """
    obj._ensure_checked()
    theta = np.asarray(theta, dtype=np.float64)
    cols = np.asarray(cols, dtype=np.intp)
    k = cols.size
    # the rows as the passes read them: divided by the block copy's row_scale, then
    # centred and scaled by the copy (dense) or the parametrisation (CSR, pulled back below)
    std = obj._standardised
    offset = obj.param.offset if std is None or std.offset is None else std.offset
    scale = obj.param.scale if std is None or std.scale is None else std.scale
    row_c = None if std is None or std.row_scale is None else std.row_scale[cols]
    off_c = None if offset is None else offset[cols]
    scale_c = None if scale is None else scale[cols]
    full = np.zeros((k + 1, k + 1))
    weight = used = 0.0
    sparse = obj.source.sparse
    hrows = obj._hessian_rows(fraction)  # Objective.evaluate's subsample: each block's head
    for block in obj.source.blocks():
        m = block.n_rows
        if m == 0:
            continue
        weight += float(m if block.weight is None else np.sum(block.weight, dtype=np.float64))
        if hrows is not None and hrows < m:
            block = take_rows(block, slice(0, hrows))  # the rows that enter: views
        r = block.n_rows
        z = model_logits(obj, block, theta)
        _, _, h = loss_gradient_hessian(block.sign.astype(np.float64), z)
        if block.weight is not None:
            h = h * block.weight
        used += float(r if block.weight is None else np.sum(block.weight, dtype=np.float64))
        X: Any = block.X
        if sparse:
            Xc: Any = X[:, cols].astype(np.float64)
            if row_c is not None:  # powers of two: exact
                Xc = Xc.multiply(1.0 / row_c).tocsr()
            hx = Xc.multiply(h[:, None]).tocsr()
            part = np.empty((k + 1, k + 1))
            part[:k, :k] = (Xc.T @ hx).toarray()
            col = np.asarray(hx.sum(axis=0)).ravel()
            part[:k, k] = part[k, :k] = col
            part[k, k] = float(h.sum())
            full += part
            continue
        S = np.empty((r, k + 1))  # sqrt(h) [X~_c 1]
        S[:, :k] = X[:, cols]
        if row_c is not None:
            S[:, :k] /= row_c
        if off_c is not None:
            S[:, :k] -= off_c
        if scale_c is not None:
            S[:, :k] /= scale_c
        S[:, k] = 1.0
        S *= np.sqrt(h)[:, None]
        full += S.T @ S
    if 0.0 < used < weight:
        full *= weight / used
    if sparse and (off_c is not None or scale_c is not None):  # raw columns: pull back
        A = np.eye(k + 1)
        inv = np.ones(k) if scale_c is None else 1.0 / scale_c
        A[np.arange(k), np.arange(k)] = inv
        if off_c is not None:
            A[k, :k] = -off_c * inv
        full = A.T @ full @ A
    full /= obj.weight_sum
    w, _ = obj.split(theta)
    full[np.arange(k), np.arange(k)] += obj.penalty.hessian_diag(w)[cols]
    return full if obj.fit_intercept else full[:k, :k]


def curvature_weights(obj: Objective, theta: Array) -> Array:
    """``h_i = s_i d2l/dz2(z_i) / sum_i s_i`` for every row at theta, shape (n,).

    The Hessian of the data term is ``X~^T diag(h) X~``; solvers that work with columns
    (coordinate descent on sparse data) read it this way. One read of the source; keeps
    an n-vector, so for sources in memory.
    """
    return curvature_of(obj, *row_logits(obj, theta))


def row_logits(obj: Objective, theta: Array) -> tuple[Array, Array, Array | None]:
    """Every row's logit at theta, its sign and its weight (None: unit weights), in the
    source's order: one read. A solver that knows how its step changes the logits keeps
    them up to date without reading the source again (:func:`curvature_of`). At zero
    weights (a solver's usual start) every logit is the intercept: no product is taken."""
    obj._ensure_checked()  # finite X: 0 x_ij = 0
    theta = np.asarray(theta, dtype=np.float64)
    w_raw, b_raw = obj.param.raw(theta)
    at_zero = obj.n_outputs == 1 and not np.any(w_raw)
    zs, signs, weights = [], [], []
    for block in obj.source.blocks():
        if at_zero:
            zs.append(np.full(block.n_rows, float(b_raw)))
        else:
            zs.append(np.asarray(model_logits(obj, block, theta), dtype=np.float64))
        signs.append(block.sign.astype(np.float64))
        if block.weight is not None:
            weights.append(block.weight)
    if not zs:
        return np.zeros(0), np.zeros(0), None
    s = np.concatenate(weights).astype(np.float64) if weights else None
    return np.concatenate(zs), np.concatenate(signs), s


def curvature_of(obj: Objective, z: Array, sign: Array, s: Array | None) -> Array:
    """:func:`curvature_weights` from the rows' logits (:func:`row_logits`)."""
    _, _, h = loss_gradient_hessian(sign, z)
    if s is not None:
        h *= s
    h /= obj.weight_sum
    return h
