"""The estimator's statistical inference: thin wrappers over :mod:`oneneuron.inference`
(:func:`~oneneuron.inference.summary`, :func:`~oneneuron.inference.conf_int`).
"""

from __future__ import annotations

from typing import Any

from numpy.typing import ArrayLike

__all__ = ["InferenceMixin"]


class InferenceMixin:
    """The inference methods of :class:`~oneneuron.LogisticRegression`."""

    # Thin wrappers over oneneuron.inference (kept together at the end of the class).
    def summary(
        self,
        X: ArrayLike | None = None,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        *,
        cov_type: str = "nonrobust",
        groups: ArrayLike | None = None,
        level: float = 0.95,
        ci_method: str = "wald",
    ) -> Any:
        """Coefficients with standard errors, z tests, p-values and intervals.

        Returns a :class:`oneneuron.inference.Summary` (``print`` it, or ``.to_frame()``,
        ``.odds_ratios()``, ``.llf``, ``.aic``, ...). Without X it uses what ``fit``
        kept when it ended on an exact Hessian (Newton, ``solver="auto"``'s choice on
        small data: the information matrix); pass the training data
        ``X, y`` (and ``sample_weight``) for robust covariances (``cov_type`` "HC0",
        "HC1", "cluster" with ``groups``), profile intervals (``ci_method="profile"``),
        a Firth model, or a model that kept none (another solver, tall data whose
        Hessian was subsampled). With
        ``alpha > 0`` the covariance is the inverse penalised information and a
        PenaltyWarning says when the penalty moved the estimates enough that the
        p-values are not classical tests. See :func:`oneneuron.inference.summary`.
        """
        from .inference import summary

        return summary(
            self,
            X,
            y,
            sample_weight,
            cov_type=cov_type,
            groups=groups,
            level=level,
            ci_method=ci_method,
        )

    def conf_int(
        self,
        X: ArrayLike | None = None,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        *,
        level: float = 0.95,
        method: str = "wald",
        cov_type: str = "nonrobust",
        groups: ArrayLike | None = None,
    ) -> Any:
        """Confidence intervals, one row per parameter (intercept first): a DataFrame.

        ``method="wald"`` (``coef +- z se``) or ``"profile"`` (profile likelihood; needs
        ``X, y``). See :func:`oneneuron.inference.conf_int`.
        """
        from .inference import conf_int

        return conf_int(
            self,
            X,
            y,
            sample_weight,
            level=level,
            method=method,
            cov_type=cov_type,
            groups=groups,
        )
