"""The decision-boundary figure: probability shading and the threshold line (one neuron) or the
K class regions and their borders, the data and new points (drawn by :mod:`._points`), the
axes' limits, labels and legend."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike, NDArray

from ._common import (
    REGION_ALPHA,
    check_features,
    class_colors,
    draw_probability,
    draw_regions,
    figure_of,
    grid,
    new_axes,
)
from ._model_view import as_linear_model, is_multiclass, model_proba
from ._points import _user_points, _user_points_multi, scatter_classes

__all__ = ["plot_decision_boundary"]


def plot_decision_boundary(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    X_test: ArrayLike | None = None,
    y_test: ArrayLike | None = None,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 1.0,
    points: ArrayLike | None = None,
    title: str | None = None,
    colorbar: bool = True,
) -> Axes:
    """Draw where the model says each class, over the data it was trained on.

    Parameters
    ----------
    model : LogisticRegression or dict
        A fitted linear model with two features: binary (one neuron), or of K >= 3
        classes (anything with ``classes_`` and ``predict_proba``, e.g. a multinomial
        model); or the textbook parameters ``{"W": (2, 1) or (2,), "b": float}`` (classes
        0 and 1, threshold 0.5).
    X : array-like of shape (n_samples, 2)
        Training points, drawn as circles coloured by class.
    y : array-like of shape (n_samples,) or (n_samples, 1)
        Their labels, each one of ``model.classes_``.
    X_test : array-like of shape (n_test, 2), optional
    y_test : array-like of shape (n_test,), optional
        Test points, drawn as triangles with a dark edge.
    ax : Axes, optional
        Where to draw; a new figure when None.
    resolution : int, default=200
        Mesh points per axis for the shading.
    padding : float, default=1.0
        Margin around the points, in data units.
    points : array-like of shape (k, 2), optional
        New points (the seeds' ``predict_user_input``): drawn as stars and annotated with
        the predicted class and its probability (P(class 1) for one neuron).
    title : str, optional
    colorbar : bool, default=True
        Add a colorbar: P(class 1) for one neuron, the largest class probability for K
        classes.

    Returns
    -------
    Axes

    Notes
    -----
    One neuron: the shading is ``P(classes_[1] | x) = sigmoid(x . w + b)`` on the mesh; the
    black line is its contour at ``model.threshold``, i.e. the line
    ``x . w + b = logit(threshold)``.

    K classes: each mesh point takes the colour of its most probable class (the argmax of
    ``predict_proba``, which is what ``predict`` says), more opaque the surer the model (the
    largest probability, from 1/K to 1); the black lines are the region borders, where the
    two most probable classes are equally probable. The regions of a linear model are
    convex.
    """
    if is_multiclass(model):
        return _plot_regions(
            model,
            X,
            y,
            X_test=X_test,
            y_test=y_test,
            ax=ax,
            resolution=resolution,
            padding=padding,
            points=points,
            title=title,
            colorbar=colorbar,
        )
    xname, yname = _axis_names(X, model)
    X = check_features(X)
    neuron = as_linear_model(model)
    y_arr = _labels(y, len(X), "y", neuron.classes)
    if neuron.w.shape != (2,):
        raise ValueError(f"model has {neuron.w.size} weights; plot_decision_boundary needs 2")
    Xt = None if X_test is None else check_features(X_test)
    if (Xt is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together")
    yt = (
        None if Xt is None or y_test is None else _labels(y_test, len(Xt), "y_test", neuron.classes)
    )
    P = None if points is None else check_features(np.atleast_2d(np.asarray(points, float)))

    ax = new_axes(ax, figsize=(7.0, 5.4))
    xx, yy, flat = grid(X, Xt, P, resolution=resolution, padding=padding)
    shading, _ = draw_probability(
        ax, xx, yy, neuron.proba(flat).reshape(xx.shape), neuron.threshold
    )
    if colorbar:
        cbar = figure_of(ax).colorbar(shading, ax=ax, ticks=np.linspace(0, 1, 6))
        cbar.set_label(f"P({neuron.classes[1]})")
    handles: list[Any] = list(scatter_classes(ax, X, y_arr, neuron))
    if Xt is not None and yt is not None:
        handles += scatter_classes(ax, Xt, yt, neuron, test=True)
    handles.append(Line2D([], [], color="k", lw=2, label=f"p = {neuron.threshold:g}"))
    if P is not None:
        handles.append(_user_points(ax, P, neuron))
    _finish(ax, handles, xx, yy, xname, yname, title)
    return ax


def _plot_regions(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    X_test: ArrayLike | None,
    y_test: ArrayLike | None,
    ax: Axes | None,
    resolution: int,
    padding: float,
    points: ArrayLike | None,
    title: str | None,
    colorbar: bool,
) -> Axes:
    """:func:`plot_decision_boundary` for K >= 3 classes: regions, borders and points."""
    xname, yname = _axis_names(X, model)
    X = check_features(X)
    classes = np.asarray(model.classes_)
    n_features = getattr(model, "n_features_in_", None)
    if n_features is not None and int(n_features) != 2:
        raise ValueError(f"model has {n_features} features; plot_decision_boundary needs 2")
    y_arr = _labels(y, len(X), "y", classes)
    Xt = None if X_test is None else check_features(X_test)
    if (Xt is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together")
    yt = None if Xt is None or y_test is None else _labels(y_test, len(Xt), "y_test", classes)
    P = None if points is None else check_features(np.atleast_2d(np.asarray(points, float)))

    ax = new_axes(ax, figsize=(7.0, 5.4))
    xx, yy, flat = grid(X, Xt, P, resolution=resolution, padding=padding)
    proba = model_proba(model, flat).reshape(*xx.shape, len(classes))
    colors = class_colors(len(classes))
    draw_regions(ax, xx, yy, proba, colors)
    if colorbar:
        _confidence_colorbar(ax, len(classes))
    handles: list[Any] = list(scatter_classes(ax, X, y_arr, classes))
    if Xt is not None and yt is not None:
        handles += scatter_classes(ax, Xt, yt, classes, test=True)
    handles.append(Line2D([], [], color="k", lw=1.5, label="region border"))
    if P is not None:
        handles.append(_user_points_multi(ax, P, model, classes))
    _finish(ax, handles, xx, yy, xname, yname, title)
    return ax


def _finish(
    ax: Axes,
    handles: list[Any],
    xx: NDArray[np.float64],
    yy: NDArray[np.float64],
    xname: str,
    yname: str,
    title: str | None,
) -> None:
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.85)
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    if title is not None:
        ax.set_title(title)


def _confidence_colorbar(ax: Axes, n_classes: int) -> None:
    """A grey colorbar of the shading: the largest class probability, from 1/K to 1."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap, Normalize

    lo, hi = REGION_ALPHA
    ramp = np.zeros((256, 4))
    ramp[:, 3] = np.linspace(lo, hi, 256)
    mappable = ScalarMappable(Normalize(1.0 / n_classes, 1.0), ListedColormap(ramp))
    cbar = figure_of(ax).colorbar(mappable, ax=ax)
    cbar.set_label("largest class probability")


def _labels(y: ArrayLike, n: int, name: str, classes: ArrayLike) -> NDArray[Any]:
    """Labels as shape (n,), each one of the model's classes."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) or ({n}, 1); got {np.shape(y)}")
    known = set(np.asarray(classes).tolist())
    unknown = [v for v in np.unique(arr).tolist() if v not in known]
    if unknown:
        raise ValueError(
            f"{name} has labels {unknown[:5]} that are not classes of "
            f"the model {sorted(known, key=str)}"
        )
    return arr


def _axis_names(X: Any, model: Any) -> tuple[str, str]:
    """Column names of a DataFrame X, else the model's feature names, else x1 and x2."""
    names = getattr(X, "columns", None)
    if names is None:
        names = getattr(model, "feature_names_in_", None)
    if names is not None and len(names) == 2:
        return str(names[0]), str(names[1])
    return "x1", "x2"
