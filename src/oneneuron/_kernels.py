"""Optional compiled kernels: one block's loss and gradient sums in one read of the rows.

The NumPy block loop in :mod:`oneneuron.objective` reads every block of X twice (``X_b w``
from memory, then ``X_b^T r`` from cache) with a dozen ufunc passes in between. This
kernel, compiled by Numba when it is installed (``pip install oneneuron[fast]``), walks
the block in tiles of :data:`TILE` rows: the tile's logits, then each sample's terms,
then the tile's share of the gradient while the rows are still in L1. Nothing else
changes: same blocks, same threads, same sums, and the NumPy path is the fallback (and
the reference the tests hold this kernel to, within rounding).

The per-sample formulas are those of :func:`oneneuron.loss.loss_terms_into`, written for
one sample: with ``t = s z`` and ``e = exp(-|t|)``::

    loss   = max(t, 0) + log1p(e)        (the log1p is left to NumPy: it vectorises)
    dl/dz  = s sigmoid(t),  sigmoid(t) = 1 / (1 + e) if t >= 0 else e / (1 + e)

There are two variants, one per block layout: :func:`block_pass` for dense C-ordered rows
and :func:`csr_pass` for CSR rows; the dense one takes the terms of a tile from
:func:`_tile_terms`, which vectorises (its own ``exp``). How they are compiled, and
``ONENEURON_ACCELERATOR``, is :mod:`oneneuron._jit`'s.
"""

from __future__ import annotations

from math import factorial
from typing import Any

import numpy as np

from ._jit import _compile, available, compiled, numba, wanted

__all__ = ["TILE", "available", "block_pass", "compiled", "csr_pass", "gather_dot", "wanted"]

#: Rows per tile, worked while in L1/L2 (64 rows of 500 float64 features = 256 KB).
TILE = 64

# exp(x) = 2^k exp(f) with k = round(x / ln 2) and f = x - k ln 2 in [-ln 2 / 2, ln 2 / 2]:
# ln 2 in two parts (Cody and Waite): k * _LN2_HI is exact (its low 32 bits are zero) and
# ln 2 - _LN2_HI - _LN2_LO is about 1e-26, so f is exact to about 1e-23
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_MIN = -708.0  # below this, 2^k is subnormal: those rows take the scalar exp
# exp(f)'s Taylor coefficients 1/n!, n = 3 .. 13
_T3, _T4, _T5, _T6, _T7, _T8, _T9, _T10, _T11, _T12, _T13 = (
    1.0 / factorial(n) for n in range(3, 14)
)


def _tile_terms(
    r: Any,
    sign: Any,
    sw: Any,
    i0: int,
    rows: int,
    z_threshold: float,
    e_out: Any,
    hr: Any,
    ev: Any,
    bits: Any,
    correct: Any,
) -> tuple[float, float, int, float]:
    """Each sample's terms for the rows ``i0 .. i0 + rows`` of a tile.

    ``r[:rows]`` holds the logits on entry and ``sw_i s_i sigmoid(s_i z_i)`` on return;
    ``e_out[i] = exp(-|s_i z_i|)``, and ``hr[q] = sw_i h_i`` when ``hr`` is not empty.
    Returns the tile's ``(sum sw max(t, 0), sum r, n_correct, sum sw h)``. ``ev``,
    ``bits`` and ``correct`` are scratch of length :data:`TILE` (float64, int64, float64).

    Loops without calls, so that LLVM vectorises them; hence an ``exp`` of its own:
    ``exp(x) = 2^k exp(f)``, ``|f| <= ln 2 / 2``, ``exp(f)`` from its Taylor series to
    ``f^13`` (remainder below 2^-60), ``2^k`` from its bits. Rows whose ``2^k`` would be
    subnormal (``|t| > 708``) take the scalar ``np.exp``; NaN passes through.
    """
    weighted = sw.shape[0] > 0
    diagonal = hr.shape[0] > 0
    n_tiny = 0
    for q in range(rows):
        a = -abs(sign[i0 + q] * r[q])
        n_tiny += 1 if a < _EXP_MIN else 0
        x = _EXP_MIN if a < _EXP_MIN else a
        k = np.floor(x * _INV_LN2 + 0.5)
        f = (x - k * _LN2_HI) - k * _LN2_LO
        u = _T13 * f + _T12
        u = (((u * f + _T11) * f + _T10) * f + _T9) * f + _T8
        u = (((((u * f + _T7) * f + _T6) * f + _T5) * f + _T4) * f + _T3) * f + 0.5
        ev[q] = (u * f + 1.0) * f + 1.0
        bits[q] = (np.int64(k) + 1023) << 52  # the float64 2^k
    if n_tiny:
        for q in range(rows):
            a = -abs(sign[i0 + q] * r[q])
            if a < _EXP_MIN:
                ev[q] = np.exp(a)
                bits[q] = 1023 << 52  # 1.0
    scale = bits.view(np.float64)
    part_q = ev  # ev[q] is read before part_q[q] is written, in the same iteration
    for q in range(rows):
        i = i0 + q
        s = sign[i]
        z = r[q]
        correct[q] = 1.0 if (z >= z_threshold) == (s < 0) else 0.0
        t = s * z
        e = ev[q] * scale[q]
        e_out[i] = e
        p = 1.0 / (1.0 + e)  # sigmoid(|t|)
        c = sw[i] if weighted else 1.0
        if diagonal:
            hr[q] = e * p * p * c  # sigmoid(|t|) sigmoid(-|t|)
        if t >= 0:
            part_q[q] = t * c
            r[q] = s * p * c
        else:
            part_q[q] = 0.0
            r[q] = s * (e * p) * c  # sigmoid(-|t|)
    # the sums in a loop that stores nothing: where a loop's stores might overlap its
    # loads, LLVM decides at run time whether to run it vectorised, which sums in another
    # order (the same fit then differed in its last bit from run to run)
    part = 0.0
    grad_b = 0.0
    n_correct = 0.0
    for q in range(rows):
        part += part_q[q]
        grad_b += r[q]
        n_correct += correct[q]
    hsum = 0.0
    if diagonal:
        for q in range(rows):
            hsum += hr[q]
    return part, grad_b, int(n_correct), hsum


