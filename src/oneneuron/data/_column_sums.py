"""A streamed pass summed on the decoded Arrow columns themselves, without a block copy.

A Parquet (or CSV) record batch holds each float64 column without nulls in one
contiguous buffer. The NumPy path copies the columns into a Fortran-ordered block and
runs two BLAS products over it (``z = X w``, then ``g = X^T r``); here a compiled kernel
reads the columns where pyarrow decoded them, in tiles of :data:`TILE` rows: the tile's
logits four columns at a time (``z += w_j x_j``), each row's loss terms, then the tile's
share of every ``g_j = x_j . r`` while the tile is still in L2. It releases the GIL, so
the reader thread decodes the next batch meanwhile. The columns' addresses come from one
export of the batch through the Arrow C data interface (:class:`Columns`).

It sums what :func:`oneneuron.objective._blocks.accumulate` sums for one output without
a Hessian (the objective's evaluations: loss, gradient, accuracy), with the formulas of
:func:`oneneuron.loss.loss_terms_into` for one sample (``t = s z``, ``e = exp(-|t|)``)::

    loss   = max(t, 0) + log1p(e)
    dl/dz  = s sigmoid(t),  sigmoid(t) = 1 / (1 + e) if t >= 0 else e / (1 + e)

Anything else (K classes, a Hessian, a block copy, float32: :func:`handles`; a column
with nulls or of another type: :meth:`Columns.addresses` gives None) takes the block
path, the reference; the tests hold this kernel to it within rounding.
``ONENEURON_ACCELERATOR=numpy`` (or no Numba) turns it off.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .. import _kernels

__all__ = ["TILE", "Columns", "column_addresses", "copy_into", "handles", "run"]

#: Rows per tile: 512 rows of 100 float64 columns are 400 KB, read twice from L2.
TILE = 512

try:  # pragma: no cover - depends on the environment
    import numba
    from numba.core import types
    from numba.extending import intrinsic
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]


def _pointer(kind: Any) -> Any:
    """A Numba intrinsic: the pointer to ``kind`` values at an integer address."""

    def typing(typingctx: Any, address: Any) -> Any:
        pointer = types.CPointer(kind)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.inttoptr(args[0], context.get_value_type(pointer))

        return pointer(types.intp), codegen

    return intrinsic(typing)


_float64_at: Any = None if numba is None else _pointer(types.float64)  # a column's values
_int64_at: Any = None if numba is None else _pointer(types.int64)  # Arrow C structs' fields


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
        and bool(getattr(task, "accelerate", False))
        and dtype == np.float64
        and task.outputs == 1
        and not task.hessian
        and not task.diagonal
        and task.standardised is None
        and np.dtype(task.dtype) == np.float64
    )


class Columns:
    """The data addresses of the named float64 columns of record batches.

    A batch is exported once through the Arrow C data interface (``ArrowArray``: a
    struct whose children are the columns, each with its null count, offset and
    buffers), and a compiled loop reads each column's data address there: a pyarrow
    object per column and batch would cost more than the kernel's products.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = list(names)
        self._schema: Any = None
        self._positions: Any = None

    def _positions_in(self, batch: Any) -> Any:
        """The columns' positions in the batch, or None when one is not float64."""
        schema = batch.schema
        if self._schema is None or not schema.equals(self._schema):
            import pyarrow as pa

            index = {name: j for j, name in enumerate(schema.names)}
            positions = np.array([index[name] for name in self.names], dtype=np.intp)
            float64 = all(schema.field(int(j)).type == pa.float64() for j in positions)
            self._schema, self._positions = schema, positions if float64 else None
        return self._positions

    @contextmanager
    def addresses(self, batch: Any) -> Iterator[Any]:
        """The addresses (valid inside the ``with``), or None when a column is of another
        type or holds nulls (the block path converts and checks it)."""
        positions = self._positions_in(batch)
        if positions is None:
            yield None
            return
        exported = np.zeros(10, dtype=np.int64)  # struct ArrowArray: 10 words
        address = int(exported.ctypes.data)
        batch._export_to_c(address)
        try:
            out = np.empty(len(positions), dtype=np.intp)
            if _child_addresses(address, positions, out):
                yield out
            else:  # a null count the struct leaves unknown (-1), or nulls
                yield column_addresses(batch, self.names)
        finally:
            _RELEASE(int(exported[8]))(address)  # the export's release callback


_RELEASE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def _read_children(array: int, positions: Any, out: Any) -> bool:
    """``out[j]``: the address of child ``positions[j]``'s first value, from an exported
    ``ArrowArray`` (words: length, null_count, offset, n_buffers, n_children, buffers,
    children, ...); False when the struct is offset or a child may hold nulls."""
    struct = _int64_at(array)
    if struct[2] != 0:
        return False
    children = _int64_at(struct[6])
    for j in range(positions.shape[0]):
        child = _int64_at(children[positions[j]])
        if child[1] != 0 or child[3] != 2:  # nulls (or unknown: -1); not two buffers
            return False
        buffers = _int64_at(child[5])
        out[j] = buffers[1] + 8 * child[2]
    return True


_child_addresses: Any = _kernels._compile(_read_children, fastmath=False)


def column_addresses(batch: Any, names: list[str]) -> Any:
    """:meth:`Columns.addresses` through pyarrow's objects, a column at a time (counts
    nulls the exported struct leaves unknown)."""
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


def _copy_columns(addresses: Any, X: Any) -> None:
    """``X[:, j]`` = the float64 column at ``addresses[j]`` (X Fortran-ordered)."""
    m = X.shape[0]
    for j in range(addresses.shape[0]):
        x = _float64_at(addresses[j])
        for i in range(m):
            X[i, j] = x[i]


_copy: Any = _kernels._compile(_copy_columns, fastmath=False)


def copy_into(columns: Columns, batch: Any, X: Any) -> bool:
    """A batch's columns copied into the block X by a compiled loop (no pyarrow object
    and NumPy view per column); False, X untouched, where that does not apply (no Numba,
    float32, a column of another type or with nulls): the caller converts them."""
    if _copy is None or X.dtype != np.float64 or not _kernels.wanted():
        return False
    with columns.addresses(batch) as addresses:
        if addresses is None:
            return False
        _copy(addresses, X)
    return True
