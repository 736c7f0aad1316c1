"""The regularised logistic objective over a data source, and the block sums it is made of.

See :mod:`._objective` for J and its derivatives, :mod:`._blocks` for the one function
that computes a block's sums (dense or CSR rows, NumPy path or compiled kernel), and
:mod:`._parametrization` for standardisation as a change of parameters.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from ._blocks import BlockTerms, Workspace, accumulate
from ._objective import Evaluation, Objective
from ._parametrization import Standardization

__all__ = ["BlockTerms", "Evaluation", "Objective", "Standardization", "block_terms"]

Array = NDArray[np.floating]


def block_terms(
    X: Array,
    sign: Array,
    sw: Array | None,
    w: Array,
    b: float,
    *,
    z_threshold: float = 0.0,
    hessian: bool = False,
) -> BlockTerms:
    """Unnormalised sums of loss, gradient (and Hessian) terms over one block of rows.

    The function a Dask chunk or a file chunk maps to: sums over disjoint blocks add up
    to the sums over their union.

    Parameters
    ----------
    X : ndarray of shape (m, d), or scipy.sparse CSR matrix
        Raw features of the block.
    sign : ndarray of shape (m,)
        ``1 - 2y`` for labels y in {0, 1}.
    sw : ndarray of shape (m,) or None
        Sample weights s_i; None means all ones.
    w : ndarray of shape (d,), b : float
        Raw coefficients.
    z_threshold : float
        Logit at or above which a sample is predicted as class 1.
    hessian : bool
        Also return ``[X 1]^T diag(s h) [X 1]``.

    Returns
    -------
    BlockTerms
        Unnormalised sums: divide by S and add the penalty to get J.
    """
    dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
    X = X.astype(dtype, copy=False)
    m, k = X.shape
    ws = Workspace(m, k, dtype)
    ws.reset(hessian)
    block = Block(
        X,
        np.asarray(sign, dtype=dtype),
        None if sw is None else np.asarray(sw, dtype=dtype),
    )
    accumulate(
        ws, block, np.asarray(w, dtype=dtype), float(b), z_threshold=z_threshold, hessian=hessian
    )
    return ws.terms()
