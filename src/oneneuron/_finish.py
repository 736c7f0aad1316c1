"""After a training run: the model's weights and the bookkeeping (``n_iter_``,
``converged_``, ``stop_reason_``, ``history_``), early stopping's best iterate, what
``summary()`` needs when the run ended on an exact Hessian, and the warnings of an
unpenalised fit (separation, a rank-deficient design).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _rank
from ._blas import one_blas_thread
from ._coefficients import store
from ._separated import warn_if_separated
from .data import Source
from .history import History
from .loss import null_loglik
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
    with np.errstate(all="ignore"):  # columns of extreme magnitude overflow: none kept
        est._fit_stats = _fit_stats(est, plan, result) if theta is result.theta else None
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


def _fit_stats(est: LogisticRegression, plan: Plan, result: Result) -> dict[str, Any] | None:
    """What ``summary()`` reads without data (:func:`oneneuron.inference.fit_stats`), from
    a run whose last evaluation holds the exact Hessian of J at the final theta (Newton,
    or proximal Newton with the full Hessian, on rows it did not subsample): no pass.

    With ``J = sum_i s_i l_i / W + P(w)``, the information is ``W`` times J's Hessian less
    the penalty's, mapped from theta to the raw ``[w, b]``
    (:meth:`~oneneuron.objective.Standardization.push_hessian`); ``llf = -W (J - P)``;
    the null model's from the labels' weight.
    Weights count in the user's units (:attr:`Plan.weight_unit`). None otherwise (K
    classes, Firth, an L1 part, a Hessian from a subsample or none, an overflow).
    """
    ev, obj = result.evaluation, plan.objective
    if (
        ev is None
        or ev.hess is None
        or ev.hess_sampled
        or obj.n_outputs > 1
        or not obj.penalty.smooth
        or not obj.source.in_memory
        or (plan.param.offset is not None and not obj.fit_intercept)  # centred, no b
    ):
        return None
    d = obj.n_weights
    w, _ = obj.split(result.theta)
    data_hess = np.array(ev.hess, dtype=np.float64)
    data_hess[np.arange(d), np.arange(d)] -= obj.penalty.hessian_diag(w)
    hess = plan.param.push_hessian(data_hess)
    W = obj.weight_sum * plan.weight_unit  # the likelihood's, in the user's weights
    information = W * 0.5 * (hess + hess.T)
    if not np.all(np.isfinite(information)):  # summary(X, y) works in safer units
        return None
    positive = 0.0  # the weight of class 1, in the fit's units
    for block in obj.source.blocks():
        one = block.is_positive()
        positive += float(np.count_nonzero(one) if block.weight is None else block.weight @ one)
    llnull = null_loglik(W, positive * plan.weight_unit, obj.fit_intercept)
    coef = est.coef_.ravel()
    return {
        "theta": np.append(coef, est.intercept_) if obj.fit_intercept else coef.copy(),
        "information": information,
        "llf": -W * (ev.loss - obj.penalty.value(w)),
        "llnull": llnull,
        "nobs": obj.n_samples,
        "weight_sum": W,
    }