def _block_pass(
    X: Any,
    sign: Any,
    sw: Any,
    w: Any,
    b: Any,
    zero: Any,
    z_threshold: float,
    grad: Any,
    e_out: Any,
    hxx: Any,
    hx: Any,
) -> tuple[float, float, int, float]:
    """Sums over the rows of X (the maths of :func:`oneneuron.loss.loss_terms_into`).

    Writes ``grad = sum_i r_i x_i`` with ``r_i = sw_i s_i sigmoid(s_i z_i)`` and
    ``e_out[i] = exp(-|s_i z_i|)``; returns ``(sum_i sw_i max(t_i, 0), sum_i r_i,
    n_correct, sum_i h_i)``. ``sw`` of length 0 means unit weights; ``b`` and ``zero``
    are scalars of X's dtype (the logits are summed in that dtype, as BLAS does).

    With ``hxx`` and ``hx`` of length d (else of length 0), also the sums of the
    Hessian's diagonal from the same read: ``hxx = sum_i h_i x_i^2`` and
    ``hx = sum_i h_i x_i`` with ``h_i = sw_i sigmoid(t_i) sigmoid(-t_i)``, whose sum is
    the fourth value returned (0 without them).
    """
    m, d = X.shape
    diagonal = hxx.shape[0] > 0
    part = 0.0
    grad_b = 0.0
    hsum = 0.0
    n_correct = 0
    # local copies: arrays created here cannot alias X, so LLVM keeps the d-loops below
    # in vector registers (with the caller's arrays it must assume they might overlap)
    acc = np.zeros(d)
    acc_xx = np.zeros(d if diagonal else 0)
    acc_x = np.zeros(d if diagonal else 0)
    w = w.copy()
    r = np.empty(TILE, dtype=X.dtype)
    hr = np.empty(TILE if diagonal else 0)  # sw_i h_i of the tile's rows, for the diagonal
    ev = np.empty(TILE)
    bits = np.empty(TILE, dtype=np.int64)
    correct = np.empty(TILE)
    for i0 in range(0, m, TILE):
        rows = min(TILE, m - i0)
        # 1. logits of the tile, four rows at a time (w is loaded once for four rows)
        q = 0
        while q + 4 <= rows:
            x0, x1, x2, x3 = X[i0 + q], X[i0 + q + 1], X[i0 + q + 2], X[i0 + q + 3]
            z0 = zero
            z1 = z0
            z2 = z0
            z3 = z0
            for j in range(d):
                wj = w[j]
                z0 += x0[j] * wj
                z1 += x1[j] * wj
                z2 += x2[j] * wj
                z3 += x3[j] * wj
            r[q] = z0 + b
            r[q + 1] = z1 + b
            r[q + 2] = z2 + b
            r[q + 3] = z3 + b
            q += 4
        while q < rows:
            x0 = X[i0 + q]
            z0 = zero
            for j in range(d):
                z0 += x0[j] * w[j]
            r[q] = z0 + b
            q += 1
        # 2. per-sample terms: r[q] turns from the logit into s sigmoid(s z) (times sw)
        tp, tg, tc, th = _terms(r, sign, sw, i0, rows, z_threshold, e_out, hr, ev, bits, correct)
        part += tp
        grad_b += tg
        n_correct += tc
        hsum += th
        # 3. the tile's gradient share, four rows at a time (grad read/written once)
        q = 0
        while q + 4 <= rows:
            x0, x1, x2, x3 = X[i0 + q], X[i0 + q + 1], X[i0 + q + 2], X[i0 + q + 3]
            a0, a1, a2, a3 = r[q], r[q + 1], r[q + 2], r[q + 3]
            for j in range(d):
                acc[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j]
            if diagonal:  # the same rows, still in L1
                h0, h1, h2, h3 = hr[q], hr[q + 1], hr[q + 2], hr[q + 3]
                for j in range(d):
                    u0, u1, u2, u3 = h0 * x0[j], h1 * x1[j], h2 * x2[j], h3 * x3[j]
                    acc_x[j] += u0 + u1 + u2 + u3
                    acc_xx[j] += u0 * x0[j] + u1 * x1[j] + u2 * x2[j] + u3 * x3[j]
            q += 4
        while q < rows:
            x0 = X[i0 + q]
            a0 = r[q]
            for j in range(d):
                acc[j] += a0 * x0[j]
            if diagonal:
                h0 = hr[q]
                for j in range(d):
                    u0 = h0 * x0[j]
                    acc_x[j] += u0
                    acc_xx[j] += u0 * x0[j]
            q += 1
    for j in range(d):
        grad[j] = acc[j]
    for j in range(acc_x.shape[0]):
        hx[j] = acc_x[j]
        hxx[j] = acc_xx[j]
    return part, grad_b, n_correct, hsum


