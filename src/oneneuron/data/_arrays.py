"""Sources over arrays in memory: dense NumPy arrays and scipy.sparse CSR/CSC matrices.

Neither copies X. A dense source yields views of consecutive rows; a CSR source yields
row slices (views of its index arrays); a CSC matrix cannot be sliced by rows cheaply,
so a full pass reads it as one block (the per-sample work is then n-vectors, never a
copy of X), and :meth:`take` converts it to CSR once, for mini-batches only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .._validation import check_finite, check_finite_sparse
from ._base import Block, Source

__all__ = ["ArraySource", "SparseSource"]

Array = NDArray[np.floating]


class _InMemory(Source):
    """Labels and weights held as arrays; subclasses hold X."""

    X: Any

    def __init__(self, X: Any, sign: Array, weight: Array | None, n_classes: int = 2) -> None:
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.dtype = np.dtype(X.dtype)
        self.n_classes = int(n_classes)
        if self.n_classes > 2:  # K classes: the blocks carry class codes
            self.sign = np.ascontiguousarray(sign, dtype=np.intp)
            self.positive = np.zeros(0, bool)
        else:
            self.sign = np.ascontiguousarray(sign, dtype=self.dtype)
            self.positive = self.sign < 0
        self.weight = None if weight is None else np.ascontiguousarray(weight, dtype=self.dtype)
        self.weight_sum = float(self.n_samples if weight is None else np.sum(weight))
        self._weight64 = None if weight is None else np.asarray(weight, dtype=np.float64)

    def _block(self, X: Any, lo: int, hi: int) -> Block:
        w = None if self.weight is None else self.weight[lo:hi]
        positive = self.positive[lo:hi] if self.n_classes <= 2 else None
        return Block(X, self.sign[lo:hi], w, lo, positive)

    def _rows(self, X: Any, rows: NDArray[np.intp] | slice) -> Block:
        w = None if self.weight is None else self.weight[rows]
        positive = self.positive[rows] if self.n_classes <= 2 else None
        return Block(X, self.sign[rows], w, 0, positive)

    def strided(self, max_rows: int) -> Block:
        step = max(1, -(-self.n_samples // max(1, max_rows)))
        return self.take(np.arange(0, self.n_samples, step))


class ArraySource(_InMemory):
    """A dense (n, d) float64 or float32 array in memory.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        float64 or float32, C- or F-ordered (never copied).
    sign : ndarray of shape (n,)
        ``1 - 2y`` for labels y in {0, 1}; class codes 0..K-1 with ``n_classes = K > 2``.
    weight : ndarray of shape (n,), optional
    block_rows : int, optional
        Rows per block (default: about 4 MB of X).
    n_classes : int
        2 (binary), or K >= 3: the multinomial objective's class codes.
    """

    def __init__(
        self,
        X: Array,
        sign: Array,
        weight: Array | None = None,
        block_rows: int | None = None,
        n_classes: int = 2,
    ) -> None:
        super().__init__(X, sign, weight, n_classes)
        self.nbytes = int(X.nbytes)
        self.c_contiguous = bool(X.flags.c_contiguous)
        self._block_rows = None if block_rows is None else max(1, int(block_rows))

    def block_rows(self) -> int:
        return self._block_rows or super().block_rows()

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        stop = self.n_samples if stop is None else stop
        rows = self.block_rows()
        for lo in range(start, stop, rows):
            hi = min(lo + rows, stop)
            yield self._block(self.X[lo:hi], lo, hi)

    def take(self, rows: NDArray[np.intp]) -> Block:
        return self._rows(self.X[rows], rows)

    def strided(self, max_rows: int) -> Block:
        if self.n_samples <= max_rows:  # every row: the arrays themselves, not a copy
            return self._block(self.X, 0, self.n_samples)
        return super().strided(max_rows)

    def cheap_sample(self, max_rows: int) -> Block | None:
        """:meth:`strided`'s rows as views of the arrays (every k-th row), not copies:
        read once by the column maxima and the rank check at the start of a fit (a copy
        of 4,096 rows of 200 columns cost 0.6 ms)."""
        n = self.n_samples
        if not self.in_memory:
            return None
        if n <= max_rows:
            return self._block(self.X, 0, n)
        rows = slice(0, n, -(-n // max(1, max_rows)))
        return self._rows(self.X[rows], rows)

    def check_finite(self, name: str = "X") -> None:
        check_finite(self.X, name)

    def column_moments(self, scale: Array | None = None) -> tuple[Array, Array]:
        sw = self._weight64
        mean = np.zeros(self.n_features)
        for block in self.blocks():  # in float64 (float32 sums of many rows drift)
            rows = slice(block.start, block.start + block.n_rows)
            if scale is None and sw is None:  # summed in float64 without a float64 copy
                mean += block.X.sum(axis=0, dtype=np.float64)
                continue
            part = np.asarray(block.X, dtype=np.float64)
            if scale is not None:
                part = part / scale
            mean += part.sum(axis=0) if sw is None else sw[rows] @ part
        mean /= self.weight_sum
        var = np.zeros(self.n_features)
        for block in self.blocks():  # one block-sized temporary at a time
            if scale is None:
                dev = np.asarray(block.X, dtype=np.float64) - mean
            else:
                dev = np.asarray(block.X, dtype=np.float64) / scale
                dev -= mean
            dev *= dev
            if sw is None:
                var += dev.sum(axis=0)
            else:
                var += sw[block.start : block.start + block.n_rows] @ dev
        var /= self.weight_sum
        mean, std = np.asarray(mean, dtype=np.float64), np.sqrt(var)
        return (mean, std) if scale is None else (mean * scale, std * scale)


class SparseSource(_InMemory):
    """A scipy.sparse CSR or CSC matrix (or array) in memory, never densified.

    Parameters
    ----------
    X : scipy.sparse matrix or array of shape (n, d), CSR or CSC
        float64 or float32 values; indices are used as they are.
    sign, weight, block_rows
        As for :class:`ArraySource`.
    """

    sparse = True

    def __init__(
        self,
        X: Any,
        sign: Array,
        weight: Array | None = None,
        block_rows: int | None = None,
        n_classes: int = 2,
    ) -> None:
        if X.format not in ("csr", "csc"):
            raise TypeError(f"SparseSource takes CSR or CSC; got {X.format.upper()}")
        _check_structure(X)
        super().__init__(X, sign, weight, n_classes)
        self.nbytes = int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
        self._block_rows = None if block_rows is None else max(1, int(block_rows))
        self._csr: Any = X if X.format == "csr" else None

    def block_rows(self) -> int:
        if self.X.format == "csc":  # read as one block whatever was asked
            return max(1, self.n_samples)
        return self._block_rows or super().block_rows()

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        stop = self.n_samples if stop is None else stop
        if self.X.format == "csc":  # one block: row slices of CSC are copies
            X = self.X if (start, stop) == (0, self.n_samples) else self._as_csr()[start:stop]
            yield self._block(X, start, stop)
            return
        rows = self.block_rows()
        for lo in range(start, stop, rows):
            hi = min(lo + rows, stop)
            yield self._block(self._rows_view(lo, hi), lo, hi)

    def _rows_view(self, lo: int, hi: int) -> Any:
        """Rows ``lo:hi`` of the CSR matrix as views of its arrays (scipy's row slicing
        copies the values and indices; only the small indptr is rebased here)."""
        return csr_rows_view(self.X, lo, hi)

    def partitions(self, k: int) -> list[Any]:
        if self.X.format == "csc":
            return [self.blocks]
        return super().partitions(k)

    def _as_csr(self) -> Any:
        if self._csr is None:
            self._csr = self.X.tocsr()
        return self._csr

    def take(self, rows: NDArray[np.intp]) -> Block:
        return self._rows(self._as_csr()[rows], rows)

    def check_finite(self, name: str = "X") -> None:
        check_finite_sparse(self.X, name)

    def column_moments(self, scale: Array | None = None) -> tuple[Array, Array]:
        from sklearn.utils.sparsefuncs import mean_variance_axis

        X = self.X if self.X.dtype == np.float64 else self.X.astype(np.float64)
        if scale is not None:
            X = X @ sp.diags(1.0 / scale, format="csr")
            X = X.tocsr() if self.X.format == "csr" else X.tocsc()
        mean, var = mean_variance_axis(X, axis=0, weights=self._weight64)
        mean, std = np.asarray(mean, dtype=np.float64), np.sqrt(np.maximum(var, 0.0))
        return (mean, std) if scale is None else (mean * scale, std * scale)


def _check_structure(X: Any) -> None:
    """Refuse a CSR/CSC matrix whose index arrays are inconsistent (the compiled kernel
    trusts them: an index out of range would read outside the coefficient vector)."""
    indptr, indices = np.asarray(X.indptr), np.asarray(X.indices)
    outer, inner = X.shape if X.format == "csr" else X.shape[::-1]
    ok = (
        indptr.shape == (outer + 1,)
        and int(indptr[0]) == 0
        and int(indptr[-1]) == indices.shape[0] == X.data.shape[0]
        and bool(np.all(indptr[1:] >= indptr[:-1]))
        and (indices.size == 0 or (int(indices.min()) >= 0 and int(indices.max()) < inner))
    )
    if not ok:
        raise ValueError(
            f"the sparse {X.format.upper()} matrix is malformed (its indptr/indices arrays "
            "do not describe a matrix of its shape)"
        )


def as_sparse(X: Any) -> Any:
    """CSR/CSC kept; other scipy.sparse formats converted to CSR once."""
    if X.format in ("csr", "csc"):
        return X
    return sp.csr_array(X) if isinstance(X, sp.sparray) else sp.csr_matrix(X)


def csr_rows_view(X: Any, lo: int, hi: int, data: Any = None) -> Any:
    """Rows ``lo:hi`` of the CSR matrix ``X`` sharing its values and indices (``data``:
    other values for the same pattern). scipy's constructor would copy views that are
    much smaller than their base (its ``prune``), so the arrays are set after building
    an empty matrix of the shape."""
    a, b = int(X.indptr[lo]), int(X.indptr[hi])
    view = type(X)((hi - lo, X.shape[1]), dtype=X.dtype)
    view.data = X.data[a:b] if data is None else data
    view.indices = X.indices[a:b]
    view.indptr = (X.indptr[lo : hi + 1] - a).astype(X.indices.dtype, copy=False)
    return view


def csr_transposed(X: Any) -> Any:
    """``X.T`` of a CSR matrix as a CSC matrix sharing its arrays: scipy's ``.T`` goes
    through the constructor, which copies the values and indices of a row view (its
    ``prune``), so ``X.T @ v`` on a block would copy the block."""
    csc = sp.csc_array if isinstance(X, sp.sparray) else sp.csc_matrix
    view = csc((X.shape[1], X.shape[0]), dtype=X.dtype)
    view.data, view.indices, view.indptr = X.data, X.indices, X.indptr
    return view
