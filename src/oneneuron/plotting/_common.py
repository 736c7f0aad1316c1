"""What the plot modules share: one linear-model view, the probability grid, atomic saving."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from numpy.typing import ArrayLike, NDArray

from .._files import atomic_write
from .._numerics import sigmoid
from ..loss import softmax

Array = NDArray[np.float64]

PROBA_CMAP = "RdBu_r"
"""Diverging colormap for P(class 1): blue for class 0, white at 0.5, red for class 1."""
CLASS_COLORS = ("#2166ac", "#b2182b")
"""Point colours for classes_[0] and classes_[1], the two ends of :data:`PROBA_CMAP`."""
PROBA_LEVELS = np.linspace(0.0, 1.0, 21)
MULTI_CMAP = "tab10"
"""Qualitative colormap of the K classes (K >= 3): class k is its colour k (tab20 beyond 10)."""


def class_colors(n_classes: int) -> list[Any]:
    """One colour per class: :data:`CLASS_COLORS` for two, ``tab10`` (``tab20``) for more."""
    if n_classes <= 2:
        return list(CLASS_COLORS[: max(n_classes, 0)])
    cmap = plt.get_cmap(MULTI_CMAP if n_classes <= 10 else "tab20")
    return [cmap(k % cmap.N) for k in range(n_classes)]


@dataclass(frozen=True)
class LinearModel:
    """The one neuron as plain numbers: ``P(classes[1] | x) = sigmoid(x . w + b)``."""

    w: Array  # (n_features,)
    b: float
    classes: NDArray[Any]  # (2,)
    threshold: float

    def proba(self, X: ArrayLike) -> Array:
        """P(classes[1]) for each row of X (n, n_features); shape (n,)."""
        return np.asarray(sigmoid(np.asarray(X, dtype=np.float64) @ self.w + self.b), np.float64)


def as_linear_model(model: Any, *, name: str = "model") -> LinearModel:
    """View a fitted estimator (``coef_``, ``intercept_``) or a dict ``{"W", "b"}`` as a neuron.

    Parameters
    ----------
    model : LogisticRegression, any fitted binary linear classifier, or dict
        A dict holds the textbook parameters: ``"W"`` of shape (n_features, 1) or
        (n_features,) and ``"b"`` a number; its classes are 0 and 1 and its threshold 0.5
        (or ``"threshold"`` when given).
    name : str
        The argument's name, for error messages.

    Returns
    -------
    LinearModel
    """
    if isinstance(model, Mapping):
        missing = {"W", "b"} - set(model)
        if missing:
            raise ValueError(
                f"{name} as a dict needs keys 'W' (n_features, 1) and 'b'; "
                f"missing {sorted(missing)}"
            )
        W = np.asarray(model["W"], dtype=np.float64)
        if W.ndim > 2 or (W.ndim == 2 and W.shape[1] != 1):
            raise ValueError(
                f"{name}['W'] must have shape (n_features, 1) or (n_features,); got {W.shape}"
            )
        b = np.asarray(model["b"], dtype=np.float64)
        if b.size != 1:
            raise ValueError(f"{name}['b'] must be a single number; got shape {b.shape}")
        return LinearModel(
            W.reshape(-1),
            float(b.reshape(-1)[0]),
            np.array([0, 1]),
            float(model.get("threshold", 0.5)),
        )
    if not hasattr(model, "coef_"):
        if hasattr(model, "fit"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"this {type(model).__name__} is not fitted yet; call fit before plotting"
            )
        raise TypeError(
            f"{name} must be a fitted LogisticRegression or a dict {{'W': ..., 'b': ...}}; "
            f"got {type(model).__name__}"
        )
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.ndim == 2 and coef.shape[0] != 1:
        raise ValueError(
            f"{name} has {coef.shape[0]} rows of coefficients; only binary "
            "(one-neuron) models can be plotted"
        )
    intercept = np.asarray(getattr(model, "intercept_", 0.0), dtype=np.float64).reshape(-1)
    classes = np.asarray(getattr(model, "classes_", [0, 1]))
    return LinearModel(
        coef.reshape(-1),
        float(intercept[0]) if intercept.size else 0.0,
        classes,
        float(getattr(model, "threshold", 0.5)),
    )


def n_classes_of(model: Any) -> int:
    """How many classes a fitted model (or textbook dict) separates: 2 for one neuron."""
    if isinstance(model, Mapping):
        return 2
    classes = getattr(model, "classes_", None)
    if classes is not None:
        return len(classes)
    coef = np.asarray(getattr(model, "coef_", np.zeros((1, 0))))
    return 2 if coef.ndim < 2 or coef.shape[0] == 1 else int(coef.shape[0])


def is_multiclass(model: Any) -> bool:
    """True for a fitted model of K >= 3 classes (K neurons, one per class)."""
    return n_classes_of(model) >= 3


def model_proba(model: Any, X: Array) -> Array:
    """``model.predict_proba`` at the rows of X (n, d), with the model's feature names when
    it was fitted on a DataFrame (no warning about missing names); shape (n, K)."""
    names = getattr(model, "feature_names_in_", None)
    rows: Any = X
    if names is not None and len(names) == X.shape[1]:
        import pandas as pd

        rows = pd.DataFrame(X, columns=[str(n) for n in names])
    return np.asarray(model.predict_proba(rows), dtype=np.float64)


def proba_at(coef: ArrayLike, intercept: ArrayLike, X: ArrayLike) -> Array:
    """Class probabilities (n, K) of one weight snapshot at the rows of X (n, d).

    ``coef`` of shape (K, d) with ``intercept`` (K,) for K >= 3 classes: the softmax of
    ``X W^T + b`` (:func:`oneneuron.loss.softmax`); ``coef`` of shape (d,) or (1, d) with
    one intercept for one neuron: the columns ``1 - p`` and ``p = sigmoid(x . w + b)``.
    Training animations use it to draw the model at a recorded iteration; a candidate to
    move into the estimator (the plots hold no learning maths of their own).
    """
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    b = np.asarray(intercept, dtype=np.float64).reshape(-1)
    Z = np.asarray(X, dtype=np.float64) @ W.T + b
    if W.shape[0] == 1:
        p = np.asarray(sigmoid(Z[:, 0]), dtype=np.float64)
        return np.column_stack([1.0 - p, p])
    return np.asarray(softmax(Z), dtype=np.float64)


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.8)) -> Axes:
    """``ax`` itself, or the axes of a new figure when None."""
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize)
    return new


def figure_of(ax: Axes) -> Figure:
    """The top-level Figure that holds ``ax``."""
    fig: Any = ax.figure
    while not isinstance(fig, Figure):  # a SubFigure: climb to its parent
        fig = fig.figure
    return fig


def check_features(X: ArrayLike, what: str = "plot_decision_boundary") -> Array:
    """X as a float array (n, 2), or ValueError naming its number of features."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, 2); got shape {arr.shape}")
    if arr.shape[1] != 2:
        raise ValueError(
            f"{what} needs exactly 2 features; X has {arr.shape[1]}. "
            "Pick two columns or project (e.g. PCA) first"
        )
    return arr


