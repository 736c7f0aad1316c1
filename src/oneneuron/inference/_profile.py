"""Profile-likelihood confidence limits by root finding, for any log-likelihood.

The profile log-likelihood of coordinate j is ``l_p(t) = max { l(theta) : theta_j = t }``,
the other coordinates re-optimised (:func:`~._likelihood.maximise` with theta_j held
fixed). A ``level`` interval is the set of t with
``2 (l(theta^) - l_p(t)) <= chi2_1(level)``; its ends are the roots of
``f(t) = 2 (l(theta^) - l_p(t)) - chi2_1(level)`` on either side of the estimate,
bracketed by stepping out in multiples of the standard error and found by Brent's method.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

from ._likelihood import LogLikelihood, Optimum, SingularInformation, maximise, solve_pd

__all__ = ["ProfileError", "constrained_fit", "profile_limits"]

Array = NDArray[np.float64]

#: Stepping out stops at this many standard errors from the estimate.
MAX_STANDARD_ERRORS = 2.0**12


class ProfileError(ValueError):
    """A profile-likelihood limit that cannot be found; names the parameter and side."""

    def __init__(self, message: str, parameter: str, side: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.side = side


def constrained_fit(
    lik: LogLikelihood, start: Array, fixed: dict[int, float], max_iter: int = 200
) -> Optimum:
    """Maximise ``lik`` with ``theta_j = value`` for each ``j, value`` in ``fixed``."""
    theta = np.array(start, dtype=np.float64)
    free = np.ones(theta.size, dtype=bool)
    for j, value in fixed.items():
        theta[j] = value
        free[j] = False
    if not free.any():
        return Optimum(lik.at(theta), 0, True)
    return maximise(lik, theta, free, max_iter=max_iter, max_step=5.0, max_halfstep=60)


def profile_limits(
    lik: LogLikelihood,
    optimum: Optimum,
    index: int,
    *,
    level: float,
    name: str,
    std_err: float,
    what: str = "log-likelihood",
) -> tuple[float, float]:
    """The lower and upper ``level`` profile-likelihood limits of ``theta[index]``.

    Parameters
    ----------
    lik : LogLikelihood
    optimum : Optimum
        The maximum of ``lik`` (converged tightly: its value is the reference).
    index : int
        The coordinate of theta.
    level : float in (0, 1)
    name : str
        The parameter's name, for error messages.
    std_err : float
        A scale for stepping out (the Wald standard error).
    what : str
        "log-likelihood" or "penalised log-likelihood", for error messages.

    Returns
    -------
    (lower, upper) : tuple of float

    Raises
    ------
    ProfileError
        When a limit cannot be bracketed (the profile stays above the cut-off as far as
        :data:`MAX_STANDARD_ERRORS` standard errors, or the constrained fit fails there).
    """
    cut = float(stats.chi2.ppf(level, 1))
    top = optimum.value
    estimate = float(optimum.theta[index])
    scale = std_err if np.isfinite(std_err) and std_err > 0 else 1.0 + abs(estimate)
    warm = {1: optimum.point, -1: optimum.point}
    free = np.arange(optimum.theta.size) != index

    def excess(t: float, side: int) -> float:
        # start from the last fit on this side, moved along the tangent of the profile
        # path: d theta_free / d t = -H_ff^-1 H_fj
        point = warm[side]
        start = point.theta.copy()
        H = point.information
        slope = solve_pd(H[np.ix_(free, free)], H[free, index])
        if slope is not None:
            start[free] -= slope * (t - start[index])
        try:
            fit = constrained_fit(lik, start, {index: t})
        except SingularInformation:
            fit = None
        if fit is None or not fit.converged or not np.isfinite(fit.value):
            raise ProfileError(
                f"cannot find the {_side(side)} {level:.0%} profile-likelihood limit of "
                f"{name}: the fit with {name} held at {t:.6g} does not converge (the "
                "remaining parameters run off, as under separation; see "
                "oneneuron.diagnostics.check_separation); use Firth's method or alpha > 0, "
                "or method='wald'",
                name,
                _side(side),
            )
        warm[side] = fit.point
        return 2.0 * (top - fit.value) - cut

    limits = []
    for side in (-1, 1):
        inside, step = estimate, scale
        while True:
            t = estimate + side * step
            if excess(t, side) >= 0:
                break
            inside = t
            if step >= MAX_STANDARD_ERRORS * scale:
                raise ProfileError(
                    f"cannot bracket the {_side(side)} {level:.0%} profile-likelihood limit "
                    f"of {name}: the profile {what} stays within {cut / 2:.3g} of its "
                    f"maximum out to {name} = {t:.6g} ({step / scale:g} SE "
                    "from the estimate). The likelihood is flat in that direction, as under "
                    "separation (see oneneuron.diagnostics.check_separation); use Firth's "
                    "method or alpha > 0, or method='wald'",
                    name,
                    _side(side),
                )
            step *= 2.0
        root = optimize.brentq(
            excess, inside, t, args=(side,), xtol=1e-12 * max(1.0, abs(t)), rtol=1e-14
        )
        limits.append(float(root))
    return limits[0], limits[1]


def _side(side: int) -> str:
    return "lower" if side < 0 else "upper"
