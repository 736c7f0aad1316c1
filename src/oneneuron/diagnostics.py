"""Separation, detected exactly by linear programs (Albert & Anderson 1984; Konis 2007).

With ``t_i = +1`` for label 1 and ``-1`` for label 0 and ``x~_i = [x_i, 1]``, a direction
``beta`` with ``t_i x~_i . beta >= 0`` for every row raises the log-likelihood along
``theta + c beta`` for every c > 0, strictly where ``t_i x~_i . beta > 0``. The data are
*separated* when such a beta is strict on at least one row; then the maximum-likelihood
estimate does not exist (some coefficients run to infinity). They are *completely*
separated when one beta is strict on every row, *quasi-completely* otherwise.

:func:`check_separation` answers two questions with :func:`scipy.optimize.linprog`
(HiGHS), after scaling each column of ``A = [t_i x~_i]`` to max |entry| 1:

1. **Which rows are separated.** Konis' program ``max sum_i (A beta)_i`` subject to
   ``A beta >= 0``, ``-1 <= beta <= 1`` (k variables) is positive exactly when the data
   are separated; its solution is strictly positive on some separated rows. Repeating it
   over the rows not yet found (``max sum_{i not in S} (A beta)_i``) adds rows until the
   optimum is 0, which proves that S, the rows some direction separates, is complete.
   The directions form a convex cone, so the sum of the rounds' solutions is strict on
   all of S. S empty: no separation; S = every row: complete; otherwise quasi-complete.
2. **Which coefficients diverge, and which way.** The directions along which the
   likelihood rises without bound are ``D = {beta : A_O beta = 0, A_S beta >= 1}`` (up to
   scale; O the rows outside S). For each coefficient j, the range of ``beta_j`` over D:
   a minimum > 0 means every such direction increases it, so its estimate tends to
   ``+inf``; a maximum < 0, ``-inf``; both 0, it stays finite (fixed by the overlapping
   rows); otherwise whether and which way it diverges depends on the path the fitting
   algorithm takes ("undetermined"). D lies in the null space of ``A_O`` (usually of
   dimension 1 under quasi-complete separation), so the programs are posed there; most
   "undetermined" coefficients are settled without a program by moving along the
   max-margin direction, and the remaining programs are solved by constraint generation
   on the rows nearest the separating boundary (see :func:`._separation_lp.divergence`).

Columns of ``X~`` that are linear combinations of earlier ones (intercept first) are
reported as "aliased" and left out, as R's ``glm`` does.

References: Albert A, Anderson JA (1984), Biometrika 71:1-10. Konis K (2007), *Linear
programming algorithms for detecting separated data in binary logistic regression
models*, DPhil thesis, Oxford. Kosmidis I, Schumacher D, Schwendinger F,
detectseparation (R package).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._separated import SeparationWarning
from ._separation_lp import LP_TOLERANCE as LP_TOLERANCE
from ._separation_lp import STRICT as STRICT
from ._separation_lp import divergence, separated_rows
from .inference._design import as_design_matrix
from .inference._likelihood import as_float_array
from .inference._model import INTERCEPT

__all__ = ["SeparationReport", "SeparationWarning", "check_separation"]

Array = NDArray[np.float64]

STATUS = {1.0: "+inf", -1.0: "-inf", 0.0: "finite"}


@dataclass(frozen=True, eq=False)
class SeparationReport:
    """The outcome of :func:`check_separation`.

    Attributes
    ----------
    kind : {"complete", "quasi-complete", "none"}
    names : tuple of str
        Parameters, intercept first.
    status : tuple of str
        Per parameter: "+inf" or "-inf" (the maximum-likelihood estimate diverges that
        way), "finite", "undetermined" (it may diverge either way, or not, depending on
        the fitting path) or "aliased" (a linear combination of earlier columns; left
        out).
    separated_rows : ndarray of int
        Rows (of the X given) that a separating direction fits perfectly; empty
        without separation, every row with positive weight under complete separation.
    n_rows : int
        Rows with positive weight.
    direction : ndarray of shape (k,)
        One separating direction beta (intercept first, largest entry 1 in absolute
        value, NaN for aliased columns); zeros without separation.
    """

    kind: str
    names: tuple[str, ...]
    status: tuple[str, ...]
    separated_rows: NDArray[np.intp]
    n_rows: int
    direction: Array
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def separated(self) -> bool:
        """True for complete or quasi-complete separation."""
        return self.kind != "none"

    @property
    def infinite(self) -> dict[str, str]:
        """``{name: "+inf" | "-inf"}`` for the coefficients that surely diverge."""
        return {n: s for n, s in zip(self.names, self.status, strict=True) if s in ("+inf", "-inf")}

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: its status and the separating direction."""
        return pd.DataFrame(
            {"status": list(self.status), "direction": self.direction},
            index=pd.Index(self.names, name="parameter"),
        )

    def __str__(self) -> str:
        lines = []
        aliased = [n for n, s in zip(self.names, self.status, strict=True) if s == "aliased"]
        if not self.separated:
            lines.append(
                f"No separation: the {self.n_rows} observations overlap, so the "
                "maximum-likelihood estimates are finite."
            )
        else:
            lines.append(
                f"Separation: {self.kind} ({len(self.separated_rows)} of {self.n_rows} "
                "observations are fitted perfectly as the coefficients grow)."
            )
            lines.append("The maximum-likelihood estimates do not exist:")
            width = max(len(n) for n in self.names)
            for name, status in zip(self.names, self.status, strict=True):
                if status in ("+inf", "-inf"):
                    lines.append(f"  {name:<{width}}  -> {status}")
            undetermined = [
                n for n, s in zip(self.names, self.status, strict=True) if s == "undetermined"
            ]
            finite = [n for n, s in zip(self.names, self.status, strict=True) if s == "finite"]
            if undetermined:
                lines.append(
                    "  undetermined (may diverge either way, depending on the solver): "
                    + ", ".join(undetermined)
                )
            if finite:
                lines.append("  finite: " + ", ".join(finite))
            lines.append(
                "Use firth=True (Firth's bias-reduced logistic regression, always finite) "
                "or an L2 penalty (alpha > 0); p-values and intervals from an unpenalised "
                "fit are meaningless here."
            )
        if aliased:
            lines.append(
                "Aliased (linear combinations of earlier columns, left out): " + ", ".join(aliased)
            )
        lines += list(self.notes)
        out = []
        for line in lines:
            indent = " " * (len(line) - len(line.lstrip()))
            out += textwrap.wrap(line, 88, subsequent_indent=indent + ("    " if indent else ""))
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.__str__()


