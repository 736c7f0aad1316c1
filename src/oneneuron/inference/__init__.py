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

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.special import xlogy

from ._covariance import COV_TYPES, SingularInformationError, invert_information, sandwich
from ._design import Design, as_design_matrix, single_blas
from ._likelihood import Logistic, maximise, solve_pd
from ._model import Data, ModelView, resolve_data
from ._profile import ProfileError, profile_limits
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

Array = NDArray[np.float64]

#: With alpha > 0, warn when the penalty moved some estimate by more than this many
#: standard errors (one-step estimate): then p-values and intervals are not classical.
PENALTY_SHIFT_WARN = 0.05

CI_METHODS = ("wald", "profile")


#: Warn when a Newton step from the model's estimate would move it by more than this many
#: standard errors (wrong data, missing sample_weight, or a fit stopped early).
OPTIMUM_WARN = 0.1


class PenaltyWarning(UserWarning):
    """The L2 penalty moved the estimates enough that classical p-values mislead."""


class NotAtOptimumWarning(UserWarning):
    """The model's coefficients are not the maximum of the likelihood of the data given."""


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


def _stats(lik: Logistic, theta: Array) -> dict[str, Any]:
    return _stats_and_residuals(lik, theta)[0]


def _stats_and_residuals(lik: Logistic, theta: Array) -> tuple[dict[str, Any], Array]:
    """fit_stats' dict, and the residuals ``y - p`` at theta."""
    design = lik.design
    llf, resid, var = lik.loglik_terms(design.logits(theta))
    s = lik.s
    weight_sum = float(s.sum())
    if design.fit_intercept:
        mean = float(s @ (lik.sign < 0)) / weight_sum
        llnull = float(weight_sum * (xlogy(mean, mean) + xlogy(1 - mean, 1 - mean)))
    else:
        llnull = -weight_sum * float(np.log(2.0))
    stats_ = {
        "information": design.gram(s * var),
        "llf": llf,
        "llnull": llnull,
        "nobs": design.n,
        "weight_sum": weight_sum,
    }
    return stats_, resid


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
        (``model._fit_stats``, kept by ``fit`` for small models); otherwise optional.
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


def _summary(
    view: ModelView,
    X: Any,
    y: Any,
    sample_weight: Any,
    cov_type: str,
    groups: Any,
    level: float,
    ci_method: str,
) -> Summary:
    data = resid = None
    if X is not None:
        data = resolve_data(view, X, y, sample_weight)
        lik = Logistic(data.design, data.y01, data.sample_weight, None)
        fstats, resid = _stats_and_residuals(lik, view.theta)
    else:
        fstats = _stored_stats(view, cov_type, ci_method, y, sample_weight)
    weight_sum = float(fstats["weight_sum"])
    penalty = view.penalty(weight_sum)
    information = np.asarray(fstats["information"], dtype=np.float64)
    H = information if penalty is None else information + np.diag(penalty)
    bread = invert_information(H, view.names)
    n_groups = None
    if data is not None and resid is not None:
        _check_optimum(view, data, resid, penalty, bread)
    if cov_type == "nonrobust":
        cov = bread
    else:
        assert data is not None and resid is not None
        cov, n_groups = sandwich(data.design, resid, data.sample_weight, bread, cov_type, groups)
    se = np.sqrt(np.diag(cov))
    shift = _penalty_shift(view, information, penalty, se)
    notes = []
    if penalty is not None:
        notes.append(
            f"L2 penalty alpha={view.alpha:g}: covariance from the penalised information; "
            f"the penalty moved the estimates by up to {shift:.3g} standard errors."
        )
        if not shift <= PENALTY_SHIFT_WARN:
            message = (
                f"the L2 penalty (alpha={view.alpha:g}) moved the estimates by up to "
                f"{shift:.3g} standard errors, more than {PENALTY_SHIFT_WARN:g}: the "
                "p-values and intervals describe the shrunken, penalised estimate and are "
                "not classical tests or coverage statements; refit with alpha=0 for those"
            )
            warnings.warn(message, PenaltyWarning, stacklevel=3)
            notes.append("The p-values are not classical tests (see the PenaltyWarning).")
    lower, upper = _wald(view.theta, se, level)
    ci_label = "wald"
    if ci_method == "profile":
        assert data is not None
        lower, upper = _profile_intervals(view, data, penalty, se, level)
        ci_label = "profile " + ("penalised " if penalty is not None else "") + "likelihood"
    method = "maximum likelihood" if penalty is None else "L2-penalised maximum likelihood"
    z = view.theta / se
    return _build(
        view,
        response=getattr(y, "name", None),
        coef=view.theta,
        se=se,
        z=z,
        p=2.0 * stats.norm.sf(np.abs(z)),
        lower=lower,
        upper=upper,
        cov=cov,
        llf=float(fstats["llf"]),
        llnull=float(fstats["llnull"]),
        nobs=int(fstats["nobs"]),
        weight_sum=weight_sum,
        cov_type=cov_type,
        level=level,
        ci_method=ci_label,
        method=method,
        shift=shift,
        n_groups=n_groups,
        notes=notes,
    )


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


