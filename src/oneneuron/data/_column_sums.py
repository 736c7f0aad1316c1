"""A streamed pass summed on the decoded Arrow columns themselves, without a block copy.

A Parquet (or CSV) record batch holds each float64 column without nulls in one
contiguous buffer. The NumPy path copies the columns into a Fortran-ordered block and
runs two BLAS products over it (``z = X w``, then ``g = X^T r``); here a compiled kernel
reads the columns where pyarrow decoded them, in tiles of :data:`TILE` rows: the tile's
logits column by column (``z += w_j x_j``), each row's loss terms, then the tile's share
of every ``g_j = x_j . r`` while the tile is still in L2. It releases the GIL, so the
reader thread decodes the next batch meanwhile.

It sums what :func:`oneneuron.objective._blocks.accumulate` sums for one output without
a Hessian (the objective's evaluations and line-search points), with the formulas of
:func:`oneneuron.loss.loss_terms_into` for one sample (``t = s z``, ``e = exp(-|t|)``)::

    loss   = max(t, 0) + log1p(e)
    dl/dz  = s sigmoid(t),  sigmoid(t) = 1 / (1 + e) if t >= 0 else e / (1 + e)

Anything else (K classes, a Hessian, a block copy, float32, a column with nulls or of
another type) returns None: the caller then takes the block path, the reference. The
tests hold this kernel to that path within rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _kernels

__all__ = ["TILE", "column_addresses", "handles", "run"]

#: Rows per tile: 512 rows of 100 float64 columns are 400 KB, read twice from L2.
TILE = 512

try:  # pragma: no cover - depends on the environment
    import numba
    from numba.core import types
    from numba.extending import intrinsic
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]


def _pointer_typing(typingctx: Any, address: Any) -> Any:
    """Numba intrinsic: the float64 pointer at an integer address (an Arrow buffer's)."""
    pointer = types.CPointer(types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.inttoptr(args[0], context.get_value_type(pointer))

    return pointer(types.intp), codegen


_float64_at: Any = None if numba is None else intrinsic(_pointer_typing)


def _column_pass(
    addresses: Any, m: int, sign: Any, sw: Any, w: Any, b: float, z_threshold: float, grad: Any
) -> tuple[float, float, int]:
    """Sums over rows 0..m of the float64 columns at ``addresses``.

    Adds ``sum_i r_i x_ij`` to ``grad[j]`` with ``r_i = sw_i s_i sigmoid(s_i z_i)``;
    returns ``(sum_i sw_i log1pexp(t_i), sum_i r_i, n_correct)``. ``sw`` of length 0
    means unit weights.
    """
    d = addresses.shape[0]
    weighted = sw.shape[0] > 0
    loss = 0.0
    grad_b = 0.0
    n_correct = 0
    z = np.empty(TILE)
    r = np.empty(TILE)
    acc = np.zeros(d)  # local: cannot alias the columns
    for i0 in range(0, m, TILE):
        rows = min(TILE, m - i0)
        off = 8 * i0  # bytes into each column
        for q in range(rows):
            z[q] = b
        j = 0  # 1. the tile's logits, four columns at a time (z read and written once)
        while j + 4 <= d:
            x0, x1 = _float64_at(addresses[j] + off), _float64_at(addresses[j + 1] + off)
            x2, x3 = _float64_at(addresses[j + 2] + off), _float64_at(addresses[j + 3] + off)
            w0, w1, w2, w3 = w[j], w[j + 1], w[j + 2], w[j + 3]
            for q in range(rows):
                z[q] += w0 * x0[q] + w1 * x1[q] + w2 * x2[q] + w3 * x3[q]
            j += 4
        while j < d:
            x0 = _float64_at(addresses[j] + off)
            w0 = w[j]
            for q in range(rows):
                z[q] += w0 * x0[q]
            j += 1
        for q in range(rows):  # 2. each row's terms; r turns into s sigmoid(s z) (times sw)
            i = i0 + q
            s = sign[i]
            if (z[q] >= z_threshold) == (s < 0):
                n_correct += 1
            t = s * z[q]
            e = np.exp(-abs(t))
            p = 1.0 / (1.0 + e)  # sigmoid(|t|)
            li = np.log1p(e)
            if t >= 0:
                li += t
            else:
                p = e * p  # sigmoid(-|t|)
            ri = s * p
            if weighted:
                ri *= sw[i]
                li *= sw[i]
            loss += li
            grad_b += ri
            r[q] = ri
        j = 0  # 3. the tile's share of the gradient (the tile still in cache), r read
        while j + 4 <= d:  # once for four columns
            x0, x1 = _float64_at(addresses[j] + off), _float64_at(addresses[j + 1] + off)
            x2, x3 = _float64_at(addresses[j + 2] + off), _float64_at(addresses[j + 3] + off)
            g0 = g1 = g2 = g3 = 0.0
            for q in range(rows):
                rq = r[q]
                g0 += rq * x0[q]
                g1 += rq * x1[q]
                g2 += rq * x2[q]
                g3 += rq * x3[q]
            acc[j] += g0
            acc[j + 1] += g1
            acc[j + 2] += g2
            acc[j + 3] += g3
            j += 4
        while j < d:
            x0 = _float64_at(addresses[j] + off)
            g0 = 0.0
            for q in range(rows):
                g0 += r[q] * x0[q]
            acc[j] += g0
            j += 1
    for j in range(d):
        grad[j] += acc[j]
    return loss, grad_b, n_correct


_pass = _kernels._compile(_column_pass)


def handles(task: Any, dtype: np.dtype[Any]) -> bool:
    """Whether the kernel computes ``task``'s sums (else the block path does)."""
    return (
        _pass is not None
        and _kernels.wanted()
        and dtype == np.float64
        and task.outputs == 1
        and not task.hessian
        and not task.diagonal
        and task.standardised is None
        and np.dtype(task.dtype) == np.float64
    )


def column_addresses(batch: Any, names: list[str]) -> Any:
    """The data addresses of the named float64 columns without nulls, or None when one
    is of another type or holds nulls (the block path converts and checks it)."""
    import pyarrow as pa

    float64 = pa.float64()
    position = {name: j for j, name in enumerate(batch.schema.names)}
    addresses = np.empty(len(names), dtype=np.intp)
    for j, name in enumerate(names):
        column = batch.column(position[name])  # by position: 3x faster than by name
        if column.null_count or column.type != float64:
            return None
        addresses[j] = column.buffers()[1].address + 8 * column.offset
    return addresses


def run(
    addresses: Any, m: int, sign: Any, sw: Any, task: Any, grad: Any
) -> tuple[float, float, int]:
    """One batch's sums (see :func:`_column_pass`); ``grad`` is added to."""
    assert _pass is not None
    weights = _NO_WEIGHTS if sw is None else np.ascontiguousarray(sw, dtype=np.float64)
    result: tuple[float, float, int] = _pass(
        addresses, m, sign, weights, task.w, float(task.b), float(task.z_threshold), grad
    )
    return result


_NO_WEIGHTS = np.empty(0)
