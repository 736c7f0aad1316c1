"""Loading a labelled table from CSV/TSV or Parquet into a `Dataset`, with clear errors.

The file is read by :mod:`._table_reader`; here its columns are checked and become the
features X and the labels y.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ._base import Dataset
from ._table_reader import read_table

__all__ = ["load_table", "table_dataset"]

_SCALE_RATIO = 10.0  # feature ranges differing more than this -> needs_scaling


def _needs_scaling(X: NDArray[np.float64]) -> bool:
    """True when the columns' ranges differ by more than a factor ``_SCALE_RATIO``."""
    if X.shape[0] == 0:
        return False
    with np.errstate(over="ignore"):  # a range beyond float64 (1e308 - -1e308) is inf
        ranges = np.ptp(X, axis=0)
    ranges = ranges[ranges > 0]
    return bool(ranges.size > 1 and ranges.max() > _SCALE_RATIO * ranges.min())


def load_table(
    path: str | os.PathLike[str],
    target: str,
    *,
    features: Sequence[str] | None = None,
    max_labels: int | None = None,
) -> Dataset:
    """Load a labelled table (CSV/TSV, optionally gzipped, or Parquet) into a Dataset.

    The format is chosen by extension: ``.csv``, ``.csv.gz``, ``.tsv``, ``.tsv.gz``
    (pandas) or ``.parquet``, ``.pq`` (pandas with pyarrow).

    Parameters
    ----------
    path : str or path-like
        The table file.
    target : str
        Name of the label column. Its values are kept as they are (ints, strings, bools);
        any number of distinct labels up to ``MAX_CLASSES`` (see ``max_labels``).
    features : sequence of str, optional
        Feature columns, in order. Default: every column except ``target``.
    max_labels : int or None, default=None
        The most distinct labels allowed; None for as many as a classifier takes
        (``MAX_CLASSES``, K classes).

    Returns
    -------
    Dataset
        ``X`` of shape (n_rows, n_features) float64, ``y`` of shape (n_rows,) with the
        column's values, ``target_names`` the sorted distinct labels as strings,
        ``needs_scaling`` True when the feature ranges differ by more than 10x.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unsupported extension, an empty table, a missing target or feature column,
        a non-numeric feature column, missing or infinite feature values, missing target
        values, or more than ``max_labels`` distinct labels. The message names the column(s).
    """
    path = Path(path)
    return table_dataset(
        read_table(path),
        target,
        features=features,
        max_labels=max_labels,
        source=str(path),
        name=path.name,
        description=f"Table {path} with target column {target!r}.",
    )


def table_dataset(
    frame: pd.DataFrame,
    target: str,
    *,
    features: Sequence[str] | None = None,
    max_labels: int | None = None,
    source: str = "table",
    name: str = "table",
    description: str = "",
) -> Dataset:
    """A labelled table already in memory (from :func:`read_table`) as a Dataset.

    The checks and errors of :func:`load_table`, which calls it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, with string column names.
    target : str
        Name of the label column.
    features : sequence of str, optional
        Feature columns, in order. Default: every column except ``target``.
    max_labels : int or None, default=None
        The most distinct labels allowed; None for as many as a classifier takes
        (``MAX_CLASSES``, K classes).
    source : str, default="table"
        What the error messages name (a path, an upload's file name).
    name, description : str
        The Dataset's name and description.

    Returns
    -------
    Dataset
    """
    columns = list(frame.columns)
    if target not in columns:
        raise ValueError(
            f"{source}: target column {target!r} not found; available columns: {columns}"
        )
    if features is None:
        feature_cols = [c for c in columns if c != target]
    else:
        feature_cols = [str(c) for c in features]
        missing = [c for c in feature_cols if c not in columns]
        if missing:
            raise ValueError(
                f"{source}: feature column(s) {missing} not found; available columns: {columns}"
            )
        if target in feature_cols:
            raise ValueError(f"{source}: target column {target!r} is also listed as a feature")
        if len(set(feature_cols)) != len(feature_cols):
            raise ValueError(f"{source}: duplicate feature columns in {feature_cols}")
    if not feature_cols:
        raise ValueError(f"{source}: no feature columns (only the target {target!r})")
    if len(frame) == 0:
        raise ValueError(f"{source}: the table is empty (header only, no rows)")

    non_numeric = [
        f"{c!r} ({frame[c].dtype})"
        for c in feature_cols
        if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise ValueError(
            f"{source}: feature column(s) must be numeric: {', '.join(non_numeric)}; "
            "encode or drop them, or pass features=[...]"
        )
    n_missing = frame[feature_cols].isna().sum()
    bad = {c: int(k) for c, k in n_missing.items() if k > 0}
    if bad:
        detail = ", ".join(f"{c!r}: {k}" for c, k in bad.items())
        raise ValueError(f"{source}: missing (NaN) values in feature column(s) {detail}")
    X = frame[feature_cols].to_numpy(dtype=np.float64)
    n_inf = (~np.isfinite(X)).sum(axis=0)
    if n_inf.any():
        detail = ", ".join(
            f"{c!r}: {int(k)}" for c, k in zip(feature_cols, n_inf, strict=True) if k > 0
        )
        raise ValueError(f"{source}: infinite values in feature column(s) {detail}")

    y_col = frame[target]
    n_missing_y = int(y_col.isna().sum())
    if n_missing_y:
        raise ValueError(f"{source}: target column {target!r} has {n_missing_y} missing value(s)")
    y = y_col.to_numpy()
    if y.dtype == object and all(isinstance(v, str) for v in y):
        y = y.astype(str)  # same values, a fixed-width string array instead of objects
    try:
        labels = np.unique(y)
    except TypeError as exc:
        raise ValueError(
            f"{source}: target column {target!r} mixes labels of different types"
        ) from exc
    from .._labels import MAX_CLASSES

    limit = MAX_CLASSES if max_labels is None else min(max_labels, MAX_CLASSES)
    if len(labels) > limit:  # K >= 3 classes are a multinomial model
        shown = [str(v) for v in labels[:5]]
        more = " ..." if len(labels) > 5 else ""
        what = "binary classification needs two" if limit == 2 else f"at most {limit} here"
        raise ValueError(
            f"{source}: target column {target!r} has {len(labels)} distinct labels "
            f"{shown}{more}; {what}"
        )
    return Dataset(
        X=X,
        y=y,
        feature_names=feature_cols,
        target_names=[str(v) for v in labels],
        name=name,
        description=description or f"Table {source} with target column {target!r}.",
        needs_scaling=_needs_scaling(X),
    )