# ---------------------------------------------------------------------- helpers
def _stored_stats(
    view: ModelView, cov_type: str, ci_method: str, y: Any, sample_weight: Any
) -> dict[str, Any]:
    if y is not None or sample_weight is not None:
        raise ValueError("y and sample_weight need X: pass the training X with them")
    if cov_type != "nonrobust" or ci_method != "wald":
        need = f"cov_type={cov_type!r}" if cov_type != "nonrobust" else "ci_method='profile'"
        raise ValueError(f"summary with {need} needs the training data: pass X and y")
    fstats = getattr(view.model, "_fit_stats", None)
    if not fstats:
        raise ValueError(
            "this model keeps no information matrix (it is kept only for small models); "
            "pass the training data: summary(X, y)"
        )
    k = view.theta.size
    if np.shape(fstats["information"]) != (k, k):
        raise ValueError(
            f"the model's stored information is {np.shape(fstats['information'])}, not "
            f"({k}, {k}); pass the training data: summary(X, y)"
        )
    return dict(fstats)


def _check_optimum(
    view: ModelView, data: Data, resid: Array, penalty: Array | None, bread: Array
) -> None:
    """Warn when a Newton step from the model's estimate would move it by more than
    :data:`OPTIMUM_WARN` standard errors: the data are not the training data (or its
    sample_weight is missing), or the fit stopped far from the optimum."""
    s = np.ones(data.design.n) if data.sample_weight is None else data.sample_weight
    score = data.design.rmatvec(s * resid)
    if penalty is not None:
        score = score - penalty * view.theta
    step = np.abs(bread @ score) / np.sqrt(np.diag(bread))
    worst = int(np.argmax(step))
    if step[worst] > OPTIMUM_WARN:
        which = "penalised " if penalty is not None else ""
        warnings.warn(
            f"the model's estimate is not the maximum of the {which}"
            f"likelihood of the data given: a Newton step would move {view.names[worst]} by "
            f"{step[worst]:.3g} standard errors. Pass the training X, y and sample_weight, "
            "or refit to convergence (e.g. solver='newton', a smaller tol)",
            NotAtOptimumWarning,
            stacklevel=4,
        )


def _penalty_shift(view: ModelView, info: Array, penalty: Array | None, se: Array) -> float:
    """``max_j |(I^-1 P theta)_j| / se_j``: the one-step distance to the unpenalised fit."""
    if penalty is None:
        return float("nan")
    step = solve_pd(info, penalty * view.theta)
    if step is None:
        return float("inf")
    return float(np.max(np.abs(step) / se))


def _wald(theta: Array, se: Array, level: float) -> tuple[Array, Array]:
    q = float(stats.norm.ppf(0.5 + level / 2))
    return theta - q * se, theta + q * se


