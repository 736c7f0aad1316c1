"""The confidence intervals of :func:`oneneuron.inference.summary`: Wald intervals, and
profile-likelihood intervals (the model refitted with each parameter held fixed; when the
refit finds no finite maximum, the error says what :func:`oneneuron.diagnostics.check_separation`
finds).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from ._likelihood import Logistic, maximise
from ._model import Data, ModelView
from ._profile import ProfileError, profile_limits

Array = NDArray[np.float64]


def _wald(theta: Array, se: Array, level: float) -> tuple[Array, Array]:
    q = float(stats.norm.ppf(0.5 + level / 2))
    return theta - q * se, theta + q * se


def _profile_intervals(
    view: ModelView, data: Data, penalty: Array | None, se: Array, level: float
) -> tuple[Array, Array]:
    lik = Logistic(data.design, data.y01, data.sample_weight, penalty)
    optimum = maximise(lik, view.theta, max_iter=100)
    if not optimum.converged:
        raise _no_maximum(view, data)
    what = "penalised log-likelihood" if penalty is not None else "log-likelihood"
    try:
        bounds = [
            profile_limits(
                lik, optimum, j, level=level, name=view.names[j], std_err=se[j], what=what
            )
            for j in range(view.theta.size)
        ]
    except ProfileError as error:
        if penalty is None:
            raise _no_maximum(view, data, error) from None
        raise
    return np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])


def _no_maximum(view: ModelView, data: Data, error: ProfileError | None = None) -> ProfileError:
    """The profile error for an unpenalised fit, with what check_separation finds."""
    from ..diagnostics import check_separation

    report = check_separation(
        data.design.X,
        data.y01,
        data.sample_weight,
        fit_intercept=view.fit_intercept,
        feature_names=view.names[: view.d],
    )
    if error is not None and not report.separated:
        return error
    diverging = report.infinite
    if report.separated:
        what = "; ".join(f"{name} -> {way}" for name, way in diverging.items())
        detail = f"the data are {report.kind}ly separated" + (f" ({what})" if what else "")
    else:
        detail = "refitting did not converge"
    head = (
        str(error)
        if error is not None
        else "cannot compute profile-likelihood intervals: refitting found no finite maximum"
    )
    return ProfileError(
        f"{head}. The log-likelihood has no finite maximum: {detail}; the "
        "maximum-likelihood estimates do not exist. Fit with Firth's method or alpha > 0",
        next(iter(diverging), error.parameter if error is not None else "all"),
        error.side if error is not None else "both",
    )
