"""The seeds' step-by-step API (one neuron trained by gradient descent), readable top to bottom.

One example x (a row of X, n features) goes through one neuron::

    z = x . w + b                          the logit
    a = sigmoid(z) = 1 / (1 + exp(-z))     the probability that y = 1

For m examples, X is (m, n), W is (n, 1), Z = X W + b and A = sigmoid(Z) are (m, 1).
The cost is the binary cross-entropy, the mean over examples::

    J = -(1/m) sum_i [ y_i log(a_i) + (1 - y_i) log(1 - a_i) ]
      =  (1/m) sum_i [ log(1 + exp(z_i)) - y_i z_i ]             (the same, from z)

Since dJ/dz_i = (a_i - y_i) / m, the gradients and the gradient-descent steps are::

    dJ/dW = X^T (A - Y) / m        (n, 1)        W <- W - learning_rate dJ/dW
    dJ/db = mean(A - Y)            a number      b <- b - learning_rate dJ/db

Numerics. The seeds write ``1 / (1 + np.exp(-z))`` (overflows for z < -709), clip z, or add an
epsilon inside the log. Here the sigmoid comes from :mod:`oneneuron._numerics` and the loss from
:mod:`oneneuron.loss`, exact for every finite z. The cost is computed from the logits Z, kept in
the ``cache`` of :func:`forward_propagation` (as in Andrew Ng's course): once A has rounded to
exactly 0 or 1 it has lost what the log needs, while Z still has it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import xlogy

from ._files import atomic_write_bytes, looks_like_pickle, read_capped
from ._numerics import sigmoid as _stable_sigmoid
from .loss import label_sign, loss

__all__ = [
    "LogisticRegressionNN",
    "Neuron",
    "accuracy",
    "backward_propagation",
    "compute_cost",
    "forward_propagation",
    "initialize_parameters",
    "load_parameters",
    "model",
    "plot_decision_boundary",
    "predict",
    "predict_user_input",
    "random_mini_batches",
    "save_parameters",
    "sigmoid",
    "update_parameters",
]

Array = NDArray[np.floating]
Labels = NDArray[np.int64]
Parameters = dict[str, Any]  # {"W": ndarray (n, 1), "b": float}
RandomState = int | np.random.Generator | None
FORMAT = "oneneuron-textbook-parameters"


def _matrix(X: ArrayLike) -> Array:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (m examples, n features), got shape {X.shape}")
    return X


def _column(Y: ArrayLike, m: int) -> Array:
    """Labels of shape (m,) or (m, 1) as a float column (m, 1) of 0s and 1s."""
    Y = np.asarray(Y, dtype=np.float64)
    if Y.size != m or Y.ndim > 2 or (Y.ndim == 2 and Y.shape[1] != 1):
        raise ValueError(f"Y must have shape ({m},) or ({m}, 1), got {Y.shape}")
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError(f"labels must be 0 or 1, got values {np.unique(Y)[:5]}")
    return Y.reshape(m, 1)


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
        Standard deviation of the weights.
    """
    rng = np.random.default_rng(random_state)
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
    """
    Z = _matrix(X) @ np.asarray(parameters["W"], dtype=np.float64).reshape(-1, 1)
    Z += float(parameters["b"])
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
    Y = _column(Y, np.size(A))
    if cache is not None:
        Z = np.asarray(cache["Z"], dtype=np.float64).reshape(Y.shape)
        return float(np.mean(loss(label_sign(Y), Z)))
    A = np.asarray(A, dtype=np.float64).reshape(Y.shape)
    return float(-np.mean(xlogy(Y, A) + xlogy(1.0 - Y, 1.0 - A)))


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
    dZ = np.asarray(A, dtype=np.float64).reshape(m, 1) - _column(Y, m)
    return {"dW": X.T @ dZ / m, "db": float(np.mean(dZ))}


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
    """
    W = np.asarray(parameters["W"], dtype=np.float64).reshape(-1, 1) - learning_rate * grads["dW"]
    return {"W": W, "b": float(parameters["b"]) - learning_rate * float(grads["db"])}


