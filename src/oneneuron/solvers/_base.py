"""What every solver declares about itself, read by the estimator, the driver, io and CLI.

A solver is a class with these class attributes and the three methods of
:class:`~oneneuron.solvers.Solver` (``start``, ``step``, ``converged``). Adding one to
:data:`~oneneuron.solvers.SOLVERS` is all it takes for the estimator, the command line,
the model file and the parametrised tests to know it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

__all__ = ["SolverFacts"]


class SolverFacts:
    """Class attributes every solver sets, and how it is built from estimator parameters."""

    #: The name in ``LogisticRegression(solver=...)``.
    name: ClassVar[str]
    #: Converges to the exact optimum (not a fixed-step or stochastic method).
    exact: ClassVar[bool]
    #: What one step of the driver is: "iteration", or "epoch" of mini-batches.
    unit: ClassVar[str] = "iteration"
    #: ``max_iter`` when the user gives none.
    default_max_iter: ClassVar[int]
    #: What to try when it stops before ``tol`` (ends the ConvergenceWarning).
    hint: ClassVar[str]
    #: The hint when the features are standardised already (default: ``hint``); set by a
    #: solver whose hint suggests ``standardize=True``.
    hint_standardized: ClassVar[str]
    #: Draws random numbers (needs ``random_state``).
    uses_rng: ClassVar[bool] = False
    #: Needs rows by index from the source (random mini-batches).
    needs_rows: ClassVar[bool] = False
    #: Estimator parameters it takes (passed to its constructor by :meth:`from_params`).
    params: ClassVar[tuple[str, ...]] = ()
    #: Forms the (p, p) Hessian (refused when p is too large to hold it).
    forms_hessian: ClassVar[bool] = False
    #: Handles a non-smooth penalty (L1, elastic net): proximal steps, or the
    #: minimum-norm subgradient; the others assume J is differentiable.
    nonsmooth: ClassVar[bool] = False

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], max_iter: int, rng: np.random.Generator | None
    ) -> Any:
        """The solver for an estimator's ``get_params()``, ``max_iter`` and generator."""
        kw = {k: params[k] for k in cls.params}
        if "max_iter" in cls.__dataclass_fields__:  # type: ignore[attr-defined]
            kw["max_iter"] = max_iter
        if cls.uses_rng:
            kw["rng"] = np.random.default_rng() if rng is None else rng
        return cls(**kw)
