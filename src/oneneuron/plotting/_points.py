"""The points on a 2-D plot: the data scattered by class (circles for training, triangles for
test), and new points as gold stars annotated with the predicted class and its probability."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike, NDArray

from ._common import class_colors
from ._model_view import LinearModel, model_proba

__all__ = ["scatter_classes"]


def scatter_classes(
    ax: Axes,
    X: NDArray[np.float64],
    y: NDArray[Any],
    classes: LinearModel | ArrayLike,
    *,
    test: bool = False,
) -> list[Any]:
    """One scatter per class (circles for training data, triangles for test data).

    Parameters
    ----------
    classes : LinearModel or array-like of shape (K,)
        The model's classes (a neuron's are its two), in the order of their colours
        (:func:`class_colors`).

    Returns
    -------
    list of PathCollection
        The drawn collections, labelled ``"class <c>"`` or ``"class <c> (test)"``.
    """
    labels = np.asarray(classes.classes if isinstance(classes, LinearModel) else classes)
    out = []
    for cls, color in zip(labels, class_colors(len(labels)), strict=True):
        mask = y == cls
        if not mask.any():
            continue
        if test:
            style: dict[str, Any] = dict(marker="^", s=46, edgecolors="k", linewidths=1.0)
        else:
            style = dict(marker="o", s=26, edgecolors="white", linewidths=0.5, alpha=0.9)
        out.append(
            ax.scatter(
                X[mask, 0],
                X[mask, 1],
                c=[color],
                zorder=2,
                label=f"class {cls}{' (test)' if test else ''}",
                **style,
            )
        )
    return out


def _user_points(ax: Axes, P: NDArray[np.float64], neuron: LinearModel) -> Any:
    """Stars at the user's points, each annotated with its predicted class and P(class 1)."""
    proba = neuron.proba(P)
    predicted = neuron.classes[(proba >= neuron.threshold).astype(int)]
    texts = [
        f"class {c}, P({neuron.classes[1]}) = {p:.2f}"
        for c, p in zip(predicted, proba, strict=True)
    ]
    return _stars(ax, P, texts)


def _user_points_multi(ax: Axes, P: NDArray[np.float64], model: Any, classes: Any) -> Any:
    """Stars at the user's points, each annotated with its predicted class and its
    probability (the largest of ``predict_proba``)."""
    proba = model_proba(model, P)
    best = np.argmax(proba, axis=1)
    top = proba[np.arange(len(P)), best]
    return _stars(
        ax, P, [f"class {classes[k]}, P = {p:.2f}" for k, p in zip(best, top, strict=True)]
    )


def _stars(ax: Axes, P: NDArray[np.float64], texts: list[str]) -> Any:
    """Gold stars at the points P, each with its text beside it."""
    stars = ax.scatter(
        P[:, 0],
        P[:, 1],
        marker="*",
        s=260,
        c="gold",
        edgecolors="k",
        linewidths=1.0,
        zorder=4,
        label="new points",
    )
    for (px, py), text in zip(P, texts, strict=True):
        ax.annotate(
            text,
            (px, py),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize="small",
            zorder=5,
            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.5", alpha=0.85),
        )
    return stars
