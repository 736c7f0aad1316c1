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

l* and its fit are :mod:`._firth_model`'s; the tests and intervals of a summary
:mod:`._firth_inference`'s; this module holds the public functions.

References: Firth D (1993), Biometrika 80:27-38. Heinze G, Schemper M (2002), Statistics
in Medicine 21:2409-2419. Kosmidis I, Firth D (2021), Biometrika 108:71-82.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._firth_inference import FirthInference as FirthInference
from ._firth_inference import _lr_statistic, firth_inference
from ._firth_inference import as_summary as as_summary
from ._firth_model import FirthLikelihood, FirthResult, _fit, _names, _problem, _result
from ._firth_model import FirthPoint as FirthPoint
from .inference._covariance import invert_information
from .inference._design import one_blas_thread_for_X
from .inference._profile import profile_limits

__all__ = [
    "FirthLikelihood",
    "FirthResult",
    "firth_conf_int",
    "firth_fit",
    "firth_lr_test",
    "firth_summary",
]

Array = NDArray[np.float64]


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