def check_separation(
    X: Any,
    y: ArrayLike,
    sample_weight: ArrayLike | None = None,
    *,
    fit_intercept: bool = True,
    feature_names: Any = None,
) -> SeparationReport:
    """Detect complete and quasi-complete separation exactly, by linear programs.

    Parameters
    ----------
    X : ndarray of shape (n, d), scipy.sparse matrix or DataFrame
    y : array-like of shape (n,)
        Labels 0/1 (or bools), or any two labels: the larger (sorted) is positive,
        as in ``LogisticRegression.classes_[1]``.
    sample_weight : array-like of shape (n,), optional
        Rows with weight 0 are ignored; positive weights do not matter.
    fit_intercept : bool
        Whether the model has an intercept.
    feature_names : sequence of str, optional
        Defaults to a DataFrame's columns, else x1, x2, ...

    Returns
    -------
    SeparationReport
        Its ``str()`` says what is separated and what to do.

    Notes
    -----
    See the module docstring for the linear programs: one with ``n + k`` variables to
    find the separated rows, then two per coefficient (only when there is separation).
    """
    names = feature_names
    if names is None and hasattr(X, "columns"):
        names = [str(c) for c in X.columns]
    Xm = as_design_matrix(X)
    n, d = Xm.shape
    names = [f"x{j + 1}" for j in range(d)] if names is None else [str(c) for c in names]
    if len(names) != d:
        raise ValueError(f"feature_names has {len(names)} names; X has {d} features")
    y01 = _labels(y, n)
    keep = np.ones(n, dtype=bool)
    if sample_weight is not None:
        sw = as_float_array(sample_weight, n, "sample_weight")
        if np.any(sw < 0):
            raise ValueError(f"sample_weight must be >= 0; got min {sw.min():g}")
        keep = sw > 0
    rows = np.flatnonzero(keep)
    # signed design t_i x~_i, intercept first, columns scaled to max |entry| 1
    Xk = Xm[rows]
    sign = 2.0 * y01[rows] - 1.0
    if sp.issparse(Xk):
        cols = sp.hstack([sp.csr_matrix(np.ones((len(rows), 1))), Xk]) if fit_intercept else Xk
        A = sp.csr_matrix(sp.diags(sign) @ cols)
        scale = np.asarray(abs(A).max(axis=0).todense()).ravel()
    else:
        cols = np.column_stack([np.ones(len(rows)), Xk]) if fit_intercept else Xk
        A = sign[:, None] * cols
        scale = np.max(np.abs(A), axis=0) if len(rows) else np.zeros(A.shape[1])
    all_names = ([INTERCEPT] if fit_intercept else []) + names
    scale = np.where(scale > 0, scale, 1.0)
    A = sp.csr_matrix(A @ sp.diags(1.0 / scale)) if sp.issparse(A) else A / scale
    aliased = _aliased(A)
    used = np.flatnonzero(~aliased)
    A = A[:, used]
    status = ["aliased" if a else "finite" for a in aliased]
    direction = np.where(aliased, np.nan, 0.0)
    separated, beta = separated_rows(A) if len(rows) else (np.zeros(0, dtype=bool), None)
    kind = "none"
    if separated.any():
        assert beta is not None
        kind = "complete" if separated.all() else "quasi-complete"
        signs = divergence(A, separated, beta)
        for pos, j in enumerate(used):
            status[j] = signs[pos]
        unscaled = beta / scale[used]
        direction[used] = unscaled / np.max(np.abs(unscaled)) + 0.0  # no -0.0
    return SeparationReport(
        kind=kind,
        names=tuple(all_names),
        status=tuple(status),
        separated_rows=rows[separated],
        n_rows=len(rows),
        direction=direction,
    )


