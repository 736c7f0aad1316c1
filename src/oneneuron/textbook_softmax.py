"""A layer of neurons, step by step: the textbook's next chapter (K classes, softmax).

One neuron gives one logit and separates two classes. A layer of K neurons gives K
logits, one per class, and the softmax turns them into K probabilities that sum to 1::

    z_k = x . w_k + b_k                    k = 1..K: neuron k's logit
    p_k = exp(z_k) / sum_j exp(z_j)        the softmax: the probability of class k

For m examples, X is (m, n), W is (n, K) (column k is neuron k's weights), b is (K,),
Z = X W + b and P = softmax(Z) are (m, K). Labels are one-hot rows Y (m, K): Y_ik = 1
when example i is of class k. The cost is the cross-entropy, the mean over examples::

    J = -(1/m) sum_i sum_k Y_ik log(P_ik)
      =  (1/m) sum_i [ log sum_k exp(z_ik) - z_i,y_i ]           (the same, from Z)

and, exactly as for one neuron, dJ/dZ = (P - Y) / m, so::

    dJ/dW = X^T (P - Y) / m        (n, K)        W <- W - learning_rate dJ/dW
    dJ/db = mean over rows of (P - Y)   (K,)      b <- b - learning_rate dJ/db

With K = 2 this is one neuron again: the two logits only matter through their
difference z_2 - z_1, and softmax(z_1, z_2)_2 = sigmoid(z_2 - z_1).

Numerics. ``exp(z)`` overflows for z > 709. The log-sum-exp subtracts each row's largest
logit first (``log sum exp(z) = max z + log sum exp(z - max z)``), so every exponent is at
most 0 and the largest term is 1: exact for every finite logit (see
:func:`oneneuron.loss.softmax_terms_into`). The tests check the gradients against finite
differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .loss import log_softmax, softmax, softmax_loss_gradient
from .textbook._checks import _count, _matrix, _real

__all__ = [
    "backward_layer",
    "compute_cross_entropy",
    "forward_layer",
    "initialize_layer",
    "layer_model",
    "one_hot",
    "predict_layer",
    "softmax",
    "update_layer",
]

Array = NDArray[np.floating]
Layer = dict[str, Any]  # {"W": ndarray (n, K), "b": ndarray (K,)}


# 1. The labels as one-hot rows ------------------------------------------------------------------
def one_hot(y: ArrayLike, n_classes: int | None = None) -> Array:
    """Class indices ``0..K-1`` (m,) as one-hot rows (m, K)."""
    codes = np.asarray(y)
    if codes.ndim != 1 or codes.size == 0 or codes.dtype.kind not in "iu":
        raise ValueError("y must be a non-empty 1-D array of class numbers 0, 1, 2, ...")
    if codes.min() < 0:
        raise ValueError(f"class numbers start at 0; y holds {int(codes.min())}")
    K = int(codes.max()) + 1 if n_classes is None else _count("n_classes", n_classes, 2)
    if codes.max() >= K:
        raise ValueError(f"y holds class {int(codes.max())}, but n_classes is {K}")
    Y = np.zeros((codes.size, K))
    Y[np.arange(codes.size), codes] = 1.0
    return Y


# 2. Initialisation ------------------------------------------------------------------------------
def initialize_layer(n_features: int, n_classes: int) -> Layer:
    """Zero weights (n, K) and biases (K,): every class equally likely at the start."""
    n = _count("n_features", n_features, 1)
    K = _count("n_classes", n_classes, 2)
    return {"W": np.zeros((n, K)), "b": np.zeros(K)}


# 3. Forward ---------------------------------------------------------------------------------------
def forward_layer(X: ArrayLike, layer: Layer) -> tuple[Array, dict[str, Array]]:
    """Probabilities P = softmax(X W + b) (m, K), and the logits Z in a cache."""
    X = _matrix(X)
    W, b = _layer(layer, X.shape[1])
    Z = X @ W + b
    if not np.all(np.isfinite(Z)):
        raise ValueError("the logits Z = X W + b overflowed: the weights are too large")
    return softmax(Z), {"Z": Z}


# 4. The cost -------------------------------------------------------------------------------------
def compute_cross_entropy(Y: ArrayLike, cache: dict[str, Array]) -> float:
    """The mean cross-entropy, from the logits (exact: log-sum-exp, never log(0))."""
    Z = np.asarray(cache["Z"], dtype=np.float64)
    codes = _codes(Y, Z.shape)
    value, _ = softmax_loss_gradient(codes, Z)
    return float(np.mean(value))


# 5. Backward -------------------------------------------------------------------------------------
def backward_layer(X: ArrayLike, Y: ArrayLike, P: ArrayLike) -> dict[str, Array]:
    """Gradients ``{"dW": X^T (P - Y) / m (n, K), "db": mean(P - Y) (K,)}``."""
    X = _matrix(X)
    P = np.asarray(P, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if P.shape != Y.shape or P.shape[0] != X.shape[0]:
        raise ValueError(f"P {P.shape}, Y {Y.shape} and X {X.shape} do not fit together")
    dZ = (P - Y) / X.shape[0]
    return {"dW": X.T @ dZ, "db": dZ.sum(axis=0)}


# 6. The update -----------------------------------------------------------------------------------
def update_layer(layer: Layer, grads: dict[str, Array], learning_rate: float) -> Layer:
    """One gradient-descent step for every neuron of the layer."""
    rate = _real("learning_rate", learning_rate, low=0.0, above=True)
    return {"W": layer["W"] - rate * grads["dW"], "b": layer["b"] - rate * grads["db"]}


# 7. Training --------------------------------------------------------------------------------------
def layer_model(
    X: ArrayLike,
    y: ArrayLike,
    num_iterations: int = 1000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
    print_every: int = 100,
) -> tuple[Layer, list[float]]:
    """Train a layer of K neurons by full-batch gradient descent: steps 2 to 6 in a loop.

    ``y`` holds class numbers ``0..K-1``. Returns the layer and the cost before each step.
    """
    X = _matrix(X)
    Y = one_hot(y)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {Y.shape[0]} labels")
    n_iter = _count("num_iterations", num_iterations, 0)
    every = _count("print_every", print_every, 1)
    layer = initialize_layer(X.shape[1], Y.shape[1])
    costs: list[float] = []
    for i in range(n_iter):
        P, cache = forward_layer(X, layer)
        costs.append(compute_cross_entropy(Y, cache))
        if print_cost and i % every == 0:
            print(f"Cost after iteration {i}: {costs[-1]:.6f}")
        layer = update_layer(layer, backward_layer(X, Y, P), learning_rate)
    return layer, costs


# 8. Predictions -----------------------------------------------------------------------------------
def predict_layer(X: ArrayLike, layer: Layer) -> tuple[NDArray[np.int64], Array]:
    """The most probable class of each row, and the log-probabilities (m, K)."""
    X = _matrix(X)
    W, b = _layer(layer, X.shape[1])
    logp = log_softmax(X @ W + b)
    return np.argmax(logp, axis=1), logp


def _layer(layer: Layer, n: int) -> tuple[Array, Array]:
    W = np.asarray(layer["W"], dtype=np.float64)
    b = np.asarray(layer["b"], dtype=np.float64).ravel()
    if W.ndim != 2 or W.shape[0] != n or b.shape != (W.shape[1],):
        raise ValueError(f"the layer must hold W ({n}, K) and b (K,); got {W.shape}, {b.shape}")
    return W, b


def _codes(Y: ArrayLike, shape: tuple[int, ...]) -> NDArray[np.int64]:
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != shape:
        raise ValueError(f"Y must be one-hot rows of shape {shape}; got {Y.shape}")
    return np.argmax(Y, axis=1)
