"""The regularisation path and the cross-validation curve (no maths: they draw results)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._common import new_axes

__all__ = ["plot_cv", "plot_path"]


def plot_path(path: Any, *, ax: Axes | None = None, label_top: int = 8) -> Axes:
    """Each coefficient against alpha (log scale, strongest penalty on the left).

    A path fitted with ``standardize=True`` is drawn in standardised units
    (``coef * scale``, the weights the penalty acts on, comparable across features).

    Parameters
    ----------
    path : RegularizationPath
        From :func:`oneneuron.path`: ``alphas`` (n_alphas,), ``coef`` (n_alphas, d),
        ``feature_names``, ``n_nonzero``.
    ax : Axes, optional
    label_top : int
        Name the lines of the ``label_top`` features largest at the weakest penalty.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    alphas, coef = np.asarray(path.alphas), np.asarray(path.coef)
    scale = getattr(path, "scale", None)
    if scale is not None:
        coef = coef * scale
    last = np.abs(coef[-1])
    named = {int(j) for j in np.argsort(-last)[:label_top] if last[j] > 0}
    for j in range(coef.shape[1]):
        line = ax.plot(alphas, coef[:, j], lw=1.2 if j in named else 0.8)[0]
        if j in named:
            line.set_label(path.feature_names[j])
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel("alpha (penalty strength)")
    ax.set_ylabel("coefficient (" + ("standardised" if scale is not None else "raw") + " units)")
    ax.set_title(f"Regularisation path (l1_ratio={path.l1_ratio:g})", pad=28)
    top = ax.secondary_xaxis("top")  # the number of non-zero weights along the path
    top.set_xscale("log")
    every = max(1, len(alphas) // 6)
    top.set_xticks(alphas[::every])
    top.set_xticklabels([str(int(k)) for k in np.asarray(path.n_nonzero)[::every]])
    top.set_xlabel("non-zero weights")
    if named:
        ax.legend(fontsize="small", loc="best")
    return ax


def plot_cv(model: Any, *, ax: Axes | None = None, l1_ratio: float | None = None) -> Axes:
    """The cross-validated score against alpha, with a band of one standard error.

    Parameters
    ----------
    model : LogisticRegressionCV
        Fitted: ``alphas_``, ``cv_mean_``, ``cv_std_err_`` (n_l1_ratios, n_alphas),
        ``l1_ratios``, ``alpha_``, ``alpha_1se_``, ``scoring``.
    ax : Axes, optional
    l1_ratio : float, optional
        Which l1_ratio's curve (default: the chosen ``l1_ratio_``).

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    ratios = [model.l1_ratios] if np.isscalar(model.l1_ratios) else list(model.l1_ratios)
    chosen = model.l1_ratio_ if l1_ratio is None else l1_ratio
    if chosen not in ratios:
        raise ValueError(f"l1_ratio {chosen!r} was not cross-validated; valid: {ratios}")
    i = ratios.index(chosen)
    alphas, mean, se = model.alphas_[i], model.cv_mean_[i], model.cv_std_err_[i]
    ax.fill_between(alphas, mean - se, mean + se, alpha=0.25, label="± 1 standard error")
    ax.plot(alphas, mean, marker="o", ms=3, label="mean over folds")
    ax.axvline(model.alpha_, color="C3", ls="--", lw=1, label=f"best alpha {model.alpha_:.3g}")
    if chosen == model.l1_ratio_:
        ax.axvline(model.alpha_1se_, color="0.4", ls=":", lw=1, label="1-SE alpha")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("alpha (penalty strength)")
    scoring = model.scoring if isinstance(model.scoring, str) else "score"
    ax.set_ylabel(f"held-out {scoring}")
    ax.set_title(f"Cross-validation ({model.scores_.shape[1]} folds, l1_ratio={chosen:g})")
    ax.legend(fontsize="small", loc="best")
    return ax
