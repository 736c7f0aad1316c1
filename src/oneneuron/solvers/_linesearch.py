"""Line searches shared by the solvers: backtracking (Armijo) along a descent direction.

J is computed in the data's precision, so a decrease smaller than its rounding noise
(:func:`noise`) cannot be seen: the search then stops the solver ("optimum reached to
the data's precision") instead of halving the step dozens of times, one pass each.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..objective import Evaluation, Objective
from ._driver import StopSolver

__all__ = ["armijo", "noise"]

Array = NDArray[np.floating]


def noise(objective: Objective, evaluation: Evaluation) -> float:
    """The rounding noise of J: a few units in the last place of the data's dtype."""
    return 4.0 * objective.eps * max(abs(evaluation.loss), 1.0)


def armijo(
    objective: Objective,
    theta: Array,
    evaluation: Evaluation,
    direction: Array,
    *,
    step: float = 1.0,
    hessian: bool = False,
    max_halvings: int = 40,
    hessian_fraction: float = 1.0,
) -> tuple[Array, Evaluation]:
    """Backtrack from ``step`` until J decreases enough: ``J(t) <= J + 1e-4 t g.p``.

    A step that leaves J within its rounding noise is also accepted when it shrinks the
    gradient (near the optimum, the gradient still shows progress that J cannot).
    Raises StopSolver when no step decreases J measurably: the optimum is reached to the
    precision of the data (the predicted decrease ``t |g.p|`` fell below the rounding
    noise of J, or ``max_halvings`` halvings found no decrease).
    """
    slope = float(evaluation.grad @ direction)
    if slope >= 0:
        raise StopSolver(
            "not a descent direction (optimum reached to machine precision)", precision=True
        )
    tiny = noise(objective, evaluation)
    for _ in range(max_halvings):
        trial = theta + step * direction
        ev = (
            objective.evaluate(trial, hessian=hessian, hessian_fraction=hessian_fraction)
            if hessian_fraction < 1.0
            else objective.evaluate(trial, hessian=hessian)
        )
        if ev.loss <= evaluation.loss + 1e-4 * step * slope:
            return trial, ev
        # Rounding noise: J cannot tell a good step from a bad one once the predicted
        # decrease is below its noise; then a step that does not raise J measurably is
        # taken (near the optimum a quasi-Newton step is good), as is one that shrinks
        # the gradient. The driver stops a solver that stops making measurable progress.
        unmeasurable = step * -slope < tiny
        if ev.loss <= evaluation.loss + tiny and (
            unmeasurable or ev.grad_max < evaluation.grad_max
        ):
            return trial, ev
        if unmeasurable:  # shorter steps cannot show a decrease either
            break
        step *= 0.5
    raise StopSolver(
        "line search found no decrease (optimum reached to the precision of the data)",
        precision=True,
    )
