"""Pictures: a grid of example images with their labels, and the weights seen as an image."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from ._common import PROBA_CMAP, as_linear_model, figure_of, new_axes

__all__ = ["MISTAKE_COLOR", "plot_examples", "plot_weights"]

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
    gray = imgs.ndim == 3
    for ax, i in zip(ax_list, idx, strict=False):
        ax.imshow(imgs[i], cmap="gray_r" if gray else None, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        title = f"true {_name(t[i], class_names)}"
        wrong = False
        if p is not None:
            title += f" / pred {_name(p[i], class_names)}"
            wrong = bool(p[i] != t[i])
        if pr is not None:
            title += f"\np = {pr[i]:.2f}"
        ax.set_title(title, fontsize=8, color=MISTAKE_COLOR if wrong else "black")
        for spine in ax.spines.values():
            spine.set_edgecolor(MISTAKE_COLOR if wrong else "0.8")
            spine.set_linewidth(2.5 if wrong else 0.8)
    for ax in ax_list[k:]:
        ax.set_axis_off()
    if axes is None:
        fig.tight_layout()
    return fig


def plot_weights(model: Any, shape: tuple[int, ...], *, ax: Axes | None = None) -> Axes:
    """The learned weights as an image: what the neuron looks for.

    Parameters
    ----------
    model : LogisticRegression, dict {"W", "b"} or array-like of shape (n_features,)
        A fitted model (its ``coef_``), textbook parameters, or the weights themselves.
    shape : tuple of int
        Image shape with ``prod(shape) == n_features``, e.g. (8, 8) or (28, 28).
    ax : Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    Axes

    Notes
    -----
    ``z = sum_j w_j x_j + b``: a red pixel (w_j > 0) that is bright pushes towards
    ``classes_[1]``, a blue one towards ``classes_[0]``. The colour scale is symmetric
    about 0, so white means "ignored".
    """
    if isinstance(model, (Mapping,)) or hasattr(model, "coef_") or hasattr(model, "fit"):
        neuron = as_linear_model(model)
        w, classes = neuron.w, neuron.classes
    else:
        w, classes = np.asarray(model, dtype=np.float64).reshape(-1), np.array([0, 1])
    shape = tuple(int(s) for s in shape)
    if math.prod(shape) != w.size:
        raise ValueError(f"model has {w.size} weights; shape {shape} holds {math.prod(shape)}")
    ax = new_axes(ax, figsize=(5.0, 4.2))
    m = float(np.max(np.abs(w))) if w.size else 0.0
    m = m if m > 0 else 1.0
    image = ax.imshow(w.reshape(shape), cmap=PROBA_CMAP, vmin=-m, vmax=m, interpolation="nearest")
    figure_of(ax).colorbar(image, ax=ax, label="weight")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"weights: red → {classes[1]}, blue → {classes[0]}")
    return ax


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
