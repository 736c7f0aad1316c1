"""Training animations: the decision boundary or K class regions (2-D) moving beside the loss.

Also the parts every animation shares: the frames picked from the history, the weight
snapshots, the loss panel with its moving marker, and the atomic save. The weight images
(:func:`animate_weights`) are in :mod:`._animation_weights`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from numpy.typing import ArrayLike, NDArray

from ._common import (
    check_features,
    class_colors,
    draw_probability,
    draw_regions,
    grid,
    save_atomically,
)
from ._curves import history_columns, x_label
from ._model_view import LinearModel, as_linear_model, is_multiclass, proba_at
from ._points import scatter_classes

__all__ = ["animate_training", "frame_indices", "snapshots"]

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
        Fitted with ``record_weights=True``, so that ``model.history_`` holds a ``coef``
        and an ``intercept`` per record: (2,) and a number for one neuron, (K, 2) and (K,)
        for K >= 3 classes.
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
        Each frame is titled ``"iteration k, loss L"``. One neuron: the P(class 1) shading
        and the threshold line; K classes: the regions and their borders
        (:func:`plot_decision_boundary`), computed from the snapshot's weights.
    """
    target = _target(path)
    cols = history_columns(model)
    if "coef" not in cols or "intercept" not in cols:
        raise ValueError(
            "animate_training needs weight snapshots in model.history_; fit with "
            "LogisticRegression(record_weights=True)"
        )
    X = check_features(X, "animate_training")
    multi = is_multiclass(model)
    neuron = None if multi else as_linear_model(model)
    classes = np.asarray(model.classes_) if neuron is None else neuron.classes
    y_arr = np.asarray(y).reshape(-1)
    if y_arr.shape != (len(X),):
        raise ValueError(f"y has {y_arr.size} labels for {len(X)} rows of X")
    coefs, intercepts = snapshots(cols, len(classes) if multi else 1)
    if coefs.shape[-1] != 2:
        raise ValueError(f"the snapshots have {coefs.shape[-1]} weights; animate_training needs 2")
    loss = np.asarray(cols["loss"], dtype=np.float64)
    its = np.asarray(cols.get("iteration", np.arange(len(loss))))
    frames = frame_indices(len(loss), max_frames)

    fig, (ax_b, ax_l) = plt.subplots(1, 2, figsize=(10.0, 4.4), dpi=dpi)
    xx, yy, flat = grid(X, resolution=resolution, padding=1.0)
    handles = scatter_classes(ax_b, X, y_arr, classes)
    ax_b.set_xlim(xx[0, 0], xx[0, -1])
    ax_b.set_ylim(yy[0, 0], yy[-1, 0])
    ax_b.set_xlabel("x1")
    ax_b.set_ylabel("x2")
    ax_b.legend(handles=handles, loc="upper right", fontsize="small")
    ax_b.set_title("class regions" if multi else "decision boundary")
    marker = _loss_panel(ax_l, its, loss, cols, x_label(model))
    suptitle = fig.suptitle("")
    fig.tight_layout()
    drawn: list[Any] = []

    def update(r: int) -> list[Any]:
        for artist in drawn:  # keep one shading and one line on the axes
            artist.remove()
        drawn.clear()
        if neuron is None:
            proba = proba_at(coefs[r], intercepts[r], flat).reshape(*xx.shape, len(classes))
            image, borders = draw_regions(ax_b, xx, yy, proba, class_colors(len(classes)))
            drawn.extend([image, *borders])
        else:
            snapshot = LinearModel(coefs[r], float(intercepts[r]), classes, neuron.threshold)
            shading, line = draw_probability(
                ax_b, xx, yy, snapshot.proba(flat).reshape(xx.shape), neuron.threshold
            )
            drawn.extend(a for a in (shading, line) if a is not None)
        marker.set_data([its[r]], [loss[r]])
        suptitle.set_text(f"{x_label(model)} {its[r]}, loss {loss[r]:.4g}")
        return [*drawn, marker, suptitle]

    return _animate(fig, update, frames, fps=fps, target=target, dpi=dpi)


def _stacked(column: Any, n_rows: int) -> NDArray[np.float64]:
    """The ``coef`` snapshots as (n_records, d) for one neuron (``n_rows`` 1) or
    (n_records, K, d) for K classes; a neuron's (1, d) snapshots are flattened."""
    coefs = np.asarray(np.stack([np.asarray(c, dtype=np.float64) for c in column]))
    if n_rows == 1:
        return coefs.reshape(len(coefs), -1)
    if coefs.ndim != 3 or coefs.shape[1] != n_rows:
        raise ValueError(
            f"the weight snapshots have shape {coefs.shape[1:]}; a model of {n_rows} "
            f"classes needs ({n_rows}, n_features)"
        )
    return coefs


def snapshots(cols: dict[str, Any], n_rows: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The weight snapshots of a history: ``coef`` (n_records, d) and ``intercept``
    (n_records,) for one neuron (``n_rows`` 1), or (n_records, K, d) and (n_records, K)
    for K classes."""
    coefs = _stacked(cols["coef"], n_rows)
    intercepts = np.asarray(
        np.stack([np.asarray(b, dtype=np.float64).reshape(-1) for b in cols["intercept"]])
    )
    if n_rows == 1:
        return coefs, intercepts.reshape(-1)
    if intercepts.shape != coefs.shape[:2]:
        raise ValueError(
            f"the intercept snapshots have shape {intercepts.shape[1:]}; expected ({n_rows},)"
        )
    return coefs, intercepts


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
