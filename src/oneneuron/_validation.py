"""Input checks that name the problem: which column holds a NaN, which labels are wrong.

Built on scikit-learn's validation (so the estimator passes its API checks) with the
messages made specific.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import train_test_split

from ._labels import check_labels, encode_binary_labels, encode_labels
from ._messages import plain

__all__ = [
    "as_generator",
    "check_finite",
    "check_finite_sparse",
    "check_integer",
    "check_number",
    "check_numeric",
    "check_labels",
    "check_sample_weight",
    "encode_binary_labels",
    "encode_labels",
    "holdout_split",
]

Array = NDArray[np.floating]


def check_numeric(X: Any, name: str = "X") -> None:
    """Raise ValueError naming the first non-numeric column of a DataFrame or array."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        for column, dtype in dtypes.items():
            if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype)):
                raise ValueError(
                    f"{name} column {column!r} is not numeric (dtype {dtype}); encode it "
                    "as numbers or drop it"
                )
        return
    kind = getattr(getattr(X, "dtype", None), "kind", None)
    if kind in ("U", "S"):
        try:
            np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} holds non-numeric values (dtype {X.dtype}); features must be numbers"
            ) from None


def check_finite(X: NDArray[Any], name: str = "X") -> None:
    """Raise ValueError naming the first column with NaN or infinity.

    The message says "NaN" or "inf" and gives the column (and its first bad row).
    """
    if X.dtype.kind not in "fc" or X.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):  # huge finite values may overflow
        if np.isfinite(X.sum(axis=0)).all():  # one cheap pass in the common case
            return
    bad = ~np.isfinite(X)
    cols = np.flatnonzero(bad.any(axis=0))
    if not len(cols):  # finite values whose sum overflowed
        return
    col = int(cols[0])
    row = int(np.flatnonzero(bad[:, col])[0])
    value = X[row, col]
    kind = "NaN" if np.isnan(value) else "inf"
    more = f" (and {len(cols) - 1} more columns)" if len(cols) > 1 else ""
    raise ValueError(
        f"{name} contains {kind} in column {col} (first at row {row}){more}; "
        "remove or impute missing and infinite values"
    )


def check_finite_sparse(X: Any, name: str = "X") -> None:
    """:func:`check_finite` for a scipy.sparse CSR or CSC matrix: its stored values.

    Names the column and row of the first non-finite stored value (in row order).
    """
    data = X.data
    if data.dtype.kind not in "fc" or data.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(data.sum()):
            return
    bad = np.flatnonzero(~np.isfinite(data))
    if not len(bad):  # finite values whose sum overflowed
        return
    # positions -> (row, column); CSR stores rows, CSC columns, along indptr
    outer = np.searchsorted(X.indptr, bad, side="right") - 1
    inner = X.indices[bad]
    rows, cols = (outer, inner) if X.format == "csr" else (inner, outer)
    first = int(np.lexsort((rows, cols))[0])  # the lowest column, then row
    col, row = int(cols[first]), int(rows[first])
    value = data[bad[first]]
    kind = "NaN" if np.isnan(value) else "inf"
    n_cols = len(np.unique(cols))
    more = f" (and {n_cols - 1} more columns)" if n_cols > 1 else ""
    raise ValueError(
        f"{name} contains {kind} in column {col} (first at row {row}){more}; "
        "remove or impute missing and infinite values"
    )


def check_sample_weight(sample_weight: Any, n_samples: int) -> NDArray[np.float64]:
    """Validate sample weights: shape (n,), finite, non-negative, not all zero."""
    sw = np.asarray(sample_weight, dtype=np.float64)
    if sw.ndim == 0:
        sw = np.full(n_samples, float(sw))
    if sw.shape != (n_samples,):
        raise ValueError(
            f"sample_weight has shape {sw.shape}; expected ({n_samples},), one per sample"
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError(
            f"sample_weight contains NaN or inf at index {np.flatnonzero(~np.isfinite(sw))[0]}"
        )
    if np.any(sw < 0):
        raise ValueError(
            f"sample_weight must be non-negative; index {np.flatnonzero(sw < 0)[0]} is "
            f"{plain(sw[sw < 0][0])}"
        )
    if not np.any(sw > 0):
        raise ValueError("sample_weight is zero for every sample; nothing to learn from")
    return sw


def holdout_split(
    X: Array, y01: Array, sw: Array | None, fraction: float, rng: np.random.Generator
) -> tuple[Array, Array, Array, Array, Array | None]:
    """Split off a stratified validation set for early stopping."""
    idx = np.arange(len(y01))
    seed = int(rng.integers(2**31))
    try:
        tr, va = train_test_split(idx, test_size=fraction, stratify=y01, random_state=seed)
    except ValueError as exc:
        raise ValueError(
            f"early_stopping cannot hold out validation_fraction={fraction} of "
            f"{len(y01)} samples with every class: {exc}"
        ) from None
    tr, va = np.sort(tr), np.sort(va)
    return X[tr], X[va], y01[tr], y01[va], None if sw is None else sw[tr]


def as_generator(random_state: Any) -> np.random.Generator:
    """The one Generator a fit draws from: from a seed, a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31))
    if random_state is None or isinstance(random_state, numbers.Integral):
        return np.random.default_rng(None if random_state is None else int(random_state))
    raise ValueError(
        "random_state must be None, an integer >= 0, a numpy Generator or RandomState; "
        f"got {plain(random_state)}"
    )


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    strict: bool = False,
    high_open: bool = False,
) -> None:
    """Raise ValueError unless ``value`` is a finite real number in the given range."""
    ok = type(value) in (float, int) or (  # plain numbers first: fit checks ~20 of them
        isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    )
    try:
        ok = ok and math.isfinite(float(value))
    except OverflowError:  # an int beyond float64, such as 10**400
        ok = False
    if ok and low is not None:
        ok = value > low if strict else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = "" if low is None else ("> " if strict else ">= ") + f"{low:g}"
        hi = "" if high is None else ("< " if high_open else "<= ") + f"{high:g}"
        rng = " and ".join(s for s in (lo, hi) if s)
        raise ValueError(f"{name} must be a finite number {rng}; got {plain(value)}")


def check_integer(name: str, value: Any, *, low: int, high: int | None = None) -> None:
    """Raise ValueError unless ``value`` is an integer in ``[low, high]``."""
    ok = type(value) is int or (
        isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    )
    ok = ok and low <= value and (high is None or value <= high)
    if not ok:
        top = "" if high is None else f" and <= {_integer(high)}"
        raise ValueError(f"{name} must be an integer >= {low}{top}; got {plain(value)}")


def _integer(value: int) -> str:
    """``2**63 - 1`` for such a bound, else the number."""
    k = (value + 1).bit_length() - 1
    return f"2**{k} - 1" if k > 20 and value + 1 == 2**k else str(value)
