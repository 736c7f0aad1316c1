"""What the plot modules share: colours, axes, the probability grid and its shading (one
neuron's probability, K class regions), atomic saving. The model as numbers is
:mod:`._model_view`."""

from __future__ import annotations

import os
from collections.abc import Sequence
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
