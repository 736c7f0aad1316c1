"""Evaluation plots: the confusion matrix and the ROC curve, one-vs-rest curves for K classes
(counts and rates from scikit-learn)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike, NDArray
from sklearn.metrics import auc, confusion_matrix, roc_curve
from sklearn.utils.multiclass import unique_labels

from ._common import class_colors, new_axes

__all__ = ["ovr_roc", "plot_confusion_matrix", "plot_roc"]

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
        Rows are true labels, columns predicted labels (K x K for K labels; the diagonal
        holds the right answers); each cell shows its count (or its fraction, to 2
        decimals, when normalised).
    """
    if normalize not in _NORMALIZE:
        raise ValueError(
            f"normalize must be False, True, 'true', 'pred' or 'all'; got {normalize!r}"
        )
    yt, yp = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    names = unique_labels(yt, yp) if labels is None else np.asarray(labels)
    cm = confusion_matrix(yt, yp, labels=names, normalize=_NORMALIZE[normalize])
    K = len(names)
    side = max(4.0, 0.5 * K + 1.5)  # a cell of about half an inch for K classes
    ax = new_axes(ax, figsize=(side + 0.6, side))
    ax.imshow(cm, cmap="Blues", vmin=0, interpolation="nearest")
    dark = cm.max() / 2 if cm.size and cm.max() > 0 else np.inf
    fmt = "{:.2f}" if normalize else "{:d}"
    size = "large" if K <= 4 else "medium" if K <= 8 else "small"
    for i, j in np.ndindex(cm.shape):
        value = cm[i, j] if normalize else int(cm[i, j])
        ax.text(
            j,
            i,
            fmt.format(value),
            ha="center",
            va="center",
            fontsize=size,
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
    y_true: ArrayLike,
    scores: ArrayLike,
    *,
    pos_label: Any = None,
    labels: ArrayLike | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The ROC curve (true vs false positive rate over all thresholds) with its AUC; for K
    classes one curve per class (that class against the rest) and their macro average.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Two labels, or any of the K labels of ``scores``' columns.
    scores : array-like of shape (n_samples,), (n_samples, 2) or (n_samples, K)
        Scores for ``pos_label`` (probabilities or ``decision_function``); with two columns
        (``predict_proba``) the second is used. With K >= 3 columns (``predict_proba`` or
        ``decision_function`` of a K-class model), column k scores ``labels[k]``.
    pos_label : label, optional
        Binary only: the positive class; the larger of the two labels when None
        (``classes_[1]`` of a model fitted on these labels).
    labels : array-like of shape (K,), optional
        K classes: the label of each column of ``scores`` (the model's ``classes_``); the
        sorted labels of ``y_true`` when None (then they must be K).
    ax : Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    Axes
        Binary: the curve is labelled ``"AUC = 0.987"`` in the legend. K classes: one
        curve per class labelled ``"<class> (AUC = 0.987)"`` (a class absent from
        ``y_true``, or the only one there, has no curve and is named in the title), then
        a dashed ``"macro average (AUC = 0.990)"``: the mean true positive rate of the
        curves at every false positive rate, labelled with the mean of their AUCs (what
        ``roc_auc_score(..., multi_class="ovr", average="macro")`` gives). A dashed
        diagonal marks chance in both.
    """
    yt = np.asarray(y_true).reshape(-1)
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim == 2 and s.shape[1] >= 3:
        return _plot_roc_ovr(yt, s, labels=labels, ax=ax)
    if s.ndim == 2 and s.shape[1] == 2:
        s = s[:, 1]
    s = s.reshape(-1)
    if s.shape != yt.shape:
        raise ValueError(f"scores has {s.size} values for {yt.size} labels")
    if pos_label is None:
        classes = np.unique(yt)
        if len(classes) != 2:
            raise ValueError(
                f"y_true must hold two labels for a ROC curve; got {classes.tolist()} "
                "(for K classes pass scores of shape (n_samples, K), e.g. predict_proba)"
            )
        pos_label = classes[1]
    fpr, tpr, _ = roc_curve(yt, s, pos_label=pos_label)
    area = auc(fpr, tpr)
    ax = new_axes(ax, figsize=(4.8, 4.6))
    ax.plot(fpr, tpr, lw=2, label=f"AUC = {area:.3f}")
    _chance_and_frame(ax)
    ax.set_title(f"ROC curve (positive class {pos_label})")
    ax.legend(loc="lower right")
    return ax


def ovr_roc(
    y_true: ArrayLike, scores: ArrayLike, labels: ArrayLike
) -> dict[Any, tuple[NDArray[np.float64], NDArray[np.float64], float]]:
    """One-vs-rest ROC curves: ``{label: (fpr, tpr, auc)}`` for each label of ``labels``
    (column k of ``scores`` scores ``labels[k]``) that ``y_true`` holds together with some
    other label; scikit-learn's ``roc_curve`` and ``auc``."""
    yt = np.asarray(y_true).reshape(-1)
    s = np.asarray(scores, dtype=np.float64)
    out = {}
    for k, label in enumerate(np.asarray(labels).tolist()):
        positive = yt == label
        if positive.all() or not positive.any():
            continue
        fpr, tpr, _ = roc_curve(positive, s[:, k])
        out[label] = (fpr, tpr, float(auc(fpr, tpr)))
    return out


def _plot_roc_ovr(
    yt: NDArray[Any], s: NDArray[np.float64], *, labels: ArrayLike | None, ax: Axes | None
) -> Axes:
    K = s.shape[1]
    names = unique_labels(yt) if labels is None else np.asarray(labels).reshape(-1)
    if len(names) != K:
        raise ValueError(
            f"scores has {K} columns but {'labels' if labels is not None else 'y_true'} "
            f"names {len(names)} classes; pass labels=model.classes_"
        )
    if s.shape[0] != yt.size:
        raise ValueError(f"scores has {s.shape[0]} rows for {yt.size} labels")
    unknown = sorted({str(v) for v in np.unique(yt).tolist()} - {str(v) for v in names.tolist()})
    if unknown:
        raise ValueError(f"y_true has labels {unknown[:5]} that are not among {names.tolist()}")
    curves = ovr_roc(yt, s, names)
    if not curves:
        raise ValueError("y_true must hold at least two of the labels for a ROC curve")
    ax = new_axes(ax, figsize=(5.6, 5.0))
    colors = class_colors(K)
    index = {label: k for k, label in enumerate(names.tolist())}
    for label, (fpr, tpr, area) in curves.items():
        ax.plot(fpr, tpr, lw=1.5, color=colors[index[label]], label=f"{label} (AUC = {area:.3f})")
    grid_fpr = np.unique(np.concatenate([fpr for fpr, _, _ in curves.values()]))
    mean_tpr = np.mean([np.interp(grid_fpr, fpr, tpr) for fpr, tpr, _ in curves.values()], axis=0)
    macro = float(np.mean([area for _, _, area in curves.values()]))
    ax.plot(
        grid_fpr, mean_tpr, lw=2.5, ls="--", color="k", label=f"macro average (AUC = {macro:.3f})"
    )
    _chance_and_frame(ax)
    missing = [str(v) for v in names.tolist() if v not in curves]
    title = "ROC curves, each class against the rest"
    if missing:
        title += f"\n(no curve for {', '.join(missing[:5])}: not both present in y_true)"
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small" if K <= 6 else "x-small")
    return ax


def _chance_and_frame(ax: Axes) -> None:
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="chance")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
