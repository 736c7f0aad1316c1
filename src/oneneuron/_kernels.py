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
and :func:`csr_pass` for CSR rows (each row's stored values, read once: the logit, the
terms, then the row's share of the gradient scattered into its columns).

``ONENEURON_ACCELERATOR=numpy`` turns the kernels off; ``=numba`` makes a missing Numba
an error instead of a silent fallback.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["TILE", "available", "block_pass", "csr_pass", "wanted"]

#: Rows per tile: their logits, terms and gradient share are computed while the rows
#: are in L1/L2 (64 rows of 500 float64 features = 256 KB).
TILE = 64

try:  # pragma: no cover - depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]


def available() -> bool:
    """Whether Numba is importable."""
    return numba is not None


def wanted() -> bool:
    """Whether to use the kernel: Numba present, unless ``ONENEURON_ACCELERATOR=numpy``."""
    choice = os.environ.get("ONENEURON_ACCELERATOR", "auto").strip().lower()
    if choice not in ("auto", "numba", "numpy"):
        raise ValueError(f"ONENEURON_ACCELERATOR={choice!r}; expected 'auto', 'numba' or 'numpy'")
    if choice == "numba" and not available():
        raise ImportError("ONENEURON_ACCELERATOR=numba but Numba is not installed")
    return choice != "numpy" and available()


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
    weighted = sw.shape[0] > 0
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
    hr = np.empty(TILE)  # h_i of the tile's rows, for the diagonal
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
        for q in range(rows):
            i = i0 + q
            z = r[q]
            if (z >= z_threshold) == (sign[i] < 0):
                n_correct += 1
            t = sign[i] * z
            e = np.exp(-abs(t))
            e_out[i] = e
            p = 1 / (1 + e)  # sigmoid(|t|)
            if diagonal:
                hi = e * p * p  # sigmoid(|t|) sigmoid(-|t|)
                if weighted:
                    hi = hi * sw[i]
                hr[q] = hi
                hsum += hi
            if t >= 0:
                part_i = t
            else:
                part_i = zero
                p = e * p  # sigmoid(-|t|)
            ri = sign[i] * p
            if weighted:
                ri = ri * sw[i]
                part_i = part_i * sw[i]
            part += part_i
            grad_b += ri
            r[q] = ri
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
) -> tuple[float, float, int]:
    """:func:`_block_pass` for CSR rows ``(data, indices, indptr)``: the same sums."""
    m = sign.shape[0]
    weighted = sw.shape[0] > 0
    part = 0.0
    grad_b = 0.0
    n_correct = 0
    acc = np.zeros(grad.shape[0])  # local: cannot alias the rows (see _block_pass)
    w = w.copy()
    for i in range(m):
        lo, hi = indptr[i], indptr[i + 1]
        z = zero
        for k in range(lo, hi):
            z += data[k] * w[indices[k]]
        z = z + b
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


class _Kernel:
    """A function compiled by Numba on its first call (not at import).

    The compiled code is cached on disk when Numba finds a directory it can write (next
    to this file, ``NUMBA_CACHE_DIR``, or the user's cache directory); on a read-only
    installation it is compiled in memory only, once per process, instead of failing.
    """

    def __init__(self, function: Callable[..., Any], fastmath: bool = True) -> None:
        self.function = function
        self.fastmath = fastmath
        self.__name__ = function.__name__
        self.__doc__ = function.__doc__
        self._compiled: Any = None
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            try:
                return self.compile()(*args)
            except OSError:  # the cache could not be written after all: compile in memory
                self._compiled = self._jit(cache=False)
                compiled = self._compiled
        return compiled(*args)

    def compile(self, cache: bool = True) -> Any:
        """The Numba dispatcher: with a disk cache when one can be written, else without."""
        with self._lock:
            if self._compiled is None:
                try:
                    self._compiled = self._jit(cache=cache)
                except (RuntimeError, OSError):  # "no locator available": nowhere to write
                    self._compiled = self._jit(cache=False)
            return self._compiled

    def _jit(self, cache: bool) -> Any:
        # reassociation lets LLVM vectorise the dot products; no "fast" NaN/inf
        # assumptions, so NaN and inf propagate exactly as in the NumPy path
        fast = {"reassoc", "contract"} if self.fastmath else False
        return numba.njit(fastmath=fast, nogil=True, cache=cache)(self.function)


def _compile(function: Callable[..., Any], fastmath: bool = True) -> _Kernel | None:
    return None if numba is None else _Kernel(function, fastmath)


def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` compiled on its first call (exact arithmetic: no reassociation), or
    ``function`` itself when Numba is absent or switched off (``ONENEURON_ACCELERATOR``).

    The coordinate-descent loops use it; the compiled code equals the Python loop's.
    """
    return _compile(function, fastmath=False) or function


block_pass = _compile(_block_pass)
csr_pass = _compile(_csr_pass)
