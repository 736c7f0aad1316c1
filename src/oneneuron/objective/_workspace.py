"""A block pass's buffers and sums: :class:`Workspace` (per-row buffers and one thread's
running sums, reused across passes), :class:`BlockTerms` (the sums, which add up over
disjoint rows) and :class:`Standardised` (what a block-sized copy of the rows does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BlockTerms", "Standardised", "Workspace"]

Array = NDArray[np.floating]


@dataclass
class BlockTerms:
    """Unnormalised sums over some rows (see :func:`accumulate`).

    ``hess`` is ``[X 1]^T diag(s h) [X 1]`` of shape (d + 1, d + 1), in the coordinates
    the Hessian was asked for (see ``hess_map`` of :func:`accumulate`). With K outputs,
    ``grad_w`` is (K, d), ``grad_b`` (K,) and ``hess`` (K d + K) square in theta's order.
    """

    loss: float
    grad_w: Array
    grad_b: Any
    n_correct: int
    hess: Array | None = None
    #: ``(sum s h x^2, sum s h x, sum s h)`` per column: the Hessian's diagonal, on demand
    diag: tuple[Array, Array, float] | None = None

    def __add__(self, other: BlockTerms) -> BlockTerms:
        """Sums over two disjoint sets of rows add up (the reduction of a pass)."""
        hess = None if self.hess is None or other.hess is None else self.hess + other.hess
        diag = None
        if self.diag is not None and other.diag is not None:
            diag = (
                self.diag[0] + other.diag[0],
                self.diag[1] + other.diag[1],
                self.diag[2] + other.diag[2],
            )
        return BlockTerms(
            self.loss + other.loss,
            self.grad_w + other.grad_w,
            self.grad_b + other.grad_b,
            self.n_correct + other.n_correct,
            hess,
            diag,
        )


@dataclass
class Standardised:
    """A block-sized copy ``(X / row_scale - offset) / scale`` of the rows.

    ``row_scale`` holds powers of two (the division is exact); ``offset`` and ``scale``
    are in the units of ``X / row_scale`` and apply to dense rows only (a CSR copy is
    only divided by ``row_scale``: subtracting an offset would densify it).
    """

    offset: Array | None
    scale: Array | None
    row_scale: Array | None = None


class Workspace:
    """Buffers for one block and the running sums of one thread, reused across passes."""

    def __init__(self, rows: int, k: int, dtype: np.dtype[Any], outputs: int = 1) -> None:
        self.k, self.dtype, self.outputs = k, dtype, outputs
        self.gtmp = np.empty(k, dtype)
        self.gsum = np.empty(k)  # the kernels' gradient, summed in float64
        self.hxx, self.hx = np.empty(k), np.empty(k)  # the dense kernel's diagonal sums
        self.no_sums = np.empty(0)  # ... when none are asked for
        self.no_weights = np.empty(0, dtype)
        self.grow(rows)
        self.reset(False)

    def grow(self, rows: int) -> None:
        """Per-row buffers for blocks of up to ``rows`` rows (the running sums are kept)."""
        self.rows = rows
        dtype = self.dtype
        self.z, self.t, self.e, self.q, self.u, self.h = (np.empty(rows, dtype) for _ in range(6))
        self.mask = np.empty(rows, bool)
        self.xt: Array | None = None  # a standardised block
        self.sx: Array | None = None  # sqrt(h) X_b, for the Hessian
        self.sq: Array | None = None  # squared rows, for the Hessian's diagonal
        self.sqv: Array | None = None  # squared CSR values, likewise

    def reset(self, hessian: bool, diagonal: bool = False) -> None:
        """Zero the running sums (and start a Hessian, or its diagonal, when asked)."""
        self.loss = 0.0
        self.grad_b: Any = 0.0
        self.n_correct = 0
        self.grad_w = np.zeros(self.k)
        self.hess: Array | None = None
        self.hweight = 0.0  # weight of the rows in the Hessian (all rows by default)
        self.weight = 0.0
        K = self.outputs
        if K > 1:  # K outputs: the whole Hessian, in theta's order
            self.grad_w, self.grad_b = np.zeros((K, self.k)), np.zeros(K)
            if hessian:
                self.hess = np.zeros((K * (self.k + 1), K * (self.k + 1)))
        elif hessian:
            # [X 1]^T diag(h) [X 1]: upper triangle only, in Fortran order (syrk's layout)
            self.hess = np.zeros((self.k + 1, self.k + 1), order="F")
        self.diag: list[Any] | None = (
            [np.zeros(self.k), np.zeros(self.k), 0.0] if diagonal else None
        )
        if diagonal and K > 1:  # per class: (K, d), (K, d), (K,)
            self.diag = [np.zeros((K, self.k)), np.zeros((K, self.k)), np.zeros(K)]

    def block(self, name: str, m: int, extra: int = 0) -> Array:
        buf = getattr(self, name)
        if buf is None:
            buf = np.empty((self.rows, self.k + extra), self.dtype)
            setattr(self, name, buf)
        return buf[:m]  # type: ignore[no-any-return]

    def terms(self) -> BlockTerms:
        """The sums so far; the Hessian completed from its upper triangle and rescaled
        when only a subsample of the rows entered it."""
        hess = None
        if self.hess is not None:
            if self.outputs > 1:  # formed whole
                hess = self.hess.copy()
            else:
                hess = np.add(self.hess, self.hess.T, order="C")
                hess.reshape(-1)[:: self.k + 2] = np.diagonal(self.hess)  # added twice above
            if 0.0 < self.hweight < self.weight:
                hess *= self.weight / self.hweight
        diag = None if self.diag is None else (self.diag[0], self.diag[1], self.diag[2])
        return BlockTerms(self.loss, self.grad_w, self.grad_b, self.n_correct, hess, diag)
