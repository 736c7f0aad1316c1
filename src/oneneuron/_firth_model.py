"""Firth's penalised likelihood l* (its modified score and logistf's step matrix), the fit
that maximises it, and the result: the maths of :mod:`oneneuron.firth`, whose docstring
gives the formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .inference._covariance import SingularInformationError, invert_information
from .inference._design import Design, as_design_matrix
from .inference._likelihood import Optimum, Point, as_float_array, inverse_pd, maximise
from .inference._model import INTERCEPT

__all__ = ["FirthLikelihood", "FirthPoint", "FirthResult"]

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
