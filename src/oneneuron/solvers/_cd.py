"""Coordinate descent on a quadratic model plus a weighted L1 norm (proximal Newton's inner solver).

Minimises, over the step ``d`` (shape (m,)),

    q(d) = g . d + d^T H d / 2 + sum_j lambda_j |w_j + d_j|

one coordinate at a time: with ``a = H_jj``, the model's partial derivative
``c = g_j + (H d)_j`` and ``u = w_j + d_j``, the exact minimiser along coordinate j is

    u_new = S(u - c / a, lambda_j / a),     S(v, t) = sign(v) max(|v| - t, 0)

(no threshold where ``lambda_j = 0``: the intercept, or a smooth penalty), and ``H d`` is
updated by ``delta H[j]`` (H is symmetric). The products ``H d`` make a sweep cost
O(m^2) for a dense (m, m) H (glmnet's "covariance updates"). Sweeps stop when the
model's minimum-norm subgradient is at most ``tol`` in every coordinate, or after
``max_sweeps``.

Compiled by Numba when the kernels are on (:func:`oneneuron._kernels.wanted`); the plain
Python loop is the fallback and the reference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack

from .. import _kernels

__all__ = ["cd_quadratic", "model_value", "polish"]

Array = NDArray[np.floating]


def _sweeps(H: Any, g: Any, w: Any, lam: Any, d: Any, Hd: Any, tol: float, max_sweeps: int) -> int:
    """Coordinate sweeps on q (see the module docstring); updates d and Hd in place and
    returns the number of sweeps."""
    m = g.shape[0]
    for sweep in range(max_sweeps):
        for j in range(m):
            a = H[j, j]
            if a <= 0.0:
                continue
            u = w[j] + d[j]
            v = u - (g[j] + Hd[j]) / a
            t = lam[j] / a
            if v > t:
                new = v - t
            elif v < -t:
                new = v + t
            else:
                new = 0.0
            delta = new - u
            if delta != 0.0:
                d[j] += delta
                Hd += delta * H[j]  # H is symmetric: its row j is column j, contiguous
        worst = 0.0  # the model's minimum-norm subgradient
        for j in range(m):
            c = g[j] + Hd[j]
            u = w[j] + d[j]
            if u > 0.0:
                viol = abs(c + lam[j])
            elif u < 0.0:
                viol = abs(c - lam[j])
            else:
                viol = max(abs(c) - lam[j], 0.0)
            worst = max(worst, viol)
        if worst <= tol:
            return sweep + 1
    return max_sweeps


_COMPILED = _kernels.compiled(_sweeps)


def _kernel() -> Any:
    """The compiled sweeps (on first use), or the Python loop without Numba."""
    return _COMPILED if _kernels.wanted() else _sweeps


def cd_quadratic(
    H: Array, g: Array, w: Array, lam: Array, *, tol: float, max_sweeps: int = 200
) -> tuple[Array, int]:
    """Minimise ``g.d + d^T H d / 2 + sum_j lam_j |w_j + d_j|`` by coordinate descent.

    Parameters
    ----------
    H : ndarray of shape (m, m)
        Symmetric positive semi-definite.
    g : ndarray of shape (m,)
        The gradient of the smooth part at ``w``.
    w : ndarray of shape (m,)
        The current coefficients (the L1 norm is taken at ``w + d``).
    lam : ndarray of shape (m,)
        Non-negative L1 strengths (0 for unpenalised coordinates).
    tol : float
        Stop when the model's minimum-norm subgradient is at most this everywhere.
    max_sweeps : int

    Returns
    -------
    d : ndarray of shape (m,)
        The step.
    sweeps : int
    """
    H = np.ascontiguousarray(H, dtype=np.float64)
    g = np.ascontiguousarray(g, dtype=np.float64)
    w = np.ascontiguousarray(w, dtype=np.float64)
    lam = np.ascontiguousarray(lam, dtype=np.float64)
    d = np.zeros_like(g)
    Hd = np.zeros_like(g)
    sweeps = _kernel()(H, g, w, lam, d, Hd, float(tol), int(max_sweeps))
    return d, int(sweeps)


def model_value(H: Array, g: Array, w: Array, lam: Array, d: Array) -> float:
    """``q(d) = g.d + d^T H d / 2 + sum_j lam_j |w_j + d_j|``."""
    return float(g @ d + 0.5 * d @ (H @ d) + lam @ np.abs(w + d))


def polish(H: Array, g: Array, w: Array, lam: Array, d: Array) -> Array:
    """The exact minimiser of the model on the face of ``d``'s sign pattern, when it keeps it.

    With the signs ``sigma`` of the non-zero coordinates A of ``u = w + d`` fixed (and the
    unpenalised ones free), q is a smooth quadratic in ``d_A``; its minimiser solves
    ``H_AA d_A = -(g_A + lam_A sigma + H_AZ d_Z)`` (Z: the coordinates at zero). CD finds
    the sign pattern quickly but converges slowly on an ill-conditioned H (features with
    large means next to the intercept); this one linear solve finishes its work. It is
    used only if it keeps every sign and lowers q, so it never makes the step worse.
    """
    u = w + d
    free = (u != 0.0) | (lam == 0.0)
    if not np.any(free):
        return d
    out = d.copy()
    out[~free] = -w[~free]
    sigma = np.sign(u[free])
    rhs = -(g[free] + lam[free] * sigma + H[np.ix_(free, ~free)] @ out[~free])
    factor, info = lapack.dpotrf(H[np.ix_(free, free)], lower=0, clean=0)
    if info != 0:
        return d
    x, info = lapack.dpotrs(factor, rhs, lower=0)
    if info != 0 or not np.all(np.isfinite(x)):
        return d
    out[free] = x
    penalised = lam[free] > 0
    if np.any(np.sign(w[free] + x)[penalised] != sigma[penalised]):
        return d
    return out if model_value(H, g, w, lam, out) <= model_value(H, g, w, lam, d) else d
