"""The regularisation path: the coefficients for a decreasing sequence of penalties.

``path(X, y)`` starts at ``alpha_max``, the smallest alpha whose optimum has every weight
at exactly 0, and walks down a log-spaced grid, each fit warm-started from the previous
one (glmnet's pathwise strategy): consecutive optima are close, so each fit takes a few
proximal Newton steps on a small working set.

With the intercept fitted (and unpenalised), the optimum at ``w = 0`` has the intercept
``b0 = logit(ybar)``, ``ybar = sum_i s_i y_i / sum_i s_i``, and ``w = 0`` stays optimal
exactly while ``|dJ/dw_j (0, b0)| <= alpha l1_ratio`` for every j, so

    alpha_max = max_j |sum_i s_i (ybar - y_i) x~_ij| / (l1_ratio sum_i s_i)

(``x~`` the standardised features with ``standardize=True``; without an intercept,
``ybar`` is replaced by 1/2). Every quantity comes from one evaluation of the objective, so
this works on any data source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .objective import Objective
from .penalties import make_penalty
from .solvers import run

__all__ = ["RegularizationPath", "alpha_grid", "alpha_max", "path"]

Array = NDArray[np.float64]


@dataclass
class RegularizationPath:
    """Coefficients along a regularisation path (raw-feature units).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing penalty strengths.
    coef : ndarray of shape (n_alphas, n_features)
    intercept : ndarray of shape (n_alphas,)
    l1_ratio : float
    n_iter : ndarray of int, shape (n_alphas,)
        Solver iterations for each alpha (warm-started).
    converged : ndarray of bool, shape (n_alphas,)
    alpha_max : float
        The smallest alpha with every weight at 0 (inf when ``l1_ratio`` is 0).
    feature_names : list of str
    classes : ndarray of shape (2,)
    scale : ndarray of shape (n_features,) or None
        The feature scales with ``standardize=True`` (``coef * scale`` are the weights
        the penalty acts on), else None.
    """

    alphas: Array
    coef: Array
    intercept: Array
    l1_ratio: float
    n_iter: NDArray[np.int64]
    converged: NDArray[np.bool_]
    alpha_max: float
    feature_names: list[str] = field(default_factory=list)
    classes: NDArray[Any] = field(default_factory=lambda: np.array([0, 1]))
    scale: Array | None = None

    @property
    def n_nonzero(self) -> NDArray[np.int64]:
        """The number of non-zero weights at each alpha, shape (n_alphas,)."""
        return np.count_nonzero(self.coef, axis=1)

    def to_frame(self) -> Any:
        """A DataFrame: one row per alpha; columns alpha, n_nonzero, intercept, features."""
        import pandas as pd

        frame = pd.DataFrame(self.coef, columns=self.feature_names)
        frame.insert(0, "intercept", self.intercept)
        frame.insert(0, "n_nonzero", self.n_nonzero)
        frame.insert(0, "alpha", self.alphas)
        return frame

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the path (see :func:`oneneuron.plotting.plot_path`); returns the Axes."""
        from .plotting import plot_path

        return plot_path(self, ax=ax, **kwargs)


def _setup(X: Any, y: Any, sample_weight: Any, l1_ratio: float, params: dict[str, Any]) -> Any:
    """The checked objective and the estimator bookkeeping, built once for the whole path."""
    from . import _fitting
    from .estimator import LogisticRegression

    est = LogisticRegression(alpha=1.0, l1_ratio=l1_ratio, **params)
    plan = _fitting.plan(est, X, y, sample_weight, None, None, None, ())
    if len(est.classes_) > 2:
        raise ValueError(
            "Only binary classification is supported by the path and LogisticRegressionCV; "
            f"y has {len(est.classes_)} classes (fit LogisticRegression at chosen alphas)"
        )
    return est, plan


def _start(obj: Objective) -> Array:
    """theta at w = 0 with the optimal intercept ``logit(ybar)`` (0 without an intercept)."""
    theta = np.zeros(obj.n_params)
    if obj.fit_intercept:
        # at theta = 0 every p_i is 1/2, so dJ/db = 1/2 - ybar
        ybar = min(max(0.5 - float(obj.evaluate(theta).grad[-1]), 1e-300), 1 - 1e-16)
        theta[-1] = np.log(ybar) - np.log1p(-ybar)
    return theta


def _alpha_max(obj: Objective, l1_ratio: float) -> tuple[float, Array]:
    saved = obj.penalty
    obj.penalty = make_penalty(0.0)
    try:
        theta = _start(obj)
        grad = obj.evaluate(theta).grad[: obj.n_features]
    finally:
        obj.penalty = saved
    top = float(np.max(np.abs(grad))) if grad.size else 0.0
    if l1_ratio == 0:
        return float("inf"), theta
    return top / l1_ratio, theta


