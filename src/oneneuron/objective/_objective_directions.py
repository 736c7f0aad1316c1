"""What the objective computes along directions and on parts of theta: the exact line
minimum, curvature estimates, Hessian-vector products (exact, or from a sample of rows),
the Hessian of a working set and per-row curvature weights.

:class:`Directions` is the part of :class:`~._objective.Objective` that hands each of these
to :mod:`._directions` (one output) or :mod:`._softmax_directions` (K outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from . import _directions, _sampled_hessian, _softmax_directions

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["Directions"]

Array = NDArray[np.floating]


class Directions:
    """Line minima, curvatures and Hessian products of :class:`~._objective.Objective`, for
    one output or K."""

    # The methods take self as the Objective they are part of (the functions they call
    # take one); mypy's check that a mixin's self type is a supertype of the mixin is
    # silenced on each.
    n_outputs: int

    def line_minimum(  # type: ignore[misc]
        self: Objective, theta: Array, p: Array, step: float = 1.0, max_iter: int = 8
    ) -> float:
        """The step t > 0 minimising ``J(theta + t p)`` (see :mod:`._directions`)."""
        if self.n_outputs > 1:
            return _softmax_directions.line_minimum(self, theta, p, step, max_iter)
        return _directions.line_minimum(self, theta, p, step, max_iter)

    def curvature(self: Objective, theta: Array, v: Array, max_rows: int = 4096) -> float:  # type: ignore[misc]
        """An estimate of ``v^T H(theta) v`` from at most ``max_rows`` rows."""
        if self.n_outputs > 1:
            return _softmax_directions.curvature(self, theta, v, max_rows)
        return _directions.curvature(self, theta, v, max_rows)

    def hessian_product(self: Objective, theta: Array) -> Callable[[Array], Array]:  # type: ignore[misc]
        """A function ``v -> H(theta) v``; each call is one pass over the source."""
        if self.n_outputs > 1:
            return _softmax_directions.hessian_product(self, theta)
        return _directions.hessian_product(self, theta)

    def sampled_hessian(self: Objective, block: Block) -> _sampled_hessian.SampledHessian:  # type: ignore[misc]
        """The Hessian estimated from ``block``'s rows, a sample of the source, readied
        once: ``.at(theta)`` gives ``(v -> H v, diag(H))`` without a pass (see
        :mod:`._sampled_hessian`)."""
        return _sampled_hessian.SampledHessian(self, block)

    def hessian_block(  # type: ignore[misc]
        self: Objective, theta: Array, cols: NDArray[np.intp], fraction: float = 1.0
    ) -> Array:
        """The Hessian restricted to the weights ``cols`` and the intercept; one pass
        (see :func:`._directions.hessian_block`)."""
        self._one_output("hessian_block")
        return _directions.hessian_block(self, theta, cols, fraction)

    def curvature_weights(self: Objective, theta: Array) -> Array:  # type: ignore[misc]
        """``s_i d2l/dz2 / sum_i s_i`` per row, shape (n,) (see
        :func:`._directions.curvature_weights`)."""
        self._one_output("curvature_weights")
        return _directions.curvature_weights(self, theta)

    def _one_output(self, what: str) -> None:
        if self.n_outputs > 1:
            raise ValueError(
                f"{what} is defined for the binary (one-output) objective only; this one "
                f"has {self.n_outputs} classes"
            )
