"""A block's sums for K outputs (multinomial): the softmax loss beside the logistic one.

:func:`oneneuron.objective._blocks.accumulate` hands a block here when the workspace
has ``outputs = K >= 2`` rows of weights. The formulas are those of
:func:`oneneuron.loss.softmax_terms_into` (log-sum-exp, never overflowing); with
``Z = X W^T + b`` (m, K), ``R = s (P - Y)``::

    loss   = sum_i s_i l(y_i, z_i)
    grad_W = R^T X                    (K, d)
    grad_b = sum_i R_i                (K,)
    H      = sum_i s_i (diag(p_i) - p_i p_i^T) (x) [x_i 1][x_i 1]^T

The Hessian is laid out in theta's order (``[vec(W), b]``, W row by row): the block of
classes (k, l) is ``[X 1]^T diag(s p_k (delta_kl - p_l)) [X 1]``.

Two ways through the per-row part, one set of formulas: NumPy (the reference) and the
compiled kernel of :mod:`oneneuron._kernels_softmax` (max, log-sum-exp, loss, ``P - Y``,
argmax, grad_b and the Hessian's diagonal, in place over Z while it is in cache; the
full Hessian takes the NumPy path). BLAS computes ``X W^T`` and ``R^T X`` either way, into
(m, K) buffers kept in the workspace (no allocation per block for dense rows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels_softmax
from ..loss import softmax, softmax_terms_into

__all__ = ["accumulate_rows", "softmax_logits"]

Array = NDArray[np.floating]


def softmax_logits(X: Any, W: Array, b: Any) -> Array:
    """``X W^T + b`` for dense or CSR/CSC rows, shape (m, K), in X's dtype."""
    Z = np.asarray(X @ W.T)
    if not isinstance(X, np.ndarray):
        Z = np.array(Z, dtype=W.dtype)
    Z += np.asarray(b, dtype=Z.dtype)
    return Z


#: Multiply-adds under which OpenBLAS computes a product on one thread (its
#: ``GEMM_MULTITHREAD_THRESHOLD`` of 4 times 65536).
ONE_THREAD_GEMM = 4 * 65536
#: Objective.single_blas holds BLAS to one thread for sources of 1 MiB and more.
SMALL_BYTES = 2**20


