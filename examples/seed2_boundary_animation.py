"""Seed 002, "Neural Networks from scratch with Numpy, Part 3": watch the boundary learn.

The seed makes 500 points in two blobs (cluster_std=2), splits them 80/20, draws random
W and b, and runs a few iterations of gradient descent, printing W, b and the loss every 5
iterations next to a plot of the decision boundary and the loss so far. It ends with the
test loss and accuracy (``100 - mean |round(p) - y| * 100``).

Here :class:`oneneuron.LogisticRegression` does the gradient descent from the same kind
of random start (``coef_init``, ``intercept_init``) and keeps every iteration's weights
(``record_weights=True``), so the figures are drawn afterwards from ``model.history_``:

- ``training_steps.png``: the boundary at a few iterations and the loss curve;
- ``training.gif``: the boundary moving while the loss falls (``animate_training``);
- ``test_boundary.png``: the final boundary over the test points.

Run::

    .venv/bin/python examples/seed2_boundary_animation.py [--out DIR] [--quick]

Outputs go to ``--out`` (default ``examples/output/seed2_boundary_animation``).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression
from oneneuron.datasets import make_blobs, train_test_split
from oneneuron.plotting import animate_training, plot_decision_boundary, save_figure

DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem

# Hyperparameters, as in the seed.
M = 500  # sample size
n = 2  # input features
clusters = 2
epoch = 26  # iterations of gradient descent
# The seed's l_r = 0.0002 goes with its gradient for W, X^T (y' - y), a SUM over the 400
# training rows (its gradient for b is a mean, which is why its b hardly moves). A sum is
# a mean times 400, so its W really moved with a step of about 400 * 0.0002 = 0.08.
# oneneuron uses the mean for both (dJ/dW = X^T (p - y) / m), where l_r = 0.0002 would
# barely move anything in 26 iterations. A step of 0.05 learns visibly: the boundary
# swings into place over the first ~15 iterations.
l_r = 0.05
SEED = 8  # blobs, split and initial weights; chosen so that the start is clearly wrong


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the outputs")
    parser.add_argument("--quick", action="store_true", help="fewer, coarser animation frames")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    resolution = 40 if args.quick else 150  # mesh points per axis for the shading

    # Create the data: two clusters of 250 points each.
    data = make_blobs(n_samples=M, centers=clusters, cluster_std=2, random_state=SEED)
    X, y = data.X, data.y

    # Split the data 80/20 (labels stay 1-D, shape (m,), as scikit-learn estimators take).
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=SEED)
    print("Shape of X_train", X_train.shape)
    print("Shape of y_train", y_train.shape)
    print("Shape of X_test", X_test.shape)
    print("Shape of y_test", y_test.shape)

    # Randomly initialise the parameters W (2, 1) and b.
    rng = np.random.default_rng(SEED)
    W = rng.standard_normal((n, 1))
    b = float(rng.standard_normal())
    print("Initializing weights...")
    print("W: ", W)
    print("b: ", b)

    # Gradient descent for `epoch` iterations: alpha=0 is the seed's plain cross-entropy
    # (no penalty); record_weights=True keeps W and b of every iteration in history_.
    model = LogisticRegression(
        solver="gd", learning_rate=l_r, max_iter=epoch, alpha=0.0, record_weights=True
    )
    # 26 fixed steps do not reach the optimum; the ConvergenceWarning saying so is expected.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train, coef_init=W.ravel(), intercept_init=b)

    # Record i holds the parameters before update i+1 and their loss, in the seed's order.
    history = model.history_
    losses = history["loss"]
    for i in range(0, epoch, 5):
        print("-" * 84)
        print("Iteration:", i)
        print("W = ", history["coef"][i].reshape(n, 1))
        print("b = ", history["intercept"][i])
        print("Loss = ", losses[i])

    # The seed's plots at iterations 0, 5, 10, ...: the boundary at a few of them, and the
    # loss over all of them with those iterations marked.
    shown = [0, 5, 10, 15, epoch - 1]
    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    for ax, i in zip(axes.flat, shown, strict=False):
        parameters = {"W": history["coef"][i], "b": history["intercept"][i]}
        plot_decision_boundary(
            parameters, X_train, y_train, ax=ax, resolution=resolution, colorbar=False
        )
        ax.set_title(f"iteration {i}: loss {losses[i]:.3f}")
    ax_loss = axes.flat[-1]
    ax_loss.plot(history["iteration"], losses, marker="o", markersize=3)
    ax_loss.plot(shown, losses[shown], "o", color="C3", label="shown")
    ax_loss.set_xlabel("Iteration")
    ax_loss.set_ylabel("Loss")
    ax_loss.set_title("Loss")
    ax_loss.legend()
    fig.suptitle(f"Gradient descent from a random start, learning rate {l_r}")
    fig.tight_layout()
    save_figure(fig, out / "training_steps.png")
    plt.close(fig)

    # The same as an animation, one frame per iteration (fewer and coarser with --quick).
    animate_training(
        model,
        X_train,
        y_train,
        out / "training.gif",
        fps=4,
        max_frames=6 if args.quick else epoch + 1,
        resolution=min(resolution, 100),
    )

    # Prediction on the test set: the loss from log-probabilities (exact, no clipping) and
    # the seed's accuracy formula.
    print("Prediction: ")
    log_p = model.predict_log_proba(X_test)  # columns: log P(0), log P(1)
    loss = -np.mean(np.where(y_test == 1, log_p[:, 1], log_p[:, 0]))
    print("Loss = ", loss)
    y_pred = model.predict_proba(X_test)[:, 1]
    accuracy = 100 - np.mean(np.fabs(np.round(y_pred) - y_test)) * 100
    print(f"Accuracy = {round(accuracy, 4)}%")

    ax = plot_decision_boundary(model, X_test, y_test, resolution=resolution)
    ax.set_title("The learned boundary on the test points")
    save_figure(ax.figure, out / "test_boundary.png")
    plt.close(ax.figure)

    print("Hence \nW = ", model.coef_.reshape(n, 1))
    print("b = ", model.intercept_[0])
    print(f"\nFigures and the animation are in {out}")


if __name__ == "__main__":
    main()
