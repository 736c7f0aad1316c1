"""Mini-batch stochastic gradient descent: one step of the driver is one epoch.

Each epoch visits every row once, in an order reshuffled from the solver's own
Generator, ``batch_size`` rows at a time; each batch moves theta along an unbiased
estimate of -dJ/dtheta. After the epoch the full objective is evaluated once, so the
history holds exact losses and the stopping rule is the same as for every solver.

With an L1 or elastic-net penalty every batch step is proximal: the stochastic gradient
step on the smooth part, then the soft threshold with the same rate (proximal SGD).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..objective import Evaluation, Objective
from ._base import SolverFacts
from .schedules import make_schedule

__all__ = ["StochasticGradientDescent"]


@dataclass
class StochasticGradientDescent(SolverFacts):
    """Random mini-batches with optional momentum and a learning-rate schedule.

    Parameters
    ----------
    learning_rate : float
    batch_size : int
    momentum : float
        Heavy-ball coefficient in [0, 1).
    lr_schedule : str
        Schedule over batch steps (see :mod:`oneneuron.solvers.schedules`).
    max_iter : int
        Epochs; the horizon of the schedule.
    rng : numpy.random.Generator
        The only source of randomness (the shuffles).
    """

    learning_rate: float = 0.1
    batch_size: int = 64
    momentum: float = 0.0
    lr_schedule: str = "constant"
    max_iter: int = 100
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))

    name: ClassVar[str] = "sgd"
    exact: ClassVar[bool] = False
    unit: ClassVar[str] = "epoch"
    default_max_iter: ClassVar[int] = 100
    hint: ClassVar[str] = (
        "raise max_iter, use a decaying lr_schedule or larger batch_size, or an exact "
        "solver ('newton', 'lbfgs')"
    )
    uses_rng: ClassVar[bool] = True
    needs_rows: ClassVar[bool] = True
    nonsmooth: ClassVar[bool] = True
    params: ClassVar[tuple[str, ...]] = ("learning_rate", "batch_size", "momentum", "lr_schedule")

    def start(self, objective: Objective, theta: NDArray[np.floating]) -> Evaluation:
        batches = -(-objective.n_samples // self.batch_size)
        self._rate = make_schedule(self.lr_schedule, self.learning_rate, self.max_iter * batches)
        self._velocity = np.zeros_like(theta)
        self._t = 0
        return objective.evaluate(theta)

    def epoch(self, objective: Objective, theta: NDArray[np.floating]) -> NDArray[np.floating]:
        """One pass of mini-batch updates, in the random order the source draws
        (:meth:`~oneneuron.data.Source.batches`: a fresh permutation of the rows)."""
        theta = theta.copy()
        penalty, d = objective.penalty, objective.n_weights
        for batch in objective.source.batches(self.batch_size, self.rng):
            grad = objective.block_evaluate(theta, batch).grad
            rate = self._rate(self._t)
            self._t += 1
            if self.momentum:
                self._velocity *= self.momentum
                self._velocity -= rate * grad
                theta += self._velocity
            else:
                theta -= rate * grad
            if not penalty.smooth:  # the proximal step on the L1 part
                theta[:d] = penalty.prox_nonsmooth(theta[:d], rate)
        return theta

    def step(
        self, objective: Objective, theta: NDArray[np.floating], evaluation: Evaluation
    ) -> tuple[NDArray[np.floating], Evaluation]:
        theta = self.epoch(objective, theta)
        return theta, objective.evaluate(theta)

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        return evaluation.grad_max <= tol
