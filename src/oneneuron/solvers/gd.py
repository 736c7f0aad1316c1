"""Full-batch gradient descent: ``theta <- theta - learning_rate * dJ/dtheta``.

Exactly the seeds' update (``w -= lr * dw; b -= lr * db``), with optional heavy-ball
momentum and a learning-rate schedule over iterations.

With an L1 or elastic-net penalty the step is proximal (ISTA): the gradient step on the
smooth part of J, then the soft threshold ``w <- sign(w) max(|w| - rate lambda, 0)``
(:meth:`~oneneuron.penalties.Penalty.prox_nonsmooth`). A weight whose gradient is too
weak to carry it past the threshold lands on exactly 0 and stays there: this is why L1
selects features.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..objective import Evaluation, Objective
from ._base import SolverFacts
from .schedules import make_schedule

__all__ = ["GradientDescent"]


@dataclass
class GradientDescent(SolverFacts):
    """Fixed-step gradient descent.

    Parameters
    ----------
    learning_rate : float
    momentum : float
        Heavy-ball coefficient in [0, 1); 0 gives the plain update.
    lr_schedule : str
        Name of a schedule in :mod:`oneneuron.solvers.schedules`.
    max_iter : int
        Horizon for schedules that need one.
    """

    learning_rate: float = 0.1
    momentum: float = 0.0
    lr_schedule: str = "constant"
    max_iter: int = 1000

    name: ClassVar[str] = "gd"
    exact: ClassVar[bool] = False
    default_max_iter: ClassVar[int] = 1000
    hint: ClassVar[str] = (
        "raise max_iter, standardise badly scaled features (standardize=True), or use solver='auto'"
    )
    hint_standardized: ClassVar[str] = "raise max_iter, or use solver='auto'"
    nonsmooth: ClassVar[bool] = True
    params: ClassVar[tuple[str, ...]] = ("learning_rate", "momentum", "lr_schedule")

    def start(self, objective: Objective, theta: NDArray[np.floating]) -> Evaluation:
        self._rate = make_schedule(self.lr_schedule, self.learning_rate, self.max_iter)
        self._velocity = np.zeros_like(theta)
        self._t = 0
        return objective.evaluate(theta)

    def step(
        self, objective: Objective, theta: NDArray[np.floating], evaluation: Evaluation
    ) -> tuple[NDArray[np.floating], Evaluation]:
        rate = self._rate(self._t)
        self._t += 1
        if self.momentum:
            self._velocity = self.momentum * self._velocity - rate * evaluation.grad
            theta = theta + self._velocity
        else:
            theta = theta - rate * evaluation.grad
        if not objective.penalty.smooth:  # the proximal step on the L1 part
            d = objective.n_weights
            theta[:d] = objective.penalty.prox_nonsmooth(theta[:d], rate)
        return theta, objective.evaluate(theta)

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        return evaluation.grad_max <= tol
