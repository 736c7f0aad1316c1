"""Chapter 1: the neuron and its cost (steps 1 to 4).

The activation (the sigmoid), small random starting weights, the forward pass from X to the
logits Z and the probabilities A, and the cost J of those probabilities, computed exactly
from Z. Next, :mod:`._gradients`: how J changes with W and b, and one step downhill.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import xlogy

from .._numerics import sigmoid as _stable_sigmoid
from ..loss import label_sign, loss
from ._checks import (
    Array,
    Parameters,
    RandomState,
    _check_finite,
    _checked,
    _column,
    _count,
    _matrix,
    _numbers,
    _parameters,
    _real,
    _rng,
)


# 1. The activation ----------------------------------------------------------------------------
def sigmoid(z: ArrayLike) -> Array:
    """The sigmoid ``1 / (1 + exp(-z))`` of an array of any shape, values in [0, 1].

    Delegates to :func:`oneneuron._numerics.sigmoid`, which never takes ``exp`` of a positive
    number: z = -800 gives 0, not an overflow.
    """
    return np.asarray(_stable_sigmoid(np.asarray(z, dtype=np.float64)))


# 2. Initialisation ----------------------------------------------------------------------------
def initialize_parameters(
    input_size: int, *, random_state: RandomState = None, scale: float = 0.01
) -> Parameters:
    """Small random weights and a zero bias: ``{"W": ndarray (input_size, 1), "b": 0.0}``.

    Parameters
    ----------
    input_size : int
    random_state : int, Generator or None
        Seed for ``np.random.default_rng``; the global NumPy seed is never used.
    scale : float
        Standard deviation of the weights, at least 0.
    """
    input_size = _count("input_size", input_size, 1)
    scale = _real("scale", scale, low=0.0)
    rng = _rng(random_state)
    return {"W": scale * rng.standard_normal((input_size, 1)), "b": 0.0}


# 3. Forward propagation -----------------------------------------------------------------------
def forward_propagation(X: ArrayLike, parameters: Parameters) -> tuple[Array, dict[str, Array]]:
    """Probabilities of every example, and the logits they came from.

    Parameters
    ----------
    X : array_like of shape (m, n)
    parameters : dict
        ``{"W": (n, 1), "b": float}``.

    Returns
    -------
    A : ndarray of shape (m, 1)
        ``sigmoid(Z)``.
    cache : dict
        ``{"Z": ndarray (m, 1)}``, the logits ``Z = X W + b``, for :func:`compute_cost`.

    Raises
    ------
    ValueError
        If X is empty or holds NaN or infinity, if W does not have one weight per feature,
        or if the logits overflow (weights far too large for these features).
    """
    X = _matrix(X)
    W, b = _parameters(parameters, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        Z = X @ W
        Z += b
    _checked(Z, "the logits Z = X W + b", "the weights are too large for these features")
    return sigmoid(Z), {"Z": Z}


# 4. The cost ----------------------------------------------------------------------------------
def compute_cost(A: ArrayLike, Y: ArrayLike, cache: dict[str, Array] | None = None) -> float:
    """Binary cross-entropy, the mean over the m examples.

    Parameters
    ----------
    A, Y : array_like of shape (m, 1) or (m,)
        Probabilities from :func:`forward_propagation`, and labels 0 or 1.
    cache : dict, optional
        The cache of :func:`forward_propagation`. When given, the cost is computed exactly
        from the logits Z, and A is only used for its size.

    Notes
    -----
    From Z: ``J = mean(log(1 + exp(s z)))`` with ``s = 1 - 2y`` (:func:`oneneuron.loss.loss`),
    equal to the seeds' formula and finite for every finite z: z = 800 with y = 0 costs 800.

    From A alone: ``J = -mean(y log(a) + (1 - y) log(1 - a))`` with
    :func:`scipy.special.xlogy`, so that ``0 log 0 = 0`` without an epsilon. A sure, correct
    prediction (a = 1, y = 1) costs 0; a wrong one that has rounded to a = 0 or 1 costs
    ``inf``, honestly: A no longer says how wrong it is. Passing ``cache`` avoids that.
    """
    A = _probabilities(A)
    Y = _column(Y, A.size)
    if cache is not None:
        Z = _numbers(cache["Z"], "cache['Z']") if "Z" in cache else None
        if Z is None or Z.size != A.size:
            raise ValueError(
                f"cache must be {{'Z': logits ({A.size}, 1)}} from forward_propagation"
            )
        Z = Z.reshape(Y.shape)
        _check_finite(Z.ravel(), "cache['Z']")
        with np.errstate(over="ignore"):  # the mean of logits near 1e308 is honestly inf
            return float(np.mean(loss(label_sign(Y), Z)))
    A = A.reshape(Y.shape)
    return float(-np.mean(xlogy(Y, A) + xlogy(1.0 - Y, 1.0 - A)))


def _probabilities(A: ArrayLike, m: int | None = None) -> Array:
    """A as a float array of probabilities in [0, 1] (m of them when m is given)."""
    A = _numbers(A, "A")
    if m is not None and A.size != m:
        raise ValueError(f"A must hold {m} probabilities, one per example; got shape {A.shape}")
    if not np.all((A >= 0) & (A <= 1)):  # NaN fails too
        shown = A.ravel()[~((A.ravel() >= 0) & (A.ravel() <= 1))][0]
        raise ValueError(f"A must hold probabilities from 0 to 1; it holds {shown:g}")
    return A
