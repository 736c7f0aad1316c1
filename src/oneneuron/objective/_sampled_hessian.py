"""The Hessian of J estimated from a sample of rows: its product with any vector and its
diagonal, for one output or K, without forming it.

Newton-CG (:mod:`oneneuron.solvers.newton_cg`) solves ``H p = -g`` by conjugate gradients,
which only needs ``v -> H v``. On a tall source the rows' curvature is nearly the same
in any large enough sample, so the products come from a fixed sample of rows held in
memory (:meth:`~oneneuron.data.Source.strided`, every k-th row), rescaled to the whole
source's weight: each costs two products with the sample, not a pass. J and its gradient
stay exact (the solver's line search reads the source), so the iterates still converge to
the exact optimum. With every row in the sample this is the exact Hessian.

One output, with ``h_i = s_i d2l/dz2`` at theta on the sample's rows, raw direction
``(w_v, b_v) = A v`` and ``u = X w_v + b_v``::

    H v = A^T [X 1]^T (h * u) W / (W_S W) + P'' v        (W_S: the sample's weight)

K outputs: ``U = X W_v^T + b_v`` (m, K) and the rows' softmax probabilities P, the same
with ``h * u`` replaced by ``P * (U - sum_k P U)``, plus the centring term.

:class:`SampledHessian` readies the sample once (its rows in float64, standardised in a
copy where the objective's blocks are, and squared for the diagonal); :meth:`~SampledHessian.at`
then costs one product with the sample for the curvature at theta.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from ..loss import loss_gradient_hessian, softmax
from ._block_rows import logits
from ._blocks import _transposed, standardised_rows
from ._evaluation import _diagonal
from ._softmax_directions import centring, hessian_rows

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["SampledHessian"]

Array = NDArray[np.floating]


class SampledHessian:
    """J's Hessian estimated from ``block``'s rows (a sample of the source, such as
    :meth:`~oneneuron.data.Source.strided`), in theta's coordinates, the penalty's Hessian
    included; :meth:`at` gives its product and diagonal at a theta."""

    def __init__(self, obj: Objective, block: Block) -> None:
        self.obj = obj
        X: Any = block.X
        if obj._standardised is not None:
            X = standardised_rows(block, obj._standardised)
        elif X.dtype != np.float64:
            X = X.astype(np.float64)
        # the rows as the objective's logits read them, once for the whole fit
        self.rows = Block(X, block.sign, block.weight, block.start)
        self.XT = _transposed(X)
        self.squares_T = _transposed(X.multiply(X) if not isinstance(X, np.ndarray) else X * X)
        sw = block.weight
        sample_weight = float(block.n_rows if sw is None else np.sum(sw, dtype=np.float64))
        # per-row factors: the sample's sums stand for the whole source's
        self.scale = np.full(block.n_rows, obj.weight_sum / max(sample_weight, 1e-300))
        if sw is not None:
            self.scale *= sw

    def _logits(self, v: Array) -> Array:
        """``X w_raw + b_raw`` of theta or a direction (K outputs: (m, K))."""
        return logits(self.rows, *self.obj.param.raw(v))

    def at(self, theta: Array) -> tuple[Callable[[Array], Array], Array]:
        """``(v -> H v, diag(H))`` at theta; no pass over the source."""
        obj = self.obj
        obj._ensure_checked()
        theta = np.asarray(theta, dtype=np.float64)
        k = obj.n_weights
        penalty = obj.penalty.hessian_diag(theta[:k])
        if obj.n_outputs > 1:
            product, sums = self._softmax(theta)
        else:
            product, sums = self._logistic(theta)

        def hessp(v: Array) -> Array:
            v = np.asarray(v, dtype=np.float64)
            out = obj.param.pull_gradient(*product(v))
            out /= obj.weight_sum
            out[:k] += penalty * v[:k]
            if obj.n_outputs > 1:
                out += centring(obj, v)
            return out

        return hessp, _diagonal(obj, theta, sums)

    def _logistic(
        self, theta: Array
    ) -> tuple[Callable[[Array], tuple[Array, Any]], tuple[Array, Array, Any]]:
        _, _, h = loss_gradient_hessian(self.rows.sign, self._logits(theta))
        h = h * self.scale
        XT = self.XT

        def product(v: Array) -> tuple[Array, Any]:
            hu = h * self._logits(v)
            return np.asarray(XT @ hu, dtype=np.float64).ravel(), float(hu.sum())

        hxx = np.asarray(self.squares_T @ h, dtype=np.float64).ravel()
        hx = np.asarray(XT @ h, dtype=np.float64).ravel()
        return product, (hxx, hx, float(h.sum()))

    def _softmax(
        self, theta: Array
    ) -> tuple[Callable[[Array], tuple[Array, Any]], tuple[Array, Array, Any]]:
        P = softmax(self._logits(theta))
        XT = self.XT
        scale = self.scale[:, None]

        def product(v: Array) -> tuple[Array, Any]:
            HU = hessian_rows(P, self._logits(v))
            HU *= scale
            return np.asarray(XT @ HU, dtype=np.float64).T, HU.sum(axis=0)

        H = P * (1.0 - P) * scale  # (m, K): the diagonal's per-row factors
        hxx = np.asarray(self.squares_T @ H, dtype=np.float64).T
        hx = np.asarray(XT @ H, dtype=np.float64).T
        return product, (hxx, hx, H.sum(axis=0))
