"""Optional compiled helpers for small fits, where NumPy's cost per call is the cost.

On a few hundred rows a NumPy ufunc costs about a microsecond whatever it computes, and
Newton's exact line search and its standardised Hessian take a dozen such calls each,
over and over. These two loops do the same arithmetic in one compiled call each, with
no reassociation (so the results equal the NumPy path's to the last bit where the
operations are the same, and to rounding where NumPy sums with BLAS):

* :func:`line_sums`: the slope and curvature of J along a line, the per-sample maths of
  :func:`oneneuron.loss.loss_terms_into` written for one sample (used by
  :func:`oneneuron.objective._line.line_minimum`);
* :func:`scaled_rows`: ``sqrt(h) (x - m) / s`` (times ``1 / s``) for the rows of a
  Hessian's ``syrk`` (used by :func:`oneneuron.objective._block_hessian.add_hessian`);
* :func:`column_absmax` and :func:`csr_column_absmax`: every column's largest ``|x|``
  in one read of dense or CSR rows (used by :func:`oneneuron._scaling.sample_absmax`
  at the start of every fit: NumPy's ``max`` and ``min`` along the rows take one ufunc
  call per row, 36 us on 569 x 30, and ``np.maximum.at`` about 5 ns a stored value).

Both are None without Numba; their callers then take the NumPy path, which stays the
reference the tests hold these to (``tests/test_kernels_small.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _kernels

__all__ = ["column_absmax", "csr_column_absmax", "line_sums", "scaled_rows"]


def _line_sums(sign: Any, z: Any, u: Any, su: Any, suu: Any, t: float) -> tuple[float, float]:
    """``(sum_i dl_i su_i, sum_i d2l_i suu_i)`` at the logits ``z + t u``.

    With ``s`` the label signs and ``t_i = s_i z_i``, ``e = exp(-|t_i|)``:
    ``dl = s sigmoid(t_i)`` and ``d2l = sigmoid(|t_i|) sigmoid(-|t_i|)``.
    """
    slope = 0.0
    curv = 0.0
    for i in range(sign.shape[0]):
        ti = sign[i] * (u[i] * t + z[i])
        e = np.exp(-abs(ti))
        p = 1.0 / (1.0 + e)  # sigmoid(|t|)
        q = e * p  # sigmoid(-|t|)
        slope += (p if ti >= 0 else q) * sign[i] * su[i]
        curv += p * q * suu[i]
    return slope, curv


def _scaled_rows(X: Any, offset: Any, inv_scale: Any, sh: Any, S: Any) -> None:
    """``S[:, :d] = ((X - offset) * inv_scale) * sh[:, None]`` and ``S[:, d] = sh``.

    ``offset`` or ``inv_scale`` of length 0 means none; the operations are NumPy's, in its
    order (subtract, multiply, multiply), so float64 rows equal the NumPy path's exactly
    (float32 rows are rounded once, at the end, where NumPy rounds after each step).
    """
    r, d = X.shape
    centre = offset.shape[0] > 0
    rescale = inv_scale.shape[0] > 0
    for i in range(r):
        hi = sh[i]
        for j in range(d):
            v = X[i, j]
            if centre:
                v = v - offset[j]
            if rescale:
                v = v * inv_scale[j]
            S[i, j] = v * hi
        S[i, d] = hi


def _column_absmax(X: Any, out: Any) -> None:
    """``out[j] = max(out[j], max_i |X[i, j]|)``, NaN kept (as ``np.maximum`` keeps it):
    a NaN is named later, by the finite check. Rows outer for C order, columns outer for
    Fortran order (each loop then reads memory in order; the select vectorises)."""
    n, d = X.shape
    if X.strides[0] >= X.strides[1]:
        for i in range(n):
            for j in range(d):
                v = abs(X[i, j])
                m = out[j]
                out[j] = v if (v > m) | (v != v) else m
    else:
        for j in range(d):
            m = out[j]
            for i in range(n):
                v = abs(X[i, j])
                m = v if (v > m) | (v != v) else m
            out[j] = m


def _csr_column_absmax(data: Any, indices: Any, out: Any) -> None:
    """:func:`_column_absmax` over CSR (or CSC transposed) stored values: ``out[indices[k]]``
    takes ``|data[k]|`` when larger, NaN kept."""
    for k in range(data.shape[0]):
        j = indices[k]
        v = abs(data[k])
        m = out[j]
        out[j] = v if (v > m) | (v != v) else m


#: None without Numba (or with ``ONENEURON_ACCELERATOR=numpy``: see :func:`wanted`).
line_sums = _kernels._compile(_line_sums, fastmath=False)
scaled_rows = _kernels._compile(_scaled_rows, fastmath=False)
column_absmax = _kernels._compile(_column_absmax, fastmath=False)
csr_column_absmax = _kernels._compile(_csr_column_absmax, fastmath=False)


def wanted(accelerate: bool) -> bool:
    """Whether to use these helpers: the objective's choice, and Numba present."""
    return accelerate and _kernels.available()
