"""The design matrix ``X~ = [X 1]`` as a few products, for dense and sparse X alike.

Inference needs only sums over rows: ``X~ theta``, ``X~^T v``, ``X~^T diag(v) X~``, the
quadratic forms ``x~_i^T M x~_i`` (hat values) and per-group sums of ``v_i x~_i``. Each is
computed in row blocks of about :data:`BLOCK_BYTES`, so a dense X is never copied whole
and a sparse X (CSR or CSC) is never densified; the results are (k,) or (k, k) with
``k = d + 1`` (or d without an intercept).

Parameters are ordered as everywhere in oneneuron: ``theta = [w_1, ..., w_d, b]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import blas

__all__ = [
    "BLOCK_BYTES",
    "Design",
    "as_design_matrix",
    "one_blas_thread_for_X",
    "single_blas",
]

Array = NDArray[np.float64]

#: Target size of one dense row block (float64) in bytes.
BLOCK_BYTES = 4 * 1024 * 1024


def as_design_matrix(X: Any, name: str = "X") -> Any:
    """A 2-D float64 ndarray, or a scipy.sparse CSR matrix, from X (not copied if possible).

    Raises ValueError naming the problem for a non-numeric, non-2-D or non-finite X.
    """
    if sp.issparse(X):
        Xs = sp.csr_matrix(X, dtype=np.float64)  # CSC and COO become CSR (one copy)
        if Xs.data.size and not np.all(np.isfinite(Xs.data)):
            bad = int(Xs.indices[np.flatnonzero(~np.isfinite(Xs.data))[0]])
            raise ValueError(f"{name} contains NaN or inf in column {bad}")
        return Xs
    from .._validation import check_finite, check_numeric

    check_numeric(X, name)
    try:
        Xa = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers; {error}") from None
    if Xa.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got shape {Xa.shape}")
    check_finite(Xa, name)
    return Xa


class Design:
    """Products with ``X~ = [X 1]`` (or X without intercept), block by block.

    Parameters
    ----------
    X : ndarray of shape (n, d) or scipy.sparse matrix
        Float64 (see :func:`as_design_matrix`).
    fit_intercept : bool
        Whether ``X~`` has the column of ones (last, after the d features).
    """

    def __init__(self, X: Any, fit_intercept: bool) -> None:
        self.X = X
        self.sparse = sp.issparse(X)
        self.n, self.d = X.shape
        self.fit_intercept = bool(fit_intercept)
        self.k = self.d + int(self.fit_intercept)
        self.block_rows = max(64, BLOCK_BYTES // (8 * max(1, self.d)))

    def blocks(self) -> Iterator[tuple[slice, Any]]:
        """``(rows, X[rows])`` covering X once, in row blocks."""
        for start in range(0, self.n, self.block_rows):
            rows = slice(start, min(start + self.block_rows, self.n))
            yield rows, self.X[rows]

    def split(self, theta: Array) -> tuple[Array, float]:
        """``(w, b)`` from theta; b = 0 without an intercept."""
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def logits(self, theta: Array) -> Array:
        """``z = X w + b``, shape (n,)."""
        w, b = self.split(np.asarray(theta, dtype=np.float64))
        return np.asarray(self.X @ w, dtype=np.float64).ravel() + b

    def rmatvec(self, v: Array) -> Array:
        """``X~^T v``, shape (k,)."""
        out = np.empty(self.k)
        out[: self.d] = np.asarray(self.X.T @ v).ravel()
        if self.fit_intercept:
            out[-1] = float(np.sum(v))
        return out

    def gram(self, v: Array) -> Array:
        """``X~^T diag(v) X~ = sum_i v_i x~_i x~_i^T`` for ``v >= 0``, shape (k, k).

        Dense X: one symmetric rank-m update (BLAS ``syrk``) of ``sqrt(v) [X_b 1]`` per
        block, half the work of a general product and the intercept in the same pass.
        """
        d, k = self.d, self.k
        if self.sparse:
            out = np.zeros((k, k))
            for rows, Xb in self.blocks():
                out[:d, :d] += (Xb.T @ Xb.multiply(v[rows][:, None]).tocsr()).toarray()
            if self.fit_intercept:
                col = self.rmatvec(v)
                out[:, d] = col
                out[d, :] = col
            return out
        upper = np.zeros((k, k), order="F")
        root = np.sqrt(v)
        for rows, Xb in self.blocks():
            S = np.empty((Xb.shape[0], k))
            np.multiply(Xb, root[rows, None], out=S[:, :d])
            if self.fit_intercept:
                S[:, d] = root[rows]
            blas.dsyrk(1.0, S.T, beta=1.0, c=upper, trans=0, lower=0, overwrite_c=1)
        return np.triu(upper) + np.triu(upper, 1).T

    def quadratic(self, M: Array) -> Array:
        """``q_i = x~_i^T M x~_i`` for a symmetric (k, k) M, shape (n,)."""
        d = self.d
        out = np.empty(self.n)
        Mww = M[:d, :d]
        for rows, Xb in self.blocks():
            A = np.asarray(Xb @ Mww)
            if self.sparse:
                q = np.asarray(Xb.multiply(A).sum(axis=1)).ravel()
            else:
                q = np.einsum("ij,ij->i", A, Xb)
            if self.fit_intercept:
                q = q + 2.0 * np.asarray(Xb @ M[:d, d]).ravel() + M[d, d]
            out[rows] = q
        return out

    def group_sums(self, v: Array, codes: NDArray[np.intp], n_groups: int) -> Array:
        """``u_g = sum_{i in g} v_i x~_i`` for groups ``codes`` in 0..G-1, shape (G, k)."""
        indicator = sp.csr_matrix(
            (v, (codes, np.arange(self.n))), shape=(n_groups, self.n), dtype=np.float64
        )
        out = np.empty((n_groups, self.k))
        block = indicator @ self.X
        out[:, : self.d] = block.toarray() if sp.issparse(block) else block
        if self.fit_intercept:
            out[:, -1] = np.bincount(codes, weights=v, minlength=n_groups)
        return out


def single_blas(X: Any) -> AbstractContextManager[Any]:
    """BLAS held to one thread while a large X (>= 1 MiB) is worked block by block.

    Restored on exit. Block-sized products gain nothing from BLAS threads, and on a busy
    machine OpenBLAS's thread hand-offs made them several times slower (measured: a
    Firth fit on 100,000 x 50 took 44 s with default threads, 7 s with one, under load).
    """
    if sp.issparse(X):
        size = 8 * X.nnz
    else:
        size = 8 * int(np.prod(getattr(X, "shape", (0,))))
    if size < 2**20:
        return nullcontext()
    from .._blas import one_blas_thread

    return one_blas_thread()


P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread_for_X(
    function: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], R]:
    """Decorate ``function(X, ...)`` to run under :func:`single_blas` ``(X)``."""

    @functools.wraps(function)
    def wrapper(X: Any, *args: P.args, **kwargs: P.kwargs) -> R:
        with single_blas(X):
            return function(X, *args, **kwargs)

    return wrapper
