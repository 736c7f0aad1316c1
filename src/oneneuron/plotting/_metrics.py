"""Evaluation plots: the confusion matrix and the ROC curve (counts and rates from scikit-learn)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike
from sklearn.metrics import auc, confusion_matrix, roc_curve
from sklearn.utils.multiclass import unique_labels

from ._common import new_axes

__all__ = ["plot_confusion_matrix", "plot_roc"]

_NORMALIZE = {True: "true", False: None, "true": "true", "pred": "pred", "all": "all"}


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    ax: Axes | None = None,
    normalize: bool | str = False,
) -> Axes:
    """Counts of (true, predicted) label pairs as an annotated image.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like of shape (k,), optional
        Row and column order; the sorted labels of ``y_true`` and ``y_pred`` when None.
    ax : Axes, optional
        Where to draw; a new figure when None.
    normalize : bool or {"true", "pred", "all"}, default=False
        True means "true": each row (true class) sums to 1.

    Returns
    -------
    Axes
        Rows are true labels, columns predicted labels; each cell shows its count (or its
        fraction, to 2 decimals, when normalised).
    """
    if normalize not in _NORMALIZE:
        raise ValueError(
            f"normalize must be False, True, 'true', 'pred' or 'all'; got {normalize!r}"
        )
    yt, yp = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    names = unique_labels(yt, yp) if labels is None else np.asarray(labels)
    cm = confusion_matrix(yt, yp, labels=names, normalize=_NORMALIZE[normalize])
    ax = new_axes(ax, figsize=(4.6, 4.0))
    ax.imshow(cm, cmap="Blues", vmin=0, interpolation="nearest")
    dark = cm.max() / 2 if cm.size and cm.max() > 0 else np.inf
    fmt = "{:.2f}" if normalize else "{:d}"
    for i, j in np.ndindex(cm.shape):
        value = cm[i, j] if normalize else int(cm[i, j])
        ax.text(
            j,
            i,
            fmt.format(value),
            ha="center",
            va="center",
            fontsize="large",
            color="white" if cm[i, j] > dark else "black",
        )
    ticks = np.arange(len(names))
    ax.set_xticks(ticks, [str(v) for v in names])
    ax.set_yticks(ticks, [str(v) for v in names])
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title("confusion matrix" + (" (normalised)" if normalize else ""))
    return ax


def plot_roc(
    y_true: ArrayLike, scores: ArrayLike, *, pos_label: Any = None, ax: Axes | None = None
) -> Axes:
    """The ROC curve (true vs false positive rate over all thresholds) with its AUC.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Two labels.
    scores : array-like of shape (n_samples,) or (n_samples, 2)
        Scores for ``pos_label`` (probabilities or ``decision_function``); with two columns
        (``predict_proba``) the second is used.
    pos_label : label, optional
        The positive class; the larger of the two labels when None (``classes_[1]`` of a
        model fitted on these labels).
    ax : Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    Axes
        The curve is labelled ``"AUC = 0.987"`` in the legend; a dashed diagonal marks
        chance.
    """
    yt = np.asarray(y_true).reshape(-1)
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim == 2 and s.shape[1] == 2:
        s = s[:, 1]
    s = s.reshape(-1)
    if s.shape != yt.shape:
        raise ValueError(f"scores has {s.size} values for {yt.size} labels")
    if pos_label is None:
        classes = np.unique(yt)
        if len(classes) != 2:
            raise ValueError(f"y_true must hold two labels for a ROC curve; got {classes.tolist()}")
        pos_label = classes[1]
    fpr, tpr, _ = roc_curve(yt, s, pos_label=pos_label)
    area = auc(fpr, tpr)
    ax = new_axes(ax, figsize=(4.8, 4.6))
    ax.plot(fpr, tpr, lw=2, label=f"AUC = {area:.3f}")
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="chance")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(f"ROC curve (positive class {pos_label})")
    ax.legend(loc="lower right")
    return ax
