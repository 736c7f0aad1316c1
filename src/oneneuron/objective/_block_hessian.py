"""A block's Hessian sums, ``[X 1]^T diag(s h) [X 1]`` over its first r rows: one BLAS
``syrk`` of ``sqrt(h) [X 1]`` for dense rows (standardised on the way when asked), a sparse
product for CSR rows. Called by :func:`._blocks.accumulate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.blas import dsyrk, ssyrk

from .. import _kernels_small
from ._workspace import Workspace

__all__ = ["add_hessian"]

Array = NDArray[np.floating]


def add_hessian(
    ws: Workspace,
    X: Any,
    h: Array,
    sw: Array | None,
    m: int,
    r: int,
    hess_map: tuple[Array | None, Array | None] | None,
    compiled: bool = False,
) -> None:
    """Add ``[X 1]^T diag(s h) [X 1]`` over the block's first r rows (h: their d2l/dz2);
    ``compiled``: the rows of ``(X - offset) / scale`` built by
    :func:`oneneuron._kernels_small.scaled_rows` (the same arithmetic in one call)."""
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
    if compiled:  # one compiled call for NumPy's one to three (a broadcast is slow here)
        offset, inv_scale = (None, None) if hess_map is None else hess_map
        none = ws.no_weights
        _kernels_small.scaled_rows(  # type: ignore[misc]
            X[:r], none if offset is None else offset, none if inv_scale is None else inv_scale,
            S[:, k], S,
        )  # fmt: skip
    elif hess_map is None:
        np.multiply(X[:r], S[:, k:], out=S[:, :k])
    else:
        offset, inv_scale = hess_map
        Sx = S[:, :k]
        if offset is not None:
            np.subtract(X[:r], offset, out=Sx)
        else:
            np.copyto(Sx, X[:r])
        if inv_scale is not None:
            np.multiply(Sx, inv_scale, out=Sx)
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
