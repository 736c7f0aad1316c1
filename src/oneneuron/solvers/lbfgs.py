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
    """L-BFGS with ``memory`` correction pairs and a diagonal preconditioner.

    The initial inverse-Hessian approximation of the two-loop recursion is
    ``gamma D^-1`` instead of ``gamma I``, with ``D`` the Hessian's diagonal at the start
    (from the first evaluation's pass) and ``gamma = s.y / (y D^-1 y)`` from the latest
    pair: L-BFGS run in the coordinates where the Hessian's diagonal is one. It costs
    nothing per iteration and saves many on badly scaled columns (sparse text features,
    where word frequencies span decades). ``precondition=False`` gives plain L-BFGS.
    """

    memory: int = 10
    precondition: bool = True

    name: ClassVar[str] = "lbfgs"
    exact: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 1000
    hint: ClassVar[str] = "raise max_iter, set standardize=True, or use solver='newton'"
    hint_standardized: ClassVar[str] = "raise max_iter, or use solver='newton'"

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        self._pairs: deque[tuple[Array, Array, float]] = deque(maxlen=self.memory)
        evaluation = objective.evaluate(theta, diagonal=self.precondition)
        self._inv_diag: Array | None = None
        diag = evaluation.hess_diag
        if diag is not None and np.all(np.isfinite(diag)):
            top = float(np.max(diag)) if diag.size else 0.0
            if top > 0:  # columns with no curvature (all zeros) keep the largest scale
                self._inv_diag = 1.0 / np.maximum(diag, 1e-12 * top)
        return evaluation

    def _h0(self, q: Array) -> Array:
        """The initial inverse Hessian applied to q."""
        return q if self._inv_diag is None else q * self._inv_diag

    def direction(self, grad: Array) -> Array:
        """``-H_k g`` by the two-loop recursion (Nocedal & Wright, Algorithm 7.4)."""
        q = grad.copy()
        alphas = []
        for s, y, rho in reversed(self._pairs):
            a = rho * float(s @ q)
            q -= a * y
            alphas.append(a)
        q = self._h0(q)
        if self._pairs:
            s, y, _ = self._pairs[-1]
            q *= float(s @ y) / float(y @ self._h0(y))
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
        """Step along the first direction ``p`` minimising the model ``g.p t + p.H.p t^2/2``.

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
