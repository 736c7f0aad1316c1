"""Chapter 4: predictions, the decision boundary, and points typed by users (steps 9 to 11).

Class labels and probabilities from trained parameters (:mod:`._training`), their accuracy,
the picture of where the neuron says class 1, and new points typed as ``"2,1; -1,3"``.
Next, :mod:`._saving`: keeping the parameters in a file.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import Array, Labels, Parameters, _column, _matrix, _numbers, _parameters, _real
from ._neuron import forward_propagation


# 9. Predictions -------------------------------------------------------------------------------
def predict(X: ArrayLike, parameters: Parameters, threshold: float = 0.5) -> tuple[Labels, Array]:
    """Class labels and probabilities.

    Parameters
    ----------
    X : array_like of shape (m, n)
    parameters : dict
    threshold : float
        Class 1 where the probability is at least this.

    Returns
    -------
    predictions : ndarray of int, shape (m, 1)
    probabilities : ndarray of shape (m, 1)
        P(y = 1 | x).
    """
    threshold = _real("threshold", threshold, low=0.0, high=1.0)
    A, _ = forward_propagation(X, parameters)
    return (A >= threshold).astype(np.int64), A


def accuracy(predictions: ArrayLike, Y: ArrayLike) -> float:
    """Fraction of the m predictions (0 or 1, shape (m, 1) or (m,)) equal to the labels Y."""
    p = _column(predictions, np.size(predictions), "predictions").ravel()
    return float(np.mean(p == _column(Y, p.size).ravel()))


# 10. Visualisation ----------------------------------------------------------------------------
def plot_decision_boundary(X: ArrayLike, Y: ArrayLike, parameters: Parameters, **kw: Any) -> Any:
    """Draw the data X (m, 2), Y (m, 1) over where ``parameters`` say class 1; return the Axes.

    The seeds' argument order for :func:`oneneuron.plotting.plot_decision_boundary`, which
    takes the same keyword arguments (``points=``, ``ax=``, ...); imported only when called.
    """
    try:
        from ..plotting import plot_decision_boundary as draw
    except ImportError as exc:
        raise ImportError(f"plotting needs oneneuron.plotting and matplotlib: {exc}") from exc
    return draw(parameters, X, Y, **kw)


# 11. Predicting user input --------------------------------------------------------------------
def _parse_points(user_input: str | ArrayLike) -> Array:
    """``"2,1; -1,3"``, a list of lists or an array (k, n) as a finite float array (k, n)."""
    if not isinstance(user_input, str):
        points = _numbers(user_input, "user_input")
        if points.ndim > 2:
            raise ValueError(
                f"user_input must be a list of points (k, n); got shape {points.shape}"
            )
        return _matrix(np.atleast_2d(points), "user_input")
    if not user_input.strip():
        raise ValueError("no points given; write points as 'x1,x2; x1,x2'")
    rows: list[list[float]] = [[] for _ in user_input.split(";")]
    for row, point in zip(rows, user_input.split(";"), strict=True):
        for token in point.split(","):
            try:
                row.append(float(token))
            except ValueError:
                msg = f"could not read {token.strip()!r} in point {point.strip()!r} as a number"
                raise ValueError(f"{msg}; write points as 'x1,x2; x1,x2'") from None
            if not math.isfinite(row[-1]):
                raise ValueError(
                    f"{token.strip()!r} in point {point.strip()!r} is not a finite number; "
                    "coordinates must be ordinary numbers such as 2 or -1.5"
                )
    if len({len(r) for r in rows}) != 1:
        raise ValueError(f"the points have different numbers of coordinates: {user_input!r}")
    return np.array(rows, dtype=np.float64)


def predict_user_input(
    user_input: str | ArrayLike,
    parameters: Parameters,
    plot_data: bool = False,
    X_train: ArrayLike | None = None,
    Y_train: ArrayLike | None = None,
) -> tuple[Labels, Array]:
    """Predict and print the class of new points, one line each.

    Parameters
    ----------
    user_input : str, list of lists or array_like of shape (k, n)
        A string is read as ``"x1,x2; x1,x2"``: coordinates split by ``,``, points by ``;``.
    parameters : dict
    plot_data, X_train, Y_train : bool, array_like (m, n) and (m, 1), optional
        Draw the new points and the decision boundary (:func:`plot_decision_boundary`),
        over ``X_train, Y_train`` when given.

    Returns
    -------
    predictions : ndarray of int, shape (k, 1)
    probabilities : ndarray of shape (k, 1)
        P(y = 1 | x), printed as ``p``.
    """
    points = _parse_points(user_input)
    n = _parameters(parameters)[0].size
    if points.shape[1] != n:
        raise ValueError(f"each point needs {n} coordinates, got points of shape {points.shape}")
    predictions, probabilities = predict(points, parameters)
    for x, c, p in zip(points, predictions[:, 0], probabilities[:, 0], strict=True):
        print(f"Point {x} -> class {c} (p = {p:.2f})")
    if plot_data:
        if X_train is None or Y_train is None:
            X_train, Y_train = points, predictions
        plot_decision_boundary(X_train, Y_train, parameters, points=points)
    return predictions, probabilities
