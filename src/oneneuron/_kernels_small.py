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
  Hessian's ``syrk`` (used by :func:`oneneuron.objective._block_hessian.add_hessian`).

Both are None without Numba; their callers then take the NumPy path, which stays the
reference the tests hold these to (``tests/test_kernels_small.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _kernels

__all__ = ["line_sums", "scaled_rows"]


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


#: None without Numba (or with ``ONENEURON_ACCELERATOR=numpy``: see :func:`wanted`).
line_sums = _kernels._compile(_line_sums, fastmath=False)
scaled_rows = _kernels._compile(_scaled_rows, fastmath=False)


def wanted(accelerate: bool) -> bool:
    """Whether to use these helpers: the objective's choice, and Numba present."""
    return accelerate and _kernels.available()
