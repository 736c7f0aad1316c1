"""The computations behind :func:`oneneuron.inference.summary`, and its warnings; its
intervals are computed in :mod:`._intervals`."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from ..loss import null_loglik
from ._covariance import invert_information, sandwich
from ._intervals import _profile_intervals, _wald
from ._likelihood import Logistic, solve_pd
from ._model import Data, ModelView, resolve_data
from ._summary import Summary

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


def _stats(lik: Logistic, theta: Array) -> dict[str, Any]:
    return _stats_and_residuals(lik, theta)[0]


def _stats_and_residuals(lik: Logistic, theta: Array) -> tuple[dict[str, Any], Array]:
    """fit_stats' dict, and the residuals ``y - p`` at theta."""
    design = lik.design
    llf, resid, var = lik.loglik_terms(design.logits(theta))
    s = lik.s
    weight_sum = float(s.sum())
    llnull = null_loglik(weight_sum, float(s @ (lik.sign < 0)), design.fit_intercept)
    stats_ = {
        "information": design.gram(s * var),
        "llf": llf,
        "llnull": llnull,
        "nobs": design.n,
        "weight_sum": weight_sum,
    }
    return stats_, resid


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
            "this model keeps no information matrix (fit keeps it when it ends on an exact "
            "Newton Hessian that float64 can hold); pass the training data: summary(X, y)"
        )
    kept = fstats.get("theta")
    if kept is not None and not np.array_equal(kept, view.theta):
        raise ValueError(
            "the model's coefficients are not those its information matrix was kept for "
            "(set or changed after fit); pass the training data: summary(X, y)"
        )
    k = view.theta.size
    if np.shape(fstats["information"]) != (k, k):
        raise ValueError(
            f"the model's stored information is {np.shape(fstats['information'])}, not "
            f"({k}, {k}); pass the training data: summary(X, y)"
        )
    return {key: value for key, value in fstats.items() if key != "theta"}


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
    from .._firth_inference import as_summary, firth_inference

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
