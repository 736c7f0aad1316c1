"""Chapter 6: the same neuron as classes (seed 003), the last chapter.

:class:`Neuron` (a forward pass only) and :class:`LogisticRegressionNN`, whose methods are
the functions of chapters 1 to 4 (:mod:`._neuron` to :mod:`._predicting`) on its own
weights. The next step is a layer of neurons: :mod:`oneneuron.textbook_softmax`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    Array,
    Labels,
    Parameters,
    RandomState,
    _check_finite,
    _checked,
    _count,
    _numbers,
    _parameters,
    _rng,
)
from ._gradients import backward_propagation
from ._neuron import compute_cost, forward_propagation, sigmoid
from ._predicting import predict
from ._training import model


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
