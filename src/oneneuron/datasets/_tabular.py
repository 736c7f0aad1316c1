"""Loading a labelled table from CSV/TSV or Parquet into a `Dataset`, with clear errors."""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._files import capped_stream
from ._base import Dataset

__all__ = ["MAX_TABLE_BYTES", "SUPPORTED_TABLE_EXTENSIONS", "load_table", "read_table"]

_CSV_EXTENSIONS = {".csv": ",", ".csv.gz": ",", ".tsv": "\t", ".tsv.gz": "\t"}
_PARQUET_EXTENSIONS = (".parquet", ".pq")
SUPPORTED_TABLE_EXTENSIONS: tuple[str, ...] = (*_CSV_EXTENSIONS, *_PARQUET_EXTENSIONS)
_SCALE_RATIO = 10.0  # feature ranges differing more than this -> needs_scaling


#: Most bytes a table read whole may inflate to (a gzip CSV, a compressed Parquet file): a
#: decompression bomb stops here with an error instead of filling memory.
MAX_TABLE_BYTES = 4 * 2**30
_GZIP_MAGIC = b"\x1f\x8b"


def read_table(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> pd.DataFrame:
    """A CSV/TSV (plain or gzipped) or Parquet table as a DataFrame with string column names.

    The format comes from the extension; a gzipped CSV is also recognised by its first
    bytes. At most ``max_bytes`` (default :data:`MAX_TABLE_BYTES`) are inflated. Every
    failure (missing file, unknown extension, empty table, bad gzip, text that is not
    UTF-8, malformed CSV or Parquet, over the cap) is an error that names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    cap = MAX_TABLE_BYTES if max_bytes is None else int(max_bytes)
    name = path.name.lower()
    if name.endswith(_PARQUET_EXTENSIONS):
        frame = _read_parquet(path, cap)
    else:
        seps = [sep for ext, sep in _CSV_EXTENSIONS.items() if name.endswith(ext)]
        if not seps:
            raise ValueError(
                f"{path}: unsupported file extension; supported: "
                f"{', '.join(SUPPORTED_TABLE_EXTENSIONS)}"
            )
        frame = _read_csv(path, seps[0], cap)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return frame


def _read_csv(path: Path, sep: str, cap: int) -> pd.DataFrame:
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    if path.name.lower().endswith(".gz") and not gzipped:
        raise ValueError(f"{path}: not a gzip file (the name ends in .gz)")
    try:
        with contextlib.ExitStack() as stack:
            stream: Any = stack.enter_context(open(path, "rb"))
            if gzipped:
                stream = capped_stream(
                    gzip.GzipFile(fileobj=stream),
                    cap,
                    f"{path}: inflates to more than {cap:,} bytes; refusing to read it whole",
                )
                stack.callback(stream.close)
            return pd.read_csv(stream, sep=sep, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: the table is empty (no columns)") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} near byte "
            f"{exc.start} of a chunk); save the table as UTF-8"
        ) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())
        raise ValueError(f"{path}: cannot be read as a table: {detail}") from None


def _read_parquet(path: Path, cap: int) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        hint = "pip install 'oneneuron[parquet]'"
        raise ImportError(f"reading Parquet needs pyarrow: {hint}") from None
    try:
        meta = pq.ParquetFile(path).metadata
        inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow's ArrowInvalid, OSError, ...
        raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
    if inflated > cap:
        raise ValueError(
            f"{path}: holds {inflated:,} bytes uncompressed, more than {cap:,}; "
            "refusing to read it whole"
        )
    try:
        return pq.read_table(path).to_pandas()
    except Exception as exc:
        raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None


def _needs_scaling(X: NDArray[np.float64]) -> bool:
    """True when the columns' ranges differ by more than a factor ``_SCALE_RATIO``."""
    if X.shape[0] == 0:
        return False
    ranges = np.ptp(X, axis=0)
    ranges = ranges[ranges > 0]
    return bool(ranges.size > 1 and ranges.max() > _SCALE_RATIO * ranges.min())


def load_table(
    path: str | os.PathLike[str],
    target: str,
    *,
    features: Sequence[str] | None = None,
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
        at most two distinct labels are allowed.
    features : sequence of str, optional
        Feature columns, in order. Default: every column except ``target``.

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
        values, or more than two distinct labels. The message names the column(s).
    """
    path = Path(path)
    frame = read_table(path)
    columns = list(frame.columns)
    if target not in columns:
        raise ValueError(
            f"{path}: target column {target!r} not found; available columns: {columns}"
        )
    if features is None:
        feature_cols = [c for c in columns if c != target]
    else:
        feature_cols = [str(c) for c in features]
        missing = [c for c in feature_cols if c not in columns]
        if missing:
            raise ValueError(
                f"{path}: feature column(s) {missing} not found; available columns: {columns}"
            )
        if target in feature_cols:
            raise ValueError(f"{path}: target column {target!r} is also listed as a feature")
        if len(set(feature_cols)) != len(feature_cols):
            raise ValueError(f"{path}: duplicate feature columns in {feature_cols}")
    if not feature_cols:
        raise ValueError(f"{path}: no feature columns (only the target {target!r})")
    if len(frame) == 0:
        raise ValueError(f"{path}: the table is empty (header only, no rows)")

    non_numeric = [
        f"{c!r} ({frame[c].dtype})"
        for c in feature_cols
        if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise ValueError(
            f"{path}: feature column(s) must be numeric: {', '.join(non_numeric)}; "
            "encode or drop them, or pass features=[...]"
        )
    n_missing = frame[feature_cols].isna().sum()
    bad = {c: int(k) for c, k in n_missing.items() if k > 0}
    if bad:
        detail = ", ".join(f"{c!r}: {k}" for c, k in bad.items())
        raise ValueError(f"{path}: missing (NaN) values in feature column(s) {detail}")
    X = frame[feature_cols].to_numpy(dtype=np.float64)
    n_inf = (~np.isfinite(X)).sum(axis=0)
    if n_inf.any():
        detail = ", ".join(
            f"{c!r}: {int(k)}" for c, k in zip(feature_cols, n_inf, strict=True) if k > 0
        )
        raise ValueError(f"{path}: infinite values in feature column(s) {detail}")

    y_col = frame[target]
    n_missing_y = int(y_col.isna().sum())
    if n_missing_y:
        raise ValueError(f"{path}: target column {target!r} has {n_missing_y} missing value(s)")
    y = y_col.to_numpy()
    if y.dtype == object and all(isinstance(v, str) for v in y):
        y = y.astype(str)  # same values, a fixed-width string array instead of objects
    try:
        labels = np.unique(y)
    except TypeError as exc:
        raise ValueError(
            f"{path}: target column {target!r} mixes labels of different types"
        ) from exc
    if len(labels) > 2:
        shown = [str(v) for v in labels[:5]]
        raise ValueError(
            f"{path}: target column {target!r} has {len(labels)} distinct labels "
            f"{shown}{' ...' if len(labels) > 5 else ''}; binary classification needs two"
        )
    return Dataset(
        X=X,
        y=y,
        feature_names=feature_cols,
        target_names=[str(v) for v in labels],
        name=path.name,
        description=f"Table {path} with target column {target!r}.",
        needs_scaling=_needs_scaling(X),
    )
