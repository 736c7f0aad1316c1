"""Coordinate descent on the model written with X's columns (proximal Newton, sparse data).

The model of :mod:`._cd` with ``H = X~^T diag(h) X~ + diag(mu)``, never formed: for
sparse, wide data an (m, m) H of a large working set is expensive to build and to sweep
(O(m^2) per sweep). glmnet's "naive updates" keep ``r = X~ d`` instead, so a coordinate
costs the non-zeros of its column: with ``c`` the model's partial derivative,

    c_j = g_j + sum_i h_i x~_ij r_i + mu_j d_j,      x~_ij = (x_ij - m_j) / s_j

and ``X~ = (X - m) / s`` is never formed either: ``r_i = r0_i + c0`` with ``r0`` the
sparse part and ``c0`` one shift shared by every row (the centring), so
``sum_i h_i x~_ij r_i = (sum_{i in col j} h_i x_ij r_i - m_j sum_i h_i r_i) / s_j`` with
``sum_i h_i r_i`` kept as a running scalar. The intercept is a column of ones.

Compiled by Numba when the kernels are on; the plain loop is the fallback and the reference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels
from .._kernels import gather_dot

__all__ = ["cd_columns"]

Array = NDArray[np.floating]


def _column_sweeps(
    indptr: Any,
    indices: Any,
    data: Any,
    cols: Any,
    offset: Any,
    inv_scale: Any,
    h: Any,
    g: Any,
    w: Any,
    lam: Any,
    mu: Any,
    d: Any,
    r: Any,
    hd: Any,
    intercept: bool,
    tol: float,
    max_sweeps: int,
) -> int:
    """Coordinate sweeps on the model written with the columns (see :func:`cd_columns`).

    Coordinate ``j`` is column ``cols[j]`` of the CSC arrays; ``hd`` (one entry per
    stored value) receives ``h_i x_ij`` of those columns, read by every sweep in place of
    a second gather.
    """
    m = g.shape[0] - int(intercept)
    n = h.shape[0]
    hsum = 0.0
    for i in range(n):
        hsum += h[i]
    hx = np.zeros(m)  # sum_i h_i x_ij and the diagonal of H, per column
    diag = np.zeros(m)
    for j in range(m):
        col = cols[j]
        s1 = 0.0
        s2 = 0.0
        for k in range(indptr[col], indptr[col + 1]):
            hv = h[indices[k]] * data[k]
            hd[k] = hv
            s1 += hv
            s2 += hv * data[k]
        hx[j] = s1
        diag[j] = (s2 - 2.0 * offset[j] * s1 + offset[j] ** 2 * hsum) * inv_scale[j] ** 2 + mu[j]
    # the model's logit change is r_i + c0 (r: the sparse part, c0: every row's shift)
    c0 = 0.0
    hr = 0.0  # sum_i h_i r_i
    for sweep in range(max_sweeps):
        worst = 0.0
        for j in range(m + int(intercept)):
            if j == m:  # the intercept: a column of ones
                if hsum <= 0.0:
                    continue
                c = g[j] + hr + c0 * hsum
                worst = max(worst, abs(c))
                delta = -c / hsum
                d[j] += delta
                c0 += delta
                continue
            a = diag[j]
            if a <= 0.0:
                continue
            col = cols[j]
            lo, hi = indptr[col], indptr[col + 1]
            acc = gather_dot(hd, indices, lo, hi, r, 0.0) + c0 * hx[j]
            c = g[j] + (acc - offset[j] * (hr + c0 * hsum)) * inv_scale[j] + mu[j] * d[j]
            u = w[j] + d[j]
            if u > 0.0:
                viol = abs(c + lam[j])
            elif u < 0.0:
                viol = abs(c - lam[j])
            else:
                viol = max(abs(c) - lam[j], 0.0)
            worst = max(worst, viol)
            v = u - c / a
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
                step = delta * inv_scale[j]
                for k in range(lo, hi):
                    r[indices[k]] += step * data[k]
                hr += step * hx[j]
                c0 -= step * offset[j]
        if worst <= tol:
            return sweep + 1
    return max_sweeps


_COMPILED = _kernels.compiled(_column_sweeps)


def _column_kernel() -> Any:
    """The compiled sweeps (on first use), or the Python loop without Numba."""
    return _COMPILED if _kernels.wanted() else _column_sweeps


def cd_columns(
    X_cols: Any,
    offset: Array | None,
    scale: Array | None,
    h: Array,
    g: Array,
    w: Array,
    lam: Array,
    mu: Array,
    *,
    intercept: bool,
    tol: float,
    max_sweeps: int = 200,
    cols: NDArray[np.intp] | None = None,
    work: Array | None = None,
    logits_change: Array | None = None,
) -> tuple[Array, int]:
    """:func:`cd_quadratic` for ``H = X~^T diag(h) X~ + diag(mu)`` given by its columns.

    For sparse, wide data the (m, m) H of a large working set is expensive to form and
    to sweep (O(m^2) per sweep); glmnet's "naive updates" keep ``X~ d`` instead, so that
    a coordinate costs the non-zeros of its column. ``X~ = (X - offset) / scale`` is never
    formed: the centring is carried as one shift shared by every row.

    Parameters
    ----------
    X_cols : scipy.sparse matrix of shape (n, p)
        The raw columns (CSC is read in place; another format is converted).
    offset, scale : ndarray of shape (m,) or None
        Standardisation of the working set's columns.
    h : ndarray of shape (n,)
        Curvature weights ``s_i p_i (1 - p_i) / sum_i s_i``.
    g : ndarray of shape (m + intercept,)
        The gradient of the smooth part (the intercept's last).
    w, lam, mu : ndarray of shape (m,)
        Current weights, L1 strengths, the penalty's Hessian diagonal.
    intercept : bool
        Whether the last coordinate is an intercept (a column of ones, unpenalised).
    tol, max_sweeps
        As for :func:`cd_quadratic`.
    cols : ndarray of shape (m,), optional
        The working set: which columns of ``X_cols`` the m coordinates are (default: all,
        m = p). Read in place, so a working set costs no copy of its columns.
    work : ndarray of shape (X_cols.nnz,), optional
        Scratch space, reused across calls (one float64 per stored value).
    logits_change : ndarray of shape (n,), optional
        Receives ``X~ d_w + d_b``, every row's logit change along the step, which the
        sweeps keep anyway (a solver that tracks the logits needs no read of X for them).

    Returns
    -------
    d : ndarray of shape (m + intercept,)
    sweeps : int
    """
    if X_cols.format != "csc":
        X_cols = X_cols.tocsc()
    if X_cols.dtype != np.float64:
        X_cols = X_cols.astype(np.float64)
    p = X_cols.shape[1]
    cols_ = np.arange(p) if cols is None else np.asarray(cols, dtype=np.intp)
    m = cols_.shape[0]
    offset_ = np.zeros(m) if offset is None else np.asarray(offset, dtype=np.float64)
    inv = np.ones(m) if scale is None else 1.0 / np.asarray(scale, dtype=np.float64)
    hd = np.empty(X_cols.nnz) if work is None or work.shape[0] < X_cols.nnz else work
    d = np.zeros(m + int(intercept))
    r = np.zeros(X_cols.shape[0])
    sweeps = _column_kernel()(
        X_cols.indptr,
        X_cols.indices,
        X_cols.data,
        cols_,
        offset_,
        inv,
        np.ascontiguousarray(h, dtype=np.float64),
        np.ascontiguousarray(g, dtype=np.float64),
        np.append(np.asarray(w, dtype=np.float64), 0.0) if intercept else np.asarray(w, float),
        np.append(np.asarray(lam, dtype=np.float64), 0.0) if intercept else np.asarray(lam, float),
        np.asarray(mu, dtype=np.float64),
        d,
        r,
        hd,
        bool(intercept),
        float(tol),
        int(max_sweeps),
    )
    if logits_change is not None:  # r holds X (d_w / s); the shift is d_b - m . (d_w / s)
        shift = float(d[m]) if intercept else 0.0
        np.add(r, shift - float(offset_ @ (d[:m] * inv)), out=logits_change)
    return d, int(sweeps)
