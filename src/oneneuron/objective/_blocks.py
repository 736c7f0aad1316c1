"""The one function that computes a block's sums: loss, gradient, accuracy, Hessian.

Every quantity of the objective is a sum over rows, so every pass (evaluation, line
search, curvature, Hessian products, mini-batches) adds up :func:`accumulate` over the
blocks of a source. A block is dense rows or CSR rows; its sums are taken at *raw*
coefficients ``(w, b)`` (standardisation is a change of parameters, handled by the
caller), except for blocks worked in a block-sized copy (:class:`Standardised`): float32
rows standardised before the product (the subtraction of large means must come first),
and rows of extreme magnitude divided by per-column powers of two (so that no product,
square or sum of them overflows or underflows).

Two ways through a block, one set of formulas: the NumPy/SciPy path (BLAS or sparse
products around :func:`oneneuron.loss.loss_terms_into`, the reference) and the compiled
kernels of :mod:`oneneuron._kernels` (the same sums in one read of the rows).

K outputs (multinomial): a workspace with ``outputs = K`` hands the rows to
:mod:`._softmax_blocks` (the softmax loss beside the logistic one; NumPy/SciPy path).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.blas import dsyrk, ssyrk

from .. import _kernels
from ..data import Block
from ..loss import loss_terms_into
from . import _softmax_blocks

__all__ = [
    "BlockTask",
    "BlockTerms",
    "Standardised",
    "Workspace",
    "accumulate",
    "logits",
    "standardised_rows",
]

Array = NDArray[np.floating]


@dataclass
class BlockTerms:
    """Unnormalised sums over some rows (see :func:`accumulate`).

    ``hess`` is ``[X 1]^T diag(s h) [X 1]`` of shape (d + 1, d + 1), in the coordinates
    the Hessian was asked for (see ``hess_map`` of :func:`accumulate`). With K outputs,
    ``grad_w`` is (K, d), ``grad_b`` (K,) and ``hess`` (K d + K) square in theta's order.
    """

    loss: float
    grad_w: Array
    grad_b: Any
    n_correct: int
    hess: Array | None = None
    #: ``(sum s h x^2, sum s h x, sum s h)`` per column: the Hessian's diagonal, on demand
    diag: tuple[Array, Array, float] | None = None

    def __add__(self, other: BlockTerms) -> BlockTerms:
        """Sums over two disjoint sets of rows add up (the reduction of a pass)."""
        hess = None if self.hess is None or other.hess is None else self.hess + other.hess
        diag = None
        if self.diag is not None and other.diag is not None:
            diag = (
                self.diag[0] + other.diag[0],
                self.diag[1] + other.diag[1],
                self.diag[2] + other.diag[2],
            )
        return BlockTerms(
            self.loss + other.loss,
            self.grad_w + other.grad_w,
            self.grad_b + other.grad_b,
            self.n_correct + other.n_correct,
            hess,
            diag,
        )


@dataclass
class Standardised:
    """A block-sized copy ``(X / row_scale - offset) / scale`` of the rows.

    ``row_scale`` holds powers of two (the division is exact); ``offset`` and ``scale``
    are in the units of ``X / row_scale`` and apply to dense rows only (a CSR copy is
    only divided by ``row_scale``: subtracting an offset would densify it).
    """

    offset: Array | None
    scale: Array | None
    row_scale: Array | None = None


class Workspace:
    """Buffers for one block and the running sums of one thread, reused across passes."""

    def __init__(self, rows: int, k: int, dtype: np.dtype[Any], outputs: int = 1) -> None:
        self.k, self.dtype, self.outputs = k, dtype, outputs
        self.gtmp = np.empty(k, dtype)
        self.gsum = np.empty(k)  # the kernels' gradient, summed in float64
        self.no_weights = np.empty(0, dtype)
        self.grow(rows)
        self.reset(False)

    def grow(self, rows: int) -> None:
        """Per-row buffers for blocks of up to ``rows`` rows (the running sums are kept)."""
        self.rows = rows
        dtype = self.dtype
        self.z, self.t, self.e, self.q, self.u, self.h = (np.empty(rows, dtype) for _ in range(6))
        self.mask = np.empty(rows, bool)
        self.xt: Array | None = None  # a standardised block
        self.sx: Array | None = None  # sqrt(h) X_b, for the Hessian
        self.sq: Array | None = None  # squared rows, for the Hessian's diagonal

    def reset(self, hessian: bool, diagonal: bool = False) -> None:
        """Zero the running sums (and start a Hessian, or its diagonal, when asked)."""
        self.loss = 0.0
        self.grad_b: Any = 0.0
        self.n_correct = 0
        self.grad_w = np.zeros(self.k)
        self.hess: Array | None = None
        self.hweight = 0.0  # weight of the rows in the Hessian (all rows by default)
        self.weight = 0.0
        K = self.outputs
        if K > 1:  # K outputs: the whole Hessian, in theta's order
            self.grad_w, self.grad_b = np.zeros((K, self.k)), np.zeros(K)
            if hessian:
                self.hess = np.zeros((K * (self.k + 1), K * (self.k + 1)))
        elif hessian:
            # [X 1]^T diag(h) [X 1]: upper triangle only, in Fortran order (syrk's layout)
            self.hess = np.zeros((self.k + 1, self.k + 1), order="F")
        self.diag: list[Any] | None = (
            [np.zeros(self.k), np.zeros(self.k), 0.0] if diagonal else None
        )
        if diagonal and K > 1:  # per class: (K, d), (K, d), (K,)
            self.diag = [np.zeros((K, self.k)), np.zeros((K, self.k)), np.zeros(K)]

    def block(self, name: str, m: int, extra: int = 0) -> Array:
        buf = getattr(self, name)
        if buf is None:
            buf = np.empty((self.rows, self.k + extra), self.dtype)
            setattr(self, name, buf)
        return buf[:m]  # type: ignore[no-any-return]

    def terms(self) -> BlockTerms:
        """The sums so far; the Hessian completed from its upper triangle and rescaled
        when only a subsample of the rows entered it."""
        hess = None
        if self.hess is not None:
            if self.outputs > 1:  # formed whole
                hess = self.hess.copy()
            else:
                hess = self.hess + self.hess.T
                hess.flat[:: self.k + 2] = self.hess.flat[:: self.k + 2]
            if 0.0 < self.hweight < self.weight:
                hess *= self.weight / self.hweight
        diag = None if self.diag is None else (self.diag[0], self.diag[1], self.diag[2])
        return BlockTerms(self.loss, self.grad_w, self.grad_b, self.n_correct, hess, diag)


@dataclass(frozen=True)
class BlockTask:
    """What to sum over blocks at one point: plain data, so it can travel to workers.

    :meth:`run` adds up :func:`accumulate` over any blocks; the objective runs it over
    the partitions of a local source in threads, and a distributed source runs it where
    its chunks live and adds the results (:meth:`BlockTerms.__add__`).
    """

    w: Array
    b: Any
    z_threshold: float
    n_features: int
    dtype: str
    hessian: bool = False
    hessian_rows: int | None = None
    kernel: bool = False
    standardised: Standardised | None = None
    hess_map: tuple[Array | None, Array | None] | None = None
    diagonal: bool = False
    outputs: int = 1

    def workspace(self, rows: int) -> Workspace:
        return Workspace(rows, self.n_features, np.dtype(self.dtype), self.outputs)

    def run(self, blocks: Iterable[Block], ws: Workspace | None = None) -> BlockTerms:
        """The sums over ``blocks`` (in ``ws``, grown as needed, when given)."""
        ws = ws if ws is not None else self.workspace(0)
        ws.reset(self.hessian, self.diagonal)
        for block in blocks:
            if block.n_rows > ws.rows:
                ws.grow(block.n_rows)
            accumulate(
                ws,
                block,
                self.w,
                self.b,
                z_threshold=self.z_threshold,
                hessian=self.hessian,
                hessian_rows=self.hessian_rows,
                kernel=self.kernel,
                standardised=self.standardised,
                hess_map=self.hess_map,
                diagonal=self.diagonal,
            )
        return ws.terms()


def accumulate(
    ws: Workspace,
    block: Block,
    w: Array,
    b: Any,
    *,
    z_threshold: float,
    hessian: bool = False,
    hessian_rows: int | None = None,
    kernel: bool = False,
    standardised: Standardised | None = None,
    hess_map: tuple[Array | None, Array | None] | None = None,
    diagonal: bool = False,
) -> None:
    """Add one block's loss, gradient (and Hessian) sums into ``ws``.

    Parameters
    ----------
    ws : Workspace
        Buffers of at least the block's rows; the sums are added to its totals.
    block : Block
        Dense or CSR rows, with their label signs and weights.
    w : ndarray of shape (d,), b : float
        Coefficients the block's rows are multiplied by (raw units, unless
        ``standardised`` is given). With ``ws.outputs = K > 1``: W of shape (K, d), b of
        shape (K,), and the block's ``sign`` holds class codes (see
        :mod:`._softmax_blocks`; ``z_threshold``, ``kernel`` and ``diagonal`` do not apply).
    z_threshold : float
        Logit at or above which a row is predicted as class 1 (for the accuracy).
    hessian : bool
        Also add ``[X 1]^T diag(s h) [X 1]`` (dense: BLAS ``syrk`` of ``sqrt(h) [X 1]``).
    hessian_rows : int, optional
        Only the block's first r rows enter the Hessian (a subsample, rescaled by
        :meth:`Workspace.terms`).
    kernel : bool
        Use the compiled kernel (dense C-ordered or CSR rows, raw coefficients; a CSC
        block, a whole CSC matrix read at once, takes the SciPy path).
    standardised : Standardised, optional
        Work on ``(X - offset) / scale`` in a block-sized copy (dense only).
    hess_map : (offset, scale), optional
        Dense rows: build the Hessian of ``(X - offset) / scale`` directly (its
        operand is a block-sized copy anyway), so the caller gets it in standardised
        coordinates without cancellation.
    diagonal : bool
        Also add the raw sums ``sum s h x^2``, ``sum s h x`` and ``sum s h`` per column,
        from which the caller forms the Hessian's diagonal in its coordinates (a
        preconditioner); the NumPy/SciPy path computes them.
    """
    m = block.n_rows
    if m == 0:
        return
    r = m if hessian_rows is None else min(m, hessian_rows)
    X, sign, sw = block.X, block.sign, block.weight
    if ws.outputs > 1:
        if standardised is not None:
            X = _standardised_block(ws, X, m, standardised)
        _softmax_blocks.accumulate_rows(
            ws, X, sign, sw, w, b, hessian=hessian, r=r, hess_map=hess_map, diagonal=diagonal
        )
        return
    e = ws.e[:m]
    use_kernel = kernel and not diagonal and (not block.is_sparse or X.format == "csr")
    if use_kernel:  # CSC blocks (a whole CSC matrix at once) take the SciPy path
        zero = ws.dtype.type(0)
        args = (sign, ws.no_weights if sw is None else sw, w, ws.dtype.type(b), zero, z_threshold)
        if block.is_sparse:
            part, grad_b, n_correct = _kernels.csr_pass(  # type: ignore[misc]
                X.data, X.indices, X.indptr, *args, ws.gsum, e
            )
        else:
            part, grad_b, n_correct = _kernels.block_pass(X, *args, ws.gsum, e)  # type: ignore[misc]
        ws.grad_w += ws.gsum
        ws.grad_b += grad_b
        ws.n_correct += n_correct
        if hessian:  # d2l/dz2 = sigmoid(|t|) sigmoid(-|t|) = e / (1 + e)^2
            h, er = ws.h[:r], e[:r]
            np.add(er, 1.0, out=h)
            np.square(h, out=h)
            np.divide(er, h, out=h)
            _add_hessian(ws, X, h, sw, m, r, hess_map)
        np.log1p(e, out=e)  # the rest of the loss: log1pexp(t) = max(t, 0) + log1p(e)
        ws.loss += part + float(e.sum() if sw is None else e @ sw)
        return
    if standardised is not None:
        X = _standardised_block(ws, X, m, standardised)
    z, t, q, u = ws.z[:m], ws.t[:m], ws.q[:m], ws.u[:m]
    mask = ws.mask[:m]
    _matvec(X, w, z)
    if b:
        z += b
    hm = ws.h[:m] if hessian or diagonal else None
    loss_terms_into(sign, z, q, u, hm, (t, e, mask))  # q: losses, u: dl/dz
    if diagonal and hm is not None and ws.diag is not None:
        sh = hm if sw is None else hm * sw
        ws.diag[0] += _squares_weighted(ws, X, sh, block.is_sparse)
        ws.diag[1] += np.asarray(X.T @ sh, dtype=np.float64).ravel()
        ws.diag[2] += float(sh.sum())
    ws.loss += float(q.sum() if sw is None else q @ sw)
    if sw is not None:
        u *= sw
    if block.is_sparse:
        ws.grad_w += X.T @ u
    else:
        np.matmul(X.T, u, out=ws.gtmp)
        ws.grad_w += ws.gtmp
    ws.grad_b += float(u.sum())
    np.greater_equal(z, z_threshold, out=mask)
    np.equal(mask, block.is_positive(), out=mask)
    ws.n_correct += int(np.count_nonzero(mask))
    if hessian and hm is not None:
        _add_hessian(ws, X, hm[:r], sw, m, r, hess_map)


def _standardised_block(ws: Workspace, X: Any, m: int, standardised: Standardised) -> Any:
    """The block's rows as :class:`Standardised` says: a copy in ``ws`` (dense) or a new
    CSR matrix with the same structure."""
    if not isinstance(X, np.ndarray):
        return _scaled_csr(X, standardised.row_scale)
    Xt = ws.block("xt", m)
    if standardised.row_scale is not None:
        np.divide(X, standardised.row_scale, out=Xt)
        if standardised.offset is not None:
            Xt -= standardised.offset
    elif standardised.offset is not None:
        np.subtract(X, standardised.offset, out=Xt)
    else:
        np.copyto(Xt, X)
    if standardised.scale is not None:
        np.divide(Xt, standardised.scale, out=Xt)
    return Xt


def _scaled_csr(X: Any, row_scale: Array | None) -> Any:
    """CSR (or CSC) rows with every stored value divided by its column's ``row_scale``."""
    out = X.copy()
    if row_scale is not None:
        if out.format == "csr":
            columns = out.indices
        else:  # CSC: the column of each stored value from indptr
            columns = np.repeat(np.arange(out.shape[1]), np.diff(out.indptr))
        out.data /= row_scale.astype(out.dtype)[columns]
    return out


