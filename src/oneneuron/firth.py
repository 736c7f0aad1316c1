"""Firth's bias-reduced logistic regression, with logistf's tests and intervals.

Firth (1993) maximises the log-likelihood penalised by Jeffreys' prior,

    l*(theta) = l(theta) + 1/2 log det I(theta),     I(theta) = X~^T W X~,  W = diag(s p (1 - p))

whose estimate is finite even when the data are separated (Kosmidis & Firth 2021) and
whose first-order bias is zero. Its gradient is the modified score

    U*(theta) = X~^T (s (y - p) + h (1/2 - p)),       h_i = W_ii x~_i^T I^-1 x~_i

(h: the hat values of the weighted fit, weights included). Following R's logistf
(Heinze & Schemper 2002; logistf >= 1.24, ``logistffit_revised``), each Newton step is
``delta = (X~^T diag((s + h) p (1 - p)) X~)^-1 U*`` — the information of the data
"augmented" by h/2 pseudo-observations of each label — capped at ``max_step`` in its
largest coordinate and halved while it lowers l*; the covariance reported is that
matrix's inverse at the estimate (logistf's ``vcov``). Profile penalised-likelihood
intervals and penalised likelihood-ratio tests hold coordinates fixed and maximise l*
over the others, the penalty keeping the full information matrix, as logistf does.

Parameters are ordered ``theta = [w_1, ..., w_d, b]`` as everywhere in oneneuron.

References: Firth D (1993), Biometrika 80:27-38. Heinze G, Schemper M (2002), Statistics
in Medicine 21:2409-2419. Kosmidis I, Firth D (2021), Biometrika 108:71-82.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.special import expit

from .inference._covariance import SingularInformationError, invert_information
from .inference._design import Design, as_design_matrix, one_blas_thread_for_X
from .inference._likelihood import Optimum, Point, as_float_array, inverse_pd, maximise
from .inference._model import INTERCEPT
from .inference._profile import constrained_fit, profile_limits

__all__ = [
    "FirthLikelihood",
    "FirthResult",
    "firth_conf_int",
    "firth_fit",
    "firth_lr_test",
    "firth_summary",
]

Array = NDArray[np.float64]


@dataclass
class FirthPoint(Point):
    """A :class:`Point` of l* with the Fisher information and the hat values."""

    fisher: Array | None = None
    hat: Array | None = None


class FirthLikelihood:
    """l*(theta) = l(theta) + 1/2 log det I(theta), its modified score and logistf's step matrix.

    Parameters
    ----------
    design : Design
    y01 : ndarray of shape (n,)
    sample_weight : ndarray of shape (n,) or None
        Frequency weights s_i; they enter l, W (hence h) and U*.
    """

    def __init__(self, design: Design, y01: Array, sample_weight: Array | None) -> None:
        self.design = design
        self.y = np.asarray(y01, dtype=np.float64)
        self.sign = 1.0 - 2.0 * self.y
        self.s = np.ones(design.n) if sample_weight is None else sample_weight
        self.n_params = design.k

    def at(self, theta: Array) -> FirthPoint:
        theta = np.asarray(theta, dtype=np.float64)
        z = self.design.logits(theta)
        loglik = -float(self.s @ np.logaddexp(0.0, self.sign * z))
        p = expit(z)
        var = p * expit(-z)  # p (1 - p) without cancellation
        fisher = self.design.gram(self.s * var)
        inverted = inverse_pd(fisher)
        if inverted is None:  # singular: outside the domain of log det
            k = self.n_params
            return FirthPoint(theta, -np.inf, np.zeros(k), np.eye(k), fisher, None)
        inverse, logdet = inverted
        hat = self.s * var * self.design.quadratic(inverse)
        resid = -self.sign * expit(self.sign * z)  # y - p
        score = self.design.rmatvec(self.s * resid + hat * (0.5 - p))
        step_matrix = self.design.gram((self.s + hat) * var)
        return FirthPoint(theta, loglik + 0.5 * logdet, score, step_matrix, fisher, hat)


@dataclass
class FirthResult:
    """A Firth fit.

    Attributes
    ----------
    coef : ndarray of shape (d,)
    intercept : float
        0 without an intercept.
    theta : ndarray of shape (k,)
        ``[coef, intercept]`` (coef alone without an intercept).
    covariance : ndarray of shape (k, k)
        logistf's: ``(X~^T diag((s + h) p (1 - p)) X~)^-1`` at the estimate, theta order.
    fisher_information : ndarray of shape (k, k)
        ``I = X~^T diag(s p (1 - p)) X~`` at the estimate; ``inv(I)`` is the covariance
        of Heinze & Schemper (2002) and logistf < 1.24.
    loglik : float
        The penalised log-likelihood l* at the estimate (logistf's ``loglik["full"]``).
    hat : ndarray of shape (n,)
        The hat values h.
    n_iter : int
    converged : bool
    fit_intercept : bool
    """

    coef: Array
    intercept: float
    theta: Array
    covariance: Array
    fisher_information: Array
    loglik: float
    hat: Array
    n_iter: int
    converged: bool
    fit_intercept: bool

    @property
    def std_err(self) -> Array:
        """Standard errors (theta order), from :attr:`covariance`."""
        return np.sqrt(np.diag(self.covariance))


def _names(d: int, fit_intercept: bool, feature_names: Any) -> list[str]:
    names = [f"x{j + 1}" for j in range(d)] if feature_names is None else list(feature_names)
    if len(names) != d:
        raise ValueError(f"feature_names has {len(names)} names; X has {d} features")
    return [str(n) for n in names] + ([INTERCEPT] if fit_intercept else [])


def _problem(
    X: Any, y01: ArrayLike, sample_weight: ArrayLike | None, fit_intercept: bool
) -> FirthLikelihood:
    Xm = as_design_matrix(X)
    n = Xm.shape[0]
    y = as_float_array(y01, n, "y01")
    if not np.all((y == 0) | (y == 1)):
        bad = y[(y != 0) & (y != 1)][0]
        raise ValueError(f"y01 must hold labels 0 and 1 (Firth is binary only); found {bad:g}")
    sw = None
    if sample_weight is not None:
        sw = as_float_array(sample_weight, n, "sample_weight")
        if np.any(sw < 0):
            raise ValueError(f"sample_weight must be >= 0; got min {sw.min():g}")
    return FirthLikelihood(Design(Xm, fit_intercept), y, sw)


def _fit(
    lik: FirthLikelihood,
    theta0: Array | None,
    names: list[str],
    *,
    max_iter: int = 100,
    max_step: float = 5.0,
    max_halfstep: int = 25,
    xtol: float = 1e-10,
    gtol: float = 1e-10,
    ltol: float = 1e-10,
) -> tuple[Optimum, FirthPoint]:
    theta = np.zeros(lik.n_params) if theta0 is None else np.asarray(theta0, dtype=np.float64)
    start = lik.at(theta)
    if start.hat is None and start.fisher is not None:  # I(theta0) singular
        invert_information(start.fisher, names)  # raises, naming the collinear columns
        raise SingularInformationError("the Fisher information at the start is singular")
    optimum = maximise(
        lik,
        theta,
        max_iter=max_iter,
        max_step=max_step,
        max_halfstep=max_halfstep,
        xtol=xtol,
        gtol=gtol,
        ltol=ltol,
    )
    point = optimum.point
    assert isinstance(point, FirthPoint)
    return optimum, point


@one_blas_thread_for_X
def firth_fit(
    X: Any,
    y01: ArrayLike,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    *,
    max_iter: int = 100,
    max_step: float = 5.0,
    max_halfstep: int = 25,
    xtol: float = 1e-10,
    gtol: float = 1e-10,
    ltol: float = 1e-10,
    theta0: ArrayLike | None = None,
    feature_names: Any = None,
) -> FirthResult:
    """Fit Firth's bias-reduced logistic regression.

    Parameters
    ----------
    X : ndarray of shape (n, d) or scipy.sparse matrix
    y01 : array-like of shape (n,)
        Labels 0 and 1.
    sample_weight : array-like of shape (n,), optional
        Frequency weights (a row with weight 3 counts as three identical rows).
    fit_intercept : bool
    max_iter : int
        Newton iterations (logistf: ``maxit``, default 25 there).
    max_step : float
        Largest change of any coefficient in one step (logistf: ``maxstep=5``).
    max_halfstep : int
        Step halvings while l* decreases (logistf: ``maxhs``, 0 by default there).
    xtol, gtol, ltol : float
        Converged when the last step, the modified score and the change of l* are all
        this small in absolute value (logistf: ``xconv``, ``gconv``, ``lconv``, 1e-5
        there), or when the Newton decrement is below 1e-20.
    theta0 : array-like of shape (k,), optional
        Start, ``[coef, intercept]``; zeros by default (as logistf).
    feature_names : sequence of str, optional
        For error messages (x1, x2, ... by default).

    Returns
    -------
    FirthResult

    Notes
    -----
    See the module docstring for l*, U* and the step. The step matrix is not the exact
    Hessian of l* (it ignores how h changes with theta), so convergence is linear with a
    small rate; the estimate is the exact root of U*.
    """
    lik = _problem(X, y01, sample_weight, fit_intercept)
    names = _names(lik.design.d, fit_intercept, feature_names)
    optimum, point = _fit(
        lik,
        None if theta0 is None else np.asarray(theta0, dtype=np.float64),
        names,
        max_iter=max_iter,
        max_step=max_step,
        max_halfstep=max_halfstep,
        xtol=xtol,
        gtol=gtol,
        ltol=ltol,
    )
    return _result(optimum, point, fit_intercept, names)


def _result(
    optimum: Optimum, point: FirthPoint, fit_intercept: bool, names: list[str]
) -> FirthResult:
    theta = point.theta.copy()
    assert point.fisher is not None and point.hat is not None
    return FirthResult(
        coef=theta[:-1].copy() if fit_intercept else theta.copy(),
        intercept=float(theta[-1]) if fit_intercept else 0.0,
        theta=theta,
        covariance=invert_information(point.information, names),
        fisher_information=point.fisher,
        loglik=point.value,
        hat=point.hat,
        n_iter=optimum.n_iter,
        converged=optimum.converged,
        fit_intercept=fit_intercept,
    )


def _params(params: ArrayLike | None, k: int) -> list[int]:
    if params is None:
        return list(range(k))
    out = [int(j) for j in np.atleast_1d(np.asarray(params))]
    bad = [j for j in out if not 0 <= j < k]
    if bad:
        raise ValueError(f"params {bad} out of range; theta has {k} entries (0..{k - 1})")
    return out


@one_blas_thread_for_X
def firth_lr_test(
    X: Any,
    y01: ArrayLike,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    *,
    result: FirthResult | None = None,
    params: ArrayLike | None = None,
) -> tuple[Array, Array]:
    """Penalised likelihood-ratio tests of ``theta_j = 0``, one parameter at a time.

    Parameters
    ----------
    X, y01, sample_weight, fit_intercept
        As for :func:`firth_fit`.
    result : FirthResult, optional
        The fit (refitted when not given).
    params : sequence of int, optional
        Indices into theta (``[coef, intercept]``); all by default.

    Returns
    -------
    chi2, p_value : ndarrays of shape (len(params),)
        ``chi2_j = 2 (l*(theta^) - max {l* : theta_j = 0})`` and ``P(chi2_1 > chi2_j)``;
        the restricted fit keeps the penalty of the full model, as logistf does.
    """
    lik = _problem(X, y01, sample_weight, fit_intercept)
    names = _names(lik.design.d, fit_intercept, None)
    if result is None:
        result = _result(*_fit(lik, None, names), fit_intercept, names)
    chi2 = np.array(
        [
            _lr_statistic(lik, result.theta, result.loglik, {j: 0.0})
            for j in _params(params, lik.n_params)
        ]
    )
    return chi2, stats.chi2.sf(chi2, 1)


def _lr_statistic(
    lik: FirthLikelihood, theta: Array, loglik: float, fixed: dict[int, float]
) -> float:
    restricted = constrained_fit(lik, theta, fixed)
    return max(0.0, 2.0 * (loglik - restricted.value))


@one_blas_thread_for_X
def firth_conf_int(
    X: Any,
    y01: ArrayLike,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    *,
    level: float = 0.95,
    result: FirthResult | None = None,
    params: ArrayLike | None = None,
    feature_names: Any = None,
) -> Array:
    """Profile penalised-likelihood confidence intervals (logistf's default intervals).

    Parameters
    ----------
    X, y01, sample_weight, fit_intercept
        As for :func:`firth_fit`.
    level : float in (0, 1)
    result : FirthResult, optional
    params : sequence of int, optional
        Indices into theta; all by default.
    feature_names : sequence of str, optional
        For error messages.

    Returns
    -------
    ndarray of shape (len(params), 2)
        Lower and upper limits: the values t with
        ``2 (l*(theta^) - max {l* : theta_j = t}) = chi2_1(level)``.

    Raises
    ------
    ProfileError
        When a limit cannot be bracketed (it names the parameter).
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
    lik = _problem(X, y01, sample_weight, fit_intercept)
    names = _names(lik.design.d, fit_intercept, feature_names)
    optimum, point = _fit(lik, None if result is None else result.theta, names)
    se = np.sqrt(np.diag(invert_information(point.information, names)))
    return np.array(
        [
            profile_limits(
                lik,
                optimum,
                j,
                level=level,
                name=names[j],
                std_err=se[j],
                what="penalised log-likelihood",
            )
            for j in _params(params, lik.n_params)
        ]
    ).reshape(-1, 2)


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


@one_blas_thread_for_X
def firth_summary(
    X: Any,
    y01: ArrayLike,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    *,
    feature_names: Any = None,
    level: float = 0.95,
) -> Any:
    """logistf's ``summary()`` as a :class:`~oneneuron.inference.Summary`.

    Coefficients and standard errors (logistf's covariance), penalised likelihood-ratio
    p-values, profile penalised-likelihood intervals, and the penalised log-likelihoods
    of the model and of the null model (intercept only); rows intercept first.
    """
    from .inference._model import ModelView

    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.95; got {level!r}")
    lik = _problem(X, y01, sample_weight, fit_intercept)
    names = _names(lik.design.d, fit_intercept, feature_names)
    inf = firth_inference(lik.design, lik.y, lik.s, None, level=level, names=names)
    view = ModelView(
        theta=inf.theta,
        names=names,
        fit_intercept=fit_intercept,
        alpha=0.0,
        scale=np.ones(lik.design.d),
        converged=inf.result.converged,
        firth=True,
        model=None,
    )
    return as_summary(inf, view, lik.design.n, float(lik.s.sum()), level)


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
