"""Solvers for the logistic objective, and the registry everything else reads.

Each solver only sees an :class:`~oneneuron.objective.Objective`; the driver
(:func:`run`) owns stopping, warnings, history and callbacks. Each solver class declares
its own facts (:class:`~oneneuron.solvers._base.SolverFacts`: exact or not, what a step
is, its default ``max_iter``, its hint, whether it draws random rows); adding a solver to
:data:`SOLVERS` adds it to the estimator, the command line, the model file and every
parametrised test.
"""

from __future__ import annotations

from ._base import SolverFacts
from ._driver import Callback, Result, Solver, StopSolver, iterate, run
from .gd import GradientDescent
from .lbfgs import LBFGS
from .newton import Newton
from .newton_cg import NewtonCG, sample_rows
from .proxnewton import ProxNewton
from .sgd import StochasticGradientDescent

__all__ = [
    "LBFGS",
    "SOLVERS",
    "Callback",
    "GradientDescent",
    "Newton",
    "NewtonCG",
    "ProxNewton",
    "Result",
    "Solver",
    "SolverFacts",
    "StochasticGradientDescent",
    "StopSolver",
    "choose_solver",
    "iterate",
    "run",
]

#: Every solver by its name in ``LogisticRegression(solver=...)``.
SOLVERS: dict[str, type[SolverFacts]] = {
    cls.name: cls
    for cls in (GradientDescent, StochasticGradientDescent, Newton, LBFGS, NewtonCG, ProxNewton)
}

#: Up to this many parameters, Newton's d x d Hessian is cheaper than L-BFGS's extra passes.
NEWTON_MAX_PARAMS = 200


def choose_solver(
    n_samples: int,
    n_params: int,
    *,
    in_memory: bool = True,
    smooth: bool = True,
    n_classes: int = 2,
    max_hessian: int = 5000,
) -> str:
    """The fastest exact solver for this shape and penalty.

    ``"proxnewton"`` for a non-smooth penalty (L1, elastic net); otherwise Newton for up
    to :data:`NEWTON_MAX_PARAMS` parameters of data in memory or on a Dask cluster (where
    every evaluation is one round trip, Hessian or not, and Newton needs fewer), and
    L-BFGS for more parameters and for data read from files (one pass per evaluation, no
    Hessian).
    With K >= 3 classes proximal Newton forms the full Hessian: above ``max_hessian``
    parameters an L1 part is fitted by ``"gd"`` (proximal gradient steps). A smooth
    K-class model on a tall source (the Hessian's sample at most 1/8 of the rows) takes
    ``"newton-cg"``, which needs about half L-BFGS's passes there (measured on 200,000
    and 1,000,000 rows of 50 features, K = 10; with two classes, L-BFGS and Newton needed
    as few passes as it or fewer).
    """
    if not smooth:
        return "proxnewton" if n_classes <= 2 or n_params <= max_hessian else "gd"
    if n_classes > 2 and n_samples >= 8 * sample_rows(n_params):
        return "newton-cg"
    return "newton" if n_params <= NEWTON_MAX_PARAMS and in_memory else "lbfgs"