def _matvec(X: Any, w: Array, out: Array) -> None:
    """``out = X w`` for dense or CSR rows."""
    if isinstance(X, np.ndarray):
        np.matmul(X, w, out=out)
    else:
        out[...] = X @ w


def _add_hessian(
    ws: Workspace,
    X: Any,
    h: Array,
    sw: Array | None,
    m: int,
    r: int,
    hess_map: tuple[Array | None, Array | None] | None,
) -> None:
    """Add ``[X 1]^T diag(s h) [X 1]`` over the block's first r rows (h: their d2l/dz2)."""
    assert ws.hess is not None
    if sw is not None:
        h *= sw[:r]
    ws.weight += float(m if sw is None else sw.sum())
    ws.hweight += float(r if sw is None else sw[:r].sum())
    k = ws.k
    if not isinstance(X, np.ndarray):
        _add_sparse_hessian(ws, X[:r] if r < m else X, h)
        return
    # sqrt(h) [X 1]: one symmetric rank-r update gives the whole (k+1)^2 block
    S = ws.block("sx", r, 1)
    np.sqrt(h, out=S[:, k])
    if hess_map is None:
        np.multiply(X[:r], S[:, k:], out=S[:, :k])
    else:
        offset, scale = hess_map
        Sx = S[:, :k]
        if offset is not None:
            np.subtract(X[:r], offset, out=Sx)
        else:
            np.copyto(Sx, X[:r])
        if scale is not None:
            np.divide(Sx, scale, out=Sx)
        np.multiply(Sx, S[:, k:], out=Sx)
    if ws.dtype == np.float64:
        dsyrk(1.0, S.T, beta=1.0, c=ws.hess, trans=0, lower=0, overwrite_c=1)
    else:
        ws.hess += ssyrk(1.0, S.T, trans=0, lower=0)


