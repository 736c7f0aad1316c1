"""Curves over a line: training history (loss, accuracy) and the sigmoid itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from .._numerics import sigmoid
from ..history import History
from ._common import figure_of, new_axes

__all__ = ["history_columns", "plot_sigmoid", "plot_training_curves"]

_YLABELS = {
    "loss": "loss",
    "accuracy": "accuracy",
    "grad_max": "max |gradient|",
}


def history_columns(history: Any) -> dict[str, NDArray[Any]]:
    """A History, a dict of lists or a fitted model (its ``history_``) as columns of arrays."""
    if not isinstance(history, (History, Mapping)) and hasattr(history, "history_"):
        history = history.history_
    if isinstance(history, History):
        return {name: history[name] for name in history.columns}
    if isinstance(history, Mapping):
        return {str(k): np.asarray(v) for k, v in history.items()}
    raise TypeError(
        "history must be a History, a dict of lists or a fitted model with history_; "
        f"got {type(history).__name__}"
    )


def x_label(history: Any) -> str:
    """``"epoch"`` when each record is an epoch of mini-batches, else ``"iteration"``."""
    if not isinstance(history, (History, Mapping)) and hasattr(history, "history_"):
        history = history.history_
    return str(getattr(history, "unit", "iteration"))


def plot_training_curves(
    history: Any,
    *,
    axes: Axes | Sequence[Axes] | None = None,
    metrics: str | Sequence[str] = ("loss", "accuracy"),
) -> Figure:
    """Each metric per iteration, training and validation on the same axes.

    Parameters
    ----------
    history : History, dict of lists, or fitted LogisticRegression
        Columns ``"loss"``, ``"accuracy"``, ... of equal length (n_iterations,);
        ``"val_<metric>"`` is drawn dashed when present, ``"iteration"`` is the x axis
        when present (else 0, 1, ...).
    axes : Axes or sequence of Axes, optional
        One per metric; a new figure with one panel per metric when None.
    metrics : str or sequence of str, default=("loss", "accuracy")

    Returns
    -------
    Figure
        The figure holding the panels. A new one is not registered with pyplot (a notebook
        shows the returned figure once; ``plt.show()`` does not show it: display it, or
        pass ``axes`` from ``plt.subplots``).

    Notes
    -----
    With :class:`~oneneuron.LogisticRegression`, the training ``loss`` is the objective J
    (the L2 penalty included) and ``val_loss`` the plain mean log-loss, so with a large
    ``alpha`` the validation curve can lie below the training curve.
    """
    cols = history_columns(history)
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    if not names:
        raise ValueError("metrics must name at least one column")
    for name in names:
        if name not in cols:
            raise ValueError(f"history has no column {name!r}; columns: {sorted(cols)}")
    if axes is None:  # not registered with pyplot: a notebook shows the returned figure once
        fig = Figure(figsize=(5.0 * len(names), 3.8))
        ax_list: list[Axes] = list(fig.subplots(1, len(names), squeeze=False)[0])
    else:
        ax_list = [axes] if isinstance(axes, Axes) else list(np.ravel(np.asarray(axes, object)))
        if len(ax_list) != len(names):
            raise ValueError(f"got {len(ax_list)} axes for {len(names)} metrics {names}")
        fig = figure_of(ax_list[0])
    for ax, name in zip(ax_list, names, strict=True):
        _draw_metric(ax, cols, name, x_label(history))
    if axes is None:
        fig.tight_layout()
    return fig


def _draw_metric(ax: Axes, cols: dict[str, NDArray[Any]], name: str, xlabel: str) -> None:
    train = np.asarray(cols[name], dtype=np.float64)
    x = _x_for(cols, len(train))
    marker = "o" if len(train) <= 50 else None
    ax.plot(x, train, marker=marker, markersize=3, label="train")
    val = cols.get(f"val_{name}")
    if val is not None:
        val = np.asarray(val, dtype=np.float64)
        ax.plot(
            _x_for(cols, len(val)),
            val,
            marker=marker,
            markersize=3,
            linestyle="--",
            label="validation",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_YLABELS.get(name, name))
    ax.set_title(name.replace("_", " "))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")


def _x_for(cols: dict[str, NDArray[Any]], n: int) -> NDArray[Any]:
    it = cols.get("iteration")
    return np.asarray(it) if it is not None and len(it) == n else np.arange(n)


def plot_sigmoid(ax: Axes | None = None, z_range: tuple[float, float] = (-8, 8)) -> Axes:
    """The sigmoid ``1 / (1 + exp(-z))`` with its 0.5 crossing marked.

    Parameters
    ----------
    ax : Axes, optional
        Where to draw; a new figure when None.
    z_range : (float, float), default=(-8, 8)
        The interval of z shown.

    Returns
    -------
    Axes

    Notes
    -----
    sigmoid(0) = 0.5: the neuron predicts class 1 exactly where ``z = x . w + b >= 0``, so
    the decision boundary is the line (hyperplane) ``x . w + b = 0``.
    """
    lo, hi = (float(v) for v in z_range)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"z_range must be two finite numbers, low < high; got {z_range!r}")
    ax = new_axes(ax, figsize=(6.4, 4.0))
    z = np.linspace(lo, hi, 401)
    ax.plot(z, sigmoid(z), lw=2.5, color="C0", label=r"$\sigma(z) = 1 / (1 + e^{-z})$")
    ax.axhline(0.5, color="C3", ls="--", lw=1.2, label="0.5: the decision threshold")
    for level in (0.0, 1.0):
        ax.axhline(level, color="0.6", ls=":", lw=1)
    if lo <= 0 <= hi:
        ax.axvline(0.0, color="0.6", ls=":", lw=1)
        ax.plot([0.0], [0.5], "o", color="C3", zorder=3)
        ax.annotate(
            "z = 0, p = 0.5",
            (0.0, 0.5),
            xytext=(10, -18),
            textcoords="offset points",
            color="C3",
            fontsize="small",
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"$z = x \cdot w + b$")
    ax.set_ylabel(r"$\sigma(z)$")
    ax.set_title("The sigmoid turns a score into a probability")
    ax.legend(loc="upper left", fontsize="small")
    return ax
