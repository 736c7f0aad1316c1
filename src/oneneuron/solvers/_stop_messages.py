"""What a stopped run tells the user: the ConvergenceWarning's text and the hints that
go with it (a solver's own hint, the remedies of a fixed-step method), in the version for
standardised features when they are. Used by :mod:`._driver`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..objective import Evaluation, Objective

if TYPE_CHECKING:
    from ._driver import Solver

__all__ = ["not_converged", "overflowed", "remedies", "solver_hint", "standardized"]


def remedies(solver: Solver, objective: Objective) -> str:
    """What helps a fixed-step method that diverges: a lower rate, standardised features."""
    rate = getattr(solver, "learning_rate", None)
    lower = "lower learning_rate" + ("" if rate is None else f" (it is {rate:g})")
    if standardized(objective):
        return lower
    return f"{lower} or set standardize=True (steps of one rate suit features of one scale)"


def standardized(objective: Objective) -> bool:
    """Whether the run is in standardised coordinates (the objective has an offset)."""
    return getattr(objective, "offset", None) is not None


def overflowed(solver: Solver, objective: Objective, n_iter: int) -> str:
    if solver.exact:
        return (
            f"solver {solver.name!r} failed at iteration {n_iter}: the parameters or J "
            f"overflowed; {solver_hint(solver, objective)}"
        )
    return (
        f"solver {solver.name!r} diverged at iteration {n_iter} (the parameters "
        f"overflowed): {remedies(solver, objective)}"
    )


def solver_hint(solver: Solver, objective: Objective) -> str:
    """The solver's hint, in the version for standardised features when they are."""
    if standardized(objective):
        return str(getattr(solver, "hint_standardized", solver.hint))
    return solver.hint


def not_converged(
    solver: Solver,
    objective: Objective,
    evaluation: Evaluation,
    tol: float,
    max_iter: int,
    stop_reason: str,
    at_precision: bool,
) -> str:
    """The ConvergenceWarning's text: what happened, where the gradient is, what helps."""
    gap = f"before max |gradient| <= tol={tol:g} (it is {evaluation.grad_max:.3g})"
    if stop_reason == "max_iter":
        fix = solver_hint(solver, objective)
        return f"solver {solver.name!r} reached max_iter={max_iter} {gap}; {fix}"
    if at_precision:
        dtype = np.dtype(objective.source.dtype).name
        hint = (
            "fit float64 data for a tighter optimum, or use a larger tol"
            if objective.eps > np.finfo(np.float64).eps
            else solver_hint(solver, objective)
        )
        return (
            f"solver {solver.name!r} stopped at the precision of {dtype} arithmetic (J can "
            f"no longer decrease measurably) {gap}; {hint}"
        )
    return f"solver {solver.name!r} stopped: {stop_reason} {gap}; {solver_hint(solver, objective)}"
