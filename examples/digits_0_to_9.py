"""Ten digits, ten neurons: logistic regression for K classes (issue 13), after the seeds.

The seeds separate two classes with one neuron, ``p = sigmoid(x . w + b)``. For the ten
digits 0-9 the model has one neuron per class, ``z_k = x . w_k + b_k``, and the softmax
turns the ten scores into ten probabilities that sum to 1; the prediction is the class of
the largest. :class:`oneneuron.LogisticRegression` fits it with the same call as for two
classes. The walkthrough:

- scikit-learn's 8x8 digits 0-9 (1797 images, embedded, no download), pixels scaled to
  [0, 1], a stratified 75/25 train/test split; or MNIST 0-9 from its IDX files with
  ``--mnist DIR``;
- fit, then the test accuracy and the pairs of digits most often confused;
- ``weights.png``: each neuron's 64 weights as an 8x8 image, what it looks for in its digit
  (``plot_class_weights``);
- ``confusion.png``: the 10 x 10 confusion matrix;
- ``mistakes.png``: the misclassified test images, the most confident mistakes first;
- ``roc.png``: each digit against the rest, with the macro average;
- ``regions.png`` and ``training.gif``: four blobs in 2-D, where the K class regions can be
  drawn, and those regions moving during training.

Run::

    .venv/bin/python examples/digits_0_to_9.py [--out DIR] [--quick] [--mnist DIR]

Figures go to ``--out`` (default ``examples/output/digits_0_to_9``).
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
from oneneuron.datasets import (
    Dataset,
    load_digits10,
    load_mnist10,
    make_blobs,
    train_test_split,
)
from oneneuron.plotting import (
    animate_training,
    plot_class_weights,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_mistakes,
    plot_roc,
    save_figure,
)

DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem
SEED = 0
ALPHA = 1e-3  # a little L2 penalty: the digits are separable, the weights stay finite


def load(mnist: Path | None, quick: bool) -> tuple[Dataset, Dataset | None]:
    """The digits 0-9 (pixels in [0, 1]) and, for MNIST, its separate test set."""
    if mnist is None:
        digits = load_digits10()
        digits.X = digits.X / 16.0  # grey levels 0..16 -> [0, 1], like MNIST's
        return digits, None
    train, test = load_mnist10(mnist), load_mnist10(mnist, subset="test")
    if quick:  # a few thousand images are enough to see the pictures
        keep = np.random.default_rng(SEED).choice(
            train.n_samples, min(5000, train.n_samples), replace=False
        )
        train = Dataset(
            train.X[keep],
            train.y[keep],
            train.feature_names,
            train.target_names,
            train.name,
            train.description,
        )
    return train, test


def fit(model: LogisticRegression, X: np.ndarray, y: np.ndarray) -> LogisticRegression:
    """Fit, saying so when the iteration budget ends before convergence."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        print("(stopped at the iteration budget, before full convergence)")
    return model


def most_confused(cm: np.ndarray, labels: Sequence[int], k: int = 3) -> list[str]:
    """The k (true, predicted) pairs off the diagonal with the most test images."""
    off = cm.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(off, axis=None)[::-1][:k]
    return [
        f"{labels[i]} taken for {labels[j]}: {off[i, j]} time{'s' if off[i, j] > 1 else ''}"
        for i, j in zip(*np.unravel_index(order, cm.shape), strict=True)
        if off[i, j] > 0
    ]


def digits_part(out: Path, quick: bool, mnist: Path | None) -> None:
    data, test = load(mnist, quick)
    if test is None:
        # split the row numbers (stratified: every digit in both parts) to keep the images
        rows_train, rows_test, y_train, y_test = train_test_split(
            np.arange(data.n_samples), data.y, test_size=0.25, random_state=SEED
        )
        X_train, X_test = data.X[rows_train], data.X[rows_test]
        images_test = None if data.images is None else data.images[rows_test]
    else:
        X_train, y_train = data.X, data.y
        X_test, y_test, images_test = test.X, test.y, test.images
    print(f"{data.description}")
    print(f"Train {X_train.shape}, test {X_test.shape}; classes {sorted(set(y_train.tolist()))}")

    # One neuron per class: coef_ has one row of 64 weights per digit.
    model = fit(LogisticRegression(alpha=ALPHA, max_iter=50 if quick else None), X_train, y_train)
    print(f"coef_ {model.coef_.shape}, intercept_ {model.intercept_.shape}")
    proba = model.predict_proba(X_test)
    print(f"predict_proba {proba.shape}; each row sums to 1: {np.allclose(proba.sum(axis=1), 1)}")
    pred = model.predict(X_test)
    accuracy = float(np.mean(pred == y_test))
    print(f"Test accuracy (digits 0-9): {accuracy:.4f}")

    labels = model.classes_.tolist()
    ax = plot_confusion_matrix(y_test, pred, labels=labels)
    cm = np.asarray(ax.get_images()[0].get_array(), dtype=int)
    print("Most often confused:", "; ".join(most_confused(cm, labels)) or "none")
    save_figure(ax.figure, out / "confusion.png")

    side = int(np.sqrt(X_train.shape[1]))
    save_figure(plot_class_weights(model, (side, side)), out / "weights.png")
    mistakes = plot_mistakes(model, X_test, y_test, images=images_test, n=24)
    save_figure(mistakes, out / "mistakes.png")
    print(f"Misclassified test images: {int(np.sum(pred != y_test))} of {len(y_test)}")
    save_figure(plot_roc(y_test, proba, labels=labels).figure, out / "roc.png")


def blobs_part(out: Path, quick: bool) -> None:
    """Four classes in 2-D: the regions of the four neurons, and how they form."""
    blobs = make_blobs(n_samples=400, centers=4, cluster_std=1.5, random_state=SEED)
    model = fit(LogisticRegression(alpha=ALPHA, record_weights=True), blobs.X, blobs.y)
    print(f"Four blobs: training accuracy {model.score(blobs.X, blobs.y):.4f}")
    resolution = 60 if quick else 200
    ax = plot_decision_boundary(
        model, blobs.X, blobs.y, resolution=resolution, title="four classes, four regions"
    )
    save_figure(ax.figure, out / "regions.png")
    animate_training(
        model,
        blobs.X,
        blobs.y,
        out / "training.gif",
        max_frames=8 if quick else 40,
        resolution=resolution // 2,
        dpi=60 if quick else 80,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument("--quick", action="store_true", help="fewer iterations, coarser figures")
    parser.add_argument(
        "--mnist", type=Path, metavar="DIR", help="MNIST 0-9 from the four IDX files in DIR"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    digits_part(out, args.quick, args.mnist)
    blobs_part(out, args.quick)
    plt.close("all")
    print(f"Figures in {out}")


if __name__ == "__main__":
    main()
