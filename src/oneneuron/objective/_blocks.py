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

The buffers and sums are :mod:`._workspace`'s, the block copies and logits
:mod:`._block_rows`'s, the Hessian's sums :mod:`._block_hessian`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels
from ..data import Block
from ..loss import loss_terms_into
from . import _softmax_blocks
from ._block_hessian import add_hessian
from ._block_rows import logits, standardised_block, standardised_rows
from ._workspace import BlockTerms, Standardised, Workspace

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
    #: whether compiled kernels may be used (a source with one of its own, such as a
    #: streamed table's column kernel, reads it: ``kernel`` is about the block kernel)
    accelerate: bool = False
    #: every row's logit at (w, b), from a caller that tracks them (in-memory sources:
    #: each block takes rows ``start .. start + m``); the rows are read for the gradient
    logits: Array | None = None

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
                accelerate=self.accelerate,
                logits=None
                if self.logits is None
                else self.logits[block.start : block.start + block.n_rows],
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
    accelerate: bool | None = None,
    logits: Array | None = None,
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
    hess_map : (offset, 1 / scale), optional
        Dense rows: build the Hessian of ``(X - offset) / scale`` directly (its
        operand is a block-sized copy anyway), so the caller gets it in standardised
        coordinates without cancellation.
    diagonal : bool
        Also add the raw sums ``sum s h x^2``, ``sum s h x`` and ``sum s h`` per column,
        from which the caller forms the Hessian's diagonal in its coordinates (a
        preconditioner); the NumPy/SciPy path computes them.
    accelerate : bool, optional
        With K outputs: whether the compiled per-row softmax kernel may run (the
        objective's choice; default: ``ONENEURON_ACCELERATOR`` and Numba decide).
    logits : ndarray of shape (m,), optional
        The block's logits ``X_b w + b``, known to the caller: not computed again (one
        output; the dense kernel then gives way to the NumPy path).
    """
    m = block.n_rows
    if m == 0:
        return
    r = m if hessian_rows is None else min(m, hessian_rows)
    X, sign, sw = block.X, block.sign, block.weight
    if ws.outputs > 1:
        if logits is not None:
            raise ValueError("given logits are for one output (binary) only")
        if standardised is not None:
            X = standardised_block(ws, X, m, standardised)
        _softmax_blocks.accumulate_rows(
            ws, X, sign, sw, w, b, hessian=hessian, r=r, hess_map=hess_map, diagonal=diagonal,
            kernel=None if accelerate is None else accelerate and _kernels.available(),
        )  # fmt: skip
        return
    e = ws.e[:m]
    # the dense kernel also sums the Hessian's diagonal; CSR rows take the SciPy path then
    use_kernel = kernel and (
        (X.format == "csr" and not diagonal) if block.is_sparse else logits is None
    )
    if use_kernel:  # CSC blocks (a whole CSC matrix at once) take the SciPy path
        zero = ws.dtype.type(0)
        args = (sign, ws.no_weights if sw is None else sw, w, ws.dtype.type(b), zero, z_threshold)
        if block.is_sparse:
            z_in = ws.no_weights if logits is None else logits.astype(ws.dtype, copy=False)
            part, grad_b, n_correct = _kernels.csr_pass(  # type: ignore[misc]
                X.data, X.indices, X.indptr, *args, ws.gsum, e, z_in
            )
        else:
            hxx, hx = (ws.hxx, ws.hx) if diagonal else (ws.no_sums, ws.no_sums)
            part, grad_b, n_correct, hsum = _kernels.block_pass(  # type: ignore[misc]
                X, *args, ws.gsum, e, hxx, hx
            )
            if diagonal and ws.diag is not None:
                ws.diag[0] += hxx
                ws.diag[1] += hx
                ws.diag[2] += hsum
        ws.grad_w += ws.gsum
        ws.grad_b += grad_b
        ws.n_correct += n_correct
        if hessian:  # d2l/dz2 = sigmoid(|t|) sigmoid(-|t|) = e / (1 + e)^2
            h, er = ws.h[:r], e[:r]
            np.add(er, 1.0, out=h)
            np.square(h, out=h)
            np.divide(er, h, out=h)
            add_hessian(ws, X, h, sw, m, r, hess_map, compiled=True)  # Numba is present here
        np.log1p(e, out=e)  # the rest of the loss: log1pexp(t) = max(t, 0) + log1p(e)
        ws.loss += part + float(e.sum() if sw is None else e @ sw)
        return
    if standardised is not None:
        X = standardised_block(ws, X, m, standardised)
    z, t, q, u = ws.z[:m], ws.t[:m], ws.q[:m], ws.u[:m]
    mask = ws.mask[:m]
    if logits is not None:
        z[...] = logits
    else:
        _matvec(X, w, z)
        if b:
            z += b
    hm = ws.h[:m] if hessian or diagonal else None
    loss_terms_into(sign, z, q, u, hm, (t, e, mask))  # q: losses, u: dl/dz
    if diagonal and hm is not None and ws.diag is not None:
        sh = hm if sw is None else hm * sw
        ws.diag[0] += _squares_weighted(ws, X, sh, block.is_sparse)
        ws.diag[1] += np.asarray(_transposed(X) @ sh, dtype=np.float64).ravel()
        ws.diag[2] += float(sh.sum())
    ws.loss += float(q.sum() if sw is None else q @ sw)
    if sw is not None:
        u *= sw
    if block.is_sparse:
        ws.grad_w += _transposed(X) @ u
    else:
        np.matmul(X.T, u, out=ws.gtmp)
        ws.grad_w += ws.gtmp
    ws.grad_b += float(u.sum())
    np.greater_equal(z, z_threshold, out=mask)
    np.equal(mask, block.is_positive(), out=mask)
    ws.n_correct += int(np.count_nonzero(mask))
    if hessian and hm is not None:
        add_hessian(ws, X, hm[:r], sw, m, r, hess_map)


def _matvec(X: Any, w: Array, out: Array) -> None:
    """``out = X w`` for dense or CSR rows."""
    if isinstance(X, np.ndarray):
        np.matmul(X, w, out=out)
    else:
        out[...] = X @ w


#: Rows squared at a time for the Hessian's diagonal (a small reused buffer, never a copy
#: of the block: a Dask chunk is one block, and freshly touched memory is slow here).
SQUARE_ROWS = 4096


def _transposed(X: Any) -> Any:
    """``X.T`` without a copy (a CSR block's ``.T`` would copy it: see
    :func:`~oneneuron.data._arrays.csr_transposed`)."""
    if isinstance(X, np.ndarray) or X.format != "csr":
        return X.T
    from ..data._arrays import csr_transposed

    return csr_transposed(X)


def _squares_weighted(ws: Workspace, X: Any, sh: Array, sparse: bool) -> Array:
    """``sum_i sh_i x_ij^2`` per column: shape (d,) for ``sh`` of shape (m,), (d, K) for
    K outputs' ``sh`` of shape (m, K)."""
    shape = (X.shape[1], *sh.shape[1:])
    if sparse:  # the squares on X's own pattern: one array of values, no copy of indices
        from ..data._arrays import csr_rows_view, csr_transposed

        if X.format == "csr":  # a few rows at a time (~64K values) in a reused buffer
            out = np.zeros(shape)
            nnz = int(X.indptr[-1] - X.indptr[0])
            step = max(1, min(SQUARE_ROWS, (16 * SQUARE_ROWS * X.shape[0]) // max(nnz, 1)))
            for lo in range(0, X.shape[0], step):
                hi = min(lo + step, X.shape[0])
                a, b = int(X.indptr[lo]), int(X.indptr[hi])
                buf = getattr(ws, "sqv", None)
                if buf is None or buf.shape[0] < b - a or buf.dtype != X.dtype:
                    buf = ws.sqv = np.empty(max(b - a, 1024), X.dtype)
                values = np.square(X.data[a:b], out=buf[: b - a])
                part = csr_rows_view(X, lo, hi, values)
                out += np.asarray(csr_transposed(part) @ sh[lo:hi]).reshape(shape)
            return out
        # a CSC block (a whole CSC matrix): its values squared in a copy
        squared = X.copy()
        np.square(squared.data, out=squared.data)
        return np.asarray(squared.T @ sh, dtype=np.float64).reshape(shape)
    rows = min(SQUARE_ROWS, X.shape[0])
    buf = getattr(ws, "sq", None)
    if buf is None or buf.shape[0] < rows or buf.dtype != X.dtype:
        buf = ws.sq = np.empty((rows, X.shape[1]), X.dtype)
    out = np.zeros(shape)
    for lo in range(0, X.shape[0], rows):
        part = X[lo : lo + rows]
        k = part.shape[0]
        np.multiply(part, part, out=buf[:k])
        out += buf[:k].T @ sh[lo : lo + k]
    return out
