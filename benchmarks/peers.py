"""One adapter per library: fit ``J = mean log-loss + alpha/2 ||w||^2`` with an effort knob.

Every adapter is ``fit(X, y, alpha, effort) -> (coef, intercept)``: a fresh, cold fit (no
warm start) whose amount of work grows with ``effort`` (iterations or epochs). The
benchmark searches the smallest effort that reaches the target suboptimality and times
that fit, so every library is timed doing the same thing: a complete ``fit`` call.

scikit-learn's ``C`` is ``1 / (alpha n)``; ``SGDClassifier``'s ``alpha`` is ours.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning

Array = NDArray[np.floating]
Fit = Callable[[Array, NDArray[np.integer], float, int], tuple[Array, float]]

#: liblinear penalises the intercept as a weight of the constant feature
#: ``intercept_scaling``; a large scaling makes that penalty negligible on our J.
LIBLINEAR_INTERCEPT_SCALING = 100.0


@dataclass
class Peer:
    """A solver in the race."""

    name: str
    fit: Fit
    max_effort: int
    stochastic: bool = False  # not expected to reach 1e-6: report the best it got
    float32: bool = False  # fit on a float32 copy of X (made before timing)
    hessian: bool = False  # forms a d x d Hessian (left out when d is large)


def _quiet(fn: Callable[[], object]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        fn()


def oneneuron(solver: str) -> Fit:
    def fit(X: Array, y: NDArray[np.integer], alpha: float, effort: int) -> tuple[Array, float]:
        from oneneuron import LogisticRegression

        m = LogisticRegression(solver=solver, alpha=alpha, tol=0.0, max_iter=effort)
        _quiet(lambda: m.fit(X, y))
        return np.asarray(m.coef_[0], float), float(m.intercept_[0])

    return fit


def sklearn_logistic(solver: str) -> Fit:
    def fit(X: Array, y: NDArray[np.integer], alpha: float, effort: int) -> tuple[Array, float]:
        from sklearn.linear_model import LogisticRegression

        kw: dict[str, object] = {"tol": 0.0}
        if solver == "liblinear":  # needs tol > 0
            kw.update(intercept_scaling=LIBLINEAR_INTERCEPT_SCALING, tol=1e-15)
        if solver == "saga":
            kw["random_state"] = 0
        m = LogisticRegression(C=1.0 / (alpha * X.shape[0]), solver=solver, max_iter=effort, **kw)
        _quiet(lambda: m.fit(X, y))
        return np.asarray(m.coef_[0], float), float(m.intercept_[0])

    return fit


def sklearn_sgd(X: Array, y: NDArray[np.integer], alpha: float, effort: int) -> tuple[Array, float]:
    from sklearn.linear_model import SGDClassifier

    m = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=effort, tol=None, random_state=0)
    _quiet(lambda: m.fit(X, y))
    return np.asarray(m.coef_[0], float), float(m.intercept_[0])


def peers(float32: bool = True) -> list[Peer]:
    """Every contender, oneneuron's default ("auto") first."""
    out = [
        Peer("oneneuron auto", oneneuron("auto"), 100),
        Peer("oneneuron newton", oneneuron("newton"), 100, hessian=True),
        Peer("oneneuron lbfgs", oneneuron("lbfgs"), 2000),
        Peer("sklearn lbfgs", sklearn_logistic("lbfgs"), 2000),
        Peer("sklearn newton-cholesky", sklearn_logistic("newton-cholesky"), 100, hessian=True),
        Peer("sklearn liblinear", sklearn_logistic("liblinear"), 1000),
        Peer("sklearn saga", sklearn_logistic("saga"), 1000),
        Peer("sklearn SGDClassifier", sklearn_sgd, 256, stochastic=True),
    ]
    if float32:
        out.insert(3, Peer("oneneuron auto, float32 X", oneneuron("auto"), 100, float32=True))
    return out
