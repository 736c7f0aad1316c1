"""``LogisticRegression(firth=True).fit``: the estimator's bookkeeping around a Firth fit.

The maths is :mod:`oneneuron.firth` (logistf's modified Newton iteration); this module
checks what Firth's model can take, runs it, and stores the estimator's fitted attributes
as :mod:`oneneuron._fitting` does for the other solvers.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.exceptions import ConvergenceWarning

from ._coefficients import set_scaling, store
from ._fit_checks import check_multiclass, check_Xy, weights
from ._numerics import logit
from ._params import check_params
from ._validation import check_finite, check_finite_sparse, encode_binary_labels, encode_labels
from .data import Source, is_dask, make_source
from .history import History

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["DEFAULT_ALPHA", "FIRTH_MAX_ITER", "fit_firth"]

#: ``max_iter`` of a Firth fit when none is given (logistf's default is 25).
FIRTH_MAX_ITER = 100
#: The estimator's default alpha: with firth=True it is not used, and not worth a warning.
DEFAULT_ALPHA = 1e-4


def _refuse(est: LogisticRegression, X: Any, eval_set: Any, callbacks: Sequence[Any]) -> None:
    """What Firth's model cannot take, each named with what to do instead."""
    if est.l1_ratio != 0:
        raise ValueError(
            f"firth=True is Firth's penalty (Jeffreys' prior), not an L1 one; got "
            f"l1_ratio={float(est.l1_ratio):g}: set l1_ratio=0, or firth=False for the elastic net"
        )
    if est.solver not in ("auto", "newton"):
        raise ValueError(
            f"firth=True is fitted by logistf's modified Newton iteration; got "
            f"solver={est.solver!r}: use 'auto' or 'newton'"
        )
    if isinstance(X, Source) or is_dask(X):
        raise ValueError(
            "firth=True needs X in memory (arrays, DataFrames, scipy.sparse matrices): each "
            "iteration inverts the information matrix and reads per-row leverages; got "
            f"{type(X).__name__}"
        )
    if est.early_stopping or eval_set is not None or len(callbacks):
        raise ValueError(
            "firth=True takes no early_stopping, eval_set or callbacks: its iteration runs "
            "to the exact estimate in a few Newton steps"
        )
    if est.alpha not in (0, DEFAULT_ALPHA):
        warnings.warn(
            f"firth=True replaces the L2 penalty: alpha={float(est.alpha):g} is not used",
            UserWarning,
            stacklevel=4,
        )


def fit_firth(
    est: LogisticRegression,
    X: Any,
    y: Any,
    sample_weight: Any,
    coef_init: ArrayLike | None,
    intercept_init: Any,
    eval_set: Any,
    callbacks: Sequence[Any],
) -> None:
    """Fit Firth's model and set the estimator's fitted attributes.

    The iteration runs to the exact root of the modified score, whatever ``tol`` is
    (logistf's stopping rule with tolerances of 1e-10 instead of 1e-5, or a Newton
    decrement below 1e-20: a step or two more of a fast iteration, for estimates equal to
    logistf's to every digit it prints), or to ``max_iter``; ``tol`` is not used. The
    history holds the start and the end, with ``J = -l*(theta) / sum_i s_i``.
    """
    from ._firth_model import _fit, _names, _problem, _result

    check_params(est.get_params(deep=False))
    _refuse(est, X, eval_set, callbacks)
    started = time.perf_counter()
    Xc, yc = check_Xy(est, X, y, reset=True)
    classes, _ = encode_labels(yc)
    check_multiclass(est, len(classes))
    est.classes_, y01 = encode_binary_labels(yc)
    if hasattr(Xc, "tocsr"):
        check_finite_sparse(Xc)
    else:
        check_finite(Xc)
    sw, _ = weights(est, yc, y01, sample_weight, normalise=False)  # weights count rows here
    set_scaling(est, make_source(Xc, y01, sw))  # kept for the record: Firth is invariant
    lik = _problem(Xc, y01, sw, est.fit_intercept)
    d = lik.design.d
    names = _names(d, est.fit_intercept, getattr(est, "feature_names_in_", None))
    theta0 = np.zeros(lik.n_params)
    if coef_init is not None:
        theta0[:d] = np.asarray(coef_init, dtype=float).reshape(-1)
    if intercept_init is not None and est.fit_intercept:
        theta0[d] = float(np.asarray(intercept_init, dtype=float).reshape(-1)[0])
    weight_sum = float(lik.s.sum())
    if weight_sum <= 0:
        raise ValueError("sample_weight sums to 0: there is nothing to fit")
    steps = FIRTH_MAX_ITER if est.max_iter is None else int(est.max_iter)
    start = lik.at(theta0)
    optimum, point = _fit(lik, theta0, names, max_iter=steps)
    result = _result(optimum, point, est.fit_intercept, names)
    store_raw(est, result.theta)
    cut = logit(est.threshold)
    elapsed = time.perf_counter() - started
    records = [
        _record(0, start, lik, weight_sum, cut, 0.0),
        _record(optimum.n_iter, point, lik, weight_sum, cut, elapsed),
    ]
    est.history_ = History(records)
    est.n_iter_ = int(optimum.n_iter)
    est.converged_ = bool(optimum.converged)
    est.solver_ = "newton"
    est.stop_reason_ = "tol" if optimum.converged else "max_iter"
    est._sgd_state = None
    if not optimum.converged:
        warnings.warn(
            f"Firth's iteration reached max_iter={steps} before its exact root (max |modified "
            f"score| / sum of weights is {records[-1]['grad_max']:.3g}); raise max_iter",
            ConvergenceWarning,
            stacklevel=3,
        )


def store_raw(est: LogisticRegression, theta: Any) -> None:
    """``coef_`` and ``intercept_`` from raw ``[w, b]`` (Firth fits the raw features)."""
    saved = est.x_mean_, est.x_scale_
    est.x_mean_ = est.x_scale_ = None  # theta is raw: store it through the identity map
    try:
        store(est, np.asarray(theta, dtype=np.float64))
    finally:
        est.x_mean_, est.x_scale_ = saved


def _record(
    iteration: int, point: Any, lik: Any, weight_sum: float, z_threshold: float, seconds: float
) -> dict[str, Any]:
    """A history record in the units of every solver: J = -l* / S and its gradient."""
    z = lik.design.logits(point.theta)
    correct = int(np.count_nonzero((z >= z_threshold) == (lik.y == 1)))
    return {
        "iteration": iteration,
        "loss": -point.value / weight_sum,
        "accuracy": correct / lik.design.n,
        "grad_max": float(np.max(np.abs(point.score))) / weight_sum,
        "time": seconds,
    }
