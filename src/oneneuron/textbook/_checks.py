"""What every chapter of the textbook checks first, and the names of its types.

Not a chapter: read it when a chapter calls one of these. Each check turns what a learner
passes (lists, arrays, numpy scalars) into float arrays or plain numbers, or raises a
ValueError that says in plain words what is wrong: a NaN in X with its row and column, an
empty X, a learning rate that is not a positive number. None of them changes a number that
is computed. The chapters start with :mod:`._neuron`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]
Labels = NDArray[np.int64]
Parameters = dict[str, Any]  # {"W": ndarray (n, 1), "b": float}
RandomState = int | np.random.Generator | None


class _Overflow(ValueError):
    """A step produced numbers beyond float64: the sign of a learning rate that is too large."""


def _matrix(X: ArrayLike, name: str = "X") -> Array:
    """X as a float array (m, n) with m, n >= 1 and only finite numbers, or a plain error."""
    X = _numbers(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (m examples, n features), got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        what = "no examples (rows)" if X.shape[0] == 0 else "no features (columns)"
        raise ValueError(f"{name} is empty: it has {what}, shape {X.shape}")
    _check_finite(X, name)
    return X


def _numbers(values: ArrayLike, name: str) -> Array:
    """``values`` as a float64 array, or a plain error for text, complex numbers, ragged lists."""
    if getattr(getattr(values, "dtype", None), "kind", "") == "c":
        raise ValueError(f"{name} holds complex numbers; use real numbers")
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        why = str(exc).split(". ")[0]  # numpy's first sentence
        raise ValueError(f"{name} must hold only numbers, in rows of one length ({why})") from None


def _check_finite(values: Array, name: str) -> None:
    """Raise a ValueError that says where ``values`` holds its first NaN or infinity."""
    if np.isfinite(values).all():
        return
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
    what = "NaN (a missing value)" if np.isnan(values[where]) else "an infinite value"
    at = f"row {where[0]}, column {where[1]}" if len(where) == 2 else f"position {where[0]}"
    raise ValueError(f"{name} holds {what} at {at}; remove or fill in such values first")


def _count(name: str, value: Any, low: int) -> int:
    """A whole number >= ``low`` (numpy integers too, not bools), or a plain error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be a whole number of at least {low}; got {_scalar(value)!r}")
    return int(value)


def _real(
    name: str, value: Any, *, low: float, high: float = math.inf, above: bool = False
) -> float:
    """A finite number in [low, high] ((low, high] when ``above``), or a plain error."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and (value > low if above else value >= low) and value <= high
    if not ok:
        if high < math.inf:
            bounds = f" from {low:g} to {high:g}"
        elif low > -math.inf:
            bounds = f" greater than {low:g}" if above else f" of at least {low:g}"
        else:
            bounds = ""
        raise ValueError(f"{name} must be a finite number{bounds}; got {_scalar(value)!r}")
    return float(value)


def _parameters(parameters: Parameters, n: int | None = None) -> tuple[Array, float]:
    """``(W (n, 1), b)`` from ``{"W": ..., "b": ...}``, finite; n weights when n is given."""
    if not hasattr(parameters, "keys") or not {"W", "b"} <= set(parameters.keys()):
        has = f"keys {sorted(parameters.keys())}" if hasattr(parameters, "keys") else "no keys"
        raise ValueError(
            f"parameters must be a dict with 'W' and 'b'; got a {type(parameters).__name__} "
            f"with {has}"
        )
    W = _numbers(parameters["W"], "parameters['W']").reshape(-1, 1)
    if W.size == 0:
        raise ValueError("parameters['W'] is empty; it needs one weight per feature")
    _check_finite(W.ravel(), "parameters['W']")
    b = _real("parameters['b']", _scalar(parameters["b"]), low=-math.inf)
    if n is not None and W.size != n:
        raise ValueError(f"parameters['W'] has {W.size} weights, X has {n} features")
    return W, b


def _scalar(value: Any) -> Any:
    """A one-element array (such as ``bias`` of shape (1, 1)) as its number."""
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.reshape(()).item()
    return value.item() if isinstance(value, np.generic) else value


def _column(Y: ArrayLike, m: int, name: str = "Y") -> Array:
    """Labels of shape (m,) or (m, 1) as a float column (m, 1) of 0s and 1s."""
    Y = _numbers(Y, name)
    if Y.size != m or Y.ndim > 2 or (Y.ndim == 2 and Y.shape[1] != 1):
        raise ValueError(f"{name} must have shape ({m},) or ({m}, 1), got {Y.shape}")
    if m == 0:
        raise ValueError(f"{name} is empty: there is nothing to compare")
    if not np.all((Y == 0) | (Y == 1)):
        shown = ", ".join(f"{v:g}" for v in np.unique(Y)[:5])
        what = "labels" if name == "Y" else name
        raise ValueError(f"{what} must be 0 or 1, got values ({shown})")
    return Y.reshape(m, 1)


def _checked(values: Array, what: str, why: str) -> Array:
    """``values``, or an :class:`_Overflow` when a step left float64's range."""
    if not np.isfinite(values).all():
        raise _Overflow(f"{what} overflowed (left the range of float64 numbers): {why}")
    return values


def _rng(random_state: RandomState) -> np.random.Generator:
    """``np.random.default_rng(random_state)``, with a plain error for a bad seed."""
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError):
        raise ValueError(
            f"random_state must be None, a whole number >= 0 or a numpy Generator; "
            f"got {random_state!r}"
        ) from None
