"""Chapter 3: training loops (steps 7 and 8).

:func:`model` repeats steps 2 to 6 (chapters 1 and 2) in a loop, full-batch gradient
descent, and stops with a plain message when the cost grows instead of shrinking;
:func:`random_mini_batches` cuts a shuffled data set into the batches of seed 001's
mini-batch loop. Next, :mod:`._predicting`: what the trained neuron says about new points.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from ._checks import (
    Array,
    Parameters,
    RandomState,
    _column,
    _count,
    _matrix,
    _Overflow,
    _parameters,
    _real,
    _rng,
)
from ._gradients import backward_propagation, update_parameters
from ._neuron import compute_cost, forward_propagation, initialize_parameters

#: How much the cost may grow over its first value before :func:`model` calls it divergence.
DIVERGENCE_FACTOR = 100.0


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
        For bad input (see :mod:`oneneuron.textbook`), and when gradient descent diverges: the
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


# 8. Mini-batches (seed 001) -------------------------------------------------------------------
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
