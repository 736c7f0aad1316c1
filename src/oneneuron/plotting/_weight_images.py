"""The weights seen as images: one neuron's weights (what it looks for), or one image per
class for K classes, on a colour scale symmetric about 0 (red for, blue against)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._common import PROBA_CMAP, figure_of, new_axes
from ._images import _name
from ._model_view import as_linear_model, is_multiclass, n_classes_of

__all__ = ["plot_class_weights", "plot_weights"]


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
    about 0, so white means "ignored". A model of K >= 3 classes has one image per class:
    :func:`plot_class_weights`.
    """
    if is_multiclass(model):
        raise ValueError(
            f"the model has {n_classes_of(model)} classes, one weight image each; "
            "draw them with plot_class_weights(model, shape)"
        )
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


def plot_class_weights(
    model: Any,
    shape: tuple[int, ...],
    *,
    ncols: int = 5,
    class_names: Mapping[Any, str] | Sequence[str] | None = None,
) -> Figure:
    """The weights of each class's neuron as an image: what the model looks for in each class.

    Parameters
    ----------
    model : fitted linear classifier or array-like of shape (K, n_features)
        A model of K >= 3 classes (its ``coef_`` (K, n_features) and ``classes_``), a
        binary one (its one row: :func:`plot_weights` in a figure of its own), or the
        weights themselves (classes 0..K-1).
    shape : tuple of int
        Image shape with ``prod(shape) == n_features``, e.g. (8, 8) or (28, 28).
    ncols : int, default=5
        Images per row.
    class_names : mapping label -> name, or sequence indexed by integer label, optional

    Returns
    -------
    Figure
        One panel per row of ``coef_`` titled with its class, and a colorbar. Not
        registered with pyplot.

    Notes
    -----
    ``z_k = sum_j w_kj x_j + b_k`` and the largest ``z_k`` wins: a red pixel (w_kj > 0) that
    is bright is evidence for class k, a blue one against it, white means "ignored". The
    colour scale is the same in every panel (symmetric about 0, up to the largest |w|), so
    the images can be compared.
    """
    if hasattr(model, "coef_") or hasattr(model, "fit"):
        if not hasattr(model, "coef_"):
            as_linear_model(model)  # raises NotFittedError
        W = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
        classes = np.asarray(getattr(model, "classes_", np.arange(max(len(W), 2))))
    else:
        W = np.atleast_2d(np.asarray(model, dtype=np.float64))
        classes = np.arange(max(len(W), 2))
    shape = tuple(int(s) for s in shape)
    if math.prod(shape) != W.shape[1]:
        raise ValueError(f"model has {W.shape[1]} weights; shape {shape} holds {math.prod(shape)}")
    if int(ncols) < 1:
        raise ValueError(f"ncols must be >= 1; got {ncols!r}")
    if len(W) == 1:  # one neuron: its weights push towards classes_[1]
        names = [f"{_name(classes[1], class_names)} vs {_name(classes[0], class_names)}"]
    else:
        names = [_name(c, class_names) for c in classes]
    K = len(W)
    ncols = min(int(ncols), K)
    nrows = math.ceil(K / ncols)
    fig = Figure(figsize=(1.7 * ncols + 1.0, 1.8 * nrows + 0.4))
    ax_list = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
    m = float(np.max(np.abs(W))) if W.size else 0.0
    m = m if np.isfinite(m) and m > 0 else 1.0
    images = []
    for ax, w, name in zip(ax_list, W, names, strict=False):
        images.append(
            ax.imshow(w.reshape(shape), cmap=PROBA_CMAP, vmin=-m, vmax=m, interpolation="nearest")
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"class {name}", fontsize="small")
    for ax in ax_list[K:]:
        ax.set_axis_off()
    fig.colorbar(images[0], ax=ax_list, label="weight", shrink=0.8)
    fig.suptitle("weights per class: red is evidence for the class, blue against")
    return fig
