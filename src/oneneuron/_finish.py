"""After a training run: the model's weights and the bookkeeping (``n_iter_``,
``converged_``, ``stop_reason_``, ``history_``), early stopping's best iterate, and the
warnings of an unpenalised fit (separation, a rank-deficient design).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from . import _rank
from ._blas import one_blas_thread
from ._coefficients import store
from ._separated import warn_if_separated
from .data import Source
from .history import History
from .solvers import Result

if TYPE_CHECKING:
    from ._fitting import Plan
    from .estimator import LogisticRegression

__all__ = ["RankDeficientWarning", "finish"]


class RankDeficientWarning(UserWarning):
    """The design [X 1] is rank deficient and alpha = 0: the coefficients are not unique."""


def finish(est: LogisticRegression, plan: Plan, result: Result) -> None:
    """Store what a finished training run produced.

    With early stopping the model is the iterate of lowest validation loss; when that is
    not the last one, ``n_iter_``, ``converged_`` (False: the run would have stopped at a
    converged iterate), ``stop_reason_`` and ``history_`` (which then ends at it)
    describe that iterate, so that they and the saved model agree.
    """
    stopper = plan.stopper
    theta, n_iter, records = result.theta, result.n_iter, result.records
    converged, stop_reason = result.converged, result.stop_reason
    if stopper is not None and stopper.best is not None and stopper.best_iteration < n_iter:
        theta, kept = stopper.best, stopper.best_iteration
        records = [r for r in records if r["iteration"] <= kept]
        converged = False
        stop_reason = (
            f"early stopping: kept iteration {kept}, the lowest validation loss (the run "
            f"stopped at iteration {n_iter}: {result.stop_reason})"
        )[:256]
        n_iter = kept
    store(est, theta, plan.param)
    est.solver_ = plan.name
    est.n_iter_ = n_iter
    est.converged_ = converged
    est.stop_reason_ = stop_reason
    est.history_ = History(records, unit=plan.unit)
    est._sgd_state = None
    if est.alpha == 0:
        final = result.evaluation if theta is result.theta else plan.objective.evaluate(theta)
        # small products (a sample's Gram matrix, X w on small data): on one BLAS thread,
        # which also leaves no OpenBLAS worker spinning into the caller's next fit
        with one_blas_thread():
            warn_if_separated(est, final, plan.objective.source)
            _warn_if_rank_deficient(est, plan.objective.source)


def _warn_if_rank_deficient(est: LogisticRegression, source: Source) -> None:
    """Warn when ``[X 1]`` is rank deficient: with alpha = 0 the optimum is not unique."""
    columns = _rank.dependent_columns(source, bool(est.fit_intercept))
    if columns:
        warnings.warn(_rank.warning(columns, source.n_features), RankDeficientWarning, stacklevel=4)