def _gather_dot(values: Any, indices: Any, lo: int, hi: int, vec: Any, zero: Any) -> Any:
    """``sum_k values[k] vec[indices[k]]`` for ``lo <= k < hi`` (a sparse row or column
    against a dense vector), in four partial sums started at ``zero`` (its dtype): the
    gathers overlap instead of waiting on one running sum."""
    a0 = zero
    a1 = zero
    a2 = zero
    a3 = zero
    k = lo
    while k + 4 <= hi:
        a0 += values[k] * vec[indices[k]]
        a1 += values[k + 1] * vec[indices[k + 1]]
        a2 += values[k + 2] * vec[indices[k + 2]]
        a3 += values[k + 3] * vec[indices[k + 3]]
        k += 4
    while k < hi:
        a0 += values[k] * vec[indices[k]]
        k += 1
    return (a0 + a1) + (a2 + a3)


def _csr_pass(
    data: Any,
    indices: Any,
    indptr: Any,
    sign: Any,
    sw: Any,
    w: Any,
    b: Any,
    zero: Any,
    z_threshold: float,
    grad: Any,
    e_out: Any,
    z_in: Any,
) -> tuple[float, float, int]:
    """:func:`_block_pass` for CSR rows ``(data, indices, indptr)``: the same sums.

    ``z_in`` (non-empty) holds the rows' logits, ``b`` included, from a caller that
    tracks them: the pass then reads the rows for the gradient only.

    Row by row: tiled, with :func:`_tile_terms`, it was faster from about 16 stored values
    a row (5% at 50 to 100) but up to 25% slower below 10 (measured). A row's logit is
    :func:`gather_dot`'s (2.35 -> 2.05 ms a pass over 20,000 rows of 40 stored values,
    one thread, against one running sum).
    """
    m = sign.shape[0]
    weighted = sw.shape[0] > 0
    part = 0.0
    grad_b = 0.0
    n_correct = 0
    acc = np.zeros(grad.shape[0])  # local: cannot alias the rows (see _block_pass)
    w = w.copy()
    given = z_in.shape[0] > 0
    for i in range(m):
        lo, hi = indptr[i], indptr[i + 1]
        z = z_in[i] if given else gather_dot(data, indices, lo, hi, w, zero) + b
        if (z >= z_threshold) == (sign[i] < 0):
            n_correct += 1
        t = sign[i] * z
        e = np.exp(-abs(t))
        e_out[i] = e
        p = 1 / (1 + e)
        if t >= 0:
            part_i = t
        else:
            part_i = zero
            p = e * p
        ri = sign[i] * p
        if weighted:
            ri = ri * sw[i]
            part_i = part_i * sw[i]
        part += part_i
        grad_b += ri
        for k in range(lo, hi):
            acc[indices[k]] += ri * data[k]
    for j in range(acc.shape[0]):
        grad[j] = acc[j]
    return part, grad_b, n_correct


# inlined into the kernels (Numba IR), so compiled with their flags; without Numba,
# gather_dot is the plain function that the Python loops call
_terms: Any = None if numba is None else numba.njit(inline="always")(_tile_terms)
gather_dot: Any = _gather_dot if numba is None else numba.njit(inline="always")(_gather_dot)
block_pass = _compile(_block_pass, ieee_division=True)  # its terms loop divides by 1 + e
csr_pass = _compile(_csr_pass)
