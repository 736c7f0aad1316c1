"""partial_fit: one epoch of mini-batch SGD from the current weights, its checks and
bookkeeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _scaling
from ._coefficients import set_scaling, store, to_theta
from ._fit_checks import check_multiclass, check_Xy, weights
from ._messages import listing
from ._params import check_params
from ._solver_setup import make_solver, objective
from ._validation import as_generator, check_labels, encode_labels
from .data import make_source
from .history import History

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["sgd_epoch"]


def sgd_epoch(est: LogisticRegression, X: Any, y: Any, classes: Any, sample_weight: Any) -> None:
    """One epoch of mini-batch SGD over (X, y) from the current weights (partial_fit)."""
    first = not hasattr(est, "classes_")
    if est.firth:
        raise ValueError("partial_fit takes SGD steps; firth=True is fitted by fit only")
    if isinstance(est.class_weight, str) and est.class_weight == "balanced":
        raise ValueError(
            "class_weight='balanced' needs the class counts of all the data, which "
            "partial_fit never sees at once; compute weights from a representative sample "
            "of the labels, e.g. sklearn.utils.class_weight.compute_class_weight('balanced', "
            "classes=classes, y=y_sample), and pass them as class_weight={label: weight}"
        )
    if first:
        check_params(est.get_params(deep=False))
        if classes is None:
            raise ValueError("classes must be given on the first call to partial_fit")
    Xc, yc = check_Xy(est, X, y, reset=first)
    if first:
        classes = np.unique(check_labels(classes, "classes"))
        if len(classes) < 2:
            raise ValueError(f"classes must hold at least two labels; got {listing(classes)}")
        check_multiclass(est, len(classes))
        est.classes_ = classes
    _, y01 = encode_labels(yc, est.classes_)
    sw, _ = weights(est, yc, y01, sample_weight)
    source = make_source(Xc, y01, sw, n_classes=len(est.classes_))
    if first:
        absmax = set_scaling(est, source, _scaling.sample_absmax(source))
        _scaling.coordinates(
            absmax, standardize=bool(est.standardize), exact=False, alpha=0.0, solver="sgd"
        )
        est._sgd_state = None
        est.history_ = History(unit="epoch")
        est.n_iter_ = 0
    obj = objective(est, source, check=not (first and est.standardize))
    if hasattr(est, "coef_"):
        theta = to_theta(est, est.coef_, est.intercept_, source.n_features)
    else:
        theta = np.zeros(obj.n_params)
    state = getattr(est, "_sgd_state", None)
    if state is None:
        state = est._sgd_state = make_solver(est, "sgd", as_generator(est.random_state))
        state.start(obj, theta)
    theta = state.epoch(obj, theta)
    ev = obj.evaluate(theta)
    store(est, theta)
    est.n_iter_ += 1
    est.converged_ = False
    est.solver_ = "sgd"
    est.history_.append(
        {
            "iteration": est.n_iter_,
            "loss": ev.loss,
            "accuracy": ev.accuracy,
            "grad_max": ev.grad_max,
            "time": 0.0,
        }
    )
