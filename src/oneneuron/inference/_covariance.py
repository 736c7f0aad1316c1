"""Covariance matrices of the estimate: model-based and sandwich (HC0, HC1, cluster).

With the bread ``B = H^-1``, H the (penalised) information at the estimate, and the
per-observation scores ``g_i = s_i (y_i - p_i) x~_i``::

    nonrobust  V = B
    HC0        V = B M B,               M = sum_i s_i (y_i - p_i)^2 x~_i x~_i^T
    HC1        V = N / (N - k) B M B    N = sum_i s_i
    cluster    V = c B M_c B,           M_c = sum_g u_g u_g^T,  u_g = sum_{i in g} g_i,
                                        c = G / (G - 1) (N - 1) / (N - k)

Weights are frequency weights: row i stands for s_i identical observations, so HC0 and
HC1 are those of the data with every row repeated s_i times (the meat has ``s_i``, not
``s_i^2``), and N counts observations, not rows. Clusters are unaffected by that choice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg

from ._design import Design

__all__ = ["COV_TYPES", "SingularInformationError", "invert_information", "sandwich"]

Array = NDArray[np.float64]

#: The covariance types and what they are.
COV_TYPES = {
    "nonrobust": "inverse information",
    "HC0": "sandwich (HC0)",
    "HC1": "sandwich (HC1, N/(N-k))",
    "cluster": "cluster-robust sandwich",
}

#: Eigenvalues of the scaled information below this fraction of the largest are zero.
RANK_TOLERANCE = 1e-12


class SingularInformationError(ValueError):
    """The information matrix is singular; the message names the collinear parameters."""


def invert_information(H: Array, names: list[str]) -> Array:
    """``H^-1`` for the information H, or SingularInformationError naming the culprits.

    H is scaled to unit diagonal before it is checked and inverted, so the test does not
    depend on the units of the features.
    """
    diag = np.diag(H).copy()
    huge = [names[j] for j in np.flatnonzero(~np.isfinite(diag))]
    if huge:
        raise ValueError(
            f"the information matrix overflows for {_join(huge)}: "
            f"{'its values are' if len(huge) == 1 else 'their values are'} too large for "
            "float64 squares (beyond about 1e150); rescale "
            f"{'it' if len(huge) == 1 else 'them'} (for example to other units) and refit"
        )
    zero = [names[j] for j in np.flatnonzero(~(diag > 0))]
    if zero:
        raise SingularInformationError(
            f"the information matrix is singular: {_join(zero)} "
            f"{'is' if len(zero) == 1 else 'are'} 0 in every row with positive weight "
            "(or every such row has p(1 - p) = 0), so the coefficient is not identified; "
            "drop the column"
        )
    with np.errstate(over="ignore"):
        inv_sqrt = 1.0 / np.sqrt(diag)
        C = H * np.outer(inv_sqrt, inv_sqrt)
    if not np.all(np.isfinite(C)):
        raise ValueError(
            "the information matrix is too close to 0 for float64 (sample weights or "
            "columns near the smallest floats, about 1e-150 or below); rescale them and refit"
        )
    values, vectors = linalg.eigh(C)
    if values[0] <= RANK_TOLERANCE * values[-1]:
        raise SingularInformationError(_collinearity_message(values, vectors, inv_sqrt, names))
    Cinv = (vectors / values) @ vectors.T
    V = Cinv * np.outer(inv_sqrt, inv_sqrt)
    return (V + V.T) / 2


def _collinearity_message(values: Array, vectors: Array, inv_sqrt: Array, names: list[str]) -> str:
    relations, involved = [], []
    order = sorted(range(len(names)), key=lambda i: (names[i] != "intercept", i))
    for j in np.flatnonzero(values <= RANK_TOLERANCE * values[-1]):
        v = vectors[:, j] * inv_sqrt  # a null direction in the original units
        v = v / v[np.argmax(np.abs(v))]
        terms = [i for i in order if abs(v[i]) >= 1e-6]
        involved += [names[i] for i in terms if names[i] not in involved]
        relation = " ".join(f"{v[i]:+.4g}*{names[i]}" for i in terms)
        relations.append(relation.lstrip("+") + " = 0")
    return (
        f"the information matrix is singular: {_join(involved)} are collinear "
        f"({'; '.join(relations)}, up to rounding; intercept is the column of ones), so "
        "their coefficients are not identified; drop one of them. If they are not "
        "collinear, the weights p(1 - p) have vanished: the data may be separated (see "
        "oneneuron.diagnostics.check_separation)"
    )


def _join(names: list[str]) -> str:
    return ", ".join(names)


def sandwich(
    design: Design,
    resid: Array,
    sample_weight: Array | None,
    bread: Array,
    cov_type: str,
    groups: ArrayLike | None = None,
) -> tuple[Array, int | None]:
    """The sandwich covariance of ``cov_type`` (HC0, HC1 or cluster) and the cluster count.

    Parameters
    ----------
    design : Design
    resid : ndarray of shape (n,)
        ``y - p`` at the estimate.
    sample_weight : ndarray of shape (n,) or None
    bread : ndarray of shape (k, k)
        ``H^-1``.
    cov_type : {"HC0", "HC1", "cluster"}
    groups : array-like of shape (n,), for "cluster"

    Returns
    -------
    V : ndarray of shape (k, k)
    n_groups : int or None
    """
    s = np.ones(design.n) if sample_weight is None else sample_weight
    N = float(s.sum())
    k = design.k
    n_groups = None
    if cov_type in ("HC0", "HC1"):
        meat = design.gram(s * resid**2)
        factor = 1.0 if cov_type == "HC0" else _ratio(N, N - k, cov_type)
    else:  # cluster
        if groups is None:
            raise ValueError("cov_type='cluster' needs groups: one cluster label per row of X")
        labels = np.asarray(groups).ravel()
        if labels.shape != (design.n,):
            raise ValueError(f"groups has {labels.size} labels; X has {design.n} rows")
        _, codes = np.unique(labels, return_inverse=True)
        n_groups = int(codes.max()) + 1 if codes.size else 0
        if n_groups < 2:
            raise ValueError(f"cov_type='cluster' needs at least 2 groups; got {n_groups}")
        scores = design.group_sums(s * resid, codes.astype(np.intp), n_groups)
        meat = scores.T @ scores
        factor = n_groups / (n_groups - 1) * _ratio(N - 1, N - k, cov_type)
    V = factor * (bread @ meat @ bread)
    return (V + V.T) / 2, n_groups


def _ratio(num: float, den: float, cov_type: str) -> float:
    if den <= 0:
        raise ValueError(
            f"cov_type={cov_type!r} needs more observations than parameters "
            f"(N - k = {den:g}); use 'HC0'"
        )
    return num / den
