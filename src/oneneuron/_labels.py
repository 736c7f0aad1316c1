"""Labels: checked for what a classifier cannot take, then mapped onto {0, 1} (two
classes) or onto class codes 0..K-1 (K >= 3 classes, the multinomial model).

Missing labels (None, NaN, pandas' NA), labels of mixed types (numbers and strings) and
values that are not labels at all (lists, dicts) are a ValueError that names the first
offender and its index; object arrays of numbers or of strings are made plain arrays.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.multiclass import type_of_target

from ._messages import listing, plain

__all__ = ["MAX_CLASSES", "check_labels", "encode_binary_labels", "encode_labels"]

#: The most classes a model may have (the multinomial model has K rows of weights; the
#: model file refuses more too: one JSON array per row, within its 10,000 containers).
MAX_CLASSES = 8192


def check_labels(y: Any, name: str = "y") -> NDArray[Any]:
    """``y`` as a 1-D array of labels of one kind (numbers, or strings), or ValueError.

    Parameters
    ----------
    y : array-like of shape (n,)
    name : str
        What the labels are called in messages.

    Returns
    -------
    ndarray of shape (n,)
        Numeric or string dtype; an object array is converted (numbers to their common
        numeric dtype, strings to a string dtype).
    """
    values = getattr(y, "to_numpy", None)
    arr = np.asarray(values(dtype=object) if callable(values) and _has_na(y) else y)
    if arr.dtype.kind == "f":
        bad = np.flatnonzero(np.isnan(arr))
        if bad.size:
            raise ValueError(_missing(name, int(bad[0]), "NaN"))
        return arr
    if arr.dtype.kind != "O":
        return arr
    kinds: dict[str, int] = {}
    na = _pandas_na()
    for i, v in enumerate(arr.ravel().tolist()):
        kind = _kind(v, na)
        if kind == "missing":
            raise ValueError(_missing(name, i, plain(v)))
        if kind == "other":
            raise ValueError(
                f"{name} holds {plain(v)} (a {type(v).__name__}) at index {i}; labels must "
                "be numbers, strings or booleans"
            )
        kinds.setdefault(kind, i)
    if len(kinds) > 1:
        (a, i), (b, j) = sorted(kinds.items(), key=lambda item: item[1])[:2]
        raise ValueError(
            f"{name} mixes label types: {a} (first at index {i}) and {b} (first at index "
            f"{j}); convert the labels to one type"
        )
    if "string" in kinds:
        return arr.astype(str)
    return np.array(arr.tolist())


def _has_na(y: Any) -> bool:
    try:
        return bool(y.isna().any())
    except (AttributeError, TypeError, ValueError):
        return False


def _kind(v: Any, na: Any) -> str:
    """What kind of label ``v`` is: missing, boolean, number, string or other."""
    if v is None or v is na or (isinstance(v, numbers.Real) and v != v):
        return "missing"
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    if isinstance(v, numbers.Real):
        return "number"
    if isinstance(v, str):
        return "string"
    if type(v).__name__ in ("NaTType", "NAType"):
        return "missing"
    return "other"


def _pandas_na() -> Any:
    """pandas' NA singleton (a fresh object, equal to nothing, without pandas)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return object()
    return pd.NA


def _missing(name: str, index: int, what: str) -> str:
    return (
        f"{name} has a missing label ({what}) at index {index}; every sample needs one of "
        "the two labels: drop or label those samples"
    )


def encode_binary_labels(
    y: NDArray[Any], classes: NDArray[Any] | None = None, name: str = "y"
) -> tuple[NDArray[Any], NDArray[np.floating]]:
    """Map any two labels onto {0, 1}.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Labels: ints, strings, bools, floats with two distinct values.
    classes : ndarray of shape (2,), optional
        Known classes (from an earlier fit); labels outside them are an error.
    name : str
        What the labels are called in messages (``"y"``, ``"eval_set y"``).

    Returns
    -------
    classes : ndarray of shape (2,)
        Sorted; ``classes[1]`` is the positive class (label 1).
    y01 : ndarray of shape (n,)
        1.0 where ``y == classes[1]``.
    """
    found = _two_numeric_labels(y)
    if found is not None:  # the common case, without sorting or hashing n labels
        return _encoded(y, found, classes, name)
    y = check_labels(y, name)
    kind = type_of_target(y, input_name=name)
    found = np.unique(y)
    if kind == "continuous" and len(found) <= 2:
        kind = "binary"  # two float labels such as 2.5 and 7.0 name two classes
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {kind!r}; a classifier needs discrete labels "
            f"(two distinct values) in {name}"
        )
    if classes is None:
        if len(found) < 2:
            raise ValueError(
                f"{name} has only 1 class ({plain(found[0])}); training needs samples of "
                "both classes"
            )
        if len(found) > 2:
            raise ValueError(
                f"Only binary classification is supported. {name} has {len(found)} classes "
                f"{listing(found)}; one neuron separates exactly two"
            )
    return _encoded(y, found, classes, name)


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
    y: NDArray[Any], found: NDArray[Any], classes: NDArray[Any] | None, name: str
) -> tuple[NDArray[Any], NDArray[np.floating]]:
    if classes is None:
        classes = found
    else:
        try:
            unknown = np.setdiff1d(found, classes)
        except TypeError:  # labels of another type than the classes (str and int)
            unknown = np.asarray([v for v in found.tolist() if v not in classes.tolist()])
        if len(unknown):
            raise ValueError(
                f"{name} has labels {listing(unknown)} that are not among the classes "
                f"{listing(classes)} this model was trained on"
            )
    return classes, (y == classes[1]).astype(np.float64)


def encode_labels(
    y: NDArray[Any], classes: NDArray[Any] | None = None, name: str = "y"
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Map any K >= 2 labels onto what the loss reads.

    Two classes give exactly :func:`encode_binary_labels` (``y01`` in {0., 1.}); K >= 3
    classes give class codes (intp, ``classes[code] == label``), ``classes`` sorted as
    ``np.unique`` sorts them (scikit-learn's order).

    Parameters
    ----------
    y : ndarray of shape (n,)
    classes : ndarray of shape (K,), optional
        Known classes (from an earlier fit, or ``partial_fit``'s ``classes``); labels
        outside them are an error.
    name : str

    Returns
    -------
    classes : ndarray of shape (K,)
    encoded : ndarray of shape (n,)
    """
    if classes is None:
        found2 = _two_numeric_labels(y)
        if found2 is not None:  # the common case, read once (encode_binary_labels would again)
            return _encoded(y, found2, None, name)
    elif len(classes) == 2:
        return encode_binary_labels(y, classes, name)
    y = check_labels(y, name)
    found = np.unique(y)
    if classes is None:
        kind = type_of_target(y, input_name=name)
        if kind == "continuous" and len(found) <= 2:
            kind = "binary"
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"Unknown label type: {kind!r}; a classifier needs discrete labels "
                f"(two or more distinct values) in {name}"
            )
        if len(found) < 3:
            return encode_binary_labels(y, None, name)
        if len(found) > MAX_CLASSES:
            raise ValueError(
                f"{name} has {len(found)} classes; at most {MAX_CLASSES} are supported"
            )
        classes = found
    _encoded(y, found, classes, name)  # labels outside the classes: the same error
    codes = np.searchsorted(classes, y).astype(np.intp)
    return classes, codes
