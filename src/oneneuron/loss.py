"""The pointwise logistic loss of a logit z and its derivatives with respect to z.

For a label y in {0, 1} and a logit z = x.w + b::

    l(y, z)        = log(1 + exp(z)) - y z  = log1pexp(s z),   s = 1 - 2y
    dl/dz          = sigmoid(z) - y         = s sigmoid(s z)
    d2l/dz2        = sigmoid(z) (1 - sigmoid(z))

Writing the loss through the sign ``s`` avoids the cancellation in
``log1pexp(z) - z`` for large positive z with y = 1, and ``s sigmoid(s z)`` avoids the
cancellation in ``sigmoid(z) - 1``: both are exact to the last bit where the naive
forms lose everything.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._numerics import log1pexp, sigmoid

__all__ = ["label_sign", "loss", "loss_gradient", "loss_gradient_hessian"]

Array = NDArray[np.floating]


def label_sign(y01: NDArray[np.generic], dtype: Any = np.float64) -> Array:
    """``s = 1 - 2y``: +1 for class 0, -1 for class 1, as floats of ``dtype``."""
    return (1.0 - 2.0 * np.asarray(y01, dtype=dtype)).astype(dtype, copy=False)


def loss(sign: Array, z: Array) -> Array:
    """Per-sample logistic loss ``log1pexp(s z)``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
        ``1 - 2y`` for labels y in {0, 1}.
    z : ndarray of shape (n,)
        Logits.

    Returns
    -------
    ndarray of shape (n,)
        Non-negative losses.
    """
    return log1pexp(sign * z)


def loss_gradient(sign: Array, z: Array) -> tuple[Array, Array]:
    """Per-sample loss and its derivative ``dl/dz = sigmoid(z) - y``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
    z : ndarray of shape (n,)

    Returns
    -------
    loss : ndarray of shape (n,)
    dloss : ndarray of shape (n,)
    """
    t = sign * z
    value = log1pexp(t)
    # s * sigmoid(s z): equals sigmoid(z) - y without cancellation.
    d = sigmoid(t)
    d *= sign
    return value, d


def loss_gradient_hessian(sign: Array, z: Array) -> tuple[Array, Array, Array]:
    """Per-sample loss, ``dl/dz`` and ``d2l/dz2 = p (1 - p)``.

    Parameters
    ----------
    sign : ndarray of shape (n,)
    z : ndarray of shape (n,)

    Returns
    -------
    loss, dloss, d2loss : ndarrays of shape (n,)

    Notes
    -----
    With q = sigmoid(s z), p (1 - p) = q (1 - q) for either sign, computed as
    ``q * sigmoid(-s z)`` so that neither factor suffers cancellation.
    """
    t = sign * z
    value = log1pexp(t)
    q = sigmoid(t)
    h = q * sigmoid(-t)
    return value, q * sign, h
