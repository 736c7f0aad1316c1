"""Data sources: what the solvers see of data (see :mod:`oneneuron.data._base`).

``make_source(X, y01, sample_weight)`` wraps arrays in memory: a dense float ndarray
(:class:`ArraySource`) or a scipy.sparse matrix (:class:`SparseSource`; CSR and CSC are
read as they are, other sparse formats are converted to CSR once). Files larger than
memory: :func:`scan_parquet` and :func:`scan_csv` (:class:`TableSource`, read in blocks
once per pass). Dask collections passed to ``fit`` become a ``DaskSource``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..loss import label_sign
from ._arrays import ArraySource, SparseSource, as_sparse
from ._base import BLOCK_BYTES, Block, Source
from ._dask import is_dask
from ._tables import TableSource, scan_csv, scan_parquet

__all__ = [
    "BLOCK_BYTES",
    "ArraySource",
    "Block",
    "Source",
    "SparseSource",
    "TableSource",
    "is_dask",
    "make_source",
    "scan_csv",
    "scan_parquet",
]


def make_source(
    X: Any,
    y01: NDArray[Any],
    sample_weight: NDArray[np.floating] | None = None,
    *,
    block_rows: int | None = None,
    n_classes: int = 2,
) -> Source:
    """A source over X (dense or sparse, in memory) with labels y in {0, 1} (or class
    codes 0..K-1 with ``n_classes = K >= 3``: the multinomial objective's labels).

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n, d)
        float64 or float32 (other dtypes are converted to float64).
    y01 : ndarray of shape (n,)
    sample_weight : ndarray of shape (n,), optional
    block_rows : int, optional
        Rows per block (default: about 4 MB of X).
    n_classes : int
    """
    if isinstance(X, Source):
        return X
    if n_classes > 2:
        return _multiclass_source(X, y01, sample_weight, block_rows, n_classes)
    if sp.issparse(X):
        X = as_sparse(X)
        if X.dtype not in (np.float64, np.float32):
            X = X.astype(np.float64)
        dtype = X.dtype.type
        return SparseSource(X, label_sign(y01, dtype=dtype), sample_weight, block_rows)
    X = np.asarray(X)
    if X.dtype not in (np.float64, np.float32):
        X = X.astype(np.float64)
    return ArraySource(X, label_sign(y01, dtype=X.dtype.type), sample_weight, block_rows)


def _multiclass_source(
    X: Any, codes: NDArray[Any], sample_weight: Any, block_rows: int | None, n_classes: int
) -> Source:
    """A source whose blocks carry class codes (intp) in place of label signs."""
    codes = np.asarray(codes)
    if codes.size and (codes.min() < 0 or codes.max() >= n_classes or np.any(codes % 1)):
        raise ValueError(f"class codes must be integers in 0..{n_classes - 1}")
    codes = codes.astype(np.intp)
    if sp.issparse(X):
        X = as_sparse(X)
        if X.dtype not in (np.float64, np.float32):
            X = X.astype(np.float64)
        return SparseSource(X, codes, sample_weight, block_rows, n_classes=n_classes)
    X = np.asarray(X)
    if X.dtype not in (np.float64, np.float32):
        X = X.astype(np.float64)
    return ArraySource(X, codes, sample_weight, block_rows, n_classes=n_classes)