# 7. Training ----------------------------------------------------------------------------------
def model(
    X: ArrayLike,
    Y: ArrayLike,
    num_iterations: int = 1000,
    learning_rate: float = 0.1,
    print_cost: bool = False,
    *,
    random_state: RandomState = None,
    parameters: Parameters | None = None,
    print_every: int = 100,
) -> tuple[Parameters, list[float]]:
    """Train the neuron by full-batch gradient descent: steps 2 to 6 in a loop.

    Parameters
    ----------
    X, Y : array_like of shapes (m, n) and (m, 1) or (m,)
    num_iterations, learning_rate : int, float
        Number of updates and their step size.
    print_cost, print_every : bool, int
        Print ``"Cost after iteration i: c"`` every ``print_every`` iterations.
    random_state : int, Generator or None
        Seed for :func:`initialize_parameters`, unused when ``parameters`` is given.
    parameters : dict, optional
        Initial ``{"W": (n, 1), "b": float}``; not modified.

    Returns
    -------
    parameters : dict
        ``{"W": (n, 1), "b": float}`` after the last update.
    costs : list of float
        ``num_iterations`` costs, the cost before each update.
    """
    X = _matrix(X)
    Y = _column(Y, X.shape[0])
    if parameters is None:
        parameters = initialize_parameters(X.shape[1], random_state=random_state)
    W = np.array(parameters["W"], dtype=np.float64)
    if W.size != X.shape[1]:
        raise ValueError(f"parameters['W'] has {W.size} weights, X has {X.shape[1]} features")
    parameters = {"W": W.reshape(-1, 1), "b": float(parameters["b"])}
    costs: list[float] = []
    for i in range(num_iterations):
        A, cache = forward_propagation(X, parameters)
        costs.append(compute_cost(A, Y, cache))
        if print_cost and i % print_every == 0:
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
        grads = backward_propagation(X, Y, A)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


# 8. Predictions -------------------------------------------------------------------------------
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
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    A, _ = forward_propagation(X, parameters)
    return (A >= threshold).astype(np.int64), A


def accuracy(predictions: ArrayLike, Y: ArrayLike) -> float:
    """Fraction of the m predictions (shape (m, 1) or (m,)) equal to the labels Y."""
    p = np.asarray(predictions).ravel()
    return float(np.mean(p == _column(Y, p.size).ravel()))


# 9. Visualisation -----------------------------------------------------------------------------
def plot_decision_boundary(X: ArrayLike, Y: ArrayLike, parameters: Parameters, **kw: Any) -> Any:
    """Draw the data X (m, 2), Y (m, 1) over where ``parameters`` say class 1; return the Axes.

    The seeds' argument order for :func:`oneneuron.plotting.plot_decision_boundary`, which
    takes the same keyword arguments (``points=``, ``ax=``, ...); imported only when called.
    """
    try:
        from .plotting import plot_decision_boundary as draw
    except ImportError as exc:
        raise ImportError(f"plotting needs oneneuron.plotting and matplotlib: {exc}") from exc
    return draw(parameters, X, Y, **kw)


# 10. Saving and loading -----------------------------------------------------------------------
def save_parameters(parameters: Parameters, filename: str | os.PathLike[str]) -> None:
    """Write finite parameters ``{"W": (n, 1), "b": float}`` to a small JSON file, atomically.

    Notes
    -----
    The file is JSON whatever its extension (the seeds' ``"logistic_model.pkl"`` works). The
    seeds used pickle, but loading a pickle runs whatever code it names, so oneneuron never
    loads one. The text goes to a temporary file in the same folder, moved into place with
    :func:`os.replace`: a failed save leaves an existing file intact.
    """
    W = np.asarray(parameters["W"], dtype=np.float64).ravel()
    doc = {"format": FORMAT, "version": 1, "W": W.tolist(), "b": float(parameters["b"])}
    text = json.dumps(doc, allow_nan=False)  # ValueError for inf or nan
    atomic_write_bytes(filename, (text + "\n").encode("utf-8"))


#: Largest parameter file :func:`load_parameters` reads (a 784-pixel model takes 16 KB).
MAX_PARAMETER_BYTES = 16 * 2**20


class _NonFinite(ValueError):
    """A NaN or Infinity literal in a parameter file."""


def _no_constant(name: str) -> float:
    raise _NonFinite(f"the file holds {name}; parameters must be finite numbers")


def load_parameters(filename: str | os.PathLike[str]) -> Parameters:
    """Read ``{"W": ndarray (n, 1), "b": float}`` written by :func:`save_parameters`.

    Raises a ValueError naming the file when it is not this format (or is a pickle).
    """
    name = os.fspath(filename)
    data = read_capped(filename, MAX_PARAMETER_BYTES, what="parameter file")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except _NonFinite as exc:
        raise ValueError(f"{name!r}: {exc}") from None
    except RecursionError:
        raise ValueError(f"{name!r} is not a {FORMAT} JSON file (nested too deeply)") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        if looks_like_pickle(data):
            msg = "oneneuron refuses pickles because loading one runs code; use save_parameters"
            raise ValueError(f"{name!r} is a pickle: {msg}") from None
        raise ValueError(f"{name!r} is not a {FORMAT} JSON file") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
        raise ValueError(f"{name!r} is not a {FORMAT} file of version 1")
    W, b = doc.get("W"), doc.get("b")
    if not (isinstance(W, list) and W and all(type(v) in (int, float) for v in [*W, b])):
        raise ValueError(f"{name!r}: 'W' must be a non-empty list of numbers, 'b' a number")
    return {"W": np.array(W, dtype=np.float64).reshape(-1, 1), "b": float(doc["b"])}


