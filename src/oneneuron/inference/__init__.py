"""Statistical inference for a fitted logistic model: standard errors, tests, intervals.

>>> from oneneuron import LogisticRegression
>>> model = LogisticRegression(alpha=0, solver="newton", tol=1e-10).fit(X, y)  # doctest: +SKIP
>>> print(model.summary(X, y))                                                  # doctest: +SKIP

:func:`summary` gives a :class:`Summary` (coefficients, standard errors, z, p-values,
intervals, log-likelihoods, AIC/BIC, odds ratios); :func:`conf_int` the intervals alone,
Wald or profile-likelihood. Covariance types: "nonrobust" (inverse information), "HC0",
"HC1" and "cluster" sandwiches (see :mod:`._covariance` for the formulas). X may be a
dense array or a scipy.sparse matrix; it is never densified.

The formulas, the penalty convention and the comparisons with statsmodels and R's
logistf are in ``docs/inference.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._compute import (
    CI_METHODS,
    OPTIMUM_WARN,
    PENALTY_SHIFT_WARN,
    NotAtOptimumWarning,
    PenaltyWarning,
    _firth_summary,
    _stats,
    _summary,
)
from ._covariance import COV_TYPES, SingularInformationError
from ._design import Design, as_design_matrix, single_blas
from ._likelihood import Logistic
from ._model import ModelView
from ._profile import ProfileError
from ._summary import Summary

__all__ = [
    "COV_TYPES",
    "OPTIMUM_WARN",
    "PENALTY_SHIFT_WARN",
    "NotAtOptimumWarning",
    "PenaltyWarning",
    "ProfileError",
    "SingularInformationError",
    "Summary",
    "conf_int",
    "fit_stats",
    "summary",
]


def fit_stats(
    X: Any,
    y01: ArrayLike,
    sample_weight: ArrayLike | None,
    coef: ArrayLike,
    intercept: float,
    fit_intercept: bool,
) -> dict[str, Any]:
    """What ``summary()`` needs from the data, computed once (e.g. at the end of ``fit``).

    Parameters
    ----------
    X : ndarray of shape (n, d) or scipy.sparse matrix
        Raw features.
    y01 : array-like of shape (n,)
        Labels in {0, 1}.
    sample_weight : array-like of shape (n,) or None
        s_i, class weights included.
    coef : array-like of shape (d,) or (1, d)
        Raw-feature coefficients.
    intercept : float
    fit_intercept : bool

    Returns
    -------
    dict
        ``information``: (k, k) unpenalised Fisher information, parameters ordered
        ``[w_1..w_d, b]``, ``sum_i s_i p_i (1 - p_i) x~_i x~_i^T`` (not divided by N);
        ``llf``: log-likelihood at (coef, intercept); ``llnull``: log-likelihood of the
        intercept-only model (all logits 0 without intercept); ``nobs``: rows;
        ``weight_sum``: ``sum_i s_i``.
    """
    design = Design(as_design_matrix(X), fit_intercept)
    y = np.asarray(y01, dtype=np.float64).ravel()
    s = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).ravel()
    theta = np.asarray(coef, dtype=np.float64).reshape(-1)
    if fit_intercept:
        theta = np.append(theta, float(intercept))
    with single_blas(design.X):
        return _stats(Logistic(design, y, s, None), theta)


def summary(
    model: Any,
    X: Any = None,
    y: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    *,
    cov_type: str = "nonrobust",
    groups: ArrayLike | None = None,
    level: float = 0.95,
    ci_method: str = "wald",
) -> Summary:
    """Standard errors, z tests, p-values and intervals of a fitted logistic model.

    Parameters
    ----------
    model : oneneuron.LogisticRegression
        Fitted; ``classes_[1]`` is the positive class.
    X : ndarray of shape (n, d), scipy.sparse matrix or DataFrame, optional
        The training features. Needed for robust covariances, clusters, profile
        intervals, Firth's model, or a model that keeps no information matrix
        (``model._fit_stats``, kept by ``fit`` when it ended on an exact Newton
        Hessian); otherwise optional.
    y : array-like of shape (n,), optional
        The training labels (the model's own labels).
    sample_weight : array-like of shape (n,), optional
        The training weights; the model's ``class_weight`` is applied on top, as in fit.
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}
    groups : array-like of shape (n,), optional
        Cluster labels, for ``cov_type="cluster"``.
    level : float in (0, 1)
        Confidence level of the intervals.
    ci_method : {"wald", "profile"}
        Wald intervals ``coef +- z std_err``, or profile-likelihood intervals.

    Returns
    -------
    Summary

    Warns
    -----
    PenaltyWarning
        When ``alpha > 0`` and the penalty moved some estimate by more than
        :data:`PENALTY_SHIFT_WARN` standard errors.
    NotAtOptimumWarning
        When a Newton step from the model's estimate, on the data given, would move it by
        more than :data:`OPTIMUM_WARN` standard errors: not the training data (or not its
        weights), or a fit that stopped early.

    Notes
    -----
    With ``z = X~ theta``, ``p = expit(z)`` and weights ``s_i``, the information is
    ``I = X~^T diag(s p (1 - p)) X~``. The model's objective is mean-normalised with an
    L2 penalty, so on the log-likelihood scale the penalty is
    ``P = alpha N diag(scale^2, 0)`` (N = sum s_i; scale = ``x_scale_`` or 1), and the
    covariance basis is the penalised information ``H = I + P``: "nonrobust" is
    ``H^-1`` (the curvature of the penalised log-likelihood, i.e. the Laplace
    approximation of the posterior under the Gaussian prior the penalty is); the
    sandwiches use ``H^-1`` as bread. ``penalty_shift = max_j |(I^-1 P theta)_j| / se_j``
    estimates how far the penalty moved the estimates. With alpha = 0, this is
    classical maximum-likelihood inference (statsmodels' ``Logit``).

    A penalised model is summarised, not refused (``LogisticRegression()`` has
    alpha=1e-4): the table states the penalty and its shift, and a PenaltyWarning says
    when the shift exceeds PENALTY_SHIFT_WARN, because then the p-values test the
    shrunken estimate and are not classical tests; refit with alpha=0 for those.
    """
    if cov_type not in COV_TYPES:
        raise ValueError(f"unknown cov_type {cov_type!r}; valid: {', '.join(COV_TYPES)}")
    if ci_method not in CI_METHODS:
        raise ValueError(f"unknown ci_method {ci_method!r}; valid: {', '.join(CI_METHODS)}")
    if not (isinstance(level, (int, float)) and 0.0 < level < 1.0):
        raise ValueError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
    if groups is not None and cov_type != "cluster":
        raise ValueError(f"groups are used only with cov_type='cluster'; got {cov_type!r}")
    view = ModelView.of(model, "summary")
    with single_blas(X):
        if view.firth:
            return _firth_summary(view, X, y, sample_weight, cov_type, level)
        return _summary(view, X, y, sample_weight, cov_type, groups, level, ci_method)


def conf_int(
    model: Any,
    X: Any = None,
    y: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    *,
    level: float = 0.95,
    method: str = "wald",
    cov_type: str = "nonrobust",
    groups: ArrayLike | None = None,
) -> pd.DataFrame:
    """Confidence intervals, one row per parameter (intercept first).

    Parameters are those of :func:`summary`; ``method`` is "wald" (``coef +- z se``
    with the ``cov_type`` covariance) or "profile": the set of values t with
    ``2 (l(theta^) - l_p(t)) <= chi2_1(level)``, l_p the profile (penalised)
    log-likelihood with the other parameters re-optimised, found by root finding.

    Returns
    -------
    DataFrame
        Columns ``ci_lower``, ``ci_upper``.

    Raises
    ------
    ProfileError
        When a profile limit cannot be bracketed (it names the parameter and why).
    """
    if method not in CI_METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(CI_METHODS)}")
    result = summary(
        model,
        X,
        y,
        sample_weight,
        cov_type=cov_type,
        groups=groups,
        level=level,
        ci_method=method,
    )
    return result.to_frame()[["ci_lower", "ci_upper"]]
