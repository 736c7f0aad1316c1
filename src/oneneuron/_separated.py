"""The warnings a fit with ``alpha=0`` gives when the maximum-likelihood estimate does not
exist: complete separation (every row on its side) and quasi-complete separation (every
row on its side or on the boundary; statsmodels warns about both).

Complete separation is read from the final evaluation (no pass over X). Quasi-complete
separation leaves some rows fitted with probabilities a hair from 0 or 1 while the
weights grow; that is screened for with one product ``X w`` (data in memory only), and
only a screen that fires pays for the exact linear programs of
:func:`oneneuron.diagnostics.check_separation`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .data import Source
    from .estimator import LogisticRegression
    from .objective import Evaluation

__all__ = ["SeparationWarning", "warn_if_separated"]

#: A correctly classified row whose margin |z| exceeds this (probability within 1e-10 of
#: its label) is what a diverging maximum-likelihood fit leaves behind.
SCREEN_MARGIN = 23.0
#: The exact check (and the screen that decides whether it runs) is made on data of at
#: most this many entries (n (d + 1)): larger data are not screened, their complete
#: separation is still read from the final evaluation.
EXACT_MAX_ENTRIES = 20_000_000


class SeparationWarning(UserWarning):
    """alpha = 0 and the classes are (quasi-)completely separated: no finite optimum."""


def warn_if_separated(est: LogisticRegression, final: Evaluation, source: Source) -> None:
    """Warn, with what to do, when the fitted data are separated and ``alpha == 0``."""
    if final.n_correct == final.n_samples:
        warnings.warn(
            "the training data are linearly separable: with alpha=0 the loss has no "
            "minimum (it tends to 0 as the weights grow without bound), so the weights "
            f"stop where training stopped (iteration {est.n_iter_}); set alpha > 0 for "
            "a unique, finite solution",
            SeparationWarning,
            stacklevel=5,
        )
        return
    if len(est.classes_) != 2:  # the linear programs are for one neuron's two classes
        return
    X, sign = getattr(source, "X", None), getattr(source, "sign", None)
    if X is None or sign is None or not source.in_memory:
        return
    n, d = X.shape
    if n * (d + 1) > EXACT_MAX_ENTRIES:  # no exact check follows: the screen would be idle
        return
    margin = _correct_margins(est, X, sign)
    if margin.size == 0 or float(margin.max()) <= SCREEN_MARGIN:
        return
    from .diagnostics import check_separation

    weight = getattr(source, "weight", None)
    keep = None if weight is None else np.asarray(weight, dtype=np.float64)
    report = check_separation(
        X,
        (sign < 0).astype(np.int8),
        keep,
        fit_intercept=bool(est.fit_intercept),
        feature_names=getattr(est, "feature_names_in_", None),
    )
    if report.kind == "quasi-complete":
        diverging = [
            f"{name} to {status}" if status.endswith("inf") else f"{name} ({status})"
            for name, status in zip(report.names, report.status, strict=True)
            if status not in ("finite", "aliased")
        ]
        warnings.warn(
            f"quasi-complete separation: {len(report.separated_rows)} of {report.n_rows} "
            "training rows are fitted with probability 0 or 1 on a boundary the classes "
            f"do not cross, so with alpha=0 the maximum-likelihood estimate does not exist "
            f"(diverging: {', '.join(diverging)}; the coefficients depend on the "
            "solver and where it stopped); set alpha > 0, or firth=True for finite, "
            "bias-reduced estimates (oneneuron.diagnostics.check_separation(X, y) lists "
            "the rows)",
            SeparationWarning,
            stacklevel=5,
        )


def _correct_margins(est: LogisticRegression, X: Any, sign: Any) -> Any:
    """``|z_i|`` of the rows on their own side (``z = X w + b``, raw coefficients)."""
    with np.errstate(all="ignore"):
        z = np.asarray(X @ est.coef_[0], dtype=np.float64).ravel() + float(est.intercept_[0])
    correct = (z >= 0) == (np.asarray(sign) < 0)
    return np.abs(z[correct & np.isfinite(z)])
