"""Optional compiled kernel for K outputs: the per-row part of a block's softmax sums.

With K >= 3 classes a block's sums are ``Z = X W^T + b`` (m, K), then per row a
log-sum-exp, the loss, ``P - onehot(y)``, the argmax, then ``grad_W = R^T X`` and
``grad_b = sum_i R_i``. BLAS does the two products well; the NumPy path spends the rest
of its time in a dozen reductions over the K entries of each row (max, sum, argmax,
fancy indexing), each a separate pass with short inner loops. :func:`softmax_rows` does
the per-row work in place, in three passes over the block's Z while it is in cache (the
two products stay with BLAS).

The formulas are those of :func:`oneneuron.loss.softmax_terms_into`, written for one
row ``z`` (intercept added) of class ``y``::

    m      = max_k z_k               (the first maximum is the prediction, as np.argmax)
    loss   = log sum_k exp(z_k - m) - (z_y - m)
    dl/dz  = exp(z - m) / sum_k exp(z_k - m) - onehot(y)

Availability, ``ONENEURON_ACCELERATOR`` and compilation (lazy, cached on disk when a
directory can be written, in memory on a read-only installation) are those of
:mod:`oneneuron._kernels`. The NumPy path of :mod:`oneneuron.objective._softmax_blocks`
is the fallback and the reference the tests hold this kernel to, within rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._kernels import _compile, available, wanted

__all__ = ["available", "finish_rows", "shift_rows", "softmax_rows", "wanted"]


def _shift_rows(Z: Any, codes: Any, b: Any, zy: Any) -> int:
    """``Z[i] = z_i + b - max_k (z_i + b)_k`` in place and ``zy[i] = Z[i, y_i]``; returns
    the number of rows whose first maximum is their class (np.argmax's choice)."""
    m, K = Z.shape
    n_correct = 0
    for i in range(m):
        row = Z[i]
        top = row[0] + b[0]
        best = 0
        for k in range(1, K):
            v = row[k] + b[k]
            if v > top:  # strictly: the first maximum, as np.argmax
                top = v
                best = k
        y = codes[i]
        if best == y:
            n_correct += 1
        for k in range(K):
            row[k] = row[k] + b[k] - top
        zy[i] = row[y]
    return n_correct


def _finish_rows(Z: Any, codes: Any, sw: Any, zy: Any, grad_b: Any, h: Any) -> float:
    """From ``Z = exp(z - max)``: ``Z[i] = sw_i (softmax(z_i) - onehot(y_i))`` in place,
    ``grad_b += sum_i Z[i]`` (float64); returns ``sum_i sw_i loss_i``, with
    ``loss_i = log sum_k Z[i, k] - zy[i]``. ``sw`` of length 0 means unit weights. When
    ``h`` has rows, also ``h[i, k] = sw_i p_ik (1 - p_ik)`` (the Hessian's diagonal)."""
    m, K = Z.shape
    weighted = sw.shape[0] > 0
    diagonal = h.shape[0] > 0
    loss = 0.0
    acc = np.zeros(K)  # local: cannot alias Z, so the K-loop stays in registers
    for i in range(m):
        row = Z[i]
        total = 0.0
        for k in range(K):
            total += row[k]
        li = np.log(total) - zy[i]
        scale = 1.0 / total
        s = 1.0
        if weighted:
            s = float(sw[i])
            li *= s
            scale *= s
        loss += li
        if diagonal:
            for k in range(K):
                p = row[k] / total
                h[i, k] = s * p * (1.0 - p)
        for k in range(K):
            row[k] = row[k] * scale
        row[codes[i]] -= s
        for k in range(K):
            acc[k] += row[k]
    for k in range(K):
        grad_b[k] += acc[k]
    return loss


shift_rows = _compile(_shift_rows)
finish_rows = _compile(_finish_rows)


def softmax_rows(
    Z: Any, codes: Any, sw: Any, b: Any, zy: Any, grad_b: Any, h: Any
) -> tuple[float, int]:
    """Per-row softmax terms of the logits ``Z + b`` (m, K, C-ordered), in place.

    On return ``Z[i] = sw_i (softmax(z_i) - onehot(y_i))`` and ``grad_b += sum_i Z[i]``
    (float64); returns ``(sum_i sw_i loss_i, #{i: argmax_k z_ik == y_i})``. ``b`` (K,)
    has Z's dtype, ``zy`` (m,) is scratch space of Z's dtype, ``sw`` of length 0 means
    unit weights; ``h`` (m, K) receives ``sw_i p_ik (1 - p_ik)`` unless it has 0 rows.
    Three passes over the block while it is in cache: the compiled shift
    (max, argmax), NumPy's exp (vectorised, several times faster than a scalar exp per
    entry in the compiled loop), the compiled finish (log-sum-exp, loss, P - Y, grad_b).
    """
    n_correct = shift_rows(Z, codes, b, zy)  # type: ignore[misc]
    np.exp(Z, out=Z)
    loss = finish_rows(Z, codes, sw, zy, grad_b, h)  # type: ignore[misc]
    return float(loss), int(n_correct)
