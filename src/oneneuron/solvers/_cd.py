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

from .. import _kernels

__all__ = ["cd_quadratic"]

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


_compiled: Any = None


def _kernel() -> Any:
    global _compiled
    if not _kernels.wanted():
        return _sweeps
    if _compiled is None:
        import numba

        _compiled = numba.njit(nogil=True, cache=True)(_sweeps)
    return _compiled


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
