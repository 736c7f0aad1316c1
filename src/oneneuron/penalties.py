"""Penalties on the weights: value, gradient, Hessian diagonal, proximal step, optimality.

The objective is ``J(theta) = data term + penalty(w)``; the intercept is never
penalised. A penalty is one small class: the objective adds its value and gradient, the
Newton solver its Hessian diagonal, gd and sgd take its proximal step, and every
stopping rule reads its :meth:`~L2.optimality` (for a smooth penalty, the gradient of J;
for a non-smooth one, the minimum-norm subgradient, which is zero exactly at an optimum).

``weights`` scales the penalty per coefficient (``alpha/2 sum_j (omega_j w_j)^2``): a
model fitted in rescaled coordinates uses it to keep penalising the user's coefficients.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["L2", "Penalty"]

Array = NDArray[np.floating]


class Penalty:
    """The interface every penalty implements (see the module docstring)."""

    #: Whether the penalty is differentiable everywhere (gradient-based stopping rules
    #: and plain gradient steps are then exact).
    smooth: bool = True

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
        gradient of the smooth part of J (penalty gradient included); zero at an optimum."""
        return grad

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
        return np.broadcast_to(self.alpha * self._w2, w.shape).astype(np.float64)

    def prox(self, w: Array, step: float) -> Array:
        return w / (1.0 + step * self.alpha * self._w2)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"L2(alpha={self.alpha!r})"