def grid(*arrays: Array | None, resolution: int, padding: float) -> tuple[Array, Array, Array]:
    """A (resolution, resolution) mesh covering every given (n, 2) array plus ``padding``.

    Returns
    -------
    xx, yy : ndarray of shape (resolution, resolution)
    flat : ndarray of shape (resolution**2, 2)
        The mesh points as rows.
    """
    if int(resolution) < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    if not np.isfinite(padding) or padding < 0:
        raise ValueError(f"padding must be a finite number >= 0; got {padding!r}")
    pts = np.vstack([a for a in arrays if a is not None and len(a)])
    lo, hi = pts.min(axis=0) - padding, pts.max(axis=0) + padding
    hi = np.where(hi > lo, hi, lo + 1.0)  # a single point still gets an area
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], int(resolution)), np.linspace(lo[1], hi[1], int(resolution))
    )
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def draw_probability(
    ax: Axes, xx: Array, yy: Array, proba: Array, threshold: float
) -> tuple[QuadContourSet, QuadContourSet | None]:
    """Shade P(class 1) on the mesh and draw the threshold line (None when not crossed).

    Parameters
    ----------
    ax : Axes
    xx, yy : ndarray of shape (r, r)
    proba : ndarray of shape (r, r)
        P(class 1) on the mesh.
    threshold : float

    Returns
    -------
    shading, line : QuadContourSet
    """
    shading = ax.contourf(
        xx, yy, proba, levels=PROBA_LEVELS, cmap=PROBA_CMAP, vmin=0.0, vmax=1.0, alpha=0.4, zorder=0
    )
    line = None
    if proba.min() < threshold < proba.max():
        line = ax.contour(xx, yy, proba, levels=[threshold], colors="k", linewidths=2, zorder=1)
    return shading, line