def _add_sparse_hessian(ws: Workspace, X: Any, h: Array) -> None:
    """The same sum for CSR rows: ``X^T H X`` by a sparse product, its upper triangle."""
    assert ws.hess is not None
    k = ws.k
    hx = X.multiply(h.astype(np.float64)[:, None]).tocsr()
    full = np.zeros((k + 1, k + 1))
    full[:k, :k] = (X.T @ hx).toarray()
    col = np.asarray(hx.sum(axis=0)).ravel()
    full[:k, k] = col
    full[k, k] = float(h.sum())
    ws.hess += np.triu(full)


def standardised_rows(block: Block, standardised: Standardised) -> Any:
    """The block's rows as :class:`Standardised` says, as a float64 copy (dense or CSR)."""
    if block.is_sparse:
        return _scaled_csr(block.X.astype(np.float64), standardised.row_scale)
    X = np.asarray(block.X, dtype=np.float64)
    if standardised.row_scale is not None:
        X = X / standardised.row_scale
    if standardised.offset is not None:
        X = X - standardised.offset
    if standardised.scale is not None:
        X = X / standardised.scale
    return X


def logits(block: Block, w: Array, b: Any, standardised: Standardised | None = None) -> Array:
    """``X_b w + b`` for a block's rows (dense or CSR), in float64 (K outputs: w of shape
    (K, d), logits of shape (m, K))."""
    if standardised is not None:
        X: Any = standardised_rows(block, standardised)
    else:
        X = block.X if block.X.dtype == np.float64 else block.X.astype(np.float64)
    if np.ndim(w) == 2:
        return _softmax_blocks.softmax_logits(X, np.asarray(w, dtype=np.float64), b)
    return np.asarray(X @ w, dtype=np.float64).ravel() + b


