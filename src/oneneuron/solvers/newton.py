"""Newton's method (IRLS) with a backtracking line search.

Each iteration solves ``H p = -g`` by Cholesky and searches along p with the Armijo
rule. The Hessian and gradient come from one pass over X, and the accepted trial point's
evaluation (with its Hessian) is reused by the next iteration, so a unit step costs one
pass. Convergence needs both ``max |g| <= tol`` and a Newton decrement
``g.H^{-1}.g / 2 <= tol``; never a small change of coefficients.

On a tall X (more than ``2 * HESSIAN_ROWS_PER_PARAM`` rows per parameter) the Hessian is
estimated from a subsample of ``HESSIAN_ROWS_PER_PARAM`` to ``8 * HESSIAN_ROWS_PER_PARAM``
rows per parameter (:func:`hessian_fraction`) spread over X
(:meth:`~oneneuron.objective.Objective.evaluate` with ``hessian_fraction``), while J and
its gradient stay exact: the direction is then a slightly perturbed Newton direction,
the line search keeps every step a descent step, and the iterates converge to the exact
optimum (linearly with a small rate instead of quadratically), for a fraction of the
cost of the full ``n d^2`` Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack

from ..objective import Evaluation, Objective
from ._base import SolverFacts
from ._linesearch import armijo

__all__ = ["Newton", "armijo", "solve_psd"]

Array = NDArray[np.floating]


def solve_psd(hess: Array, rhs: Array) -> Array:
    """Solve ``hess x = rhs`` for a symmetric positive semi-definite ``hess``.

    Cholesky when it succeeds; otherwise (a singular Hessian: separable data with
    alpha = 0, duplicated or constant features) the minimum-norm solution from the
    eigen-decomposition with tiny eigenvalues dropped.
    """
    _, x, info = lapack.dposv(hess, rhs, lower=0)  # Cholesky factor and solve, one call
    if info == 0 and np.all(np.isfinite(x)):
        return x  # type: ignore[no-any-return]
    vals, vecs = np.linalg.eigh(hess)
    keep = vals > max(float(vals.max()), 0.0) * 1e-12
    if not np.any(keep):
        return -rhs * 0.0
    return vecs[:, keep] @ ((vecs[:, keep].T @ rhs) / vals[keep])  # type: ignore[no-any-return]


#: Up to this size of X, each Newton step length is the exact minimiser along the Newton
#: direction (:meth:`~oneneuron.objective.Objective.line_minimum`), then checked by Armijo.
EXACT_LINE_SEARCH_BYTES = 4 * 1024 * 1024

#: Rows per parameter in the Hessian subsample of a tall X (see the module docstring).
HESSIAN_ROWS_PER_PARAM = 64


def hessian_fraction(n_samples: int, n_params: int) -> float:
    """Fraction of the rows that enters Newton's Hessian: 1, or a subsample for tall X.

    At least ``HESSIAN_ROWS_PER_PARAM`` rows per parameter, up to 8 times more (a more
    accurate Hessian, so fewer passes) while that is at most 1/16 of the rows.
    """
    p = max(n_params, 1)
    rows = max(HESSIAN_ROWS_PER_PARAM * p, min(8 * HESSIAN_ROWS_PER_PARAM * p, n_samples // 16))
    return 1.0 if n_samples < 2 * rows else rows / n_samples


@dataclass
class Newton(SolverFacts):
    """Damped Newton / iteratively reweighted least squares.

    Parameters
    ----------
    subsample : bool
        Estimate the Hessian from a subsample on tall data (see :func:`hessian_fraction`).
    """

    subsample: bool = True

    name: ClassVar[str] = "newton"
    exact: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 100
    hint: ClassVar[str] = "raise max_iter; check for duplicated or constant features"
    forms_hessian: ClassVar[bool] = True

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        self._cache: tuple[int, Array] | None = None
        # the exact 1-D line search costs one extra read of X per iteration: cheap while
        # X is in cache, and it saves iterations on nearly separable data
        source = objective.source
        self._exact_line = source.in_memory and source.nbytes <= EXACT_LINE_SEARCH_BYTES
        self._fraction = (
            hessian_fraction(objective.n_samples, objective.n_params) if self.subsample else 1.0
        )
        if self._fraction < 1.0:
            return objective.evaluate(theta, hessian=True, hessian_fraction=self._fraction)
        return objective.evaluate(theta, hessian=True)

    def direction(self, evaluation: Evaluation) -> Array:
        """The Newton direction ``-H^{-1} g`` (cached per evaluation)."""
        if self._cache is None or self._cache[0] != id(evaluation):
            assert evaluation.hess is not None
            self._cache = (id(evaluation), solve_psd(evaluation.hess, -evaluation.grad))
        return self._cache[1]

    def step(
        self, objective: Objective, theta: Array, evaluation: Evaluation
    ) -> tuple[Array, Evaluation]:
        p = self.direction(evaluation)
        decrease = -0.5 * float(evaluation.grad @ p)  # what a full Newton step would gain
        # near the optimum (predicted decrease below 1e-3 J) the unit step is right
        far = decrease > 1e-3 * abs(evaluation.loss)
        step = objective.line_minimum(theta, p) if self._exact_line and far else 1.0
        return armijo(
            objective,
            theta,
            evaluation,
            p,
            step=step,
            hessian=True,
            hessian_fraction=self._fraction,
        )

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        if evaluation.grad_max > tol:
            return False
        decrement = -float(evaluation.grad @ self.direction(evaluation))
        return 0.5 * decrement <= tol
