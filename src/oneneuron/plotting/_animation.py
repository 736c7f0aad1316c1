"""Training animations: the decision boundary (2-D) or the weight image moving beside the loss."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from numpy.typing import ArrayLike, NDArray

from ._boundary import scatter_classes
from ._common import (
    PROBA_CMAP,
    LinearModel,
    as_linear_model,
    check_features,
    draw_probability,
    grid,
    save_atomically,
)
from ._curves import history_columns, x_label

__all__ = ["animate_training", "animate_weights", "frame_indices"]

_WRITERS = (".gif", ".mp4")


def frame_indices(n_records: int, max_frames: int) -> NDArray[np.intp]:
    """At most ``max_frames`` record indices, evenly spaced, always the first and the last."""
    if n_records < 1:
        raise ValueError("the history has no records")
    if int(max_frames) < 2:
        raise ValueError(f"max_frames must be >= 2 (first and last record); got {max_frames!r}")
    k = min(int(max_frames), n_records)
    return np.unique(np.rint(np.linspace(0, n_records - 1, k)).astype(np.intp))


def animate_training(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    path: str | os.PathLike[str] | None = None,
    *,
    fps: int = 8,
    max_frames: int = 60,
    resolution: int = 100,
    dpi: float = 80,
) -> animation.FuncAnimation:
    """Animate training: the boundary at each weight snapshot beside the loss curve.

    Parameters
    ----------
    model : LogisticRegression
        Fitted with ``record_weights=True``, so that ``model.history_`` holds ``coef``
        (n_records, 2) and ``intercept`` (n_records,).
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
        The points drawn in every frame (usually the training data).
    path : str or PathLike, optional
        Save to this ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg) atomically, then close
        the figure.
    fps : int, default=8
    max_frames : int, default=60
        At most this many frames, evenly spaced over the records, first and last included.
    resolution : int, default=100
        Mesh points per axis for the shading.
    dpi : float, default=80

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Each frame is titled ``"iteration k, loss L"``.
    """
    target = _target(path)
    cols = history_columns(model)
    if "coef" not in cols or "intercept" not in cols:
        raise ValueError(
            "animate_training needs weight snapshots in model.history_; fit with "
            "LogisticRegression(record_weights=True)"
        )
    X = check_features(X, "animate_training")
    neuron = as_linear_model(model)
    y_arr = np.asarray(y).reshape(-1)
    if y_arr.shape != (len(X),):
        raise ValueError(f"y has {y_arr.size} labels for {len(X)} rows of X")
    coefs = np.asarray(np.stack(list(cols["coef"])), dtype=np.float64).reshape(-1, 2)
    intercepts = np.asarray(cols["intercept"], dtype=np.float64).reshape(-1)
    loss = np.asarray(cols["loss"], dtype=np.float64)
    its = np.asarray(cols.get("iteration", np.arange(len(loss))))
    frames = frame_indices(len(loss), max_frames)

    fig, (ax_b, ax_l) = plt.subplots(1, 2, figsize=(10.0, 4.4), dpi=dpi)
    xx, yy, flat = grid(X, resolution=resolution, padding=1.0)
    handles = scatter_classes(ax_b, X, y_arr, neuron)
    ax_b.set_xlim(xx[0, 0], xx[0, -1])
    ax_b.set_ylim(yy[0, 0], yy[-1, 0])
    ax_b.set_xlabel("x1")
    ax_b.set_ylabel("x2")
    ax_b.legend(handles=handles, loc="upper right", fontsize="small")
    ax_b.set_title("decision boundary")
    marker = _loss_panel(ax_l, its, loss, cols, x_label(model))
    suptitle = fig.suptitle("")
    fig.tight_layout()
    drawn: list[Any] = []

    def update(r: int) -> list[Any]:
        for artist in drawn:  # keep one shading and one line on the axes
            artist.remove()
        drawn.clear()
        snapshot = LinearModel(coefs[r], float(intercepts[r]), neuron.classes, neuron.threshold)
        shading, line = draw_probability(
            ax_b, xx, yy, snapshot.proba(flat).reshape(xx.shape), neuron.threshold
        )
        drawn.extend(a for a in (shading, line) if a is not None)
        marker.set_data([its[r]], [loss[r]])
        suptitle.set_text(f"{x_label(model)} {its[r]}, loss {loss[r]:.4g}")
        return [*drawn, marker, suptitle]

    return _animate(fig, update, frames, fps=fps, target=target, dpi=dpi)


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
        Fitted with ``record_weights=True``, so that ``model.history_`` holds ``coef``
        (n_records, n_features).
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
    coefs = np.asarray(np.stack(list(cols["coef"])), dtype=np.float64)
    coefs = coefs.reshape(len(coefs), -1)
    shape = tuple(int(s) for s in shape)
    if int(np.prod(shape)) != coefs.shape[1]:
        raise ValueError(
            f"model has {coefs.shape[1]} weights; shape {shape} holds {int(np.prod(shape))}"
        )
    classes = as_linear_model(model).classes
    loss = np.asarray(cols["loss"], dtype=np.float64)
    its = np.asarray(cols.get("iteration", np.arange(len(loss))))
    frames = frame_indices(len(loss), max_frames)
    m = float(np.max(np.abs(coefs))) if coefs.size else 0.0
    m = m if np.isfinite(m) and m > 0 else 1.0

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


def _target(path: str | os.PathLike[str] | None) -> Path | None:
    """The output path, checked before any drawing: .gif always, .mp4 only with ffmpeg."""
    if path is None:
        return None
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _WRITERS:
        raise ValueError(f"cannot write an animation to {str(target)!r}; use a .gif or .mp4 path")
    if suffix == ".mp4" and not animation.writers.is_available("ffmpeg"):
        raise RuntimeError(
            "saving .mp4 needs ffmpeg, which is not installed; save a .gif instead (uses Pillow)"
        )
    return target


def _loss_panel(
    ax: Any, its: NDArray[Any], loss: NDArray[Any], cols: dict[str, Any], xlabel: str
) -> Any:
    """The loss curve (and validation loss) with the marker that moves frame by frame."""
    ax.plot(its, loss, color="C0", label="train loss")
    if "val_loss" in cols:
        ax.plot(its, cols["val_loss"], color="C1", ls="--", label="validation loss")
    (marker,) = ax.plot([], [], "o", color="C3", markersize=8, zorder=3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title("loss")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return marker


def _animate(
    fig: Any,
    update: Any,
    frames: NDArray[np.intp],
    *,
    fps: int,
    target: Path | None,
    dpi: float,
) -> animation.FuncAnimation:
    """Build the animation and, with a target, save it atomically and close the figure."""
    anim = animation.FuncAnimation(
        fig,
        update,
        frames=[int(r) for r in frames],
        interval=1000.0 / fps,
        blit=False,
        repeat=True,
        cache_frame_data=False,
    )
    if target is not None:
        writer: animation.AbstractMovieWriter
        if target.suffix.lower() == ".gif":
            writer = animation.PillowWriter(fps=fps)
        else:
            writer = animation.FFMpegWriter(fps=fps)
        try:
            save_atomically(target, lambda tmp: anim.save(tmp, writer=writer, dpi=dpi))
        finally:
            plt.close(fig)
    return anim