REGION_ALPHA = (0.06, 0.55)
"""Opacity of a class's colour where the model is least (max probability 1/K) and most sure."""


def region_colors(proba: Array, colors: Sequence[Any]) -> Array:
    """RGBA (..., 4) of the K-class regions: the colour of the most probable class, more
    opaque the larger its probability (from 1/K to 1).

    Parameters
    ----------
    proba : ndarray of shape (..., K)
        Class probabilities (rows summing to 1).
    colors : sequence of K colours
    """
    from matplotlib.colors import to_rgba_array

    K = proba.shape[-1]
    rgba = np.empty((*proba.shape[:-1], 4))
    rgba[..., :3] = to_rgba_array(list(colors))[np.argmax(proba, axis=-1), :3]
    sure = np.clip((np.max(proba, axis=-1) - 1.0 / K) / (1.0 - 1.0 / K), 0.0, 1.0)
    lo, hi = REGION_ALPHA
    rgba[..., 3] = lo + (hi - lo) * sure
    return rgba


def draw_regions(
    ax: Axes, xx: Array, yy: Array, proba: Array, colors: Sequence[Any]
) -> tuple[AxesImage, list[QuadContourSet]]:
    """Shade the K class regions on the mesh and draw their borders.

    Parameters
    ----------
    ax : Axes
    xx, yy : ndarray of shape (r, r)
    proba : ndarray of shape (r, r, K)
        Class probabilities on the mesh (``predict_proba``).
    colors : sequence of K colours

    Returns
    -------
    image : AxesImage
        The regions: each mesh point in its most probable class's colour, shaded by that
        probability (:func:`region_colors`).
    borders : list of QuadContourSet
        For each class whose region has a border on the mesh, the curve where its
        probability equals the largest of the others (the black lines), found on the log
        probabilities.
    """
    image = ax.imshow(
        region_colors(proba, colors),
        origin="lower",
        extent=(xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]),
        aspect="auto",
        interpolation="nearest",
        zorder=0,
    )
    # log p_k - max_j log p_j is z_k - max_j z_j: linear in x between kinks, so the
    # contour's linear interpolation puts the border where the two classes tie
    logp = np.log(np.maximum(proba, np.finfo(np.float64).tiny))
    borders = []
    for k in range(proba.shape[-1]):
        margin = logp[..., k] - np.max(np.delete(logp, k, axis=-1), axis=-1)
        if margin.min() < 0.0 < margin.max():
            borders.append(
                ax.contour(xx, yy, margin, levels=[0.0], colors="k", linewidths=1.5, zorder=1)
            )
    return image, borders


#: Atomic save shared with the model file and the textbook (see :mod:`oneneuron._files`).
save_atomically = atomic_write


def save_figure(
    fig: Figure, path: str | os.PathLike[str], *, dpi: float = 100, format: str | None = None
) -> Path:
    """Save ``fig`` to ``path`` atomically; the format comes from the suffix.

    Parameters
    ----------
    fig : Figure
    path : str or PathLike
        Ends with a format matplotlib writes: ``.png``, ``.pdf``, ``.svg``, ... A symlink
        is written through; a device or FIFO (``/dev/stdout``) is written plainly.
    dpi : float, default=100
    format : str, optional
        The format, for a path without a suffix (``/dev/stdout``); default: the suffix.

    Returns
    -------
    Path
        ``path``. A failed save leaves no temp file and any existing file untouched.
    """
    path = Path(path)
    fmt = (format or path.suffix).lower().lstrip(".")
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise ValueError(
            f"cannot save a figure as {path.name!r}: use one of the suffixes "
            f"{', '.join('.' + s for s in sorted(supported))}"
        )
    return save_atomically(
        path,
        lambda tmp: fig.savefig(tmp, dpi=dpi, format=fmt, bbox_inches="tight"),
        suffix="." + fmt,
    )
