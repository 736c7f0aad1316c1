"""Limited-memory BFGS: a quasi-Newton method for many features.

The inverse Hessian is approximated from the last ``memory`` pairs
``s = theta_{k+1} - theta_k`` and ``y = g_{k+1} - g_k`` by the two-loop recursion
(Nocedal & Wright, Algorithm 7.4), then an Armijo line search along it. Each
iteration costs one pass over X when the unit step is accepted, which is usual.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..objective import Evaluation, Objective
from ._base import SolverFacts
from ._linesearch import armijo

__all__ = ["LBFGS"]

Array = NDArray[np.floating]


@dataclass
class LBFGS(SolverFacts):
    """L-BFGS with ``memory`` correction pairs."""

    memory: int = 10

    name: ClassVar[str] = "lbfgs"
    exact: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 1000
    hint: ClassVar[str] = "raise max_iter, set standardize=True, or use solver='newton'"
    hint_standardized: ClassVar[str] = "raise max_iter, or use solver='newton'"

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        self._pairs: deque[tuple[Array, Array, float]] = deque(maxlen=self.memory)
        return objective.evaluate(theta)

    def direction(self, grad: Array) -> Array:
        """``-H_k g`` by the two-loop recursion."""
        q = grad.copy()
        alphas = []
        for s, y, rho in reversed(self._pairs):
            a = rho * float(s @ q)
            q -= a * y
            alphas.append(a)
        if self._pairs:
            s, y, _ = self._pairs[-1]
            q *= float(s @ y) / float(y @ y)
        for (s, y, rho), a in zip(self._pairs, reversed(alphas), strict=True):
            q += (a - rho * float(y @ q)) * s
        return -q

    def step(
        self, objective: Objective, theta: Array, evaluation: Evaluation
    ) -> tuple[Array, Evaluation]:
        p = self.direction(evaluation.grad)
        first = 1.0 if self._pairs else self._first_step(objective, theta, evaluation, p)
        new_theta, new_ev = armijo(objective, theta, evaluation, p, step=first)
        s, y = new_theta - theta, new_ev.grad - evaluation.grad
        sy = float(s @ y)
        if sy > 1e-12 * float(np.sqrt((s @ s) * (y @ y))):  # keep H positive definite
            self._pairs.append((s, y, 1.0 / sy))
        return new_theta, new_ev

    def _first_step(
        self, objective: Objective, theta: Array, evaluation: Evaluation, p: Array
    ) -> float:
        """Step along ``p = -g`` that minimises the quadratic model ``g.p t + p.H.p t^2/2``.

        ``p.H.p`` is estimated from a few thousand rows (:meth:`Objective.curvature`), so
        the first iteration is a real step instead of a guess; the line search still
        checks it.
        """
        curv = objective.curvature(theta, p)
        slope = -float(evaluation.grad @ p)
        if curv > 0 and np.isfinite(curv) and slope > 0:
            return slope / curv
        return min(1.0, 1.0 / max(float(np.abs(p).sum()), 1e-300))

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        return evaluation.grad_max <= tol
