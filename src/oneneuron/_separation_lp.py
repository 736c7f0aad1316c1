"""The linear programs of :func:`oneneuron.diagnostics.check_separation` (HiGHS, through
:func:`scipy.optimize.linprog`): the rows some direction separates, and the range of each
coefficient over the directions of unbounded likelihood (see that module's docstring).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy import optimize

__all__ = ["LP_TOLERANCE", "STRICT", "divergence", "separated_rows"]

Array = NDArray[np.float64]

#: LP values within this (after scaling the columns of X to max |x| = 1) count as 0.
LP_TOLERANCE = 1e-7

#: A row counts as strictly separated when its margin ``(A beta)_i`` exceeds this.
STRICT = 1e-7


def _linprog(c: Array, A_ub: Any, b_ub: Array, bounds: Any) -> Any:
    return optimize.linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")


def separated_rows(A: Any) -> tuple[NDArray[np.bool_], Array]:
    """LP 1, repeated: the rows S that some direction separates, and one such direction.

    Each round solves Konis' program restricted to the rows not yet known to be
    separable: ``max sum_{i not in S} (A beta)_i`` s.t. ``A beta >= 0``, ``-1 <= beta <= 1``
    (k variables). A positive optimum exhibits new strictly positive rows, added to S; the
    round with optimum 0 proves there are no more. The sum of the rounds' betas is
    strictly positive on all of S (the cone is closed under addition).
    """
    n, k = A.shape
    S = np.zeros(n, dtype=bool)
    direction = np.zeros(k)
    bounds = [(-1.0, 1.0)] * k
    while not S.all():
        c = -np.asarray(A[~S].sum(axis=0)).ravel()
        result = _linprog(c, -A, np.zeros(n), bounds)
        if result.status != 0:
            raise RuntimeError(f"the separation LP failed: {result.message}")
        new = (np.asarray(A @ result.x).ravel() > STRICT) & ~S
        if -result.fun <= STRICT or not new.any():
            break
        S |= new
        direction += result.x
    return S, direction


def _null_space(A: Any) -> Array:
    """An orthonormal basis (k, m) of ``{beta : A beta = 0}`` (from the Gram matrix)."""
    G = (A.T @ A).toarray() if sp.issparse(A) else A.T @ A
    values, vectors = np.linalg.eigh(G)
    top = max(float(values[-1]), 0.0) if values.size else 0.0
    return vectors[:, values <= 1e-10 * top] if top > 0 else np.eye(G.shape[0])


def divergence(A: Any, separated: NDArray[np.bool_], witness: Array) -> list[str]:
    """The range of each beta_j over ``D = {A_O beta = 0, A_S beta >= 1}``.

    D lies in the null space of the overlapping rows ``A_O``; with an orthonormal basis N
    of it, ``beta = N gamma``. A coordinate with ``N^T e_j = 0`` is constant (0) on D:
    finite. For the others, take the max-margin direction gamma* (margin ``mu``) and
    ``u = N^T e_j``: ``t gamma*/mu + eps u`` stays in D for ``|eps| <= (t - 1) / max |A_S
    N u|``, so beta_j takes both signs on D (as t grows) whenever
    ``|gamma* . u| / mu < (u . u) / max |A_S N u|``: "undetermined" without an LP. The
    rest take ``min`` and ``max`` of beta_j over D (:func:`_extreme`).
    """
    k = A.shape[1]
    N = _null_space(A[np.flatnonzero(~separated)]) if (~separated).any() else np.eye(k)
    AS = np.asarray(A[np.flatnonzero(separated)] @ N)
    gamma, margin = _max_margin(AS, N.T @ witness)
    signs = []
    for j in range(k):
        u = N[j]
        uu = float(u @ u)
        if uu <= LP_TOLERANCE**2:
            signs.append("finite")
            continue
        reach = float(np.max(np.abs(AS @ u)))
        if margin > STRICT and abs(float(u @ gamma)) / margin < uu / reach * (1 - 1e-9):
            signs.append("undetermined")
            continue
        order = np.argsort(AS @ gamma)  # rows nearest the boundary first
        low = _extreme(u, AS, order)
        if low > LP_TOLERANCE:
            signs.append("+inf")
            continue
        high = -_extreme(-u, AS, order)
        if high < -LP_TOLERANCE:
            signs.append("-inf")
        elif abs(low) <= LP_TOLERANCE and abs(high) <= LP_TOLERANCE:
            signs.append("finite")
        else:
            signs.append("undetermined")
    return signs


def _max_margin(AS: Array, start: Array) -> tuple[Array, float]:
    """``max t`` s.t. ``AS gamma >= t``, ``-1 <= gamma <= 1``, by constraint generation.

    Solved on the rows nearest the boundary of ``start`` (a direction strictly positive
    on every row), adding the rows the solution violates until it holds on all rows.
    """
    n, m = AS.shape
    rows = np.argsort(AS @ start)[: min(n, 4 * m + 64)]
    c = np.r_[np.zeros(m), -1.0]
    bounds = [(-1.0, 1.0)] * m + [(None, None)]
    while True:
        sub = AS[rows]
        result = _linprog(c, np.c_[-sub, np.ones(len(rows))], np.zeros(len(rows)), bounds)
        if result.status != 0:
            raise RuntimeError(f"the max-margin LP failed: {result.message}")
        gamma, top = result.x[:m], -result.fun
        margins = AS @ gamma
        missing = np.setdiff1d(np.flatnonzero(margins < top - LP_TOLERANCE), rows)
        if not missing.size:
            return gamma, float(margins.min())
        rows = np.union1d(rows, missing[np.argsort(margins[missing])][: 4 * m + 64])


def _extreme(u: Array, AS: Array, order: NDArray[np.intp]) -> float:
    """``max(min u . gamma, -1)`` s.t. ``AS gamma >= 1`` (the clip keeps it bounded).

    Constraint generation: solved on the rows in ``order``'s first chunk; more rows only
    raise the minimum, so a subproblem minimum above the tolerance is already the answer's
    sign; otherwise rows violated by the subproblem's solution are added until none is.
    """
    n, m = AS.shape
    rows = order[: min(n, 4 * m + 64)]
    bounds = [(None, None)] * m
    while True:
        sub = AS[rows]
        A_ub = np.vstack([-sub, -u[None, :]])
        b_ub = np.r_[-np.ones(len(rows)), 1.0]  # u . gamma >= -1
        result = _linprog(u, A_ub, b_ub, bounds)
        if result.status == 2:  # D is not empty: only the clip cuts it off, min < -1
            return -1.0
        if result.status != 0:
            raise RuntimeError(f"the divergence LP failed: {result.message}")
        if result.fun > LP_TOLERANCE:
            return float(result.fun)
        margins = AS @ result.x
        missing = np.setdiff1d(np.flatnonzero(margins < 1 - LP_TOLERANCE), rows)
        if not missing.size:
            return float(result.fun)
        rows = np.union1d(rows, missing[np.argsort(margins[missing])][: 4 * m + 64])
