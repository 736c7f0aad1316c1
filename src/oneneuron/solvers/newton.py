"""Newton's method (IRLS) with a backtracking line search.

Each iteration solves ``H p = -g`` by Cholesky and searches along p with the Armijo
rule. The Hessian and gradient come from one pass over X, and the accepted trial point's
evaluation (with its Hessian) is reused by the next iteration, so a unit step costs one
pass. Convergence needs both ``max |g| <= tol`` and a Newton decrement
``g.H^{-1}.g / 2 <= tol``; never a small change of coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..objective import Evaluation, Objective
from ._driver import StopSolver

__all__ = ["Newton", "armijo"]

Array = NDArray[np.floating]


def solve_psd(hess: Array, rhs: Array) -> Array:
    """Solve ``hess x = rhs`` for a symmetric positive semi-definite ``hess``.

    Cholesky when it succeeds; otherwise (a singular Hessian: separable data with
    alpha = 0, duplicated or constant features) the minimum-norm solution from the
    eigen-decomposition with tiny eigenvalues dropped.
    """
    try:
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(hess), rhs)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
        vals, vecs = np.linalg.eigh(hess)
        keep = vals > max(float(vals.max()), 0.0) * 1e-12
        if not np.any(keep):
            return -rhs * 0.0
        return vecs[:, keep] @ ((vecs[:, keep].T @ rhs) / vals[keep])


def armijo(
    objective: Objective,
    theta: Array,
    evaluation: Evaluation,
    direction: Array,
    *,
    step: float = 1.0,
    hessian: bool = False,
    max_halvings: int = 40,
) -> tuple[Array, Evaluation]:
    """Backtrack from ``step`` until J decreases enough: ``J(t) <= J + 1e-4 t g.p``.

    Raises StopSolver when no step decreases J: the optimum is reached to the precision
    of floating point.
    """
    slope = float(evaluation.grad @ direction)
    if slope >= 0:
        raise StopSolver("not a descent direction (optimum reached to machine precision)")
    tiny = 4 * np.finfo(float).eps * max(abs(evaluation.loss), 1.0)
    for _ in range(max_halvings):
        trial = theta + step * direction
        ev = objective.evaluate(trial, hessian=hessian)
        if ev.loss <= evaluation.loss + 1e-4 * step * slope:
            return trial, ev
        # Rounding noise: accept a step that does not increase J when the gradient shrinks.
        if ev.loss <= evaluation.loss + tiny and ev.grad_max < evaluation.grad_max:
            return trial, ev
        step *= 0.5
    raise StopSolver("line search found no decrease (optimum reached to machine precision)")


@dataclass
class Newton:
    """Damped Newton / iteratively reweighted least squares."""

    name: str = "newton"
    exact: bool = True

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        self._cache: tuple[int, Array] | None = None
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
        return armijo(objective, theta, evaluation, self.direction(evaluation), hessian=True)

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        if evaluation.grad_max > tol:
            return False
        decrement = -float(evaluation.grad @ self.direction(evaluation))
        return 0.5 * decrement <= tol
