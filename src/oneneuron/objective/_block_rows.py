"""A block's rows as a pass reads them: the block-sized copy that :class:`Standardised`
describes (in a workspace, or a float64 copy), and the logits ``X_b w + b``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from . import _softmax_blocks
from ._workspace import Standardised, Workspace

__all__ = ["logits", "standardised_block", "standardised_rows"]

Array = NDArray[np.floating]


def standardised_block(ws: Workspace, X: Any, m: int, standardised: Standardised) -> Any:
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
