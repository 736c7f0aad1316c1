"""How a pass over the source is taken: the block copy (standardised or rescaled rows),
a workspace per thread, the partitions read at once and their sums added in a fixed order.

:class:`Passes` is the part of :class:`~._objective.Objective` that turns a theta into
block sums (:class:`._blocks.BlockTerms`); the objective normalises them.
"""

from __future__ import annotations

import functools
import operator
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..data import Block, Source
from ._blocks import BlockTask, BlockTerms, Standardised, Workspace
from ._parallel import one_blas_thread, pool
from ._parametrization import Standardization

__all__ = ["Passes", "coordinates"]

Array = NDArray[np.floating]


class Passes:
    """Block sums of the logistic (or softmax) loss at theta over the whole source or one
    block, for :class:`~._objective.Objective`, which sets these attributes."""

    source: Source
    n_samples: int
    n_features: int
    n_outputs: int
    n_threads: int
    param: Standardization
    z_threshold: float
    _dtype: np.dtype[Any]
    _dtype_str: str
    _kernel: Any
    _accelerate: bool
    _standardised: Standardised | None
    _workspaces: list[Workspace]
    _lock: threading.Lock

    def single_blas(self) -> AbstractContextManager[Any]:
        """BLAS limited to one thread for a large source (a no-op for a small one).

        Block-sized BLAS calls gain nothing from BLAS threads, and an OpenBLAS thread
        left spinning after a small multi-threaded call elsewhere (a Cholesky solve) would
        steal a core from the next pass. Solvers run their whole loop under it.
        """
        return one_blas_thread() if self.source.nbytes >= 2**20 else nullcontext()

    # ------------------------------------------------------------ block sums
    def _raw(self, theta: Array) -> tuple[Array, Any]:
        """Coefficients the rows (or their block copy) are multiplied by, in their dtype."""
        w, b = self.param.raw(theta)
        return np.ascontiguousarray(w, dtype=self._dtype), b

    def _workspace(self, i: int, rows: int) -> Workspace:
        while len(self._workspaces) <= i:
            self._workspaces.append(Workspace(0, self.n_features, self._dtype, self.n_outputs))
        ws = self._workspaces[i]
        if ws.rows < rows:
            ws = self._workspaces[i] = Workspace(rows, self.n_features, self._dtype, self.n_outputs)
        return ws

    def _task(
        self,
        theta: Array,
        hessian: bool,
        hessian_rows: int | None = None,
        diagonal: bool = False,
        logits: Array | None = None,
    ) -> BlockTask:
        """The block sums to take at theta (see :class:`._blocks.BlockTask`)."""
        w, b = self._raw(theta)
        hess_map = None
        if hessian and not self.source.sparse and not self.param.identity:
            hess_map = (self.param.offset, self.param.inv_scale)
        return BlockTask(
            w,
            b,
            self.z_threshold,
            self.n_features,
            self._dtype_str,
            hessian=hessian,
            hessian_rows=hessian_rows,
            kernel=self._kernel is not None,
            accelerate=self._accelerate,
            standardised=self._standardised,
            hess_map=hess_map,
            diagonal=diagonal,
            outputs=self.n_outputs,
            logits=logits,
        )

    def _sum(
        self,
        theta: Array,
        hessian: bool,
        fraction: float = 1.0,
        diagonal: bool = False,
        logits: Array | None = None,
    ) -> BlockTerms:
        """Block sums over the whole source: where the source computes them (a cluster),
        else here, one thread per partition, added in a fixed order."""
        rows_per = min(self.source.block_rows(), max(self.n_samples, 1))
        task = self._task(theta, hessian, self._hessian_rows(fraction), diagonal, logits)
        remote = self.source.reduce(task)
        if remote is not None:
            return remote
        with self._lock:
            parts = self.source.partitions(self.n_threads)
            if len(parts) == 1:
                with self.single_blas():
                    return task.run(parts[0](), self._workspace(0, rows_per))
            spaces = [self._workspace(i, rows_per) for i in range(len(parts))]
            errors = np.geterr()  # the workers keep the caller's floating-point error state
            with one_blas_thread():
                futures = [
                    pool(len(parts)).submit(_with_errstate, errors, task.run, part(), ws)
                    for ws, part in zip(spaces, parts, strict=True)
                ]
                terms = [f.result() for f in futures]
            return functools.reduce(operator.add, terms)

    def _hessian_rows(self, fraction: float) -> int | None:
        """Rows of each block that enter the Hessian for a ``fraction`` below 1 (None:
        all): a subsample only when the source has more than one block."""
        rows_per = min(self.source.block_rows(), max(self.n_samples, 1))
        if fraction < 1.0 and rows_per < self.n_samples:
            return max(1, int(np.ceil(rows_per * fraction)))
        return None

    def _sum_block(self, theta: Array, block: Block) -> BlockTerms:
        """Block sums over one block (a mini-batch), in the first workspace."""
        task = self._task(theta, False)
        with self._lock:
            return task.run([block], self._workspace(0, block.n_rows))


def coordinates(
    offset: Array | None,
    scale: Array | None,
    row_scale: Array | None,
    copy: bool,
    sparse: bool,
    fit_intercept: bool,
    d: int,
) -> tuple[Standardised | None, Standardization]:
    """What a block copy does, and the change of parameters left for the objective.

    Without a copy the parametrisation does everything. A dense copy does everything
    (``(X / row_scale - offset) / scale``; theta then multiplies the copied rows
    directly); a CSR copy only divides by ``row_scale``, and the offset and scale, in
    those units, stay in the parametrisation.
    """
    if not copy:
        return None, Standardization(offset, scale, fit_intercept, d)
    rs = None if row_scale is None else np.asarray(row_scale, dtype=np.float64)
    off = None if offset is None else np.asarray(offset, dtype=np.float64)
    sc = None if scale is None else np.asarray(scale, dtype=np.float64)
    if rs is not None:
        off = None if off is None else off / rs
        sc = None if sc is None or np.all(sc == rs) else sc / rs
    if sparse:
        return Standardised(None, None, rs), Standardization(off, sc, fit_intercept, d)
    return Standardised(off, sc, rs), Standardization(None, None, fit_intercept, d)


def _with_errstate(errors: Any, function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` under the floating-point error state ``errors`` (in a worker
    thread, whose own state would otherwise be NumPy's default)."""
    with np.errstate(**errors):  # type: ignore[arg-type]
        return function(*args)
