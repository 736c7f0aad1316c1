"""Seed 000, "Logistic Regression Model with Gradient Descent": the whole workflow, twice.

The seed trains one neuron on two blobs with step-by-step functions: generate the data,
``model(...)`` with ``print_cost=True``, ``predict``, ``plot_decision_boundary``,
``save_parameters`` / ``load_parameters`` and ``predict_user_input`` on two new points.

Part 1 runs exactly that workflow with :mod:`oneneuron.textbook` (the seed's function names
and argument order). Differences from the seed: the parameter file is JSON, not pickle
(loading a pickle can run arbitrary code), and every random draw is seeded.

Part 2 does the same with the scikit-learn style estimator :class:`oneneuron.LogisticRegression`
(``solver="gd"`` is the same full-batch gradient descent), saved with ``model.save`` and read
back with ``oneneuron.load``.

Run::

    .venv/bin/python examples/seed0_blobs_textbook.py [--out DIR] [--quick]

Figures and model files go to ``--out`` (default ``examples/output/seed0_blobs_textbook``).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

import oneneuron
from oneneuron import LogisticRegression
from oneneuron.datasets import make_blobs
from oneneuron.plotting import plot_decision_boundary, save_figure
from oneneuron.textbook import (
    accuracy,
    load_parameters,
    model,
    predict,
    predict_user_input,
    save_parameters,
)
from oneneuron.textbook import plot_decision_boundary as textbook_plot_decision_boundary

SEED = 0  # seeds the initial weights; the data use the seed's own random_state=42
DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the outputs")
    parser.add_argument("--quick", action="store_true", help="200 iterations instead of 1000")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    num_iterations = 200 if args.quick else 1000

    # ------------------------------------------------------------------------------------
    # Part 1: the seed's step-by-step functions
    # ------------------------------------------------------------------------------------
    # 1. Generate data: 200 points in two blobs (the same points as scikit-learn's
    #    make_blobs with random_state=42). The textbook functions want Y as a column (m, 1).
    data = make_blobs(n_samples=200, centers=2, random_state=42)
    X, y = data.X, data.y
    Y = y.reshape(-1, 1)
    print(f"X: {X.shape}, Y: {Y.shape}, {int(Y.sum())} examples of class 1")

    # 2. Train: initialise W (2, 1) and b, then repeat forward pass, cost, backward pass,
    #    update. The cost is printed every 100 iterations.
    parameters, costs = model(
        X, Y, num_iterations=num_iterations, learning_rate=0.1, print_cost=True, random_state=SEED
    )
    print(f"The cost went from {costs[0]:.4f} to {costs[-1]:.4f} in {len(costs)} iterations")
    print(f"W = {parameters['W'].ravel()}, b = {parameters['b']:.4f}")

    # 3. Predictions: class 1 where sigmoid(x . W + b) >= 0.5.
    predictions, _ = predict(X, parameters)
    print(f"Training accuracy: {accuracy(predictions, Y):.4f}")

    # 4 and 6. The decision boundary, with the two new points of step 6 drawn as stars.
    new_data = np.array([[2, 1], [-1, 3]])
    ax = textbook_plot_decision_boundary(X, Y, parameters, points=new_data)
    ax.set_title(f"Textbook gradient descent, {num_iterations} iterations")
    save_figure(ax.figure, out / "decision_boundary.png")
    plt.close(ax.figure)

    # 5. Save and load the parameters (a small JSON file: W, b and a format tag).
    save_parameters(parameters, out / "logistic_model.json")
    loaded_parameters = load_parameters(out / "logistic_model.json")
    same = np.array_equal(loaded_parameters["W"], parameters["W"])
    same = same and loaded_parameters["b"] == parameters["b"]
    print(f"Loaded parameters equal the saved ones: {same}")

    # 6. Predict new data with the loaded parameters: one line per point.
    predict_user_input(new_data, loaded_parameters)

    # ------------------------------------------------------------------------------------
    # Part 2: the same with the estimator
    # ------------------------------------------------------------------------------------
    print("\nThe same with oneneuron.LogisticRegression(solver='gd'):")
    estimator = LogisticRegression(solver="gd", learning_rate=0.1, max_iter=num_iterations)
    # Fixed-step gradient descent stops after max_iter steps, like the seed's loop, before
    # the gradient is below tol=1e-6; oneneuron says so with a ConvergenceWarning, which we
    # expect here and silence. (solver="newton" would converge in a few steps.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    # history_ holds one record per iteration (iteration 0 is the starting point).
    for i in range(0, num_iterations, 100):
        print(f"Cost after iteration {i}: {estimator.history_['loss'][i]:.6f}")
    print(f"Training accuracy: {estimator.score(X, y):.4f}")

    path = estimator.save(out / "model.json")
    reloaded = oneneuron.load(path)
    for point, label, p in zip(
        new_data, reloaded.predict(new_data), reloaded.predict_proba(new_data)[:, 1], strict=True
    ):
        print(f"Point {point.astype(float)} -> class {label} (p = {p:.2f})")

    # How sure is the class of [-1, 3]? It lies near the boundary, and where it falls
    # depends on how far training went. Gradient descent on these unscaled features moves
    # the intercept b slowly: after 1000 steps b is about 0.3, far from the optimum. The
    # exact optimum of the same cost (solver="newton") puts [-1, 3] on the class-1 side.
    exact = LogisticRegression(solver="newton").fit(X, y)
    p_new = exact.predict_proba(new_data)[:, 1]
    print(
        f"Exact optimum (solver='newton', b = {exact.intercept_[0]:.2f}): "
        f"P(class 1) = {p_new[0]:.2f} at [2, 1] and {p_new[1]:.2f} at [-1, 3]"
    )

    ax = plot_decision_boundary(reloaded, X, y, points=new_data)
    ax.set_title(f"LogisticRegression(solver='gd'), {num_iterations} iterations")
    save_figure(ax.figure, out / "decision_boundary_estimator.png")
    plt.close(ax.figure)
    print(f"\nFigures and model files are in {out}")


if __name__ == "__main__":
    main()
