"""The objective along a line: the exact line minimum of J along a direction, from one
read of the source (the logits at theta and along p), then O(n) per 1-D Newton step.

Theta to raw coefficients is linear, so a direction ``p`` maps to raw coefficients the
same way and the logits along the line are ``z + t u`` with ``u = X p_raw``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels_small
from ..data import Block
from ..loss import loss_terms_into
from ._blocks import logits

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["line_minimum", "model_logits", "read_along"]

Array = NDArray[np.floating]


def model_logits(obj: Objective, block: Block, theta: Array) -> Array:
    """``X_b w_raw + b_raw`` for theta, or ``X_b p_raw`` for a direction."""
    w, b = obj.param.raw(theta)
    return logits(block, w, b, obj._standardised)


def read_along(
    obj: Objective, theta: Array, p: Array, logits_of: Callable[..., Array]
) -> tuple[Array, Array, NDArray[Any], Array | None]:
    """One read of the source for a line search: the logits at ``theta`` and along ``p``
    (``logits_of(obj, block, coefficients)``), each row's label (sign or class code) and
    weight (None when there are none), concatenated over the blocks."""
    zs, us, labels, weights = [], [], [], []
    for block in obj.source.blocks():
        zs.append(logits_of(obj, block, theta))
        us.append(logits_of(obj, block, p))
        labels.append(block.sign)
        if block.weight is not None:
            weights.append(block.weight)
    s = _joined(weights).astype(np.float64, copy=False) if weights else None
    return _joined(zs), _joined(us), _joined(labels), s


def _joined(parts: list[Any]) -> Any:
    """The parts end to end (one part, a small X's one block: itself, not a copy)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


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
    z, u, sign, s = read_along(obj, theta, p, model_logits)
    sign = sign.astype(np.float64, copy=False)
    su = u if s is None else s * u
    suu = su * u
    w, _ = obj.split(theta)
    pw, _ = obj.split(p)
    sums = _line_sums(obj, sign, z, u, su, suu)
    penalty = obj.penalty
    penalty_curv = float(pw @ (penalty.hessian_diag(w) * pw))
    # a quadratic penalty's slope along the line is linear in t: two numbers, once
    slope_0 = float(pw @ penalty.gradient(w)) if penalty.quadratic else 0.0
    t = float(step)
    for _ in range(max_iter):
        loss_slope, loss_curv = sums(t)
        if penalty.quadratic:
            penalty_slope = slope_0 + t * penalty_curv
        else:
            penalty_slope = float(pw @ penalty.gradient(w + t * pw))
        slope = loss_slope / obj.weight_sum + penalty_slope
        curv = loss_curv / obj.weight_sum + penalty_curv
        if not (curv > 0 and np.isfinite(slope) and np.isfinite(curv)):
            break
        t_new = max(t - slope / curv, 0.25 * t)  # stay positive; J is convex
        done = abs(t_new - t) <= 1e-2 * t
        t = t_new
        if done:
            break
    return t


def _line_sums(
    obj: Objective, sign: Array, z: Array, u: Array, su: Array, suu: Array
) -> Callable[[float], tuple[float, float]]:
    """``t -> (sum dl su, sum d2l suu)`` at the logits ``z + t u``: one compiled call
    when the objective may use Numba (on small X the NumPy path's dozen ufunc calls an
    iteration are most of a line search), else NumPy's :func:`loss_terms_into`."""
    if _kernels_small.wanted(obj._accelerate) and z.dtype == np.float64:
        compiled = _kernels_small.line_sums
        assert compiled is not None
        return lambda t: compiled(sign, z, u, su, suu, t)  # type: ignore[no-any-return]
    n = sign.shape[0]
    zt, value, dl, d2l, t_, e_ = np.empty((6, n))
    work = (t_, e_, np.empty(n, dtype=bool))

    def numpy_sums(t: float) -> tuple[float, float]:
        np.multiply(u, t, out=zt)
        np.add(zt, z, out=zt)
        loss_terms_into(sign, zt, value, dl, d2l, work)
        return float(dl @ su), float(d2l @ suu)

    return numpy_sums
