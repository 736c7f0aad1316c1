"""Seed 003, "A single neuron": a forward pass, then logistic regression as a one-neuron network.

The seed builds a ``Neuron`` (random weights, zero bias, sigmoid of the weighted sum) and runs
it on the inputs [1, 2, 3]; then a ``LogisticRegressionNN`` trained by gradient descent on 100
random 2-D points labelled by the sign of x1 + x2, printing the initial and final cost, the
accuracy and the predictions for [[1, 2], [-1, -2]].

:mod:`oneneuron.textbook` has both classes with the seed's methods (``forward``,
``compute_cost``, ``compute_gradients``, ``train``, ``predict``); the differences are a
``random_state`` instead of the global NumPy seed, and a sigmoid and a cost that stay exact
for any z (no overflow, no epsilon in the log). Figures: the sigmoid, and the boundary the
trained neuron learned.

Run::

    .venv/bin/python examples/seed3_neuron.py [--out DIR] [--quick]

Figures go to ``--out`` (default ``examples/output/seed3_neuron``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from oneneuron.plotting import plot_sigmoid, save_figure
from oneneuron.textbook import LogisticRegressionNN, Neuron, plot_decision_boundary

DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem
SEED = 0  # seeds every Generator below; the global NumPy seed is never used


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument(
        "--quick", action="store_true", help="accepted like the other examples; already quick"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    # A single neuron: output = sigmoid(weights . inputs + bias).
    neuron = Neuron(3, random_state=SEED)
    inputs = np.array([1.0, 2.0, 3.0])
    outputs = neuron.forward(inputs)
    print(inputs)
    print(outputs)
    # The seed's 1 / (1 + np.exp(-x)) overflows (a RuntimeWarning) for x < -709; this one
    # never exponentiates a positive number.
    print(f"sigmoid(-800) = {neuron.sigmoid(-800.0)}, sigmoid(800) = {neuron.sigmoid(800.0)}")

    ax = plot_sigmoid()
    save_figure(ax.figure, out / "sigmoid.png")
    plt.close(ax.figure)

    # Logistic regression as a neural network with one neuron.
    # Sample data: 100 points, class 1 where x1 + x2 > 0.
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((100, 2))
    y = ((X[:, 0] + X[:, 1]) > 0).astype(int).reshape(-1, 1)

    # Create and train the model (the seed's defaults: learning_rate=0.01, epochs=1000).
    model = LogisticRegressionNN(input_size=2, random_state=SEED)
    initial_cost = model.compute_cost(X, y)
    print(f"Initial cost: {initial_cost}")

    model.train(X, y, learning_rate=0.01, epochs=1000)
    final_cost = model.compute_cost(X, y)
    print(f"Final cost: {final_cost}")

    # Make predictions.
    predictions = model.predict(X)
    accuracy = np.mean(predictions == y)
    print(f"Accuracy: {accuracy}")

    # Test with new data.
    X_new = np.array([[1, 2], [-1, -2]])
    predictions_new = model.predict(X_new)
    print(f"Predictions for new data: {predictions_new.flatten()}")

    ax = plot_decision_boundary(X, y, model.parameters, points=X_new)
    ax.set_title("What the trained neuron learned: the line x . w + b = 0")
    save_figure(ax.figure, out / "decision_boundary.png")
    plt.close(ax.figure)
    print(f"\nFigures are in {out}")


if __name__ == "__main__":
    main()