#: Rows squared at a time for the Hessian's diagonal (a small reused buffer, never a copy
#: of the block: a Dask chunk is one block, and freshly touched memory is slow here).
SQUARE_ROWS = 4096


def _squares_weighted(ws: Workspace, X: Any, sh: Array, sparse: bool) -> Array:
    """``sum_i sh_i x_ij^2`` per column."""
    if sparse:  # the squares on X's own pattern: one array of values, no copy of indices
        from ..data._arrays import csr_rows_view

        if X.format == "csr":
            values = np.square(X.data[X.indptr[0] : X.indptr[-1]])
            squared = csr_rows_view(X, 0, X.shape[0], values)
        else:  # a CSC block (a whole CSC matrix): its values squared in a copy
            squared = X.copy()
            np.square(squared.data, out=squared.data)
        return np.asarray(squared.T @ sh, dtype=np.float64).ravel()
    rows = min(SQUARE_ROWS, X.shape[0])
    buf = getattr(ws, "sq", None)
    if buf is None or buf.shape[0] < rows or buf.dtype != X.dtype:
        buf = ws.sq = np.empty((rows, X.shape[1]), X.dtype)
    out = np.zeros(X.shape[1])
    for lo in range(0, X.shape[0], rows):
        part = X[lo : lo + rows]
        k = part.shape[0]
        np.multiply(part, part, out=buf[:k])
        out += buf[:k].T @ sh[lo : lo + k]
    return out
