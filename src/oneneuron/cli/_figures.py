"""The demo's figures: each drawn into the report directory, saved atomically, with a caption."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .. import plotting
from ..estimator import LogisticRegression
from ._report import Figure

__all__ = ["MAX_FRAMES", "draw_figures"]

MAX_FRAMES = 30
"""Frames of the training animation (the time goes into drawing them)."""
NOT_LINEAR = {"moons", "circles", "xor"}


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    try:
        plotting.save_figure(fig, path)
    finally:
        plt.close(fig)


def draw_figures(
    tmp: Path,
    name: str,
    seed: int,
    model: LogisticRegression,
    train: tuple[Any, np.ndarray],
    test: tuple[Any, np.ndarray],
    images_test: np.ndarray | None,
) -> tuple[list[Figure], list[str]]:
    """Draw every figure into ``tmp``; return them with captions, and notes for the report.

    Parameters
    ----------
    tmp : Path
        The report directory being built.
    name : str
        The data set's name.
    seed : int
        Picks the example images.
    model : fitted LogisticRegression
        With weight snapshots in ``history_`` (``record_weights=True``).
    train, test : (X, y)
        X of shape (n, n_features), y of shape (n,).
    images_test : ndarray of shape (n_test, h, w) or None
        The test samples as images (digit data).
    """
    (Xtr, ytr), (Xte, yte) = train, test
    n_features = int(model.n_features_in_)
    proba, pred = model.predict_proba(Xte)[:, 1], model.predict(Xte)
    figs, notes = [], []
    _save(plotting.plot_training_curves(model.history_), tmp / "curves.png")
    figs.append(
        Figure(
            "curves.png",
            "Training curves: loss and accuracy per iteration on the "
            "training data (solid) and the validation data (dashed).",
        )
    )
    labels = model.classes_
    _save(plotting.plot_confusion_matrix(yte, pred, labels=labels).figure, tmp / "confusion.png")
    figs.append(Figure("confusion.png", "Confusion matrix on the test set."))
    _save(plotting.plot_roc(yte, proba, pos_label=labels[1]).figure, tmp / "roc.png")
    figs.append(Figure("roc.png", "ROC curve on the test set."))
    if n_features == 2:
        ax = plotting.plot_decision_boundary(
            model, Xtr, ytr, X_test=Xte, y_test=yte, title=f"{name}: decision boundary"
        )
        _save(ax.figure, tmp / "boundary.png")
        figs.append(
            Figure(
                "boundary.png",
                f"Decision boundary (black line, p = 0.5) and "
                f"P({labels[1]}) shading; circles are training points, triangles test "
                "points.",
            )
        )
        plotting.animate_training(model, Xtr, ytr, tmp / "training.gif", max_frames=MAX_FRAMES)
        figs.append(Figure("training.gif", "Training: the boundary moving as the loss falls."))
    elif images_test is None:
        notes.append(
            f"No decision-boundary picture: the data have {n_features} "
            "features, and a boundary can only be drawn for 2."
        )
    if name in NOT_LINEAR:
        notes.append(
            f"One neuron draws a straight boundary; the {name} classes are not "
            "linearly separable, so no line separates them well."
        )
    if images_test is not None:
        shape = tuple(int(s) for s in images_test.shape[1:])
        shown = _pick_examples(pred != yte, seed)
        fig = plotting.plot_examples(
            images_test[shown],
            yte[shown],
            pred[shown],
            proba=proba[shown],
            n=len(shown),
            ncols=8,
        )
        _save(fig, tmp / "examples.png")
        n_wrong = int(np.sum(pred != yte))
        wrong = (
            f"none of the {len(yte)} test images is misclassified"
            if n_wrong == 0
            else f"{n_wrong} of {len(yte)} test images are misclassified, shown in red"
            + (" (16 of them here)" if n_wrong > 16 else "")
        )
        figs.append(
            Figure(
                "examples.png", f"Test images with the prediction and p = P({labels[1]}); {wrong}."
            )
        )
        _save(plotting.plot_weights(model, shape).figure, tmp / "weights.png")
        figs.append(
            Figure(
                "weights.png",
                f"The learned weights as an image of {shape[0]}x{shape[1]} "
                f"pixels: red pixels push towards {labels[1]}, blue towards "
                f"{labels[0]}, white ones are ignored.",
            )
        )
        plotting.animate_weights(model, shape, tmp / "training.gif", max_frames=MAX_FRAMES)
        figs.append(Figure("training.gif", "Training: the weight image forming as the loss falls."))
    return figs, notes


def _pick_examples(wrong: np.ndarray, seed: int, n: int = 24) -> np.ndarray:
    """Up to 16 mistakes, the rest random correct test images, in index order."""
    rng = np.random.default_rng(seed)
    bad = np.flatnonzero(wrong)[:16]
    good = np.flatnonzero(~wrong)
    k = min(n - len(bad), len(good))
    return np.sort(np.concatenate([bad, rng.choice(good, size=k, replace=False)]))
