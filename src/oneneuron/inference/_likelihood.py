"""Log-likelihoods to maximise, and one damped Newton maximiser for all of them.

A log-likelihood here is an object with ``n_params`` and ``at(theta) -> Point``: its value,
its score (the gradient, or for Firth the modified score) and a positive-definite
"information" matrix whose inverse times the score is the Newton step. The same
:func:`maximise` refits the model, re-optimises nuisance parameters for profile
likelihoods (some coordinates held fixed) and fits Firth's model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack
from scipy.special import expit

from ._design import Design

__all__ = [
    "LogLikelihood",
    "Logistic",
    "Optimum",
    "Point",
    "inverse_pd",
    "maximise",
    "solve_pd",
]

Array = NDArray[np.float64]


@dataclass
class Point:
    """A log-likelihood and its derivatives at one theta.

    Attributes
    ----------
    theta : ndarray of shape (k,)
    value : float
        The (penalised) log-likelihood.
    score : ndarray of shape (k,)
        Its gradient (Firth: the modified score U*).
    information : ndarray of shape (k, k)
        Positive definite; the Newton step is ``information^-1 score``.
    """

    theta: Array
    value: float
    score: Array
    information: Array


class LogLikelihood(Protocol):
    """What :func:`maximise` needs."""

    n_params: int

    def at(self, theta: Array) -> Point: ...


class Logistic:
    """The L2-penalised logistic log-likelihood ``l(theta) - theta^T P theta / 2``.

    Parameters
    ----------
    design : Design
    y01 : ndarray of shape (n,)
        Labels in {0, 1}.
    sample_weight : ndarray of shape (n,) or None
        Frequency weights s_i (None: all ones).
    penalty : ndarray of shape (k,) or None
        The diagonal of P (zero for the intercept); None for no penalty.

    Notes
    -----
    With ``t_i = 1 - 2 y_i`` and ``z = X~ theta``::

        l(theta)  = -sum_i s_i log(1 + exp(t_i z_i))
        score     = X~^T s (y - p) - P theta,      y_i - p_i = -t_i expit(t_i z_i)
        info      = X~^T diag(s p (1 - p)) X~ + P,  p (1 - p) = expit(z) expit(-z)

    all from the logits, without cancellation.
    """

    def __init__(
        self, design: Design, y01: Array, sample_weight: Array | None, penalty: Array | None
    ) -> None:
        self.design = design
        self.sign = 1.0 - 2.0 * np.asarray(y01, dtype=np.float64)
        self.s = np.ones(design.n) if sample_weight is None else sample_weight
        self.penalty = np.zeros(design.k) if penalty is None else penalty
        self.n_params = design.k

    def loglik_terms(self, z: Array) -> tuple[float, Array, Array]:
        """Unpenalised ``l``, the residuals ``y - p`` and ``p (1 - p)`` from the logits."""
        value = -float(self.s @ np.logaddexp(0.0, self.sign * z))
        resid = -self.sign * expit(self.sign * z)
        return value, resid, expit(z) * expit(-z)

    def at(self, theta: Array) -> Point:
        theta = np.asarray(theta, dtype=np.float64)
        value, resid, var = self.loglik_terms(self.design.logits(theta))
        pen = self.penalty * theta
        score = self.design.rmatvec(self.s * resid) - pen
        info = self.design.gram(self.s * var)
        info[np.diag_indices_from(info)] += self.penalty
        return Point(theta, value - 0.5 * float(theta @ pen), score, info)


def solve_pd(A: Array, b: Array) -> Array | None:
    """``A^-1 b`` for a symmetric positive-definite A by Cholesky; None if A is not PD."""
    if A.size == 0:
        return np.zeros(0)
    factor, info = lapack.dpotrf(A, lower=1, clean=0)
    if info != 0:
        return None
    x, info = lapack.dpotrs(factor, b, lower=1)
    return x if info == 0 and np.all(np.isfinite(x)) else None  # type: ignore[no-any-return]


def inverse_pd(A: Array) -> tuple[Array, float] | None:
    """``(A^-1, log det A)`` for a symmetric positive-definite A; None if it is not PD."""
    factor, info = lapack.dpotrf(A, lower=1, clean=1)
    if info != 0:
        return None
    logdet = 2.0 * float(np.sum(np.log(np.diag(factor))))
    # dpotrs on the identity: OpenBLAS's dpotri can take milliseconds on a tiny matrix
    inverse, info = lapack.dpotrs(factor, np.eye(A.shape[0]), lower=1)
    if info != 0:
        return None
    return (inverse + inverse.T) / 2, logdet


@dataclass
class Optimum:
    """The result of :func:`maximise`.

    Attributes
    ----------
    point : Point
        The log-likelihood at the last iterate.
    n_iter : int
    converged : bool
    """

    point: Point
    n_iter: int
    converged: bool

    @property
    def theta(self) -> Array:
        return self.point.theta

    @property
    def value(self) -> float:
        return self.point.value


class SingularInformation(ValueError):
    """The information matrix (of the free parameters) is not positive definite."""


def maximise(
    lik: LogLikelihood,
    theta0: Array,
    free: NDArray[np.bool_] | None = None,
    *,
    max_iter: int = 100,
    max_step: float = 5.0,
    max_halfstep: int = 25,
    xtol: float = 0.0,
    gtol: float = 0.0,
    ltol: float = 0.0,
    decrement_tol: float = 1e-20,
) -> Optimum:
    """Maximise ``lik`` over the ``free`` coordinates of theta by damped Newton steps.

    Parameters
    ----------
    lik : LogLikelihood
    theta0 : ndarray of shape (k,)
        Start; coordinates that are not free keep their values.
    free : bool ndarray of shape (k,), optional
        Coordinates to optimise (all by default).
    max_iter : int
    max_step : float
        A step whose largest coordinate exceeds this is scaled down to it (logistf's
        ``maxstep``).
    max_halfstep : int
        Halvings of a step that lowers the log-likelihood (logistf's ``maxhs``).
    xtol, gtol, ltol : float
        logistf's stopping rule: converged when the last step, the score and the change
        in log-likelihood are all within these (``max |delta| <= xtol``,
        ``max |score| <= gtol``, ``|change| <= ltol``). Zero disables the rule.
    decrement_tol : float
        Also converged when the Newton decrement ``score^T info^-1 score`` (twice the
        predicted gain in log-likelihood) is at most this.

    Returns
    -------
    Optimum

    Raises
    ------
    SingularInformation
        When the information of the free coordinates is not positive definite.
    """
    theta = np.array(theta0, dtype=np.float64)
    free = np.ones(theta.size, dtype=bool) if free is None else np.asarray(free, dtype=bool)
    point = lik.at(theta)
    for iteration in range(1, max_iter + 1):
        info = point.information[np.ix_(free, free)]
        step_free = solve_pd(info, point.score[free])
        if step_free is None:
            raise SingularInformation("the information matrix is not positive definite")
        if float(point.score[free] @ step_free) <= decrement_tol:
            return Optimum(point, iteration - 1, True)
        biggest = float(np.max(np.abs(step_free))) if step_free.size else 0.0
        if biggest > max_step:
            step_free *= max_step / biggest
        step = np.zeros_like(theta)
        step[free] = step_free
        slack = 1e-13 * (1.0 + abs(point.value))
        new = lik.at(point.theta + step)
        for _ in range(max_halfstep):
            if np.isfinite(new.value) and new.value >= point.value - slack:
                break
            step /= 2.0
            new = lik.at(point.theta + step)
        if not np.isfinite(new.value):  # every halving left the domain: give up here
            return Optimum(point, iteration, False)
        change = new.value - point.value
        point = new
        if (
            (xtol > 0 or gtol > 0 or ltol > 0)
            and float(np.max(np.abs(step), initial=0.0)) <= xtol
            and float(np.max(np.abs(point.score[free]), initial=0.0)) <= gtol
            and abs(change) <= ltol
        ):
            return Optimum(point, iteration, True)
    info = point.information[np.ix_(free, free)]
    step_free = solve_pd(info, point.score[free])
    done = step_free is not None and float(point.score[free] @ step_free) <= decrement_tol
    return Optimum(point, max_iter, bool(done))


def as_float_array(values: Any, n: int, name: str) -> Array:
    """A (n,) float64 array of finite values, or ValueError naming ``name``."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.shape != (n,):
        raise ValueError(f"{name} has {arr.size} values; X has {n} rows")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr
