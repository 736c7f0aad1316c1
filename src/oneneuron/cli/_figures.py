"""The demo's figures: each drawn into the report directory, saved atomically, with a caption
(one neuron's, or those of K >= 3 classes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .. import plotting
from ..estimator import LogisticRegression
from ..plotting._model_view import is_multiclass
from ._report import Figure

__all__ = ["MAX_FRAMES", "draw_figures", "draw_k_class_figures"]

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
        With weight snapshots in ``history_`` (``record_weights=True``). A model of K >= 3
        classes gets the K-class figures (:func:`draw_k_class_figures`).
    train, test : (X, y)
        X of shape (n, n_features), y of shape (n,).
    images_test : ndarray of shape (n_test, h, w) or None
        The test samples as images (digit data).
    """
    if is_multiclass(model):
        return draw_k_class_figures(tmp, name, seed, model, train, test, images_test)
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


def draw_k_class_figures(
    tmp: Path,
    name: str,
    seed: int,
    model: Any,
    train: tuple[Any, np.ndarray],
    test: tuple[Any, np.ndarray],
    images_test: np.ndarray | None,
) -> tuple[list[Figure], list[str]]:
    """The figures of a model of K >= 3 classes (the arguments of :func:`draw_figures`).

    Training curves (when the model has a ``history_``), the K x K confusion matrix, the
    one-vs-rest ROC curves; for 2 features the class regions (and, with weight snapshots,
    their animation); for images the weights of each class as an image, the mistakes, a
    sample of test images and (with snapshots) the weight images forming. Any fitted
    classifier with scikit-learn's K-class API will do (``classes_``, ``predict``,
    ``predict_proba``, ``coef_``).
    """
    (Xtr, ytr), (Xte, yte) = train, test
    labels = np.asarray(model.classes_)
    K = len(labels)
    n_features = int(model.n_features_in_)
    proba, pred = np.asarray(model.predict_proba(Xte)), np.asarray(model.predict(Xte))
    history = getattr(model, "history_", None)
    snapshots = history is not None and "coef" in history.columns and len(history) > 1
    figs, notes = [], []
    if history is not None and len(history):
        _save(plotting.plot_training_curves(history), tmp / "curves.png")
        figs.append(
            Figure(
                "curves.png",
                "Training curves: loss (softmax cross-entropy) and accuracy per iteration on "
                "the training data (solid) and the validation data (dashed).",
            )
        )
    _save(plotting.plot_confusion_matrix(yte, pred, labels=labels).figure, tmp / "confusion.png")
    figs.append(
        Figure(
            "confusion.png",
            f"Confusion matrix of the {K} classes on the test set: the diagonal holds the "
            "right answers, every other cell a kind of mistake.",
        )
    )
    _save(plotting.plot_roc(yte, proba, labels=labels).figure, tmp / "roc.png")
    figs.append(
        Figure(
            "roc.png",
            "ROC curves on the test set, each class against the rest (its probability as the "
            "score), with their macro average.",
        )
    )
    if n_features == 2:
        ax = plotting.plot_decision_boundary(
            model, Xtr, ytr, X_test=Xte, y_test=yte, title=f"{name}: class regions"
        )
        _save(ax.figure, tmp / "boundary.png")
        figs.append(
            Figure(
                "boundary.png",
                f"The {K} class regions (the most probable class, shaded by its probability) "
                "and their borders (black lines); circles are training points, triangles "
                "test points.",
            )
        )
        if snapshots:
            plotting.animate_training(model, Xtr, ytr, tmp / "training.gif", max_frames=MAX_FRAMES)
            figs.append(Figure("training.gif", "Training: the regions moving as the loss falls."))
    elif images_test is None:
        notes.append(
            f"No class-region picture: the data have {n_features} features, and regions "
            "can only be drawn for 2."
        )
    if name in NOT_LINEAR:
        notes.append(
            f"A linear model's class regions are convex; the {name} classes are not "
            "linearly separable, so no such regions separate them well."
        )
    if images_test is not None:
        shape = tuple(int(s) for s in images_test.shape[1:])
        _save(plotting.plot_class_weights(model, shape), tmp / "weights.png")
        figs.append(
            Figure(
                "weights.png",
                f"The weights of each class as an image of {shape[0]}x{shape[1]} pixels: "
                "bright pixels that are red are evidence for the class, blue ones against "
                "it; the class with the largest score wins.",
            )
        )
        _save(plotting.plot_mistakes(model, Xte, yte, images=images_test), tmp / "mistakes.png")
        n_wrong = int(np.sum(pred != yte))
        figs.append(
            Figure(
                "mistakes.png",
                f"The mistakes: {n_wrong} of {len(yte)} test images are misclassified"
                + (" (the 16 the model was surest of here)" if n_wrong > 16 else "")
                + ", each with the probability the model gave its wrong answer.",
            )
        )
        shown = _pick_examples(pred != yte, seed, n=24, bad_max=4)
        column = {label: k for k, label in enumerate(labels.tolist())}
        p_pred = proba[np.arange(len(pred)), [column[v] for v in pred.tolist()]]
        fig = plotting.plot_examples(
            images_test[shown], yte[shown], pred[shown], proba=p_pred[shown], n=len(shown)
        )
        _save(fig, tmp / "examples.png")
        figs.append(
            Figure(
                "examples.png",
                "Test images with the prediction and p, the probability of the predicted "
                "class; mistakes in red.",
            )
        )
        if snapshots:
            plotting.animate_weights(model, shape, tmp / "training.gif", max_frames=MAX_FRAMES)
            figs.append(
                Figure("training.gif", "Training: the weight images forming as the loss falls.")
            )
    return figs, notes


def _pick_examples(wrong: np.ndarray, seed: int, n: int = 24, bad_max: int = 16) -> np.ndarray:
    """Up to ``bad_max`` mistakes, the rest random correct test images, in index order."""
    rng = np.random.default_rng(seed)
    bad = np.flatnonzero(wrong)[:bad_max]
    good = np.flatnonzero(~wrong)
    k = min(n - len(bad), len(good))
    return np.sort(np.concatenate([bad, rng.choice(good, size=k, replace=False)]))
