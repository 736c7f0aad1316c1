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

Checks. Every function checks what it is given and says in plain words what is wrong: a NaN
in X (with its row and column), an empty X, a learning rate that is not a positive number,
a point typed as ``"nan, 1"``. Gradient descent with too large a learning rate diverges: the
cost grows instead of shrinking, until the weights overflow. :func:`model` stops as soon as
the cost has grown a hundredfold or a step overflows, and says to lower the learning rate.
These checks never change a number that is computed: ``model`` stays bit for bit the same
as ``LogisticRegression(solver="gd", alpha=0)`` from the same start.
"""

from __future__ import annotations

import json
import math
import numbers
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


#: How much the cost may grow over its first value before :func:`model` calls it divergence.
DIVERGENCE_FACTOR = 100.0


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


def _rng(random_state: RandomState) -> np.random.Generator:
    """``np.random.default_rng(random_state)``, with a plain error for a bad seed."""
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError):
        raise ValueError(
            f"random_state must be None, a whole number >= 0 or a numpy Generator; "
            f"got {random_state!r}"
        ) from None


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

    Raises
    ------
    ValueError
        For bad input (see the module's notes), and when gradient descent diverges: the
        cost grows to :data:`DIVERGENCE_FACTOR` times its first value (or 1, if that is
        more), or a step overflows. The message says to lower the learning rate.
    """
    X = _matrix(X)
    Y = _column(Y, X.shape[0])
    num_iterations = _count("num_iterations", num_iterations, 0)
    learning_rate = _real("learning_rate", learning_rate, low=0.0, above=True)
    print_every = _count("print_every", print_every, 1)
    if parameters is None:
        parameters = initialize_parameters(X.shape[1], random_state=random_state)
    W, b = _parameters(parameters, X.shape[1])
    parameters = {"W": W.copy(), "b": b}
    costs: list[float] = []
    for i in range(num_iterations):
        try:
            A, cache = forward_propagation(X, parameters)
        except _Overflow as exc:  # at i = 0 the starting weights were too large
            raise exc if i == 0 else _diverged(i, learning_rate, str(exc)) from None
        costs.append(compute_cost(A, Y, cache))
        if costs[-1] > DIVERGENCE_FACTOR * max(costs[0], 1.0):
            grew = f"the cost grew from {costs[0]:.4g} to {costs[-1]:.4g}"
            raise _diverged(i, learning_rate, grew)
        if print_cost and i % print_every == 0:
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
        grads = backward_propagation(X, Y, A)
        try:
            parameters = update_parameters(parameters, grads, learning_rate)
        except _Overflow as exc:
            raise _diverged(i + 1, learning_rate, str(exc)) from None
    return parameters, costs


def _diverged(iteration: int, learning_rate: float, why: str) -> ValueError:
    return ValueError(
        f"gradient descent diverged by iteration {iteration}: {why}. learning_rate="
        f"{learning_rate:g} is too large for this data; lower it (try {learning_rate / 10:g}) "
        "or scale the features"
    )


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
    threshold = _real("threshold", threshold, low=0.0, high=1.0)
    A, _ = forward_propagation(X, parameters)
    return (A >= threshold).astype(np.int64), A


def accuracy(predictions: ArrayLike, Y: ArrayLike) -> float:
    """Fraction of the m predictions (0 or 1, shape (m, 1) or (m,)) equal to the labels Y."""
    p = _column(predictions, np.size(predictions), "predictions").ravel()
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
    W, b = _parameters(parameters)  # ValueError for NaN or infinity, before any file is made
    doc = {"format": FORMAT, "version": 1, "W": W.ravel().tolist(), "b": b}
    text = json.dumps(doc, allow_nan=False)
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
    except ValueError:  # an integer of more than 4300 digits
        raise ValueError(f"{name!r}: the file holds a number too long to read") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
        raise ValueError(f"{name!r} is not a {FORMAT} file of version 1")
    W, b = doc.get("W"), doc.get("b")
    if not (isinstance(W, list) and W and all(type(v) in (int, float) for v in [*W, b])):
        raise ValueError(f"{name!r}: 'W' must be a non-empty list of numbers, 'b' a number")
    try:  # 1e999 reads as inf, 10**400 does not fit a float
        values = np.array([*W, b], dtype=np.float64)
    except OverflowError:
        values = np.array([np.inf])
    if not np.isfinite(values).all():
        raise ValueError(f"{name!r}: the file holds a number too large for a float")
    return {"W": values[:-1].reshape(-1, 1), "b": float(values[-1])}


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
    batch_size = _count("batch_size", batch_size, 1)
    X = _matrix(X)
    Y = _column(Y, X.shape[0])
    order = _rng(random_state).permutation(X.shape[0])
    X, Y = X[order], Y[order]
    return [(X[i : i + batch_size], Y[i : i + batch_size]) for i in range(0, len(X), batch_size)]


# 13. The same neuron as classes (seed 003) ----------------------------------------------------
class Neuron:
    """One neuron, forward pass only: ``sigmoid(inputs . weights + bias)``.

    ``weights`` (num_inputs,) are standard normal from ``random_state``; ``bias`` starts at 0.
    """

    def __init__(self, num_inputs: int, random_state: RandomState = None) -> None:
        num_inputs = _count("num_inputs", num_inputs, 1)
        self.weights = _rng(random_state).standard_normal(num_inputs)
        self.bias = 0.0

    sigmoid = staticmethod(sigmoid)

    def forward(self, inputs: ArrayLike) -> float | Array:
        """A float for inputs (num_inputs,); an array (k,) for inputs (k, num_inputs)."""
        x = _numbers(inputs, "inputs")
        n = self.weights.size
        if x.ndim not in (1, 2) or x.shape[-1] != n:
            raise ValueError(f"inputs must have shape ({n},) or (k, {n}); got {x.shape}")
        _check_finite(x if x.ndim == 2 else x.reshape(1, -1), "inputs")
        W, b = _parameters({"W": self.weights, "b": self.bias})
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            z = np.asarray(x @ W[:, 0] + b)
        out = self.sigmoid(_checked(z, "x . w + b", "the inputs or weights are too large"))
        return float(out) if out.ndim == 0 else out


class LogisticRegressionNN:
    """Logistic regression as a one-neuron network, built on the functions above.

    ``weights`` (input_size, 1) are standard normal from ``random_state``; ``bias`` (1, 1) is 0.
    """

    def __init__(self, input_size: int, random_state: RandomState = None) -> None:
        input_size = _count("input_size", input_size, 1)
        self.weights = _rng(random_state).standard_normal((input_size, 1))
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
        epochs = _count("epochs", epochs, 0)
        params, costs = model(X, y, epochs, learning_rate, parameters=self.parameters)
        self.weights, self.bias = params["W"], np.full((1, 1), params["b"])
        return costs

    def predict(self, X: ArrayLike, threshold: float = 0.5) -> Labels:
        """Class labels (m, 1), 0 or 1."""
        return predict(X, self.parameters, threshold)[0]
