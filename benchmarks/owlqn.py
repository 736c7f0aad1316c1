"""OWL-QN (Andrew & Gao 2007) on oneneuron's Objective: the measured alternative to proximal
Newton for L1 (docs/penalties.md says why it is not the package's solver).

Orthant-wise limited-memory quasi-Newton: L-BFGS on the smooth part's gradients, steered by
the pseudo-gradient (the minimum-norm subgradient, ``Evaluation.optimality``); the direction
is projected onto the pseudo-gradient's orthant and every trial point onto the orthant of
the current one, so weights cross zero only by landing on it. Every step is passes over the
source (it streams), like the package's L-BFGS.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from oneneuron.objective import Evaluation, Objective
from oneneuron.solvers import StopSolver


@dataclass
class OWLQN:
    memory: int = 10

    name: ClassVar[str] = "owlqn"
    exact: ClassVar[bool] = True
    hint: ClassVar[str] = "raise max_iter"

    def start(self, objective: Objective, theta: Any) -> Evaluation:
        self._pairs: deque[tuple[Any, Any, float]] = deque(maxlen=self.memory)
        self._d = objective.n_features
        return objective.evaluate(theta)

    def _pseudo(self, ev: Evaluation) -> Any:
        return ev.grad if ev.optimality is None else ev.optimality

    def step(self, objective: Objective, theta: Any, ev: Evaluation) -> tuple[Any, Evaluation]:
        pg = self._pseudo(ev)
        q = pg.copy()
        alphas = []
        for s, y, rho in reversed(self._pairs):
            a = rho * float(s @ q)
            q -= a * y
            alphas.append(a)
        if self._pairs:
            s, y, _ = self._pairs[-1]
            q *= float(s @ y) / float(y @ y)
        else:
            q /= max(float(np.abs(q).sum()), 1e-12)
        for (s, y, rho), a in zip(self._pairs, reversed(alphas), strict=True):
            q += (a - rho * float(y @ q)) * s
        direction = -q
        direction[direction * pg >= 0] = 0.0  # keep the pseudo-gradient's orthant
        d = self._d
        orthant = np.sign(theta[:d])
        orthant[orthant == 0] = -np.sign(pg[:d][orthant == 0])
        t = 1.0
        for _ in range(40):
            trial = theta + t * direction
            trial[:d][np.sign(trial[:d]) != orthant] = 0.0
            new = objective.evaluate(trial)
            if new.loss <= ev.loss + 1e-4 * float(pg @ (trial - theta)):
                s, y = trial - theta, new.grad - ev.grad
                if float(s @ y) > 1e-12 * float(np.sqrt((s @ s) * (y @ y))):
                    self._pairs.append((s, y, 1.0 / float(s @ y)))
                return trial, new
            t *= 0.5
        raise StopSolver("line search found no decrease", precision=True)

    def converged(self, ev: Evaluation, tol: float) -> bool:
        return ev.grad_max <= tol


def owlqn_fit(l1_ratio: float) -> Any:
    def fit(X: Any, y: np.ndarray, alpha: float, effort: int) -> tuple[np.ndarray, float]:
        import warnings

        from oneneuron.penalties import ElasticNet
        from oneneuron.solvers import run

        obj = Objective(X, y, penalty=ElasticNet(alpha, l1_ratio))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run(OWLQN(), obj, np.zeros(obj.n_params), tol=0.0, max_iter=effort)
        return result.theta[:-1].copy(), float(result.theta[-1])

    return fit