def _profile_intervals(
    view: ModelView, data: Data, penalty: Array | None, se: Array, level: float
) -> tuple[Array, Array]:
    lik = Logistic(data.design, data.y01, data.sample_weight, penalty)
    optimum = maximise(lik, view.theta, max_iter=100)
    if not optimum.converged:
        raise _no_maximum(view, data)
    what = "penalised log-likelihood" if penalty is not None else "log-likelihood"
    try:
        bounds = [
            profile_limits(
                lik, optimum, j, level=level, name=view.names[j], std_err=se[j], what=what
            )
            for j in range(view.theta.size)
        ]
    except ProfileError as error:
        if penalty is None:
            raise _no_maximum(view, data, error) from None
        raise
    return np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])


def _no_maximum(view: ModelView, data: Data, error: ProfileError | None = None) -> ProfileError:
    """The profile error for an unpenalised fit, with what check_separation finds."""
    from ..diagnostics import check_separation

    report = check_separation(
        data.design.X,
        data.y01,
        data.sample_weight,
        fit_intercept=view.fit_intercept,
        feature_names=view.names[: view.d],
    )
    if error is not None and not report.separated:
        return error
    diverging = report.infinite
    if report.separated:
        what = "; ".join(f"{name} -> {way}" for name, way in diverging.items())
        detail = f"the data are {report.kind}ly separated" + (f" ({what})" if what else "")
    else:
        detail = "refitting did not converge"
    head = (
        str(error)
        if error is not None
        else "cannot compute profile-likelihood intervals: refitting found no finite maximum"
    )
    return ProfileError(
        f"{head}. The log-likelihood has no finite maximum: {detail}; the "
        "maximum-likelihood estimates do not exist. Fit with Firth's method or alpha > 0",
        next(iter(diverging), error.parameter if error is not None else "all"),
        error.side if error is not None else "both",
    )


def _build(view: ModelView, **parts: Any) -> Summary:
    """A Summary with rows reordered to intercept first."""
    k = view.theta.size
    order = np.r_[k - 1, 0 : k - 1] if view.fit_intercept else np.arange(k)
    cov = parts["cov"][np.ix_(order, order)]
    classes = getattr(view.model, "classes_", None)
    positive = "1" if classes is None else str(np.asarray(classes)[1])
    response = parts.get("response")
    return Summary(
        names=tuple(view.names[i] for i in order),
        coef=np.asarray(parts["coef"], dtype=np.float64)[order],
        std_err=parts["se"][order],
        z=parts["z"][order],
        p_value=np.asarray(parts["p"], dtype=np.float64)[order],
        ci_lower=np.asarray(parts["lower"], dtype=np.float64)[order],
        ci_upper=np.asarray(parts["upper"], dtype=np.float64)[order],
        cov=cov,
        llf=parts["llf"],
        llnull=parts["llnull"],
        nobs=parts["nobs"],
        weight_sum=parts["weight_sum"],
        df_model=k - int(view.fit_intercept),
        converged=view.converged,
        cov_type=parts["cov_type"],
        level=parts["level"],
        ci_method=parts["ci_method"],
        p_value_method=parts.get("p_method", "wald"),
        method=parts["method"],
        alpha=parts.get("alpha", view.alpha),
        penalty_shift=parts["shift"],
        n_groups=parts["n_groups"],
        positive_class=positive,
        response=str(response) if response is not None else "y",
        notes=tuple(parts["notes"]),
    )


def _firth_summary(
    view: ModelView, X: Any, y: Any, sample_weight: Any, cov_type: str, level: float
) -> Summary:
    """Summary of a model fitted with Firth's penalty (``model.firth`` true)."""
    from ..firth import as_summary, firth_inference

    if cov_type != "nonrobust":
        raise ValueError(
            f"cov_type={cov_type!r} is not available for Firth's model; use 'nonrobust' "
            "(its p-values and intervals are penalised likelihood-ratio based)"
        )
    if X is None:
        raise ValueError(
            "the summary of a Firth model needs the training data (its p-values and "
            "profile intervals refit the model): pass X and y"
        )
    data = resolve_data(view, X, y, sample_weight)
    inf = firth_inference(
        data.design, data.y01, data.sample_weight, view.theta, level=level, names=view.names
    )
    return as_summary(inf, view, data.design.n, data.weight_sum, level)
