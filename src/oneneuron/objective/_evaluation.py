"""What an evaluation of J returns, and how a pass's block sums become one: normalised,
pulled back to theta, the penalty (and, with K outputs, the centring term) added.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from . import _softmax_directions
from ._blocks import BlockTerms

if TYPE_CHECKING:
    from ._objective import Objective

__all__ = ["Evaluation", "from_sums"]

Array = NDArray[np.floating]


@dataclass
class Evaluation:
    """The objective and its derivatives at one theta.

    Attributes
    ----------
    loss : float
        J(theta), penalty included.
    grad : ndarray of shape (n_params,)
        Gradient of J's smooth part (the penalty's smooth part included).
    n_correct : int
        Training samples classified correctly at the objective's threshold.
    n_samples : int
    hess : ndarray of shape (n_params, n_params) or None
    optimality : ndarray of shape (n_params,) or None
        The minimum-norm subgradient of J, for a non-smooth penalty (None: ``grad``).
    hess_diag : ndarray of shape (n_params,) or None
        The Hessian's diagonal, when asked for (``evaluate(..., diagonal=True)``).
    hess_sampled : bool
        Whether ``hess`` was estimated from a subsample of the rows (``hessian_fraction``).
    """

    loss: float
    grad: Array
    n_correct: int
    n_samples: int
    hess: Array | None = None
    optimality: Array | None = None
    hess_diag: Array | None = None
    hess_sampled: bool = False

    @property
    def accuracy(self) -> float:
        """Fraction of training samples classified correctly."""
        return self.n_correct / self.n_samples if self.n_samples else float("nan")

    @cached_property
    def grad_max(self) -> float:
        """``max |g|`` of the minimum-norm subgradient: the stopping criterion (computed
        once: the driver, the solver's test and the history all ask for it)."""
        g = self.grad if self.optimality is None else self.optimality
        return float(np.max(np.abs(g))) if g.size else 0.0


def from_sums(obj: Objective, theta: Array, t: BlockTerms, norm: float, n: int) -> Evaluation:
    """Normalise block sums by ``norm``, pull them back to theta, add the penalty."""
    theta = np.asarray(theta, dtype=np.float64)
    param, penalty = obj.param, obj.penalty
    k = param.n_weights
    w = theta[:k]  # the weights come first (an intercept, or K of them, last)
    grad = param.pull_gradient(t.grad_w, t.grad_b)
    grad /= norm
    grad[:k] += penalty.gradient(w)
    loss = t.loss / norm + penalty.value(w)
    hess = None
    if t.hess is not None:
        p = grad.shape[0]
        if obj.source.sparse and not param.identity:
            hess = param.pull_hessian(t.hess) / norm
        else:
            hess = np.divide(t.hess[:p, :p], norm)  # a new C-ordered array
        diagonal = hess.reshape(-1)[: k * (p + 1) : p + 1]  # a view: H_jj, j < k
        diagonal += penalty.hessian_diag(w)
    if obj.n_outputs > 1:  # K outputs: the centring term (_softmax_directions.centring)
        centred = _softmax_directions.centring(obj, theta)
        loss += 0.5 * float(theta @ centred)
        grad += centred
        if hess is not None:
            hess += _softmax_directions.centring_matrix(obj)
    optimality = None if penalty.smooth else penalty.optimality(w, grad)
    diag = None if t.diag is None else _diagonal(obj, theta, t.diag)
    return Evaluation(loss, grad, t.n_correct, n, hess, optimality, diag)


def _diagonal(obj: Objective, theta: Array, sums: tuple[Array, Array, float]) -> Array:
    """The Hessian's diagonal in theta's coordinates, from the raw sums of a pass.

    With standardisation, ``H_jj = sum s h (x_j - m_j)^2 / (s_j^2 S)``, formed from
    ``sum s h x^2``, ``sum s h x`` and ``sum s h``.
    """
    hxx, hx, h = sums
    # (what a block copy did is in its rows; what is left is in the parametrisation)
    if obj.param.offset is not None:
        hh = h if obj.n_outputs == 1 else np.asarray(h)[:, None]  # K outputs: per class row
        hxx = hxx - 2.0 * obj.param.offset * hx + obj.param.offset**2 * hh
    if obj.param.scale is not None:
        hxx = hxx / obj.param.scale**2
    w, _ = obj.split(np.asarray(theta, dtype=np.float64))
    diag = np.ravel(hxx) / obj.weight_sum + obj.penalty.hessian_diag(w)
    diag = np.append(diag, h / obj.weight_sum) if obj.fit_intercept else diag
    if obj.n_outputs > 1:
        diag += np.diag(_softmax_directions.centring_matrix(obj))
    return diag
