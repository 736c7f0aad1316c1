"""Solvers for the logistic objective, and the registry the estimator picks from.

Each solver only sees an :class:`~oneneuron.objective.Objective`; the driver
(:func:`run`) owns stopping, warnings, history and callbacks. Adding a solver to
:data:`SOLVERS` adds it to every parametrised test.
"""

from __future__ import annotations

from ._driver import Callback, Result, Solver, StopSolver, run
from .gd import GradientDescent
from .lbfgs import LBFGS
from .newton import Newton
from .sgd import StochasticGradientDescent

__all__ = [
    "LBFGS",
    "SOLVERS",
    "Callback",
    "GradientDescent",
    "Newton",
    "Result",
    "Solver",
    "StochasticGradientDescent",
    "StopSolver",
    "choose_solver",
    "run",
]

#: Every solver by its name in ``LogisticRegression(solver=...)``.
SOLVERS: dict[str, type] = {
    "gd": GradientDescent,
    "sgd": StochasticGradientDescent,
    "newton": Newton,
    "lbfgs": LBFGS,
}

#: Up to this many parameters, Newton's d x d Hessian is cheaper than L-BFGS's extra passes.
NEWTON_MAX_PARAMS = 200


def choose_solver(n_samples: int, n_params: int) -> str:
    """The fastest exact solver for this shape: ``"newton"`` or ``"lbfgs"``."""
    return "newton" if n_params <= NEWTON_MAX_PARAMS else "lbfgs"
