"""Chapter 2: gradients and one step (steps 5 and 6).

The backward pass: the gradients ``dW = X^T (A - Y) / m`` and ``db = mean(A - Y)`` of the
cost of chapter 1 (:mod:`._neuron`), and one gradient-descent step against them. Next,
:mod:`._training`: these steps in a loop.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    Parameters,
    _check_finite,
    _checked,
    _column,
    _matrix,
    _numbers,
    _parameters,
    _real,
    _scalar,
)
from ._neuron import _probabilities


# 5. Backward propagation ----------------------------------------------------------------------
def backward_propagation(X: ArrayLike, Y: ArrayLike, A: ArrayLike) -> dict[str, Any]:
    """Gradients of the cost: ``{"dW": ndarray (n, 1), "db": float}``.

    Parameters
    ----------
    X : array_like of shape (m, n)
    Y, A : array_like of shape (m, 1) or (m,)
        Labels 0 or 1, and probabilities from :func:`forward_propagation`.

    Notes
    -----
    ``dJ/dz_i = (a_i - y_i) / m``, so ``dW = X^T (A - Y) / m`` and ``db = mean(A - Y)``.
    ``A - Y`` is accurate to about 1e-16 in absolute terms, all a gradient needs; only the
    log in the cost needs the relative accuracy that the logits give.
    """
    X = _matrix(X)
    m = X.shape[0]
    dZ = _probabilities(A, m).reshape(m, 1) - _column(Y, m)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        dW = X.T @ dZ / m
    _checked(dW, "the gradient dW = X^T (A - Y) / m", "the features are too large; scale them")
    return {"dW": dW, "db": float(np.mean(dZ))}


# 6. The update --------------------------------------------------------------------------------
def update_parameters(
    parameters: Parameters, grads: dict[str, Any], learning_rate: float
) -> Parameters:
    """One gradient-descent step ``W - learning_rate dW``, ``b - learning_rate db``.

    Parameters
    ----------
    parameters : dict
        ``{"W": (n, 1), "b": float}``; not modified, a new dict is returned.
    grads : dict
        ``{"dW": (n, 1), "db": float}`` from :func:`backward_propagation`.
    learning_rate : float
        Greater than 0.

    Raises
    ------
    ValueError
        If the step overflows: the learning rate is far too large.
    """
    W, b = _parameters(parameters)
    learning_rate = _real("learning_rate", learning_rate, low=0.0, above=True)
    dW = _numbers(grads["dW"], "grads['dW']").reshape(-1, 1)
    if dW.size != W.size:
        raise ValueError(f"grads['dW'] has {dW.size} values for {W.size} weights")
    _check_finite(dW.ravel(), "grads['dW']")
    db = _real("grads['db']", _scalar(grads["db"]), low=-math.inf)
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        W = W - learning_rate * dW
        b = b - learning_rate * db
    _checked(np.append(W, b), "the update", "the learning rate is too large")
    return {"W": W, "b": b}
