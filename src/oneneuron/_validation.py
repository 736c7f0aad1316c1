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
from sklearn.utils.multiclass import type_of_target

__all__ = [
    "as_generator",
    "check_finite",
    "check_finite_sparse",
    "check_integer",
    "check_number",
    "check_numeric",
    "check_sample_weight",
    "encode_binary_labels",
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


def encode_binary_labels(
    y: NDArray[Any], classes: NDArray[Any] | None = None
) -> tuple[NDArray[Any], NDArray[np.floating]]:
    """Map any two labels onto {0, 1}.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Labels: ints, strings, bools, floats with two distinct values.
    classes : ndarray of shape (2,), optional
        Known classes (from an earlier fit); labels outside them are an error.

    Returns
    -------
    classes : ndarray of shape (2,)
        Sorted; ``classes[1]`` is the positive class (label 1).
    y01 : ndarray of shape (n,)
        1.0 where ``y == classes[1]``.
    """
    found = _two_numeric_labels(y)
    if found is not None:  # the common case, without sorting or hashing n labels
        return _encoded(y, found, classes)
    kind = type_of_target(y, input_name="y")
    found = np.unique(y)
    if kind == "continuous" and len(found) <= 2:
        kind = "binary"  # two float labels such as 2.5 and 7.0 name two classes
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {kind!r}; a classifier needs discrete labels "
            "(two distinct values)"
        )
    if classes is None:
        if len(found) < 2:
            raise ValueError(
                f"y has only 1 class ({found[0]!r}); training needs samples of both classes"
            )
        if len(found) > 2:
            shown = ", ".join(repr(c) for c in found[:10])
            raise ValueError(
                f"Only binary classification is supported. y has {len(found)} classes "
                f"({shown}); one neuron separates exactly two"
            )
    return _encoded(y, found, classes)


def _two_numeric_labels(y: NDArray[Any]) -> NDArray[Any] | None:
    """The sorted distinct labels of a numeric y holding exactly two values, else None.

    Two O(n) reductions and one comparison pass; anything else (strings, NaN, one or
    more than two values) returns None and goes through the general path, which also
    words the errors.
    """
    if y.ndim != 1 or y.size == 0 or y.dtype.kind not in "biuf":
        return None
    lo, hi = y.min(), y.max()
    if lo == hi or not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    if np.count_nonzero(y == lo) + np.count_nonzero(y == hi) != y.size:
        return None
    return np.array([lo, hi], dtype=y.dtype)


def _encoded(
    y: NDArray[Any], found: NDArray[Any], classes: NDArray[Any] | None
) -> tuple[NDArray[Any], NDArray[np.floating]]:
    if classes is None:
        classes = found
    else:
        unknown = np.setdiff1d(found, classes)
        if len(unknown):
            raise ValueError(
                f"y has labels {unknown.tolist()!r} that are not among the classes "
                f"{classes.tolist()!r} this model was trained on"
            )
    return classes, (y == classes[1]).astype(np.float64)


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
            f"{sw[sw < 0][0]!r}"
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
            f"{len(y01)} samples with both classes: {exc}"
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
        f"random_state must be None, an int, a numpy Generator or RandomState; got {random_state!r}"
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
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and math.isfinite(float(value))
    if ok and low is not None:
        ok = value > low if strict else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = "" if low is None else ("> " if strict else ">= ") + f"{low:g}"
        hi = "" if high is None else ("< " if high_open else "<= ") + f"{high:g}"
        rng = " and ".join(s for s in (lo, hi) if s)
        raise ValueError(f"{name} must be a finite number {rng}; got {value!r}")


def check_integer(name: str, value: Any, *, low: int) -> None:
    """Raise ValueError unless ``value`` is an integer >= ``low``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