def alpha_max(
    X: Any,
    y: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    *,
    l1_ratio: float = 1.0,
    **params: Any,
) -> float:
    """The smallest alpha at which every weight of the optimum is exactly 0.

    Parameters
    ----------
    X, y, sample_weight
        As for :meth:`oneneuron.LogisticRegression.fit` (any data source).
    l1_ratio : float in (0, 1]
    **params
        ``fit_intercept``, ``standardize``, ``class_weight`` of the model.

    Returns
    -------
    float
        See the module docstring for the formula.
    """
    if not 0 < l1_ratio <= 1:
        raise ValueError(f"alpha_max needs an L1 part: l1_ratio in (0, 1]; got {l1_ratio!r}")
    _, plan = _setup(X, y, sample_weight, l1_ratio, params)
    return _alpha_max(plan.objective, l1_ratio)[0]


def alpha_grid(top: float, n_alphas: int = 100, eps: float = 1e-3) -> Array:
    """``n_alphas`` values from ``top`` down to ``eps * top``, evenly spaced in log."""
    if n_alphas < 1:
        raise ValueError(f"n_alphas must be an integer >= 1; got {n_alphas!r}")
    if not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1), e.g. 1e-3; got {eps!r}")
    return top * np.logspace(0.0, np.log10(eps), n_alphas)


def path(
    X: Any,
    y: ArrayLike | None = None,
    alphas: ArrayLike | None = None,
    *,
    l1_ratio: float = 1.0,
    n_alphas: int = 100,
    eps: float = 1e-3,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    class_weight: Any = None,
    tol: float = 1e-6,
    max_iter: int | None = None,
    solver: str = "auto",
) -> RegularizationPath:
    """Fit the model for a decreasing sequence of alphas, each warm-started from the last.

    Parameters
    ----------
    X, y, sample_weight
        As for :meth:`oneneuron.LogisticRegression.fit`: arrays, DataFrames, sparse
        matrices, or a data source (then y and sample_weight are None).
    alphas : array-like, optional
        Penalty strengths (sorted into decreasing order). Default: ``n_alphas`` values
        from :func:`alpha_max` down to ``eps * alpha_max``, log-spaced.
    l1_ratio : float in [0, 1], default=1.0
        The L1 share (1: the lasso). The default grid needs ``l1_ratio > 0``.
    n_alphas : int, default=100
    eps : float, default=1e-3
    fit_intercept, standardize, class_weight, tol, max_iter, solver
        As for :class:`~oneneuron.LogisticRegression`; ``solver="auto"`` is proximal
        Newton with an L1 part.

    Returns
    -------
    RegularizationPath
    """
    params = dict(
        fit_intercept=fit_intercept,
        standardize=standardize,
        class_weight=class_weight,
        tol=tol,
        max_iter=max_iter,
        solver=solver,
    )
    from . import _fitting

    est, plan = _setup(X, y, sample_weight, l1_ratio, params)
    obj = plan.objective
    top, theta = _alpha_max(obj, l1_ratio)
    if alphas is None:
        if l1_ratio == 0:
            raise ValueError("the default grid starts at alpha_max, which needs l1_ratio > 0")
        grid = alpha_grid(top, n_alphas, eps)
    else:
        grid = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
        if grid.size == 0 or not np.all(np.isfinite(grid)) or grid[-1] < 0:
            raise ValueError("alphas must be finite numbers >= 0 (at least one)")
    param = _fitting.parametrization(est, obj.n_features)
    coef = np.zeros((grid.size, obj.n_features))
    intercept = np.zeros(grid.size)
    n_iter = np.zeros(grid.size, dtype=np.int64)
    converged = np.zeros(grid.size, dtype=bool)
    for i, a in enumerate(grid):
        est.alpha = float(a)
        obj.penalty = make_penalty(float(a), l1_ratio)
        algorithm = _fitting.make_solver(est, plan.name, None)
        result = run(algorithm, obj, theta, tol=tol, max_iter=_fitting.max_iter(est, plan.name))
        theta = np.asarray(result.theta, dtype=np.float64)
        coef[i], intercept[i] = param.raw(theta)
        n_iter[i], converged[i] = result.n_iter, result.converged
    names = getattr(est, "feature_names_in_", None)
    return RegularizationPath(
        alphas=grid,
        coef=coef,
        intercept=intercept,
        l1_ratio=float(l1_ratio),
        n_iter=n_iter,
        converged=converged,
        alpha_max=top,
        feature_names=[str(v) for v in names]
        if names is not None
        else [f"x{j + 1}" for j in range(obj.n_features)],
        classes=np.asarray(est.classes_),
        scale=None if est.x_scale_ is None else np.asarray(est.x_scale_, dtype=np.float64),
    )