def _labels(y: ArrayLike, n: int) -> Array:
    ya = np.asarray(y).ravel()
    if ya.shape != (n,):
        raise ValueError(f"y has {ya.size} labels; X has {n} rows")
    if ya.dtype == bool:
        return ya.astype(np.float64)
    values = np.unique(ya)
    if values.size > 2:
        shown = ", ".join(str(v) for v in values[:10])
        raise ValueError(f"y has {values.size} classes ({shown}); separation needs two")
    if ya.dtype.kind in "iuf" and set(values.tolist()) <= {0, 1}:
        return ya.astype(np.float64)
    if values.size < 2:
        raise ValueError(
            f"y has only the label {values.tolist()[0]!r}; with one label, pass y as 0/1 so that "
            "the positive class is known"
        )
    return (ya == values[1]).astype(np.float64)


def _aliased(A: Any) -> NDArray[np.bool_]:
    """Columns that are combinations of earlier ones (Gram-Schmidt on the Gram matrix)."""
    G = (A.T @ A).toarray() if sp.issparse(A) else A.T @ A
    k = G.shape[0]
    out = np.zeros(k, dtype=bool)
    kept: list[int] = []
    for j in range(k):
        if G[j, j] <= 0:
            out[j] = True
            continue
        if kept:
            g = G[np.ix_(kept, [j])].ravel()
            coef = np.linalg.lstsq(G[np.ix_(kept, kept)], g, rcond=None)[0]
            residual = G[j, j] - float(g @ coef)
        else:
            residual = G[j, j]
        if residual <= 1e-9 * G[j, j]:
            out[j] = True
        else:
            kept.append(j)
    return out
