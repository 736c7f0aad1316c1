"""The :class:`Summary` table: one row per parameter, the fit statistics, a printout."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

__all__ = ["Summary"]

Array = NDArray[np.float64]

WIDTH = 78


@dataclass(frozen=True, eq=False)
class Summary:
    """Coefficients, standard errors, tests and intervals of a fitted logistic model.

    Rows are in the order ``intercept`` first, then the features. Build it with
    :func:`oneneuron.inference.summary` (or ``LogisticRegression.summary``).

    Attributes
    ----------
    names : tuple of str
    coef, std_err, z, p_value, ci_lower, ci_upper : ndarray of shape (k,)
        ``z = coef / std_err``; ``p_value`` is the Wald p-value ``2 (1 - Phi(|z|))``
        unless ``p_value_method`` says "likelihood ratio".
    cov : ndarray of shape (k, k)
        The covariance of the estimate (``cov_type``), rows in ``names`` order.
    llf, llnull : float
        Log-likelihood at the estimate and of the null model (intercept only; without
        an intercept, all logits 0). Penalised log-likelihoods for Firth's model.
    nobs : int
        Rows of X.
    weight_sum : float
        ``N = sum_i s_i`` (= nobs without weights): weights count observations.
    df_model : int
        Parameters besides the intercept.
    converged : bool or None
    cov_type, ci_method, p_value_method, method : str
    level : float
    alpha : float
        The model's L2 penalty (0 for none).
    penalty_shift : float
        With alpha > 0: the largest ``|theta_ml - theta|/std_err`` over the parameters,
        the one-step estimate of how far the penalty moved the estimates (NaN otherwise).
    n_groups : int or None
        Clusters, for ``cov_type="cluster"``.
    positive_class : str
    response : str
        The name of y (a Series' name), "y" by default.
    notes : tuple of str
    """

    names: tuple[str, ...]
    coef: Array
    std_err: Array
    z: Array
    p_value: Array
    ci_lower: Array
    ci_upper: Array
    cov: Array
    llf: float
    llnull: float
    nobs: int
    weight_sum: float
    df_model: int
    converged: bool | None
    cov_type: str = "nonrobust"
    level: float = 0.95
    ci_method: str = "wald"
    p_value_method: str = "wald"
    method: str = "maximum likelihood"
    alpha: float = 0.0
    penalty_shift: float = float("nan")
    n_groups: int | None = None
    positive_class: str = "1"
    response: str = "y"
    notes: tuple[str, ...] = field(default_factory=tuple)

    # ------------------------------------------------------------- statistics
    @property
    def k(self) -> int:
        """Number of parameters."""
        return len(self.names)

    @property
    def df_resid(self) -> float:
        """``N - k``."""
        return self.weight_sum - self.k

    @property
    def llr(self) -> float:
        """Likelihood-ratio statistic against the null model, ``2 (llf - llnull)``."""
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        """``P(chi2_{df_model} > llr)``; NaN when df_model is 0."""
        if self.df_model <= 0:
            return float("nan")
        return float(stats.chi2.sf(self.llr, self.df_model))

    @property
    def pseudo_r2(self) -> float:
        """McFadden's pseudo R-squared, ``1 - llf / llnull``."""
        return 1.0 - self.llf / self.llnull if self.llnull != 0 else float("nan")

    @property
    def aic(self) -> float:
        """``-2 llf + 2 k``."""
        return -2.0 * self.llf + 2.0 * self.k

    @property
    def bic(self) -> float:
        """``-2 llf + k log N``."""
        return -2.0 * self.llf + self.k * float(np.log(self.weight_sum))

    # ----------------------------------------------------------------- frames
    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: coef, std_err, z, p_value, ci_lower, ci_upper."""
        return pd.DataFrame(
            {
                "coef": self.coef,
                "std_err": self.std_err,
                "z": self.z,
                "p_value": self.p_value,
                "ci_lower": self.ci_lower,
                "ci_upper": self.ci_upper,
            },
            index=pd.Index(self.names, name="parameter"),
        )

    def odds_ratios(self) -> pd.DataFrame:
        """``exp(coef)`` with its interval ``exp(ci_lower), exp(ci_upper)``.

        For a feature, the factor by which the odds of the positive class change per
        unit increase; for the intercept, the odds when every feature is 0.
        """
        with np.errstate(over="ignore"):
            return pd.DataFrame(
                {
                    "odds_ratio": np.exp(self.coef),
                    "ci_lower": np.exp(self.ci_lower),
                    "ci_upper": np.exp(self.ci_upper),
                },
                index=pd.Index(self.names, name="parameter"),
            )

    def cov_params(self) -> pd.DataFrame:
        """The covariance matrix as a frame labelled by parameter."""
        return pd.DataFrame(self.cov, index=list(self.names), columns=list(self.names))

    # --------------------------------------------------------------- printout
    def __str__(self) -> str:
        penalty = "none" if self.alpha == 0 else f"L2, alpha={self.alpha:g}"
        left = [
            ("Dep. variable:", f"{self.response} = {self.positive_class}"),
            ("Model:", "logistic regression"),
            ("Method:", self.method),
            (
                "Covariance:",
                self.cov_type + ("" if self.n_groups is None else f" ({self.n_groups} groups)"),
            ),
            ("Penalty:", penalty),
            ("Converged:", "unknown" if self.converged is None else str(self.converged)),
        ]
        if self.alpha > 0 and np.isfinite(self.penalty_shift):
            left.append(("Penalty shift:", f"{self.penalty_shift:.3g} SE"))
        right = [
            ("No. observations:", f"{self.nobs}"),
            ("Df residuals:", f"{self.df_resid:g}"),
            ("Df model:", f"{self.df_model}"),
            ("Pseudo R-squ.:", _num(self.pseudo_r2)),
            ("Log-likelihood:", _num(self.llf)),
            ("LL-null:", _num(self.llnull)),
            ("LLR p-value:", _num(self.llr_pvalue)),
            ("AIC:", _num(self.aic)),
            ("BIC:", _num(self.bic)),
        ]
        if self.weight_sum != self.nobs:
            right.insert(1, ("Sum of weights:", _num(self.weight_sum)))
        lines = ["Logistic regression results".center(WIDTH).rstrip(), "=" * WIDTH]
        half = WIDTH // 2
        for i in range(max(len(left), len(right))):
            a = _pair(left[i], half - 1) if i < len(left) else " " * (half - 1)
            b = _pair(right[i], half - 1) if i < len(right) else ""
            lines.append(f"{a}  {b}".rstrip())
        lines.append("=" * WIDTH)
        tail = (1 - self.level) / 2
        name_w = max(10, min(30, max(len(n) for n in self.names)))
        p_head = "P>|z|" if self.p_value_method == "wald" else "P(LR)"
        lines.append(
            " " * name_w
            + f"{'coef':>11}{'std err':>11}{'z':>9}{p_head:>9}"
            + f"{'[' + format(tail, '.3g'):>11}{format(1 - tail, '.3g') + ']':>11}"
        )
        lines.append("-" * WIDTH)
        for i, name in enumerate(self.names):
            label = name if len(name) <= name_w else name[: name_w - 1] + "~"
            lines.append(
                f"{label:<{name_w}}{_num(self.coef[i]):>11}{_num(self.std_err[i]):>11}"
                f"{self.z[i]:>9.3f}{_pvalue(self.p_value[i]):>9}"
                f"{_num(self.ci_lower[i]):>11}{_num(self.ci_upper[i]):>11}"
            )
        lines.append("=" * WIDTH)
        notes = list(self.notes)
        if self.ci_method != "wald":
            notes.insert(0, f"Intervals: {self.ci_method}.")
        if self.p_value_method != "wald":
            notes.insert(0, f"p-values: {self.p_value_method}; z = coef / std err.")
        if notes:
            lines.append("Notes:")
            for i, note in enumerate(notes):
                lines += textwrap.wrap(
                    note, WIDTH, initial_indent=f"[{i + 1}] ", subsequent_indent="    "
                )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.__str__()


def _pair(item: tuple[str, str], width: int) -> str:
    key, value = item
    return f"{key}{value:>{max(1, width - len(key))}}"


def _num(value: float) -> str:
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.3e}"


def _pvalue(value: float) -> str:
    if not np.isfinite(value):
        return "nan"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"
