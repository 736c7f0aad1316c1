"""Penalties on the weights: value, gradient, Hessian diagonal, proximal step, optimality.

The objective is ``J(theta) = data term + penalty(w)``; the intercept is never
penalised. A penalty is one small class: the objective adds its value and gradient, the
Newton solver its Hessian diagonal, gd and sgd take its proximal step, and every
stopping rule reads its :meth:`~L2.optimality` (for a smooth penalty, the gradient of J;
for a non-smooth one, the minimum-norm subgradient, which is zero exactly at an optimum).

``weights`` scales the penalty per coefficient (``alpha/2 sum_j (omega_j w_j)^2``, and
``omega_j |w_j|`` in the L1 part): a model fitted in rescaled coordinates uses it to keep
penalising the user's coefficients.

:class:`ElasticNet` (and :class:`L1`) split into a smooth part (its L2 share, which the
objective's gradient and Hessian include) and a weighted L1 norm ``sum_j lambda_j |w_j|``
(:meth:`Penalty.l1_strength`): gd and sgd step on the smooth part then take
:meth:`Penalty.prox_nonsmooth` (soft thresholding, which makes weights exactly zero);
the proximal Newton solver reads ``lambda`` directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["L1", "L2", "ElasticNet", "Penalty", "make_penalty", "soft_threshold"]

Array = NDArray[np.floating]


class Penalty:
    """The interface every penalty implements (see the module docstring)."""

    #: Whether the penalty is differentiable everywhere (gradient-based stopping rules
    #: and plain gradient steps are then exact).
    smooth: bool = True
    #: Whether the smooth part is ``sum_j c_j w_j^2 / 2`` (its gradient is
    #: ``hessian_diag(w) * w``, linear in w): a line search then needs it once per line.
    quadratic: bool = False

    def value(self, w: Array) -> float:
        """The penalty at the weights ``w`` (shape (d,))."""
        raise NotImplementedError

    def gradient(self, w: Array) -> Array:
        """Its gradient (the smooth part, for a non-smooth penalty), shape (d,)."""
        raise NotImplementedError

    def hessian_diag(self, w: Array) -> Array:
        """The diagonal of its Hessian (smooth part), shape (d,)."""
        raise NotImplementedError

    def prox(self, w: Array, step: float) -> Array:
        """``argmin_u penalty(u) + ||u - w||^2 / (2 step)``: the proximal step."""
        raise NotImplementedError

    def optimality(self, w: Array, grad: Array) -> Array:
        """The minimum-norm element of ``grad + d penalty(w)``, where ``grad`` is the
        gradient of the smooth part of J (penalty gradient included); zero at an optimum.
        ``grad`` may hold entries after the d weights' (the intercept): they are kept."""
        return grad

    def prox_nonsmooth(self, w: Array, step: float) -> Array:
        """The proximal step of the non-smooth part alone (gd and sgd take the gradient
        step on everything smooth, then this); the identity for a smooth penalty."""
        return w

    def l1_strength(self, d: int) -> Array:
        """Per-coefficient strengths ``lambda_j`` of the non-smooth part
        ``sum_j lambda_j |w_j|`` (zeros for a smooth penalty), shape (d,)."""
        return np.zeros(d)

    @property
    def is_zero(self) -> bool:
        """True when the penalty vanishes identically."""
        return False


class L2(Penalty):
    """``alpha/2 sum_j (omega_j w_j)^2``: ridge, the penalty of scikit-learn's ``C``.

    Parameters
    ----------
    alpha : float
        Strength, >= 0.
    weights : ndarray of shape (d,), optional
        Per-coefficient scale ``omega`` (default all ones).

    Notes
    -----
    gradient ``alpha omega^2 w``; Hessian ``alpha diag(omega^2)``; proximal step
    ``w / (1 + step alpha omega^2)``.
    """

    quadratic = True

    def __init__(self, alpha: float, weights: Array | None = None) -> None:
        self.alpha = float(alpha)
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self._w2: Any = 1.0 if self.weights is None else self.weights**2

    @property
    def is_zero(self) -> bool:
        return self.alpha == 0.0

    def value(self, w: Array) -> float:
        if self.alpha == 0.0:
            return 0.0
        if self.weights is None:
            return 0.5 * self.alpha * float(w @ w)
        return 0.5 * self.alpha * float((self._w2 * w) @ w)

    def gradient(self, w: Array) -> Array:
        return self.alpha * self._w2 * w  # type: ignore[no-any-return]

    def hessian_diag(self, w: Array) -> Array:
        return _filled(self.alpha * self._w2, w.shape)

    def prox(self, w: Array, step: float) -> Array:
        return w / (1.0 + step * self.alpha * self._w2)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"L2(alpha={self.alpha!r})"


