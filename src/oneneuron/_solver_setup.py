"""The objective and the solver of a training run, from the estimator's parameters (what
:mod:`._fitting` and :mod:`._partial_fit` build a run from).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._fit_checks import n_outputs
from .data import Source
from .objective import Objective
from .penalties import make_penalty
from .solvers import SOLVERS

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["make_solver", "max_iter", "objective"]

Array = NDArray[np.floating]


def objective(
    est: LogisticRegression,
    source: Source,
    check: bool = True,
    scale: Array | None = None,
    row_scale: Array | None = None,
) -> Objective:
    """J for the run; ``scale`` and ``row_scale`` as :func:`._scaling.coordinates` says
    (with ``scale``, theta_j = scale_j w_j and the penalty is weighted by 1 / scale_j)."""
    weights = None
    if scale is not None and est.alpha > 0:
        with np.errstate(under="ignore"):
            weights = np.tile(1.0 / scale, n_outputs(est))
    return Objective(
        source,
        penalty=make_penalty(est.alpha, est.l1_ratio, weights),
        fit_intercept=est.fit_intercept,
        offset=est.x_mean_,
        scale=est.x_scale_ if scale is None else scale,
        row_scale=row_scale,
        threshold=est.threshold,
        check_finite=check,
    )


def max_iter(est: LogisticRegression, name: str) -> int:
    return SOLVERS[name].default_max_iter if est.max_iter is None else int(est.max_iter)


def make_solver(est: LogisticRegression, name: str, rng: np.random.Generator | None) -> Any:
    cls = SOLVERS[name]
    return cls.from_params(est.get_params(deep=False), max_iter(est, name), rng)