def _one_thread_rows(X: Any, W: Array) -> int:
    """Rows per chunk for a dense block under :data:`SMALL_BYTES` whose products would
    take two BLAS threads (0: no chunks).

    A small source (digits: 1797 x 64, K = 10) runs its passes with BLAS's threads, and
    its products ``X W^T`` and ``R^T X`` are just big enough for OpenBLAS to split: on a
    busy machine the second thread waits for a core, and a product of a fraction of a
    millisecond takes milliseconds (digits' fit: 0.4-0.6 s against 0.12-0.18 s in chunks,
    measured at a load average of 3 on 2 cores). Chunks under the threshold stay on one
    thread, at a few microseconds per chunk.
    """
    if not isinstance(X, np.ndarray) or X.nbytes >= SMALL_BYTES:
        return 0
    step = max(1, ONE_THREAD_GEMM // max(1, W.shape[0] * W.shape[1]))
    return step if X.shape[0] > step else 0


def _buffer(ws: Any, name: str, m: int, K: int, dtype: np.dtype[Any]) -> Array:
    """An (m, K) buffer kept on the workspace, reallocated only when it is too small."""
    buf = getattr(ws, name, None)
    if buf is None or buf.shape[0] < m or buf.shape[1] != K or buf.dtype != dtype:
        buf = np.empty((max(m, ws.rows), K), dtype)
        setattr(ws, name, buf)
    return buf[:m]  # type: ignore[no-any-return]


def _block_logits(ws: Any, X: Any, W: Array, b: Any, *, add_b: bool = True) -> Array:
    """``X W^T (+ b)`` (m, K): dense rows straight into a workspace buffer."""
    dtype = np.result_type(X.dtype, W.dtype)
    if not isinstance(X, np.ndarray):
        Z = np.asarray(X @ W.T, dtype=dtype)
    else:
        Z = _buffer(ws, "softmax_z", X.shape[0], W.shape[0], dtype)
        np.matmul(X, W.T, out=Z)
    if add_b:
        Z += np.asarray(b, dtype=Z.dtype)
    return Z


def accumulate_rows(
    ws: Any,
    X: Any,
    codes: NDArray[np.integer],
    sw: Array | None,
    W: Array,
    b: Any,
    *,
    hessian: bool,
    r: int,
    hess_map: tuple[Array | None, Array | None] | None,
    diagonal: bool = False,
    kernel: bool | None = None,
) -> None:
    """Add the K-output sums of rows X (labels ``codes`` in 0..K-1) into ``ws``.

    ``kernel``: use the compiled per-row kernel (default: :func:`_kernels_softmax.wanted`);
    the full Hessian always takes the NumPy path.
    """
    if kernel is None:
        kernel = _kernels_softmax.wanted()
    step = _one_thread_rows(X, W) if not hessian else 0
    if step:  # a small problem: products small enough for one BLAS thread
        for lo in range(0, X.shape[0], step):
            part = slice(lo, lo + step)
            accumulate_rows(
                ws, X[part], codes[part], None if sw is None else sw[part], W, b,
                hessian=False, r=0, hess_map=None, diagonal=diagonal, kernel=kernel,
            )  # fmt: skip
        return
    if kernel and not hessian:
        _kernel_rows(ws, X, codes, sw, W, b, diagonal)
        return
    m = X.shape[0]
    Z = _block_logits(ws, X, W, b)
    value, rowmax = ws.z[:m], ws.t[:m]
    P = _buffer(ws, "softmax_p", m, Z.shape[1], Z.dtype)  # dl/dz = P - onehot(y)
    softmax_terms_into(codes, Z, value, P, rowmax)
    ws.n_correct += int(np.count_nonzero(np.argmax(Z, axis=1) == codes))
    ws.loss += float(value.sum() if sw is None else value @ sw)
    if hessian or diagonal:
        prob = P.astype(np.float64)
        prob[np.arange(m), codes] += 1.0
        if diagonal:  # the Hessian's diagonal: s p_k (1 - p_k) per class, raw sums
            alike = _rows_alike(W, b)
            h = None
            if alike is None:  # rows of their own: s p (1 - p) per row
                h = np.square(prob)
                np.subtract(prob, h, out=h)
                if sw is not None:
                    h *= sw[:, None]
            _add_diagonal(ws, X, h, sw, alike)
        if hessian:
            _add_hessian(ws, X, prob[:r], sw, m, r, hess_map)
    if sw is not None:
        P *= sw[:, None]
    _add_gradient(ws, X, P)
    ws.grad_b += P.sum(axis=0, dtype=np.float64)


def _kernel_rows(
    ws: Any,
    X: Any,
    codes: NDArray[np.integer],
    sw: Array | None,
    W: Array,
    b: Any,
    diagonal: bool,
) -> None:
    """Loss, gradient, accuracy (and the diagonal's sums) of the rows through the
    compiled per-row kernel."""
    Z = _block_logits(ws, X, W, b, add_b=False)
    m, K = Z.shape
    bk = np.ascontiguousarray(np.broadcast_to(np.asarray(b, dtype=Z.dtype), (K,)))
    weights = ws.no_weights if sw is None else sw
    zy = ws.t[:m]
    if zy.dtype != Z.dtype:  # not for blocks from a source: X, W and ws share a dtype
        zy = np.empty(m, Z.dtype)
    alike = _rows_alike(W, b) if diagonal else None
    rows_h = diagonal and alike is None  # the kernel writes s p (1 - p) per row only then
    h = _buffer(ws, "softmax_p", m, K, Z.dtype) if rows_h else np.empty((0, K), Z.dtype)
    grad_b = np.zeros(K)
    loss, n_correct = _kernels_softmax.softmax_rows(Z, codes, weights, bk, zy, grad_b, h)
    ws.loss += loss
    ws.n_correct += n_correct
    ws.grad_b += grad_b
    _add_gradient(ws, X, Z)  # Z now holds s (P - onehot(y))
    if diagonal:
        _add_diagonal(ws, X, h if rows_h else None, sw, alike)


def _rows_alike(W: Array, b: Any) -> Array | None:
    """``p (1 - p)`` of every row when all rows have the same probabilities (W = 0, as at
    the usual start: then p = softmax(b) whatever x is), else None."""
    if np.any(W):
        return None
    bk = np.broadcast_to(np.asarray(b, dtype=np.float64), (W.shape[0],))
    p = softmax(bk[None, :])[0]
    return p * (1.0 - p)  # type: ignore[no-any-return]


def _add_diagonal(
    ws: Any, X: Any, h: Array | None, sw: Array | None = None, alike: Array | None = None
) -> None:
    """The raw sums of the Hessian's diagonal from ``h = s p (1 - p)`` (m, K): per class
    ``sum_i h_ik x_ij^2``, ``sum_i h_ik x_ij`` and ``sum_i h_ik``.

    ``alike``: the rows' common ``p (1 - p)`` (see :func:`_rows_alike`), when h_ik =
    s_i alike_k: then the sums are those of the weights s alone times ``alike``, two
    products with a vector instead of two with the K columns of h (which is then not
    formed: None).
    """
    from ._blocks import _squares_weighted, _transposed  # (imports this module)

    if alike is not None:
        s = np.ones(X.shape[0]) if sw is None else np.asarray(sw, dtype=np.float64)
        if isinstance(X, np.ndarray):
            s = s.astype(X.dtype, copy=False)
        sparse = not isinstance(X, np.ndarray)
        ws.diag[2] += alike * float(np.sum(s, dtype=np.float64))
        ws.diag[0] += np.outer(alike, _squares_weighted(ws, X, s, sparse))
        ws.diag[1] += np.outer(alike, np.asarray(_transposed(X) @ s, dtype=np.float64).ravel())
        return
    assert h is not None
    ws.diag[2] += h.sum(axis=0, dtype=np.float64)
    if isinstance(X, np.ndarray):
        h = h.astype(X.dtype, copy=False)  # one dtype for BLAS (a preconditioner)
    # the squares a few rows at a time in a reused buffer, as for one output
    ws.diag[0] += _squares_weighted(ws, X, h, not isinstance(X, np.ndarray)).T
    ws.diag[1] += np.asarray(_transposed(X) @ h, dtype=np.float64).T


def _add_gradient(ws: Any, X: Any, R: Array) -> None:
    """``grad_W += R^T X`` (K, d)."""
    if isinstance(X, np.ndarray):  # R^T X: (K, d) directly, BLAS's fast layout here
        ws.grad_w += R.T @ X
    else:  # a CSR block's transpose without a copy of the block
        from ._blocks import _transposed

        ws.grad_w += np.asarray(_transposed(X) @ R, dtype=np.float64).T


def _add_hessian(
    ws: Any,
    X: Any,
    prob: Array,
    sw: Array | None,
    m: int,
    r: int,
    hess_map: tuple[Array | None, Array | None] | None,
) -> None:
    """Add the (K d + K) square Hessian of the block's first r rows (``prob``: their
    probabilities), in theta's order."""
    ws.weight += float(m if sw is None else sw.sum())
    ws.hweight += float(r if sw is None else sw[:r].sum())
    s = np.ones(r) if sw is None else sw[:r].astype(np.float64)
    sparse = not isinstance(X, np.ndarray)
    if sparse:
        D: Any = X[:r].astype(np.float64)
    else:
        D = np.array(X[:r], dtype=np.float64)
        if hess_map is not None:  # standardised rows: the Hessian in theta's coordinates
            offset, inv_scale = hess_map
            if offset is not None:
                D -= offset
            if inv_scale is not None:
                D *= inv_scale
    K, d = prob.shape[1], ws.k
    H = ws.hess
    kd = K * d
    for k in range(K):
        for j in range(k, K):
            c = s * prob[:, k] * ((1.0 if k == j else 0.0) - prob[:, j])
            if sparse:
                ww = np.asarray((D.T @ D.multiply(c[:, None]).tocsr()).todense())
                wb = np.asarray(D.T @ c).ravel()
            else:
                ww = D.T @ (D * c[:, None])
                wb = D.T @ c
            rk, rj = slice(k * d, (k + 1) * d), slice(j * d, (j + 1) * d)
            H[rk, rj] += ww
            H[rk, kd + j] += wb
            H[kd + k, kd + j] += c.sum()
            if j != k:
                H[rj, rk] += ww.T
                H[rj, kd + k] += wb
                H[kd + j, kd + k] += c.sum()
    # the intercept rows mirror the intercept columns
    H[kd:, :kd] = H[:kd, kd:].T
