"""Firth's tests and intervals together, as logistf's ``summary()`` shows them: penalised
likelihood-ratio tests, profile penalised-likelihood intervals and the null model's l*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from ._firth_model import FirthLikelihood, FirthResult, _fit, _result
from .inference._design import Design
from .inference._profile import constrained_fit, profile_limits

__all__ = ["FirthInference", "as_summary", "firth_inference"]

Array = NDArray[np.float64]


def _lr_statistic(
    lik: FirthLikelihood, theta: Array, loglik: float, fixed: dict[int, float]
) -> float:
    restricted = constrained_fit(lik, theta, fixed)
    return max(0.0, 2.0 * (loglik - restricted.value))


@dataclass
class FirthInference:
    """Everything logistf's summary shows, in theta order (see :func:`firth_inference`)."""

    theta: Array
    std_err: Array
    covariance: Array
    chi2: Array
    p_value: Array
    ci_lower: Array
    ci_upper: Array
    loglik: float
    loglik_null: float
    result: FirthResult


def firth_inference(
    design: Design,
    y01: Array,
    sample_weight: Array | None,
    theta0: Array | None,
    *,
    level: float,
    names: list[str],
) -> FirthInference:
    """Fit (from ``theta0``), test every parameter and profile every interval."""
    lik = FirthLikelihood(design, y01, sample_weight)
    optimum, point = _fit(lik, theta0, names)
    result = _result(optimum, point, design.fit_intercept, names)
    k = lik.n_params
    chi2 = np.array([_lr_statistic(lik, result.theta, result.loglik, {j: 0.0}) for j in range(k)])
    limits = [
        profile_limits(
            lik,
            optimum,
            j,
            level=level,
            name=names[j],
            std_err=result.std_err[j],
            what="penalised log-likelihood",
        )
        for j in range(k)
    ]
    # the null model: every coefficient but the intercept at 0 (logistf's loglik["null"])
    null = {j: 0.0 for j in range(design.d)}
    start = np.zeros(k)
    loglik_null = constrained_fit(lik, start, null).value if k > design.d else lik.at(start).value
    return FirthInference(
        theta=result.theta,
        std_err=result.std_err,
        covariance=result.covariance,
        chi2=chi2,
        p_value=stats.chi2.sf(chi2, 1),
        ci_lower=np.array([lo for lo, _ in limits]),
        ci_upper=np.array([hi for _, hi in limits]),
        loglik=result.loglik,
        loglik_null=float(loglik_null),
        result=result,
    )


def as_summary(inf: FirthInference, view: Any, nobs: int, weight_sum: float, level: float) -> Any:
    """A :class:`~oneneuron.inference.Summary` of :func:`firth_inference`'s results."""
    from .inference._compute import _build

    return _build(
        view,
        coef=inf.theta,
        se=inf.std_err,
        z=inf.theta / inf.std_err,
        p=inf.p_value,
        p_method="penalised likelihood ratio",
        lower=inf.ci_lower,
        upper=inf.ci_upper,
        cov=inf.covariance,
        llf=inf.loglik,
        llnull=inf.loglik_null,
        nobs=nobs,
        weight_sum=weight_sum,
        cov_type="nonrobust",
        level=level,
        ci_method="profile penalised likelihood",
        method="Firth penalised likelihood",
        alpha=0.0,
        shift=float("nan"),
        n_groups=None,
        notes=[
            "Log-likelihoods are penalised by log det(I)/2, as in logistf; the covariance "
            "is logistf's, the inverse of X~' diag((s + h) p (1 - p)) X~."
        ],
    )