class ElasticNet(Penalty):
    """``alpha (l1_ratio sum_j omega_j |w_j| + (1 - l1_ratio)/2 sum_j (omega_j w_j)^2)``.

    The convention of scikit-learn's ``SGDClassifier`` and ``ElasticNet``;
    ``l1_ratio=1`` is the lasso (:class:`L1`), ``l1_ratio=0`` ridge (:class:`L2`).

    Parameters
    ----------
    alpha : float
        Strength, >= 0.
    l1_ratio : float
        Share of the L1 norm, in [0, 1].
    weights : ndarray of shape (d,), optional
        Per-coefficient scale ``omega`` (default all ones), in both terms.

    Notes
    -----
    With ``lambda_j = alpha l1_ratio omega_j`` and ``mu_j = alpha (1 - l1_ratio) omega_j^2``:
    smooth part ``sum_j mu_j w_j^2 / 2`` (gradient ``mu w``, Hessian ``diag(mu)``);
    proximal step ``S(w, step lambda) / (1 + step mu)`` with the soft threshold
    ``S(w, c) = sign(w) max(|w| - c, 0)``; minimum-norm subgradient of
    ``f(w) + sum_j lambda_j |w_j|`` (``grad`` the gradient of the smooth f):
    ``grad_j + lambda_j sign(w_j)`` where ``w_j != 0``, else
    ``sign(grad_j) max(|grad_j| - lambda_j, 0)``.
    """

    quadratic = True  # the smooth part

    def __init__(self, alpha: float, l1_ratio: float, weights: Array | None = None) -> None:
        self.alpha = float(alpha)
        self.l1_ratio = float(l1_ratio)
        if not 0.0 <= self.l1_ratio <= 1.0:
            raise ValueError(f"l1_ratio must be in [0, 1]; got {self.l1_ratio!r}")
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        omega: Any = 1.0 if self.weights is None else self.weights
        self._lam: Any = self.alpha * self.l1_ratio * omega
        self._mu: Any = self.alpha * (1.0 - self.l1_ratio) * omega**2

    @property
    def smooth(self) -> bool:  # type: ignore[override]
        return self.alpha * self.l1_ratio == 0.0

    @property
    def is_zero(self) -> bool:
        return self.alpha == 0.0

    def value(self, w: Array) -> float:
        if self.alpha == 0.0:
            return 0.0
        return float(np.sum(self._lam * np.abs(w)) + 0.5 * np.sum(self._mu * w * w))

    def gradient(self, w: Array) -> Array:
        return np.asarray(self._mu * w, dtype=np.float64)

    def hessian_diag(self, w: Array) -> Array:
        return _filled(self._mu, w.shape)

    def prox_nonsmooth(self, w: Array, step: float) -> Array:
        return soft_threshold(w, step * self._lam)

    def prox(self, w: Array, step: float) -> Array:
        return self.prox_nonsmooth(w, step) / (1.0 + step * self._mu)  # type: ignore[no-any-return]

    def optimality(self, w: Array, grad: Array) -> Array:
        d = w.shape[0]
        lam = np.broadcast_to(self._lam, w.shape)
        g = grad[:d]
        at_zero = np.sign(g) * np.maximum(np.abs(g) - lam, 0.0)
        out = np.array(grad, dtype=np.float64)  # the intercept's entry (after d) unchanged
        out[:d] = np.where(w != 0.0, g + lam * np.sign(w), at_zero)
        return out

    def l1_strength(self, d: int) -> Array:
        return np.broadcast_to(self._lam, (d,)).astype(np.float64)

    def __repr__(self) -> str:
        return f"ElasticNet(alpha={self.alpha!r}, l1_ratio={self.l1_ratio!r})"


class L1(ElasticNet):
    """``alpha sum_j omega_j |w_j|``: the lasso (:class:`ElasticNet` with ``l1_ratio=1``)."""

    def __init__(self, alpha: float, weights: Array | None = None) -> None:
        super().__init__(alpha, 1.0, weights)

    def __repr__(self) -> str:
        return f"L1(alpha={self.alpha!r})"


def _filled(value: Any, shape: tuple[int, ...]) -> Array:
    """A new float64 array of ``shape`` holding ``value`` (a scalar, or an array of that
    shape): what ``np.broadcast_to(value, shape).astype(np.float64)`` gives, in one call
    for a scalar (Newton asks for it every iteration, on a few dozen weights)."""
    if np.ndim(value) == 0:
        return np.full(shape, value, dtype=np.float64)
    return np.array(np.broadcast_to(value, shape), dtype=np.float64)


def soft_threshold(w: Array, threshold: Any) -> Array:
    """``sign(w) max(|w| - threshold, 0)``: the proximal step of ``threshold |w|``."""
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)  # type: ignore[no-any-return]


def make_penalty(alpha: float, l1_ratio: float = 0.0, weights: Array | None = None) -> Penalty:
    """The penalty of ``LogisticRegression(alpha, l1_ratio)``: :class:`L2` when
    ``l1_ratio`` is 0 (today's model, bit for bit), else :class:`ElasticNet`."""
    if l1_ratio == 0.0:
        return L2(alpha, weights)
    return ElasticNet(alpha, l1_ratio, weights)
