"""Seed 001, the Coursera project "Logistic Regression with Python and Numpy": zeros vs ones.

The project's tasks, in order, with oneneuron:

- Tasks 1-2: libraries and hyperparameters (learning rate, batch size, epochs).
- Task 3: the data set, handwritten 0s and 1s as 8x8 images (scikit-learn's digits,
  embedded, no download), their shapes, and a figure of a few examples.
- Task 4: a random mini-batch, and how a 2-D image is unrolled into a row of 64 features.
- Tasks 5-10: the model, its forward and backward passes, updates and training loop are
  :class:`oneneuron.LogisticRegression` with ``solver="sgd"`` (random mini-batches).
- Task 11: evaluate before training, train (printing the cost every epoch), evaluate after,
  plot the validation loss and accuracy, show test images with their predicted labels, and
  look at the learned weights as an 8x8 image.
- Task 12: the breast-cancer data, normalised, solved with the same class and the same
  hyperparameters, no change to the implementation.

Run::

    .venv/bin/python examples/seed1_digits.py [--out DIR] [--quick]

Figures go to ``--out`` (default ``examples/output/seed1_digits``).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression
from oneneuron.datasets import (
    load_breast_cancer,
    load_digits01,
    train_test_split,
    train_val_test_split,
)
from oneneuron.plotting import plot_examples, plot_training_curves, plot_weights, save_figure
from oneneuron.textbook import random_mini_batches

DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem

# Task 2: hyperparameters. A step of 0.1 is safe because every input is of order 1 (pixels
# scaled to [0, 1], standardised features in Task 12); mini-batches of 16 give many cheap,
# noisy steps per epoch; 20 epochs are plenty for a problem this easy.
LEARNING_RATE = 0.1
BATCH_SIZE = 16
EPOCHS = 20
SEED = 0  # one seed for the splits, the initial weights and the mini-batch shuffles


def make_model(epochs: int, **options: Any) -> LogisticRegression:
    """Task 5: a logistic model with the Task 2 hyperparameters (used for both data sets)."""
    return LogisticRegression(
        solver="sgd",
        learning_rate=LEARNING_RATE,
        batch_size=BATCH_SIZE,
        max_iter=epochs,
        random_state=SEED,
        verbose=1,  # print the cost after every epoch
        **options,
    )


def train(model: LogisticRegression, X: np.ndarray, y: np.ndarray, **fit_options: Any) -> None:
    """Task 10: the training loop (fit), for a fixed number of epochs.

    SGD with a constant step does not settle on the exact optimum, so it stops after the
    given epochs, before the gradient is below tol; oneneuron says so with a
    ConvergenceWarning, which we expect here and silence.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, **fit_options)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument("--quick", action="store_true", help=f"5 epochs instead of {EPOCHS}")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    epochs = 5 if args.quick else EPOCHS

    # Task 3: the data set. 360 images of 0s and 1s, 8x8 grey levels 0..16, scaled to [0, 1].
    digits = load_digits01()
    images = digits.images / 16.0
    print(f"images: {images.shape}, labels: {digits.y.shape}, classes {np.unique(digits.y)}")
    fig = plot_examples(images, digits.y, n=16, random_state=SEED)
    fig.suptitle("A few examples and their labels", y=1.02)
    save_figure(fig, out / "examples.png")
    plt.close(fig)

    # Train / validation / test: 70% / 10% / 20%, keeping the share of 0s and 1s.
    img_train, img_val, img_test, y_train, y_val, y_test = train_val_test_split(
        images, digits.y, val_size=0.1, test_size=0.2, random_state=SEED
    )
    # Unrolling: each 8x8 image becomes one row of 64 features, row after row, so pixel
    # (r, c) is feature 8 r + c. The model only ever sees these rows.
    X_train, X_val, X_test = (a.reshape(len(a), -1) for a in (img_train, img_val, img_test))
    print(f"train {X_train.shape}, validation {X_val.shape}, test {X_test.shape}")
    unrolled = np.array_equal(img_train[0][1], X_train[0, 8:16])
    print(f"row 1 of image 0 is features 8..15: {unrolled}")

    # Task 4: a random mini-batch, the kind of batch each training step sees.
    X_batch, Y_batch = random_mini_batches(X_train, y_train, BATCH_SIZE, random_state=SEED)[0]
    labels = Y_batch.ravel().astype(int)  # Y comes back as a float column (16, 1)
    print(f"a mini-batch: X {X_batch.shape}, Y {Y_batch.shape}, labels {labels}")
    fig = plot_examples(X_batch, labels, n=BATCH_SIZE)
    fig.suptitle("A random mini-batch (rows of 64 shown as 8x8 images)", y=1.02)
    save_figure(fig, out / "mini_batch.png")
    plt.close(fig)

    # Tasks 5-11: create the model, start from small random weights like the course, train
    # with random mini-batches and score the validation set after every epoch.
    rng = np.random.default_rng(SEED)
    initial_weights = 0.01 * rng.standard_normal(X_train.shape[1])
    model = make_model(epochs)
    train(model, X_train, y_train, coef_init=initial_weights, eval_set=(X_val, y_val))

    # Task 11: before and after. Record 0 of the history is the untrained model.
    before = model.history_[0]
    print(
        f"Before training: validation loss {before['val_loss']:.4f}, "
        f"accuracy {before['val_accuracy']:.4f}"
    )
    print(
        f"After {epochs} epochs: validation loss {model.history_['val_loss'][-1]:.4f}, "
        f"accuracy {model.history_['val_accuracy'][-1]:.4f}"
    )
    print(f"Test accuracy (digits 0 vs 1): {model.score(X_test, y_test):.4f}")

    fig = plot_training_curves(model)  # loss and accuracy, training and validation
    for ax in fig.axes:
        ax.set_xlabel("epoch")  # for solver="sgd" one iteration is one pass over the data
    fig.suptitle("Training with random mini-batches", y=1.02)
    save_figure(fig, out / "training_curves.png")
    plt.close(fig)

    # A random batch of test images with the predicted labels (mistakes would be red).
    fig = plot_examples(
        img_test,
        y_test,
        model.predict(X_test),
        proba=model.predict_proba(X_test),
        n=16,
        random_state=SEED,
    )
    fig.suptitle("Test images: true and predicted labels, P(1)", y=1.1)
    save_figure(fig, out / "predictions.png")
    plt.close(fig)

    # The weights as an image: red pixels push towards "1", blue towards "0".
    ax = plot_weights(model, shape=(8, 8))
    save_figure(ax.figure, out / "weights.png")
    plt.close(ax.figure)

    # Task 12: another problem, the same class. The 30 breast-cancer features range from
    # about 0.001 to 2500, so they are normalised first: standardize=True trains on
    # (x - mean) / std and still reports weights for the raw features.
    print("\nTask 12: breast cancer (0 = malignant, 1 = benign), same model and settings")
    cancer = load_breast_cancer()
    Xc_train, Xc_test, yc_train, yc_test = train_test_split(
        cancer.X, cancer.y, test_size=0.2, random_state=SEED
    )
    cancer_model = make_model(epochs, standardize=True)
    train(cancer_model, Xc_train, yc_train)
    print(f"Test accuracy (breast cancer): {cancer_model.score(Xc_test, yc_test):.4f}")
    print(f"\nFigures are in {out}")


if __name__ == "__main__":
    main()