# 11. Predicting user input --------------------------------------------------------------------
def _parse_points(user_input: str | ArrayLike) -> Array:
    """``"2,1; -1,3"``, a list of lists or an array (k, n) as a float array (k, n)."""
    if not isinstance(user_input, str):
        return np.atleast_2d(np.asarray(user_input, dtype=np.float64))
    rows: list[list[float]] = [[] for _ in user_input.split(";")]
    for row, point in zip(rows, user_input.split(";"), strict=True):
        for token in point.split(","):
            try:
                row.append(float(token))
            except ValueError:
                msg = f"could not read {token.strip()!r} in point {point.strip()!r} as a number"
                raise ValueError(f"{msg}; write points as 'x1,x2; x1,x2'") from None
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
    n = np.asarray(parameters["W"]).size
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


# 12. Mini-batches (seed 001) ----------------------------------------------------------------------
def random_mini_batches(
    X: ArrayLike, Y: ArrayLike, batch_size: int = 64, *, random_state: RandomState = None
) -> list[tuple[Array, Array]]:
    """Shuffle the examples once and cut them into batches of ``batch_size``.

    Parameters
    ----------
    X, Y : array_like of shapes (m, n) and (m, 1) or (m,)
    batch_size, random_state : int; int, Generator or None

    Returns
    -------
    list of (X_batch (k, n), Y_batch (k, 1))
        Every example in exactly one batch; ``k = batch_size`` except maybe for the last.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    X = _matrix(X)
    Y = _column(Y, X.shape[0])
    order = np.random.default_rng(random_state).permutation(X.shape[0])
    X, Y = X[order], Y[order]
    return [(X[i : i + batch_size], Y[i : i + batch_size]) for i in range(0, len(X), batch_size)]


# 13. The same neuron as classes (seed 003) ----------------------------------------------------
class Neuron:
    """One neuron, forward pass only: ``sigmoid(inputs . weights + bias)``.

    ``weights`` (num_inputs,) are standard normal from ``random_state``; ``bias`` starts at 0.
    """

    def __init__(self, num_inputs: int, random_state: RandomState = None) -> None:
        self.weights = np.random.default_rng(random_state).standard_normal(num_inputs)
        self.bias = 0.0

    sigmoid = staticmethod(sigmoid)

    def forward(self, inputs: ArrayLike) -> float | Array:
        """A float for inputs (num_inputs,); an array (k,) for inputs (k, num_inputs)."""
        out = self.sigmoid(np.asarray(inputs, dtype=np.float64) @ self.weights + self.bias)
        return float(out) if out.ndim == 0 else out


class LogisticRegressionNN:
    """Logistic regression as a one-neuron network, built on the functions above.

    ``weights`` (input_size, 1) are standard normal from ``random_state``; ``bias`` (1, 1) is 0.
    """

    def __init__(self, input_size: int, random_state: RandomState = None) -> None:
        self.weights = np.random.default_rng(random_state).standard_normal((input_size, 1))
        self.bias = np.zeros((1, 1))

    @property
    def parameters(self) -> Parameters:
        """``{"W": weights, "b": float(bias)}``, the dict the functions above take."""
        return {"W": self.weights, "b": float(self.bias[0, 0])}

    sigmoid = staticmethod(sigmoid)

    def forward(self, X: ArrayLike) -> Array:
        """Probabilities (m, 1) for X (m, n)."""
        return forward_propagation(X, self.parameters)[0]

    def compute_cost(self, X: ArrayLike, y: ArrayLike) -> float:
        """Cross-entropy of X (m, n) against y (m, 1), exact from the logits."""
        A, cache = forward_propagation(X, self.parameters)
        return compute_cost(A, y, cache)

    def compute_gradients(self, X: ArrayLike, y: ArrayLike) -> tuple[Array, float]:
        """``(dw (n, 1), db)``, see :func:`backward_propagation`."""
        grads = backward_propagation(X, y, self.forward(X))
        return grads["dW"], grads["db"]

    def train(
        self, X: ArrayLike, y: ArrayLike, learning_rate: float = 0.01, epochs: int = 1000
    ) -> list[float]:
        """Gradient descent for ``epochs`` steps; returns the cost before each step."""
        params, costs = model(X, y, epochs, learning_rate, parameters=self.parameters)
        self.weights, self.bias = params["W"], np.full((1, 1), params["b"])
        return costs

    def predict(self, X: ArrayLike, threshold: float = 0.5) -> Labels:
        """Class labels (m, 1), 0 or 1."""
        return predict(X, self.parameters, threshold)[0]
