"""Training in steps: :meth:`~IncrementalMixin.fit_iter` (a generator of history records,
the model readable between them) and :meth:`~IncrementalMixin.partial_fit` (one SGD epoch
per call, from the current weights). The estimator's incremental training methods, kept
apart from ``fit`` (see :mod:`._fitting` and :mod:`._partial_fit` for the work).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from numpy.typing import ArrayLike

from . import _fitting, _partial_fit
from .history import History
from .solvers import StochasticGradientDescent
from .solvers._driver import iterate

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["IncrementalMixin"]


class IncrementalMixin:
    """The step-by-step training methods of :class:`~oneneuron.LogisticRegression`."""

    # The methods take self as the estimator they are part of (the functions they call
    # take one), as PredictionMixin's do; mypy's check that a mixin's self type is a
    # supertype of the mixin is silenced on each.

    def fit_iter(  # type: ignore[misc]
        self: LogisticRegression,
        X: Any,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        *,
        coef_init: ArrayLike | None = None,
        intercept_init: float | ArrayLike | None = None,
        eval_set: tuple[ArrayLike, ArrayLike] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Train step by step: a generator of history records, one per iteration.

        Takes the arguments of :meth:`fit`. It yields the record of the starting point,
        then one record per iteration (epoch for "sgd"); after each yield, ``coef_``,
        ``intercept_``, ``n_iter_`` and ``history_`` describe the model so far, so it can
        be drawn, scored or saved mid-training. Training ends as :meth:`fit` would (at
        ``tol``, ``max_iter`` or early stopping); with ``tol=None`` and a large
        ``max_iter`` it runs for as long as it is asked. Stop it early with ``break`` or
        ``.close()``: the model keeps the last yielded weights.

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from oneneuron import LogisticRegression
        >>> X, y = make_blobs(n_samples=100, centers=2, random_state=0)
        >>> model = LogisticRegression(solver="gd", tol=None, max_iter=10**9)
        >>> for record in model.fit_iter(X, y):
        ...     if record["iteration"] == 20:
        ...         break
        >>> model.n_iter_
        20
        """
        if self.firth:
            raise ValueError(
                "fit_iter trains step by step with oneneuron's solvers; "
                "firth=True is fitted by logistf's iteration: use fit"
            )
        plan = _fitting.plan(self, X, y, sample_weight, coef_init, intercept_init, eval_set, ())
        steps = iterate(*plan.args, **plan.kwargs)
        self.history_ = History(unit=plan.unit)
        self.solver_ = plan.name
        self.converged_ = False
        self.stop_reason_ = "interrupted"
        self._sgd_state: StochasticGradientDescent | None = None
        while True:
            try:
                with plan.objective.single_blas():
                    record, theta = next(steps)
            except StopIteration as done:
                _fitting.finish(self, plan, done.value)
                return
            _fitting.store(self, theta, plan.param)
            self.n_iter_ = int(record["iteration"])
            self.history_.append(record)
            yield dict(record)

    def partial_fit(  # type: ignore[misc]
        self: LogisticRegression,
        X: ArrayLike,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> LogisticRegression:
        """One epoch of mini-batch SGD over (X, y), continuing from the current weights.

        ``classes`` (both labels) is required on the first call.

        With ``standardize=True`` the first call's column statistics (``x_mean_``,
        ``x_scale_``) are kept for every later call: they fix the coordinates the SGD
        state (momentum) and the penalty live in, so they cannot follow the stream. Give
        a representative first chunk, or standardise the stream yourself (for instance
        with statistics from a sample) and leave ``standardize=False``.
        ``class_weight="balanced"`` is refused (it needs the class counts of all the
        data): pass weights computed from a sample of the labels as a dict.
        """
        _partial_fit.sgd_epoch(self, X, y, classes, sample_weight)
        return self
