"""Pictures of the data: a grid of example images with their labels, and the mistakes (the
misclassified images, the most confident first). The weights seen as images are
:mod:`._weight_images`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from ._common import figure_of

__all__ = ["MISTAKE_COLOR", "plot_examples", "plot_mistakes"]

MISTAKE_COLOR = "red"
"""Title and frame colour of a misclassified example."""


def plot_examples(
    images: ArrayLike,
    y_true: ArrayLike,
    y_pred: ArrayLike | None = None,
    *,
    proba: ArrayLike | None = None,
    n: int = 16,
    ncols: int = 8,
    class_names: Mapping[Any, str] | Sequence[str] | None = None,
    random_state: int | np.random.Generator | None = None,
    axes: ArrayLike | None = None,
) -> Figure:
    """A grid of example images titled ``"true 1 / pred 0"``; mistakes in red.

    Parameters
    ----------
    images : array-like of shape (N, h, w), (N, h, w, 3|4) or (N, h*h)
        Flat rows of a square length are reshaped to (h, h).
    y_true : array-like of shape (N,)
    y_pred : array-like of shape (N,), optional
        When given, titles read ``"true t / pred p"`` and wrong predictions get a red title
        and a red frame.
    proba : array-like of shape (N,) or (N, 2), optional
        P(positive class) per image (column 1 of ``predict_proba``), added to the title.
    n : int, default=16
        How many images; a reproducible random sample (in index order) when n < N.
    ncols : int, default=8
        Panels per row of a new figure.
    class_names : mapping label -> name, or sequence indexed by integer label, optional
    random_state : int, Generator or None
        Seeds the sample.
    axes : array of Axes, optional
        At least ``n`` axes to draw into; a new figure when None.

    Returns
    -------
    Figure
        The figure holding the grid; a new one is not registered with pyplot (a notebook
        shows the returned figure once).
    """
    imgs = _as_images(images)
    N = len(imgs)
    t = _column(y_true, N, "y_true")
    p = None if y_pred is None else _column(y_pred, N, "y_pred")
    pr = None if proba is None else _proba(proba, N)
    if int(n) < 1 or int(ncols) < 1:
        raise ValueError(f"n and ncols must be >= 1; got n={n!r}, ncols={ncols!r}")
    k = min(int(n), N)
    idx = np.arange(N)
    if k < N:
        idx = np.sort(np.random.default_rng(random_state).choice(N, size=k, replace=False))
    if axes is None:
        ncols = min(int(ncols), k)
        nrows = math.ceil(k / ncols)
        # not registered with pyplot: a notebook shows the returned figure once
        fig = Figure(figsize=(1.3 * ncols, 1.55 * nrows))
        grid = fig.subplots(nrows, ncols, squeeze=False)
        ax_list: list[Axes] = list(grid.ravel())
    else:
        ax_list = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(ax_list) < k:
            raise ValueError(f"got {len(ax_list)} axes for {k} images")
        fig = figure_of(ax_list[0])
    for ax, i in zip(ax_list, idx, strict=False):
        title = f"true {_name(t[i], class_names)}"
        wrong = False
        if p is not None:
            title += f" / pred {_name(p[i], class_names)}"
            wrong = bool(p[i] != t[i])
        if pr is not None:
            title += f"\np = {pr[i]:.2f}"
        _panel(ax, imgs[i], title, wrong)
    for ax in ax_list[k:]:
        ax.set_axis_off()
    if axes is None:
        fig.tight_layout()
    return fig


def _panel(ax: Axes, image: NDArray[Any], title: str, wrong: bool) -> None:
    """One image, its title, and a red title and frame when it is a mistake."""
    ax.imshow(image, cmap="gray_r" if image.ndim == 2 else None, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=8, color=MISTAKE_COLOR if wrong else "black")
    for spine in ax.spines.values():
        spine.set_edgecolor(MISTAKE_COLOR if wrong else "0.8")
        spine.set_linewidth(2.5 if wrong else 0.8)


def plot_mistakes(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    images: ArrayLike | None = None,
    n: int = 16,
    ncols: int = 8,
    class_names: Mapping[Any, str] | Sequence[str] | None = None,
) -> Figure:
    """The misclassified images, the most confident mistakes first, each titled
    ``"true 3 / pred 8"`` with the probability the model gave its (wrong) answer.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``classes_``, ``predict`` and ``predict_proba`` (one neuron or K
        classes).
    X : array-like of shape (N, n_features)
        The rows the model predicts.
    y : array-like of shape (N,)
        Their true labels.
    images : array-like of shape (N, h, w), optional
        The rows as images; default: each row of X as a square image.
    n : int, default=16
        At most this many mistakes (the ones with the highest probability of the wrong
        answer).
    ncols : int, default=8
        Panels per row.
    class_names : mapping label -> name, or sequence indexed by integer label, optional

    Returns
    -------
    Figure
        Not registered with pyplot. Its suptitle says how many of the N rows are wrong;
        with none wrong it holds that sentence only. Each panel's title reads
        ``"true t / pred p\nP(p) = 0.93"``, in red with a red frame.
    """
    imgs = _as_images(X if images is None else images)
    N = len(imgs)
    t = _column(y, N, "y")
    pred = _column(model.predict(X), N, "predictions")
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    classes = np.asarray(model.classes_)
    column = {label: k for k, label in enumerate(classes.tolist())}
    p_pred = proba[np.arange(N), [column[v] for v in pred.tolist()]]
    if int(n) < 1 or int(ncols) < 1:
        raise ValueError(f"n and ncols must be >= 1; got n={n!r}, ncols={ncols!r}")
    wrong = np.flatnonzero(pred != t)
    shown = wrong[np.argsort(-p_pred[wrong], kind="stable")][: int(n)]
    summary = f"{len(wrong)} of {N} misclassified" + (
        f" (the {len(shown)} most confident shown)" if len(shown) < len(wrong) else ""
    )
    if len(shown) == 0:
        fig = Figure(figsize=(5.0, 1.2))
        fig.text(0.5, 0.5, f"no mistakes: all {N} classified correctly", ha="center", va="center")
        fig.suptitle(summary)
        return fig
    ncols = min(int(ncols), len(shown))
    nrows = math.ceil(len(shown) / ncols)
    fig = Figure(figsize=(1.3 * ncols, 1.55 * nrows + 0.5))
    ax_list = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax, i in zip(ax_list, shown, strict=False):
        answer = _name(pred[i], class_names)
        title = f"true {_name(t[i], class_names)} / pred {answer}\nP({answer}) = {p_pred[i]:.2f}"
        _panel(ax, imgs[i], title, True)
    for ax in ax_list[len(shown) :]:
        ax.set_axis_off()
    fig.suptitle(summary, fontsize="medium")
    fig.tight_layout()
    return fig


def _as_images(images: ArrayLike) -> NDArray[Any]:
    arr = np.asarray(images)
    if arr.ndim == 2:
        side = math.isqrt(arr.shape[1])
        if side * side != arr.shape[1]:
            raise ValueError(
                f"flat images of length {arr.shape[1]} are not square; "
                "pass images of shape (n, h, w)"
            )
        return arr.reshape(len(arr), side, side)
    if arr.ndim == 3 or (arr.ndim == 4 and arr.shape[3] in (3, 4)):
        return arr
    raise ValueError(
        f"images must have shape (n, h, w), (n, h, w, 3|4) or (n, h*h); got {arr.shape}"
    )


def _column(y: ArrayLike, n: int, name: str) -> NDArray[Any]:
    arr = np.asarray(y).reshape(-1)
    if arr.shape != (n,):
        raise ValueError(f"{name} has {arr.size} values; there are {n} images")
    return arr


def _proba(proba: ArrayLike, n: int) -> NDArray[np.float64]:
    arr = np.asarray(proba, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[1] == 2:
        arr = arr[:, 1]
    return _column(arr, n, "proba")


def _name(label: Any, class_names: Mapping[Any, str] | Sequence[str] | None) -> str:
    if class_names is None:
        return str(label)
    if isinstance(class_names, Mapping):
        return str(class_names.get(label, label))
    return str(class_names[int(label)])
