"""Training animations of an image classifier: the weight image(s) forming beside the loss.

The frames, the loss panel and the saving are those of :mod:`._animation`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from numpy.typing import NDArray

from ._animation import _animate, _loss_panel, _stacked, _target, frame_indices
from ._common import PROBA_CMAP
from ._curves import history_columns, x_label
from ._model_view import as_linear_model, is_multiclass

__all__ = ["animate_weights"]


def animate_weights(
    model: Any,
    shape: tuple[int, ...],
    path: str | os.PathLike[str] | None = None,
    *,
    fps: int = 8,
    max_frames: int = 60,
    dpi: float = 80,
) -> animation.FuncAnimation:
    """Animate training of an image classifier: the weight image beside the loss curve.

    Parameters
    ----------
    model : LogisticRegression
        Fitted with ``record_weights=True``, so that ``model.history_`` holds ``coef``:
        (n_features,) per record for one neuron, (K, n_features) for K >= 3 classes (then
        the K weight images are drawn side by side, one per class).
    shape : tuple of int
        Image shape with ``prod(shape) == n_features``, e.g. (8, 8) or (28, 28).
    path : str or PathLike, optional
        Save to this ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg) atomically, then close
        the figure.
    fps : int, default=8
    max_frames : int, default=60
        At most this many frames, evenly spaced over the records, first and last included.
    dpi : float, default=80

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Each frame is titled ``"iteration k, loss L"``.

    Notes
    -----
    The colour scale is the same in every frame (symmetric about 0, up to the largest
    ``|w_j|`` of any snapshot), so the picture shows the weights growing as well as the
    pattern forming: red pixels push towards ``classes_[1]``, blue towards ``classes_[0]``.
    """
    target = _target(path)
    cols = history_columns(model)
    if "coef" not in cols:
        raise ValueError(
            "animate_weights needs weight snapshots in model.history_; fit with "
            "LogisticRegression(record_weights=True)"
        )
    multi = is_multiclass(model)
    classes = np.asarray(model.classes_) if multi else as_linear_model(model).classes
    coefs = _stacked(cols["coef"], len(classes) if multi else 1)
    shape = tuple(int(s) for s in shape)
    if int(np.prod(shape)) != coefs.shape[-1]:
        raise ValueError(
            f"model has {coefs.shape[-1]} weights; shape {shape} holds {int(np.prod(shape))}"
        )
    loss = np.asarray(cols["loss"], dtype=np.float64)
    its = np.asarray(cols.get("iteration", np.arange(len(loss))))
    frames = frame_indices(len(loss), max_frames)
    m = float(np.max(np.abs(coefs))) if coefs.size else 0.0
    m = m if np.isfinite(m) and m > 0 else 1.0
    if multi:
        return _animate_class_weights(
            model, coefs, classes, shape, m, cols, frames, target, fps, dpi
        )

    fig, (ax_w, ax_l) = plt.subplots(
        1, 2, figsize=(9.0, 4.0), dpi=dpi, gridspec_kw={"width_ratios": [1.0, 1.25]}
    )
    image = ax_w.imshow(
        coefs[frames[0]].reshape(shape), cmap=PROBA_CMAP, vmin=-m, vmax=m, interpolation="nearest"
    )
    fig.colorbar(image, ax=ax_w, label="weight")
    ax_w.set_xticks([])
    ax_w.set_yticks([])
    ax_w.set_title(f"weights: red → {classes[1]}, blue → {classes[0]}")
    marker = _loss_panel(ax_l, its, loss, cols, x_label(model))
    suptitle = fig.suptitle("")
    fig.tight_layout()

    def update(r: int) -> list[Any]:
        image.set_data(coefs[r].reshape(shape))
        marker.set_data([its[r]], [loss[r]])
        suptitle.set_text(f"{x_label(model)} {its[r]}, loss {loss[r]:.4g}")
        return [image, marker, suptitle]

    return _animate(fig, update, frames, fps=fps, target=target, dpi=dpi)


def _animate_class_weights(
    model: Any,
    coefs: NDArray[np.float64],
    classes: NDArray[Any],
    shape: tuple[int, ...],
    m: float,
    cols: dict[str, Any],
    frames: NDArray[np.intp],
    target: Path | None,
    fps: int,
    dpi: float,
) -> animation.FuncAnimation:
    """:func:`animate_weights` for K classes: the K weight images beside the loss."""
    K = len(classes)
    ncols = min(K, 5)
    nrows = -(-K // ncols)
    loss = np.asarray(cols["loss"], dtype=np.float64)
    its = np.asarray(cols.get("iteration", np.arange(len(loss))))
    fig = plt.figure(figsize=(1.6 * ncols + 4.6, max(1.8 * nrows, 3.4) + 0.6), dpi=dpi)
    gs = fig.add_gridspec(nrows, ncols + 3)
    images = []
    for k in range(K):
        ax = fig.add_subplot(gs[k // ncols, k % ncols])
        images.append(
            ax.imshow(
                coefs[frames[0], k].reshape(shape),
                cmap=PROBA_CMAP,
                vmin=-m,
                vmax=m,
                interpolation="nearest",
            )
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"class {classes[k]}", fontsize="small")
    ax_l = fig.add_subplot(gs[:, ncols + 1 :])
    marker = _loss_panel(ax_l, its, loss, cols, x_label(model))
    suptitle = fig.suptitle("")
    fig.tight_layout()

    def update(r: int) -> list[Any]:
        for k, image in enumerate(images):
            image.set_data(coefs[r, k].reshape(shape))
        marker.set_data([its[r]], [loss[r]])
        suptitle.set_text(
            f"{x_label(model)} {its[r]}, loss {loss[r]:.4g} (red: evidence for the class)"
        )
        return [*images, marker, suptitle]

    return _animate(fig, update, frames, fps=fps, target=target, dpi=dpi)
